//! Files the console writes in the background (the month's timesheet of a whole
//! company): who asked, how far the writing is (`done` of `total` employees), and, once
//! written, the file itself, kept a day for its download. In the database rather than
//! in a node's memory, so any node answers the progress page and the download.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_pk_auto, blob_null, string, text_null};

use super::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("file_exports")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(big_integer("user_id"))
                    .col(string("status"))
                    .col(big_integer("done"))
                    .col(big_integer("total"))
                    .col(string("file_name"))
                    .col(string("content_type"))
                    .col(blob_null("body"))
                    .col(text_null("error"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .foreign_key(&mut reference("file_exports", "user_id", "users"))
                    .foreign_key(&mut reference("file_exports", "company_id", "companies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("file_exports", &["user_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("file_exports").to_owned())
            .await
    }
}

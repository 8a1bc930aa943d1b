//! Sessions of the web console: one row per signed-in browser, found by the SHA-256 of
//! its cookie, with the CSRF token of its forms and the instant it was last used (a
//! session unused for longer than the console's idle limit is over).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_pk_auto, string, text_uniq};

use super::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("console_sessions")
                    .col(big_pk_auto("id"))
                    .col(text_uniq("token_hash"))
                    .col(big_integer("user_id"))
                    .col(string("csrf_token"))
                    .col(big_integer("created_at"))
                    .col(big_integer("last_seen_at"))
                    .foreign_key(&mut reference("console_sessions", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("console_sessions", &["user_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("console_sessions").to_owned())
            .await
    }
}

//! The comment a decider gave with an approval or a rejection of a time-off (the
//! console asks for one; the API's decisions carry none and leave it empty).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("time_offs")
                    .add_column(text_null("decision_comment"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("time_offs")
                    .drop_column("decision_comment")
                    .to_owned(),
            )
            .await
    }
}

//! Transferred working days in the holiday calendar (kind `workday`, CONTRACT.md §9):
//! the ISO weekday (1–7) the date is worked as; `NULL` for the other kinds.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::small_integer_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("holidays")
                    .add_column(small_integer_null("as_weekday"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("holidays")
                    .drop_column("as_weekday")
                    .to_owned(),
            )
            .await
    }
}

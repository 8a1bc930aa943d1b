//! Each time-off type's code on the monthly timesheet (T-13: ОТ, Б, ДО, К…);
//! `NULL` lets the time-off's pay decide (ОТ paid, ДО unpaid).

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
                    .table("time_off_types")
                    .add_column(text_null("timesheet_code"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("time_off_types")
                    .drop_column("timesheet_code")
                    .to_owned(),
            )
            .await
    }
}

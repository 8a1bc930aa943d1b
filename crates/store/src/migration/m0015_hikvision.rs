//! Hikvision access-control terminals: which employee field their employee number is
//! (`pin_code`, or `tab_number` for terminals enrolled by personnel number), and the
//! picture a terminal sends with a verification, kept with its clock event.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, blob, string};

use super::reference;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut key = string("employee_key").default("pin_code").to_owned();
        manager
            .alter_table(
                Table::alter()
                    .table("devices")
                    .add_column(&mut key)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("clock_event_pictures")
                    .col(big_integer("clock_event_id").primary_key())
                    .col(string("content_type"))
                    .col(blob("picture"))
                    .col(big_integer("received_at"))
                    .foreign_key(&mut reference(
                        "clock_event_pictures",
                        "clock_event_id",
                        "clock_events",
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("clock_event_pictures").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("devices")
                    .drop_column("employee_key")
                    .to_owned(),
            )
            .await
    }
}

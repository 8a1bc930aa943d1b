//! Whether a device's going offline was announced (the `device.offline` webhook event):
//! set once when it has not been heard from for two minutes, cleared when it is heard
//! from again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::boolean;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("devices")
                    .add_column(boolean("offline_announced").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("devices")
                    .drop_column("offline_announced")
                    .to_owned(),
            )
            .await
    }
}

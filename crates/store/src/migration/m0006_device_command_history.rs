//! The terminals' command history read by employee: which devices were sent an
//! employee's face (crate::device_commands::follow_locations) and which commands may be
//! pruned (crate::device_commands::prune_acknowledged) are found by employee and device.

use sea_orm_migration::prelude::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "device_commands",
                &["employee_id", "device_id"],
                false,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_device_commands_employee_id_device_id")
                    .table("device_commands")
                    .to_owned(),
            )
            .await
    }
}

//! Whether a company stores face templates only for employees whose consent to it is
//! recorded (off by default, as the Workly API has no such condition).

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
                    .table("companies")
                    .add_column(boolean("biometric_consent_required").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("companies")
                    .drop_column("biometric_consent_required")
                    .to_owned(),
            )
            .await
    }
}

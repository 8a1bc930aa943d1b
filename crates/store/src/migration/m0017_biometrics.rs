//! Biometric data under Uzbekistan's Law on Personal Data: an employee's consent to
//! keeping their face template (the day it was given and who recorded it), and how many
//! days after a dismissal a company keeps templates (30 by default) before they are
//! erased from davomat and the terminals.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date_null, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("employees", date_null("biometric_consent_on")),
            ("employees", text_null("biometric_consent_by")),
            (
                "companies",
                big_integer("biometric_retention_days")
                    .default(30)
                    .to_owned(),
            ),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("companies", "biometric_retention_days"),
            ("employees", "biometric_consent_by"),
            ("employees", "biometric_consent_on"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Voided clock events (issue 14's corrections): a wrong event is kept with who voided
//! it, when and why, and every read of events for reports and the engine leaves it out.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One column per statement: SQLite's `ALTER TABLE` adds one at a time.
fn add(column: ColumnDef) -> TableAlterStatement {
    Table::alter()
        .table("clock_events")
        .add_column(column)
        .to_owned()
}

fn drop(column: &'static str) -> TableAlterStatement {
    Table::alter()
        .table("clock_events")
        .drop_column(column)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            big_integer_null("voided_at"),
            big_integer_null("voided_by"),
            text_null("void_reason"),
        ] {
            manager.alter_table(add(column)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["void_reason", "voided_by", "voided_at"] {
            manager.alter_table(drop(column)).await?;
        }
        Ok(())
    }
}

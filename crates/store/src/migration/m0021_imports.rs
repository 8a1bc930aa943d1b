//! Imports from another Workly API server (`davomat import workly`): which object of the
//! source became which object here (`import_links`, so that a re-run adds only what is
//! new), and which days of the source's clock events have been read whole
//! (`import_days`, so that an interrupted import goes on where it stopped).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_pk_auto, boolean, string, text};

use super::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("import_links")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    // The source: its base URL and its company's id there.
                    .col(text("source"))
                    // `department`, `position`, `location`, `schedule`, `employee`,
                    // `time_off_type`, `time_off`, `holiday`, `company`.
                    .col(string("kind"))
                    .col(string("source_id"))
                    .col(big_integer("target_id"))
                    // A schedule made from what the source could tell (title and
                    // type): its definition is to be completed by hand.
                    .col(boolean("draft").default(false))
                    .col(big_integer("created_at"))
                    .foreign_key(&mut reference("import_links", "company_id", "companies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "import_links",
                &["company_id", "source", "kind", "source_id"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_days")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(text("source"))
                    // `YYYY-MM-DD` in the company's zone.
                    .col(string("day"))
                    .col(big_integer("events"))
                    .col(big_integer("created_at"))
                    .foreign_key(&mut reference("import_days", "company_id", "companies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("import_days", &["company_id", "source", "day"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["import_days", "import_links"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

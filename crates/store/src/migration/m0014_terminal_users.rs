//! The users a ZKTeco-family terminal should hold follow the roster: every write that
//! can change who is employed, their PIN, name or locations notes the employee in
//! `roster_changes` (in the same transaction); a terminal reads the changes after its
//! cursor at its next poll and queues `DATA UPDATE USERINFO` / `DATA DELETE USERINFO`
//! for the difference with `terminal_users`, what davomat last told it to hold. A
//! terminal without a cursor (just claimed, or moved to another location) compares the
//! whole roster of its location.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, big_integer_null, big_pk_auto, string};

use super::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut cursor = big_integer_null("roster_cursor");
        manager
            .alter_table(
                Table::alter()
                    .table("devices")
                    .add_column(&mut cursor)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("roster_changes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(big_integer("employee_id"))
                    .col(big_integer("changed_at"))
                    .foreign_key(&mut reference("roster_changes", "company_id", "companies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("roster_changes", &["company_id", "id"], false))
            .await?;
        // No foreign key to employees: a removed employee's row says which PIN the
        // terminal must forget.
        manager
            .create_table(
                Table::create()
                    .table("terminal_users")
                    .col(big_integer("device_id"))
                    .col(big_integer("employee_id"))
                    .col(string("pin_code"))
                    .col(string("digest"))
                    .primary_key(Index::create().col("device_id").col("employee_id"))
                    .foreign_key(&mut reference("terminal_users", "device_id", "devices"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["terminal_users", "roster_changes"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("devices")
                    .drop_column("roster_cursor")
                    .to_owned(),
            )
            .await
            .map(|_| ())
    }
}

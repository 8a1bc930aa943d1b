//! Terminals that push over the ZKTeco ADMS / iclock protocol, known by serial number:
//! what a claimed one last told (firmware, user and log counts, the stamps of what it
//! has uploaded), how its punches are read as in or out, the network it may call from;
//! serials davomat has heard from but nobody has claimed (pending), the lines they sent
//! kept aside (quarantine, also lines too far ahead in time), punches whose PIN matched
//! no employee (unmatched, to attach later), and the commands queued for a terminal
//! with their results. Clock events keep the terminal's verify mode and work code.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, string, string_null, text, text_null, text_uniq,
};

use super::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One added column (SQLite takes one per statement).
async fn add(
    manager: &SchemaManager<'_>,
    table: &'static str,
    column: ColumnDef,
) -> Result<(), DbErr> {
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            "devices",
            string("direction_rule").default("status").to_owned(),
        )
        .await?;
        add(manager, "devices", text_null("allowed_network")).await?;
        add(manager, "devices", text_null("firmware")).await?;
        add(manager, "devices", string_null("push_version")).await?;
        add(manager, "devices", big_integer_null("user_count")).await?;
        add(manager, "devices", big_integer_null("log_count")).await?;
        add(manager, "devices", string_null("attlog_stamp")).await?;
        add(manager, "devices", string_null("operlog_stamp")).await?;
        add(manager, "clock_events", big_integer_null("verify_mode")).await?;
        add(manager, "clock_events", string_null("work_code")).await?;
        manager
            .create_table(
                Table::create()
                    .table("pending_terminals")
                    .col(big_pk_auto("id"))
                    .col(text_uniq("serial_number"))
                    .col(string("source_address"))
                    .col(string_null("push_version"))
                    .col(big_integer("first_seen_at"))
                    .col(big_integer("last_seen_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("quarantined_lines")
                    .col(big_pk_auto("id"))
                    .col(string("serial_number"))
                    .col(string("table_name"))
                    .col(text("line"))
                    .col(string("reason"))
                    .col(big_integer("received_at"))
                    .col(big_integer_null("imported_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "quarantined_lines",
                &["serial_number", "received_at"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("unmatched_punches")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(big_integer("device_id"))
                    .col(string("pin"))
                    .col(big_integer("at"))
                    .col(string("direction"))
                    .col(big_integer_null("verify_mode"))
                    .col(string_null("work_code"))
                    .col(string("uid"))
                    .col(big_integer("received_at"))
                    .col(big_integer_null("attached_event_id"))
                    .foreign_key(&mut reference("unmatched_punches", "device_id", "devices"))
                    .foreign_key(&mut reference(
                        "unmatched_punches",
                        "company_id",
                        "companies",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("unmatched_punches", &["device_id", "uid"], true))
            .await?;
        manager
            .create_index(index(
                "unmatched_punches",
                &["company_id", "received_at"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("terminal_commands")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(big_integer("device_id"))
                    .col(text("command"))
                    .col(string("status"))
                    .col(big_integer_null("return_code"))
                    .col(big_integer("created_at"))
                    .col(big_integer_null("sent_at"))
                    .col(big_integer_null("done_at"))
                    .foreign_key(&mut reference("terminal_commands", "device_id", "devices"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("terminal_commands", &["device_id", "status"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "terminal_commands",
            "unmatched_punches",
            "quarantined_lines",
            "pending_terminals",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            ("clock_events", "work_code"),
            ("clock_events", "verify_mode"),
            ("devices", "operlog_stamp"),
            ("devices", "attlog_stamp"),
            ("devices", "log_count"),
            ("devices", "user_count"),
            ("devices", "push_version"),
            ("devices", "firmware"),
            ("devices", "allowed_network"),
            ("devices", "direction_rule"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

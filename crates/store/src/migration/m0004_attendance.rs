//! Attendance: the holiday calendar, time-off types, employees' time-offs and the clock
//! events the engine turns into report days. Instants are unix seconds (UTC); a
//! device event carries the device's own id for it (`device_uid`), unique per device,
//! which makes a resent batch store each event once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            // A holiday (`kind` holiday) or a shortened pre-holiday day (`shortened`).
            Table::create()
                .table("holidays")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(date("date"))
                .col(text("title"))
                .col(text("kind"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "holidays",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("time_off_types")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("title"))
                .col(text("description"))
                .col(text("color"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "time_off_types",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            // `status`: 0 pending, 1 accepted, 2 rejected, 3 deleted.
            Table::create()
                .table("time_offs")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(big_integer("employee_id"))
                .col(big_integer("type_id"))
                .col(text("absence_type"))
                .col(big_integer("start_at"))
                .col(big_integer("end_at"))
                .col(text_null("description"))
                .col(big_integer("status"))
                .col(boolean("paid"))
                .col(big_integer_null("created_by"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "time_offs",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "time_offs",
                    "employee_id",
                    "employees",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "time_offs",
                    "type_id",
                    "time_off_types",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            // `kind` in/out; `mode` manual (entered for another employee) or auto.
            Table::create()
                .table("clock_events")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(big_integer("employee_id"))
                .col(text("kind"))
                .col(big_integer("at"))
                .col(big_integer_null("location_id"))
                .col(text("mode"))
                .col(big_integer_null("device_id"))
                .col(text_null("device_uid"))
                .col(text_null("ip"))
                .col(text_null("latitude"))
                .col(text_null("longitude"))
                .col(big_integer_null("created_by"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "clock_events",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "clock_events",
                    "employee_id",
                    "employees",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "clock_events",
                    "location_id",
                    "locations",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut foreign_key(
                    "clock_events",
                    "device_id",
                    "devices",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        for statement in [
            index("holidays", &["company_id", "date"], true),
            index("time_off_types", &["company_id"], false),
            index("time_offs", &["employee_id", "start_at"], false),
            index("time_offs", &["company_id", "start_at"], false),
            index("time_offs", &["type_id"], false),
            index("clock_events", &["employee_id", "at"], false),
            index("clock_events", &["company_id", "at"], false),
            index("clock_events", &["device_id", "device_uid"], true),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["clock_events", "time_offs", "time_off_types", "holidays"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

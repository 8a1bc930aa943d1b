//! The one migration set, applied on SQLite and PostgreSQL alike.
//!
//! Schema statements are built with sea-query so that each backend gets its own SQL
//! from the same definition. Instants are stored as integer unix seconds (UTC), dates
//! as `DATE`, money (later) as integer minor units.

mod m0001_foundation;
mod m0002_directory;
mod m0003_employee_list;
mod m0004_attendance;
mod m0005_payroll_faces;
mod m0006_device_command_history;
mod m0007_console_sessions;
mod m0008_clock_event_voids;
mod m0009_holiday_workdays;
mod m0010_time_off_type_codes;
mod m0011_file_exports;
mod m0012_time_off_comments;
mod m0013_terminals;
mod m0014_terminal_users;
mod m0015_hikvision;
mod m0016_kiosks;
mod m0017_biometrics;
mod m0018_biometric_consent_required;
mod m0019_webhooks;
mod m0020_device_offline;
mod m0021_imports;

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_directory::Migration),
            Box::new(m0003_employee_list::Migration),
            Box::new(m0004_attendance::Migration),
            Box::new(m0005_payroll_faces::Migration),
            Box::new(m0006_device_command_history::Migration),
            Box::new(m0007_console_sessions::Migration),
            Box::new(m0008_clock_event_voids::Migration),
            Box::new(m0009_holiday_workdays::Migration),
            Box::new(m0010_time_off_type_codes::Migration),
            Box::new(m0011_file_exports::Migration),
            Box::new(m0012_time_off_comments::Migration),
            Box::new(m0013_terminals::Migration),
            Box::new(m0014_terminal_users::Migration),
            Box::new(m0015_hikvision::Migration),
            Box::new(m0016_kiosks::Migration),
            Box::new(m0017_biometrics::Migration),
            Box::new(m0018_biometric_consent_required::Migration),
            Box::new(m0019_webhooks::Migration),
            Box::new(m0020_device_offline::Migration),
            Box::new(m0021_imports::Migration),
        ]
    }
}

/// A foreign key whose rows go with the row they point at.
pub(super) fn reference(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    foreign_key(table, column, target, ForeignKeyAction::Cascade)
}

/// A foreign key that keeps its target from being deleted while in use.
pub(super) fn restricting(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    foreign_key(table, column, target, ForeignKeyAction::Restrict)
}

pub(super) fn foreign_key(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .to_owned()
}

pub(super) fn index(
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

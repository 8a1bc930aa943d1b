//! The one migration set, applied on SQLite and PostgreSQL alike.
//!
//! Schema statements are built with sea-query so that each backend gets its own SQL
//! from the same definition. Instants are stored as integer unix seconds (UTC), dates
//! as `DATE`, money (later) as integer minor units.

mod m0001_foundation;
mod m0002_directory;

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_directory::Migration),
        ]
    }
}

//! The index `GET /v1/employees` pages through: a company's employees of one status in
//! the list's default order (search name, then id), so that any page of the default
//! list is an index walk, with no sort of the company and no visit of the rows before
//! it (docs/performance-employees.md). On PostgreSQL the names are ordered byte-wise
//! (`COLLATE "C"`), as the list sorts them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let collate = match manager.get_database_backend() {
            DbBackend::Postgres => " COLLATE \"C\"",
            _ => "",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX ix_employees_company_id_status_search_name_id \
                 ON employees (company_id, status, search_name{collate}, id)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_employees_company_id_status_search_name_id")
            .await?;
        Ok(())
    }
}

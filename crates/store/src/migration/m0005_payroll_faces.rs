//! Payroll and faces: salary rates, payroll rules and automatic fines with each
//! employee's periods of them, face templates with their thumbnails, and the queue of
//! commands the face-ID terminals fetch.
//!
//! Money is integer minor units (tiyin): SQLite has no exact decimal. A period's
//! `end_date` is `9999-12-31` while it is the employee's open one; a new period closes
//! the open one the day before it starts, so each employee has at most one open period
//! of each kind.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A period table: `employee_id` holds `what` (`None` for salary rates, which hold
/// their own amount) from `start_date` to `end_date`.
fn periods(
    table: &'static str,
    what: Option<(&'static str, &'static str)>,
) -> TableCreateStatement {
    let mut statement = Table::create();
    statement
        .table(table)
        .col(big_pk_auto("id"))
        .col(big_integer("company_id"))
        .col(big_integer("employee_id"));
    if let Some((column, _)) = what {
        statement.col(big_integer(column));
    } else {
        // 1 hourly, 2 weekly, 3 monthly, 4 daily; `rate` in minor units.
        statement
            .col(big_integer("type_col"))
            .col(big_integer("rate"));
    }
    statement
        .col(date("start_date"))
        .col(date("end_date"))
        .col(big_integer("created_at"))
        .foreign_key(&mut foreign_key(
            table,
            "company_id",
            "companies",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut foreign_key(
            table,
            "employee_id",
            "employees",
            ForeignKeyAction::Cascade,
        ));
    if let Some((column, target)) = what {
        statement.foreign_key(&mut foreign_key(
            table,
            column,
            target,
            ForeignKeyAction::Restrict,
        ));
    }
    statement.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("payroll_rules")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("title"))
                .col(boolean("otc_algorithm_daily"))
                .col(boolean("is_active"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "payroll_rules",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            // `amount` in minor units; `amount_type` 0 a fixed sum, 1 a percentage.
            Table::create()
                .table("fines")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("title"))
                .col(boolean("is_active"))
                .col(boolean("has_dayly_fine"))
                .col(big_integer("amount"))
                .col(big_integer("amount_type"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "fines",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            periods("salary_rates", None),
            periods(
                "person_payrolls",
                Some(("payroll_rule_id", "payroll_rules")),
            ),
            periods("person_fines", Some(("fine_id", "fines"))),
            // The employee's current face template (one per employee) and its two
            // thumbnails; `photo_key` is the unguessable `k` of the photo URLs, new on
            // every upload.
            Table::create()
                .table("faces")
                .col(big_integer("employee_id").primary_key())
                .col(big_integer("company_id"))
                .col(text("photo_key"))
                .col(text("format"))
                .col(big_integer("width"))
                .col(big_integer("height"))
                .col(blob("original"))
                .col(blob("small"))
                .col(blob("medium"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "faces",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "faces",
                    "employee_id",
                    "employees",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            // A command for one terminal: `kind` addface/deleteface. `employee_id` has no
            // foreign key: a deleteface must outlive the employee it names.
            Table::create()
                .table("device_commands")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(big_integer("device_id"))
                .col(big_integer("employee_id"))
                .col(text("kind"))
                .col(text("pin_code"))
                .col(big_integer("created_at"))
                .col(big_integer_null("acked_at"))
                .foreign_key(&mut foreign_key(
                    "device_commands",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "device_commands",
                    "device_id",
                    "devices",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        for statement in [
            index("payroll_rules", &["company_id"], false),
            index("fines", &["company_id"], false),
            index("salary_rates", &["employee_id", "end_date"], false),
            index("person_payrolls", &["employee_id", "end_date"], false),
            index("person_payrolls", &["payroll_rule_id"], false),
            index("person_fines", &["employee_id", "end_date"], false),
            index("person_fines", &["fine_id"], false),
            index("device_commands", &["device_id", "acked_at"], false),
        ] {
            manager.create_index(statement).await?;
        }
        // At most one open period of each kind per employee, whatever two concurrent
        // requests decide: the second insert fails instead of leaving two open periods.
        for table in ["salary_rates", "person_payrolls", "person_fines"] {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE UNIQUE INDEX ux_{table}_open ON {table} (employee_id) \
                     WHERE end_date = '9999-12-31'"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "device_commands",
            "faces",
            "person_fines",
            "person_payrolls",
            "salary_rates",
            "fines",
            "payroll_rules",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! The company directory beyond the foundation: positions, devices, and the dated
//! history of each employee's department and positions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("positions")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("title"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "positions",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            // One row per period an employee held a position; `end_date` NULL while open.
            Table::create()
                .table("employee_positions")
                .col(big_pk_auto("id"))
                .col(big_integer("employee_id"))
                .col(big_integer("position_id"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "employee_positions",
                    "employee_id",
                    "employees",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "employee_positions",
                    "position_id",
                    "positions",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            // One row per period an employee belonged to a department.
            Table::create()
                .table("employee_departments")
                .col(big_pk_auto("id"))
                .col(big_integer("employee_id"))
                .col(big_integer("department_id"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "employee_departments",
                    "employee_id",
                    "employees",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "employee_departments",
                    "department_id",
                    "departments",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
            Table::create()
                .table("devices")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text_uniq("serial_number"))
                .col(text("kind"))
                .col(big_integer_null("location_id"))
                .col(text("time_zone"))
                .col(big_integer_null("battery_level"))
                .col(text_null("os_type"))
                .col(text_null("os_version"))
                .col(text_null("app_version"))
                .col(text_null("logged_user_name"))
                .col(boolean("additional_button"))
                .col(boolean("save_image_gallery"))
                .col(boolean("front_camera"))
                .col(boolean("photo_audit"))
                .col(boolean("qr_code"))
                .col(big_integer_null("last_request_at"))
                .col(text_uniq("token_hash"))
                .col(big_integer("created_at"))
                .foreign_key(&mut foreign_key(
                    "devices",
                    "company_id",
                    "companies",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "devices",
                    "location_id",
                    "locations",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        // Lifecycle of an employee: the last day employed (a future one is a pending
        // dismissal) and a pending re-hire with what it will set.
        let lifecycle = [
            Table::alter()
                .table("employees")
                .add_column(date_null("dismissal_date"))
                .to_owned(),
            Table::alter()
                .table("employees")
                .add_column(date_null("recovery_date"))
                .to_owned(),
            Table::alter()
                .table("employees")
                .add_column(text_null("recovery_plan"))
                .to_owned(),
        ];
        for statement in lifecycle {
            manager.alter_table(statement).await?;
        }
        // A tab number is unique in the company when set.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ix_employees_company_id_tab_number ON employees (company_id, tab_number) \
                 WHERE tab_number <> ''",
            )
            .await?;
        for statement in [
            index("positions", &["company_id"], false),
            index("employee_positions", &["employee_id", "start_date"], false),
            index("employee_positions", &["position_id"], false),
            index(
                "employee_departments",
                &["employee_id", "start_date"],
                false,
            ),
            index("employee_departments", &["department_id"], false),
            index("devices", &["company_id"], false),
            index("devices", &["location_id"], false),
            index("locations", &["company_id"], false),
            index("schedules", &["company_id"], false),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "devices",
            "employee_departments",
            "employee_positions",
            "positions",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

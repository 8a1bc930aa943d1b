//! Foundation schema: companies, API clients, users and their tokens, the activity log,
//! the system state (maintenance flag), and the minimum of departments, schedules,
//! locations and employees that a company needs for its admin's employee profile.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{index, reference, restricting};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("companies")
                .col(big_pk_auto("id"))
                .col(text("name"))
                .col(text("status"))
                .col(text("time_zone"))
                .col(text("lang"))
                .col(big_integer_null("employee_limit"))
                .col(big_integer("created_at"))
                .to_owned(),
            Table::create()
                .table("api_clients")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text_uniq("client_id"))
                .col(text("secret_hash"))
                .col(text("state"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("api_clients", "company_id", "companies"))
                .to_owned(),
            Table::create()
                .table("departments")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(big_integer_null("pid"))
                .col(text("title"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("departments", "company_id", "companies"))
                .foreign_key(&mut reference("departments", "pid", "departments"))
                .to_owned(),
            Table::create()
                .table("schedules")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("title"))
                .col(big_integer("kind"))
                .col(text("definition"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("schedules", "company_id", "companies"))
                .to_owned(),
            Table::create()
                .table("locations")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("title"))
                .col(text("lat"))
                .col(text("lon"))
                .col(big_integer_null("radius"))
                .col(text_null("address"))
                .col(text_null("ipv4"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("locations", "company_id", "companies"))
                .to_owned(),
            Table::create()
                .table("employees")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text("first_name"))
                .col(text("last_name"))
                .col(text("patronymic"))
                .col(text_null("gender"))
                .col(date_null("birth_date"))
                .col(date("start_date"))
                .col(date("schedule_start_date"))
                .col(text("pin_code"))
                .col(text("qrcode"))
                .col(text("tab_number"))
                .col(text("home_address"))
                .col(text("home_phone"))
                .col(text("work_phone"))
                .col(text("mobile_phone"))
                .col(text_null("notes"))
                .col(text("bank_book"))
                // Derived from the name parts on every write: the API's `full_name`, its
                // lowercase form for case-insensitive search and sorting, and the first
                // letter of the first name for `f=letter`.
                .col(text("full_name"))
                .col(text("search_name"))
                .col(text("first_letter"))
                .col(big_integer("department_id"))
                .col(big_integer("schedule_id"))
                .col(text("status"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("employees", "company_id", "companies"))
                .foreign_key(&mut restricting(
                    "employees",
                    "department_id",
                    "departments",
                ))
                .foreign_key(&mut restricting("employees", "schedule_id", "schedules"))
                .to_owned(),
            Table::create()
                .table("employee_locations")
                .col(big_integer("employee_id"))
                .col(big_integer("location_id"))
                .primary_key(Index::create().col("employee_id").col("location_id"))
                .foreign_key(&mut reference(
                    "employee_locations",
                    "employee_id",
                    "employees",
                ))
                .foreign_key(&mut reference(
                    "employee_locations",
                    "location_id",
                    "locations",
                ))
                .to_owned(),
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(text_uniq("email"))
                .col(text_null("password_hash"))
                .col(big_integer("role"))
                .col(big_integer_null("employee_id"))
                .col(text("fiotype"))
                .col(text("date_format"))
                .col(text("time_zone"))
                .col(text("ampm"))
                .col(text("lang"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("users", "company_id", "companies"))
                .foreign_key(&mut reference("users", "employee_id", "employees"))
                .to_owned(),
            Table::create()
                .table("user_departments")
                .col(big_integer("user_id"))
                .col(big_integer("department_id"))
                .primary_key(Index::create().col("user_id").col("department_id"))
                .foreign_key(&mut reference("user_departments", "user_id", "users"))
                .foreign_key(&mut reference(
                    "user_departments",
                    "department_id",
                    "departments",
                ))
                .to_owned(),
            Table::create()
                .table("access_tokens")
                .col(big_pk_auto("id"))
                .col(text_uniq("token_hash"))
                .col(big_integer("user_id"))
                .col(big_integer("api_client_id"))
                .col(big_integer("expires_at"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("access_tokens", "user_id", "users"))
                .foreign_key(&mut reference(
                    "access_tokens",
                    "api_client_id",
                    "api_clients",
                ))
                .to_owned(),
            Table::create()
                .table("refresh_tokens")
                .col(big_pk_auto("id"))
                .col(text_uniq("token_hash"))
                .col(big_integer("user_id"))
                .col(big_integer("api_client_id"))
                .col(big_integer("expires_at"))
                .col(big_integer_null("used_at"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("refresh_tokens", "user_id", "users"))
                .foreign_key(&mut reference(
                    "refresh_tokens",
                    "api_client_id",
                    "api_clients",
                ))
                .to_owned(),
            Table::create()
                .table("password_resets")
                .col(big_pk_auto("id"))
                .col(text_uniq("token_hash"))
                .col(big_integer("user_id"))
                .col(big_integer("expires_at"))
                .col(big_integer_null("used_at"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("password_resets", "user_id", "users"))
                .to_owned(),
            Table::create()
                .table("activity_log")
                .col(big_pk_auto("id"))
                .col(big_integer("company_id"))
                .col(big_integer_null("user_id"))
                .col(text("action_name"))
                .col(big_integer_null("object_id"))
                .col(big_integer_null("person_id"))
                .col(text_null("assigned"))
                .col(text_null("happened_on"))
                .col(text("message"))
                .col(big_integer("created_at"))
                .foreign_key(&mut reference("activity_log", "company_id", "companies"))
                .to_owned(),
            Table::create()
                .table("system_state")
                .col(text("key").primary_key())
                .col(text("value"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        let indexes = [
            index("api_clients", &["company_id"], false),
            index("departments", &["company_id", "pid"], false),
            index("employees", &["company_id", "status"], false),
            index("employees", &["company_id", "pin_code"], true),
            index("employees", &["company_id", "qrcode"], true),
            index("employees", &["department_id"], false),
            index("employees", &["company_id", "search_name"], false),
            index("employee_locations", &["location_id"], false),
            index("users", &["company_id"], false),
            index("users", &["employee_id"], true),
            index("access_tokens", &["user_id"], false),
            index("refresh_tokens", &["user_id"], false),
            index("activity_log", &["company_id", "created_at"], false),
            index(
                "activity_log",
                &["company_id", "action_name", "created_at"],
                false,
            ),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "system_state",
            "activity_log",
            "password_resets",
            "refresh_tokens",
            "access_tokens",
            "user_departments",
            "users",
            "employee_locations",
            "employees",
            "locations",
            "schedules",
            "departments",
            "api_clients",
            "companies",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

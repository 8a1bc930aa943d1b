//! Webhooks: a company's subscriptions (a URL, its signing secret, the events it asks
//! for) and their deliveries — the outbox: one row per event and subscription, written
//! in the transaction of the change that caused it, then claimed by one node's worker,
//! sent, and kept with its status, attempts and last error (the delivery log).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, boolean, integer, integer_null, string, text,
    text_null,
};

use super::{index, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhooks")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(text("url"))
                    .col(string("secret"))
                    // The event names, comma-separated (`clock.in,clock.out`).
                    .col(text("events"))
                    .col(boolean("active").default(true))
                    .col(big_integer("created_at"))
                    .foreign_key(&mut reference("webhooks", "company_id", "companies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhooks", &["company_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(big_pk_auto("id"))
                    .col(big_integer("company_id"))
                    .col(big_integer("webhook_id"))
                    .col(string("event"))
                    .col(text("payload"))
                    // `pending`, `delivered`, `failed` (gave up after a day).
                    .col(string("status"))
                    .col(integer("attempts").default(0))
                    .col(big_integer("next_attempt_at"))
                    .col(big_integer_null("claimed_until"))
                    .col(integer_null("last_status"))
                    .col(text_null("last_error"))
                    .col(big_integer("created_at"))
                    // Tried until then (a day after the event, or after a resend).
                    .col(big_integer("expires_at"))
                    .col(big_integer_null("delivered_at"))
                    .foreign_key(&mut reference(
                        "webhook_deliveries",
                        "webhook_id",
                        "webhooks",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                &["status", "next_attempt_at"],
                false,
            ))
            .await?;
        manager
            .create_index(index("webhook_deliveries", &["webhook_id", "id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_deliveries", "webhooks"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

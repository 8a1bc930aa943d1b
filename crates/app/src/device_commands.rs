//! The command queue of the device API (ext, CONTRACT.md §5), as a terminal works it:
//! acknowledging a command it has carried out, so that it is not sent again. Only the
//! device's own commands are its to acknowledge; acknowledging one again changes
//! nothing and succeeds. Nothing cached shows whether a command was acknowledged, and
//! no activity row is written (a device is not a user).

use davomat_store::Store;
use davomat_store::device_commands;

use crate::error::{AppError, AppResult};
use crate::terminal_events::Terminal;

/// Marks the terminal's command `id` done ([`AppError::NotFound`] when it is not one of
/// the terminal's commands: another device's, dropped for a newer one, or never queued).
pub async fn acknowledge(store: &Store, terminal: &Terminal, id: i64, now: i64) -> AppResult<()> {
    let writer = store.write_connection().await;
    writer.changes_nothing_cached();
    let known =
        device_commands::acknowledge(&writer, terminal.company_id, terminal.device_id, id, now)
            .await?;
    if known {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

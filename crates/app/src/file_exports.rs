//! The month's timesheet written in the background for the console: a company's month
//! is thousands of employees, so the console does not hold a request open while it is
//! written. Asking starts the writing on this node ([`start_timesheet_file`]) and
//! answers an id; the page of that id shows how many employees are written and, once
//! done, links the file, kept a day in the database so that any node serves the page
//! and the download. A file whose writing stopped being heard of (its node stopped)
//! reads as failed.

use davomat_core::page::PageRequest;
use davomat_store::Store;
use davomat_store::file_exports::{self, ExportStatus, FileExport};

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::exports::{self, MonthFile};
use crate::timesheets::{self, MonthQuery};

/// Written files are kept this long (seconds) after they were asked for.
const KEPT_FOR: i64 = 24 * 3600;

/// A running file not heard of for this long (seconds) stopped with its node.
const SILENT_FOR: i64 = 300;

/// The error a stopped writing reads with.
pub const INTERRUPTED: &str = "interrupted";

/// Starts writing the month's file of the query (paging ignored) for the caller and
/// answers its id. Who may read the month is checked before anything is started (403,
/// 404 for an unknown department), as the download would. `clock` answers the time for
/// the progress notes.
pub async fn start_timesheet_file(
    store: &Store,
    caller: &Caller,
    query: &MonthQuery,
    file: MonthFile,
    clock: impl Fn() -> i64 + Send + Sync + 'static,
) -> AppResult<i64> {
    let mut probe = query.clone();
    probe.page = Some(PageRequest {
        page: 1,
        per_page: 1,
    });
    timesheets::month(store, caller, &probe, clock()).await?;
    let format = file.format();
    let month = query.month.format("%Y-%m");
    let name = format!("t13-{month}.{}", format.extension());
    let now = clock();
    let id = {
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        file_exports::forget_before(&writer, now - KEPT_FOR).await?;
        file_exports::start(
            &writer,
            caller.company_id,
            caller.user_id,
            &name,
            format.content_type(),
            now,
        )
        .await?
    };
    let (store, caller, query) = (store.clone(), caller.clone(), query.clone());
    tokio::spawn(async move {
        let progress = |done: u64, total: u64| {
            let (store, now) = (store.clone(), clock());
            async move {
                let writer = store.write_connection().await;
                writer.changes_nothing_cached();
                // A missed progress note only delays the bar.
                let _ = file_exports::progress(&writer, id, done as i64, total as i64, now).await;
            }
        };
        let written =
            exports::timesheet_file(&store, &caller, &query, file, clock(), progress).await;
        let writer = store.write_connection().await;
        writer.changes_nothing_cached();
        let noted = match written {
            Ok((name, bytes)) => {
                let name = format!("{name}.{}", format.extension());
                file_exports::finish(&writer, id, &name, bytes, clock()).await
            }
            Err(err) => file_exports::fail(&writer, id, &err.to_string(), clock()).await,
        };
        if let Err(err) = noted {
            tracing::error!(export = id, %err, "a written file could not be kept");
        }
    });
    Ok(id)
}

/// The caller's file of that id (404 when it is not theirs or forgotten); a running one
/// not heard of for [`SILENT_FOR`] reads as failed, [`INTERRUPTED`].
pub async fn find(store: &Store, caller: &Caller, id: i64, now: i64) -> AppResult<FileExport> {
    let mut found = file_exports::find(store, caller.company_id, caller.user_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.status == ExportStatus::Running && now - found.updated_at > SILENT_FOR {
        found.status = ExportStatus::Failed;
        found.error = Some(INTERRUPTED.to_string());
    }
    Ok(found)
}

/// The caller's written file of that id and its bytes (404 when not written).
pub async fn download(
    store: &Store,
    caller: &Caller,
    id: i64,
    now: i64,
) -> AppResult<(FileExport, Vec<u8>)> {
    let found = find(store, caller, id, now).await?;
    let body = file_exports::body(store, caller.company_id, caller.user_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((found, body))
}

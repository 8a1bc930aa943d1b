//! Files written in the background (`davomat_app::file_exports`): `GET /files/{id}`
//! shows how far the writing is — a progress bar of employees written, asked for again
//! every second (htmx polling of `GET /files/{id}/status`, or a link without
//! scripts) — then the download, `GET /files/{id}/download`. A file is its asker's only.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use davomat_api::AppState;
use davomat_app::file_exports;
use davomat_store::file_exports::{ExportStatus, FileExport};

use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::Signed;

/// What the status part shows.
struct FileView {
    id: i64,
    name: String,
    running: bool,
    written: bool,
    done: i64,
    /// At least 1, for the progress bar's maximum.
    total: i64,
    percent: i64,
    error: String,
}

impl FileView {
    fn of(file: FileExport, t: &Words) -> FileView {
        let total = file.total.max(1);
        FileView {
            id: file.id,
            running: file.status == ExportStatus::Running,
            written: file.status == ExportStatus::Done,
            done: file.done,
            total,
            percent: file.done * 100 / total,
            error: match file.error.as_deref() {
                Some(file_exports::INTERRUPTED) => t.get("file-interrupted"),
                Some(other) => other.to_string(),
                None => String::new(),
            },
            name: file.file_name,
        }
    }
}

#[derive(Template)]
#[template(path = "file.html")]
struct FilePage {
    frame: Frame,
    t: Words,
    file: FileView,
}

#[derive(Template)]
#[template(path = "file_status.html")]
struct StatusPart {
    t: Words,
    file: FileView,
}

/// `GET /files/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
) -> Response {
    let caller = &user.caller;
    match file_exports::find(&state.store, caller, id, state.clock.now()).await {
        Ok(file) => {
            let frame = Frame::new(&user, "timesheet");
            let t = frame.t;
            let file = FileView::of(file, &t);
            render(StatusCode::OK, &FilePage { frame, t, file })
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /files/{id}/status`: the status part alone, for the page's polling.
pub async fn status(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
) -> Response {
    let caller = &user.caller;
    match file_exports::find(&state.store, caller, id, state.clock.now()).await {
        Ok(file) => {
            let t = Words::new(caller.lang);
            let file = FileView::of(file, &t);
            render(StatusCode::OK, &StatusPart { t, file })
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /files/{id}/download`: the written file.
pub async fn download(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<i64>,
) -> Response {
    let caller = &user.caller;
    match file_exports::download(&state.store, caller, id, state.clock.now()).await {
        Ok((file, body)) => {
            let disposition = format!("attachment; filename=\"{}\"", file.file_name);
            (
                [
                    (header::CONTENT_TYPE, file.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

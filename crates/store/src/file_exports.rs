//! Files written in the background for the console (migration 0011): a row per file
//! asked for, its progress while it is written, then its bytes or the error that
//! stopped it. Each row is its asker's: every read is by company, user and id.

use davomat_core::{CompanyId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{Store, StoreResult, sql};

/// How far a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportStatus {
    Running,
    Done,
    Failed,
}

impl ExportStatus {
    fn as_str(self) -> &'static str {
        match self {
            ExportStatus::Running => "running",
            ExportStatus::Done => "done",
            ExportStatus::Failed => "failed",
        }
    }

    fn parse(text: &str) -> ExportStatus {
        match text {
            "done" => ExportStatus::Done,
            "running" => ExportStatus::Running,
            _ => ExportStatus::Failed,
        }
    }
}

/// A file being written or written, without its bytes.
#[derive(Clone, Debug)]
pub struct FileExport {
    pub id: i64,
    pub status: ExportStatus,
    pub done: i64,
    pub total: i64,
    pub file_name: String,
    pub content_type: String,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(FromQueryResult)]
struct ExportRow {
    id: i64,
    status: String,
    done: i64,
    total: i64,
    file_name: String,
    content_type: String,
    error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<ExportRow> for FileExport {
    fn from(row: ExportRow) -> Self {
        FileExport {
            id: row.id,
            status: ExportStatus::parse(&row.status),
            done: row.done,
            total: row.total,
            file_name: row.file_name,
            content_type: row.content_type,
            error: row.error,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new file, running, named and typed as it will download.
pub async fn start(
    conn: &impl ConnectionTrait,
    company: CompanyId,
    user: UserId,
    file_name: &str,
    content_type: &str,
    now: i64,
) -> StoreResult<i64> {
    sql::insert(
        conn,
        "INSERT INTO file_exports (company_id, user_id, status, done, total, file_name, \
         content_type, created_at, updated_at) VALUES ($1, $2, 'running', 0, 0, $3, $4, $5, $5)",
        vec![
            company.0.into(),
            user.0.into(),
            file_name.into(),
            content_type.into(),
            now.into(),
        ],
    )
    .await
}

/// Notes how far the writing is.
pub async fn progress(
    conn: &impl ConnectionTrait,
    id: i64,
    done: i64,
    total: i64,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE file_exports SET done = $2, total = $3, updated_at = $4 WHERE id = $1",
        vec![id.into(), done.into(), total.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Keeps the written file and its final name.
pub async fn finish(
    conn: &impl ConnectionTrait,
    id: i64,
    file_name: &str,
    body: Vec<u8>,
    now: i64,
) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE file_exports SET status = $2, file_name = $3, body = $4, done = total, \
         updated_at = $5 WHERE id = $1",
        vec![
            id.into(),
            ExportStatus::Done.as_str().into(),
            file_name.into(),
            body.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Notes why the file could not be written.
pub async fn fail(conn: &impl ConnectionTrait, id: i64, error: &str, now: i64) -> StoreResult<()> {
    sql::execute(
        conn,
        "UPDATE file_exports SET status = $2, error = $3, updated_at = $4 WHERE id = $1",
        vec![
            id.into(),
            ExportStatus::Failed.as_str().into(),
            error.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The user's file of that id, without its bytes.
pub async fn find(
    store: &Store,
    company: CompanyId,
    user: UserId,
    id: i64,
) -> StoreResult<Option<FileExport>> {
    let row: Option<ExportRow> = sql::one(
        store.conn(),
        "SELECT id, status, done, total, file_name, content_type, error, created_at, \
         updated_at FROM file_exports WHERE id = $1 AND company_id = $2 AND user_id = $3",
        vec![id.into(), company.0.into(), user.0.into()],
    )
    .await?;
    Ok(row.map(FileExport::from))
}

#[derive(FromQueryResult)]
struct BodyRow {
    body: Option<Vec<u8>>,
}

/// The bytes of the user's written file of that id.
pub async fn body(
    store: &Store,
    company: CompanyId,
    user: UserId,
    id: i64,
) -> StoreResult<Option<Vec<u8>>> {
    let row: Option<BodyRow> = sql::one(
        store.conn(),
        "SELECT body FROM file_exports WHERE id = $1 AND company_id = $2 AND user_id = $3 \
         AND status = 'done'",
        vec![id.into(), company.0.into(), user.0.into()],
    )
    .await?;
    Ok(row.and_then(|row| row.body))
}

/// Forgets files asked for before `before` (kept a day).
pub async fn forget_before(conn: &impl ConnectionTrait, before: i64) -> StoreResult<u64> {
    sql::execute(
        conn,
        "DELETE FROM file_exports WHERE created_at < $1",
        vec![before.into()],
    )
    .await
}

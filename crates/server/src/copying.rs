//! `davomat copy --from URL --to URL [--company N] [--resume]`: an instance, or one
//! company, moved between SQLite and PostgreSQL (davomat_store::copy), with a progress
//! bar on a terminal and a JSON summary of every table's rows and checksum on stdout.

use davomat_store::copy::{self, CopyRequest, CopyStep};
use davomat_store::{Store, redact_url};
use indicatif::ProgressBar;
use serde_json::json;

use crate::commands::print;

pub async fn run(from: &str, to: &str, company: Option<i64>, resume: bool) -> Result<(), String> {
    if let Some(path) = davomat_store::backup::sqlite_path(from)
        && !path.is_file()
    {
        return Err(format!(
            "copy: the source {} does not exist",
            path.display()
        ));
    }
    let source = open(from).await?;
    let target = open(to).await?;
    let bar = progress_bar();
    let request = CopyRequest { company, resume };
    let shown = bar.clone();
    let outcome = copy::copy(&source, &target, &request, &move |step| show(&shown, step)).await;
    bar.finish_and_clear();
    let report = outcome.map_err(|e| format!("copy: {e}"))?;
    print(json!({
        "copied": {
            "from": redact_url(from),
            "to": redact_url(to),
            "company": company,
            "tables": report.tables,
            "rows": report.rows,
            "written": report.written,
            "seconds": (report.seconds * 10.0).round() / 10.0,
            "verified": true,
        }
    }));
    Ok(())
}

async fn open(url: &str) -> Result<Store, String> {
    Store::connect(url)
        .await
        .map_err(|e| format!("copy: cannot open {}: {e}", redact_url(url)))
}

/// One bar, reused for each table in turn.
fn progress_bar() -> ProgressBar {
    crate::commands::progress_bar(
        "{msg:<32} [{bar:30}] {human_pos}/{human_len} rows ({per_sec}, {eta} left)",
    )
}

fn show(bar: &ProgressBar, step: CopyStep<'_>) {
    match step {
        CopyStep::Copying { table, rows, done } => {
            bar.reset();
            bar.set_length(rows);
            bar.set_position(done);
            bar.set_message(format!("copying {table}"));
        }
        CopyStep::Verifying { table, rows } => {
            bar.reset();
            bar.set_length(rows);
            bar.set_message(format!("verifying {table}"));
        }
        CopyStep::Wrote { rows } | CopyStep::Compared { rows } => bar.inc(rows),
    }
}

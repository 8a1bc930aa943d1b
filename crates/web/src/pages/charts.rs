//! `GET /charts?month=…&department=…`: the month at a glance for the caller's scope —
//! how many were on time, late, absent and on leave each day, and the hours worked by
//! department — drawn on the server as SVG (`crate::charts`), with the same numbers as
//! tables for those who would rather read them. The numbers are the timesheet's
//! (`davomat_app::timesheets::month_summary`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Months};
use davomat_api::AppState;
use davomat_app::personnel;
use davomat_app::timesheets::{self, MonthQuery};
use davomat_core::DepartmentId;
use davomat_core::engine::duration::hh_mm;
use serde::Deserialize;

use crate::charts::{Stack, bars, stacked_bars};
use crate::i18n::Words;
use crate::pages::employees::department_options;
use crate::pages::timesheet::month_text;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::Signed;

/// The page's query.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ChartsQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    department: String,
}

/// One day's row of the table beside the chart.
struct DayLine {
    day: u32,
    on_time: u32,
    late: u32,
    absent: u32,
    on_leave: u32,
}

#[derive(Template)]
#[template(path = "charts.html")]
struct ChartsPage {
    frame: Frame,
    t: Words,
    title: String,
    month: String,
    department: String,
    departments: Vec<(String, String)>,
    previous_month: String,
    next_month: String,
    attendance_svg: String,
    hours_svg: String,
    days: Vec<DayLine>,
    hours: Vec<(String, String)>,
}

/// `GET /charts`.
pub async fn page(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<ChartsQuery>,
) -> Response {
    let caller = &user.caller;
    let now = state.clock.now();
    let month = timesheets::month_or_current(&query.month, caller, now);
    let ask = MonthQuery {
        month,
        department: query.department.parse().ok().map(DepartmentId),
        location: None,
        page: None,
    };
    let summary = timesheets::month_summary(&state.store, caller, &ask, now).await;
    let choices = personnel::choices(&state.store, caller).await;
    let (summary, choices) = match (summary, choices) {
        (Ok(summary), Ok(choices)) => (summary, choices),
        (Err(err), _) | (_, Err(err)) => {
            return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
        }
    };
    let frame = Frame::new(&user, "charts");
    let t = frame.t;
    let title = format!(
        "{} {}",
        t.get(&format!("month-{}", month.month())),
        month.year()
    );
    let stacks: Vec<Stack> = summary
        .days
        .iter()
        .enumerate()
        .map(|(i, c)| Stack {
            label: (i + 1).to_string(),
            parts: vec![
                (c.on_time, "c-on-time"),
                (c.late, "c-late"),
                (c.absent, "c-absent"),
                (c.on_leave, "c-leave"),
            ],
        })
        .collect();
    let hours: Vec<(String, String)> = summary
        .departments
        .iter()
        .map(|(title, work)| (title.clone(), hh_mm(*work)))
        .collect();
    let hour_bars: Vec<(String, f64, String)> = summary
        .departments
        .iter()
        .map(|(title, work)| (title.clone(), *work as f64, hh_mm(*work)))
        .collect();
    let link = |m| {
        let mut link = format!("/charts?month={}", month_text(m));
        if !query.department.is_empty() {
            link.push_str(&format!("&department={}", query.department));
        }
        link
    };
    let view = ChartsPage {
        attendance_svg: stacked_bars(
            &format!("{} — {title}", t.get("charts-attendance")),
            &stacks,
        ),
        hours_svg: bars(&format!("{} — {title}", t.get("charts-hours")), &hour_bars),
        days: summary
            .days
            .iter()
            .enumerate()
            .map(|(i, c)| DayLine {
                day: i as u32 + 1,
                on_time: c.on_time,
                late: c.late,
                absent: c.absent,
                on_leave: c.on_leave,
            })
            .collect(),
        hours,
        previous_month: link(month.checked_sub_months(Months::new(1)).unwrap_or(month)),
        next_month: link(month.checked_add_months(Months::new(1)).unwrap_or(month)),
        month: month_text(month),
        department: query.department.clone(),
        departments: department_options(&choices),
        title,
        frame,
        t,
    };
    render(StatusCode::OK, &view)
}

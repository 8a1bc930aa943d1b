//! `GET /time-offs`: the time-offs of the caller's scope by status (pending first,
//! then accepted, rejected), 50 a page, newest start first. Admins, heads and managers
//! decide the pending ones here, with a comment if they like (kept with the decision,
//! shown in the accepted and rejected tabs and in the activity log):
//! `POST /time-offs/{id}/approve` and `…/reject`, the API's approve and reject
//! (`davomat_app::time_offs`); an accepted time-off shows in
//! the timesheet at once with its type's code. Admins give each time-off type its
//! code on the timesheet there too (`POST /time-offs/types/{id}/code`; a type without
//! one lets the time-off's pay decide: ОТ paid, ДО unpaid).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_app::personnel::PAGE_SIZE;
use davomat_app::time_offs::{self, ListFilter};
use davomat_core::TimeOffId;
use davomat_core::engine::t13::LeaveCode;
use davomat_core::page::PageRequest;
use serde::Deserialize;

use crate::form::Posted;
use crate::i18n::Words;
use crate::pages::{ErrorPage, Frame, Problem, render};
use crate::session::{Signed, csrf_matches};

/// The statuses offered, in the order of the tabs.
const STATUSES: [i64; 3] = [0, 1, 2];

/// The page's query.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
}

impl ListQuery {
    fn status(&self) -> i64 {
        self.status
            .parse()
            .ok()
            .filter(|s| STATUSES.contains(s))
            .unwrap_or(0)
    }

    fn page(&self) -> u64 {
        self.page.parse().unwrap_or(1).max(1)
    }
}

/// One time-off as listed.
struct Line {
    id: i64,
    employee_id: i64,
    employee: String,
    kind: String,
    from: String,
    to: String,
    paid: bool,
    description: String,
    /// The decider's comment.
    comment: String,
    /// The timesheet of the month it starts in.
    month_link: String,
}

#[derive(Template)]
#[template(path = "time_offs.html")]
struct ListPage {
    frame: Frame,
    t: Words,
    status: i64,
    tabs: Vec<(i64, String)>,
    lines: Vec<Line>,
    total: u64,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
    may_decide: bool,
    /// Admins: each type with its code; the codes offered (letters, meaning).
    types: Vec<(i64, String, String)>,
    codes: Vec<(&'static str, String)>,
}

/// The codes a type may carry, with what they mean.
fn code_choices(t: &Words) -> Vec<(&'static str, String)> {
    LeaveCode::ALL
        .iter()
        .map(|code| {
            let letters = code.letters();
            (
                letters,
                format!(
                    "{letters} — {}",
                    t.get(&format!("leave-code-{}", code.number()))
                ),
            )
        })
        .collect()
}

/// `GET /time-offs`.
pub async fn list(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    let caller = &user.caller;
    let status = query.status();
    let page = query.page();
    let filter = ListFilter {
        status: Some(status),
        ..ListFilter::default()
    };
    let request = PageRequest {
        page,
        per_page: PAGE_SIZE,
    };
    let (rows, total) = match time_offs::list(&state.store, caller, filter, request).await {
        Ok(found) => found,
        Err(err) => return ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    };
    let types = if davomat_app::time_off_types::authorize(caller).is_ok() {
        match davomat_store::time_off_types::all(state.store.connection(), caller.company_id).await
        {
            Ok(types) => types
                .into_iter()
                .map(|t| (t.id.0, t.title, t.timesheet_code.unwrap_or_default()))
                .collect(),
            Err(err) => {
                return ErrorPage::new(
                    caller.lang,
                    Problem::from(davomat_app::AppError::from(err)),
                )
                .into_response();
            }
        }
    } else {
        Vec::new()
    };
    let frame = Frame::new(&user, "time-offs");
    let t = frame.t;
    let zone = caller.zone();
    let date = |at: i64| zone.format(at).get(..10).unwrap_or_default().to_string();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let link = |page: u64| format!("/time-offs?status={status}&page={page}");
    let view = ListPage {
        status,
        tabs: STATUSES
            .iter()
            .map(|s| (*s, t.get(&format!("time-off-status-{s}"))))
            .collect(),
        lines: rows
            .iter()
            .map(|o| Line {
                id: o.id.0,
                employee_id: o.employee_id.0,
                employee: o.employee_name.clone(),
                kind: o.type_title.clone(),
                from: date(o.start_at),
                to: date(o.end_at),
                paid: o.paid,
                description: o.description.clone().unwrap_or_default(),
                comment: o.decision_comment.clone().unwrap_or_default(),
                month_link: format!(
                    "/timesheet?month={}",
                    date(o.start_at).get(..7).unwrap_or_default()
                ),
            })
            .collect(),
        total,
        page,
        pages,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        may_decide: time_offs::may_decide(caller),
        types,
        codes: code_choices(&t),
        frame,
        t,
    };
    render(StatusCode::OK, &view)
}

/// `POST /time-offs/{id}/{decision}` (`approve`, `reject`): back to the pending list.
pub async fn decide(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path((id, decision)): Path<(String, String)>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let now = state.clock.now();
    let comment = Some(form.value("comment"));
    let decided = match decision.as_str() {
        "approve" => time_offs::approve(&state.store, caller, TimeOffId(id), comment, now).await,
        "reject" => time_offs::reject(&state.store, caller, TimeOffId(id), comment, now).await,
        _ => return ErrorPage::new(caller.lang, Problem::NotFound).into_response(),
    };
    match decided {
        Ok(_) => Redirect::to("/time-offs?status=0").into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /time-offs/types/{id}/code` (`timesheet_code`, blank for "by pay"): back to
/// the list.
pub async fn set_code(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let code = form.value("timesheet_code");
    let now = state.clock.now();
    match davomat_app::time_off_types::set_timesheet_code(&state.store, caller, id, code, now).await
    {
        Ok(_) => Redirect::to("/time-offs#types").into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

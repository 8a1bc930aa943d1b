//! The console's pages, one module each, and what they share: the frame every page is
//! drawn in ([`Frame`]) and the error page ([`ErrorPage`]).

pub mod activity;
pub mod away;
pub mod charts;
pub mod departments;
pub mod devices;
pub mod employee_form;
pub mod employees;
pub mod files;
pub mod holidays;
pub mod kiosk;
pub mod language;
pub mod locations;
pub mod me;
pub mod password_reset;
pub mod payroll;
pub mod photo;
pub mod positions;
pub mod reports;
pub mod schedules;
pub mod settings;
pub mod sign_in;
pub mod time_offs;
pub mod timesheet;
pub mod timesheet_day;
pub mod today;
pub mod users;
pub mod webhooks;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use davomat_app::AppError;
use davomat_app::sign_in::ConsoleUser;
use davomat_core::Lang;
use davomat_store::StoreError;

use crate::assets::asset_path;
use crate::i18n::Words;

/// What every signed-in page shows around its content: the words of the user's
/// language, who they are, the navigation, the language switch and the sign-out form
/// (both carrying the session's CSRF token).
pub struct Frame {
    pub t: Words,
    pub user_name: String,
    pub csrf: String,
    pub css: String,
    pub htmx: String,
    /// The script that previews a chosen photo (pages with an upload form load it).
    pub photo_preview: String,
    /// Roles 1–4: the day's board, the log and the company's pages are theirs; an
    /// employee's navigation is their own page and what every role reads.
    pub staff: bool,
    /// Admins: devices.
    pub admin: bool,
    /// The page's key in the navigation (`today`, `employees`, `departments`, `positions`, `locations`, `schedules`, `holidays`, `devices`, `activity`, `settings`).
    pub current: &'static str,
}

impl Frame {
    pub fn new(user: &ConsoleUser, current: &'static str) -> Frame {
        let caller = &user.caller;
        Frame {
            t: Words::new(caller.lang),
            user_name: caller
                .employee_name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| caller.email.clone()),
            csrf: user.csrf_token.clone(),
            staff: davomat_app::today::READERS.contains(&caller.role),
            admin: caller.role == davomat_core::Role::Admin,
            css: asset_path("console.css"),
            htmx: asset_path("htmx.js"),
            photo_preview: asset_path("photo-preview.js"),
            current,
        }
    }

    /// The languages offered, with whether each is the page's.
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        languages(self.t.lang)
    }
}

/// The id of a form posted to `/…/{id}/…`: refused when the form's CSRF token is not
/// the session's, or the id does not read.
pub fn posted_id(
    user: &davomat_app::sign_in::ConsoleUser,
    form: &crate::form::Posted,
    id: &str,
) -> Result<i64, Problem> {
    if !crate::session::csrf_matches(user, form.csrf()) {
        return Err(Problem::Csrf);
    }
    id.parse::<i64>().map_err(|_| Problem::NotFound)
}

/// The three languages as (code, name in itself, selected).
pub fn languages(current: Lang) -> Vec<(&'static str, &'static str, bool)> {
    [
        (Lang::Ru, "Русский"),
        (Lang::Uz, "Oʻzbekcha"),
        (Lang::En, "English"),
    ]
    .into_iter()
    .map(|(lang, name)| (lang.code(), name, lang == current))
    .collect()
}

/// Renders a template as an HTML answer (a 500 page if it cannot be rendered).
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "a console page did not render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum Problem {
    Forbidden,
    NotFound,
    /// A form without the session's CSRF token.
    Csrf,
    /// A value refused (a crafted form: the page offers only valid ones), with the
    /// API's words for it.
    Refused(String),
    Internal(String),
    /// Maintenance mode is on: nothing is written.
    Maintenance,
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Problem {
        match error {
            AppError::Forbidden => Problem::Forbidden,
            AppError::NotFound | AppError::Store(StoreError::NotFound) => Problem::NotFound,
            AppError::Invalid(errors) => Problem::Refused(
                errors
                    .into_vec()
                    .into_iter()
                    .map(|e| e.field)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            other => Problem::Internal(other.to_string()),
        }
    }
}

/// The error page: the status of the API for the same refusal, a sentence, a way back.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    t: Words,
    css: String,
    message: String,
    status: StatusCode,
}

impl ErrorPage {
    pub fn new(lang: Lang, problem: Problem) -> ErrorPage {
        let t = Words::new(lang);
        let (status, id) = match &problem {
            Problem::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden-page"),
            Problem::NotFound => (StatusCode::NOT_FOUND, "error-not-found-page"),
            Problem::Csrf => (StatusCode::FORBIDDEN, "error-csrf"),
            Problem::Refused(_) => (StatusCode::UNPROCESSABLE_ENTITY, "error-refused"),
            Problem::Maintenance => (StatusCode::SERVICE_UNAVAILABLE, "error-maintenance-page"),
            Problem::Internal(cause) => {
                tracing::error!(error = %cause, "a console page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-title")
            }
        };
        let mut message = t.get(id);
        if let Problem::Refused(fields) = &problem {
            message.push_str(&format!(" ({fields})"));
        }
        ErrorPage {
            message,
            t,
            css: asset_path("console.css"),
            status,
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        render(self.status, &self)
    }
}

//! The employee's face photo from their file: `POST /employees/{id}/photo` (multipart:
//! the form's `csrf` and the image in `imgdata`) stores it as the face template
//! terminals load, `POST /employees/{id}/photo/delete` removes it — the use cases of the
//! API's `POST /v1/identification/addface/{id}` and `…/deleteface/{id}` (admins; heads
//! in their scope), with the same image checks (JPEG or PNG, each side 400..1600 px, at
//! most 1.5 MB) and messages. The form shows the chosen picture before it is sent (a
//! small script of ours, `assets/photo-preview.js`).

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use davomat_api::AppState;
use davomat_api::error::ApiError;
use davomat_app::error::AppError;
use davomat_app::faces;

use crate::form::{Messages, Posted};
use crate::pages::employees::show_file;
use crate::pages::{ErrorPage, Problem, posted_id};
use crate::session::{Signed, csrf_matches};

/// `POST /employees/{id}/photo`.
pub async fn upload(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let caller = &user.caller;
    let Ok(employee) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    let mut csrf = String::new();
    let mut image = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some(davomat_api::faces::FIELD) => {
                image = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default()
            }
            _ => {}
        }
    }
    if !csrf_matches(&user, &csrf) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    if let Err(err) = faces::owner(&state.store, caller, employee).await {
        return ErrorPage::new(caller.lang, Problem::from(err)).into_response();
    }
    let refused = |error: ApiError| {
        let message = match &error {
            ApiError::Validation(errors) => errors
                .clone()
                .into_vec()
                .iter()
                .map(|e| davomat_api::i18n::field_message(e, caller.lang))
                .collect::<Vec<_>>()
                .join("; "),
            other => davomat_api::i18n::error_message(other, caller.lang),
        };
        Messages {
            fields: Vec::new(),
            general: vec![message],
        }
    };
    let template = match davomat_api::faces::prepare(image).await {
        Ok(template) => template,
        Err(error) => return show_file(&state, &user, &id, refused(error), None).await,
    };
    match faces::add(
        &state.store,
        caller,
        employee,
        template.into(),
        state.clock.now(),
    )
    .await
    {
        Ok(()) => Redirect::to(&format!("/employees/{employee}")).into_response(),
        // The company requires consent and none is recorded.
        Err(AppError::Invalid(errors)) => {
            let messages = refused(ApiError::Validation(errors));
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /employees/{id}/photo/delete`.
pub async fn remove(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let employee = match posted_id(&user, &form, &id) {
        Ok(employee) => employee,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    match faces::remove(&state.store, caller, employee, state.clock.now()).await {
        Ok(()) => Redirect::to(&format!("/employees/{employee}")).into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /employees/{id}/biometrics/consent` (`given_on`): records the employee's
/// consent to keeping their face template; the file again (with the date's message when
/// it does not read or is in the future).
pub async fn record_consent(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let employee = match posted_id(&user, &form, &id) {
        Ok(employee) => employee,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let now = state.clock.now();
    let given_on = form.value("given_on");
    match davomat_app::biometrics::record_consent(&state.store, caller, employee, given_on, now)
        .await
    {
        Ok(()) => Redirect::to(&format!("/employees/{employee}#biometrics")).into_response(),
        Err(davomat_app::AppError::Invalid(errors)) => {
            let messages = Messages::of_fields(errors, caller.lang);
            show_file(&state, &user, &id, messages, None).await
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `POST /employees/{id}/biometrics/withdraw`: the consent is withdrawn; the template
/// is erased here and on the terminals.
pub async fn withdraw_consent(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    Form(form): Form<Posted>,
) -> Response {
    let caller = &user.caller;
    let employee = match posted_id(&user, &form, &id) {
        Ok(employee) => employee,
        Err(problem) => return ErrorPage::new(caller.lang, problem).into_response(),
    };
    let now = state.clock.now();
    match davomat_app::biometrics::withdraw_consent(&state.store, caller, employee, now).await {
        Ok(()) => Redirect::to(&format!("/employees/{employee}#biometrics")).into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

/// `GET /employees/{id}/biometrics/export`: the face template as uploaded, as a file
/// (the employee's copy on request).
pub async fn export(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Response {
    let caller = &user.caller;
    let Ok(employee) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match davomat_app::biometrics::export(&state.store, caller, employee).await {
        Ok(found) => {
            let (content_type, extension) = match found.format.as_str() {
                "png" => ("image/png", "png"),
                _ => ("image/jpeg", "jpg"),
            };
            let disposition = format!("attachment; filename=\"face-{employee}.{extension}\"");
            (
                [
                    (axum::http::header::CONTENT_TYPE, content_type.to_string()),
                    (axum::http::header::CONTENT_DISPOSITION, disposition),
                    (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
                ],
                found.original,
            )
                .into_response()
        }
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

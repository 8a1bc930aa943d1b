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
use davomat_app::faces;

use crate::form::{Messages, Posted};
use crate::pages::employees::show_file;
use crate::pages::{ErrorPage, Problem};
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
    if !csrf_matches(&user, form.csrf()) {
        return ErrorPage::new(caller.lang, Problem::Csrf).into_response();
    }
    let Ok(employee) = id.parse::<i64>() else {
        return ErrorPage::new(caller.lang, Problem::NotFound).into_response();
    };
    match faces::remove(&state.store, caller, employee, state.clock.now()).await {
        Ok(()) => Redirect::to(&format!("/employees/{employee}")).into_response(),
        Err(err) => ErrorPage::new(caller.lang, Problem::from(err)).into_response(),
    }
}

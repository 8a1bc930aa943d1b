//! A user's own account: the display settings every role may change for itself
//! (`PUT /v1/accounts/settings`, and the console's language switch).
//!
//! Each setting is optional; what is sent must be one of its values (8003 naming them),
//! and `time_zone` an IANA zone. `lang` also picks the language of the user's error
//! messages. The change drops the user's cached account.

use davomat_core::validation::{FieldCode, FieldErrors, Reason, Rule};
use davomat_core::zone::CompanyZone;
use davomat_store::Store;
use davomat_store::users::{self, SettingsChange, UserSettings};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::caller::Caller;
use crate::error::AppResult;
use crate::request::{Sent, verbatim};

/// How names are shown.
pub const FIOTYPES: [&str; 8] = [
    "firstlastmiddle",
    "firstlast",
    "firstl",
    "firstmiddle",
    "lastfirst",
    "lastfirstmiddle",
    "lastf",
    "lastfm",
];
pub const DATE_FORMATS: [&str; 4] = ["full", "long", "medium", "short"];
pub const AMPM: [&str; 2] = ["24", "ampm"];
pub const LANGS: [&str; 3] = ["ru", "en", "uz"];

/// A change of the caller's display settings, as sent: what is absent stays.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct SettingsRequest {
    /// How names are shown.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, example = "lastfirst")]
    pub fiotype: Sent<String>,
    /// full, long, medium or short.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, example = "medium")]
    pub date_format: Sent<String>,
    /// An IANA zone, for display only.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, example = "Asia/Tashkent")]
    pub time_zone: Sent<String>,
    /// 24 or ampm.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, example = "24")]
    pub ampm: Sent<String>,
    /// ru, en or uz; also the language of this user's error messages.
    #[serde(default, deserialize_with = "verbatim")]
    #[schema(value_type = Option<String>, example = "uz")]
    pub lang: Sent<String>,
}

/// One of `allowed`, or 8003 naming them.
fn choice(
    sent: Sent<String>,
    name: &str,
    allowed: &[&str],
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = sent.optional(name, errors)?;
    if allowed.contains(&value.as_str()) {
        Some(value)
    } else {
        errors.add(
            name,
            FieldCode::InvalidValue,
            Reason::OneOf(allowed.iter().map(|s| s.to_string()).collect()),
        );
        None
    }
}

/// Changes the caller's own settings; answers them.
pub async fn update_settings(
    store: &Store,
    caller: &Caller,
    request: SettingsRequest,
) -> AppResult<UserSettings> {
    let mut errors = FieldErrors::new();
    let fiotype = choice(request.fiotype, "fiotype", &FIOTYPES, &mut errors);
    let date_format = choice(
        request.date_format,
        "date_format",
        &DATE_FORMATS,
        &mut errors,
    );
    let ampm = choice(request.ampm, "ampm", &AMPM, &mut errors);
    let lang = choice(request.lang, "lang", &LANGS, &mut errors);
    let time_zone = request
        .time_zone
        .optional("time_zone", &mut errors)
        .and_then(|zone| {
            if CompanyZone::named(&zone).is_some() {
                Some(zone)
            } else {
                errors.add(
                    "time_zone",
                    FieldCode::InvalidValue,
                    Reason::Rule(Rule::UnknownTimeZone),
                );
                None
            }
        });
    errors.finish()?;
    let change = SettingsChange {
        fiotype,
        date_format,
        time_zone,
        ampm,
        lang,
    };
    Ok(users::update_settings(store, caller.company_id, caller.user_id, change).await?)
}

//! The company's own settings as its admins change them: its name (1..200 characters),
//! time zone (an IANA name: every local date and time of the company follows it) and
//! language (of the activity log's messages and the default of new users). The change
//! drops everything cached about the company; sessions read it on their next request.
//! It writes no activity row: the log records what happens to the company's people and
//! directory, and has no object kind for the company itself (docs/decisions.md).

use davomat_core::validation::{FieldCode, FieldErrors, Reason};
use davomat_core::zone::CompanyZone;
use davomat_core::{Lang, Role};
use davomat_store::Store;
use davomat_store::companies::{self, Company, CompanyProfile};

use crate::caller::Caller;
use crate::error::AppResult;
use crate::request::Sent;

/// The longest name.
pub const NAME_MAX: usize = 200;

/// Who changes the company's settings.
pub fn authorize(caller: &Caller) -> AppResult<()> {
    caller.require(&[Role::Admin])
}

/// The caller's company.
pub async fn get(store: &Store, caller: &Caller) -> AppResult<Company> {
    Ok(companies::get(store, caller.company_id).await?)
}

/// Sets the name, time zone and language; every field checked, all failures named.
pub async fn update(
    store: &Store,
    caller: &Caller,
    name: Sent<String>,
    time_zone: Sent<String>,
    lang: Sent<String>,
) -> AppResult<()> {
    authorize(caller)?;
    let mut errors = FieldErrors::new();
    let name = name
        .required("name", &mut errors)
        .map(|n| n.trim().to_string());
    if let Some(name) = &name
        && (name.is_empty()
            || name.chars().count() > NAME_MAX
            || name.chars().any(char::is_control))
    {
        errors.add("name", FieldCode::InvalidValue, Reason::TooLong(NAME_MAX));
    }
    let time_zone = time_zone
        .required("time_zone", &mut errors)
        .map(|z| z.trim().to_string());
    if let Some(zone) = &time_zone
        && CompanyZone::named(zone).is_none()
    {
        errors.add("time_zone", FieldCode::InvalidValue, Reason::Plain);
    }
    let lang = lang.required("lang", &mut errors);
    let lang = lang.and_then(|code| {
        let parsed = Lang::parse(code.trim());
        if parsed.is_none() {
            errors.add(
                "lang",
                FieldCode::InvalidValue,
                Reason::OneOf(vec!["ru".into(), "uz".into(), "en".into()]),
            );
        }
        parsed
    });
    errors.finish()?;
    if let (Some(name), Some(time_zone), Some(lang)) = (name, time_zone, lang) {
        let profile = CompanyProfile {
            name,
            time_zone,
            lang,
        };
        companies::update_profile(store, caller.company_id, &profile).await?;
    }
    Ok(())
}

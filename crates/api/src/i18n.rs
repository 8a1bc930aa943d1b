//! Every message the API writes, in Russian (the reference's language and the default),
//! English and Uzbek (Latin script). The texts live in Fluent files, one per language
//! (`crates/api/locales/{ru,uz,en}/api.ftl`), built into the binary; this module picks
//! each message's id and its arguments.

use std::collections::HashMap;

use davomat_core::Lang;
use davomat_core::validation::{FieldCode, FieldError, Reason, Rule};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid, static_loader};

use crate::error::{ApiError, Malformed, Unavailability};

// The three files, read at compile time. Fluent wraps each argument in Unicode
// isolation marks (U+2068, U+2069) by default: the answers carry none.
static_loader! {
    static MESSAGES = {
        locales: "./locales",
        fallback_language: "ru",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A message to look up: its id in the Fluent files and its arguments by name.
type Message<'a> = (&'static str, Vec<Arg<'a>>);

/// One argument of a message: a Fluent variable (`{ $name }`) and its value.
type Arg<'a> = (&'static str, FluentValue<'a>);

/// An argument named `name`: text or a number (numbers choose plural forms).
fn arg<'a>(name: &'static str, value: impl Into<FluentValue<'a>>) -> Arg<'a> {
    (name, value.into())
}

/// The Fluent language of a `Lang`; Uzbek is in Latin script.
fn language(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Ru => langid!("ru"),
        Lang::Uz => langid!("uz"),
        Lang::En => langid!("en"),
    }
}

/// The text of a message in `lang`, or in Russian where `lang` lacks it; the id
/// itself where no file has it (the tests check that every id used is in each file).
fn text(lang: Lang, (id, args): Message) -> String {
    let args: HashMap<&str, FluentValue> = args.into_iter().collect();
    MESSAGES
        .lookup_single_language(&language(lang), id, Some(&args))
        .or_else(|_| MESSAGES.lookup_single_language(&language(Lang::Ru), id, Some(&args)))
        .unwrap_or_else(|_| id.to_string())
}

/// The `message` of an error body.
pub fn error_message(error: &ApiError, lang: Lang) -> String {
    let message = match error {
        ApiError::NotFound => ("error-not-found", vec![]),
        ApiError::MissingArgument(name) => {
            ("error-missing-argument", vec![arg("name", name.as_str())])
        }
        ApiError::Malformed(kind) => malformed(kind),
        ApiError::MethodNotAllowed(_) => ("error-method-not-allowed", vec![]),
        ApiError::NotAcceptable => ("error-not-acceptable", vec![]),
        ApiError::PayloadTooLarge(limit) => ("error-payload-too-large", vec![arg("limit", *limit)]),
        ApiError::DeleteRefused => ("error-delete-refused", vec![]),
        ApiError::EmployeeLimit => ("error-employee-limit", vec![]),
        ApiError::Unauthorized => ("error-unauthorized", vec![]),
        ApiError::BadCredentials => ("error-bad-credentials", vec![]),
        ApiError::InvalidClient => ("error-invalid-client", vec![]),
        ApiError::UnsupportedGrantType => ("error-unsupported-grant-type", vec![]),
        ApiError::RefreshTokenExpired => ("error-refresh-token-expired", vec![]),
        ApiError::NotAuthenticated => ("error-not-authenticated", vec![]),
        ApiError::InvalidToken => ("error-invalid-token", vec![]),
        ApiError::TokenExpired => ("error-token-expired", vec![]),
        ApiError::PaymentRequired => ("error-payment-required", vec![]),
        ApiError::Forbidden => ("error-forbidden", vec![]),
        ApiError::Validation(_) => ("error-validation-failed", vec![]),
        ApiError::UpgradeRequired => ("error-upgrade-required", vec![]),
        ApiError::TooManyRequests { .. } => ("error-too-many-requests", vec![]),
        ApiError::Internal(_) => ("error-internal", vec![]),
        ApiError::Unavailable { cause, .. } => match cause {
            Unavailability::Maintenance => ("error-maintenance", vec![]),
            Unavailability::Database => ("error-database-unavailable", vec![]),
            Unavailability::Timeout => ("error-timeout", vec![]),
        },
    };
    text(lang, message)
}

/// The message of a request that cannot be read.
fn malformed(kind: &Malformed) -> Message<'_> {
    match kind {
        Malformed::Body => ("malformed-body", vec![]),
        Malformed::QueryValue(name) => ("malformed-query-value", vec![arg("name", name.as_str())]),
        Malformed::DateRange => ("malformed-date-range", vec![]),
        Malformed::Request => ("malformed-request", vec![]),
        Malformed::LastAdmin => ("malformed-last-admin", vec![]),
        Malformed::NotApplicable => ("malformed-not-applicable", vec![]),
    }
}

/// The `message` of one failing field: the code's meaning, then the reason if any.
pub fn field_message(error: &FieldError, lang: Lang) -> String {
    let meaning = text(
        lang,
        (
            field_code(error.code),
            vec![arg("field", error.field.as_str())],
        ),
    );
    match reason(&error.reason) {
        None => meaning,
        Some(reason) => {
            let reason = text(lang, reason);
            text(
                lang,
                (
                    "field-with-reason",
                    vec![arg("message", meaning), arg("reason", reason)],
                ),
            )
        }
    }
}

/// The message id of a per-field code.
fn field_code(code: FieldCode) -> &'static str {
    match code {
        FieldCode::Required => "field-required",
        FieldCode::InvalidValue => "field-invalid-value",
        FieldCode::UnknownReference => "field-unknown-reference",
        FieldCode::NotSettable => "field-not-settable",
        FieldCode::InvalidRole => "field-invalid-role",
        FieldCode::InvalidEmail => "field-invalid-email",
        FieldCode::AlreadyExists => "field-already-exists",
        FieldCode::DateFormat => "field-date-format",
        FieldCode::DateTooEarly => "field-date-too-early",
    }
}

/// Why a field's value was refused, when there is more to say than its code.
fn reason(reason: &Reason) -> Option<Message<'_>> {
    let message = match reason {
        Reason::Plain => return None,
        Reason::TooShort(n) => ("reason-too-short", vec![arg("n", *n)]),
        Reason::TooLong(n) => ("reason-too-long", vec![arg("n", *n)]),
        Reason::OneOf(options) => ("reason-one-of", vec![arg("options", options.join(", "))]),
        Reason::NotBefore(other) => ("reason-not-before", vec![arg("other", other.as_str())]),
        Reason::Between(first, last) => (
            "reason-between",
            vec![arg("first", first.as_str()), arg("last", last.as_str())],
        ),
        Reason::TooManyItems(n) => ("reason-too-many-items", vec![arg("n", *n)]),
        Reason::Rule(rule) => rule_message(rule),
    };
    Some(message)
}

/// The message of a field's own rule.
fn rule_message(rule: &Rule) -> Message<'_> {
    match rule {
        Rule::NameCharacters => ("rule-name-characters", vec![]),
        Rule::NotInCompany(ids) => {
            let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            ("rule-not-in-company", vec![arg("ids", ids)])
        }
        Rule::AfterLastDayEmployed => ("rule-after-last-day-employed", vec![]),
        Rule::RoleNeedsLogin => ("rule-role-needs-login", vec![]),
        Rule::PasswordNeedsLogin => ("rule-password-needs-login", vec![]),
        Rule::OnlyOverseeingRolesHaveDepartments => {
            ("rule-only-overseeing-roles-have-departments", vec![])
        }
        Rule::OnlyAdminsGrantRoles => ("rule-only-admins-grant-roles", vec![]),
        Rule::HourlyWithinOneDay => ("rule-hourly-within-one-day", vec![]),
        Rule::AheadOfServerClock { minutes } => {
            ("rule-ahead-of-server-clock", vec![arg("minutes", *minutes)])
        }
        Rule::TooFarBack { hours } => ("rule-too-far-back", vec![arg("hours", *hours)]),
        Rule::OutsideRadius { metres } => ("rule-outside-radius", vec![arg("metres", *metres)]),
        Rule::NotLocationAddress => ("rule-not-location-address", vec![]),
        Rule::NotAllowedHere => ("rule-not-allowed-here", vec![]),
        Rule::NotEmployed => ("rule-not-employed", vec![]),
        Rule::NoBiometricConsent => ("rule-no-biometric-consent", vec![]),
        Rule::PrivateAddress => ("rule-private-address", vec![]),
        Rule::NotADecimal => ("rule-not-a-decimal", vec![]),
        Rule::NegativeAmount => ("rule-negative-amount", vec![]),
        Rule::TooManyDecimals => ("rule-too-many-decimals", vec![]),
        Rule::AmountTooLarge => ("rule-amount-too-large", vec![]),
        Rule::ResetTokenUnusable => ("rule-reset-token-unusable", vec![]),
        Rule::Inactive => ("rule-inactive", vec![]),
        Rule::DepartmentCycle => ("rule-department-cycle", vec![]),
        Rule::UnknownTimeZone => ("rule-unknown-time-zone", vec![]),
        Rule::RadiusRange { max } => ("rule-radius-range", vec![arg("max", *max)]),
        Rule::CoordinateRange { limit } => ("rule-coordinate-range", vec![arg("limit", *limit)]),
        Rule::FileOrBase64 => ("rule-file-or-base64", vec![]),
        Rule::ImageFormat => ("rule-image-format", vec![]),
        Rule::ImageDamaged => ("rule-image-damaged", vec![]),
        Rule::ImageTooLarge { max, bytes } => (
            "rule-image-too-large",
            vec![arg("max", *max), arg("bytes", *bytes)],
        ),
        Rule::ImageTooSmall { min, width, height } => (
            "rule-image-too-small",
            vec![
                arg("min", *min),
                arg("width", *width),
                arg("height", *height),
            ],
        ),
        Rule::ImageTooBig { max, width, height } => (
            "rule-image-too-big",
            vec![
                arg("max", *max),
                arg("width", *width),
                arg("height", *height),
            ],
        ),
        Rule::MinutesRange { max } => ("rule-minutes-range", vec![arg("max", *max)]),
        Rule::TimeOfDayFormat => ("rule-time-of-day-format", vec![]),
        Rule::LunchWindowOrMinutes => ("rule-lunch-window-or-minutes", vec![]),
        Rule::LunchWithinShift => ("rule-lunch-within-shift", vec![]),
        Rule::Weekday => ("rule-weekday", vec![]),
        Rule::ShiftEndsWhenItStarts => ("rule-shift-ends-when-it-starts", vec![]),
        Rule::FloatingDayLunchMinutes => ("rule-floating-day-lunch-minutes", vec![]),
        Rule::CycleDays { max } => ("rule-cycle-days", vec![arg("max", *max)]),
        Rule::NoWorkingDay => ("rule-no-working-day", vec![]),
        Rule::Digits { min, max } => ("rule-digits", vec![arg("min", *min), arg("max", *max)]),
    }
}

/// The words of a field's own rule, in the caller's language.
#[cfg(test)]
fn rule_text(rule: &Rule, lang: Lang) -> String {
    text(lang, rule_message(rule))
}

/// The answer to a password-reset request (the reference's wording in Russian).
pub fn password_reset_sent(email: &str, lang: Lang) -> String {
    text(lang, ("password-reset-sent", vec![arg("email", email)]))
}

/// The answer to a confirmed password reset.
pub fn password_changed(lang: Lang) -> String {
    text(lang, ("password-changed", vec![]))
}

/// The password-reset mail: subject and text.
pub fn reset_mail(link: &str, token: &str, lang: Lang) -> (String, String) {
    let subject = text(lang, ("reset-mail-subject", vec![]));
    let body = text(
        lang,
        (
            "reset-mail-text",
            vec![arg("link", link), arg("token", token)],
        ),
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use davomat_core::validation::FieldErrors;

    use super::*;

    const LANGS: [Lang; 3] = [Lang::Ru, Lang::Uz, Lang::En];

    /// The three files as they are built into the binary.
    const FILES: [(&str, &str); 3] = [
        ("ru", include_str!("../locales/ru/api.ftl")),
        ("uz", include_str!("../locales/uz/api.ftl")),
        ("en", include_str!("../locales/en/api.ftl")),
    ];

    /// The messages whose text the contract fixes in every language.
    const FIXED: [&str; 2] = ["error-validation-failed", "error-upgrade-required"];

    /// The messages of a Fluent file, read plainly: an id starts a line, and its value
    /// runs on over the indented lines after it.
    fn entries(file: &str) -> Vec<(String, String)> {
        let mut entries: Vec<(String, String)> = Vec::new();
        for line in file.lines() {
            if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
                let (id, value) = line.split_once('=').expect("id = value");
                entries.push((id.trim().to_string(), value.trim().to_string()));
            } else if line.starts_with(' ')
                && let Some((_, value)) = entries.last_mut()
            {
                value.push('\n');
                value.push_str(line.trim());
            }
        }
        entries
    }

    /// A value without its placeables (`{ $field }`, selectors): the words around them.
    fn outside_placeables(value: &str) -> String {
        let mut depth = 0;
        value
            .chars()
            .filter(|&c| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => return depth == 0,
                }
                false
            })
            .collect()
    }

    fn is_cyrillic(c: char) -> bool {
        ('\u{0400}'..='\u{04FF}').contains(&c)
    }

    /// One of each rule.
    fn every_rule() -> Vec<Rule> {
        vec![
            Rule::NameCharacters,
            Rule::NotInCompany(vec![7, 9]),
            Rule::AfterLastDayEmployed,
            Rule::RoleNeedsLogin,
            Rule::PasswordNeedsLogin,
            Rule::OnlyOverseeingRolesHaveDepartments,
            Rule::OnlyAdminsGrantRoles,
            Rule::HourlyWithinOneDay,
            Rule::AheadOfServerClock { minutes: 5 },
            Rule::TooFarBack { hours: 72 },
            Rule::OutsideRadius { metres: 100 },
            Rule::NotLocationAddress,
            Rule::NotAllowedHere,
            Rule::NotEmployed,
            Rule::NoBiometricConsent,
            Rule::PrivateAddress,
            Rule::NotADecimal,
            Rule::NegativeAmount,
            Rule::TooManyDecimals,
            Rule::AmountTooLarge,
            Rule::ResetTokenUnusable,
            Rule::Inactive,
            Rule::DepartmentCycle,
            Rule::UnknownTimeZone,
            Rule::RadiusRange { max: 1_000_000 },
            Rule::CoordinateRange { limit: 90 },
            Rule::FileOrBase64,
            Rule::ImageFormat,
            Rule::ImageDamaged,
            Rule::ImageTooLarge { max: 10, bytes: 11 },
            Rule::ImageTooSmall {
                min: 400,
                width: 1,
                height: 2,
            },
            Rule::ImageTooBig {
                max: 1600,
                width: 1,
                height: 2,
            },
            Rule::MinutesRange { max: 720 },
            Rule::TimeOfDayFormat,
            Rule::LunchWindowOrMinutes,
            Rule::LunchWithinShift,
            Rule::Weekday,
            Rule::ShiftEndsWhenItStarts,
            Rule::FloatingDayLunchMinutes,
            Rule::CycleDays { max: 366 },
            Rule::NoWorkingDay,
            Rule::Digits { min: 4, max: 10 },
        ]
    }

    /// One of each error.
    fn every_error() -> Vec<ApiError> {
        let mut errors = vec![
            ApiError::NotFound,
            ApiError::MissingArgument("q".into()),
            ApiError::MethodNotAllowed(None),
            ApiError::NotAcceptable,
            ApiError::PayloadTooLarge(3_145_728),
            ApiError::DeleteRefused,
            ApiError::EmployeeLimit,
            ApiError::Unauthorized,
            ApiError::BadCredentials,
            ApiError::InvalidClient,
            ApiError::UnsupportedGrantType,
            ApiError::RefreshTokenExpired,
            ApiError::NotAuthenticated,
            ApiError::InvalidToken,
            ApiError::TokenExpired,
            ApiError::PaymentRequired,
            ApiError::Forbidden,
            ApiError::Validation(FieldErrors::new()),
            ApiError::UpgradeRequired,
            ApiError::TooManyRequests { retry_after: 30 },
            ApiError::Internal("hidden".into()),
        ];
        for cause in [
            Unavailability::Maintenance,
            Unavailability::Database,
            Unavailability::Timeout,
        ] {
            errors.push(ApiError::Unavailable {
                retry_after: 30,
                cause,
            });
        }
        for kind in [
            Malformed::Body,
            Malformed::QueryValue("q".into()),
            Malformed::DateRange,
            Malformed::Request,
            Malformed::LastAdmin,
            Malformed::NotApplicable,
        ] {
            errors.push(ApiError::Malformed(kind));
        }
        errors
    }

    /// Each field code with each reason.
    fn every_field_error() -> Vec<FieldError> {
        let codes = [
            FieldCode::Required,
            FieldCode::InvalidValue,
            FieldCode::UnknownReference,
            FieldCode::NotSettable,
            FieldCode::InvalidRole,
            FieldCode::InvalidEmail,
            FieldCode::AlreadyExists,
            FieldCode::DateFormat,
            FieldCode::DateTooEarly,
        ];
        let mut reasons = vec![
            Reason::Plain,
            Reason::TooShort(8),
            Reason::TooLong(255),
            Reason::OneOf(vec!["1".into(), "2".into()]),
            Reason::NotBefore("d".into()),
            Reason::Between("1900-01-01".into(), "2100-12-31".into()),
            Reason::TooManyItems(1000),
        ];
        reasons.extend(every_rule().into_iter().map(Reason::Rule));
        codes
            .iter()
            .flat_map(|&code| {
                reasons.iter().map(move |reason| FieldError {
                    field: "f".into(),
                    code,
                    reason: reason.clone(),
                })
            })
            .collect()
    }

    /// Every message the module writes, once each, in one language; the arguments
    /// have no words, so that every word of a message is the message's own.
    fn every_message(lang: Lang) -> Vec<String> {
        let mut messages: Vec<String> = every_error()
            .iter()
            .map(|e| error_message(e, lang))
            .collect();
        messages.extend(every_field_error().iter().map(|e| field_message(e, lang)));
        messages.push(password_reset_sent("e@e.uz", lang));
        messages.push(password_changed(lang));
        let (subject, text) = reset_mail("l", "t", lang);
        messages.extend([subject, text]);
        messages
    }

    /// The words of a text: runs of ASCII letters of three or more, lowercased.
    fn english_words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn each_language_has_every_message_and_no_other() {
        let ids = |file: &str| -> Vec<String> {
            let mut ids: Vec<String> = entries(file).into_iter().map(|(id, _)| id).collect();
            ids.sort();
            ids
        };
        let ru = ids(FILES[0].1);
        assert!(!ru.is_empty());
        for (name, file) in &FILES[1..] {
            assert_eq!(ids(file), ru, "the ids of {name}/api.ftl and ru/api.ftl");
        }
        let mut unique = ru.clone();
        unique.dedup();
        assert_eq!(unique, ru, "an id twice in ru/api.ftl");
    }

    #[test]
    fn every_russian_message_is_in_russian() {
        for (id, value) in entries(FILES[0].1) {
            let only_placeables = !outside_placeables(&value).chars().any(char::is_alphabetic);
            assert!(
                value.chars().any(is_cyrillic) || only_placeables || FIXED.contains(&id.as_str()),
                "{id} = {value}"
            );
        }
    }

    #[test]
    fn no_message_carries_invisible_isolation_marks() {
        for lang in LANGS {
            for message in every_message(lang) {
                assert!(
                    !message.contains(['\u{2068}', '\u{2069}']),
                    "{lang:?}: {message:?}"
                );
            }
        }
    }

    #[test]
    fn every_message_is_found_and_worded_in_each_language_without_english_inside() {
        // Names of formats, protocols and fields are not words to translate; "format",
        // "argument", "administrator", "login" and "server" are Uzbek words too.
        let kept = [
            "api",
            "json",
            "client",
            "secret",
            "grant",
            "type",
            "password",
            "refresh",
            "token",
            "authorization",
            "bearer",
            "access",
            "post",
            "sign",
            "reset",
            "confirm",
            "davomat",
            "yyyy",
            "format",
            "argument",
            "administrator",
            "jpeg",
            "png",
            "iana",
            "base",
            "lunch",
            "minutes",
            "login",
            "server",
        ];
        let ids: Vec<String> = entries(FILES[0].1).into_iter().map(|(id, _)| id).collect();
        let [ru, uz, en] = LANGS.map(every_message);
        for ((ru, uz), en) in ru.iter().zip(&uz).zip(&en) {
            for message in [ru, uz, en] {
                assert!(
                    !message.is_empty() && !ids.iter().any(|id| message.contains(id.as_str())),
                    "a message not found: {message}"
                );
            }
            if FIXED.iter().any(|id| *ru == text(Lang::Ru, (id, vec![]))) {
                assert!(ru == uz && uz == en, "{ru} / {uz} / {en}");
                continue;
            }
            assert!(ru.chars().any(is_cyrillic), "{ru}");
            assert_ne!(uz, en);
            let english = english_words(en);
            for word in english_words(ru).into_iter().chain(english_words(uz)) {
                assert!(
                    kept.contains(&word.as_str()) || !english.contains(&word),
                    "English word {word:?} in {ru} / {uz}"
                );
            }
        }
    }

    #[test]
    fn every_rule_is_worded_in_each_language_without_english_inside() {
        // Names of formats and fields are not words to translate; "login" and "server" are Uzbek too.
        let kept = [
            "jpeg",
            "png",
            "iana",
            "base",
            "lunch_minutes",
            "lunch",
            "minutes",
            "login",
            "server",
        ];
        for rule in every_rule() {
            let en = english_words(&rule_text(&rule, Lang::En));
            let ru = rule_text(&rule, Lang::Ru);
            let uz = rule_text(&rule, Lang::Uz);
            assert!(
                ru.chars().any(|c| ('а'..='я').contains(&c)),
                "{rule:?}: {ru}"
            );
            assert_ne!(uz, rule_text(&rule, Lang::En), "{rule:?}");
            for word in english_words(&ru).into_iter().chain(english_words(&uz)) {
                assert!(
                    kept.contains(&word.as_str()) || !en.contains(&word),
                    "{rule:?}: English word {word:?} in {ru} / {uz}"
                );
            }
        }
    }

    #[test]
    fn the_contract_fixes_two_messages_in_every_language() {
        for lang in LANGS {
            assert_eq!(
                error_message(&ApiError::Validation(FieldErrors::new()), lang),
                "Validation Failed"
            );
            assert_eq!(
                error_message(&ApiError::UpgradeRequired, lang),
                "Upgrade Required"
            );
        }
    }

    #[test]
    fn counts_take_the_plural_form_of_their_number() {
        let too_long = |n, lang| {
            let error = FieldError {
                field: "title".into(),
                code: FieldCode::InvalidValue,
                reason: Reason::TooLong(n),
            };
            field_message(&error, lang)
        };
        assert_eq!(
            too_long(255, Lang::Ru),
            "Неверное значение поля «title»: не более 255 символов"
        );
        assert_eq!(
            too_long(3, Lang::Ru),
            "Неверное значение поля «title»: не более 3 символов"
        );
        assert_eq!(
            too_long(21, Lang::Ru),
            "Неверное значение поля «title»: не более 21 символа"
        );
        assert_eq!(
            too_long(1, Lang::En),
            "The value of “title” is invalid: at most 1 character"
        );
        assert_eq!(
            too_long(1, Lang::Uz),
            "«title» maydonining qiymati notoʻgʻri: koʻpi bilan 1 belgi"
        );
        assert_eq!(
            rule_text(&Rule::CycleDays { max: 366 }, Lang::Ru),
            "от 1 до 366 дней"
        );
        assert_eq!(
            rule_text(&Rule::CycleDays { max: 31 }, Lang::Ru),
            "от 1 до 31 дня"
        );
    }

    #[test]
    fn the_reset_mail_keeps_its_lines() {
        let (subject, text) = reset_mail("https://x/r?token=ab", "ab", Lang::Ru);
        assert_eq!(subject, "Восстановление пароля davomat");
        assert_eq!(
            text,
            "Чтобы задать новый пароль, откройте ссылку (действует 1 час):\n\n\
             https://x/r?token=ab\n\n\
             Или отправьте POST /v1/sign-in/password-reset/confirm с token=ab и новым паролем.\n\
             Если вы не запрашивали сброс пароля, просто удалите это письмо."
        );
    }
}

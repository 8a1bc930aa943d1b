//! Forms: a posted form as its pairs ([`Posted`]), turned into the request a use case
//! reads (the same lenient shapes as the API's form bodies), and the fields a page draws
//! ([`Input`]) with the use case's message beside each failing one — the API's own
//! Fluent message for the same field error, in the user's language.

use axum::http::StatusCode;
use davomat_api::error::ApiError;
use davomat_api::i18n;
use davomat_app::AppError;
use davomat_core::Lang;
use davomat_core::validation::FieldErrors;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A posted form, its pairs in the order sent.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Posted(Vec<(String, String)>);

impl Posted {
    /// The last value of `name`, `""` when not sent.
    pub fn value(&self, name: &str) -> &str {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every value of `name`, in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Every pair, in the order sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The form's CSRF token.
    pub fn csrf(&self) -> &str {
        self.value("csrf")
    }

    /// The request of a use case: each of `singles` as its text (blank is "not set" to
    /// the use case), each of `lists` as an array of the values chosen (empty when none
    /// was: an unticked list is sent as chosen-nothing, not as unchanged).
    pub fn request<T: DeserializeOwned>(
        &self,
        singles: &[&str],
        lists: &[&str],
    ) -> Result<T, AppError> {
        let mut map = Map::new();
        for name in singles {
            if self.0.iter().any(|(key, _)| key == name) {
                map.insert(
                    name.to_string(),
                    Value::String(self.value(name).to_string()),
                );
            }
        }
        for name in lists {
            let values = self
                .values(name)
                .into_iter()
                .map(|v| Value::String(v.to_string()))
                .collect();
            map.insert(name.to_string(), Value::Array(values));
        }
        serde_json::from_value(Value::Object(map))
            .map_err(|err| AppError::Internal(format!("a console form did not read: {err}")))
    }
}

/// Messages of a refused form: beside each field, and those for no field of the page.
#[derive(Clone, Debug, Default)]
pub struct Messages {
    pub fields: Vec<(String, String)>,
    pub general: Vec<String>,
}

impl Messages {
    /// The messages of field errors, in the caller's language.
    pub fn of_fields(errors: FieldErrors, lang: Lang) -> Messages {
        let fields = errors
            .into_vec()
            .into_iter()
            .map(|error| {
                let message = i18n::field_message(&error, lang);
                (error.field, message)
            })
            .collect();
        Messages {
            fields,
            general: Vec::new(),
        }
    }

    /// A refusal as the API words it (no field named).
    pub fn general(error: AppError, lang: Lang) -> Messages {
        Messages {
            fields: Vec::new(),
            general: vec![refusal(error, lang)],
        }
    }

    /// The message of `field`, joined when there are several.
    pub fn of(&self, field: &str) -> Option<String> {
        let found: Vec<&str> = self
            .fields
            .iter()
            .filter(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
            .collect();
        (!found.is_empty()).then(|| found.join("; "))
    }

    /// Moves the messages of fields not among `shown` to the general ones.
    pub fn keep_fields(&mut self, shown: &[&str]) {
        let (kept, other): (Vec<_>, Vec<_>) = std::mem::take(&mut self.fields)
            .into_iter()
            .partition(|(name, _)| shown.contains(&name.as_str()));
        self.fields = kept;
        self.general
            .extend(other.into_iter().map(|(_, message)| message));
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// The status of a page showing them: 422 when there are any.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// The API's message for a refusal that names no field.
pub fn refusal(error: AppError, lang: Lang) -> String {
    i18n::error_message(&ApiError::from(error), lang)
}

/// One field as a page draws it.
#[derive(Clone, Debug)]
pub struct Input {
    pub name: &'static str,
    pub label: String,
    /// `text`, `date`, `email`, `password`, `textarea`, `select`, `multiple` (a select
    /// of several) or `checkboxes`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub error: Option<String>,
    pub required: bool,
}

/// One option of a select or a box of a group.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

impl Input {
    /// A field of `kind` with its value.
    pub fn new(name: &'static str, label: String, kind: &'static str, value: String) -> Input {
        Input {
            name,
            label,
            kind,
            value,
            options: Vec::new(),
            error: None,
            required: false,
        }
    }

    /// The field must be filled.
    pub fn required(mut self) -> Input {
        self.required = true;
        self
    }

    /// The options, each chosen when among `chosen` (or equal to the value).
    pub fn options(mut self, options: Vec<(String, String)>, chosen: &[String]) -> Input {
        self.options = options
            .into_iter()
            .map(|(value, label)| Choice {
                chosen: chosen.contains(&value) || value == self.value,
                value,
                label,
            })
            .collect();
        self
    }
}

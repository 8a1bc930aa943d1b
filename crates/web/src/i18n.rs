//! The console's words in Russian (the default), Uzbek (Latin script) and English, from
//! Fluent files (`crates/web/locales/{ru,uz,en}/console.ftl`) built into the binary. The
//! API's messages (wrong password, field errors) come from the API's own files
//! (`davomat_api::i18n`), so a message reads the same wherever it is met.

use std::collections::HashMap;

use davomat_core::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid, static_loader};

static_loader! {
    static WORDS = {
        locales: "./locales",
        fallback_language: "ru",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The words of one language, for a page.
#[derive(Clone, Copy, Debug)]
pub struct Words {
    pub lang: Lang,
}

impl Words {
    pub fn new(lang: Lang) -> Words {
        Words { lang }
    }

    /// The text of `id` (the id itself where no file has it; a test checks they all do).
    pub fn get(&self, id: &str) -> String {
        WORDS
            .lookup_single_language::<&str>(&language(self.lang), id, None)
            .unwrap_or_else(|_| id.to_string())
    }

    /// The text of `id` with a number (plural forms follow it); by reference, as
    /// templates pass their arguments.
    pub fn count(&self, id: &str, n: &u64) -> String {
        let args: HashMap<&str, FluentValue> = HashMap::from([("n", FluentValue::from(*n))]);
        WORDS
            .lookup_single_language(&language(self.lang), id, Some(&args))
            .unwrap_or_else(|_| id.to_string())
    }

    /// `ru`, `uz` or `en`, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

fn language(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Ru => langid!("ru"),
        Lang::Uz => langid!("uz"),
        Lang::En => langid!("en"),
    }
}

/// Every id a page uses must be in each language's file.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_word_of_the_russian_file() {
        let russian = include_str!("../locales/ru/console.ftl");
        let ids: Vec<&str> = russian
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id.trim()))
            .filter(|id| !id.is_empty() && !id.starts_with('#'))
            .collect();
        assert!(ids.len() > 20, "{ids:?}");
        for lang in [Lang::Uz, Lang::En] {
            let file = match lang {
                Lang::Uz => include_str!("../locales/uz/console.ftl"),
                _ => include_str!("../locales/en/console.ftl"),
            };
            for id in &ids {
                assert!(
                    file.lines().any(|l| l.starts_with(&format!("{id} = "))),
                    "{id} missing in {lang:?}"
                );
            }
        }
        assert_eq!(Words::new(Lang::Uz).get("today-title"), "Bugun");
    }
}

//! The three languages davomat answers in, and how a request picks one.

use serde::{Deserialize, Serialize};

/// A language of messages: Russian (the reference's default), English, Uzbek.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
    Uz,
}

impl Lang {
    /// Parses a language code (`ru`, `en`, `uz`, also `en-US`, `uz_Latn`).
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            "uz" => Some(Lang::Uz),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by its order
    /// of preference (`q` weights honoured), or `None` when it names none of ours.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (weight > 0.0).then_some((weight, position, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map(|c| c.2)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Uz => "uz",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::from_accept_language("en"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("uz-Latn"), Some(Lang::Uz));
        assert_eq!(
            Lang::from_accept_language("de, en;q=0.5, uz;q=0.8"),
            Some(Lang::Uz)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0, ru"), Some(Lang::Ru));
    }
}

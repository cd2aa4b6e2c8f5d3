//! The one i18n layer: every user-facing string of egov is looked up here by key.
//!
//! Vietnamese is the default language, English the second. The catalogue is a
//! static table so that a missing translation is a test failure, not a runtime
//! surprise.

mod messages;

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// A language the platform speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Parses a language tag (`vi`, `en`, `en-US`…); unknown tags give `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').filter_map(|part| part.split(';').next()).find_map(Lang::parse)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The other language (for the visible switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// The name of this language, in itself.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
        }
    }
}

/// A message: its key, its Vietnamese text, its English text.
pub type Message = (&'static str, &'static str, &'static str);

type Table = HashMap<&'static str, (&'static str, &'static str)>;

/// The catalogue: the core messages, and the tables modules installed.
fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(|| RwLock::new(messages::MESSAGES.iter().map(|(k, vi, en)| (*k, (*vi, *en))).collect()))
}

/// Adds a module's messages to the catalogue (at start-up, by the module
/// registry; again is harmless). A key already present with other texts is
/// refused: its name, as an error.
pub fn install(messages: &'static [Message]) -> Result<(), &'static str> {
    let mut t = table().write().unwrap_or_else(|p| p.into_inner());
    for (k, vi, en) in messages {
        match t.get(k) {
            Some(texts) if *texts != (*vi, *en) => return Err(k),
            _ => {
                t.insert(k, (vi, en));
            }
        }
    }
    Ok(())
}

/// The text of `key` in `lang`. An unknown key returns the key itself, so that
/// it is visible on the page and caught by the tests that scan for it.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    let t = table().read().unwrap_or_else(|p| p.into_inner());
    match t.get(key) {
        Some((vi, en)) => match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
        None => key,
    }
}

/// Whether `key` is in the catalogue.
pub fn has(key: &str) -> bool {
    table().read().unwrap_or_else(|p| p.into_inner()).contains_key(key)
}

/// All keys installed so far, for tests that check their keys exist.
pub fn keys() -> Vec<&'static str> {
    table().read().unwrap_or_else(|p| p.into_inner()).keys().copied().collect()
}

/// A translator bound to one language, handy in templates: `{{ tr.t("home.title") }}`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn t(&self, key: &'static str) -> &'static str {
        t(self.0, key)
    }
    pub fn lang(&self) -> Lang {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = HashSet::new();
        for (k, vi, en) in messages::MESSAGES {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!vi.trim().is_empty(), "{k} has no Vietnamese text");
            assert!(!en.trim().is_empty(), "{k} has no English text");
        }
    }

    #[test]
    fn a_module_adds_its_messages_once_and_cannot_change_another_s() {
        static MINE: &[Message] = &[("test.only", "Chỉ để thử", "Test only")];
        static CLASH: &[Message] = &[("test.only", "Khác", "Other")];
        assert!(!has("test.only"));
        install(MINE).unwrap();
        install(MINE).unwrap();
        assert_eq!(t(Lang::En, "test.only"), "Test only");
        assert_eq!(install(CLASH), Err("test.only"));
        assert_eq!(t(Lang::Vi, "test.only"), "Chỉ để thử");
    }

    #[test]
    fn vietnamese_is_default_and_parsing_works() {
        assert_eq!(Lang::default(), Lang::Vi);
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::from_accept_language("fr;q=0.9, en;q=0.8"), Some(Lang::En));
        assert_eq!(t(Lang::En, "common.yes"), "Yes");
        assert_eq!(t(Lang::Vi, "no.such.key"), "no.such.key");
        assert_eq!(t(Lang::Vi, "no.such.key"), "no.such.key");
    }
}

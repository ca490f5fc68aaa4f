//! [`TextMap`]: key → text objects: the host's (`strings`, `requirements.notes`), the loaded
//! translations and the proxy's scope labels.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// Keys and texts in the order the host's object listed them, looked up linearly.
///
/// These maps hold a few dozen entries at most and are read a handful of times per render, so a
/// `Vec` does the job: a `BTreeMap` here cost about 7 KB of the shipped wasm for nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextMap(Vec<(String, String)>);

impl TextMap {
    /// An empty map.
    pub fn new() -> Self {
        TextMap(Vec::new())
    }

    /// The text for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, text)| text.as_str())
    }

    /// Whether `key` has a text.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the text for `key`, replacing an earlier one.
    pub fn insert(&mut self, key: String, text: String) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = text,
            None => self.0.push((key, text)),
        }
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// How many keys have a text.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no key has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, T: Into<String>> FromIterator<(K, T)> for TextMap {
    fn from_iter<I: IntoIterator<Item = (K, T)>>(entries: I) -> Self {
        let mut map = TextMap::new();
        for (key, text) in entries {
            map.insert(key.into(), text.into());
        }
        map
    }
}

/// An object of key → string; any value that is not a string refuses the whole object.
impl<'de> Deserialize<'de> for TextMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Texts;

        impl<'de> Visitor<'de> for Texts {
            type Value = TextMap;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of key \u{2192} string")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<TextMap, A::Error> {
                let mut map = TextMap::new();
                while let Some((key, text)) = entries.next_entry::<String, String>()? {
                    map.insert(key, text);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(Texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_text_replaces_an_earlier_one() {
        let mut map: TextMap = [("connect", "Verbinden"), ("title", "Titel")]
            .into_iter()
            .collect();
        assert_eq!(map.get("connect"), Some("Verbinden"));
        map.insert("connect".into(), "Los".into());
        assert_eq!(map.get("connect"), Some("Los"));
        assert_eq!(map.len(), 2);
        assert!(map.contains_key("title"));
        assert!(!map.contains_key("missing"));
        assert_eq!(map.get("missing"), None);
        assert!(TextMap::new().is_empty());
    }

    #[test]
    fn reads_an_object_of_strings_and_nothing_else() {
        let map: TextMap = serde_json::from_str(r#"{"connect":"Los","title":"T"}"#).unwrap();
        assert_eq!(map.get("connect"), Some("Los"));
        assert_eq!(map.len(), 2);
        let refused = serde_json::from_str::<TextMap>(r#"{"connect":1}"#).unwrap_err();
        assert!(
            refused.to_string().contains("expected a string"),
            "{refused}"
        );
        assert!(serde_json::from_str::<TextMap>(r#""connect""#).is_err());
    }
}

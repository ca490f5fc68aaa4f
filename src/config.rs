//! The element's attributes, parsed into one value the Yew app renders from.
//!
//! Pure: no DOM access, so every rule here is tested natively.

use azdo_connect_core::contract::Method;
use azdo_connect_core::AllowedServers;

/// Every attribute `<azdo-connect>` observes, in the order the element contract lists them.
pub const OBSERVED_ATTRIBUTES: [&str; 13] = [
    "proxy-url",
    "scopes",
    "organization",
    "connected-as",
    "verified-at",
    "select",
    "lang",
    "theme",
    "csrf-token",
    "allowed-servers",
    "reconnect",
    "expires-at",
    "method",
];

/// What the project/repository picker offers after a successful verify (`select` attribute).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Select {
    /// No picker (the default).
    #[default]
    None,
    /// Pick projects.
    Projects,
    /// Pick repositories (grouped by project).
    Repositories,
}

impl Select {
    /// Parses the attribute; anything unknown means no picker.
    pub fn parse(value: Option<&str>) -> Select {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("projects") => Select::Projects,
            Some("repositories") => Select::Repositories,
            _ => Select::None,
        }
    }
}

/// The element's configuration, from its attributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `proxy-url`: the proxy's base, e.g. `/api/azdo`, without a trailing slash.
    pub proxy_url: String,
    /// `scopes`: the scope ids the vendor requires, in the order given, without duplicates.
    pub scopes: Vec<String>,
    /// `organization`: the organization the host persisted, for the connected state.
    pub organization: Option<String>,
    /// `connected-as`: the display name the host persisted.
    pub connected_as: Option<String>,
    /// `verified-at`: when the host's connection was verified (RFC 3339).
    pub verified_at: Option<String>,
    /// `select`: the picker mode.
    pub select: Select,
    /// `lang`: the language tag, as given.
    pub lang: Option<String>,
    /// `csrf-token`: sent as `X-CSRF-Token` on every request when set.
    pub csrf_token: Option<String>,
    /// `allowed-servers`: Azure DevOps Server hosts the organization field accepts.
    pub allowed_servers: AllowedServers,
    /// `reconnect`: the error code the host's health check reported for the connection.
    pub reconnect: Option<String>,
    /// `expires-at`: the token's expiry date the host stored (RFC 3339).
    pub expires_at: Option<String>,
    /// `method`: how the host's stored connection was made (`pat` or `entra`, from
    /// `azdo-connected`), so reconnect mode offers the matching fix. Anything else is unknown.
    pub method: Option<Method>,
}

impl Config {
    /// Applies one attribute change (`None` when it was removed). Unknown names are ignored.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        let text = || {
            value
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        match name {
            "proxy-url" => {
                self.proxy_url = value
                    .unwrap_or_default()
                    .trim()
                    .trim_end_matches('/')
                    .to_owned()
            }
            "scopes" => self.scopes = split_list(value.unwrap_or_default()),
            "organization" => self.organization = text(),
            "connected-as" => self.connected_as = text(),
            "verified-at" => self.verified_at = text(),
            "select" => self.select = Select::parse(value),
            "lang" => self.lang = text(),
            "csrf-token" => self.csrf_token = text(),
            "reconnect" => self.reconnect = text(),
            "expires-at" => self.expires_at = text(),
            "method" => {
                self.method = text().and_then(|v| {
                    Method::ALL
                        .into_iter()
                        .find(|m| m.as_str().eq_ignore_ascii_case(&v))
                })
            }
            "allowed-servers" => {
                self.allowed_servers = AllowedServers::new(split_list(value.unwrap_or_default()))
            }
            // `theme` is styled by CSS through `:host([theme=…])`; nothing to keep here.
            _ => {}
        }
    }

    /// Builds a configuration from `(name, value)` pairs, as read from the element at mount.
    pub fn from_attributes<'a>(
        attributes: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Config {
        let mut config = Config::default();
        for (name, value) in attributes {
            config.set(name, value);
        }
        config
    }

    /// The URL of one proxy endpoint, e.g. `endpoint("verify")`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.proxy_url, path)
    }
}

/// Splits a space- or comma-separated list, dropping empties and repeats.
pub fn split_list(value: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for item in value.split(|c: char| c == ',' || c.is_whitespace()) {
        if !item.is_empty() && !items.iter().any(|seen| seen == item) {
            items.push(item.to_owned());
        }
    }
    items
}

/// The `requirements` property: what the host adds to the token guidance, read from JS by its
/// serde derive. Absent members take their defaults; unknown members are ignored.
///
/// ```js
/// element.requirements = {
///   fullAccess: false,
///   notes: { "vso.code": "We read your repositories to publish their docs." },
/// };
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Requirements {
    /// The vendor needs a full-access token: the guidance says to choose Full access instead of
    /// listing scopes.
    pub full_access: bool,
    /// A note per scope id, shown next to that scope's label: why the vendor needs it.
    pub notes: crate::TextMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_accept_spaces_commas_and_repeats() {
        assert_eq!(
            split_list(" vso.code, vso.project  vso.code,,vso.profile "),
            ["vso.code", "vso.project", "vso.profile"]
        );
        assert!(split_list(" , ").is_empty());
    }

    #[test]
    fn attributes_build_a_config() {
        let config = Config::from_attributes([
            ("proxy-url", Some("/api/azdo/")),
            ("scopes", Some("vso.code vso.project")),
            ("organization", Some(" contoso ")),
            ("connected-as", Some("")),
            ("select", Some("Repositories")),
            (
                "allowed-servers",
                Some("tfs.example.com:8080, ADO.example.org"),
            ),
            ("theme", Some("dark")),
            ("unknown", Some("x")),
        ]);
        assert_eq!(config.proxy_url, "/api/azdo");
        assert_eq!(config.endpoint("verify"), "/api/azdo/verify");
        assert_eq!(config.scopes, ["vso.code", "vso.project"]);
        assert_eq!(config.organization.as_deref(), Some("contoso"));
        assert_eq!(config.connected_as, None, "an empty attribute means unset");
        assert_eq!(config.select, Select::Repositories);
        assert_eq!(
            config.allowed_servers.hosts(),
            ["tfs.example.com:8080", "ado.example.org"]
        );
    }

    #[test]
    fn removing_an_attribute_resets_it() {
        let mut config =
            Config::from_attributes([("csrf-token", Some("abc")), ("select", Some("projects"))]);
        assert_eq!(config.csrf_token.as_deref(), Some("abc"));
        config.set("csrf-token", None);
        config.set("select", None);
        assert_eq!(config.csrf_token, None);
        assert_eq!(config.select, Select::None);
    }

    #[test]
    fn unknown_select_values_mean_no_picker() {
        assert_eq!(Select::parse(Some("everything")), Select::None);
        assert_eq!(Select::parse(Some(" projects ")), Select::Projects);
        assert_eq!(Select::parse(None), Select::None);
    }
}

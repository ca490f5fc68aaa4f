//! The widget's words: English built in, German and French loaded on demand.
//!
//! Every string has a key. A host overrides any of them through the element's `strings` property
//! (`{ "connect": "Verbinden" }`); a key missing in the chosen language falls back to English.
//! Templates use `{name}` placeholders.
//!
//! The German and French tables are the JavaScript modules `src/locales/{de,fr}.js`.
//! wasm-bindgen copies them into the package's `snippets/` (`link_to!`), so they resolve next to
//! the glue module wherever it is served from, and a dynamic `import()` loads them: a strict
//! CSP's `script-src`, which already allows the module, covers them, and `connect-src` is not
//! involved. Until a table has loaded (or if it cannot load) the words are English, and the
//! rendered tree says `lang="en"`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::TextMap;

/// A language the widget ships words for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// English, the fallback.
    #[default]
    En,
    /// German.
    De,
    /// French.
    Fr,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::De, Lang::Fr];

    /// Picks the language for a BCP 47 tag such as `de-CH`; unknown tags get English.
    pub fn from_tag(tag: Option<&str>) -> Lang {
        let primary = tag
            .and_then(|t| t.trim().split(['-', '_']).next())
            .map(str::to_ascii_lowercase);
        match primary.as_deref() {
            Some("de") => Lang::De,
            Some("fr") => Lang::Fr,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag for the words shown, for the `lang` attribute of the rendered tree.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
        }
    }

    /// The URL of the language's module, next to the glue module; `None` for English.
    fn module_url(self) -> Option<String> {
        match self {
            Lang::En => None,
            Lang::De => Some(wasm_bindgen::link_to!(module = "/src/locales/de.js")),
            Lang::Fr => Some(wasm_bindgen::link_to!(module = "/src/locales/fr.js")),
        }
    }
}

#[wasm_bindgen(inline_js = "export function importModule(url) { return import(url); }")]
extern "C" {
    /// `import(url)`: a module, governed by `script-src` like the widget's own.
    #[wasm_bindgen(js_name = importModule)]
    fn import_module(url: &str) -> js_sys::Promise;
}

thread_local! {
    /// Tables already loaded, so several elements (and re-renders) import each one once.
    static LOADED: RefCell<Vec<(Lang, Rc<TextMap>)>> = const { RefCell::new(Vec::new()) };
}

/// The translated words of `lang` (empty for English, which is built in), imported once per page.
///
/// # Errors
/// Why the module could not be imported or read, for the console.
pub async fn load(lang: Lang) -> Result<Rc<TextMap>, String> {
    let Some(url) = lang.module_url() else {
        return Ok(Rc::default());
    };
    if let Some(table) = LOADED.with(|l| {
        l.borrow()
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, t)| Rc::clone(t))
    }) {
        return Ok(table);
    }
    let module = JsFuture::from(import_module(&url))
        .await
        .map_err(|e| format!("cannot import {url}: {}", crate::Error::from(e)))?;
    let words = js_sys::Reflect::get(&module, &JsValue::from_str("default"))
        .map_err(|_| format!("{url} has no default export"))?;
    let table: Rc<TextMap> =
        Rc::new(crate::js_value::from_js(words).map_err(|why| format!("{url}: {why}"))?);
    LOADED.with(|l| l.borrow_mut().push((lang, Rc::clone(&table))));
    Ok(table)
}

/// The words for one element: the language whose table has loaded, the host's overrides and the
/// proxy's scope labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strings {
    lang: Lang,
    table: Rc<TextMap>,
    overrides: Rc<TextMap>,
    labels: Rc<TextMap>,
}

impl Strings {
    /// English words, with `overrides` taking precedence.
    pub fn new(overrides: TextMap) -> Self {
        Strings {
            overrides: Rc::new(overrides),
            ..Strings::default()
        }
    }

    /// The same words in `lang`, from its loaded `table`; keys it lacks stay English.
    pub fn in_lang(self, lang: Lang, table: Rc<TextMap>) -> Self {
        Strings {
            lang,
            table,
            ..self
        }
    }

    /// The same words, with the scope catalogue's labels (scope id → label) the proxy published.
    pub fn with_scope_labels(self, labels: Rc<TextMap>) -> Self {
        Strings { labels, ..self }
    }

    /// The language in use.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The label of a scope in the Azure token UI ("Code (Read)"), as the proxy's `/config`
    /// published it; the scope id itself (`vso.code`) while `/config` loads or if it failed, so
    /// the list of scopes to tick is never blank.
    pub fn scope_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.labels.get(id).unwrap_or(id)
    }

    /// The text for `key`; the key itself if no table has it, so a typo shows instead of hiding.
    pub fn get(&self, key: &str) -> String {
        if let Some(text) = self.overrides.get(key) {
            return text.to_owned();
        }
        self.table
            .get(key)
            .or_else(|| lookup(key))
            .unwrap_or(key)
            .to_owned()
    }

    /// The text for `key` only if the host overrode it or the chosen language translates it;
    /// `None` means "use the English text from elsewhere" (e.g. core's messages).
    pub fn localized(&self, key: &str, args: &[(&str, &str)]) -> Option<String> {
        let known = self.overrides.contains_key(key) || self.table.contains_key(key);
        known.then(|| self.fill(key, args))
    }

    /// The text for `key` with each `{name}` replaced by its value.
    ///
    /// One pass over the text: a value that itself contains `{name}` is not filled again, and a
    /// placeholder with no value stays as written.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.get(key);
        let mut text = String::with_capacity(template.len());
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let value = args.iter().find(|(n, _)| *n == name)?.1;
                Some((value, close))
            });
            match value {
                Some((value, close)) => {
                    text.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    text.push('{');
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        text
    }
}

/// The English text for `key`.
fn lookup(key: &str) -> Option<&'static str> {
    english().find(|(k, _)| *k == key).map(|(_, text)| text)
}

/// The English table's keys and texts, in order.
fn english() -> impl Iterator<Item = (&'static str, &'static str)> {
    EN.split_terminator(RECORD)
        .filter_map(|entry| entry.split_once(UNIT))
}

/// Separators in [`EN`]: ASCII's record and unit separators, which no text contains.
const RECORD: char = '\u{1e}';
const UNIT: char = '\u{1f}';

/// Writes a table of `(key, text)` pairs as one string, `key UNIT text RECORD …`: the texts
/// compiled in without a (pointer, length) pair for every key and text (~1 KB gzip).
macro_rules! table {
    ($(($key:literal, $text:literal)),* $(,)?) => {
        concat!($($key, '\u{1f}', $text, '\u{1e}'),*)
    };
}

/// English: the reference table. Every key the widget uses is here.
const EN: &str = table![
    ("title", "Connect Azure DevOps"),
    ("org.label", "Organization"),
    ("org.hint", "Its name, or any address from it, such as https://dev.azure.com/your-org."),
    ("org.preview", "We will connect to"),
    ("pat.label", "Personal access token"),
    ("pat.show", "Show"),
    ("pat.hide", "Hide"),
    ("pat.show.label", "Show the token"),
    ("pat.hide.label", "Hide the token"),
    ("pat.required", "Paste a personal access token."),
    ("pat.format.legacy", "A 52-character token, the format Azure DevOps issued before July 2024."),
    ("pat.format.modern", "An 84-character Azure DevOps token."),
    ("pat.format.entraJwt", "This is a Microsoft Entra access token, not a personal access token. It expires within an hour; create a personal access token instead."),
    ("pat.format.unknown", "This does not look like an Azure DevOps personal access token. You can still try it."),
    ("connect", "Connect"),
    ("step.sending", "Sending the token to {org} for checking…"),
    ("step.checking", "Azure DevOps is checking the token and its scopes…"),
    ("success", "Connected to {org} as {name}"),
    ("scopes.heading", "Permissions this service needs"),
    ("scope.granted", "granted"),
    ("scope.missing", "missing"),
    ("scope.unknown", "can't tell without making changes"),
    ("error.heading", "Could not connect"),
    ("error.invalid_request", "The request was not understood. Reload the page and try again."),
    ("error.invalid_organization", "That organization name or address is not valid."),
    ("error.host_not_allowed", "That address is not an Azure DevOps organization this service can connect to."),
    ("error.token_format", "That is not a personal access token. Copy the token again from Azure DevOps."),
    ("error.token_invalid", "Azure DevOps did not accept this token. Check that it belongs to this organization and has not been revoked."),
    ("error.token_expired", "This token has expired. Create a new one, or extend it, in Azure DevOps."),
    ("error.organization_not_found", "Azure DevOps has no organization by that name. Check the spelling."),
    ("error.missing_scopes", "The token works, but it lacks permissions this service needs."),
    ("error.missing_scopes.add", "Edit the token in Azure DevOps and add: {scopes}"),
    ("error.rate_limited", "Azure DevOps is limiting requests right now."),
    ("error.upstream_unavailable", "Azure DevOps could not be reached or had a problem. Try again in a moment."),
    ("error.upstream_timeout", "Azure DevOps took too long to answer. Try again in a moment."),
    ("error.forbidden_origin", "This page is not allowed to use the connection service. Ask the site's administrator."),
    ("error.payload_too_large", "The request was too large."),
    ("error.csp_blocked", "This page's Content-Security-Policy blocks requests to {origin}: add {origin} to connect-src."),
    ("error.entra_not_configured", "Sign in with Microsoft is not set up for this service. Use a personal access token."),
    ("error.sign_in_cancelled", "Microsoft sign-in was cancelled. Start again when you are ready."),
    ("error.consent_required", "An administrator of your Microsoft Entra organization must approve this app before you can sign in. Ask your administrator, or use a personal access token."),
    ("error.sign_in_failed", "Microsoft sign-in did not work."),
    ("error.personal_account_organization", "This organization uses personal Microsoft accounts, which cannot sign in here. Use a personal access token instead."),
    ("error.not_a_member", "The account you signed in with cannot access this organization. Sign in with an account that belongs to it."),
    ("error.flow_expired", "This sign-in took too long or was already used. Start again."),
    ("error.popup_blocked", "Your browser blocked the sign-in window. Allow pop-ups for this site, or continue in this window."),
    ("error.proxy_unreachable", "The connection service of this site could not be reached. Check your network and try again."),
    ("error.internal", "Something went wrong inside the connection widget. Reload the page and try again."),
    ("retry", "Try again"),
    ("retry.wait", "You can try again in {seconds} s."),
    ("guide.heading", "How to create the token"),
    ("guide.open", "Open your personal access tokens in {org}"),
    ("guide.open.generic", "In Azure DevOps, open User settings › Personal access tokens › New Token."),
    ("guide.scopes", "Under Scopes, choose Custom defined and tick:"),
    ("guide.full", "Under Scopes, choose Full access: this service needs every permission."),
    ("guide.once", "Azure DevOps shows the token only once: copy it now."),
    ("guide.expiry", "Set an expiry date and a reminder to renew the token before it runs out."),
    ("guide.service", "Consider creating the token for a service account rather than a person, so the connection outlives staff changes."),
    ("guide.global", "Choose this organization, not All accessible organizations: global tokens no longer work (since 1 December 2026). Use a token scoped to this organization."),
    ("connected.status", "Connected to {org} as {name}"),
    ("connected.verified", "verified {when}"),
    ("connected.change", "Change token"),
    ("connected.disconnect", "Disconnect"),
    ("disconnect.confirm", "Disconnect {org}? This service will lose access until you connect again."),
    ("disconnect.yes", "Yes, disconnect"),
    ("disconnect.no", "Cancel"),
    ("change.cancel", "Keep the current token"),
    ("picker.projects", "Projects"),
    ("picker.repositories", "Repositories"),
    ("picker.search", "Search projects"),
    ("picker.more", "Load more"),
    ("picker.loading", "Loading projects…"),
    ("picker.empty", "No projects match."),
    ("picker.done", "Use this selection"),
    ("picker.git", "Git"),
    ("picker.tfvc", "TFVC"),
    ("picker.disabled", "Disabled"),
    // Microsoft sign-in.
    ("signin.intro", "Sign in with the Microsoft work or school account you use for Azure DevOps: no token to create or copy."),
    ("signin.button", "Sign in with Microsoft"),
    ("signin.usePat", "Use a personal access token instead"),
    ("signin.useSignIn", "Sign in with Microsoft instead"),
    ("signin.thisWindow", "Continue in this window"),
    ("signin.waiting", "Waiting for Microsoft sign-in…"),
    ("signin.organization", "Organization: {org}"),
    ("signin.window", "Complete the sign-in in the Microsoft window that opened."),
    ("signin.leaving", "Taking you to Microsoft sign-in…"),
    ("signin.returning", "Finishing Microsoft sign-in…"),
    ("signin.closed", "The sign-in window was closed. If you did not finish signing in, open it again."),
    ("signin.reopen", "Open the sign-in window again"),
    ("signin.cancel", "Cancel"),
    ("org.optional", "Optional with Microsoft sign-in: leave it empty to choose one of your organizations afterwards."),
    ("choose.heading", "Choose an organization"),
    ("choose.intro", "You are signed in. Which Azure DevOps organization should this service connect to?"),
    ("choose.empty", "This account belongs to no Azure DevOps organization in this tenant. Type the organization's name below, or cancel and sign in with another account."),
    ("choose.other", "Or type another organization:"),
    ("choose.connecting", "Connecting to {org}…"),
    // English organization errors come from core's `OrgError` Display; these keys exist so hosts
    // can override them, and so the translations have a reference.
    ("org.error.empty", "Enter your Azure DevOps organization: its name, or any URL from it such as https://dev.azure.com/your-org."),
    ("org.error.malformed", "That is neither an organization name nor an address we can read."),
    ("org.error.notAzureDevOps", "{host} is not an Azure DevOps address. Use https://dev.azure.com/your-org or https://your-org.visualstudio.com."),
    ("org.error.missingOrganization", "That address does not include an organization. Add it after the host, like https://dev.azure.com/your-org."),
    ("org.error.invalidName", "\u{201c}{name}\u{201d} is not a valid organization name."),
    ("org.error.serverNotAllowed", "{host} looks like an Azure DevOps Server, but this service is not set up to connect to it."),
    // Connection health: the token's expiry date and the host's `reconnect` report. The plural
    // keys end in the `Intl.PluralRules` category of the number.
    ("pat.expiry.label", "Expires on (optional)"),
    ("pat.expiry.past", "This date has passed, so the token has already expired. Create a new token, or leave the date empty."),
    ("pat.expiry.hint", "Azure DevOps shows this date when you create the token. We use it to remind you before the token stops working."),
    ("expiry.today", "Expires today"),
    ("expiry.days.one", "Expires in {days} day"),
    ("expiry.days.other", "Expires in {days} days"),
    ("expiry.expired", "Expired on {date}"),
    ("reconnect.heading", "This connection needs attention"),
    ("reconnect.unknown", "This connection stopped working. Connect it again to restore access."),
    ("reconnect.sign_in", "Sign in again"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use azdo_connect_core::ErrorCode;

    /// A language module's words: the JSON object after `export default`.
    fn module_table(lang: Lang) -> TextMap {
        let source = match lang {
            Lang::En => return english().collect(),
            Lang::De => include_str!("locales/de.js"),
            Lang::Fr => include_str!("locales/fr.js"),
        };
        let json = source
            .split_once("export default ")
            .map(|(_, rest)| rest.trim_end().trim_end_matches(';'))
            .expect("an `export default {…}`");
        serde_json::from_str(json).expect("the module's object is plain JSON of strings")
    }

    fn strings(lang: Lang) -> Strings {
        Strings::new(TextMap::new()).in_lang(lang, Rc::new(module_table(lang)))
    }

    #[test]
    fn tags_pick_a_language() {
        assert_eq!(Lang::from_tag(Some("de-CH")), Lang::De);
        assert_eq!(Lang::from_tag(Some("FR")), Lang::Fr);
        assert_eq!(Lang::from_tag(Some("pt-BR")), Lang::En);
        assert_eq!(Lang::from_tag(None), Lang::En);
    }

    #[test]
    fn every_translated_key_exists_in_english() {
        for lang in [Lang::De, Lang::Fr] {
            let table = module_table(lang);
            assert!(table.len() > 50, "{lang:?} looks truncated");
            let strays: Vec<&str> = table.keys().filter(|k| lookup(k).is_none()).collect();
            assert!(
                strays.is_empty(),
                "{lang:?} translates keys English lacks: {strays:?}"
            );
        }
    }

    #[test]
    fn english_keys_are_unique() {
        let keys: Vec<&str> = english().map(|(key, _)| key).collect();
        assert!(keys.len() > 100, "the English table looks truncated");
        for (i, key) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(key), "{key} appears twice");
        }
        assert_eq!(
            keys.len(),
            EN.matches(RECORD).count(),
            "every entry has a key and a text"
        );
        assert!(english().all(|(key, text)| !key.is_empty()
            && !text.is_empty()
            && !text.contains([RECORD, UNIT])));
    }

    #[test]
    fn every_error_code_has_a_message_in_every_language() {
        for lang in Lang::ALL {
            let table = module_table(lang);
            for code in ErrorCode::ALL {
                let key = format!("error.{}", code.as_str());
                assert!(table.contains_key(&key), "{lang:?} has no {key}");
            }
        }
    }

    #[test]
    fn the_csp_message_names_connect_src_and_the_origin_in_every_language() {
        for lang in Lang::ALL {
            let text = strings(lang).fill(
                "error.csp_blocked",
                &[("origin", "https://api.example.com")],
            );
            assert!(
                text.contains("connect-src") && text.contains("https://api.example.com"),
                "{lang:?}: {text}"
            );
        }
    }

    #[test]
    fn global_tokens_are_past_tense_in_every_language() {
        // Global PATs stopped working on 1 December 2026; the guidance must not promise a future date.
        let today = [
            ("en", "no longer work"),
            ("de", "nicht mehr"),
            ("fr", "ne fonctionnent plus"),
        ];
        for (lang, (tag, phrase)) in Lang::ALL.into_iter().zip(today) {
            assert_eq!(lang.tag(), tag);
            let text = strings(lang).get("guide.global");
            assert!(text.contains(phrase), "{lang:?}: {text}");
            assert!(
                !text.contains("stop working")
                    && !text.contains("ab dem")
                    && !text.contains("cessent"),
                "{lang:?}: {text}"
            );
        }
    }

    #[test]
    fn missing_translations_fall_back_to_english() {
        let de = strings(Lang::De);
        assert_eq!(de.lang(), Lang::De);
        assert_eq!(de.get("connect"), "Verbinden");
        assert_eq!(de.get("picker.git"), "Git");
        assert_eq!(de.get("no.such.key"), "no.such.key");
        // Before its table loads, a language is English.
        assert_eq!(Strings::default().get("connect"), "Connect");
    }

    #[test]
    fn localized_is_only_for_overrides_and_translations() {
        assert_eq!(Strings::default().localized("org.error.empty", &[]), None);
        assert!(strings(Lang::De)
            .localized("org.error.notAzureDevOps", &[("host", "github.com")])
            .is_some_and(|t| t.starts_with("github.com ist")));
        let en = Strings::new([("org.error.empty", "Org?")].into_iter().collect());
        assert_eq!(
            en.localized("org.error.empty", &[]).as_deref(),
            Some("Org?")
        );
    }

    #[test]
    fn placeholders_fill_once_and_unknown_ones_stay() {
        let en = Strings::new(
            [("t", "{a} and {b}, {unknown} {a} {"), ("u", "}{x}{")]
                .into_iter()
                .collect(),
        );
        assert_eq!(
            en.fill("t", &[("a", "{b}"), ("b", "B")]),
            "{b} and B, {unknown} {b} {"
        );
        assert_eq!(en.fill("u", &[("x", "X")]), "}X{");
        assert_eq!(en.fill("u", &[]), "}{x}{");
    }

    #[test]
    fn overrides_win_and_placeholders_fill() {
        let en = Strings::new([("success", "Hi {name} @ {org}")].into_iter().collect());
        assert_eq!(
            en.fill("success", &[("org", "contoso"), ("name", "Dana Demo")]),
            "Hi Dana Demo @ contoso"
        );
        assert_eq!(
            Strings::default().fill("success", &[("org", "contoso"), ("name", "Dana Demo")]),
            "Connected to contoso as Dana Demo"
        );
    }

    #[test]
    fn scope_labels_come_from_the_proxy_or_stay_ids() {
        let loading = Strings::default();
        assert_eq!(loading.scope_label("vso.code"), "vso.code");
        let loaded =
            loading.with_scope_labels(Rc::new([("vso.code", "Code (Read)")].into_iter().collect()));
        assert_eq!(loaded.scope_label("vso.code"), "Code (Read)");
        assert_eq!(loaded.scope_label("vso.unheard_of"), "vso.unheard_of");
    }
}

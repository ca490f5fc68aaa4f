//! Reading the proxy's JSON answers and the host's object properties straight from `JsValue`s.
//!
//! serde would do this with `serde_wasm_bindgen::from_value` and the derived visitors, but that
//! cost ~21 KB of the gzipped wasm, a third of it float formatting that only serde's error
//! messages use. These readers accept what the derived `Deserialize` impls accept for JSON
//! (`JSON.parse` output):
//!
//! - a struct is any object; unknown fields are ignored;
//! - a required field that is absent (`undefined`) or of the wrong type refuses the whole value;
//! - an `Option` field may be absent or `null`; a `#[serde(default)]` field may be absent, but
//!   not `null`;
//! - an integer is a safe integer (`Number.isSafeInteger`) within the Rust type's range;
//! - a sequence is an array; an enum is one of the wire names its `rename_all` gives.
//!
//! Numbers are never formatted: a refusal carries no value, which keeps `f64` `Display` out.

use azdo_connect_core::contract::{
    ApiError, ConfigResponse, ErrorBody, Limits, Project, ProjectsResponse, Repository,
    RepositoryKind, ScopeInfo, ScopeState, ScopeStatus, User, VerifyResponse, Warning,
};
use azdo_connect_core::{DeploymentType, ErrorCode};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::config::Requirements;
use crate::TextMap;

/// A type read from a JSON-shaped `JsValue`.
pub trait FromJs: Sized {
    /// The value, or `None` when `value` is not this type's JSON shape.
    fn from_js(value: &JsValue) -> Option<Self>;
}

/// The named fields of a JS object.
#[derive(Clone, Copy)]
struct Fields<'a>(&'a JsValue);

impl<'a> Fields<'a> {
    /// The fields of `value`, or `None` when it is not an object (`null`, a string, a number…).
    fn of(value: &'a JsValue) -> Option<Self> {
        value.is_object().then_some(Fields(value))
    }

    /// The field's value; `undefined` when it is absent. A throwing getter counts as absent.
    fn raw(self, name: &str) -> JsValue {
        Reflect::get(self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A field that must be present, or an `Option<_>` field (absent or `null` → `None`).
    fn get<T: FromJs>(self, name: &str) -> Option<T> {
        T::from_js(&self.raw(name))
    }

    /// A `#[serde(default)]` field: absent means `T::default()`, present must be a `T`.
    fn or_default<T: FromJs + Default>(self, name: &str) -> Option<T> {
        let value = self.raw(name);
        if value.is_undefined() {
            Some(T::default())
        } else {
            T::from_js(&value)
        }
    }

    /// A string field that must be present; the most common kind, so not generic.
    fn string(self, name: &str) -> Option<String> {
        self.raw(name).as_string()
    }
}

impl FromJs for String {
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_string()
    }
}

impl FromJs for bool {
    fn from_js(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }
}

impl FromJs for u64 {
    fn from_js(value: &JsValue) -> Option<Self> {
        safe_unsigned(value)
    }
}

impl FromJs for u32 {
    fn from_js(value: &JsValue) -> Option<Self> {
        safe_unsigned(value).and_then(|n| u32::try_from(n).ok())
    }
}

/// `null` and `undefined` are `Some(None)`: serde reads both as a missing optional.
impl<T: FromJs> FromJs for Option<T> {
    fn from_js(value: &JsValue) -> Option<Self> {
        if value.is_null() || value.is_undefined() {
            Some(None)
        } else {
            T::from_js(value).map(Some)
        }
    }
}

impl<T: FromJs> FromJs for Vec<T> {
    fn from_js(value: &JsValue) -> Option<Self> {
        let mut items = Vec::new();
        each_item(value, &mut |item| {
            T::from_js(item).map(|t| items.push(t)).is_some()
        })
        .then_some(items)
    }
}

/// Whether `value` is an array whose every item `read` accepts. Not generic, so the array walk
/// exists once rather than once per item type.
fn each_item(value: &JsValue, read: &mut dyn FnMut(&JsValue) -> bool) -> bool {
    Array::is_array(value) && Array::from(value).iter().all(|item| read(&item))
}

/// A non-negative safe integer. Checked on the `f64` itself: the number is never formatted.
fn safe_unsigned(value: &JsValue) -> Option<u64> {
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    let n = value.as_f64()?;
    // NaN and infinities fall outside the range; `trunc` (one wasm instruction) refuses fractions.
    ((0.0..=MAX_SAFE_INTEGER).contains(&n) && n.trunc() == n).then_some(n as u64)
}

/// One of an enum's wire names; like the derives (no `#[serde(other)]`), any other string is
/// off-contract.
fn by_wire_name<T: Copy>(value: &JsValue, all: &[T], name: fn(T) -> &'static str) -> Option<T> {
    let text = value.as_string()?;
    all.iter().copied().find(|&v| name(v) == text)
}

impl FromJs for ErrorCode {
    fn from_js(value: &JsValue) -> Option<Self> {
        by_wire_name(value, &ErrorCode::ALL, ErrorCode::as_str)
    }
}

impl FromJs for DeploymentType {
    fn from_js(value: &JsValue) -> Option<Self> {
        by_wire_name(value, &DeploymentType::ALL, DeploymentType::as_str)
    }
}

impl FromJs for ScopeState {
    fn from_js(value: &JsValue) -> Option<Self> {
        by_wire_name(value, &ScopeState::ALL, ScopeState::as_str)
    }
}

impl FromJs for RepositoryKind {
    fn from_js(value: &JsValue) -> Option<Self> {
        by_wire_name(value, &RepositoryKind::ALL, RepositoryKind::as_str)
    }
}

impl FromJs for User {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(User {
            id: f.string("id")?,
            display_name: f.string("displayName")?,
            email: f.get("email")?,
        })
    }
}

impl FromJs for ScopeStatus {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(ScopeStatus {
            id: f.string("id")?,
            label: f.string("label")?,
            status: f.get("status")?,
        })
    }
}

impl FromJs for Warning {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(Warning {
            code: f.string("code")?,
            message: f.string("message")?,
        })
    }
}

impl FromJs for VerifyResponse {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(VerifyResponse {
            organization: f.string("organization")?,
            organization_url: f.string("organizationUrl")?,
            deployment_type: f.get("deploymentType")?,
            user: f.get("user")?,
            scopes: f.get("scopes")?,
            credential: f.string("credential")?,
            verified_at: f.string("verifiedAt")?,
            warnings: f.or_default("warnings")?,
        })
    }
}

impl FromJs for ApiError {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(ApiError {
            code: f.get("code")?,
            message: f.string("message")?,
            retry_after: f.get("retryAfter")?,
            missing_scopes: f.get("missingScopes")?,
            scopes: f.get("scopes")?,
        })
    }
}

impl FromJs for ErrorBody {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(ErrorBody {
            error: Fields::of(value)?.get("error")?,
        })
    }
}

impl FromJs for Repository {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(Repository {
            id: f.string("id")?,
            name: f.string("name")?,
            kind: f.get("kind")?,
            web_url: f.get("webUrl")?,
            default_branch: f.get("defaultBranch")?,
            disabled: f.or_default("disabled")?,
        })
    }
}

impl FromJs for Project {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(Project {
            id: f.string("id")?,
            name: f.string("name")?,
            description: f.get("description")?,
            visibility: f.get("visibility")?,
            repositories: f.or_default("repositories")?,
        })
    }
}

impl FromJs for ProjectsResponse {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(ProjectsResponse {
            projects: f.get("projects")?,
            continuation_token: f.get("continuationToken")?,
        })
    }
}

impl FromJs for ScopeInfo {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(ScopeInfo {
            id: f.string("id")?,
            label: f.string("label")?,
            area: f.string("area")?,
            observable: f.get("observable")?,
        })
    }
}

impl FromJs for Limits {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(Limits {
            max_body_bytes: f.get("maxBodyBytes")?,
            verify_timeout_ms: f.get("verifyTimeoutMs")?,
            requests_per_minute: f.get("requestsPerMinute")?,
        })
    }
}

impl FromJs for ConfigResponse {
    fn from_js(value: &JsValue) -> Option<Self> {
        let f = Fields::of(value)?;
        Some(ConfigResponse {
            version: f.string("version")?,
            allowed_servers: f.get("allowedServers")?,
            scopes: f.get("scopes")?,
            limits: f.get("limits")?,
        })
    }
}

/// Reads an object of key → string (the `strings` property, `requirements.notes`).
///
/// # Errors
/// Why the value is refused, for the console: it is not a plain object (arrays included), or one
/// of its values is not a string.
pub fn string_map(value: &JsValue) -> Result<TextMap, String> {
    if !value.is_object() || Array::is_array(value) {
        return Err("not an object of key \u{2192} string".to_owned());
    }
    let mut map = TextMap::new();
    for entry in Object::entries(value.unchecked_ref()).iter() {
        let entry = Array::from(&entry);
        // `Object.entries` keys are always strings.
        let key = entry.get(0).as_string().unwrap_or_default();
        match entry.get(1).as_string() {
            Some(text) => {
                map.insert(key, text);
            }
            None => return Err(format!("value for key \"{key}\" is not a string")),
        }
    }
    Ok(map)
}

/// Reads the `requirements` property: `{ fullAccess?: boolean, notes?: { [scopeId]: string } }`.
/// Absent members take their defaults; unknown members are ignored.
///
/// # Errors
/// Why the value is refused, for the console: not an object, `fullAccess` not a boolean, or
/// `notes` not an object of strings.
pub fn requirements(value: &JsValue) -> Result<Requirements, String> {
    let f = match Fields::of(value) {
        Some(f) if !Array::is_array(value) => f,
        _ => return Err("not an object".to_owned()),
    };
    let full_access = f.raw("fullAccess");
    let full_access = if full_access.is_undefined() {
        false
    } else {
        full_access
            .as_bool()
            .ok_or_else(|| "`fullAccess` is not a boolean".to_owned())?
    };
    let notes = f.raw("notes");
    let notes = if notes.is_undefined() {
        TextMap::new()
    } else {
        string_map(&notes).map_err(|why| format!("`notes`: {why}"))?
    };
    Ok(Requirements { full_access, notes })
}

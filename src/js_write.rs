//! Building the events' `detail` objects and the proxy's request bodies straight as `JsValue`s.
//!
//! serde would do this with `serde_wasm_bindgen::Serializer::json_compatible()` and the derived
//! `Serialize` impls; these writers produce the same plain objects, so hosts and the proxy see no
//! difference:
//!
//! - a struct is a plain object with its camelCase wire names, in declaration order;
//! - a `skip_serializing_if` field that is `None` (or an empty list) is left out, never set to
//!   `undefined`, so `"key" in detail` stays `false`;
//! - a `#[serde(flatten)]` field puts its fields in the outer object;
//! - a list is an array; an enum is the wire name its `rename_all` gives;
//! - an integer is a number.
//!
//! [`Pat`](azdo_connect_core::Pat) deliberately has no `ToJs`, so no event detail can carry the
//! token by accident: the one place it becomes a `JsValue` is the verify request body.

use azdo_connect_core::contract::{
    ConnectedDetail, DisconnectedDetail, ErrorDetail, ProjectsRequest, ReadyDetail, RepositoryKind,
    ScopeState, ScopeStatus, SelectedProject, SelectedRepository, Selection, User, VerifyRequest,
    VerifyResponse, VerifyingDetail, Warning,
};
use azdo_connect_core::{DeploymentType, ErrorCode};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

/// A type written as a JSON-shaped `JsValue`.
pub trait ToJs {
    /// The value as `JSON.parse` would give it back from the type's serde JSON.
    fn to_js(&self) -> JsValue;
}

/// A plain object being filled in.
struct Obj(Object);

impl Obj {
    fn new() -> Self {
        Obj(Object::new())
    }

    fn set(self, name: &str, value: &JsValue) -> Self {
        // Only a frozen object or a throwing setter refuses, and a fresh `Object` has neither.
        let _ = Reflect::set(&self.0, &JsValue::from_str(name), value);
        self
    }

    /// A string field; the most common kind.
    fn string(self, name: &str, value: &str) -> Self {
        self.set(name, &JsValue::from_str(value))
    }

    /// A `skip_serializing_if` field: absent means no key at all, as serde leaves it out.
    fn maybe(self, name: &str, value: Option<JsValue>) -> Self {
        match value {
            Some(value) => self.set(name, &value),
            None => self,
        }
    }
}

impl From<Obj> for JsValue {
    fn from(obj: Obj) -> Self {
        obj.0.into()
    }
}

/// An array of already written items. Not generic, so the array is built in one place.
fn array(items: &mut dyn Iterator<Item = JsValue>) -> JsValue {
    let array = Array::new();
    for item in items {
        array.push(&item);
    }
    array.into()
}

/// A `u64` as a JS number. serde-wasm-bindgen refused integers above 2^53; every one the widget
/// writes (`retryAfter`) was read by `js_read` as a safe integer, so the conversion is exact.
fn number(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

impl ToJs for String {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl<T: ToJs> ToJs for [T] {
    fn to_js(&self) -> JsValue {
        array(&mut self.iter().map(T::to_js))
    }
}

impl ToJs for ErrorCode {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self.as_str())
    }
}

impl ToJs for DeploymentType {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self.as_str())
    }
}

impl ToJs for ScopeState {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self.as_str())
    }
}

impl ToJs for RepositoryKind {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self.as_str())
    }
}

impl ToJs for User {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("id", &self.id)
            .string("displayName", &self.display_name)
            .maybe("email", self.email.as_ref().map(String::to_js))
            .into()
    }
}

impl ToJs for ScopeStatus {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("id", &self.id)
            .string("label", &self.label)
            .set("status", &self.status.to_js())
            .into()
    }
}

impl ToJs for Warning {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("code", &self.code)
            .string("message", &self.message)
            .into()
    }
}

/// The verify answer's fields; also the start of `azdo-connected`, which flattens them into its
/// own object.
fn verified_fields(verified: &VerifyResponse) -> Obj {
    Obj::new()
        .string("organization", &verified.organization)
        .string("organizationUrl", &verified.organization_url)
        .set("deploymentType", &verified.deployment_type.to_js())
        .set("user", &verified.user.to_js())
        .set("scopes", &verified.scopes.to_js())
        .string("credential", &verified.credential)
        .string("verifiedAt", &verified.verified_at)
        // `#[serde(default)]` without `skip_serializing_if`: an empty list is still written.
        .set("warnings", &verified.warnings.to_js())
}

impl ToJs for VerifyResponse {
    fn to_js(&self) -> JsValue {
        verified_fields(self).into()
    }
}

impl ToJs for ReadyDetail {
    fn to_js(&self) -> JsValue {
        Obj::new().string("version", &self.version).into()
    }
}

impl ToJs for VerifyingDetail {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("organization", &self.organization)
            .string("organizationUrl", &self.organization_url)
            .into()
    }
}

impl ToJs for ConnectedDetail {
    fn to_js(&self) -> JsValue {
        verified_fields(&self.verified)
            .maybe("selection", self.selection.as_ref().map(Selection::to_js))
            .into()
    }
}

impl ToJs for ErrorDetail {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .set("code", &self.code.to_js())
            .string("message", &self.message)
            .maybe("retryAfter", self.retry_after.map(number))
            .maybe(
                "missingScopes",
                self.missing_scopes.as_deref().map(<[String]>::to_js),
            )
            .into()
    }
}

impl ToJs for DisconnectedDetail {
    fn to_js(&self) -> JsValue {
        Obj::new().string("organization", &self.organization).into()
    }
}

impl ToJs for SelectedProject {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("id", &self.id)
            .string("name", &self.name)
            .into()
    }
}

impl ToJs for SelectedRepository {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("id", &self.id)
            .string("name", &self.name)
            .set("kind", &self.kind.to_js())
            .string("projectId", &self.project_id)
            .into()
    }
}

impl ToJs for Selection {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .set("projects", &self.projects.to_js())
            .set("repositories", &self.repositories.to_js())
            .into()
    }
}

impl ToJs for VerifyRequest {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("organization", &self.organization)
            // The one place the token leaves Rust: the proxy needs it to verify and seal it.
            .string("token", self.token.expose())
            .maybe(
                "requiredScopes",
                (!self.required_scopes.is_empty()).then(|| self.required_scopes.to_js()),
            )
            .into()
    }
}

impl ToJs for ProjectsRequest {
    fn to_js(&self) -> JsValue {
        Obj::new()
            .string("credential", &self.credential)
            .maybe(
                "continuationToken",
                self.continuation_token.as_ref().map(String::to_js),
            )
            .maybe("search", self.search.as_ref().map(String::to_js))
            .into()
    }
}

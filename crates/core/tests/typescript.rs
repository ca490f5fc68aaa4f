//! `packaging/contract.d.ts` is what the Rust contract types generate, and what it declares is what
//! serde writes: the same camelCase names, `?` exactly on the fields serde may leave out.
//!
//! Regenerate the file with `UPDATE=1 cargo test -p azdo-connect-core --test typescript`.
#![cfg(feature = "ts")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use azdo_connect_core::contract::*;
use azdo_connect_core::{typescript, DeploymentType, ErrorCode, Pat, SecretToken};
use serde::Serialize;
use serde_json::Value;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packaging/contract.d.ts")
}

#[test]
fn committed_declarations_are_what_the_types_generate() {
    let generated = typescript::declarations();
    let path = committed_path();
    if std::env::var_os("UPDATE").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is not what the contract types generate; run\n  \
         UPDATE=1 cargo test -p azdo-connect-core --test typescript\nand commit the result.",
        path.display()
    );
}

/// One field of a declared object type.
#[derive(Debug)]
struct Field {
    optional: bool,
    ty: String,
}

/// The object types of the generated file, by name: their fields, with `A & B` merged.
fn declared_objects(text: &str) -> BTreeMap<String, BTreeMap<String, Field>> {
    let text = strip_comments(text);
    let mut raw = BTreeMap::new();
    for declaration in text.split("export type ").skip(1) {
        let (name, body) = declaration.split_once(" = ").unwrap();
        let body = body.trim().trim_end_matches(';').trim();
        raw.insert(name.trim().to_owned(), body.to_owned());
    }
    let mut objects = BTreeMap::new();
    for name in raw.keys() {
        let mut fields = BTreeMap::new();
        if collect_fields(&raw, name, &mut fields) {
            objects.insert(name.clone(), fields);
        }
    }
    objects
}

/// Adds the fields of `name`'s body to `fields`; false when it is not an object type.
fn collect_fields(
    raw: &BTreeMap<String, String>,
    name: &str,
    fields: &mut BTreeMap<String, Field>,
) -> bool {
    let body = &raw[name];
    let mut any_object = false;
    for part in split_top_level(body, '&') {
        if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            any_object = true;
            for member in split_top_level(inner, ',') {
                let (key, ty) = member.split_once(':').unwrap();
                let (key, optional) = match key.trim().strip_suffix('?') {
                    Some(key) => (key, true),
                    None => (key.trim(), false),
                };
                let ty = ty.trim().to_owned();
                fields.insert(key.to_owned(), Field { optional, ty });
            }
        } else if raw.contains_key(part) {
            any_object |= collect_fields(raw, part, fields);
        }
    }
    any_object
}

/// `text` without its `/** … */` and `// …` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = &rest[start + rest[start..].find("*/").unwrap() + 2..];
    }
    out.push_str(rest);
    out.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The non-empty parts of `text` between `separator`s outside brackets and strings.
fn split_top_level(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '{' | '<' | '(' | '[' if !quoted => depth += 1,
            '}' | '>' | ')' | ']' if !quoted => depth -= 1,
            c if c == separator && depth == 0 && !quoted => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// What the samples showed of one declared type.
#[derive(Default)]
struct Seen {
    present: BTreeSet<String>,
    absent: BTreeSet<String>,
}

/// Checks `value` against the declared type `ty`, recursing into named object types and arrays.
fn check(
    objects: &BTreeMap<String, BTreeMap<String, Field>>,
    seen: &mut BTreeMap<String, Seen>,
    ty: &str,
    value: &Value,
) {
    if let Some(element) = ty.strip_prefix("Array<").and_then(|t| t.strip_suffix('>')) {
        for item in value.as_array().unwrap_or_else(|| panic!("{ty}: {value}")) {
            check(objects, seen, element, item);
        }
        return;
    }
    let Some(fields) = objects.get(ty) else {
        return;
    };
    let object = value.as_object().unwrap_or_else(|| panic!("{ty}: {value}"));
    for key in object.keys() {
        assert!(
            fields.contains_key(key),
            "serde writes `{key}` in {ty}, which declares {:?}",
            fields.keys()
        );
    }
    let record = seen.entry(ty.to_owned()).or_default();
    for (key, field) in fields {
        match object.get(key) {
            Some(Value::Null) => panic!("{ty}.{key} is written as null; omit it instead"),
            Some(_) => record.present.insert(key.clone()),
            None => {
                assert!(
                    field.optional,
                    "serde leaves out {ty}.{key}, declared required"
                );
                record.absent.insert(key.clone())
            }
        };
    }
    for (key, field) in fields {
        if let Some(inner) = object.get(key) {
            check(objects, seen, &field.ty, inner);
        }
    }
}

fn json(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

fn scope(status: ScopeState) -> ScopeStatus {
    ScopeStatus {
        id: "vso.code".into(),
        label: "Code (Read)".into(),
        status,
    }
}

fn verified(email: Option<&str>) -> VerifyResponse {
    VerifyResponse {
        organization: "contoso".into(),
        organization_url: "https://dev.azure.com/contoso".into(),
        deployment_type: DeploymentType::Hosted,
        user: User {
            id: "6f1e…".into(),
            display_name: "Dana Demo".into(),
            email: email.map(Into::into),
        },
        scopes: vec![scope(ScopeState::Granted)],
        credential: "eyJ…".into(),
        verified_at: "2026-11-23T08:00:00Z".into(),
        warnings: vec![Warning {
            code: "token_format_unknown".into(),
            message: "Unusual token.".into(),
        }],
        method: if email.is_some() {
            Method::Entra
        } else {
            Method::Pat
        },
        expires_at: email.map(|_| "2027-03-01".into()),
    }
}

fn repository(known: bool) -> Repository {
    Repository {
        id: "r1".into(),
        name: "web".into(),
        kind: RepositoryKind::Git,
        web_url: known.then(|| "https://dev.azure.com/contoso/Web/_git/web".into()),
        default_branch: known.then(|| "refs/heads/main".into()),
        // A disabled repository carries the flag; an enabled one leaves it out.
        disabled: !known,
    }
}

fn project(known: bool) -> Project {
    Project {
        id: "p1".into(),
        name: "Web".into(),
        description: known.then(|| "The web site".into()),
        visibility: known.then(|| "private".into()),
        repositories: vec![repository(known)],
    }
}

fn error(code: ErrorCode, full: bool) -> ApiError {
    ApiError {
        retry_after: full.then_some(30),
        missing_scopes: full.then(|| vec!["vso.code".into()]),
        scopes: full.then(|| vec![scope(ScopeState::Missing)]),
        ..ApiError::new(code, "Try again.")
    }
}

fn selection() -> Selection {
    Selection {
        projects: vec![SelectedProject {
            id: "p1".into(),
            name: "Web".into(),
        }],
        repositories: vec![SelectedRepository {
            id: "r1".into(),
            name: "web".into(),
            kind: RepositoryKind::Tfvc,
            project_id: "p1".into(),
        }],
    }
}

/// Every root type, each with its optional parts both present and absent.
fn samples() -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    for full in [true, false] {
        out.extend([
            (
                "AzdoVerifyRequest",
                json(VerifyRequest {
                    organization: "contoso".into(),
                    token: full.then(|| Pat::new("t")),
                    session: (!full).then(|| "s1".into()),
                    required_scopes: if full {
                        vec!["vso.code".into()]
                    } else {
                        vec![]
                    },
                    expires_at: full.then(|| "2027-03-01".into()),
                }),
            ),
            (
                "AzdoOAuthStartRequest",
                json(OAuthStartRequest {
                    organization: full.then(|| "contoso".into()),
                    required_scopes: if full {
                        vec!["vso.code".into()]
                    } else {
                        vec![]
                    },
                    login_hint: full.then(|| "dana@contoso.example".into()),
                    return_to: full.then(|| "https://app.example.com/settings".into()),
                }),
            ),
            (
                "AzdoCheckResponse",
                json(CheckResponse {
                    status: CheckStatus::Ok,
                    checked_at: "2026-12-02T08:00:00Z".into(),
                    user: verified(None).user,
                    scopes: vec![scope(ScopeState::Granted)],
                    credential: full.then(|| "eyJ…".into()),
                }),
            ),
            (
                "AzdoErrorBody",
                json(ErrorBody {
                    error: error(ErrorCode::MissingScopes, full),
                }),
            ),
            (
                "AzdoErrorDetail",
                json(ErrorDetail::from(error(ErrorCode::RateLimited, full))),
            ),
            (
                "AzdoProjectsRequest",
                json(ProjectsRequest {
                    credential: "eyJ…".into(),
                    continuation_token: full.then(|| "next".into()),
                    search: full.then(|| "we".into()),
                }),
            ),
            (
                "AzdoProjectsResponse",
                json(ProjectsResponse {
                    projects: vec![project(full)],
                    continuation_token: full.then(|| "next".into()),
                }),
            ),
            (
                "AzdoCredentialClaims",
                json(CredentialClaims {
                    kind: if full { Method::Pat } else { Method::Entra },
                    org: "contoso".into(),
                    org_url: "https://dev.azure.com/contoso".into(),
                    pat: full.then(|| Pat::new("t")),
                    tenant: (!full).then(|| "72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
                    refresh_token: (!full).then(|| SecretToken::new("r")),
                    expires_at: full.then(|| "2027-03-01".into()),
                    user_id: "6f1e…".into(),
                    scopes: vec!["vso.code".into()],
                    required_scopes: if full {
                        vec!["vso.code".into()]
                    } else {
                        Vec::new()
                    },
                    iat: 1_764_000_000,
                    exp: full.then_some(1_764_086_400),
                }),
            ),
            (
                "AzdoConnectedDetail",
                json(ConnectedDetail {
                    verified: verified(full.then_some("dana@contoso.example")),
                    selection: full.then(selection),
                }),
            ),
        ]);
    }
    out.extend([
        (
            "AzdoConfigResponse",
            json(ConfigResponse {
                version: "0.1.0".into(),
                allowed_servers: vec!["tfs.contoso.example".into()],
                scopes: vec![ScopeInfo {
                    id: "vso.code".into(),
                    label: "Code (Read)".into(),
                    area: "Code".into(),
                    observable: true,
                }],
                limits: Limits {
                    max_body_bytes: 16_384,
                    verify_timeout_ms: 10_000,
                    requests_per_minute: 30,
                },
                entra: true,
            }),
        ),
        (
            "AzdoOAuthStartResponse",
            json(OAuthStartResponse {
                flow: "f1".into(),
                authorize_url: "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=…".into(),
                expires_in: 600,
            }),
        ),
        (
            "AzdoOAuthPending",
            json(OAuthPending {
                status: FlowStatus::Pending,
            }),
        ),
        (
            "AzdoChooseOrganization",
            json(ChooseOrganization {
                status: FlowStatus::ChooseOrganization,
                organizations: vec![OrganizationChoice {
                    name: "contoso".into(),
                    url: "https://dev.azure.com/contoso".into(),
                }],
                session: "s1".into(),
            }),
        ),
        (
            "AzdoCheckRequest",
            json(CheckRequest {
                credential: "eyJ…".into(),
            }),
        ),
        (
            "AzdoReadyDetail",
            json(ReadyDetail {
                version: "0.1.0".into(),
            }),
        ),
        (
            "AzdoVerifyingDetail",
            json(VerifyingDetail {
                organization: "contoso".into(),
                organization_url: "https://dev.azure.com/contoso".into(),
            }),
        ),
        (
            "AzdoDisconnectedDetail",
            json(DisconnectedDetail {
                organization: "contoso".into(),
            }),
        ),
        ("AzdoSelection", json(selection())),
        ("AzdoVerifyResponse", json(verified(None))),
        ("AzdoVerifyResponse", json(verified(Some("dana@contoso.example")))),
    ]);
    out
}

#[test]
fn declared_fields_are_what_serde_writes() {
    let objects = declared_objects(&typescript::declarations());
    let mut seen = BTreeMap::new();
    for (ty, value) in samples() {
        assert!(objects.contains_key(ty), "{ty} is not declared");
        check(&objects, &mut seen, ty, &value);
    }
    for (ty, fields) in &objects {
        let record = seen
            .get(ty)
            .unwrap_or_else(|| panic!("no sample reaches {ty}"));
        for (key, field) in fields {
            assert!(
                !field.ty.split('|').any(|t| t.trim() == "null"),
                "{ty}.{key} is declared nullable; serde omits absent fields instead"
            );
            assert!(
                record.present.contains(key),
                "{ty}.{key} is declared, but serde never writes it"
            );
            assert!(
                !field.optional || record.absent.contains(key),
                "{ty}.{key} is declared optional, but serde always writes it"
            );
        }
    }
}

#[test]
fn enums_declare_every_wire_name() {
    let text = typescript::declarations();
    let union = |name: &str| -> BTreeSet<String> {
        let start = text.find(&format!("export type {name} = ")).unwrap();
        let line = text[start..].lines().next().unwrap();
        line.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> BTreeSet<String> {
        all.iter().map(|&v| name(v).to_owned()).collect()
    }
    assert_eq!(
        union("AzdoErrorCode"),
        names(&ErrorCode::ALL, ErrorCode::as_str)
    );
    assert_eq!(
        union("AzdoDeploymentType"),
        names(&DeploymentType::ALL, DeploymentType::as_str)
    );
    assert_eq!(
        union("AzdoScopeState"),
        names(&ScopeState::ALL, ScopeState::as_str)
    );
    assert_eq!(
        union("AzdoRepositoryKind"),
        names(&RepositoryKind::ALL, RepositoryKind::as_str)
    );
}

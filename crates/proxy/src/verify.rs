//! `POST {base}/verify`: ask Azure DevOps whether a token is valid, who owns it, and which of the
//! required scopes work. The probes and the scope each observes are tabled in the crate README.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use azdo_connect_core::contract::{
    CredentialClaims, Method, ScopeState, ScopeStatus, User, VerifyRequest, VerifyResponse, Warning,
};
use azdo_connect_core::scopes::{self, Scope};
use azdo_connect_core::{
    classify_pat, normalize_organization, token_format_error, DeploymentType, Organization, Pat,
    PatFormat, SecretToken,
};
use serde::Deserialize;

use crate::credential::now;
use crate::extract::ApiJson;
use crate::upstream::{Auth, Reply, Stage, Target, Upstream};
use crate::{AppState, Error};

/// The identity Azure DevOps reports for an unauthenticated caller of an org with public projects.
const ANONYMOUS_USER_ID: &str = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";

/// Seconds to wait when Azure DevOps throttles without saying for how long.
const DEFAULT_RETRY_AFTER: u64 = 60;

/// Verify a token for an organization, or finish a Microsoft sign-in with a `session`.
#[utoipa::path(
    post,
    path = "/verify",
    tag = "azdo-connect",
    request_body = VerifyRequest,
    params(("X-Azdo-Connect" = String, Header, description = "Must be `1` (CSRF guard).")),
    responses(
        (status = 200, description = "The token is valid and has every required scope.", body = VerifyResponse),
        (status = 400, description = "`invalid_request`, `invalid_organization`, `host_not_allowed` or `token_format`.", body = azdo_connect_core::contract::ErrorBody),
        (status = 401, description = "`token_invalid` or `token_expired`.", body = azdo_connect_core::contract::ErrorBody),
        (status = 403, description = "`missing_scopes` (with `missingScopes` and `scopes`), `forbidden_origin`, or with a session `not_a_member` or `consent_required`.", body = azdo_connect_core::contract::ErrorBody),
        (status = 410, description = "`flow_expired`: the session is unknown, used or expired.", body = azdo_connect_core::contract::ErrorBody),
        (status = 404, description = "`organization_not_found`.", body = azdo_connect_core::contract::ErrorBody),
        (status = 413, description = "`payload_too_large`.", body = azdo_connect_core::contract::ErrorBody),
        (status = 429, description = "`rate_limited`, with `retryAfter` and a `Retry-After` header.", body = azdo_connect_core::contract::ErrorBody),
        (status = 502, description = "`upstream_unavailable`.", body = azdo_connect_core::contract::ErrorBody),
        (status = 504, description = "`upstream_timeout`.", body = azdo_connect_core::contract::ErrorBody),
    )
)]
pub(crate) async fn verify(
    State(state): State<Arc<AppState>>,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<VerifyResponse>, Error> {
    let org = normalize_organization(&request.organization, &state.allowed_servers)?;
    let token = match (&request.token, &request.session) {
        (Some(token), None) => token,
        // A sign-in session finishes a Microsoft sign-in: connect the organization picked.
        (None, Some(session)) => {
            return crate::session::verify_session(&state, org, session, &request.required_scopes)
                .await
                .map(Json)
        }
        (Some(_), Some(_)) => {
            return Err(Error::InvalidRequest(
                "Send either a personal access token or a sign-in session, not both.".into(),
            ))
        }
        (None, None) => {
            return Err(Error::InvalidRequest(
                "The request has no personal access token (the field token).".into(),
            ))
        }
    };
    if let Some(message) = token_format_error(token.expose()) {
        return Err(Error::TokenFormat(message.to_owned()));
    }
    let requested = requested_scopes(&request.required_scopes)?;
    let expires_at = request
        .expires_at
        .as_deref()
        .map(|text| expiry_date(text, time::OffsetDateTime::now_utc()))
        .transpose()?;
    let target = Target::new(&org, &state.allowed_servers)?;

    let inspection = inspect(&state.upstream, &target, Auth::Pat(token), &requested).await?;
    connected(
        &state,
        org,
        inspection,
        &requested,
        Held::Pat { token, expires_at },
    )
    .map(Json)
}

/// What a new credential holds besides the organization and the identity.
pub(crate) enum Held<'a> {
    /// A personal access token, and the expiry date the person gave for it.
    Pat {
        /// The verified token.
        token: &'a Pat,
        /// `expiresAt` of the request, checked.
        expires_at: Option<String>,
    },
    /// A Microsoft sign-in's refresh token for `tenant`.
    Entra {
        /// The tenant the refresh token is redeemed at.
        tenant: &'a str,
        /// The refresh token (never the access token).
        refresh_token: &'a SecretToken,
    },
}

/// Seals the credential of a connection Azure DevOps just confirmed (`inspection`) and builds the
/// answer: the one place both sign-in methods end.
pub(crate) fn connected(
    state: &AppState,
    org: Organization,
    inspection: Inspection,
    requested: &[&'static Scope],
    held: Held<'_>,
) -> Result<VerifyResponse, Error> {
    let Inspection {
        user,
        scopes,
        granted,
    } = inspection;
    let issued_at = now();
    let ttl = i64::try_from(state.credential_ttl.as_secs()).unwrap_or(i64::MAX);
    let (method, pat, tenant, refresh_token, expires_at) = match &held {
        Held::Pat { token, expires_at } => (
            Method::Pat,
            Some((*token).clone()),
            None,
            None,
            expires_at.clone(),
        ),
        Held::Entra {
            tenant,
            refresh_token,
        } => (
            Method::Entra,
            None,
            Some((*tenant).to_owned()),
            Some((*refresh_token).clone()),
            None,
        ),
    };
    let claims = CredentialClaims {
        kind: method,
        org: org.organization.clone(),
        org_url: org.organization_url.clone(),
        pat,
        tenant,
        refresh_token,
        expires_at: expires_at.clone(),
        user_id: user.id.clone(),
        scopes: granted,
        required_scopes: requested.iter().map(|s| s.id.to_owned()).collect(),
        iat: issued_at,
        exp: Some(issued_at.saturating_add(ttl)),
    };
    let credential = state.sealer.seal(&claims)?;
    let warnings = match held {
        Held::Pat { token, .. } => {
            tracing::info!(org = %org.organization, user = %user.id, "verify: token valid");
            warnings(token, org.deployment_type)
        }
        Held::Entra { tenant, .. } => {
            tracing::info!(org = %org.organization, user = %user.id, tenant = %tenant, "sign-in: connected");
            Vec::new()
        }
    };
    Ok(VerifyResponse {
        organization: org.organization,
        organization_url: org.organization_url,
        deployment_type: org.deployment_type,
        user,
        scopes,
        credential,
        verified_at: rfc3339_now(),
        warnings,
        method,
        expires_at,
    })
}

/// What Azure DevOps says about a token for one organization.
pub(crate) struct Inspection {
    /// Who the token acts as.
    pub(crate) user: User,
    /// Every requested scope with what was observed.
    pub(crate) scopes: Vec<ScopeStatus>,
    /// Every probed scope observed as granted, sorted: what a credential records.
    pub(crate) granted: Vec<String>,
}

/// Asks Azure DevOps who `auth` is in `target` and which of the `requested` scopes work: the
/// heart of verify, and of every later re-check. Fails with `missing_scopes` (with the checklist)
/// when a requested scope is observed missing.
pub(crate) async fn inspect(
    upstream: &Upstream,
    target: &Target,
    auth: Auth<'_>,
    requested: &[&'static Scope],
) -> Result<Inspection, Error> {
    // Identity and capabilities in one round trip: a bad token then costs a few extra 401s
    // upstream, a good one half the latency. A refused identity ends the verify at once (the
    // probes still in flight are dropped).
    let (user, observed) =
        futures_util::future::try_join(identify(upstream, target, auth), async {
            Ok(probe(upstream, target, auth, requested).await)
        })
        .await?;
    let scopes: Vec<ScopeStatus> = requested
        .iter()
        .map(|scope| ScopeStatus {
            id: scope.id.to_owned(),
            label: scope.label.to_owned(),
            status: status_of(scope, &observed),
        })
        .collect();
    let missing: Vec<String> = scopes
        .iter()
        .filter(|s| s.status == ScopeState::Missing)
        .map(|s| s.id.clone())
        .collect();
    if !missing.is_empty() {
        tracing::info!(missing = ?missing, "missing scopes");
        return Err(Error::MissingScopes { missing, scopes });
    }
    let granted = observed
        .iter()
        .filter(|(_, state)| **state == ScopeState::Granted)
        .map(|(id, _)| (*id).to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(Inspection {
        user,
        scopes,
        granted,
    })
}

/// The longest `expiresAt` accepted: an RFC 3339 date-time with fractions and offset is shorter.
const MAX_EXPIRY_CHARS: usize = 40;

/// Checks the PAT expiry date the person gave: an RFC 3339 date (`2027-03-01`, the token is good
/// through that day) or date-time, not already past at `now`. Returns it trimmed.
pub(crate) fn expiry_date(text: &str, now: time::OffsetDateTime) -> Result<String, Error> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    let invalid = || {
        Error::InvalidRequest(
            "The expiry date (expiresAt) must be a date like 2027-03-01 or an RFC 3339 date and time like 2027-03-01T12:00:00Z.".into(),
        )
    };
    if text.chars().count() > MAX_EXPIRY_CHARS {
        return Err(invalid());
    }
    let date_only = time::macros::format_description!("[year]-[month]-[day]");
    let past = if let Ok(date) = time::Date::parse(text, &date_only) {
        date < now.date()
    } else {
        time::OffsetDateTime::parse(text, &Rfc3339).map_err(|_| invalid())? <= now
    };
    if past {
        return Err(Error::InvalidRequest(format!(
            "The expiry date {text} is in the past: this token has already expired. Create a new one in Azure DevOps, or leave the date empty."
        )));
    }
    Ok(text.to_owned())
}

pub(crate) fn rfc3339_now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Resolves the requested ids against the catalogue, deduplicated in request order. An entry may
/// itself be a space- or comma-separated list, as in the widget's `scopes` attribute.
pub(crate) fn requested_scopes(entries: &[String]) -> Result<Vec<&'static Scope>, Error> {
    let mut found: Vec<&'static Scope> = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in entries.iter().flat_map(|e| scopes::parse_list(e)) {
        match scopes::lookup(&id) {
            Some(scope) if !found.iter().any(|s| s.id == scope.id) => found.push(scope),
            Some(_) => {}
            None if seen.insert(id.clone()) => {
                unknown.push(id.chars().take(80).collect::<String>())
            }
            None => {}
        }
    }
    if unknown.is_empty() {
        return Ok(found);
    }
    // Name a few, count the rest: the answer must not grow with a hostile request.
    const NAMED: usize = 5;
    let mut named = unknown
        .iter()
        .take(NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if unknown.len() > NAMED {
        named.push_str(&format!(" and {} more", unknown.len() - NAMED));
    }
    Err(Error::InvalidRequest(format!(
        "Unknown scope id{}: {named}. Use Azure DevOps scope ids such as vso.code or vso.project.",
        if unknown.len() == 1 { "" } else { "s" },
    )))
}

pub(crate) fn warnings(token: &Pat, deployment: DeploymentType) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let format = classify_pat(token.expose());
    if let Some(message) = format.warning() {
        let code = match format {
            PatFormat::EntraJwt => "token_format_entra_jwt",
            _ => "token_format_unknown",
        };
        warnings.push(Warning {
            code: code.to_owned(),
            message: message.to_owned(),
        });
    }
    if deployment == DeploymentType::OnPremises {
        warnings.push(Warning {
            code: "on_premises".to_owned(),
            message: "This is an Azure DevOps Server collection: scopes that only Azure DevOps Services can show (User Profile, Member Entitlement Management) are reported as unknown.".to_owned(),
        });
    }
    warnings
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionData {
    authenticated_user: Option<Identity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Identity {
    id: Option<String>,
    provider_display_name: Option<String>,
    custom_display_name: Option<String>,
    properties: Option<IdentityProperties>,
}

#[derive(Deserialize)]
struct IdentityProperties {
    #[serde(rename = "Account")]
    account: Option<PropertyValue>,
}

#[derive(Deserialize)]
struct PropertyValue {
    #[serde(rename = "$value")]
    value: Option<serde_json::Value>,
}

/// `GET {org}/_apis/connectionData`: is the token valid here, and whose is it?
pub(crate) async fn identify(
    upstream: &Upstream,
    target: &Target,
    auth: Auth<'_>,
) -> Result<User, Error> {
    let url = target.api(&["_apis", "connectionData"], &[]);
    let reply = upstream.get(&url, auth).await?;
    classify_connection(&reply)
}

/// Maps a connectionData answer to a user or a contract error.
pub(crate) fn classify_connection(reply: &Reply) -> Result<User, Error> {
    let rejected = || {
        if reply.says_expired() {
            Error::TokenExpired
        } else {
            Error::TokenInvalid(
                "Azure DevOps did not accept this token for this organization. Check that it was copied whole, has not been revoked, and was created for this organization.".into(),
            )
        }
    };
    match reply.status {
        200 if !reply.is_html() => {
            let data: ConnectionData = reply.json()?;
            let identity = data.authenticated_user.ok_or_else(|| {
                Error::UpstreamUnavailable("it answered without an authenticated user".into())
            })?;
            let id = identity.id.filter(|id| !id.is_empty()).ok_or_else(|| {
                Error::UpstreamUnavailable("it answered without a user id".into())
            })?;
            if id.eq_ignore_ascii_case(ANONYMOUS_USER_ID) {
                // Orgs with public projects answer a bad token as the anonymous user.
                return Err(rejected());
            }
            let display_name = identity
                .provider_display_name
                .or(identity.custom_display_name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| id.clone());
            let email = identity
                .properties
                .and_then(|p| p.account)
                .and_then(|a| a.value)
                .and_then(|v| v.as_str().map(str::to_owned))
                .filter(|e| !e.is_empty());
            Ok(User {
                id,
                display_name,
                email,
            })
        }
        200..=299 | 300..=399 | 401 => Err(rejected()),
        404 => Err(Error::OrganizationNotFound),
        429 => Err(Error::RateLimited {
            retry_after: reply.retry_after.unwrap_or(DEFAULT_RETRY_AFTER),
        }),
        status => Err(Error::UpstreamUnavailable(format!(
            "it answered HTTP {status}"
        ))),
    }
}

/// The nil GUID: no repository has it, so asking for it costs one small 404 whatever the
/// organization's size.
const NO_SUCH_REPOSITORY: &str = "00000000-0000-0000-0000-000000000000";

/// A read-only request that one scope opens and no unrelated scope does, with a bounded answer.
struct Probe {
    url: url::Url,
    stage: Stage,
    /// The `typeKey` of a 404 that also proves the scope: the request passed the scope check
    /// and the service looked for the (deliberately absent) resource.
    proven_by_404: Option<&'static str>,
}

/// The probe for `scope`, or `None` when no request tells it apart (or none exists on this
/// deployment): the scope is then `unknown`. Each answer is one item or a service-capped page.
fn probe_for(scope: &str, target: &Target) -> Option<Probe> {
    let released = |url| Probe {
        url,
        stage: Stage::Released,
        proven_by_404: None,
    };
    match scope {
        // Projects are also listed for User Profile (Read), which Code, Work Items and Build
        // (Read) include; "Get All Teams" takes Project and Team (Read) alone.
        "vso.project" => Some(Probe {
            url: target.api(&["_apis", "teams"], &[("$top", "1")]),
            stage: Stage::Preview,
            proven_by_404: None,
        }),
        // Listing repositories has no `$top`; one repository by an id that can't exist is
        // constant-size either way.
        "vso.code" => Some(Probe {
            url: target.api(&["_apis", "git", "repositories", NO_SUCH_REPOSITORY], &[]),
            stage: Stage::Released,
            proven_by_404: Some("GitRepositoryNotFoundException"),
        }),
        "vso.work" => Some(released(
            target.api(&["_apis", "wit", "fields", "System.Title"], &[]),
        )),
        "vso.profile" => target
            .service("vssps", &["_apis", "profile", "profiles", "me"], &[])
            .map(released),
        // One page: the service pages user entitlements with a continuation token.
        "vso.memberentitlementmanagement" => target
            .service("vsaex", &["_apis", "userentitlements"], &[])
            .map(released),
        _ => None,
    }
}

/// The observable scopes whose probes decide the requested scopes: each observable requested
/// scope, and the observable scopes that an unobservable requested scope includes.
fn probes_for(requested: &[&'static Scope]) -> BTreeSet<&'static str> {
    let mut ids = BTreeSet::new();
    for scope in requested {
        if scope.observable {
            ids.insert(scope.id);
        } else {
            ids.extend(
                scope
                    .implies
                    .iter()
                    .filter_map(|id| scopes::lookup(id))
                    .filter(|s| s.observable)
                    .map(|s| s.id),
            );
        }
    }
    ids
}

/// Runs the probes concurrently. 200 (or the probe's proving 404) ⇒ granted, 401 ⇒ missing,
/// anything else (or no probe on this deployment) ⇒ unknown.
async fn probe(
    upstream: &Upstream,
    target: &Target,
    auth: Auth<'_>,
    requested: &[&'static Scope],
) -> HashMap<&'static str, ScopeState> {
    let probes = probes_for(requested).into_iter().map(|id| async move {
        let Some(probe) = probe_for(id, target) else {
            return (id, ScopeState::Unknown);
        };
        let state = match upstream.get_api(&probe.url, probe.stage, auth).await {
            Ok(reply) if reply.status == 200 && !reply.is_html() => ScopeState::Granted,
            Ok(reply)
                if reply.status == 404
                    && probe.proven_by_404.is_some()
                    && reply.type_key().as_deref() == probe.proven_by_404 =>
            {
                ScopeState::Granted
            }
            Ok(reply) if reply.status == 401 => ScopeState::Missing,
            Ok(reply) => {
                tracing::debug!(scope = id, status = reply.status, "probe inconclusive");
                ScopeState::Unknown
            }
            Err(error) => {
                tracing::debug!(scope = id, code = %error.code(), "probe failed");
                ScopeState::Unknown
            }
        };
        (id, state)
    });
    futures_util::future::join_all(probes)
        .await
        .into_iter()
        .collect()
}

/// A requested scope's status: its own probe when observable; otherwise `missing` when a scope it
/// includes was observed missing (write ⊃ read), else `unknown`, never `granted`.
fn status_of(scope: &Scope, observed: &HashMap<&'static str, ScopeState>) -> ScopeState {
    if scope.observable {
        return observed
            .get(scope.id)
            .copied()
            .unwrap_or(ScopeState::Unknown);
    }
    let implied_missing = scope
        .implies
        .iter()
        .any(|id| observed.get(id) == Some(&ScopeState::Missing));
    if implied_missing {
        ScopeState::Missing
    } else {
        ScopeState::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, content_type: &str, body: &str) -> Reply {
        Reply {
            status,
            content_type: content_type.into(),
            retry_after: Some(7),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn classifies_connection_data() {
        let ok = reply(
            200,
            "application/json; charset=utf-8",
            r#"{"authenticatedUser":{"id":"u1","providerDisplayName":"Dana Demo","properties":{"Account":{"$type":"System.String","$value":"dana@contoso.example"}}}}"#,
        );
        let user = classify_connection(&ok).unwrap();
        assert_eq!(user.id, "u1");
        assert_eq!(user.display_name, "Dana Demo");
        assert_eq!(user.email.as_deref(), Some("dana@contoso.example"));

        let anonymous = reply(
            200,
            "application/json",
            r#"{"authenticatedUser":{"id":"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa","providerDisplayName":"Anonymous"}}"#,
        );
        let cases: [(Reply, &str); 11] = [
            (anonymous, "token_invalid"),
            (reply(401, "", ""), "token_invalid"),
            (
                reply(
                    401,
                    "application/json",
                    r#"{"message":"Access Denied: The Personal Access Token used has expired."}"#,
                ),
                "token_expired",
            ),
            (
                reply(
                    203,
                    "text/html; charset=utf-8",
                    "<title>Azure DevOps Services | Sign In</title>",
                ),
                "token_invalid",
            ),
            (reply(302, "text/html", "Object moved"), "token_invalid"),
            (
                reply(
                    203,
                    "text/html",
                    "<title>Sign In</title><p>Your session has expired.</p>",
                ),
                "token_invalid",
            ),
            (
                reply(
                    203,
                    "text/html",
                    "<title>Access Denied: The Personal Access Token used has expired.</title>",
                ),
                "token_expired",
            ),
            (reply(200, "text/html", "<html>"), "token_invalid"),
            (
                reply(404, "application/json", "{}"),
                "organization_not_found",
            ),
            (reply(503, "text/plain", "down"), "upstream_unavailable"),
            (
                reply(200, "application/json", "{not json"),
                "upstream_unavailable",
            ),
        ];
        for (r, code) in cases {
            let status = r.status;
            assert_eq!(
                classify_connection(&r).unwrap_err().code().as_str(),
                code,
                "{status}"
            );
        }
        match classify_connection(&reply(429, "application/json", "{}")) {
            Err(Error::RateLimited { retry_after }) => assert_eq!(retry_after, 7),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unobservable_scopes_follow_their_read_scope() {
        let Some(write) = scopes::lookup("vso.code_write") else {
            return; // the catalogue is not there yet
        };
        let mut observed = HashMap::new();
        observed.insert("vso.code", ScopeState::Missing);
        assert_eq!(status_of(write, &observed), ScopeState::Missing);
        observed.insert("vso.code", ScopeState::Granted);
        assert_eq!(status_of(write, &observed), ScopeState::Unknown);
        assert!(probes_for(&[write]).contains("vso.code"));
    }

    #[test]
    fn warnings_name_odd_formats_and_on_prem() {
        let legacy = Pat::new("demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7");
        assert!(warnings(&legacy, DeploymentType::Hosted).is_empty());
        let codes = |w: Vec<Warning>| w.into_iter().map(|w| w.code).collect::<Vec<_>>();
        assert_eq!(
            codes(warnings(&Pat::new("odd"), DeploymentType::OnPremises)),
            ["token_format_unknown", "on_premises"]
        );
        let jwt = Pat::new("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln");
        assert_eq!(
            codes(warnings(&jwt, DeploymentType::Hosted)),
            ["token_format_entra_jwt"]
        );
    }

    #[test]
    fn expiry_dates_are_rfc3339_and_not_past() {
        let now = time::macros::datetime!(2026-12-02 10:00 UTC);
        for ok in [
            "2026-12-02",
            " 2027-03-01 ",
            "2026-12-02T10:00:01Z",
            "2027-03-01T00:00:00+01:00",
        ] {
            assert_eq!(expiry_date(ok, now).unwrap(), ok.trim(), "{ok}");
        }
        for past in ["2026-12-01", "2026-12-02T09:59:59Z", "2020-01-01T00:00:00Z"] {
            let err = expiry_date(past, now).unwrap_err();
            assert_eq!(err.code().as_str(), "invalid_request");
            assert!(err.to_string().contains("in the past"), "{err}");
        }
        for bad in [
            "tomorrow",
            "2027-02-30",
            "01/03/2027",
            "2027-03-01 12:00",
            "",
            &"9".repeat(41),
        ] {
            let err = expiry_date(bad, now).unwrap_err();
            assert!(err.to_string().contains("must be a date"), "{bad}: {err}");
        }
    }

    #[test]
    fn unknown_scope_ids_are_named() {
        let ids: Vec<&str> = requested_scopes(&["VSO.Code, vso.project".into(), "vso.code".into()])
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["vso.code", "vso.project"]);
        let err = requested_scopes(&["vso.code".into(), "vso.nope".into()]).unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_request");
        assert!(err.to_string().contains("vso.nope"), "{err}");
    }
}

//! `POST /{tenant}/oauth2/v2.0/token`: client authentication, the `authorization_code` and
//! `refresh_token` grants, and the token response
//! (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use serde_json::json;

use crate::aadsts::{token_response, AadError};
use crate::directory::{App, Script};
use crate::issued::{Grant, ACCESS_TOKEN_SECS, CODE_LIFETIME, REFRESH_IDLE};
use crate::respond::guid;
use crate::server::Shared;
use crate::tenant_segment::{self, Audience};
use crate::{id_token, identity_assertion, pkce, scope_param};

type Params = HashMap<String, String>;

/// The token endpoint.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match answer(&shared, &segment, &method, &headers, &body) {
        Ok(r) => r,
        Err(e) => e.json(shared.issued.now()),
    }
}

fn answer(
    shared: &Shared,
    segment: &str,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, AadError> {
    if method != Method::POST {
        return Err(AadError::new(
            "invalid_request",
            900561,
            format!(
                "The endpoint only accepts POST, OPTIONS requests. Received a {method} request."
            ),
        ));
    }
    let audience = tenant_segment::resolve(&shared.fixture.identity, segment)?;
    // Only a form body is read: anything else (JSON included) has none of the parameters.
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    let params: Params = if is_form {
        url::form_urlencoded::parse(body).into_owned().collect()
    } else {
        Params::new()
    };
    let grant_type = param(&params, "grant_type").ok_or_else(|| AadError::missing("grant_type"))?;
    let app = authenticate(shared, segment, &audience, headers, &params)?;
    match grant_type {
        "authorization_code" => redeem_code(shared, &audience, app, &params),
        "refresh_token" => redeem_refresh(shared, &audience, app, &params),
        other => Err(AadError::new(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// `Authorization: Basic` with the form-urlencoded client id and secret (RFC 6749 section 2.3.1).
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// The app, once its credential checks out: a `client_assertion` signed with one of its
/// certificates or a federated token (see `identity_assertion`), or its secret in the body or HTTP Basic; missing,
/// wrong or expired → 401 `invalid_client` (AADSTS7000218, 7000215, 7000222). A credential sent
/// with an `Origin` header is a browser redeeming a web app's code: AADSTS9002326.
fn authenticate<'s>(
    shared: &'s Shared,
    segment: &str,
    audience: &Audience,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'s App, AadError> {
    let basic = basic(headers);
    let client_id = param(params, "client_id")
        .map(str::to_owned)
        .or_else(|| basic.as_ref().map(|(id, _)| id.clone()))
        .ok_or_else(|| AadError::missing("client_id"))?;
    let app = shared
        .fixture
        .identity
        .app(&client_id)
        .filter(|_| audience.serves_app())
        .ok_or_else(|| {
            AadError::new(
                "unauthorized_client",
                700016,
                format!("Application with identifier '{client_id}' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
            )
        })?;
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return Err(AadError::new(
            "invalid_request",
            9002326,
            format!("Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '{origin}'."),
        ));
    }
    let assertion_type = param(params, "client_assertion_type");
    let assertion = param(params, "client_assertion");
    if assertion_type.is_some() || assertion.is_some() {
        let token_url = format!("{}/{segment}/oauth2/v2.0/token", shared.authority());
        identity_assertion::authenticate(
            app,
            &shared.fixture.identity.workload_issuers,
            &token_url,
            assertion_type,
            assertion,
            &shared.assertions,
            shared.issued.now(),
        )?;
        return Ok(app);
    }
    let secret = param(params, "client_secret")
        .map(str::to_owned)
        .or_else(|| basic.map(|(_, s)| s))
        .ok_or_else(|| {
            AadError::new(
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
        })?;
    match app.secret(&secret) {
        None => Err(AadError::new(
            "invalid_client",
            7000215,
            format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", app.client_id),
        )),
        Some(s) if s.expired => Err(AadError::new(
            "invalid_client",
            7000222,
            format!("The provided client secret keys for app '{}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds", app.client_id),
        )),
        Some(_) => Ok(app),
    }
}

/// "Invalid request. Request is malformed or invalid." (an unknown code or token).
fn malformed() -> AadError {
    AadError::new(
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid.",
    )
}

fn redeem_code(
    shared: &Shared,
    audience: &Audience,
    app: &App,
    params: &Params,
) -> Result<Response, AadError> {
    let value = param(params, "code").ok_or_else(|| AadError::missing("code"))?;
    let redirect_uri =
        param(params, "redirect_uri").ok_or_else(|| AadError::missing("redirect_uri"))?;
    let code = shared.issued.code(value).ok_or_else(malformed)?;
    if !code.grant.client_id.eq_ignore_ascii_case(&app.client_id) {
        return Err(AadError::new(
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed.",
        ));
    }
    if code.redeemed {
        return Err(AadError::new(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    if !audience.accepts_code(&code.grant.tid, &code.audience) {
        return Err(AadError::new(
            "invalid_grant",
            700005,
            "Provided Authorization Code is intended to use against other tenant, thus rejected.",
        ));
    }
    if shared.issued.now() - code.issued > CODE_LIFETIME {
        return Err(AadError::new(
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        ));
    }
    if redirect_uri != code.redirect_uri {
        return Err(AadError::new(
            "invalid_grant",
            500112,
            format!("The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.", code.redirect_uri),
        ));
    }
    if let Some(challenge) = &code.challenge {
        if !param(params, "code_verifier").is_some_and(|v| pkce::verifies(challenge, v)) {
            return Err(AadError::new(
                "invalid_grant",
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            ));
        }
    }
    let account = shared.fixture.identity.account_by_oid(&code.grant.oid);
    if account.is_some_and(|a| a.script == Script::AzureDevOpsNotInTenant) {
        let tenant = shared.fixture.identity.tenant_name(&code.grant.tid);
        return Err(AadError::new(
            "invalid_resource",
            500011,
            format!("The resource principal named {} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", crate::directory::AZURE_DEVOPS_RESOURCE),
        ));
    }
    if !shared.issued.mark_redeemed(value) {
        return Err(AadError::new(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    Ok(tokens(shared, &code.grant))
}

fn redeem_refresh(
    shared: &Shared,
    audience: &Audience,
    app: &App,
    params: &Params,
) -> Result<Response, AadError> {
    let value = param(params, "refresh_token").ok_or_else(|| AadError::missing("refresh_token"))?;
    // Without `scope` the request is for the app itself (open-webui#22356,
    // modelcontextprotocol/typescript-sdk#2718).
    if param(params, "scope").is_none() {
        return Err(AadError::new(
            "invalid_request",
            90009,
            format!("Application '{0}'({1}) is requesting a token for itself. This scenario is supported only if resource is specified using the GUID based App Identifier.", app.client_id, app.display_name),
        ));
    }
    let scope = scope_param::parse(app, param(params, "scope"))?;
    let now = shared.issued.now();
    let token = shared.issued.use_refresh(value).ok_or_else(malformed)?;
    if !token.grant.client_id.eq_ignore_ascii_case(&app.client_id) {
        return Err(AadError::new(
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed.",
        ));
    }
    let date = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    if token.revoked {
        return Err(AadError::new(
            "invalid_grant",
            50173,
            format!("The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{}'.", date(token.issued), date(now)),
        ));
    }
    if now - token.last_used > REFRESH_IDLE {
        return Err(AadError::new(
            "invalid_grant",
            700082,
            format!("The refresh token has expired due to inactivity. The token was issued on {} and was inactive for 90.00:00:00.", date(token.issued)),
        ));
    }
    let identity = &shared.fixture.identity;
    let account = identity
        .account_by_oid(&token.grant.oid)
        .ok_or_else(malformed)?;
    if account.script == Script::MfaOnRefresh {
        return Err(AadError::new(
            "interaction_required",
            50076,
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '499b84ac-1321-427f-aa17-267ca6975798'.",
        )
        .with_suberror("basic_action"));
    }
    // Refresh tokens "aren't tied to a resource or tenant": redeemed at another tenant, they give
    // that tenant's tokens if the account is in it (https://learn.microsoft.com/entra/identity-platform/refresh-tokens).
    let tid = match audience {
        Audience::Tenant(_) => {
            audience.tenant_for(identity, account, &app.client_id, &app.display_name)?
        }
        _ => token.grant.tid.clone(),
    };
    // "Replace the old refresh token with this newly acquired refresh token": a refresh always
    // yields one, as the first grant asked for `offline_access`.
    let mut requested = scope.requested;
    if token.grant.asked("offline_access") && !requested.iter().any(|s| s == "offline_access") {
        requested.push("offline_access".into());
    }
    let grant = Grant {
        tid,
        requested,
        granted: scope.granted,
        nonce: None,
        ..token.grant
    };
    Ok(tokens(shared, &grant))
}

/// The success body: `refresh_token` only with `offline_access`, `id_token` only with `openid`.
/// `scope` names the Azure DevOps scopes granted (the exact string the live service sends for
/// Azure DevOps is not documented).
fn tokens(shared: &Shared, grant: &Grant) -> Response {
    let access = shared.issued.issue_access(grant);
    let scope = if grant.granted.is_empty() {
        grant.requested.join(" ")
    } else {
        grant.granted.join(" ")
    };
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": ACCESS_TOKEN_SECS,
        "ext_expires_in": ACCESS_TOKEN_SECS,
        "access_token": access,
    });
    if grant.asked("offline_access") {
        body["refresh_token"] = json!(shared.issued.issue_refresh(grant));
    }
    if grant.asked("openid") {
        if let Some(account) = shared.fixture.identity.account_by_oid(&grant.oid) {
            body["id_token"] = json!(id_token::sign(
                &shared.authority(),
                grant,
                account,
                shared.issued.now()
            ));
        }
    }
    token_response(StatusCode::OK, &body, &guid())
}

//! `POST {base}/projects`: one page of projects with their repositories, for the widget's picker,
//! authorized by a credential from a previous verify.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use azdo_connect_core::contract::{
    ErrorBody, Project, ProjectsRequest, ProjectsResponse, Repository, RepositoryKind, ScopeState,
    ScopeStatus,
};
use azdo_connect_core::{normalize_organization, scopes};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::future::try_join_all;
use serde::Deserialize;

use crate::credential::open_for_browser;
use crate::extract::ApiJson;
use crate::upstream::{Auth, Reply, Stage, Target, Upstream};
use crate::verify::identify;
use crate::{AppState, Error};

/// Projects per page.
pub(crate) const PAGE_SIZE: usize = 10;
/// Projects fetched per upstream call while searching.
const SEARCH_CHUNK: usize = 100;
/// Upstream calls one search page may make; the page then ends early with a continuation token.
const MAX_SEARCH_CHUNKS: usize = 5;
/// The longest search text accepted.
const MAX_SEARCH_CHARS: usize = 200;

/// List one page of projects and their repositories.
#[utoipa::path(
    post,
    path = "/projects",
    tag = "azdo-connect",
    request_body = ProjectsRequest,
    params(("X-Azdo-Connect" = String, Header, description = "Must be `1` (CSRF guard).")),
    responses(
        (status = 200, description = "One page of projects (10 at most), each with its Git and TFVC repositories.", body = ProjectsResponse),
        (status = 400, description = "`invalid_request` (bad body or continuation token).", body = ErrorBody),
        (status = 401, description = "`token_invalid` (credential altered or sealed with another key, or token revoked) or `token_expired`.", body = ErrorBody),
        (status = 403, description = "`missing_scopes` or `forbidden_origin`.", body = ErrorBody),
        (status = 429, description = "`rate_limited`.", body = ErrorBody),
        (status = 502, description = "`upstream_unavailable`.", body = ErrorBody),
        (status = 504, description = "`upstream_timeout`.", body = ErrorBody),
    )
)]
pub(crate) async fn projects(
    State(state): State<Arc<AppState>>,
    ApiJson(request): ApiJson<ProjectsRequest>,
) -> Result<Json<ProjectsResponse>, Error> {
    let claims = open_for_browser(&request.credential, &state.keyring, state.credential_ttl)?;
    // An entra credential holds a refresh token: redeem it for an access token for this call.
    let access_token;
    let auth = match claims.pat.as_ref() {
        Some(pat) => Auth::Pat(pat),
        None => {
            access_token = crate::refresh::access_token(&state, &claims).await?;
            Auth::Bearer(&access_token)
        }
    };
    // The credential is ours, but the allowlist may have shrunk since it was sealed.
    let org = normalize_organization(&claims.org_url, &state.allowed_servers)?;
    let target = Target::new(&org, &state.allowed_servers)?;
    let search = match request.search.as_deref().map(str::trim) {
        Some(s) if s.chars().count() > MAX_SEARCH_CHARS => {
            return Err(Error::InvalidRequest(format!(
                "The search text is longer than {MAX_SEARCH_CHARS} characters."
            )))
        }
        Some(s) if !s.is_empty() => Some(s.to_lowercase()),
        _ => None,
    };
    let skip = match request.continuation_token.as_deref() {
        Some(token) => decode_continuation(token)?,
        None => 0,
    };
    let (page, continuation) =
        list_page(&state.upstream, &target, auth, skip, search.as_deref()).await?;
    let projects = try_join_all(
        page.into_iter()
            .map(|p| with_repositories(&state.upstream, &target, auth, p)),
    )
    .await?;
    Ok(Json(ProjectsResponse {
        projects,
        continuation_token: continuation.map(encode_continuation),
    }))
}

fn encode_continuation(skip: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("skip:{skip}"))
}

fn decode_continuation(token: &str) -> Result<usize, Error> {
    URL_SAFE_NO_PAD
        .decode(token.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("skip:")?.parse().ok())
        .ok_or_else(|| {
            Error::InvalidRequest(
                "The continuation token is not one this service issued. Start from the first page."
                    .into(),
            )
        })
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct List<T> {
    #[serde(default)]
    value: Vec<T>,
    #[serde(default)]
    count: Option<u64>,
}

#[derive(Deserialize)]
struct UpstreamProject {
    id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpstreamRepository {
    id: String,
    name: String,
    #[serde(default)]
    web_url: Option<String>,
    #[serde(default)]
    default_branch: Option<String>,
    #[serde(default)]
    is_disabled: bool,
}

/// Scans the project list from `skip`, keeping the projects whose name contains `search`, until a
/// page is full. Returns the page and, when there may be more, where the next page starts.
async fn list_page(
    upstream: &Upstream,
    target: &Target,
    auth: Auth<'_>,
    mut skip: usize,
    search: Option<&str>,
) -> Result<(Vec<UpstreamProject>, Option<usize>), Error> {
    // Without a search one extra project tells whether there is a next page.
    let (top, chunks) = match search {
        None => (PAGE_SIZE + 1, 1),
        Some(_) => (SEARCH_CHUNK, MAX_SEARCH_CHUNKS),
    };
    let mut page = Vec::new();
    for _ in 0..chunks {
        let url = target.api(
            &["_apis", "projects"],
            &[("$top", &top.to_string()), ("$skip", &skip.to_string())],
        );
        let reply = upstream.get_api(&url, Stage::Released, auth).await?;
        if reply.status != 200 || reply.is_html() {
            return Err(refused(upstream, target, auth, &reply, "vso.project").await);
        }
        let list: List<UpstreamProject> = reply.json()?;
        let fetched = list.value.len();
        for (index, project) in list.value.into_iter().enumerate() {
            let wanted = search.is_none_or(|s| project.name.to_lowercase().contains(s));
            if !wanted {
                continue;
            }
            if page.len() == PAGE_SIZE {
                return Ok((page, Some(skip + index)));
            }
            page.push(project);
        }
        skip += fetched;
        let exhausted = fetched < top || list.count.is_some_and(|c| c < top as u64);
        if exhausted {
            return Ok((page, None));
        }
    }
    Ok((page, Some(skip)))
}

/// Adds the project's Git repositories and its TFVC repository, if it has one, fetched
/// concurrently.
async fn with_repositories(
    upstream: &Upstream,
    target: &Target,
    auth: Auth<'_>,
    project: UpstreamProject,
) -> Result<Project, Error> {
    let git_url = target.api(&[&project.id, "_apis", "git", "repositories"], &[]);
    let tfvc_path = format!("$/{}", project.name);
    let tfvc_url = target.api(
        &[&project.id, "_apis", "tfvc", "items"],
        &[("scopePath", &tfvc_path), ("recursionLevel", "None")],
    );
    let (git, tfvc) = futures_util::join!(
        upstream.get_api(&git_url, Stage::Released, auth),
        upstream.get_api(&tfvc_url, Stage::Released, auth)
    );
    let git = git?;
    let mut repositories = match git.status {
        200 if !git.is_html() => git
            .json::<List<UpstreamRepository>>()?
            .value
            .into_iter()
            // Disabled repositories are listed (every call into them answers 404), so the
            // picker can show them as unselectable; empty ones have no default branch.
            .map(|r| Repository {
                id: r.id,
                name: r.name,
                kind: RepositoryKind::Git,
                web_url: r.web_url,
                default_branch: r.default_branch.filter(|b| !b.is_empty()),
                disabled: r.is_disabled,
            })
            .collect(),
        // The project disappeared between the two calls: show it without repositories.
        404 => Vec::new(),
        _ => return Err(refused(upstream, target, auth, &git, "vso.code").await),
    };
    // TFVC is optional: any answer but a non-empty listing means the project has none.
    if let Ok(tfvc) = tfvc {
        let has_tfvc = tfvc.status == 200
            && !tfvc.is_html()
            && tfvc
                .json::<List<serde_json::Value>>()
                .is_ok_and(|l| !l.value.is_empty() || l.count.is_some_and(|c| c > 0));
        if has_tfvc {
            repositories.push(Repository {
                id: project.id.clone(),
                name: tfvc_path,
                kind: RepositoryKind::Tfvc,
                web_url: None,
                default_branch: None,
                disabled: false,
            });
        }
    }
    Ok(Project {
        id: project.id,
        name: project.name,
        description: project.description.filter(|d| !d.is_empty()),
        visibility: project.visibility,
        repositories,
    })
}

/// Maps a failed listing call to a contract error. A 401 is ambiguous (a missing scope, or a
/// token revoked since it was verified), so connectionData, which any valid token may read,
/// decides.
async fn refused(
    upstream: &Upstream,
    target: &Target,
    auth: Auth<'_>,
    reply: &Reply,
    scope: &str,
) -> Error {
    match reply.status {
        401 if reply.says_expired() => Error::TokenExpired,
        401 => match identify(upstream, target, auth).await {
            Ok(_) => {
                let label = scopes::lookup(scope).map_or(scope, |s| s.label);
                Error::MissingScopes {
                    missing: vec![scope.to_owned()],
                    scopes: vec![ScopeStatus {
                        id: scope.to_owned(),
                        label: label.to_owned(),
                        status: ScopeState::Missing,
                    }],
                }
            }
            Err(error) => error,
        },
        200..=399 => Error::TokenInvalid(
            "Azure DevOps no longer accepts this token; it may have been revoked. Connect again."
                .into(),
        ),
        404 => Error::OrganizationNotFound,
        429 => Error::RateLimited {
            retry_after: reply.retry_after.unwrap_or(60),
        },
        status => Error::UpstreamUnavailable(format!("it answered HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_tokens_round_trip_and_reject_garbage() {
        assert_eq!(decode_continuation(&encode_continuation(30)).unwrap(), 30);
        for bad in [
            "",
            "30",
            "skip:30",
            "!!",
            &URL_SAFE_NO_PAD.encode("skip:-1"),
        ] {
            assert_eq!(
                decode_continuation(bad).unwrap_err().code().as_str(),
                "invalid_request",
                "{bad}"
            );
        }
    }
}

//! The proxy against answers of the real Azure DevOps, not the fake: each file in `tests/vectors/`
//! holds one answer (status and body) with its `source`. A replay server on loopback serves them
//! at the paths the proxy calls, and the tests check what the proxy makes of them.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use azdo_connect_core::AllowedServers;
use azdo_connect_proxy::{ProxyConfig, RateLimit, SealKey};
use serde_json::{json, Value};

use common::{serve, serve_app};

/// A stored answer.
struct Vector {
    status: u16,
    body: Value,
}

fn vector(name: &str) -> Vector {
    let path = format!("{}/tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let source = file["source"].as_str().unwrap_or_default();
    assert!(source.len() > 20, "{name}: every vector names its source");
    Vector {
        status: file["status"].as_u64().expect("status") as u16,
        body: file["body"].clone(),
    }
}

/// Which vector answers a request, by its `/{host}/{path}` and query; `None` is a 404.
type Script = fn(&str, &str) -> Option<&'static str>;

#[derive(Clone)]
struct Replay {
    script: Script,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn replay(State(state): State<Replay>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    state.seen.lock().unwrap().push(format!("{path}?{query}"));
    match (state.script)(&path, &query) {
        Some(name) => {
            let v = vector(name);
            (
                StatusCode::from_u16(v.status).unwrap(),
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                v.body.to_string(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "").into_response(),
    }
}

/// The replay server and a proxy whose upstream it is.
struct Rig {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
    client: reqwest::Client,
}

impl Rig {
    async fn start(script: Script) -> Rig {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = axum::Router::new().fallback(replay).with_state(Replay {
            script,
            seen: seen.clone(),
        });
        let (upstream, _) = serve_app(app).await;
        let config = ProxyConfig {
            upstream_override: Some(upstream.parse().unwrap()),
            seal_key: SealKey::generate("vectors"),
            allowed_servers: AllowedServers::new(["tfs.corp.example"]),
            rate_limit: RateLimit {
                per_minute: 60_000,
                burst: 1_000,
            },
            ..ProxyConfig::default()
        };
        let (origin, _) = serve(config).await;
        Rig {
            base: format!("{origin}/api/azdo"),
            seen,
            client: reqwest::Client::new(),
        }
    }

    async fn post(&self, endpoint: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/{endpoint}", self.base))
            .header("x-azdo-connect", "1")
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

const TOKEN: &str = "vectorstokenvectorstokenvectorstokenvectorstokenabcd";
const ALL_OBSERVABLE: [&str; 4] = ["vso.project", "vso.code", "vso.profile", "vso.work"];

/// Azure DevOps Services answering everything the proxy asks with Microsoft's examples.
fn hosted(path: &str, _query: &str) -> Option<&'static str> {
    let p = path.to_ascii_lowercase();
    Some(match () {
        _ if p.ends_with("/_apis/connectiondata") => "connection_data",
        _ if p.ends_with("/_apis/teams") => "teams",
        _ if p.ends_with("/_apis/git/repositories/00000000-0000-0000-0000-000000000000") => {
            "repository_not_found"
        }
        _ if p.ends_with("/_apis/git/repositories") => "git_repositories",
        _ if p.ends_with("/_apis/projects") => "projects",
        _ if p.ends_with("/_apis/profile/profiles/me") => "profile",
        _ if p.ends_with("/_apis/wit/fields/system.title") => "wit_field",
        _ => return None,
    })
}

fn statuses(body: &Value) -> BTreeMap<String, String> {
    body["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn microsofts_examples_verify_a_token_and_grant_every_probed_scope() {
    let rig = Rig::start(hosted).await;
    let (status, body) = rig
        .post(
            "verify",
            json!({"organization": "fabrikam", "token": TOKEN, "requiredScopes": ALL_OBSERVABLE}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["id"], "ad7ddcd2-0562-665d-84ce-f024d9266741");
    assert_eq!(body["user"]["displayName"], "John Doe");
    assert_eq!(body["user"]["email"], "john.doe@example.com");
    assert_eq!(body["deploymentType"], "hosted");
    for (id, state) in statuses(&body) {
        assert_eq!(state, "granted", "{id}");
    }
    // Every probe is bounded: no repository list, one team, one field.
    let seen = rig.seen.lock().unwrap().clone();
    assert!(
        !seen.iter().any(|r| r.contains("/_apis/git/repositories?")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|r| r.contains("/_apis/teams?%24top=1&api-version=7.1-preview")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn microsofts_examples_fill_the_picker_with_empty_and_disabled_repositories() {
    let rig = Rig::start(hosted).await;
    let (_, verified) = rig
        .post(
            "verify",
            json!({"organization": "fabrikam", "token": TOKEN, "requiredScopes": ["vso.code"]}),
        )
        .await;
    let credential = verified["credential"]
        .as_str()
        .expect("credential")
        .to_owned();
    let (status, page) = rig
        .post("projects", json!({"credential": credential}))
        .await;
    assert_eq!(status, 200, "{page}");
    let projects = page["projects"].as_array().unwrap();
    let names: Vec<&str> = projects
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Fabrikam-Fiber-TFVC", "Fabrikam-Fiber-Git", "TestGit"]
    );
    assert_eq!(
        projects[0]["description"],
        "Team Foundation Version Control projects."
    );
    assert!(
        projects[2].get("description").is_none(),
        "absent in the example"
    );

    let repos = projects[1]["repositories"].as_array().unwrap();
    let by_name = |name: &str| {
        repos
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {repos:?}"))
    };
    // No `defaultBranch` in the example: an empty repository, listed without a branch.
    let empty = by_name("AnotherRepository");
    assert!(empty.get("defaultBranch").is_none(), "{empty}");
    assert!(empty.get("disabled").is_none(), "{empty}");
    assert_eq!(by_name("TestGit")["defaultBranch"], "refs/heads/master");
    let disabled = by_name("RenamedRepository");
    assert_eq!(disabled["disabled"], true);
    assert_eq!(disabled["kind"], "git");
}

#[tokio::test]
async fn recorded_refusals_map_to_their_contract_codes() {
    fn expired(path: &str, _: &str) -> Option<&'static str> {
        path.to_ascii_lowercase()
            .ends_with("/_apis/connectiondata")
            .then_some("expired")
    }
    fn unauthorized(_: &str, _: &str) -> Option<&'static str> {
        Some("unauthorized")
    }
    for (script, code) in [
        (expired as Script, "token_expired"),
        (unauthorized as Script, "token_invalid"),
    ] {
        let rig = Rig::start(script).await;
        let (status, body) = rig
            .post(
                "verify",
                json!({"organization": "fabrikam", "token": TOKEN, "requiredScopes": ["vso.code"]}),
            )
            .await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
    }
}

/// An Azure DevOps Server that refuses anything newer than it supports with the recorded
/// VssVersionOutOfRangeException (it names 6.1), and answers 6.1 with Microsoft's examples.
fn server_2020(path: &str, query: &str) -> Option<&'static str> {
    let versioned = query.contains("api-version=");
    if versioned && !query.contains("api-version=6.1") {
        return Some("version_out_of_range");
    }
    hosted(path, query)
}

#[tokio::test]
async fn a_recorded_version_refusal_makes_the_proxy_step_down_once_per_server() {
    let rig = Rig::start(server_2020).await;
    let organization = "https://tfs.corp.example/DefaultCollection";
    for round in 0..2 {
        rig.seen.lock().unwrap().clear();
        let (status, body) = rig
            .post(
                "verify",
                json!({"organization": organization, "token": TOKEN, "requiredScopes": ["vso.code", "vso.project"]}),
            )
            .await;
        assert_eq!(status, 200, "round {round}: {body}");
        assert_eq!(body["deploymentType"], "onPremises");
        assert_eq!(
            statuses(&body).values().collect::<Vec<_>>(),
            ["granted", "granted"],
            "round {round}: {body}"
        );
        let seen = rig.seen.lock().unwrap().clone();
        let refused = seen
            .iter()
            .filter(|r| r.contains("api-version=7.1"))
            .count();
        // First round: each probe is refused once, then retried at 6.1; after that the server's
        // version is known and nothing is refused.
        assert_eq!(refused, if round == 0 { 2 } else { 0 }, "{seen:?}");
    }
}

//! Azure DevOps Server collections (`--allow-server`): the fake serves one collection per release
//! (2019, 2020, 2022), each refusing api-versions newer than its own, and the proxy verifies
//! tokens, lists projects and repositories for the picker, and learns each server's version once.

mod common;

use azdo_connect_core::AllowedServers;
use azdo_connect_fake::Fixture;
use serde_json::{json, Value};

use common::Harness;

const USER: &str = "0c5f3e2a-7b1d-4e8f-9a6c-1d2e3f4a5b6c";

/// One collection per Server release: `(host, virtual directory, scheme, release, collection,
/// token, newest api-version)`.
const SERVERS: [(&str, &str, &str, &str, &str, &str, &str); 3] = [
    (
        "tfs2019.corp.example:8080",
        "tfs",
        "http",
        "2019",
        "DefaultCollection",
        "onprem2019aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkk",
        "5.0",
    ),
    (
        "tfs2020.corp.example",
        "",
        "https",
        "2020",
        "Fabrikam",
        "onprem2020aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkk",
        "6.0",
    ),
    (
        "ado2022.corp.example",
        "tfs",
        "https",
        "2022",
        "Main",
        "onprem2022aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkk",
        "7.0",
    ),
];

fn collection_url(
    (host, dir, scheme, _, collection, ..): &(&str, &str, &str, &str, &str, &str, &str),
) -> String {
    if dir.is_empty() {
        format!("{scheme}://{host}/{collection}")
    } else {
        format!("{scheme}://{host}/{dir}/{collection}")
    }
}

fn fixture() -> Fixture {
    let organizations: Vec<Value> = SERVERS
        .iter()
        .enumerate()
        .map(|(i, (host, dir, scheme, release, collection, token, _))| {
            json!({
                "name": collection,
                "tenantId": "00000000-0000-0000-0000-000000000000",
                "instanceId": format!("1111111{i}-0000-4000-8000-000000000000"),
                "deploymentId": format!("2222222{i}-0000-4000-8000-000000000000"),
                "server": {"host": host, "virtualDirectory": dir, "scheme": scheme, "release": release},
                "tokens": [
                    {"label": "FULL", "token": token, "user": USER, "scopes": "app_token"},
                    {"label": "CODE", "token": format!("code{}", &token[4..]), "user": USER, "scopes": ["vso.code"]}
                ],
                "projects": [
                    {"id": format!("3333333{i}-0000-4000-8000-000000000001"), "name": "Legacy Web",
                     "git": [{"id": format!("4444444{i}-0000-4000-8000-000000000001"), "name": "web"},
                             {"id": format!("4444444{i}-0000-4000-8000-000000000002"), "name": "retired", "isDisabled": true}],
                     "tfvc": ["Main"]},
                    {"id": format!("3333333{i}-0000-4000-8000-000000000002"), "name": "Tools",
                     "git": [{"id": format!("4444444{i}-0000-4000-8000-000000000003"), "name": "scratch", "empty": true}]}
                ]
            })
        })
        .collect();
    let text = json!({
        "users": [{"id": USER, "displayName": "Corp Dana", "email": "dana@corp.example"}],
        "organizations": organizations,
    })
    .to_string();
    Fixture::from_json(&text, "<on-prem test>").unwrap()
}

async fn start() -> Harness {
    Harness::start_with_fixture(fixture(), |config| {
        config.allowed_servers = AllowedServers::new(SERVERS.map(|s| s.0));
    })
    .await
}

/// The `api-version` values the fake saw, in order.
fn versions_seen(h: &Harness) -> Vec<String> {
    h.fake
        .requests()
        .iter()
        .filter_map(|r| r.query.as_deref())
        .flat_map(|q| q.split('&'))
        .filter_map(|p| p.strip_prefix("api-version="))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn every_server_release_verifies_and_fills_the_picker() {
    let h = start().await;
    for server in &SERVERS {
        let (_, _, _, release, collection, token, newest) = server;
        let url = collection_url(server);
        h.fake.reset_counters();
        let verified = h
            .verify(&url, token, &["vso.code", "vso.project", "vso.work"])
            .await;
        assert_eq!(verified.status, 200, "{release}: {:?}", verified.body);
        let body = &verified.body;
        assert_eq!(body["deploymentType"], "onPremises", "{release}");
        assert_eq!(body["organizationUrl"], url.as_str(), "{release}");
        assert_eq!(body["user"]["displayName"], "Corp Dana", "{release}");
        for scope in body["scopes"].as_array().unwrap() {
            assert_eq!(scope["status"], "granted", "{release}: {scope}");
        }
        // Each probe was refused at 7.1 once, then asked at the server's own version.
        let seen = versions_seen(&h);
        assert!(
            seen.iter().any(|v| v.starts_with("7.1")),
            "{release}: {seen:?}"
        );
        assert!(
            seen.iter().any(|v| v.starts_with(newest)),
            "{release}: {seen:?}"
        );

        h.fake.reset_counters();
        let credential = body["credential"].as_str().unwrap();
        let page = h.post("projects", &json!({"credential": credential})).await;
        assert_eq!(page.status, 200, "{release}: {:?}", page.body);
        let projects = page.body["projects"].as_array().unwrap();
        assert_eq!(projects.len(), 2, "{release}");
        let legacy = &projects[0]["repositories"];
        assert_eq!(legacy[0]["name"], "web", "{release}");
        assert_eq!(legacy[0]["defaultBranch"], "refs/heads/main", "{release}");
        assert!(legacy[0].get("disabled").is_none(), "{release}");
        assert_eq!(legacy[1]["name"], "retired", "{release}");
        assert_eq!(legacy[1]["disabled"], true, "{release}");
        assert_eq!(legacy[2]["kind"], "tfvc", "{release}");
        assert_eq!(legacy[2]["name"], "$/Legacy Web", "{release}");
        let scratch = &projects[1]["repositories"][0];
        assert_eq!(scratch["name"], "scratch", "{release}");
        assert!(
            scratch.get("defaultBranch").is_none(),
            "{release}: {scratch}"
        );
        // The server's version was remembered: the picker never asked for 7.1.
        let seen = versions_seen(&h);
        assert!(!seen.is_empty());
        assert!(
            seen.iter().all(|v| v.starts_with(newest)),
            "{release}: {seen:?}"
        );
        let _ = collection;
    }
    h.stop().await;
}

#[tokio::test]
async fn scopes_are_told_apart_on_a_server_too() {
    let h = start().await;
    let server = &SERVERS[1];
    let code_token = format!("code{}", &server.5[4..]);
    let reply = h
        .verify(
            &collection_url(server),
            &code_token,
            &["vso.code", "vso.project"],
        )
        .await;
    // A Code-only token lists projects (User Profile comes with Code) but not teams.
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    assert_eq!(reply.code(), "missing_scopes");
    assert_eq!(reply.body["error"]["missingScopes"], json!(["vso.project"]));
    h.stop().await;
}

#[tokio::test]
async fn the_fake_server_names_its_newest_version_like_azure_devops_server() {
    let h = start().await;
    for server in &SERVERS {
        let (host, dir, _, release, collection, token, newest) = server;
        let path = if dir.is_empty() {
            format!("{host}/{collection}/_apis/projects?api-version=7.1")
        } else {
            format!("{host}/{dir}/{collection}/_apis/projects?api-version=7.1")
        };
        let response = h
            .client
            .get(format!("{}/{path}", h.fake.base_url()))
            .basic_auth("", Some(token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{release}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["typeKey"], "VssVersionOutOfRangeException",
            "{release}"
        );
        assert_eq!(
            body["message"],
            format!("The requested REST API version of 7.1 is out of range for this server. The latest REST API version this server supports is {newest}."),
            "{release}"
        );
    }
    h.stop().await;
}

//! Which request observes which scope: each probe must be opened by its scope and by no unrelated
//! one (a Code token can list projects through the User Profile scope Code includes, so projects
//! can't observe Project and Team), and must cost the same whatever the organization's size.

mod common;

use azdo_connect_fake::Fixture;
use serde_json::{json, Value};

use common::{demo, Harness};

/// `GET {fake}/{host_path}` with `token`, as the proxy sends it: the status.
async fn get_upstream(h: &Harness, host_path: &str, token: &str) -> u16 {
    upstream(h, host_path, token).await.status().as_u16()
}

/// `GET {fake}/{host_path}` with `token`: the body's length.
async fn get_upstream_len(h: &Harness, host_path: &str, token: &str) -> usize {
    upstream(h, host_path, token)
        .await
        .bytes()
        .await
        .unwrap()
        .len()
}

async fn upstream(h: &Harness, host_path: &str, token: &str) -> reqwest::Response {
    h.client
        .get(format!("{}/{host_path}", h.fake.base_url()))
        .basic_auth("", Some(token))
        .header("x-tfs-fedauthredirect", "Suppress")
        .send()
        .await
        .unwrap()
}

fn scope_states(reply: &common::Reply) -> Vec<(String, String)> {
    let scopes = if reply.status == 200 {
        &reply.body["scopes"]
    } else {
        &reply.body["error"]["scopes"]
    };
    scopes
        .as_array()
        .unwrap_or_else(|| panic!("no scopes in {:?}", reply.body))
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn inherited_user_profile_does_not_pass_for_project_and_team() {
    let h = Harness::start().await;
    // The fake models the inheritance: a Code-only token lists projects but not teams.
    let projects = get_upstream(
        &h,
        "dev.azure.com/contoso/_apis/projects?$top=1",
        demo::CODE,
    )
    .await;
    assert_eq!(projects, 200);
    let teams = get_upstream(
        &h,
        "dev.azure.com/contoso/_apis/teams?$top=1&api-version=7.1-preview",
        demo::CODE,
    )
    .await;
    assert_eq!(teams, 401);

    let scopes = ["vso.code", "vso.project", "vso.profile", "vso.work"];
    let code = h.verify(demo::ORG, demo::CODE, &scopes).await;
    assert_eq!(code.code(), "missing_scopes", "{:?}", code.body);
    assert_eq!(
        scope_states(&code),
        pairs(&[
            ("vso.code", "granted"),
            ("vso.project", "missing"),
            // Code (Read) includes User Profile (Read): really granted.
            ("vso.profile", "granted"),
            ("vso.work", "missing"),
        ])
    );
    let profile = h.verify(demo::ORG, demo::PROFILE, &scopes).await;
    assert_eq!(
        scope_states(&profile),
        pairs(&[
            ("vso.code", "missing"),
            ("vso.project", "missing"),
            ("vso.profile", "granted"),
            ("vso.work", "missing"),
        ])
    );
    let full = h.verify(demo::ORG, demo::CODE_PROJECT, &scopes[..3]).await;
    assert_eq!(full.status, 200, "{:?}", full.body);
    h.stop().await;
}

/// `contoso` with one project holding `repositories` Git repositories.
fn org_with_repositories(repositories: usize) -> Fixture {
    let mut fixture: Value = serde_json::to_value(Fixture::demo()).unwrap();
    let orgs = fixture["organizations"].as_array_mut().unwrap();
    let contoso = orgs.iter_mut().find(|o| o["name"] == demo::ORG).unwrap();
    let git: Vec<Value> = (0..repositories)
        .map(|i| json!({"id": format!("5e000000-0000-4000-8000-{i:012}"), "name": format!("service-{i:05}"), "size": 1_048_576}))
        .collect();
    contoso["projects"] = json!([{"id": "5e000000-0000-4000-8000-ffffffffffff", "name": "Monorepo Farm", "git": git}]);
    Fixture::from_json(&fixture.to_string(), "<large org>").unwrap()
}

#[tokio::test]
async fn probes_cost_the_same_for_five_thousand_repositories() {
    let scopes = ["vso.code", "vso.project", "vso.profile", "vso.work"];
    let mut requests = Vec::new();
    for size in [1, 5_000] {
        let h = Harness::start_with_fixture(org_with_repositories(size), |_| {}).await;
        // Listing them all is over a megabyte: the probe must never do that.
        let listing = get_upstream_len(
            &h,
            "dev.azure.com/contoso/_apis/git/repositories?api-version=7.1",
            demo::FULL,
        )
        .await;
        h.fake.reset_counters();
        let reply = h.verify(demo::ORG, demo::FULL, &scopes).await;
        assert_eq!(reply.status, 200, "{size}: {:?}", reply.body);
        assert!(
            scope_states(&reply).iter().all(|(_, s)| s == "granted"),
            "{size}: {:?}",
            reply.body
        );
        let seen = h.fake.requests();
        assert!(
            !seen
                .iter()
                .any(|r| r.path.ends_with("/_apis/git/repositories")),
            "{size}: a probe listed repositories: {seen:?}"
        );
        requests.push((size, listing, seen.len()));
        h.stop().await;
    }
    let (_, small_listing, small_requests) = requests[0];
    let (_, large_listing, large_requests) = requests[1];
    assert!(large_listing > 1_000 * small_listing, "{requests:?}");
    assert_eq!(small_requests, large_requests, "{requests:?}");
}

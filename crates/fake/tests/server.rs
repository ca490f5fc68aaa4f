//! Azure DevOps Server collections, api-version limits, scope inheritance, teams, and disabled or
//! empty repositories, against the real fake on loopback.

mod common;

use azdo_connect_fake::{demo, Fixture};
use serde_json::{json, Value};

use common::{get, header, json as body_json, start, start_with};

const USER: &str = "0c5f3e2a-7b1d-4e8f-9a6c-1d2e3f4a5b6c";
const TOKEN: &str = "onpremtokenaaaabbbbccccddddeeeeffffgggghhhhiiiijjjj";

fn fixture() -> Fixture {
    let collection = |name: &str, host: &str, dir: &str, release: &str| {
        json!({
            "name": name,
            "tenantId": "00000000-0000-0000-0000-000000000000",
            "instanceId": "11111111-0000-4000-8000-000000000000",
            "deploymentId": "22222222-0000-4000-8000-000000000000",
            "server": {"host": host, "virtualDirectory": dir, "release": release},
            "tokens": [{"token": format!("{release}{TOKEN}"), "user": USER, "scopes": "app_token"}],
            "projects": [{"id": "33333333-0000-4000-8000-000000000001", "name": "Web",
                          "git": [{"id": "44444444-0000-4000-8000-000000000001", "name": "site"},
                                  {"id": "44444444-0000-4000-8000-000000000002", "name": "old", "isDisabled": true},
                                  {"id": "44444444-0000-4000-8000-000000000003", "name": "new", "empty": true}]}]
        })
    };
    let text = json!({
        "users": [{"id": USER, "displayName": "Corp Dana", "email": "dana@corp.example"}],
        "organizations": [
            collection("DefaultCollection", "tfs.corp.example:8080", "tfs", "2019"),
            collection("Fabrikam", "ado.corp.example", "", "2020"),
            collection("Main", "ado2022.corp.example", "", "2022"),
        ],
    })
    .to_string();
    Fixture::from_json(&text, "<server test>").unwrap()
}

#[tokio::test]
async fn collections_answer_connection_data_as_on_premises() {
    let fake = start_with(fixture()).await;
    let token = format!("2019{TOKEN}");
    let r = get(
        &fake,
        "tfs.corp.example:8080/tfs/DefaultCollection/_apis/connectionData",
        Some(&token),
        true,
    )
    .await;
    assert_eq!(r.status(), 200);
    let body = body_json(r).await;
    assert_eq!(body["deploymentType"], "onPremises");
    assert_eq!(body["authenticatedUser"]["id"], USER);
    assert!(body["authenticatedUser"]["descriptor"]
        .as_str()
        .unwrap()
        .starts_with("System.Security.Principal.WindowsIdentity;"));

    // Without the virtual directory, or another collection: not found.
    for path in [
        "tfs.corp.example:8080/DefaultCollection/_apis/connectionData",
        "tfs.corp.example:8080/tfs/Nope/_apis/connectionData",
    ] {
        assert_eq!(
            get(&fake, path, Some(&token), true).await.status(),
            404,
            "{path}"
        );
    }
    // A bad token gets IIS's challenge, never a sign-in page, Suppress or not.
    for suppress in [true, false] {
        let r = get(
            &fake,
            "tfs.corp.example:8080/tfs/DefaultCollection/_apis/projects",
            Some("garbage"),
            suppress,
        )
        .await;
        assert_eq!(r.status(), 401);
        let challenges: Vec<&str> = r
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(
            challenges,
            ["Negotiate", "NTLM", "Basic realm=\"tfs.corp.example:8080\""]
        );
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn each_release_refuses_newer_api_versions_naming_its_own() {
    let fake = start_with(fixture()).await;
    for (path, release, newest, older) in [
        (
            "tfs.corp.example:8080/tfs/DefaultCollection",
            "2019",
            "5.0",
            "5.0",
        ),
        ("ado.corp.example/Fabrikam", "2020", "6.0", "5.1"),
        ("ado2022.corp.example/Main", "2022", "7.0", "6.0-preview"),
    ] {
        let token = format!("{release}{TOKEN}");
        let r = get(
            &fake,
            &format!("{path}/_apis/projects?api-version=7.1-preview.4"),
            Some(&token),
            true,
        )
        .await;
        assert_eq!(r.status(), 400, "{release}");
        let body = body_json(r).await;
        assert_eq!(body["typeKey"], "VssVersionOutOfRangeException");
        assert_eq!(
            body["typeName"],
            "Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi"
        );
        assert_eq!(
            body["message"],
            format!("The requested REST API version of 7.1 is out of range for this server. The latest REST API version this server supports is {newest}.")
        );
        for ok in [newest, older] {
            let r = get(
                &fake,
                &format!("{path}/_apis/projects?api-version={ok}"),
                Some(&token),
                true,
            )
            .await;
            assert_eq!(r.status(), 200, "{release} {ok}");
        }
        // The version can also come in the Accept header.
        let r = common::request(
            &common::client(),
            &fake,
            reqwest::Method::GET,
            &format!("{path}/_apis/projects"),
            Some(&token),
            true,
        )
        .header("accept", "application/json; api-version=7.1")
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 400, "{release}");
    }
    fake.shutdown().await;

    // Azure DevOps Services takes 7.1 and 7.2 previews, not 7.3.
    let fake = start().await;
    for (version, status) in [("7.1", 200), ("7.2-preview.1", 200), ("7.3", 400)] {
        let r = get(
            &fake,
            &format!("dev.azure.com/contoso/_apis/projects?api-version={version}"),
            Some(demo::FULL),
            true,
        )
        .await;
        assert_eq!(r.status(), status, "{version}");
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn disabled_repositories_are_listed_and_closed_and_empty_ones_have_no_branch() {
    let fake = start_with(fixture()).await;
    let token = format!("2020{TOKEN}");
    let base = "ado.corp.example/Fabrikam";
    let r = get(
        &fake,
        &format!("{base}/Web/_apis/git/repositories?api-version=6.0"),
        Some(&token),
        true,
    )
    .await;
    assert_eq!(r.status(), 200);
    let body = body_json(r).await;
    let repos = body["value"].as_array().unwrap();
    let by_name = |n: &str| repos.iter().find(|r| r["name"] == n).unwrap().clone();
    assert_eq!(by_name("site")["isDisabled"], false);
    assert_eq!(by_name("site")["defaultBranch"], "refs/heads/main");
    assert_eq!(
        by_name("site")["sshUrl"],
        "ssh://ado.corp.example:22/Fabrikam/Web/_git/site"
    );
    assert_eq!(by_name("old")["isDisabled"], true);
    assert!(by_name("new").get("defaultBranch").is_none());
    assert_eq!(by_name("new")["size"], 0);

    let r = get(
        &fake,
        &format!("{base}/Web/_apis/git/repositories/old?api-version=6.0"),
        Some(&token),
        true,
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        body_json(r).await["typeKey"],
        "GitRepositoryNotFoundException"
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn code_includes_user_profile_which_lists_projects_but_not_teams() {
    let fake = start().await;
    let status = |path: &'static str, token: &'static str| {
        let fake = &fake;
        async move { get(fake, path, Some(token), true).await.status().as_u16() }
    };
    let projects = "dev.azure.com/contoso/_apis/projects?$top=1&api-version=7.1";
    let teams = "dev.azure.com/contoso/_apis/teams?$top=1&api-version=7.1-preview.3";
    let profile = "vssps.dev.azure.com/contoso/_apis/profile/profiles/me?api-version=7.1";
    assert_eq!(status(projects, demo::CODE).await, 200);
    assert_eq!(status(teams, demo::CODE).await, 401);
    assert_eq!(status(profile, demo::CODE).await, 200);
    assert_eq!(status(projects, demo::PROFILE).await, 200);
    assert_eq!(status(teams, demo::PROFILE).await, 401);
    assert_eq!(status(teams, demo::CODE_PROJECT).await, 200);

    let r = get(&fake, teams, Some(demo::FULL), true).await;
    assert!(header(&r, "x-vss-userdata").is_some());
    let body: Value = body_json(r).await;
    assert_eq!(body["count"], 1);
    let team = &body["value"][0];
    assert!(team["name"].as_str().unwrap().ends_with(" Team"));
    assert!(team["identityUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://vssps.dev.azure.com/contoso/_apis/Identities/"));

    let field = "dev.azure.com/contoso/_apis/wit/fields/System.Title?api-version=7.1";
    assert_eq!(status(field, demo::CODE).await, 401);
    let r = get(&fake, field, Some(demo::FULL), true).await;
    assert_eq!(body_json(r).await["referenceName"], "System.Title");
    fake.shutdown().await;
}

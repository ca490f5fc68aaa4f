//! Counters, request records, routing details and the remaining endpoints.

mod common;

use azdo_connect_fake::{demo, Error, FakeAzureDevOps, Fixture, Scopes};
use common::*;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn counts_requests_per_original_host_and_records_them_without_tokens() {
    let fake = start().await;
    get(
        &fake,
        "dev.azure.com/contoso/_apis/connectionData",
        Some(demo::FULL),
        true,
    )
    .await;
    get(
        &fake,
        "dev.azure.com/contoso/_apis/projects?$top=1",
        Some(demo::FULL),
        false,
    )
    .await;
    get(
        &fake,
        "vssps.dev.azure.com/contoso/_apis/profile/profiles/me",
        Some(demo::PROFILE),
        true,
    )
    .await;
    get(&fake, "contoso.visualstudio.com/_apis/projects", None, true).await;
    get(&fake, "example.com/anything", None, false).await;

    let by_host = fake.requests_by_host();
    assert_eq!(by_host.get("dev.azure.com"), Some(&2));
    assert_eq!(by_host.get("vssps.dev.azure.com"), Some(&1));
    assert_eq!(by_host.get("contoso.visualstudio.com"), Some(&1));
    assert_eq!(by_host.get("example.com"), Some(&1));
    assert_eq!(fake.total_requests(), 5);

    let records = fake.requests();
    assert_eq!(records.len(), 5);
    assert_eq!(records[0].method, "GET");
    assert_eq!(records[0].host, "dev.azure.com");
    assert_eq!(records[0].path, "/contoso/_apis/connectionData");
    assert_eq!(records[0].query, None);
    assert!(records[0].had_authorization && records[0].had_suppress);
    assert_eq!(records[1].query.as_deref(), Some("$top=1"));
    assert!(records[1].had_authorization && !records[1].had_suppress);
    assert!(!records[3].had_authorization);
    let dump = format!("{records:?}");
    assert!(!dump.contains(demo::FULL) && !dump.contains(demo::PROFILE));

    fake.reset_counters();
    assert_eq!(fake.total_requests(), 0);
    assert!(fake.requests().is_empty());
    assert!(fake.requests_by_host().is_empty());
}

#[tokio::test]
async fn org_names_and_api_paths_are_case_insensitive() {
    let fake = start().await;
    let r = get(
        &fake,
        "dev.azure.com/CONTOSO/_apis/ConnectionData",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = get(
        &fake,
        "Contoso.VisualStudio.com/_apis/projects?$top=1",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // URLs echo the organization as it was called.
    let body = json(
        get(
            &fake,
            "dev.azure.com/CONTOSO/_apis/projects?$top=1",
            Some(demo::FULL),
            true,
        )
        .await,
    )
    .await;
    assert!(body["value"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://dev.azure.com/CONTOSO/_apis/projects/"));
}

#[tokio::test]
async fn unknown_hosts_and_routes_are_plain_404() {
    let fake = start().await;
    for path in [
        "example.com/contoso/_apis/connectionData",
        "dev.azure.com/contoso/_apis/nothing-here",
        "dev.azure.com",
    ] {
        let r = get(&fake, path, Some(demo::FULL), true).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header(&r, "content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
}

#[tokio::test]
async fn connection_data_on_every_org_host_form() {
    let fake = start().await;
    for host in [
        "dev.azure.com/contoso",
        "contoso.visualstudio.com",
        "vssps.dev.azure.com/contoso",
        "vsaex.dev.azure.com/contoso",
        "contoso.vssps.visualstudio.com",
    ] {
        let r = get(
            &fake,
            &format!("{host}/_apis/connectionData"),
            Some(demo::CODE),
            true,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{host}");
    }
    let r = request(
        &client(),
        &fake,
        Method::HEAD,
        "dev.azure.com/contoso/_apis/connectionData",
        None,
        true,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "x-vss-resourcetenant"), Some(demo::TENANT_ID));
}

#[tokio::test]
async fn tfvc_items_and_branches() {
    let fake = start().await;
    let items = |p: &str| {
        format!("dev.azure.com/contoso/{p}/_apis/tfvc/items?scopePath=$/{p}&recursionLevel=None&api-version=7.1")
    };
    let r = get(&fake, &items("Parts%20Unlimited"), Some(demo::CODE), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = json(r).await;
    assert_eq!(body["count"], 1);
    assert_eq!(body["value"][0]["path"], "$/Parts Unlimited");
    assert_eq!(body["value"][0]["isFolder"], true);

    let r = get(&fake, &items("Fabrikam%20Fiber"), Some(demo::CODE), true).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(r).await["typeKey"], "ItemNotFoundException");
    let r = get(
        &fake,
        &items(demo::PROJECT_TFVC_ONLY),
        Some(demo::PROFILE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Org-level items with a scope path.
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/tfvc/items?scopePath=%24%2FLitware&recursionLevel=OneLevel",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(json(r).await["count"], 2);

    let branches = json(
        get(
            &fake,
            "dev.azure.com/contoso/Parts%20Unlimited/_apis/tfvc/branches",
            Some(demo::CODE),
            true,
        )
        .await,
    )
    .await;
    assert_eq!(branches["value"][0]["path"], "$/Parts Unlimited/Main");
    let none = json(
        get(
            &fake,
            "dev.azure.com/contoso/Fabrikam%20Fiber/_apis/tfvc/branches",
            Some(demo::CODE),
            true,
        )
        .await,
    )
    .await;
    assert_eq!(none["count"], 0);
}

#[tokio::test]
async fn single_repository_lookup() {
    let fake = start().await;
    let list = json(
        get(
            &fake,
            "dev.azure.com/contoso/Fabrikam%20Fiber/_apis/git/repositories",
            Some(demo::CODE),
            true,
        )
        .await,
    )
    .await;
    let id = list["value"][0]["id"].as_str().unwrap().to_owned();
    let r = get(
        &fake,
        &format!("dev.azure.com/contoso/_apis/git/repositories/{id}"),
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(json(r).await["id"], id.as_str());
    let r = get(
        &fake,
        "dev.azure.com/contoso/Fabrikam%20Fiber/_apis/git/repositories/nope",
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(json(r).await["message"]
        .as_str()
        .unwrap()
        .starts_with("TF401019"));
}

#[tokio::test]
async fn work_item_fields_need_vso_work() {
    let fake = start().await;
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/wit/fields?api-version=7.1",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["value"][0]["referenceName"], "System.Title");
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/wit/fields",
        Some(demo::CODE_PROJECT),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn write_scopes_imply_read_scopes() {
    let mut fixture = Fixture::demo();
    let org = fixture.organization_mut(demo::ORG).unwrap();
    let code = org.tokens.iter_mut().find(|t| t.label == "CODE").unwrap();
    code.scopes = Scopes::List(vec!["vso.code_write".into(), "vso.work_full".into()]);
    let status = org
        .tokens
        .iter_mut()
        .find(|t| t.label == "PROFILE")
        .unwrap();
    status.scopes = Scopes::List(vec!["vso.code_status".into()]);
    let fake = start_with(fixture).await;
    let repos = "dev.azure.com/contoso/_apis/git/repositories";
    assert_eq!(
        get(&fake, repos, Some(demo::CODE), true).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(
            &fake,
            "dev.azure.com/contoso/_apis/wit/fields",
            Some(demo::CODE),
            true
        )
        .await
        .status(),
        StatusCode::OK
    );
    // vso.code_status is its own scope, not a stronger vso.code.
    assert_eq!(
        get(&fake, repos, Some(demo::PROFILE), true).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn resource_areas_need_no_authentication() {
    let fake = start().await;
    let core = "79134c72-4a58-4b42-976c-04e7115f32bf";
    let r = get(
        &fake,
        &format!("dev.azure.com/_apis/resourceAreas/{core}?accountName=Contoso&api-version=7.1"),
        None,
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = json(r).await;
    assert_eq!(body["locationUrl"], "https://dev.azure.com/contoso/");
    assert_eq!(body["name"], "core");
    let r = get(
        &fake,
        &format!("dev.azure.com/_apis/resourceAreas/{core}?accountName=nosuchorg"),
        None,
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = get(
        &fake,
        &format!("contoso.visualstudio.com/_apis/resourceAreas/{core}"),
        None,
        false,
    )
    .await;
    assert_eq!(
        json(r).await["locationUrl"],
        "https://contoso.visualstudio.com/"
    );
}

#[tokio::test]
async fn basic_auth_user_name_is_ignored_and_pat_alone_as_user_works() {
    let fake = start().await;
    let c = client();
    let url = format!(
        "{}/dev.azure.com/contoso/_apis/connectionData",
        fake.base_url()
    );
    let r = c
        .get(&url)
        .basic_auth("anyone", Some(demo::FULL))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .get(&url)
        .basic_auth(demo::FULL, None::<&str>)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c
        .get(&url)
        .bearer_auth(demo::FULL)
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn demo_constants_match_the_fixture() {
    let fixture = Fixture::demo();
    let org = fixture.organization(demo::ORG).unwrap();
    assert_eq!(org.tenant_id, demo::TENANT_ID);
    assert!(!org.public_projects);
    assert!(
        fixture
            .organization(demo::PUBLIC_ORG)
            .unwrap()
            .public_projects
    );
    assert!(fixture.organization(demo::UNKNOWN_ORG).is_none());
    assert_eq!(org.projects.len(), demo::PROJECT_COUNT);
    let user = fixture.user(demo::USER_ID).unwrap();
    assert_eq!(
        (user.display_name.as_str(), user.email.as_str()),
        (demo::USER_NAME, demo::USER_EMAIL)
    );

    let token = |pat: &str| {
        org.token(pat)
            .unwrap_or_else(|| panic!("token of length {} missing", pat.len()))
    };
    assert_eq!(token(demo::FULL).scopes, Scopes::Full("app_token".into()));
    assert_eq!(
        token(demo::CODE_PROJECT).scopes,
        Scopes::List(vec![
            "vso.code".into(),
            "vso.project".into(),
            "vso.profile".into()
        ])
    );
    assert_eq!(demo::CODE_PROJECT.len(), 84);
    assert_eq!(
        token(demo::CODE).scopes,
        Scopes::List(vec!["vso.code".into()])
    );
    assert_eq!(
        token(demo::PROFILE).scopes,
        Scopes::List(vec!["vso.profile".into()])
    );
    assert!(token(demo::EXPIRED).expired);
    assert!(token(demo::REVOKED).revoked);
    assert_eq!(token(demo::SLOW).faults.latency_ms, demo::SLOW_LATENCY_MS);
    assert!(token(demo::ERR500).faults.status500);
    assert!(token(demo::RESET).faults.reset);
    assert!(token(demo::HANG).faults.hang);
    assert!(token(demo::TRICKLE).faults.trickle);
    assert_eq!(
        token(demo::RATELIMITED)
            .faults
            .rate_limit
            .as_ref()
            .unwrap()
            .retry_after_secs,
        demo::RATELIMITED_RETRY_AFTER
    );
    assert!(token(demo::SIGNIN203).faults.sign_in_203);
    assert!(token(demo::REDIRECT302).faults.redirect_302);
    for pat in [
        demo::FULL,
        demo::CODE,
        demo::PROFILE,
        demo::EXPIRED,
        demo::REVOKED,
        demo::SLOW,
        demo::ERR500,
        demo::RESET,
        demo::HANG,
        demo::TRICKLE,
        demo::RATELIMITED,
        demo::SIGNIN203,
        demo::REDIRECT302,
        demo::FABRIKAM_FULL,
    ] {
        assert_eq!(pat.len(), 52);
    }
    let (fab, fab_token) = fixture.find_token(demo::FABRIKAM_FULL).unwrap();
    assert_eq!(fab.name, demo::PUBLIC_ORG);
    assert_eq!(
        fixture.user(&fab_token.user).unwrap().display_name,
        demo::FABRIKAM_USER_NAME
    );

    for name in [
        demo::PROJECT_GIT,
        demo::PROJECT_GIT_AND_TFVC,
        demo::PROJECT_TFVC_ONLY,
    ] {
        assert!(org.project(name).is_some(), "{name}");
    }
    assert!(org.project(demo::PROJECT_GIT).unwrap().tfvc.is_none());
    assert!(org
        .project(demo::PROJECT_GIT_AND_TFVC)
        .unwrap()
        .tfvc
        .is_some());
    assert!(org.project(demo::PROJECT_TFVC_ONLY).unwrap().git.is_empty());
    assert!(org
        .projects
        .iter()
        .all(|p| (1..=3).contains(&p.git.len()) || p.tfvc.is_some()));
}

#[test]
fn fixture_errors_are_specific() {
    let missing =
        Fixture::from_path(std::path::Path::new("/nonexistent/fixture.json")).unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing}");
    let bad_json = Fixture::from_json("{", "inline").unwrap_err();
    assert!(matches!(bad_json, Error::Json { .. }), "{bad_json}");
    let unknown_user = Fixture::from_json(
        r#"{"users":[],"organizations":[{"name":"a","tenantId":"t","instanceId":"i","deploymentId":"d","tokens":[{"token":"x","user":"nobody","scopes":"app_token"}]}]}"#,
        "inline",
    )
    .unwrap_err();
    assert!(matches!(unknown_user, Error::Invalid(_)), "{unknown_user}");
    let bad_scope = Fixture::from_json(
        r#"{"users":[{"id":"u","displayName":"U","email":"e"}],"organizations":[{"name":"a","tenantId":"t","instanceId":"i","deploymentId":"d","tokens":[{"token":"x","user":"u","scopes":"everything"}]}]}"#,
        "inline",
    )
    .unwrap_err();
    assert!(bad_scope.to_string().contains("app_token"), "{bad_scope}");
    // The shipped file on disk is the embedded one.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo.json");
    assert_eq!(Fixture::from_path(&path).unwrap().organizations.len(), 4);
}

#[tokio::test]
async fn start_on_a_given_address_and_base_url() {
    let fake = FakeAzureDevOps::start_on(Fixture::demo(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(fake.base_url(), format!("http://{}", fake.addr()));
    assert!(fake.addr().ip().is_loopback());
    assert_eq!(
        get(
            &fake,
            "dev.azure.com/contoso/_apis/connectionData",
            Some(demo::FULL),
            true
        )
        .await
        .status(),
        StatusCode::OK
    );
    fake.shutdown().await;
}

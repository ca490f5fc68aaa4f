//! One test per documented request → response behaviour of Azure DevOps (hosted), against the real
//! fake on loopback.

mod common;

use azdo_connect_fake::{demo, BadTokenBody, Fixture, Scopes, SignIn, UnknownOrgResponse};
use common::*;
use reqwest::{Method, StatusCode};

const CD: &str = "dev.azure.com/contoso/_apis/connectionData";

#[tokio::test]
async fn row01_connection_data_full_access() {
    let fake = start().await;
    let r = request(&client(), &fake, Method::GET, CD, Some(demo::FULL), true)
        .header("X-TFS-Session", "11111111-2222-4333-8444-555555555555")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        header(&r, "x-vss-userdata"),
        Some(format!("{}:{}", demo::USER_ID, demo::USER_EMAIL).as_str())
    );
    assert_eq!(
        header(&r, "x-tfs-session"),
        Some("11111111-2222-4333-8444-555555555555")
    );
    assert_eq!(header(&r, "activityid").map(str::len), Some(36));
    assert!(header(&r, "x-vss-e2eid").is_some());
    let body = json(r).await;
    assert_eq!(body["deploymentType"], "hosted");
    assert_eq!(body["authenticatedUser"]["id"], demo::USER_ID);
    assert_eq!(
        body["authenticatedUser"]["providerDisplayName"],
        demo::USER_NAME
    );
    assert_eq!(
        body["authenticatedUser"]["properties"]["Account"]["$value"],
        demo::USER_EMAIL
    );
    assert_eq!(body["authorizedUser"]["id"], demo::USER_ID);
    assert!(body["instanceId"].as_str().is_some_and(|s| s.len() == 36));
}

#[tokio::test]
async fn row02_connection_data_is_not_scope_gated() {
    let fake = start().await;
    for token in [demo::CODE, demo::PROFILE, demo::CODE_PROJECT] {
        let r = get(&fake, CD, Some(token), true).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(json(r).await["authenticatedUser"]["id"], demo::USER_ID);
    }
}

#[tokio::test]
async fn row03_no_authorization_on_private_org_is_401_with_tenant_challenge() {
    let fake = start().await;
    let r = get(&fake, CD, None, true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let www = header(&r, "www-authenticate").unwrap();
    assert!(
        www.starts_with(&format!(
            "Bearer authorization_uri={}/{}",
            fake.authority(),
            demo::TENANT_ID
        )),
        "{www}"
    );
    assert!(www.contains("TFS-Federated"));
    assert_eq!(header(&r, "x-vss-resourcetenant"), Some(demo::TENANT_ID));
    assert!(header(&r, "x-vss-userdata").is_none());
}

#[tokio::test]
async fn row04_bad_token_with_suppress_is_401_empty_by_default() {
    let fake = start().await;
    for token in ["not-a-real-token", demo::REVOKED, demo::FABRIKAM_FULL] {
        let r = get(&fake, CD, Some(token), true).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{}", token.len());
        assert_eq!(header(&r, "content-length"), Some("0"));
        assert_eq!(header(&r, "x-vss-resourcetenant"), Some(demo::TENANT_ID));
        assert!(r.text().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn row04_bad_token_body_switch_gives_tf400813() {
    let mut fixture = Fixture::demo();
    fixture.organization_mut(demo::ORG).unwrap().bad_token_body = BadTokenBody::Tf400813;
    let fake = start_with(fixture).await;
    let r = get(&fake, CD, Some("garbage"), true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&r, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"$id":"1","innerException":null,"message":"TF400813: The user 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa' is not authorized to access this resource.","typeName":"Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server","typeKey":"UnauthorizedRequestException","errorCode":0,"eventId":3000}"#
    );
}

#[tokio::test]
async fn row05_bad_token_without_suppress_is_203_sign_in_page() {
    let fake = start().await;
    for token in [Some("garbage"), Some(demo::REVOKED), None] {
        let r = get(&fake, CD, token, false).await;
        assert_eq!(r.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
        assert_eq!(header(&r, "content-type"), Some("text/html; charset=utf-8"));
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("<title>Azure DevOps Services | Sign In</title>"));
    }
}

#[tokio::test]
async fn row05_sign_in_switch_gives_302_object_moved() {
    let mut fixture = Fixture::demo();
    fixture.organization_mut(demo::ORG).unwrap().sign_in = SignIn::Redirect302;
    let fake = start_with(fixture).await;
    let r = get(&fake, CD, Some("garbage"), false).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = header(&r, "location").unwrap().to_owned();
    assert!(
        location.starts_with("https://spsprodcus3.vssps.visualstudio.com/_signin?realm=dev.azure.com&reply_to=https%3A%2F%2Fdev%2Eazure%2Ecom%2Fcontoso"),
        "{location}"
    );
    assert!(r.text().await.unwrap().contains("Object moved"));
}

#[tokio::test]
async fn row06_public_org_answers_bad_token_with_anonymous_user() {
    let fake = start().await;
    let r = get(
        &fake,
        "dev.azure.com/fabrikam/_apis/connectionData",
        Some("garbage"),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "x-vss-userdata").is_none());
    assert_eq!(
        json(r).await["authenticatedUser"]["id"],
        demo::ANONYMOUS_USER_ID
    );

    // Anonymous callers see public projects only; a real token sees them all.
    let anon = json(get(&fake, "dev.azure.com/fabrikam/_apis/projects", None, true).await).await;
    assert_eq!(anon["count"], 1);
    assert_eq!(anon["value"][0]["visibility"], "public");
    let r = get(
        &fake,
        "dev.azure.com/fabrikam/_apis/connectionData",
        Some(demo::FABRIKAM_FULL),
        true,
    )
    .await;
    assert_eq!(
        json(r).await["authenticatedUser"]["providerDisplayName"],
        demo::FABRIKAM_USER_NAME
    );
    let all = json(
        get(
            &fake,
            "dev.azure.com/fabrikam/_apis/projects",
            Some(demo::FABRIKAM_FULL),
            true,
        )
        .await,
    )
    .await;
    assert_eq!(all["count"], 2);
    // Anything beyond public reads still needs a real token.
    let r = get(
        &fake,
        "vssps.dev.azure.com/fabrikam/_apis/profile/profiles/me",
        Some("garbage"),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn row07_expired_token_gets_exact_access_check_body() {
    let fake = start().await;
    for (path, suppress) in [
        (CD, true),
        ("dev.azure.com/contoso/_apis/projects", true),
        (CD, false),
    ] {
        let r = get(&fake, path, Some(demo::EXPIRED), suppress).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(header(&r, "www-authenticate").is_some());
        assert_eq!(
            r.text().await.unwrap(),
            r#"{"$id":"1","customProperties":{"Descriptor":null,"IdentityDisplayName":null,"Token":null,"RequestedPermissions":0,"NamespaceId":"00000000-0000-0000-0000-000000000000"},"innerException":null,"message":"Access Denied: The Personal Access Token used has expired.","typeName":"Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi","typeKey":"AccessCheckException","errorCode":0,"eventId":3000}"#
        );
    }
}

#[tokio::test]
async fn row08_projects_list_and_paging() {
    let fake = start().await;
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects?api-version=7.1",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "x-ms-continuationtoken").is_none());
    let body = json(r).await;
    assert_eq!(body["count"], demo::PROJECT_COUNT);
    let first = &body["value"][0];
    assert_eq!(first["name"], demo::PROJECT_GIT);
    assert_eq!(first["state"], "wellFormed");
    assert_eq!(first["visibility"], "private");
    assert_eq!(
        first["url"],
        format!(
            "https://dev.azure.com/contoso/_apis/projects/{}",
            first["id"].as_str().unwrap()
        )
    );
    for key in ["description", "revision", "lastUpdateTime"] {
        assert!(!first[key].is_null(), "{key}");
    }

    // Page through with $top=10 and the continuation token, as the proxy's picker does.
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &token {
            Some(t) => format!("&continuationToken={t}"),
            None => String::new(),
        };
        let r = get(
            &fake,
            &format!("dev.azure.com/contoso/_apis/projects?api-version=7.1&$top=10{q}"),
            Some(demo::FULL),
            true,
        )
        .await;
        token = header(&r, "x-ms-continuationtoken").map(str::to_owned);
        let body = json(r).await;
        names.extend(
            body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned()),
        );
        pages += 1;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names.len(), demo::PROJECT_COUNT);
    names.dedup();
    assert_eq!(names.len(), demo::PROJECT_COUNT);

    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects?$top=5&$skip=20",
        Some(demo::FULL),
        true,
    )
    .await;
    assert!(header(&r, "x-ms-continuationtoken").is_none());
    assert_eq!(json(r).await["count"], 5);

    // Single project by name (encoded) and by id.
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects/Parts%20Unlimited",
        Some(demo::CODE_PROJECT),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["name"], demo::PROJECT_GIT_AND_TFVC);
}

/// A `contoso` token holding only Member Entitlement Management (Read), which includes neither
/// Project and Team nor User Profile.
const ENTITLEMENTS_ONLY: &str = "entitlementsonlyabcdefghijklmnopqrstuvwxyzabcdefghij";

async fn start_with_entitlements_only_token() -> azdo_connect_fake::FakeAzureDevOps {
    let mut fixture = Fixture::demo();
    let org = fixture.organization_mut(demo::ORG).unwrap();
    let mut token = org.token(demo::CODE).unwrap().clone();
    token.token = ENTITLEMENTS_ONLY.into();
    token.scopes = Scopes::List(vec!["vso.memberentitlementmanagement".into()]);
    org.tokens.push(token);
    start_with(fixture).await
}

#[tokio::test]
async fn row09_projects_without_project_or_profile_scope_is_401_empty() {
    let fake = start_with_entitlements_only_token().await;
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects?api-version=7.1",
        Some(ENTITLEMENTS_ONLY),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "content-length"), Some("0"));
    assert!(r.text().await.unwrap().is_empty());
    // vso.profile alone is enough for the projects list (per the spec's security section).
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects",
        Some(demo::PROFILE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn row10_git_repositories_of_a_project() {
    let fake = start().await;
    let r = get(
        &fake,
        "dev.azure.com/contoso/Parts%20Unlimited/_apis/git/repositories?api-version=7.1",
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = json(r).await;
    assert_eq!(body["count"], 2);
    let repo = &body["value"][0];
    let name = repo["name"].as_str().unwrap();
    assert_eq!(
        repo["remoteUrl"],
        format!("https://dev.azure.com/contoso/Parts%20Unlimited/_git/{name}")
    );
    assert_eq!(repo["webUrl"], repo["remoteUrl"]);
    assert_eq!(
        repo["sshUrl"],
        format!("git@ssh.dev.azure.com:v3/contoso/Parts%20Unlimited/{name}")
    );
    assert_eq!(repo["defaultBranch"], "refs/heads/main");
    assert_eq!(repo["isDisabled"], false);
    assert_eq!(repo["isInMaintenance"], false);
    assert!(repo["size"].as_u64().unwrap() > 0);
    assert_eq!(repo["project"]["name"], demo::PROJECT_GIT_AND_TFVC);

    // Org level lists every repository; PROFILE lacks vso.code.
    let all = json(
        get(
            &fake,
            "dev.azure.com/contoso/_apis/git/repositories",
            Some(demo::FULL),
            true,
        )
        .await,
    )
    .await;
    assert!(all["count"].as_u64().unwrap() > 25);
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/git/repositories",
        Some(demo::PROFILE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // TFVC-only project: no Git repositories.
    let r = get(
        &fake,
        "dev.azure.com/contoso/Litware/_apis/git/repositories",
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(json(r).await["count"], 0);
}

#[tokio::test]
async fn row11_unknown_project_name_is_tf200016() {
    let fake = start().await;
    let r = get(
        &fake,
        "dev.azure.com/contoso/No%20Such/_apis/git/repositories",
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = json(r).await;
    assert_eq!(body["typeKey"], "ProjectDoesNotExistWithNameException");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("TF200016: The following project does not exist: No Such."));
}

#[tokio::test]
async fn row12_unknown_project_id_is_vs800075() {
    let fake = start().await;
    let id = "0f0f0f0f-1111-4222-8333-444444444444";
    let r = get(
        &fake,
        &format!("dev.azure.com/contoso/{id}/_apis/git/repositories"),
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = json(r).await;
    assert_eq!(body["typeKey"], "ProjectDoesNotExistException");
    assert_eq!(
        body["message"],
        format!("VS800075: The project with id 'vstfs:///Classification/TeamProject/{id}' does not exist, or you do not have permission to access it.")
    );
}

#[tokio::test]
async fn row13_org_local_profile_needs_vso_profile() {
    let fake = start_with_entitlements_only_token().await;
    for host in [
        "vssps.dev.azure.com/contoso",
        "contoso.vssps.visualstudio.com",
    ] {
        let r = get(
            &fake,
            &format!("{host}/_apis/profile/profiles/me?api-version=7.1"),
            Some(demo::PROFILE),
            true,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let body = json(r).await;
        assert_eq!(body["id"], demo::USER_ID);
        assert_eq!(body["displayName"], demo::USER_NAME);
        assert_eq!(body["emailAddress"], demo::USER_EMAIL);
        for key in ["publicAlias", "coreRevision", "timeStamp", "revision"] {
            assert!(!body[key].is_null(), "{key}");
        }
        let r = get(
            &fake,
            &format!("{host}/_apis/profile/profiles/me"),
            Some(ENTITLEMENTS_ONLY),
            true,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn row14_global_profile_refuses_org_scoped_pats() {
    let mut fixture = Fixture::demo();
    let org = fixture.organization_mut(demo::ORG).unwrap();
    org.tokens
        .iter_mut()
        .find(|t| t.label == "PROFILE")
        .unwrap()
        .global = true;
    let fake = start_with(fixture).await;
    const ME: &str = "app.vssps.visualstudio.com/_apis/profile/profiles/me?api-version=7.1";
    let r = get(&fake, ME, Some(demo::FULL), true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&r, "x-vss-userdata"),
        Some(format!("{}:{}", demo::USER_ID, demo::USER_EMAIL).as_str())
    );
    let r = get(&fake, ME, Some(demo::PROFILE), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["emailAddress"], demo::USER_EMAIL);
    let r = get(&fake, ME, Some("garbage"), true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&r, "x-vss-userdata").is_none());
}

#[tokio::test]
async fn row15_user_entitlements_need_the_scope_and_admin() {
    let mut fixture = Fixture::demo();
    let fake = start_with(fixture.clone()).await;
    const UE: &str = "vsaex.dev.azure.com/contoso/_apis/userentitlements?api-version=7.1";
    let r = get(&fake, UE, Some(demo::CODE_PROJECT), true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "content-length"), Some("0"));
    let r = get(&fake, UE, Some(demo::FULL), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = json(r).await;
    assert_eq!(
        body["members"][0]["user"]["principalName"],
        demo::USER_EMAIL
    );
    fake.shutdown().await;

    fixture.users.iter_mut().for_each(|u| u.is_admin = false);
    let fake = start_with(fixture).await;
    let r = get(&fake, UE, Some(demo::FULL), true).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(header(&r, "x-vss-userdata").is_some());
}

#[tokio::test]
async fn row16_hook_subscriptions_need_work_build_or_code() {
    let fake = start().await;
    const HOOKS: &str = "dev.azure.com/contoso/_apis/hooks/subscriptions?api-version=7.1";
    let r = get(&fake, HOOKS, Some(demo::CODE), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["count"], 0);
    let r = get(&fake, HOOKS, Some(demo::PROFILE), true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn row17_pat_lifecycle_api_refuses_pats() {
    let fake = start().await;
    const PATS: &str = "vssps.dev.azure.com/contoso/_apis/tokens/pats?api-version=7.1-preview.1";
    let r = get(&fake, PATS, Some(demo::FULL), false).await;
    assert_eq!(r.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
    assert!(r.text().await.unwrap().contains("Sign In"));
    let r = get(&fake, PATS, Some(demo::FULL), true).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn row18_post_without_api_version_is_400() {
    let fake = start().await;
    let c = client();
    let r = request(
        &c,
        &fake,
        Method::POST,
        "dev.azure.com/contoso/_apis/projects",
        Some(demo::FULL),
        true,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = json(r).await;
    assert_eq!(body["typeKey"], "VssVersionNotSpecifiedException");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("No api-version was supplied for the \"POST\" request."));
    let r = request(
        &c,
        &fake,
        Method::POST,
        "dev.azure.com/contoso/_apis/projects?api-version=7.1",
        Some(demo::FULL),
        true,
    )
    .send()
    .await
    .unwrap();
    assert_ne!(r.status(), StatusCode::BAD_REQUEST);
    let r = request(
        &c,
        &fake,
        Method::POST,
        "dev.azure.com/contoso/_apis/projects",
        Some(demo::FULL),
        true,
    )
    .header("Accept", "application/json; api-version=7.1")
    .send()
    .await
    .unwrap();
    assert_ne!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn row19_dangerous_path_is_400_http_exception() {
    let fake = start().await;
    for path in [
        "dev.azure.com/https%3A%2F%2Fdev.azure.com%2Facme/_apis/projects",
        "dev.azure.com/https:/_apis/projects",
    ] {
        let r = get(&fake, path, Some(demo::FULL), true).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            r.text().await.unwrap(),
            r#"{"$id":"1","innerException":null,"message":"A potentially dangerous Request.Path value was detected from the client (:).","typeName":"System.Web.HttpException, System.Web","typeKey":"HttpException","errorCode":0,"eventId":0}"#
        );
    }
}

#[tokio::test]
async fn row20_blocked_identity_gets_429_with_rate_limit_headers() {
    let fake = start().await;
    let r = get(&fake, CD, Some(demo::RATELIMITED), true).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&r, "retry-after"), Some("7"));
    assert_eq!(header(&r, "x-ratelimit-limit"), Some("200"));
    assert_eq!(header(&r, "x-ratelimit-remaining"), Some("0"));
    assert!(header(&r, "x-ratelimit-resource").is_some());
    assert!(header(&r, "x-ratelimit-delay").is_some());
    assert!(
        header(&r, "x-ratelimit-reset")
            .unwrap()
            .parse::<i64>()
            .unwrap()
            > 1_700_000_000
    );
    let body = json(r).await;
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("TF400733: The request has been canceled"));
}

#[tokio::test]
async fn row20_throttled_identity_keeps_200_with_retry_after() {
    let mut fixture = Fixture::demo();
    let mut faults = azdo_connect_fake::Faults::default();
    faults.rate_limit =
        Some(serde_json::from_str(r#"{"retryAfterSecs":5,"blocked":false}"#).unwrap());
    fixture.organization_mut(demo::ORG).unwrap().faults = faults;
    let fake = start_with(fixture).await;
    let r = get(&fake, CD, Some(demo::FULL), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "retry-after"), Some("5"));
    assert_eq!(header(&r, "x-ratelimit-remaining"), Some("0"));
    assert_eq!(json(r).await["authenticatedUser"]["id"], demo::USER_ID);
}

#[tokio::test]
async fn row21_unknown_org_is_the_same_404_on_both_host_forms() {
    let fake = start().await;
    let a = get(
        &fake,
        "dev.azure.com/nosuchorg/_apis/connectionData",
        Some(demo::FULL),
        true,
    )
    .await;
    let b = get(
        &fake,
        "nosuchorg.visualstudio.com/_apis/connectionData",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(a.status(), StatusCode::NOT_FOUND);
    assert_eq!(b.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&a, "content-type"), header(&b, "content-type"));
    let (a, b) = (json(a).await, json(b).await);
    assert_eq!(a, b);
    assert_eq!(a["message"], "The organization 'nosuchorg' does not exist.");

    for (switch, content_type) in [
        (UnknownOrgResponse::Empty, None),
        (UnknownOrgResponse::Html, Some("text/html; charset=utf-8")),
    ] {
        let mut fixture = Fixture::demo();
        fixture.unknown_org_response = switch;
        let fake = start_with(fixture).await;
        for path in [
            "dev.azure.com/nosuchorg/_apis/projects",
            "nosuchorg.visualstudio.com/_apis/projects",
        ] {
            let r = get(&fake, path, None, true).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            assert_eq!(header(&r, "content-type"), content_type);
        }
    }
}

#[tokio::test]
async fn row22_error_answers_carry_no_cors_headers() {
    let fake = start().await;
    let c = client();
    for (token, suppress) in [
        (Some("garbage"), true),
        (Some("garbage"), false),
        (None, true),
    ] {
        let r = request(&c, &fake, Method::GET, CD, token, suppress)
            .header("Origin", "https://vendor.example")
            .send()
            .await
            .unwrap();
        assert!(
            !r.status().is_success() || r.status() == StatusCode::NON_AUTHORITATIVE_INFORMATION
        );
        assert!(header(&r, "access-control-allow-origin").is_none());
    }
}

#[tokio::test]
async fn row23_legacy_host_echoes_legacy_urls() {
    let fake = start().await;
    let body = json(
        get(
            &fake,
            "contoso.visualstudio.com/_apis/projects?api-version=7.1",
            Some(demo::FULL),
            true,
        )
        .await,
    )
    .await;
    assert_eq!(body["count"], demo::PROJECT_COUNT);
    for p in body["value"].as_array().unwrap() {
        assert!(p["url"]
            .as_str()
            .unwrap()
            .starts_with("https://contoso.visualstudio.com/_apis/projects/"));
    }
    let repos = json(
        get(
            &fake,
            "contoso.visualstudio.com/Fabrikam%20Fiber/_apis/git/repositories",
            Some(demo::CODE),
            true,
        )
        .await,
    )
    .await;
    let repo = &repos["value"][0];
    let name = repo["name"].as_str().unwrap();
    assert_eq!(
        repo["remoteUrl"],
        format!("https://contoso.visualstudio.com/Fabrikam%20Fiber/_git/{name}")
    );
    assert_eq!(
        repo["sshUrl"],
        format!("contoso@vs-ssh.visualstudio.com:v3/contoso/Fabrikam%20Fiber/{name}")
    );
    assert!(repo["url"]
        .as_str()
        .unwrap()
        .starts_with("https://contoso.visualstudio.com/"));
    // DefaultCollection is still accepted on the legacy host and echoed.
    let body = json(
        get(
            &fake,
            "contoso.visualstudio.com/DefaultCollection/_apis/projects?$top=1",
            Some(demo::FULL),
            true,
        )
        .await,
    )
    .await;
    assert!(body["value"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://contoso.visualstudio.com/DefaultCollection/_apis/projects/"));
}

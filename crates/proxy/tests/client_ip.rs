//! Which client the rate limit counts a request against, for each `ClientIpSource`, over real
//! loopback HTTP: forwarding headers count only when configured, a configured header that is
//! missing or unreadable is refused, and the peer source ignores every spoofed header.

mod common;

use std::net::SocketAddr;

use azdo_connect_proxy::{router, ClientIpSource, ProxyConfig, RateLimit};
use common::{demo, into_reply, Harness, Reply};
use reqwest::StatusCode;
use serde_json::json;

/// One request per client and minute, so the second request of a client is refused.
fn one_per_client(config: &mut ProxyConfig, source: ClientIpSource) {
    config.rate_limit = RateLimit {
        per_minute: 1,
        burst: 1,
    };
    config.client_ip_source = source;
}

/// A verify the handler refuses without calling Azure DevOps (`invalid_organization`), so the
/// status tells whether the rate limit let it through.
async fn attempt(client: &reqwest::Client, base: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = client
        .post(format!("{base}/verify"))
        .header("x-azdo-connect", "1")
        .json(&json!({"organization": "-bad-", "token": demo::FULL}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    into_reply(request.send().await.unwrap()).await
}

fn assert_passed(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{what}: {:?}",
        reply.body
    );
    assert_eq!(reply.code(), "invalid_organization", "{what}");
}

fn assert_limited(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{what}: {:?}",
        reply.body
    );
    assert_eq!(reply.code(), "rate_limited", "{what}");
}

/// Refused because the configured header did not give an address; the message names the header.
fn assert_refused(reply: &Reply, header: &str, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{what}: {:?}",
        reply.body
    );
    assert_eq!(reply.code(), "invalid_request", "{what}");
    let message = reply.body["error"]["message"].as_str().unwrap();
    assert!(message.contains(header), "{what}: {message}");
}

/// For each header source: two clients behind the reverse proxy get a bucket each, a client's
/// second request is limited, and requests without a readable address are refused.
#[tokio::test]
async fn each_header_source_keys_on_its_header() {
    let cases: [(ClientIpSource, &str, [&str; 2]); 4] = [
        (
            ClientIpSource::XForwardedFor,
            "x-forwarded-for",
            // The rightmost entry is the one the reverse proxy appended; the rest is the client's.
            ["198.51.100.7, 203.0.113.1", "198.51.100.7, 203.0.113.2"],
        ),
        (
            ClientIpSource::XRealIp,
            "x-real-ip",
            ["203.0.113.1", "2001:db8::2"],
        ),
        (
            ClientIpSource::CfConnectingIp,
            "cf-connecting-ip",
            ["203.0.113.1", "203.0.113.2"],
        ),
        (
            ClientIpSource::Forwarded,
            "forwarded",
            [
                "for=198.51.100.7, for=203.0.113.1;proto=https",
                "for=198.51.100.7, for=\"[2001:db8::2]:4711\"",
            ],
        ),
    ];
    for (source, header, [first, second]) in cases {
        let h = Harness::start_with(|c| one_per_client(c, source)).await;
        let what = |case: &str| format!("{source}: {case}");
        assert_passed(
            &attempt(&h.client, &h.base, &[(header, first)]).await,
            &what("first client"),
        );
        assert_passed(
            &attempt(&h.client, &h.base, &[(header, second)]).await,
            &what("second client, same peer"),
        );
        assert_limited(
            &attempt(&h.client, &h.base, &[(header, first)]).await,
            &what("first client again"),
        );
        // Another forwarding header does not stand in for the configured one.
        let other = if header == "x-real-ip" {
            "x-forwarded-for"
        } else {
            "x-real-ip"
        };
        assert_refused(
            &attempt(&h.client, &h.base, &[(other, "203.0.113.9")]).await,
            header,
            &what("missing"),
        );
        assert_refused(
            &attempt(&h.client, &h.base, &[(header, "not-an-address")]).await,
            header,
            &what("garbled"),
        );
        // The refusals leave the limiter working: a new client behind the proxy gets through.
        let third = match source {
            ClientIpSource::Forwarded => "for=192.0.2.3",
            _ => "192.0.2.3",
        };
        assert_passed(
            &attempt(&h.client, &h.base, &[(header, third)]).await,
            &what("third client"),
        );
        h.stop().await;
    }
}

/// Headers that must occur once (`X-Real-IP`, `CF-Connecting-IP`) are refused when repeated: a
/// client's own copy next to the reverse proxy's would otherwise pick the bucket.
#[tokio::test]
async fn single_headers_sent_twice_are_refused() {
    for (source, header) in [
        (ClientIpSource::XRealIp, "x-real-ip"),
        (ClientIpSource::CfConnectingIp, "cf-connecting-ip"),
    ] {
        let h = Harness::start_with(|c| one_per_client(c, source)).await;
        let reply = attempt(
            &h.client,
            &h.base,
            &[(header, "203.0.113.1"), (header, "203.0.113.2")],
        )
        .await;
        assert_refused(&reply, header, &format!("{source}: repeated"));
        h.stop().await;
    }
}

/// With the default peer source, forwarding headers are ignored: a client that makes up a new
/// address in every header still has one bucket.
#[tokio::test]
async fn the_peer_source_ignores_spoofed_headers() {
    let h = Harness::start_with(|c| one_per_client(c, ClientIpSource::Peer)).await;
    assert_passed(
        &attempt(
            &h.client,
            &h.base,
            &[
                ("x-forwarded-for", "203.0.113.1"),
                ("x-real-ip", "203.0.113.1"),
            ],
        )
        .await,
        "first request",
    );
    for (header, value) in [
        ("x-forwarded-for", "203.0.113.2"),
        ("x-real-ip", "203.0.113.3"),
        ("cf-connecting-ip", "203.0.113.4"),
        ("forwarded", "for=203.0.113.5"),
        ("true-client-ip", "203.0.113.6"),
    ] {
        assert_limited(
            &attempt(&h.client, &h.base, &[(header, value)]).await,
            &format!("spoofed {header}"),
        );
    }
    // Garbage in a forwarding header changes nothing either: still the same, limited, client.
    assert_limited(
        &attempt(&h.client, &h.base, &[("x-forwarded-for", "not-an-address")]).await,
        "garbled x-forwarded-for",
    );
    h.stop().await;
}

/// Serves `config`'s router the way a vendor may mount it: without connect info.
async fn serve_without_connect_info(config: ProxyConfig) -> (String, tokio::task::JoinHandle<()>) {
    let app = router(config).expect("valid config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}/api/azdo"), server)
}

/// Without connect info the peer source has no address, so every client shares one bucket; a
/// header source still tells the clients apart.
#[tokio::test]
async fn without_connect_info_only_a_header_source_tells_clients_apart() {
    let fake = azdo_connect_fake::FakeAzureDevOps::start(azdo_connect_fake::Fixture::demo())
        .await
        .unwrap();
    let key = azdo_connect_proxy::SealKey::generate("k");
    let client = reqwest::Client::new();

    let mut shared = common::test_config(&fake, &key);
    one_per_client(&mut shared, ClientIpSource::Peer);
    let (base, server) = serve_without_connect_info(shared).await;
    assert_passed(&attempt(&client, &base, &[]).await, "peer: first");
    assert_limited(
        &attempt(&client, &base, &[("x-forwarded-for", "203.0.113.2")]).await,
        "peer: everyone shares the bucket",
    );
    server.abort();

    let mut forwarded = common::test_config(&fake, &key);
    one_per_client(&mut forwarded, ClientIpSource::XForwardedFor);
    let (base, server) = serve_without_connect_info(forwarded).await;
    for ip in ["203.0.113.1", "203.0.113.2"] {
        assert_passed(
            &attempt(&client, &base, &[("x-forwarded-for", ip)]).await,
            &format!("x-forwarded-for: {ip}"),
        );
    }
    assert_limited(
        &attempt(&client, &base, &[("x-forwarded-for", "203.0.113.1")]).await,
        "x-forwarded-for: first client again",
    );
    server.abort();
    let _ = server.await;
    fake.shutdown().await;
}

/// The read-only endpoints are not rate limited, so a load balancer's health check needs no
/// forwarding header.
#[tokio::test]
async fn health_and_config_need_no_forwarding_header() {
    let h = Harness::start_with(|c| one_per_client(c, ClientIpSource::XForwardedFor)).await;
    assert_eq!(h.get("config").await.status, StatusCode::OK);
    let health = h
        .client
        .get(format!("{}/healthz", h.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    h.stop().await;
}

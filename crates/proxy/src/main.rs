//! `azdo-connect-proxy`: serve the proxy, or use its pieces from the command line.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use azdo_connect_core::contract::ErrorBody;
use azdo_connect_core::SecretToken;
use azdo_connect_core::{normalize_organization, AllowedServers};
use azdo_connect_proxy::{
    open_credential, refresh_credential, router, ClientIpSource, EntraCertificate, EntraConfig,
    EntraCredential, Keyring, ProxyConfig, RateLimit, SealKey, Sealer, StoreUrl,
};
use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;
use url::Url;

/// The azdo-connect proxy: verifies Azure DevOps personal access tokens for the <azdo-connect>
/// widget and seals them as JWE credentials for your backend.
#[derive(Debug, Parser)]
#[command(
    name = "azdo-connect-proxy",
    version,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the proxy over HTTP (the default).
    Serve(Box<ServeArgs>),
    /// Normalize an organization input and print one line of JSON: the canonical organization
    /// (exit 0) or {"error":{"code","message"}} (exit 1).
    Normalize {
        /// A name or any Azure DevOps URL, clone URL or SSH remote.
        #[arg(allow_hyphen_values = true)]
        input: String,
        /// An Azure DevOps Server host (`host` or `host:port`) to accept. Repeatable.
        #[arg(long = "allow-server", value_name = "HOST")]
        allow_server: Vec<String>,
    },
    /// Open a credential with the seal key and print its claims as JSON (the PAT or refresh token
    /// redacted unless --show-token). Opens credentials of any age, as a vendor's backend stores them; `exp` only
    /// bounds the browser's use of it.
    OpenCredential {
        /// The JWE compact credential.
        token: String,
        #[command(flatten)]
        key: KeyArgs,
        /// Print the personal access token in clear.
        #[arg(long)]
        show_token: bool,
    },
    /// Print a fresh random seal key (32 bytes, base64url).
    GenerateKey,
    /// Check stored credentials against Azure DevOps (a health sweep): reads one credential per
    /// line, optionally `name<TAB>credential`, from FILE or stdin; prints one JSON line per
    /// credential (`name`, `status` "ok" or the error code, `message`, `user`, `scopes`) and a
    /// summary line. Exit 0 when all are ok, 1 when any is broken, 2 on bad input.
    CheckCredential(CheckArgs),
    /// Redeem a credential's Microsoft refresh token (a credential from Sign in with Microsoft)
    /// and print {"accessToken","expiresAt","credential"}: a fresh Azure DevOps access token, its
    /// expiry (Unix seconds) and the credential re-sealed with the rotated refresh token.
    RefreshCredential {
        /// The JWE compact credential; read from stdin when absent or `-`.
        token: Option<String>,
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        entra: Box<EntraArgs>,
    },
}

#[derive(Debug, Clone, Args)]
struct CheckArgs {
    /// The file of credentials; `-` or none reads stdin. Blank lines and lines starting with `#`
    /// are skipped.
    #[arg(value_name = "FILE")]
    file: Option<std::path::PathBuf>,
    #[command(flatten)]
    key: KeyArgs,
    /// Send `https://{host}/{path}` to `{URL}/{host}/{path}` instead, e.g. a fake Azure DevOps on
    /// loopback.
    #[arg(long, env = "AZDO_CONNECT_UPSTREAM_OVERRIDE", value_name = "URL")]
    upstream_override: Option<Url>,
    /// An Azure DevOps Server host (`host` or `host:port`) the checks may contact. Repeatable.
    #[arg(
        long,
        env = "AZDO_CONNECT_ALLOW_SERVERS",
        value_name = "HOST",
        value_delimiter = ','
    )]
    allow_server: Vec<String>,
    /// The deadline of one credential's check (all upstream calls), in milliseconds.
    #[arg(long, default_value_t = 10000, value_name = "MS")]
    timeout_ms: u64,
    #[command(flatten)]
    entra: Box<EntraArgs>,
}

/// The Entra app for "Sign in with Microsoft": --entra-client-id, one credential
/// (--entra-certificate, --entra-federated-token-file or --entra-client-secret) and --public-url,
/// or none of them.
#[derive(Debug, Clone, Args)]
struct EntraArgs {
    /// The Entra app's (client) id. Turns on "Sign in with Microsoft".
    #[arg(long, env = "AZDO_CONNECT_ENTRA_CLIENT_ID", value_name = "GUID")]
    entra_client_id: Option<String>,
    /// The Entra app's client secret (prefer the environment variable: arguments are visible to
    /// other local users).
    #[arg(
        long,
        env = "AZDO_CONNECT_ENTRA_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    entra_client_secret: Option<String>,
    /// A PEM file with the certificate uploaded to the Entra app and its unencrypted private key
    /// (both blocks in one file). Microsoft's recommended credential, instead of a secret.
    #[arg(long, env = "AZDO_CONNECT_ENTRA_CERTIFICATE", value_name = "PATH")]
    entra_certificate: Option<std::path::PathBuf>,
    /// A file holding a token this workload gets from another issuer, trusted by a federated
    /// credential on the Entra app (workload identity federation): on AKS with workload identity,
    /// the file `$AZURE_FEDERATED_TOKEN_FILE` names. Read again for every token request, as the
    /// platform rotates it. No secret to store.
    #[arg(
        long,
        env = "AZDO_CONNECT_ENTRA_FEDERATED_TOKEN_FILE",
        value_name = "PATH"
    )]
    entra_federated_token_file: Option<std::path::PathBuf>,
    /// The Microsoft identity platform's base URL (a fake's in tests and the demo).
    #[arg(
        long,
        env = "AZDO_CONNECT_ENTRA_AUTHORITY",
        value_name = "URL",
        default_value = "https://login.microsoftonline.com"
    )]
    entra_authority: Url,
    /// Where browsers reach {base}, e.g. https://app.example.com/api/azdo: the redirect URI
    /// registered with the app is {public-url}/oauth/callback.
    #[arg(long, env = "AZDO_CONNECT_PUBLIC_URL", value_name = "URL")]
    public_url: Option<Url>,
}

impl EntraArgs {
    /// The configuration, `None` when none of the flags is given, or what is missing.
    fn config(&self) -> Result<Option<EntraConfig>, String> {
        let secret = self
            .entra_client_secret
            .as_deref()
            .filter(|s| !s.trim().is_empty());
        let given = secret.is_some()
            || self.entra_certificate.is_some()
            || self.entra_federated_token_file.is_some();
        match (&self.entra_client_id, given, &self.public_url) {
            (None, false, None) => Ok(None),
            (Some(id), true, Some(public_url)) => {
                for (flag, url) in [
                    ("--entra-authority", &self.entra_authority),
                    ("--public-url", public_url),
                ] {
                    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                        return Err(format!("{flag} must be an http(s) URL, got {url}"));
                    }
                }
                if public_url.query().is_some() || public_url.fragment().is_some() {
                    return Err("--public-url must have no query or fragment".into());
                }
                Ok(Some(EntraConfig {
                    client_id: id.trim().to_owned(),
                    credential: self.credential(secret)?,
                    authority: self.entra_authority.clone(),
                    public_url: public_url.clone(),
                }))
            }
            (id, given, public_url) => {
                let missing: Vec<&str> = [
                    (id.is_none(), "--entra-client-id"),
                    (
                        !given,
                        "--entra-certificate, --entra-federated-token-file or --entra-client-secret (or their environment variables)",
                    ),
                    (public_url.is_none(), "--public-url"),
                ]
                .into_iter()
                .filter_map(|(absent, flag)| absent.then_some(flag))
                .collect();
                Err(format!(
                    "Sign in with Microsoft needs --entra-client-id, a credential (--entra-certificate, --entra-federated-token-file or --entra-client-secret) and --public-url together; missing: {}",
                    missing.join(", ")
                ))
            }
        }
    }

    /// Exactly one of the certificate, the federated token file and the secret.
    fn credential(&self, secret: Option<&str>) -> Result<EntraCredential, String> {
        let given = [
            self.entra_certificate.is_some(),
            self.entra_federated_token_file.is_some(),
            secret.is_some(),
        ];
        if given.into_iter().filter(|g| *g).count() > 1 {
            return Err(
                "give the Entra app one credential: --entra-certificate, --entra-federated-token-file or --entra-client-secret, not several"
                    .into(),
            );
        }
        if let Some(path) = &self.entra_certificate {
            let pem = std::fs::read(path)
                .map_err(|e| format!("--entra-certificate {}: {e}", path.display()))?;
            return EntraCertificate::from_pem(&pem)
                .map(EntraCredential::Certificate)
                .map_err(|e| format!("--entra-certificate {}: {e}", path.display()));
        }
        if let Some(path) = &self.entra_federated_token_file {
            // The proxy checks the file when it builds its Entra client, and reads it again for
            // every token request.
            return Ok(EntraCredential::FederatedTokenFile(path.clone()));
        }
        match secret {
            Some(secret) => Ok(EntraCredential::Secret(SecretToken::new(secret.trim()))),
            None => Err("the Entra app needs a credential".into()),
        }
    }
}

#[derive(Debug, Clone, Args)]
struct KeyArgs {
    /// The key that seals credentials: 32 bytes, base64url. Without it `serve` generates an
    /// ephemeral key, so credentials stop opening when the process restarts.
    // base64url has `-` in its alphabet: one key in 64 starts with it, and must not read as a flag.
    #[arg(
        long,
        env = "AZDO_CONNECT_SEAL_KEY",
        value_name = "BASE64URL",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    seal_key: Option<String>,
    /// The key id written in each credential's JWE header.
    #[arg(
        long,
        env = "AZDO_CONNECT_KEY_ID",
        value_name = "KID",
        default_value = "k1"
    )]
    key_id: String,
    /// A previous key still accepted back on /projects after a rotation, as KID=BASE64URL.
    /// Repeatable.
    #[arg(
        long,
        env = "AZDO_CONNECT_PREVIOUS_KEYS",
        value_name = "KID=BASE64URL",
        value_delimiter = ',',
        hide_env_values = true
    )]
    previous_key: Vec<String>,
}

#[derive(Debug, Clone, Args)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(
        long,
        env = "AZDO_CONNECT_BIND",
        default_value = "127.0.0.1:8787",
        value_name = "ADDR"
    )]
    bind: SocketAddr,
    /// Send `https://{host}/{path}` to `{URL}/{host}/{path}` instead, e.g. a fake Azure DevOps on
    /// loopback.
    #[arg(long, env = "AZDO_CONNECT_UPSTREAM_OVERRIDE", value_name = "URL")]
    upstream_override: Option<Url>,
    #[command(flatten)]
    key: KeyArgs,
    /// A browser origin allowed to call the proxy cross-origin (https://app.example.com).
    /// Repeatable. Without any, only same-origin requests are accepted.
    #[arg(
        long,
        env = "AZDO_CONNECT_ALLOWED_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    allowed_origin: Vec<String>,
    /// An Azure DevOps Server host (`host` or `host:port`) the proxy may contact. Repeatable.
    #[arg(
        long,
        env = "AZDO_CONNECT_ALLOW_SERVERS",
        value_name = "HOST",
        value_delimiter = ','
    )]
    allow_server: Vec<String>,
    /// Where the endpoints are mounted.
    #[arg(
        long,
        env = "AZDO_CONNECT_BASE_PATH",
        default_value = "/api/azdo",
        value_name = "PATH"
    )]
    base_path: String,
    /// How long to wait for a connection to Azure DevOps, in milliseconds.
    #[arg(
        long,
        env = "AZDO_CONNECT_CONNECT_TIMEOUT_MS",
        default_value_t = 3000,
        value_name = "MS"
    )]
    connect_timeout_ms: u64,
    /// The total deadline of one verify (all upstream calls), in milliseconds.
    #[arg(
        long,
        env = "AZDO_CONNECT_VERIFY_TIMEOUT_MS",
        default_value_t = 10000,
        value_name = "MS"
    )]
    verify_timeout_ms: u64,
    /// Sustained POST requests per minute per client IP.
    #[arg(
        long,
        env = "AZDO_CONNECT_RATE_LIMIT_PER_MINUTE",
        default_value_t = 30,
        value_name = "N"
    )]
    rate_limit_per_minute: u32,
    /// POST requests a client may send at once before the sustained rate applies.
    #[arg(
        long,
        env = "AZDO_CONNECT_RATE_LIMIT_BURST",
        default_value_t = 10,
        value_name = "N"
    )]
    rate_limit_burst: u32,
    /// Sustained POST /check requests per minute per client IP: a backend's health sweep counts
    /// apart from the browsers' limit.
    #[arg(
        long,
        env = "AZDO_CONNECT_CHECK_RATE_LIMIT_PER_MINUTE",
        default_value_t = 600,
        value_name = "N"
    )]
    check_rate_limit_per_minute: u32,
    /// POST /check requests a client may send at once before the sustained rate applies.
    #[arg(
        long,
        env = "AZDO_CONNECT_CHECK_RATE_LIMIT_BURST",
        default_value_t = 100,
        value_name = "N"
    )]
    check_rate_limit_burst: u32,
    /// Where the rate limiter reads the client's IP address: `peer` (the TCP peer; forwarding
    /// headers are ignored), or behind a reverse proxy the header it sets: `x-forwarded-for`
    /// (rightmost address), `x-real-ip`, `cf-connecting-ip` or `forwarded`. Pick a header only
    /// when clients can reach this proxy solely through that reverse proxy; a POST without a
    /// readable address in it is refused (400 invalid_request).
    #[arg(
        long,
        env = "AZDO_CONNECT_CLIENT_IP_SOURCE",
        value_name = "SOURCE",
        default_value_t = ClientIpSource::Peer,
        value_parser = client_ip_source_parser(),
    )]
    client_ip_source: ClientIpSource,
    /// Where short-lived state shared by every instance lives (rate-limit counters, sign-in
    /// flows): `memory` (one instance) or `redis://[:password@]host:port[/db]` (`rediss://` for
    /// TLS), which every instance behind the load balancer must name alike.
    // Read as text and parsed by the library, whose errors never repeat a password (clap's would
    // quote the whole value).
    #[arg(
        long,
        env = "AZDO_CONNECT_STORE",
        value_name = "URL",
        default_value = "memory",
        hide_env_values = true
    )]
    store: String,
    /// On SIGTERM or Ctrl-C: stop accepting connections, turn /readyz to 503, and give requests
    /// in flight this many seconds to finish before exiting. Keep it above the verify deadline
    /// and the 25 s sign-in long poll.
    #[arg(
        long,
        env = "AZDO_CONNECT_SHUTDOWN_GRACE",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    shutdown_grace: u64,
    /// The largest request body accepted, in bytes.
    #[arg(
        long,
        env = "AZDO_CONNECT_MAX_BODY_BYTES",
        default_value_t = 16384,
        value_name = "BYTES"
    )]
    max_body_bytes: usize,
    /// Also serve the demo page's backend under {base}/demo/: it stores the connection the page
    /// reports in SQLite (the token only sealed), so the demo survives a reload. Not for production.
    #[cfg(feature = "demo")]
    #[arg(long, env = "AZDO_CONNECT_DEMO")]
    demo: bool,
    /// The demo's SQLite database (created with its directory); only with --demo.
    #[cfg(feature = "demo")]
    #[arg(
        long,
        env = "AZDO_CONNECT_DEMO_DB",
        value_name = "PATH",
        default_value = "target/demo/connections.sqlite3",
        requires = "demo"
    )]
    demo_db: std::path::PathBuf,
    #[command(flatten)]
    entra: EntraArgs,
    /// Log format on stderr (the level comes from RUST_LOG, default info).
    #[arg(long, env = "AZDO_CONNECT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// `--client-ip-source` takes exactly the library's names, listed in `--help`.
fn client_ip_source_parser() -> impl clap::builder::TypedValueParser<Value = ClientIpSource> {
    PossibleValuesParser::new(ClientIpSource::ALL.map(ClientIpSource::as_str))
        .map(|name| name.parse().expect("a listed name parses"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Normalize {
            input,
            allow_server,
        }) => normalize(&input, &allow_server),
        Some(Command::OpenCredential {
            token,
            key,
            show_token,
        }) => open(&token, &key, show_token),
        Some(Command::CheckCredential(args)) => health_sweep::run(&args),
        Some(Command::GenerateKey) => {
            println!("{}", SealKey::generate("k").to_base64url());
            ExitCode::SUCCESS
        }
        Some(Command::RefreshCredential { token, key, entra }) => {
            refresh(token.as_deref(), &key, &entra)
        }
    }
}

fn refresh(token: Option<&str>, key: &KeyArgs, entra: &EntraArgs) -> ExitCode {
    let fail = |message: String| {
        let body = ErrorBody {
            error: azdo_connect_core::contract::ApiError::new(
                azdo_connect_core::ErrorCode::InvalidRequest,
                message,
            ),
        };
        println!("{}", serde_json::to_string(&body).expect("serializable"));
        ExitCode::FAILURE
    };
    let (current, previous) = match keys(key) {
        Ok((Some(current), previous)) => (current, previous),
        Ok((None, _)) => {
            return fail(
                "refresh-credential needs the key: --seal-key or AZDO_CONNECT_SEAL_KEY".into(),
            )
        }
        Err(message) => return fail(message),
    };
    let entra = match entra.config() {
        Ok(Some(entra)) => entra,
        Ok(None) => {
            return fail("refresh-credential needs the Entra app: --entra-client-id, --entra-certificate or --entra-client-secret, and --public-url".into())
        }
        Err(message) => return fail(message),
    };
    let token = match token.filter(|t| *t != "-") {
        Some(token) => token.to_owned(),
        None => {
            let mut text = String::new();
            if let Err(error) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                return fail(format!("could not read the credential from stdin: {error}"));
            }
            text
        }
    };
    let sealer = match Sealer::new(*current.key(), current.kid()) {
        Ok(sealer) => sealer,
        Err(error) => return fail(error.to_string()),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(format!("could not start the async runtime: {error}")),
    };
    let refreshed = runtime.block_on(async {
        let claims = open_credential(&token, &Keyring::new(&current, &previous))?;
        refresh_credential(&entra, &sealer, &claims).await
    });
    match refreshed {
        Ok(refreshed) => {
            let out = serde_json::json!({
                "accessToken": refreshed.access_token.expose(),
                "expiresAt": refreshed.expires_at,
                "credential": refreshed.credential,
            });
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            // The JSON answer says only "internal" for the proxy's own configuration, as the
            // HTTP API does; the operator running the command also gets what is wrong (a path, a
            // URL, a missing setting: never a secret).
            if matches!(error, azdo_connect_proxy::Error::Config(_)) {
                eprintln!("{error}");
            }
            let body = ErrorBody {
                error: error.to_api_error(),
            };
            println!("{}", serde_json::to_string(&body).expect("serializable"));
            ExitCode::FAILURE
        }
    }
}

fn normalize(input: &str, allow_server: &[String]) -> ExitCode {
    match normalize_organization(input, &AllowedServers::new(allow_server)) {
        Ok(org) => {
            println!("{}", serde_json::to_string(&org).expect("serializable"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            let body = ErrorBody {
                error: azdo_connect_core::contract::ApiError::new(error.code(), error.to_string()),
            };
            println!("{}", serde_json::to_string(&body).expect("serializable"));
            ExitCode::FAILURE
        }
    }
}

fn keys(args: &KeyArgs) -> Result<(Option<SealKey>, Vec<SealKey>), String> {
    let current = args
        .seal_key
        .as_deref()
        .map(|k| SealKey::from_base64url(args.key_id.clone(), k))
        .transpose()
        .map_err(|e| e.to_string())?;
    let previous = args
        .previous_key
        .iter()
        .map(|entry| {
            let (kid, key) = entry.split_once('=').ok_or_else(|| {
                format!(
                    "--previous-key must be KID=BASE64URL, got {:?}",
                    kid_only(entry)
                )
            })?;
            SealKey::from_base64url(kid, key).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok((current, previous))
}

// Error messages must not echo key material.
fn kid_only(entry: &str) -> String {
    entry.chars().take_while(|c| *c != '=').take(32).collect()
}

fn open(token: &str, args: &KeyArgs, show_token: bool) -> ExitCode {
    let (current, previous) = match keys(args) {
        Ok((Some(current), previous)) => (current, previous),
        Ok((None, _)) => {
            eprintln!("error: open-credential needs the key: --seal-key or AZDO_CONNECT_SEAL_KEY");
            return ExitCode::FAILURE;
        }
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match open_credential(token, &Keyring::new(&current, &previous)) {
        Ok(claims) => {
            let mut value = serde_json::to_value(&claims).expect("serializable");
            if !show_token {
                value["pat"] = serde_json::Value::String("***".into());
                // An entra credential's secret is its Microsoft refresh token.
                if value.get("refreshToken").is_some_and(|v| !v.is_null()) {
                    value["refreshToken"] = serde_json::Value::String("***".into());
                }
            }
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

mod health_sweep {
    //! `check-credential`: the same check as `POST {base}/check`, over a file of credentials.

    use std::io::Read as _;
    use std::process::ExitCode;
    use std::time::Duration;

    use azdo_connect_core::AllowedServers;
    use azdo_connect_proxy::{check_credential, Checker, ProxyConfig};
    use futures_util::StreamExt as _;
    use serde_json::{json, Value};

    use super::{keys, CheckArgs};

    /// Credentials checked at once: a sweep of hundreds stays polite to Azure DevOps.
    const CONCURRENCY: usize = 4;

    /// Exit status for bad input (usage, key, file), apart from 1 for "some are broken".
    const BAD_INPUT: u8 = 2;

    pub(super) fn run(args: &CheckArgs) -> ExitCode {
        match prepare(args) {
            Ok((checker, entries)) => sweep(&checker, entries),
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(BAD_INPUT)
            }
        }
    }

    fn prepare(args: &CheckArgs) -> Result<(Checker, Vec<(String, String)>), String> {
        let seal_key = match keys(&args.key)? {
            (Some(current), previous) => (current, previous),
            (None, _) => {
                return Err(
                    "check-credential needs the key: --seal-key or AZDO_CONNECT_SEAL_KEY".into(),
                )
            }
        };
        let text = read_input(args.file.as_deref())?;
        let entries = parse(&text)?;
        let config = ProxyConfig {
            upstream_override: args.upstream_override.clone(),
            seal_key: seal_key.0,
            previous_keys: seal_key.1,
            allowed_servers: AllowedServers::new(&args.allow_server),
            verify_timeout: Duration::from_millis(args.timeout_ms),
            // Credentials from Sign in with Microsoft are checked with a fresh access token.
            entra: args.entra.config()?,
            ..ProxyConfig::default()
        };
        let checker = Checker::new(&config).map_err(|e| e.to_string())?;
        Ok((checker, entries))
    }

    fn read_input(file: Option<&std::path::Path>) -> Result<String, String> {
        match file.filter(|path| path.as_os_str() != "-") {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("could not read {}: {e}", path.display())),
            None => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| format!("could not read stdin: {e}"))?;
                Ok(text)
            }
        }
    }

    /// `(name, credential)` per line; a line without a name is named by its line number.
    fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            // Split before trimming: a trailing tab means a name without a credential.
            let (name, credential) = match line.split_once('\t') {
                Some((name, credential)) => (name.trim().to_owned(), credential.trim()),
                None => (format!("line {}", index + 1), line.trim()),
            };
            if credential.is_empty() {
                return Err(format!(
                    "line {}: no credential after the name {name:?}",
                    index + 1
                ));
            }
            entries.push((name, credential.to_owned()));
        }
        if entries.is_empty() {
            return Err(
                "no credentials to check: give one per line, optionally name<TAB>credential".into(),
            );
        }
        Ok(entries)
    }

    fn sweep(checker: &Checker, entries: Vec<(String, String)>) -> ExitCode {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                eprintln!("error: could not start the async runtime: {error}");
                return ExitCode::FAILURE;
            }
        };
        let total = entries.len();
        let mut broken = 0usize;
        runtime.block_on(async {
            let mut results = futures_util::stream::iter(entries)
                .map(|(name, credential)| async move {
                    (name, check_credential(checker, &credential).await)
                })
                .buffered(CONCURRENCY);
            while let Some((name, result)) = results.next().await {
                let line = match result {
                    Ok(answer) => {
                        let mut line = json!({"name": name, "message": "The connection works."});
                        merge(&mut line, serde_json::to_value(&answer).unwrap_or_default());
                        line
                    }
                    Err(error) => {
                        broken += 1;
                        let api = error.to_api_error();
                        let mut line = json!({"name": name, "status": api.code});
                        merge(&mut line, serde_json::to_value(&api).unwrap_or_default());
                        if let Some(object) = line.as_object_mut() {
                            object.remove("code");
                        }
                        line
                    }
                };
                println!("{line}");
            }
        });
        println!(
            "{}",
            json!({"summary": {"checked": total, "ok": total - broken, "broken": broken}})
        );
        if broken == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    fn merge(into: &mut Value, from: Value) {
        if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
            into.extend(from);
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    init_logging(args.log_format);
    let (current, previous) = match keys(&args.key) {
        Ok(keys) => keys,
        Err(message) => {
            tracing::error!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let seal_key = current.unwrap_or_else(|| {
        tracing::warn!(
            "no --seal-key / AZDO_CONNECT_SEAL_KEY: using an ephemeral key; credentials will not open after a restart"
        );
        SealKey::generate(args.key.key_id.clone())
    });
    let store = match StoreUrl::parse(&args.store).and_then(|url| Ok((url.open()?, url))) {
        Ok((store, url)) => {
            tracing::info!(store = %url, "rate-limit counters and sign-in flows live in this store");
            store
        }
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let entra = match args.entra.config() {
        Ok(entra) => entra,
        Err(message) => {
            tracing::error!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let config = ProxyConfig {
        upstream_override: args.upstream_override,
        seal_key,
        previous_keys: previous,
        allowed_origins: args.allowed_origin,
        allowed_servers: AllowedServers::new(&args.allow_server),
        base_path: args.base_path,
        connect_timeout: Duration::from_millis(args.connect_timeout_ms),
        verify_timeout: Duration::from_millis(args.verify_timeout_ms),
        rate_limit: RateLimit {
            per_minute: args.rate_limit_per_minute,
            burst: args.rate_limit_burst,
        },
        check_rate_limit: RateLimit {
            per_minute: args.check_rate_limit_per_minute,
            burst: args.check_rate_limit_burst,
        },
        max_body_bytes: args.max_body_bytes,
        client_ip_source: args.client_ip_source,
        store,
        entra,
        ..ProxyConfig::default()
    };
    let grace = Duration::from_secs(args.shutdown_grace);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    #[cfg(feature = "demo")]
    let demo = args.demo.then_some(args.demo_db);
    #[cfg(not(feature = "demo"))]
    let demo = None;
    match runtime.block_on(run(config, args.bind, demo, grace)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    config: ProxyConfig,
    bind: SocketAddr,
    demo_db: Option<std::path::PathBuf>,
    grace: Duration,
) -> Result<(), String> {
    if let Some(url) = &config.upstream_override {
        tracing::warn!(%url, "upstream override: Azure DevOps requests go to this URL");
    }
    if let Some(entra) = &config.entra {
        // The value to register with the Entra app, exactly.
        tracing::info!(
            client_id = %entra.client_id,
            authority = %entra.authority,
            redirect_uri = %format!("{}/oauth/callback", entra.public_url.as_str().trim_end_matches('/')),
            "Sign in with Microsoft is on"
        );
        match &entra.credential {
            EntraCredential::Certificate(certificate) if certificate.expires_soon() => {
                tracing::warn!(
                    x5t_s256 = certificate.thumbprint(),
                    not_after = certificate.not_after(),
                    "the Entra app's certificate expires within 30 days: upload its successor to the app registration and switch --entra-certificate"
                )
            }
            EntraCredential::Certificate(certificate) => tracing::info!(
                x5t_s256 = certificate.thumbprint(),
                not_after = certificate.not_after(),
                "client assertions are signed with the certificate of this SHA-256 thumbprint"
            ),
            _ => tracing::warn!(
                "the Entra app authenticates with a client secret: Microsoft recommends a certificate (--entra-certificate) in production"
            ),
        }
    }
    let base = config.base_path.clone();
    let client_ip_source = config.client_ip_source;
    let draining = config.draining.clone();
    let app = match demo_db {
        None => router(config),
        #[cfg(feature = "demo")]
        Some(path) => {
            let store = azdo_connect_proxy::DemoStore::open(&path).map_err(|e| e.to_string())?;
            tracing::warn!(db = %path.display(), "demo routes on: connections are stored under {base}/demo/");
            azdo_connect_proxy::router_with_demo(config, store)
        }
        #[cfg(not(feature = "demo"))]
        Some(_) => unreachable!("--demo needs the demo feature"),
    }
    .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("could not listen on {bind}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(addr = %local, base = %base, client_ip_source = %client_ip_source, "azdo-connect-proxy listening");
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        draining.start();
        tracing::info!(
            grace_seconds = grace.as_secs(),
            "shutting down: no new connections; finishing the requests in flight"
        );
        let _ = stopping.send(true);
    });
    // axum waits for every connection to finish; the grace period bounds that wait.
    let grace_over = async move {
        let _ = stopped.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = std::future::IntoFuture::into_future(server) => served.map_err(|e| e.to_string())?,
        () = grace_over => tracing::warn!(
            grace_seconds = grace.as_secs(),
            "requests still in flight when the shutdown grace period ended; they are cut off"
        ),
    }
    tracing::info!("stopped");
    Ok(())
}

/// SIGTERM (what service managers and orchestrators send) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

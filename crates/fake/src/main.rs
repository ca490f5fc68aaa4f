//! `azdo-connect-fake`: serve the fake Azure DevOps on loopback.

use std::net::SocketAddr;
use std::path::PathBuf;

use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use clap::Parser;

/// A fake Azure DevOps and Microsoft identity platform for tests and the demo. Requests are served
/// as `/{original-host}/{path}`; point the proxy's `--upstream-override` at the printed base URL
/// and its `--entra-authority` at `{base URL}/login.microsoftonline.com`.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8788")]
    bind: SocketAddr,
    /// Fixture JSON file (default: the embedded demo fixture).
    #[arg(long)]
    fixture: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,azdo_connect_fake=debug")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let fixture = match &args.fixture {
        Some(path) => match Fixture::from_path(path) {
            Ok(f) => f,
            Err(e) => {
                tracing::error!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        },
        None => Fixture::demo(),
    };
    let fake = match FakeAzureDevOps::start_on(fixture, args.bind).await {
        Ok(fake) => fake,
        Err(e) => {
            tracing::error!(bind = %args.bind, "cannot listen: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(base_url = %fake.base_url(), entra_authority = %fake.authority(), "fake Azure DevOps and identity platform ready");
    println!("{}", fake.base_url());
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::error!("cannot wait for Ctrl-C: {e}");
    }
    tracing::info!("shutting down");
    fake.shutdown().await;
    std::process::ExitCode::SUCCESS
}

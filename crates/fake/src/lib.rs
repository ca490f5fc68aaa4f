//! A faithful fake of the Azure DevOps REST endpoints `azdo-connect` uses (Services and Server),
//! for tests, benchmarks and the demo.
//!
//! Requests arrive as `/{original-host}/{path}`, the shape the proxy's `--upstream-override`
//! produces, e.g. `GET http://127.0.0.1:PORT/dev.azure.com/contoso/_apis/connectionData`.
//! Behaviour is driven by a JSON [`Fixture`]; the values of the embedded demo fixture are in
//! [`demo`]. The same server is a fake Microsoft identity platform at
//! `/login.microsoftonline.com/{tenant}/oauth2/v2.0/{authorize,token}` (values in [`identity`]),
//! whose access tokens the fake Azure DevOps accepts as `Authorization: Bearer`.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use azdo_connect_fake::{FakeAzureDevOps, Fixture};
//! let fake = FakeAzureDevOps::start(Fixture::demo()).await?;
//! let upstream_override = fake.base_url();
//! # let _ = upstream_override;
//! fake.shutdown().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod aadsts;
mod api;
mod authorize;
mod bearer;
mod control;
pub mod demo;
mod directory;
mod error;
mod faults;
mod fixture;
mod id_token;
pub mod identity;
mod identity_assertion;
mod identity_federation;
mod issued;
mod pages;
mod pkce;
mod request;
mod respond;
mod routes;
mod scope_param;
mod server;
mod tenant_segment;
mod token_endpoint;

pub use control::IssuedTokens;
pub use directory::{Account, App, ClientSecret, Identity, Script, Tenant};
pub use error::Error;
pub use fixture::{
    BadTokenBody, Faults, Fixture, Org, Project, RateLimit, Repo, Scopes, Server, ServerRelease,
    SignIn, Token, UnknownOrgResponse, User,
};
pub use identity_assertion::AppCertificate;
pub use identity_federation::{FederatedCredential, WorkloadIssuer};
pub use server::{FakeAzureDevOps, RecordedRequest};

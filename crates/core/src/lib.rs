//! The pure heart of azdo-connect, shared by the `<azdo-connect>` widget (wasm32) and the proxy
//! (native).
//!
//! - [`normalize_organization`] turns whatever a person pastes (a bare name, any Azure DevOps URL,
//!   a clone URL or an SSH remote) into one canonical organization, or explains why it can't.
//! - [`classify_pat`] recognises the personal access token formats without ever rejecting silently;
//!   [`token_format_error`] refuses only strings that cannot be sent at all.
//! - `scopes` (cargo feature `catalogue`, on by default) is the catalogue of PAT scopes with the
//!   labels of the Azure token UI.
//! - [`contract`] holds the JSON types of the proxy's HTTP contract and the widget's DOM events;
//!   with the `ts` feature, `typescript` renders them as the npm package's TypeScript declarations.
//!
//! The proxy never trusts the widget: it runs the same functions again server-side.
//!
//! # Organization input
//!
//! Every form below normalizes to `contoso` / `https://dev.azure.com/contoso` (hosted):
//!
//! - `contoso`
//! - `dev.azure.com/contoso`, `https://dev.azure.com/contoso/`, `http://DEV.azure.com/contoso`,
//!   `https://dev.azure.com:443/contoso`, with any project, `_git/…`, `_usersSettings/…` path, query
//!   or fragment after it
//! - `contoso.visualstudio.com`, `https://contoso.visualstudio.com/DefaultCollection/Web`
//! - `vssps.dev.azure.com/contoso`, `vsaex.dev.azure.com/contoso` (any `*.dev.azure.com` service
//!   host), `contoso.vssps.visualstudio.com`, `contoso.vsrm.visualstudio.com`
//! - `https://contoso@dev.azure.com/contoso/Web/_git/web` (user info is ignored and never echoed)
//! - `git@ssh.dev.azure.com:v3/contoso/Web/web`, `ssh://git@ssh.dev.azure.com/v3/contoso/Web/web`,
//!   `contoso@vs-ssh.visualstudio.com:v3/contoso/Web/web`
//!
//! An Azure DevOps Server collection URL, `http(s)://host[:port][/tfs]/{collection}[/…]`, is
//! accepted only when `host` or `host:port` is in the [`AllowedServers`]. The canonical URL keeps
//! the scheme, host, port, `/tfs` prefix and collection.
//!
//! ```
//! use azdo_connect_core::{normalize_organization, AllowedServers, ErrorCode};
//!
//! let hosted_only = AllowedServers::default();
//! for input in [
//!     "contoso",
//!     " https://Contoso@dev.azure.com/contoso/Web/_git/web?path=/README.md ",
//!     "contoso.visualstudio.com/DefaultCollection",
//!     "git@ssh.dev.azure.com:v3/contoso/Web/web",
//! ] {
//!     let org = normalize_organization(input, &hosted_only).unwrap();
//!     assert_eq!(org.organization_url, "https://dev.azure.com/contoso");
//! }
//!
//! let err = normalize_organization("dev.azure.com@evil.example/contoso", &hosted_only).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::HostNotAllowed);
//! assert_eq!(err.to_string(), "evil.example is not an Azure DevOps address. Use https://dev.azure.com/your-org or https://your-org.visualstudio.com.");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod contract;
mod error;
mod org;
mod parsed_url;
mod pat;
#[cfg(feature = "catalogue")]
pub mod scopes;
mod secret;
#[cfg(feature = "ts")]
pub mod typescript;
mod wire_name;

pub use error::{ErrorCode, NameRule, OrgError};
pub use org::{
    normalize_organization, AllowedServers, DeploymentType, Organization, MAX_INPUT_LEN,
};
pub use pat::{classify_pat, token_format_error, PatFormat, MAX_TOKEN_LEN};
pub use secret::{Pat, SecretToken};

/// strum's `VARIANTS` as an array, so each contract enum's `ALL` stays an array that grows with
/// the enum.
const fn variant_array<T: Copy, const N: usize>(variants: &[T]) -> [T; N] {
    match variants.first_chunk() {
        Some(all) if variants.len() == N => *all,
        _ => panic!("the array length is the number of variants"),
    }
}

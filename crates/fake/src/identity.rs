//! The values of the demo fixture's fake Microsoft identity platform (`fixtures/demo.json`,
//! `identity`), for other crates' tests and the demo. `tests/identity.rs` keeps them in sync with
//! the JSON.
//!
//! The platform is served at `{base_url}/login.microsoftonline.com/{tenant}/oauth2/v2.0/…`: give
//! the proxy `--entra-authority {base_url}/login.microsoftonline.com`.

pub use crate::directory::{AZURE_DEVOPS_RESOURCE, CONSUMERS_TENANT_ID};

/// The registered app's client id.
pub const CLIENT_ID: &str = "3f9a1c52-7d4e-4b8a-9c61-0e2d5b7a8f14";
/// The registered app's current client secret.
pub const CLIENT_SECRET: &str = "dQ38Q~fakeSecretForTestsOnly.x9Vb2Lm4Nq7R";
/// A secret of the app that has expired: 401 `invalid_client`, AADSTS7000222.
pub const EXPIRED_CLIENT_SECRET: &str = "Xy71Q~expiredFakeSecret.Zk3Wp9Ld2Hs6Tq8Mb";
/// The registered app's certificate and its private key (PEM, both blocks), for
/// `--entra-certificate`. A self-signed test certificate generated once with
/// `openssl req -x509 -newkey rsa:2048 -nodes -days 36500` (`fixtures/app-certificate.pem`):
/// its key is public, so it must never be uploaded to a real app registration.
pub const CLIENT_CERTIFICATE_PEM: &str = include_str!("../fixtures/app-certificate.pem");
/// The `x5t#S256` thumbprint of [`CLIENT_CERTIFICATE_PEM`] (base64url SHA-256 of its DER form).
pub const CLIENT_CERTIFICATE_THUMBPRINT: &str = "cqE3-mlOZVLelEwhx_tmrxxUPvpUWEj_WgzXZzns4Yw";
/// A certificate and key made the same way but not registered on the app: assertions signed
/// with it are refused with AADSTS700027 (`fixtures/unregistered-certificate.pem`, test only).
pub const UNREGISTERED_CERTIFICATE_PEM: &str =
    include_str!("../fixtures/unregistered-certificate.pem");
/// The demo cluster's service account issuer: its tokens are what a pod's projected token file
/// holds (AKS workload identity's `AZURE_FEDERATED_TOKEN_FILE`). The app trusts one of its
/// workloads through a federated credential.
pub const WORKLOAD_ISSUER: &str = "https://oidc.workload.example/azdo-connect-demo/";
/// The workload the app's federated credential names: the proxy's service account.
pub const WORKLOAD_SUBJECT: &str = "system:serviceaccount:azdo-connect:proxy";
pub use crate::identity_federation::{workload_token, TOKEN_EXCHANGE_AUDIENCE};
/// The registered app's display name (consent page, error messages).
pub const APP_NAME: &str = "Azure DevOps Connect (demo)";
/// The registered redirect URIs; on loopback any port matches.
pub const REDIRECT_URIS: [&str; 2] = [
    "http://127.0.0.1/api/azdo/oauth/callback",
    "http://localhost/api/azdo/oauth/callback",
];
/// The scope the proxy asks for.
pub const SCOPE: &str =
    "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access openid profile email";
/// The `scope` of the tokens the app gets for `…/.default` (its registered permission).
pub const GRANTED_SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/user_impersonation";

/// Tenant `Contoso` (domains `contoso.example`, `contoso.onmicrosoft.com`); backs the
/// organizations `contoso` and `contoso-labs`.
pub const CONTOSO_TENANT_ID: &str = crate::demo::TENANT_ID;
/// Tenant `Northwind Traders` (domain `northwind.example`); backs the organization `northwind`.
pub const NORTHWIND_TENANT_ID: &str = "5d2c8e7a-1b3f-4a6d-9e0c-7f8a2b4c6d13";
/// The tenant id Azure DevOps reports for an organization backed by personal Microsoft accounts.
pub const MSA_ORG_TENANT_ID: &str = "00000000-0000-0000-0000-000000000000";

/// A second organization of the Contoso tenant (member: [`MULTI_ORG`]).
pub const CONTOSO_LABS_ORG: &str = "contoso-labs";
/// The organization of the Northwind tenant (members: [`GUEST`], [`MULTI_ORG`]).
pub const NORTHWIND_ORG: &str = "northwind";
/// The organization backed by personal Microsoft accounts (`X-VSS-ResourceTenant` all zeros).
pub const MSA_ORG: &str = crate::demo::PUBLIC_ORG;

/// Dana Demo, member of Contoso and of the organization `contoso` (the PAT owner there).
pub const MEMBER: &str = "dana@contoso.example";
/// Dana Demo's object id.
pub const MEMBER_OID: &str = "d1a2b3c4-0001-4e5f-8a9b-0c1d2e3f4a5b";
/// Morgan Multi, member of Contoso and guest in Northwind; belongs to `contoso`, `contoso-labs`
/// and `northwind` (organization discovery).
pub const MULTI_ORG: &str = "morgan@contoso.example";
/// Morgan Multi's Azure DevOps user id.
pub const MULTI_ORG_USER_ID: &str = "2a7d4c1e-8b3f-4e6a-9d05-c1b2a3f4e5d6";
/// Nico New, member of Contoso who never signed in to Azure DevOps (TF401444).
pub const NEVER_SIGNED_IN: &str = "nico@contoso.example";
/// Gita Guest, member of Northwind and guest in Contoso; belongs to `contoso` and `northwind`.
/// Signed in at `organizations` her token is Northwind's, which `contoso` refuses.
pub const GUEST: &str = "gita@northwind.example";
/// Olu Outsider, member of Contoso with an Azure DevOps identity but in no organization.
pub const NOT_MEMBER: &str = "olu@contoso.example";
/// A personal Microsoft account (Fabian Rikam of [`MSA_ORG`]): refused by this work-or-school
/// app with AADSTS50020.
pub const PERSONAL: &str = "fabian@outlook.example";
/// Declines consent: `access_denied`, AADSTS65004.
pub const CANCEL: &str = "cancel@contoso.example";
/// `consent_required`, AADSTS65001.
pub const CONSENT_REQUIRED: &str = "consent@contoso.example";
/// Needs an admin's approval: `access_denied`, AADSTS90094.
pub const ADMIN_APPROVAL: &str = "adminapproval@contoso.example";
/// Blocked by Conditional Access: `access_denied`, AADSTS53003.
pub const CONDITIONAL_ACCESS: &str = "blocked@contoso.example";
/// Signs in (member of `contoso`); every refresh answers `interaction_required`, AADSTS50076.
pub const MFA_ON_REFRESH: &str = "mfa@contoso.example";
/// Signs in, but redeeming the code is `invalid_resource`, AADSTS500011 (Azure DevOps is not in
/// the tenant).
pub const AZURE_DEVOPS_NOT_IN_TENANT: &str = "noado@contoso.example";

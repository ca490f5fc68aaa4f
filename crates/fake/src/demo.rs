//! The values of the embedded demo fixture (`fixtures/demo.json`), shared by the proxy tests,
//! the widget tests and the demo. A test in `tests/fixture.rs` keeps them in sync with the JSON.

/// The private demo organization (Entra tenant [`TENANT_ID`]).
pub const ORG: &str = "contoso";
/// An organization with public projects: a bad token gets the anonymous user, not a 401.
pub const PUBLIC_ORG: &str = "fabrikam";
/// An organization name that does not exist in the demo fixture.
pub const UNKNOWN_ORG: &str = "nosuchorg";
/// The Entra tenant of [`ORG`], sent in `X-VSS-ResourceTenant` and `WWW-Authenticate`.
pub const TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The id Azure DevOps reports for the anonymous user of a public organization.
pub const ANONYMOUS_USER_ID: &str = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";

/// Full access (`app_token`) for [`ORG`].
pub const FULL: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";
/// `vso.code vso.project vso.profile` for [`ORG`], in the 84-character format.
pub const CODE_PROJECT: &str =
    "democodeprojectz3uXBPaXXH2BQxbHFciPOrxk4lDziFmgoseASJQQJ99CKACAAAAAAAAAAAAASAZDO0wk4";
/// `vso.code` only, for [`ORG`].
pub const CODE: &str = "democode5x5tk3oynuwt7s5jnbpldbesfm7t56xsb57a3lsijdta";
/// `vso.profile` only, for [`ORG`].
pub const PROFILE: &str = "demoprofile7c7lf4ktic4oz4kqyifnbcm6rcvs3tetusogbnqtl";
/// A full-access token that has expired.
pub const EXPIRED: &str = "demoexpiredaqgdcxiddegbfoqzu7aumucj3m2lebwnfi4xvls5d";
/// A revoked token: answered exactly like garbage.
pub const REVOKED: &str = "demorevokeduul6lq7ujnbyq7ctooofq3epaylwwdbwwcpscmjij";
/// Full access, but every answer is delayed by [`SLOW_LATENCY_MS`].
pub const SLOW: &str = "demoslowvjxijvzjtab476kcxe2645lgmoaxhohupfipgrtnoawd";
/// The latency added for [`SLOW`], in milliseconds.
pub const SLOW_LATENCY_MS: u64 = 300;
/// Full access, but every call answers 500.
pub const ERR500: &str = "demoerr5oobbkty7p54cw555qo2kn4bnrcmsrsbo7jbtugpcccxz";
/// Full access, but the connection is dropped without a response.
pub const RESET: &str = "demoresetqyjvbuktpq5idq2t53idta554t3uw5amqe7wbsyfwwc";
/// Full access, but the fake never answers (for 10 minutes).
pub const HANG: &str = "demohangphlyuxu7o4cohxbehamzdhhlvtypkj5s6m3rejtpjwjl";
/// Full access, but the body is trickled a few bytes every 200 ms.
pub const TRICKLE: &str = "demotrickleets2g4yke3huuvrcuvpzhqiagjrn24f2okqs52hx2";
/// Full access, but every call is blocked with 429 and `Retry-After: 7`.
pub const RATELIMITED: &str = "demoratelimiteds7usc6hvfavgaxrbt6ejoxenvoe3npnkvffpr";
/// The `Retry-After` seconds sent for [`RATELIMITED`].
pub const RATELIMITED_RETRY_AFTER: u64 = 7;
/// Full access, but the fake answers 203 with the sign-in page even with the Suppress header.
pub const SIGNIN203: &str = "demosignin2o3c6dt3kr2ri66bthvvk6xf7xw65pwi7of5ln6cip";
/// Full access, but the fake answers 302 to the sign-in page even with the Suppress header.
pub const REDIRECT302: &str = "demoredirect3o2my4h2mlr5vqwfvjwzzwueflcmdqgyckxbihlo";
/// Full access for [`PUBLIC_ORG`] (user [`FABRIKAM_USER_NAME`]).
pub const FABRIKAM_FULL: &str = "demofabrikamfullzc2kvhoi75sy6nwdr6gmmbhah3aoczfb4x2d";

/// The id of the user owning every [`ORG`] token.
pub const USER_ID: &str = "6f1c5e0a-3b7d-4c1e-9a55-2f0d3c4b5a61";
/// The display name of the user owning every [`ORG`] token.
pub const USER_NAME: &str = "Dana Demo";
/// The e-mail address of the user owning every [`ORG`] token.
pub const USER_EMAIL: &str = "dana@contoso.example";
/// The id of the user owning [`FABRIKAM_FULL`].
pub const FABRIKAM_USER_ID: &str = "0b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
/// The display name of the user owning [`FABRIKAM_FULL`].
pub const FABRIKAM_USER_NAME: &str = "Fabian Rikam";

/// How many projects [`ORG`] has.
pub const PROJECT_COUNT: usize = 25;
/// A project of [`ORG`] with Git repositories and no TFVC.
pub const PROJECT_GIT: &str = "Fabrikam Fiber";
/// A project of [`ORG`] with both Git repositories and TFVC.
pub const PROJECT_GIT_AND_TFVC: &str = "Parts Unlimited";
/// A project of [`ORG`] with TFVC only.
pub const PROJECT_TFVC_ONLY: &str = "Litware";

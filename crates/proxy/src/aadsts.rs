//! What the Microsoft identity platform says went wrong, and the one table that turns it into a
//! contract error a person can act on.
//!
//! Microsoft answers with an OAuth `error` (`access_denied`, `invalid_grant`, …) and, in
//! `error_codes` or at the start of `error_description`, an `AADSTSnnnn` code. The `error` is the
//! stable part; the AADSTS code picks the explanation ("Error codes are subject to change", says
//! Microsoft's "AADSTS error codes" page). Every message names the raw code, for support.
//! The crate README's "Sign in with Microsoft" section mirrors this table.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The error body of the token endpoint, and the error parameters of the redirect back from the
/// authorize endpoint (the same names). Microsoft adds `error_codes`, `suberror`, `trace_id` and
/// `correlation_id` to RFC 6749's three fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct EntraErrorResponse {
    pub(crate) error: String,
    #[serde(default)]
    pub(crate) error_description: Option<String>,
    #[serde(default)]
    pub(crate) error_codes: Vec<u32>,
    #[serde(default)]
    pub(crate) error_uri: Option<String>,
    #[serde(default)]
    pub(crate) suberror: Option<String>,
    #[serde(default)]
    pub(crate) correlation_id: Option<String>,
}

impl EntraErrorResponse {
    /// The AADSTS number: `error_codes[0]`, else the `AADSTSnnnn:` that opens the description.
    pub(crate) fn aadsts(&self) -> Option<u32> {
        self.error_codes.first().copied().or_else(|| {
            let description = self.error_description.as_deref()?;
            let digits: String = description
                .trim_start()
                .strip_prefix("AADSTS")?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    }

    /// The correlation id: the JSON field, else the `Correlation ID:` line of the description.
    fn correlation(&self) -> Option<String> {
        let from_text = || {
            let description = self.error_description.as_deref()?;
            let (_, rest) = description.split_once("Correlation ID:")?;
            let id: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect();
            (!id.is_empty()).then_some(id)
        };
        self.correlation_id
            .clone()
            .filter(|id| !id.is_empty())
            .or_else(from_text)
    }
}

impl fmt::Display for EntraErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The description is Microsoft's and holds no secret, but is long: the code says enough.
        match self.aadsts() {
            Some(code) => write!(f, "{} (AADSTS{code})", self.error),
            None => f.write_str(&self.error),
        }
    }
}

impl oauth2::ErrorResponse for EntraErrorResponse {}

/// Where Microsoft's answer came from: the same code means different things to the person
/// signing in and to a backend refreshing a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The redirect back from the authorize endpoint, or redeeming its code.
    SignIn,
    /// Redeeming a refresh token (`projects`, `check`, `refresh-credential`).
    Refresh,
}

/// The cases a person (or the vendor's operators) can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// 65004, or `access_denied` without a code: cancelled or declined.
    Cancelled,
    /// 90094, 90095: an administrator must approve the app.
    AdminApproval,
    /// 65001 (no consent), 650052/650057/500011 (Azure DevOps not available to the app in the
    /// tenant): an administrator must grant it.
    ConsentMissing,
    /// 50020, 16000, 50034: an account from outside the organization's tenant (a personal
    /// account, another company's, or an uninvited guest).
    WrongAccount,
    /// 53003, 53000, 53001, 530032, 50131: a Conditional Access policy blocked it.
    ConditionalAccess,
    /// 50076, 50079, 50078, 70043, `interaction_required`, `login_required`: the person must sign
    /// in interactively again (MFA, sign-in frequency).
    Interaction,
    /// 700082 (unused for 90 days), 700084, 50173 (revoked, password reset): the refresh token is
    /// gone for good.
    Lapsed,
    /// 70008, 54005: the authorization code expired or was already redeemed.
    CodeUsed,
    /// 7000215, 7000222, 7000218 (secret), 700027, 700024, 700023, 700021, 50027, 70002
    /// (certificate assertion), 70021, 700211, 700212, 700213 (federated credential),
    /// `invalid_client`: the vendor's app credential is wrong or expired. The operators must act; the person can only retry later.
    VendorCredential,
    /// 700016, 50011, 50194, 500112, 700054, 9002325, 9002326, 9002327, 70011, 28002, 28003,
    /// 90009, 501481, 700005: the app registration or this proxy's configuration is wrong.
    VendorSetup,
    /// Anything else.
    Other,
}

impl Problem {
    /// Classifies Microsoft's answer: the AADSTS code first (it names the case), then `error`.
    pub(crate) fn of(error: &str, code: Option<u32>) -> Problem {
        match code {
            Some(65004) => Problem::Cancelled,
            Some(90094 | 90095) => Problem::AdminApproval,
            Some(65001 | 650052 | 650057 | 500011) => Problem::ConsentMissing,
            Some(50020 | 16000 | 50034) => Problem::WrongAccount,
            Some(53003 | 53000 | 53001 | 530032 | 50131) => Problem::ConditionalAccess,
            Some(50076 | 50079 | 50078 | 70043 | 50058) => Problem::Interaction,
            Some(700082 | 700084 | 50173) => Problem::Lapsed,
            Some(70008 | 54005) => Problem::CodeUsed,
            Some(
                7000215 | 7000222 | 7000218 | 700027 | 700024 | 700023 | 700021 | 50027 | 70002
                | 70021 | 700211 | 700212 | 700213,
            ) => Problem::VendorCredential,
            Some(
                700016 | 50011 | 50194 | 500112 | 700054 | 9002325 | 9002326 | 9002327 | 70011
                | 28002 | 28003 | 90009 | 501481 | 700005,
            ) => Problem::VendorSetup,
            _ => match error {
                "access_denied" if code.is_none() => Problem::Cancelled,
                "consent_required" => Problem::ConsentMissing,
                "interaction_required" | "login_required" => Problem::Interaction,
                "invalid_client" | "unauthorized_client" => Problem::VendorCredential,
                _ => Problem::Other,
            },
        }
    }
}

/// What the operators should do about a refused app credential.
fn credential_hint(code: Option<u32>) -> &'static str {
    match code {
        Some(700027) => "the certificate is not uploaded to the app registration, or the key in --entra-certificate is not its key: upload the certificate (public part) under Certificates & secrets",
        Some(700024) => "the client assertion was outside its valid time range: check this host's clock (NTP)",
        Some(700023) => "the client assertion's audience is not the token endpoint Microsoft expected: check --entra-authority",
        Some(7000222) => "the client secret has expired: create a new one, or better, switch to --entra-certificate",
        Some(700211) => "the federated token's issuer is in no federated credential of the app: add one with this cluster's OIDC issuer URL, exactly as the token's iss (trailing slash included)",
        Some(700212) => "the federated token's audience is in no federated credential of the app: project the token for api://AzureADTokenExchange, as the credential says",
        Some(700213) | Some(70021) => "the federated token's subject is in no federated credential of the app: its subject must be this workload's, e.g. system:serviceaccount:NAMESPACE:NAME, matched case-sensitively",
        _ => "renew the client secret or certificate of the Entra app, then restart",
    }
}

/// The contract error for Microsoft's answer, with an actionable English message naming the
/// AADSTS code (and the correlation id where support needs it).
pub(crate) fn to_error(response: &EntraErrorResponse, stage: Stage) -> Error {
    let code = response.aadsts();
    let tag = match code {
        Some(code) => format!("AADSTS{code}"),
        None => response.error.chars().take(64).collect(),
    };
    let problem = Problem::of(&response.error, code);
    let again = "Sign in with Microsoft again to reconnect";
    match (problem, stage) {
        (Problem::Cancelled, _) => Error::SignInCancelled(format!(
            "Sign-in was cancelled, or the permissions were declined ({tag}). Try again and accept the request to access Azure DevOps."
        )),
        (Problem::AdminApproval | Problem::ConsentMissing, _) => Error::ConsentRequired(format!(
            "An administrator of your Microsoft Entra tenant must approve this app before you can use it ({tag}). Ask your IT administrator to grant admin consent for it, then try again."
        )),
        (Problem::WrongAccount, _) => Error::NotAMember(format!(
            "The account you signed in with does not belong to this organization's Microsoft Entra tenant: it is a personal account, or another company's ({tag}). Sign in with your work account for this organization, or ask its administrator to invite you."
        )),
        (Problem::ConditionalAccess, _) => Error::SignInFailed(format!(
            "Your organization's access policy (Conditional Access) blocked this sign-in ({tag}{}). Contact your IT administrator with this code; signing in from a managed device or network may be required.",
            response
                .correlation()
                .map(|id| format!(", correlation id {id}"))
                .unwrap_or_default()
        )),
        (Problem::Interaction | Problem::Lapsed, Stage::Refresh) => Error::SignInExpired(format!(
            "The Microsoft sign-in behind this connection has lapsed or was revoked ({tag}). {again}."
        )),
        (Problem::Interaction, Stage::SignIn) => Error::SignInFailed(format!(
            "Microsoft needs you to complete sign-in interactively, e.g. multi-factor authentication ({tag}). Try again."
        )),
        (Problem::Lapsed | Problem::CodeUsed, Stage::SignIn) => Error::FlowExpired,
        (Problem::CodeUsed, Stage::Refresh) => Error::SignInExpired(format!(
            "The Microsoft sign-in behind this connection has expired ({tag}). {again}."
        )),
        (Problem::VendorCredential, _) => {
            // The one case the person cannot fix: the vendor's operators must renew the secret.
            tracing::error!(
                aadsts = %tag,
                hint = credential_hint(code),
                "Microsoft refused this proxy's Entra app credential"
            );
            Error::SignInFailed(format!(
                "This service's Microsoft app credential was refused ({tag}); its operators have been alerted. Try again later, or use a personal access token."
            ))
        }
        (Problem::VendorSetup, _) => {
            tracing::error!(aadsts = %tag, error = %response.error, "Microsoft refused the sign-in request: check the Entra app registration and --public-url");
            Error::SignInFailed(format!(
                "This service's Microsoft sign-in is misconfigured ({tag}). Contact the service's support with this code, or use a personal access token."
            ))
        }
        (Problem::Other, _) => Error::SignInFailed(format!(
            "Microsoft sign-in failed ({tag}). Try again; if it keeps failing, contact support with this code."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(error: &str, codes: &[u32], description: &str) -> EntraErrorResponse {
        EntraErrorResponse {
            error: error.into(),
            error_description: Some(description.into()),
            error_codes: codes.to_vec(),
            ..EntraErrorResponse::default()
        }
    }

    #[test]
    fn every_actionable_case_has_its_code_and_names_the_aadsts_number() {
        let cases: [(&str, u32, Stage, &str); 20] = [
            ("access_denied", 65004, Stage::SignIn, "sign_in_cancelled"),
            ("access_denied", 90094, Stage::SignIn, "consent_required"),
            ("access_denied", 90095, Stage::SignIn, "consent_required"),
            ("consent_required", 65001, Stage::SignIn, "consent_required"),
            ("invalid_grant", 650057, Stage::SignIn, "consent_required"),
            ("access_denied", 50020, Stage::SignIn, "not_a_member"),
            ("access_denied", 53003, Stage::SignIn, "sign_in_failed"),
            ("invalid_grant", 700082, Stage::Refresh, "token_expired"),
            ("invalid_grant", 50173, Stage::Refresh, "token_expired"),
            (
                "interaction_required",
                50076,
                Stage::Refresh,
                "token_expired",
            ),
            (
                "interaction_required",
                50076,
                Stage::SignIn,
                "sign_in_failed",
            ),
            ("invalid_client", 7000215, Stage::SignIn, "sign_in_failed"),
            ("invalid_client", 7000222, Stage::Refresh, "sign_in_failed"),
            ("invalid_client", 700027, Stage::SignIn, "sign_in_failed"),
            ("invalid_client", 700024, Stage::Refresh, "sign_in_failed"),
            ("invalid_client", 700023, Stage::SignIn, "sign_in_failed"),
            ("invalid_client", 70002, Stage::Refresh, "sign_in_failed"),
            ("invalid_grant", 54005, Stage::SignIn, "flow_expired"),
            ("invalid_grant", 70008, Stage::SignIn, "flow_expired"),
            ("server_error", 90033, Stage::SignIn, "sign_in_failed"),
        ];
        for (error, code, stage, expected) in cases {
            let mapped = to_error(&response(error, &[code], "x"), stage);
            assert_eq!(mapped.code().as_str(), expected, "{code}");
            if expected != "flow_expired" {
                assert!(
                    mapped.to_string().contains(&format!("AADSTS{code}")),
                    "{mapped}"
                );
            }
        }
    }

    #[test]
    fn the_code_is_read_from_the_description_of_a_redirect() {
        let redirect = response(
            "access_denied",
            &[],
            "AADSTS53003: Access has been blocked by Conditional Access policies.\r\nTrace ID: 1\r\nCorrelation ID: 0a1b2c3d-0000-4000-8000-000000000001\r\nTimestamp: 2026-01-01",
        );
        assert_eq!(redirect.aadsts(), Some(53003));
        let error = to_error(&redirect, Stage::SignIn);
        assert!(
            error
                .to_string()
                .contains("correlation id 0a1b2c3d-0000-4000-8000-000000000001"),
            "{error}"
        );
        let bare = response("access_denied", &[], "The user cancelled.");
        assert_eq!(
            to_error(&bare, Stage::SignIn).code().as_str(),
            "sign_in_cancelled"
        );
    }
}

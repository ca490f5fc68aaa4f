//! The `scope` parameter: OpenID Connect scopes plus scopes of one resource, here Azure DevOps
//! (https://learn.microsoft.com/entra/identity-platform/scopes-oidc).

use crate::aadsts::AadError;
use crate::directory::{App, AZURE_DEVOPS_RESOURCE};

const OIDC: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// Azure DevOps' resource id and its application id URI.
const RESOURCE_PREFIXES: [&str; 2] = [
    "499b84ac-1321-427f-aa17-267ca6975798/",
    "https://app.vssps.visualstudio.com/",
];

/// A parsed `scope`: what was asked, and the Azure DevOps scopes that grants, fully qualified.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub(crate) requested: Vec<String>,
    pub(crate) granted: Vec<String>,
}

fn invalid(scope: &str, why: &str) -> AadError {
    AadError::new(
        "invalid_scope",
        70011,
        format!("The provided value for the input parameter 'scope' isn't valid. The scope '{scope}' {why}."),
    )
}

/// Parses `scope`. `.default` grants the app's registered permissions; fully qualified
/// `…/user_impersonation` and `…/vso.*` are granted as asked. A bare `vso.code` "does not exist"
/// (https://learn.microsoft.com/en-us/answers/a/12640184), and `.default` cannot be mixed with
/// other scopes of the resource.
pub(crate) fn parse(app: &App, scope: Option<&str>) -> Result<Scope, AadError> {
    let scope = scope.map(str::trim).filter(|s| !s.is_empty());
    let Some(scope) = scope else {
        return Err(AadError::missing("scope"));
    };
    let requested: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
    let mut granted = Vec::new();
    let mut default = false;
    for s in &requested {
        if OIDC.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            continue;
        }
        let Some(name) = RESOURCE_PREFIXES.iter().find_map(|p| {
            s.get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .map(|_| &s[p.len()..])
        }) else {
            return Err(invalid(s, "does not exist"));
        };
        if name == ".default" {
            default = true;
            granted.extend(
                app.permissions
                    .iter()
                    .map(|p| format!("{AZURE_DEVOPS_RESOURCE}/{p}")),
            );
        } else if name == "user_impersonation" || name.starts_with("vso.") {
            granted.push(format!("{AZURE_DEVOPS_RESOURCE}/{name}"));
        } else {
            return Err(invalid(s, "does not exist"));
        }
    }
    if default && granted.len() != app.permissions.len() {
        return Err(invalid(
            scope,
            "combines the static scope '.default' with dynamic scopes",
        ));
    }
    granted.dedup();
    Ok(Scope { requested, granted })
}

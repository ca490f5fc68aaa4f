//! The PAT scope catalogue.
//!
//! Ids are the Azure API names (`vso.code`); labels are the names the Azure token UI shows, with
//! the access level capitalised the way the UI does ("Code (Read & write)"). A scope is
//! [`observable`](Scope::observable) only when the proxy can prove it with one read-only `GET`;
//! for every other scope it reports `unknown`, never `granted`.

use crate::contract::ScopeInfo;

/// The scope a full-access PAT reports (`"scope": "app_token"` in the PAT list). It is not in the
/// catalogue because it is not a scope a vendor asks for; it is what "Full access" means.
pub const FULL_ACCESS: &str = "app_token";

/// One PAT scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The Azure API name, e.g. `vso.code_write`.
    pub id: &'static str,
    /// The label in the Azure token UI, e.g. `Code (Read & write)`.
    pub label: &'static str,
    /// The area heading in the Azure token UI, e.g. `Code`.
    pub area: &'static str,
    /// Whether the proxy can observe this scope with one read-only `GET`.
    pub observable: bool,
    /// Every lower scope this one includes, transitively (`vso.code_full` includes
    /// `vso.code_manage`, `vso.code_write` and `vso.code`).
    pub implies: &'static [&'static str],
}

impl Scope {
    /// The scope as `GET {base}/config` publishes it.
    pub fn info(&self) -> ScopeInfo {
        ScopeInfo {
            id: self.id.to_owned(),
            label: self.label.to_owned(),
            area: self.area.to_owned(),
            observable: self.observable,
        }
    }

    /// Whether holding this scope also grants `other` (a scope always includes itself).
    pub fn includes(&self, other: &str) -> bool {
        self.id.eq_ignore_ascii_case(other)
            || self.implies.iter().any(|id| id.eq_ignore_ascii_case(other))
    }
}

const fn scope(
    id: &'static str,
    label: &'static str,
    area: &'static str,
    implies: &'static [&'static str],
) -> Scope {
    Scope {
        id,
        label,
        area,
        observable: false,
        implies,
    }
}

const fn observable(
    id: &'static str,
    label: &'static str,
    area: &'static str,
    implies: &'static [&'static str],
) -> Scope {
    Scope {
        id,
        label,
        area,
        observable: true,
        implies,
    }
}

/// Every scope, grouped by area in the order of the Azure token UI.
pub static CATALOGUE: &[Scope] = &[
    scope(
        "vso.advsec",
        "Advanced Security (Read)",
        "Advanced Security",
        &[],
    ),
    scope(
        "vso.advsec_write",
        "Advanced Security (Read & write)",
        "Advanced Security",
        &["vso.advsec"],
    ),
    scope(
        "vso.advsec_manage",
        "Advanced Security (Read, write, & manage)",
        "Advanced Security",
        &["vso.advsec_write", "vso.advsec"],
    ),
    scope("vso.agentpools", "Agent Pools (Read)", "Agent Pools", &[]),
    scope(
        "vso.agentpools_manage",
        "Agent Pools (Read & manage)",
        "Agent Pools",
        &["vso.agentpools"],
    ),
    scope(
        "vso.environment_manage",
        "Environment (Read & manage)",
        "Agent Pools",
        &["vso.agentpools_manage", "vso.agentpools"],
    ),
    scope("vso.analytics", "Analytics (Read)", "Analytics", &[]),
    scope("vso.auditlog", "Audit Log (Read)", "Auditing", &[]),
    scope(
        "vso.auditstreams_manage",
        "Audit Streams (Read & manage)",
        "Auditing",
        &["vso.auditlog"],
    ),
    scope(
        "vso.build",
        "Build (Read)",
        "Build",
        &["vso.hooks_write", "vso.hooks"],
    ),
    scope(
        "vso.build_execute",
        "Build (Read & execute)",
        "Build",
        &["vso.build", "vso.hooks_write", "vso.hooks"],
    ),
    observable(
        "vso.code",
        "Code (Read)",
        "Code",
        &["vso.hooks_write", "vso.hooks"],
    ),
    scope(
        "vso.code_write",
        "Code (Read & write)",
        "Code",
        &["vso.code", "vso.hooks_write", "vso.hooks"],
    ),
    scope(
        "vso.code_manage",
        "Code (Read, write, & manage)",
        "Code",
        &["vso.code_write", "vso.code", "vso.hooks_write", "vso.hooks"],
    ),
    scope(
        "vso.code_full",
        "Code (Full)",
        "Code",
        &[
            "vso.code_manage",
            "vso.code_write",
            "vso.code",
            "vso.hooks_write",
            "vso.hooks",
        ],
    ),
    scope("vso.code_status", "Code (Status)", "Code", &[]),
    scope(
        "vso.connected_server",
        "Connected Server (Access endpoints)",
        "Connected Server",
        &[],
    ),
    scope(
        "vso.entitlements",
        "Entitlements (Read)",
        "Entitlements",
        &[],
    ),
    observable(
        "vso.memberentitlementmanagement",
        "Member Entitlement Management (Read)",
        "Member Entitlement Management",
        &[],
    ),
    scope(
        "vso.memberentitlementmanagement_write",
        "Member Entitlement Management (Read & write)",
        "Member Entitlement Management",
        &["vso.memberentitlementmanagement"],
    ),
    scope(
        "vso.extension",
        "Extensions (Read)",
        "Extensions",
        &["vso.profile"],
    ),
    scope(
        "vso.extension_manage",
        "Extensions (Read & manage)",
        "Extensions",
        &["vso.extension", "vso.profile"],
    ),
    scope(
        "vso.extension.data",
        "Extension Data (Read)",
        "Extension Data",
        &["vso.profile"],
    ),
    scope(
        "vso.extension.data_write",
        "Extension Data (Read & write)",
        "Extension Data",
        &["vso.extension.data", "vso.profile"],
    ),
    scope(
        "vso.githubconnections",
        "GitHub Connections (Read)",
        "GitHub Connections",
        &[],
    ),
    scope(
        "vso.githubconnections_manage",
        "GitHub Connections (Read & manage)",
        "GitHub Connections",
        &["vso.githubconnections"],
    ),
    scope("vso.graph", "Graph (Read)", "Graph", &[]),
    scope(
        "vso.graph_manage",
        "Graph (Manage)",
        "Graph",
        &["vso.graph"],
    ),
    scope("vso.identity", "Identity (Read)", "Identity", &[]),
    scope(
        "vso.identity_manage",
        "Identity (Manage)",
        "Identity",
        &["vso.identity"],
    ),
    scope(
        "vso.machinegroup_manage",
        "Deployment Groups (Read & manage)",
        "Deployment Groups",
        &[],
    ),
    scope("vso.gallery", "Marketplace (Read)", "Marketplace", &[]),
    scope(
        "vso.gallery_acquire",
        "Marketplace (Acquire)",
        "Marketplace",
        &["vso.gallery"],
    ),
    scope(
        "vso.gallery_publish",
        "Marketplace (Publish)",
        "Marketplace",
        &["vso.gallery"],
    ),
    scope(
        "vso.gallery_manage",
        "Marketplace (Manage)",
        "Marketplace",
        &["vso.gallery_publish", "vso.gallery"],
    ),
    scope(
        "vso.notification",
        "Notifications (Read)",
        "Notifications",
        &[],
    ),
    scope(
        "vso.notification_write",
        "Notifications (Write)",
        "Notifications",
        &["vso.notification"],
    ),
    scope(
        "vso.notification_manage",
        "Notifications (Manage)",
        "Notifications",
        &["vso.notification_write", "vso.notification"],
    ),
    scope(
        "vso.notification_diagnostics",
        "Notifications (Diagnostics)",
        "Notifications",
        &["vso.notification"],
    ),
    scope("vso.packaging", "Packaging (Read)", "Packaging", &[]),
    scope(
        "vso.packaging_write",
        "Packaging (Read & write)",
        "Packaging",
        &["vso.packaging"],
    ),
    scope(
        "vso.packaging_manage",
        "Packaging (Read, write, & manage)",
        "Packaging",
        &["vso.packaging_write", "vso.packaging"],
    ),
    scope(
        "vso.pipelineresources_use",
        "Pipeline Resources (Use)",
        "Pipeline Resources",
        &[],
    ),
    scope(
        "vso.pipelineresources_manage",
        "Pipeline Resources (Use & manage)",
        "Pipeline Resources",
        &["vso.pipelineresources_use"],
    ),
    observable(
        "vso.project",
        "Project and Team (Read)",
        "Project and Team",
        &[],
    ),
    scope(
        "vso.project_write",
        "Project and Team (Read & write)",
        "Project and Team",
        &["vso.project"],
    ),
    scope(
        "vso.project_manage",
        "Project and Team (Read, write, & manage)",
        "Project and Team",
        &["vso.project_write", "vso.project"],
    ),
    scope("vso.release", "Release (Read)", "Release", &[]),
    scope(
        "vso.release_execute",
        "Release (Read, write, & execute)",
        "Release",
        &["vso.release"],
    ),
    scope(
        "vso.release_manage",
        "Release (Read, write, execute, & manage)",
        "Release",
        &["vso.release_execute", "vso.release"],
    ),
    scope(
        "vso.securefiles_read",
        "Secure Files (Read)",
        "Secure Files",
        &[],
    ),
    scope(
        "vso.securefiles_write",
        "Secure Files (Read & create)",
        "Secure Files",
        &["vso.securefiles_read"],
    ),
    scope(
        "vso.securefiles_manage",
        "Secure Files (Read, create, & manage)",
        "Secure Files",
        &["vso.securefiles_write", "vso.securefiles_read"],
    ),
    scope("vso.security_manage", "Security (Manage)", "Security", &[]),
    scope(
        "vso.serviceendpoint",
        "Service Connections (Read)",
        "Service Connections",
        &[],
    ),
    scope(
        "vso.serviceendpoint_query",
        "Service Connections (Read & query)",
        "Service Connections",
        &["vso.serviceendpoint"],
    ),
    scope(
        "vso.serviceendpoint_manage",
        "Service Connections (Read, query, & manage)",
        "Service Connections",
        &["vso.serviceendpoint_query", "vso.serviceendpoint"],
    ),
    scope("vso.hooks", "Service Hooks (Read)", "Service Hooks", &[]),
    scope(
        "vso.hooks_write",
        "Service Hooks (Read & write)",
        "Service Hooks",
        &["vso.hooks"],
    ),
    scope(
        "vso.hooks_interact",
        "Service Hooks (Interact)",
        "Service Hooks",
        &[],
    ),
    scope("vso.settings", "Settings (Read)", "Settings", &[]),
    scope(
        "vso.settings_write",
        "Settings (Read & write)",
        "Settings",
        &["vso.settings"],
    ),
    scope("vso.symbols", "Symbols (Read)", "Symbols", &[]),
    scope(
        "vso.symbols_write",
        "Symbols (Read & write)",
        "Symbols",
        &["vso.symbols"],
    ),
    scope(
        "vso.symbols_manage",
        "Symbols (Read, write, & manage)",
        "Symbols",
        &["vso.symbols_write", "vso.symbols"],
    ),
    scope(
        "vso.taskgroups_read",
        "Task Groups (Read)",
        "Task Groups",
        &[],
    ),
    scope(
        "vso.taskgroups_write",
        "Task Groups (Read & create)",
        "Task Groups",
        &["vso.taskgroups_read"],
    ),
    scope(
        "vso.taskgroups_manage",
        "Task Groups (Read, create, & manage)",
        "Task Groups",
        &["vso.taskgroups_write", "vso.taskgroups_read"],
    ),
    scope(
        "vso.dashboards",
        "Team Dashboard (Read)",
        "Team Dashboard",
        &[],
    ),
    scope(
        "vso.dashboards_manage",
        "Team Dashboard (Manage)",
        "Team Dashboard",
        &["vso.dashboards"],
    ),
    scope("vso.test", "Test Management (Read)", "Test Management", &[]),
    scope(
        "vso.test_write",
        "Test Management (Read & write)",
        "Test Management",
        &["vso.test"],
    ),
    scope(
        "vso.threads_full",
        "Pull Request Threads (Read & write)",
        "Pull Request Threads",
        &[],
    ),
    scope("vso.tokens", "Tokens (Read & manage)", "Tokens", &[]),
    scope(
        "vso.tokenadministration",
        "Token Administration (Read & manage)",
        "Tokens",
        &[],
    ),
    observable("vso.profile", "User Profile (Read)", "User Profile", &[]),
    scope(
        "vso.profile_write",
        "User Profile (Write)",
        "User Profile",
        &["vso.profile"],
    ),
    scope(
        "vso.variablegroups_read",
        "Variable Groups (Read)",
        "Variable Groups",
        &[],
    ),
    scope(
        "vso.variablegroups_write",
        "Variable Groups (Read & create)",
        "Variable Groups",
        &["vso.variablegroups_read"],
    ),
    scope(
        "vso.variablegroups_manage",
        "Variable Groups (Read, create, & manage)",
        "Variable Groups",
        &["vso.variablegroups_write", "vso.variablegroups_read"],
    ),
    scope("vso.wiki", "Wiki (Read)", "Wiki", &[]),
    scope(
        "vso.wiki_write",
        "Wiki (Read & write)",
        "Wiki",
        &["vso.wiki"],
    ),
    observable(
        "vso.work",
        "Work Items (Read)",
        "Work Items",
        &["vso.hooks_write", "vso.hooks"],
    ),
    scope(
        "vso.work_write",
        "Work Items (Read & write)",
        "Work Items",
        &["vso.work", "vso.hooks_write", "vso.hooks"],
    ),
    scope(
        "vso.work_full",
        "Work Items (Full)",
        "Work Items",
        &["vso.work_write", "vso.work", "vso.hooks_write", "vso.hooks"],
    ),
    // Entra ID (OAuth) tokens only; listed so a vendor's list that names it gets a label.
    scope(
        "user_impersonation",
        "User Impersonation (Full)",
        "User Impersonation",
        &[],
    ),
];

/// Every scope in the catalogue.
pub fn all() -> &'static [Scope] {
    CATALOGUE
}

/// The scope with this id, compared case-insensitively (`VSO.Code` finds `vso.code`).
///
/// ```
/// let code = azdo_connect_core::scopes::lookup(" VSO.Code ").unwrap();
/// assert_eq!((code.id, code.label), ("vso.code", "Code (Read)"));
/// ```
pub fn lookup(id: &str) -> Option<&'static Scope> {
    let id = id.trim();
    CATALOGUE.iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

/// Splits a scope list as the `scopes` attribute and `requiredScopes` carry it: ids separated by
/// spaces and/or commas, trimmed, with duplicates (compared case-insensitively) dropped and the
/// first occurrence's position kept. Ids are returned as written; use [`lookup`] to validate them.
///
/// ```
/// use azdo_connect_core::scopes::parse_list;
/// assert_eq!(parse_list(" vso.code, vso.project vso.code,,"), ["vso.code", "vso.project"]);
/// ```
pub fn parse_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in s.split(|c: char| c == ',' || c.is_whitespace()) {
        if !id.is_empty() && !out.iter().any(|seen| seen.eq_ignore_ascii_case(id)) {
            out.push(id.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_labels_are_unique() {
        let ids: HashSet<String> = all().iter().map(|s| s.id.to_ascii_lowercase()).collect();
        assert_eq!(ids.len(), all().len());
        let labels: HashSet<&str> = all().iter().map(|s| s.label).collect();
        assert_eq!(labels.len(), all().len());
        assert!(all().len() >= 80, "{} scopes", all().len());
    }

    #[test]
    fn every_implied_scope_exists_and_implication_is_transitive() {
        for s in all() {
            for implied in s.implies {
                let target =
                    lookup(implied).unwrap_or_else(|| panic!("{} implies unknown {implied}", s.id));
                assert_ne!(target.id, s.id, "{} implies itself", s.id);
                for further in target.implies {
                    assert!(
                        s.includes(further),
                        "{} implies {implied} which implies {further}",
                        s.id
                    );
                }
            }
        }
    }

    #[test]
    fn only_read_only_probeable_scopes_are_observable() {
        let observable: Vec<&str> = all()
            .iter()
            .filter(|s| s.observable)
            .map(|s| s.id)
            .collect();
        assert_eq!(
            observable,
            [
                "vso.code",
                "vso.memberentitlementmanagement",
                "vso.project",
                "vso.profile",
                "vso.work"
            ]
        );
    }

    #[test]
    fn labels_follow_the_token_ui() {
        let label = |id| lookup(id).unwrap().label;
        assert_eq!(label("vso.code"), "Code (Read)");
        assert_eq!(label("vso.code_write"), "Code (Read & write)");
        assert_eq!(label("vso.code_manage"), "Code (Read, write, & manage)");
        assert_eq!(label("vso.code_full"), "Code (Full)");
        assert_eq!(label("vso.code_status"), "Code (Status)");
        assert_eq!(label("vso.project"), "Project and Team (Read)");
        assert_eq!(label("vso.profile"), "User Profile (Read)");
        assert_eq!(
            label("vso.memberentitlementmanagement"),
            "Member Entitlement Management (Read)"
        );
        assert_eq!(label("vso.work"), "Work Items (Read)");
        for s in all() {
            assert!(s.label.ends_with(')'), "{}", s.label);
            let level = &s.label[s.label.find('(').unwrap() + 1..];
            assert!(
                level.starts_with(|c: char| c.is_ascii_uppercase()),
                "{}",
                s.label
            );
        }
    }

    #[test]
    fn implies_follows_the_access_ladders() {
        let code_full = lookup("vso.code_full").unwrap();
        for lower in ["vso.code_manage", "vso.code_write", "vso.code"] {
            assert!(code_full.includes(lower));
        }
        assert!(lookup("vso.code_write").unwrap().includes("VSO.CODE"));
        assert!(!lookup("vso.code").unwrap().includes("vso.code_write"));
        assert!(!lookup("vso.code_status").unwrap().includes("vso.code"));
        assert!(lookup("vso.project_write").unwrap().includes("vso.project"));
        assert!(lookup("vso.project_manage")
            .unwrap()
            .includes("vso.project"));
    }

    #[test]
    fn lookup_is_case_insensitive_and_returns_the_canonical_id() {
        assert_eq!(lookup("VSO.CODE_WRITE").unwrap().id, "vso.code_write");
        assert_eq!(
            lookup("vso.extension.data").unwrap().label,
            "Extension Data (Read)"
        );
        assert!(lookup("vso.nope").is_none());
        assert!(lookup("").is_none());
        assert!(lookup(FULL_ACCESS).is_none());
    }

    #[test]
    fn parse_list_splits_trims_and_deduplicates_in_order() {
        assert_eq!(
            parse_list("vso.code vso.project"),
            ["vso.code", "vso.project"]
        );
        assert_eq!(
            parse_list("vso.code,vso.project"),
            ["vso.code", "vso.project"]
        );
        assert_eq!(
            parse_list(" vso.work ,\n\tvso.code ,vso.work "),
            ["vso.work", "vso.code"]
        );
        assert_eq!(parse_list("vso.code VSO.CODE vso.code"), ["vso.code"]);
        assert!(parse_list("").is_empty());
        assert!(parse_list(" , ,, ").is_empty());
    }

    #[test]
    fn info_carries_the_catalogue_entry() {
        let info = lookup("vso.profile").unwrap().info();
        assert_eq!(info.id, "vso.profile");
        assert_eq!(info.label, "User Profile (Read)");
        assert_eq!(info.area, "User Profile");
        assert!(info.observable);
    }
}

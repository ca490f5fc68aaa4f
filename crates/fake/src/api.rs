//! The endpoint bodies: connectionData, projects, Git, TFVC, profile, entitlements, work item
//! fields, service hooks and resource areas. Authorization has already happened.

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::demo::ANONYMOUS_USER_ID;
use axum::body::Body;

use crate::fixture::{Fixture, Org, Project, Repo, UnknownOrgResponse, User};
use crate::request::{Caller, Req, Route, Service, Target};
use crate::respond::{self, Ctx};

/// `GET {org}/_apis/resourceAreas/{id}` and `dev.azure.com/_apis/resourceAreas/{id}?accountName=`:
/// answered without authentication ("Get an organization's URL" in
/// https://learn.microsoft.com/azure/devops/extend/develop/work-with-urls).
pub(crate) fn resource_area(fixture: &Fixture, req: &Req, target: &Target<'_>) -> Option<Response> {
    let rest: Vec<String> = target.rest.iter().map(|s| s.to_ascii_lowercase()).collect();
    let [a, b, id] = rest.as_slice() else {
        return None;
    };
    if a != "_apis" || b != "resourceareas" {
        return None;
    }
    let ctx = &req.ctx;
    let location = match (target.service, target.org) {
        (Service::DevRoot, _) => {
            let Some(account) = req.query("accountName") else {
                return Some(ctx.plain(StatusCode::NOT_FOUND, "Not Found"));
            };
            match fixture.organization(account) {
                Some(org) => format!("https://dev.azure.com/{}/", org.name),
                None => return Some(unknown_org(fixture, ctx, account)),
            }
        }
        (Service::GlobalSps, _) | (_, None) => format!("{}/", target.base_url),
        (_, Some(_)) => format!("{}/", target.base_url),
    };
    let name = match id.as_str() {
        "79134c72-4a58-4b42-976c-04e7115f32bf" => "core",
        "4e080c62-fa21-4fbc-8fef-2a10a2b38049" => "git",
        "8aa40520-446d-40e6-89f6-9c9f9ce44c48" => "tfvc",
        "8ccfef3d-2b87-4e99-8ccb-66e343d2daa8" => "profile",
        "5264459e-e5e0-4bd8-b118-0985e68a4ec5" => "wit",
        _ => "unknown",
    };
    Some(ctx.json(
        StatusCode::OK,
        &json!({"id": id, "name": name, "locationUrl": location}),
    ))
}

/// The answer for an authorized request.
pub(crate) fn serve(
    fixture: &Fixture,
    req: &Req,
    target: &Target<'_>,
    route: &Route,
    caller: Caller<'_>,
) -> Response {
    let ctx = &req.ctx;
    let Some(org) = target.org else {
        return match (route, caller) {
            (Route::GlobalProfile, Caller::User(_, user)) => {
                ctx.json(StatusCode::OK, &profile(user))
            }
            _ => ctx.plain(StatusCode::NOT_FOUND, "Not Found"),
        };
    };
    let api = Api {
        fixture,
        req,
        target,
        org,
        caller,
    };
    match route {
        Route::ConnectionData => ctx.json(StatusCode::OK, &api.connection_data()),
        Route::Projects => api.projects(),
        Route::Project(p) => match api.project(p) {
            Ok(project) => {
                let mut body = api.project_ref(project);
                body["defaultTeam"] = json!({
                    "id": project.id,
                    "name": format!("{} Team", project.name),
                    "url": format!("{}/_apis/projects/{}/teams/{}", target.base_url, project.id, project.id),
                });
                ctx.json(StatusCode::OK, &body)
            }
            Err(r) => *r,
        },
        Route::Repos(p) => api.repos(p.as_deref()),
        Route::Repo(p, r) => api.repo(p.as_deref(), r),
        Route::TfvcItems(p) => api.tfvc_items(p.as_deref()),
        Route::TfvcBranches(p) => api.tfvc_branches(p.as_deref()),
        Route::Teams => api.teams(),
        Route::WitFields => ctx.json(StatusCode::OK, &api.wit_fields()),
        Route::WitField(name) => api.wit_field(name),
        Route::Hooks => ctx.json(StatusCode::OK, &json!({"count": 0, "value": []})),
        Route::Profile => match caller {
            Caller::User(_, user) => ctx.json(StatusCode::OK, &profile(user)),
            Caller::Anonymous => ctx.empty(StatusCode::UNAUTHORIZED),
        },
        Route::Entitlements => api.entitlements(),
        Route::GlobalProfile | Route::Accounts | Route::Pats | Route::NotFound => {
            ctx.plain(StatusCode::NOT_FOUND, "Not Found")
        }
    }
}

/// `app.vssps.visualstudio.com/_apis/accounts?memberId=`: the organizations of tenant `tid` the
/// user belongs to (only the token's tenant is listed: microsoft/vscode-remote-repositories-github#241,
/// github/app#3304). Shape from vsts-rest-api-specs `specification/account/7.1/accounts.json`;
/// without `memberId` or `ownerId` it is 400 (MicrosoftDocs/vsts-rest-api-specs#240). Another
/// user's id lists nothing (no public source shows that answer), and `ownerId` is read like
/// `memberId` (the fixture has no owners).
pub(crate) fn accounts(fixture: &Fixture, req: &Req, user: &User, tid: &str) -> Response {
    let ctx = &req.ctx;
    let Some(member) = req.query("memberId").or_else(|| req.query("ownerId")) else {
        let body = respond::wrapped(
            "Either memberId or ownerId must be specified.",
            "System.ArgumentException, mscorlib",
            "ArgumentException",
            0,
        );
        return ctx.json(StatusCode::BAD_REQUEST, &body);
    };
    let value: Vec<Value> = fixture
        .organizations
        .iter()
        .filter(|o| o.server.is_none() && member.eq_ignore_ascii_case(&user.id))
        .filter(|o| o.tenant_id.eq_ignore_ascii_case(tid) && o.is_member(&user.id))
        .map(|o| {
            json!({
                "accountId": o.instance_id,
                "accountUri": format!("https://vssps.dev.azure.com/{}/", Target::seg(&o.name)),
                "accountName": o.name,
                "properties": {},
            })
        })
        .collect();
    ctx.json(
        StatusCode::OK,
        &json!({"count": value.len(), "value": value}),
    )
}

fn profile(user: &User) -> Value {
    json!({
        "displayName": user.display_name,
        "publicAlias": user.id,
        "emailAddress": user.email,
        "coreRevision": 1647,
        "timeStamp": "2026-03-14T09:26:53.2066667+00:00",
        "id": user.id,
        "revision": 1647,
    })
}

struct Api<'a, 'f> {
    fixture: &'f Fixture,
    req: &'a Req,
    target: &'a Target<'f>,
    org: &'f Org,
    caller: Caller<'f>,
}

impl<'f> Api<'_, 'f> {
    fn base(&self) -> &str {
        &self.target.base_url
    }

    fn visible(&self, project: &Project) -> bool {
        match self.caller {
            Caller::User(..) => true,
            Caller::Anonymous => project.is_public(),
        }
    }

    fn identity(&self) -> Value {
        match self.caller {
            Caller::User(_, user) => json!({
                "id": user.id,
                "descriptor": format!("Microsoft.IdentityModel.Claims.ClaimsIdentity;{}\\{}", self.org.tenant_id, user.email),
                "subjectDescriptor": format!("aad.{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(&user.id)),
                "providerDisplayName": user.display_name,
                "isActive": true,
                "properties": {"Account": {"$type": "System.String", "$value": user.email}},
                "resourceVersion": 2,
                "metaTypeId": 0,
            }),
            Caller::Anonymous => json!({
                "id": ANONYMOUS_USER_ID,
                "descriptor": "Microsoft.TeamFoundation.UnauthenticatedIdentity;S-1-0-0",
                "subjectDescriptor": "s2s.anonymous",
                "providerDisplayName": "Anonymous",
                "isActive": true,
                "properties": {},
                "resourceVersion": 2,
                "metaTypeId": 255,
            }),
        }
    }

    fn connection_data(&self) -> Value {
        let mut identity = self.identity();
        if let (Some(_), Caller::User(_, user)) = (self.target.server(), self.caller) {
            // Server identities are Windows accounts (deploymentType values: VSSInterfaces.ts
            // in microsoft/azure-devops-node-api).
            let rid = user
                .id
                .bytes()
                .fold(1000u32, |n, b| n.wrapping_add(u32::from(b)));
            identity["descriptor"] = json!(format!(
                "System.Security.Principal.WindowsIdentity;S-1-5-21-3623811015-3361044348-30300820-{rid}"
            ));
            identity
                .as_object_mut()
                .map(|o| o.remove("subjectDescriptor"));
        }
        let deployment = match self.target.server() {
            Some(_) => "onPremises",
            None => "hosted",
        };
        json!({
            "authenticatedUser": identity,
            "authorizedUser": identity,
            "instanceId": self.org.instance_id,
            "deploymentId": self.org.deployment_id,
            "deploymentType": deployment,
            "locationServiceData": {
                "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
                "defaultAccessMappingMoniker": "PublicAccessMapping",
                "lastChangeId": 62693399,
                "lastChangeId64": 62693399,
            },
        })
    }

    fn revision(&self, project: &Project) -> usize {
        100 + self
            .org
            .projects
            .iter()
            .position(|p| p.id == project.id)
            .unwrap_or(0)
    }

    fn project_ref(&self, project: &Project) -> Value {
        json!({
            "id": project.id,
            "name": project.name,
            "description": project.description,
            "url": format!("{}/_apis/projects/{}", self.base(), project.id),
            "state": "wellFormed",
            "revision": self.revision(project),
            "visibility": project.visibility,
            "lastUpdateTime": project.last_update_time,
        })
    }

    /// `$top`, `$skip` and `continuationToken` (an offset), with `x-ms-continuationtoken`.
    fn projects(&self) -> Response {
        let visible: Vec<&Project> = self
            .org
            .projects
            .iter()
            .filter(|p| self.visible(p))
            .collect();
        let number = |key: &str| {
            self.req
                .query(key)
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        let skip = number("continuationToken")
            .or_else(|| number("$skip"))
            .unwrap_or(0);
        let top = number("$top").unwrap_or(100).max(1);
        let page: Vec<Value> = visible
            .iter()
            .skip(skip)
            .take(top)
            .map(|p| self.project_ref(p))
            .collect();
        let mut response = self
            .req
            .ctx
            .json(StatusCode::OK, &json!({"count": page.len(), "value": page}));
        let next = skip.saturating_add(top);
        if next < visible.len() {
            if let Ok(v) = HeaderValue::from_str(&next.to_string()) {
                response.headers_mut().insert("x-ms-continuationtoken", v);
            }
        }
        response
    }

    /// A project by name or GUID, or Azure DevOps' 404 (TF200016 by name, VS800075 by id).
    fn project(&self, id_or_name: &str) -> Result<&'f Project, Box<Response>> {
        match self.org.project(id_or_name).filter(|p| self.visible(p)) {
            Some(p) => Ok(p),
            None if is_guid(id_or_name) => Err(Box::new(self.req.ctx.json(
                StatusCode::NOT_FOUND,
                &respond::wrapped(
                    &format!("VS800075: The project with id 'vstfs:///Classification/TeamProject/{id_or_name}' does not exist, or you do not have permission to access it."),
                    "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException, Microsoft.TeamFoundation.Core.WebApi",
                    "ProjectDoesNotExistException",
                    3000,
                ),
            ))),
            None => Err(Box::new(self.req.ctx.json(
                StatusCode::NOT_FOUND,
                &respond::wrapped(
                    &format!("TF200016: The following project does not exist: {id_or_name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server."),
                    "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi",
                    "ProjectDoesNotExistWithNameException",
                    3000,
                ),
            ))),
        }
    }

    fn repo_json(&self, project: &Project, repo: &Repo) -> Value {
        let (p, r) = (Target::seg(&project.name), Target::seg(&repo.name));
        let web = format!("{}/{p}/_git/{r}", self.base());
        let ssh = if let Some(server) = self.target.server() {
            let host = server.host.split(':').next().unwrap_or_default();
            let path = self
                .base()
                .split_once("://")
                .and_then(|(_, rest)| rest.split_once('/'))
                .map_or("", |(_, path)| path);
            format!("ssh://{host}:22/{path}/{p}/_git/{r}")
        } else if self.target.legacy {
            let org = &self.target.org_as_called;
            format!("{org}@vs-ssh.visualstudio.com:v3/{org}/{p}/{r}")
        } else {
            format!(
                "git@ssh.dev.azure.com:v3/{}/{p}/{r}",
                self.target.org_as_called
            )
        };
        let mut body = json!({
            "id": repo.id,
            "name": repo.name,
            "url": format!("{}/{}/_apis/git/repositories/{}", self.base(), project.id, repo.id),
            "project": self.project_ref(project),
            "defaultBranch": "refs/heads/main",
            "size": repo.size,
            "remoteUrl": web,
            "sshUrl": ssh,
            "webUrl": web,
            "isDisabled": repo.is_disabled,
            "isInMaintenance": false,
        });
        if repo.empty {
            // A repository without commits has no default branch: the field is absent.
            body.as_object_mut().map(|o| o.remove("defaultBranch"));
            body["size"] = json!(0);
        }
        body
    }

    fn repos(&self, project: Option<&str>) -> Response {
        let projects: Vec<&Project> = match project {
            Some(p) => match self.project(p) {
                Ok(p) => vec![p],
                Err(r) => return *r,
            },
            None => self
                .org
                .projects
                .iter()
                .filter(|p| self.visible(p))
                .collect(),
        };
        let value: Vec<Value> = projects
            .iter()
            .flat_map(|p| p.git.iter().map(move |r| self.repo_json(p, r)))
            .collect();
        self.req.ctx.json(
            StatusCode::OK,
            &json!({"count": value.len(), "value": value}),
        )
    }

    fn repo(&self, project: Option<&str>, id_or_name: &str) -> Response {
        let scope: Vec<&Project> = match project {
            Some(p) => match self.project(p) {
                Ok(p) => vec![p],
                Err(r) => return *r,
            },
            None => self
                .org
                .projects
                .iter()
                .filter(|p| self.visible(p))
                .collect(),
        };
        let found = scope.iter().find_map(|p| {
            p.git
                .iter()
                .filter(|r| !r.is_disabled)
                .find(|r| {
                    r.id.eq_ignore_ascii_case(id_or_name) || r.name.eq_ignore_ascii_case(id_or_name)
                })
                .map(|r| (*p, r))
        });
        match found {
            Some((p, r)) => self.req.ctx.json(StatusCode::OK, &self.repo_json(p, r)),
            None => self.req.ctx.json(
                StatusCode::NOT_FOUND,
                &respond::wrapped(
                    &format!("TF401019: The Git repository with name or identifier {id_or_name} does not exist or you do not have permissions for the operation you are attempting."),
                    "Microsoft.TeamFoundation.Git.Server.GitRepositoryNotFoundException, Microsoft.TeamFoundation.Git.Server",
                    "GitRepositoryNotFoundException",
                    3000,
                ),
            ),
        }
    }

    fn item_not_found(&self, path: &str) -> Response {
        self.req.ctx.json(
            StatusCode::NOT_FOUND,
            &respond::wrapped(
                &format!("The item {path} could not be found in your workspace, or you do not have permission to access it."),
                "Microsoft.TeamFoundation.VersionControl.Server.ItemNotFoundException, Microsoft.TeamFoundation.VersionControl.Server",
                "ItemNotFoundException",
                3000,
            ),
        )
    }

    fn tfvc_item(&self, path: &str, date: &str) -> Value {
        json!({
            "version": 42,
            "changeDate": date,
            "path": path,
            "isFolder": true,
            "url": format!(
                "{}/_apis/tfvc/items?path={}&versionType=Changeset&version=42",
                self.base(),
                percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
            ),
        })
    }

    /// `tfvc/items?scopePath=$/{project}[/...]&recursionLevel=None|OneLevel`.
    fn tfvc_items(&self, project_segment: Option<&str>) -> Response {
        let scope_path = self
            .req
            .query("scopePath")
            .or_else(|| self.req.query("path"))
            .map(str::to_owned)
            .or_else(|| project_segment.map(|p| format!("$/{p}")))
            .unwrap_or_else(|| "$/".to_owned());
        let project = match project_segment {
            Some(p) => match self.project(p) {
                Ok(p) => Some(p),
                Err(r) => return *r,
            },
            None => None,
        };
        let inner = scope_path.trim_start_matches("$/").trim_end_matches('/');
        if inner.is_empty() {
            return self.req.ctx.json(
                StatusCode::OK,
                &json!({"count": 1, "value": [self.tfvc_item("$/", "2026-01-01T00:00:00Z")]}),
            );
        }
        let name = inner.split('/').next().unwrap_or_default();
        let target = project.or_else(|| self.org.project(name).filter(|p| self.visible(p)));
        let Some(project) = target.filter(|p| p.name.eq_ignore_ascii_case(name)) else {
            return self.item_not_found(&scope_path);
        };
        let Some(branches) = &project.tfvc else {
            return self.item_not_found(&scope_path);
        };
        let root = format!("$/{}", project.name);
        let mut value = vec![self.tfvc_item(&root, &project.last_update_time)];
        let recursion = self.req.query("recursionLevel").unwrap_or("None");
        if inner.eq_ignore_ascii_case(&project.name) && !recursion.eq_ignore_ascii_case("none") {
            value.extend(
                branches
                    .iter()
                    .map(|b| self.tfvc_item(&format!("{root}/{b}"), &project.last_update_time)),
            );
        } else if !inner.eq_ignore_ascii_case(&project.name) {
            let exists = branches
                .iter()
                .any(|b| format!("{}/{b}", project.name).eq_ignore_ascii_case(inner));
            if !exists {
                return self.item_not_found(&scope_path);
            }
            value = vec![self.tfvc_item(&format!("$/{inner}"), &project.last_update_time)];
        }
        self.req.ctx.json(
            StatusCode::OK,
            &json!({"count": value.len(), "value": value}),
        )
    }

    fn tfvc_branches(&self, project: Option<&str>) -> Response {
        let projects: Vec<&Project> = match project {
            Some(p) => match self.project(p) {
                Ok(p) => vec![p],
                Err(r) => return *r,
            },
            None => self
                .org
                .projects
                .iter()
                .filter(|p| self.visible(p))
                .collect(),
        };
        let owner = match self.caller {
            Caller::User(_, u) => {
                json!({"id": u.id, "displayName": u.display_name, "uniqueName": u.email})
            }
            Caller::Anonymous => Value::Null,
        };
        let value: Vec<Value> = projects
            .iter()
            .flat_map(|p| {
                let owner = owner.clone();
                p.tfvc.iter().flatten().map(move |b| {
                    let path = format!("$/{}/{b}", p.name);
                    json!({
                        "path": path,
                        "description": "",
                        "owner": owner,
                        "createdDate": p.last_update_time,
                        "url": format!("{}/_apis/tfvc/branches/{}", self.base(), Target::seg(&path)),
                    })
                })
            })
            .collect();
        self.req.ctx.json(
            StatusCode::OK,
            &json!({"count": value.len(), "value": value}),
        )
    }

    fn wit_field_json(&self, (name, reference, kind): (&str, &str, &str)) -> Value {
        json!({
            "name": name,
            "referenceName": reference,
            "type": kind,
            "usage": "workItem",
            "readOnly": false,
            "url": format!("{}/_apis/wit/fields/{reference}", self.base()),
        })
    }

    fn wit_fields(&self) -> Value {
        let value: Vec<Value> = WIT_FIELDS.iter().map(|f| self.wit_field_json(*f)).collect();
        json!({"count": value.len(), "value": value})
    }

    /// `wit/fields/{nameOrRefName}`: one field, or 404 `WorkItemTrackingFieldDefinitionNotFoundException`.
    fn wit_field(&self, name: &str) -> Response {
        let found = WIT_FIELDS.iter().find(|(display, reference, _)| {
            display.eq_ignore_ascii_case(name) || reference.eq_ignore_ascii_case(name)
        });
        match found {
            Some(field) => self
                .req
                .ctx
                .json(StatusCode::OK, &self.wit_field_json(*field)),
            None => self.req.ctx.json(
                StatusCode::NOT_FOUND,
                &respond::wrapped(
                    &format!("TF51535: Cannot find field {name}."),
                    "Microsoft.TeamFoundation.WorkItemTracking.Server.Metadata.WorkItemTrackingFieldDefinitionNotFoundException, Microsoft.TeamFoundation.WorkItemTracking.Server",
                    "WorkItemTrackingFieldDefinitionNotFoundException",
                    3200,
                ),
            ),
        }
    }

    /// `_apis/teams` ("Get All Teams"): each project's default team, `$top`/`$skip` paged, in the
    /// shape of vsts-rest-api-specs `core/7.1/httpExamples/teams/GET__teams__mine-_mine.json`.
    fn teams(&self) -> Response {
        let number = |key: &str| {
            self.req
                .query(key)
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        let skip = number("$skip").unwrap_or(0);
        let top = number("$top").unwrap_or(100).max(1);
        let identities = match self.target.server() {
            Some(_) => self.base().to_owned(),
            None => format!("https://vssps.dev.azure.com/{}", self.target.org_as_called),
        };
        let value: Vec<Value> = self
            .org
            .projects
            .iter()
            .filter(|p| self.visible(p))
            .skip(skip)
            .take(top)
            .map(|p| {
                json!({
                    "id": p.id,
                    "name": format!("{} Team", p.name),
                    "url": format!("{}/_apis/projects/{}/teams/{}", self.base(), p.id, p.id),
                    "description": "The default project team.",
                    "identityUrl": format!("{identities}/_apis/Identities/{}", p.id),
                    "projectName": p.name,
                    "projectId": p.id,
                })
            })
            .collect();
        self.req.ctx.json(
            StatusCode::OK,
            &json!({"value": value, "count": value.len()}),
        )
    }

    fn entitlements(&self) -> Response {
        let Caller::User(_, caller) = self.caller else {
            return self.req.ctx.empty(StatusCode::UNAUTHORIZED);
        };
        if !caller.is_admin {
            return self.req.ctx.json(
                StatusCode::FORBIDDEN,
                &respond::wrapped(
                    "VS403283: Could not add user due to you do not have enough permissions. Please verify that you have the required permissions.",
                    "Microsoft.VisualStudio.Services.MemberEntitlementManagement.WebApi.MemberEntitlementsNotAuthorizedException, Microsoft.VisualStudio.Services.MemberEntitlementManagement.WebApi",
                    "MemberEntitlementsNotAuthorizedException",
                    3000,
                ),
            );
        }
        let mut members: Vec<&User> = Vec::new();
        for token in &self.org.tokens {
            if let Some(user) = self.fixture.user(&token.user) {
                if !members.iter().any(|m| m.id == user.id) {
                    members.push(user);
                }
            }
        }
        let value: Vec<Value> = members
            .iter()
            .map(|u| {
                json!({
                    "id": u.id,
                    "user": {
                        "subjectKind": "user",
                        "principalName": u.email,
                        "mailAddress": u.email,
                        "displayName": u.display_name,
                        "origin": "aad",
                        "descriptor": format!("aad.{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(&u.id)),
                    },
                    "accessLevel": {
                        "licensingSource": "account",
                        "accountLicenseType": "express",
                        "licenseDisplayName": "Basic",
                        "status": "active",
                    },
                    "dateCreated": "2025-01-15T10:00:00Z",
                    "lastAccessedDate": "2026-11-01T08:00:00Z",
                })
            })
            .collect();
        self.req.ctx.json(
            StatusCode::OK,
            &json!({"members": value, "continuationToken": null, "totalCount": members.len()}),
        )
    }
}

/// The work item fields the fake knows: display name, reference name, type.
const WIT_FIELDS: [(&str, &str, &str); 3] = [
    ("Title", "System.Title", "string"),
    ("State", "System.State", "string"),
    ("Assigned To", "System.AssignedTo", "string"),
];

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The answer for an organization that does not exist: no public source shows the live
/// service's body, so it is a fixture switch.
pub(crate) fn unknown_org(fixture: &Fixture, ctx: &Ctx, name: &str) -> Response {
    match fixture.unknown_org_response {
        UnknownOrgResponse::Json => ctx.json(
            StatusCode::NOT_FOUND,
            &respond::wrapped(
                &format!("The organization '{name}' does not exist."),
                "Microsoft.TeamFoundation.Framework.Server.HostDoesNotExistException, Microsoft.TeamFoundation.Framework.Server",
                "HostDoesNotExistException",
                3000,
            ),
        ),
        UnknownOrgResponse::Empty => ctx.empty(StatusCode::NOT_FOUND),
        UnknownOrgResponse::Html => ctx.answer(
            StatusCode::NOT_FOUND,
            Some(respond::HTML),
            Body::from(
                "<!DOCTYPE html><html><head><title>Azure DevOps Services | Page not found</title></head><body><h1>404 - Page not found</h1></body></html>",
            ),
        ),
    }
}

//! Picking projects or repositories after a verify: the Picking screen's data and reducer.

use azdo_connect_core::contract::{
    ConnectedDetail, ErrorDetail, Project, ProjectsResponse, Selection, VerifyResponse,
};

use super::{Action, Common, Connected, Connection, Form, Next, Outgoing, Screen};

/// The picker's list of projects: loaded page by page, filtered by a search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickerList {
    /// The projects loaded so far, in the proxy's order.
    pub projects: Vec<Project>,
    /// The token for the next page, when there is one.
    pub continuation: Option<String>,
    /// The search text the list is filtered by.
    pub search: String,
    /// The page request in flight, if any.
    pub loading: Option<u64>,
    /// Whether the page in flight is appended (next page) or replaces the list (new search).
    pub append: bool,
    /// Why the last page failed to load.
    pub error: Option<ErrorDetail>,
}

impl PickerList {
    /// Whether the repository `id` is listed as disabled by an administrator.
    pub fn is_disabled(&self, id: &str) -> bool {
        self.projects
            .iter()
            .flat_map(|project| &project.repositories)
            .any(|repo| repo.id == id && repo.disabled)
    }
}

/// Verified; the connection is reported once the person has picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Picking {
    /// The verify answer: its credential loads the pages, and `azdo-connected` carries it.
    pub response: VerifyResponse,
    /// What is loaded.
    pub list: PickerList,
    /// What is picked.
    pub selection: Selection,
}

impl Picking {
    /// The picker for `response`, loading its first page.
    pub(super) fn start(response: VerifyResponse, common: &mut Common) -> Picking {
        Picking {
            response,
            list: PickerList {
                loading: Some(common.next_request()),
                ..PickerList::default()
            },
            selection: Selection::default(),
        }
    }

    fn selection_changed(self) -> Next {
        let selection = self.selection.clone();
        Next::to(self).sending(Outgoing::SelectionChanged(selection))
    }

    /// The Picking screen's reducer.
    pub(super) fn reduce(mut self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::ToggleProject(project) => {
                toggle(&mut self.selection.projects, project, |p| &p.id);
                return self.selection_changed();
            }
            // A disabled repository answers 404 to everything, so it can never be selected.
            Action::ToggleRepository(repository) if !self.list.is_disabled(&repository.id) => {
                toggle(&mut self.selection.repositories, repository, |r| &r.id);
                return self.selection_changed();
            }
            Action::ToggleRepository(_) => {}
            Action::SelectionDone => {
                let connection = Connection::from(&self.response);
                return Next::to(Connected::verified(connection)).sending(Outgoing::Connected(
                    ConnectedDetail {
                        verified: self.response,
                        selection: Some(self.selection),
                    },
                ));
            }
            Action::PickerSearch(search) if search != self.list.search => {
                self.list = PickerList {
                    search,
                    loading: Some(common.next_request()),
                    ..PickerList::default()
                };
            }
            Action::PickerMore
                if self.list.loading.is_none() && self.list.continuation.is_some() =>
            {
                self.list.loading = Some(common.next_request());
                self.list.append = true;
                self.list.error = None;
            }
            Action::PickerLoaded(id, page) if self.list.loading == Some(id) => {
                self.list.loaded(page);
            }
            Action::PickerFailed(id, detail) if self.list.loading == Some(id) => {
                self.list.loading = None;
                self.list.append = false;
                self.list.error = Some(detail);
            }
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => match Connection::from_host(organization, connected_as, verified_at) {
                // The host already knows this organization: the picking goes on.
                Some(host)
                    if self
                        .response
                        .organization
                        .eq_ignore_ascii_case(&host.organization) => {}
                Some(host) => return Next::to(Connected::restored(host)),
                None => {
                    return Next::to(Form::new(
                        self.response.organization,
                        &common.allowed_servers,
                    ))
                }
            },
            // The same search, one page at a time, stale pages, and other screens' actions.
            Action::PickerSearch(_)
            | Action::PickerMore
            | Action::PickerLoaded(..)
            | Action::PickerFailed(..)
            | Action::OrgInput(_)
            | Action::PatInput(_)
            | Action::ExpiryInput { .. }
            | Action::ToggleReveal
            | Action::Submit
            | Action::Progress(..)
            | Action::Verified { .. }
            | Action::Failed(..)
            | Action::Tick
            | Action::ChangeToken
            | Action::CancelChange
            | Action::Disconnect
            | Action::KeepConnection
            | Action::ConfirmDisconnect
            | Action::DisconnectPrevented(_)
            | Action::AllowedServers(_)
            | Action::SignIn(_) => {}
        }
        Next::to(self)
    }
}

impl PickerList {
    fn loaded(&mut self, page: ProjectsResponse) {
        if self.append {
            self.projects.extend(page.projects);
        } else {
            self.projects = page.projects;
        }
        self.continuation = page.continuation_token;
        self.loading = None;
        self.append = false;
        self.error = None;
    }
}

/// Adds `item` to `items`, or removes it if one with the same id is there.
fn toggle<T>(items: &mut Vec<T>, item: T, id: impl Fn(&T) -> &String) {
    match items.iter().position(|other| id(other) == id(&item)) {
        Some(i) => {
            items.remove(i);
        }
        None => items.push(item),
    }
}

impl From<Picking> for Screen {
    fn from(picking: Picking) -> Self {
        Screen::Picking(picking)
    }
}

//! The widget's state and every transition, as a pure reducer.
//!
//! Components only render a [`State`] and send [`Action`]s; effects (requests, events, timers) live
//! in the app and report back with actions that carry the request id they belong to, so an answer
//! to a superseded request is ignored here rather than raced against in the view.

use std::rc::Rc;

use azdo_connect_core::contract::{
    ErrorDetail, Project, ProjectsResponse, ScopeStatus, SelectedProject, SelectedRepository,
    Selection, VerifyResponse,
};
use azdo_connect_core::{
    normalize_organization, AllowedServers, ErrorCode, OrgError, Organization, Pat,
};
use yew::Reducible;

/// A named progress step of a verify, announced politely to screen readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The request is being prepared and sent.
    Sending,
    /// The proxy is asking Azure DevOps.
    Checking,
}

/// A verify request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlight {
    /// Identifies the request; answers to other ids are stale.
    pub id: u64,
    /// Where it is.
    pub step: Step,
}

/// Why the last verify failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What the `azdo-error` event carried.
    pub detail: ErrorDetail,
    /// The status of every requested scope, when the proxy reported it (`missing_scopes`).
    pub scopes: Vec<ScopeStatus>,
    /// Seconds left before a retry is offered (`rate_limited`); `None` when it may retry now.
    pub retry_in: Option<u64>,
}

/// An established connection: from a verify, or from what the host persisted.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// The organization name.
    pub organization: String,
    /// Who the token belongs to.
    pub display_name: String,
    /// When it was verified (RFC 3339), if known.
    pub verified_at: Option<String>,
    /// The scope checklist from the verify, empty when the host restored the connection.
    pub scopes: Vec<ScopeStatus>,
    /// The verify answer, when this session verified it (re-sent with the picker's selection).
    pub verified: Option<VerifyResponse>,
}

impl From<&VerifyResponse> for Connection {
    fn from(response: &VerifyResponse) -> Self {
        Connection {
            organization: response.organization.clone(),
            display_name: response.user.display_name.clone(),
            verified_at: Some(response.verified_at.clone()),
            scopes: response.scopes.clone(),
            verified: Some(response.clone()),
        }
    }
}

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

/// Which screen the widget shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// The connect form.
    #[default]
    Form,
    /// The connected summary.
    Connected,
    /// The form for a new token for the connected organization.
    ChangingToken,
    /// The connected summary asking to confirm a disconnect.
    ConfirmingDisconnect,
    /// Verified; the person picks projects or repositories before the connection is reported.
    Picking,
}

/// Everything the widget shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The organization field, as typed.
    pub org_input: String,
    /// The organization field, normalized.
    pub org: Result<Organization, OrgError>,
    /// The token field. Never rendered into an attribute; redacted in `Debug`.
    pub pat: Pat,
    /// Whether the token is shown in clear.
    pub reveal: bool,
    /// Whether to show "required" messages (after the first submit attempt).
    pub show_errors: bool,
    /// The verify in flight, if any.
    pub in_flight: Option<InFlight>,
    /// The last failure, until the next attempt or edit.
    pub failure: Option<Failure>,
    /// The connection, once there is one.
    pub connection: Option<Connection>,
    /// The screen.
    pub mode: Mode,
    /// Set on a successful verify in this session, to announce it and move focus once.
    pub just_connected: bool,
    /// The picker's current selection.
    pub selection: Selection,
    /// The picker's project list.
    pub picker: PickerList,
    allowed_servers: AllowedServers,
    next_id: u64,
}

impl Default for State {
    fn default() -> Self {
        State::new(AllowedServers::default())
    }
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The organization field changed.
    OrgInput(String),
    /// The token field changed (pasted text is trimmed).
    PatInput(String),
    /// Show or hide the token.
    ToggleReveal,
    /// Connect was pressed (or Enter). Ignored while a verify is in flight.
    Submit,
    /// The request moved on to another step.
    Progress(u64, Step),
    /// The proxy verified the token; `pick` opens the picker before reporting the connection.
    Verified {
        /// The request this answers.
        id: u64,
        /// The proxy's answer.
        response: VerifyResponse,
        /// Whether the picker is on.
        pick: bool,
    },
    /// The request failed.
    Failed(u64, ErrorDetail, Vec<ScopeStatus>),
    /// One second passed (rate-limit countdown).
    Tick,
    /// The picker's selection changed.
    SelectionChanged(Selection),
    /// The person confirmed the picker's selection.
    SelectionDone,
    /// The picker's search text changed: reload from the first page.
    PickerSearch(String),
    /// "Load more": fetch the next page.
    PickerMore,
    /// A page of projects arrived.
    PickerLoaded(u64, ProjectsResponse),
    /// A page of projects failed to load.
    PickerFailed(u64, ErrorDetail),
    /// "Change token" was pressed.
    ChangeToken,
    /// The token change was abandoned.
    CancelChange,
    /// "Disconnect" was pressed: ask for confirmation.
    Disconnect,
    /// The disconnect was cancelled, by the person or by the host's `preventDefault()`.
    KeepConnection,
    /// The disconnect went through.
    Disconnected,
    /// The host's `organization` / `connected-as` / `verified-at` attributes changed.
    HostConnection {
        /// `organization`.
        organization: Option<String>,
        /// `connected-as`.
        connected_as: Option<String>,
        /// `verified-at`.
        verified_at: Option<String>,
    },
    /// The `allowed-servers` attribute changed.
    AllowedServers(AllowedServers),
}

impl State {
    /// An empty form that accepts the given on-prem servers.
    pub fn new(allowed_servers: AllowedServers) -> Self {
        State {
            org: normalize_organization("", &allowed_servers),
            org_input: String::new(),
            pat: Pat::default(),
            reveal: false,
            show_errors: false,
            in_flight: None,
            failure: None,
            connection: None,
            mode: Mode::Form,
            just_connected: false,
            selection: Selection::default(),
            picker: PickerList::default(),
            allowed_servers,
            next_id: 1,
        }
    }

    /// Whether Connect would start a verify now.
    pub fn can_submit(&self) -> bool {
        self.in_flight.is_none()
            && matches!(self.mode, Mode::Form | Mode::ChangingToken)
            && self.org.is_ok()
            && !self.pat.is_empty()
            && !self.waiting_to_retry()
    }

    /// Whether a rate limit still forbids retrying.
    pub fn waiting_to_retry(&self) -> bool {
        matches!(&self.failure, Some(Failure { retry_in: Some(s), .. }) if *s > 0)
    }

    /// The organization error to show, if any: not for an untouched empty field.
    pub fn org_error(&self) -> Option<&OrgError> {
        match &self.org {
            Err(OrgError::Empty) if !self.show_errors => None,
            Err(e) => Some(e),
            Ok(_) => None,
        }
    }

    fn set_org_input(&mut self, input: String) {
        self.org = normalize_organization(&input, &self.allowed_servers);
        self.org_input = input;
    }

    // Editing the form makes the request in flight stale: dropping it lets the app abort it.
    fn edited(&mut self) {
        self.in_flight = None;
        if !self.waiting_to_retry() {
            self.failure = None;
        }
    }

    fn submit(&mut self) {
        if self.in_flight.is_some()
            || !matches!(self.mode, Mode::Form | Mode::ChangingToken)
            || self.waiting_to_retry()
        {
            return;
        }
        self.show_errors = true;
        if self.org.is_err() || self.pat.is_empty() {
            return;
        }
        self.failure = None;
        self.just_connected = false;
        self.in_flight = Some(InFlight {
            id: self.next_id,
            step: Step::Sending,
        });
        self.next_id += 1;
    }

    fn next_request(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn is_current(&self, id: u64) -> bool {
        self.in_flight.is_some_and(|f| f.id == id)
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::OrgInput(input) => {
                // The organization is fixed while changing the token of a connection.
                if s.mode != Mode::Form || input == s.org_input {
                    return self;
                }
                s.set_org_input(input);
                s.edited();
            }
            Action::PatInput(input) => {
                let pat = Pat::new(input);
                if pat == s.pat {
                    return self;
                }
                s.pat = pat;
                s.edited();
            }
            Action::ToggleReveal => s.reveal = !s.reveal,
            Action::Submit => {
                s.submit();
                if s == *self {
                    return self;
                }
            }
            Action::Progress(id, step) => {
                if !s.is_current(id) {
                    return self;
                }
                s.in_flight = Some(InFlight { id, step });
            }
            Action::Verified { id, response, pick } => {
                if !s.is_current(id) {
                    return self;
                }
                s.in_flight = None;
                s.failure = None;
                s.pat = Pat::default();
                s.reveal = false;
                s.show_errors = false;
                s.just_connected = true;
                s.connection = Some(Connection::from(&response));
                s.selection = Selection::default();
                s.picker = PickerList::default();
                if pick {
                    s.picker.loading = Some(s.next_request());
                    s.mode = Mode::Picking;
                } else {
                    s.mode = Mode::Connected;
                }
            }
            Action::Failed(id, detail, scopes) => {
                if !s.is_current(id) {
                    return self;
                }
                s.in_flight = None;
                let retry_in = match detail.code {
                    ErrorCode::RateLimited => detail.retry_after.filter(|&secs| secs > 0),
                    _ => None,
                };
                s.failure = Some(Failure {
                    detail,
                    scopes,
                    retry_in,
                });
            }
            Action::Tick => match &mut s.failure {
                Some(Failure {
                    retry_in: Some(secs),
                    ..
                }) if *secs > 0 => *secs -= 1,
                _ => return self,
            },
            Action::SelectionChanged(selection) => {
                if s.mode != Mode::Picking {
                    return self;
                }
                s.selection = selection;
            }
            Action::SelectionDone => {
                if s.mode != Mode::Picking {
                    return self;
                }
                s.mode = Mode::Connected;
            }
            Action::PickerSearch(search) => {
                if s.mode != Mode::Picking || search == s.picker.search {
                    return self;
                }
                let id = s.next_request();
                s.picker = PickerList {
                    search,
                    loading: Some(id),
                    ..PickerList::default()
                };
            }
            Action::PickerMore => {
                if s.mode != Mode::Picking
                    || s.picker.loading.is_some()
                    || s.picker.continuation.is_none()
                {
                    return self;
                }
                s.picker.loading = Some(s.next_request());
                s.picker.append = true;
                s.picker.error = None;
            }
            Action::PickerLoaded(id, page) => {
                if s.picker.loading != Some(id) {
                    return self;
                }
                if s.picker.append {
                    s.picker.projects.extend(page.projects);
                } else {
                    s.picker.projects = page.projects;
                }
                s.picker.continuation = page.continuation_token;
                s.picker.loading = None;
                s.picker.append = false;
                s.picker.error = None;
            }
            Action::PickerFailed(id, detail) => {
                if s.picker.loading != Some(id) {
                    return self;
                }
                s.picker.loading = None;
                s.picker.append = false;
                s.picker.error = Some(detail);
            }
            Action::ChangeToken => {
                let Some(connection) = &s.connection else {
                    return self;
                };
                if s.mode != Mode::Connected {
                    return self;
                }
                let organization = connection.organization.clone();
                s.set_org_input(organization);
                s.pat = Pat::default();
                s.failure = None;
                s.show_errors = false;
                s.just_connected = false;
                s.mode = Mode::ChangingToken;
            }
            Action::CancelChange => {
                if s.mode != Mode::ChangingToken {
                    return self;
                }
                s.in_flight = None;
                s.failure = None;
                s.pat = Pat::default();
                s.mode = Mode::Connected;
            }
            Action::Disconnect => {
                if s.mode != Mode::Connected {
                    return self;
                }
                s.just_connected = false;
                s.mode = Mode::ConfirmingDisconnect;
            }
            Action::KeepConnection => {
                if s.mode != Mode::ConfirmingDisconnect {
                    return self;
                }
                s.mode = Mode::Connected;
            }
            Action::Disconnected => {
                let Some(connection) = s.connection.take() else {
                    return self;
                };
                s.set_org_input(connection.organization);
                s.pat = Pat::default();
                s.failure = None;
                s.show_errors = false;
                s.just_connected = false;
                s.selection = Selection::default();
                s.mode = Mode::Form;
            }
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => match (organization, connected_as) {
                (Some(organization), Some(display_name)) => {
                    let same_org = s
                        .connection
                        .as_ref()
                        .is_some_and(|c| c.organization.eq_ignore_ascii_case(&organization));
                    match (&mut s.connection, same_org) {
                        // The host persisted what we just verified: keep the checklist.
                        (Some(connection), true) => {
                            connection.display_name = display_name;
                            if verified_at.is_some() {
                                connection.verified_at = verified_at;
                            }
                        }
                        _ => {
                            s.connection = Some(Connection {
                                organization,
                                display_name,
                                verified_at,
                                scopes: Vec::new(),
                                verified: None,
                            });
                            if s.in_flight.is_none() {
                                s.mode = Mode::Connected;
                            }
                        }
                    }
                    if s == *self {
                        return self;
                    }
                }
                // The host forgot the connection: back to the form.
                _ => {
                    if s.connection.is_none() {
                        return self;
                    }
                    let organization = s.connection.take().map(|c| c.organization);
                    if s.mode != Mode::Form {
                        s.mode = Mode::Form;
                        s.set_org_input(organization.unwrap_or_default());
                    }
                }
            },
            Action::AllowedServers(servers) => {
                if servers == s.allowed_servers {
                    return self;
                }
                s.allowed_servers = servers;
                let input = std::mem::take(&mut s.org_input);
                s.set_org_input(input);
            }
        }
        Rc::new(s)
    }
}

/// `selection` with `project` added, or removed if it was there.
pub fn toggle_project(selection: &Selection, project: SelectedProject) -> Selection {
    let mut next = selection.clone();
    match next.projects.iter().position(|p| p.id == project.id) {
        Some(i) => {
            next.projects.remove(i);
        }
        None => next.projects.push(project),
    }
    next
}

/// `selection` with `repository` added, or removed if it was there.
pub fn toggle_repository(selection: &Selection, repository: SelectedRepository) -> Selection {
    let mut next = selection.clone();
    match next.repositories.iter().position(|r| r.id == repository.id) {
        Some(i) => {
            next.repositories.remove(i);
        }
        None => next.repositories.push(repository),
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use azdo_connect_core::contract::{ScopeState, User};
    use azdo_connect_core::DeploymentType;

    const PAT: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";

    fn reduce(state: Rc<State>, actions: impl IntoIterator<Item = Action>) -> Rc<State> {
        actions.into_iter().fold(state, |s, a| s.reduce(a))
    }

    fn ready_form() -> Rc<State> {
        reduce(
            Rc::new(State::default()),
            [
                Action::OrgInput("contoso".into()),
                Action::PatInput(PAT.into()),
            ],
        )
    }

    fn response() -> VerifyResponse {
        VerifyResponse {
            organization: "contoso".into(),
            organization_url: "https://dev.azure.com/contoso".into(),
            deployment_type: DeploymentType::Hosted,
            user: User {
                id: "6f1c5e0a-3b7d-4c1e-9a55-2f0d3c4b5a61".into(),
                display_name: "Dana Demo".into(),
                email: None,
            },
            scopes: vec![ScopeStatus {
                id: "vso.code".into(),
                label: "Code (Read)".into(),
                status: ScopeState::Granted,
            }],
            credential: "sealed".into(),
            verified_at: "2026-11-23T08:00:00Z".into(),
            warnings: vec![],
        }
    }

    fn error(code: ErrorCode, retry_after: Option<u64>) -> ErrorDetail {
        ErrorDetail {
            code,
            message: "nope".into(),
            retry_after,
            missing_scopes: None,
        }
    }

    fn connected() -> Rc<State> {
        let s = ready_form().reduce(Action::Submit);
        s.reduce(Action::Verified {
            id: 1,
            response: response(),
            pick: false,
        })
    }

    #[test]
    fn org_input_is_normalized_live() {
        let s = Rc::new(State::default()).reduce(Action::OrgInput(
            "https://contoso.visualstudio.com/Proj/_git/repo".into(),
        ));
        let org = s.org.as_ref().expect("a visualstudio.com URL normalizes");
        assert_eq!(org.organization_url, "https://dev.azure.com/contoso");
        assert_eq!(s.org_error(), None);
    }

    #[test]
    fn empty_org_error_shows_only_after_submit() {
        let s = Rc::new(State::default());
        assert_eq!(s.org_error(), None);
        let s = s.reduce(Action::Submit);
        assert_eq!(s.org_error(), Some(&OrgError::Empty));
        assert!(s.in_flight.is_none());
    }

    #[test]
    fn invalid_org_error_shows_while_typing() {
        let s =
            Rc::new(State::default()).reduce(Action::OrgInput("https://github.com/contoso".into()));
        assert_eq!(
            s.org_error().map(OrgError::code),
            Some(ErrorCode::HostNotAllowed)
        );
        assert!(!s.can_submit());
    }

    #[test]
    fn pat_is_trimmed() {
        let s = Rc::new(State::default()).reduce(Action::PatInput(format!("  {PAT}\n")));
        assert_eq!(s.pat.expose(), PAT);
    }

    #[test]
    fn toggle_reveal_flips() {
        let s = Rc::new(State::default()).reduce(Action::ToggleReveal);
        assert!(s.reveal);
        assert!(!s.reduce(Action::ToggleReveal).reveal);
    }

    #[test]
    fn submit_starts_exactly_one_request() {
        let s = ready_form();
        assert!(s.can_submit());
        let s = s.reduce(Action::Submit);
        assert_eq!(
            s.in_flight,
            Some(InFlight {
                id: 1,
                step: Step::Sending
            })
        );
        let again = Rc::clone(&s).reduce(Action::Submit);
        assert!(
            Rc::ptr_eq(&s, &again),
            "a second submit while in flight changes nothing"
        );
    }

    #[test]
    fn submit_without_token_shows_required_instead() {
        let s = reduce(
            Rc::new(State::default()),
            [Action::OrgInput("contoso".into()), Action::Submit],
        );
        assert!(s.in_flight.is_none());
        assert!(s.show_errors);
    }

    #[test]
    fn progress_moves_only_the_current_request() {
        let s = ready_form().reduce(Action::Submit);
        let s = s.reduce(Action::Progress(1, Step::Checking));
        assert_eq!(s.in_flight.map(|f| f.step), Some(Step::Checking));
        let stale = Rc::clone(&s).reduce(Action::Progress(7, Step::Sending));
        assert!(Rc::ptr_eq(&s, &stale));
    }

    #[test]
    fn editing_drops_the_request_in_flight() {
        let s = ready_form().reduce(Action::Submit);
        let s = s.reduce(Action::PatInput(
            "democode5x5tk3oynuwt7s5jnbpldbesfm7t56xsb57a3lsijdta".into(),
        ));
        assert_eq!(s.in_flight, None);
        // The stale answer is ignored; the next submit gets a new id.
        let s = s.reduce(Action::Verified {
            id: 1,
            response: response(),
            pick: false,
        });
        assert_eq!(s.connection, None);
        let s = s.reduce(Action::Submit);
        assert_eq!(s.in_flight.map(|f| f.id), Some(2));
    }

    #[test]
    fn success_clears_the_token_and_connects() {
        let s = connected();
        assert_eq!(s.mode, Mode::Connected);
        assert!(s.pat.is_empty());
        assert!(s.just_connected);
        assert!(s.in_flight.is_none());
        let c = s.connection.as_ref().expect("connected");
        assert_eq!(
            (c.organization.as_str(), c.display_name.as_str()),
            ("contoso", "Dana Demo")
        );
        assert_eq!(c.scopes.len(), 1);
    }

    #[test]
    fn success_with_picker_picks_first() {
        let s = ready_form()
            .reduce(Action::Submit)
            .reduce(Action::Verified {
                id: 1,
                response: response(),
                pick: true,
            });
        assert_eq!(s.mode, Mode::Picking);
        let selection = Selection {
            projects: vec![azdo_connect_core::contract::SelectedProject {
                id: "p1".into(),
                name: "Fabrikam Fiber".into(),
            }],
            repositories: vec![],
        };
        let s = s.reduce(Action::SelectionChanged(selection.clone()));
        assert_eq!(s.selection, selection);
        let s = s.reduce(Action::SelectionDone);
        assert_eq!(s.mode, Mode::Connected);
        assert_eq!(
            s.selection, selection,
            "the selection is kept for the connected event"
        );
    }

    #[test]
    fn failure_keeps_the_token_for_another_try() {
        let s = ready_form().reduce(Action::Submit).reduce(Action::Failed(
            1,
            error(ErrorCode::TokenExpired, None),
            vec![],
        ));
        assert!(s.in_flight.is_none());
        assert_eq!(
            s.failure.as_ref().map(|f| f.detail.code),
            Some(ErrorCode::TokenExpired)
        );
        assert_eq!(s.pat.expose(), PAT);
        assert!(s.can_submit());
        // A stale failure does nothing.
        let stale =
            Rc::clone(&s).reduce(Action::Failed(9, error(ErrorCode::Internal, None), vec![]));
        assert!(Rc::ptr_eq(&s, &stale));
    }

    #[test]
    fn rate_limit_counts_down_and_retries_only_on_request() {
        let s = ready_form().reduce(Action::Submit).reduce(Action::Failed(
            1,
            error(ErrorCode::RateLimited, Some(2)),
            vec![],
        ));
        assert!(s.waiting_to_retry());
        let blocked = Rc::clone(&s).reduce(Action::Submit);
        assert!(Rc::ptr_eq(&s, &blocked), "no retry during the countdown");
        let s = reduce(s, [Action::Tick, Action::Tick]);
        assert!(!s.waiting_to_retry());
        assert!(
            s.in_flight.is_none(),
            "reaching zero does not retry by itself"
        );
        let idle = Rc::clone(&s).reduce(Action::Tick);
        assert!(Rc::ptr_eq(&s, &idle));
        assert_eq!(s.reduce(Action::Submit).in_flight.map(|f| f.id), Some(2));
    }

    #[test]
    fn change_token_reverifies_the_same_org() {
        let s = connected().reduce(Action::ChangeToken);
        assert_eq!(s.mode, Mode::ChangingToken);
        assert_eq!(s.org_input, "contoso");
        let locked = Rc::clone(&s).reduce(Action::OrgInput("fabrikam".into()));
        assert!(
            Rc::ptr_eq(&s, &locked),
            "the organization is fixed while changing the token"
        );
        let s = reduce(s, [Action::PatInput(PAT.into()), Action::Submit]);
        assert_eq!(s.in_flight.map(|f| f.id), Some(2));
        let s = s.reduce(Action::Verified {
            id: 2,
            response: response(),
            pick: false,
        });
        assert_eq!(s.mode, Mode::Connected);
    }

    #[test]
    fn cancel_change_returns_to_connected() {
        let s = connected()
            .reduce(Action::ChangeToken)
            .reduce(Action::PatInput(PAT.into()))
            .reduce(Action::CancelChange);
        assert_eq!(s.mode, Mode::Connected);
        assert!(s.pat.is_empty());
    }

    #[test]
    fn disconnect_asks_then_can_be_kept() {
        let s = connected().reduce(Action::Disconnect);
        assert_eq!(s.mode, Mode::ConfirmingDisconnect);
        let s = s.reduce(Action::KeepConnection);
        assert_eq!(s.mode, Mode::Connected);
        assert!(s.connection.is_some());
    }

    #[test]
    fn disconnected_returns_to_the_form_with_the_org() {
        let s = connected()
            .reduce(Action::Disconnect)
            .reduce(Action::Disconnected);
        assert_eq!(s.mode, Mode::Form);
        assert_eq!(s.connection, None);
        assert_eq!(s.org_input, "contoso");
    }

    #[test]
    fn host_attributes_restore_a_connection() {
        let s = Rc::new(State::default()).reduce(Action::HostConnection {
            organization: Some("contoso".into()),
            connected_as: Some("Dana Demo".into()),
            verified_at: Some("2026-11-01T10:00:00Z".into()),
        });
        assert_eq!(s.mode, Mode::Connected);
        let c = s.connection.as_ref().expect("restored");
        assert_eq!(c.verified_at.as_deref(), Some("2026-11-01T10:00:00Z"));
        assert!(c.scopes.is_empty());
        let s = s.reduce(Action::HostConnection {
            organization: None,
            connected_as: None,
            verified_at: None,
        });
        assert_eq!(s.mode, Mode::Form);
        assert_eq!(s.org_input, "contoso");
    }

    #[test]
    fn host_persisting_our_verify_keeps_the_checklist() {
        let s = connected().reduce(Action::HostConnection {
            organization: Some("Contoso".into()),
            connected_as: Some("Dana Demo".into()),
            verified_at: None,
        });
        let c = s.connection.as_ref().expect("still connected");
        assert_eq!(c.scopes.len(), 1);
        assert!(c.verified.is_some());
    }

    #[test]
    fn allowed_servers_renormalize_the_input() {
        let s = Rc::new(State::default())
            .reduce(Action::OrgInput("https://tfs.example.com/tfs/Main".into()));
        assert_eq!(
            s.org.as_ref().err().map(OrgError::code),
            Some(ErrorCode::HostNotAllowed)
        );
        let s = s.reduce(Action::AllowedServers(AllowedServers::new([
            "tfs.example.com",
        ])));
        let org = s.org.as_ref().expect("allowed now");
        assert_eq!(org.deployment_type, DeploymentType::OnPremises);
    }

    fn page(names: &[&str], next: Option<&str>) -> ProjectsResponse {
        ProjectsResponse {
            projects: names
                .iter()
                .map(|n| Project {
                    id: format!("id-{n}"),
                    name: (*n).to_owned(),
                    description: None,
                    visibility: None,
                    repositories: vec![],
                })
                .collect(),
            continuation_token: next.map(str::to_owned),
        }
    }

    fn picking() -> Rc<State> {
        ready_form()
            .reduce(Action::Submit)
            .reduce(Action::Verified {
                id: 1,
                response: response(),
                pick: true,
            })
    }

    #[test]
    fn picker_loads_pages_and_appends() {
        let s = picking();
        let first = s.picker.loading.expect("the first page loads at once");
        let s = s.reduce(Action::PickerLoaded(first, page(&["A", "B"], Some("next"))));
        assert_eq!(s.picker.projects.len(), 2);
        assert_eq!(s.picker.continuation.as_deref(), Some("next"));
        let s = s.reduce(Action::PickerMore);
        let more = s.picker.loading.expect("next page");
        assert!(s.picker.append);
        let twice = Rc::clone(&s).reduce(Action::PickerMore);
        assert!(Rc::ptr_eq(&s, &twice), "one page at a time");
        let s = s.reduce(Action::PickerLoaded(more, page(&["C"], None)));
        let names: Vec<_> = s.picker.projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        let done = Rc::clone(&s).reduce(Action::PickerMore);
        assert!(Rc::ptr_eq(&s, &done), "no more pages");
    }

    #[test]
    fn picker_search_replaces_and_ignores_stale_pages() {
        let s = picking();
        let first = s.picker.loading.expect("loading");
        let s = s.reduce(Action::PickerSearch("fib".into()));
        let searched = s.picker.loading.expect("search loads");
        assert_ne!(first, searched);
        let stale = Rc::clone(&s).reduce(Action::PickerLoaded(first, page(&["A"], None)));
        assert!(Rc::ptr_eq(&s, &stale));
        let s = s.reduce(Action::PickerLoaded(
            searched,
            page(&["Fabrikam Fiber"], None),
        ));
        assert_eq!(s.picker.projects.len(), 1);
        assert_eq!(s.picker.search, "fib");
    }

    #[test]
    fn picker_failure_is_kept_for_display() {
        let s = picking();
        let id = s.picker.loading.expect("loading");
        let s = s.reduce(Action::PickerFailed(
            id,
            error(ErrorCode::UpstreamUnavailable, None),
        ));
        assert_eq!(s.picker.loading, None);
        assert_eq!(
            s.picker.error.as_ref().map(|e| e.code),
            Some(ErrorCode::UpstreamUnavailable)
        );
    }

    #[test]
    fn picker_actions_need_the_picker() {
        let s = connected();
        let same = Rc::clone(&s).reduce(Action::PickerSearch("x".into()));
        assert!(Rc::ptr_eq(&s, &same));
    }

    #[test]
    fn toggles_add_and_remove() {
        let project = SelectedProject {
            id: "p".into(),
            name: "Parts Unlimited".into(),
        };
        let one = toggle_project(&Selection::default(), project.clone());
        assert_eq!(one.projects.as_slice(), std::slice::from_ref(&project));
        assert!(toggle_project(&one, project).projects.is_empty());
        let repo = SelectedRepository {
            id: "r".into(),
            name: "web".into(),
            kind: azdo_connect_core::contract::RepositoryKind::Git,
            project_id: "p".into(),
        };
        let one = toggle_repository(&Selection::default(), repo.clone());
        assert_eq!(one.repositories.len(), 1);
        assert!(toggle_repository(&one, repo).repositories.is_empty());
    }
}

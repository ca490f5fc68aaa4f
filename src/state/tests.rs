//! Every transition of every screen, on the pure reducer.

use std::rc::Rc;

use azdo_connect_core::contract::{
    ConnectedDetail, ErrorDetail, Method, Project, ProjectsResponse, Repository, RepositoryKind,
    ScopeState, ScopeStatus, SelectedProject, SelectedRepository, Selection, User, VerifyResponse,
    VerifyingDetail,
};
use azdo_connect_core::{AllowedServers, DeploymentType, ErrorCode, OrgError};
use yew::Reducible;

use super::*;

const PAT: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";
const OTHER_PAT: &str = "democode5x5tk3oynuwt7s5jnbpldbesfm7t56xsb57a3lsijdta";

// ---- helpers ----------------------------------------------------------------------------------

/// Applies `action`, asserting it sends nothing.
fn quiet(state: State, action: Action) -> State {
    let (next, events) = state.transition(action.clone());
    assert_eq!(events, [], "{action:?} sends nothing");
    next
}

fn run(state: State, actions: impl IntoIterator<Item = Action>) -> State {
    actions.into_iter().fold(state, quiet)
}

/// Asserts `action` changes nothing and sends nothing.
fn unchanged(state: &State, action: Action) {
    let (next, events) = state.clone().transition(action.clone());
    assert_eq!(&next, state, "{action:?} changes nothing");
    assert_eq!(events, [], "{action:?} sends nothing");
}

fn form(state: &State) -> &Form {
    match &state.screen {
        Screen::Form(form) => form,
        other => panic!("not the form: {other:?}"),
    }
}

fn verifying(state: &State) -> &Verifying {
    match &state.screen {
        Screen::Verifying(verifying) => verifying,
        other => panic!("not verifying: {other:?}"),
    }
}

fn picking_of(state: &State) -> &Picking {
    match &state.screen {
        Screen::Picking(picking) => picking,
        other => panic!("not picking: {other:?}"),
    }
}

fn connected_of(state: &State) -> &Connected {
    match &state.screen {
        Screen::Connected(connected) => connected,
        other => panic!("not connected: {other:?}"),
    }
}

fn changing_of(state: &State) -> &ChangingToken {
    match &state.screen {
        Screen::ChangingToken(changing) => changing,
        other => panic!("not changing the token: {other:?}"),
    }
}

fn confirming_of(state: &State) -> &ConfirmingDisconnect {
    match &state.screen {
        Screen::ConfirmingDisconnect(confirming) => confirming,
        other => panic!("not confirming: {other:?}"),
    }
}

fn ready_form() -> State {
    run(
        State::default(),
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
        method: Method::Pat,
        expires_at: None,
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

/// Submits a ready form: request 1 in flight.
fn in_flight() -> State {
    let (s, _) = ready_form().transition(Action::Submit);
    s
}

fn verified(state: State, id: u64, pick: bool) -> (State, Vec<Outgoing>) {
    state.transition(Action::Verified {
        id,
        response: response(),
        pick,
    })
}

fn connected() -> State {
    verified(in_flight(), 1, false).0
}

fn picking() -> State {
    quiet(
        in_flight(),
        Action::Verified {
            id: 1,
            response: response(),
            pick: true,
        },
    )
}

fn host(
    organization: Option<&str>,
    connected_as: Option<&str>,
    verified_at: Option<&str>,
) -> Action {
    Action::HostConnection {
        organization: organization.map(str::to_owned),
        connected_as: connected_as.map(str::to_owned),
        verified_at: verified_at.map(str::to_owned),
    }
}

fn restored() -> State {
    quiet(
        State::default(),
        host(
            Some("contoso"),
            Some("Dana Demo"),
            Some("2026-11-01T10:00:00Z"),
        ),
    )
}

fn failed(state: State, id: u64, detail: ErrorDetail) -> (State, Vec<Outgoing>) {
    state.transition(Action::Failed(id, detail, vec![]))
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

fn project(name: &str) -> SelectedProject {
    SelectedProject {
        id: format!("id-{name}"),
        name: name.into(),
    }
}

fn loading(state: &State) -> u64 {
    picking_of(state).list.loading.expect("a page is loading")
}

// ---- the form ---------------------------------------------------------------------------------

#[test]
fn org_input_is_normalized_live() {
    let s = quiet(
        State::default(),
        Action::OrgInput("https://contoso.visualstudio.com/Proj/_git/repo".into()),
    );
    let org = form(&s)
        .fields
        .org
        .as_ref()
        .expect("a visualstudio.com URL normalizes");
    assert_eq!(org.organization_url, "https://dev.azure.com/contoso");
    assert_eq!(form(&s).fields.org_error(), None);
    unchanged(
        &s,
        Action::OrgInput("https://contoso.visualstudio.com/Proj/_git/repo".into()),
    );
}

#[test]
fn empty_org_error_shows_only_after_submit() {
    let s = State::default();
    assert_eq!(form(&s).fields.org_error(), None);
    let s = quiet(s, Action::Submit);
    assert_eq!(form(&s).fields.org_error(), Some(&OrgError::Empty));
    unchanged(&s, Action::Submit);
}

#[test]
fn invalid_org_error_shows_while_typing() {
    let s = quiet(
        State::default(),
        Action::OrgInput("https://github.com/contoso".into()),
    );
    assert_eq!(
        form(&s).fields.org_error().map(OrgError::code),
        Some(ErrorCode::HostNotAllowed)
    );
    assert!(!form(&s).can_submit());
}

#[test]
fn pat_is_trimmed() {
    let s = quiet(State::default(), Action::PatInput(format!("  {PAT}\n")));
    assert_eq!(form(&s).fields.pat.expose(), PAT);
    unchanged(&s, Action::PatInput(PAT.into()));
}

#[test]
fn the_token_is_redacted_in_debug() {
    let s = ready_form();
    assert!(!format!("{s:?}").contains(PAT));
    assert!(!format!("{:?}", in_flight()).contains(PAT));
}

#[test]
fn toggle_reveal_flips() {
    let s = quiet(State::default(), Action::ToggleReveal);
    assert!(form(&s).fields.reveal);
    assert!(!form(&quiet(s, Action::ToggleReveal)).fields.reveal);
}

#[test]
fn submit_starts_exactly_one_request_and_announces_it() {
    let s = ready_form();
    assert!(form(&s).can_submit());
    let (s, events) = s.transition(Action::Submit);
    assert_eq!(
        verifying(&s).request,
        InFlight {
            id: 1,
            step: Step::Sending
        }
    );
    assert_eq!(
        events,
        [Outgoing::Verifying(VerifyingDetail {
            organization: "contoso".into(),
            organization_url: "https://dev.azure.com/contoso".into(),
        })]
    );
    unchanged(&s, Action::Submit);
}

#[test]
fn submit_without_token_shows_required_instead() {
    let s = run(
        State::default(),
        [Action::OrgInput("contoso".into()), Action::Submit],
    );
    assert!(form(&s).fields.show_errors);
}

#[test]
fn the_form_ignores_other_screens_actions_and_stale_answers() {
    let s = ready_form();
    for action in [
        Action::Progress(1, Step::Checking),
        Action::Verified {
            id: 1,
            response: response(),
            pick: false,
        },
        Action::Failed(1, error(ErrorCode::Internal, None), vec![]),
        Action::Tick,
        Action::ToggleProject(project("A")),
        Action::SelectionDone,
        Action::PickerSearch("x".into()),
        Action::PickerMore,
        Action::PickerLoaded(1, page(&["A"], None)),
        Action::ChangeToken,
        Action::CancelChange,
        Action::Disconnect,
        Action::KeepConnection,
        Action::ConfirmDisconnect,
        host(None, None, None),
    ] {
        unchanged(&s, action);
    }
}

#[test]
fn host_attributes_restore_a_connection_on_the_form() {
    let s = restored();
    let c = connected_of(&s);
    assert!(
        !c.just_verified,
        "a restored connection does not take focus"
    );
    assert_eq!(
        c.connection.verified_at.as_deref(),
        Some("2026-11-01T10:00:00Z")
    );
    assert!(c.connection.scopes.is_empty());
    // Half a connection is none.
    unchanged(&State::default(), host(Some("contoso"), None, None));
}

#[test]
fn allowed_servers_renormalize_the_input() {
    let s = quiet(
        State::default(),
        Action::OrgInput("https://tfs.example.com/tfs/Main".into()),
    );
    assert_eq!(
        form(&s).fields.org.as_ref().err().map(OrgError::code),
        Some(ErrorCode::HostNotAllowed)
    );
    let s = quiet(
        s,
        Action::AllowedServers(AllowedServers::new(["tfs.example.com"])),
    );
    let org = form(&s).fields.org.as_ref().expect("allowed now");
    assert_eq!(org.deployment_type, DeploymentType::OnPremises);
}

#[test]
fn the_allowlist_outlives_the_screen() {
    let s = quiet(
        connected(),
        Action::AllowedServers(AllowedServers::new(["tfs.example.com"])),
    );
    let s = run(
        s,
        [
            Action::Disconnect,
            host(None, None, None),
            Action::OrgInput("https://tfs.example.com/tfs/Main".into()),
        ],
    );
    assert!(form(&s).fields.org.is_ok(), "{s:?}");
}

// ---- verifying --------------------------------------------------------------------------------

#[test]
fn progress_moves_only_the_current_request() {
    let s = quiet(in_flight(), Action::Progress(1, Step::Checking));
    assert_eq!(verifying(&s).request.step, Step::Checking);
    unchanged(&s, Action::Progress(7, Step::Sending));
}

#[test]
fn success_clears_the_token_connects_and_reports_once() {
    let (s, events) = verified(in_flight(), 1, false);
    let c = connected_of(&s);
    assert!(c.just_verified);
    assert_eq!(
        (
            c.connection.organization.as_str(),
            c.connection.display_name.as_str()
        ),
        ("contoso", "Dana Demo")
    );
    assert_eq!(c.connection.scopes.len(), 1);
    assert_eq!(
        events,
        [Outgoing::Connected(ConnectedDetail {
            verified: response(),
            selection: None,
        })]
    );
    assert!(!format!("{s:?}").contains(PAT), "no token kept");
}

#[test]
fn a_stale_answer_is_ignored() {
    let s = in_flight();
    unchanged(
        &s,
        Action::Verified {
            id: 9,
            response: response(),
            pick: false,
        },
    );
    unchanged(
        &s,
        Action::Failed(9, error(ErrorCode::Internal, None), vec![]),
    );
}

#[test]
fn editing_drops_the_request_in_flight() {
    let s = quiet(in_flight(), Action::PatInput(OTHER_PAT.into()));
    assert_eq!(form(&s).fields.pat.expose(), OTHER_PAT);
    // The stale answer is ignored; the next submit gets a new id.
    unchanged(
        &s,
        Action::Verified {
            id: 1,
            response: response(),
            pick: false,
        },
    );
    let (s, _) = s.transition(Action::Submit);
    assert_eq!(verifying(&s).request.id, 2);

    let s = quiet(s, Action::OrgInput("fabrikam".into()));
    assert_eq!(form(&s).fields.org_input, "fabrikam");
    // Typing what is already there is no edit.
    let s = in_flight();
    unchanged(&s, Action::PatInput(PAT.into()));
    unchanged(&s, Action::OrgInput("contoso".into()));
}

#[test]
fn reveal_can_be_toggled_while_verifying() {
    let s = quiet(in_flight(), Action::ToggleReveal);
    assert!(verifying(&s).fields.reveal);
}

#[test]
fn failure_keeps_the_token_for_another_try() {
    let (s, events) = failed(in_flight(), 1, error(ErrorCode::TokenExpired, None));
    assert_eq!(
        events,
        [Outgoing::Error(error(ErrorCode::TokenExpired, None))]
    );
    let f = form(&s);
    assert_eq!(
        f.failure.as_ref().map(|f| f.detail.code),
        Some(ErrorCode::TokenExpired)
    );
    assert_eq!(f.fields.pat.expose(), PAT);
    assert!(f.can_submit());
    // An edit answers the failure.
    let s = quiet(s, Action::PatInput(OTHER_PAT.into()));
    assert_eq!(form(&s).failure, None);
}

#[test]
fn rate_limit_counts_down_and_retries_only_on_request() {
    let (s, _) = failed(in_flight(), 1, error(ErrorCode::RateLimited, Some(2)));
    assert!(s.screen.waiting_to_retry());
    unchanged(&s, Action::Submit);
    // An edit keeps the countdown.
    let s = quiet(s, Action::PatInput(OTHER_PAT.into()));
    assert!(s.screen.waiting_to_retry());
    let s = run(s, [Action::Tick, Action::Tick]);
    assert!(!s.screen.waiting_to_retry());
    assert!(
        form(&s).failure.is_some(),
        "reaching zero does not retry by itself"
    );
    unchanged(&s, Action::Tick);
    let (s, _) = s.transition(Action::Submit);
    assert_eq!(verifying(&s).request.id, 2);
}

#[test]
fn success_with_picker_picks_first_and_reports_later() {
    let (s, events) = verified(in_flight(), 1, true);
    assert_eq!(events, [], "connected waits for the selection");
    let p = picking_of(&s);
    assert_eq!(p.list.loading, Some(2), "the first page loads at once");
    assert_eq!(p.selection, Selection::default());
}

// ---- picking ----------------------------------------------------------------------------------

#[test]
fn picking_toggles_report_the_selection() {
    let (s, events) = picking().transition(Action::ToggleProject(project("Fabrikam Fiber")));
    let selection = Selection {
        projects: vec![project("Fabrikam Fiber")],
        repositories: vec![],
    };
    assert_eq!(events, [Outgoing::SelectionChanged(selection.clone())]);
    assert_eq!(picking_of(&s).selection, selection);
    let (s, events) = s.transition(Action::ToggleProject(project("Fabrikam Fiber")));
    assert_eq!(events, [Outgoing::SelectionChanged(Selection::default())]);

    let repository = SelectedRepository {
        id: "r".into(),
        name: "web".into(),
        kind: RepositoryKind::Git,
        project_id: "p".into(),
    };
    let (s, _) = s.transition(Action::ToggleRepository(repository.clone()));
    assert_eq!(
        picking_of(&s).selection.repositories,
        std::slice::from_ref(&repository)
    );
    let (s, events) = s.transition(Action::ToggleRepository(repository));
    assert!(picking_of(&s).selection.repositories.is_empty());
    assert_eq!(events, [Outgoing::SelectionChanged(Selection::default())]);
}

#[test]
fn a_disabled_repository_cannot_be_selected() {
    let s = picking();
    let id = loading(&s);
    let mut answer = page(&["Web"], None);
    let repository = |id: &str, disabled: bool| Repository {
        id: id.into(),
        name: id.into(),
        kind: RepositoryKind::Git,
        web_url: None,
        default_branch: None,
        disabled,
    };
    answer.projects[0].repositories = vec![repository("off", true), repository("on", false)];
    let s = quiet(s, Action::PickerLoaded(id, answer));
    let pick = |id: &str| SelectedRepository {
        id: id.into(),
        name: id.into(),
        kind: RepositoryKind::Git,
        project_id: "id-Web".into(),
    };
    unchanged(&s, Action::ToggleRepository(pick("off")));
    let (s, events) = s.transition(Action::ToggleRepository(pick("on")));
    assert_eq!(events.len(), 1, "an enabled one still toggles");
    assert_eq!(picking_of(&s).selection.repositories, [pick("on")]);
}

#[test]
fn selection_done_connects_with_the_selection() {
    let (s, _) = picking().transition(Action::ToggleProject(project("A")));
    let (s, events) = s.transition(Action::SelectionDone);
    assert!(connected_of(&s).just_verified);
    assert_eq!(
        events,
        [Outgoing::Connected(ConnectedDetail {
            verified: response(),
            selection: Some(Selection {
                projects: vec![project("A")],
                repositories: vec![],
            }),
        })]
    );
}

#[test]
fn picker_loads_pages_and_appends() {
    let s = picking();
    let first = loading(&s);
    let s = quiet(
        s,
        Action::PickerLoaded(first, page(&["A", "B"], Some("next"))),
    );
    assert_eq!(picking_of(&s).list.projects.len(), 2);
    assert_eq!(picking_of(&s).list.continuation.as_deref(), Some("next"));
    let s = quiet(s, Action::PickerMore);
    let more = loading(&s);
    assert!(picking_of(&s).list.append);
    unchanged(&s, Action::PickerMore);
    let s = quiet(s, Action::PickerLoaded(more, page(&["C"], None)));
    let names: Vec<_> = picking_of(&s)
        .list
        .projects
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
    unchanged(&s, Action::PickerMore);
}

#[test]
fn picker_search_replaces_and_ignores_stale_pages() {
    let s = picking();
    let first = loading(&s);
    let s = quiet(s, Action::PickerSearch("fib".into()));
    let searched = loading(&s);
    assert_ne!(first, searched);
    unchanged(&s, Action::PickerSearch("fib".into()));
    unchanged(&s, Action::PickerLoaded(first, page(&["A"], None)));
    let s = quiet(
        s,
        Action::PickerLoaded(searched, page(&["Fabrikam Fiber"], None)),
    );
    assert_eq!(picking_of(&s).list.projects.len(), 1);
    assert_eq!(picking_of(&s).list.search, "fib");
}

#[test]
fn picker_failure_is_kept_for_display() {
    let s = picking();
    let id = loading(&s);
    unchanged(
        &s,
        Action::PickerFailed(id + 5, error(ErrorCode::Internal, None)),
    );
    let s = quiet(
        s,
        Action::PickerFailed(id, error(ErrorCode::UpstreamUnavailable, None)),
    );
    let list = &picking_of(&s).list;
    assert_eq!(list.loading, None);
    assert_eq!(
        list.error.as_ref().map(|e| e.code),
        Some(ErrorCode::UpstreamUnavailable)
    );
}

#[test]
fn picker_actions_need_the_picker() {
    let s = connected();
    unchanged(&s, Action::PickerSearch("x".into()));
    unchanged(&s, Action::ToggleProject(project("A")));
    unchanged(&s, Action::SelectionDone);
}

#[test]
fn the_host_forgetting_during_picking_returns_to_the_form() {
    let s = picking();
    unchanged(&s, host(Some("Contoso"), Some("Dana Demo"), None));
    let s = quiet(s, host(None, None, None));
    assert_eq!(form(&s).fields.org_input, "contoso");
    let s = quiet(picking(), host(Some("fabrikam"), Some("Sam"), None));
    assert_eq!(connected_of(&s).connection.organization, "fabrikam");
}

// ---- connected --------------------------------------------------------------------------------

#[test]
fn host_persisting_our_verify_keeps_the_checklist() {
    let s = quiet(
        connected(),
        host(
            Some("Contoso"),
            Some("Dana D."),
            Some("2026-11-24T08:00:00Z"),
        ),
    );
    let c = connected_of(&s);
    assert_eq!(c.connection.scopes.len(), 1);
    assert_eq!(c.connection.display_name, "Dana D.");
    assert_eq!(
        c.connection.verified_at.as_deref(),
        Some("2026-11-24T08:00:00Z")
    );
    assert!(
        c.just_verified,
        "still the connection this session verified"
    );
    // Without a time the verify's stays.
    let s = quiet(connected(), host(Some("contoso"), Some("Dana Demo"), None));
    assert_eq!(
        connected_of(&s).connection.verified_at.as_deref(),
        Some("2026-11-23T08:00:00Z")
    );
}

#[test]
fn the_host_naming_another_organization_replaces_the_connection() {
    let s = quiet(connected(), host(Some("fabrikam"), Some("Sam"), None));
    let c = connected_of(&s);
    assert_eq!(c.connection.organization, "fabrikam");
    assert!(c.connection.scopes.is_empty());
}

#[test]
fn the_host_forgetting_the_connection_returns_to_the_form() {
    let s = quiet(restored(), host(None, None, None));
    assert_eq!(form(&s).fields.org_input, "contoso");
    assert!(form(&s).fields.org.is_ok());
}

#[test]
fn connected_ignores_form_actions() {
    let s = connected();
    for action in [
        Action::OrgInput("x".into()),
        Action::PatInput(PAT.into()),
        Action::ToggleReveal,
        Action::Submit,
        Action::CancelChange,
        Action::KeepConnection,
        Action::ConfirmDisconnect,
    ] {
        unchanged(&s, action);
    }
}

// ---- changing the token -----------------------------------------------------------------------

#[test]
fn change_token_reverifies_the_same_org() {
    let s = quiet(connected(), Action::ChangeToken);
    let changing = changing_of(&s);
    assert_eq!(changing.form.fields.org_input, "contoso");
    assert!(changing.form.fields.pat.is_empty());
    unchanged(&s, Action::OrgInput("fabrikam".into()));
    let s = quiet(s, Action::PatInput(PAT.into()));
    let (s, events) = s.transition(Action::Submit);
    assert_eq!(events.len(), 1, "azdo-verifying");
    let v = verifying(&s);
    assert_eq!(v.request.id, 2);
    assert_eq!(
        v.changing.as_ref().map(|c| c.organization.as_str()),
        Some("contoso")
    );
    unchanged(&s, Action::OrgInput("fabrikam".into()));
    let (s, events) = verified(s, 2, false);
    assert!(connected_of(&s).just_verified);
    assert_eq!(events.len(), 1, "azdo-connected again");
}

#[test]
fn a_failed_token_change_stays_on_the_token_form() {
    let s = run(
        connected(),
        [Action::ChangeToken, Action::PatInput(PAT.into())],
    );
    let (s, _) = s.transition(Action::Submit);
    let (s, events) = failed(s, 2, error(ErrorCode::TokenInvalid, None));
    assert_eq!(events.len(), 1, "azdo-error");
    let changing = changing_of(&s);
    assert_eq!(changing.form.fields.pat.expose(), PAT);
    assert!(changing.form.failure.is_some());
    // Editing while verifying a change goes back to the token form.
    let (s, _) = s.transition(Action::Submit);
    let s = quiet(s, Action::PatInput(OTHER_PAT.into()));
    assert_eq!(changing_of(&s).form.fields.pat.expose(), OTHER_PAT);
}

#[test]
fn cancel_change_returns_to_connected() {
    let s = run(
        connected(),
        [
            Action::ChangeToken,
            Action::PatInput(PAT.into()),
            Action::CancelChange,
        ],
    );
    assert!(!connected_of(&s).just_verified);
    assert!(!format!("{s:?}").contains(PAT));
    // Also while the new token is being verified.
    let s = run(
        connected(),
        [Action::ChangeToken, Action::PatInput(PAT.into())],
    );
    let (s, _) = s.transition(Action::Submit);
    let s = quiet(s, Action::CancelChange);
    assert_eq!(connected_of(&s).connection.organization, "contoso");
    // A plain verify has nothing to cancel to.
    unchanged(&in_flight(), Action::CancelChange);
}

#[test]
fn reveal_is_reset_on_every_way_into_a_token_form() {
    // Change token, Show, Keep the current token, Change token again: hidden.
    let s = run(
        connected(),
        [
            Action::ChangeToken,
            Action::ToggleReveal,
            Action::CancelChange,
            Action::ChangeToken,
        ],
    );
    assert!(!changing_of(&s).form.fields.reveal);
    // Shown while changing, then disconnected: the form is hidden too.
    let s = run(
        connected(),
        [
            Action::ChangeToken,
            Action::ToggleReveal,
            Action::CancelChange,
            Action::Disconnect,
        ],
    );
    let (s, _) = s.transition(Action::ConfirmDisconnect);
    assert!(!form(&s).fields.reveal);
    // Shown on the form, verified, disconnected: hidden.
    let (s, _) = quiet(ready_form(), Action::ToggleReveal).transition(Action::Submit);
    let s = run(verified(s, 1, false).0, [Action::Disconnect]);
    let (s, _) = s.transition(Action::ConfirmDisconnect);
    assert!(!form(&s).fields.reveal);
}

#[test]
fn the_token_form_follows_the_host() {
    let changing = quiet(connected(), Action::ChangeToken);
    let s = quiet(
        changing.clone(),
        host(Some("contoso"), Some("Dana D."), None),
    );
    assert_eq!(changing_of(&s).connection.display_name, "Dana D.");
    let s = quiet(changing.clone(), host(Some("fabrikam"), Some("Sam"), None));
    assert_eq!(connected_of(&s).connection.organization, "fabrikam");
    let s = quiet(
        quiet(changing, Action::PatInput(PAT.into())),
        host(None, None, None),
    );
    assert_eq!(
        form(&s).fields.pat.expose(),
        PAT,
        "what is typed stays, as a new connection"
    );
}

#[test]
fn a_token_change_in_flight_follows_the_host() {
    let s = run(
        connected(),
        [Action::ChangeToken, Action::PatInput(PAT.into())],
    );
    let (s, _) = s.transition(Action::Submit);
    let s = quiet(s, host(Some("contoso"), Some("Dana D."), None));
    assert_eq!(
        verifying(&s)
            .changing
            .as_ref()
            .map(|c| c.display_name.as_str()),
        Some("Dana D.")
    );
    let s = quiet(s, host(None, None, None));
    assert_eq!(
        verifying(&s).changing,
        None,
        "now a verify of a new connection"
    );
    // A plain verify in flight decides for itself.
    unchanged(&in_flight(), host(Some("contoso"), Some("Dana Demo"), None));
}

// ---- disconnecting ----------------------------------------------------------------------------

#[test]
fn disconnect_asks_then_can_be_kept() {
    let s = quiet(connected(), Action::Disconnect);
    assert_eq!(confirming_of(&s).connection.organization, "contoso");
    let s = quiet(s, Action::KeepConnection);
    assert!(!connected_of(&s).just_verified);
}

#[test]
fn disconnect_confirmed_returns_to_the_form_and_reports() {
    let s = quiet(restored(), Action::Disconnect);
    let connection = confirming_of(&s).connection.clone();
    let (s, events) = s.transition(Action::ConfirmDisconnect);
    assert_eq!(events, [Outgoing::Disconnected(connection)]);
    assert_eq!(events[0].name(), "azdo-disconnected");
    let f = form(&s);
    assert_eq!(f.fields.org_input, "contoso");
    assert!(f.fields.pat.is_empty());
    assert_eq!(f.failure, None);
}

#[test]
fn a_prevented_disconnect_keeps_the_connection() {
    let s = quiet(restored(), Action::Disconnect);
    let (s, events) = s.transition(Action::ConfirmDisconnect);
    let Some(Outgoing::Disconnected(connection)) = events.into_iter().next() else {
        panic!("azdo-disconnected");
    };
    let s = quiet(s, Action::DisconnectPrevented(connection));
    let c = connected_of(&s);
    assert_eq!(c.connection.display_name, "Dana Demo");
    assert_eq!(
        c.connection.verified_at.as_deref(),
        Some("2026-11-01T10:00:00Z")
    );
}

#[test]
fn nothing_from_the_picker_survives_a_disconnect() {
    let s = picking();
    let first = loading(&s);
    let s = quiet(
        s,
        Action::PickerLoaded(first, page(&["Fabrikam Fiber"], Some("more"))),
    );
    let (s, _) = s.transition(Action::ToggleProject(project("Fabrikam Fiber")));
    let (s, _) = s.transition(Action::SelectionDone);
    let s = quiet(s, Action::Disconnect);
    let (s, _) = s.transition(Action::ConfirmDisconnect);
    assert!(
        !format!("{s:?}").contains("Fabrikam Fiber"),
        "no project is kept: {s:?}"
    );
    // Connecting again starts the picker empty.
    let s = quiet(s, Action::PatInput(PAT.into()));
    let (s, _) = s.transition(Action::Submit);
    let id = verifying(&s).request.id;
    let (s, _) = verified(s, id, true);
    let p = picking_of(&s);
    assert!(p.list.projects.is_empty());
    assert_eq!(p.list.continuation, None);
    assert_eq!(p.selection, Selection::default());
}

#[test]
fn confirming_follows_the_host() {
    let confirming = quiet(connected(), Action::Disconnect);
    let s = quiet(
        confirming.clone(),
        host(Some("contoso"), Some("Dana D."), None),
    );
    assert_eq!(confirming_of(&s).connection.display_name, "Dana D.");
    let s = quiet(
        confirming.clone(),
        host(Some("fabrikam"), Some("Sam"), None),
    );
    assert_eq!(connected_of(&s).connection.organization, "fabrikam");
    let s = quiet(confirming, host(None, None, None));
    assert_eq!(form(&s).fields.org_input, "contoso");
}

// ---- the reducer yew holds --------------------------------------------------------------------

#[test]
fn the_outbox_gets_every_event_once_in_order() {
    let s = Rc::new(ready_form());
    let outbox = s.outbox().clone();
    let s = s.reduce(Action::Submit).reduce(Action::Verified {
        id: 1,
        response: response(),
        pick: false,
    });
    let names: Vec<_> = outbox.take().iter().map(Outgoing::name).collect();
    assert_eq!(names, ["azdo-verifying", "azdo-connected"]);
    assert_eq!(outbox.take(), [], "taken once");
    assert!(s.screen.just_verified());
}

#[test]
fn nothing_changed_keeps_the_same_state() {
    let s = Rc::new(in_flight());
    let same = Rc::clone(&s).reduce(Action::Submit);
    assert!(Rc::ptr_eq(&s, &same), "no render for a second submit");
    assert_eq!(s.outbox().take(), []);
}

// ---- Microsoft sign-in ------------------------------------------------------------------------

use azdo_connect_core::contract::{ChooseOrganization, FlowStatus, OrganizationChoice};

const FLOW: &str = "flow-1";
const AUTHORIZE: &str = "http://127.0.0.1:8788/login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=x";

fn sign_in(action: SignIn) -> Action {
    Action::SignIn(action)
}

fn signing_in_of(state: &State) -> &SigningIn {
    match &state.screen {
        Screen::SigningIn(signing) => signing,
        other => panic!("not signing in: {other:?}"),
    }
}

fn choosing_of(state: &State) -> &ChoosingOrganization {
    match &state.screen {
        Screen::ChoosingOrganization(choosing) => choosing,
        other => panic!("not choosing an organization: {other:?}"),
    }
}

/// The form of a proxy that offers Microsoft sign-in.
fn entra_form() -> State {
    quiet(State::default(), sign_in(SignIn::Offered(true)))
}

/// Sign-in with `org` typed (or not) pressed, the pop-up open: request 1 starting.
fn starting(org: &str) -> State {
    let s = run(entra_form(), [Action::OrgInput(org.into())]);
    quiet(s, sign_in(SignIn::Start(SignInWindow::Popup)))
}

/// `oauth/start` answered: waiting for the person on Microsoft's page.
fn waiting(org: &str) -> State {
    quiet(
        starting(org),
        sign_in(SignIn::Started {
            id: 1,
            flow: FLOW.into(),
            authorize_url: AUTHORIZE.into(),
        }),
    )
}

fn entra_response() -> VerifyResponse {
    VerifyResponse {
        method: Method::Entra,
        ..response()
    }
}

fn orgs(names: &[&str]) -> ChooseOrganization {
    ChooseOrganization {
        status: FlowStatus::ChooseOrganization,
        organizations: names
            .iter()
            .map(|n| OrganizationChoice {
                name: (*n).into(),
                url: format!("https://dev.azure.com/{n}"),
            })
            .collect(),
        session: "session-secret".into(),
    }
}

/// Signed in without an organization: the list of `names`, nothing verifying.
fn choosing(names: &[&str]) -> State {
    quiet(waiting(""), sign_in(SignIn::Choose(1, orgs(names))))
}

#[test]
fn sign_in_leads_only_when_the_proxy_offers_it() {
    assert_eq!(State::default().method(), Method::Pat);
    let s = entra_form();
    assert_eq!(s.method(), Method::Entra);
    assert!(s.sign_in_offered());
    // Without the offer, pressing sign-in does nothing.
    unchanged(
        &State::default(),
        sign_in(SignIn::Start(SignInWindow::Popup)),
    );
    unchanged(&State::default(), sign_in(SignIn::PopupBlocked));
    // Withdrawn, the token form is back.
    assert_eq!(
        quiet(s, sign_in(SignIn::Offered(false))).method(),
        Method::Pat
    );
}

#[test]
fn a_token_already_typed_keeps_the_token_form() {
    let s = quiet(State::default(), Action::PatInput(PAT.into()));
    let s = quiet(s, sign_in(SignIn::Offered(true)));
    assert_eq!(s.method(), Method::Pat);
    assert!(s.sign_in_offered());
}

#[test]
fn switching_between_token_and_sign_in_keeps_the_organization() {
    let s = run(entra_form(), [Action::OrgInput("contoso".into())]);
    let s = quiet(s, sign_in(SignIn::UseMethod(Method::Pat)));
    assert_eq!(s.method(), Method::Pat);
    assert_eq!(form(&s).fields.org_input, "contoso");
    let s = quiet(s, sign_in(SignIn::UseMethod(Method::Entra)));
    assert_eq!(s.method(), Method::Entra);
    assert_eq!(form(&s).fields.org_input, "contoso");
}

#[test]
fn sign_in_starts_with_or_without_an_organization() {
    let s = starting("https://dev.azure.com/contoso/Proj");
    let signing = signing_in_of(&s);
    assert_eq!(signing.id, 1);
    assert_eq!(signing.window, SignInWindow::Popup);
    assert_eq!(signing.phase, Phase::Starting);
    assert_eq!(
        signing
            .organization
            .as_ref()
            .map(|o| o.organization_url.as_str()),
        Some("https://dev.azure.com/contoso")
    );
    assert_eq!(signing.flow(), None);

    let s = starting("");
    assert_eq!(signing_in_of(&s).organization, None);
}

#[test]
fn sign_in_with_an_invalid_organization_shows_why_and_does_not_start() {
    let s = run(
        entra_form(),
        [Action::OrgInput("github.com/contoso".into())],
    );
    assert_eq!(form(&s).sign_in_target(), None);
    let s = quiet(s, sign_in(SignIn::Start(SignInWindow::Popup)));
    assert!(form(&s).fields.show_errors);
    assert!(form(&s).fields.org_error().is_some());
    // Empty is fine: the person picks after signing in.
    assert_eq!(form(&entra_form()).sign_in_target(), Some(None));
}

#[test]
fn oauth_start_answering_starts_the_wait_and_stale_answers_are_ignored() {
    let s = waiting("contoso");
    let signing = signing_in_of(&s);
    assert_eq!(signing.flow(), Some(FLOW));
    assert_eq!(signing.authorize_url(), Some(AUTHORIZE));
    // A second answer, or one for another sign-in, changes nothing.
    unchanged(
        &s,
        sign_in(SignIn::Started {
            id: 1,
            flow: "flow-2".into(),
            authorize_url: AUTHORIZE.into(),
        }),
    );
    unchanged(&s, sign_in(SignIn::WindowClosed(7)));
    unchanged(
        &s,
        sign_in(SignIn::Connected {
            id: 7,
            response: entra_response(),
            pick: false,
        }),
    );
    unchanged(
        &s,
        Action::Failed(7, error(ErrorCode::SignInCancelled, None), vec![]),
    );
    unchanged(&s, Action::Submit);
    unchanged(&s, Action::OrgInput("other".into()));
}

#[test]
fn a_closed_window_is_noticed_and_can_be_reopened_while_the_wait_goes_on() {
    let s = quiet(waiting("contoso"), sign_in(SignIn::WindowClosed(1)));
    assert!(signing_in_of(&s).window_closed);
    assert_eq!(signing_in_of(&s).flow(), Some(FLOW), "still waiting");
    let s = quiet(s, sign_in(SignIn::WindowReopened(1)));
    assert!(!signing_in_of(&s).window_closed);
    // The result may still arrive after the window closed.
    let s = quiet(s, sign_in(SignIn::WindowClosed(1)));
    let (s, events) = s.transition(sign_in(SignIn::Connected {
        id: 1,
        response: entra_response(),
        pick: false,
    }));
    assert!(connected_of(&s).just_verified);
    assert!(matches!(&events[..], [Outgoing::Connected(d)] if d.verified.method == Method::Entra));
}

#[test]
fn cancel_returns_to_the_form_with_the_organization_and_sends_nothing() {
    let s = quiet(waiting("contoso"), sign_in(SignIn::Cancel));
    assert_eq!(form(&s).fields.org_input, "contoso");
    assert_eq!(form(&s).failure, None);
    assert_eq!(s.method(), Method::Entra);
    // Cancelling while oauth/start is in flight too; its late answer is then ignored.
    let s = quiet(starting("contoso"), sign_in(SignIn::Cancel));
    unchanged(
        &s,
        sign_in(SignIn::Started {
            id: 1,
            flow: FLOW.into(),
            authorize_url: AUTHORIZE.into(),
        }),
    );
}

#[test]
fn a_signed_in_organization_connects_with_method_entra() {
    let (s, events) = waiting("contoso").transition(sign_in(SignIn::Connected {
        id: 1,
        response: entra_response(),
        pick: false,
    }));
    assert_eq!(connected_of(&s).connection.organization, "contoso");
    assert_eq!(
        events,
        [Outgoing::Connected(ConnectedDetail {
            verified: entra_response(),
            selection: None,
        })]
    );
    // With the picker on, the connection is reported after picking.
    let (s, events) = waiting("contoso").transition(sign_in(SignIn::Connected {
        id: 1,
        response: entra_response(),
        pick: true,
    }));
    assert_eq!(picking_of(&s).response.method, Method::Entra);
    assert_eq!(events, []);
}

#[test]
fn every_sign_in_error_returns_to_the_form_and_is_reported() {
    for code in [
        ErrorCode::SignInCancelled,
        ErrorCode::ConsentRequired,
        ErrorCode::SignInFailed,
        ErrorCode::NotAMember,
        ErrorCode::FlowExpired,
        ErrorCode::EntraNotConfigured,
        ErrorCode::ProxyUnreachable,
    ] {
        for state in [starting("contoso"), waiting("contoso")] {
            let (s, events) = failed(state, 1, error(code, None));
            let form = form(&s);
            assert_eq!(form.fields.org_input, "contoso", "{code:?}");
            assert_eq!(form.failure.as_ref().map(|f| f.detail.code), Some(code));
            assert_eq!(events, [Outgoing::Error(error(code, None))], "{code:?}");
            assert_eq!(
                s.method(),
                Method::Entra,
                "{code:?}: sign-in stays in front"
            );
        }
    }
}

#[test]
fn a_personal_account_organization_switches_to_the_token_form() {
    let code = ErrorCode::PersonalAccountOrganization;
    let (s, events) = failed(waiting("fabrikam"), 1, error(code, None));
    assert_eq!(s.method(), Method::Pat);
    assert_eq!(form(&s).fields.org_input, "fabrikam");
    assert_eq!(form(&s).failure.as_ref().map(|f| f.detail.code), Some(code));
    assert_eq!(events, [Outgoing::Error(error(code, None))]);
    // The token then works as usual.
    let s = run(s, [Action::PatInput(PAT.into())]);
    let (s, events) = s.transition(Action::Submit);
    assert!(matches!(s.screen, Screen::Verifying(_)));
    assert!(matches!(&events[..], [Outgoing::Verifying(d)] if d.organization == "fabrikam"));
}

#[test]
fn a_blocked_popup_is_reported_and_offers_this_window() {
    let s = run(entra_form(), [Action::OrgInput("contoso".into())]);
    let (s, events) = s.transition(sign_in(SignIn::PopupBlocked));
    let failure = form(&s)
        .failure
        .clone()
        .expect("the blocked pop-up is shown");
    assert_eq!(failure.detail.code, ErrorCode::PopupBlocked);
    assert_eq!(events, [Outgoing::Error(failure.detail)]);
    let s = quiet(s, sign_in(SignIn::Start(SignInWindow::ThisWindow)));
    let signing = signing_in_of(&s);
    assert_eq!(signing.window, SignInWindow::ThisWindow);
    assert_eq!(
        signing
            .organization
            .as_ref()
            .map(|o| o.organization.as_str()),
        Some("contoso")
    );
    // A full-page sign-in has no window to reopen.
    let s = quiet(
        s,
        sign_in(SignIn::Started {
            id: 1,
            flow: FLOW.into(),
            authorize_url: AUTHORIZE.into(),
        }),
    );
    assert_eq!(signing_in_of(&s).authorize_url(), None);
}

#[test]
fn a_return_from_a_full_page_sign_in_resumes_the_wait() {
    for state in [State::default(), entra_form(), restored()] {
        let s = quiet(state, sign_in(SignIn::Resume { flow: FLOW.into() }));
        let signing = signing_in_of(&s);
        assert_eq!(signing.window, SignInWindow::ThisWindow);
        assert_eq!(signing.flow(), Some(FLOW));
        // The host's attributes arriving meanwhile do not interrupt it.
        let s = quiet(s, host(Some("contoso"), Some("Dana Demo"), None));
        let id = signing_in_of(&s).id;
        let (s, events) = s.transition(sign_in(SignIn::Connected {
            id,
            response: entra_response(),
            pick: false,
        }));
        assert!(connected_of(&s).just_verified);
        assert_eq!(events.len(), 1);
    }
}

#[test]
fn choosing_lists_the_organizations_and_keeps_the_session_out_of_debug() {
    let s = choosing(&["contoso", "contoso-labs"]);
    let choosing = choosing_of(&s);
    assert_eq!(choosing.organizations.len(), 2);
    assert_eq!(choosing.session.expose(), "session-secret");
    assert!(!format!("{s:?}").contains("session-secret"));
    assert_eq!(choosing.pending, None);
}

#[test]
fn choose_verify_connect() {
    let s = choosing(&["contoso", "contoso-labs"]);
    let (s, events) = s.transition(sign_in(SignIn::Pick("contoso-labs".into())));
    let pending = choosing_of(&s).pending.clone().expect("a verify in flight");
    assert_eq!(pending.organization, "https://dev.azure.com/contoso-labs");
    assert_eq!(
        events,
        [Outgoing::Verifying(VerifyingDetail {
            organization: "contoso-labs".into(),
            organization_url: "https://dev.azure.com/contoso-labs".into(),
        })]
    );
    // One choice at a time; organizations not listed are not picked.
    unchanged(&s, sign_in(SignIn::Pick("contoso".into())));
    unchanged(
        &choosing(&["contoso"]),
        sign_in(SignIn::Pick("elsewhere".into())),
    );
    // A stale answer is ignored; the current one connects.
    unchanged(
        &s,
        Action::Verified {
            id: pending.id + 1,
            response: entra_response(),
            pick: false,
        },
    );
    let (s, events) = s.transition(Action::Verified {
        id: pending.id,
        response: entra_response(),
        pick: false,
    });
    assert!(connected_of(&s).just_verified);
    assert!(matches!(&events[..], [Outgoing::Connected(d)] if d.verified.method == Method::Entra));
}

#[test]
fn a_not_a_member_choice_keeps_the_list_for_another() {
    let s = quiet_events(
        choosing(&["contoso", "northwind"]),
        sign_in(SignIn::Pick("northwind".into())),
    );
    let id = choosing_of(&s).pending.as_ref().unwrap().id;
    let detail = error(ErrorCode::NotAMember, None);
    let (s, events) = failed(s, id, detail.clone());
    let choosing = choosing_of(&s);
    assert_eq!(choosing.pending, None);
    assert_eq!(
        choosing.failure.as_ref().map(|f| f.detail.code),
        Some(ErrorCode::NotAMember)
    );
    assert_eq!(
        s.screen.failure().map(|f| f.detail.code),
        Some(ErrorCode::NotAMember)
    );
    assert_eq!(events, [Outgoing::Error(detail)]);
    // Another choice clears the failure and connects.
    let (s, _) = s.transition(sign_in(SignIn::Pick("contoso".into())));
    assert_eq!(choosing_of(&s).failure, None);
    let id = choosing_of(&s).pending.as_ref().unwrap().id;
    let (s, events) = s.transition(Action::Verified {
        id,
        response: entra_response(),
        pick: false,
    });
    assert!(matches!(s.screen, Screen::Connected(_)));
    assert_eq!(events.len(), 1);
}

#[test]
fn an_expired_session_returns_to_the_form() {
    let s = quiet_events(
        choosing(&["contoso"]),
        sign_in(SignIn::Pick("contoso".into())),
    );
    let id = choosing_of(&s).pending.as_ref().unwrap().id;
    let (s, events) = failed(s, id, error(ErrorCode::FlowExpired, None));
    assert_eq!(
        form(&s).failure.as_ref().map(|f| f.detail.code),
        Some(ErrorCode::FlowExpired)
    );
    assert_eq!(
        events,
        [Outgoing::Error(error(ErrorCode::FlowExpired, None))]
    );
}

// ---- connection health: the expiry date and reconnecting ---------------------------------------

fn expiry(date: &str, past: bool) -> Action {
    Action::ExpiryInput {
        date: date.into(),
        past,
    }
}

#[test]
fn a_past_expiry_date_blocks_connect_until_it_is_changed_or_cleared() {
    let state = run(ready_form(), [expiry("2020-01-01", true)]);
    assert!(form(&state).fields.expiry_past);
    assert!(!form(&state).can_submit());
    let (state, events) = state.transition(Action::Submit);
    assert_eq!(events, [], "nothing is verified");
    assert!(form(&state).fields.show_errors);
    let state = run(state, [expiry("", true)]);
    assert!(!form(&state).fields.expiry_past, "an empty date is no date");
    assert!(form(&state).can_submit());
}

#[test]
fn the_expiry_date_is_sent_with_the_token_and_kept_on_the_connection() {
    let state = run(ready_form(), [expiry("2027-03-01", false)]);
    assert_eq!(
        form(&state).fields.expires_at().as_deref(),
        Some("2027-03-01")
    );
    let (state, _) = state.transition(Action::Submit);
    let id = verifying(&state).request.id;
    assert_eq!(
        verifying(&state).fields.expires_at().as_deref(),
        Some("2027-03-01")
    );
    let answer = VerifyResponse {
        expires_at: Some("2027-03-01".into()),
        ..response()
    };
    let (state, events) = state.transition(Action::Verified {
        id,
        response: answer.clone(),
        pick: false,
    });
    assert_eq!(
        connected_of(&state).connection.expires_at.as_deref(),
        Some("2027-03-01")
    );
    // azdo-connected carries the date in its detail.
    assert!(
        matches!(&events[..], [Outgoing::Connected(d)] if d.verified.expires_at.as_deref() == Some("2027-03-01"))
    );
}

#[test]
fn no_organizations_means_typing_one() {
    let s = choosing(&[]);
    assert!(choosing_of(&s).organizations.is_empty());
    // Submitting nothing shows why.
    let s = quiet(s, Action::Submit);
    assert!(choosing_of(&s).typed.org_error().is_some());
    let s = quiet(
        s,
        Action::OrgInput("https://dev.azure.com/northwind/".into()),
    );
    let (s, events) = s.transition(Action::Submit);
    assert_eq!(
        choosing_of(&s)
            .pending
            .as_ref()
            .map(|c| c.organization.as_str()),
        Some("https://dev.azure.com/northwind")
    );
    assert!(matches!(&events[..], [Outgoing::Verifying(d)] if d.organization == "northwind"));
}

#[test]
fn cancel_from_the_list_returns_to_the_sign_in_form() {
    let s = quiet(choosing(&["contoso"]), sign_in(SignIn::Cancel));
    assert_eq!(form(&s).failure, None);
    assert_eq!(s.method(), Method::Entra);
}

#[test]
fn other_screens_ignore_sign_in_actions() {
    for state in [connected(), picking(), in_flight(), restored()] {
        for action in [
            sign_in(SignIn::Start(SignInWindow::Popup)),
            sign_in(SignIn::PopupBlocked),
            sign_in(SignIn::Pick("contoso".into())),
            sign_in(SignIn::Cancel),
            sign_in(SignIn::WindowClosed(1)),
        ] {
            unchanged(&state, action);
        }
    }
}

/// Applies `action`, whatever it sends.
fn quiet_events(state: State, action: Action) -> State {
    state.transition(action).0
}

#[test]
fn an_emptied_expiry_date_sends_none_and_an_edit_abandons_the_verify() {
    let state = run(
        ready_form(),
        [expiry("2027-03-01", false), expiry(" ", false)],
    );
    assert_eq!(form(&state).fields.expires_at(), None);
    let (state, _) = state.transition(Action::Submit);
    let state = quiet(state, expiry("2027-04-01", false));
    assert_eq!(form(&state).fields.expiry, "2027-04-01");
    // A restored connection has no date of its own: only the host's attribute can give one.
    assert_eq!(connected_of(&restored()).connection.expires_at, None);
}

#[test]
fn reconnecting_changes_the_token_of_the_same_organization() {
    // The host set `reconnect`; the connected view's one primary action is "Change token".
    let (state, _) = restored().transition(Action::ChangeToken);
    let changing = changing_of(&state);
    assert_eq!(changing.form.fields.org_input, "contoso");
    assert!(changing.form.fields.org.is_ok());
    let state = run(state, [Action::PatInput(OTHER_PAT.into())]);
    let (state, events) = state.transition(Action::Submit);
    assert!(matches!(&events[..], [Outgoing::Verifying(d)] if d.organization == "contoso"));
    let id = verifying(&state).request.id;
    let (state, events) = state.transition(Action::Verified {
        id,
        response: response(),
        pick: false,
    });
    assert!(connected_of(&state).just_verified);
    assert!(matches!(&events[..], [Outgoing::Connected(_)]));
}

// ---- reconnect mode of a Microsoft sign-in connection ---------------------------------------

fn entra_connected() -> State {
    quiet_events(
        waiting("contoso"),
        sign_in(SignIn::Connected {
            id: 1,
            response: entra_response(),
            pick: false,
        }),
    )
}

#[test]
fn sign_in_again_starts_a_sign_in_for_the_connections_organization() {
    let s = entra_connected();
    assert_eq!(connected_of(&s).connection.method, Method::Entra);
    let (s, events) = s.transition(sign_in(SignIn::Start(SignInWindow::Popup)));
    assert_eq!(events, []);
    let signing = signing_in_of(&s);
    assert_eq!(
        signing
            .organization
            .as_ref()
            .map(|o| o.organization.as_str()),
        Some("contoso")
    );
    assert_eq!(signing.window, SignInWindow::Popup);
}

#[test]
fn sign_in_again_with_a_blocked_pop_up_offers_this_window_on_the_sign_in_form() {
    let (s, events) = entra_connected().transition(sign_in(SignIn::PopupBlocked));
    assert!(matches!(&events[..], [Outgoing::Error(d)] if d.code == ErrorCode::PopupBlocked));
    assert_eq!(form(&s).fields.org_input, "contoso");
    assert_eq!(s.method(), Method::Entra);
}

#[test]
fn a_pat_only_proxy_ignores_sign_in_again() {
    let s = quiet(restored(), sign_in(SignIn::Start(SignInWindow::Popup)));
    assert!(matches!(s.screen, Screen::Connected(_)));
}

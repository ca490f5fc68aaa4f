//! The widget's thin views, one per file: plain functions from their properties to `Html`
//! (none keeps state or uses hooks, so none pays for Yew's per-component machinery). They render what they are given and
//! report what the person did through callbacks; all decisions live in [`crate::state`].

mod connect_form;
mod connected;
mod failure;
mod guidance;
mod org_field;
mod organization_choice;
mod pat_field;
mod picker;
mod scope_list;
mod sign_in_choice;
mod signing_in;

pub use connect_form::{connect_form, ConnectFormProps};
pub use connected::{connected, ConnectedProps};
pub use failure::{failure_alert, FailureAlertProps};
pub use guidance::{guidance, GuidanceProps};
pub use org_field::{org_field, OrgFieldProps};
pub use organization_choice::{organization_choice, OrganizationChoiceProps};
pub use pat_field::{pat_field, PatFieldProps};
pub use picker::{picker, PickerProps};
pub use scope_list::{scope_list, ScopeListProps};
pub use sign_in_choice::{sign_in_choice, SignInChoiceProps};
pub use signing_in::{signing_in_view, SigningInViewProps, Waiting};

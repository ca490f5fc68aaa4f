//! The widget's thin function components, one per file. They render what they are given and
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

pub use connect_form::ConnectForm;
pub use connected::Connected;
pub use failure::FailureAlert;
pub use guidance::Guidance;
pub use org_field::OrgField;
pub use organization_choice::OrganizationChoice;
pub use pat_field::PatField;
pub use picker::Picker;
pub use scope_list::ScopeList;
pub use sign_in_choice::SignInChoice;
pub use signing_in::{SigningInView, Waiting};

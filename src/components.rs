//! The widget's thin function components, one per file. They render what they are given and
//! report what the person did through callbacks; all decisions live in [`crate::state`].

mod connect_form;
mod connected;
mod failure;
mod guidance;
mod org_field;
mod pat_field;
mod picker;
mod scope_list;

pub use connect_form::ConnectForm;
pub use connected::Connected;
pub use failure::FailureAlert;
pub use guidance::Guidance;
pub use org_field::OrgField;
pub use pat_field::PatField;
pub use picker::Picker;
pub use scope_list::ScopeList;

//! The stylesheet, shared by every `<azdo-connect>` on the page.
//!
//! A constructable stylesheet in `adoptedStyleSheets` is not subject to CSP's inline-style
//! checks, so hosts need no `style-src 'unsafe-inline'`.

use std::cell::RefCell;

use web_sys::{CssStyleSheet, ShadowRoot};

use crate::Error;

/// The widget's CSS, compiled in so the package is one artifact.
pub const CSS: &str = include_str!("../static/azdo-connect.css");

thread_local! {
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

/// Adopts the shared stylesheet into `shadow`, building it on first use.
///
/// # Errors
/// [`Error::Dom`] if the browser lacks constructable stylesheets.
pub fn adopt(shadow: &ShadowRoot) -> Result<(), Error> {
    let sheet = SHEET.with(|cell| -> Result<CssStyleSheet, Error> {
        if let Some(sheet) = cell.borrow().as_ref() {
            return Ok(sheet.clone());
        }
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(CSS)?;
        *cell.borrow_mut() = Some(sheet.clone());
        Ok(sheet)
    })?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(())
}

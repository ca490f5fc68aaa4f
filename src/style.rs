//! The stylesheet, shared by every `<azdo-connect>` on the page.
//!
//! A constructable stylesheet in `adoptedStyleSheets` is not subject to CSP's inline-style
//! checks, so hosts need no `style-src 'unsafe-inline'`.

use std::cell::RefCell;

use web_sys::{CssStyleSheet, ShadowRoot};

use crate::Error;

/// The widget's CSS (`static/azdo-connect.css`, minified by `build.rs`), compiled in so the
/// package is one artifact.
pub const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/azdo-connect.min.css"));

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

#[cfg(test)]
mod tests {
    use super::CSS;

    /// The source with its comments and every whitespace character removed.
    fn squeezed(css: &str) -> String {
        let mut rest = css;
        let mut out = String::new();
        while let Some((before, after)) = rest.split_once("/*") {
            out.push_str(before);
            rest = after.split_once("*/").map_or("", |(_, after)| after);
        }
        out.push_str(rest);
        out.retain(|c| !c.is_whitespace());
        out
    }

    #[test]
    fn minifying_drops_only_comments_whitespace_and_last_semicolons() {
        let source = include_str!("../static/azdo-connect.css");
        assert!(
            CSS.len() < source.len() * 3 / 4,
            "{} of {}",
            CSS.len(),
            source.len()
        );
        assert!(!CSS.contains("/*") && !CSS.contains('\n') && !CSS.contains("  "));
        assert_eq!(squeezed(CSS), squeezed(source).replace(";}", "}"));
        // Spaces that carry meaning stay: descendant selectors, and values with several parts.
        assert!(CSS.contains(":host([theme=\"dark\"])"));
        assert!(CSS.contains("content:\"\\2713\""), "{CSS}");
    }
}

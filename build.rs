//! Minifies the widget's stylesheet into `OUT_DIR/azdo-connect.min.css`, which `src/style.rs`
//! compiles in: comments, indentation and the spaces CSS does not need take ~1 KB gzip off the
//! wasm. `static/azdo-connect.css` stays the readable source of truth.

use std::path::Path;

const SOURCE: &str = "static/azdo-connect.css";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    let css = std::fs::read_to_string(SOURCE).expect("static/azdo-connect.css is readable");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("azdo-connect.min.css"), minify(&css))
        .expect("OUT_DIR is writable");
}

/// Drops comments, turns every run of whitespace into one space, and drops that space next to
/// `{ } ; , >` and after `:`, where CSS never needs it. Quoted strings pass through untouched. A
/// space before `:` stays: `a :hover` and `a:hover` are different selectors.
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            '"' | '\'' => {
                push_space(&mut out, &mut space, c);
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    if s == '\\' {
                        out.extend(chars.next());
                    } else if s == c {
                        break;
                    }
                }
            }
            '}' if out.ends_with(';') => {
                out.pop();
                out.push('}');
                space = false;
            }
            c => {
                push_space(&mut out, &mut space, c);
                out.push(c);
            }
        }
    }
    out
}

/// Writes the pending space before `next` unless either side makes it unnecessary.
fn push_space(out: &mut String, space: &mut bool, next: char) {
    const TIGHT_AFTER: [char; 6] = ['{', '}', ';', ',', '>', ':'];
    const TIGHT_BEFORE: [char; 5] = ['{', '}', ';', ',', '>'];
    if std::mem::take(space)
        && !out.is_empty()
        && !out.ends_with(TIGHT_AFTER)
        && !TIGHT_BEFORE.contains(&next)
    {
        out.push(' ');
    }
}

//! `cargo xtask package`: the npm package and script-tag loader in `target/npm-package/`.
//!
//! No wasm-pack (it downloads tools at run time): a release build for wasm32, `wasm-bindgen
//! --target web`, npm binaryen's `wasm-opt -Oz`, then the hand-written files from `packaging/`
//! (loader, types, custom elements manifest, README), with the workspace version filled in, and
//! npm terser over every JavaScript file the package ships.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Subcommand;

use crate::process::step;
use crate::setup::{self, Needs};
use crate::wasm_build::{self, build_web, js_files, minify_js, target_dir};
use crate::{workspace_root, Result};

/// The subcommands that ship the widget, flattened into `cargo xtask`.
#[derive(Subcommand)]
pub enum Ship {
    /// Build the npm package (wasm, loader, types, manifest) into target/npm-package/.
    Package,
    /// Build the package, then run the end-to-end tests in headless chromium.
    E2e,
    /// Build the package and measure what a browser downloads (raw, gzip -9, brotli) into
    /// bench/results/size.json, against a budget of 1.5x a bare Yew page's gzip size.
    Size,
}

impl Ship {
    /// Runs the subcommand.
    pub fn run(self) -> Result {
        match self {
            Ship::Package => {
                setup::run(Needs::Tests)?;
                build().map(|_| ())
            }
            Ship::E2e => crate::e2e::run(),
            Ship::Size => {
                setup::run(Needs::Tests)?;
                size(&build()?)
            }
        }
    }
}

/// The crate and file names wasm-bindgen works with.
const CRATE_FILE: &str = "azdo_connect";
/// The package's main module: the script-tag loader.
const LOADER: &str = "azdo-connect.js";
/// The wasm wasm-bindgen writes beside its glue module.
const WASM: &str = "azdo_connect_bg.wasm";

/// Files copied from `packaging/` as they are, apart from `{{version}}`.
const TEMPLATES: [&str; 7] = [
    "azdo-connect.js",
    "define.js",
    "azdo-connect.d.ts",
    "contract.d.ts",
    "define.d.ts",
    "custom-elements.json",
    "README.md",
];

/// The package's version: the workspace's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the package is written.
pub fn out_dir() -> PathBuf {
    target_dir().join("npm-package")
}

fn packaging_dir() -> PathBuf {
    workspace_root().join("packaging")
}

/// Builds the package into [`out_dir`] and returns that directory.
pub fn build() -> Result<PathBuf> {
    let out = out_dir();
    build_web("azdo-connect", CRATE_FILE, &out)?;

    step("loader, types, manifest, README and package.json from packaging/");
    for name in TEMPLATES {
        let text = read(&packaging_dir().join(name))?;
        write(&out.join(name), &fill(&text))?;
    }
    let manifest = package_json(&read(&packaging_dir().join("package.json"))?)?;
    write(&out.join("package.json"), &manifest)?;

    step("terser: minify the JavaScript the browser downloads (npm terser)");
    for file in js_files(&out)? {
        // The loader's header comment (how to load it from a CDN) goes with the rest: keep that
        // line, it is what someone opening the file wants.
        let usage = file.ends_with(LOADER).then(|| {
            format!(
                "<script type=\"module\" src=\"https://cdn.example/azdo-connect@{VERSION}/{LOADER}\"></script>"
            )
        });
        minify_js(&file, usage.as_deref())?;
    }

    check_no_dynamic_code(&out)?;
    check_files_listed(&out, &manifest)?;
    report_sizes(&out)?;
    Ok(out)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn fill(template: &str) -> String {
    template.replace("{{version}}", VERSION)
}

/// The template with the workspace's version filled in. Filled as text, not re-serialized, so
/// key order survives: in `exports`, `types` must come before `default`.
fn package_json(template: &str) -> Result<String> {
    let text = fill(template);
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("packaging/package.json is not JSON: {e}"))?;
    if manifest["version"] != VERSION {
        return Err("packaging/package.json must have \"version\": \"{{version}}\"".into());
    }
    if manifest["license"] != env!("CARGO_PKG_LICENSE") {
        return Err(format!(
            "packaging/package.json's license must be the workspace's ({})",
            env!("CARGO_PKG_LICENSE")
        ));
    }
    Ok(text)
}

/// What a strict CSP without `'unsafe-eval'` refuses to run.
fn dynamic_code(source: &str) -> Option<&'static str> {
    const PATTERNS: [&str; 3] = ["eval(", "new Function", "Function("];
    PATTERNS.into_iter().find(|pattern| {
        source.match_indices(pattern).any(|(at, _)| {
            // `foo.eval(`/`xFunction(` are other names, and text opening a string literal
            // (wasm-bindgen's debug formatting writes `Function(${name})`) is not a call.
            let before = source[..at].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || "_$.`'\"".contains(c))
        })
    })
}

/// Hosts with a strict CSP allow `'wasm-unsafe-eval'` but not `'unsafe-eval'`: fail the build
/// if the glue or loader ever needs the latter.
fn check_no_dynamic_code(dir: &Path) -> Result {
    for file in js_files(dir)? {
        if let Some(pattern) = dynamic_code(&read(&file)?) {
            return Err(format!(
                "{} uses `{pattern}`, which needs CSP 'unsafe-eval'",
                file.display()
            ));
        }
    }
    Ok(())
}

/// Every `exports` target must exist and be covered by `files`, or `npm pack` drops it.
fn check_files_listed(dir: &Path, manifest: &str) -> Result {
    let manifest: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| format!("package.json: {e}"))?;
    let files: Vec<&str> = manifest["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    for target in export_targets(&manifest["exports"]) {
        let relative = target.trim_start_matches("./");
        if !dir.join(relative).is_file() {
            return Err(format!(
                "package.json exports {target}, which was not built"
            ));
        }
        if relative != "package.json" && !files.contains(&relative) {
            return Err(format!(
                "package.json exports {target} but `files` omits it"
            ));
        }
    }
    Ok(())
}

fn export_targets(exports: &serde_json::Value) -> Vec<String> {
    match exports {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Object(map) => map.values().flat_map(export_targets).collect(),
        _ => Vec::new(),
    }
}

/// What the browser downloads for an English page: the loader, the glue, the element snippet
/// and the wasm. The German and French words (`snippets/…/locales/`) are imported only when
/// `lang` asks for them.
pub fn shipped_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = js_files(dir)?
        .into_iter()
        .filter(|p| !p.ends_with("define.js") && !is_locale(p))
        .collect();
    files.push(dir.join(WASM));
    Ok(files)
}

/// A language module, loaded on demand.
fn is_locale(path: &Path) -> bool {
    path.parent().is_some_and(|dir| dir.ends_with("locales"))
}

fn report_sizes(dir: &Path) -> Result {
    let mut total = 0;
    for file in shipped_files(dir)? {
        let len = std::fs::metadata(&file)
            .map_err(|e| format!("cannot stat {}: {e}", file.display()))?
            .len();
        total += len;
        let name = file.strip_prefix(dir).unwrap_or(&file);
        println!("    {:>9} B  {}", len, name.display());
    }
    println!("    {total:>9} B  total (uncompressed; `cargo xtask e2e` runs the browser tests)");
    println!("    package: {}", dir.display());
    Ok(())
}

/// The download budget for the widget: every file the browser fetches, gzip -9, at most this
/// many times what a bare Yew page (`bench/baseline`) built the same way downloads. A ratio, so the
/// budget follows Yew and the toolchain rather than a number fixed in one year.
pub const MAX_RATIO: f64 = 1.5;

/// The widget's gzip total over the baseline's.
fn ratio(total: &Size, baseline: &Size) -> f64 {
    total.gzip as f64 / baseline.gzip.max(1) as f64
}

/// One measured file (or the total).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Size {
    file: String,
    raw: u64,
    gzip: u64,
    brotli: u64,
}

/// Measures what the browser downloads from the package in `dir` and stores the figures in
/// `bench/results/size.json` and a table in `bench/results/README.md`. The budget verdict is
/// reported, not enforced: size is a measurement, not a test.
pub fn size(dir: &Path) -> Result {
    step("size of what the browser downloads (raw, gzip -9, brotli 11)");
    let (rows, total) = measure(dir, &shipped_files(dir)?)?;
    // The same profile, bindgen, wasm-opt and terser on a bare Yew page: the part of the budget
    // the framework takes before the widget adds anything.
    let baseline_dir = wasm_build::build_baseline()?;
    let baseline_files = js_files(&baseline_dir)?
        .into_iter()
        .chain(std::iter::once(
            baseline_dir.join(wasm_build::BASELINE_WASM),
        ))
        .collect::<Vec<_>>();
    let (_, baseline) = measure(&baseline_dir, &baseline_files)?;
    let table = size_table(&rows, &total, &baseline);
    println!("\n{table}");

    let results = workspace_root().join("bench/results");
    std::fs::create_dir_all(&results)
        .map_err(|e| format!("cannot create {}: {e}", results.display()))?;
    let json = serde_json::json!({
        "package": "azdo-connect",
        "version": VERSION,
        "what": "every file a browser downloads for <azdo-connect>: loader, wasm-bindgen glue, element snippet, wasm",
        "compression": { "gzip": "level 9 (node zlib)", "brotli": "quality 11 (node zlib)" },
        "files": rows.iter().map(size_json).collect::<Vec<_>>(),
        "total": size_json(&total),
        "budget": {
            "maxRatio": MAX_RATIO,
            "ratio": (ratio(&total, &baseline) * 1000.0).round() / 1000.0,
            "pass": ratio(&total, &baseline) <= MAX_RATIO,
        },
        "baseline": {
            "what": "a bare Yew page (one input, one button) built the same way: bench/baseline",
            "total": size_json(&baseline),
        },
    });
    let mut text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    text.push('\n');
    write(&results.join("size.json"), &text)?;
    let readme = results.join("README.md");
    let existing = std::fs::read_to_string(&readme).unwrap_or_default();
    write(&readme, &with_size_section(&existing, &table))?;
    println!(
        "    wrote {} and the table in {}",
        results.join("size.json").display(),
        readme.display()
    );
    Ok(())
}

/// Each file's gzip -9 size (node's zlib, as [`size`] measures), in the order of `paths`.
pub fn gzip_sizes(dir: &Path, paths: &[PathBuf]) -> Result<Vec<u64>> {
    Ok(measure(dir, paths)?.0.iter().map(|row| row.gzip).collect())
}

/// Each file's sizes (paths relative to `dir`) and their total, from `packaging/size.mjs`.
fn measure(dir: &Path, paths: &[PathBuf]) -> Result<(Vec<Size>, Size)> {
    let files: Vec<String> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let out = Command::new("node")
        .arg(packaging_dir().join("size.mjs"))
        .arg(dir)
        .args(&files)
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("could not start node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "packaging/size.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let rows = parse_sizes(&String::from_utf8_lossy(&out.stdout))?;
    let total = rows.iter().fold(
        Size {
            file: "total".into(),
            ..Size::default()
        },
        |t, r| Size {
            raw: t.raw + r.raw,
            gzip: t.gzip + r.gzip,
            brotli: t.brotli + r.brotli,
            ..t
        },
    );
    Ok((rows, total))
}

fn parse_sizes(json: &str) -> Result<Vec<Size>> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("size.mjs printed no JSON: {e}"))?;
    let number = |row: &serde_json::Value, key: &str| -> Result<u64> {
        row[key]
            .as_u64()
            .ok_or_else(|| format!("size.mjs: `{key}` is not a number in {row}"))
    };
    value["files"]
        .as_array()
        .ok_or("size.mjs: no `files`")?
        .iter()
        .map(|row| {
            Ok(Size {
                file: row["file"].as_str().unwrap_or_default().to_owned(),
                raw: number(row, "raw")?,
                gzip: number(row, "gzip")?,
                brotli: number(row, "brotli")?,
            })
        })
        .collect()
}

fn size_json(size: &Size) -> serde_json::Value {
    serde_json::json!({ "file": size.file, "raw": size.raw, "gzip": size.gzip, "brotli": size.brotli })
}

/// `12345` → `12,345`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn size_table(rows: &[Size], total: &Size, baseline: &Size) -> String {
    let mut table =
        String::from("| file | raw (B) | gzip -9 (B) | brotli (B) |\n|---|---:|---:|---:|\n");
    for row in rows {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            row.file,
            grouped(row.raw),
            grouped(row.gzip),
            grouped(row.brotli)
        ));
    }
    table.push_str(&format!(
        "| **total** | **{}** | **{}** | **{}** |\n",
        grouped(total.raw),
        grouped(total.gzip),
        grouped(total.brotli)
    ));
    let ratio = ratio(total, baseline);
    let verdict = if ratio <= MAX_RATIO { "pass" } else { "FAIL" };
    table.push_str(&format!(
        "\nA bare Yew page (one input, one button; `bench/baseline`) built the same way downloads \
         {} B gzip ({} B brotli).\nRatio (widget / bare Yew, gzip): **{ratio:.2}x**; budget \
         ≤ {MAX_RATIO:.1}x: **{verdict}**.\n",
        grouped(baseline.gzip),
        grouped(baseline.brotli),
    ));
    table
}

const SIZE_START: &str = "<!-- size:start (cargo xtask size) -->";
const SIZE_END: &str = "<!-- size:end -->";

/// Replaces (or appends) only the size section, so other benchmarks' tables in the same README
/// are kept.
fn with_size_section(readme: &str, table: &str) -> String {
    let section = format!(
        "{SIZE_START}\n## Widget download size\n\n`cargo xtask size`: what a browser downloads for \
         `<azdo-connect>` {VERSION} (release build, `wasm-opt -Oz`, terser).\n\n{table}{SIZE_END}\n"
    );
    match (readme.find(SIZE_START), readme.find(SIZE_END)) {
        (Some(start), Some(end)) if end > start => {
            let after = &readme[end + SIZE_END.len()..];
            format!(
                "{}{section}{}",
                &readme[..start],
                after.strip_prefix('\n').unwrap_or(after)
            )
        }
        _ if readme.trim().is_empty() => format!("# Benchmark results\n\n{section}"),
        _ => format!("{}\n\n{section}", readme.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn template(name: &str) -> String {
        read(&packaging_dir().join(name)).unwrap()
    }

    fn manifest() -> serde_json::Value {
        serde_json::from_str(&template("custom-elements.json")).unwrap()
    }

    fn element() -> serde_json::Value {
        manifest()["modules"][0]["declarations"][0].clone()
    }

    fn names(list: &serde_json::Value) -> BTreeSet<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Quoted strings in `source` between `start` and the next `end`.
    fn quoted_between(source: &str, start: &str, end: &str) -> Vec<String> {
        let from = source.find(start).unwrap() + start.len();
        let block = &source[from..from + source[from..].find(end).unwrap()];
        block
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    fn camel(attribute: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in attribute.chars() {
            match (c, upper) {
                ('-', _) => upper = true,
                (c, true) => {
                    out.extend(c.to_uppercase());
                    upper = false;
                }
                (c, false) => out.push(c),
            }
        }
        out
    }

    #[test]
    fn manifest_and_types_cover_every_observed_attribute() {
        let config = read(&workspace_root().join("src/config.rs")).unwrap();
        let observed = quoted_between(&config, "OBSERVED_ATTRIBUTES", "];");
        assert!(observed.contains(&"proxy-url".to_owned()), "{observed:?}");
        let element = element();
        let attributes = names(&element["attributes"]);
        assert_eq!(attributes, observed.iter().cloned().collect());
        let types = template("azdo-connect.d.ts");
        for attribute in &observed {
            let property = camel(attribute);
            assert!(
                types.contains(&format!("get {property}()"))
                    || types.contains(&format!("  {property}: ")),
                "azdo-connect.d.ts lacks the `{property}` property"
            );
            assert!(names(&element["members"]).contains(&property), "{property}");
        }
        assert!(types.contains("strings: "), "the `strings` property");
    }

    #[test]
    fn manifest_and_types_cover_every_event() {
        let events = read(&workspace_root().join("src/events.rs")).unwrap();
        let dispatched: BTreeSet<String> = events
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .filter_map(|l| l.split('"').nth(1))
            .map(str::to_owned)
            .collect();
        assert_eq!(dispatched.len(), 6, "{dispatched:?}");
        assert_eq!(names(&element()["events"]), dispatched);
        let types = template("azdo-connect.d.ts");
        let readme = template("README.md");
        for event in &dispatched {
            assert!(
                types.contains(&format!("\"{event}\": CustomEvent<")),
                "{event} in d.ts"
            );
            assert!(
                readme.contains(&format!("| `{event}` |")),
                "{event} in README"
            );
        }
    }

    #[test]
    fn manifest_lists_the_parts_and_custom_properties_the_widget_styles() {
        let mut parts = BTreeSet::new();
        let mut pending = vec![workspace_root().join("src")];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir)
                .unwrap()
                .map_while(std::io::Result::ok)
            {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    let source = read(&path).unwrap();
                    for chunk in source.split("part=\"").skip(1) {
                        let value = &chunk[..chunk.find('"').unwrap()];
                        parts.extend(value.split_whitespace().map(str::to_owned));
                    }
                }
            }
        }
        assert!(parts.contains("container"), "{parts:?}");
        assert_eq!(names(&element()["cssParts"]), parts);

        let css = read(&workspace_root().join("static/azdo-connect.css")).unwrap();
        let host = &css[css.find(":host {").unwrap()..];
        let host = &host[..host.find('}').unwrap()];
        let properties: BTreeSet<String> = host
            .lines()
            .filter_map(|l| l.trim().strip_prefix("--"))
            .filter_map(|l| l.split(':').next())
            .map(|name| format!("--{name}"))
            .collect();
        assert!(properties.contains("--azdo-accent"), "{properties:?}");
        assert_eq!(names(&element()["cssProperties"]), properties);
    }

    #[test]
    fn package_json_gets_the_workspace_version_and_keeps_exports_in_files() {
        let text = package_json(&template("package.json")).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(manifest["name"], "azdo-connect");
        assert_eq!(manifest["version"], VERSION);
        assert_eq!(manifest["type"], "module");
        assert_eq!(manifest["exports"]["."]["default"], "./azdo-connect.js");
        assert_eq!(manifest["exports"]["."]["types"], "./azdo-connect.d.ts");
        assert_eq!(manifest["customElements"], "custom-elements.json");
        // Conditions match in order: TypeScript must meet `types` before `default`.
        let dot = &text[text.find("\".\": {").unwrap()..];
        assert!(dot.find("\"types\"").unwrap() < dot.find("\"default\"").unwrap());
        let files: Vec<&str> = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for target in export_targets(&manifest["exports"]) {
            let target = target.trim_start_matches("./");
            assert!(
                target == "package.json" || files.contains(&target),
                "{target}"
            );
        }
        for template in TEMPLATES {
            assert!(
                files.contains(&template),
                "{template} is built but not packed"
            );
        }
    }

    #[test]
    fn dynamic_code_is_found_but_similar_names_are_not() {
        assert_eq!(
            dynamic_code("const f = new Function('x', 'return x')"),
            Some("new Function")
        );
        assert_eq!(dynamic_code("eval(\"1\")"), Some("eval("));
        assert_eq!(
            dynamic_code("x = Function('return this')()"),
            Some("Function(")
        );
        assert_eq!(
            dynamic_code("wasm.eval(1); myFunction(2); typeof Function"),
            None
        );
        assert_eq!(dynamic_code("debug = `Function(${val.name})`"), None);
        for template in ["azdo-connect.js", "define.js"] {
            assert_eq!(dynamic_code(&self::template(template)), None, "{template}");
        }
    }

    #[test]
    fn size_table_sums_and_judges_the_budget() {
        let rows = parse_sizes(
            r#"{"files":[{"file":"a.js","raw":1000,"gzip":400,"brotli":300},{"file":"b.wasm","raw":200000,"gzip":99700,"brotli":80000}]}"#,
        )
        .unwrap();
        let total = Size {
            file: "total".into(),
            raw: 201_000,
            gzip: 100_100,
            brotli: 80_300,
        };
        let baseline = Size {
            file: "total".into(),
            raw: 190_000,
            gzip: 74_500,
            brotli: 60_000,
        };
        let table = size_table(&rows, &total, &baseline);
        assert!(
            table.contains("| `b.wasm` | 200,000 | 99,700 | 80,000 |"),
            "{table}"
        );
        assert!(table.contains("**100,100**"), "{table}");
        assert!(
            table.contains("downloads 74,500 B gzip (60,000 B brotli)"),
            "{table}"
        );
        assert!(table.contains("**1.34x**"), "{table}");
        assert!(table.contains("≤ 1.5x: **pass**"), "{table}");
        let heavy = Size {
            gzip: 111_800,
            ..total.clone()
        };
        let table = size_table(&rows, &heavy, &baseline);
        assert!(
            table.contains("**1.50x**") && table.contains("**FAIL**"),
            "{table}"
        );
        assert!(parse_sizes(r#"{"files":[{"file":"x","raw":"big"}]}"#).is_err());
    }

    #[test]
    fn size_section_replaces_only_itself() {
        let first = with_size_section("", "T1\n");
        assert!(first.starts_with("# Benchmark results"));
        let others = format!("{first}\n## Proxy\n\nfigures\n");
        let second = with_size_section(&others, "T2\n");
        assert!(second.contains("T2") && !second.contains("T1"), "{second}");
        assert!(second.contains("## Proxy\n\nfigures"), "{second}");
        assert_eq!(second.matches(SIZE_START).count(), 1);
        let appended = with_size_section("# Results\n\n## Proxy\n", "T3\n");
        assert!(appended.starts_with("# Results\n\n## Proxy\n\n"));
        assert!(appended.ends_with(&format!("{SIZE_END}\n")));
    }

    #[test]
    fn the_loader_resolves_the_wasm_next_to_itself() {
        const GLUE: &str = "azdo_connect.js";
        let loader = template("azdo-connect.js");
        assert!(loader.contains(&format!("from \"./{GLUE}\"")));
        assert!(loader.contains(&format!("new URL(\"./{WASM}\", import.meta.url)")));
        assert!(loader.contains("module_or_path"));
    }
}

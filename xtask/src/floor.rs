//! `cargo xtask bench floor`: where the widget's gzipped wasm goes beyond the bare Yew page, part
//! by part, and so how low the bundle could go with this stack.
//!
//! Both modules are built exactly as `bench size` builds them, then optimised once more with
//! function names kept (`wasm-opt -g`), which only adds the `name` section. Each function is put in
//! a part by its name (the widget's own code, Yew, Rust's standard library, serde, the
//! browser bindings). A part's size is its *marginal* gzip size: how much smaller the gzipped
//! module (names dropped, as shipped) gets when that part's function bodies become `unreachable`,
//! or, for data, when the data segments are zeroed. Marginal sizes of all parts add up to within
//! about a kilobyte of the whole; what is left is the module's structure (imports, exports, types,
//! tables). `docs/architecture.md` (Bundle size) reads the figures.

use std::ops::Range;
use std::path::{Path, PathBuf};

use wasm_encoder::{CodeSection, Module, RawSection};
use wasmparser::{Name, Parser, Payload};

use crate::process::step;
use crate::{package, setup, wasm_build, workspace_root, Result};

/// The parts, in the order the table lists them.
const PARTS: [Part; 6] = [
    Part::Ours,
    Part::Yew,
    Part::Std,
    Part::Serde,
    Part::Bindings,
    Part::Unnamed,
];

/// What a function belongs to, by its name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    /// The crate's own code: ours, the core's, and Yew's or std's generic code instantiated for
    /// our components, hooks and closures.
    Ours,
    /// Yew and the crates it brings (hashbrown, indexmap, implicit-clone, slab…).
    Yew,
    /// Rust's standard library and the allocator: formatting, strings, collections, panics.
    Std,
    /// serde and serde-wasm-bindgen.
    Serde,
    /// wasm-bindgen, js-sys, web-sys, gloo, futures.
    Bindings,
    /// Functions without a name in the name section, or from another crate.
    Unnamed,
}

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::Ours => "the widget's own code (views, hooks, reducer, API calls, contract types, normalizer)",
            Part::Yew => "Yew (hooks, listeners, reconciliation)",
            Part::Std => "Rust's standard library and the allocator (formatting, strings, collections)",
            Part::Serde => "serde and serde-wasm-bindgen",
            Part::Bindings => "wasm-bindgen, js-sys, web-sys, gloo, futures",
            Part::Unnamed => "other code (no name, or another crate)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Part::Ours => "ours",
            Part::Yew => "yew",
            Part::Std => "std",
            Part::Serde => "serde",
            Part::Bindings => "bindings",
            Part::Unnamed => "other",
        }
    }

    /// The part of a function named `name` (a demangled Rust path, as rustc writes it).
    fn of(name: &str) -> Part {
        // Generic code whose body is ours: a component's view, the reducer, an effect, a closure.
        const OURS_INSIDE: [&str; 5] = [
            "lifecycle::Stateful>::view",
            "use_reducer_base::HookProvider<T,F> as yew::functional::hooks::Hook>::run::{{closure}}",
            "UseEffectBase<T,F,D>>>::rendered",
            "as yew::functional::FunctionProvider>::run",
            "core::ops::function::",
        ];
        if name.contains("azdo_connect") || OURS_INSIDE.iter().any(|p| name.contains(p)) {
            return Part::Ours;
        }
        let first = name
            .trim_start_matches(['<', '&'])
            .trim_start_matches("mut ")
            .trim_start_matches("dyn ");
        let krate = first
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        match krate {
            "core" | "alloc" | "std" | "dlmalloc" | "talc" | "compiler_builtins" | "char"
            | "str" | "T" | "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i32" | "i64"
            | "isize" | "f64" | "bool" | "_" => Part::Std,
            "yew" | "implicit_clone" | "prokio" | "indexmap" | "hashbrown" | "slab" | "bincode"
            | "pin_project" => Part::Yew,
            "serde" | "serde_core" | "serde_wasm_bindgen" | "serde_json" => Part::Serde,
            "wasm_bindgen"
            | "js_sys"
            | "web_sys"
            | "wasm_bindgen_futures"
            | "gloo_net"
            | "gloo_utils"
            | "gloo_timers"
            | "gloo_events"
            | "gloo"
            | "gloo_console"
            | "futures_util"
            | "futures_core"
            | "futures_channel"
            | "futures" => Part::Bindings,
            _ => Part::Unnamed,
        }
    }
}

/// A parsed module: where its sections, function bodies and data are, and its functions' parts.
struct Wasm {
    bytes: Vec<u8>,
    /// Every section but custom ones: (id, contents).
    sections: Vec<(u8, Range<usize>)>,
    /// Each function body (without its size prefix) and its part.
    bodies: Vec<(Range<usize>, Part)>,
    /// The contents of each data segment.
    data: Vec<Range<usize>>,
}

impl Wasm {
    fn parse(bytes: Vec<u8>) -> Result<Wasm> {
        let err = |e: wasmparser::BinaryReaderError| format!("unreadable wasm: {e}");
        let mut sections = Vec::new();
        let mut bodies = Vec::new();
        let mut data = Vec::new();
        let mut imported = 0u32;
        let mut names = std::collections::HashMap::new();
        for payload in Parser::new(0).parse_all(&bytes) {
            let payload = payload.map_err(err)?;
            if let Some((id, range)) = payload.as_section() {
                if id != 0 {
                    sections.push((id, range));
                }
            }
            match payload {
                Payload::ImportSection(reader) => {
                    for import in reader {
                        if matches!(import.map_err(err)?.ty, wasmparser::TypeRef::Func(_)) {
                            imported += 1;
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => bodies.push(body.range()),
                Payload::DataSection(reader) => {
                    for segment in reader {
                        let segment = segment.map_err(err)?;
                        let end = segment.range.end;
                        data.push(end - segment.data.len()..end);
                    }
                }
                Payload::CustomSection(custom) => {
                    if let wasmparser::KnownCustom::Name(reader) = custom.as_known() {
                        for name in reader {
                            if let Name::Function(map) = name.map_err(err)? {
                                for naming in map {
                                    let naming = naming.map_err(err)?;
                                    names.insert(naming.index, naming.name.to_owned());
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let bodies = bodies
            .into_iter()
            .zip(imported..)
            .map(|(range, index)| {
                let part = names.get(&index).map_or(Part::Unnamed, |n| Part::of(n));
                (range, part)
            })
            .collect();
        Ok(Wasm {
            bytes,
            sections,
            bodies,
            data,
        })
    }

    /// The module without custom sections, with the bodies of `stubbed` parts reduced to
    /// `unreachable` and, if `zero_data`, every data byte zeroed.
    fn rebuild(&self, stubbed: &[Part], zero_data: bool) -> Vec<u8> {
        let mut bytes = self.bytes.clone();
        if zero_data {
            for range in &self.data {
                bytes[range.clone()].fill(0);
            }
        }
        let mut module = Module::new();
        for (id, range) in &self.sections {
            if *id == wasm_encoder::SectionId::Code as u8 {
                let mut code = CodeSection::new();
                for (body, part) in &self.bodies {
                    if stubbed.contains(part) {
                        // No locals; `unreachable`; `end`.
                        code.raw(&[0x00, 0x00, 0x0b]);
                    } else {
                        code.raw(&bytes[body.clone()]);
                    }
                }
                module.section(&code);
            } else {
                module.section(&RawSection {
                    id: *id,
                    data: &bytes[range.clone()],
                });
            }
        }
        module.finish()
    }
}

/// One module's figures, gzip -9 bytes.
#[derive(Debug, Default, Clone)]
struct Figures {
    total: u64,
    parts: Vec<(Part, u64)>,
    data: u64,
    structure: u64,
}

/// Measures the widget and the baseline, prints the table, writes `bench/results/floor.json` and
/// returns the table for the results README.
pub fn run() -> Result<String> {
    setup::run(setup::Needs::Tests)?;
    let widget_dir = package::build()?;
    let baseline_dir = wasm_build::build_baseline()?;
    let out = wasm_build::target_dir().join("bench-floor");
    let release = wasm_build::target_dir().join("wasm32-unknown-unknown/release");
    let mut figures = Vec::new();
    for (name, crate_file) in [
        ("widget", "azdo_connect"),
        ("baseline", "azdo_connect_bench_baseline"),
    ] {
        step(&format!(
            "{name}: wasm-opt -g, then each part removed in turn"
        ));
        let named =
            wasm_build::named_wasm(&release.join(format!("{crate_file}.wasm")), &out.join(name))?;
        let bytes = std::fs::read(&named).map_err(|e| format!("{}: {e}", named.display()))?;
        figures.push(measure(&Wasm::parse(bytes)?, &out.join(name))?);
    }
    // The JavaScript a browser downloads: for the widget, what `bench size` counts (not the
    // German and French words, which load only when asked for).
    let js = |dir: &Path, files: Vec<PathBuf>| -> Result<u64> {
        let files: Vec<PathBuf> = files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|x| x == "js"))
            .collect();
        Ok(package::gzip_sizes(dir, &files)?.iter().sum())
    };
    let widget_js = js(&widget_dir, package::shipped_files(&widget_dir)?)?;
    let baseline_js = js(&baseline_dir, wasm_build::js_files(&baseline_dir)?)?;
    let table = table(&figures[0], &figures[1], widget_js, baseline_js);
    println!("\n{table}");
    let json = floor_json(&figures[0], &figures[1], widget_js, baseline_js);
    let path = workspace_root().join("bench/results/floor.json");
    let mut text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("    wrote {}", path.display());
    Ok(table)
}

/// Writes the variants of `wasm` into `dir` and gzips them all in one go.
fn measure(wasm: &Wasm, dir: &Path) -> Result<Figures> {
    let mut variants: Vec<(String, Vec<u8>)> = vec![("full".into(), wasm.rebuild(&[], false))];
    for part in PARTS {
        variants.push((part.key().into(), wasm.rebuild(&[part], false)));
    }
    variants.push(("data".into(), wasm.rebuild(&[], true)));
    let files: Vec<PathBuf> = variants
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(format!("floor-{name}.wasm"));
            std::fs::write(&path, bytes).map(|()| path)
        })
        .collect::<std::io::Result<_>>()
        .map_err(|e| format!("cannot write the variants: {e}"))?;
    let sizes = package::gzip_sizes(dir, &files)?;
    let total = sizes[0];
    let parts: Vec<(Part, u64)> = PARTS
        .iter()
        .zip(&sizes[1..=PARTS.len()])
        .map(|(part, size)| (*part, total.saturating_sub(*size)))
        .collect();
    let data = total.saturating_sub(sizes[PARTS.len() + 1]);
    let counted: u64 = parts.iter().map(|(_, s)| s).sum::<u64>() + data;
    Ok(Figures {
        total,
        parts,
        data,
        structure: total.saturating_sub(counted),
    })
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn signed_kb(bytes: i64) -> String {
    format!(
        "{}{:.1} KB",
        if bytes < 0 { "−" } else { "+" },
        bytes.abs() as f64 / 1000.0
    )
}

/// The markdown table: each part in the widget and the baseline, and what the widget adds.
fn table(widget: &Figures, baseline: &Figures, widget_js: u64, baseline_js: u64) -> String {
    let mut rows = vec![
        "## Where the widget's bytes go (gzip -9, marginal)".to_owned(),
        String::new(),
        "| part | widget | bare Yew page | added |".to_owned(),
        "|---|---:|---:|---:|".to_owned(),
    ];
    let mut row = |label: &str, w: u64, b: u64| {
        rows.push(format!(
            "| {label} | {} | {} | {} |",
            kb(w),
            kb(b),
            signed_kb(w as i64 - b as i64)
        ));
    };
    for ((part, w), (_, b)) in widget.parts.iter().zip(&baseline.parts) {
        row(part.label(), *w, *b);
    }
    row(
        "data (strings, tables, the stylesheet)",
        widget.data,
        baseline.data,
    );
    row(
        "the module's structure (imports, exports, types, tables)",
        widget.structure,
        baseline.structure,
    );
    row(
        "JavaScript: loader, glue, element class",
        widget_js,
        baseline_js,
    );
    let (w_total, b_total) = (widget.total + widget_js, baseline.total + baseline_js);
    row("**total**", w_total, b_total);
    let ours = widget.parts[0].1;
    let rest = w_total - ours;
    rows.push(String::new());
    rows.push(format!(
        "Everything but the widget's own code: {} gzip, **{:.2}×** the bare Yew page ({}); the widget's own code adds {}.",
        kb(rest),
        rest as f64 / b_total as f64,
        kb(b_total),
        kb(ours)
    ));
    rows.join("\n")
}

fn floor_json(
    widget: &Figures,
    baseline: &Figures,
    widget_js: u64,
    baseline_js: u64,
) -> serde_json::Value {
    let module = |f: &Figures, js: u64| {
        let mut parts = serde_json::Map::new();
        for (part, size) in &f.parts {
            parts.insert(part.key().into(), (*size).into());
        }
        parts.insert("data".into(), f.data.into());
        parts.insert("structure".into(), f.structure.into());
        parts.insert("javascript".into(), js.into());
        serde_json::json!({ "wasmGzip": f.total, "totalGzip": f.total + js, "parts": parts })
    };
    let ours = widget.parts[0].1;
    let b_total = baseline.total + baseline_js;
    let rest = widget.total + widget_js - ours;
    serde_json::json!({
        "what": "marginal gzip -9 bytes of each part of the widget's and the bare Yew page's wasm: how much smaller the gzipped module gets without that part (bodies unreachable, data zeroed)",
        "widget": module(widget, widget_js),
        "baseline": module(baseline, baseline_js),
        "withoutOwnCode": { "gzip": rest, "ratio": ((rest as f64 / b_total as f64) * 100.0).round() / 100.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_put_in_parts_by_their_names() {
        let cases = [
            ("azdo_connect::hooks::use_verify::inner_fn::{{closure}}", Part::Ours),
            ("<yew::html::component::lifecycle::CompStateInner<COMP> as yew::html::component::lifecycle::Stateful>::view", Part::Ours),
            ("core::ops::function::FnOnce::call_once{{vtable.shim}}", Part::Ours),
            ("yew::dom_bundle::blist::<impl yew::dom_bundle::traits::Reconcilable for yew::virtual_dom::vlist::VList>::reconcile", Part::Yew),
            ("<dlmalloc::dlmalloc::Dlmalloc<A>>::malloc", Part::Std),
            ("core::fmt::write", Part::Std),
            ("<serde_wasm_bindgen::de::Deserializer as serde_core::de::Deserializer>::deserialize_struct", Part::Serde),
            ("wasm_bindgen::externref::insert", Part::Bindings),
            ("<&mut web_sys::Element as x>::f", Part::Bindings),
            ("some_other_crate::f", Part::Unnamed),
        ];
        for (name, part) in cases {
            assert_eq!(Part::of(name), part, "{name}");
        }
    }

    #[test]
    fn a_rebuilt_module_without_changes_is_the_module_without_custom_sections() {
        // (module (func (result i32) i32.const 7) (data (i32.const 16) "hi") (@custom "c" "x"))
        let module = wasm_encoder_module();
        let wasm = Wasm::parse(module.clone()).unwrap();
        assert_eq!(wasm.bodies.len(), 1);
        assert_eq!(wasm.data.len(), 1);
        assert_eq!(&wasm.bytes[wasm.data[0].clone()], b"hi");
        let plain = wasm.rebuild(&[], false);
        assert!(plain.len() < module.len(), "the custom section is dropped");
        let stubbed = Wasm::parse(wasm.rebuild(&[Part::Unnamed], true)).unwrap();
        assert_eq!(
            &stubbed.bytes[stubbed.bodies[0].0.clone()],
            &[0x00, 0x00, 0x0b]
        );
        assert_eq!(&stubbed.bytes[stubbed.data[0].clone()], &[0, 0]);
    }

    fn wasm_encoder_module() -> Vec<u8> {
        use wasm_encoder::{
            ConstExpr, CustomSection, DataSection, FunctionSection, Instruction, MemorySection,
            MemoryType, TypeSection, ValType,
        };
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], [ValType::I32]);
        module.section(&types);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut memory = MemorySection::new();
        memory.memory(MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        module.section(&memory);
        let mut code = CodeSection::new();
        let mut body = wasm_encoder::Function::new([]);
        body.instruction(&Instruction::I32Const(7));
        body.instruction(&Instruction::End);
        code.function(&body);
        module.section(&code);
        let mut data = DataSection::new();
        data.active(0, &ConstExpr::i32_const(16), b"hi".iter().copied());
        module.section(&data);
        module.section(&CustomSection {
            name: "c".into(),
            data: b"x".as_slice().into(),
        });
        module.finish()
    }

    #[test]
    fn the_table_shows_what_the_widget_adds_and_the_ratio_without_its_own_code() {
        let figures = |ours, yew| Figures {
            total: ours + yew + 10_000,
            parts: vec![
                (Part::Ours, ours),
                (Part::Yew, yew),
                (Part::Std, 5_000),
                (Part::Serde, 0),
                (Part::Bindings, 0),
                (Part::Unnamed, 0),
            ],
            data: 4_000,
            structure: 1_000,
        };
        let text = table(
            &figures(60_000, 30_000),
            &figures(2_000, 28_000),
            10_000,
            4_000,
        );
        assert!(text.contains("| +58.0 KB |"), "{text}");
        // (60 + 30 + 10 + 10 − 60) / (2 + 28 + 10 + 4)
        assert!(text.contains("50.0 KB gzip, **1.14×**"), "{text}");
    }
}

//! The invariants of ARCHITECTURE.md, checked on the source text.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &str) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// The code before a file's `#[cfg(test)]` module (tests come last, by convention).
fn non_test(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

fn offenders(dir: &str, needles: &[&str], skip: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in rust_files(dir) {
        if skip(&path) {
            continue;
        }
        for (n, line) in non_test(&text).lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                if code.contains(needle) {
                    found.push(format!(
                        "{}:{}: {needle}",
                        path.strip_prefix(root()).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn the_core_imports_no_browser_crate() {
    let found = offenders(
        "src/core",
        &["leptos", "web_sys", "js_sys", "wasm_bindgen", "gloo"],
        |_| false,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_core_does_not_panic_on_purpose() {
    let found = offenders(
        "src/core",
        &[
            ".unwrap()",
            ".expect(",
            "panic!(",
            "unreachable!(",
            "todo!(",
            "unimplemented!(",
        ],
        |_| false,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_page_never_parses_files() {
    // The UI thread talks to the worker through `core::protocol` only.
    let found = offenders(
        "src/ui",
        &[
            "core::formats",
            "core::engine",
            "core::sniff",
            "core::json",
            "core::evidence::Current",
            "core::kpi",
        ],
        |_| false,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn markup_from_strings_only_for_chart_svg() {
    let found = offenders(
        "src",
        &["inner_html", "set_inner_html", "outer_html"],
        |p| p.ends_with("ui/chart.rs"),
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_inline_styles_or_scripts_under_the_csp() {
    // `style-src 'self'` refuses style attributes set as markup; plotters uses presentation
    // attributes, and the UI uses classes.
    let found = offenders("src/ui", &["style=\"", "attr:style", "<script"], |_| false);
    assert!(found.is_empty(), "{found:#?}");
    let html = std::fs::read_to_string(root().join("index.html")).unwrap();
    assert!(!html.contains("<style"), "no inline <style> in index.html");
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains("src="),
            "every script is a file: <script{tag}>"
        );
    }
}

#[test]
fn the_csp_allows_no_other_origin() {
    let html = std::fs::read_to_string(root().join("index.html")).unwrap();
    let csp = html
        .split("http-equiv=\"Content-Security-Policy\"")
        .nth(1)
        .and_then(|rest| rest.split("content=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("a CSP meta tag in index.html");
    for directive in [
        "default-src 'none'",
        "connect-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self' blob:",
    ] {
        assert!(csp.contains(directive), "CSP lacks {directive:?}: {csp}");
    }
    for token in csp.split([' ', ';']) {
        assert!(
            !(token.contains("://")
                || token == "*"
                || token.starts_with("https:")
                || token.starts_with("http:")),
            "CSP names another origin: {token}"
        );
    }
    let tokens: Vec<&str> = csp.split([' ', ';']).collect();
    for unsafe_source in ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"] {
        assert!(!tokens.contains(&unsafe_source), "{csp}");
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let command = ".ci/test";
    assert!(
        readme.contains(&format!("\n{command}")) || readme.contains(&format!("`{command}`")),
        "README names {command}"
    );
    assert!(
        ci.lines()
            .any(|l| l.trim_start().starts_with(&format!("exec {command}"))
                || l.contains(&format!("./{command}"))),
        "{ci}"
    );
}

#[test]
fn charts_never_ask_plotters_to_measure_text() {
    // These measure text through `window`, which a Web Worker lacks (see ARCHITECTURE.md).
    let found = offenders(
        "src/core",
        &[
            ".caption(",
            "configure_series_labels",
            "Pie::new",
            "right_y_label_area_size",
            "LabelAreaPosition::Right",
        ],
        |_| false,
    );
    assert!(found.is_empty(), "{found:#?}");
}

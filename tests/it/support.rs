//! Helpers shared by the tests: fixture paths and a one-line summary of a parse to compare.

use std::path::{Path, PathBuf};

use posture::core::engine::Engine;
use posture::core::formats;
use posture::core::model::{Category, Severity, Snapshot, Status};
use posture::core::protocol::SourceRow;
use posture::core::time::Timestamp;

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// The shared folder of real tool outputs, beside the checkout.
pub fn real_dir(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/real")
        .join(format)
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The formats whose detector accepts these bytes: recognition must be unambiguous.
pub fn accepting(bytes: &[u8]) -> Vec<&'static str> {
    let sniffed = posture::core::sniff::sniff(bytes);
    formats::FORMATS
        .iter()
        .filter(|f| (f.detect)(&sniffed))
        .map(|f| f.id)
        .collect()
}

/// What a parse produced, in a form that compares and prints well.
#[derive(Debug, Default, PartialEq)]
pub struct Expect {
    pub format: &'static str,
    pub asset: String,
    pub taken_at: Option<String>,
    /// Findings listed in the file, by category: vulnerability, misconfiguration, secret, code.
    pub listed: [usize; 4],
    /// Findings listed in the categories after those: policy, compliance.
    pub listed_checks: [usize; 2],
    /// Open findings by severity: critical, high, medium, low, info, unknown.
    pub open: [usize; 6],
    pub suppressed: usize,
    pub passed: usize,
    /// IaC checks (passed, failed), when reported.
    pub iac: Option<(u64, u64)>,
    /// Compliance checks by framework: passed, failed, warned, errored, skipped; `None` when a
    /// test checks them another way (a file of twenty standards, summed).
    pub compliance: Option<Vec<(String, [u64; 5])>>,
    pub covers: Vec<Category>,
    /// What the report does not show it looked for, but its tool's defaults would have.
    pub assumes: Vec<Category>,
    pub warnings: usize,
}

pub fn summarise(snapshot: &Snapshot, warnings: usize) -> Expect {
    let mut e = Expect {
        format: snapshot.format,
        asset: snapshot.asset.name.clone(),
        taken_at: snapshot.taken_at.map(|t| t.to_string()),
        iac: snapshot.iac_checks.map(|c| (c.passed, c.failed)),
        compliance: Some(
            snapshot
                .compliance
                .iter()
                .map(|c| {
                    let counts = [c.passed, c.failed, c.warned, c.errored, c.skipped];
                    (c.framework.clone(), counts)
                })
                .collect(),
        ),
        covers: snapshot.covers.categories().collect(),
        assumes: Category::ALL
            .into_iter()
            .filter(|c| snapshot.covers.assumes(*c))
            .collect(),
        warnings,
        ..Expect::default()
    };
    for f in &snapshot.findings {
        match f.category {
            Category::Vulnerability => e.listed[0] += 1,
            Category::Misconfiguration => e.listed[1] += 1,
            Category::Secret => e.listed[2] += 1,
            Category::Code => e.listed[3] += 1,
            Category::Policy => e.listed_checks[0] += 1,
            Category::Compliance => e.listed_checks[1] += 1,
        }
        match f.status {
            Status::Open => {
                e.open[Severity::ALL.iter().position(|s| *s == f.severity).unwrap()] += 1
            }
            Status::Suppressed => e.suppressed += 1,
            Status::Passed => e.passed += 1,
            Status::Fixed => {}
        }
    }
    e
}

/// A Trivy image report of `image` (its `ArtifactName`, tag and all) taken `at`, with open
/// vulnerabilities `(id, package, severity)`.
pub fn trivy_image(image: &str, at: &str, vulnerabilities: &[(&str, &str, &str)]) -> String {
    trivy_image_of(
        image,
        at,
        vulnerabilities.iter().map(|(id, pkg, sev)| {
            format!(r#"{{"VulnerabilityID":"{id}","PkgName":"{pkg}","Severity":"{sev}"}}"#)
        }),
    )
}

/// The same with each vulnerability's JSON written by the caller (titles, versions…).
pub fn trivy_image_of(
    image: &str,
    at: &str,
    vulnerabilities: impl Iterator<Item = String>,
) -> String {
    let vulns: Vec<String> = vulnerabilities.collect();
    format!(
        r#"{{"SchemaVersion":2,"CreatedAt":"{at}","ArtifactName":"{image}","ArtifactType":"container_image",
           "Results":[{{"Target":"{image} (debian 12)","Class":"os-pkgs","Vulnerabilities":[{}]}}]}}"#,
        vulns.join(",")
    )
}

/// Adds one plain (not archive) file to an engine; its row.
pub fn add_one(
    engine: &mut Engine,
    name: &str,
    bytes: &[u8],
    modified: Option<Timestamp>,
) -> SourceRow {
    let mut rows = engine.add(name, bytes, modified);
    assert_eq!(rows.len(), 1, "{name} gave {} rows", rows.len());
    rows.remove(0)
}

/// Loads `bytes` as `name` and compares the parse with `expect`.
pub fn check(name: &str, bytes: &[u8], expect: Expect) -> Snapshot {
    let parsed = formats::load(name, bytes).unwrap_or_else(|e| panic!("{e}"));
    let mut got = summarise(parsed.snapshot().unwrap(), parsed.warnings.len());
    if expect.compliance.is_none() {
        got.compliance = None;
    }
    assert_eq!(
        got,
        expect,
        "{name}: warnings {:#?}",
        parsed
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    parsed.evidence.into_snapshot().unwrap()
}

/// Loads a fixture expecting an error; returns its message.
pub fn check_error(name: &str, bytes: &[u8], format: Option<&str>) -> String {
    match formats::load(name, bytes) {
        Ok(parsed) => panic!(
            "{name} loaded as {} but should fail",
            parsed.evidence.format()
        ),
        Err(e) => {
            assert_eq!(e.format, format, "{name}: {e}");
            assert_eq!(e.file, name);
            e.message()
        }
    }
}

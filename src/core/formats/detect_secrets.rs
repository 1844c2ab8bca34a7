//! detect-secrets JSON: `detect-secrets scan > .secrets.baseline` (a baseline or a scan).
//!
//! A secret is high; one marked verified is critical. The identity is the type, the file and the
//! secret's hash (detect-secrets keeps only the hash).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, Category, Coverage, Fingerprint, Severity, Snapshot, Status, Tool,
};
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "detect-secrets",
    label: "detect-secrets JSON",
    command: "`detect-secrets scan > .secrets.baseline`",
    severity_mapping: "`is_verified: true` → critical, otherwise high",
    feeds: "secrets",
    kinds: &[SourceKind::SecretScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    // Every baseline lists `plugins_used`; Bandit also has `generated_at` and `results`.
    root.get("results").is_some_and(|r| r.is_object()) && root.has("plugins_used")
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    generated_at: Option<Str<'a>>,
    #[serde(borrow)]
    results: Option<BTreeMap<Str<'a>, Vec<Secret<'a>>>>,
}

#[derive(Deserialize)]
struct Secret<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    hashed_secret: Option<Str<'a>>,
    is_verified: Option<bool>,
    /// `false` once `detect-secrets audit` marked it a false positive.
    is_secret: Option<bool>,
    line_number: Option<i64>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut c = Collector::default();
    for (file, secrets) in report.results.iter().flatten() {
        for (i, secret) in secrets.iter().enumerate() {
            let Some(kind) = text(&secret.kind) else {
                c.warn(
                    "a secret without type was skipped",
                    &format!("results.{}[{i}]", file.as_str()),
                );
                continue;
            };
            let location = match secret.line_number.filter(|l| *l > 0) {
                Some(line) => format!("{}:{line}", file.as_str()),
                None => file.as_str().to_string(),
            };
            let fingerprint = match text(&secret.hashed_secret) {
                Some(hash) => {
                    Fingerprint::of(&["secret", "detect-secrets", kind, file.as_str(), hash])
                }
                None => c.distinct(&["secret", "detect-secrets", kind, &location]),
            };
            let verified = secret.is_verified == Some(true);
            c.add(NewFinding {
                category: Category::Secret,
                severity: if verified {
                    Severity::Critical
                } else {
                    Severity::High
                },
                severity_raw: if verified { "verified" } else { "unverified" },
                rule_id: kind,
                title: kind,
                location: &location,
                package: None,
                // An audited false positive stays listed, as suppressed.
                status: if secret.is_secret == Some(false) {
                    Status::Suppressed
                } else {
                    Status::Open
                },
                fingerprint,
            });
        }
    }
    let taken_at = c.taken_at(text(&report.generated_at), "generated_at");
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "detect-secrets".into(),
            version: text(&report.version).map(str::to_string),
        },
        // detect-secrets does not name the repository: the file's name (without date stamps) stands in.
        asset: Asset::file(input.name),
        reference: None,
        taken_at,
        covers: Coverage::default().with(Category::Secret),
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: None,
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: None,
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

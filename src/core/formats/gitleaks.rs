//! Gitleaks JSON report: `gitleaks detect --report-format json` (v8), and v7's older shape.
//!
//! Gitleaks does not rate its findings: a secret is high. The same secret found again in another
//! commit of the same file is the same exposure, so the identity is the rule, the file and the
//! secret itself (hashed, never kept); a redacted report falls back to the line.

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, Category, Coverage, Fingerprint, Severity, Snapshot, Status, Tool,
};
use crate::core::sniff::{Node, Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "gitleaks",
    label: "Gitleaks JSON",
    command: "`gitleaks detect --report-format json --report-path gitleaks.json`",
    severity_mapping: "none in the file: every secret is high",
    feeds: "secrets (an empty list is a clean scan)",
    kinds: &[SourceKind::SecretScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    if sniff.shape != Shape::Array {
        return false;
    }
    match sniff.record() {
        Some(first) => {
            (first.has("RuleID") && first.has("File"))
                || (first.has("rule") && first.has("offender") && first.has("file"))
        }
        // `[]`: Gitleaks' report of no leaks (no other supported tool writes a bare empty list).
        None => sniff.value == Node::Array(None),
    }
}

/// A leak, in v8's or v7's field names.
#[derive(Deserialize)]
struct Leak<'a> {
    #[serde(rename = "RuleID", alias = "rule", borrow)]
    rule: Option<Str<'a>>,
    #[serde(rename = "Description", borrow)]
    description: Option<Str<'a>>,
    #[serde(rename = "File", alias = "file", borrow)]
    file: Option<Str<'a>>,
    #[serde(rename = "StartLine", alias = "lineNumber")]
    line: Option<i64>,
    #[serde(rename = "Secret", alias = "offender", borrow)]
    secret: Option<Str<'a>>,
    #[serde(rename = "repo", borrow)]
    repository: Option<Str<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let leaks: Vec<Leak> = json::parse(input.text)?;
    let mut c = Collector::default();
    let mut repository = None;
    for (i, leak) in leaks.iter().enumerate() {
        let Some(rule) = text(&leak.rule) else {
            c.warn("a leak without a rule was skipped", &format!("[{i}]"));
            continue;
        };
        repository = repository.or_else(|| text(&leak.repository).filter(|r| *r != "."));
        let file = text(&leak.file).unwrap_or("");
        let line = leak.line.filter(|l| *l > 0);
        let location = line.map_or_else(|| file.to_string(), |l| format!("{file}:{l}"));
        let fingerprint = match text(&leak.secret).filter(|s| *s != "REDACTED") {
            Some(secret) => Fingerprint::of(&["secret", "gitleaks", rule, file, secret]),
            None => c.distinct(&["secret", "gitleaks", rule, &location]),
        };
        c.add(NewFinding {
            category: Category::Secret,
            severity: Severity::High,
            severity_raw: "",
            rule_id: rule,
            title: text(&leak.description).unwrap_or(rule),
            location: &location,
            package: None,
            status: Status::Open,
            fingerprint,
        });
    }
    // The repository comes with the findings, and a clean scan has none: the file names the
    // asset, so every scan of it lines up; the repository is shown beside it.
    let asset = Asset::file(input.name);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Gitleaks".into(),
            version: None,
        },
        asset,
        reference: repository.map(str::to_string),
        taken_at: None,
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

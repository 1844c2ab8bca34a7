//! Semgrep JSON: `semgrep scan --json`.

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed, first_sentence};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{Asset, Category, Coverage, Severity, Snapshot, Status, Tool};
use crate::core::severity::severity_word;
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "semgrep",
    label: "Semgrep JSON",
    command: "`semgrep scan --json`",
    severity_mapping: "`extra.severity`: ERROR → high, WARNING → medium, INFO → low; CRITICAL, HIGH, MEDIUM, LOW \
                       as they are; EXPERIMENT, INVENTORY → info",
    feeds: "code findings (`nosemgrep` ones are suppressed)",
    kinds: &[SourceKind::CodeScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    let first = root.get("results").and_then(|r| r.first());
    match first {
        Some(result) => result.has("check_id") && result.has("extra"),
        // A clean scan: Semgrep's other keys tell it from Bandit's.
        None => {
            root.has("results")
                && root.has("errors")
                && (root.has("paths") || root.has("skipped_rules"))
        }
    }
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    results: Option<Vec<SemgrepResult<'a>>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct SemgrepResult<'a> {
    #[serde(borrow)]
    check_id: Option<Str<'a>>,
    #[serde(borrow)]
    path: Option<Str<'a>>,
    start: Option<Position>,
    #[serde(borrow)]
    extra: Option<Extra<'a>>,
}

#[derive(Deserialize)]
struct Position {
    line: Option<i64>,
}

#[derive(Deserialize)]
struct Extra<'a> {
    #[serde(borrow)]
    severity: Option<Str<'a>>,
    #[serde(borrow)]
    message: Option<Str<'a>>,
    #[serde(borrow)]
    fingerprint: Option<Str<'a>>,
    is_ignored: Option<bool>,
}

fn severity(raw: &str) -> Severity {
    match raw.to_ascii_uppercase().as_str() {
        "ERROR" => Severity::High,
        "WARNING" => Severity::Medium,
        "INFO" => Severity::Low,
        "EXPERIMENT" | "INVENTORY" => Severity::Info,
        _ => severity_word(raw),
    }
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut c = Collector::default();
    for (i, result) in report.results.iter().flatten().enumerate() {
        let Some(rule) = text(&result.check_id) else {
            c.warn(
                "a result without check_id was skipped",
                &format!("results[{i}]"),
            );
            continue;
        };
        let extra = result.extra.as_ref();
        let path = text(&result.path).unwrap_or("");
        let line = result
            .start
            .as_ref()
            .and_then(|s| s.line)
            .filter(|l| *l > 0);
        let location = line.map_or_else(|| path.to_string(), |l| format!("{path}:{l}"));
        // Semgrep's fingerprint follows a finding when lines move; "requires login" is a placeholder.
        let fingerprint = match extra
            .and_then(|e| text(&e.fingerprint))
            .filter(|f| *f != "requires login")
        {
            Some(print) => c.distinct(&["semgrep", rule, print]),
            None => c.distinct(&["semgrep", rule, &location]),
        };
        let raw_severity = extra.and_then(|e| text(&e.severity)).unwrap_or("");
        let message = extra.and_then(|e| text(&e.message)).map(first_sentence);
        c.add(NewFinding {
            category: Category::Code,
            severity: severity(raw_severity),
            severity_raw: raw_severity,
            rule_id: rule,
            title: message.as_deref().unwrap_or(rule),
            location: &location,
            package: None,
            status: if extra.and_then(|e| e.is_ignored) == Some(true) {
                Status::Suppressed
            } else {
                Status::Open
            },
            fingerprint,
        });
    }
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Semgrep".into(),
            version: text(&report.version).map(str::to_string),
        },
        // Semgrep does not name the project: the file's name (without date stamps) stands in.
        asset: Asset::file(input.name),
        reference: None,
        taken_at: None,
        covers: Coverage::default().with(Category::Code),
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

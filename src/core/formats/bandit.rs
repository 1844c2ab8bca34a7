//! Bandit JSON: `bandit -r <dir> -f json`.

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed, first_sentence};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{Asset, Category, Coverage, Snapshot, Status, Tool};
use crate::core::severity::severity_word;
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "bandit",
    label: "Bandit JSON",
    command: "`bandit -r <dir> -f json`",
    severity_mapping: "`issue_severity` HIGH, MEDIUM, LOW as they are; UNDEFINED → unknown",
    feeds: "code findings (Python)",
    kinds: &[SourceKind::CodeScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    // `metrics` (with `_totals`) comes before `results`, and can be long: either tells.
    let totals = root.get("metrics").is_some_and(|m| m.has("_totals"));
    let first = root.get("results").and_then(|r| r.first());
    root.has("generated_at")
        && (totals || first.is_some_and(|r| r.has("test_id") && r.has("issue_severity")))
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    generated_at: Option<Str<'a>>,
    #[serde(borrow)]
    results: Option<Vec<Issue<'a>>>,
}

#[derive(Deserialize)]
struct Issue<'a> {
    #[serde(borrow)]
    test_id: Option<Str<'a>>,
    #[serde(borrow)]
    test_name: Option<Str<'a>>,
    #[serde(borrow)]
    filename: Option<Str<'a>>,
    line_number: Option<i64>,
    #[serde(borrow)]
    issue_severity: Option<Str<'a>>,
    #[serde(borrow)]
    issue_text: Option<Str<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut c = Collector::default();
    for (i, issue) in report.results.iter().flatten().enumerate() {
        let Some(test) = text(&issue.test_id).or_else(|| text(&issue.test_name)) else {
            c.warn(
                "an issue without test_id was skipped",
                &format!("results[{i}]"),
            );
            continue;
        };
        let file = text(&issue.filename).unwrap_or("");
        let location = match issue.line_number.filter(|l| *l > 0) {
            Some(line) => format!("{file}:{line}"),
            None => file.to_string(),
        };
        let raw_severity = text(&issue.issue_severity).unwrap_or("");
        let title = text(&issue.issue_text).map(first_sentence);
        let fingerprint = c.distinct(&["bandit", test, &location]);
        c.add(NewFinding {
            category: Category::Code,
            severity: severity_word(raw_severity),
            severity_raw: raw_severity,
            rule_id: test,
            title: title.as_deref().unwrap_or(test),
            location: &location,
            package: None,
            status: Status::Open,
            fingerprint,
        });
    }
    let taken_at = c.taken_at(text(&report.generated_at), "generated_at");
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Bandit".into(),
            version: None,
        },
        // Bandit does not name the project: the file's name (without date stamps) stands in.
        asset: Asset::file(input.name),
        reference: None,
        taken_at,
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

//! Checkov JSON: `checkov -d <dir> -o json` — one report per framework (an object), several
//! (an array), or, when there was nothing to scan, a bare summary.
//!
//! Every check is a record: failed checks are open misconfigurations, passed checks passed,
//! skipped checks suppressed. The IaC pass rate counts the listed checks (the summary can
//! disagree in curated files; a warning says so), except for passed checks in a `--quiet` run:
//! Checkov then leaves `passed_checks` out and only its summary counts them.

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{Asset, Category, Coverage, PassFail, Snapshot, Status, Tool};
use crate::core::severity::severity_word;
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "checkov",
    label: "Checkov JSON",
    command: "`checkov -d <dir> -o json`",
    severity_mapping: "a check's `severity` (CRITICAL, HIGH, MEDIUM, LOW) when Checkov has one (with a platform \
                       key); otherwise unknown",
    feeds: "IaC checks passed and failed (the IaC pass rate), misconfigurations",
    kinds: &[SourceKind::IacScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff
        .record()
        .filter(|_| matches!(sniff.shape, Shape::Object | Shape::Array))
    else {
        return false;
    };
    let report = root.has("check_type") && root.has("results");
    let bare_summary = root.has("checkov_version") && root.has("passed") && root.has("failed");
    report || bare_summary
}

/// One framework's report, or a bare summary (no `results`).
#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    check_type: Option<Str<'a>>,
    #[serde(borrow)]
    results: Option<Results<'a>>,
    summary: Option<Summary<'a>>,
    #[serde(borrow)]
    checkov_version: Option<MaybeStr<'a>>,
}

#[derive(Deserialize)]
struct Results<'a> {
    #[serde(borrow)]
    passed_checks: Option<Vec<Check<'a>>>,
    #[serde(borrow)]
    failed_checks: Option<Vec<Check<'a>>>,
    #[serde(borrow)]
    skipped_checks: Option<Vec<Check<'a>>>,
}

#[derive(Deserialize)]
struct Summary<'a> {
    passed: Option<u64>,
    failed: Option<u64>,
    #[serde(borrow)]
    checkov_version: Option<MaybeStr<'a>>,
}

#[derive(Deserialize)]
struct Check<'a> {
    #[serde(borrow)]
    check_id: Option<Str<'a>>,
    #[serde(borrow)]
    check_name: Option<Str<'a>>,
    #[serde(borrow)]
    file_path: Option<Str<'a>>,
    file_line_range: Option<Vec<i64>>,
    #[serde(borrow)]
    resource: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<MaybeStr<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    // One report, or a list of them.
    let reports: Vec<Report> = if input.text.trim_start().starts_with('[') {
        json::parse(input.text)?
    } else {
        vec![json::parse(input.text)?]
    };
    let mut c = Collector::default();
    let mut checks = PassFail::default();
    let mut version = None;
    let mut quiet = false;
    for (r, report) in reports.iter().enumerate() {
        let framework = text(&report.check_type).unwrap_or("checkov");
        version = version
            .or_else(|| {
                report
                    .summary
                    .as_ref()
                    .and_then(|s| s.checkov_version.as_ref())
                    .and_then(MaybeStr::non_empty)
            })
            .or_else(|| {
                report
                    .checkov_version
                    .as_ref()
                    .and_then(MaybeStr::non_empty)
            });
        let Some(results) = &report.results else {
            continue;
        };
        let lists = [
            (&results.failed_checks, Status::Open, "failed_checks"),
            (&results.passed_checks, Status::Passed, "passed_checks"),
            (
                &results.skipped_checks,
                Status::Suppressed,
                "skipped_checks",
            ),
        ];
        let mut listed = PassFail::default();
        for (list, status, key) in lists {
            for (i, check) in list.iter().flatten().enumerate() {
                let Some(id) = text(&check.check_id) else {
                    c.warn(
                        "a check without check_id was skipped",
                        &format!("[{r}].results.{key}[{i}]"),
                    );
                    continue;
                };
                match status {
                    Status::Open => listed.failed += 1,
                    Status::Passed => listed.passed += 1,
                    _ => {}
                }
                add_check(&mut c, check, id, status, framework);
            }
        }
        // `--quiet` drops the passed checks from the results (the key, not just its entries) but
        // not from the summary: without this the pass rate of such a run would be 0 %.
        let summary_passed = report.summary.as_ref().and_then(|s| s.passed);
        if let Some(passed) = summary_passed.filter(|p| *p > 0)
            && results.passed_checks.is_none()
        {
            listed.passed = passed;
            quiet = true;
        }
        if let Some(summary) = &report.summary
            && (summary.passed, summary.failed) != (Some(listed.passed), Some(listed.failed))
        {
            c.warn(
                format!(
                    "the {framework} summary counts {} passed and {} failed; {} and {} are listed, and the pass rate counts those",
                    summary.passed.unwrap_or(0),
                    summary.failed.unwrap_or(0),
                    listed.passed,
                    listed.failed
                ),
                &format!("[{r}].summary"),
            );
        }
        checks += listed;
    }
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Checkov".into(),
            version: version.map(str::to_string),
        },
        // Checkov does not name the project: the file's name (without date stamps) stands in.
        asset: Asset::file(input.name),
        reference: None,
        taken_at: None,
        covers: Coverage::default().with(Category::Misconfiguration),
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: Some(checks),
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: quiet.then(|| "passed checks counted from the summary (run with --quiet)".into()),
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

fn add_check(c: &mut Collector, check: &Check, id: &str, status: Status, framework: &str) {
    let file = text(&check.file_path).unwrap_or("");
    let resource = text(&check.resource).unwrap_or("");
    let start = check
        .file_line_range
        .as_ref()
        .and_then(|r| r.first().copied())
        .filter(|l| *l > 0);
    let location = match start {
        Some(line) => format!("{file}:{line}"),
        None => file.to_string(),
    };
    let raw_severity = check
        .severity
        .as_ref()
        .and_then(MaybeStr::non_empty)
        .unwrap_or("");
    // The check on the resource in the file: stable when lines move.
    let fingerprint = c.distinct(&["checkov", framework, id, file, resource]);
    c.add(NewFinding {
        category: Category::Misconfiguration,
        severity: severity_word(raw_severity),
        severity_raw: raw_severity,
        rule_id: id,
        title: text(&check.check_name).unwrap_or(id),
        location: &location,
        package: None,
        status,
        fingerprint,
    });
}

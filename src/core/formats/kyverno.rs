//! Policy reports: Kyverno's PolicyReport and ClusterPolicyReport (`wgpolicyk8s.io`) and their
//! successor, OpenReports' `Report` (`openreports.io`), as kubectl prints them (one report or a
//! `List`), JSON or YAML.
//!
//! Failed results are open policy findings and passed results passed ones; warn, error and skip
//! are counted, not listed. Compliance is counted per engine (`source`). A report's `summary` is
//! what the controller computed, so where it disagrees with the listed results (documentation
//! and hand-trimmed exports elide results) the summary counts, and a warning says so.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::kube::{self, resource};
use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::{Location, Warning};
use crate::core::json::{Str, text};
use crate::core::model::{
    Asset, AssetKind, Category, Checks, Coverage, Evidence, Severity, Snapshot, SourceKind, Status,
    Tool,
};
use crate::core::severity::severity_word;
use crate::core::sniff::Sniff;
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "kyverno",
    label: "Kyverno PolicyReport / OpenReports",
    command: "`kubectl get policyreports,clusterpolicyreports -A -o json` (or `-o yaml`), \
              `kubectl get reports -A -o yaml`, `kyverno apply --policy-report`",
    severity_mapping: "a result's `severity` (critical, high, medium, low, info); a failed result \
                       without one is medium",
    feeds: "policy results (failed and passed), compliance checks per engine (Kyverno, \
            ValidatingAdmissionPolicy, other report sources)",
    kinds: &[SourceKind::ClusterPolicy],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    kube::first_object(sniff, |api, kind| {
        (api.starts_with("wgpolicyk8s.io/")
            && matches!(kind, "PolicyReport" | "ClusterPolicyReport"))
            || (api.starts_with("openreports.io/") && matches!(kind, "Report" | "ClusterReport"))
    })
}

/// A report, or a `List` of them (`items`).
#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    items: Option<Vec<Report<'a>>>,
    #[serde(borrow)]
    metadata: Option<Metadata<'a>>,
    #[serde(borrow)]
    scope: Option<Resource<'a>>,
    #[serde(borrow)]
    results: Option<Vec<Outcome<'a>>>,
    summary: Option<Summary>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    namespace: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    namespace: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
}

/// One result (`results[]`).
#[derive(Deserialize)]
struct Outcome<'a> {
    #[serde(borrow)]
    policy: Option<Str<'a>>,
    #[serde(borrow)]
    rule: Option<Str<'a>>,
    #[serde(borrow)]
    result: Option<Str<'a>>,
    /// v1alpha1's name for `result`.
    #[serde(borrow)]
    status: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<Str<'a>>,
    #[serde(borrow)]
    message: Option<Str<'a>>,
    #[serde(borrow)]
    source: Option<Str<'a>>,
    timestamp: Option<Time>,
    /// `kyverno apply --policy-report` and older reports name resources per result.
    #[serde(borrow)]
    resources: Option<Vec<Resource<'a>>>,
}

#[derive(Deserialize)]
struct Time {
    seconds: Option<i64>,
    nanos: Option<i64>,
}

/// Totals; producers other than Kyverno omit keys they never use.
#[derive(Deserialize)]
struct Summary {
    pass: Option<u64>,
    fail: Option<u64>,
    warn: Option<u64>,
    error: Option<u64>,
    skip: Option<u64>,
}

/// pass, fail, warn, error, skip.
type Counts = [u64; 5];
const OUTCOMES: [&str; 5] = ["pass", "fail", "warn", "error", "skip"];

#[derive(Default)]
struct State {
    c: Collector,
    /// Counts per engine, in the order engines first appear.
    engines: Vec<(String, Counts)>,
    namespaces: BTreeSet<String>,
    reports: usize,
    latest: Option<Timestamp>,
    /// Reports whose summary disagrees with their results.
    disagreeing: usize,
}

/// Warnings about disagreeing reports kept one by one; the rest are counted in one more.
const NAMED: usize = 5;

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let mut s = State::default();
    kube::each_document(input.text, |document: &Report, prefix| {
        walk(&mut s, document, prefix)
    })?;
    let namespaces: Vec<&str> = s.namespaces.iter().map(String::as_str).collect();
    let note = format!(
        "{} report{}{}",
        s.reports,
        if s.reports == 1 { "" } else { "s" },
        if namespaces.is_empty() {
            String::new()
        } else {
            let word = if namespaces.len() == 1 {
                "namespace"
            } else {
                "namespaces"
            };
            format!(" in {word} {}", namespaces.join(", "))
        }
    );
    let compliance = s
        .engines
        .into_iter()
        .map(|(framework, n)| Checks {
            framework,
            passed: n[0],
            failed: n[1],
            warned: n[2],
            errored: n[3],
            skipped: n[4],
        })
        .collect();
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Kyverno".into(),
            version: None,
        },
        // Reports do not name their cluster: the file's name (without date stamps) stands in.
        asset: Asset {
            kind: AssetKind::Cluster,
            ..Asset::file(input.name)
        },
        reference: None,
        taken_at: s.latest,
        covers: Coverage::default().with(Category::Policy),
        by_fingerprint: Default::default(),
        findings: s.c.findings,
        iac_checks: None,
        compliance,
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: Some(note),
    };
    let mut warnings = s.c.warnings;
    if s.disagreeing > NAMED {
        let more = s.disagreeing - NAMED;
        warnings.push(Warning::new(
            format!(
                "{more} more reports' summaries disagree with their results; the summaries count"
            ),
            Location::default(),
        ));
    }
    Ok(Parsed {
        evidence: Evidence::Findings(snapshot),
        warnings,
    })
}

/// A report, or each report of a list.
fn walk(s: &mut State, report: &Report, path: &str) {
    if let Some(items) = &report.items {
        for (i, item) in items.iter().enumerate() {
            walk(s, item, &format!("{path}items[{i}]."));
        }
        return;
    }
    s.reports += 1;
    let meta = report.metadata.as_ref();
    let report_ns = meta.and_then(|m| text(&m.namespace));
    if let Some(ns) = report_ns {
        s.namespaces.insert(ns.to_string());
    }
    let mut listed: Vec<(String, Counts)> = Vec::new();
    for (r, outcome) in report.results.iter().flatten().enumerate() {
        let Some(index) = outcome_index(outcome) else {
            s.c.warn(
                "a result that is none of pass, fail, warn, error or skip was skipped",
                &format!("{path}results[{r}]"),
            );
            continue;
        };
        if let Some(at) = outcome.timestamp.as_ref().and_then(instant) {
            s.latest = s.latest.max(Some(at));
        }
        // One result per resource it names: the CLI's `resources[]`, else the report's scope.
        let resources: Vec<&Resource> = match outcome.resources.as_deref() {
            Some(list) if !list.is_empty() => list.iter().collect(),
            _ => report.scope.iter().collect(),
        };
        let mut locations: Vec<String> = Vec::new();
        for r in &resources {
            let ns = text(&r.namespace).or(report_ns);
            if let Some(ns) = ns {
                s.namespaces.insert(ns.to_string());
            }
            locations.push(resource(text(&r.kind), ns, text(&r.name)));
        }
        if locations.is_empty() {
            locations.push(String::new());
        }
        if index <= 1 {
            for location in &locations {
                add_finding(&mut s.c, outcome, index, location);
            }
        }
        let engine = framework(text(&outcome.source));
        bump(&mut listed, &engine, index, locations.len() as u64);
    }
    for (engine, counts) in reconcile(s, report, &listed, path) {
        for (k, n) in counts.into_iter().enumerate() {
            bump(&mut s.engines, &engine, k, n);
        }
    }
}

/// The counts a report contributes: its listed results, unless its summary says otherwise; then
/// the summary's figure for that outcome counts, the difference credited to the report's first
/// engine, and a warning names the report and both counts.
fn reconcile(
    s: &mut State,
    report: &Report,
    listed: &[(String, Counts)],
    path: &str,
) -> Vec<(String, Counts)> {
    let mut counted = listed.to_vec();
    let Some(summary) = &report.summary else {
        return counted;
    };
    let said = [
        summary.pass,
        summary.fail,
        summary.warn,
        summary.error,
        summary.skip,
    ];
    let mut sums: Counts = [0; 5];
    for (_, n) in listed {
        for (t, v) in sums.iter_mut().zip(n) {
            *t += v;
        }
    }
    // A key the producer omits says nothing: the listed results count for it.
    let differs: Vec<usize> = (0..5)
        .filter(|&k| said[k].is_some_and(|v| v != sums[k]))
        .collect();
    if differs.is_empty() {
        return counted;
    }
    let show = |n: &dyn Fn(usize) -> u64| {
        differs
            .iter()
            .map(|&k| format!("{} {}", OUTCOMES[k], n(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let meta = report.metadata.as_ref();
    let name = resource(
        None,
        meta.and_then(|m| text(&m.namespace)),
        meta.and_then(|m| text(&m.name)),
    );
    s.disagreeing += 1;
    if s.disagreeing <= NAMED {
        s.c.warn(
            format!(
                "report {name}: its summary counts {}, its listed results {}; the summary counts",
                show(&|k| said[k].unwrap_or(0)),
                show(&|k| sums[k]),
            ),
            &format!("{path}summary"),
        );
    }
    if counted.is_empty() {
        counted.push((framework(None), [0; 5]));
    }
    for k in differs {
        let want = said[k].unwrap_or(0);
        let others: u64 = counted[1..].iter().map(|(_, n)| n[k]).sum();
        // What the other engines listed stays theirs; the first takes the rest.
        counted[0].1[k] = want.saturating_sub(others);
    }
    counted
}

fn bump(counts: &mut Vec<(String, Counts)>, engine: &str, index: usize, by: u64) {
    match counts.iter_mut().find(|(e, _)| e == engine) {
        Some((_, n)) => n[index] += by,
        None => {
            let mut n = [0; 5];
            n[index] = by;
            counts.push((engine.to_string(), n));
        }
    }
}

/// The framework a result's `source` names: Kyverno when it names none (older reports).
fn framework(source: Option<&str>) -> String {
    match source {
        None => "Kyverno".into(),
        Some(s) if s.eq_ignore_ascii_case("kyverno") => "Kyverno".into(),
        Some(s) if s.eq_ignore_ascii_case("validatingadmissionpolicy") => {
            "ValidatingAdmissionPolicy".into()
        }
        Some(s) => s.to_string(),
    }
}

fn outcome_index(outcome: &Outcome) -> Option<usize> {
    let word = text(&outcome.result).or_else(|| text(&outcome.status))?;
    OUTCOMES.iter().position(|o| o.eq_ignore_ascii_case(word))
}

/// `{seconds, nanos}` in milliseconds; nothing for the epoch or before (an unset time).
fn instant(t: &Time) -> Option<Timestamp> {
    let seconds = t.seconds.filter(|s| *s > 0)?;
    let millis = t.nanos.unwrap_or(0).clamp(0, 999_999_999) / 1_000_000;
    Some(Timestamp(
        seconds.saturating_mul(1000).saturating_add(millis),
    ))
}

/// `index` is 0 (pass) or 1 (fail).
fn add_finding(c: &mut Collector, outcome: &Outcome, index: usize, location: &str) {
    let policy = text(&outcome.policy).unwrap_or("");
    let rule = text(&outcome.rule);
    let rule_id = match rule {
        Some(rule) => format!("{policy}/{rule}"),
        None => policy.to_string(),
    };
    let raw = text(&outcome.severity).unwrap_or("");
    // Kyverno policies need not declare a severity; a failure without one is medium.
    let severity = match severity_word(raw) {
        Severity::Unknown if raw.is_empty() => Severity::Medium,
        known => known,
    };
    let fingerprint = c.distinct(&["policy", policy, rule.unwrap_or(""), location]);
    c.add(NewFinding {
        category: Category::Policy,
        severity,
        severity_raw: raw,
        rule_id: &rule_id,
        title: text(&outcome.message).unwrap_or(policy),
        location,
        package: None,
        status: if index == 0 {
            Status::Passed
        } else {
            Status::Open
        },
        fingerprint,
    });
}

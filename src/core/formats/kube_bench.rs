//! kube-bench JSON: `kube-bench --json` — `{ "Controls": [...], "Totals": {...} }`, or, from older
//! single-target runs, a bare array of controls.
//!
//! A control (master, etcd, node, policies…) holds sections, a section holds results. Each PASS
//! and FAIL result is a compliance finding; WARN (a manual check kube-bench cannot decide) and
//! INFO (informational, not evaluated) are only counted. The counts go to one [`Checks`] per
//! benchmark version: what `compliance_score` pools.
//!
//! Counters and results can disagree. Sections and controls carry counters of their own; where
//! they claim more of every status than is listed below them, results were left out of the file
//! (kube-bench's own test data trims them) and the counters count. Where a counter is smaller
//! than what is listed, the counters are wrong (curated files) and the listed results count.
//! Either way a warning says so. `Totals` are only checked: they cannot say which benchmark
//! version the missing checks belong to.

use serde::Deserialize;

use super::collect::Collector;
use super::collect::NewFinding;
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, Str, text};
use crate::core::model::{
    Asset, AssetKind, Category, Checks, Coverage, Evidence, Severity, Snapshot, SourceKind, Status,
    Tool,
};
use crate::core::sniff::{Node, Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "kube-bench",
    label: "kube-bench JSON",
    command: "`kube-bench --json`",
    severity_mapping: "none in the file: a FAIL on a scored check is high, on an unscored (manual) one \
                       medium; a PASS takes its check's severity; WARN and INFO results are counted, \
                       not listed",
    feeds: "CIS benchmark checks passed, failed, warned (compliance score), compliance findings",
    kinds: &[SourceKind::ClusterBenchmark],
    detect,
    parse,
    stream: None,
};

/// A control object: `id` and `tests`, and `node_type` or `text`.
fn is_control(node: &Node) -> bool {
    node.has("id") && node.has("tests") && (node.has("node_type") || node.has("text"))
}

fn detect(sniff: &Sniff) -> bool {
    match sniff.shape {
        Shape::Object => {
            let root = &sniff.value;
            let first = root.get("Controls").and_then(Node::first);
            (root.has("Controls") && (root.has("Totals") || first.is_some_and(is_control)))
                || is_control(root)
        }
        Shape::Array => sniff.record().is_some_and(is_control),
        // Older releases print one control per target, one after another (`jq '.Controls[0]'`
        // gives one too).
        Shape::JsonLines => sniff.record().is_some_and(is_control),
        _ => false,
    }
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(rename = "Controls", borrow)]
    controls: Vec<Control<'a>>,
    #[serde(rename = "Totals")]
    totals: Option<Totals>,
}

/// Whether a document is a report (with `Controls`) or a control of its own.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Controls")]
    controls: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Totals {
    total_pass: Option<u64>,
    total_fail: Option<u64>,
    total_warn: Option<u64>,
    total_info: Option<u64>,
}

#[derive(Deserialize)]
struct Control<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    node_type: Option<Str<'a>>,
    #[serde(borrow)]
    tests: Option<Vec<Section<'a>>>,
    total_pass: Option<u64>,
    total_fail: Option<u64>,
    total_warn: Option<u64>,
    total_info: Option<u64>,
}

#[derive(Deserialize)]
struct Section<'a> {
    #[serde(borrow)]
    section: Option<Str<'a>>,
    #[serde(borrow)]
    desc: Option<Str<'a>>,
    #[serde(borrow)]
    results: Option<Vec<TestResult<'a>>>,
    pass: Option<u64>,
    fail: Option<u64>,
    warn: Option<u64>,
    info: Option<u64>,
}

#[derive(Deserialize)]
struct TestResult<'a> {
    #[serde(borrow)]
    test_number: Option<Str<'a>>,
    #[serde(borrow)]
    test_desc: Option<Str<'a>>,
    #[serde(borrow)]
    status: Option<Str<'a>>,
    scored: Option<bool>,
}

/// PASS, FAIL, WARN, INFO.
type Counts = [u64; 4];
const STATUSES: [&str; 4] = ["PASS", "FAIL", "WARN", "INFO"];

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    // The older output is a bare array of controls; its paths have no `Controls` in front.
    let single = serde_json::from_str::<Probe>(input.text).is_ok_and(|p| p.controls.is_none());
    let (controls, totals, prefix) = if input.text.trim_start().starts_with('[') {
        (json::parse::<Vec<Control>>(input.text)?, None, "")
    } else if single || !input.text.contains("\"Controls\"") {
        // One control, or several one after another.
        let mut controls = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(input.text).into_iter::<Control>();
        for control in &mut stream {
            controls.push(control.map_err(|e| json::json_error(&e, None))?);
        }
        (controls, None, "")
    } else {
        let report: Report = json::parse(input.text)?;
        (report.controls, report.totals, "Controls")
    };
    let mut c = Collector::default();
    let mut benchmarks: Vec<(String, Counts)> = Vec::new();
    let mut node_types: Vec<&str> = Vec::new();
    let mut all = Counts::default();
    for (i, control) in controls.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let node_type = text(&control.node_type).unwrap_or("");
        if !node_type.is_empty() && !node_types.contains(&node_type) {
            node_types.push(node_type);
        }
        let mut listed = Counts::default();
        for (s, section) in control.tests.iter().flatten().enumerate() {
            let path = format!("{path}.tests[{s}]");
            let counted = read_section(&mut c, section, node_type, &path);
            let claimed = [section.pass, section.fail, section.warn, section.info];
            let what = format!("section {}", text(&section.section).unwrap_or("?"));
            add(
                &mut listed,
                reconcile(&mut c, claimed, counted, &what, &path),
            );
        }
        let claimed = [
            control.total_pass,
            control.total_fail,
            control.total_warn,
            control.total_info,
        ];
        let what = format!(
            "the {} control",
            if node_type.is_empty() { "?" } else { node_type }
        );
        let counts = reconcile(&mut c, claimed, listed, &what, &path);
        add(&mut all, counts);
        let framework = framework(text(&control.version));
        match benchmarks.iter_mut().find(|(f, _)| *f == framework) {
            Some((_, sum)) => add(sum, counts),
            None => benchmarks.push((framework, counts)),
        }
    }
    if let Some(t) = totals {
        let claimed = [t.total_pass, t.total_fail, t.total_warn, t.total_info];
        if claimed
            .iter()
            .zip(all)
            .any(|(t, n)| t.is_some_and(|t| t != n))
        {
            c.warn(
                format!(
                    "Totals count {}; the controls count {}, and those are used",
                    describe(claimed.map(|t| t.unwrap_or(0))),
                    describe(all)
                ),
                "Totals",
            );
        }
    }
    let compliance = benchmarks
        .into_iter()
        .map(|(framework, [passed, failed, warned, skipped])| Checks {
            framework,
            passed,
            failed,
            warned,
            errored: 0,
            skipped,
        })
        .collect();
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "kube-bench".into(),
            version: None,
        },
        // kube-bench does not name the cluster: the file's name (without date stamps) stands in.
        asset: Asset {
            kind: AssetKind::Cluster,
            ..Asset::file(input.name)
        },
        reference: None,
        taken_at: None,
        covers: Coverage::default().with(Category::Compliance),
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: None,
        compliance,
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: (!node_types.is_empty()).then(|| format!("node types: {}", node_types.join(", "))),
    };
    Ok(Parsed {
        evidence: Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

/// Counts a section's results by status and lists its PASS and FAIL results as findings.
fn read_section(c: &mut Collector, section: &Section, node_type: &str, path: &str) -> Counts {
    let mut counted = Counts::default();
    let location = [
        node_type,
        text(&section.section).unwrap_or(""),
        text(&section.desc).unwrap_or(""),
    ]
    .into_iter()
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    for (r, result) in section.results.iter().flatten().enumerate() {
        let status = text(&result.status).unwrap_or("");
        let Some(index) = STATUSES.iter().position(|s| s.eq_ignore_ascii_case(status)) else {
            c.warn(
                format!(
                    "a result with status {status:?} (not PASS, FAIL, WARN or INFO) was skipped"
                ),
                &format!("{path}.results[{r}]"),
            );
            continue;
        };
        counted[index] += 1;
        let status = match index {
            0 => Status::Passed,
            1 => Status::Open,
            _ => continue,
        };
        let Some(number) = text(&result.test_number) else {
            c.warn(
                "a result without test_number is counted but not listed",
                &format!("{path}.results[{r}]"),
            );
            continue;
        };
        // Manual (unscored) checks do not count towards the benchmark score: less severe.
        let severity = if result.scored == Some(true) {
            Severity::High
        } else {
            Severity::Medium
        };
        // The check on that kind of node: the same from one run to the next.
        let fingerprint = c.distinct(&["kube-bench", node_type, number]);
        c.add(NewFinding {
            category: Category::Compliance,
            severity,
            severity_raw: "",
            rule_id: number,
            title: text(&result.test_desc).unwrap_or(number),
            location: &location,
            package: None,
            status,
            fingerprint,
        });
    }
    counted
}

/// The counts of a section or control: its own counters when they claim at least as many of
/// every status as are found below them (results were left out), else what is found below.
/// A counter left out claims nothing.
fn reconcile(
    c: &mut Collector,
    claimed: [Option<u64>; 4],
    below: Counts,
    what: &str,
    path: &str,
) -> Counts {
    let mut counters = below;
    for (counter, claim) in counters.iter_mut().zip(claimed) {
        if let Some(claim) = claim {
            *counter = claim;
        }
    }
    if counters == below {
        return below;
    }
    if counters
        .iter()
        .zip(below)
        .all(|(claim, found)| *claim >= found)
    {
        c.warn(
            format!(
                "{what} counts {} but lists {}: results were left out of the file, and the counts are used",
                describe(counters),
                describe(below)
            ),
            path,
        );
        counters
    } else {
        c.warn(
            format!(
                "{what} counts {} but lists {}; the listed results are used",
                describe(counters),
                describe(below)
            ),
            path,
        );
        below
    }
}

fn add(sum: &mut Counts, more: Counts) {
    for (s, m) in sum.iter_mut().zip(more) {
        *s += m;
    }
}

/// "42 PASS, 12 FAIL, 11 WARN, 0 INFO".
fn describe(counts: Counts) -> String {
    STATUSES
        .iter()
        .zip(counts)
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "cis-1.6" or "1.6" → "CIS Kubernetes Benchmark 1.6". Other benchmarks kube-bench runs
/// ("gke-1.2.0", "eks-1.0.1") keep their whole name, so they stay apart; with no version the
/// checks still count, under "CIS Kubernetes Benchmark".
fn framework(version: Option<&str>) -> String {
    const NAME: &str = "CIS Kubernetes Benchmark";
    let version = version.map(|v| match v.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("cis-") => &v[4..],
        _ => v,
    });
    match version.filter(|v| !v.is_empty()) {
        Some(v) => format!("{NAME} {v}"),
        None => NAME.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frameworks_are_named_from_the_benchmark_version() {
        assert_eq!(framework(Some("cis-1.6")), "CIS Kubernetes Benchmark 1.6");
        assert_eq!(framework(Some("CIS-1.23")), "CIS Kubernetes Benchmark 1.23");
        assert_eq!(framework(Some("1.5")), "CIS Kubernetes Benchmark 1.5");
        assert_eq!(
            framework(Some("gke-1.2.0")),
            "CIS Kubernetes Benchmark gke-1.2.0"
        );
        assert_eq!(framework(Some("cis-")), "CIS Kubernetes Benchmark");
        assert_eq!(framework(None), "CIS Kubernetes Benchmark");
    }
}

//! AWS Config through the AWS CLI: `aws configservice get-compliance-summary-by-resource-type`,
//! `describe-compliance-by-config-rule`, `describe-compliance-by-resource` and
//! `get-compliance-details-by-config-rule`, as JSON.
//!
//! Each command lists at its own grain, and the file counts at that grain:
//! - a summary counts resources (compliant, non-compliant) and nothing else;
//! - rules and per-resource evaluations are checks (`compliance`, framework "AWS Config"), and
//!   become findings: non-compliant open, compliant passed;
//! - resources (by-resource, or the resources named by evaluations) give `cloud_resources`.
//!
//! AWS Config has no severity: a non-compliant rule or resource is medium.

mod doc;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::hash::FxHashMap;
use crate::core::json::{self, MaybeStr, text};
use crate::core::model::{
    Asset, Category, Checks, Coverage, Evidence, PassFail, Severity, Snapshot, SourceKind, Status,
    Tool,
};
use crate::core::sniff::{Node, Shape, Sniff};
use crate::core::time::Timestamp;
use doc::{Count, Doc, Evaluation, Summary};

pub const FORMAT: Format = Format {
    id: "aws-config",
    label: "AWS Config CLI JSON",
    command: "`aws configservice get-compliance-summary-by-resource-type` (or `describe-compliance-by-config-rule`, \
              `describe-compliance-by-resource`, `get-compliance-details-by-config-rule`)",
    severity_mapping: "AWS Config has no severity: a non-compliant rule or resource is medium",
    feeds: "cloud resources compliant and not (the cloud misconfiguration rate), AWS Config rule results \
            (compliance), non-compliant rules and resources",
    kinds: &[SourceKind::CloudPosture],
    detect,
    parse,
    stream: None,
};

const KEYS: [&str; 4] = [
    "ComplianceSummariesByResourceType",
    "ComplianceByConfigRules",
    "ComplianceByResources",
    "EvaluationResults",
];

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    KEYS.iter()
        .any(|k| matches!(root.get(k), Some(Node::Array(_) | Node::Cut)))
}

/// One outcome of a rule, resource or evaluation, as AWS Config names it.
#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Compliant,
    NonCompliant,
    NotApplicable,
    InsufficientData,
}

fn outcome(raw: Option<&str>) -> Option<Outcome> {
    match raw? {
        "COMPLIANT" => Some(Outcome::Compliant),
        "NON_COMPLIANT" => Some(Outcome::NonCompliant),
        "NOT_APPLICABLE" => Some(Outcome::NotApplicable),
        "INSUFFICIENT_DATA" => Some(Outcome::InsufficientData),
        _ => None,
    }
}

/// Counts an outcome as a check: not applicable is skipped; insufficient data means the rule
/// could not evaluate, an error.
fn count(checks: &mut Checks, o: Outcome) {
    match o {
        Outcome::Compliant => checks.passed += 1,
        Outcome::NonCompliant => checks.failed += 1,
        Outcome::NotApplicable => checks.skipped += 1,
        Outcome::InsufficientData => checks.errored += 1,
    }
}

/// `ComplianceSummaryTimestamp` and `ResultRecordedTime`: epoch seconds or RFC 3339.
fn time(raw: &str) -> Option<Timestamp> {
    Timestamp::parse_rfc3339(raw).or_else(|| {
        let seconds: f64 = raw.parse().ok().filter(|s: &f64| s.is_finite())?;
        Some(Timestamp((seconds * 1_000.0).round() as i64))
    })
}

/// What the reading so far has found.
#[derive(Default)]
struct Reading {
    c: Collector,
    checks: Checks,
    resources: Option<PassFail>,
    latest: Option<Timestamp>,
    capped: bool,
}

impl Reading {
    fn saw_time(&mut self, raw: Option<&MaybeStr>, path: &str) {
        let Some(raw) = raw.and_then(MaybeStr::non_empty) else {
            return;
        };
        match time(raw) {
            Some(t) => self.latest = self.latest.max(Some(t)),
            None => self.c.warn(format!("{raw:?} is not a time"), path),
        }
    }

    fn capped(&mut self, count: Option<&Count>, path: &str) -> u64 {
        let Some(count) = count else { return 0 };
        if count.cap_exceeded == Some(true) && !self.capped {
            self.capped = true;
            self.c.warn(
                "AWS Config caps counts at 100: this one and any other capped are lower bounds",
                path,
            );
        }
        count.capped_count.unwrap_or(0)
    }

    /// A finding for a compliant (passed) or non-compliant (open) rule, resource or evaluation.
    fn finding(&mut self, o: Outcome, rule: &str, location: &str, title: &str, parts: &[&str]) {
        let status = match o {
            Outcome::Compliant => Status::Passed,
            Outcome::NonCompliant => Status::Open,
            _ => return,
        };
        let fingerprint = self.c.distinct(parts);
        self.c.add(NewFinding {
            category: Category::Compliance,
            severity: Severity::Medium,
            severity_raw: "",
            rule_id: rule,
            title,
            location,
            package: None,
            status,
            fingerprint,
        });
    }
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let doc: Doc = json::parse(input.text)?;
    let mut r = Reading::default();
    summaries(&mut r, doc.compliance_summaries_by_resource_type.as_deref());
    for (i, rule) in doc.compliance_by_config_rules.iter().flatten().enumerate() {
        let path = format!("ComplianceByConfigRules[{i}]");
        let compliance = rule.compliance.as_ref();
        let raw = compliance.and_then(|c| text(&c.compliance_type));
        let (Some(name), Some(o)) = (text(&rule.config_rule_name), outcome(raw)) else {
            r.c.warn(
                "a rule without name or known compliance type was skipped",
                &path,
            );
            continue;
        };
        count(&mut r.checks, o);
        let contributors = compliance.and_then(|c| c.compliance_contributor_count.as_ref());
        let n = r.capped(contributors, &format!("{path}.Compliance"));
        let title = match (o, n) {
            (Outcome::NonCompliant, 1) => format!("{name}: 1 resource does not comply"),
            (Outcome::NonCompliant, n) if n > 1 => format!("{name}: {n} resources do not comply"),
            _ => String::new(),
        };
        r.finding(o, name, "", &title, &["aws-config", "rule", name]);
    }
    let mut by_resource = None;
    for (i, res) in doc.compliance_by_resources.iter().flatten().enumerate() {
        let path = format!("ComplianceByResources[{i}]");
        let raw = res
            .compliance
            .as_ref()
            .and_then(|c| text(&c.compliance_type));
        let (Some(kind), Some(id), Some(o)) = (
            text(&res.resource_type),
            text(&res.resource_id),
            outcome(raw),
        ) else {
            r.c.warn(
                "a resource without type, id or known compliance type was skipped",
                &path,
            );
            continue;
        };
        let tally: &mut PassFail = by_resource.get_or_insert_default();
        match o {
            Outcome::Compliant => tally.passed += 1,
            Outcome::NonCompliant => tally.failed += 1,
            _ => {}
        }
        let location = format!("{kind}/{id}");
        let rules = res
            .compliance
            .as_ref()
            .and_then(|c| c.compliance_contributor_count.as_ref());
        let n = r.capped(rules, &format!("{path}.Compliance"));
        let title = match o {
            Outcome::NonCompliant if n > 0 => format!("{location} does not comply with {n} rules"),
            Outcome::NonCompliant => format!("{location} does not comply"),
            _ => format!("{location} complies"),
        };
        r.finding(
            o,
            kind,
            &location,
            &title,
            &["aws-config", "resource", kind, id],
        );
    }
    let evaluated = evaluations(&mut r, doc.evaluation_results.as_deref());
    // The most direct count wins: a summary, then resources, then what evaluations say.
    r.resources = r.resources.or(by_resource).or(evaluated);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "AWS Config".into(),
            version: None,
        },
        asset: Asset::file(input.name),
        reference: None,
        taken_at: r.latest,
        covers: Coverage::default().with(Category::Compliance),
        by_fingerprint: Default::default(),
        findings: r.c.findings,
        iac_checks: None,
        compliance: (r.checks != Checks::default())
            .then(|| Checks {
                framework: "AWS Config".into(),
                ..r.checks
            })
            .into_iter()
            .collect(),
        cloud_resources: r.resources,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: None,
    };
    Ok(Parsed {
        evidence: Evidence::Findings(snapshot),
        warnings: r.c.warnings,
    })
}

/// Resources by type. Without `--resource-types` the CLI prints one aggregate entry with no
/// `ResourceType`; with it, one entry per type. The aggregate already includes every type, so
/// it counts only when no per-type entry does.
fn summaries(r: &mut Reading, list: Option<&[Summary]>) {
    let Some(list) = list else { return };
    let per_type = list.iter().any(|s| text(&s.resource_type).is_some());
    let mut tally = PassFail::default();
    for (i, summary) in list.iter().enumerate() {
        let Some(s) = &summary.compliance_summary else {
            continue;
        };
        let path = format!("ComplianceSummariesByResourceType[{i}].ComplianceSummary");
        r.saw_time(
            s.compliance_summary_timestamp.as_ref(),
            &format!("{path}.ComplianceSummaryTimestamp"),
        );
        if per_type && text(&summary.resource_type).is_none() {
            continue;
        }
        tally.passed += r.capped(s.compliant_resource_count.as_ref(), &path);
        tally.failed += r.capped(s.non_compliant_resource_count.as_ref(), &path);
    }
    r.resources = Some(tally);
}

/// Per-resource results of rules: checks, findings, and the resources they name (non-compliant
/// when any evaluation of it is).
fn evaluations(r: &mut Reading, list: Option<&[Evaluation]>) -> Option<PassFail> {
    let list = list?;
    // (type, id) → non-compliant.
    let mut resources: FxHashMap<(&str, &str), bool> = FxHashMap::default();
    for (i, e) in list.iter().enumerate() {
        let path = format!("EvaluationResults[{i}]");
        r.saw_time(
            e.result_recorded_time.as_ref(),
            &format!("{path}.ResultRecordedTime"),
        );
        let q = e
            .evaluation_result_identifier
            .as_ref()
            .and_then(|id| id.evaluation_result_qualifier.as_ref());
        let name = q.and_then(|q| text(&q.config_rule_name));
        let kind = q.and_then(|q| text(&q.resource_type)).unwrap_or("");
        let id = q.and_then(|q| text(&q.resource_id)).unwrap_or("");
        let (Some(name), Some(o)) = (name, outcome(text(&e.compliance_type))) else {
            r.c.warn(
                "an evaluation without rule name or known compliance type was skipped",
                &path,
            );
            continue;
        };
        count(&mut r.checks, o);
        if matches!(o, Outcome::Compliant | Outcome::NonCompliant) && !id.is_empty() {
            let failed = o == Outcome::NonCompliant;
            *resources.entry((kind, id)).or_default() |= failed;
        }
        let location = format!("{kind}/{id}");
        r.finding(o, name, &location, "", &["aws-config", name, kind, id]);
    }
    let failed = resources.values().filter(|f| **f).count() as u64;
    Some(PassFail {
        passed: resources.len() as u64 - failed,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_epoch_seconds_or_iso() {
        assert_eq!(time("1453237464.543"), Some(Timestamp(1_453_237_464_543)));
        assert_eq!(
            time("2016-01-19T21:04:24.543000+00:00"),
            Some(Timestamp(1_453_237_464_543))
        );
        assert_eq!(time("yesterday"), None);
    }
}

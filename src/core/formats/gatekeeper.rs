//! OPA Gatekeeper constraints with their audit status: `kubectl get constraints -o json` (a `List`
//! of constraints of several kinds), one kind (`kubectl get k8srequiredlabels -o json`), or one
//! constraint; JSON or YAML.
//!
//! Each violation the audit listed is an open policy finding. `status.totalViolations` is the
//! count: the audit keeps at most `--constraint-violations-limit` (20 by default) violations per
//! constraint, so a larger total is said in a warning and in the note. Gatekeeper reports what
//! failed, never what passed, so there are no compliance checks here: their denominator needs an
//! inventory of the objects evaluated.

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::kube::{self, resource};
use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::{Location, Warning};
use crate::core::json::{Str, text};
use crate::core::model::{
    Asset, AssetKind, Category, Coverage, Evidence, PolicyScope, Severity, Snapshot, SourceKind,
    Status, Tool,
};
use crate::core::severity::severity_word;
use crate::core::sniff::Sniff;
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "gatekeeper",
    label: "Gatekeeper constraints",
    command: "`kubectl get constraints -o json` (or `-o yaml`, or one kind: \
              `kubectl get k8srequiredlabels -o json`)",
    severity_mapping: "a `severity` label on the constraint (critical, high, medium, low, info; \
                       error → high, warning → medium); without one, deny → medium, warn and \
                       dryrun → low",
    feeds: "policy violations (open policy findings) and their totals per enforcement action",
    kinds: &[SourceKind::ClusterPolicy],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    kube::first_object(sniff, |api, _| {
        api.starts_with("constraints.gatekeeper.sh/")
    })
}

/// A constraint, or a `List` of them (`items`).
#[derive(Deserialize)]
struct Constraint<'a> {
    #[serde(borrow)]
    items: Option<Vec<Constraint<'a>>>,
    #[serde(borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    metadata: Option<Metadata<'a>>,
    #[serde(borrow)]
    spec: Option<Spec<'a>>,
    #[serde(borrow)]
    status: Option<AuditStatus<'a>>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    labels: Option<Labels<'a>>,
}

#[derive(Deserialize)]
struct Labels<'a> {
    #[serde(borrow)]
    severity: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Spec<'a> {
    #[serde(rename = "enforcementAction", borrow)]
    action: Option<Str<'a>>,
    #[serde(rename = "match", borrow)]
    matching: Option<Match<'a>>,
}

/// `spec.match`: what the constraint applies to (kinds, namespaces).
#[derive(Deserialize)]
struct Match<'a> {
    #[serde(borrow)]
    kinds: Option<Vec<KindGroup<'a>>>,
    #[serde(borrow)]
    namespaces: Option<Vec<Str<'a>>>,
    #[serde(rename = "excludedNamespaces", borrow)]
    excluded: Option<Vec<Str<'a>>>,
}

#[derive(Deserialize)]
struct KindGroup<'a> {
    #[serde(borrow)]
    kinds: Option<Vec<Str<'a>>>,
}

fn words(list: &Option<Vec<Str>>) -> Vec<String> {
    list.iter()
        .flatten()
        .filter_map(Str::non_empty)
        .map(str::to_string)
        .collect()
}

#[derive(Deserialize)]
struct AuditStatus<'a> {
    #[serde(rename = "auditTimestamp", borrow)]
    audited: Option<Str<'a>>,
    #[serde(rename = "totalViolations")]
    total: Option<u64>,
    #[serde(borrow)]
    violations: Option<Vec<Violation<'a>>>,
}

#[derive(Deserialize)]
struct Violation<'a> {
    #[serde(rename = "enforcementAction", borrow)]
    action: Option<Str<'a>>,
    #[serde(borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    namespace: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    message: Option<Str<'a>>,
}

/// Gatekeeper's default enforcement action.
const DEFAULT_ACTION: &str = "deny";

#[derive(Default)]
struct State {
    c: Collector,
    constraints: usize,
    listed: u64,
    total: u64,
    /// Violations per enforcement action, in the order actions first appear.
    by_action: Vec<(String, u64)>,
    latest: Option<Timestamp>,
    /// Constraints listing fewer violations than their total.
    capped: usize,
    scopes: Vec<PolicyScope>,
}

/// Warnings about capped constraints kept one by one; the rest are counted in one more.
const NAMED: usize = 5;

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let mut s = State::default();
    kube::each_document(input.text, |document: &Constraint, prefix| {
        walk(&mut s, document, prefix)
    })?;
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Gatekeeper".into(),
            version: None,
        },
        // Constraints do not name their cluster: the file's name (without date stamps) stands in.
        asset: Asset {
            kind: AssetKind::Cluster,
            ..Asset::file(input.name)
        },
        reference: None,
        taken_at: s.latest,
        covers: Coverage::default().with(Category::Policy),
        note: Some(note(&s)),
        by_fingerprint: Default::default(),
        findings: s.c.findings,
        iac_checks: None,
        // Violations only: "compliant ÷ evaluated" needs an inventory (a later change).
        compliance: Vec::new(),
        cloud_resources: None,
        // The totals, not the listed violations: the audit lists at most 20 per constraint.
        policy_violations: Some(s.total),
        policy_scopes: s.scopes,
    };
    let mut warnings = s.c.warnings;
    if s.capped > NAMED {
        warnings.push(Warning::new(
            format!(
                "{} more constraints list fewer violations than their totalViolations; the totals count",
                s.capped - NAMED
            ),
            Location::default(),
        ));
    }
    Ok(Parsed {
        evidence: Evidence::Findings(snapshot),
        warnings,
    })
}

/// "4 listed of 31 violations (deny 27, dryrun 4) in 2 constraints".
fn note(s: &State) -> String {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let count = if s.listed < s.total {
        format!("{} listed of {}", s.listed, plural(s.total, "violation"))
    } else {
        plural(s.total, "violation")
    };
    let actions = if s.by_action.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = s
            .by_action
            .iter()
            .map(|(action, n)| format!("{action} {n}"))
            .collect();
        format!(" ({})", parts.join(", "))
    };
    format!(
        "{count}{actions} in {}",
        plural(s.constraints as u64, "constraint")
    )
}

/// A constraint, or each constraint of a list.
fn walk(s: &mut State, constraint: &Constraint, path: &str) {
    if let Some(items) = &constraint.items {
        for (i, item) in items.iter().enumerate() {
            walk(s, item, &format!("{path}items[{i}]."));
        }
        return;
    }
    s.constraints += 1;
    let kind = text(&constraint.kind).unwrap_or("");
    let meta = constraint.metadata.as_ref();
    let name = meta.and_then(|m| text(&m.name)).unwrap_or("");
    let rule_id = resource(Some(kind), None, Some(name));
    let label = meta
        .and_then(|m| m.labels.as_ref())
        .and_then(|l| text(&l.severity));
    let spec_action = constraint
        .spec
        .as_ref()
        .and_then(|s| text(&s.action))
        .unwrap_or(DEFAULT_ACTION);
    let Some(status) = &constraint.status else {
        return;
    };
    if let Some(at) = s.c.taken_at(
        text(&status.audited),
        &format!("{path}status.auditTimestamp"),
    ) {
        s.latest = s.latest.max(Some(at));
    }
    let violations = status.violations.as_deref().unwrap_or_default();
    let matching = constraint.spec.as_ref().and_then(|s| s.matching.as_ref());
    s.scopes.push(PolicyScope {
        constraint: rule_id.clone(),
        kinds: matching
            .and_then(|m| m.kinds.as_ref())
            .into_iter()
            .flatten()
            .flat_map(|g| words(&g.kinds))
            .collect(),
        namespaces: matching.map(|m| words(&m.namespaces)).unwrap_or_default(),
        excluded_namespaces: matching.map(|m| words(&m.excluded)).unwrap_or_default(),
        violations: status.total.unwrap_or(violations.len() as u64),
    });
    for v in violations {
        let action = text(&v.action).unwrap_or(spec_action);
        count(s, action, 1);
        let location = resource(text(&v.kind), text(&v.namespace), text(&v.name));
        let message = text(&v.message).unwrap_or(&rule_id);
        // A dryrun or warn violation is still a violation; its title says it was not enforced.
        let title = if action.eq_ignore_ascii_case(DEFAULT_ACTION) {
            message.to_string()
        } else {
            format!("[{action}] {message}")
        };
        let (severity, raw) = severity(label, action);
        let fingerprint = s.c.distinct(&["policy", kind, name, &location]);
        s.c.add(NewFinding {
            category: Category::Policy,
            severity,
            severity_raw: raw,
            rule_id: &rule_id,
            title: &title,
            location: &location,
            package: None,
            status: Status::Open,
            fingerprint,
        });
    }
    let listed = violations.len() as u64;
    let total = status.total.unwrap_or(listed);
    s.listed += listed;
    s.total += total.max(listed);
    if total > listed {
        // The unlisted ones count under the action the listed ones show, else the constraint's.
        let action = violations
            .first()
            .and_then(|v| text(&v.action))
            .unwrap_or(spec_action);
        count(s, action, total - listed);
        s.capped += 1;
    }
    if total > listed && s.capped <= NAMED {
        s.c.warn(
            format!(
                "constraint {rule_id}: {listed} listed of {total} violations (the audit keeps at \
                 most --constraint-violations-limit, 20 by default); the total counts"
            ),
            &format!("{path}status.violations"),
        );
    }
}

fn count(s: &mut State, action: &str, by: u64) {
    let action = action.to_ascii_lowercase();
    match s.by_action.iter_mut().find(|(a, _)| *a == action) {
        Some((_, n)) => *n += by,
        None => s.by_action.push((action, by)),
    }
}

/// The constraint's `severity` label when it is a known word (Gatekeeper has no severity of its
/// own; teams label constraints, some with log levels); otherwise the enforcement action.
fn severity<'a>(label: Option<&'a str>, action: &str) -> (Severity, &'a str) {
    if let Some(raw) = label {
        let mapped = match raw.trim().to_ascii_lowercase().as_str() {
            "error" => Severity::High,
            "warning" | "warn" => Severity::Medium,
            _ => severity_word(raw),
        };
        if mapped != Severity::Unknown {
            return (mapped, raw);
        }
    }
    let by_action = if action.eq_ignore_ascii_case(DEFAULT_ACTION) {
        Severity::Medium
    } else {
        Severity::Low
    };
    (by_action, label.unwrap_or(""))
}

//! KPIs on compliance evaluations: the share of checks that pass, and of cloud resources that
//! are misconfigured, in the latest audit of each cluster and account.

use std::collections::BTreeMap;

use super::{Context, Measure, Unit};
use crate::core::evidence::Window;
use crate::core::model::{Category, Checks, Inventory, PassFail, SeriesKey, Snapshot, Status};
use crate::core::time::{MS_PER_DAY, Timestamp};

/// A Gatekeeper audit's checks, given the cluster's objects: each constraint's matched objects,
/// the violating ones failed (its total, at most the matched), the rest passed.
pub fn gatekeeper_checks(snapshot: &Snapshot, inventory: Option<&Inventory>) -> Option<Checks> {
    let inventory = inventory?;
    if snapshot.policy_scopes.is_empty() {
        return None;
    }
    let mut checks = Checks {
        framework: "Gatekeeper".into(),
        ..Checks::default()
    };
    for scope in &snapshot.policy_scopes {
        let matched = inventory.matched(scope);
        let failed = scope.violations.min(matched);
        checks.passed += matched - failed;
        checks.failed += failed;
    }
    Some(checks)
}

/// The checks a snapshot reports, and Gatekeeper's when an inventory gives them.
pub fn checks_of(snapshot: &Snapshot, inventory: Option<&Inventory>) -> Vec<Checks> {
    let mut all = snapshot.compliance.clone();
    all.extend(gatekeeper_checks(snapshot, inventory));
    all
}

/// The snapshots that speak for compliance and policy at the end of the period.
fn audits(cx: &Context) -> Vec<usize> {
    let mut chosen: Vec<usize> = [Category::Compliance, Category::Policy]
        .iter()
        .flat_map(|c| cx.current.selected_for(*c).iter().copied())
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}

fn percent(part: u64, whole: u64) -> String {
    Unit::Percent.format(100.0 * part as f64 / whole as f64)
}

pub(super) fn compliance_score(cx: &Context) -> Measure {
    let formula = "compliant ÷ evaluated checks × 100, pooled over every check of kube-bench, \
                   Gatekeeper, Kyverno, AWS Config and Security Hub in the latest audit of each \
                   cluster and account; warn, error, skip and info results are not evaluated"
        .to_string();
    let audits = audits(cx);
    if audits.is_empty() {
        return Measure::none(formula);
    }
    // Framework → its checks, summed over the audits that report it.
    let mut frameworks: BTreeMap<&str, Checks> = BTreeMap::new();
    let mut inputs = Vec::new();
    let mut without = Vec::new();
    let mut all_checks: Vec<(usize, Vec<Checks>)> = Vec::new();
    for &i in &audits {
        let checks = checks_of(cx.items[i].snapshot, cx.inventory);
        all_checks.push((i, checks));
    }
    for (i, checks) in &all_checks {
        let item = &cx.items[*i];
        if checks.is_empty() {
            without.push(item.name);
            continue;
        }
        inputs.push(item.name.to_string());
        for checks in checks {
            let sum = frameworks.entry(&checks.framework).or_default();
            sum.passed += checks.passed;
            sum.failed += checks.failed;
            sum.warned += checks.warned;
            sum.errored += checks.errored;
            sum.skipped += checks.skipped;
        }
    }
    let passed: u64 = frameworks.values().map(|c| c.passed).sum();
    let evaluated: u64 = frameworks.values().map(Checks::evaluated).sum();
    let unevaluated: u64 = frameworks
        .values()
        .map(|c| c.warned + c.errored + c.skipped)
        .sum();
    let without_note = (!without.is_empty()).then(|| {
        format!(
            "no passed checks to score against (Gatekeeper lists what fails, not what passes: drop \
             an inventory of the cluster's objects beside it; an AWS Config summary counts \
             resources, not checks): {}",
            without.join(", ")
        )
    });
    if evaluated == 0 {
        let reason = if inputs.is_empty() {
            "the audits list violations but no evaluated checks: drop an inventory of the \
             cluster's objects (kubectl get … -A -o json) beside Gatekeeper's constraints"
        } else {
            "the audits evaluated no check"
        };
        return Measure::empty(formula, inputs, reason).note(without_note);
    }
    let rows: Vec<String> = frameworks
        .iter()
        .filter(|(_, c)| c.evaluated() > 0)
        .map(|(name, c)| {
            format!(
                "{name}: {} of {} ({})",
                c.passed,
                c.evaluated(),
                percent(c.passed, c.evaluated())
            )
        })
        .collect();
    Measure::ratio(passed as f64, evaluated as f64, formula, inputs)
        .notes(rows)
        .note((unevaluated > 0).then(|| {
            format!("{unevaluated} warn, error, skip or info results are not in the score")
        }))
        .note(without_note)
}

pub(super) fn cloud_misconfig_rate(cx: &Context) -> Measure {
    let formula = "non-compliant ÷ evaluated cloud resources × 100 (AWS Config, Security Hub), in \
                   the latest audit of each account"
        .to_string();
    let mut resources = PassFail::default();
    let mut inputs = Vec::new();
    let mut formats = Vec::new();
    for i in audits(cx) {
        if let Some(counted) = cx.items[i].snapshot.cloud_resources {
            resources += counted;
            inputs.push(cx.items[i].name.to_string());
            formats.push(cx.items[i].snapshot.format);
        }
    }
    let both = formats.contains(&"aws-config") && formats.contains(&"securityhub");
    if inputs.is_empty() {
        return Measure::none(formula);
    }
    if resources.evaluated() == 0 {
        return Measure::empty(formula, inputs, "the audits evaluated no resource");
    }
    Measure::ratio(
        resources.failed as f64,
        resources.evaluated() as f64,
        formula,
        inputs,
    )
    .note(Some(format!(
        "{} compliant, {} non-compliant",
        resources.passed, resources.failed
    )))
    .note(both.then(|| {
        "AWS Config and Security Hub both counted: Security Hub's controls run as AWS Config \
         rules, so a resource of one account may be counted by each"
            .to_string()
    }))
}

/// Policy failures a snapshot reports: its violations in all (Gatekeeper's totals), else its
/// compliance checks that failed (Kyverno), else its open policy violations, plus its failed IaC
/// checks (Checkov, Trivy).
fn policy_failures(snapshot: &crate::core::model::Snapshot) -> u64 {
    let checks: u64 = snapshot.compliance.iter().map(|c| c.failed).sum();
    let violations = if let Some(total) = snapshot.policy_violations {
        total
    } else if snapshot.compliance.is_empty() {
        snapshot
            .findings
            .iter()
            .filter(|f| f.category == Category::Policy && f.status == Status::Open)
            .count() as u64
    } else {
        checks
    };
    // A failed IaC check a triage decision covers is left out, as in the IaC pass rate.
    let decided = snapshot
        .findings
        .iter()
        .filter(|f| f.category == Category::Misconfiguration && f.decision.is_some())
        .count() as u64;
    violations
        + snapshot
            .iac_checks
            .map_or(0, |c| c.failed.saturating_sub(decided))
}

pub(super) fn policy_drift(cx: &Context) -> Measure {
    let formula = "policy failures in the latest week − in the week before (Gatekeeper, Kyverno; \
                   Checkov and Trivy IaC checks): for each cluster and repository audited in both \
                   weeks, its last audit of each week"
        .to_string();
    // Admission policy audits, and IaC scans that count their checks (Checkov, `trivy config`).
    let is_policy = |s: &crate::core::model::Snapshot| {
        s.covers.covers(Category::Policy) || s.iac_checks.is_some()
    };
    let policy: Vec<usize> = (0..cx.items.len())
        .filter(|&i| is_policy(cx.items[i].snapshot))
        .collect();
    if policy.is_empty() {
        return Measure::none(formula);
    }
    let Some(end) = cx.window.map(|w| w.to) else {
        return Measure::empty(formula, Vec::new(), "no audit has a time");
    };
    let week = 7 * MS_PER_DAY;
    let latest = Window {
        from: Timestamp(end.0 - week + 1),
        to: end,
    };
    let before = Window {
        from: Timestamp(end.0 - 2 * week + 1),
        to: Timestamp(end.0 - week),
    };
    // (asset, series) → the last audit in each week: this one, then the one before.
    type Weeks = [Option<usize>; 2];
    let mut last: BTreeMap<(u32, SeriesKey), Weeks> = BTreeMap::new();
    for &i in &policy {
        let item = &cx.items[i];
        let Some(at) = item.taken_at else { continue };
        let slot = if latest.contains(at) {
            0
        } else if before.contains(at) {
            1
        } else {
            continue;
        };
        let key = (cx.current.asset_of[i], item.snapshot.series());
        let entry = last.entry(key).or_default();
        if entry[slot].is_none_or(|j| cx.items[j].taken_at <= item.taken_at) {
            entry[slot] = Some(i);
        }
    }
    let pairs: Vec<(usize, usize)> = last
        .values()
        .filter_map(|[now, then]| Some(((*now)?, (*then)?)))
        .collect();
    let inputs: Vec<String> = policy
        .iter()
        .map(|&i| cx.items[i].name.to_string())
        .collect();
    if pairs.is_empty() {
        return Measure::empty(
            formula,
            inputs,
            format!(
                "it waits for two audits of one cluster or repository, one in the latest week \
                 ({}) and one in the week before ({})",
                latest.text(),
                before.text()
            ),
        );
    }
    let now: u64 = pairs
        .iter()
        .map(|&(i, _)| policy_failures(cx.items[i].snapshot))
        .sum();
    let then: u64 = pairs
        .iter()
        .map(|&(_, j)| policy_failures(cx.items[j].snapshot))
        .sum();
    let used: Vec<String> = pairs
        .iter()
        .flat_map(|&(i, j)| [j, i])
        .map(|i| cx.items[i].name.to_string())
        .collect();
    Measure {
        value: Some(now as f64 - then as f64),
        numerator: Some(now as f64),
        denominator: Some(then as f64),
        ratio_text: Some(format!("{now} failures this week, {then} the week before")),
        formula,
        inputs: used,
        ..Measure::default()
    }
}

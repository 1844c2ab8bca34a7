//! KPIs on compliance evaluations: the share of checks that pass, and of cloud resources that
//! are misconfigured, in the latest audit of each cluster and account.

use std::collections::BTreeMap;

use super::{Context, Measure, Unit};
use crate::core::model::{Category, Checks, PassFail};

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
    for &i in &audits {
        let item = &cx.items[i];
        if item.snapshot.compliance.is_empty() {
            without.push(item.name);
            continue;
        }
        inputs.push(item.name.to_string());
        for checks in &item.snapshot.compliance {
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
            "violations only, no passed checks to score against (Gatekeeper lists what fails, not \
             what passes): {}",
            without.join(", ")
        )
    });
    if evaluated == 0 {
        let reason = if inputs.is_empty() {
            "the audits list violations but no evaluated checks"
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
    for i in audits(cx) {
        if let Some(counted) = cx.items[i].snapshot.cloud_resources {
            resources += counted;
            inputs.push(cx.items[i].name.to_string());
        }
    }
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
}

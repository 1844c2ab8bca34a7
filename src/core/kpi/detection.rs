//! KPIs on event logs: admission denials, unauthorized attempts and runtime alerts.

use super::{Context, Measure, Unit};
use crate::core::evidence::Window;
use crate::core::model::{EventKind, SourceKind, ThreatCategory};

const AUDIT: &[SourceKind] = &[SourceKind::KubernetesAudit];
const ACCESS: &[SourceKind] = &[SourceKind::KubernetesAudit, SourceKind::CloudAudit];
const RUNTIME: &[SourceKind] = &[SourceKind::RuntimeAlerts];

/// "12 over 2 weeks".
fn over(n: usize, weeks: f64) -> String {
    let weeks = (weeks * 10.0).round() / 10.0;
    if weeks == 1.0 {
        format!("{n} in 1 week")
    } else {
        format!("{n} over {weeks} weeks")
    }
}

pub(super) fn deployment_block_rate(cx: &Context) -> Measure {
    let formula = "workload create/update/patch requests denied by admission policy ÷ those \
                   admission decided (denied + admitted with a 2xx response) × 100, from the \
                   Kubernetes audit log; requests refused earlier by authentication or RBAC count \
                   as unauthorized attempts instead, and controllers' requests (a ReplicaSet \
                   creating a Deployment's pods) follow from a workload already counted"
        .to_string();
    let events = cx.events;
    let (true, Some(window)) = (events.has(AUDIT), cx.window) else {
        return Measure::none(formula);
    };
    let inputs = events.inputs(AUDIT, window);
    let denied = events.of_kind(EventKind::WorkloadDenied, window).count();
    let admitted = events.of_kind(EventKind::WorkloadAdmitted, window).count();
    if denied + admitted == 0 {
        return Measure::empty(
            formula,
            inputs,
            "the audit logs hold no workload create, update or patch request in this period",
        );
    }
    let mut policies: Vec<(String, usize)> = Vec::new();
    for event in events.of_kind(EventKind::WorkloadDenied, window) {
        match policies.iter_mut().find(|(p, _)| **p == *event.rule) {
            Some((_, n)) => *n += 1,
            None => policies.push((event.rule.to_string(), 1)),
        }
    }
    policies.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let by_policy: Vec<String> = policies
        .iter()
        .take(5)
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    let pods = events.of_kind(EventKind::ControllerDenied, window).count();
    Measure::ratio(denied as f64, (denied + admitted) as f64, formula, inputs)
        .note((!by_policy.is_empty()).then(|| format!("denied by: {}", by_policy.join(", "))))
        .note((pods > 0).then(|| {
            format!(
                "not counted here: {pods} workloads whose pods were refused when their controller \
                 created them (a Deployment admitted, its pods not; once a day per workload, see \
                 Metrics)"
            )
        }))
}

pub(super) fn unauthorized_api_attempts(cx: &Context) -> Measure {
    let events = cx.events;
    let base = "401, authorization 403 (RBAC forbid) and CloudTrail AccessDenied / \
                UnauthorizedOperation events per week; admission denials are policy blocks and \
                count in the block rate instead";
    let compared = events
        .coverage(ACCESS)
        .filter(|_| events.has(ACCESS))
        .and_then(|coverage| cx.choice.compare(cx.now, coverage, true));
    let Some(comparison) = compared else {
        return if events.has(ACCESS) {
            Measure::empty(
                format!("{base}; compared with the previous period"),
                Vec::new(),
                "the audit and CloudTrail logs have no record in this period",
            )
        } else {
            Measure::none(format!("{base}; compared with the previous period"))
        };
    };
    let formula = format!("{base}; compared: {}", comparison.words);
    let current = comparison.current;
    let now = events.of_kind(EventKind::Unauthorized, current).count();
    let weeks_now = current.weeks();
    let before = comparison.previous.map(|p| {
        let n = events.of_kind(EventKind::Unauthorized, p).count();
        (n, p.weeks())
    });
    let span = comparison.previous.map_or(current, |p| p.union(current));
    Measure {
        value: Some(now as f64 / weeks_now),
        numerator: Some(now as f64),
        denominator: Some(weeks_now),
        ratio_text: Some(over(now, weeks_now)),
        previous: before.map(|(n, weeks)| n as f64 / weeks),
        formula,
        inputs: events.inputs(ACCESS, span),
        reason: comparison.missing.clone(),
        ..Measure::default()
    }
    .note(before.map(|(n, weeks)| {
        format!(
            "previous period: {} ({})",
            Unit::PerWeek.format(n as f64 / weeks),
            over(n, weeks)
        )
    }))
}

pub(super) fn runtime_threats(cx: &Context) -> Measure {
    let gate = cx.settings.alert_priority;
    let formula = format!(
        "runtime alerts of priority {} or above (Falco Critical/Alert/Emergency → critical, \
         Error → high) per week in the period, by category",
        gate.as_str()
    );
    let events = cx.events;
    if !events.has(RUNTIME) {
        return Measure::none(formula);
    }
    // Per week of what the alert logs cover in the period, not of evidence of other kinds.
    let covered = cx
        .window
        .zip(events.coverage(RUNTIME))
        .and_then(|(window, coverage)| window.intersect(coverage));
    let Some(window) = covered else {
        return Measure::empty(
            formula,
            Vec::new(),
            "the runtime alert logs have no record in this period",
        );
    };
    let threats: Vec<_> = events
        .of_kind(EventKind::RuntimeAlert, window)
        .filter(|e| e.priority.at_least(gate))
        .collect();
    let all = events.of_kind(EventKind::RuntimeAlert, window).count();
    let weeks = window.weeks();
    let by_category: Vec<String> = ThreatCategory::ALL
        .iter()
        .filter_map(|c| {
            let n = threats
                .iter()
                .filter(|e| e.category.unwrap_or(ThreatCategory::Other) == *c)
                .count();
            (n > 0).then(|| format!("{} {n}", c.label()))
        })
        .collect();
    Measure {
        value: Some(threats.len() as f64 / weeks),
        numerator: Some(threats.len() as f64),
        denominator: Some(weeks),
        ratio_text: Some(over(threats.len(), weeks)),
        formula,
        inputs: events.inputs(RUNTIME, window),
        ..Measure::default()
    }
    .note((!by_category.is_empty()).then(|| format!("by category: {}", by_category.join(", "))))
    .note((all > threats.len()).then(|| {
        format!(
            "{} lower-priority alerts are not counted (see Metrics)",
            all - threats.len()
        )
    }))
    .note(coverage_note(cx, window))
}

/// "the logs cover 2026-11-02 to 2026-11-09 of this period", when they cover only part of it.
fn coverage_note(cx: &Context, covered: Window) -> Option<String> {
    let window = cx.window?;
    (covered.from > window.from || covered.to < window.to).then(|| {
        format!(
            "the logs cover {} of this period; rates are per week of that",
            covered.text()
        )
    })
}

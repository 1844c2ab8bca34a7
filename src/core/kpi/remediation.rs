//! KPIs on remediation over the period, from the history of each asset's scans.

use super::{Context, Measure, Unit, mean, median, triage_note};
use crate::core::history::{Instant, Lifecycle};
use crate::core::model::{Category, Severity};
use crate::core::vulntime::SlaState;

fn history_inputs(cx: &Context) -> Vec<String> {
    cx.vulnerabilities
        .inputs()
        .into_iter()
        .map(|i| cx.items[i].name.to_string())
        .collect()
}

pub(super) fn resolved_vulns_pct(cx: &Context) -> Measure {
    let formula =
        "vulnerabilities fixed in the period ÷ (fixed + still open at its end) × 100".to_string();
    let history = cx.vulnerabilities;
    if !history.has_history() {
        return Measure::none(formula);
    }
    if !history.scanned_in(cx.period) {
        return Measure::empty(
            formula,
            history_inputs(cx),
            "no vulnerability scan in this period, so no fix could be seen in it",
        );
    }
    let fixed = history.fixed_in(cx.period).count();
    let open = history.open_at_end().count();
    if fixed + open == 0 {
        return Measure::empty(
            formula,
            history_inputs(cx),
            "no vulnerability was open or fixed in this period",
        );
    }
    Measure::ratio(
        fixed as f64,
        (fixed + open) as f64,
        formula,
        history_inputs(cx),
    )
    .note(triage_note(cx, &[Category::Vulnerability], |_| true))
}

pub(super) fn vuln_mttr(cx: &Context) -> Measure {
    let formula = "mean(fixed_at − first_seen) in days over vulnerabilities fixed in the period; \
                   first_seen is the first scan that found it (a lower bound)"
        .to_string();
    let history = cx.vulnerabilities;
    if !history.has_history() {
        return Measure::none(formula);
    }
    let fixed: Vec<&Lifecycle> = history.fixed_in(cx.period).collect();
    if fixed.is_empty() {
        return Measure::empty(
            formula,
            history_inputs(cx),
            "no vulnerability was fixed in this period",
        );
    }
    let days: Vec<f64> = fixed.iter().filter_map(|l| l.days_to_fix()).collect();
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let d: Vec<f64> = fixed
                .iter()
                .filter(|l| l.severity == *s)
                .filter_map(|l| l.days_to_fix())
                .collect();
            (!d.is_empty()).then(|| {
                format!(
                    "{} {} ({})",
                    s.as_str(),
                    Unit::Days.format(mean(&d)),
                    d.len()
                )
            })
        })
        .collect();
    let total: f64 = days.iter().sum();
    Measure {
        value: Some(mean(&days)),
        numerator: Some(total),
        denominator: Some(days.len() as f64),
        ratio_text: Some(format!(
            "{} over {} vulnerabilities",
            Unit::Days.format(total),
            days.len()
        )),
        formula,
        inputs: history_inputs(cx),
        notes: median(&days)
            .map(|m| format!("median {}", Unit::Days.format(m)))
            .into_iter()
            .chain([format!("by severity: {}", by_severity.join(", "))])
            .collect(),
        ..Measure::default()
    }
}

pub(super) fn vuln_sla_compliance(cx: &Context) -> Measure {
    let s = cx.settings;
    let formula = format!(
        "vulnerabilities fixed within SLA ÷ (fixed in the period + open past SLA at its end) × 100; \
         SLA days: critical {}, high {}, medium {}, low {}",
        s.sla_days[0], s.sla_days[1], s.sla_days[2], s.sla_days[3]
    );
    let history = cx.vulnerabilities;
    if !history.has_history() {
        return Measure::none(formula);
    }
    if !history.scanned_in(cx.period) {
        return Measure::empty(
            formula,
            history_inputs(cx),
            "no vulnerability scan in this period, so no fix could be seen in it",
        );
    }
    let mut no_sla = 0;
    let (mut within, mut fixed) = (0, 0);
    for l in history.fixed_in(cx.period) {
        match (s.sla(l.severity), l.days_to_fix()) {
            (Some(sla), Some(days)) => {
                fixed += 1;
                within += usize::from(days <= sla);
            }
            _ => no_sla += 1,
        }
    }
    // Still open: its age at the end of the period (now, for all data), not at its last scan.
    let end = cx.period.to.unwrap_or(cx.now);
    let mut past = 0;
    // Open ones by severity (critical … low) and SLA state (within, at risk, breached).
    let mut states = [[0usize; 3]; 4];
    for l in history.open_at_end() {
        let age = end.days_since(l.first_seen);
        match s.sla(l.severity) {
            Some(sla) => {
                past += usize::from(age > sla);
                let state = SlaState::of(age, Some(sla), s.sla_margin_pct);
                if let Some(column) = SlaState::JUDGED.iter().position(|j| *j == state) {
                    states[l.severity as usize][column] += 1;
                }
            }
            None => no_sla += 1,
        }
    }
    if fixed + past == 0 {
        return Measure::empty(
            formula,
            history_inputs(cx),
            "no vulnerability was fixed or past its SLA in this period",
        );
    }
    Measure::ratio(
        within as f64,
        (fixed + past) as f64,
        formula,
        history_inputs(cx),
    )
    .note(Some(format!(
        "{fixed} fixed ({within} within SLA), {past} open past SLA"
    )))
    .note(open_by_sla(&states, s.sla_margin_pct))
    .note((no_sla > 0).then(|| {
        format!("{no_sla} info or unknown-severity vulnerabilities have no SLA and are not counted")
    }))
    .note(triage_note(cx, &[Category::Vulnerability], |_| true))
}

/// "Open at the end: 11 within SLA, 1 at risk, 3 breached (critical 0 / 0 / 2, high 2 / 1 / 1…)":
/// the SLA status of what is still open, beside the rate, when anything is.
fn open_by_sla(states: &[[usize; 3]; 4], margin_pct: f64) -> Option<String> {
    let total = |c: usize| states.iter().map(|s| s[c]).sum::<usize>();
    if (0..3).map(total).sum::<usize>() == 0 {
        return None;
    }
    let per_severity: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .iter()
    .zip(states)
    .filter(|(_, s)| s.iter().sum::<usize>() > 0)
    .map(|(sev, s)| format!("{} {} / {} / {}", sev.as_str(), s[0], s[1], s[2]))
    .collect();
    Some(format!(
        "Open at the end: {} within SLA, {} at risk (at most {margin_pct} % of the SLA left), {} breached — {} (within / at risk / breached)",
        total(0),
        total(1),
        total(2),
        per_severity.join(", ")
    ))
}

pub(super) fn critical_high_reduction(cx: &Context) -> Measure {
    let formula = "(open critical + high in each asset's first scan of the period − in its last) ÷ first × 100, \
                   over assets scanned at least twice in the period"
        .to_string();
    let serious = |i: &Instant| {
        i.open[Severity::Critical as usize] as usize + i.open[Severity::High as usize] as usize
    };
    let (mut start, mut end, mut inputs) = (0, 0, Vec::new());
    for asset in &cx.vulnerabilities.assets {
        let in_period: Vec<&Instant> = asset.within(cx.period).collect();
        if let [first, .., last] = in_period[..] {
            start += serious(first);
            end += serious(last);
            inputs.extend(
                first
                    .items
                    .iter()
                    .chain(&last.items)
                    .map(|&i| cx.items[i].name.to_string()),
            );
        }
    }
    if inputs.is_empty() {
        return Measure::none(formula);
    }
    if start == 0 {
        return Measure::empty(
            formula,
            inputs,
            "no critical or high vulnerability was open at the start of the period",
        );
    }
    Measure::ratio(start as f64 - end as f64, start as f64, formula, inputs)
        .note(Some(format!("{start} open at the start, {end} at the end")))
        .note(triage_note(cx, &[Category::Vulnerability], |f| {
            matches!(f.severity, Severity::Critical | Severity::High)
        }))
}

//! KPIs on the state at the end of the period: what is open, what passes, what is present.

use super::{Context, Measure, Unit, mean, triage_note};
use crate::core::history::Lifecycle;
use crate::core::model::SourceKind;
use crate::core::model::{Category, Evidence, PassFail, Severity, Snapshot, Status};

pub(super) fn critical_open(cx: &Context) -> Measure {
    let formula =
        "count of open critical vulnerabilities in the latest snapshot of each asset".to_string();
    let current = cx.current;
    if current.selected_for(Category::Vulnerability).is_empty() {
        return Measure::none(formula);
    }
    // One pass over every finding: a million of them take a while.
    let (mut open, mut suppressed) = (0, 0);
    for f in &current.findings {
        let f = f.finding;
        if f.category != Category::Vulnerability || f.severity != Severity::Critical {
            continue;
        }
        match f.status {
            Status::Open => open += 1,
            _ if f.decision.is_none() => suppressed += 1,
            _ => {}
        }
    }
    Measure::count(open, formula, current.inputs_for(&[Category::Vulnerability]))
        .note((suppressed > 0).then(|| format!("{suppressed} critical vulnerabilities marked not affected or suppressed are not counted")))
        .note(triage_note(cx, &[Category::Vulnerability], |f| f.severity == Severity::Critical))
        .notes(state_notes(cx, Category::Vulnerability))
}

pub(super) fn secrets_exposed(cx: &Context) -> Measure {
    let formula = "count of open secrets in the latest snapshot of each repository".to_string();
    let current = cx.current;
    if current.selected_for(Category::Secret).is_empty() {
        let assumed: Vec<&str> = cx
            .items
            .iter()
            .filter(|i| i.covers.assumes(Category::Secret))
            .map(|i| i.name)
            .collect();
        return Measure::none(formula).note((!assumed.is_empty()).then(|| {
            format!(
                "Trivy's reports do not say whether its secret scanner ran ({}): one counts as a \
                 secret scan once a report of the same asset lists a secret",
                assumed.join(", ")
            )
        }));
    }
    let open = current.open_in(Category::Secret).count();
    let fixed: Vec<&Lifecycle> = cx.secrets.fixed_in(cx.period).collect();
    let resolution = if fixed.is_empty() {
        "mean time to resolution: no secret was seen removed in this period".to_string()
    } else {
        let days: Vec<f64> = fixed.iter().filter_map(|l| l.days_to_fix()).collect();
        format!(
            "mean time to resolution {} over {} removed secrets",
            Unit::Days.format(mean(&days)),
            days.len()
        )
    };
    Measure::count(open, formula, current.inputs_for(&[Category::Secret]))
        .note(Some(resolution))
        .note(triage_note(cx, &[Category::Secret], |_| true))
        .notes(state_notes(cx, Category::Secret))
}

pub(super) fn iac_policy_pass_rate(cx: &Context) -> Measure {
    let formula =
        "passed ÷ (passed + failed) IaC checks × 100, in the latest IaC scan of each asset"
            .to_string();
    let mut checks = PassFail::default();
    let mut inputs = Vec::new();
    let mut left_out = 0;
    for &i in cx.current.selected_for(Category::Misconfiguration) {
        let snapshot = cx.items[i].snapshot;
        if let Some(mut c) = snapshot.iac_checks {
            // A failed check a triage decision covers is neither passed nor failed: left out.
            let decided = snapshot
                .findings
                .iter()
                .filter(|f| f.category == Category::Misconfiguration && f.decision.is_some())
                .count() as u64;
            left_out += decided.min(c.failed);
            c.failed = c.failed.saturating_sub(decided);
            checks += c;
            inputs.push(cx.items[i].name.to_string());
        }
    }
    if checks.evaluated() == 0 {
        return match (inputs.is_empty(), left_out) {
            (true, _) => Measure::none(formula),
            (false, 0) => Measure::empty(formula, inputs, "the IaC scans evaluated no checks"),
            (false, _) => Measure::empty(
                formula,
                inputs,
                "every failed check is left out by a triage decision, and none passed",
            ),
        };
    }
    Measure::ratio(
        checks.passed as f64,
        checks.evaluated() as f64,
        formula,
        inputs,
    )
    .note(triage_note(cx, &[Category::Misconfiguration], |_| true))
    .notes(state_notes(cx, Category::Misconfiguration))
}

pub(super) fn sast_sca_pass_rate(cx: &Context) -> Measure {
    let gate = cx.settings.gate;
    let formula = format!(
        "scans with no open finding at or above {} ÷ all code and dependency scans × 100, latest scan of each asset",
        gate.as_str()
    );
    let mut scans: Vec<usize> = [Category::Vulnerability, Category::Code]
        .iter()
        .flat_map(|c| cx.current.selected_for(*c).iter().copied())
        .collect();
    scans.sort_unstable();
    scans.dedup();
    if scans.is_empty() {
        return Measure::none(formula);
    }
    let passes = |s: &Snapshot| {
        !s.findings.iter().any(|f| {
            matches!(f.category, Category::Vulnerability | Category::Code)
                && f.status == Status::Open
                && f.severity.at_least(gate)
        })
    };
    let failed: Vec<&str> = scans
        .iter()
        .filter(|&&i| !passes(cx.items[i].snapshot))
        .map(|&i| cx.items[i].name)
        .collect();
    let passed = scans.len() - failed.len();
    let inputs = scans
        .iter()
        .map(|&i| cx.items[i].name.to_string())
        .collect();
    Measure::ratio(passed as f64, scans.len() as f64, formula, inputs)
        .note((!failed.is_empty()).then(|| format!("failing the gate: {}", failed.join(", "))))
        .note(triage_note(
            cx,
            &[Category::Vulnerability, Category::Code],
            |f| f.severity.at_least(gate),
        ))
        .notes(state_notes(cx, Category::Vulnerability))
}

pub(super) fn log_coverage(cx: &Context) -> Measure {
    let formula = "source kinds present ÷ expected source kinds × 100".to_string();
    let expected = &cx.settings.expected_sources;
    // Snapshots taken in the period, logs whose records reach into it, incident files.
    let mut present: Vec<SourceKind> = Vec::new();
    let mut inputs: Vec<String> = Vec::new();
    for item in cx.items.iter().filter(|i| cx.period.contains(i.taken_at)) {
        present.extend(Evidence::kinds_of(item.snapshot, item.covers));
        inputs.push(item.name.to_string());
    }
    if let Some(window) = cx.window {
        for log in cx.events.logs {
            if cx
                .events
                .inputs(&[log.log.kind], window)
                .iter()
                .any(|n| n == log.name)
            {
                present.push(log.log.kind);
                inputs.push(log.name.to_string());
            }
        }
    }
    if !cx.incidents.is_empty() {
        present.push(SourceKind::Incidents);
        inputs.extend(cx.incidents.inputs());
    }
    if inputs.is_empty() || expected.is_empty() {
        return Measure::none(formula);
    }
    let (have, lack): (Vec<SourceKind>, Vec<SourceKind>) =
        expected.iter().partition(|k| present.contains(k));
    let unread: Vec<SourceKind> = SourceKind::ALL
        .into_iter()
        .filter(|k| !expected.contains(k))
        .collect();
    let names = |kinds: &[SourceKind]| {
        kinds
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Measure::ratio(have.len() as f64, expected.len() as f64, formula, inputs)
        .note((!have.is_empty()).then(|| format!("present: {}", names(&have))))
        .note((!lack.is_empty()).then(|| format!("missing: {}", names(&lack))))
        .note((!unread.is_empty()).then(|| {
            format!(
                "not expected (this version cannot read them yet): {}",
                names(&unread)
            )
        }))
}

/// Notes for KPIs on the state at the end of the period: what was superseded, what is stale.
fn state_notes(cx: &Context, category: Category) -> Vec<String> {
    let mut notes = Vec::new();
    let superseded = cx.current.superseded.len();
    if superseded > 0 {
        notes.push(format!(
            "{superseded} older snapshots are superseded by newer scans of the same asset"
        ));
    }
    let stale: Vec<&str> = (cx.current.stale(cx.period))
        .filter(|i| cx.current.selected_for(category).contains(i))
        .map(|i| cx.items[i].name)
        .collect();
    if !stale.is_empty() {
        notes.push(format!(
            "taken before this period began, with no newer scan of the asset: {}",
            stale.join(", ")
        ));
    }
    notes
}

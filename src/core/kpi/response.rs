//! KPIs on incident records: time to detect and to respond, false alarms, the incident rate.

use super::{Context, Measure, Unit, mean, median, percentile};
use crate::core::evidence::Window;
use crate::core::incidents::Incidents;
use crate::core::model::{Incident, Verdict};

/// What the tiles of time KPIs say beside the mean.
fn spread(hours: &[f64]) -> Vec<String> {
    let h = |v: Option<f64>| v.map_or("—".into(), |v| Unit::Hours.format(v));
    vec![format!(
        "median {}, 90th percentile {} (nearest rank)",
        h(median(hours)),
        h(percentile(hours, 90.0))
    )]
}

/// The incident files and the period's window, or the measure that says why there is neither.
fn loaded(cx: &Context, formula: &str) -> Result<(Vec<String>, Window), Box<Measure>> {
    if cx.incidents.is_empty() {
        return Err(Box::new(Measure::none(formula)));
    }
    let inputs = cx.incidents.inputs();
    match cx.window {
        Some(window) => Ok((inputs, window)),
        None => Err(Box::new(Measure::empty(
            formula.to_string(),
            inputs,
            "no incident has an alert time",
        ))),
    }
}

/// A mean time in hours over the real incidents raised in the period.
fn mean_time(
    cx: &Context,
    formula: &str,
    hours_of: fn(&Incident) -> Option<f64>,
    missing: &str,
) -> Measure {
    let formula = formula.to_string();
    let incidents = cx.incidents;
    let (inputs, window) = match loaded(cx, &formula) {
        Ok(found) => found,
        Err(no_value) => return *no_value,
    };
    let real: Vec<&Incident> = incidents.real_in(window).collect();
    let hours: Vec<f64> = real.iter().filter_map(|i| hours_of(i)).collect();
    let false_alarms = incidents.alerted_in(window).count() - real.len();
    if hours.is_empty() {
        let reason = if real.is_empty() {
            "no incident was raised in this period".to_string()
        } else {
            format!(
                "none of the {} incidents raised in this period has {missing}{}",
                real.len(),
                files_without(incidents, hours_of)
            )
        };
        return Measure::empty(formula, inputs, reason);
    }
    let total: f64 = hours.iter().sum();
    Measure {
        value: Some(mean(&hours)),
        numerator: Some(total),
        denominator: Some(hours.len() as f64),
        ratio_text: Some(format!(
            "{} over {} incidents",
            Unit::Hours.format(total),
            hours.len()
        )),
        formula,
        inputs,
        ..Measure::default()
    }
    .notes(spread(&hours))
    .note((hours.len() < real.len()).then(|| {
        format!(
            "{} of {} incidents have no {missing} and are not counted",
            real.len() - hours.len(),
            real.len()
        )
    }))
    .note((false_alarms > 0).then(|| {
        format!("{false_alarms} false positives and duplicates are not incidents and not counted")
    }))
}

/// ": incidents.csv (PagerDuty incidents CSV) has none" — files whose every incident lacks
/// the time, which is how an export without that column shows.
fn files_without(incidents: &Incidents, hours_of: fn(&Incident) -> Option<f64>) -> String {
    let files: Vec<String> = incidents
        .files
        .iter()
        .filter(|f| f.log.incidents.iter().all(|i| hours_of(i).is_none()))
        .map(|f| match &f.log.note {
            Some(note) => format!("{} ({note})", f.name),
            None => f.name.to_string(),
        })
        .collect();
    if files.is_empty() {
        String::new()
    } else {
        format!(": {}", files.join("; "))
    }
}

pub(super) fn mttd(cx: &Context) -> Measure {
    mean_time(
        cx,
        "mean(alert_time − event_time) in hours over incidents raised in the period (false \
         positives and duplicates excluded); median and 90th percentile beside it",
        Incident::detect_hours,
        "an event time",
    )
}

pub(super) fn mttr(cx: &Context) -> Measure {
    let m = mean_time(
        cx,
        "mean(contained_time − alert_time) in hours over incidents raised in the period (false \
         positives and duplicates excluded); median and 90th percentile beside it",
        Incident::respond_hours,
        "a contained time",
    );
    // What PagerDuty, Sentinel and GitHub call MTTR, beside ours.
    let resolve: Vec<f64> = cx
        .window
        .map(|w| {
            cx.incidents
                .real_in(w)
                .filter_map(Incident::resolve_hours)
                .collect()
        })
        .unwrap_or_default();
    let note = (!resolve.is_empty()).then(|| {
        format!(
            "time to resolve (resolved − alert, what PagerDuty and Sentinel call MTTR): mean {} over {} incidents",
            Unit::Hours.format(mean(&resolve)),
            resolve.len()
        )
    });
    m.note(note)
}

pub(super) fn false_positive_rate(cx: &Context) -> Measure {
    let formula =
        "false positives ÷ reviewed incidents × 100, over the incident records raised in \
                   the period (true, benign or false positive); untriaged and duplicate ones are \
                   not in the denominator"
            .to_string();
    let incidents = cx.incidents;
    let (inputs, window) = match loaded(cx, &formula) {
        Ok(found) => found,
        Err(no_value) => return *no_value,
    };
    let raised: Vec<&Incident> = incidents.alerted_in(window).collect();
    let reviewed = raised.iter().filter(|i| i.verdict.reviewed()).count();
    let false_positives = raised
        .iter()
        .filter(|i| i.verdict == Verdict::FalsePositive)
        .count();
    let untriaged = raised
        .iter()
        .filter(|i| i.verdict == Verdict::Untriaged)
        .count();
    let duplicates = raised
        .iter()
        .filter(|i| i.verdict == Verdict::Duplicate)
        .count();
    if reviewed == 0 {
        let reason = if raised.is_empty() {
            "no incident or alert was raised in this period".to_string()
        } else {
            format!(
                "none of the {} incidents raised in this period has a verdict yet",
                raised.len()
            )
        };
        return Measure::empty(formula, inputs, reason);
    }
    Measure::ratio(false_positives as f64, reviewed as f64, formula, inputs)
        .note((untriaged > 0).then(|| format!("{untriaged} untriaged, not counted")))
        .note((duplicates > 0).then(|| format!("{duplicates} duplicates, not counted")))
}

pub(super) fn incident_rate_change(cx: &Context) -> Measure {
    let base = "(incidents per week this period − previous period) ÷ previous period × 100; \
                false positives and duplicates are not incidents";
    let incidents = cx.incidents;
    // What the records reach: their first to their last alert.
    let compared = incidents
        .alert_span()
        .and_then(|coverage| cx.choice.compare(cx.now, coverage, false));
    let Some(comparison) = compared else {
        return if incidents.is_empty() {
            Measure::none(format!("{base}; compared with the previous period"))
        } else {
            Measure::empty(
                format!("{base}; compared with the previous period"),
                incidents.inputs(),
                "no incident was raised in this period",
            )
        };
    };
    let formula = format!("{base}; compared: {}", comparison.words);
    let inputs = incidents.inputs();
    let current = comparison.current;
    let now = incidents.real_in(current).count();
    let rate_now = now as f64 / current.weeks();
    let Some(previous) = comparison.previous else {
        let reason = comparison.missing.clone().unwrap_or_default();
        return Measure::empty(formula, inputs, reason);
    };
    let before = incidents.real_in(previous).count();
    let rate_before = before as f64 / previous.weeks();
    let said = format!(
        "{} this period ({now}), {} before ({before})",
        Unit::PerWeek.format(rate_now),
        Unit::PerWeek.format(rate_before)
    );
    if before == 0 {
        return Measure::empty(
            formula,
            inputs,
            format!("no incident in the previous period, so no change to measure ({said})"),
        );
    }
    Measure {
        value: Some(100.0 * (rate_now - rate_before) / rate_before),
        numerator: Some(rate_now - rate_before),
        denominator: Some(rate_before),
        ratio_text: Some(said),
        formula,
        inputs,
        ..Measure::default()
    }
}

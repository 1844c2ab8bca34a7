//! A KPI tile: value, target, status, the change against the previous period and the weekly
//! trend, as words and numbers ready to show.

use super::number;
use crate::core::analysis::Analysis;
use crate::core::evidence::PeriodChoice;
use crate::core::kpi::{Direction, EvidenceAge, KpiResult, KpiStatus, Unit};
use crate::core::protocol::Tile;
use crate::core::time::Timestamp;

/// The tiles of an analysis, in catalogue order.
pub fn tiles(analysis: &Analysis) -> Vec<Tile> {
    analysis
        .kpis
        .iter()
        .enumerate()
        .map(|(k, result)| {
            let previous = analysis.previous_value(k);
            let weekly = analysis.trend.values.get(k).map_or(&[][..], Vec::as_slice);
            let evidence = result.evidence.as_ref();
            Tile {
                as_of_text: evidence.map(|e| as_of(e, analysis.now)),
                stale: evidence.is_some_and(|e| !e.stale.is_empty()),
                stale_text: evidence.and_then(|e| stale_text(e, analysis)),
                guessed_text: evidence.and_then(|e| match e.guessed.as_slice() {
                    [] => None,
                    [one] => Some(format!(
                        "Time guessed from the file's date for {one} (it has none): set it in \
                         Sources"
                    )),
                    many => Some(format!(
                        "Time guessed from the file's date for {} files (they have none): set \
                         it in Sources",
                        many.len()
                    )),
                }),
                previous,
                previous_raw: raw(previous),
                previous_text: previous
                    .map(|p| format!("{} in the previous period", result.unit.format(p))),
                delta_text: change(result, previous).map(|(text, _)| text),
                trend: change(result, previous).map(|(_, trend)| trend.into()),
                spark: spark(weekly),
                spark_text: spark_text(weekly, &analysis.trend.weeks),
                ..tile(result)
            }
        })
        .collect()
}

/// "As of 18 Nov 2026, 13 days old" (of the newest file; "from 2 Oct 2026 to 18 Nov 2026"
/// when the files span more than a day).
fn as_of(e: &EvidenceAge, now: Timestamp) -> String {
    let age = match now.days_since(e.newest).floor() {
        d if d < 1.0 => "today".to_string(),
        d if d < 2.0 => "1 day old".to_string(),
        d => format!("{} days old", super::grouped(d as u64)),
    };
    if e.newest.days_since(e.oldest) >= 1.0 {
        format!(
            "Evidence from {} to {}, the newest {age}",
            e.oldest.date_text(),
            e.newest.date_text()
        )
    } else {
        format!("As of {}, {age}", e.newest.date_text())
    }
}

/// Which files are stale, and why: before the period, or older than the threshold.
fn stale_text(e: &EvidenceAge, analysis: &Analysis) -> Option<String> {
    if e.stale.is_empty() {
        return None;
    }
    let files = match e.stale.as_slice() {
        [one] => one.clone(),
        many => format!("{} files", many.len()),
    };
    Some(match (analysis.choice, analysis.period.from) {
        (PeriodChoice::All, _) | (_, None) => {
            format!("{files} older than {} days", analysis.stale_after_days)
        }
        (_, Some(from)) => format!(
            "{files} from before this period (it starts {})",
            from.date_text()
        ),
    })
}

/// A raw number for a test hook (`data-value`, `data-previous`): as Rust writes it, empty
/// when there is none.
pub fn raw(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub fn tile(k: &KpiResult) -> Tile {
    Tile {
        id: k.id.into(),
        label: k.label.into(),
        value: k.measure.value,
        value_raw: raw(k.measure.value),
        value_text: k.measure.value.map_or("—".into(), |v| k.unit.format(v)),
        target_text: k.target_text.clone(),
        status: k.status.as_str().into(),
        // A value with nothing to judge it by is not "no data".
        status_label: match (k.status, k.measure.value) {
            (KpiStatus::NoData, Some(_)) => "Not judged".into(),
            (KpiStatus::NoData, None) if k.not_scanned => "Not scanned".into(),
            (status, _) => status.label().into(),
        },
        formula: k.measure.formula.clone(),
        numerator: k.measure.numerator,
        denominator: k.measure.denominator,
        ratio_text: k.measure.ratio_text.clone().or_else(|| {
            match (k.measure.numerator, k.measure.denominator) {
                (Some(n), Some(d)) => Some(format!("{} of {}", number(n), number(d))),
                _ => None,
            }
        }),
        inputs: k.measure.inputs.clone(),
        notes: k.measure.notes.clone(),
        missing: k.missing.clone(),
        ..Tile::default()
    }
}

/// The change from the previous period: "+3", "−2.5 pts", and whether that is better or worse
/// for a KPI that wants less (or more).
pub fn change(k: &KpiResult, previous: Option<f64>) -> Option<(String, &'static str)> {
    let delta = k.measure.value? - previous?;
    let trend = if delta.abs() < 1e-9 {
        "same"
    } else if (delta < 0.0) == (k.direction == Direction::AtMost) {
        "better"
    } else {
        "worse"
    };
    Some((signed(delta, k.unit), trend))
}

/// A difference with its sign; percentages change by points.
pub fn signed(delta: f64, unit: Unit) -> String {
    let sign = if delta > 0.0 {
        "+"
    } else if delta < 0.0 {
        "−"
    } else {
        "±"
    };
    let magnitude = match unit {
        Unit::Percent => format!(
            "{} pts",
            Unit::Count.format((delta.abs() * 10.0).round() / 10.0)
        ),
        _ => unit.format(delta.abs()),
    };
    format!("{sign}{magnitude}")
}

const SPARK_WIDTH: f64 = 120.0;
const SPARK_HEIGHT: f64 = 28.0;

/// SVG polyline points for weekly values, gaps skipped; empty below two values.
pub fn spark(weekly: &[Option<f64>]) -> String {
    let known: Vec<(usize, f64)> = weekly
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, (*v).filter(|v| v.is_finite())?)))
        .collect();
    if known.len() < 2 {
        return String::new();
    }
    let (min, max) = known.iter().fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
        (lo.min(*v), hi.max(*v))
    });
    let span = (weekly.len() - 1).max(1) as f64;
    known
        .iter()
        .map(|(i, v)| {
            let x = *i as f64 / span * SPARK_WIDTH;
            let y = if max > min {
                SPARK_HEIGHT - 2.0 - (v - min) / (max - min) * (SPARK_HEIGHT - 4.0)
            } else {
                SPARK_HEIGHT / 2.0
            };
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn spark_text(weekly: &[Option<f64>], weeks: &[Timestamp]) -> String {
    let known = weekly.iter().filter(|v| v.is_some()).count();
    match (weeks.first(), weeks.last()) {
        (Some(first), Some(last)) if known >= 2 => format!(
            "{known} weekly values, weeks ending {} to {}",
            first.day(),
            last.day()
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_draws_no_line() {
        assert_eq!(spark(&[None, Some(3.0), None]), "");
        assert_eq!(spark(&[Some(1.0), None, Some(3.0)]), "0.0,26.0 120.0,2.0");
        assert_eq!(spark(&[Some(2.0), Some(2.0)]), "0.0,14.0 120.0,14.0");
    }

    #[test]
    fn changes_read_with_their_sign_and_unit() {
        assert_eq!(signed(2.46, Unit::Percent), "+2.5 pts");
        assert_eq!(signed(-3.0, Unit::Count), "−3");
        assert_eq!(signed(0.0, Unit::Hours), "±0 h");
    }
}

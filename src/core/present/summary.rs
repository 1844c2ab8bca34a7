//! The executive summary above the tiles: the counts that matter most now, and what moved most
//! since the previous period, in words.

use super::tile::change;
use crate::core::analysis::Analysis;
use crate::core::kpi::{KpiResult, KpiStatus};
use crate::core::protocol::{Summary, SummaryCount};
use crate::core::vulntime::SlaState;

/// The counts an executive asks about first, whatever else is loaded.
const HEADLINE: [&str; 2] = ["critical_open", "secrets_exposed"];

pub fn summary(analysis: &Analysis) -> Summary {
    let by_id = |id: &str| analysis.kpis.iter().find(|k| k.id == id);
    let mut counts: Vec<SummaryCount> = HEADLINE
        .iter()
        .filter_map(|id| by_id(id))
        .map(|k| SummaryCount {
            id: k.id.into(),
            label: k.label.into(),
            value_text: match k.measure.value {
                Some(v) => k.unit.format(v),
                None if k.not_scanned => "not scanned".into(),
                None => "no data".into(),
            },
            status: k.status.as_str().into(),
        })
        .collect();
    // Open past their SLA at the period's end, from the vulnerabilities over time.
    let breached = SlaState::JUDGED
        .iter()
        .position(|s| *s == SlaState::Breached)
        .map(|k| analysis.vulns.sla.iter().map(|row| row[k]).sum::<u64>());
    let vulnerabilities_scanned = by_id("critical_open").is_some_and(|k| k.measure.value.is_some());
    counts.push(SummaryCount {
        id: "past_sla".into(),
        label: "Vulnerabilities past their SLA".into(),
        value_text: match breached {
            Some(n) if vulnerabilities_scanned => n.to_string(),
            _ => "no data".into(),
        },
        status: match breached {
            Some(0) if vulnerabilities_scanned => "on_track",
            Some(_) if vulnerabilities_scanned => "off_track",
            _ => "no_data",
        }
        .into(),
    });
    let (movers, movers_note) = match &analysis.previous {
        None => (
            Vec::new(),
            Some("Choose a period to see what moved since the one before.".to_string()),
        ),
        Some(previous) => {
            let moved = movers(&analysis.kpis, &previous.kpis);
            let note = moved
                .is_empty()
                .then(|| "Nothing measured in both periods changed.".to_string());
            (moved, note)
        }
    };
    Summary {
        counts,
        movers,
        movers_note,
    }
}

/// The three KPIs that moved most, most first: those whose status changed, then by the size of
/// the change relative to where they were.
fn movers(now: &[KpiResult], then: &[KpiResult]) -> Vec<String> {
    let mut moved: Vec<(bool, f64, String)> = now
        .iter()
        .zip(then)
        .filter_map(|(k, p)| {
            let (before, after) = (p.measure.value?, k.measure.value?);
            let (_, trend) = change(k, Some(before))?;
            if trend == "same" {
                return None;
            }
            let status_changed = p.status != k.status
                && p.status != KpiStatus::NoData
                && k.status != KpiStatus::NoData;
            let size = (after - before).abs() / before.abs().max(after.abs()).max(1e-9);
            let words = format!(
                "{} {}: {} → {}",
                k.label,
                if trend == "better" {
                    "improved"
                } else {
                    "got worse"
                },
                k.unit.format(before),
                k.unit.format(after)
            );
            Some((status_changed, size, words))
        })
        .collect();
    moved.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    moved
        .into_iter()
        .take(3)
        .map(|(_, _, words)| words)
        .collect()
}

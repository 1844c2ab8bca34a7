//! The metrics view's "Vulnerabilities over time": ageing, SLA status, new / fixed / reopened,
//! remediation times and the weekly charts, from `vulntime::VulnTime`.

use super::capitalise;
use crate::core::charts::{self, Layout};
use crate::core::kpi::Unit;
use crate::core::model::Severity;
use crate::core::protocol::{Chart, Count, LegendEntry, Section, Table};
use crate::core::vulntime::{AGE_BUCKETS, SLA_SEVERITIES, VulnTime};

/// Rows of the per-asset table at most; the note counts the rest.
const ASSET_ROWS: usize = 50;

/// The section, when any vulnerability scan is loaded.
pub fn section(v: &VulnTime) -> Option<Section> {
    let open = v.open_total();
    if open == 0 && !v.has_history && v.assets.is_empty() {
        return None;
    }
    let days = |d: Option<f64>| d.map_or("—".into(), |d| Unit::Days.format(d));
    let ageing = Table {
        id: "vuln-ageing".into(),
        title: format!(
            "Age of open vulnerabilities at {} (period end − first seen)",
            v.end.day()
        ),
        columns: std::iter::once("Severity".to_string())
            .chain(AGE_BUCKETS.iter().map(|(label, _)| label.to_string()))
            .chain(["Median age".to_string()])
            .collect(),
        rows: Severity::ALL
            .iter()
            .filter(|s| v.ages[**s as usize].iter().sum::<u64>() > 0)
            .map(|s| {
                std::iter::once(capitalise(s.as_str()))
                    .chain(v.ages[*s as usize].iter().map(u64::to_string))
                    .chain([days(v.median_age[*s as usize])])
                    .collect()
            })
            .collect(),
        empty_text: "No open vulnerabilities.".into(),
        note: Some(
            "First seen is the first scan that found it; a finding already there at an asset's \
             first scan may be older."
                .into(),
        ),
    };
    let sla = Table {
        id: "vuln-sla".into(),
        title: "SLA status of open vulnerabilities".into(),
        columns: ["Severity", "Within SLA", "At risk", "Breached"]
            .map(String::from)
            .to_vec(),
        rows: SLA_SEVERITIES
            .iter()
            .filter(|s| v.sla[**s as usize].iter().sum::<u64>() > 0)
            .map(|s| {
                std::iter::once(capitalise(s.as_str()))
                    .chain(v.sla[*s as usize].iter().map(u64::to_string))
                    .collect()
            })
            .collect(),
        empty_text: "No open vulnerability with an SLA.".into(),
        note: None,
    };
    let fix_times = Table {
        id: "vuln-fix-times".into(),
        title: "Time to remediate, vulnerabilities fixed in the period".into(),
        columns: ["Severity", "Fixed", "Mean", "Median", "90th percentile"]
            .map(String::from)
            .to_vec(),
        rows: Severity::ALL
            .iter()
            .filter_map(|s| {
                let t = v.fix_times[*s as usize]?;
                Some(vec![
                    capitalise(s.as_str()),
                    t.count.to_string(),
                    Unit::Days.format(t.mean),
                    Unit::Days.format(t.median),
                    Unit::Days.format(t.p90),
                ])
            })
            .collect(),
        empty_text: if v.has_history {
            "No vulnerability was fixed in this period.".into()
        } else {
            "Drop two or more scans of the same asset, taken at different times, to see fixes."
                .into()
        },
        note: Some(
            "Vulnerabilities whose last fix lies in the period (one fixed, back, and fixed again \
             counts once, as in vuln_mttr; the counts of fixes per week and per asset count each \
             time). 90th percentile by nearest rank; first seen is a lower bound; suppressed ones \
             were not fixed and are not here."
                .into(),
        ),
    };
    let changes = Table {
        id: "vuln-changes".into(),
        title: "New, fixed and reopened between consecutive scans, per asset".into(),
        columns: [
            "Asset",
            "Scans",
            "New",
            "Fixed",
            "Reopened",
            "Open after the last",
        ]
        .map(String::from)
        .to_vec(),
        rows: v
            .assets
            .iter()
            .take(ASSET_ROWS)
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.scans.to_string(),
                    a.new.to_string(),
                    a.fixed.to_string(),
                    a.reopened.to_string(),
                    a.open.to_string(),
                ]
            })
            .collect(),
        empty_text: "No asset was scanned in this period.".into(),
        note: Some(match v.net_resolve_rate() {
            Some(rate) => format!(
                "Net resolve rate {rate:.2}: {} fixed ÷ {} new in the period.{}",
                v.fixed,
                v.new,
                more(v.assets.len())
            ),
            None => format!(
                "Net resolve rate: nothing new in the period ({} fixed).{}",
                v.fixed,
                more(v.assets.len())
            ),
        }),
    };
    let labels: Vec<String> = v
        .weeks
        .iter()
        .map(|w| w.start.day()[5..].to_string())
        .collect();
    let new_fixed = Chart {
        file_name: String::new(),
        id: "vuln-new-fixed".into(),
        title: "New vs fixed vulnerabilities per week".into(),
        svg: if v.has_history {
            charts::series_columns(
                &labels,
                &[
                    (
                        v.weeks.iter().map(|w| w.new + w.reopened).collect(),
                        charts::severity_color(Severity::High),
                    ),
                    (
                        v.weeks.iter().map(|w| w.fixed).collect(),
                        charts::fixed_color(),
                    ),
                ],
                Layout::Grouped,
            )
        } else {
            String::new()
        },
        legend: vec![
            LegendEntry {
                label: "New or reopened".into(),
                color: charts::hex(charts::severity_color(Severity::High)),
            },
            LegendEntry {
                label: "Fixed".into(),
                color: charts::hex(charts::fixed_color()),
            },
        ],
        empty_text: "Drop weekly scans of the same assets to see what is new and fixed each week."
            .into(),
    };
    let open_chart = Chart {
        file_name: String::new(),
        id: "vuln-open-over-time".into(),
        title: "Open vulnerabilities by severity, at the end of each week".into(),
        svg: if v.weeks.len() >= 2 {
            charts::series_columns(
                &labels,
                &Severity::ALL
                    .iter()
                    .map(|s| {
                        (
                            v.weeks.iter().map(|w| w.open[*s as usize]).collect(),
                            charts::severity_color(*s),
                        )
                    })
                    .collect::<Vec<_>>(),
                Layout::Stacked,
            )
        } else {
            String::new()
        },
        legend: Severity::ALL
            .iter()
            .map(|s| LegendEntry {
                label: capitalise(s.as_str()),
                color: charts::hex(charts::severity_color(*s)),
            })
            .collect(),
        empty_text: "Drop scans from two or more weeks to see the trend.".into(),
    };
    Some(Section {
        id: "vulnerability-time".into(),
        title: "Vulnerabilities over time".into(),
        figures: vec![
            count("open", "Open vulnerabilities", open),
            count("new", "New in the period", v.new),
            count("fixed", "Fixed in the period", v.fixed),
            count("reopened", "Reopened in the period", v.reopened),
            count(
                "breached",
                "Open past SLA",
                v.sla.iter().map(|s| s[2]).sum(),
            ),
        ],
        charts: vec![new_fixed, open_chart],
        tables: vec![ageing, sla, fix_times, changes],
    })
}

fn count(key: &str, label: &str, count: u64) -> Count {
    Count {
        key: key.into(),
        label: label.into(),
        count,
    }
}

fn more(assets: usize) -> String {
    if assets > ASSET_ROWS {
        format!(" {} more assets not shown.", assets - ASSET_ROWS)
    } else {
        String::new()
    }
}

//! Turns analysis into the plain, ready-to-show view types of `protocol`: words, rounded
//! numbers, chart SVG. The page renders these as they are.

mod activity;
pub mod assets;
pub mod audit;
pub mod compliance;
mod summary;
mod tile;
pub mod triage;
mod vulns;

pub use tile::tile;
pub use triage::plural;

use super::analysis::Analysis;
use super::charts::{self, Bar};
use super::engine::{Outcome, Source};
use super::evidence::{Period, PeriodChoice};
use super::explorer::exactly;
use super::formats;
use super::kpi::Overall;
use super::metrics::{Metrics, RuleCount};
use super::model::{
    Category, EventKind, EventLog, Evidence, IncidentLog, Measurements, Severity, Snapshot, Text,
};
use super::protocol::{
    AssetRow, Chart, Count, LegendEntry, MetricsView, RuleRow, SourceRow, SourceState, View,
};
use super::scorecard::TOP;
use super::time::Timestamp;

/// Assets shown in the per-asset chart; the table below it lists them all.
const CHART_ASSETS: usize = 15;

pub fn view(analysis: &Analysis, choice: PeriodChoice, sources: &[Source]) -> View {
    let loaded = sources
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Loaded { .. }))
        .count();
    let failed = sources
        .iter()
        .filter(|s| matches!(s.outcome, Outcome::Failed(_)))
        .count();
    View {
        period: choice,
        period_text: period_text(choice, analysis.period),
        loaded,
        failed,
        failed_text: (failed > 0).then(|| {
            format!(
                "{failed} of {} files could not be read: see Sources",
                loaded + failed
            )
        }),
        overall: analysis.overall.value,
        overall_raw: tile::raw(analysis.overall.value),
        overall_text: analysis
            .overall
            .value
            .map_or("—".into(), |v| format!("{v:.0}")),
        overall_formula: analysis.overall.formula.clone(),
        overall_state: match (&analysis.overall, analysis.overall.value) {
            (_, None) => "none",
            (o, _) if o.provisional() => "provisional",
            _ => "measured",
        }
        .into(),
        overall_basis_text: overall_basis(&analysis.overall),
        overall_caveat: overall_caveat(&analysis.overall),
        overall_without_text: (!analysis.overall.without.is_empty()).then(|| {
            format!(
                "{}: {}",
                if analysis.overall.unmet {
                    "Counted as unmet, without data"
                } else {
                    "Left out, without data"
                },
                analysis.overall.without.join(", ")
            )
        }),
        overall_stale_text: (!analysis.overall.stale.is_empty())
            .then(|| format!("On stale evidence: {}", analysis.overall.stale.join(", "))),
        overall_previous: analysis.previous.as_ref().and_then(|p| p.overall.value),
        overall_delta_text: analysis.previous.as_ref().and_then(|p| {
            let delta = analysis.overall.value? - p.overall.value?;
            Some(tile::signed(delta, super::kpi::Unit::Count))
        }),
        previous_text: match &analysis.previous {
            Some(p) => format!(
                "Compared with {}",
                period_text(PeriodChoice::All, p.period).trim_start_matches("All data: ")
            ),
            None => {
                "All data has no previous period: choose a period to compare with the one before"
                    .into()
            }
        },
        summary: summary::summary(analysis),
        tiles: tile::tiles(analysis),
        metrics: MetricsView {
            sections: vulns::section(&analysis.vulns)
                .into_iter()
                .chain(analysis.compliance.iter().cloned())
                .chain(activity::sections(
                    &analysis.activity,
                    analysis.role_threshold,
                ))
                .chain(analysis.measurements.iter().cloned())
                .collect(),
            ..metrics_view(&analysis.metrics)
        },
        compute_ms: None,
        range: match choice {
            PeriodChoice::Range { from, to } => Some((Timestamp(from).day(), Timestamp(to).day())),
            _ => None,
        },
        period_error: None,
        // The engine's: the assets and groups come from the settings and the sources.
        groups: Vec::new(),
        group: String::new(),
        group_note: None,
        assets: Vec::new(),
        audit: Default::default(),
        formats: formats::FORMATS
            .iter()
            .map(|f| f.label.to_string())
            .collect(),
    }
}

/// "Based on 8 of 19 KPIs".
fn overall_basis(o: &Overall) -> String {
    match (o.counted, o.unmet) {
        (0, _) => format!("No KPI of the {} has data yet", o.total),
        (n, false) => format!("Based on {n} of {} KPIs", o.total),
        (n, true) => format!(
            "Based on {n} of {} KPIs; the {} without data count as unmet",
            o.total,
            o.total - n
        ),
    }
}

/// Why a score is provisional.
fn overall_caveat(o: &Overall) -> Option<String> {
    if !o.provisional() {
        return None;
    }
    let stale = !o.stale.is_empty() && o.stale.len() == o.counted;
    let few = !o.unmet && o.counted * 2 < o.total;
    Some(match (few, stale) {
        (true, true) => format!(
            "Provisional: {} of {} KPIs measured, all on stale evidence — not yet a posture",
            o.counted, o.total
        ),
        (true, false) => format!(
            "Provisional: only {} of {} KPIs measured — not yet a posture; drop more sources, \
             or count KPIs without data as unmet in Settings",
            o.counted, o.total
        ),
        _ => "Provisional: every KPI it rests on has stale evidence".into(),
    })
}

fn period_text(choice: PeriodChoice, period: Period) -> String {
    let day = |t: Option<Timestamp>| t.map(|t| t.to_string()[..10].to_string());
    if let PeriodChoice::Range { to, .. } = choice {
        // The range's label is its days already; one running past today is measured to now.
        return match period.to {
            Some(end) if end.0 < to => format!(
                "Custom range: {}, so far: to {}",
                choice.label(),
                day(Some(end)).unwrap_or_default()
            ),
            _ => format!("Custom range: {}", choice.label()),
        };
    }
    match (day(period.from), day(period.to)) {
        (Some(from), Some(to)) if from == to => format!("{}: {from}", choice.label()),
        (Some(from), Some(to)) => format!("{}: {from} to {to}", choice.label()),
        _ => choice.label(),
    }
}

fn metrics_view(m: &Metrics) -> MetricsView {
    let by_severity = Severity::ALL
        .iter()
        .map(|s| Count {
            key: s.as_str().into(),
            label: capitalise(s.as_str()),
            count: m.by_severity[*s as usize],
        })
        .collect();
    let by_category = Category::ALL
        .iter()
        .map(|c| Count {
            key: c.as_str().into(),
            label: capitalise(c.as_str()),
            count: m.by_category[*c as usize],
        })
        .collect();
    let by_tool = m
        .by_tool
        .iter()
        .map(|(k, v)| Count {
            key: k.clone(),
            label: k.clone(),
            count: *v,
        })
        .collect();

    let mut assets: Vec<AssetRow> = m
        .by_asset
        .iter()
        .map(|(name, counts)| AssetRow {
            name: name.clone(),
            counts: *counts,
            total: counts.iter().sum(),
        })
        .collect();
    // By risk: the most critical first, then high, and so on; then the most findings.
    assets.sort_by(|a, b| {
        b.counts
            .cmp(&a.counts)
            .then(b.total.cmp(&a.total))
            .then(a.name.cmp(&b.name))
    });

    let severity_legend: Vec<LegendEntry> = Severity::ALL
        .iter()
        .map(|s| LegendEntry {
            label: capitalise(s.as_str()),
            color: charts::hex(charts::severity_color(*s)),
        })
        .collect();
    let asset_bars: Vec<Bar> = assets
        .iter()
        .take(CHART_ASSETS)
        .map(|a| Bar {
            link: Some(findings_link(&[
                ("asset", &exactly(&a.name)),
                ("status", "open"),
            ])),
            label: a.name.clone(),
            segments: Severity::ALL
                .iter()
                .map(|s| (a.counts[*s as usize], charts::severity_color(*s)))
                .collect(),
        })
        .collect();
    let category_bars: Vec<Bar> = Category::ALL
        .iter()
        .filter(|c| m.by_category[**c as usize] > 0)
        .map(|c| Bar {
            link: Some(findings_link(&[
                ("category", c.as_str()),
                ("status", "open"),
            ])),
            label: capitalise(c.as_str()),
            segments: vec![(m.by_category[*c as usize], charts::category_color(*c))],
        })
        .collect();
    let top_vulnerabilities = rule_rows(&m.vulnerability_ids);
    let vulnerability_bars: Vec<Bar> = top_vulnerabilities
        .iter()
        .map(|r| Bar {
            link: Some(findings_link(&[
                ("rule", &exactly(&r.id)),
                ("status", "open"),
            ])),
            label: r.id.clone(),
            // How widespread: the assets it is open on.
            segments: vec![(
                r.assets,
                charts::severity_color(Severity::from_id(&r.severity).unwrap_or(Severity::Unknown)),
            )],
        })
        .collect();

    let asset_title = if assets.len() > CHART_ASSETS {
        format!(
            "Open findings by severity, {CHART_ASSETS} assets with the most (of {})",
            assets.len()
        )
    } else {
        "Open findings by severity, per asset".to_string()
    };
    MetricsView {
        open_total: m.total_open(),
        by_severity,
        by_category,
        by_tool,
        vulnerabilities: m.vulnerabilities,
        fixable: m.fixable,
        fixable_text: if m.vulnerabilities == 0 {
            "—".into()
        } else {
            format!(
                "{} of {} ({:.0} %)",
                m.fixable,
                m.vulnerabilities,
                100.0 * m.fixable as f64 / m.vulnerabilities as f64
            )
        },
        charts: [
            Chart {
                file_name: String::new(),
                id: "severity-by-asset".into(),
                title: asset_title,
                svg: charts::horizontal_bars(&asset_bars),
                legend: severity_legend.clone(),
                empty_text: "No open findings.".into(),
            },
            Chart {
                file_name: String::new(),
                id: "findings-by-category".into(),
                title: "Open findings by category".into(),
                svg: charts::horizontal_bars(&category_bars),
                legend: Vec::new(),
                empty_text: "No open findings.".into(),
            },
        ]
        .into_iter()
        // On one asset each, every bar would be 1: the table below says it better.
        .chain(vulnerability_bars.iter().any(|b| b.segments.iter().any(|s| s.0 > 1)).then(|| {
            Chart {
                file_name: String::new(),
                id: "top-vulnerabilities".into(),
                title: format!(
                    "Top {TOP} vulnerabilities: most severe, then on the most assets (assets per \
                     vulnerability)"
                ),
                svg: charts::horizontal_bars(&vulnerability_bars),
                legend: severity_legend,
                empty_text: "No open vulnerabilities.".into(),
            }
        }))
        .collect(),
        top_vulnerabilities,
        top_rules: rule_rows(&m.failing_rules),
        assets,
        sections: Vec::new(),
    }
}

/// The explorer filtered to something: what clicking a bar or a rule opens.
pub fn findings_link(filters: &[(&str, &str)]) -> String {
    super::session::hash_with(super::session::Route::Findings, filters)
}

fn rule_rows(table: &std::collections::BTreeMap<Text, RuleCount>) -> Vec<RuleRow> {
    Metrics::top(table, TOP)
        .into_iter()
        .map(|(id, r)| RuleRow {
            link: findings_link(&[("rule", &exactly(id)), ("status", "open")]),
            id: id.into(),
            severity: r.severity.map_or("unknown", |s| s.as_str()).into(),
            title: r.title.to_string(),
            findings: r.findings,
            assets: r.assets,
            tools: r.tools.iter().cloned().collect::<Vec<_>>().join(", "),
        })
        .collect()
}

pub fn source_row(source: &Source) -> SourceRow {
    let mut row = SourceRow {
        id: source.id,
        name: source.name.clone(),
        size: source.size,
        size_text: human_size(source.size),
        ..SourceRow::default()
    };
    match &source.outcome {
        Outcome::Pending => row.state = SourceState::Queued,
        Outcome::Duplicate { name, .. } => {
            row.state = SourceState::Duplicate;
            row.records = Some(format!(
                "the same content as {name}, already loaded: counted once"
            ));
        }
        Outcome::Failed(error) => {
            row.state = SourceState::Failed;
            row.format = error.format.map(Into::into);
            row.format_label = error
                .format
                .and_then(formats::by_id)
                .map(|f| f.label.into());
            row.error = Some(error.message());
        }
        Outcome::Loaded { evidence, warnings } => {
            row.state = SourceState::Loaded;
            row.format = Some(evidence.format().into());
            row.format_label = formats::by_id(evidence.format()).map(|f| f.label.into());
            let tool = evidence.tool();
            row.tool = Some(match &tool.version {
                Some(version) => format!("{} {version}", tool.name),
                None => tool.name.clone(),
            });
            row.warnings = warnings.iter().map(ToString::to_string).collect();
            match &**evidence {
                Evidence::Findings(snapshot) => snapshot_row(&mut row, snapshot, source),
                Evidence::Events(log) => log_row(&mut row, log),
                Evidence::Incidents(log) => incidents_row(&mut row, log),
                Evidence::Measurements(m) => measurements_row(&mut row, m),
                Evidence::Decisions(d) => triage::source_row(&mut row, d),
                Evidence::Inventory(i) => {
                    let kinds: std::collections::BTreeSet<&str> =
                        i.objects.keys().map(|(k, _)| k.as_str()).collect();
                    row.records = Some(format!(
                        "{} objects ({}): what Gatekeeper's constraints evaluate",
                        i.records,
                        kinds.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    row
}

/// What a log's row says: where it is from, what it covers, what was kept.
fn log_row(row: &mut SourceRow, log: &EventLog) {
    row.asset = Some(format!("{}: {}", log.source.kind.as_str(), log.source.name));
    row.taken_at = match (log.first, log.last) {
        (Some(first), Some(last)) => Some(format!("{} to {}", human_time(first), human_time(last))),
        _ => None,
    };
    row.taken_at_source = Some("the times of its records".into());
    let kept: Vec<String> = EventKind::ALL
        .iter()
        .filter_map(|k| {
            let n = log.count(*k);
            (n > 0).then(|| k.noun(n))
        })
        .collect();
    let mut records = format!(
        "{} records{}",
        log.records,
        if kept.is_empty() {
            ": nothing to count".to_string()
        } else {
            format!(": {}", kept.join(" · "))
        }
    );
    if let Some(note) = &log.note {
        records.push_str(&format!(" ({note})"));
    }
    row.records = Some(records);
}

/// What a file of measurements says: how many values of which metrics, over what span.
fn measurements_row(row: &mut SourceRow, m: &Measurements) {
    let mut metrics: Vec<&str> = m.points.iter().map(|p| &*p.metric).collect();
    metrics.sort_unstable();
    metrics.dedup();
    let times = m.points.iter().map(|p| p.at);
    if let (Some(first), Some(last)) = (times.clone().min(), times.max()) {
        row.taken_at = Some(format!("{} to {}", human_time(first), human_time(last)));
        row.taken_at_source = Some("the dates of its values".into());
    }
    row.records = Some(format!(
        "{} values of {} metrics: {}",
        m.points.len(),
        metrics.len(),
        metrics.join(", ")
    ));
}

/// What an incident file's row says.
fn incidents_row(row: &mut SourceRow, log: &IncidentLog) {
    let open = log.incidents.iter().filter(|i| !i.closed).count();
    let times = log.incidents.iter().filter_map(|i| i.alert_time);
    if let (Some(first), Some(last)) = (times.clone().min(), times.max()) {
        row.taken_at = Some(format!("{} to {}", human_time(first), human_time(last)));
        row.taken_at_source = Some("the alert times of its incidents".into());
    }
    let n = log.incidents.len();
    let mut records = format!(
        "{n} {} ({open} open)",
        if n == 1 { "incident" } else { "incidents" }
    );
    if log.records > n as u64 {
        // Rows of a change log (several per incident: the latest counts), or rows skipped.
        records.push_str(&format!(", from {} rows", log.records));
    }
    if let Some(note) = &log.note {
        records.push_str(&format!(" · {note}"));
    }
    row.records = Some(records);
}

fn snapshot_row(row: &mut SourceRow, snapshot: &Snapshot, source: &Source) {
    let asset = format!("{}: {}", snapshot.asset.kind.as_str(), snapshot.asset.name);
    row.asset = Some(match &snapshot.reference {
        Some(reference) => format!("{asset} ({reference})"),
        None => asset,
    });
    let (taken_at, from) = match (source.corrected, snapshot.taken_at, source.modified) {
        (Some(t), _, _) => (Some(t), "set by you (the file does not say)"),
        (None, Some(t), _) => (Some(t), "from the file"),
        (None, None, Some(t)) => (Some(t), "file modified time (the file does not say)"),
        (None, None, None) => (None, "unknown"),
    };
    row.taken_at = taken_at.map(human_time);
    row.taken_at_source = Some(from.into());
    // Only a time the file does not give can be corrected.
    if snapshot.taken_at.is_none() {
        row.time_editable =
            Some(taken_at.map_or(String::new(), |t| t.to_string()[..16].to_string()));
    }
    row.records = Some(match &snapshot.note {
        Some(note) => format!("{} ({note})", records(snapshot)),
        None => records(snapshot),
    });
}

/// Whole numbers without decimals, others with two.
fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// "1,000,000": a count with its thousands grouped, as English writes it.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// "512 B", "27.4 KB", "104.9 MB" (decimal units, as file managers show them).
pub fn human_size(bytes: u64) -> String {
    // In whole numbers: the page shows this, and formatting floats would cost it 5 KB of Wasm.
    let fixed = |unit: u64, places: u32, name: &str| {
        let scale = 10u64.pow(places);
        let n = (u128::from(bytes) * u128::from(scale) + u128::from(unit) / 2) / u128::from(unit);
        let scale = u128::from(scale);
        format!(
            "{}.{:0width$} {name}",
            n / scale,
            n % scale,
            width = places as usize
        )
    };
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..999_950 => fixed(1_000, 1, "KB"),
        999_950..999_950_000 => fixed(1_000_000, 1, "MB"),
        _ => fixed(1_000_000_000, 2, "GB"),
    }
}

/// "2021-08-25 12:20 UTC".
pub fn human_time(t: Timestamp) -> String {
    let s = t.to_string();
    format!("{} {} UTC", &s[..10], &s[11..16])
}

/// "4 vulnerabilities · 6 misconfigurations (215 checks passed) · 2 secrets".
fn records(snapshot: &Snapshot) -> String {
    let counts = snapshot.counts_by_category();
    let mut parts: Vec<String> = Vec::new();
    for category in Category::ALL {
        let n = counts[category as usize];
        let mut part = match n {
            0 if !(category == Category::Misconfiguration && snapshot.iac_checks.is_some()) => {
                continue;
            }
            _ => noun(category, n),
        };
        if category == Category::Misconfiguration
            && let Some(checks) = snapshot.iac_checks
        {
            part = format!("{} failed of {} checks", checks.failed, checks.evaluated());
            if n as u64 != checks.failed {
                part.push_str(&format!(" ({n} listed)"));
            }
        }
        parts.push(part);
    }
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(" · ")
    }
}

/// "1 vulnerability", "3 code findings".
fn noun(category: Category, n: usize) -> String {
    let (one, many) = match category {
        Category::Vulnerability => ("vulnerability", "vulnerabilities"),
        Category::Misconfiguration => ("misconfiguration", "misconfigurations"),
        Category::Secret => ("secret", "secrets"),
        Category::Code => ("code finding", "code findings"),
        Category::Policy => ("policy violation", "policy violations"),
        Category::Compliance => ("compliance check", "compliance checks"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (22_200, "22,200"),
            (1_000_000, "1,000,000"),
        ] {
            assert_eq!(super::grouped(n), text);
        }
    }

    #[test]
    fn sizes_read_in_the_largest_unit_rounded() {
        for (bytes, text) in [
            (0, "0 B"),
            (999, "999 B"),
            (1_000, "1.0 KB"),
            (27_449, "27.4 KB"),
            (27_450, "27.5 KB"),
            (999_949, "999.9 KB"),
            (999_950, "1.0 MB"),
            (102_599_153, "102.6 MB"),
            (999_950_000, "1.00 GB"),
            (1_504_999_999, "1.50 GB"),
            (u64::MAX, "18446744073.71 GB"),
        ] {
            assert_eq!(super::human_size(bytes), text, "{bytes}");
        }
    }
}

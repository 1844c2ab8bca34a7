//! The tables Posture exports: the KPIs and the metrics view as CSV, and the events and
//! incident records as typed [`Table`]s (CSV for people, JSON lines and Parquet for machines).

use super::{Csv, Kind, Table, Value};
use crate::core::analysis::Analysis;
use crate::core::events::Events;
use crate::core::incidents::Incidents;
use crate::core::model::{Incident, Verdict};
use crate::core::protocol::{MetricsView, Table as ViewTable};
use crate::core::time::Timestamp;

/// Every KPI of the period, as the scorecard JSON has them, with the previous period's value.
pub fn kpis_csv(analysis: &Analysis) -> String {
    let mut csv = Csv::new(&[
        "id",
        "label",
        "value",
        "unit",
        "target",
        "direction",
        "status",
        "previous",
        "numerator",
        "denominator",
        "formula",
        "inputs",
        "notes",
        "period_from",
        "period_to",
    ]);
    for (i, k) in analysis.kpis.iter().enumerate() {
        let m = &k.measure;
        csv.text(k.id)
            .text(k.label)
            .number(m.value)
            .text(k.unit.as_str())
            .number(k.target)
            .text(k.direction.as_str())
            .text(k.status.as_str())
            .number(analysis.previous_value(i))
            .number(m.numerator)
            .number(m.denominator)
            .text(&m.formula)
            .text(&m.inputs.join("; "))
            .text(
                &m.notes
                    .iter()
                    .chain(&k.missing)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .time(analysis.period.from)
            .time(analysis.period.to)
            .end();
    }
    csv.finish()
}

/// The metrics view in long form, one number or word a row: `section, table, row, column,
/// value` — the findings' counts, then each domain's figures and tables (the summaries of the
/// audit logs, runtime alerts and incidents).
pub fn metrics_csv(m: &MetricsView) -> String {
    let mut csv = Csv::new(&["section", "table", "row", "column", "value"]);
    let mut put = |section: &str, table: &str, row: &str, column: &str, value: Cell| {
        csv.text(section).text(table).text(row).text(column);
        match value {
            Cell::Count(n) => csv.number(Some(n as f64)),
            Cell::Shown(text) => csv.shown(text),
        };
        csv.end();
    };
    const FINDINGS: &str = "Open findings";
    for (table, counts) in [
        ("By severity", &m.by_severity),
        ("By category", &m.by_category),
        ("By tool", &m.by_tool),
    ] {
        for c in counts {
            put(FINDINGS, table, &c.label, "open", Cell::Count(c.count));
        }
    }
    put(
        FINDINGS,
        "Vulnerabilities",
        "open",
        "count",
        Cell::Count(m.vulnerabilities),
    );
    put(
        FINDINGS,
        "Vulnerabilities",
        "fixable",
        "count",
        Cell::Count(m.fixable),
    );
    for (table, rows) in [
        ("Top vulnerabilities", &m.top_vulnerabilities),
        ("Top failing rules", &m.top_rules),
    ] {
        for r in rows {
            put(FINDINGS, table, &r.id, "severity", Cell::Shown(&r.severity));
            put(FINDINGS, table, &r.id, "title", Cell::Shown(&r.title));
            put(FINDINGS, table, &r.id, "findings", Cell::Count(r.findings));
            put(FINDINGS, table, &r.id, "assets", Cell::Count(r.assets));
            put(FINDINGS, table, &r.id, "tools", Cell::Shown(&r.tools));
        }
    }
    for a in &m.assets {
        for (severity, n) in SEVERITIES.iter().zip(a.counts) {
            put(FINDINGS, "By asset", &a.name, severity, Cell::Count(n));
        }
    }
    for s in &m.sections {
        for f in &s.figures {
            put(&s.title, "Figures", &f.label, "count", Cell::Count(f.count));
        }
        for t in &s.tables {
            table_rows(t, |row, column, value| {
                put(&s.title, &t.title, row, column, Cell::Shown(value));
            });
        }
    }
    csv.finish()
}

enum Cell<'a> {
    Count(u64),
    Shown(&'a str),
}

const SEVERITIES: [&str; 6] = ["critical", "high", "medium", "low", "info", "unknown"];

/// Each cell of a table after the first column, with the row's name and its column's.
fn table_rows(t: &ViewTable, mut each: impl FnMut(&str, &str, &str)) {
    for row in &t.rows {
        let name = row.first().map_or("", String::as_str);
        for (column, value) in t.columns.iter().zip(row).skip(1) {
            each(name, column, value);
        }
    }
}

const EVENT_COLUMNS: &[(&str, Kind)] = &[
    ("at", Kind::Time),
    ("kind", Kind::Text),
    ("source", Kind::Text),
    ("tool", Kind::Text),
    ("file", Kind::Text),
    ("actor", Kind::Text),
    ("target", Kind::Text),
    ("scope", Kind::Text),
    ("rule", Kind::Text),
    ("detail", Kind::Text),
    ("priority", Kind::Text),
    ("category", Kind::Text),
    ("tags", Kind::Text),
];

/// Each distinct event (the same event in two logs once) in the period `from`–`to`.
pub fn events_table(events: &Events, from: Option<Timestamp>, to: Option<Timestamp>) -> Table {
    let rows = events
        .all
        .iter()
        .filter(|(e, _)| from.is_none_or(|f| e.at >= f) && to.is_none_or(|t| e.at <= t))
        .map(|(e, log)| {
            let item = &events.logs[*log];
            vec![
                Value::Time(Some(e.at)),
                Value::Text(e.kind.as_str().into()),
                Value::Text(item.log.source.name.clone()),
                Value::Text(item.log.tool.name.clone()),
                Value::Text(item.name.into()),
                Value::Text(e.actor.to_string()),
                Value::Text(e.target.to_string()),
                Value::Text(e.scope.to_string()),
                Value::Text(e.rule.to_string()),
                Value::Text(e.detail.to_string()),
                Value::Text(e.priority.as_str().into()),
                Value::Text(e.category.map_or("", |c| c.label()).into()),
                Value::Text(e.tags.iter().map(|t| &**t).collect::<Vec<_>>().join(",")),
            ]
        })
        .collect();
    Table {
        columns: EVENT_COLUMNS,
        rows,
    }
}

const INCIDENT_COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Text),
    ("title", Kind::Text),
    ("severity", Kind::Text),
    ("source", Kind::Text),
    ("event_time", Kind::Time),
    ("alert_time", Kind::Time),
    ("contained_time", Kind::Time),
    ("resolved_time", Kind::Time),
    ("false_positive", Kind::Flag),
    ("status", Kind::Text),
    ("verdict", Kind::Text),
    ("updated", Kind::Time),
    ("detect_hours", Kind::Number),
    ("respond_hours", Kind::Number),
    ("resolve_hours", Kind::Number),
];

/// The incident records as they stand (the latest record of each), alerted in the period
/// `from`–`to` when one is chosen, in the columns of Posture's incident template (`verdict`,
/// `updated` and the three durations after them): dropped back into Posture, the file gives the
/// same incident KPIs.
pub fn incidents_table(
    incidents: &Incidents,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
) -> Table {
    let within = |i: &Incident| match (i.alert_time, from, to) {
        (Some(at), from, to) => from.is_none_or(|f| at >= f) && to.is_none_or(|t| at <= t),
        // Untimed ones belong to no period: listed for all data only.
        (None, from, to) => from.is_none() && to.is_none(),
    };
    let rows = incidents
        .all
        .iter()
        .filter(|i| within(i))
        .map(|i| {
            let verdict = match i.verdict {
                Verdict::TruePositive => "true_positive",
                Verdict::BenignPositive => "benign_positive",
                Verdict::FalsePositive => "false_positive",
                Verdict::Duplicate => "duplicate",
                Verdict::Untriaged => "",
            };
            let false_positive = match i.verdict {
                Verdict::Untriaged => None,
                v => Some(v == Verdict::FalsePositive),
            };
            vec![
                Value::Text(i.id.to_string()),
                Value::Text(i.title.to_string()),
                Value::Text(i.severity.as_str().into()),
                Value::Text(i.source.to_string()),
                Value::Time(i.event_time),
                Value::Time(i.alert_time),
                Value::Time(i.contained_time),
                Value::Time(i.resolved_time),
                Value::Flag(false_positive),
                Value::Text(if i.closed { "closed" } else { "open" }.into()),
                Value::Text(verdict.into()),
                Value::Time(i.updated),
                Value::Number(i.detect_hours()),
                Value::Number(i.respond_hours()),
                Value::Number(i.resolve_hours()),
            ]
        })
        .collect();
    Table {
        columns: INCIDENT_COLUMNS,
        rows,
    }
}

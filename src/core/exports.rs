//! What leaves Posture as a file for people who do not run it: CSV tables (KPIs, metrics,
//! incident records) and the self-contained HTML report ([`report`]). The findings CSV is the
//! explorer's (`explorer::csv`) and the scorecard JSON is `scorecard`'s; all write cells here.
//!
//! CSV is RFC 4180 (CRLF, quotes doubled), and a text cell a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@`, tab, carriage return) is made text with a leading `'` (CSV injection).
//! Numbers are written as numbers: only a cell Posture computed is one.

pub mod report;

use super::analysis::Analysis;
use super::events::Events;
use super::incidents::Incidents;
use super::kpi::Direction;
use super::model::{EventKind, Incident, Verdict};
use super::protocol::{MetricsView, Table as ViewTable};
use super::time::Timestamp;

/// A CSV document written row by row.
pub struct Csv {
    out: String,
    /// No cell in the current row yet.
    fresh: bool,
}

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv {
            out: String::new(),
            fresh: true,
        };
        for column in header {
            csv.text(column);
        }
        csv.end();
        csv
    }

    fn separate(&mut self) {
        if !self.fresh {
            self.out.push(',');
        }
        self.fresh = false;
    }

    /// A text cell, from a file or from Posture.
    pub fn text(&mut self, value: &str) -> &mut Csv {
        self.separate();
        self.out.push_str(&cell(value));
        self
    }

    /// A number Posture computed; empty for none.
    pub fn number(&mut self, value: Option<f64>) -> &mut Csv {
        self.separate();
        self.out.push_str(&number(value));
        self
    }

    /// A time as RFC 3339 UTC; empty for none.
    pub fn time(&mut self, value: Option<Timestamp>) -> &mut Csv {
        self.text(&value.map(|t| t.to_string()).unwrap_or_default())
    }

    /// A cell shown as text in a view: a number when it is one exactly as written ("12",
    /// "-2.5"; not "007" or "1e3", which a file may mean as text), else text.
    pub fn shown(&mut self, value: &str) -> &mut Csv {
        match value.parse::<f64>() {
            Ok(n) if number(Some(n)) == value => self.number(Some(n)),
            _ => self.text(value),
        }
    }

    pub fn end(&mut self) {
        self.out.push_str("\r\n");
        self.fresh = true;
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// What a spreadsheet may take for the start of a formula, after any leading whitespace (some
/// trim it): `=`, `+`, `-`, `@`, and their full-width forms (some convert them).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// One text cell: prefixed with `'` when a spreadsheet would take it for a formula, and quoted
/// when it holds a comma, quote or line break.
pub fn cell(value: &str) -> String {
    let risky = value.starts_with(['\t', '\r']) || value.trim_start().starts_with(FORMULA_STARTS);
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A number as the scorecard JSON writes it: whole ones without a fraction; empty for none.
pub fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => format!("{}", v as i64),
        Some(v) if v.is_finite() => format!("{v}"),
        _ => String::new(),
    }
}

pub fn direction(direction: Direction) -> &'static str {
    match direction {
        Direction::AtMost => "at_most",
        Direction::AtLeast => "at_least",
    }
}

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
            .text(direction(k.direction))
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

/// A table of typed cells: written as CSV for people, as JSON lines (and Parquet, by the
/// native command) for machines.
pub struct Table {
    /// Each column's name and what its cells hold.
    pub columns: &'static [(&'static str, Kind)],
    pub rows: Vec<Vec<Value>>,
}

/// What a [`Table`]'s column holds: each cell is that [`Value`], or missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Time,
    Flag,
}

/// One cell of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Number(Option<f64>),
    Time(Option<Timestamp>),
    Flag(Option<bool>),
}

impl Table {
    pub fn csv(&self) -> String {
        let header: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        let mut csv = Csv::new(&header);
        for row in &self.rows {
            for value in row {
                match value {
                    Value::Text(text) => csv.text(text),
                    Value::Number(n) => csv.number(*n),
                    Value::Time(t) => csv.time(*t),
                    Value::Flag(f) => csv.text(f.map_or("", |f| if f { "true" } else { "false" })),
                };
            }
            csv.end();
        }
        csv.finish()
    }

    /// One JSON object a line, its keys the columns in order; a missing value is `null`.
    pub fn ndjson(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            out.push('{');
            for (i, ((column, _), value)) in self.columns.iter().zip(row).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let json = match value {
                    Value::Text(text) => serde_json::Value::from(text.as_str()),
                    Value::Number(n) => n
                        .filter(|n| n.is_finite())
                        .map_or(serde_json::Value::Null, serde_json::Value::from),
                    Value::Time(t) => t.map_or(serde_json::Value::Null, |t| t.to_string().into()),
                    Value::Flag(f) => f.map_or(serde_json::Value::Null, serde_json::Value::from),
                };
                out.push_str(&serde_json::Value::from(*column).to_string());
                out.push(':');
                out.push_str(&json.to_string());
            }
            out.push_str("}\n");
        }
        out
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
                Value::Text(event_kind(e.kind).into()),
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

fn event_kind(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Unauthorized => "unauthorized",
        EventKind::WorkloadDenied => "workload_denied",
        EventKind::WorkloadAdmitted => "workload_admitted",
        EventKind::ControllerDenied => "controller_denied",
        EventKind::ExecSession => "exec_session",
        EventKind::RuntimeAlert => "runtime_alert",
        EventKind::FailedLogin => "failed_login",
        EventKind::RoleAssumption => "role_assumption",
        EventKind::RootUse => "root_use",
        EventKind::ContainerTask => "container_task",
        EventKind::ProcessExec => "process_exec",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        // After whitespace, or in full width, as some spreadsheets read them.
        assert_eq!(cell(" =1+1"), "' =1+1");
        assert_eq!(cell("\n=1+1"), "\"'\n=1+1\"");
        assert_eq!(cell("＝1+1"), "'＝1+1");
        assert_eq!(cell("a=1"), "a=1");
    }

    #[test]
    fn numbers_are_numbers_and_shown_text_stays_text() {
        let mut csv = Csv::new(&["a", "b", "c", "d", "e"]);
        csv.number(Some(3.0))
            .number(Some(-2.5))
            .number(None)
            .shown("-1+cmd|' /C calc'!A0")
            .shown("12.5")
            .end();
        assert_eq!(
            csv.finish(),
            "a,b,c,d,e\r\n3,-2.5,,'-1+cmd|' /C calc'!A0,12.5\r\n"
        );
        // Written as the view has them: leading zeros, exponents and long ids stay text.
        let mut csv = Csv::new(&["a", "b", "c", "d"]);
        csv.shown("007")
            .shown("1e3")
            .shown("12345678901234567890")
            .shown("-3")
            .end();
        assert_eq!(
            csv.finish(),
            "a,b,c,d\r\n007,1e3,12345678901234567890,-3\r\n"
        );
    }
}

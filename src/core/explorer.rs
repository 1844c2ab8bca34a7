//! The findings explorer: every finding loaded, as compact records the worker keeps, filtered,
//! searched and sorted on request, and served a window of rows at a time — the page renders only
//! what is visible, so a million findings stay smooth.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::engine::{Outcome, Source};
use super::evidence::CurrentFinding;
use super::exports;
use super::hash::FxHashSet;
use super::history::History;
use super::kpi::Context;
use super::model::{Asset, Category, Evidence, Finding, Status, Triage};
use super::protocol::{FindingRow, FindingsQuery};
use super::time::Timestamp;
use super::vulntime::{SlaState, first_seen};

/// One finding, by reference into the sources: a few words per row, whatever its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The source whose report speaks for it, and the finding's index in its snapshot.
    pub source: u32,
    pub finding: u32,
    /// Other sources reporting it (rarely any).
    pub also: Box<[u32]>,
    /// Open, passed or suppressed as the latest scans say; fixed when history saw it go.
    pub status: Status,
    /// The triage decision that leaves it out, when one does (its status is then suppressed).
    pub decision: Option<Triage>,
    pub first_seen: Option<Timestamp>,
    pub fixed_at: Option<Timestamp>,
    /// Days from first seen to the end of the period (open findings), or to the fix.
    pub age_days: Option<f64>,
    pub sla: SlaState,
}

/// The columns, by id: what filters, sorts and the CSV name.
pub const COLUMNS: [(&str, &str); 13] = [
    ("severity", "Severity"),
    ("category", "Category"),
    ("rule", "Rule"),
    ("title", "Title"),
    ("asset", "Asset"),
    ("package", "Package"),
    ("installed", "Installed"),
    ("fixed_version", "Fixed version"),
    ("tools", "Tools"),
    ("status", "Status"),
    ("first_seen", "First seen"),
    ("age", "Age (days)"),
    ("sla", "SLA"),
];

/// How a column is filtered: one of its values, a part of its text (all of it in double
/// quotes), or a minimum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    Choice(&'static [&'static str]),
    Text,
    AtLeast,
}

pub fn filter_of(column: &str) -> Filter {
    match column {
        "severity" => Filter::Choice(&["critical", "high", "medium", "low", "info", "unknown"]),
        "category" => Filter::Choice(&[
            "vulnerability",
            "misconfiguration",
            "secret",
            "code",
            "policy",
            "compliance",
        ]),
        "status" => Filter::Choice(&[
            "open",
            "fixed",
            "suppressed",
            "accepted_risk",
            "false_positive",
            "not_affected",
            "passed",
        ]),
        "sla" => Filter::Choice(&["within", "at_risk", "breached"]),
        "age" => Filter::AtLeast,
        _ => Filter::Text,
    }
}

/// Every finding loaded: the current state (each asset's latest scans), then those history saw
/// fixed and that no latest scan reports any more. `histories` are by category
/// (`Category::ALL` order), for first sights and fixes.
pub fn records(
    cx: &Context,
    histories: [&History; 6],
    item_source: &[usize],
    end: Timestamp,
) -> Vec<Record> {
    let source_of = |item: usize| item_source[item] as u32;
    let mut records: Vec<Record> = Vec::with_capacity(cx.current.findings.len());
    // What the current state already shows, so a fix it reports (or a suppression) is one row.
    let mut shown: FxHashSet<(u32, u64)> = FxHashSet::default();
    for f in &cx.current.findings {
        let history = histories[f.finding.category as usize];
        let key = (f.asset_id, f.finding.fingerprint.0);
        shown.insert(key);
        let seen = first_seen(f, cx.current, history);
        let lifecycle = history.lifecycle(key.0, key.1);
        let fixed_at = lifecycle.filter(|l| l.is_fixed()).and_then(|l| l.fixed_at);
        let age = match f.finding.status {
            Status::Open => seen.map(|s| end.days_since(s).max(0.0)),
            // Reported fixed by its tool after history saw it go: its time to fix.
            Status::Fixed => lifecycle.and_then(|l| l.days_to_fix()),
            _ => None,
        };
        let sla = match (f.finding.status, f.finding.category, age) {
            (Status::Open, Category::Vulnerability, Some(age)) => SlaState::of(
                age,
                cx.settings.sla(f.finding.severity),
                cx.settings.sla_margin_pct,
            ),
            _ => SlaState::None,
        };
        records.push(Record {
            source: source_of(f.speaking.0),
            finding: f.speaking.1,
            also: also(f, source_of),
            status: f.finding.status,
            decision: f.finding.decision,
            first_seen: seen,
            fixed_at,
            age_days: age,
            sla,
        });
    }
    for history in histories {
        for l in history.lifecycles.iter().filter(|l| l.is_fixed()) {
            if shown.contains(&(l.asset, l.fingerprint)) {
                continue;
            }
            records.push(Record {
                source: source_of(l.at.0),
                finding: l.at.1,
                also: Box::new([]),
                status: Status::Fixed,
                decision: None,
                first_seen: Some(l.first_seen),
                fixed_at: l.fixed_at,
                age_days: l.days_to_fix(),
                sla: SlaState::None,
            });
        }
    }
    records
}

fn also(f: &CurrentFinding, source_of: impl Fn(usize) -> u32) -> Box<[u32]> {
    let speaking = source_of(f.speaking.0);
    let mut also: Vec<u32> = f
        .sources()
        .map(&source_of)
        .filter(|s| *s != speaking)
        .collect();
    also.sort_unstable();
    also.dedup();
    also.into_boxed_slice()
}

/// A record with what it points at, for filtering, sorting and showing.
struct Resolved<'a> {
    record: &'a Record,
    finding: &'a Finding,
    asset: &'a str,
    tool: &'a str,
}

fn resolve<'a>(sources: &'a [Source], record: &'a Record) -> Option<Resolved<'a>> {
    let snapshot = snapshot_of(sources, record.source)?;
    Some(Resolved {
        record,
        finding: snapshot.findings.get(record.finding as usize)?,
        asset: &snapshot.asset.name,
        tool: &snapshot.tool.name,
    })
}

/// The finding a record stands for, and its asset.
pub fn located<'a>(sources: &'a [Source], record: &Record) -> Option<(&'a Finding, &'a Asset)> {
    let snapshot = snapshot_of(sources, record.source)?;
    Some((
        snapshot.findings.get(record.finding as usize)?,
        &snapshot.asset,
    ))
}

fn snapshot_of(sources: &[Source], index: u32) -> Option<&super::model::Snapshot> {
    match &sources.get(index as usize)?.outcome {
        Outcome::Loaded { evidence, .. } => match &**evidence {
            Evidence::Findings(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

impl Resolved<'_> {
    /// The tools reporting it, sorted, joined.
    fn tools(&self, sources: &[Source]) -> String {
        let mut tools: Vec<&str> = std::iter::once(self.tool)
            .chain(
                self.record
                    .also
                    .iter()
                    .filter_map(|&s| snapshot_of(sources, s).map(|s| s.tool.name.as_str())),
            )
            .collect();
        tools.sort_unstable();
        tools.dedup();
        tools.join(", ")
    }

    fn package(&self) -> (&str, &str, &str) {
        match &self.finding.package {
            Some(p) => (
                &p.name,
                p.installed.as_deref().unwrap_or(""),
                p.fixed.as_deref().unwrap_or(""),
            ),
            None => ("", "", ""),
        }
    }

    /// The text of a column, as shown and as searched: borrowed from the finding where it can
    /// be, so a search over a million rows allocates only for the few columns it must compose.
    fn text(&self, column: &str, sources: &[Source]) -> Cow<'_, str> {
        let f = self.finding;
        let (package, installed, fixed) = self.package();
        match column {
            "severity" => f.severity.as_str().into(),
            "category" => f.category.as_str().into(),
            "rule" => (&*f.rule_id).into(),
            "title" => (&*f.title).into(),
            "asset" => self.asset.into(),
            "package" => package.into(),
            "installed" => installed.into(),
            "fixed_version" => fixed.into(),
            "tools" if self.record.also.is_empty() => self.tool.into(),
            "tools" => self.tools(sources).into(),
            "status" => match self.record.decision {
                Some(triage) => triage.as_str().into(),
                None => self.record.status.as_str().into(),
            },
            "first_seen" => self
                .record
                .first_seen
                .map(|t| t.day())
                .unwrap_or_default()
                .into(),
            // Tenths, cut down: 7.0 is over 7 days (past a 7-day SLA), where a whole "7" would
            // read as within it.
            "age" => self
                .record
                .age_days
                .map_or(String::new(), |d| {
                    format!("{:.1}", (d * 10.0).floor() / 10.0)
                })
                .into(),
            "sla" => match self.record.sla {
                SlaState::None => "".into(),
                s => s.as_str().into(),
            },
            "location" => (&*f.location).into(),
            _ => "".into(),
        }
    }

    /// Whether it passes one column's filter: the exact value for enumerations and the SLA, a
    /// minimum for age ("30" is 30 days or more), a case-insensitive part of the text otherwise
    /// — or all of it, when the value is in double quotes (`"CVE-2021-4428"` is not
    /// CVE-2021-44228).
    fn passes(&self, column: &str, wanted: &str, sources: &[Source]) -> bool {
        match filter_of(column) {
            Filter::Choice(_) => self.text(column, sources) == wanted,
            Filter::AtLeast => match (wanted.trim().parse::<f64>(), self.record.age_days) {
                (Ok(min), Some(age)) => age.floor() >= min,
                (Ok(_), None) => false,
                (Err(_), _) => true,
            },
            Filter::Text => match quoted(wanted) {
                Some(exact) => self.text(column, sources).eq_ignore_ascii_case(exact),
                None => contains(&self.text(column, sources), wanted),
            },
        }
    }

    fn matches(&self, query: &FindingsQuery, sources: &[Source]) -> bool {
        let filters = query
            .filters
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .all(|(column, wanted)| self.passes(column, wanted, sources));
        filters
            && (query.text.trim().is_empty()
                || ["rule", "title", "asset", "package", "location", "tools"]
                    .iter()
                    .any(|c| contains(&self.text(c, sources), query.text.trim())))
    }

    fn compare(&self, other: &Resolved, column: &str, sources: &[Source]) -> Ordering {
        let (a, b) = (self.record, other.record);
        match column {
            "severity" => self.finding.severity.cmp(&other.finding.severity),
            "category" => self.finding.category.cmp(&other.finding.category),
            "age" => a
                .age_days
                .partial_cmp(&b.age_days)
                .unwrap_or(Ordering::Equal),
            "first_seen" => a.first_seen.cmp(&b.first_seen),
            "sla" => a.sla.cmp(&b.sla),
            "rule" => self.finding.rule_id.cmp(&other.finding.rule_id),
            "title" => self.finding.title.cmp(&other.finding.title),
            "asset" => self.asset.cmp(other.asset),
            c => self.text(c, sources).cmp(&other.text(c, sources)),
        }
    }
}

/// A filter value for exactly this text (what a link from a chart or table asks for).
pub fn exactly(value: &str) -> String {
    format!("\"{value}\"")
}

fn quoted(wanted: &str) -> Option<&str> {
    let inner = wanted.trim().strip_prefix('"')?.strip_suffix('"')?;
    Some(inner)
}

fn contains(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let n = needle.as_bytes();
        n.len() <= haystack.len()
            && haystack
                .as_bytes()
                .windows(n.len())
                .any(|w| w.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(&needle.to_lowercase())
    }
}

/// The records matching a query, in its order: indices into `records`.
pub fn select(records: &[Record], query: &FindingsQuery, sources: &[Source]) -> Vec<u32> {
    let mut indices: Vec<u32> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| resolve(sources, r).is_some_and(|r| r.matches(query, sources)))
        .map(|(i, _)| i as u32)
        .collect();
    sort(records, &mut indices, query, sources);
    indices
}

/// Puts records in the query's order. Ties keep severity, then load order, so the order is the
/// same whatever order they came in: a new sort of rows already selected needs no new filter.
pub fn sort(records: &[Record], indices: &mut [u32], query: &FindingsQuery, sources: &[Source]) {
    let column = query.sort.as_str();
    let mut keyed: Vec<(u32, Resolved)> = indices
        .iter()
        .filter_map(|&i| Some((i, resolve(sources, records.get(i as usize)?)?)))
        .collect();
    keyed.sort_by(|(i, a), (j, b)| {
        let primary = if column.is_empty() {
            Ordering::Equal
        } else {
            a.compare(b, column, sources)
        };
        let primary = if query.descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then(a.finding.severity.cmp(&b.finding.severity))
            .then(i.cmp(j))
    });
    for (slot, (i, _)) in indices.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// Whether two queries select the same records (they may order them differently).
pub fn same_selection(a: &FindingsQuery, b: &FindingsQuery) -> bool {
    a.filters == b.filters && a.text == b.text
}

/// Rows ready to show.
pub fn rows(records: &[Record], indices: &[u32], sources: &[Source]) -> Vec<FindingRow> {
    indices
        .iter()
        .filter_map(|&i| {
            let r = resolve(sources, records.get(i as usize)?)?;
            Some(FindingRow {
                fingerprint: format!("{:016x}", r.finding.fingerprint.0),
                severity: r.finding.severity.as_str().into(),
                sla: r.record.sla.as_str().into(),
                cells: COLUMNS
                    .iter()
                    .map(|(c, _)| match *c {
                        "sla" => r.record.sla.label().into(),
                        c => r.text(c, sources).into_owned(),
                    })
                    .collect(),
                location: r.finding.location.to_string(),
            })
        })
        .collect()
}

/// The findings as a typed table, one row each, for machines (the native command's NDJSON and
/// Parquet): the explorer's columns, with first seen and fixed at as times and the age a number.
pub fn table(records: &[Record], indices: &[u32], sources: &[Source]) -> exports::Table {
    use exports::{Kind, Value};
    const COLUMNS: &[(&str, Kind)] = &[
        ("file", Kind::Text),
        ("asset", Kind::Text),
        ("tool", Kind::Text),
        ("category", Kind::Text),
        ("severity", Kind::Text),
        ("rule", Kind::Text),
        ("title", Kind::Text),
        ("package", Kind::Text),
        ("installed", Kind::Text),
        ("fixed_version", Kind::Text),
        ("status", Kind::Text),
        ("first_seen", Kind::Time),
        ("fixed_at", Kind::Time),
        ("age_days", Kind::Number),
        ("sla", Kind::Text),
        ("location", Kind::Text),
        ("fingerprint", Kind::Text),
    ];
    let rows = indices
        .iter()
        .filter_map(|&i| {
            let r = resolve(sources, records.get(i as usize)?)?;
            let text = |column: &str| Value::Text(r.text(column, sources).into_owned());
            // The file whose scan speaks for it: joins the scans table on `file`.
            let file = sources
                .get(r.record.source as usize)
                .map(|s| s.name.clone());
            Some(vec![
                Value::Text(file.unwrap_or_default()),
                text("asset"),
                text("tools"),
                text("category"),
                text("severity"),
                text("rule"),
                text("title"),
                text("package"),
                text("installed"),
                text("fixed_version"),
                text("status"),
                Value::Time(r.record.first_seen),
                Value::Time(r.record.fixed_at),
                Value::Number(r.record.age_days),
                Value::Text(r.record.sla.as_str().into()),
                text("location"),
                Value::Text(format!("{:016x}", r.finding.fingerprint.0)),
            ])
        })
        .collect();
    exports::Table {
        columns: COLUMNS,
        rows,
    }
}

/// The view as CSV (RFC 4180), with a cell a spreadsheet would run as a formula made text.
pub fn csv(records: &[Record], indices: &[u32], sources: &[Source]) -> String {
    let mut out = String::new();
    let header: Vec<&str> = COLUMNS.iter().map(|(_, label)| *label).collect();
    out.push_str(&header.join(","));
    out.push_str(",Location,Fingerprint\r\n");
    for &i in indices {
        let Some(r) = records.get(i as usize).and_then(|r| resolve(sources, r)) else {
            continue;
        };
        let mut cells: Vec<String> = COLUMNS
            .iter()
            .map(|(c, _)| r.text(c, sources).into_owned())
            .collect();
        cells.push(r.text("location", sources).into_owned());
        cells.push(format!("{:016x}", r.finding.fingerprint.0));
        let line: Vec<String> = cells.iter().map(|c| exports::cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Severity;

    #[test]
    fn the_filter_choices_are_the_models_words() {
        let words = |column| match filter_of(column) {
            Filter::Choice(options) => options.to_vec(),
            other => panic!("{column}: {other:?}"),
        };
        assert_eq!(words("severity"), Severity::ALL.map(Severity::as_str));
        assert_eq!(words("category"), Category::ALL.map(Category::as_str));
        let mut statuses = words("status");
        statuses.sort_unstable();
        let mut model: Vec<&str> = [
            Status::Open,
            Status::Passed,
            Status::Suppressed,
            Status::Fixed,
        ]
        .map(Status::as_str)
        .into_iter()
        .chain(Triage::ALL.map(Triage::as_str))
        .collect();
        model.sort_unstable();
        assert_eq!(statuses, model);
        assert_eq!(
            words("sla"),
            SlaState::JUDGED.map(SlaState::as_str).to_vec()
        );
    }

    #[test]
    fn search_ignores_case() {
        assert!(contains("OpenSSL buffer overflow", "openssl"));
        assert!(contains("Überlauf", "überl"));
        assert!(!contains("abc", "abcd"));
    }
}

//! Incident records: Posture's own template (CSV or JSON), and the exports teams already have —
//! Jira / Jira Service Management issue CSV, PagerDuty incidents CSV, Microsoft Sentinel
//! `SecurityIncident` rows (CSV or JSON) and TheHive cases (JSON). One format id, because they
//! feed the same KPIs the same way; each export is a submodule that maps its columns onto
//! [`Incident`]. Which export a file is, is read from its header row or its first record's keys.
//!
//! Rows are read one at a time and cost only themselves: a row without an id, or a time Posture
//! cannot read, is a warning naming its line and column; the rest loads. Within a file one
//! record per incident id is kept: the later row, unless both rows have `updated` and the
//! earlier one's is newer.

mod dates;
mod jira;
mod pagerduty;
mod sentinel;
mod template;
mod thehive;

use super::{Format, Input, ParseError, Parsed};
use crate::core::csv::{self, Header, Record};
use crate::core::diagnostics::{CappedWarnings, ErrorKind, Location};
use crate::core::hash::FxHashMap;
use crate::core::model::{
    Evidence, Incident, IncidentLog, Interner, Severity, SourceKind, Text, Tool, Verdict,
};
use crate::core::sniff::{self, Shape, Sniff};
use crate::core::time::Timestamp;

use dates::Order;
pub use template::TEMPLATE_CSV;

pub const FORMAT: Format = Format {
    id: "incidents",
    label: "Incident records (Posture template, Jira, PagerDuty, Sentinel, TheHive)",
    command: "Posture's incident template (CSV or JSON); Jira: Filters → Export → CSV (all \
              fields); PagerDuty: Incidents → Export CSV, or Analytics incident data; \
              Sentinel: `SecurityIncident` query results exported as CSV, or the Log \
              Analytics API's JSON; TheHive: `/api/case` or `/api/v1/query` JSON",
    severity_mapping: "template and Sentinel: the word (critical/high/medium/low/\
                       informational); Jira priority Highest/Blocker → critical, High/Critical \
                       → high, Medium/Major → medium, Low/Minor → low, Lowest/Trivial → info; \
                       P1–P5 (Jira, PagerDuty) → critical…info, else PagerDuty urgency \
                       high/low; TheHive 4/3/2/1 → critical/high/medium/low",
    feeds: "MTTD, MTTR, time to resolve, false-positive rate, incident rate (every row of a \
            Jira export is an incident: export the incident project or filter only)",
    kinds: &[SourceKind::Incidents],
    detect,
    parse,
    stream: None,
};

/// Which export a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    TemplateCsv,
    TemplateJson,
    Jira,
    PagerDuty,
    SentinelCsv,
    SentinelJson,
    TheHive,
}

fn kind_of(sniff: &Sniff) -> Option<Kind> {
    match sniff.shape {
        Shape::Text => {
            let header = Header::of_first_line(sniff.first_line());
            [
                (
                    template::is_header as fn(&Header) -> bool,
                    Kind::TemplateCsv,
                ),
                (jira::is_header, Kind::Jira),
                (pagerduty::is_header, Kind::PagerDuty),
                (sentinel::is_header, Kind::SentinelCsv),
            ]
            .into_iter()
            .find(|(is, _)| is(&header))
            .map(|(_, kind)| kind)
        }
        Shape::Object | Shape::Array => {
            if template::is_json(sniff) {
                Some(Kind::TemplateJson)
            } else if thehive::is_json(sniff) {
                Some(Kind::TheHive)
            } else if sentinel::is_json(sniff) {
                Some(Kind::SentinelJson)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn detect(sniff: &Sniff) -> bool {
    kind_of(sniff).is_some()
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let sniffed = sniff::sniff(input.text.as_bytes());
    let text = input.text;
    match kind_of(&sniffed) {
        Some(Kind::TemplateCsv) => template::parse_csv(text),
        Some(Kind::TemplateJson) => template::parse_json(text),
        Some(Kind::Jira) => jira::parse(text),
        Some(Kind::PagerDuty) => pagerduty::parse(text),
        Some(Kind::SentinelCsv) => sentinel::parse_csv(text),
        Some(Kind::SentinelJson) => sentinel::parse_json(text),
        Some(Kind::TheHive) => thehive::parse(text),
        None => Err(ParseError {
            kind: ErrorKind::Shape {
                detail: "not an incident export Posture reads".into(),
            },
            location: Location::default(),
        }),
    }
}

/// One incident as a row describes it, before its texts are shared.
#[derive(Default)]
struct Draft<'a> {
    id: &'a str,
    /// The number people call the incident by, when `id` is a key unique across instances
    /// (Sentinel's GUID, TheHive's `_id`): shown before the title as `#42`.
    number: &'a str,
    title: &'a str,
    severity: Option<Severity>,
    severity_raw: &'a str,
    source: &'a str,
    event_time: Option<Timestamp>,
    alert_time: Option<Timestamp>,
    contained_time: Option<Timestamp>,
    resolved_time: Option<Timestamp>,
    verdict: Option<Verdict>,
    closed: bool,
    status_raw: &'a str,
    updated: Option<Timestamp>,
}

/// What a file's rows build: its incidents, one per id, and what the user should know.
struct Log {
    tool: &'static str,
    system: &'static str,
    interner: Interner,
    incidents: Vec<Incident>,
    index: FxHashMap<Text, usize>,
    records: u64,
    /// Rows that gave no incident.
    skipped: usize,
    warnings: CappedWarnings,
    note: Option<String>,
}

impl Log {
    fn new(tool: &'static str, system: &'static str) -> Log {
        Log {
            tool,
            system,
            interner: Interner::default(),
            incidents: Vec::new(),
            index: FxHashMap::default(),
            records: 0,
            skipped: 0,
            warnings: CappedWarnings::default(),
            note: None,
        }
    }

    fn warn(&mut self, message: String, location: Location) {
        self.warnings.push(message, location);
    }

    /// A row that gives no incident.
    fn skip(&mut self, why: &str, at: Location) {
        self.skipped += 1;
        self.warn(format!("a row was skipped: {why}"), at);
    }

    /// A time cell: `None` when empty; a warning, and `None`, when it is not a time.
    fn time(
        &mut self,
        value: Option<&str>,
        order: Order,
        at: &Location,
        column: &str,
    ) -> Option<Timestamp> {
        let value = value?.trim();
        if value.is_empty() {
            return None;
        }
        let time = dates::parse(value, order);
        if time.is_none() {
            self.warn(
                format!("{column} {value:?} is not a time Posture reads; the row loads without it"),
                at.field(column),
            );
        }
        time
    }

    fn add(&mut self, draft: Draft, at: &Location) {
        let id = draft.id.trim();
        if id.is_empty() {
            self.skip("it has no id", at.clone());
            return;
        }
        let text = |log: &mut Log, s: &str| log.interner.text(s.trim());
        let title = match (draft.number.trim(), draft.title.trim()) {
            ("", title) => text(self, title),
            (number, "") => text(self, &format!("#{number}")),
            (number, title) => text(self, &format!("#{number} {title}")),
        };
        let incident = Incident {
            id: text(self, id),
            title,
            severity: draft.severity.unwrap_or(Severity::Unknown),
            severity_raw: text(self, draft.severity_raw),
            source: text(self, draft.source),
            event_time: draft.event_time,
            alert_time: draft.alert_time,
            contained_time: draft.contained_time,
            resolved_time: draft.resolved_time,
            verdict: draft.verdict.unwrap_or(Verdict::Untriaged),
            closed: draft.closed,
            status_raw: text(self, draft.status_raw),
            updated: draft.updated,
        };
        match self.index.get(&incident.id) {
            // Files list changes in order, so a later row wins, unless both rows say when they
            // were written and the earlier one is newer. An unknown `updated` is not "oldest":
            // a reopening row, with its resolved time cleared, must still win.
            Some(&at) => {
                let kept = self.incidents[at].updated;
                if !matches!((kept, incident.updated), (Some(kept), Some(new)) if kept > new) {
                    self.incidents[at] = incident;
                }
            }
            None => {
                self.index.insert(incident.id.clone(), self.incidents.len());
                self.incidents.push(incident);
            }
        }
    }

    fn finish(mut self, format_words: &str) -> Result<Parsed, ParseError> {
        if self.incidents.is_empty() && self.skipped > 0 {
            let location = self
                .warnings
                .first()
                .map(|w| w.location.clone())
                .unwrap_or_default();
            let first = self
                .warnings
                .first()
                .map_or(String::new(), |w| format!("; the first: {}", w.message));
            return Err(ParseError {
                kind: ErrorKind::Shape {
                    detail: format!(
                        "no incident could be read from this {format_words}: {} rows, none usable{first}",
                        self.skipped
                    ),
                },
                location,
            });
        }
        if self.records == 0 {
            self.warn(
                format!("this {format_words} has no rows: it records no incident"),
                Location::default(),
            );
        }
        Ok(Parsed {
            evidence: Evidence::Incidents(IncidentLog {
                format: FORMAT.id,
                tool: Tool {
                    name: self.tool.into(),
                    version: None,
                },
                system: self.system,
                incidents: self.incidents,
                records: self.records,
                note: self.note,
            }),
            warnings: self.warnings.finish("warnings like these"),
        })
    }
}

/// Where a row is: its line (CSV) or its JSON path.
trait At {
    fn field(&self, column: &str) -> Location;
}

impl At for Location {
    fn field(&self, column: &str) -> Location {
        let path = match &self.path {
            Some(path) => format!("{path}.{column}"),
            None => column.to_string(),
        };
        Location {
            line: self.line,
            column: None,
            path: Some(path),
        }
    }
}

fn line(line: usize) -> Location {
    Location {
        line: Some(line),
        ..Location::default()
    }
}

/// The header and the records of a CSV export; a record cut by the end of the file is a warning.
fn read_csv<'a>(text: &'a str, log: &mut Log) -> (Header, Vec<Record<'a>>) {
    let mut reader = csv::Reader::new(text);
    let header = match reader.next() {
        Some(Ok(record)) => Header::new(&record.cells),
        _ => Header::default(),
    };
    let mut records = Vec::new();
    for record in reader {
        match record {
            Ok(record) => records.push(record),
            Err(cut) => log.warn(
                "a row was skipped: it is cut off (a quoted cell never ends: the file looks \
                 truncated)"
                    .into(),
                line(cut.line),
            ),
        }
    }
    log.records = records.len() as u64;
    (header, records)
}

/// A word as compared: lower case, letters and digits only (`True Positive` = `TruePositive`).
fn squash(word: &str) -> String {
    word.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `P1`…`P5` (PagerDuty, Jira, Opsgenie priorities) → critical…info.
fn p_level(raw: &str) -> Option<Severity> {
    match squash(raw).as_str() {
        "p1" | "sev1" => Some(Severity::Critical),
        "p2" | "sev2" => Some(Severity::High),
        "p3" | "sev3" => Some(Severity::Medium),
        "p4" | "sev4" => Some(Severity::Low),
        "p5" | "sev5" => Some(Severity::Info),
        _ => None,
    }
}

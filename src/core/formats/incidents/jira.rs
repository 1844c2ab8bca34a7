//! Jira / Jira Service Management issue CSV ("Export → CSV (all fields)"). Every row is an
//! issue, and every issue is taken as an incident: export the incident project or filter only.
//!
//! id = `Issue key`, title = `Summary`, alert = `Created`, resolved = `Resolved`, updated =
//! `Updated`. Jira has no event or containment time; a custom field holding a date is read for
//! them when its name is one of [`EVENT_FIELDS`] / [`CONTAINED_FIELDS`]. JSM's `Time to first
//! response` and `Time to resolution` are SLA clocks (`hh:mm`), not times, and are not read.
//! Dates are written in the exporting user's format and zone, which the file does not state:
//! they are read as UTC; numeric dates are day- or month-first as the file's values show.
//! Verdict from `Resolution`: only explicit false-positive wording is a false positive.

use std::collections::BTreeMap;

use super::{Draft, Log, Order, read_csv, squash};
use crate::core::csv::Header;
use crate::core::diagnostics::Location;
use crate::core::formats::{ParseError, Parsed};
use crate::core::model::{Severity, Verdict};

/// Custom fields read as the time the incident began (`Custom field (Incident start)`).
pub const EVENT_FIELDS: &[&str] = &[
    "incident start",
    "incident start time",
    "incident started",
    "event time",
    "event start",
    "first activity",
    "first activity time",
    "occurred",
    "occurred at",
];

/// Custom fields read as the time the incident was contained.
pub const CONTAINED_FIELDS: &[&str] = &[
    "contained",
    "contained at",
    "contained time",
    "time contained",
    "containment time",
    "containment date",
    "time of containment",
];

pub fn is_header(header: &Header) -> bool {
    header.has("issue key") && header.has("summary")
}

/// The first column whose `Custom field (…)` name is one of `names`.
fn custom_field(header: &Header, names: &[&str]) -> Option<String> {
    header
        .names()
        .iter()
        .find(|n| {
            n.strip_prefix("custom_field_(")
                .and_then(|rest| rest.strip_suffix(')'))
                .is_some_and(|inner| names.iter().any(|w| inner == w.replace(' ', "_")))
        })
        .cloned()
}

fn severity(priority: &str) -> Severity {
    match squash(priority).as_str() {
        "highest" | "blocker" | "critical1" => Severity::Critical,
        "high" | "critical" => Severity::High,
        "medium" | "major" | "normal" => Severity::Medium,
        "low" | "minor" => Severity::Low,
        "lowest" | "trivial" => Severity::Info,
        _ => super::p_level(priority).unwrap_or(Severity::Unknown),
    }
}

/// The verdict a resolution states, or `None` for "not one we read as a verdict".
fn verdict(resolution: &str) -> Option<Verdict> {
    let word = squash(resolution);
    Some(match word.as_str() {
        "" | "unresolved" => Verdict::Untriaged,
        w if w.contains("falsepositive") || w == "falsealarm" => Verdict::FalsePositive,
        w if w.contains("benign") => Verdict::BenignPositive,
        "duplicate" | "duplicated" => Verdict::Duplicate,
        "done" | "fixed" | "resolved" | "complete" | "completed" | "mitigated" | "truepositive" => {
            Verdict::TruePositive
        }
        _ => return None,
    })
}

pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut log = Log::new("Jira", "jira");
    let (header, records) = read_csv(text, &mut log);
    let event = custom_field(&header, EVENT_FIELDS);
    let contained = custom_field(&header, CONTAINED_FIELDS);
    let time_columns: Vec<&str> = ["created", "updated", "resolved"]
        .into_iter()
        .chain(event.as_deref())
        .chain(contained.as_deref())
        .collect();
    let (order, guessed) = Order::of(
        records
            .iter()
            .flat_map(|r| time_columns.iter().filter_map(|c| header.get(&r.cells, c))),
    );
    if guessed {
        log.warn(Order::guessed(), Location::default());
    }
    let mut unread: BTreeMap<String, usize> = BTreeMap::new();
    for record in &records {
        let get = |name: &str| header.get(&record.cells, name);
        let at = super::line(record.line);
        let resolution = get("resolution").unwrap_or("");
        let verdict = verdict(resolution).unwrap_or_else(|| {
            *unread.entry(resolution.to_string()).or_default() += 1;
            Verdict::Untriaged
        });
        let resolved_time = log.time(get("resolved"), order, &at, "Resolved");
        let status = get("status").unwrap_or("");
        let category = squash(get("status_category").unwrap_or(""));
        let closed = category == "done"
            || (category.is_empty()
                && (resolved_time.is_some()
                    || matches!(squash(status).as_str(), "done" | "closed" | "resolved")));
        let priority = get("priority").unwrap_or("");
        let draft = Draft {
            id: get("issue_key").unwrap_or(""),
            number: "",
            title: get("summary").unwrap_or(""),
            severity: Some(severity(priority)),
            severity_raw: priority,
            source: "",
            event_time: event
                .as_deref()
                .and_then(|c| log.time(get(c), order, &at, c)),
            alert_time: log.time(get("created"), order, &at, "Created"),
            contained_time: contained
                .as_deref()
                .and_then(|c| log.time(get(c), order, &at, c)),
            resolved_time,
            verdict: Some(verdict),
            closed,
            status_raw: status,
            updated: log.time(get("updated"), order, &at, "Updated"),
        };
        log.add(draft, &at);
    }
    if !unread.is_empty() {
        let list: Vec<String> = unread.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
        log.warn(
            format!(
                "resolutions that state no verdict count as untriaged (not in the false-positive \
                 rate): {}",
                list.join(", ")
            ),
            Location::default(),
        );
    }
    log.note = Some(match (&event, &contained) {
        (None, None) => {
            "Jira records no event or containment time (no custom field for them)".into()
        }
        (None, Some(_)) => "Jira records no event time (no custom field for it)".into(),
        (Some(_), None) => "Jira records no containment time (no custom field for it)".into(),
        (Some(_), Some(_)) => "dates read as UTC: Jira exports do not state their zone".into(),
    });
    log.finish("Jira export")
}

//! Posture's incident template, for teams whose tracker has no export Posture reads.
//!
//! CSV with the header `id,title,severity,source,event_time,alert_time,contained_time,
//! resolved_time,false_positive,status` (and optionally `verdict`, `updated`), or the same as
//! JSON: an array of objects with those keys, or `{"incidents": [...]}`. Times are RFC 3339, or
//! `YYYY-MM-DD HH:MM[:SS]` read as UTC. `false_positive` is true/false/yes/no, empty while
//! untriaged; `verdict` (true_positive, benign_positive, false_positive, duplicate), when given,
//! says more and wins. `status` is open/contained/resolved/closed. Only `id` is required.
//! `updated` says when a record was written; without it the later row (or file) of an incident
//! wins, so a row that reopens it is read as open.

use serde::Deserialize;

use super::{At, Draft, Log, Order, read_csv, squash};
use crate::core::csv::Header;
use crate::core::diagnostics::Location;
use crate::core::formats::{ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::Verdict;
use crate::core::severity::severity_word;
use crate::core::sniff::{Node, Sniff};

/// The template users download: the header and two example rows.
pub const TEMPLATE_CSV: &str = "\
id,title,severity,source,event_time,alert_time,contained_time,resolved_time,false_positive,status
INC-1,Phishing credentials used from new country,high,Okta,2026-11-02T08:00:00Z,2026-11-02T10:30:00Z,2026-11-02T12:00:00Z,2026-11-03T09:00:00Z,false,closed
INC-2,Port scan from a partner's address,low,Suricata,2026-11-05 14:00,2026-11-05 14:05,,,true,closed
";

pub fn is_header(header: &Header) -> bool {
    header.has("id") && header.has("alert_time")
}

fn is_record(node: &Node) -> bool {
    node.has("id") && node.has("alert_time")
}

pub fn is_json(sniff: &Sniff) -> bool {
    sniff.record().is_some_and(is_record) && sniff.record().is_some_and(|r| !r.has("incidents"))
        || sniff
            .value
            .get("incidents")
            .and_then(Node::first)
            .is_some_and(is_record)
}

fn row<'r>(log: &mut Log, get: impl Fn(&str) -> Option<&'r str>, at: &Location) {
    let order = Order::MonthFirst;
    let event_time = log.time(get("event_time"), order, at, "event_time");
    let alert_time = log.time(get("alert_time"), order, at, "alert_time");
    let contained_time = log.time(get("contained_time"), order, at, "contained_time");
    let resolved_time = log.time(get("resolved_time"), order, at, "resolved_time");
    let updated = log.time(get("updated"), order, at, "updated");
    let flag = get("false_positive").unwrap_or("");
    let verdict = match get("verdict").map(squash).as_deref() {
        Some("truepositive" | "tp") => Some(Verdict::TruePositive),
        Some("benignpositive" | "bp" | "benign") => Some(Verdict::BenignPositive),
        Some("falsepositive" | "fp") => Some(Verdict::FalsePositive),
        Some("duplicate") => Some(Verdict::Duplicate),
        Some("untriaged" | "undetermined" | "") | None => None,
        Some(_) => {
            log.warn(
                format!(
                    "verdict {:?} is not one Posture reads; the false_positive column decides",
                    get("verdict").unwrap_or("")
                ),
                at.field("verdict"),
            );
            None
        }
    };
    let verdict = verdict.or_else(|| match squash(flag).as_str() {
        "true" | "yes" | "y" | "1" => Some(Verdict::FalsePositive),
        "false" | "no" | "n" | "0" => Some(Verdict::TruePositive),
        "" => None,
        _ => {
            log.warn(
                format!("false_positive {flag:?} is not true/false/yes/no; read as untriaged"),
                at.field("false_positive"),
            );
            None
        }
    });
    let status = get("status").unwrap_or("");
    let closed = match squash(status).as_str() {
        "resolved" | "closed" | "done" => true,
        "" => resolved_time.is_some(),
        _ => false,
    };
    let severity = get("severity").unwrap_or("");
    log.add(
        Draft {
            id: get("id").unwrap_or(""),
            number: "",
            title: get("title").unwrap_or(""),
            severity: Some(super::p_level(severity).unwrap_or_else(|| severity_word(severity))),
            severity_raw: severity,
            source: get("source").unwrap_or(""),
            event_time,
            alert_time,
            contained_time,
            resolved_time,
            verdict,
            closed,
            status_raw: status,
            // No stand-in from the row's times when the column is absent: reopening clears
            // `resolved_time`, so the newer record would look older. Unknown → the later wins.
            updated,
        },
        at,
    );
}

pub fn parse_csv(text: &str) -> Result<Parsed, ParseError> {
    let mut log = Log::new("Posture incident template", "posture");
    let (header, records) = read_csv(text, &mut log);
    for record in &records {
        let get = |name: &str| header.get(&record.cells, name);
        row(&mut log, get, &super::line(record.line));
    }
    log.finish("incident template")
}

/// `false_positive` as JSON writes it: a boolean or a word.
#[derive(Deserialize)]
#[serde(untagged)]
enum Flag<'a> {
    Bool(bool),
    Text(#[serde(borrow)] Str<'a>),
}

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow, default)]
    id: MaybeStr<'a>,
    #[serde(borrow)]
    title: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<Str<'a>>,
    #[serde(borrow)]
    source: Option<Str<'a>>,
    #[serde(borrow)]
    event_time: Option<Str<'a>>,
    #[serde(borrow)]
    alert_time: Option<Str<'a>>,
    #[serde(borrow)]
    contained_time: Option<Str<'a>>,
    #[serde(borrow)]
    resolved_time: Option<Str<'a>>,
    #[serde(borrow)]
    false_positive: Option<Flag<'a>>,
    #[serde(borrow)]
    status: Option<Str<'a>>,
    #[serde(borrow)]
    verdict: Option<Str<'a>>,
    #[serde(borrow)]
    updated: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Wrapped<'a> {
    #[serde(borrow)]
    incidents: Vec<Row<'a>>,
}

pub fn parse_json(input: &str) -> Result<Parsed, ParseError> {
    let (rows, prefix) = if input.trim_start().starts_with('[') {
        (json::parse::<Vec<Row>>(input)?, "")
    } else {
        (json::parse::<Wrapped>(input)?.incidents, "incidents")
    };
    let mut log = Log::new("Posture incident template", "posture");
    log.records = rows.len() as u64;
    for (i, r) in rows.iter().enumerate() {
        row(
            &mut log,
            |name| field(r, name),
            &Location::path(format!("{prefix}[{i}]")),
        );
    }
    log.finish("incident template")
}

/// A field of a JSON row by its column name.
fn field<'r>(r: &'r Row, name: &str) -> Option<&'r str> {
    match name {
        "id" => r.id.non_empty(),
        "title" => text(&r.title),
        "severity" => text(&r.severity),
        "source" => text(&r.source),
        "event_time" => text(&r.event_time),
        "alert_time" => text(&r.alert_time),
        "contained_time" => text(&r.contained_time),
        "resolved_time" => text(&r.resolved_time),
        "status" => text(&r.status),
        "verdict" => text(&r.verdict),
        "updated" => text(&r.updated),
        "false_positive" => match &r.false_positive {
            Some(Flag::Bool(true)) => Some("true"),
            Some(Flag::Bool(false)) => Some("false"),
            Some(Flag::Text(s)) => s.non_empty(),
            None => None,
        },
        _ => None,
    }
}

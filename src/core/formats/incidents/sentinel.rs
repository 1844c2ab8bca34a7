//! Microsoft Sentinel `SecurityIncident` rows: a Log Analytics query's results exported as CSV
//! (the portal appends ` [UTC]` to time columns and may write `11/18/2026, 8:02:47.123 AM`), as
//! a JSON array of rows (`az monitor log-analytics query`), or as the Log Analytics API's
//! `{"tables":[{"columns":[…],"rows":[[…]]}]}`.
//!
//! The table holds one row per change of an incident: the latest row per incident (by
//! `LastModifiedTime`, else `TimeGenerated`) is the incident, so one reopened after closing is
//! open. An incident is keyed by `IncidentName`, its GUID, when the export has it:
//! `IncidentNumber` counts 1, 2, 3… in each workspace, so two workspaces' exports share numbers.
//! The number then leads the title (`#42 Title`); without `IncidentName` it is the id. event = `FirstActivityTime`, alert = `CreatedTime`, resolved = `ClosedTime`.
//! `FirstModifiedTime` is the first triage, not containment, and Sentinel has no containment
//! time: contained is empty. Verdict from `Classification` (`Undetermined` = untriaged).

use std::borrow::Cow;

use serde::Deserialize;

use super::{Draft, Log, Order, read_csv, squash};
use crate::core::csv::Header;
use crate::core::diagnostics::Location;
use crate::core::formats::{ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str};
use crate::core::model::Verdict;
use crate::core::severity::severity_word;
use crate::core::sniff::{Node, Sniff};

/// The columns read, as the schema names them.
const COLUMNS: [&str; 12] = [
    "IncidentName",
    "IncidentNumber",
    "Title",
    "Severity",
    "Status",
    "Classification",
    "ProviderName",
    "CreatedTime",
    "FirstActivityTime",
    "ClosedTime",
    "LastModifiedTime",
    "TimeGenerated",
];

pub fn is_header(header: &Header) -> bool {
    header.has("incidentnumber") && header.has("createdtime")
}

pub fn is_json(sniff: &Sniff) -> bool {
    let row = |n: &Node| n.has("IncidentNumber") && n.has("CreatedTime");
    if sniff.record().is_some_and(row) {
        return true;
    }
    // The API's tables: the column names lie deeper than the skim records, so look for the
    // column in the skimmed text itself.
    let table = sniff.value.get("tables").and_then(Node::first);
    table.is_some_and(|t| t.has("columns") && t.has("rows"))
        && sniff.head.contains("\"IncidentNumber\"")
}

fn row(log: &mut Log, header: &Header, cells: &[Cow<str>], at: &Location, order: Order) {
    let get = |name: &str| header.get(cells, name);
    let classification = squash(get("classification").unwrap_or(""));
    let verdict = match classification.as_str() {
        "truepositive" => Verdict::TruePositive,
        "benignpositive" => Verdict::BenignPositive,
        "falsepositive" => Verdict::FalsePositive,
        _ => Verdict::Untriaged,
    };
    let status = get("status").unwrap_or("");
    let severity = get("severity").unwrap_or("");
    let modified = log.time(get("lastmodifiedtime"), order, at, "LastModifiedTime");
    let generated = log.time(get("timegenerated"), order, at, "TimeGenerated");
    let number = get("incidentnumber").unwrap_or("");
    let (id, number) = match get("incidentname") {
        Some(guid) => (guid, number),
        None => (number, ""),
    };
    let draft = Draft {
        id,
        number,
        title: get("title").unwrap_or(""),
        severity: Some(severity_word(severity)),
        severity_raw: severity,
        source: get("providername").unwrap_or(""),
        event_time: log.time(get("firstactivitytime"), order, at, "FirstActivityTime"),
        alert_time: log.time(get("createdtime"), order, at, "CreatedTime"),
        contained_time: None,
        resolved_time: log.time(get("closedtime"), order, at, "ClosedTime"),
        verdict: Some(verdict),
        closed: squash(status) == "closed",
        status_raw: status,
        updated: modified.or(generated),
    };
    log.add(draft, at);
}

fn finish(mut log: Log) -> Result<Parsed, ParseError> {
    log.note = Some(
        "Sentinel records no containment time (FirstModifiedTime is triage): MTTR gets nothing \
         from it; time to resolve uses ClosedTime"
            .into(),
    );
    log.finish("Sentinel export")
}

pub fn parse_csv(text: &str) -> Result<Parsed, ParseError> {
    let mut log = Log::new("Microsoft Sentinel", "sentinel");
    let (header, records) = read_csv(text, &mut log);
    let (order, guessed) = Order::of(records.iter().flat_map(|r| {
        [
            "createdtime",
            "lastmodifiedtime",
            "closedtime",
            "timegenerated",
        ]
        .into_iter()
        .filter_map(|c| header.get(&r.cells, c))
    }));
    if guessed {
        log.warn(Order::guessed(), Location::default());
    }
    for record in &records {
        row(
            &mut log,
            &header,
            &record.cells,
            &super::line(record.line),
            order,
        );
    }
    finish(log)
}

/// A row of `az monitor log-analytics query` output.
#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Object<'a> {
    #[serde(borrow, default)]
    IncidentName: MaybeStr<'a>,
    #[serde(borrow, default)]
    IncidentNumber: MaybeStr<'a>,
    #[serde(borrow, default)]
    Title: MaybeStr<'a>,
    #[serde(borrow, default)]
    Severity: MaybeStr<'a>,
    #[serde(borrow, default)]
    Status: MaybeStr<'a>,
    #[serde(borrow, default)]
    Classification: MaybeStr<'a>,
    #[serde(borrow, default)]
    ProviderName: MaybeStr<'a>,
    #[serde(borrow, default)]
    CreatedTime: MaybeStr<'a>,
    #[serde(borrow, default)]
    FirstActivityTime: MaybeStr<'a>,
    #[serde(borrow, default)]
    ClosedTime: MaybeStr<'a>,
    #[serde(borrow, default)]
    LastModifiedTime: MaybeStr<'a>,
    #[serde(borrow, default)]
    TimeGenerated: MaybeStr<'a>,
}

impl<'a> Object<'a> {
    /// The cells in [`COLUMNS`] order.
    fn cells(&self) -> Vec<Cow<'a, str>> {
        [
            &self.IncidentName,
            &self.IncidentNumber,
            &self.Title,
            &self.Severity,
            &self.Status,
            &self.Classification,
            &self.ProviderName,
            &self.CreatedTime,
            &self.FirstActivityTime,
            &self.ClosedTime,
            &self.LastModifiedTime,
            &self.TimeGenerated,
        ]
        .into_iter()
        .map(|v| v.0.clone().map_or(Cow::Borrowed(""), |s| s.0))
        .collect()
    }
}

#[derive(Deserialize)]
struct Tables<'a> {
    #[serde(borrow)]
    tables: Vec<Table<'a>>,
}

#[derive(Deserialize)]
struct Table<'a> {
    #[serde(borrow)]
    columns: Vec<Column<'a>>,
    #[serde(borrow)]
    rows: Vec<Vec<MaybeStr<'a>>>,
}

#[derive(Deserialize)]
struct Column<'a> {
    #[serde(borrow)]
    name: Str<'a>,
}

pub fn parse_json(text: &str) -> Result<Parsed, ParseError> {
    let mut log = Log::new("Microsoft Sentinel", "sentinel");
    // JSON times are ISO 8601; the order only matters for exports in a locale's format.
    let order = Order::MonthFirst;
    if text.trim_start().starts_with('[') {
        let objects: Vec<Object> = json::parse(text)?;
        let header = Header::new(&COLUMNS.map(Cow::Borrowed));
        log.records = objects.len() as u64;
        for (i, object) in objects.iter().enumerate() {
            row(
                &mut log,
                &header,
                &object.cells(),
                &Location::path(format!("[{i}]")),
                order,
            );
        }
    } else {
        let tables: Tables = json::parse(text)?;
        for (t, table) in tables.tables.iter().enumerate() {
            let names: Vec<Cow<str>> = table.columns.iter().map(|c| c.name.0.clone()).collect();
            let header = Header::new(&names);
            log.records += table.rows.len() as u64;
            for (i, cells) in table.rows.iter().enumerate() {
                let cells: Vec<Cow<str>> = cells
                    .iter()
                    .map(|v| {
                        v.0.as_ref()
                            .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.as_str()))
                    })
                    .collect();
                let at = Location::path(format!("tables[{t}].rows[{i}]"));
                row(&mut log, &header, &cells, &at, order);
            }
        }
    }
    finish(log)
}

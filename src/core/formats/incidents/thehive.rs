//! TheHive cases as its API returns them: TheHive 4's `GET /api/case` (`caseId`, `createdAt`,
//! `status` Open/Resolved/Duplicated, `resolutionStatus`) and TheHive 5's `/api/v1/query`
//! (`number`, `_createdAt`, `stage` New/InProgress/Closed, `status` = the closure:
//! TruePositive, FalsePositive, Indeterminate, Other, Duplicated). Times are epoch milliseconds.
//!
//! id = `_id` (else `id`), unique in the instance; the case number counts per organisation, so
//! it only leads the title (`#7 Title`), and is the id when there is no `_id`. event = `startDate` (when it happened, as the analyst set it); alert =
//! creation; resolved = `endDate`. TheHive has no containment time (`inProgressDate` is when
//! work began, not containment): contained is empty. Severity 1–4 = low, medium, high, critical.

use serde::Deserialize;

use super::{Draft, Log, Order, squash};
use crate::core::diagnostics::Location;
use crate::core::formats::{ParseError, Parsed};
use crate::core::json::{self, MaybeStr};
use crate::core::model::{Severity, Verdict};
use crate::core::sniff::Sniff;

pub fn is_json(sniff: &Sniff) -> bool {
    sniff.record().is_some_and(|r| {
        r.has("title") && r.has("startDate") && (r.has("caseId") || r.has("number"))
    })
}

/// A case, with the fields Posture reads under both versions' names. Both `_id` and `id` may be
/// present (TheHive 4 writes both), so they are separate fields, not aliases.
#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Case<'a> {
    #[serde(borrow, default)]
    _id: MaybeStr<'a>,
    #[serde(borrow, default)]
    id: MaybeStr<'a>,
    #[serde(borrow, default)]
    number: MaybeStr<'a>,
    #[serde(borrow, default)]
    caseId: MaybeStr<'a>,
    #[serde(borrow, default)]
    title: MaybeStr<'a>,
    #[serde(borrow, default)]
    severity: MaybeStr<'a>,
    #[serde(borrow, default)]
    startDate: MaybeStr<'a>,
    #[serde(borrow, default)]
    _createdAt: MaybeStr<'a>,
    #[serde(borrow, default)]
    createdAt: MaybeStr<'a>,
    #[serde(borrow, default)]
    endDate: MaybeStr<'a>,
    #[serde(borrow, default)]
    _updatedAt: MaybeStr<'a>,
    #[serde(borrow, default)]
    updatedAt: MaybeStr<'a>,
    #[serde(borrow, default)]
    status: MaybeStr<'a>,
    #[serde(borrow, default)]
    stage: MaybeStr<'a>,
    #[serde(borrow, default)]
    resolutionStatus: MaybeStr<'a>,
}

fn severity(raw: &str) -> Severity {
    match raw {
        "1" => Severity::Low,
        "2" => Severity::Medium,
        "3" => Severity::High,
        "4" => Severity::Critical,
        _ => Severity::Unknown,
    }
}

fn verdict(word: &str) -> Option<Verdict> {
    match squash(word).as_str() {
        "truepositive" => Some(Verdict::TruePositive),
        "falsepositive" => Some(Verdict::FalsePositive),
        "duplicated" | "duplicate" => Some(Verdict::Duplicate),
        _ => None,
    }
}

pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let cases: Vec<Case> = json::parse(text)?;
    let mut log = Log::new("TheHive", "thehive");
    log.records = cases.len() as u64;
    let order = Order::MonthFirst;
    for (i, case) in cases.iter().enumerate() {
        let at = Location::path(format!("[{i}]"));
        let status = case.status.non_empty().unwrap_or("");
        let stage = case.stage.non_empty().unwrap_or("");
        let resolution = case.resolutionStatus.non_empty().unwrap_or("");
        // TheHive 5 writes the closure in `status`; TheHive 4 in `resolutionStatus`.
        let verdict = verdict(resolution)
            .or_else(|| verdict(status))
            .unwrap_or(Verdict::Untriaged);
        let end = log.time(case.endDate.non_empty(), order, &at, "endDate");
        let open_words = ["open", "new", "inprogress"];
        let closed = match squash(stage).as_str() {
            "" => {
                !open_words.contains(&squash(status).as_str())
                    && (end.is_some() || !status.is_empty())
            }
            stage => stage == "closed",
        };
        let created = case._createdAt.non_empty().or(case.createdAt.non_empty());
        let updated = case._updatedAt.non_empty().or(case.updatedAt.non_empty());
        let raw_severity = case.severity.non_empty().unwrap_or("");
        let number = case.number.non_empty().or(case.caseId.non_empty());
        let (id, number) = match case._id.non_empty().or(case.id.non_empty()) {
            Some(key) => (key, number.unwrap_or("")),
            None => (number.unwrap_or(""), ""),
        };
        let draft = Draft {
            id,
            number,
            title: case.title.non_empty().unwrap_or(""),
            severity: Some(severity(raw_severity)),
            severity_raw: raw_severity,
            source: "",
            event_time: log.time(case.startDate.non_empty(), order, &at, "startDate"),
            alert_time: log.time(created, order, &at, "createdAt"),
            contained_time: None,
            resolved_time: end,
            verdict: Some(verdict),
            closed,
            status_raw: if stage.is_empty() { status } else { stage },
            updated: log.time(updated, order, &at, "updatedAt"),
        };
        log.add(draft, &at);
    }
    log.note = Some("TheHive records no containment time: MTTR gets nothing from it".into());
    log.finish("TheHive export")
}

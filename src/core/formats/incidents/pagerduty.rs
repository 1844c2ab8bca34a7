//! PagerDuty incidents CSV: the incidents list's "Export CSV" and Analytics' raw incident data
//! (`created_at`, `resolved_at`, `updated_at`, `priority_name`), and the older export's
//! `created_on`, `resolved_on`. Column names are compared without case or spaces, so `Created At`
//! is `created_at`.
//!
//! id = `id` (else `incident_number`); alert = created; resolved = resolved, else created +
//! `seconds_to_resolve`. PagerDuty records when an incident was triggered, not when the activity
//! behind it began, and has no containment or verdict: event and contained times are empty (MTTD
//! and MTTR get nothing from it; time to resolve does) and every incident is untriaged.

use super::{Draft, Log, Order, read_csv, squash};
use crate::core::csv::Header;
use crate::core::formats::{ParseError, Parsed};
use crate::core::model::{Severity, Verdict};
use crate::core::time::Timestamp;

pub fn is_header(header: &Header) -> bool {
    header.has("incident_number") && (header.has("created_at") || header.has("created_on"))
}

fn severity(priority: &str, urgency: &str) -> Severity {
    super::p_level(priority).unwrap_or(match squash(urgency).as_str() {
        "high" => Severity::High,
        "low" => Severity::Low,
        _ => Severity::Unknown,
    })
}

pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut log = Log::new("PagerDuty", "pagerduty");
    let (header, records) = read_csv(text, &mut log);
    let order = Order::MonthFirst;
    for record in &records {
        let get = |name: &str| header.get(&record.cells, name);
        let at = super::line(record.line);
        // Analytics' `*_at` or the older export's `*_on`, named as the file names it.
        let either = |a: &'static str, b: &'static str| match get(a) {
            Some(v) => (Some(v), a),
            None => (get(b), b),
        };
        let (created, column) = either("created_at", "created_on");
        let alert_time = log.time(created, order, &at, column);
        let (resolved, column) = either("resolved_at", "resolved_on");
        let resolved_time = log.time(resolved, order, &at, column).or_else(|| {
            let seconds: f64 = get("seconds_to_resolve")?.parse().ok()?;
            let start = alert_time?;
            // At most a century: anything longer is not a duration PagerDuty measured.
            (0.0..=3.2e9)
                .contains(&seconds)
                .then(|| Timestamp(start.0.saturating_add((seconds * 1000.0) as i64)))
        });
        let status = get("status").unwrap_or("");
        let priority = get("priority_name")
            .or_else(|| get("priority"))
            .unwrap_or("");
        let urgency = get("urgency").unwrap_or("");
        let draft = Draft {
            id: get("id").or_else(|| get("incident_number")).unwrap_or(""),
            number: "",
            title: get("title").or_else(|| get("description")).unwrap_or(""),
            severity: Some(severity(priority, urgency)),
            severity_raw: if priority.is_empty() {
                urgency
            } else {
                priority
            },
            source: get("service_name").unwrap_or(""),
            event_time: None,
            alert_time,
            contained_time: None,
            resolved_time,
            verdict: Some(Verdict::Untriaged),
            closed: squash(status) == "resolved" || (status.is_empty() && resolved_time.is_some()),
            status_raw: status,
            updated: log.time(get("updated_at"), order, &at, "updated_at"),
        };
        log.add(draft, &at);
    }
    log.note = Some(
        "PagerDuty records no event or containment time, and no verdict: MTTD, MTTR and the \
         false-positive rate get nothing from it"
            .into(),
    );
    log.finish("PagerDuty export")
}

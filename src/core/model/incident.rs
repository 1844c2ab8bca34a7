//! Incidents: records keyed by id, with the times that MTTD and MTTR are made of. The same
//! incident in two files (or two rows of one change log) is one incident: the latest record wins.

use super::{Severity, Text, Tool};
use crate::core::time::Timestamp;

/// What triage concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// A real threat.
    TruePositive,
    /// A real detection of something allowed (a pen test, an admin at work): not a false alarm.
    BenignPositive,
    /// The alert was wrong.
    FalsePositive,
    /// The same incident as another one: counted there.
    Duplicate,
    /// Nobody has decided yet (or decided "undetermined").
    Untriaged,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::TruePositive,
        Verdict::BenignPositive,
        Verdict::FalsePositive,
        Verdict::Duplicate,
        Verdict::Untriaged,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Verdict::TruePositive => "true positive",
            Verdict::BenignPositive => "benign positive",
            Verdict::FalsePositive => "false positive",
            Verdict::Duplicate => "duplicate",
            Verdict::Untriaged => "untriaged",
        }
    }

    /// Whether someone reviewed it and said whether it was a false alarm.
    pub fn reviewed(self) -> bool {
        matches!(
            self,
            Verdict::TruePositive | Verdict::BenignPositive | Verdict::FalsePositive
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// The tracker's unique id: `SEC-12`, PagerDuty's `Q1ABCD`, Sentinel's IncidentName (a GUID;
    /// its number, unique only in one workspace, leads the title), TheHive's `_id`.
    pub id: Text,
    pub title: Text,
    pub severity: Severity,
    /// The severity or priority exactly as the tracker wrote it.
    pub severity_raw: Text,
    /// The tool or service that raised it, when the record says.
    pub source: Text,
    /// When the malicious activity began.
    pub event_time: Option<Timestamp>,
    /// When it was detected: the alert or the incident's creation.
    pub alert_time: Option<Timestamp>,
    /// When it was contained (acknowledged or in progress, for trackers without containment).
    pub contained_time: Option<Timestamp>,
    pub resolved_time: Option<Timestamp>,
    pub verdict: Verdict,
    /// Closed or resolved, as opposed to open or in progress.
    pub closed: bool,
    pub status_raw: Text,
    /// When this record was written: decides which of two records of one incident wins.
    pub updated: Option<Timestamp>,
}

impl Incident {
    fn hours(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<f64> {
        Some((to?.0 - from?.0) as f64 / 3_600_000.0).filter(|h| *h >= 0.0)
    }

    /// alert − event, in hours: time to detect.
    pub fn detect_hours(&self) -> Option<f64> {
        Incident::hours(self.event_time, self.alert_time)
    }

    /// contained − alert, in hours: time to respond.
    pub fn respond_hours(&self) -> Option<f64> {
        Incident::hours(self.alert_time, self.contained_time)
    }

    /// resolved − alert, in hours: what PagerDuty, Sentinel and GitHub call MTTR.
    pub fn resolve_hours(&self) -> Option<f64> {
        Incident::hours(self.alert_time, self.resolved_time)
    }
}

/// One file's incident records.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentLog {
    pub format: &'static str,
    pub tool: Tool,
    /// The tracker the ids belong to ("jira", "pagerduty"…): ids are only unique within one.
    pub system: &'static str,
    /// One record per incident id, the latest of the file's.
    pub incidents: Vec<Incident>,
    /// Rows or records read.
    pub records: u64,
    pub note: Option<String>,
}

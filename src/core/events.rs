//! Every loaded event log, merged: logs add up, and the same event read twice counts once.
//!
//! Unlike snapshots, logs never supersede one another and an event missing from a later file
//! is not "fixed": the merged log is the union of the files, deduplicated by each event's key
//! (an audit ID, a CloudTrail event ID, a hash of an alert's time, rule and output), in time
//! order so that a window of time is two binary searches away.

use super::evidence::Window;
use super::hash::FxHashSet;
use super::model::{Event, EventKind, EventLog, SourceKind};

/// One loaded log and the name of its file.
#[derive(Clone, Copy, Debug)]
pub struct LogItem<'a> {
    pub name: &'a str,
    pub log: &'a EventLog,
}

pub struct Events<'a> {
    pub logs: &'a [LogItem<'a>],
    /// Distinct events, oldest first, each with the index of the log that gave it first.
    pub all: Vec<(&'a Event, usize)>,
    /// Events seen again in another file (or twice in one), counted once.
    pub duplicates: usize,
}

impl<'a> Events<'a> {
    pub fn new(logs: &'a [LogItem<'a>]) -> Events<'a> {
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let mut all = Vec::with_capacity(logs.iter().map(|l| l.log.events.len()).sum());
        let mut duplicates = 0;
        for (i, item) in logs.iter().enumerate() {
            for event in &item.log.events {
                if seen.insert(event.key) {
                    all.push((event, i));
                } else {
                    duplicates += 1;
                }
            }
        }
        // Stable: events at the same instant keep file order.
        all.sort_by_key(|(e, _)| e.at);
        Events {
            logs,
            all,
            duplicates,
        }
    }

    /// Events in a window, oldest first.
    pub fn within(&self, window: Window) -> &[(&'a Event, usize)] {
        let start = self.all.partition_point(|(e, _)| e.at < window.from);
        let end = self.all.partition_point(|(e, _)| e.at <= window.to);
        &self.all[start..end.max(start)]
    }

    /// Events of one kind in a window.
    pub fn of_kind(&self, kind: EventKind, window: Window) -> impl Iterator<Item = &'a Event> + '_ {
        self.within(window)
            .iter()
            .filter(move |(e, _)| e.kind == kind)
            .map(|(e, _)| *e)
    }

    /// Whether any loaded log is of one of these kinds: a KPI with such a log has a value, even
    /// a zero, rather than "no data".
    pub fn has(&self, kinds: &[SourceKind]) -> bool {
        // A log of no records (a CloudTrail digest) says nothing about anything.
        self.logs
            .iter()
            .any(|l| kinds.contains(&l.log.kind) && l.log.records > 0)
    }

    /// The names of the files of these kinds whose span meets the window, in load order.
    pub fn inputs(&self, kinds: &[SourceKind], window: Window) -> Vec<String> {
        self.logs
            .iter()
            .filter(|l| kinds.contains(&l.log.kind) && overlaps(l.log, window))
            .map(|l| l.name.to_string())
            .collect()
    }

    /// What the logs of these kinds cover: their earliest and latest records.
    pub fn coverage(&self, kinds: &[SourceKind]) -> Option<Window> {
        let logs = self.logs.iter().filter(|l| kinds.contains(&l.log.kind));
        let from = logs.clone().filter_map(|l| l.log.first).min()?;
        let to = logs.filter_map(|l| l.log.last).max()?;
        Some(Window { from, to })
    }
}

/// Whether a log's records reach into a window (a log with no timed record does not).
fn overlaps(log: &EventLog, window: Window) -> bool {
    match (log.first, log.last) {
        (Some(first), Some(last)) => first <= window.to && last >= window.from,
        _ => false,
    }
}

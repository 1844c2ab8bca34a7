//! What every parser does the same way: collect findings with shared strings, tell identical
//! findings apart, and note warnings with where they apply.

use std::collections::HashMap;

use crate::core::diagnostics::{CappedWarnings, Location, Warning};
use crate::core::hash::FxHashSet;
use crate::core::model::{
    Category, Event, EventKind, EventLog, Finding, Fingerprint, Interner, Package, Severity,
    Status, ThreatCategory,
};
use crate::core::time::Timestamp;

/// A finding as a parser sees it: text borrowed from the file, shared once collected.
pub struct NewFinding<'a> {
    pub category: Category,
    pub severity: Severity,
    pub severity_raw: &'a str,
    pub rule_id: &'a str,
    pub title: &'a str,
    pub location: &'a str,
    /// Name, installed version, fixed version.
    pub package: Option<(&'a str, Option<&'a str>, Option<&'a str>)>,
    pub status: Status,
    pub fingerprint: Fingerprint,
}

#[derive(Default)]
pub struct Collector {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    strings: Interner,
    /// How often an identity was seen, to tell identical findings apart.
    seen: HashMap<Fingerprint, u32>,
}

impl Collector {
    pub fn warn(&mut self, message: impl Into<String>, path: &str) {
        self.warnings.push(Warning::new(
            message,
            if path.is_empty() {
                Location::default()
            } else {
                Location::path(path)
            },
        ));
    }

    /// The snapshot time a file gives at `path`; a value that is not RFC 3339 is warned about,
    /// and the file's modification time will be used instead.
    pub fn taken_at(&mut self, raw: Option<&str>, path: &str) -> Option<Timestamp> {
        let raw = raw?;
        let parsed = Timestamp::parse_rfc3339(raw);
        if parsed.is_none() {
            self.warn(
                format!("{path} {raw:?} is not an RFC 3339 time; the file's time is used"),
                path,
            );
        }
        parsed
    }

    pub fn add(&mut self, f: NewFinding) {
        let strings = &mut self.strings;
        self.findings.push(Finding {
            category: f.category,
            severity: f.severity,
            severity_raw: strings.text(f.severity_raw),
            rule_id: strings.text(f.rule_id),
            title: strings.text(if f.title.is_empty() {
                f.rule_id
            } else {
                f.title
            }),
            location: strings.text(f.location),
            package: f.package.map(|(name, installed, fixed)| Package {
                name: strings.text(name),
                installed: installed.map(|v| strings.text(v)),
                fixed: fixed.map(|v| strings.text(v)),
            }),
            status: f.status,
            reported: f.status,
            decision: None,
            fingerprint: f.fingerprint,
        });
    }

    /// A fingerprint for `parts`, numbered when the same parts occur again in this file: two
    /// identical misconfigurations or secrets stay two findings.
    pub fn distinct(&mut self, parts: &[&str]) -> Fingerprint {
        let base = Fingerprint::of(parts);
        let seen = self.seen.entry(base).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            base
        } else {
            Fingerprint::of(&[&base.0.to_string(), &seen.to_string()])
        }
    }
}

/// An event as a parser sees it: text borrowed from the file, shared once collected.
pub struct NewEvent<'a> {
    pub at: Timestamp,
    pub kind: EventKind,
    pub actor: &'a str,
    pub target: &'a str,
    pub scope: &'a str,
    pub rule: &'a str,
    pub detail: &'a str,
    pub priority: Severity,
    pub category: Option<ThreatCategory>,
    pub tags: &'a [&'a str],
    pub key: Fingerprint,
}

/// Collects a log's events: shared strings, one event per key (two stages of one request, an
/// alert relayed twice), every record's time widening the span.
pub struct EventCollector {
    pub log: EventLog,
    /// Open to a parser whose warnings carry a full location (CloudTrail's JSON paths).
    pub warnings: CappedWarnings,
    strings: Interner,
    seen: FxHashSet<u64>,
}

impl EventCollector {
    pub fn new(log: EventLog) -> EventCollector {
        EventCollector {
            log,
            warnings: CappedWarnings::default(),
            strings: Interner::default(),
            seen: FxHashSet::default(),
        }
    }

    /// A record was read (kept or not), at this time if it has one.
    pub fn record(&mut self, at: Option<Timestamp>) {
        self.log.records += 1;
        if let Some(at) = at {
            self.log.saw(at);
        }
    }

    /// Keeps an event unless its key was seen before in this file.
    pub fn add(&mut self, e: NewEvent) {
        if !self.seen.insert(e.key.0) {
            return;
        }
        let strings = &mut self.strings;
        self.log.events.push(Event {
            at: e.at,
            kind: e.kind,
            actor: strings.text(e.actor),
            target: strings.text(e.target),
            scope: strings.text(e.scope),
            rule: strings.text(e.rule),
            detail: strings.text(e.detail),
            priority: e.priority,
            category: e.category,
            tags: e.tags.iter().map(|t| strings.text(t)).collect(),
            key: e.key.0,
        });
    }

    /// A warning about the record on `line` (0 when the records are not lines); capped.
    pub fn warn(&mut self, message: impl Into<String>, line: usize) {
        let location = Location {
            line: (line > 0).then_some(line),
            ..Location::default()
        };
        self.warnings.push(message, location);
    }

    /// A warning with a full location (line, column, JSON path), kept whatever the count: a
    /// document breaks once.
    pub fn warn_at(&mut self, message: impl Into<String>, location: Location) {
        self.warnings.push_always(message, location);
    }

    /// The warnings, with one that counts those not kept.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings).finish("records skipped for the same kinds of reasons")
    }
}

//! How each type of the model is written: fieldless enums as their place, structs field by
//! field, format ids as their place in the registry, and the few shapes written by hand; and
//! `layout`, all of it as text, which a test pins.

use super::{INCIDENT_SYSTEMS, Reader, Wire, Writer};
use crate::core::diagnostics::{ErrorKind, FileError, Location, Warning};
use crate::core::formats::FORMATS;
use crate::core::model::{
    Asset, AssetKind, ByFingerprint, Category, Checks, Coverage, Decision, DecisionLog, Event,
    EventKind, EventLog, Finding, Fingerprint, Incident, IncidentLog, Inventory, Measurements,
    Package, PassFail, Point, PolicyScope, Severity, Snapshot, SourceKind, Status, Target,
    ThreatCategory, Tool, Triage, Verdict,
};

/// Fieldless enums, as their place in `ALL` (a test checks that it is their discriminant).
macro_rules! wire_enums {
    ($($t:ty),* $(,)?) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                w.byte(*self as u8);
            }
            fn get(r: &mut Reader) -> Option<Self> {
                <$t>::ALL.get(usize::from(r.byte()?)).copied()
            }
        }
    )*};
}

wire_enums!(
    Severity,
    Category,
    Status,
    Triage,
    AssetKind,
    SourceKind,
    EventKind,
    ThreatCategory,
    Verdict,
);

/// Structs, field by field in the order given (which must name every field: the literal in
/// `get` does not compile otherwise).
macro_rules! wire_structs {
    ($($t:ident { $($field:ident),* $(,)? })*) => {
        /// The structs' fields in the order written, for [`layout`].
        const STRUCTS: &str = concat!($(stringify!($t { $($field),* }), "\n"),*);
        $(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                $(self.$field.put(w);)*
            }
            fn get(r: &mut Reader) -> Option<Self> {
                Some($t { $($field: Wire::get(r)?,)* })
            }
        }
    )*};
}

wire_structs! {
    Tool { name, version }
    Asset { kind, name }
    PassFail { passed, failed }
    Checks { framework, passed, failed, warned, errored, skipped }
    PolicyScope { constraint, kinds, namespaces, excluded_namespaces, violations }
    Package { name, installed, fixed }
    Finding {
        category, severity, severity_raw, rule_id, title, location, package, status, reported,
        decision, fingerprint
    }
    Event { at, kind, actor, target, scope, rule, detail, priority, category, tags, key }
    Location { line, column, path }
    Warning { message, location }
    Snapshot {
        format, tool, asset, reference, taken_at, covers, by_fingerprint, findings, iac_checks,
        compliance, cloud_resources, policy_violations, policy_scopes, note
    }
    EventLog { format, tool, source, kind, events, records, first, last, note }
    Incident {
        id, title, severity, severity_raw, source, event_time, alert_time, contained_time,
        resolved_time, verdict, closed, status_raw, updated
    }
    Point { at, metric, value, source }
    Measurements { format, tool, points, records }
    Inventory { format, tool, objects, records }
    Target { category, rules, packages, assets, fingerprint, exact_assets }
    Decision { target, triage, reason, expires, decided_at, author }
    DecisionLog { format, tool, decisions, written_at, undecided, records }
}

/// By hand: its tracker is written as its place in [`INCIDENT_SYSTEMS`], not `FORMATS`.
impl Wire for IncidentLog {
    fn put(&self, w: &mut Writer) {
        self.format.put(w);
        self.tool.put(w);
        let system = INCIDENT_SYSTEMS.iter().position(|s| *s == self.system);
        w.varint(system.map_or(u64::MAX, |at| at as u64));
        self.incidents.put(w);
        self.records.put(w);
        self.note.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(IncidentLog {
            format: Wire::get(r)?,
            tool: Wire::get(r)?,
            system: INCIDENT_SYSTEMS.get(usize::try_from(r.varint()?).ok()?)?,
            incidents: Wire::get(r)?,
            records: Wire::get(r)?,
            note: Wire::get(r)?,
        })
    }
}

impl Wire for FileError {
    fn put(&self, w: &mut Writer) {
        self.file.put(w);
        self.format.put(w);
        self.kind.put(w);
        self.location.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(FileError {
            file: Wire::get(r)?,
            format: Wire::get(r)?,
            kind: Wire::get(r)?,
            location: Wire::get(r)?,
        })
    }
}

impl Wire for ErrorKind {
    fn put(&self, w: &mut Writer) {
        match self {
            ErrorKind::Empty => w.byte(0),
            ErrorKind::Binary { offset } => {
                w.byte(1);
                offset.put(w);
            }
            ErrorKind::NotJson { detail } => {
                w.byte(2);
                detail.put(w);
            }
            ErrorKind::Syntax { detail } => {
                w.byte(3);
                detail.put(w);
            }
            ErrorKind::Truncated => w.byte(4),
            ErrorKind::Shape { detail } => {
                w.byte(5);
                detail.put(w);
            }
            ErrorKind::NotRecognised { supported } => {
                w.byte(6);
                supported.put(w);
            }
            ErrorKind::NotReadYet { tool } => {
                w.byte(7);
                tool.put(w);
            }
            ErrorKind::Unsupported { detail } => {
                w.byte(8);
                detail.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => ErrorKind::Empty,
            1 => ErrorKind::Binary {
                offset: Wire::get(r)?,
            },
            2 => ErrorKind::NotJson {
                detail: Wire::get(r)?,
            },
            3 => ErrorKind::Syntax {
                detail: Wire::get(r)?,
            },
            4 => ErrorKind::Truncated,
            5 => ErrorKind::Shape {
                detail: Wire::get(r)?,
            },
            6 => ErrorKind::NotRecognised {
                supported: Wire::get(r)?,
            },
            7 => ErrorKind::NotReadYet {
                tool: Wire::get(r)?,
            },
            8 => ErrorKind::Unsupported {
                detail: Wire::get(r)?,
            },
            _ => return None,
        })
    }
}

/// What this encoding writes, as text: every struct's fields in order, every enum's variants
/// in order, the registry's formats and the trackers, and the shapes written by hand. A test
/// pins its digest: when it changes, so does what a summary means, and
/// [`ENCODING`](super::ENCODING) is raised.
pub fn layout() -> String {
    fn names<T: std::fmt::Debug>(all: &[T]) -> String {
        let names: Vec<String> = all.iter().map(|v| format!("{v:?}")).collect();
        names.join(",") + "\n"
    }
    let formats: Vec<&str> = FORMATS.iter().map(|f| f.id).collect();
    [
        STRUCTS.to_string(),
        names(&Severity::ALL),
        names(&Category::ALL),
        names(&Status::ALL),
        names(&Triage::ALL),
        names(&AssetKind::ALL),
        names(&SourceKind::ALL),
        names(&EventKind::ALL),
        names(&ThreatCategory::ALL),
        names(&Verdict::ALL),
        formats.join(",") + "\n",
        INCIDENT_SYSTEMS.join(",") + "\n",
        // By hand, below and above.
        "IncidentLog { format, tool, system, incidents, records, note }\n\
         FileError { file, format, kind, location }\n\
         ErrorKind Empty, Binary offset, NotJson detail, Syntax detail, Truncated, Shape detail, \
         NotRecognised supported, NotReadYet tool, Unsupported detail\n\
         Evidence Findings, Events, Incidents, Measurements, Inventory, Decisions\n\
         Outcome Ok Parsed { evidence, warnings }, Err FileError\n\
         Carried { parsed, digest, size }\n\
         Text new or again; Fingerprint 8 bytes; f64 bits; Timestamp zigzag; Coverage 2 bytes\n"
            .to_string(),
    ]
    .concat()
    // The compiler's `stringify!` breaks lines as it likes: only the words count.
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

/// A format id (`Snapshot::format`, `EventLog::format`), as its place in the registry; one
/// not in it is written as a place that reads as nothing.
impl Wire for &'static str {
    fn put(&self, w: &mut Writer) {
        let at = FORMATS.iter().position(|f| f.id == *self);
        w.varint(at.map_or(u64::MAX, |at| at as u64));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let at = usize::try_from(r.varint()?).ok()?;
        Some(FORMATS.get(at)?.id)
    }
}

/// The findings' order by fingerprint is made again when first needed, not carried.
impl Wire for ByFingerprint {
    fn put(&self, _: &mut Writer) {}
    fn get(_: &mut Reader) -> Option<Self> {
        Some(ByFingerprint::default())
    }
}

impl Wire for Fingerprint {
    fn put(&self, w: &mut Writer) {
        // Hashes use every bit: eight bytes, not a varint of up to ten.
        w.bytes.extend_from_slice(&self.0.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Fingerprint(u64::from_le_bytes(r.eight()?)))
    }
}

impl Wire for Coverage {
    fn put(&self, w: &mut Writer) {
        let (sure, assumed) = self.bits();
        w.byte(sure);
        w.byte(assumed);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Coverage::from_bits(r.byte()?, r.byte()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_is_written_as_its_place_in_all() {
        macro_rules! check {
            ($($t:ty),*) => {$(
                for (i, value) in <$t>::ALL.iter().enumerate() {
                    assert_eq!(*value as usize, i, "{}", stringify!($t));
                }
            )*};
        }
        check!(
            Severity,
            Category,
            Status,
            Triage,
            AssetKind,
            SourceKind,
            EventKind,
            ThreatCategory,
            Verdict
        );
    }
}

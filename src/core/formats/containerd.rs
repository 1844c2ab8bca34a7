//! containerd's event stream as `ctr events` (or `ctr -n k8s.io events`) prints it: one line per
//! event, Go's `fmt.Println(e.Timestamp, e.Namespace, e.Topic, string(json))`, so
//! `2026-11-18 08:02:47.123456789 +0000 UTC k8s.io /tasks/exit {"container_id":"…",…}`. The time
//! is Go's `time.Time` printed as text: fraction trimmed of trailing zeros (or absent), any zone
//! (`+0200 CEST`, `-0300 -03`), and possibly a monotonic-clock suffix (`m=+0.001`).
//!
//! Kept: exec sessions (`/tasks/exec-added`, and `/tasks/exec-started` of the same exec counts
//! once: the key is the namespace, container and exec id), and task changes (`/tasks/start`,
//! `/tasks/exit` with its exit status, `/tasks/delete`, `/tasks/oom`). The exit of an exec's own
//! process (`id` other than the container's) ends a session already counted, not a task change.
//! Every other topic is counted as a record and not kept.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::collect::{EventCollector, NewEvent};
use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::{ErrorKind, Location};
use crate::core::json::{self, BadRecords, JsonError, Str, text};
use crate::core::model::{
    Asset, EventKind, EventLog, Evidence, Fingerprint, Severity, SourceKind, Tool,
};
use crate::core::sniff::{Shape, Sniff};
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "containerd-events",
    label: "containerd events (ctr events)",
    command: "`ctr events > events.log` (or `ctr -n k8s.io events`)",
    severity_mapping: "none: events have no severity",
    feeds: "container drift: exec sessions (`/tasks/exec-added`, `/tasks/exec-started`), task \
            changes (`/tasks/start`, `/tasks/exit` with its status, `/tasks/delete`, `/tasks/oom`)",
    kinds: &[SourceKind::ContainerEvents],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    sniff.shape == Shape::Text && header(sniff.first_line()).is_some()
}

/// The parts of a line before its JSON payload.
struct Header<'a> {
    at: Timestamp,
    namespace: &'a str,
    topic: &'a str,
    payload: &'a str,
    /// Byte offset of the payload in the line, for error columns.
    payload_at: usize,
}

/// Reads `<date> <time> <±hhmm> <zone> [m=±…] <namespace> /<topic> [payload]`.
fn header(line: &str) -> Option<Header<'_>> {
    let mut rest = line;
    let mut word = || {
        let (w, r) = rest.split_once(' ').unwrap_or((rest, ""));
        rest = r;
        w
    };
    let (date, time, offset, zone) = (word(), word(), word(), word());
    let mut namespace = word();
    if namespace.starts_with("m=") {
        namespace = word();
    }
    let topic = word();
    let at = go_time(date, time, offset)?;
    let identifier = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    let zone_ok = !zone.is_empty() && !zone.contains('/');
    if !zone_ok || !identifier(namespace) || topic.len() < 2 || !topic.starts_with('/') {
        return None;
    }
    Some(Header {
        at,
        namespace,
        topic,
        payload: rest.trim(),
        payload_at: line.len() - rest.len() + (rest.len() - rest.trim_start().len()),
    })
}

/// Go's `2006-01-02 15:04:05.999999999 -0700` as an instant.
fn go_time(date: &str, time: &str, offset: &str) -> Option<Timestamp> {
    let o = offset.as_bytes();
    let offset_ok =
        o.len() == 5 && matches!(o[0], b'+' | b'-') && o[1..].iter().all(u8::is_ascii_digit);
    if !offset_ok || time.len() < 8 {
        return None;
    }
    let rfc3339 = format!("{date}T{time}{}:{}", &offset[..3], &offset[3..]);
    Timestamp::parse_rfc3339(&rfc3339)
}

/// The fields of the task events used (others ignored).
#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(borrow)]
    container_id: Option<Str<'a>>,
    #[serde(borrow)]
    exec_id: Option<Str<'a>>,
    /// TaskExit and TaskDelete: the process, the container's own or an exec's.
    #[serde(borrow)]
    id: Option<Str<'a>>,
    exit_status: Option<u32>,
}

const EXEC: [&str; 2] = ["/tasks/exec-added", "/tasks/exec-started"];
const TASK: [&str; 4] = ["/tasks/start", "/tasks/exit", "/tasks/delete", "/tasks/oom"];

/// Why a line could not be read, at its line and column.
fn unreadable(kind: ErrorKind, line: usize, column: usize) -> JsonError {
    JsonError {
        kind,
        location: Location::at(line, column),
    }
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let log = EventLog::new(
        FORMAT.id,
        Tool {
            name: "containerd (ctr events)".into(),
            version: None,
        },
        // The events say nothing of the host.
        Asset::file(input.name),
        SourceKind::ContainerEvents,
    );
    let mut c = EventCollector::new(log);
    let mut bad = BadRecords::default();
    let mut read = 0;
    let lines: Vec<&str> = input.text.split('\n').collect();
    // A last line without its newline may have been cut while being written.
    let unfinished = !input.text.ends_with('\n');
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let last = unfinished && n == lines.len();
        // `ctr` writes a payload after every topic: a last line without one was cut short.
        let Some(h) = header(line).filter(|h| !(last && h.payload.is_empty())) else {
            let kind = if last {
                ErrorKind::Truncated
            } else {
                ErrorKind::Shape {
                    detail: "not a `ctr events` line (<date> <time> <offset> <zone> <namespace> \
                             /<topic> {…})"
                        .into(),
                }
            };
            bad.add(n, unreadable(kind, n, 1));
            continue;
        };
        let payload = if TASK.contains(&h.topic) || EXEC.contains(&h.topic) {
            match serde_json::from_str::<Payload>(h.payload) {
                Ok(p) => Some(p),
                Err(e) => {
                    let column = h.payload_at + e.column().max(1);
                    bad.add(n, unreadable(json::json_error(&e, None).kind, n, column));
                    continue;
                }
            }
        } else {
            // Not kept, but read: a cut or broken payload is still a line that was lost.
            if !h.payload.is_empty()
                && let Err(e) = serde_json::from_str::<IgnoredAny>(h.payload)
            {
                let column = h.payload_at + e.column().max(1);
                bad.add(n, unreadable(json::json_error(&e, None).kind, n, column));
                continue;
            }
            None
        };
        read += 1;
        c.record(Some(h.at));
        let Some(p) = payload else { continue };
        let Some(container) = text(&p.container_id) else {
            continue;
        };
        let process = text(&p.id).unwrap_or("");
        let (kind, rule, key) = if EXEC.contains(&h.topic) {
            let exec = text(&p.exec_id).unwrap_or("");
            let key = Fingerprint::of(&["containerd", "exec", h.namespace, container, exec]);
            (EventKind::ProcessExec, h.topic.to_string(), key)
        } else {
            // An exec's own process exiting or deleted ends its session: not a task change.
            let exec_process = !process.is_empty() && process != container;
            if matches!(h.topic, "/tasks/exit" | "/tasks/delete") && exec_process {
                continue;
            }
            let rule = match (h.topic, p.exit_status) {
                ("/tasks/exit", status) => format!("/tasks/exit status {}", status.unwrap_or(0)),
                (topic, _) => topic.to_string(),
            };
            // A container starts and exits many times: each at its own instant.
            let stamp = h.at.0.to_string();
            let key = Fingerprint::of(&[
                "containerd",
                h.namespace,
                h.topic,
                container,
                process,
                &stamp,
            ]);
            (EventKind::ContainerTask, rule, key)
        };
        // The container as `crictl ps` shows it.
        let short: String = container.chars().take(12).collect();
        c.add(NewEvent {
            at: h.at,
            kind,
            actor: "",
            target: &short,
            scope: h.namespace,
            rule: &rule,
            detail: &short,
            priority: Severity::Info,
            category: None,
            tags: &[],
            key,
        });
    }
    // Nothing readable at all: the file is not what it seemed, and says why.
    if read == 0
        && let Some((_, error)) = bad.first.first()
    {
        return Err(error.clone());
    }
    Ok(Parsed {
        evidence: Evidence::Events(c.log),
        warnings: bad.warnings("line"),
    })
}

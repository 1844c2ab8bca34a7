//! Falco JSON alerts: `falco -o json_output=true`, one alert per line (also as relayed by
//! falcosidekick, which adds a `uuid`).
//!
//! The same alert from Falco and from falcosidekick counts once (by its time, host, rule and
//! output). Today's lines carry `time`, `rule`, `priority`, `output`, `source`, `tags`, `hostname` and
//! `output_fields`; 2020's lack `source`, `tags` and `hostname`, and their `output` starts with a
//! *local* time, so the time is read from `time` (else `output_fields["evt.time"]`, in ns), never
//! from the text. Priorities map onto severities; the category (container escape, privilege
//! escalation, shell in container, sensitive file access, abnormal syscalls) comes from the tags
//! and the rule name, in that order of precedence — the mapping is in README.md.

use serde::Deserialize;

use super::collect::{EventCollector, NewEvent};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::{
    Asset, EventKind, EventLog, Evidence, Fingerprint, Severity, SourceKind, ThreatCategory, Tool,
};
use crate::core::sniff::{Shape, Sniff};
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "falco",
    label: "Falco JSON alerts",
    command: "`falco -o json_output=true` (one alert per line), or falcosidekick's copy",
    severity_mapping: "Emergency, Alert, Critical → critical; Error → high; Warning → medium; \
                       Notice → low; Informational, Info, Debug → info",
    feeds: "runtime alerts by priority, rule, tag and category → `runtime_threats`",
    kinds: &[SourceKind::RuntimeAlerts],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let alert = |r: &crate::core::sniff::Node| {
        r.has("rule") && r.has("priority") && (r.has("time") || r.has("output_fields"))
    };
    match sniff.shape {
        Shape::JsonLines | Shape::Object => sniff.record().is_some_and(alert),
        // Falco's own start-up lines before the alerts (`falco … 2>&1`).
        Shape::Text => sniff
            .head
            .lines()
            .take(50)
            .filter(|l| l.starts_with('{'))
            .any(|l| serde_json::from_str::<Probe>(l).is_ok_and(|p| p.is_alert())),
        _ => false,
    }
}

/// Just enough of a line to tell an alert.
#[derive(Deserialize)]
struct Probe {
    rule: Option<serde::de::IgnoredAny>,
    priority: Option<serde::de::IgnoredAny>,
    time: Option<serde::de::IgnoredAny>,
    output_fields: Option<serde::de::IgnoredAny>,
}

impl Probe {
    fn is_alert(&self) -> bool {
        self.rule.is_some()
            && self.priority.is_some()
            && (self.time.is_some() || self.output_fields.is_some())
    }
}

#[derive(Deserialize)]
struct Alert<'a> {
    #[serde(borrow)]
    rule: Option<Str<'a>>,
    #[serde(borrow)]
    priority: Option<Str<'a>>,
    #[serde(borrow)]
    output: Option<Str<'a>>,
    #[serde(borrow)]
    time: Option<Str<'a>>,
    #[serde(borrow)]
    source: Option<Str<'a>>,
    #[serde(borrow)]
    hostname: Option<Str<'a>>,
    #[serde(borrow)]
    tags: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    output_fields: Option<Fields<'a>>,
}

/// The fields Posture reads; values may be strings, numbers or null.
#[derive(Deserialize, Default)]
struct Fields<'a> {
    #[serde(rename = "evt.time", borrow)]
    evt_time: Option<MaybeStr<'a>>,
    #[serde(rename = "container.id", borrow)]
    container_id: Option<MaybeStr<'a>>,
    #[serde(rename = "container.name", borrow)]
    container_name: Option<MaybeStr<'a>>,
    #[serde(rename = "k8s.ns.name", borrow)]
    namespace: Option<MaybeStr<'a>>,
    #[serde(rename = "k8s.pod.name", borrow)]
    pod: Option<MaybeStr<'a>>,
    #[serde(rename = "user.name", borrow)]
    user: Option<MaybeStr<'a>>,
    #[serde(rename = "proc.cmdline", borrow)]
    cmdline: Option<MaybeStr<'a>>,
    #[serde(rename = "ka.user.name", borrow)]
    k8s_user: Option<MaybeStr<'a>>,
    #[serde(rename = "ka.target.namespace", borrow)]
    k8s_namespace: Option<MaybeStr<'a>>,
    #[serde(rename = "ka.target.resource", borrow)]
    k8s_resource: Option<MaybeStr<'a>>,
    #[serde(rename = "ka.target.name", borrow)]
    k8s_name: Option<MaybeStr<'a>>,
}

fn field<'t>(value: &'t Option<MaybeStr<'_>>) -> Option<&'t str> {
    value.as_ref().and_then(MaybeStr::non_empty)
}

pub fn priority(raw: &str) -> Severity {
    match raw.to_ascii_lowercase().as_str() {
        "emergency" | "alert" | "critical" => Severity::Critical,
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "notice" => Severity::Low,
        "informational" | "info" | "debug" => Severity::Info,
        _ => Severity::Unknown,
    }
}

/// What an alert is about. Tags first (MITRE tactics and techniques, Falco's own words), then
/// the rule name; an alert falls in the first category that matches, so categories add up.
pub fn category(rule: &str, tags: &[&str], source: &str) -> ThreatCategory {
    let rule = rule.to_ascii_lowercase();
    let tagged = |wanted: &[&str]| {
        tags.iter()
            .any(|t| wanted.iter().any(|w| t.eq_ignore_ascii_case(w)))
    };
    let named = |words: &[&str]| words.iter().any(|w| rule.contains(w));
    if tagged(&["T1611", "container_escape"])
        || named(&[
            "escape",
            "release_agent",
            "nsenter",
            "privileged container",
            "sensitive mount",
            "unshare",
        ])
    {
        ThreatCategory::ContainerEscape
    } else if tagged(&["mitre_privilege_escalation", "T1068", "T1548", "T1548.001"])
        || named(&["privilege", "sudo", "setuid", "setgid", "escalat"])
    {
        ThreatCategory::PrivilegeEscalation
    } else if tagged(&["shell", "T1059"]) || named(&["shell", "attach/exec", "terminal"]) {
        ThreatCategory::ShellInContainer
    } else if tagged(&["mitre_credential_access", "T1552", "T1555", "T1003"])
        || named(&[
            "sensitive file",
            "shadow",
            "credential",
            "ssh key",
            "private key",
        ])
    {
        ThreatCategory::SensitiveFileAccess
    } else if source.is_empty() || source == "syscall" {
        ThreatCategory::AbnormalSyscall
    } else {
        ThreatCategory::Other
    }
}

/// `evt.time` is nanoseconds since the epoch.
fn nanos(raw: &str) -> Option<Timestamp> {
    raw.parse::<i64>().ok().map(|ns| Timestamp(ns / 1_000_000))
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let log = EventLog::new(
        FORMAT.id,
        Tool {
            name: "Falco".into(),
            version: None,
        },
        Asset::file(input.name),
        SourceKind::RuntimeAlerts,
    );
    let mut c = EventCollector::new(log);
    let mut bad = json::BadRecords::default();
    let mut hosts: Vec<String> = Vec::new();
    let mut others = 0;
    json::each_record(input.text, &mut bad, |line, alert: Alert| {
        let fields = alert.output_fields.as_ref();
        let at = text(&alert.time)
            .and_then(Timestamp::parse_rfc3339)
            .or_else(|| fields.and_then(|f| field(&f.evt_time)).and_then(nanos));
        let Some(rule) = text(&alert.rule) else {
            // JSON that is not an alert (a stats line, a sidekick heartbeat).
            others += 1;
            c.record(at);
            return;
        };
        c.record(at);
        let Some(at) = at else {
            c.warn(format!("alert {rule:?} skipped: it has no time"), line);
            return;
        };
        if let Some(host) = text(&alert.hostname)
            && hosts.len() < 100
            && !hosts.iter().any(|h| h == host)
        {
            hosts.push(host.to_string());
        }
        let tags: Vec<&str> = alert
            .tags
            .iter()
            .flatten()
            .filter_map(Str::non_empty)
            .collect();
        let source = text(&alert.source).unwrap_or("");
        let no_fields = Fields::default();
        let f = fields.unwrap_or(&no_fields);
        let namespace = field(&f.namespace).or(field(&f.k8s_namespace));
        let workload = match (field(&f.pod), field(&f.k8s_resource)) {
            (Some(pod), _) => format!("pod {}/{pod}", namespace.unwrap_or("")),
            (None, Some(resource)) => {
                format!("{resource} {}", field(&f.k8s_name).unwrap_or(""))
            }
            (None, None) => field(&f.container_name)
                .or(field(&f.container_id))
                .map_or_else(String::new, |c| format!("container {c}")),
        };
        let output = text(&alert.output).unwrap_or("");
        // Not falcosidekick's `uuid`: Falco's own copy of the same alert has none, and sidekick
        // rewrites the time's text. The instant, host, rule and output are the same in both.
        let key = Fingerprint::of(&[
            "falco",
            &at.0.to_string(),
            text(&alert.hostname).unwrap_or(""),
            rule,
            output,
        ]);
        let priority_raw = text(&alert.priority).unwrap_or("");
        c.add(NewEvent {
            at,
            kind: EventKind::RuntimeAlert,
            actor: field(&f.user).or(field(&f.k8s_user)).unwrap_or(""),
            target: &workload,
            scope: namespace.or(text(&alert.hostname)).unwrap_or(""),
            rule,
            detail: field(&f.cmdline).unwrap_or(priority_raw),
            priority: priority(priority_raw),
            category: Some(category(rule, &tags, source)),
            tags: &tags,
            key,
        });
    });
    if c.log.events.is_empty()
        && let Some((_, error)) = bad.first.first()
    {
        return Err(error.clone());
    }
    let mut warnings = bad.warnings("line");
    warnings.extend(c.take_warnings());
    let mut notes = Vec::new();
    match hosts.len() {
        0 => {}
        1 => notes.push(format!("host {}", hosts[0])),
        n => notes.push(format!("{n} hosts")),
    }
    if others > 0 {
        notes.push(format!("{others} lines that are not alerts skipped"));
    }
    if bad.text_lines > 0 {
        notes.push(format!(
            "{} lines of Falco's own log skipped",
            bad.text_lines
        ));
    }
    c.log.note = (!notes.is_empty()).then(|| notes.join(", "));
    Ok(Parsed {
        evidence: Evidence::Events(c.log),
        warnings,
    })
}

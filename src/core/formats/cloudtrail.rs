//! AWS CloudTrail: log files (`{"Records":[…]}`, as delivered to S3, usually `.json.gz`),
//! `aws cloudtrail lookup-events` output (each record a JSON string in `CloudTrailEvent`), SIEM
//! exports (a bare array of records, or JSON lines). Digest files (integrity data), Insights files
//! (`CloudTrail-Insight/`: CloudTrail's alerts on unusual call rates, not calls) and an empty
//! `{"Records":[]}` sit beside the logs; each loads as a log of no events, so a dropped folder
//! loads clean.
//!
//! Only what a metric needs is kept, from the fields named below (the rest of a record is skipped
//! unread):
//! - unauthorized: `errorCode` `AccessDenied`, `AccessDeniedException`, `UnauthorizedOperation`,
//!   `Client.UnauthorizedOperation`, `UnauthorizedAccess`, `AuthorizationError`, `NotAuthorized`,
//!   or any code ending in `AccessDenied` or `UnauthorizedOperation`;
//! - failed console logins: `ConsoleLogin` whose `responseElements.ConsoleLogin` is `Failure`
//!   (or whose `errorMessage` is `Failed authentication`);
//! - role assumptions: `AssumeRole`, `AssumeRoleWithSAML`, `AssumeRoleWithWebIdentity` without an
//!   `errorCode`;
//! - root use, as the CIS benchmark defines it: `userIdentity.type` `Root`, no
//!   `userIdentity.invokedBy`, `eventType` not `AwsServiceEvent`.
//!
//! The actor is the identity's ARN, session issuer, principal id or user name as each kind
//! prefers; an AWS service acting for the account (`type` `AWSService`) has none of these and is
//! named by `invokedBy` (`lambda.amazonaws.com`).
//!
//! An event's key is its `eventID` with the kind (without one: its time, source, name and
//! principal), so the same record in two files counts once.

use serde::Deserialize;
use serde::de::IgnoredAny;

mod detect;
mod loose;

use detect::detect;
use loose::Loose;

use super::collect::{EventCollector, NewEvent};
use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::Location;
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::{
    Asset, AssetKind, EventKind, EventLog, Evidence, Fingerprint, Severity, SourceKind, Tool,
};
use crate::core::sniff::{self, Shape};
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "cloudtrail",
    label: "AWS CloudTrail JSON",
    command: "CloudTrail log files from S3 (`.json.gz`; digest and Insights files too), \
              `aws cloudtrail lookup-events`, or records exported as a JSON array or JSON lines",
    severity_mapping: "none: events have no severity",
    feeds: "unauthorized API calls (`errorCode` AccessDenied, AccessDeniedException, \
            UnauthorizedOperation, Client.UnauthorizedOperation, UnauthorizedAccess, \
            AuthorizationError, NotAuthorized, `*AccessDenied`, `*UnauthorizedOperation`), \
            failed console logins, role assumptions (`AssumeRole*`), root account use (CIS)",
    kinds: &[SourceKind::CloudAudit],
    detect,
    parse,
    stream: None,
};

/// Keys of a document (rather than of one record) at the top level.
const DOCUMENT_KEYS: [&str; 4] = ["Records", "Events", "digestStartTime", "logFiles"];

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "Records", borrow)]
    records: Option<Vec<Record<'a>>>,
    #[serde(rename = "Events", borrow)]
    events: Option<Vec<Lookup<'a>>>,
    #[serde(rename = "awsAccountId", borrow)]
    digest_account: Option<Str<'a>>,
    #[serde(rename = "digestStartTime")]
    digest_start: Option<IgnoredAny>,
}

/// One CloudTrail record, by the fields used.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "'de: 'a"))]
struct Record<'a> {
    event_time: Option<Str<'a>>,
    event_source: Option<Str<'a>>,
    event_name: Option<Str<'a>>,
    aws_region: Option<Str<'a>>,
    #[serde(rename = "sourceIPAddress", borrow)]
    source_ip: Option<Str<'a>>,
    user_identity: Option<Identity<'a>>,
    error_code: Option<Str<'a>>,
    error_message: Option<Str<'a>>,
    request_parameters: Option<Loose<'a>>,
    response_elements: Option<Loose<'a>>,
    #[serde(rename = "eventID", borrow)]
    event_id: Option<Str<'a>>,
    event_type: Option<Str<'a>>,
    event_category: Option<Str<'a>>,
    recipient_account_id: Option<Str<'a>>,
    read_only: Option<Loose<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "'de: 'a"))]
struct Identity<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    principal_id: Option<Str<'a>>,
    arn: Option<Str<'a>>,
    account_id: Option<Str<'a>>,
    user_name: Option<Str<'a>>,
    invoked_by: Option<Str<'a>>,
    session_context: Option<SessionContext<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "'de: 'a"))]
struct SessionContext<'a> {
    session_issuer: Option<Issuer<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Issuer<'a> {
    arn: Option<Str<'a>>,
}

/// One `lookup-events` entry: the record itself is the JSON text in `CloudTrailEvent`.
#[derive(Deserialize)]
struct Lookup<'a> {
    #[serde(rename = "EventId", borrow)]
    id: Option<Str<'a>>,
    /// RFC 3339 or epoch seconds, depending on the CLI version.
    #[serde(rename = "EventTime", borrow)]
    time: Option<MaybeStr<'a>>,
    #[serde(rename = "CloudTrailEvent", borrow)]
    record: Option<Str<'a>>,
}

/// Whether an `errorCode` is a refusal by authentication or authorization.
fn unauthorized(code: &str) -> bool {
    matches!(
        code,
        "AccessDeniedException"
            | "Client.UnauthorizedOperation"
            | "UnauthorizedAccess"
            | "AuthorizationError"
            | "NotAuthorized"
    ) || code.ends_with("AccessDenied")
        || code.ends_with("UnauthorizedOperation")
}

/// What the parse of one file builds up.
struct Reader {
    c: EventCollector,
    account: Option<String>,
    read_only: u64,
    /// Insights events: CloudTrail's own alerts on unusual call rates, not API calls.
    insights: u64,
}

impl Reader {
    fn warn(&mut self, message: String, location: Location) {
        self.c.warnings.push(message, location);
    }

    /// Reads one record; `time` and `id` stand in when the record lacks them (lookup-events).
    fn record(&mut self, r: &Record, time: Option<Timestamp>, id: Option<&str>, at: Location) {
        self.read_only += u64::from(r.read_only.as_ref().is_some_and(|f| f.flag));
        let identity = r.user_identity.as_ref();
        if self.account.is_none() {
            let account = text(&r.recipient_account_id)
                .or_else(|| identity.and_then(|i| text(&i.account_id)));
            self.account = account.map(str::to_string);
        }
        let insight = text(&r.event_type) == Some("AwsCloudTrailInsight")
            || text(&r.event_category) == Some("Insight");
        if insight {
            // Counted as read, but no span: the file says nothing of which calls were logged.
            self.c.record(None);
            self.insights += 1;
            return;
        }
        let raw_time = text(&r.event_time);
        let at_time = raw_time.and_then(Timestamp::parse_rfc3339).or(time);
        self.c.record(at_time);
        let Some(at_time) = at_time else {
            let why = match raw_time {
                Some(raw) => format!("record skipped: eventTime {raw:?} is not an RFC 3339 time"),
                None => "record skipped: it has no eventTime".to_string(),
            };
            self.warn(why, at);
            return;
        };
        let source = text(&r.event_source).unwrap_or("");
        let name = text(&r.event_name).unwrap_or("");
        let arn = identity.and_then(|i| text(&i.arn));
        let user = identity.and_then(|i| text(&i.user_name));
        let issuer = identity
            .and_then(|i| i.session_context.as_ref())
            .and_then(|c| c.session_issuer.as_ref())
            .and_then(|s| text(&s.arn));
        let principal = identity.and_then(|i| text(&i.principal_id));
        // An AWS service acting for the account (`type: AWSService`: Lambda, EC2, ECS assuming
        // their roles) has no ARN or principal id, only `invokedBy`; name it rather than "".
        let fallback = identity.and_then(|i| text(&i.invoked_by)).or(user);
        let error_code = text(&r.error_code);
        let error_message = text(&r.error_message);
        let target = format!("{source} {name}");
        let mut kept: Vec<(EventKind, &str, &str, &str)> = Vec::new();
        if let Some(code) = error_code.filter(|c| unauthorized(c)) {
            let actor = arn.or(user).or(principal).or(fallback).unwrap_or("");
            let detail = error_message.unwrap_or("");
            kept.push((EventKind::Unauthorized, actor, code, detail));
        }
        let failure = r
            .response_elements
            .as_ref()
            .and_then(|p| text(&p.console_login));
        if name == "ConsoleLogin"
            && (failure == Some("Failure") || error_message == Some("Failed authentication"))
        {
            // Unknown user names stay as AWS writes them: HIDDEN_DUE_TO_SECURITY_REASONS.
            let actor = user.or(arn).or(principal).or(fallback);
            let from = text(&r.source_ip).unwrap_or("");
            kept.push((EventKind::FailedLogin, actor.unwrap_or(""), name, from));
        }
        let assume = matches!(
            name,
            "AssumeRole" | "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity"
        );
        if assume && error_code.is_none() {
            let actor = arn.or(issuer).or(principal).or(fallback).unwrap_or("");
            let role = r
                .request_parameters
                .as_ref()
                .and_then(|p| text(&p.role_arn));
            kept.push((EventKind::RoleAssumption, actor, name, role.unwrap_or("")));
        }
        let root = identity
            .is_some_and(|i| text(&i.kind) == Some("Root") && text(&i.invoked_by).is_none());
        if root && text(&r.event_type) != Some("AwsServiceEvent") {
            let actor = arn.unwrap_or("root");
            kept.push((EventKind::RootUse, actor, "Root", error_code.unwrap_or("")));
        }
        let event_id = text(&r.event_id).or(id);
        let scope = text(&r.aws_region).unwrap_or("");
        let stamp = at_time.to_string();
        for (kind, actor, rule, detail) in kept {
            // One record can be two events (a root call refused: root use and unauthorized);
            // the kind is part of the key, so each counts once under its own.
            let tag = format!("{kind:?}");
            let key = match event_id {
                Some(id) => Fingerprint::of(&["cloudtrail", id, &tag]),
                None => Fingerprint::of(&[
                    "cloudtrail",
                    &stamp,
                    source,
                    name,
                    principal.unwrap_or(""),
                    &tag,
                ]),
            };
            self.c.add(NewEvent {
                at: at_time,
                kind,
                actor,
                target: &target,
                scope,
                rule,
                detail,
                priority: Severity::Info,
                category: None,
                tags: &[],
                key,
            });
        }
    }
}

/// `EventTime` of lookup-events: RFC 3339, or epoch seconds from older CLIs.
fn lookup_time(raw: &str) -> Option<Timestamp> {
    Timestamp::parse_rfc3339(raw).or_else(|| {
        let seconds: f64 = raw.parse().ok().filter(|s: &f64| s.is_finite())?;
        Some(Timestamp((seconds * 1_000.0) as i64))
    })
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let mut reader = Reader {
        c: EventCollector::new(EventLog::new(
            FORMAT.id,
            Tool {
                name: "AWS CloudTrail".into(),
                version: None,
            },
            Asset::file(input.name),
            SourceKind::CloudAudit,
        )),
        account: None,
        read_only: 0,
        insights: 0,
    };
    let sniffed = sniff::sniff(input.text.as_bytes());
    let document =
        sniffed.shape == Shape::Object && DOCUMENT_KEYS.iter().any(|k| sniffed.value.has(k));
    let mut note = None;
    let mut bad = json::BadRecords::default();
    if sniffed.shape == Shape::Array {
        let records: Vec<Record> = json::parse(input.text)?;
        for (i, r) in records.iter().enumerate() {
            reader.record(r, None, None, Location::path(format!("[{i}]")));
        }
    } else if document {
        let doc: Document = json::parse(input.text)?;
        if let Some(records) = &doc.records {
            if records.is_empty() {
                note = Some("no records".to_string());
            }
            for (i, r) in records.iter().enumerate() {
                reader.record(r, None, None, Location::path(format!("Records[{i}]")));
            }
        } else if let Some(events) = &doc.events {
            note = Some("lookup-events output".to_string());
            for (i, e) in events.iter().enumerate() {
                let time = e
                    .time
                    .as_ref()
                    .and_then(MaybeStr::non_empty)
                    .and_then(lookup_time);
                let at = Location::path(format!("Events[{i}].CloudTrailEvent"));
                let inner = text(&e.record)
                    .ok_or_else(|| "it has no CloudTrailEvent".to_string())
                    .and_then(|t| {
                        serde_json::from_str::<Record>(t)
                            .map_err(|e| format!("its CloudTrailEvent is not a record: {e}"))
                    });
                match inner {
                    Ok(r) => reader.record(&r, time, text(&e.id), at),
                    Err(why) => {
                        // Read but unusable: it still counts, and its time still spans.
                        reader.c.record(time);
                        reader.warn(format!("record skipped: {why}"), at);
                    }
                }
            }
        } else if doc.digest_start.is_some() {
            // Integrity data for the logs beside it; no events, and no span of its own.
            reader.account = text(&doc.digest_account).map(str::to_string);
            note = Some("CloudTrail digest file: integrity data, no events".to_string());
        }
    } else {
        let mut read = 0;
        json::each_record(input.text, &mut bad, |line, r: Record| {
            read += 1;
            reader.record(&r, None, None, Location::at(line, 1));
        });
        // Nothing readable at all: the file is not what it seemed, and says why.
        if read == 0
            && let Some((_, error)) = bad.first.first()
        {
            return Err(error.clone());
        }
    }
    let mut warnings = bad.warnings("line");
    warnings.extend(reader.c.take_warnings());
    let mut log = reader.c.log;
    if let Some(account) = reader.account {
        log.source = Asset {
            kind: AssetKind::Other,
            name: format!("AWS account {account}"),
        };
    }
    let insights = (reader.insights > 0)
        .then(|| "CloudTrail Insights events: not counted as API calls".to_string());
    let read_only = (reader.read_only > 0).then(|| format!("{} read-only", reader.read_only));
    let notes: Vec<String> = [note, insights].into_iter().flatten().collect();
    log.note = if notes.is_empty() {
        read_only
    } else {
        Some(notes.join("; "))
    };
    Ok(Parsed {
        evidence: Evidence::Events(log),
        warnings,
    })
}

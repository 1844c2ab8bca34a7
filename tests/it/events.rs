//! Event-log formats on hand-written fixtures: AWS CloudTrail (`tests/fixtures/cloudtrail/`) and
//! containerd's `ctr events` (`tests/fixtures/containerd/`). Where each shape comes from is in
//! the README beside the fixtures. Every expected number is counted by hand next to its assertion.

use posture::core::engine::{Engine, Outcome};
use posture::core::events::{Events, LogItem};
use posture::core::formats;
use posture::core::model::{Event, EventKind, EventLog};
use posture::core::time::Timestamp;

use crate::support::{accepting, add_one, check_error, fixture, read};

/// Loads a fixture as a log; its warnings as text.
fn log(path: &str) -> (EventLog, Vec<String>) {
    let parsed = formats::load(path, &read(&fixture(path))).unwrap_or_else(|e| panic!("{e}"));
    let warnings = parsed.warnings.iter().map(ToString::to_string).collect();
    let log = parsed.evidence.events().cloned().expect("an event log");
    (log, warnings)
}

/// Events of each kind, in `EventKind::ALL` order.
fn counts(log: &EventLog) -> [usize; 11] {
    EventKind::ALL.map(|k| log.count(k))
}

fn span(log: &EventLog) -> (String, String) {
    (
        log.first.map(|t| t.to_string()).unwrap_or_default(),
        log.last.map(|t| t.to_string()).unwrap_or_default(),
    )
}

fn find<'l>(log: &'l EventLog, kind: EventKind, rule: &str) -> Vec<&'l Event> {
    log.events
        .iter()
        .filter(|e| e.kind == kind && &*e.rule == rule)
        .collect()
}

// [Unauthorized, WorkloadDenied, WorkloadAdmitted, ControllerDenied, ExecSession, RuntimeAlert,
//  FailedLogin, RoleAssumption, RootUse, ContainerTask, ProcessExec]

#[test]
fn cloudtrail_log_file() {
    let (log, warnings) = log("cloudtrail/records.json");
    assert_eq!(log.format, "cloudtrail");
    assert_eq!(log.source.name, "AWS account 111122223333");
    assert_eq!(log.tool.name, "AWS CloudTrail");
    // 12 records, ev-01 … ev-12.
    assert_eq!(log.records, 12);
    // Unauthorized 4: ev-01 AccessDenied, ev-02 Client.UnauthorizedOperation, ev-08 AssumeRole
    //   AccessDenied, ev-11 root AccessDeniedException.
    // FailedLogin 1: ev-03 (ev-04 is a Success).
    // RoleAssumption 3: ev-05 AssumeRole, ev-06 …WithSAML, ev-07 …WithWebIdentity (ev-08 failed).
    // RootUse 2: ev-09, ev-11 (ev-10 is invokedBy support.amazonaws.com).
    assert_eq!(counts(&log), [4, 0, 0, 0, 0, 0, 1, 3, 2, 0, 0]);
    assert_eq!(log.events.len(), 10);
    // ev-01 08:00 is the first record, ev-12 09:10 (kept or not) the last.
    assert_eq!(
        span(&log),
        ("2026-11-18T08:00:00Z".into(), "2026-11-18T09:10:00Z".into())
    );
    // readOnly true: ev-01, ev-10, ev-12.
    assert_eq!(log.note.as_deref(), Some("3 read-only"));
    assert!(warnings.is_empty(), "{warnings:?}");

    let denied = &find(&log, EventKind::Unauthorized, "AccessDenied")[0];
    assert_eq!(&*denied.target, "s3.amazonaws.com GetObject");
    assert_eq!(&*denied.scope, "eu-west-1");
    assert_eq!(&*denied.detail, "Access Denied");
    assert_eq!(&*denied.actor, "arn:aws:iam::111122223333:user/alice");
    assert_eq!(
        find(
            &log,
            EventKind::Unauthorized,
            "Client.UnauthorizedOperation"
        )
        .len(),
        1
    );
    let failed = &find(&log, EventKind::FailedLogin, "ConsoleLogin")[0];
    assert_eq!(&*failed.actor, "HIDDEN_DUE_TO_SECURITY_REASONS");
    let assumed: Vec<(&str, &str)> = log
        .events
        .iter()
        .filter(|e| e.kind == EventKind::RoleAssumption)
        .map(|e| (&*e.actor, &*e.detail))
        .collect();
    assert_eq!(
        assumed,
        [
            (
                "arn:aws:iam::111122223333:user/alice",
                "arn:aws:iam::111122223333:role/admin"
            ),
            (
                "SAMPLE_NAME_QUALIFIER:carol@example.com",
                "arn:aws:iam::111122223333:role/sso-readonly"
            ),
            (
                "token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/api",
                "arn:aws:iam::111122223333:role/gha-deploy"
            ),
        ]
    );
    // The refused root call is two events under two keys.
    let refused_root: Vec<&Event> = log
        .events
        .iter()
        .filter(|e| &*e.target == "organizations.amazonaws.com LeaveOrganization")
        .collect();
    assert_eq!(refused_root.len(), 2);
    assert_ne!(refused_root[0].key, refused_root[1].key);
}

#[test]
fn cloudtrail_lookup_events() {
    let (log, warnings) = log("cloudtrail/lookup-events.json");
    assert_eq!(log.note.as_deref(), Some("lookup-events output"));
    assert_eq!(log.source.name, "AWS account 111122223333");
    // lk-01 failed ConsoleLogin, lk-02 AssumeRole, lk-03 GetCallerIdentity (not kept).
    assert_eq!(log.records, 3);
    assert_eq!(counts(&log), [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    // lk-01 10:00 (EventTime 1794996000.0 as epoch seconds agrees); lk-03's record has no
    // eventTime, so its EventTime 10:10 stands in.
    assert_eq!(
        span(&log),
        ("2026-11-18T10:00:00Z".into(), "2026-11-18T10:10:00Z".into())
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let assumed = &find(&log, EventKind::RoleAssumption, "AssumeRole")[0];
    // An assumed-role caller: its own ARN.
    assert_eq!(
        &*assumed.actor,
        "arn:aws:sts::111122223333:assumed-role/ci-deploy/ci"
    );
}

#[test]
fn cloudtrail_json_lines_export_loads_around_bad_lines() {
    let (log, warnings) = log("cloudtrail/export.jsonl");
    // Lines 1, 2, 4 and 5 read; 3 is broken, 6 is cut in half.
    assert_eq!(log.records, 4);
    // jl-01 AccessDenied, jl-02 failed ConsoleLogin, jl-04 root ListUsers; jl-05 has no usable
    // time and is skipped.
    assert_eq!(counts(&log), [1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
    assert_eq!(
        span(&log),
        ("2026-11-18T11:00:00Z".into(), "2026-11-18T11:03:00Z".into())
    );
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(
        warnings[0].starts_with("line skipped: invalid JSON") && warnings[0].contains("(line 3"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].starts_with("line skipped: it is cut off") && warnings[1].contains("(line 6"),
        "{}",
        warnings[1]
    );
    assert_eq!(
        warnings[2],
        "record skipped: eventTime \"yesterday\" is not an RFC 3339 time (line 5, column 1)"
    );
}

#[test]
fn cloudtrail_array_export_and_digest() {
    let (array, _) = log("cloudtrail/export-array.json");
    // ev-01 (the same record as in records.json) and arr-02, an AssumeRole.
    assert_eq!(array.records, 2);
    assert_eq!(counts(&array), [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);

    let (digest, warnings) = log("cloudtrail/digest.json");
    assert_eq!(digest.records, 0);
    assert!(digest.events.is_empty());
    assert_eq!(digest.first, None);
    assert_eq!(digest.source.name, "AWS account 111122223333");
    assert!(digest.note.as_deref().unwrap().contains("digest"));
    assert!(warnings.is_empty());
}

#[test]
fn cloudtrail_insights_and_empty_log_files_load_with_no_events() {
    let (insights, warnings) = log("cloudtrail/insights.json");
    assert!(warnings.is_empty(), "{warnings:?}");
    // 2 records (a Start and an End), neither an API call: no events, and no span, so the
    // file claims no coverage of the calls it does not hold.
    assert_eq!(insights.records, 2);
    assert!(insights.events.is_empty());
    assert_eq!((insights.first, insights.last), (None, None));
    assert_eq!(insights.source.name, "AWS account 111122223333");
    assert_eq!(
        insights.note.as_deref(),
        Some("CloudTrail Insights events: not counted as API calls")
    );
    // A log file with no records at all (a quiet region's delivery).
    let parsed =
        formats::load("empty.json", br#"{"Records":[]}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.evidence.format(), "cloudtrail");
    let empty = parsed.evidence.events().expect("an event log");
    assert_eq!((empty.records, empty.events.len()), (0, 0));
    assert_eq!(empty.note.as_deref(), Some("no records"));
    // The reviewer's record, whose keys come in another order, loads the same way.
    let ins = br#"{"Records":[{"eventVersion":"1.07","eventTime":"2019-10-17T10:05:00Z","awsRegion":"us-east-1","eventID":"aab985f2","eventType":"AwsCloudTrailInsight","recipientAccountId":"123456789012","sharedEventID":"12edc982","insightDetails":{"state":"Start","eventSource":"ssm.amazonaws.com","eventName":"UpdateInstanceAssociationStatus","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":1.75},"insight":{"average":50.1}}}},"eventCategory":"Insight"}]}"#;
    let parsed = formats::load(
        "123456789012_CloudTrail-Insight_us-east-1_20191017T1005Z_x.json",
        ins,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.evidence.events().map(|l| l.records), Some(1));
}

/// Files that look like the ones above but are not CloudTrail's.
#[test]
fn other_records_documents_are_not_cloudtrail() {
    for (name, bytes) in [
        // Alibaba ActionTrail's Insights record: `eventCategory: Insight`, but its own
        // `eventType` and `eventId`.
        (
            "actiontrail.json",
            &br#"{"Records":[{"eventId":"493C","eventCategory":"Insight","sharedEventId":"5A72","eventType":"ActionTrailInsight","eventVersion":"1","eventTime":"2023-07-24T03:27:00Z","insightDetails":{"state":"Start"}}]}"#[..],
        ),
        // An empty `Records` beside another key is some other document.
        ("other.json", br#"{"Records":[],"kind":"something"}"#),
    ] {
        let accepted = accepting(bytes);
        assert!(accepted.is_empty(), "{name}: {accepted:?}");
    }
}

#[test]
fn a_json_lines_file_with_no_readable_record_fails_with_the_first_error() {
    let message = check_error(
        "broken.jsonl",
        b"{\"eventName\":\"GetObject\",\"eventSource\":\"s3.amazonaws.com\",\"eventID\":\"a\"}x\n{\"eventName\":1}\n",
        Some("cloudtrail"),
    );
    assert!(message.contains("(line 1, column"), "{message}");
}

/// The merged log of a dropped folder: the same eventID in several files counts once.
#[test]
fn a_cloudtrail_folder_counts_each_event_once() {
    let mut engine = Engine::default();
    for name in [
        "records.json",
        "records.json.gz",
        "export-array.json",
        "lookup-events.json",
        "export.jsonl",
        "digest.json",
    ] {
        let path = format!("cloudtrail/{name}");
        let row = add_one(&mut engine, &path, &read(&fixture(&path)), None);
        assert_eq!(row.error, None, "{name}");
        assert_eq!(row.format.as_deref(), Some("cloudtrail"), "{name}");
    }
    let logs: Vec<LogItem> = engine
        .sources()
        .iter()
        .filter_map(|s| match &s.outcome {
            Outcome::Loaded { evidence, .. } => Some(LogItem {
                name: &s.name,
                log: evidence.events()?,
            }),
            _ => None,
        })
        .collect();
    let merged = Events::new(&logs);
    // records.json 10; its gzipped copy 10 again (all duplicates); export-array.json ev-01
    // (duplicate) + arr-02; lookup-events 2; export.jsonl 3; digest 0.
    // Distinct: 10 + 1 + 2 + 3 = 16. Duplicates: 10 + 1 = 11.
    assert_eq!(merged.all.len(), 16);
    assert_eq!(merged.duplicates, 11);
    let analysis = engine.analyse(Timestamp::parse_rfc3339("2026-11-19T00:00:00Z").unwrap());
    let by_kind = |k| analysis.activity.by_kind.get(&k).copied().unwrap_or(0);
    // Unauthorized: 4 (records) + 1 (jl-01) = 5. FailedLogin: ev-03, lk-01, jl-02 = 3.
    // RoleAssumption: 3 + arr-02 + lk-02 = 5. RootUse: 2 + jl-04 = 3.
    assert_eq!(
        [
            EventKind::Unauthorized,
            EventKind::FailedLogin,
            EventKind::RoleAssumption,
            EventKind::RootUse
        ]
        .map(by_kind),
        [5, 3, 5, 3]
    );
}

#[test]
fn ctr_events() {
    let (log, warnings) = log("containerd/ctr-events.log");
    assert_eq!(log.format, "containerd-events");
    assert_eq!(log.tool.name, "containerd (ctr events)");
    // Named only after its tool: the folder names the host.
    assert_eq!(log.source.name, "containerd");
    // 14 lines: 11 (bad JSON payload) and 14 (cut) are skipped; 12 read.
    assert_eq!(log.records, 12);
    // ProcessExec 1: lines 3 and 4 are one exec (same container and exec id).
    // ContainerTask 6: line 2 start, 6 oom, 7 exit 137, 8 delete, 9 start (default), 12 exit 0.
    // Not kept: 1 /tasks/create, 5 the exec's own exit, 10 /images/create, 13 /snapshot/remove.
    assert_eq!(counts(&log), [0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 1]);
    // Line 1 08:00:00.5 is the first; line 13 08:16:00.1 the last. Line 6 (10:10 +0200 EET) is
    // 08:10 UTC, line 9 (09:12:00.5 +0100 CET) 08:12:00.5 UTC.
    assert_eq!(
        span(&log),
        (
            "2026-11-18T08:00:00.500Z".into(),
            "2026-11-18T08:16:00.100Z".into()
        )
    );
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].starts_with("line skipped: invalid JSON")
            && warnings[0].contains("(line 11, column"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].starts_with("line skipped: it is cut off")
            && warnings[1].contains("(line 14, column"),
        "{}",
        warnings[1]
    );

    let exec = &log.events[1];
    // A process started in the container: a shell, or the kubelet's exec probe.
    assert_eq!(exec.kind, EventKind::ProcessExec);
    assert_eq!(exec.at.to_string(), "2026-11-18T08:05:00.250Z");
    assert_eq!(&*exec.scope, "k8s.io");
    assert_eq!(&*exec.target, "3f4e5d6c7b8a");
    // The container as `crictl ps` and `docker ps` show it: 12 characters.
    assert_eq!(&*exec.detail, "3f4e5d6c7b8a");
    let rules: Vec<(&str, &str)> = log
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ContainerTask)
        .map(|e| (&*e.scope, &*e.rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("k8s.io", "/tasks/start"),
            ("k8s.io", "/tasks/oom"),
            ("k8s.io", "/tasks/exit status 137"),
            ("k8s.io", "/tasks/delete"),
            ("default", "/tasks/start"),
            ("default", "/tasks/exit status 0"),
        ]
    );
}

#[test]
fn the_same_ctr_capture_twice_counts_once() {
    let bytes = read(&fixture("containerd/ctr-events.log"));
    let mut engine = Engine::default();
    add_one(&mut engine, "node-a/events.log", &bytes, None);
    add_one(&mut engine, "node-a/events-again.log", &bytes, None);
    let analysis = engine.analyse(Timestamp::parse_rfc3339("2026-11-19T00:00:00Z").unwrap());
    // 1 process exec and 6 task changes, however many copies.
    assert_eq!(
        analysis.activity.by_kind.get(&EventKind::ProcessExec),
        Some(&1)
    );
    assert_eq!(
        analysis.activity.by_kind.get(&EventKind::ContainerTask),
        Some(&6)
    );
}

#[test]
fn ctr_events_with_no_readable_line_fail_with_the_first_error() {
    let message = check_error(
        "events.log",
        b"2026-11-18 08:00:00 +0000 UTC default /tasks/start {\"container_id\":\n",
        Some("containerd-events"),
    );
    // The payload starts at column 52 (after 51 characters of time, namespace and topic); it
    // ends after its 16th character, the `:` at column 51 + 16 = 67.
    assert_eq!(
        message,
        "the file ends too early; it looks truncated (line 1, column 67)"
    );
}

#[test]
fn go_times_are_read_as_go_prints_them() {
    for (line, at) in [
        // No fraction, a zone without an abbreviation, a monotonic reading.
        ("2026-11-18 08:02:47 +0000 UTC", "2026-11-18T08:02:47Z"),
        (
            "2026-11-18 11:02:47.1 +0300 +03",
            "2026-11-18T08:02:47.100Z",
        ),
        (
            "2026-11-18 08:02:47.123456789 +0000 UTC m=+0.001",
            "2026-11-18T08:02:47.123Z",
        ),
        (
            "2026-11-18 05:02:47.5 -0300 -03",
            "2026-11-18T08:02:47.500Z",
        ),
    ] {
        let text = format!("{line} default /tasks/start {{\"container_id\":\"c\"}}\n");
        let parsed = formats::load("t.log", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let log = parsed.evidence.events().unwrap();
        assert_eq!(
            log.first.map(|t| t.to_string()).as_deref(),
            Some(at),
            "{line}"
        );
    }
}

/// Each fixture is recognised by its own detector and no other.
#[test]
fn exactly_one_detector_accepts_each_fixture() {
    for (path, format) in [
        ("cloudtrail/records.json", "cloudtrail"),
        ("cloudtrail/lookup-events.json", "cloudtrail"),
        ("cloudtrail/export.jsonl", "cloudtrail"),
        ("cloudtrail/export-array.json", "cloudtrail"),
        ("cloudtrail/digest.json", "cloudtrail"),
        ("cloudtrail/insights.json", "cloudtrail"),
        ("containerd/ctr-events.log", "containerd-events"),
    ] {
        assert_eq!(accepting(&read(&fixture(path))), [format], "{path}");
    }
}

/// S3 event notifications share CloudTrail's `Records`, `eventName` and `eventSource`.
#[test]
fn s3_event_notifications_are_not_cloudtrail() {
    let notification = br#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventTime":"2026-11-18T08:00:00.000Z","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"s3":{"bucket":{"name":"b"}}}]}"#;
    let error = formats::load("s3.json", notification).err().unwrap();
    assert_eq!(error.format, None);
}

/// A CloudTrail log file of `records`, each a JSON object's text.
fn records(records: &[String]) -> Vec<u8> {
    format!(r#"{{"Records":[{}]}}"#, records.join(",")).into_bytes()
}

#[test]
fn a_role_assumed_by_an_aws_service_is_named_by_invoked_by() {
    // Lambda assuming its execution role: the identity is `AWSService`, with no ARN, principal
    // or user name, only `invokedBy`.
    let assume = |i: usize| {
        format!(
            r#"{{"eventVersion":"1.08","userIdentity":{{"type":"AWSService","invokedBy":"lambda.amazonaws.com"}},"eventTime":"2026-11-18T10:0{i}:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"lambda.amazonaws.com","requestParameters":{{"roleArn":"arn:aws:iam::111122223333:role/fn-role","roleSessionName":"fn"}},"responseElements":{{}},"eventID":"id-{i}","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
        )
    };
    let parsed = formats::load("ct.json", &records(&[assume(0), assume(1), assume(2)]))
        .unwrap_or_else(|e| panic!("{e}"));
    let log = parsed.evidence.events().expect("an event log");
    // 3 records, 3 role assumptions, each by lambda.amazonaws.com (not by "").
    let actors: Vec<&str> = log.events.iter().map(|e| &*e.actor).collect();
    assert_eq!(actors, ["lambda.amazonaws.com"; 3]);
    assert_eq!(log.count(EventKind::RoleAssumption), 3);
    // And through the engine: the role-assumption table counts them under the service.
    let mut engine = Engine::default();
    add_one(
        &mut engine,
        "ct.json",
        &records(&[assume(0), assume(1), assume(2)]),
        None,
    );
    let now = Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
    let activity = engine.analyse(now).activity;
    assert_eq!(
        activity.role_assumptions.get("lambda.amazonaws.com"),
        Some(&3),
        "{:?}",
        activity.role_assumptions
    );
}

#[test]
fn a_lookup_event_whose_record_is_not_json_is_a_warning() {
    let doc = br#"{"Events":[{"EventId":"x","EventTime":"2026-11-18T10:00:00Z","CloudTrailEvent":"{\"eventName\":"}]}"#;
    let parsed = formats::load("lookup.json", doc).unwrap_or_else(|e| panic!("{e}"));
    let log = parsed.evidence.events().unwrap();
    // One record read, none kept; its EventTime still spans the log.
    assert_eq!((log.records, log.events.len()), (1, 0));
    assert_eq!(
        log.first.map(|t| t.to_string()).as_deref(),
        Some("2026-11-18T10:00:00Z")
    );
    let warning = parsed.warnings[0].to_string();
    assert!(
        warning.starts_with("record skipped: its CloudTrailEvent is not a record")
            && warning.ends_with("(at Events[0].CloudTrailEvent)"),
        "{warning}"
    );
}

/// There are no real files of these formats in `shared/` yet, so their fixtures stand in for
/// `robustness.rs`: cut anywhere and mutated, they never panic; a log cut inside a line after
/// the first loads with a warning naming a line.
#[test]
fn cut_and_mutated_fixtures_never_panic() {
    let files = [
        ("cloudtrail/records.json", false),
        ("cloudtrail/lookup-events.json", false),
        ("cloudtrail/export.jsonl", true),
        ("cloudtrail/export-array.json", false),
        ("cloudtrail/digest.json", false),
        ("cloudtrail/insights.json", false),
        ("containerd/ctr-events.log", true),
    ];
    let mut rng = crate::rng::Rng(0xc10d);
    let mut engine = Engine::default();
    for (path, lines) in files {
        let bytes = read(&fixture(path));
        for end in 1..bytes.len() {
            let cut = &bytes[..end];
            let result = formats::load("cut", cut);
            if lines && cut.contains(&b'\n') && bytes[end - 1] != b'\n' && bytes[end] != b'\n' {
                let parsed = result.unwrap_or_else(|e| panic!("{path} cut at {end}: {e}"));
                assert!(
                    parsed.warnings.iter().any(|w| w.location.line.is_some()),
                    "{path} cut at {end}"
                );
            }
        }
        for _ in 0..300 {
            let mut mutated = bytes.clone();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(mutated.len());
                match rng.below(3) {
                    0 => mutated[at] = rng.next() as u8,
                    1 => {
                        let alphabet = b"{}[]\",: 0-9\n/";
                        mutated[at] = alphabet[rng.below(alphabet.len())];
                    }
                    _ => {
                        mutated.remove(at);
                    }
                }
            }
            engine.add("mutated", &mutated, None);
        }
    }
    let _ = engine.view(Timestamp(0));
}

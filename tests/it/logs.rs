//! Event logs: Kubernetes audit logs and Falco alerts, real and hand-written, and the KPIs they
//! feed, every number worked out by hand beside its assertion.
//!
//! Real files were counted outside Posture with the Python in the comments (one JSON value per
//! line; a request counts once per `auditID`, at its first stage with a `responseStatus`).

use std::collections::BTreeMap;

use posture::core::engine::Engine;
use posture::core::evidence::PeriodChoice;
use posture::core::formats;
use posture::core::model::{EventKind, EventLog, Severity, ThreatCategory};
use posture::core::protocol::Tile;
use posture::core::time::Timestamp;

use crate::support::{fixture, read, real_dir};

/// What a log parsed to, in a form that compares and prints well.
#[derive(Debug, PartialEq)]
pub struct LogExpect {
    pub format: &'static str,
    pub records: u64,
    pub kept: BTreeMap<EventKind, usize>,
    pub first: Option<&'static str>,
    pub last: Option<&'static str>,
    pub warnings: usize,
}

fn kept(pairs: &[(EventKind, usize)]) -> BTreeMap<EventKind, usize> {
    pairs.iter().copied().collect()
}

fn summarise(log: &EventLog, warnings: usize) -> (LogExpect, Vec<String>) {
    let mut counts = BTreeMap::new();
    for e in &log.events {
        *counts.entry(e.kind).or_default() += 1;
    }
    let first = log.first.map(|t| t.to_string());
    let last = log.last.map(|t| t.to_string());
    (
        LogExpect {
            format: log.format,
            records: log.records,
            kept: counts,
            first: None,
            last: None,
            warnings,
        },
        [first, last].into_iter().flatten().collect(),
    )
}

pub fn load_log(path: &std::path::Path) -> (EventLog, Vec<String>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let parsed = formats::load(&name, &read(path)).unwrap_or_else(|e| panic!("{e}"));
    let warnings = parsed.warnings.iter().map(ToString::to_string).collect();
    match parsed.evidence {
        posture::core::model::Evidence::Events(log) => (log, warnings),
        other => panic!("{name}: not a log but {}", other.format()),
    }
}

fn check_log(path: &std::path::Path, expect: LogExpect) -> EventLog {
    let (log, warnings) = load_log(path);
    let (mut got, span) = summarise(&log, warnings.len());
    let want_span: Vec<String> = [expect.first, expect.last]
        .into_iter()
        .flatten()
        .map(String::from)
        .collect();
    assert_eq!(span, want_span, "{}", path.display());
    got.first = expect.first;
    got.last = expect.last;
    assert_eq!(got, expect, "{}: {warnings:#?}", path.display());
    log
}

use EventKind::{ExecSession, RuntimeAlert, Unauthorized, WorkloadAdmitted, WorkloadDenied};

/// The real files of the log formats, and what each holds.
pub fn real() -> Vec<(&'static str, &'static str, LogExpect)> {
    let audit = |records, kinds: &[(EventKind, usize)], first, last| LogExpect {
        format: "k8s-audit",
        records,
        kept: kept(kinds),
        first: Some(first),
        last: Some(last),
        warnings: 0,
    };
    let falco = |records, alerts, first, last| LogExpect {
        format: "falco",
        records,
        kept: kept(&[(RuntimeAlert, alerts)]),
        first: Some(first),
        last: Some(last),
        warnings: 0,
    };
    vec![
        // 37 lines, every one ResponseComplete; 11 are 403 "User \"bob\" cannot …" (RBAC, no
        // decision annotation in 2017); no workload write, no exec.
        (
            "k8s-audit",
            "audit2rbac-demo-v1.jsonl",
            audit(
                37,
                &[(Unauthorized, 11)],
                "2017-09-11T19:55:05Z",
                "2017-09-11T20:29:04Z",
            ),
        ),
        // 757 lines, 320 of them RequestReceived; the same 11 refused requests. Creates and
        // patches are of roles, bindings and clusterroles: not workloads.
        (
            "k8s-audit",
            "audit2rbac-demo-v1beta1-full.jsonl",
            audit(
                757,
                &[(Unauthorized, 11)],
                "2017-09-11T19:55:05Z",
                "2017-09-11T20:29:04Z",
            ),
        ),
        // replicaset-controller creates a Pod, 201: a controller's write, following from a
        // Deployment someone else wrote (which is what the block rate counts): not kept.
        (
            "k8s-audit",
            "falco-create-nginx-pod-privileged-v1beta1.json",
            audit(
                1,
                &[],
                "2018-10-25T14:09:12.572Z",
                "2018-10-25T14:09:12.572Z",
            ),
        ),
        // A Secret deleted, 200: nothing any metric counts.
        (
            "k8s-audit",
            "falco-delete-secret-v1.json",
            audit(
                1,
                &[],
                "2020-04-21T17:58:49.691Z",
                "2020-04-21T17:58:49.691Z",
            ),
        ),
        // `kubectl exec` (subresource exec, 101), no apiVersion.
        (
            "k8s-audit",
            "falco-exec-pod.json",
            audit(
                1,
                &[(ExecSession, 1)],
                "2018-10-26T13:38:34.867Z",
                "2018-10-26T13:38:34.867Z",
            ),
        ),
        // 8 alerts, Warning, open_from_cat; 2020's lines, with `time`.
        (
            "falco",
            "falco-golden-open-from-cat-2020-legacy.jsonl",
            falco(8, 8, "2016-08-04T16:17:57.881Z", "2016-08-04T16:17:57.882Z"),
        ),
        (
            "falco",
            "falco-golden-open-from-cat-2022.jsonl",
            falco(8, 8, "2016-08-04T16:17:57.881Z", "2016-08-04T16:17:57.882Z"),
        ),
        // 3 Warning "Disallowed K8s User" and 1 Notice "Attach/Exec Pod" (k8s_audit plugin).
        (
            "falco",
            "falco-k8saudit-plugin-ovh-blog.jsonl",
            falco(4, 4, "2025-02-10T09:15:40.698Z", "2025-02-10T09:29:46.302Z"),
        ),
        // 1 Critical "Terminal shell in container".
        (
            "falco",
            "falco-syscall-terminal-shell-docs.jsonl",
            falco(1, 1, "2023-05-25T13:44:05.478Z", "2023-05-25T13:44:05.478Z"),
        ),
    ]
}

#[test]
fn real_logs_parse_to_their_counts() {
    for (format, name, expect) in real() {
        check_log(&real_dir(format).join(name), expect);
    }
}

#[test]
fn real_falco_alerts_get_their_priority_and_category() {
    // By hand from the files: priorities as written, categories by the README's mapping.
    type Counts = &'static [(Severity, ThreatCategory, usize)];
    let cases: [(&str, Counts); 4] = [
        // tags filesystem, process, testing; source syscall → abnormal syscalls.
        (
            "falco-golden-open-from-cat-2022.jsonl",
            &[(Severity::Medium, ThreatCategory::AbnormalSyscall, 8)],
        ),
        // No tags and no source (2020): a syscall rule.
        (
            "falco-golden-open-from-cat-2020-legacy.jsonl",
            &[(Severity::Medium, ThreatCategory::AbnormalSyscall, 8)],
        ),
        // "Disallowed K8s User" (source k8s_audit, tag k8s) → other; "Attach/Exec Pod" → shell.
        (
            "falco-k8saudit-plugin-ovh-blog.jsonl",
            &[
                (Severity::Medium, ThreatCategory::Other, 3),
                (Severity::Low, ThreatCategory::ShellInContainer, 1),
            ],
        ),
        (
            "falco-syscall-terminal-shell-docs.jsonl",
            &[(Severity::Critical, ThreatCategory::ShellInContainer, 1)],
        ),
    ];
    for (name, expected) in cases {
        let (log, _) = load_log(&real_dir("falco").join(name));
        let mut got: BTreeMap<(Severity, ThreatCategory), usize> = BTreeMap::new();
        for e in &log.events {
            *got.entry((e.priority, e.category.unwrap())).or_default() += 1;
        }
        let want: BTreeMap<_, _> = expected.iter().map(|&(s, c, n)| ((s, c), n)).collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn impersonation_names_the_effective_user() {
    // The 11 refusals are system:admin impersonating alice (3), bob (4) and
    // system:serviceaccount:ns1:sa1 (4): `python3 -c "…e.get('impersonatedUser')…" | uniq -c`.
    let (log, _) = load_log(&real_dir("k8s-audit").join("audit2rbac-demo-v1.jsonl"));
    let mut actors: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &log.events {
        *actors.entry(&e.actor).or_default() += 1;
    }
    assert_eq!(
        actors,
        BTreeMap::from([
            ("alice", 3),
            ("bob", 4),
            ("system:serviceaccount:ns1:sa1", 4)
        ])
    );
}

#[test]
fn an_audit_log_with_admission_denials_a_broken_line_and_a_cut_end() {
    // tests/fixtures/k8s-audit/admission-and-access.jsonl, written from the audit.k8s.io/v1
    // Event schema and the denial messages of Gatekeeper, Kyverno and Pod Security (their docs):
    //  1 a1 RequestReceived (no outcome)     2 a1 201 create deployment     → admitted
    //  3 a2 403 Gatekeeper [must-have-owner] → denied                         4 a3 403 PodSecurity → denied
    //  5 a4 200 patch deployment → admitted  6 a5 400 Kyverno → denied
    //  7 a6 403 decision forbid → unauthorized                                8 a7 401 → unauthorized
    //  9 a8 exec ResponseStarted 101, 10 a8 ResponseComplete 101 → one exec session
    // 11 a9 dryRun create → not counted     12 a10 Gatekeeper denies a namespace → not a workload
    // 13 broken JSON → warning               14 a11 200 update statefulset → admitted
    // 15 cut in half → warning
    // Records: the 13 lines that parse. Denied 3, admitted 3, unauthorized 2, exec 1.
    let log = check_log(
        &fixture("k8s-audit/admission-and-access.jsonl"),
        LogExpect {
            format: "k8s-audit",
            records: 13,
            kept: kept(&[
                (Unauthorized, 2),
                (WorkloadDenied, 3),
                (WorkloadAdmitted, 3),
                (ExecSession, 1),
            ]),
            first: Some("2026-11-16T09:00:00.120Z"),
            last: Some("2026-11-18T03:00:00.120Z"),
            warnings: 2,
        },
    );
    let denied: Vec<(&str, &str)> = log
        .events
        .iter()
        .filter(|e| e.kind == WorkloadDenied)
        .map(|e| (&*e.target, &*e.rule))
        .collect();
    assert_eq!(
        denied,
        [
            (
                "deployments/shop/api",
                "validation.gatekeeper.sh [must-have-owner]"
            ),
            ("pods/shop/debug", "PodSecurity restricted:latest"),
            ("deployments/shop/worker", "validate.kyverno.svc-fail"),
        ]
    );
    let exec = log.events.iter().find(|e| e.kind == ExecSession).unwrap();
    assert_eq!(
        (&*exec.actor, &*exec.scope, &*exec.detail),
        ("carol", "shop", "app")
    );
    let (_, warnings) = load_log(&fixture("k8s-audit/admission-and-access.jsonl"));
    assert!(
        warnings[0].starts_with("line skipped: invalid JSON"),
        "{warnings:?}"
    );
    assert!(
        warnings[0].ends_with("(line 13, column 59)"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("line skipped: it is cut off (line 15"),
        "{warnings:?}"
    );
}

#[test]
fn falco_alerts_after_startup_lines_with_duplicates_and_a_cut_end() {
    // tests/fixtures/falco/alerts-with-startup-lines.jsonl, shaped as Falco 0.39 writes
    // `json_output` (falco.yaml docs), 2020's shape (no source, tags, hostname; time only in
    // output_fields evt.time) and falcosidekick's `uuid`:
    //  two start-up text lines (skipped, not records)
    //  A1 Critical Terminal shell in container       → critical, shell
    //  A2 Error release_agent escape (T1611)          → high, container escape
    //  A3 Warning Read sensitive file untrusted       → medium, sensitive file access
    //  A4 Error Clear Log Activities (syscall)        → high, abnormal syscalls
    //  A1 again, byte for byte                        → counted once
    //  A6 Notice Write below etc, 2020 shape           → low, abnormal syscalls, at 2026-11-18T00:00Z
    //  A7 Critical Launch Privileged Container, uuid   → critical, container escape
    //  A7 again as falcosidekick relays it (same time, host, rule, output) → counted once
    //  a last line cut in half                        → warning
    // Records: 8 JSON lines read; 6 alerts kept.
    let log = check_log(
        &fixture("falco/alerts-with-startup-lines.jsonl"),
        LogExpect {
            format: "falco",
            records: 8,
            kept: kept(&[(RuntimeAlert, 6)]),
            first: Some("2026-11-17T10:00:00.123Z"),
            last: Some("2026-11-18T01:00:00Z"),
            warnings: 1,
        },
    );
    let got: Vec<(Severity, ThreatCategory)> = log
        .events
        .iter()
        .map(|e| (e.priority, e.category.unwrap()))
        .collect();
    use ThreatCategory::*;
    assert_eq!(
        got,
        [
            (Severity::Critical, ShellInContainer),
            (Severity::High, ContainerEscape),
            (Severity::Medium, SensitiveFileAccess),
            (Severity::High, AbnormalSyscall),
            (Severity::Low, AbnormalSyscall),
            (Severity::Critical, ContainerEscape),
        ]
    );
    assert_eq!(
        log.note.as_deref(),
        Some("host node-1, 2 lines of Falco's own log skipped")
    );
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn tile<'v>(tiles: &'v [Tile], id: &str) -> &'v Tile {
    tiles.iter().find(|t| t.id == id).unwrap()
}

#[test]
fn detection_kpis_from_an_audit_log_and_falco_alerts() {
    let mut engine = Engine::default();
    for name in [
        "k8s-audit/admission-and-access.jsonl",
        "falco/alerts-with-startup-lines.jsonl",
    ] {
        let rows = engine.add(name, &read(&fixture(name)), None);
        assert!(rows[0].error.is_none(), "{name}: {:?}", rows[0].error);
    }
    let view = engine.view(at("2026-12-01T00:00:00Z"));
    // Block rate: 3 denied ÷ (3 denied + 3 admitted) = 50 %, target ≤ 5 % → off track.
    let block = tile(&view.tiles, "deployment_block_rate");
    assert_eq!(
        (
            block.value,
            block.numerator,
            block.denominator,
            block.status.as_str()
        ),
        (Some(50.0), Some(3.0), Some(6.0), "off_track")
    );
    // All data spans 2026-11-16T09:00:00.120Z (audit a1) to 2026-11-18T03:00:00.120Z (a11):
    // 42 h. Its halves meet at 2026-11-17T06:00:00.120Z. Unauthorized attempts: a6
    // (11-17 11:00) and a7 (11-18 01:00) in the later half, none in the earlier one. Each half
    // is under a week, so rates are per (at least) one week: 2 / week against 0 / week.
    let unauthorized = tile(&view.tiles, "unauthorized_api_attempts");
    assert_eq!(
        (
            unauthorized.value,
            unauthorized.numerator,
            unauthorized.status.as_str()
        ),
        (Some(2.0), Some(2.0), "off_track")
    );
    assert_eq!(
        unauthorized.target_text,
        "no more than in the previous period (0 / week)"
    );
    // Runtime threats: priority high or above — A1, A2, A4, A7 — over a window shorter than a
    // week: 4 / week. Categories: shell 1, escape 2, abnormal syscalls 1.
    let threats = tile(&view.tiles, "runtime_threats");
    assert_eq!(
        (threats.value, threats.numerator, threats.status.as_str()),
        (Some(4.0), Some(4.0), "off_track")
    );
    assert!(
        threats.notes.contains(
            &"by category: container escape 2, shell in container 1, abnormal syscalls 1".into()
        ),
        "{:?}",
        threats.notes
    );
    assert!(
        threats
            .notes
            .contains(&"2 lower-priority alerts are not counted (see Metrics)".into())
    );
    // Both logs count toward coverage.
    let coverage = tile(&view.tiles, "log_coverage");
    assert!(
        coverage
            .notes
            .iter()
            .any(|n| n.contains("Kubernetes audit logs") && n.contains("runtime alerts (Falco)")),
        "{:?}",
        coverage.notes
    );
}

#[test]
fn the_same_events_in_two_files_count_once() {
    // The same audit log dropped twice (a re-export): every event has the same key.
    let bytes = read(&fixture("k8s-audit/admission-and-access.jsonl"));
    let mut engine = Engine::default();
    engine.add("audit-1.jsonl", &bytes, None);
    engine.add("audit-2.jsonl", &bytes, None);
    let view = engine.view(at("2026-12-01T00:00:00Z"));
    let block = tile(&view.tiles, "deployment_block_rate");
    assert_eq!((block.numerator, block.denominator), (Some(3.0), Some(6.0)));
}

#[test]
fn the_last_seven_days_compare_with_the_seven_before() {
    // Now 2026-11-20T00:00Z: the last 7 days are the instants after 11-13T00:00 up to now, the
    // 7 before those after 11-06T00:00 up to 11-13T00:00 (so they read 11-06 to 11-13).
    // All of the audit log lies in the last 7 days; the previous week has no log at all, so
    // there is no previous rate and no status, and the tile says why.
    let mut engine = Engine::default();
    let name = "k8s-audit/admission-and-access.jsonl";
    engine.add(name, &read(&fixture(name)), None);
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2026-11-20T00:00:00Z"));
    let unauthorized = tile(&view.tiles, "unauthorized_api_attempts");
    assert_eq!(
        (unauthorized.value, unauthorized.status.as_str()),
        (Some(2.0), "no_data")
    );
    assert_eq!(unauthorized.status_label, "Not judged");
    assert_eq!(
        unauthorized.missing.as_deref(),
        Some(
            "no status — the sources cover too little of the previous 7 days (2026-11-06 to \
             2026-11-13: none) to compare with"
        )
    );
}

#[test]
fn the_sample_gives_every_detection_and_response_tile_a_value() {
    let mut engine = Engine::default();
    let responses = engine.handle(
        posture::core::protocol::Request::LoadSample,
        at("2026-12-01T00:00:00Z"),
    );
    let view = responses
        .iter()
        .find_map(|r| match r {
            posture::core::protocol::Response::View(v) => Some(v.clone()),
            _ => None,
        })
        .unwrap();
    // Every tile of detection and response has a value from the sample's logs and incidents.
    for id in [
        "mttd",
        "mttr",
        "false_positive_rate",
        "incident_rate_change",
        "deployment_block_rate",
        "unauthorized_api_attempts",
        "runtime_threats",
    ] {
        let t = tile(&view.tiles, id);
        assert!(
            t.value.is_some() && t.status != "no_data",
            "{id}: {:?} {} {:?}",
            t.value,
            t.status,
            t.missing
        );
    }
    let sections: Vec<&str> = view
        .metrics
        .sections
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        sections,
        [
            "vulnerability-time",
            "compliance",
            "identity",
            "admission",
            "runtime",
            "incidents",
            "other-metrics"
        ]
    );
    // And every one of the 19 tiles has a value.
    let empty: Vec<(&str, Option<&str>)> = view
        .tiles
        .iter()
        .filter(|t| t.value.is_none())
        .map(|t| (t.id.as_str(), t.missing.as_deref()))
        .collect();
    assert!(empty.is_empty(), "{empty:#?}");
}

#[test]
fn the_analysis_is_computed_once_per_change_not_per_request() {
    // The audit log's refusals happen on 11-17 and 11-18. Viewed on 11-20 over the last 7
    // days, both count; a scorecard exported "later" (12-30) without any change reuses that
    // analysis instead of recomputing it for a window that no longer holds them.
    let mut engine = Engine::default();
    let name = "k8s-audit/admission-and-access.jsonl";
    engine.add(name, &read(&fixture(name)), None);
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2026-11-20T00:00:00Z"));
    assert_eq!(
        tile(&view.tiles, "unauthorized_api_attempts").numerator,
        Some(2.0)
    );
    let later = engine.scorecard(at("2026-12-30T00:00:00Z"));
    let kpi = later
        .kpis
        .iter()
        .find(|k| k.id == "unauthorized_api_attempts")
        .unwrap();
    assert_eq!(kpi.numerator, Some(2.0));
    // A change (the period chosen again) computes afresh, for the new now: the log has no
    // record in the last 7 days before 12-30.
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2026-12-30T00:00:00Z"));
    let again = tile(&view.tiles, "unauthorized_api_attempts");
    assert_eq!(again.numerator, None);
    assert!(
        again
            .missing
            .as_deref()
            .unwrap()
            .contains("no record in this period")
    );
}

/// An audit Event line: `(auditID, verb, resource, namespace, user, code, message, annotations)`.
fn audit_line(
    id: &str,
    (verb, resource, namespace, user): (&str, &str, &str, &str),
    code: u16,
    message: &str,
    annotations: &str,
) -> String {
    format!(
        r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"{id}","stage":"ResponseComplete","verb":"{verb}","requestURI":"/x","user":{{"username":"{user}"}},"objectRef":{{"resource":"{resource}","namespace":"{namespace}"}},"responseStatus":{{"code":{code},"message":{message:?}}},"requestReceivedTimestamp":"2026-11-18T10:00:0{}Z","annotations":{{{annotations}}}}}"#,
        id.len() % 10
    )
}

fn block_rate(lines: &[String]) -> (Option<f64>, Option<f64>, Vec<String>) {
    let mut engine = Engine::default();
    engine.add("audit.jsonl", lines.join("\n").as_bytes(), None);
    let view = engine.view(at("2026-12-01T00:00:00Z"));
    let t = tile(&view.tiles, "deployment_block_rate");
    (t.numerator, t.denominator, t.notes.clone())
}

#[test]
fn only_refused_requests_are_denials_and_only_successful_ones_admitted() {
    let deploy = ("create", "deployments", "shop", "alice");
    let audit_mode = r#""validation.policy.admission.k8s.io/validation_failure":"[{\"message\":\"too many replicas\",\"policy\":\"replica-limit\",\"binding\":\"b\",\"expressionIndex\":0,\"validationActions\":[\"Audit\"]}]""#;
    let lines = [
        // A ValidatingAdmissionPolicy in Audit mode annotates a request it lets through (201).
        audit_line("a1", deploy, 201, "", audit_mode),
        audit_line("a2", deploy, 201, "", ""),
        // Refused for reasons that are no policy's: exists already, invalid, quota.
        audit_line(
            "a3",
            deploy,
            409,
            r#"deployments.apps "web" already exists"#,
            "",
        ),
        audit_line("a4", deploy, 422, "Deployment.apps \"web\" is invalid", ""),
        // A webhook that cannot be called (failurePolicy Fail): an outage, noted.
        audit_line(
            "a5",
            deploy,
            500,
            r#"Internal error occurred: failed calling webhook "validation.gatekeeper.sh": context deadline exceeded"#,
            "",
        ),
        // A real denial.
        audit_line(
            "a6",
            deploy,
            403,
            r#"admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] no owner"#,
            "",
        ),
    ];
    // Denied: a6. Admitted: a1 and a2 (201). a3, a4 and a5 reached no admission verdict.
    let (denied, total, notes) = block_rate(&lines);
    assert_eq!((denied, total), (Some(1.0), Some(3.0)));
    assert!(
        notes.iter().all(|n| !n.contains("replica-limit")),
        "{notes:?}"
    );
    let (log, _) = {
        let parsed = formats::load("audit.jsonl", lines.join("\n").as_bytes()).unwrap();
        match parsed.evidence {
            posture::core::model::Evidence::Events(log) => (log, parsed.warnings),
            _ => unreachable!(),
        }
    };
    assert!(
        log.note.as_deref().unwrap_or("").contains(
            "1 workload requests refused because an admission webhook could not be called"
        ),
        "{:?}",
        log.note
    );
}

#[test]
fn a_controllers_retries_of_refused_pods_are_one_workload_not_many_blocked_deployments() {
    // One Deployment created (201); its ReplicaSet's controller then tries nine times to
    // create a pod that Pod Security refuses. The deployment request itself was admitted: the
    // block rate is 0 of 1, and the refused pods count once (one workload, one policy, one day)
    // as a controller's refusal.
    let controller = (
        "create",
        "pods",
        "shop",
        "system:serviceaccount:kube-system:replicaset-controller",
    );
    let mut lines = vec![audit_line(
        "d0",
        ("create", "deployments", "shop", "alice"),
        201,
        "",
        "",
    )];
    for (i, suffix) in [
        "x2k9q", "b7m2p", "q9z8w", "abcde", "fg7hj", "kl3mn", "pq4rs", "tv5wx", "yz6ab",
    ]
    .iter()
    .enumerate()
    {
        let message = format!(
            r#"pods "web-7d9f8c6b5-{suffix}" is forbidden: violates PodSecurity "restricted:latest": privileged"#
        );
        lines.push(audit_line(&format!("p{i}"), controller, 403, &message, ""));
    }
    let (denied, total, _) = block_rate(&lines);
    assert_eq!((denied, total), (Some(0.0), Some(1.0)));
    let mut engine = Engine::default();
    engine.add("audit.jsonl", lines.join("\n").as_bytes(), None);
    let activity = engine.analyse(at("2026-12-01T00:00:00Z")).activity;
    assert_eq!(activity.count(EventKind::ControllerDenied), 1);
    assert_eq!(
        activity.denials_by_policy["PodSecurity restricted:latest"],
        1
    );
}

#[test]
fn the_same_falco_alert_from_falco_and_falcosidekick_counts_once_and_untimed_ones_apart() {
    // Falco's own line, and falcosidekick's copy of it (a `uuid` added, the time's trailing zero
    // trimmed by Go's RFC3339Nano): one alert.
    let falco = r#"{"hostname":"n1","output":"12:00:00.123456780: Error bad (x=1)","priority":"Error","rule":"R","source":"syscall","tags":[],"time":"2026-11-18T12:00:00.123456780Z","output_fields":{}}"#;
    let sidekick = r#"{"uuid":"0b2c0e7e-6f2a-4c55-9f3e-3c1d2a9b8e11","hostname":"n1","output":"12:00:00.123456780: Error bad (x=1)","priority":"Error","rule":"R","source":"syscall","tags":[],"time":"2026-11-18T12:00:00.12345678Z","output_fields":{}}"#;
    let mut engine = Engine::default();
    engine.add("falco.jsonl", falco.as_bytes(), None);
    engine.add("sidekick.jsonl", sidekick.as_bytes(), None);
    let activity = engine.analyse(at("2026-12-01T00:00:00Z")).activity;
    assert_eq!(activity.count(RuntimeAlert), 1);
    // Two 2020-style lines with the same rule and output but no `time`, days apart by
    // `evt.time`: two alerts.
    let old = |ns: u64| {
        format!(
            r#"{{"output":"Warning x","priority":"Warning","rule":"R","output_fields":{{"evt.time":{ns}}}}}"#
        )
    };
    let text = format!(
        "{}\n{}\n",
        old(1_794_960_000_000_000_000),
        old(1_795_132_800_000_000_000)
    );
    let (log, _) = {
        let parsed = formats::load("old.jsonl", text.as_bytes()).unwrap();
        match parsed.evidence {
            posture::core::model::Evidence::Events(log) => (log, parsed.warnings),
            _ => unreachable!(),
        }
    };
    assert_eq!((log.records, log.events.len()), (2, 2));
}

#[test]
fn a_log_of_many_untimed_records_makes_few_warnings() {
    // 500 audit events with an outcome but no time: 20 warnings kept, then one that counts the
    // other 480.
    let line = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x","stage":"ResponseComplete","verb":"get","responseStatus":{"code":200}}"#;
    let text = vec![line; 500].join("\n");
    let parsed = formats::load("audit.jsonl", text.as_bytes()).unwrap();
    assert_eq!(parsed.warnings.len(), 21);
    assert_eq!(
        parsed.warnings[20].to_string(),
        "480 more records skipped for the same kinds of reasons"
    );
}

/// One RBAC refusal a day at noon, from `first` for `days` days.
fn daily_refusals(first: &str, days: i64) -> String {
    let start = at(first);
    (0..days)
        .map(|d| {
            let t = posture::core::time::Timestamp(start.0 + d * 86_400_000);
            format!(
                r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"r{d}","stage":"ResponseComplete","verb":"get","user":{{"username":"eve"}},"objectRef":{{"resource":"secrets","namespace":"a"}},"responseStatus":{{"code":403}},"annotations":{{"authorization.k8s.io/decision":"forbid"}},"requestReceivedTimestamp":"{t}"}}"#
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_steady_rate_is_steady_whatever_else_is_loaded() {
    // One refusal a day, 11-08 to 11-19 at noon (12), and an incident on 11-01 that widens
    // "all data". The comparison halves what the logs cover (11-08 12:00 to 11-19 12:00, middle
    // 11-14 00:00): 6 against 6, each half under a week → 6 / week against 6 / week: on track.
    let mut engine = Engine::default();
    engine.add(
        "audit.jsonl",
        daily_refusals("2026-11-08T12:00:00Z", 12).as_bytes(),
        None,
    );
    let incident = "id,alert_time\nINC-1,2026-11-01T00:00:00Z\n";
    engine.add("incidents.csv", incident.as_bytes(), None);
    let view = engine.view(at("2026-12-01T00:00:00Z"));
    let u = tile(&view.tiles, "unauthorized_api_attempts");
    assert_eq!((u.value, u.status.as_str()), (Some(6.0), "on_track"));
    assert_eq!(
        u.target_text,
        "no more than in the previous period (6 / week)"
    );

    // The last 7 days before 11-20 00:00 (11-13 to 11-20) hold 7 refusals (11-13 … 11-19),
    // over 6.5 covered days → at least a week → 7 / week. The 7 days before (11-06 to 11-12)
    // are covered from 11-08 noon only (4.5 of 7 days, more than half): 5 refusals (11-08 …
    // 11-12) over 4.5 days → 5 / week. 7 against 5: off track, both rates from covered days.
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2026-11-20T00:00:00Z"));
    let u = tile(&view.tiles, "unauthorized_api_attempts");
    assert_eq!((u.value, u.status.as_str()), (Some(7.0), "off_track"));
    assert_eq!(
        u.target_text,
        "no more than in the previous period (5 / week)"
    );

    // Logs that reach only a sliver of the previous week are not compared with: here from
    // 11-12 noon, half a day of 7.
    let mut engine = Engine::default();
    engine.add(
        "audit.jsonl",
        daily_refusals("2026-11-12T12:00:00Z", 8).as_bytes(),
        None,
    );
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2026-11-20T00:00:00Z"));
    let u = tile(&view.tiles, "unauthorized_api_attempts");
    assert_eq!((u.value, u.status.as_str()), (Some(7.0), "no_data"));
}

#[test]
fn runtime_threats_are_per_week_of_the_alert_logs_not_of_other_evidence() {
    // 14 Error alerts on 11-18, and an incident six months before: per week of what the Falco
    // log covers (one day, so a week at least): 14 / week, not 14 over 26 weeks.
    let alerts: Vec<String> = (0..14)
        .map(|i| {
            format!(
                r#"{{"output":"x{i}","priority":"Error","rule":"R","source":"syscall","tags":[],"time":"2026-11-18T1{}:00:00Z","output_fields":{{}}}}"#,
                i % 10
            )
        })
        .collect();
    let mut engine = Engine::default();
    engine.add("falco.jsonl", alerts.join("\n").as_bytes(), None);
    engine.add(
        "old.csv",
        b"id,alert_time\nINC-1,2026-05-20T00:00:00Z\n",
        None,
    );
    let view = engine.view(at("2026-12-01T00:00:00Z"));
    let t = tile(&view.tiles, "runtime_threats");
    assert_eq!(
        (t.value, t.numerator, t.denominator),
        (Some(14.0), Some(14.0), Some(1.0))
    );
    assert!(
        t.notes
            .iter()
            .any(|n| n.starts_with("the logs cover 2026-11-18 to 2026-11-18")),
        "{:?}",
        t.notes
    );
}

#[test]
fn an_event_list_is_read_an_event_at_a_time_and_a_cut_one_keeps_what_came_before() {
    // The 37 events of audit2rbac-demo-v1.jsonl as one EventList (kubectl's shape), and as a
    // bare JSON array: the same 11 refusals.
    let lines = String::from_utf8(read(
        &real_dir("k8s-audit").join("audit2rbac-demo-v1.jsonl"),
    ))
    .unwrap();
    let events: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
    let list = format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{{}},"items":[{}]}}"#,
        events.join(",\n")
    );
    let array = format!("[{}]", events.join(",\n"));
    for (name, text) in [("list.json", &list), ("array.json", &array)] {
        let parsed = formats::load(name, text.as_bytes()).unwrap();
        let log = parsed.evidence.events().unwrap();
        assert_eq!((log.records, log.count(Unauthorized)), (37, 11), "{name}");
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
    }
    // Cut inside the 21st event: the 20 before it load (lines 1–20 of the original, 7 refusals
    // among them: `head -20 audit2rbac-demo-v1.jsonl | grep -c '"code":403'`), and the cut is a
    // warning.
    let cut_at = list.match_indices("\n{").nth(19).unwrap().0 + 40;
    let parsed = formats::load("list.json", &list.as_bytes()[..cut_at]).unwrap();
    let log = parsed.evidence.events().unwrap();
    assert_eq!((log.records, log.count(Unauthorized)), (20, 7));
    let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "the file ends early; the events before it are loaded, none after (line 21"
        ),
        "{warnings:?}"
    );
}

#[test]
fn every_log_format_keeps_twenty_warnings_and_counts_the_rest() {
    // Each file: one good record and 25 bad ones → 20 warnings kept, then one counting the
    // other 5.
    let good_call = r#"{"eventVersion":"1.09","eventID":"e-1","eventTime":"2026-11-18T08:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1"}"#;
    let untimed_call = r#"{"eventVersion":"1.09","eventID":"e-2","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1"}"#;
    let trail = format!(
        r#"{{"Records":[{good_call},{}]}}"#,
        vec![untimed_call; 25].join(",")
    );
    let incidents = format!(
        "id,title,severity,source,event_time,alert_time,contained_time,resolved_time,false_positive,status\n\
         INC-1,Phish,high,EDR,2026-11-02T08:00:00Z,2026-11-02T10:00:00Z,,,false,open\n{}",
        ",No id,high,EDR,2026-11-02T08:00:00Z,,,,false,open\n".repeat(25)
    );
    let metrics = format!(
        "date,metric,value,source\n2026-11-02,phishing emails blocked,388,M365\n{}",
        "2026-11-02,phishing emails blocked,many,M365\n".repeat(25)
    );
    for (name, text, last) in [
        (
            "trail.json",
            trail,
            "5 more records skipped for the same kinds of reasons",
        ),
        ("incidents.csv", incidents, "5 more warnings like these"),
        (
            "security-metrics.csv",
            metrics,
            "5 more rows skipped for the same kinds of reasons",
        ),
    ] {
        let parsed = formats::load(name, text.as_bytes()).unwrap();
        let messages: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(messages.len(), 21, "{name}: {messages:#?}");
        assert_eq!(messages[20], last, "{name}");
    }
}

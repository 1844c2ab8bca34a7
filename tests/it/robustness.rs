//! Parsing never panics: random bytes, and real files cut and mutated, go through detection and
//! every parser. Deterministic (a fixed-seed generator), so a failure reproduces.

use posture::core::engine::Engine;
use posture::core::formats;

use crate::rng::Rng;
use crate::support::{add_one, read, real_dir};

/// Every real file of every registered format, in a fixed order.
fn real_files() -> Vec<(&'static str, Vec<u8>)> {
    let mut all = Vec::new();
    for format in formats::FORMATS {
        // Formats with no real file in shared/ are covered by their own fixtures.
        let Ok(dir) = std::fs::read_dir(real_dir(format.id)) else {
            continue;
        };
        let mut files: Vec<_> = dir.map(|e| e.unwrap().path()).collect();
        files.sort();
        all.extend(files.iter().map(|p| (format.id, read(p))));
    }
    all
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed);
    for round in 0..2_000 {
        let len = rng.below(if round % 10 == 0 { 4096 } else { 64 });
        let alphabet: &[u8] = if round % 2 == 0 {
            b"{}[]\":,0123456789-.eEtrufalsn \n\\u"
        } else {
            &[]
        };
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if alphabet.is_empty() {
                    rng.next() as u8
                } else {
                    alphabet[rng.below(alphabet.len())]
                }
            })
            .collect();
        let _ = formats::load("random.json", &bytes);
    }
}

/// Formats read a record at a time: a log cut mid-line loads every complete line.
const LOGS: &[&str] = &[
    "trufflehog",
    "falco",
    "k8s-audit",
    "cloudtrail",
    "containerd-events",
];

#[test]
fn cut_real_files_fail_cleanly() {
    for (format, bytes) in real_files() {
        // YAML closes nothing: a cut document is a whole, shorter one. It must only not panic.
        let head = posture::core::sniff::sniff(&bytes);
        let yaml = head.shape == posture::core::sniff::Shape::Text
            && posture::core::yaml::looks_like_yaml(head.head);
        let step = (bytes.len() / 60).max(1);
        for end in (0..bytes.len()).step_by(step) {
            let result = formats::load("cut.json", &bytes[..end]);
            let whole = bytes[end..].iter().all(|b| b.is_ascii_whitespace());
            let lines = LOGS.contains(&format) && bytes[..end].contains(&b'\n');
            if whole {
                continue;
            }
            let last_line = &bytes[bytes[..end]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)..end];
            let last_whole = serde_json::from_slice::<serde::de::IgnoredAny>(last_line).is_ok();
            if lines && !last_whole {
                // Cut inside a line after the first: the complete lines load, the cut one is a
                // warning naming its line.
                if let Ok(parsed) = &result {
                    assert!(
                        parsed.warnings.iter().any(|w| w.location.line.is_some()),
                        "{format}: cut at {end} loaded without a warning"
                    );
                }
            } else if !lines && !yaml {
                // A cut document is never mistaken for a whole one.
                assert!(result.is_err(), "{format}: cut at {end} loaded");
            }
        }
    }
}

#[test]
fn mutated_real_files_never_panic() {
    let mut rng = Rng(42);
    let files = real_files();
    let mut engine = Engine::default();
    for round in 0..3_000 {
        let mut bytes = files[round % files.len()].1.clone();
        for _ in 0..1 + rng.below(8) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] = rng.next() as u8,
                1 => bytes[at] = b"{}[]\",:0-9nt"[rng.below(12)],
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"\"{[,"[rng.below(4)]),
            }
        }
        // Through the engine too: whatever loads must also aggregate without panicking.
        engine.add("mutated.json", &bytes, None);
    }
    let view = engine.view(posture::core::time::Timestamp(0));
    assert_eq!(view.tiles.len(), 19);
}

/// A JSON value of a random type: what a field of the wrong type looks like.
fn random_value(rng: &mut Rng, depth: usize) -> String {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => "null".into(),
        1 => ["true", "false"][rng.below(2)].into(),
        2 => format!("{}", rng.next() as i64 % 1000),
        3 => format!("{:e}", rng.next() as f64),
        4 => {
            let strings = [
                "",
                " ",
                "CRITICAL",
                "high",
                "not_affected",
                "FAIL",
                "PASS",
                "EXCEPTION",
                "2026-01-01T00:00:00Z",
                "é\u{2028}\u{10ffff}",
                "\\\"",
                "os-pkgs",
                "secret",
                "config",
                "C:\\\\x.tar",
                "<img src=x>",
            ];
            serde_json::to_string(strings[rng.below(strings.len())]).unwrap()
        }
        5 => format!(
            "[{}]",
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect::<Vec<_>>()
                .join(",")
        ),
        _ => format!("{{\"x\":{}}}", random_value(rng, depth + 1)),
    }
}

/// Whether `random_object` may give fields values of the wrong type.
static WRONG_TYPES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// An object with the given keys, each present or not, with a plausible or a random value.
/// A field name and how to make a plausible value for it.
type Field<'f> = (&'f str, &'f dyn Fn(&mut Rng) -> String);

fn random_object(rng: &mut Rng, fields: &[Field]) -> String {
    let mut parts = Vec::new();
    for (key, plausible) in fields {
        // One wrong field anywhere fails the whole file, so only some documents get them: the
        // success paths (aggregating odd but well-typed values) need exercising too.
        let wrong_types = WRONG_TYPES.load(std::sync::atomic::Ordering::Relaxed);
        match rng.below(40) {
            0..=2 => {}
            3 if wrong_types => parts.push(format!("\"{key}\":{}", random_value(rng, 0))),
            _ => parts.push(format!("\"{key}\":{}", plausible(rng))),
        }
    }
    format!("{{{}}}", parts.join(","))
}

#[test]
fn random_trivy_shaped_documents_never_panic() {
    let mut rng = Rng(7);
    let mut engine = Engine::default();
    let text = |choices: &'static [&'static str]| {
        move |rng: &mut Rng| serde_json::to_string(choices[rng.below(choices.len())]).unwrap()
    };
    let severity = text(&["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN", "bogus", ""]);
    let id = text(&["CVE-1", "CVE-2", "KSV-1", "aws-key", ""]);
    let words = text(&["a", "b c", "<x>", "", "é"]);
    let line = |rng: &mut Rng| format!("{}", rng.below(5));
    let list = |rng: &mut Rng, item: &dyn Fn(&mut Rng) -> String| {
        format!(
            "[{}]",
            (0..rng.below(4))
                .map(|_| item(rng))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let (mut loaded, mut streamed) = (0, 0);
    for _ in 0..1_500 {
        let vulnerability = |rng: &mut Rng| {
            random_object(
                rng,
                &[
                    ("VulnerabilityID", &id),
                    ("PkgName", &words),
                    ("InstalledVersion", &words),
                    ("FixedVersion", &words),
                    ("Severity", &severity),
                    ("Status", &text(&["fixed", "affected", "not_affected", ""])),
                    ("Title", &words),
                ],
            )
        };
        let misconfiguration = |rng: &mut Rng| {
            random_object(
                rng,
                &[
                    ("ID", &id),
                    ("AVDID", &id),
                    ("Title", &words),
                    ("Message", &words),
                    ("Severity", &severity),
                    ("Status", &text(&["FAIL", "PASS", "EXCEPTION", ""])),
                    ("CauseMetadata", &|rng: &mut Rng| {
                        random_object(rng, &[("StartLine", &line)])
                    }),
                ],
            )
        };
        let secret = |rng: &mut Rng| {
            random_object(
                rng,
                &[
                    ("RuleID", &id),
                    ("Title", &words),
                    ("Severity", &severity),
                    ("StartLine", &line),
                    ("Match", &words),
                ],
            )
        };
        let result = |rng: &mut Rng| {
            random_object(
                rng,
                &[
                    ("Target", &words),
                    (
                        "Class",
                        &text(&["os-pkgs", "lang-pkgs", "config", "secret", "license"]),
                    ),
                    ("Vulnerabilities", &|rng: &mut Rng| {
                        list(rng, &vulnerability)
                    }),
                    ("Misconfigurations", &|rng: &mut Rng| {
                        list(rng, &misconfiguration)
                    }),
                    ("MisconfSummary", &|rng: &mut Rng| {
                        random_object(rng, &[("Successes", &line), ("Failures", &line)])
                    }),
                    ("Secrets", &|rng: &mut Rng| list(rng, &secret)),
                    ("Licenses", &|rng: &mut Rng| {
                        list(rng, &|_: &mut Rng| "{}".to_string())
                    }),
                ],
            )
        };
        let resource = |rng: &mut Rng| {
            random_object(
                rng,
                &[
                    ("Namespace", &words),
                    ("Kind", &words),
                    ("Name", &words),
                    ("Error", &words),
                    ("Results", &|rng: &mut Rng| list(rng, &result)),
                ],
            )
        };
        WRONG_TYPES.store(rng.below(3) == 0, std::sync::atomic::Ordering::Relaxed);
        let doc = random_object(
            &mut rng,
            &[
                ("SchemaVersion", &|rng: &mut Rng| {
                    ["2", "1", "3"][rng.below(3)].to_string()
                }),
                (
                    "CreatedAt",
                    &text(&[
                        "2026-01-01T00:00:00Z",
                        "yesterday",
                        "2026-02-30T00:00:00Z",
                        "",
                    ]),
                ),
                (
                    "ArtifactName",
                    &text(&["app:1", ".", "", "C:\\x.tar", "a/b@sha256:1"]),
                ),
                (
                    "ArtifactType",
                    &text(&["container_image", "repository", "filesystem", "vm"]),
                ),
                ("ClusterName", &words),
                ("Results", &|rng: &mut Rng| list(rng, &result)),
                ("Resources", &|rng: &mut Rng| list(rng, &resource)),
                ("Vulnerabilities", &|rng: &mut Rng| list(rng, &resource)),
                ("Misconfigurations", &|rng: &mut Rng| list(rng, &resource)),
            ],
        );
        let modified = posture::core::time::Timestamp(rng.below(5) as i64 * 86_400_000);
        let row = add_one(&mut engine, "shaped.json", doc.as_bytes(), Some(modified));
        loaded += usize::from(row.error.is_none());
        // Read while it arrives, it gives the same, or it is read whole.
        streamed += usize::from(crate::stream::check("trivy", "shaped.json", doc.as_bytes()));
    }
    assert!(streamed > 300, "only {streamed} documents streamed");
    // The generator is meant to reach the parser's success paths too, not only its errors.
    assert!(loaded > 500, "only {loaded} documents loaded");
    for choice in posture::core::evidence::PeriodChoice::CHOICES {
        engine.set_period(choice);
        let _ = engine.view(posture::core::time::Timestamp(10 * 86_400_000));
        let _ = engine.scorecard(posture::core::time::Timestamp(10 * 86_400_000));
    }
}

/// For each format: a document of the wrong shape and one with a field of the wrong type, each
/// recognised as that format and failing with the path of what is wrong.
const MISSHAPEN: &[(&str, &str, &str, &str)] = &[
    // (format, wrong shape, wrong type, path of the wrong type)
    (
        "trivy",
        r#"{"SchemaVersion":2,"ArtifactName":"a","Results":{"x":1}}"#,
        r#"{"SchemaVersion":2,"ArtifactName":"a","Results":[{"Vulnerabilities":[{"VulnerabilityID":5}]}]}"#,
        "Results[0].Vulnerabilities[0].VulnerabilityID",
    ),
    (
        "grype",
        r#"{"matches":{"a":1},"descriptor":{"name":"grype"}}"#,
        r#"{"matches":[{"vulnerability":{"id":1},"artifact":{}}],"descriptor":{"name":"grype"}}"#,
        "matches[0].vulnerability.id",
    ),
    (
        "osv-scanner",
        r#"{"results":[{"source":{},"packages":{}}]}"#,
        r#"{"results":[{"source":{"path":3},"packages":[]}]}"#,
        "results[0].source.path",
    ),
    (
        "npm-audit",
        r#"{"auditReportVersion":2,"vulnerabilities":[]}"#,
        r#"{"auditReportVersion":2,"vulnerabilities":{"a":{"via":[{"title":5}]}}}"#,
        "vulnerabilities.a.via[0].title",
    ),
    (
        "sarif",
        r#"{"version":"2.1.0","runs":{}}"#,
        r#"{"version":"2.1.0","runs":[{"results":[{"ruleId":7}]}]}"#,
        "runs[0].results[0].ruleId",
    ),
    (
        "semgrep",
        r#"{"results":[{"check_id":"a","extra":[]}]}"#,
        r#"{"results":[{"check_id":1,"extra":{}}]}"#,
        "results[0].check_id",
    ),
    (
        "bandit",
        r#"{"generated_at":"x","metrics":{"_totals":{}},"results":{}}"#,
        r#"{"generated_at":"x","results":[{"test_id":1,"issue_severity":"LOW"}],"metrics":{}}"#,
        "results[0].test_id",
    ),
    (
        "checkov",
        r#"{"check_type":"terraform","results":[]}"#,
        r#"{"check_type":"terraform","results":{"failed_checks":[{"check_id":1}]}}"#,
        "results.failed_checks[0].check_id",
    ),
    (
        "gitleaks",
        r#"[{"RuleID":"a","File":"b"},5]"#,
        r#"[{"RuleID":5,"File":"b"}]"#,
        "[0].RuleID",
    ),
    (
        "trufflehog",
        r#"{"DetectorName":"a","SourceMetadata":[]}"#,
        r#"{"DetectorName":5,"SourceMetadata":{}}"#,
        "",
    ),
    (
        "detect-secrets",
        r#"{"results":{"a":{}},"plugins_used":[]}"#,
        r#"{"results":{"a":[{"type":5}]},"plugins_used":[]}"#,
        "results.a[0].type",
    ),
    (
        "k8s-audit",
        r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x","verb":"get","stage":"ResponseComplete","responseStatus":[]}"#,
        r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x","verb":"get","stage":"ResponseComplete","responseStatus":{"code":"403"}}"#,
        "",
    ),
    (
        "falco",
        r#"{"rule":"r","priority":"Warning","time":"2026-01-01T00:00:00Z","tags":{}}"#,
        r#"{"rule":5,"priority":"Warning","time":"2026-01-01T00:00:00Z"}"#,
        "",
    ),
    (
        "cloudtrail",
        r#"{"Records":[{"eventName":"GetObject","eventSource":"s3.amazonaws.com","eventID":"a","userIdentity":[]}]}"#,
        r#"{"Records":[{"eventName":5,"eventSource":"s3.amazonaws.com","eventID":"a"}]}"#,
        "Records[0].eventName",
    ),
    (
        "containerd-events",
        r#"2026-11-18 08:02:47.123 +0000 UTC default /tasks/start ["a"]"#,
        r#"2026-11-18 08:02:47.123 +0000 UTC default /tasks/start {"container_id":5}"#,
        "",
    ),
    (
        "incidents",
        r#"{"incidents":[{"id":"a","alert_time":"2026-01-01T00:00:00Z"},5]}"#,
        r#"{"incidents":[{"id":"a","alert_time":5}]}"#,
        "incidents[0].alert_time",
    ),
    (
        "kube-bench",
        r#"{"Controls":{"id":"1"},"Totals":{}}"#,
        r#"{"Controls":[{"id":"1","node_type":"master","tests":[{"results":[{"test_number":1}]}]}],"Totals":{}}"#,
        "Controls[0].tests[0].results[0].test_number",
    ),
    (
        "kyverno",
        r#"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","results":{"a":1}}"#,
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","results":[{"policy":5}]}]}"#,
        "items[0].results[0].policy",
    ),
    (
        "gatekeeper",
        r#"{"apiVersion":"constraints.gatekeeper.sh/v1beta1","kind":"K8sRequiredLabels","status":{"violations":{}}}"#,
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"constraints.gatekeeper.sh/v1beta1","kind":"K8sRequiredLabels","status":{"totalViolations":"31"}}]}"#,
        "items[0].status.totalViolations",
    ),
    (
        "aws-config",
        r#"{"ComplianceByConfigRules":[{"ConfigRuleName":"a","Compliance":[]}]}"#,
        r#"{"ComplianceByConfigRules":[{"ConfigRuleName":5}]}"#,
        "ComplianceByConfigRules[0].ConfigRuleName",
    ),
    (
        "securityhub",
        r#"{"Findings":[{"SchemaVersion":"2018-10-08","ProductArn":"p","AwsAccountId":"1","GeneratorId":"g","Resources":{}}]}"#,
        r#"[{"SchemaVersion":"2018-10-08","ProductArn":"p","AwsAccountId":"1","Severity":{"Label":4}}]"#,
        "[0].Severity.Label",
    ),
    (
        "k8s-inventory",
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":[]}]}"#,
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"namespace":5}}]}"#,
        "items[0].metadata.namespace",
    ),
    (
        "metrics-csv",
        "date,metric,value\n2026-11-18,phishing blocked,many\n",
        "date,metric,value\nyesterday,phishing blocked,12\n",
        "line 2, column 1",
    ),
    (
        "openvex",
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":{}}"#,
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"status":5}]}"#,
        "statements[0].status",
    ),
    (
        "cyclonedx-vex",
        r#"{"bomFormat":"CycloneDX","vulnerabilities":[{"analysis":{"state":"not_affected"},"affects":{}}]}"#,
        r#"{"bomFormat":"CycloneDX","vulnerabilities":[{"analysis":{"state":"not_affected","response":"will_not_fix"}}]}"#,
        "vulnerabilities[0].analysis.response",
    ),
    (
        "posture-decisions",
        r#"{"schema":"posture.decisions.v1","decisions":{}}"#,
        r#"{"schema":"posture.decisions.v1","decisions":[{"triage":5}]}"#,
        "decisions[0].triage",
    ),
];

#[test]
fn every_format_says_what_is_wrong_and_where() {
    let ids: Vec<&str> = formats::FORMATS.iter().map(|f| f.id).collect();
    let covered: Vec<&str> = MISSHAPEN.iter().map(|m| m.0).collect();
    assert_eq!(covered, ids, "one row per format, in registry order");
    for &(format, shape, kind, path) in MISSHAPEN {
        for (what, doc) in [("wrong shape", shape), ("wrong type", kind)] {
            let error = match formats::load("x.json", doc.as_bytes()) {
                Ok(parsed) => panic!("{format} {what} loaded as {}", parsed.evidence.format()),
                Err(e) => e,
            };
            assert_eq!(error.format, Some(format), "{format} {what}: {error}");
            let message = error.message();
            assert!(
                message.starts_with("unexpected content: "),
                "{format} {what}: {message}"
            );
            if what == "wrong type" {
                // JSON lines carry line and column; documents, the path too.
                let expected = if path.is_empty() {
                    "(line 1, column".to_string()
                } else if path.starts_with("line ") {
                    format!("({path}")
                } else {
                    format!("at {path})")
                };
                assert!(message.contains(&expected), "{format} {what}: {message}");
            }
        }
        // A real file of the format, cut two thirds of the way in.
        // A cut YAML file is a whole, shorter one: cut the first file that is not YAML.
        let mut files: Vec<_> = std::fs::read_dir(real_dir(format))
            .map(|dir| dir.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_none_or(|e| e != "yaml" && e != "yml"));
        files.sort();
        let Some(first) = files.first() else {
            continue;
        };
        let bytes = read(first);
        let cut = &bytes[..bytes.len() * 2 / 3];
        if LOGS.contains(&format) && cut.contains(&b'\n') {
            // A log cut in a line: what came before loads, the cut line is a warning.
            let parsed = formats::load("cut.json", cut).unwrap_or_else(|e| panic!("{format}: {e}"));
            let cut_line = cut.iter().filter(|b| **b == b'\n').count() + 1;
            assert!(
                parsed
                    .warnings
                    .iter()
                    .any(|w| w.location.line == Some(cut_line) && w.message.contains("cut off")),
                "{format}: {:?}",
                parsed.warnings
            );
            continue;
        }
        let error = formats::load("cut.json", cut)
            .err()
            .unwrap_or_else(|| panic!("{format}: a cut file loaded"));
        assert_eq!(error.format, Some(format), "{format}: {error}");
        assert!(
            error
                .message()
                .starts_with("the file ends too early; it looks truncated (line "),
            "{format}: {error}"
        );
    }
}

//! Parsers on small hand-written fixtures (`tests/fixtures/<format>/`). Every expected number was
//! counted by hand from the fixture; the comments say how.

use posture::core::formats;
use posture::core::model::Category::{Misconfiguration, Secret, Vulnerability};
use posture::core::model::{Severity, Status};

use crate::support::{Expect, check, check_error, fixture, read};

fn trivy(name: &str) -> (String, Vec<u8>) {
    (name.to_string(), read(&fixture(&format!("trivy/{name}"))))
}

#[test]
fn trivy_image_with_every_kind_of_vulnerability_entry() {
    let (name, bytes) = trivy("image-mixed.json");
    // 7 entries: one without VulnerabilityID is skipped (a warning), one Licenses entry is not
    // scored (a warning). Open: CVE-0001 critical twice (two targets), CVE-0002 "high",
    // CVE-0004 "SEVERE" → unknown, GHSA medium. CVE-0003 is not_affected → suppressed.
    let snapshot = check(
        &name,
        &bytes,
        Expect {
            format: "trivy",
            asset: "registry.example:5000/team/app".into(),
            taken_at: Some("2026-03-02T09:00:00.123Z".into()),
            listed: [6, 0, 0, 0],
            open: [2, 1, 1, 0, 0, 1],
            suppressed: 1,
            // Package results: Trivy's default scanners ran (vulnerabilities and secrets).
            covers: vec![Vulnerability],
            assumes: vec![Secret],
            warnings: 2,
            ..Expect::default()
        },
    );
    assert_eq!(
        snapshot.reference.as_deref(),
        Some("registry.example:5000/team/app:1.2.3@sha256:0123")
    );
    assert_eq!(snapshot.tool.version.as_deref(), Some("0.56.2"));
    let first = &snapshot.findings[0];
    assert_eq!(
        &*first.title, "<img src=x onerror=alert(1)>",
        "text is kept as text"
    );
    assert_eq!(&*first.severity_raw, "CRITICAL");
    assert!(first.fixable());
    assert_eq!(
        first.fingerprint, snapshot.findings[5].fingerprint,
        "same CVE, same package, same asset"
    );
    assert_eq!(&*snapshot.findings[4].title, "Title with é and \"quotes\"");
    assert_eq!(&*snapshot.findings[3].severity_raw, "SEVERE");
}

#[test]
fn trivy_config_counts_listed_checks_without_a_summary() {
    let (name, bytes) = trivy("config-pass-fail.json");
    // 6 entries, one without ID skipped. FAIL ×3 (two identical but for the line) open,
    // PASS ×1 passed, EXCEPTION ×1 suppressed. No MisconfSummary: checks are 1 passed, 3 failed.
    let snapshot = check(
        &name,
        &bytes,
        Expect {
            format: "trivy",
            asset: "github.com/acme/infra".into(),
            taken_at: Some("2026-03-02T10:00:00Z".into()),
            listed: [0, 5, 0, 0],
            open: [1, 2, 0, 0, 0, 0],
            suppressed: 1,
            passed: 1,
            iac: Some((1, 3)),
            covers: vec![Misconfiguration],
            warnings: 1,
            ..Expect::default()
        },
    );
    let [a, b] = [&snapshot.findings[0], &snapshot.findings[1]];
    assert_eq!((&*a.location, &*b.location), ("main.tf:4", "main.tf:40"));
    assert_ne!(
        a.fingerprint, b.fingerprint,
        "two occurrences stay two findings"
    );
    assert_eq!(snapshot.findings[2].status, Status::Passed);
    assert_eq!(
        &*snapshot.findings[4].rule_id, "AVD-AWS-0107",
        "AVDID stands in for a missing ID"
    );
}

#[test]
fn trivy_fs_dot_is_named_after_the_file() {
    let (name, bytes) = trivy("fs-dot-clean.json");
    check(
        &name,
        &bytes,
        Expect {
            format: "trivy",
            asset: "fs-dot-clean".into(),
            taken_at: Some("2026-03-02T10:00:00Z".into()),
            warnings: 1,
            ..Expect::default()
        },
    );
}

#[test]
fn trivy_clean_image_still_covers_vulnerabilities() {
    let (name, bytes) = trivy("image-clean.json");
    // No Results at all, and a CreatedAt that is not a time (a warning; the file time is used).
    check(
        &name,
        &bytes,
        Expect {
            format: "trivy",
            asset: "alpine".into(),
            taken_at: None,
            // A clean image: the vulnerability scanner found nothing; whether the secret scanner
            // ran, the report does not say.
            covers: vec![Vulnerability],
            assumes: vec![Secret],
            warnings: 1,
            ..Expect::default()
        },
    );
}

#[test]
fn trivy_k8s_resources_keep_workloads_apart() {
    let (name, bytes) = trivy("k8s-resources.json");
    // The same CVE in the same package of two Deployments is two findings; one resource failed
    // to scan (a warning). MisconfSummary: 20 passed, 1 failed.
    let snapshot = check(
        &name,
        &bytes,
        Expect {
            format: "trivy",
            asset: "prod-eu".into(),
            listed: [2, 1, 0, 0],
            open: [0, 2, 1, 0, 0, 0],
            iac: Some((20, 1)),
            covers: vec![Vulnerability, Misconfiguration],
            assumes: vec![Secret],
            warnings: 1,
            ..Expect::default()
        },
    );
    assert_ne!(
        snapshot.findings[0].fingerprint,
        snapshot.findings[2].fingerprint
    );
    assert_eq!(
        &*snapshot.findings[0].location,
        "shop/Deployment/cart: ghcr.io/acme/cart:1 (alpine 3.19)"
    );
}

#[test]
fn trivy_utf16_from_powershell_loads() {
    let (name, bytes) = trivy("utf16-powershell.json");
    check(
        &name,
        &bytes,
        Expect {
            format: "trivy",
            asset: "github.com/acme/win".into(),
            taken_at: Some("2026-03-02T10:00:00Z".into()),
            ..Expect::default()
        },
    );
}

#[test]
fn trivy_errors_say_what_and_where() {
    let cases: [(&str, Option<&str>, &str); 9] = [
        (
            // Two reports written with `>>` into one file.
            "appended.json",
            Some("trivy"),
            "not supported: this file holds several Trivy JSON documents one after another \
             (appended with `>>`?); Posture reads one report per file (line 2, column 1)",
        ),
        (
            "truncated.json",
            Some("trivy"),
            "the file ends too early; it looks truncated (line 9, column 22, at Results[0].Target)",
        ),
        (
            "wrong-type.json",
            Some("trivy"),
            "unexpected content: invalid type: integer `7`, expected a string \
             (line 9, column 75, at Results[0].Vulnerabilities[1].Severity)",
        ),
        (
            "k8s-summary.json",
            Some("trivy"),
            "not supported: this `trivy k8s --report summary` output holds only counts, not findings; \
             run `trivy k8s --report all -f json` (at Findings)",
        ),
        ("empty.json", None, "the file is empty"),
        (
            "binary.png",
            None,
            "this is a binary file, not JSON text (byte 0 is not text)",
        ),
        (
            "not-json.csv",
            None,
            "not JSON: it starts with \"host,cpu,memory\"",
        ),
        (
            "broken-syntax.json",
            Some("trivy"),
            "invalid JSON: expected value (line 1, column 34, at Results[0])",
        ),
        (
            "other-json.json",
            None,
            "not recognised: this JSON is not a supported format (supported: {supported})",
        ),
    ];
    for (name, format, message) in cases {
        let (name, bytes) = trivy(name);
        let message = message.replace("{supported}", &formats::supported_list());
        assert_eq!(check_error(&name, &bytes, format), message, "{name}");
    }
}

#[test]
fn the_not_recognised_message_lists_the_registry() {
    let message = check_error("x.json", b"{\"hello\": 1}", None);
    for format in formats::FORMATS {
        assert!(message.contains(format.label), "{message}");
    }
}

#[test]
fn severities_map_as_documented() {
    // The README's mapping text and the parser agree: case-insensitive, anything else unknown.
    let doc = |severity: &str| {
        format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"a","ArtifactType":"container_image","Results":[{{"Class":"os-pkgs",
            "Vulnerabilities":[{{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"{severity}"}}]}}]}}"#
        )
    };
    for (raw, expect) in [
        ("CRITICAL", Severity::Critical),
        ("High", Severity::High),
        ("medium", Severity::Medium),
        ("LOW", Severity::Low),
        ("UNKNOWN", Severity::Unknown),
        ("", Severity::Unknown),
    ] {
        let parsed = formats::load("s.json", doc(raw).as_bytes()).unwrap();
        assert_eq!(
            parsed.snapshot().unwrap().findings[0].severity,
            expect,
            "{raw:?}"
        );
        assert_eq!(&*parsed.snapshot().unwrap().findings[0].severity_raw, raw);
    }
}

#[test]
fn secrets_are_identified_by_their_masked_match_not_their_line() {
    let doc = |line: u32| {
        format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"repo","ArtifactType":"repository","Results":[{{"Target":"a.env","Class":"secret",
            "Secrets":[{{"RuleID":"aws-access-key-id","Severity":"CRITICAL","Title":"AWS","StartLine":{line},"Match":"KEY=****"}}]}}]}}"#
        )
    };
    let snapshot = |name: &str, line| {
        let parsed = formats::load(name, doc(line).as_bytes()).unwrap();
        parsed.evidence.into_snapshot().unwrap()
    };
    let (a, b) = (snapshot("a.json", 3), snapshot("b.json", 30));
    assert_eq!(a.findings[0].category, Secret);
    assert_eq!(a.findings[0].fingerprint, b.findings[0].fingerprint);
    assert_eq!(
        (&*a.findings[0].location, &*b.findings[0].location),
        ("a.env:3", "a.env:30")
    );
}

#[test]
fn a_summary_count_left_out_is_zero() {
    // Found by the shaped-document robustness test: a missing count failed the whole file.
    let doc = br#"{"SchemaVersion":2,"ArtifactName":"infra","ArtifactType":"repository",
        "Results":[{"Target":"main.tf","Class":"config","MisconfSummary":{"Successes":5}}]}"#;
    let parsed = formats::load("summary.json", doc).unwrap();
    assert_eq!(
        parsed
            .snapshot()
            .unwrap()
            .iac_checks
            .map(|c| (c.passed, c.failed)),
        Some((5, 0))
    );
}

#[test]
fn trufflehog_skips_its_log_lines_and_says_where_a_line_breaks() {
    let finding = |raw: &str, verified: bool| {
        format!(
            r#"{{"SourceMetadata":{{"Data":{{"Filesystem":{{"file":"app/.env","line":3}}}}}},"DetectorName":"AWS","Verified":{verified},"Raw":"{raw}","Redacted":"AKIA…"}}"#
        )
    };
    let log = r#"{"level":"info-0","ts":"2026-01-01T00:00:00Z","logger":"trufflehog","msg":"running source"}"#;
    let doc = format!(
        "{log}\n{}\n{}\n{log}\n",
        finding("AKIA1", true),
        finding("AKIA2", false)
    );
    let parsed = formats::load("th.jsonl", doc.as_bytes()).unwrap();
    assert_eq!(parsed.snapshot().unwrap().format, "trufflehog");
    let severities: Vec<Severity> = parsed
        .snapshot()
        .unwrap()
        .findings
        .iter()
        .map(|f| f.severity)
        .collect();
    assert_eq!(severities, [Severity::Critical, Severity::High]);
    assert_eq!(
        parsed.snapshot().unwrap().note.as_deref(),
        Some("2 log lines skipped")
    );
    assert_eq!(
        &*parsed.snapshot().unwrap().findings[0].title,
        "AWS secret, verified live",
        "no part of the secret is shown"
    );

    let cut = format!(
        "{}\n{}",
        finding("AKIA1", true),
        &finding("AKIA2", false)[..40]
    );
    // A log cut inside a line: the complete lines load, the cut one is a warning with its line.
    let parsed = formats::load("th.jsonl", cut.as_bytes()).unwrap();
    assert_eq!(parsed.snapshot().unwrap().findings.len(), 1);
    let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["line skipped: it is cut off (line 2, column 40)"]
    );
    // A file whose only line is cut has nothing to load: it fails, saying where.
    let only = &finding("AKIA1", true)[..120];
    let message = check_error("th.jsonl", only.as_bytes(), Some("trufflehog"));
    assert!(
        message.starts_with("the file ends too early; it looks truncated (line 1, column 120"),
        "{message}"
    );
}

#[test]
fn gitleaks_redacted_leaks_stay_apart_by_line() {
    let leak = |line: u32| {
        format!(
            r#"{{"RuleID":"generic-api-key","File":"a.py","StartLine":{line},"Secret":"REDACTED","Description":"Generic API Key"}}"#
        )
    };
    let doc = format!("[{},{}]", leak(3), leak(9));
    let parsed = formats::load("gl.json", doc.as_bytes()).unwrap();
    let [a, b] = [
        &parsed.snapshot().unwrap().findings[0],
        &parsed.snapshot().unwrap().findings[1],
    ];
    assert_ne!(a.fingerprint, b.fingerprint);
    assert_eq!((&*a.location, a.severity), ("a.py:3", Severity::High));
}

#[test]
fn snyk_code_sarif_is_code_and_results_that_are_not_problems_are_not_findings() {
    let result = |file: &str, kind: &str| {
        format!(
            r#"{{"ruleId":"javascript/Sqli","level":"error","kind":"{kind}","message":{{"text":"x"}},
               "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"{file}"}},"region":{{"startLine":7}}}}}}]}}"#
        )
    };
    let doc = format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"SnykCode"}}}},"results":[{},{},{},{},{}]}}]}}"#,
        result("a.js", "fail"),
        result("b.js", "fail"),
        result("c.js", "review"),
        result("d.js", "pass"),
        result("e.js", "notApplicable"),
    );
    let parsed = formats::load("snyk.sarif", doc.as_bytes()).unwrap();
    let findings = &parsed.snapshot().unwrap().findings;
    assert_eq!(findings.len(), 3);
    assert!(
        findings
            .iter()
            .all(|f| f.category == posture::core::model::Category::Code)
    );
    let prints: std::collections::BTreeSet<_> = findings.iter().map(|f| f.fingerprint).collect();
    assert_eq!(prints.len(), 3, "three places, three findings");
    assert_eq!(
        parsed.snapshot().unwrap().note.as_deref(),
        Some("2 results of kind pass, notApplicable or informational are not findings")
    );
}

#[test]
fn a_clean_osv_scanner_run_is_a_clean_scan() {
    let doc =
        br#"{"results":[],"experimental_config":{"licenses":{"summary":false,"allowlist":null}}}"#;
    let parsed = formats::load("osv.json", doc).unwrap();
    assert_eq!(parsed.snapshot().unwrap().format, "osv-scanner");
    assert!(parsed.snapshot().unwrap().findings.is_empty());
    assert!(parsed.warnings.is_empty());
}

#[test]
fn sarif_fingerprints_of_the_same_line_text_in_two_files_stay_apart() {
    // CodeQL hashes the line's text only: the same line in a.js and b.js has the same hash.
    let result = |file: &str| {
        format!(
            r#"{{"ruleId":"js/xss","message":{{"text":"x"}},"partialFingerprints":{{"primaryLocationLineHash":"39fa2ee980eb94b0:1"}},
               "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"{file}"}},"region":{{"startLine":3}}}}}}]}}"#
        )
    };
    let doc = |results: &[String]| {
        format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"CodeQL"}}}},"results":[{}]}}]}}"#,
            results.join(",")
        )
    };
    let both = formats::load("1.sarif", doc(&[result("a.js"), result("b.js")]).as_bytes()).unwrap();
    let only_b = formats::load("2.sarif", doc(&[result("b.js")]).as_bytes()).unwrap();
    // After a.js is fixed, b.js's finding is still the same finding.
    assert_eq!(
        both.snapshot().unwrap().findings[1].fingerprint,
        only_b.snapshot().unwrap().findings[0].fingerprint
    );
}

#[test]
fn kube_bench_counts_warn_and_info_without_listing_them() {
    // One control, no version, no counters: PASS (scored), FAIL (unscored), WARN, INFO, and a
    // status kube-bench never writes. Totals claim one more PASS than the control holds.
    let doc = br#"{"Controls":[{"id":"4","node_type":"node","tests":[{"section":"4.2","desc":"Kubelet","results":[
        {"test_number":"4.2.1","test_desc":"a","status":"PASS","scored":true},
        {"test_number":"4.2.2","test_desc":"b","status":"FAIL","scored":false},
        {"test_number":"4.2.3","test_desc":"c","status":"WARN","scored":false},
        {"test_number":"4.2.4","test_desc":"d","status":"INFO","scored":false},
        {"test_number":"4.2.5","test_desc":"e","status":"SKIP"}]}]}],
        "Totals":{"total_pass":2,"total_fail":1,"total_warn":1,"total_info":1}}"#;
    let snapshot = check(
        "kube-bench.json",
        doc,
        Expect {
            format: "kube-bench",
            // A file named only after its tool keeps that name, without its extension.
            asset: "kube-bench".into(),
            listed_checks: [0, 2],
            open: [0, 0, 1, 0, 0, 0],
            passed: 1,
            // Passed, failed, warned, errored, skipped (INFO).
            compliance: Some(vec![("CIS Kubernetes Benchmark".into(), [1, 1, 1, 0, 1])]),
            covers: vec![posture::core::model::Category::Compliance],
            // The unknown status; Totals that disagree with the controls.
            warnings: 2,
            ..Expect::default()
        },
    );
    assert_eq!(&*snapshot.findings[1].location, "node 4.2 Kubelet");
}

#[test]
fn checkov_quiet_counts_passed_checks_from_the_summary() {
    // The dockerfile report of the real checkov-2.0.209-terraform-dockerfile.json, printed alone
    // (one framework: an object) and without `results.passed_checks`, as `--quiet` prints it.
    // 2 failed checks listed (CKV_DOCKER_3, CKV_DOCKER_2, no severity); summary passed 1,
    // failed 2. The pass rate is 1 / 3, not 0 / 2.
    let expect = |iac, warnings| Expect {
        format: "checkov",
        asset: "quiet".into(),
        listed: [0, 2, 0, 0],
        open: [0, 0, 0, 0, 0, 2],
        iac: Some(iac),
        covers: vec![Misconfiguration],
        warnings,
        ..Expect::default()
    };
    let bytes = read(&fixture("checkov/quiet.json"));
    let snapshot = check("quiet.json", &bytes, expect((1, 2), 0));
    assert_eq!(
        snapshot.note.as_deref(),
        Some("passed checks counted from the summary (run with --quiet)")
    );
    // An empty list is a list: nothing passed was listed, and the summary disagrees (a warning).
    let text = String::from_utf8(bytes).unwrap();
    let listed_empty = text.replace(r#""results": {"#, r#""results": {"passed_checks": [],"#);
    let snapshot = check("quiet.json", listed_empty.as_bytes(), expect((0, 2), 1));
    assert_eq!(snapshot.note, None);
}

#[test]
fn a_known_tool_posture_does_not_read_yet_is_named() {
    // Every real file of the tools Posture does not read: the error names the tool.
    for (dir, tool, format) in [
        ("zap", "an OWASP ZAP report", None),
        ("snyk", "a Snyk test report (`snyk test --json`)", None),
        // Recognised as a VEX candidate, read and found to decide nothing.
        (
            "cyclonedx",
            "a CycloneDX SBOM or scan (Posture reads CycloneDX only for the VEX decisions in \
             `vulnerabilities[].analysis`)",
            Some("cyclonedx-vex"),
        ),
    ] {
        let mut seen = 0;
        for entry in std::fs::read_dir(crate::support::real_dir(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            // A CycloneDX VEX is read (formats::cyclonedx_vex): only the scans are not.
            if name.contains("-vex-") {
                continue;
            }
            let message = crate::support::check_error(&name, &crate::support::read(&path), format);
            assert_eq!(
                message,
                format!(
                    "not supported yet: this looks like {tool}, which Posture does not read yet"
                ),
                "{name}"
            );
            seen += 1;
        }
        assert!(seen > 0, "no real {dir} file");
    }
}

//! Kyverno reports and Gatekeeper constraints on hand-written fixtures (`tests/fixtures/kyverno`,
//! `tests/fixtures/gatekeeper`); every number below is counted by hand from the file.

use posture::core::formats;
use posture::core::model::{Category, Checks, Snapshot};

use crate::support::{Expect, check, fixture, read};

/// Loads a fixture and checks its counts; the compliance checks are compared by each test, in
/// full, after.
fn load(path: &str, expect: Expect) -> (Snapshot, Vec<String>) {
    let bytes = read(&fixture(path));
    let name = path.rsplit('/').next().unwrap_or(path);
    let parsed = formats::load(name, &bytes).unwrap();
    let warnings = parsed.warnings.iter().map(ToString::to_string).collect();
    let compliance = parsed
        .snapshot()
        .unwrap()
        .compliance
        .iter()
        .map(|c| {
            let counts = [c.passed, c.failed, c.warned, c.errored, c.skipped];
            (c.framework.clone(), counts)
        })
        .collect();
    (
        check(
            name,
            &bytes,
            Expect {
                compliance: Some(compliance),
                ..expect
            },
        ),
        warnings,
    )
}

fn policy(format: &'static str, asset: &str, taken_at: &str) -> Expect {
    Expect {
        format,
        asset: asset.into(),
        taken_at: Some(taken_at.into()),
        covers: vec![Category::Policy],
        ..Expect::default()
    }
}

fn checks(framework: &str, [passed, failed, warned, errored, skipped]: [u64; 5]) -> Checks {
    Checks {
        framework: framework.into(),
        passed,
        failed,
        warned,
        errored,
        skipped,
    }
}

#[test]
fn a_list_of_two_reports_counts_every_outcome_per_engine() {
    // Report 1 (Deployment payments/api): pass/high, fail/critical, warn, fail (VAP, no
    // severity → medium), skip. Report 2 (Namespace payments): fail (no severity), error.
    // Latest timestamp 1763452860 s + 500 ms.
    let name = "policyreport-list-two-reports.json";
    let (snapshot, _) = load(
        &format!("kyverno/{name}"),
        Expect {
            listed_checks: [4, 0],
            open: [1, 0, 2, 0, 0, 0],
            passed: 1,
            ..policy(
                "kyverno",
                "policyreport-list-two-reports",
                "2025-11-18T08:01:00.500Z",
            )
        },
    );
    assert_eq!(
        snapshot.compliance,
        vec![
            checks("Kyverno", [1, 2, 1, 1, 1]),
            checks("ValidatingAdmissionPolicy", [0, 1, 0, 0, 0]),
        ]
    );
    let f = &snapshot.findings[1];
    assert_eq!(
        (&*f.rule_id, &*f.location),
        (
            "disallow-privileged-containers/privileged-containers",
            "Deployment/payments/api"
        )
    );
    assert_eq!(&*snapshot.findings[3].location, "Namespace/payments");
    assert_eq!(
        snapshot.note.as_deref(),
        Some("2 reports in namespace payments")
    );
}

#[test]
fn a_summary_that_disagrees_with_the_results_counts_and_is_named() {
    // Listed: Kyverno pass 1 / fail 1, VAP fail 1. Summary: pass 9, fail 4. The VAP result stays
    // VAP's; Kyverno, the report's first engine, takes the rest: pass 9, fail 3.
    let name = "policyreport-summary-disagrees.yaml";
    let (snapshot, warnings) = load(
        &format!("kyverno/{name}"),
        Expect {
            listed_checks: [3, 0],
            open: [0, 1, 1, 0, 0, 0],
            passed: 1,
            warnings: 1,
            ..policy(
                "kyverno",
                "policyreport-summary-disagrees",
                "2025-11-19T08:01:00Z",
            )
        },
    );
    assert_eq!(
        snapshot.compliance,
        vec![
            checks("Kyverno", [9, 3, 0, 0, 0]),
            checks("ValidatingAdmissionPolicy", [0, 1, 0, 0, 0]),
        ]
    );
    assert_eq!(
        warnings,
        vec![
            "report batch/9b2e77aa-worker: its summary counts pass 9, fail 4, its listed results \
             pass 1, fail 2; the summary counts (at summary)"
        ]
    );
}

#[test]
fn several_yaml_documents_are_read_as_one_file() {
    // `---` × 2: an OpenReports Report (fail, no severity) and a CLI ClusterPolicyReport whose
    // pass names two resources: two passed findings.
    let name = "reports-several-documents.yaml";
    let (snapshot, _) = load(
        &format!("kyverno/{name}"),
        Expect {
            listed_checks: [3, 0],
            open: [0, 0, 1, 0, 0, 0],
            passed: 2,
            ..policy(
                "kyverno",
                "reports-several-documents",
                "2025-11-20T08:00:00Z",
            )
        },
    );
    assert_eq!(
        snapshot.compliance,
        vec![checks("Kyverno", [2, 1, 0, 0, 0])]
    );
    let locations: Vec<&str> = snapshot.findings.iter().map(|f| &*f.location).collect();
    assert_eq!(
        locations,
        [
            "Pod/shop/web-6d5f8",
            "Deployment/shop/web",
            "Deployment/shop/cart"
        ]
    );
    assert_ne!(
        snapshot.findings[1].fingerprint,
        snapshot.findings[2].fingerprint
    );
}

#[test]
fn violations_beyond_the_listed_ones_are_counted_and_said() {
    // pods-must-have-owner: 4 listed of totalViolations 31 (deny); repos-from-our-registry: 0.
    let name = "constraints-truncated-violations.json";
    let (snapshot, warnings) = load(
        &format!("gatekeeper/{name}"),
        Expect {
            listed_checks: [4, 0],
            open: [0, 0, 4, 0, 0, 0],
            warnings: 1,
            ..policy(
                "gatekeeper",
                "constraints-truncated-violations",
                "2026-11-18T08:05:00Z",
            )
        },
    );
    assert!(
        snapshot.compliance.is_empty(),
        "violations only: no denominator"
    );
    assert_eq!(
        snapshot.note.as_deref(),
        Some("4 listed of 31 violations (deny 31) in 2 constraints")
    );
    assert!(
        warnings[0]
            .starts_with("constraint K8sRequiredLabels/pods-must-have-owner: 4 listed of 31")
            && warnings[0].ends_with("(at items[0].status.violations)"),
        "{warnings:?}"
    );
    assert_eq!(&*snapshot.findings[2].location, "Pod/batch/worker-1b3c");
}

#[test]
fn actions_and_severity_labels_map_as_documented() {
    // no-privileged: label critical, dryrun. containers-must-have-limits: label "someday"
    // (unknown → by action), warn ×2 → low; no totalViolations → the 2 listed count.
    let name = "constraints-several-documents.yaml";
    let (snapshot, _) = load(
        &format!("gatekeeper/{name}"),
        Expect {
            listed_checks: [3, 0],
            open: [1, 0, 0, 2, 0, 0],
            ..policy(
                "gatekeeper",
                "constraints-several-documents",
                "2026-11-19T09:02:00Z",
            )
        },
    );
    assert_eq!(
        &*snapshot.findings[0].title,
        "[dryrun] Privileged container is not allowed: node-agent"
    );
    assert_eq!(&*snapshot.findings[1].severity_raw, "someday");
    assert_eq!(
        snapshot.note.as_deref(),
        Some("3 violations (dryrun 1, warn 2) in 2 constraints")
    );
}

#[test]
fn a_list_longer_than_the_skim_is_still_recognised() {
    // kubectl sorts keys: `kind: List` comes after `items`, past the 1 MiB skim here.
    let report = r#"{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"r","namespace":"n"},"results":[{"policy":"p","rule":"r","result":"fail","source":"kyverno","message":"a long enough message to make this list large"}],"scope":{"kind":"Pod","name":"x","namespace":"n"}}"#;
    let items = vec![report; 6000].join(",");
    let text = format!(r#"{{"apiVersion":"v1","items":[{items}],"kind":"List","metadata":{{}}}}"#);
    assert!(text.len() > 1 << 20);
    let parsed = formats::load("big.json", text.as_bytes()).unwrap();
    let snapshot = parsed.snapshot().unwrap();
    assert_eq!(snapshot.format, "kyverno");
    assert_eq!(snapshot.findings.len(), 6000);
    assert_eq!(
        snapshot.compliance,
        vec![checks("Kyverno", [0, 6000, 0, 0, 0])]
    );
}

#[test]
fn many_capped_constraints_are_named_five_at_a_time() {
    let constraint = |i: usize| {
        format!(
            r#"{{"apiVersion":"constraints.gatekeeper.sh/v1beta1","kind":"K8sRequiredLabels","metadata":{{"name":"c{i}"}},"status":{{"totalViolations":30,"violations":[{{"enforcementAction":"deny","kind":"Pod","name":"p","namespace":"n","message":"m"}}]}}}}"#
        )
    };
    let items: Vec<String> = (0..7).map(constraint).collect();
    let text = format!(
        r#"{{"apiVersion":"v1","items":[{}],"kind":"List"}}"#,
        items.join(",")
    );
    let parsed = formats::load("capped.json", text.as_bytes()).unwrap();
    let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 6, "{warnings:?}");
    assert!(
        warnings[5].starts_with("2 more constraints"),
        "{warnings:?}"
    );
    assert_eq!(
        parsed.snapshot().unwrap().note.as_deref(),
        Some("7 listed of 210 violations (deny 210) in 7 constraints")
    );
}

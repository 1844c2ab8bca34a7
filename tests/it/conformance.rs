//! Every real tool output in `../shared/fixtures/real/<format>/` for the formats Posture reads.
//!
//! Expected numbers were counted outside Posture, with jq, from the files themselves:
//!
//! ```text
//! listed vulnerabilities:  [.. | objects | select(has("VulnerabilityID"))] | length
//! vulnerability severities: [.. | objects | select(has("VulnerabilityID")) | .Severity] | group_by(.) | map({(.[0]): length}) | add
//! not_affected:            [.. | objects | select(has("VulnerabilityID")) | select(.Status == "not_affected")] | length
//! misconfigurations:       [.. | objects | select(has("CauseMetadata")) | .Severity] | group_by(.) | map({(.[0]): length}) | add
//! checks passed / failed:  [.. | objects | select(has("Successes")) | .Successes] | add   (and .Failures)
//! secrets:                 [.. | objects | select(has("RuleID") and has("Match")) | .Severity]
//! ```
//!
//! Coverage: a report with package results ran Trivy's default scanners (vulnerabilities and
//! secrets); the pre-0.50 k8s report says what it covered by its keys.

use std::collections::BTreeSet;

use posture::core::model::Category::{Misconfiguration, Secret, Vulnerability};

use crate::support::{Expect, check, read, real_dir};

/// One real file and what it holds.
fn expectations() -> Vec<(&'static str, Expect)> {
    vec![
        (
            // 6 misconfigurations FAIL: HIGH 1, MEDIUM 3, LOW 2; MisconfSummary 215 / 6 over 3 targets.
            "trivy-config-helm-testchart-misconfigs.json",
            Expect {
                format: "trivy",
                asset: "testdata/fixtures/repo/helm_testchart".into(),
                taken_at: Some("2021-08-25T12:20:30Z".into()),
                listed: [0, 6, 0],
                open: [0, 1, 3, 2, 0, 0],
                iac: Some((215, 6)),
                covers: vec![Misconfiguration],
                ..Expect::default()
            },
        ),
        (
            // 4 vulnerabilities, all MEDIUM, Status "fixed" (a fix exists; still open).
            "trivy-image-alpine-3.10-vulns.json",
            Expect {
                format: "trivy",
                asset: "testdata/fixtures/images/alpine-310.tar.gz".into(),
                taken_at: Some("2021-08-25T12:20:30Z".into()),
                listed: [4, 0, 0],
                open: [0, 0, 4, 0, 0, 0],
                covers: vec![Vulnerability, Secret],
                ..Expect::default()
            },
        ),
        (
            // 8 LOW vulnerabilities, one per Status; not_affected ×1 is suppressed. ArtifactName,
            // RepoTags and RepoDigests are all "", so the image ID names the asset.
            "trivy-image-debian-all-vuln-statuses.json",
            Expect {
                format: "trivy",
                asset: "sha256:22ae3921bdaac434bb4cb92dbbc209e46b1f3f70e9fa0b5fbbb43ce7d452c72d"
                    .into(),
                taken_at: Some("2024-01-15T08:58:29.827Z".into()),
                listed: [8, 0, 0],
                open: [0, 0, 0, 7, 0, 0],
                suppressed: 1,
                covers: vec![Vulnerability, Secret],
                ..Expect::default()
            },
        ),
        (
            // Pre-0.50 `trivy k8s`: 10 vulnerabilities (MEDIUM 2, LOW 8) in 2 resources,
            // 10 misconfigurations listed (MEDIUM 4, LOW 6), MisconfSummary 108 / 16. No CreatedAt.
            "trivy-k8s-cluster-eks-legacy-report.json",
            Expect {
                format: "trivy",
                asset: "arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster".into(),
                taken_at: None,
                listed: [10, 10, 0],
                open: [0, 0, 6, 14, 0, 0],
                iac: Some((108, 16)),
                covers: vec![Vulnerability, Misconfiguration],
                ..Expect::default()
            },
        ),
        (
            // 2 secrets: CRITICAL (aws-access-key-id), HIGH (custom rule).
            "trivy-repo-secrets.json",
            Expect {
                format: "trivy",
                asset: "testdata/fixtures/repo/secrets".into(),
                taken_at: Some("2021-08-25T12:20:30Z".into()),
                listed: [0, 0, 2],
                open: [1, 1, 0, 0, 0, 0],
                covers: vec![Secret],
                ..Expect::default()
            },
        ),
    ]
}

#[test]
fn every_real_trivy_file_parses_to_its_counts() {
    for (name, expect) in expectations() {
        check(name, &read(&real_dir("trivy").join(name)), expect);
    }
}

#[test]
fn no_real_trivy_file_goes_untested() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(real_dir("trivy"))
        .expect("../shared/fixtures/real/trivy beside the checkout")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let tested: BTreeSet<String> = expectations()
        .into_iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(on_disk, tested);
}

/// CVSS v3 base scores against the scores the tools themselves published beside each vector
/// (Trivy's `V3Vector`/`V3Score`, Grype's `vector`/`metrics.baseScore`).
#[test]
fn cvss3_scores_match_the_tools() {
    fn pairs(value: &serde_json::Value, out: &mut Vec<(String, f64)>) {
        match value {
            serde_json::Value::Object(map) => {
                let vector = map
                    .get("V3Vector")
                    .or(map.get("vector"))
                    .and_then(|v| v.as_str());
                let score = map
                    .get("V3Score")
                    .or(map.get("metrics").and_then(|m| m.get("baseScore")))
                    .and_then(|s| s.as_f64());
                if let (Some(vector), Some(score)) = (vector, score)
                    && vector.starts_with("CVSS:3")
                {
                    out.push((vector.to_string(), score));
                }
                map.values().for_each(|v| pairs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| pairs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for format in ["trivy", "grype"] {
        for entry in std::fs::read_dir(real_dir(format)).unwrap() {
            let value: serde_json::Value =
                serde_json::from_slice(&read(&entry.unwrap().path())).unwrap();
            pairs(&value, &mut found);
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.dedup();
    assert!(found.len() >= 30, "{} pairs", found.len()); // 32 distinct, counted with jq
    for (vector, score) in found {
        assert_eq!(
            posture::core::severity::cvss3_base_score(&vector),
            Some(score),
            "{vector}"
        );
    }
}

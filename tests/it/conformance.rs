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

use posture::core::formats;

use posture::core::model::Category::{
    self, Code, Compliance, Misconfiguration, Policy, Secret, Vulnerability,
};

use crate::support::{Expect, accepting, check, read, real_dir};

/// Every real file of every format Posture reads, and what it holds: `(format, file, expect)`.
fn expectations() -> Vec<(&'static str, &'static str, Expect)> {
    let mut all: Vec<(&str, &str, Expect)> =
        trivy().into_iter().map(|(f, e)| ("trivy", f, e)).collect();
    all.extend(grype().into_iter().map(|(f, e)| ("grype", f, e)));
    all.extend(osv().into_iter().map(|(f, e)| ("osv-scanner", f, e)));
    all.extend(npm_audit().into_iter().map(|(f, e)| ("npm-audit", f, e)));
    all.extend(sarif().into_iter().map(|(f, e)| ("sarif", f, e)));
    all.extend(code());
    all.extend(checkov().into_iter().map(|(f, e)| ("checkov", f, e)));
    all.extend(secrets());
    all.extend(kube_bench().into_iter().map(|(f, e)| ("kube-bench", f, e)));
    all.extend(policy());
    all.extend(crate::cloud::real());
    all
}

fn trivy() -> Vec<(&'static str, Expect)> {
    vec![
        (
            // 6 misconfigurations FAIL: HIGH 1, MEDIUM 3, LOW 2; MisconfSummary 215 / 6 over 3 targets.
            "trivy-config-helm-testchart-misconfigs.json",
            Expect {
                format: "trivy",
                asset: "testdata/fixtures/repo/helm_testchart".into(),
                taken_at: Some("2021-08-25T12:20:30Z".into()),
                listed: [0, 6, 0, 0],
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
                listed: [4, 0, 0, 0],
                open: [0, 0, 4, 0, 0, 0],
                covers: vec![Vulnerability],
                assumes: vec![Secret],
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
                listed: [8, 0, 0, 0],
                open: [0, 0, 0, 7, 0, 0],
                suppressed: 1,
                covers: vec![Vulnerability],
                assumes: vec![Secret],
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
                listed: [10, 10, 0, 0],
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
                listed: [0, 0, 2, 0],
                open: [1, 1, 0, 0, 0, 0],
                covers: vec![Secret],
                ..Expect::default()
            },
        ),
    ]
}

/// Grype, counted with jq:
///
/// ```text
/// matches:     .matches | length
/// severities:  [.matches[].vulnerability.severity] | group_by(.) | map({(.[0]|tostring): length}) | add
/// ```
fn grype() -> Vec<(&'static str, Expect)> {
    let image = |asset: &str, taken_at: Option<&str>, listed: usize, open: [usize; 6]| Expect {
        format: "grype",
        asset: asset.into(),
        taken_at: taken_at.map(Into::into),
        listed: [listed, 0, 0, 0],
        open,
        covers: vec![Vulnerability],
        ..Expect::default()
    };
    vec![
        // Critical 2, High 3, Negligible 1 (→ info). No timestamp in 0.28.
        (
            "grype-0.28.0-image-check-all-fields.json",
            image("vulnerable-image", None, 6, [2, 3, 0, 0, 1, 0]),
        ),
        // Critical 1, High 10, Medium 2, Low 2.
        (
            "grype-0.94.0-image-epss.json",
            image(
                "busybox",
                Some("2025-06-19T11:43:35.523Z"),
                15,
                [1, 10, 2, 2, 0, 0],
            ),
        ),
        // Critical 1, High 18, Medium 13, Low 2, and one match without a severity (→ unknown);
        // the timestamp is +01:00.
        (
            "grype-0.96.0-image-35-matches.json",
            image(
                "quay.io/cloudservices/xjoin-kafka-connect-strimzi",
                Some("2024-02-22T18:46:26.372Z"),
                35,
                [1, 18, 13, 2, 0, 1],
            ),
        ),
        // Critical 1, Low 1; timestamp "" and version "[not provided]".
        (
            "grype-json-presenter-golden-image.json",
            image("user-input", None, 2, [1, 0, 0, 1, 0, 0]),
        ),
    ]
}

/// OSV-Scanner: one finding per group per package; the group's severity is the most severe of its
/// records (database label, else the CVSS v3 base score). Counted by a separate Python script
/// (its own CVSS implementation) over `results[].packages[].groups[]`.
fn osv() -> Vec<(&'static str, Expect)> {
    vec![
        (
            // 37 groups in 6 lockfiles of 5 projects. OSV-Scanner lists only lockfiles with
            // vulnerabilities, so the file, not their directory, names the asset.
            "osv-scanner-6-lockfiles.json",
            Expect {
                format: "osv-scanner",
                asset: "osv-scanner-6-lockfiles".into(),
                listed: [37, 0, 0, 0],
                open: [5, 20, 12, 0, 0, 0],
                covers: vec![Vulnerability],
                ..Expect::default()
            },
        ),
        (
            // One record with neither a label nor a CVSS vector: unknown.
            "osv-scanner-yarn-one-vuln.json",
            Expect {
                format: "osv-scanner",
                asset: "osv-scanner-yarn-one-vuln".into(),
                listed: [1, 0, 0, 0],
                open: [0, 0, 0, 0, 0, 1],
                covers: vec![Vulnerability],
                ..Expect::default()
            },
        ),
    ]
}

/// npm audit: one finding per advisory object in `via`, per package, counted with jq:
///
/// ```text
/// [.vulnerabilities[] | .name as $n | .via[] | objects | {k: ([$n, .source] | tostring), s: .severity}]
///   | unique_by(.k) | map(.s) | group_by(.) | map({(.[0]): length}) | add
/// ```
fn npm_audit() -> Vec<(&'static str, Expect)> {
    let audit = |file: &str, open: [usize; 6]| Expect {
        format: "npm-audit",
        asset: file.into(),
        listed: [open.iter().sum(), 0, 0, 0],
        open,
        covers: vec![Vulnerability],
        ..Expect::default()
    };
    vec![
        (
            "npm-audit-v2-no-vulns.json",
            audit("npm-audit-v2-no-vulns", [0; 6]),
        ),
        // 15 packages, 8 advisories: high 1, moderate 2, low 5.
        (
            "npm-audit-v2-npm7.json",
            audit("npm-audit-v2-npm7", [0, 1, 2, 5, 0, 0]),
        ),
        // 1 package, 2 advisories: high 1, moderate 1.
        (
            "npm-audit-v2-one-high.json",
            audit("npm-audit-v2-one-high", [0, 1, 1, 0, 0, 0]),
        ),
        // 6 packages, 3 advisories: moderate 2, low 1.
        (
            "npm-audit-v2-six-vulns.json",
            audit("npm-audit-v2-six-vulns", [0, 0, 2, 1, 0, 0]),
        ),
    ]
}

/// SARIF, counted by a separate Python script applying the documented rules to every result:
/// category by tool (Trivy by rule tags), severity from the rule's `security-severity`, else the
/// result's `level`, else the rule's default level, else medium (high for a secret);
/// accepted suppressions are suppressed.
fn sarif() -> Vec<(&'static str, Expect)> {
    let run = |file: &str, listed: [usize; 4], open: [usize; 6], covers: Vec<Category>| Expect {
        format: "sarif",
        asset: file.into(),
        listed,
        open,
        covers,
        ..Expect::default()
    };
    vec![
        // All 239 results at level error (no security-severity).
        (
            "checkov-3.3.30-kubernetes-goat.sarif",
            run(
                "checkov-3.3.30-kubernetes-goat",
                [0, 239, 0, 0],
                [0, 239, 0, 0, 0, 0],
                vec![Misconfiguration],
            ),
        ),
        // No level on results: the rules' default levels (error 11, warning 4, note 57).
        (
            "codeql-2.5.4.sarif",
            run(
                "codeql-2.5.4",
                [0, 0, 0, 72],
                [0, 11, 4, 57, 0, 0],
                vec![Code],
            ),
        ),
        // No rule ids on results ("<rule> secret detected"), no levels: secrets are high.
        (
            "gitleaks-7.4.0.sarif",
            run(
                "gitleaks-7.4.0",
                [0, 0, 8, 0],
                [0, 8, 0, 0, 0, 0],
                vec![Secret],
            ),
        ),
        (
            "gitleaks-v8-simple.sarif",
            run(
                "gitleaks-v8-simple",
                [0, 0, 1, 0],
                [0, 1, 0, 0, 0, 0],
                vec![Secret],
            ),
        ),
        // security-severity scores: 9.8 ×1, 7.5/7.8 ×11, 5.3–6.5 ×4, 2.1 ×6.
        (
            "grype-0.34.7.sarif",
            run(
                "grype-0.34.7",
                [22, 0, 0, 0],
                [1, 11, 4, 6, 0, 0],
                vec![Vulnerability],
            ),
        ),
        // The spec's example: one result, suppressed (state accepted); the repository and the
        // invocation time name the asset and the snapshot time.
        (
            "sarif-spec-appendix-k-suppressed.sarif",
            Expect {
                format: "sarif",
                asset: "https://github.com/example-corp/browser".into(),
                taken_at: Some("2016-07-16T14:18:25Z".into()),
                listed: [0, 0, 0, 1],
                suppressed: 1,
                covers: vec![Code],
                ..Expect::default()
            },
        ),
        // security-severity words: CRITICAL 34, HIGH 1, MEDIUM 42.
        (
            "semgrep-oss-1.69.0.sarif",
            run(
                "semgrep-oss-1.69.0",
                [0, 0, 0, 77],
                [34, 1, 42, 0, 0, 0],
                vec![Code],
            ),
        ),
        // Four vulnerabilities tagged "vulnerability", security-severity 5.3; the image named in
        // the run's properties.
        (
            "trivy-image-alpine-3.10.sarif",
            run(
                "testdata/fixtures/images/alpine-310.tar.gz",
                [4, 0, 0, 0],
                [0, 0, 4, 0, 0, 0],
                vec![Vulnerability],
            ),
        ),
    ]
}

/// Semgrep and Bandit, counted with jq:
///
/// ```text
/// semgrep: [.results[].extra.severity] | group_by(.) | map({(.[0]): length}) | add
/// bandit:  [.results[].issue_severity] | group_by(.) | map({(.[0]): length}) | add; .generated_at
/// ```
fn code() -> Vec<(&'static str, &'static str, Expect)> {
    let scan =
        |format: &'static str, file: &str, taken_at: Option<&str>, open: [usize; 6]| Expect {
            format,
            asset: file.into(),
            taken_at: taken_at.map(Into::into),
            listed: [0, 0, 0, open.iter().sum()],
            open,
            covers: vec![Code],
            ..Expect::default()
        };
    vec![
        // WARNING ×5 → medium.
        (
            "semgrep",
            "semgrep-1.30.0.json",
            scan("semgrep", "semgrep-1.30.0", None, [0, 0, 5, 0, 0, 0]),
        ),
        // LOW ×3 (the newer severity words).
        (
            "semgrep",
            "semgrep-1.84.1.json",
            scan("semgrep", "semgrep-1.84.1", None, [0, 0, 0, 3, 0, 0]),
        ),
        // ERROR ×13 → high, WARNING ×35 → medium; no fingerprints in this older output.
        (
            "semgrep",
            "semgrep-48-results.json",
            scan("semgrep", "semgrep-48-results", None, [0, 13, 35, 0, 0, 0]),
        ),
        // MEDIUM ×36, LOW ×11.
        (
            "bandit",
            "bandit-47-results.json",
            scan(
                "bandit",
                "bandit-47-results",
                Some("2021-03-30T18:23:12Z"),
                [0, 0, 36, 11, 0, 0],
            ),
        ),
        (
            "bandit",
            "bandit-no-results.json",
            scan(
                "bandit",
                "bandit-no-results",
                Some("2020-12-30T10:02:42Z"),
                [0; 6],
            ),
        ),
        (
            "bandit",
            "bandit-one-result.json",
            scan(
                "bandit",
                "bandit-one-result",
                Some("2020-12-30T10:03:39Z"),
                [0, 0, 0, 1, 0, 0],
            ),
        ),
    ]
}

/// Checkov: every listed check is a record (failed open, passed passed), counted with jq:
///
/// ```text
/// [if type=="array" then .[] else . end | select(has("results")) | .results]
///   | {passed: (map(.passed_checks | length) | add), failed: (map(.failed_checks | length) | add),
///      severities: ([.[].failed_checks[].severity] | group_by(.) | map({(.[0]|tostring): length}) | add)}
/// ```
fn checkov() -> Vec<(&'static str, Expect)> {
    let report = |file: &str, passed: usize, open: [usize; 6], warnings: usize| Expect {
        format: "checkov",
        asset: file.into(),
        listed: [0, passed + open.iter().sum::<usize>(), 0, 0],
        open,
        passed,
        iac: Some((passed as u64, open.iter().sum::<usize>() as u64)),
        covers: vec![Misconfiguration],
        warnings,
        ..Expect::default()
    };
    vec![
        // 3 failed checks listed; the curated summary says 2 (a warning). No severities.
        (
            "checkov-1.0.467-two-failed.json",
            report("checkov-1.0.467-two-failed", 0, [0, 0, 0, 0, 0, 3], 1),
        ),
        // A list of two reports: terraform 14 passed / 11 failed, dockerfile 1 / 2.
        (
            "checkov-2.0.209-terraform-dockerfile.json",
            report(
                "checkov-2.0.209-terraform-dockerfile",
                15,
                [0, 0, 0, 0, 0, 13],
                0,
            ),
        ),
        // Nothing scanned: a bare summary.
        (
            "checkov-2.1.269-empty-summary.json",
            report("checkov-2.1.269-empty-summary", 0, [0; 6], 0),
        ),
        // Severities from the platform: HIGH 1, MEDIUM 2, LOW 1.
        (
            "checkov-2.2.34-severity.json",
            report("checkov-2.2.34-severity", 0, [0, 1, 2, 1, 0, 0], 0),
        ),
        // 931 passed, 239 failed.
        (
            "checkov-3.3.30-kubernetes-goat.json",
            report(
                "checkov-3.3.30-kubernetes-goat",
                931,
                [0, 0, 0, 0, 0, 239],
                0,
            ),
        ),
    ]
}

/// kube-bench, counted with Python from the files (`ctl` is `d["Controls"]`, or `d` itself for
/// the bare array):
///
/// ```text
/// listed:   Counter((r["status"], r["scored"]) for c in ctl for t in c["tests"] for r in t["results"])
/// counters: [t.get(k) for k in ("pass","fail","warn","info")] per section,
///           [c.get("total_" + k) ...] per control, d["Totals"]
/// ```
///
/// Counts are PASS, FAIL, WARN, (errored 0), INFO by benchmark version. Findings are the PASS and
/// FAIL results; a scored FAIL is high, an unscored one medium.
fn kube_bench() -> Vec<(&'static str, Expect)> {
    let run =
        |file: &str, open: [usize; 6], passed: usize, compliance: &[(&str, [u64; 5])]| Expect {
            format: "kube-bench",
            asset: file.into(),
            listed_checks: [0, open.iter().sum::<usize>() + passed],
            open,
            passed,
            compliance: Some(
                compliance
                    .iter()
                    .map(|(f, c)| (format!("CIS Kubernetes Benchmark {f}"), *c))
                    .collect(),
            ),
            covers: vec![Compliance],
            ..Expect::default()
        };
    vec![
        // 122 results, all counters agree: PASS 37 (33 scored), FAIL 36 (all scored), WARN 49.
        (
            "kube-bench-cis-1.6-full-run.json",
            run(
                "kube-bench-cis-1.6-full-run",
                [0, 36, 0, 0, 0, 0],
                37,
                &[("1.6", [37, 36, 49, 0, 0])],
            ),
        ),
        // Results trimmed by kube-bench's authors: 3 listed (PASS 1.1.1 master, PASS 2.1 etcd,
        // WARN 3.1.1). Counters claim more of every status, so they count, each level with a
        // warning: section 1.1 (15/1/5), section 2 (7), the master control (42/12/11) and the
        // controlplane control (0/0/3). The etcd control says version 1.15; the others 1.5.
        // Totals 49/12/14 agree with the controls.
        (
            "kube-bench-controls-totals.json",
            Expect {
                warnings: 4,
                ..run(
                    "kube-bench-controls-totals",
                    [0; 6],
                    2,
                    &[("1.5", [42, 12, 14, 0, 0]), ("1.15", [7, 0, 0, 0, 0])],
                )
            },
        ),
        // Bare array of two node controls. FAIL 4 (3 scored, 1 unscored 3.1.1), PASS 20. The
        // second control's total_pass 22 / total_fail 1 contradict its results (20 / 3): the
        // results count, with a warning. The first control has no total_* at all.
        (
            "kube-bench-node-legacy-array.json",
            Expect {
                warnings: 1,
                ..run(
                    "kube-bench-node-legacy-array",
                    [0, 3, 1, 0, 0, 0],
                    20,
                    &[("1.5", [20, 4, 0, 0, 0])],
                )
            },
        ),
    ]
}

/// Secret scanners, counted with jq (`length`; `[.Verified]`; `[.results[][]]`): a secret is
/// high, a verified one critical.
fn secrets() -> Vec<(&'static str, &'static str, Expect)> {
    let scan =
        |format: &'static str, asset: &str, taken_at: Option<&str>, open: [usize; 6]| Expect {
            format,
            asset: asset.into(),
            taken_at: taken_at.map(Into::into),
            listed: [0, 0, open.iter().sum(), 0],
            open,
            covers: vec![Secret],
            ..Expect::default()
        };
    vec![
        // v7 field names; 8 leaks of 4 distinct secrets; `repo: "."` names nothing.
        (
            "gitleaks",
            "gitleaks-v7.5.0-legacy.json",
            scan(
                "gitleaks",
                "gitleaks-v7.5.0-legacy",
                None,
                [0, 8, 0, 0, 0, 0],
            ),
        ),
        // `[]`: a clean scan.
        (
            "gitleaks",
            "gitleaks-v8-json-empty.json",
            scan("gitleaks", "gitleaks-v8-json-empty", None, [0; 6]),
        ),
        (
            "gitleaks",
            "gitleaks-v8-json-simple.json",
            scan(
                "gitleaks",
                "gitleaks-v8-json-simple",
                None,
                [0, 1, 0, 0, 0, 0],
            ),
        ),
        (
            "gitleaks",
            "gitleaks-v8-many.json",
            scan("gitleaks", "gitleaks-v8-many", None, [0, 4, 0, 0, 0, 0]),
        ),
        // 4 lines, all Verified: true. The file names the asset (a clean run names no
        // repository); the repository in SourceMetadata is its reference (see below).
        (
            "trufflehog",
            "trufflehog-v3-git.jsonl",
            scan("trufflehog", "trufflehog-v3-git", None, [4, 0, 0, 0, 0, 0]),
        ),
        (
            "trufflehog",
            "trufflehog-v3-github.jsonl",
            scan(
                "trufflehog",
                "trufflehog-v3-github",
                None,
                [4, 0, 0, 0, 0, 0],
            ),
        ),
        // 4 secrets, none verified; one audited as a false positive (`is_secret: false`, jq
        // `[.results[][] | select(.is_secret == false)] | length` = 1) is suppressed, 3 are open;
        // generated_at is the scan time.
        (
            "detect-secrets",
            "detect-secrets-many-findings.json",
            Expect {
                listed: [0, 0, 4, 0],
                suppressed: 1,
                ..scan(
                    "detect-secrets",
                    "detect-secrets-many-findings",
                    Some("2021-05-19T10:40:18Z"),
                    [0, 3, 0, 0, 0, 0],
                )
            },
        ),
    ]
}

/// Kyverno reports and Gatekeeper constraints, counted with Python (PyYAML reads the JSON files
/// too; a List's `items` are walked; a result counts once per resource in its `resources[]`):
///
/// ```text
/// docs = list(yaml.safe_load_all(open(path)))
/// reports = [r for d in docs for r in (d.get("items") or [d])]
/// results = [x for r in reports for x in r.get("results", []) for _ in (x.get("resources") or [1])]
/// failed by severity: Counter(x.get("severity") for x in results if x["result"] == "fail")
/// passed:             sum(x["result"] == "pass" for x in results)
/// taken_at:           max(x["timestamp"]["seconds"] for x in results if "timestamp" in x)
/// violations:         [len(c["status"]["violations"]) for c in reports], and totalViolations
/// ```
/// An expectation with the compliance checks its file reports, by engine: passed, failed, warned,
/// errored, skipped (from the Python counts above; a summary that disagrees counts instead).
fn with_checks(
    (format, file, expect): (&'static str, &'static str, Expect),
    compliance: Vec<(String, [u64; 5])>,
) -> (&'static str, &'static str, Expect) {
    (
        format,
        file,
        Expect {
            compliance: Some(compliance),
            ..expect
        },
    )
}

fn policy() -> Vec<(&'static str, &'static str, Expect)> {
    let expect =
        |format, asset: &str, taken_at: Option<&str>, listed, open, passed, warnings| Expect {
            format,
            asset: asset.into(),
            taken_at: taken_at.map(Into::into),
            listed_checks: [listed, 0],
            open,
            passed,
            covers: vec![Policy],
            warnings,
            ..Expect::default()
        };
    // `asset`: the file's name without its extension or the tool's (`Asset::file`).
    let kyverno = |file: &'static str, asset: &str, taken_at, listed, open, passed, warnings| {
        (
            "kyverno",
            file,
            expect("kyverno", asset, taken_at, listed, open, passed, warnings),
        )
    };
    // Every violation is open: listed = open.
    let gatekeeper = |file: &'static str, asset: &str, taken_at, open: [usize; 6]| {
        let listed = open.iter().sum();
        (
            "gatekeeper",
            file,
            expect("gatekeeper", asset, Some(taken_at), listed, open, 0, 0),
        )
    };
    vec![
        // CLI shape: 1 fail without severity (→ medium) on resources[0]; seconds 1707394871.
        with_checks(
            kyverno(
                "clusterpolicyreport-cli-apply-docs.yaml",
                "clusterpolicyreport-cli-apply-docs",
                Some("2024-02-08T12:21:11Z"),
                1,
                [0, 0, 1, 0, 0, 0],
                0,
                0,
            ),
            vec![("Kyverno".to_string(), [0, 1, 0, 0, 0])],
        ),
        // image-scanner: fail/high 1, warn 2 (not findings), no timestamps.
        with_checks(
            kyverno(
                "openreports-list-image-scanner.json",
                "openreports-list-image-scanner",
                None,
                1,
                [0, 1, 0, 0, 0, 0],
                0,
                0,
            ),
            vec![
                ("image-scanner".to_string(), [0, 1, 1, 0, 0]),
                ("policy-scanner".to_string(), [0, 0, 1, 0, 0]),
            ],
        ),
        // 1 fail without severity; seconds 1849050397.
        with_checks(
            kyverno(
                "openreports-list-kyverno-docs.yaml",
                "openreports-list-kyverno-docs",
                Some("2028-08-05T01:06:37Z"),
                1,
                [0, 0, 1, 0, 0, 0],
                0,
                0,
            ),
            vec![("Kyverno".to_string(), [0, 1, 0, 0, 0])],
        ),
        // fail/medium 1, pass 1 listed; the summary says pass 10 / fail 2: one warning.
        with_checks(
            kyverno(
                "policyreport-kube-apiserver-pod-docs.yaml",
                "policyreport-kube-apiserver-pod-docs",
                Some("2023-12-06T13:19:22Z"),
                2,
                [0, 0, 1, 0, 0, 0],
                1,
                1,
            ),
            vec![("Kyverno".to_string(), [10, 2, 0, 0, 0])],
        ),
        // Two reports: fail 1 (no severity), pass 1; seconds 1706183723.
        with_checks(
            kyverno(
                "policyreport-list-vap-staging-docs.yaml",
                "policyreport-list-vap-staging-docs",
                Some("2024-01-25T11:55:23Z"),
                2,
                [0, 0, 1, 0, 0, 0],
                1,
                0,
            ),
            vec![("ValidatingAdmissionPolicy".to_string(), [1, 1, 0, 0, 0])],
        ),
        // 4 deny violations, no severity label (→ medium), no totalViolations.
        gatekeeper(
            "constraint-k8srequiredlabels-docs.yaml",
            "constraint-k8srequiredlabels-docs",
            "2019-05-11T01:46:13Z",
            [0, 0, 4, 0, 0, 0],
        ),
        // 4 dryrun violations of 4, label severity=info.
        gatekeeper(
            "constraints-list-gkoutdatedimagebases.json",
            "constraints-list-gkoutdatedimagebases",
            "2023-08-01T09:25:53Z",
            [0, 0, 0, 0, 4, 0],
        ),
        // 2 deny violations of 2, label severity=error (→ high).
        gatekeeper(
            "constraints-list-gkownerinfoonhelmreleases.json",
            "constraints-list-gkownerinfoonhelmreleases",
            "2023-08-01T11:35:53Z",
            [0, 2, 0, 0, 0, 0],
        ),
    ]
}

#[test]
fn the_same_secret_in_several_commits_counts_once() {
    // gitleaks-v7.5.0-legacy.json: 8 leaks, 4 distinct (rule, file, secret) with jq:
    // map([.rule, .file, .offender] | tostring) | unique | length
    let mut engine = posture::core::engine::Engine::default();
    let bytes = read(&real_dir("gitleaks").join("gitleaks-v7.5.0-legacy.json"));
    crate::support::add_one(&mut engine, "leaks.json", &bytes, None);
    let view = engine.view(posture::core::time::Timestamp(0));
    let secrets = view
        .tiles
        .iter()
        .find(|t| t.id == "secrets_exposed")
        .unwrap();
    assert_eq!(secrets.value, Some(4.0));
}

#[test]
fn npm_audit_says_how_its_count_reconciles_with_npm() {
    let bytes = read(&real_dir("npm-audit").join("npm-audit-v2-npm7.json"));
    let parsed = posture::core::formats::load("audit.json", &bytes).unwrap();
    assert_eq!(
        parsed.snapshot().unwrap().note.as_deref(),
        Some("npm counts 15 vulnerable packages, 7 only through dependencies")
    );
}

#[test]
fn kube_bench_lists_pass_and_fail_and_says_which_counts_win() {
    use posture::core::model::{AssetKind, Fingerprint, Severity, Status};
    let load = |file: &str| {
        let bytes = read(&real_dir("kube-bench").join(file));
        formats::load(file, &bytes).unwrap()
    };
    let warned = |parsed: &formats::Parsed| -> Vec<(String, String)> {
        let path = |w: &posture::core::diagnostics::Warning| w.location.path.clone().unwrap();
        parsed
            .warnings
            .iter()
            .map(|w| (path(w), w.message.clone()))
            .collect()
    };

    let legacy = load("kube-bench-node-legacy-array.json");
    let snapshot = legacy.snapshot().unwrap();
    assert_eq!(snapshot.asset.kind, AssetKind::Cluster);
    assert_eq!(snapshot.note.as_deref(), Some("node types: node"));
    let first = &snapshot.findings[0];
    assert_eq!(
        (
            &*first.rule_id,
            &*first.location,
            first.status,
            first.severity
        ),
        (
            "3.1.1",
            "node 3.1 Authentication and Authorization",
            Status::Open,
            Severity::Medium
        ),
        "an unscored FAIL is medium"
    );
    assert!(first.title.starts_with("Client certificate authentication"));
    // Pinned: the identity of a check on a kind of node, the same in every run.
    assert_eq!(
        first.fingerprint,
        Fingerprint::of(&["kube-bench", "node", "3.1.1"])
    );
    assert_eq!(
        warned(&legacy),
        [(
            "[1]".to_string(),
            "the node control counts 22 PASS, 1 FAIL, 0 WARN, 0 INFO but lists 20 PASS, 3 FAIL, \
             0 WARN, 0 INFO; the listed results are used"
                .to_string()
        )]
    );

    let trimmed = load("kube-bench-controls-totals.json");
    let paths: Vec<String> = warned(&trimmed).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "Controls[0].tests[0]",
            "Controls[0]",
            "Controls[1].tests[0]",
            "Controls[2]"
        ]
    );
    assert!(
        trimmed
            .warnings
            .iter()
            .all(|w| w.message.contains("left out"))
    );

    let full = load("kube-bench-cis-1.6-full-run.json");
    assert_eq!(
        full.snapshot().unwrap().note.as_deref(),
        Some("node types: master, etcd, controlplane, node, policies")
    );
}

#[test]
fn every_real_file_parses_to_its_counts() {
    for (format, name, expect) in expectations() {
        check(name, &read(&real_dir(format).join(name)), expect);
    }
}

#[test]
fn no_real_file_goes_untested() {
    for format in posture::core::formats::FORMATS {
        let Ok(dir) = std::fs::read_dir(real_dir(format.id)) else {
            continue;
        };
        let on_disk: BTreeSet<String> = dir
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let findings = expectations().into_iter().map(|(f, n, _)| (f, n));
        let logs = crate::logs::real().into_iter().map(|(f, n, _)| (f, n));
        let tested: BTreeSet<String> = findings
            .chain(logs)
            .filter(|(f, _)| *f == format.id)
            .map(|(_, n)| n.to_string())
            .collect();
        assert_eq!(on_disk, tested, "{}", format.id);
    }
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

/// Recognition is by content and unambiguous: each real file of a supported format is accepted
/// by its own detector and no other; real files of formats this version does not read yet are
/// accepted by none (they get "not recognised", never a wrong parser).
#[test]
fn exactly_one_detector_accepts_each_real_file() {
    let root = real_dir("");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 20, "fixture folders: {}", dirs.len());
    for dir in dirs {
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let supported = formats::FORMATS.iter().any(|f| f.id == folder);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let mut bytes = read(&path);
            // YAML is read as the JSON it stands for, as `formats::load` does.
            if let Some(Ok(json)) = formats::yaml_document(&bytes) {
                bytes = json.into_bytes();
            }
            let accepted = accepting(&bytes);
            // Every CycloneDX BOM with vulnerabilities is a VEX candidate: its parse reads the
            // decisions, or says a scan is not read (formats.rs).
            let vex = folder == "cyclonedx";
            let expected: Vec<&str> = if vex {
                vec!["cyclonedx-vex"]
            } else if supported && !bytes.is_empty() {
                vec![folder.as_str()]
            } else {
                vec![]
            };
            assert_eq!(accepted, expected, "{}", path.display());
        }
    }
}

#[test]
fn a_clean_secret_scan_of_the_same_file_name_clears_the_secrets() {
    // trufflehog-v3-git.jsonl names https://github.com/trufflesecurity/test_keys (".git"
    // trimmed) in SourceMetadata; a later clean run prints only log lines, naming nothing.
    let bytes = read(&real_dir("trufflehog").join("trufflehog-v3-git.jsonl"));
    let parsed = formats::load("api-trufflehog-2026-01-01.jsonl", &bytes).unwrap();
    assert_eq!(
        parsed.snapshot().unwrap().reference.as_deref(),
        Some("https://github.com/trufflesecurity/test_keys")
    );
    let mut engine = posture::core::engine::Engine::default();
    let day = |d: &str| posture::core::time::Timestamp::parse_rfc3339(d);
    crate::support::add_one(
        &mut engine,
        "api-trufflehog-2026-01-01.jsonl",
        &bytes,
        day("2026-01-01T00:00:00Z"),
    );
    let clean = br#"{"level":"info-0","ts":"2026-01-08T00:00:00Z","logger":"trufflehog","msg":"finished scanning","chunks":12,"verified_secrets":0}"#;
    crate::support::add_one(
        &mut engine,
        "api-trufflehog-2026-01-08.jsonl",
        clean,
        day("2026-01-08T00:00:00Z"),
    );
    let view = engine.view(day("2026-01-09T00:00:00Z").unwrap());
    let secrets = view
        .tiles
        .iter()
        .find(|t| t.id == "secrets_exposed")
        .unwrap();
    assert_eq!(secrets.value, Some(0.0));
}

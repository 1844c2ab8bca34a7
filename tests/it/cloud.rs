//! Cloud posture: AWS Config and Security Hub (ASFF). Real files' counts, computed outside
//! Posture:
//!
//! ```text
//! # aws-config: rules and evaluations by ComplianceType; summaries' capped counts
//! jq '[.ComplianceByConfigRules[]?.Compliance.ComplianceType, .EvaluationResults[]?.ComplianceType] | group_by(.) | map({(.[0]): length}) | add'
//! jq '.ComplianceSummariesByResourceType[] | [.ResourceType, .ComplianceSummary.CompliantResourceCount.CappedCount, .ComplianceSummary.NonCompliantResourceCount.CappedCount]'
//! # securityhub: F = (if type == "array" then .[] else .Findings[] end)
//! # vulnerabilities: one per id and distinct package name and version (Inspector), or per
//! # Details.Other.PkgName (Trivy), by the finding's Severity.Label
//! jq '[F | .Severity.Label as $l | .Vulnerabilities[]? | (.VulnerablePackages | unique_by([.Name, .Version]))[] | $l] | group_by(.) | map({(.[0]): length}) | add'
//! jq '[F | .Severity.Label as $l | .Resources[].Details.Other.PkgName // empty | $l] | group_by(.) | map({(.[0]): length}) | add'
//! # compliance statuses; open = current FAILED, by Severity.Label
//! jq '[F | .Compliance.Status // empty] | group_by(.) | map({(.[0]): length}) | add'
//! jq '[F | select(.Compliance.Status == "FAILED" and .RecordState != "ARCHIVED") | .Severity.Label] | group_by(.) | map({(.[0]): length}) | add'
//! # resources named by current PASSED/FAILED checks; failed when any FAILED names them
//! jq '[F | select(.RecordState != "ARCHIVED" and (.Compliance.Status == "PASSED" or .Compliance.Status == "FAILED")) | .Compliance.Status as $s | .Resources[] | {id: .Id, failed: ($s == "FAILED")}] | group_by(.id) | map(any(.failed)) | group_by(.) | map({(.[0] | tostring): length}) | add'
//! # frameworks: per StandardsId (or none) and status
//! jq '[F | select(.RecordState != "ARCHIVED") | .Compliance.Status as $s | ((.Compliance.AssociatedStandards // []) | if length == 0 then ["none"] else map(.StandardsId) end)[] | [., $s]] | group_by(.) | map({(.[0] | join(" ")): length}) | add'
//! ```

use posture::core::formats;
use posture::core::model::Category::{Compliance, Vulnerability};
use posture::core::model::{Checks, PassFail, Status};

use crate::support::{Expect, read, real_dir};

/// Every real file of both formats: `(format, file, expect)`.
pub fn real() -> Vec<(&'static str, &'static str, Expect)> {
    let config = |file: &str, taken_at: Option<&str>, open: usize| Expect {
        format: "aws-config",
        asset: file.into(),
        taken_at: taken_at.map(Into::into),
        open: [0, 0, open, 0, 0, 0],
        listed_checks: [0, open],
        covers: vec![Compliance],
        ..Expect::default()
    };
    vec![
        // Two NON_COMPLIANT rules (contributors 3 and 10); no time.
        (
            "aws-config",
            "describe-compliance-by-config-rule-noncompliant.json",
            config("describe-compliance-by-config-rule-noncompliant", None, 2),
        ),
        // Three NON_COMPLIANT evaluations of one rule; the latest ResultRecordedTime
        // 1450314645.261.
        (
            "aws-config",
            "get-compliance-details-by-config-rule-noncompliant.json",
            config(
                "get-compliance-details-by-config-rule-noncompliant",
                Some("2015-12-17T01:10:45.261Z"),
                3,
            ),
        ),
        // Counts only: 10 compliant, 16 not (resources; no finding). 1453237464.543.
        (
            "aws-config",
            "get-compliance-summary-by-resource-type-all.json",
            config(
                "get-compliance-summary-by-resource-type-all",
                Some("2016-01-19T21:04:24.543Z"),
                0,
            ),
        ),
        // EC2 instances: 7 compliant, 3 not. 1452204923.518.
        (
            "aws-config",
            "get-compliance-summary-by-resource-type-ec2.json",
            config(
                "get-compliance-summary-by-resource-type-ec2",
                Some("2016-01-07T22:15:23.518Z"),
                0,
            ),
        ),
        // One PASSED PCI control, ARCHIVED: kept as fixed, neither open nor passed.
        (
            "securityhub",
            "get-findings-cli-pci-dss-example.json",
            Expect {
                format: "securityhub",
                asset: "AWS account 123456789012".into(),
                taken_at: Some("2020-06-02T14:02:52.397Z".into()),
                listed_checks: [0, 1],
                covers: vec![Compliance],
                ..Expect::default()
            },
        ),
        // 731 checks: PASSED 441, FAILED 286 (CRITICAL 3, HIGH 29, MEDIUM 199, LOW 55),
        // INFOED 4 (no finding).
        (
            "securityhub",
            "prowler-3.3.0-asff.json",
            Expect {
                format: "securityhub",
                asset: "AWS account 123456789012".into(),
                taken_at: Some("2023-03-18T15:43:31Z".into()),
                open: [3, 29, 199, 55, 0, 0],
                passed: 441,
                listed_checks: [0, 727],
                covers: vec![Compliance],
                ..Expect::default()
            },
        ),
        // 7 Inspector findings on 7 ECR images, 9 (id, package, version): CRITICAL 2 (certifi
        // twice), HIGH 6, MEDIUM 1. Several images: the account is the asset.
        (
            "securityhub",
            "securityhub-inspector-ecr-findings.json",
            Expect {
                format: "securityhub",
                asset: "AWS account 123456789012".into(),
                taken_at: Some("2023-08-30T21:11:47Z".into()),
                listed: [9, 0, 0, 0],
                open: [2, 6, 1, 0, 0, 0],
                covers: vec![Vulnerability],
                ..Expect::default()
            },
        ),
        // Trivy's ASFF template: 4 MEDIUM CVEs of one image, named as Trivy's JSON names it.
        (
            "securityhub",
            "trivy-alpine-3.10-asff.json",
            Expect {
                format: "securityhub",
                asset: "testdata/fixtures/images/alpine-310.tar.gz".into(),
                taken_at: Some("2021-08-25T12:20:30Z".into()),
                listed: [4, 0, 0, 0],
                open: [0, 0, 4, 0, 0, 0],
                covers: vec![Vulnerability],
                ..Expect::default()
            },
        ),
    ]
}

pub fn load(format: &str, file: &str) -> posture::core::model::Snapshot {
    let bytes = read(&real_dir(format).join(file));
    let parsed = formats::load(file, &bytes).unwrap();
    parsed.evidence.into_snapshot().unwrap()
}

#[test]
fn aws_config_counts_resources_and_rules() {
    let all = load(
        "aws-config",
        "get-compliance-summary-by-resource-type-all.json",
    );
    assert_eq!(
        all.cloud_resources,
        Some(PassFail {
            passed: 10,
            failed: 16
        })
    );
    assert!(all.compliance.is_empty());
    let rules = load(
        "aws-config",
        "describe-compliance-by-config-rule-noncompliant.json",
    );
    assert_eq!(rules.cloud_resources, None);
    assert_eq!(
        rules.compliance,
        [Checks {
            framework: "AWS Config".into(),
            failed: 2,
            ..Checks::default()
        }]
    );
    assert_eq!(
        &*rules.findings[1].title,
        "RequiredTagsForVolumes: 10 resources do not comply"
    );
    let details = load(
        "aws-config",
        "get-compliance-details-by-config-rule-noncompliant.json",
    );
    assert_eq!(details.cloud_resources.map(|r| r.failed), Some(3));
    assert_eq!(
        &*details.findings[0].location,
        "AWS::EC2::Instance/i-1a2b3c4d"
    );
}

#[test]
fn aws_config_does_not_count_the_aggregate_twice_and_reads_cli_v2() {
    // An aggregate entry beside per-type entries (files merged by hand): the per-type ones
    // count. ISO timestamps (CLI v2); a capped count warns that it is a lower bound.
    let doc = r#"{"ComplianceSummariesByResourceType":[
      {"ComplianceSummary":{"CompliantResourceCount":{"CappedCount":100,"CapExceeded":true},
        "NonCompliantResourceCount":{"CappedCount":16,"CapExceeded":false},
        "ComplianceSummaryTimestamp":"2026-01-19T21:04:24.543000+00:00"}},
      {"ResourceType":"AWS::EC2::Instance","ComplianceSummary":{"CompliantResourceCount":{"CappedCount":7},
        "NonCompliantResourceCount":{"CappedCount":3},"ComplianceSummaryTimestamp":"2026-01-18T00:00:00+00:00"}},
      {"ResourceType":"AWS::S3::Bucket","ComplianceSummary":{"CompliantResourceCount":{"CappedCount":2},
        "NonCompliantResourceCount":{"CappedCount":1}}}]}"#;
    let parsed = formats::load("summary.json", doc.as_bytes()).unwrap();
    let s = parsed.snapshot().unwrap();
    assert_eq!(
        s.cloud_resources,
        Some(PassFail {
            passed: 9,
            failed: 4
        })
    );
    assert_eq!(
        s.taken_at.map(|t| t.to_string()).as_deref(),
        Some("2026-01-19T21:04:24.543Z")
    );
    // The aggregate is not counted, so its cap does not matter.
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);

    let alone = r#"{"ComplianceSummariesByResourceType":[{"ComplianceSummary":{
      "CompliantResourceCount":{"CappedCount":100,"CapExceeded":true},"NonCompliantResourceCount":{"CappedCount":5}}}]}"#;
    let parsed = formats::load("summary.json", alone.as_bytes()).unwrap();
    assert_eq!(parsed.warnings.len(), 1);
    assert!(parsed.warnings[0].message.contains("lower bound"));
}

#[test]
fn aws_config_maps_every_compliance_type() {
    // NOT_APPLICABLE is skipped, INSUFFICIENT_DATA errored; neither is a finding.
    let doc = r#"{"ComplianceByConfigRules":[
      {"ConfigRuleName":"a","Compliance":{"ComplianceType":"COMPLIANT"}},
      {"ConfigRuleName":"b","Compliance":{"ComplianceType":"NON_COMPLIANT","ComplianceContributorCount":{"CappedCount":1}}},
      {"ConfigRuleName":"c","Compliance":{"ComplianceType":"NOT_APPLICABLE"}},
      {"ConfigRuleName":"d","Compliance":{"ComplianceType":"INSUFFICIENT_DATA"}},
      {"ConfigRuleName":"e","Compliance":{"ComplianceType":"WHATEVER"}}]}"#;
    let parsed = formats::load("rules.json", doc.as_bytes()).unwrap();
    let s = parsed.snapshot().unwrap();
    assert_eq!(
        s.compliance,
        [Checks {
            framework: "AWS Config".into(),
            passed: 1,
            failed: 1,
            errored: 1,
            skipped: 1,
            ..Checks::default()
        }]
    );
    let statuses: Vec<Status> = s.findings.iter().map(|f| f.status).collect();
    assert_eq!(statuses, [Status::Passed, Status::Open]);
    assert_eq!(parsed.warnings.len(), 1); // "e"

    let doc = r#"{"ComplianceByResources":[
      {"ResourceType":"AWS::S3::Bucket","ResourceId":"logs","Compliance":{"ComplianceType":"NON_COMPLIANT",
        "ComplianceContributorCount":{"CappedCount":2}}},
      {"ResourceType":"AWS::S3::Bucket","ResourceId":"site","Compliance":{"ComplianceType":"COMPLIANT"}},
      {"ResourceType":"AWS::EC2::Instance","ResourceId":"i-1","Compliance":{"ComplianceType":"INSUFFICIENT_DATA"}}]}"#;
    let s = formats::load("resources.json", doc.as_bytes())
        .unwrap()
        .evidence
        .into_snapshot()
        .unwrap();
    assert_eq!(
        s.cloud_resources,
        Some(PassFail {
            passed: 1,
            failed: 1
        })
    );
    assert_eq!(
        &*s.findings[0].title,
        "AWS::S3::Bucket/logs does not comply with 2 rules"
    );
}

//! Security Hub (ASFF) beyond the real files' counts (in `cloud.rs`): checks by standard,
//! resources, statuses, workflow and record state over time.

use posture::core::formats;
use posture::core::model::{Checks, PassFail, Status};

use crate::cloud::load;

#[test]
fn securityhub_counts_checks_by_standard_and_resources() {
    let prowler = load("securityhub", "prowler-3.3.0-asff.json");
    assert_eq!(
        (prowler.tool.name.as_str(), prowler.tool.version.as_deref()),
        ("Prowler", Some("3.3.0"))
    );
    // 81 distinct resources: 58 named by a FAILED check, 23 only by PASSED ones.
    assert_eq!(
        prowler.cloud_resources,
        Some(PassFail {
            passed: 23,
            failed: 58
        })
    );
    // Each check counts once, under its first standard, so the frameworks add up to the file:
    // PASSED 441, FAILED 286, INFOED 4 (SOURCES.md; `jq '[.[].Compliance.Status] | group_by(.)
    // | map({(.[0]): length}) | add'`).
    let sum = |pick: fn(&posture::core::model::Checks) -> u64| -> u64 {
        prowler.compliance.iter().map(pick).sum()
    };
    assert_eq!(
        (sum(|c| c.passed), sum(|c| c.failed), sum(|c| c.skipped)),
        (441, 286, 4)
    );
    // Checks with no standard count under the tool that ran them: FAILED 51, PASSED 301, INFOED 1.
    let own = prowler
        .compliance
        .iter()
        .find(|c| c.framework == "Prowler")
        .unwrap();
    assert_eq!((own.passed, own.failed, own.skipped), (301, 51, 1));
    assert_eq!(
        posture::core::model::Evidence::kinds_of(&prowler, prowler.covers),
        [posture::core::model::SourceKind::CloudPosture]
    );
    assert!(
        prowler
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("4 INFOED"))
    );
}

/// An ASFF finding: a check on `resource` in account 111122223333.
fn asff(id: &str, status: &str, workflow: &str, record: &str, resource: &str, at: &str) -> String {
    format!(
        r#"{{"SchemaVersion":"2018-10-08","Id":"{id}","ProductArn":"arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId":"aws-foundational-security-best-practices/v/1.0.0/S3.1","AwsAccountId":"111122223333",
        "UpdatedAt":"{at}","Severity":{{"Label":"HIGH"}},"Title":"S3.1","ProductFields":{{
        "StandardsArn":"arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0","ControlId":"S3.1"}},
        "Resources":[{{"Type":"AwsS3Bucket","Id":"{resource}"}}],"Compliance":{{"Status":"{status}"}},
        "Workflow":{{"Status":"{workflow}"}},"RecordState":"{record}"}}"#
    )
}

#[test]
fn securityhub_maps_statuses_workflow_and_record_state() {
    let at = "2026-01-01T00:00:00Z";
    let findings = [
        asff("a", "FAILED", "NEW", "ACTIVE", "b1", at),
        asff("b", "FAILED", "SUPPRESSED", "ACTIVE", "b2", at),
        asff("c", "PASSED", "RESOLVED", "ACTIVE", "b3", at),
        asff("d", "FAILED", "NEW", "ARCHIVED", "b4", at),
        asff("e", "WARNING", "NEW", "ACTIVE", "b5", at),
        asff("f", "NOT_AVAILABLE", "NEW", "ACTIVE", "b6", at),
        asff("g", "FAILED", "RESOLVED", "ACTIVE", "b7", at),
    ];
    let doc = format!(r#"{{"Findings":[{}]}}"#, findings.join(","));
    let s = formats::load("hub.json", doc.as_bytes())
        .unwrap()
        .evidence
        .into_snapshot()
        .unwrap();
    let statuses: Vec<(&str, Status)> =
        s.findings.iter().map(|f| (&*f.rule_id, f.status)).collect();
    assert_eq!(
        statuses,
        [
            ("S3.1", Status::Open),
            ("S3.1", Status::Suppressed),
            ("S3.1", Status::Passed),
            ("S3.1", Status::Fixed),
            ("S3.1", Status::Fixed),
        ]
    );
    assert_eq!(
        s.compliance,
        [Checks {
            framework: "AWS Foundational Security Best Practices 1.0.0".into(),
            passed: 1,
            failed: 1,
            warned: 1,
            skipped: 2,
            ..Checks::default()
        }]
    );
    // b1 fails; b2 (suppressed) and b3 pass; archived and resolved ones are not current.
    assert_eq!(
        s.cloud_resources,
        Some(PassFail {
            passed: 2,
            failed: 1
        })
    );
    assert_eq!(s.asset.name, "AWS account 111122223333");
}

/// An Inspector finding of `cve` in openssl on the ECR image `repo-os`.
fn inspector(cve: &str, record: &str, at: &str) -> String {
    format!(
        r#"{{"SchemaVersion":"2018-10-08","Id":"arn:aws:inspector2:eu-central-1:123456789012:finding/{cve}",
        "ProductArn":"arn:aws:securityhub:eu-central-1::product/aws/inspector","ProductName":"Inspector",
        "GeneratorId":"AWSInspector","AwsAccountId":"123456789012","UpdatedAt":"{at}","Severity":{{"Label":"HIGH"}},
        "Title":"{cve} - openssl","Resources":[{{"Type":"AwsEcrContainerImage",
        "Id":"arn:aws:ecr:eu-central-1:123456789012:repository/repo-os/sha256:af96"}}],
        "Workflow":{{"Status":"NEW"}},"RecordState":"{record}","Vulnerabilities":[{{"Id":"{cve}",
        "VulnerablePackages":[{{"Name":"openssl","Version":"1.1.1n","FixedInVersion":"1.1.1n-0+deb11u5"}}],"FixAvailable":"YES"}}]}}"#
    )
}

#[test]
fn a_finding_archived_between_two_exports_is_fixed_in_history() {
    use posture::core::engine::Engine;
    use posture::core::time::Timestamp;
    let day = |d: &str| Timestamp::parse_rfc3339(d).unwrap();
    let first = format!(
        r#"{{"Findings":[{},{}]}}"#,
        inspector("CVE-2023-0001", "ACTIVE", "2026-01-01T00:00:00Z"),
        inspector("CVE-2023-0002", "ACTIVE", "2026-01-01T00:00:00Z")
    );
    let second = format!(
        r#"{{"Findings":[{},{}]}}"#,
        inspector("CVE-2023-0001", "ARCHIVED", "2026-01-11T00:00:00Z"),
        inspector("CVE-2023-0002", "ACTIVE", "2026-01-11T00:00:00Z")
    );
    let mut engine = Engine::default();
    crate::support::add_one(&mut engine, "hub-2026-01-01.json", first.as_bytes(), None);
    crate::support::add_one(&mut engine, "hub-2026-01-11.json", second.as_bytes(), None);
    let view = engine.view(day("2026-01-12T00:00:00Z"));
    let value = |id: &str| view.tiles.iter().find(|t| t.id == id).unwrap().value;
    // One of two fixed, after 10 days; the other still open.
    assert_eq!(value("resolved_vulns_pct"), Some(50.0));
    assert_eq!(value("vuln_mttr"), Some(10.0));
    assert_eq!(view.metrics.vulnerabilities, 1);
}

#[test]
fn an_empty_page_of_findings_is_read() {
    let parsed = formats::load("hub.json", br#"{"Findings": [], "NextToken": null}"#).unwrap();
    let s = parsed.snapshot().unwrap();
    assert_eq!((s.format, s.findings.len()), ("securityhub", 0));
    assert_eq!(s.cloud_resources, None);
}

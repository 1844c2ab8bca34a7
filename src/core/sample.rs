//! The built-in sample set behind "Try with sample data": Posture's own demo files, made up but
//! shaped exactly like the tools' output. Two scans of one image (Trivy) and of its code
//! (Semgrep) a month apart show history at work; a Grype scan of the same image shows
//! cross-tool identity; Trivy and Checkov IaC scans feed the IaC pass rate. A cluster's audit
//! log, its Falco alerts, the AWS account's CloudTrail and a Jira export of security incidents
//! (made by `sample/generate_logs.py`) feed the detection and response KPIs; kube-bench, two
//! weekly Kyverno audits, Gatekeeper with the cluster's inventory, AWS Config, Security Hub, containerd events and a metrics
//! CSV (`sample/generate_compliance.py`) the compliance KPIs, so every tile has a value.

/// A sample file: its name, when it was last modified (what a dropped file's `lastModified`
/// says, the snapshot time of a format with none of its own), and its bytes.
pub struct SampleFile {
    pub name: &'static str,
    pub modified: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! sample {
    ($file:literal, $modified:literal) => {
        SampleFile {
            name: concat!("sample/", $file),
            modified: $modified,
            bytes: include_bytes!(concat!("sample/", $file)),
        }
    };
}

pub static FILES: &[SampleFile] = &[
    sample!("payments-api-image-2026-10-12.json", "2026-10-12T08:03:10Z"),
    sample!("payments-api-image-2026-11-18.json", "2026-11-18T08:03:02Z"),
    sample!("payments-api-grype-2026-11-18.json", "2026-11-18T08:05:13Z"),
    sample!("web-frontend-image-2026-11-18.json", "2026-11-18T08:11:40Z"),
    sample!("infra-config-2026-11-18.json", "2026-11-18T08:14:55Z"),
    sample!(
        "payments-infra-checkov-2026-11-18.json",
        "2026-11-18T08:16:21Z"
    ),
    sample!(
        "payments-api-secrets-2026-10-12.json",
        "2026-10-12T08:06:44Z"
    ),
    sample!(
        "payments-api-secrets-2026-11-18.json",
        "2026-11-18T08:06:31Z"
    ),
    sample!(
        "payments-api-semgrep-2026-10-12.json",
        "2026-10-12T08:09:58Z"
    ),
    sample!(
        "payments-api-semgrep-2026-11-18.json",
        "2026-11-18T08:09:37Z"
    ),
    sample!(
        "payments-cluster-audit-2026-11-18.jsonl",
        "2026-11-18T23:59:00Z"
    ),
    sample!("payments-falco-2026-11-18.jsonl", "2026-11-18T23:59:00Z"),
    sample!("aws-cloudtrail-2026-11-18.json", "2026-11-18T23:59:00Z"),
    sample!(
        "security-incidents-jira-2026-11-18.csv",
        "2026-11-18T23:59:00Z"
    ),
    sample!(
        "payments-node-ctr-events-2026-11-18.log",
        "2026-11-18T23:59:00Z"
    ),
    sample!(
        "payments-cluster-kube-bench-2026-11-18.json",
        "2026-11-18T06:20:00Z"
    ),
    sample!(
        "payments-cluster-kyverno-2026-11-11.yaml",
        "2026-11-11T06:05:00Z"
    ),
    sample!(
        "payments-cluster-kyverno-2026-11-18.yaml",
        "2026-11-18T06:05:00Z"
    ),
    sample!(
        "payments-cluster-gatekeeper-2026-11-18.json",
        "2026-11-18T06:12:00Z"
    ),
    sample!(
        "payments-cluster-inventory-2026-11-18.json",
        "2026-11-18T06:12:00Z"
    ),
    sample!("aws-config-summary-2026-11-18.json", "2026-11-18T05:01:00Z"),
    sample!("aws-securityhub-2026-11-18.json", "2026-11-18T03:13:00Z"),
    sample!("security-metrics-2026-11-18.csv", "2026-11-18T08:00:00Z"),
];

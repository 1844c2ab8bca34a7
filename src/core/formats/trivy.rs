//! Trivy JSON: `trivy image|fs|repo|config -f json` (SchemaVersion 2) and `trivy k8s` reports,
//! both the current `{ClusterName, Resources[]}` shape and the older `{ClusterName,
//! Vulnerabilities[], Misconfigurations[]}` one.
//!
//! Mapping: `Vulnerabilities[]` → vulnerability findings (rule = `VulnerabilityID`, package =
//! `PkgName`; `Status: not_affected` → suppressed, any other status is open);
//! `Misconfigurations[]` → misconfiguration findings (`FAIL` open, `PASS` passed, `EXCEPTION`
//! suppressed); `Secrets[]` → secret findings. IaC pass/fail counts come from each result's
//! `MisconfSummary` when present, else from the listed statuses.
//!
//! Coverage (what the scan looked for, so that what it does not list counts as absent): a report
//! with package results, or an image report with no results, ran the vulnerability scanner, and
//! perhaps the secret scanner (assumed until a report of the asset lists a secret); config
//! results mean misconfigurations were checked, secret results that secrets were.

mod build;
mod stream;

use serde::Deserialize;

use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::sniff::{Shape, Sniff};
use build::{Builder, Head, ResultScope};

pub use stream::stream;

pub const FORMAT: Format = Format {
    id: "trivy",
    label: "Trivy JSON",
    command: "`trivy image`, `fs`, `repo` or `config` with `-f json`; `trivy k8s --report all -f json`",
    severity_mapping: "`Severity` CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN map one to one",
    feeds: "vulnerabilities, misconfigurations with passed/failed check counts, secrets",
    kinds: &[
        SourceKind::VulnerabilityScan,
        SourceKind::SecretScan,
        SourceKind::IacScan,
    ],
    detect,
    parse,
    stream: Some(stream),
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    let report = root.has("SchemaVersion")
        && ["Results", "ArtifactName", "ArtifactType"]
            .iter()
            .any(|k| root.has(k));
    let cluster = root.has("ClusterName")
        && [
            "Resources",
            "Vulnerabilities",
            "Misconfigurations",
            "Findings",
        ]
        .iter()
        .any(|k| root.has(k));
    report || cluster
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(rename = "SchemaVersion")]
    schema_version: Option<u32>,
    #[serde(rename = "CreatedAt", borrow)]
    created_at: Option<Str<'a>>,
    #[serde(rename = "ArtifactName", borrow)]
    artifact_name: Option<Str<'a>>,
    #[serde(rename = "ArtifactType", borrow)]
    artifact_type: Option<Str<'a>>,
    #[serde(rename = "Metadata", borrow)]
    metadata: Option<Metadata<'a>>,
    #[serde(rename = "Results", borrow)]
    results: Option<Vec<TrivyResult<'a>>>,
    #[serde(rename = "Trivy", borrow)]
    trivy: Option<TrivyInfo<'a>>,
    #[serde(rename = "ClusterName", borrow)]
    cluster_name: Option<Str<'a>>,
    /// `trivy k8s --report all`, current shape.
    #[serde(rename = "Resources", borrow)]
    resources: Option<Vec<Resource<'a>>>,
    /// `trivy k8s`, before 0.50: resources split by scanner.
    #[serde(rename = "Vulnerabilities", borrow)]
    vulnerable_resources: Option<Vec<Resource<'a>>>,
    #[serde(rename = "Misconfigurations", borrow)]
    misconfigured_resources: Option<Vec<Resource<'a>>>,
    /// `trivy k8s --report summary`: counts only.
    #[serde(rename = "Findings")]
    summary_findings: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Metadata<'a> {
    #[serde(rename = "RepoTags", borrow)]
    repo_tags: Option<Vec<Str<'a>>>,
    #[serde(rename = "RepoDigests", borrow)]
    repo_digests: Option<Vec<Str<'a>>>,
    #[serde(rename = "ImageID", borrow)]
    image_id: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct TrivyInfo<'a> {
    #[serde(rename = "Version", borrow)]
    version: Option<Str<'a>>,
}

impl Metadata<'_> {
    fn owned(&self) -> build::Metadata {
        let all = |list: &Option<Vec<Str>>| {
            list.iter()
                .flatten()
                .map(|s| s.as_str().to_string())
                .collect()
        };
        build::Metadata {
            repo_tags: self.repo_tags.as_ref().map(|_| all(&self.repo_tags)),
            repo_digests: self.repo_digests.as_ref().map(|_| all(&self.repo_digests)),
            image_id: owned(&self.image_id),
        }
    }
}

fn owned(value: &Option<Str>) -> Option<String> {
    value.as_ref().map(|s| s.as_str().to_string())
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(rename = "Namespace", borrow)]
    namespace: Option<Str<'a>>,
    #[serde(rename = "Kind", borrow)]
    kind: Option<Str<'a>>,
    #[serde(rename = "Name", borrow)]
    name: Option<Str<'a>>,
    #[serde(rename = "Results", borrow)]
    results: Option<Vec<TrivyResult<'a>>>,
    #[serde(rename = "Error", borrow)]
    error: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct TrivyResult<'a> {
    #[serde(rename = "Target", borrow)]
    target: Option<Str<'a>>,
    #[serde(rename = "Class", borrow)]
    class: Option<Str<'a>>,
    #[serde(rename = "Vulnerabilities", borrow)]
    vulnerabilities: Option<Vec<Vulnerability<'a>>>,
    #[serde(rename = "Misconfigurations", borrow)]
    misconfigurations: Option<Vec<Misconfiguration<'a>>>,
    #[serde(rename = "MisconfSummary")]
    misconf_summary: Option<MisconfSummary>,
    #[serde(rename = "Secrets", borrow)]
    secrets: Option<Vec<Secret<'a>>>,
    #[serde(rename = "Licenses")]
    licenses: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
struct Vulnerability<'a> {
    #[serde(rename = "VulnerabilityID", borrow)]
    id: Option<Str<'a>>,
    #[serde(rename = "PkgName", borrow)]
    pkg_name: Option<Str<'a>>,
    #[serde(rename = "InstalledVersion", borrow)]
    installed: Option<Str<'a>>,
    #[serde(rename = "FixedVersion", borrow)]
    fixed: Option<Str<'a>>,
    #[serde(rename = "Severity", borrow)]
    severity: Option<Str<'a>>,
    #[serde(rename = "Status", borrow)]
    status: Option<Str<'a>>,
    #[serde(rename = "Title", borrow)]
    title: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Misconfiguration<'a> {
    #[serde(rename = "ID", borrow)]
    id: Option<Str<'a>>,
    #[serde(rename = "AVDID", borrow)]
    avd_id: Option<Str<'a>>,
    #[serde(rename = "Title", borrow)]
    title: Option<Str<'a>>,
    #[serde(rename = "Message", borrow)]
    message: Option<Str<'a>>,
    #[serde(rename = "Severity", borrow)]
    severity: Option<Str<'a>>,
    #[serde(rename = "Status", borrow)]
    status: Option<Str<'a>>,
    #[serde(rename = "CauseMetadata")]
    cause: Option<Cause>,
}

#[derive(Deserialize)]
struct Cause {
    #[serde(rename = "StartLine")]
    start_line: Option<u64>,
}

/// A count Trivy leaves out is zero, not a reason to lose the file.
#[derive(Deserialize)]
struct MisconfSummary {
    #[serde(rename = "Successes", default)]
    successes: u64,
    #[serde(rename = "Failures", default)]
    failures: u64,
}

#[derive(Deserialize)]
struct Secret<'a> {
    #[serde(rename = "RuleID", borrow)]
    rule_id: Option<Str<'a>>,
    #[serde(rename = "Title", borrow)]
    title: Option<Str<'a>>,
    #[serde(rename = "Severity", borrow)]
    severity: Option<Str<'a>>,
    #[serde(rename = "StartLine")]
    start_line: Option<u64>,
    #[serde(rename = "Match", borrow)]
    matched: Option<Str<'a>>,
}

/// The whole document at once (the stream's fallback, and any file read whole).
fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut out = Builder::default();
    let results = |out: &mut Builder, resource: Option<&str>, list: &[TrivyResult], path: &str| {
        for (i, result) in list.iter().enumerate() {
            let mut scope =
                ResultScope::new(resource, text(&result.target), &format!("{path}[{i}]"));
            scope.class = owned(&result.class);
            scope.vulnerabilities = result.vulnerabilities.is_some();
            for (j, v) in result.vulnerabilities.iter().flatten().enumerate() {
                out.vulnerability(&mut scope, v, j);
            }
            for (j, m) in result.misconfigurations.iter().flatten().enumerate() {
                out.misconfiguration(&mut scope, m, j);
            }
            scope.summary = result
                .misconf_summary
                .as_ref()
                .map(|s| (s.successes, s.failures));
            scope.secrets = result.secrets.is_some();
            for (j, s) in result.secrets.iter().flatten().enumerate() {
                out.secret(&mut scope, s, j);
            }
            scope.licenses = result.licenses.as_ref().map_or(0, Vec::len);
            out.end_result(scope);
        }
    };
    results(
        &mut out,
        None,
        report.results.as_deref().unwrap_or_default(),
        "Results",
    );
    let resource_lists = [
        ("Resources", &report.resources),
        ("Vulnerabilities", &report.vulnerable_resources),
        ("Misconfigurations", &report.misconfigured_resources),
    ];
    for (key, resources) in resource_lists {
        for (i, resource) in resources.iter().flatten().enumerate() {
            let prefix = build::resource_name(
                [&resource.namespace, &resource.kind, &resource.name].map(text),
            );
            let path = format!("{key}[{i}]");
            results(
                &mut out,
                Some(&prefix),
                resource.results.as_deref().unwrap_or_default(),
                &format!("{path}.Results"),
            );
            out.resource_error(&prefix, text(&resource.error), &path);
        }
    }
    let head = Head {
        schema_version: report.schema_version,
        created_at: owned(&report.created_at),
        artifact_name: owned(&report.artifact_name),
        artifact_type: owned(&report.artifact_type),
        metadata: report.metadata.as_ref().map(Metadata::owned),
        version: report.trivy.as_ref().and_then(|t| owned(&t.version)),
        cluster_name: owned(&report.cluster_name),
        results: report.results.as_ref().map(Vec::len),
        resources: report.resources.is_some(),
        vulnerable_resources: report.vulnerable_resources.is_some(),
        misconfigured_resources: report.misconfigured_resources.is_some(),
        summary_findings: report.summary_findings.is_some(),
    };
    out.finish(head, input.name)
}

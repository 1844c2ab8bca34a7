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

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::{ErrorKind, Location};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, AssetKind, Category, Coverage, Fingerprint, PassFail, Snapshot, Status, Tool,
};
use crate::core::severity::severity_word;
use crate::core::sniff::{Shape, Sniff};

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

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut out = Builder::default();

    let cluster = text(&report.cluster_name);
    if cluster.is_some()
        && report.resources.is_none()
        && report.vulnerable_resources.is_none()
        && report.misconfigured_resources.is_none()
        && report.summary_findings.is_some()
    {
        return Err(ParseError {
            kind: ErrorKind::Unsupported {
                detail:
                    "this `trivy k8s --report summary` output holds only counts, not findings; \
                         run `trivy k8s --report all -f json`"
                        .into(),
            },
            location: Location::path("Findings"),
        });
    }
    if let Some(version) = report.schema_version.filter(|v| *v != 2) {
        out.c.warn(
            format!("SchemaVersion {version}: Posture reads version 2; fields may be missed"),
            "SchemaVersion",
        );
    }

    let image = text(&report.artifact_type) == Some("container_image");
    for (i, result) in report.results.iter().flatten().enumerate() {
        out.add_result(None, result, &format!("Results[{i}]"));
    }
    let resource_lists = [
        ("Resources", &report.resources, None),
        (
            "Vulnerabilities",
            &report.vulnerable_resources,
            Some(Category::Vulnerability),
        ),
        (
            "Misconfigurations",
            &report.misconfigured_resources,
            Some(Category::Misconfiguration),
        ),
    ];
    for (key, resources, covers) in resource_lists {
        if let (Some(category), Some(_)) = (covers, resources) {
            out.covers = out.covers.with(category);
        }
        for (i, resource) in resources.iter().flatten().enumerate() {
            let prefix = resource_name(resource);
            if let Some(error) = text(&resource.error) {
                out.c.warn(
                    format!("Trivy could not scan {prefix}: {error}"),
                    &format!("{key}[{i}].Error"),
                );
            }
            for (j, result) in resource.results.iter().flatten().enumerate() {
                out.add_result(Some(&prefix), result, &format!("{key}[{i}].Results[{j}]"));
            }
        }
    }
    // The report does not say which scanners ran. Package results, or an image report with no
    // results at all, mean the vulnerability scanner did. Trivy's defaults (image, fs, repo, k8s)
    // add the secret scanner, but `--scanners vuln` and versions before 0.27 do not, and nothing
    // in the report tells: secrets are assumed, not covered, until a report of this asset lists
    // one (then a later report without it has it removed). A report of secrets or config results
    // only (`--scanners secret`, `trivy config`) looked for nothing else. (The pre-0.50
    // `trivy k8s` shape says what it covered by its keys.)
    let legacy = report.vulnerable_resources.is_some() || report.misconfigured_resources.is_some();
    let no_results =
        report.results.as_ref().is_none_or(Vec::is_empty) && report.resources.is_none();
    if !legacy && (out.package_results || (image && no_results)) {
        out.covers = out
            .covers
            .with(Category::Vulnerability)
            .assuming(Category::Secret);
    }
    if out.licenses > 0 {
        out.c.warn(
            format!(
                "{} license findings are not counted: Posture does not score licences",
                out.licenses
            ),
            "Results",
        );
    }

    let (asset, reference, asset_warning) = asset(&report, input.name);
    if let Some(message) = asset_warning {
        out.c.warn(message, "ArtifactName");
    }
    let taken_at = out.c.taken_at(text(&report.created_at), "CreatedAt");
    let version = report
        .trivy
        .as_ref()
        .and_then(|t| text(&t.version))
        .map(str::to_string);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Trivy".into(),
            version,
        },
        asset,
        reference,
        taken_at,
        covers: out.covers,
        findings: out.c.findings,
        iac_checks: out.iac.then_some(out.checks),
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: None,
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: out.c.warnings,
    })
}

/// What the report is about, and the artifact as named when that says more. Trivy's
/// `ArtifactName` is often "." (`trivy fs .`), which would make every repository scanned that way
/// one asset; the file name then stands in for it.
fn asset(report: &Report, file: &str) -> (Asset, Option<String>, Option<String>) {
    if let Some(cluster) = text(&report.cluster_name) {
        return (
            Asset {
                kind: AssetKind::Cluster,
                name: cluster.into(),
            },
            None,
            None,
        );
    }
    let kind = match text(&report.artifact_type) {
        Some("container_image") => AssetKind::ContainerImage,
        Some("repository") => AssetKind::Repository,
        Some("filesystem") => AssetKind::Filesystem,
        _ => AssetKind::Other,
    };
    let metadata = report.metadata.as_ref();
    let reference = text(&report.artifact_name)
        .filter(|n| *n != ".")
        .or_else(|| metadata.and_then(|m| first_non_empty(m.repo_tags.as_ref())))
        .or_else(|| metadata.and_then(|m| first_non_empty(m.repo_digests.as_ref())));
    let asset = match (reference, kind) {
        (Some(reference), AssetKind::ContainerImage) => Asset::image(reference),
        (Some(reference), _) => Asset {
            kind,
            name: reference.into(),
        },
        // An image ID is an identity, not a reference with a tag to strip.
        (None, _) => match metadata.and_then(|m| text(&m.image_id)) {
            Some(id) => Asset {
                kind,
                name: id.into(),
            },
            None => {
                let warning = format!(
                    "the report does not name what was scanned (ArtifactName {:?}); the asset is named after the file",
                    text(&report.artifact_name).unwrap_or("")
                );
                return (
                    Asset {
                        kind,
                        ..Asset::file(file)
                    },
                    None,
                    Some(warning),
                );
            }
        },
    };
    let reference = reference.filter(|r| *r != asset.name).map(str::to_string);
    (asset, reference, None)
}

fn first_non_empty<'t>(list: Option<&'t Vec<Str<'_>>>) -> Option<&'t str> {
    list.into_iter().flatten().find_map(Str::non_empty)
}

fn resource_name(resource: &Resource) -> String {
    let parts = [&resource.namespace, &resource.kind, &resource.name];
    parts
        .iter()
        .filter_map(|p| text(p))
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Default)]
struct Builder {
    c: Collector,
    covers: Coverage,
    checks: PassFail,
    /// Whether any IaC check was reported at all (a pass rate of 0/0 is no data, not 0 %).
    iac: bool,
    licenses: usize,
    /// Whether any result lists packages (os-pkgs, lang-pkgs): the vulnerability scanner ran.
    package_results: bool,
}

impl Builder {
    fn add_result(&mut self, resource: Option<&str>, result: &TrivyResult, path: &str) {
        let class = text(&result.class);
        let target = text(&result.target).unwrap_or("");
        let location = match resource {
            Some(resource) if !target.is_empty() => format!("{resource}: {target}"),
            Some(resource) => resource.to_string(),
            None => target.to_string(),
        };
        let resource = resource.unwrap_or("");

        if matches!(class, Some("os-pkgs" | "lang-pkgs")) || result.vulnerabilities.is_some() {
            self.package_results = true;
        }
        for (i, v) in result.vulnerabilities.iter().flatten().enumerate() {
            let Some(id) = text(&v.id) else {
                self.c.warn(
                    "a vulnerability without VulnerabilityID was skipped",
                    &format!("{path}.Vulnerabilities[{i}]"),
                );
                continue;
            };
            let name = text(&v.pkg_name).unwrap_or("");
            let raw_severity = text(&v.severity).unwrap_or("");
            let status = match text(&v.status) {
                Some("not_affected") => Status::Suppressed,
                _ => Status::Open,
            };
            self.c.add(NewFinding {
                category: Category::Vulnerability,
                severity: severity_word(raw_severity),
                severity_raw: raw_severity,
                rule_id: id,
                title: text(&v.title).unwrap_or(id),
                location: &location,
                package: Some((name, text(&v.installed), text(&v.fixed))),
                status,
                // The same CVE in the same package of the same asset is one problem, whichever
                // target or tool reports it (a Kubernetes resource is part of the identity).
                fingerprint: Fingerprint::vulnerability(resource, [id], name),
            });
        }

        let misconfigurations = result.misconfigurations.as_deref().unwrap_or_default();
        if class == Some("config")
            || result.misconf_summary.is_some()
            || !misconfigurations.is_empty()
        {
            self.covers = self.covers.with(Category::Misconfiguration);
        }
        let mut listed = PassFail::default();
        for (i, m) in misconfigurations.iter().enumerate() {
            let Some(id) = text(&m.id).or_else(|| text(&m.avd_id)) else {
                self.c.warn(
                    "a misconfiguration without ID was skipped",
                    &format!("{path}.Misconfigurations[{i}]"),
                );
                continue;
            };
            let status = match text(&m.status) {
                Some("PASS") => Status::Passed,
                Some("EXCEPTION") => Status::Suppressed,
                _ => Status::Open,
            };
            match status {
                Status::Passed => listed.passed += 1,
                Status::Open => listed.failed += 1,
                _ => {}
            }
            let message = text(&m.message).unwrap_or("");
            let line = m
                .cause
                .as_ref()
                .and_then(|c| c.start_line)
                .filter(|l| *l > 0);
            let raw_severity = text(&m.severity).unwrap_or("");
            let fingerprint = self
                .c
                .distinct(&["misconfiguration", &location, id, message]);
            self.c.add(NewFinding {
                category: Category::Misconfiguration,
                severity: severity_word(raw_severity),
                severity_raw: raw_severity,
                rule_id: id,
                title: text(&m.title).unwrap_or(id),
                location: &with_line(&location, line),
                package: None,
                status,
                fingerprint,
            });
        }
        match &result.misconf_summary {
            Some(summary) => {
                if listed.failed > summary.failures {
                    self.c.warn(
                        format!(
                            "{} failed checks are listed but MisconfSummary counts {}; the pass rate uses the summary",
                            listed.failed, summary.failures
                        ),
                        &format!("{path}.MisconfSummary"),
                    );
                }
                self.checks += PassFail {
                    passed: summary.successes,
                    failed: summary.failures,
                };
                self.iac = true;
            }
            None if listed.evaluated() > 0 => {
                self.checks += listed;
                self.iac = true;
            }
            None => {}
        }

        if class == Some("secret") || result.secrets.is_some() {
            self.covers = self.covers.with(Category::Secret);
        }
        for (i, s) in result.secrets.iter().flatten().enumerate() {
            let Some(rule) = text(&s.rule_id) else {
                self.c.warn(
                    "a secret without RuleID was skipped",
                    &format!("{path}.Secrets[{i}]"),
                );
                continue;
            };
            let raw_severity = text(&s.severity).unwrap_or("");
            // The masked match, not the line: a secret stays the same secret when lines move.
            let fingerprint =
                self.c
                    .distinct(&["secret", &location, rule, text(&s.matched).unwrap_or("")]);
            self.c.add(NewFinding {
                category: Category::Secret,
                severity: severity_word(raw_severity),
                severity_raw: raw_severity,
                rule_id: rule,
                title: text(&s.title).unwrap_or(rule),
                location: &with_line(&location, s.start_line.filter(|l| *l > 0)),
                package: None,
                status: Status::Open,
                fingerprint,
            });
        }

        self.licenses += result.licenses.as_ref().map_or(0, Vec::len);
    }
}

fn with_line(location: &str, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{location}:{line}"),
        None => location.to_string(),
    }
}

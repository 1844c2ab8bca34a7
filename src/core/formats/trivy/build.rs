//! What a Trivy report means, whichever way it was read (whole, or as a stream): findings from
//! each result's records, coverage, checks and the asset. Both readers call the same methods in
//! the same order (a result's vulnerabilities, misconfigurations, secrets, then its end), so the
//! two give the same snapshot.

use super::{Misconfiguration, Secret, Vulnerability};
use crate::core::diagnostics::{ErrorKind, Location};
use crate::core::formats::collect::{Collector, NewFinding};
use crate::core::formats::{ParseError, Parsed};
use crate::core::json::{non_empty, text};
use crate::core::model::{
    Asset, AssetKind, Category, Coverage, Evidence, Fingerprint, PassFail, Snapshot, Status, Tool,
};
use crate::core::severity::severity_word;

/// The report's own fields, outside its results.
#[derive(Default)]
pub struct Head {
    pub schema_version: Option<u32>,
    pub created_at: Option<String>,
    pub artifact_name: Option<String>,
    pub artifact_type: Option<String>,
    pub metadata: Option<Metadata>,
    /// Trivy's version.
    pub version: Option<String>,
    pub cluster_name: Option<String>,
    /// How many `Results` were listed, when the key was there.
    pub results: Option<usize>,
    /// `trivy k8s --report all`, current shape.
    pub resources: bool,
    /// `trivy k8s` before 0.50: resources split by scanner.
    pub vulnerable_resources: bool,
    pub misconfigured_resources: bool,
    /// `trivy k8s --report summary`: counts only.
    pub summary_findings: bool,
}

#[derive(Default, serde::Deserialize)]
pub struct Metadata {
    #[serde(rename = "RepoTags")]
    pub repo_tags: Option<Vec<String>>,
    #[serde(rename = "RepoDigests")]
    pub repo_digests: Option<Vec<String>>,
    #[serde(rename = "ImageID")]
    pub image_id: Option<String>,
}

/// One result being read: where its findings are, and what it says about coverage.
pub struct ResultScope {
    location: String,
    resource: String,
    path: String,
    pub class: Option<String>,
    /// `Vulnerabilities` was there (even empty).
    pub vulnerabilities: bool,
    pub misconfigurations: usize,
    /// `MisconfSummary`: successes, failures.
    pub summary: Option<(u64, u64)>,
    pub secrets: bool,
    pub licenses: usize,
    listed: PassFail,
}

impl ResultScope {
    /// `path` is the result's JSON path, for warnings (`Results[3]`).
    pub fn new(resource: Option<&str>, target: Option<&str>, path: &str) -> Self {
        let target = target.unwrap_or("");
        let location = match resource {
            Some(resource) if !target.is_empty() => format!("{resource}: {target}"),
            Some(resource) => resource.to_string(),
            None => target.to_string(),
        };
        ResultScope {
            location,
            resource: resource.unwrap_or("").to_string(),
            path: path.to_string(),
            class: None,
            vulnerabilities: false,
            misconfigurations: 0,
            summary: None,
            secrets: false,
            licenses: 0,
            listed: PassFail::default(),
        }
    }
}

/// `namespace/kind/name` of a Kubernetes resource, from the parts it has.
pub fn resource_name(parts: [Option<&str>; 3]) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join("/")
}

#[derive(Default)]
pub struct Builder {
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
    pub fn vulnerability(&mut self, scope: &mut ResultScope, v: &Vulnerability, i: usize) {
        let Some(id) = text(&v.id) else {
            self.c.warn(
                "a vulnerability without VulnerabilityID was skipped",
                &format!("{}.Vulnerabilities[{i}]", scope.path),
            );
            return;
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
            location: &scope.location,
            package: Some((name, text(&v.installed), text(&v.fixed))),
            status,
            // The same CVE in the same package of the same asset is one problem, whichever
            // target or tool reports it (a Kubernetes resource is part of the identity).
            fingerprint: Fingerprint::vulnerability(&scope.resource, [id], name),
        });
    }

    pub fn misconfiguration(&mut self, scope: &mut ResultScope, m: &Misconfiguration, i: usize) {
        scope.misconfigurations += 1;
        let Some(id) = text(&m.id).or_else(|| text(&m.avd_id)) else {
            self.c.warn(
                "a misconfiguration without ID was skipped",
                &format!("{}.Misconfigurations[{i}]", scope.path),
            );
            return;
        };
        let status = match text(&m.status) {
            Some("PASS") => Status::Passed,
            Some("EXCEPTION") => Status::Suppressed,
            _ => Status::Open,
        };
        match status {
            Status::Passed => scope.listed.passed += 1,
            Status::Open => scope.listed.failed += 1,
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
            .distinct(&["misconfiguration", &scope.location, id, message]);
        self.c.add(NewFinding {
            category: Category::Misconfiguration,
            severity: severity_word(raw_severity),
            severity_raw: raw_severity,
            rule_id: id,
            title: text(&m.title).unwrap_or(id),
            location: &with_line(&scope.location, line),
            package: None,
            status,
            fingerprint,
        });
    }

    pub fn secret(&mut self, scope: &mut ResultScope, s: &Secret, i: usize) {
        let Some(rule) = text(&s.rule_id) else {
            self.c.warn(
                "a secret without RuleID was skipped",
                &format!("{}.Secrets[{i}]", scope.path),
            );
            return;
        };
        let raw_severity = text(&s.severity).unwrap_or("");
        // The masked match, not the line: a secret stays the same secret when lines move.
        let fingerprint = self.c.distinct(&[
            "secret",
            &scope.location,
            rule,
            text(&s.matched).unwrap_or(""),
        ]);
        self.c.add(NewFinding {
            category: Category::Secret,
            severity: severity_word(raw_severity),
            severity_raw: raw_severity,
            rule_id: rule,
            title: text(&s.title).unwrap_or(rule),
            location: &with_line(&scope.location, s.start_line.filter(|l| *l > 0)),
            package: None,
            status: Status::Open,
            fingerprint,
        });
    }

    /// What the whole result says: coverage, and the pass/fail counts (its summary's, or else
    /// the listed checks').
    pub fn end_result(&mut self, scope: ResultScope) {
        let class = scope.class.as_deref().and_then(non_empty);
        if matches!(class, Some("os-pkgs" | "lang-pkgs")) || scope.vulnerabilities {
            self.package_results = true;
        }
        if class == Some("config") || scope.summary.is_some() || scope.misconfigurations > 0 {
            self.covers = self.covers.with(Category::Misconfiguration);
        }
        if class == Some("secret") || scope.secrets {
            self.covers = self.covers.with(Category::Secret);
        }
        let listed = scope.listed;
        match scope.summary {
            Some((successes, failures)) => {
                if listed.failed > failures {
                    self.c.warn(
                        format!(
                            "{} failed checks are listed but MisconfSummary counts {failures}; the pass rate uses the summary",
                            listed.failed
                        ),
                        &format!("{}.MisconfSummary", scope.path),
                    );
                }
                self.checks += PassFail {
                    passed: successes,
                    failed: failures,
                };
                self.iac = true;
            }
            None if listed.evaluated() > 0 => {
                self.checks += listed;
                self.iac = true;
            }
            None => {}
        }
        self.licenses += scope.licenses;
    }

    /// A Kubernetes resource Trivy could not scan (`path` is the resource's).
    pub fn resource_error(&mut self, resource: &str, error: Option<&str>, path: &str) {
        if let Some(error) = error {
            self.c.warn(
                format!("Trivy could not scan {resource}: {error}"),
                &format!("{path}.Error"),
            );
        }
    }

    pub fn finish(mut self, head: Head, file: &str) -> Result<Parsed, ParseError> {
        let legacy = head.vulnerable_resources || head.misconfigured_resources;
        if head.cluster_name.as_deref().and_then(non_empty).is_some()
            && !head.resources
            && !legacy
            && head.summary_findings
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
        if let Some(version) = head.schema_version.filter(|v| *v != 2) {
            self.c.warn(
                format!("SchemaVersion {version}: Posture reads version 2; fields may be missed"),
                "SchemaVersion",
            );
            // Said first, as it colours everything else.
            self.c.warnings.rotate_right(1);
        }
        if head.vulnerable_resources {
            self.covers = self.covers.with(Category::Vulnerability);
        }
        if head.misconfigured_resources {
            self.covers = self.covers.with(Category::Misconfiguration);
        }
        // The report does not say which scanners ran. Package results, or an image report with
        // no results at all, mean the vulnerability scanner did. Trivy's defaults (image, fs,
        // repo, k8s) add the secret scanner, but `--scanners vuln` and versions before 0.27 do
        // not, and nothing in the report tells: secrets are assumed, not covered, until a
        // report of this asset lists one (then a later report without it has it removed). A
        // report of secrets or config results only (`--scanners secret`, `trivy config`) looked
        // for nothing else. (The pre-0.50 `trivy k8s` shape says what it covered by its keys.)
        let image = head.artifact_type.as_deref().and_then(non_empty) == Some("container_image");
        let no_results = head.results.is_none_or(|n| n == 0) && !head.resources;
        if !legacy && (self.package_results || (image && no_results)) {
            self.covers = self
                .covers
                .with(Category::Vulnerability)
                .assuming(Category::Secret);
        }
        if self.licenses > 0 {
            self.c.warn(
                format!(
                    "{} license findings are not counted: Posture does not score licences",
                    self.licenses
                ),
                "Results",
            );
        }
        let (asset, reference, asset_warning) = asset(&head, file);
        if let Some(message) = asset_warning {
            self.c.warn(message, "ArtifactName");
        }
        let taken_at = self
            .c
            .taken_at(head.created_at.as_deref().and_then(non_empty), "CreatedAt");
        let snapshot = Snapshot {
            format: super::FORMAT.id,
            tool: Tool {
                name: "Trivy".into(),
                version: head
                    .version
                    .as_deref()
                    .and_then(non_empty)
                    .map(str::to_string),
            },
            asset,
            reference,
            taken_at,
            covers: self.covers,
            by_fingerprint: Default::default(),
            findings: self.c.findings,
            iac_checks: self.iac.then_some(self.checks),
            compliance: Vec::new(),
            cloud_resources: None,
            policy_violations: None,
            policy_scopes: Vec::new(),
            note: None,
        };
        Ok(Parsed {
            evidence: Evidence::Findings(snapshot),
            warnings: self.c.warnings,
        })
    }
}

/// What the report is about, and the artifact as named when that says more. Trivy's
/// `ArtifactName` is often "." (`trivy fs .`), which would make every repository scanned that way
/// one asset; the file name then stands in for it.
fn asset(head: &Head, file: &str) -> (Asset, Option<String>, Option<String>) {
    fn field(value: &Option<String>) -> Option<&str> {
        value.as_deref().and_then(non_empty)
    }
    fn first(list: &Option<Vec<String>>) -> Option<&str> {
        list.iter().flatten().find_map(|s| non_empty(s))
    }
    if let Some(cluster) = field(&head.cluster_name) {
        return (
            Asset {
                kind: AssetKind::Cluster,
                name: cluster.into(),
            },
            None,
            None,
        );
    }
    let kind = match field(&head.artifact_type) {
        Some("container_image") => AssetKind::ContainerImage,
        Some("repository") => AssetKind::Repository,
        Some("filesystem") => AssetKind::Filesystem,
        _ => AssetKind::Other,
    };
    let metadata = head.metadata.as_ref();
    let reference = field(&head.artifact_name)
        .filter(|n| *n != ".")
        .or_else(|| metadata.and_then(|m| first(&m.repo_tags)))
        .or_else(|| metadata.and_then(|m| first(&m.repo_digests)));
    let asset = match (reference, kind) {
        (Some(reference), AssetKind::ContainerImage) => Asset::image(reference),
        (Some(reference), _) => Asset {
            kind,
            name: reference.into(),
        },
        // An image ID is an identity, not a reference with a tag to strip.
        (None, _) => match metadata.and_then(|m| field(&m.image_id)) {
            Some(id) => Asset {
                kind,
                name: id.into(),
            },
            None => {
                let warning = format!(
                    "the report does not name what was scanned (ArtifactName {:?}); the asset is named after the file",
                    head.artifact_name
                        .as_deref()
                        .and_then(non_empty)
                        .unwrap_or("")
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

fn with_line(location: &str, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{location}:{line}"),
        None => location.to_string(),
    }
}

//! Grype JSON: `grype <image|dir:path|sbom:file> -o json`.
//!
//! Each `matches[]` entry is a vulnerability in a package. A GHSA id takes the CVE among its
//! `relatedVulnerabilities` as its identity (and shown id), so Grype and Trivy line up.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed, first_sentence};
use crate::core::json::{self, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, AssetKind, Category, Coverage, Fingerprint, Snapshot, Status, Tool,
};
use crate::core::severity::severity_word;
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "grype",
    label: "Grype JSON",
    command: "`grype <image|dir:path> -o json`",
    severity_mapping: "`vulnerability.severity` Critical, High, Medium, Low as they are; Negligible → info; Unknown or none → unknown",
    feeds: "vulnerabilities (a GHSA id lines up with its CVE)",
    kinds: &[SourceKind::VulnerabilityScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    let descriptor = root
        .get("descriptor")
        .and_then(|d| d.get("name"))
        .and_then(|n| n.as_str());
    let first_match = root.get("matches").and_then(|m| m.first());
    root.has("matches")
        && (descriptor == Some("grype")
            || first_match.is_some_and(|m| m.has("vulnerability") && m.has("artifact")))
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    matches: Option<Vec<Match<'a>>>,
    #[serde(borrow)]
    source: Option<Source<'a>>,
    #[serde(borrow)]
    descriptor: Option<Descriptor<'a>>,
}

#[derive(Deserialize)]
struct Match<'a> {
    #[serde(borrow)]
    vulnerability: Option<Vulnerability<'a>>,
    #[serde(rename = "relatedVulnerabilities", borrow)]
    related: Option<Vec<Related<'a>>>,
    #[serde(borrow)]
    artifact: Option<Artifact<'a>>,
}

#[derive(Deserialize)]
struct Vulnerability<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<Str<'a>>,
    #[serde(borrow)]
    description: Option<Str<'a>>,
    #[serde(borrow)]
    fix: Option<Fix<'a>>,
}

#[derive(Deserialize)]
struct Fix<'a> {
    #[serde(borrow)]
    versions: Option<Vec<Str<'a>>>,
}

#[derive(Deserialize)]
struct Related<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Artifact<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    locations: Option<Vec<ArtifactLocation<'a>>>,
}

#[derive(Deserialize)]
struct ArtifactLocation<'a> {
    #[serde(borrow)]
    path: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Source<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    target: Option<Target<'a>>,
}

/// An image scan names its target in an object; a directory or file scan, in a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Target<'a> {
    Path(#[serde(borrow)] Str<'a>),
    Image {
        #[serde(rename = "userInput", borrow)]
        user_input: Option<Str<'a>>,
        #[serde(rename = "imageID", borrow)]
        image_id: Option<Str<'a>>,
    },
    Other(IgnoredAny),
}

#[derive(Deserialize)]
struct Descriptor<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    timestamp: Option<Str<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut c = Collector::default();
    for (i, m) in report.matches.iter().flatten().enumerate() {
        let path = format!("matches[{i}]");
        let (Some(vulnerability), Some(artifact)) = (&m.vulnerability, &m.artifact) else {
            c.warn(
                "a match without vulnerability or artifact was skipped",
                &path,
            );
            continue;
        };
        let Some(id) = text(&vulnerability.id) else {
            c.warn("a match without vulnerability id was skipped", &path);
            continue;
        };
        let related = m.related.iter().flatten().filter_map(|r| text(&r.id));
        let ids: Vec<&str> = std::iter::once(id).chain(related).collect();
        let shown = ids
            .iter()
            .copied()
            .find(|i| i.starts_with("CVE-"))
            .unwrap_or(id);
        let name = text(&artifact.name).unwrap_or("");
        let raw_severity = text(&vulnerability.severity).unwrap_or("");
        let fixed: Vec<&str> = vulnerability
            .fix
            .iter()
            .flat_map(|f| f.versions.iter().flatten())
            .filter_map(Str::non_empty)
            .collect();
        let fixed = (!fixed.is_empty()).then(|| fixed.join(", "));
        let location = artifact
            .locations
            .iter()
            .flatten()
            .find_map(|l| text(&l.path))
            .unwrap_or(name);
        c.add(NewFinding {
            category: Category::Vulnerability,
            severity: severity_word(raw_severity),
            severity_raw: raw_severity,
            rule_id: shown,
            title: &text(&vulnerability.description)
                .map_or_else(|| format!("{shown} in {name}"), first_sentence),
            location,
            package: Some((name, text(&artifact.version), fixed.as_deref())),
            status: Status::Open,
            fingerprint: Fingerprint::vulnerability("", ids.iter().copied(), name),
        });
    }

    let (asset, reference) = asset(report.source.as_ref(), input.name, &mut c);
    let descriptor = report.descriptor.as_ref();
    let taken_at = c.taken_at(
        descriptor.and_then(|d| text(&d.timestamp)),
        "descriptor.timestamp",
    );
    let version = descriptor
        .and_then(|d| text(&d.version))
        .filter(|v| *v != "[not provided]")
        .map(str::to_string);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "Grype".into(),
            version,
        },
        asset,
        reference,
        taken_at,
        covers: Coverage::default().with(Category::Vulnerability),
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: None,
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: None,
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

fn asset(source: Option<&Source>, file: &str, c: &mut Collector) -> (Asset, Option<String>) {
    let kind = source.and_then(|s| text(&s.kind));
    match source.and_then(|s| s.target.as_ref()) {
        Some(Target::Image {
            user_input,
            image_id,
        }) => {
            let reference = text(user_input).or_else(|| text(image_id)).unwrap_or(file);
            let asset = Asset::image(reference);
            let reference = (reference != asset.name).then(|| reference.to_string());
            (asset, reference)
        }
        Some(Target::Path(path)) if path.non_empty().is_some_and(|p| p != ".") => {
            let kind = if kind == Some("directory") {
                AssetKind::Filesystem
            } else {
                AssetKind::Other
            };
            (
                Asset {
                    kind,
                    name: path.as_str().trim().to_string(),
                },
                None,
            )
        }
        _ => {
            c.warn(
                "the report does not name what was scanned; the asset is named after the file",
                "source.target",
            );
            (Asset::file(file), None)
        }
    }
}

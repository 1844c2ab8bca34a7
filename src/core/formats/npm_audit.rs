//! `npm audit --json` (auditReportVersion 2, npm 7 and later).
//!
//! npm lists vulnerable *packages*, many of them vulnerable only through a dependency (`via` holds
//! a package name). Posture counts the advisories themselves (the objects in `via`), once each,
//! at the package that has them; npm's package count is shown beside, so the two reconcile.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{Asset, Category, Coverage, Fingerprint, Snapshot, Status, Tool};
use crate::core::severity::severity_word;
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "npm-audit",
    label: "npm audit JSON",
    command: "`npm audit --json` (npm 7 and later: auditReportVersion 2)",
    severity_mapping: "each advisory's `severity`: critical, high, moderate → medium, low, info",
    feeds: "vulnerabilities in npm dependencies (one finding per advisory per package)",
    kinds: &[SourceKind::VulnerabilityScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    root.get("auditReportVersion").and_then(|v| v.as_f64()) == Some(2.0)
        && root.has("vulnerabilities")
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    vulnerabilities: Option<std::collections::BTreeMap<Str<'a>, Package<'a>>>,
}

#[derive(Deserialize)]
struct Package<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    via: Option<Vec<Via<'a>>>,
    #[serde(rename = "fixAvailable", borrow)]
    fix_available: Option<FixAvailable<'a>>,
    #[serde(borrow)]
    nodes: Option<Vec<Str<'a>>>,
}

/// An advisory (an object), or the name of the dependency the package is vulnerable through (a
/// string). Not an untagged enum: a malformed advisory must be an error, not a skipped entry.
enum Via<'a> {
    Advisory(Advisory<'a>),
    Dependency,
}

impl<'de: 'a, 'a> Deserialize<'de> for Via<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ViaVisitor;
        impl<'de> serde::de::Visitor<'de> for ViaVisitor {
            type Value = Via<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an advisory object or a package name")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Via::Dependency)
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                map: M,
            ) -> Result<Self::Value, M::Error> {
                Advisory::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Via::Advisory)
            }
        }
        deserializer.deserialize_any(ViaVisitor)
    }
}

#[derive(Deserialize)]
struct Advisory<'a> {
    #[serde(borrow)]
    source: Option<MaybeStr<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    title: Option<Str<'a>>,
    #[serde(borrow)]
    url: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FixAvailable<'a> {
    Flag(bool),
    Upgrade {
        #[serde(borrow)]
        name: Option<Str<'a>>,
        #[serde(borrow)]
        version: Option<Str<'a>>,
        #[serde(rename = "isSemVerMajor")]
        major: Option<bool>,
    },
    Other(IgnoredAny),
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut c = Collector::default();
    let packages = report.vulnerabilities.unwrap_or_default();
    let mut through_dependencies = 0;
    let mut seen: Vec<(&str, String)> = Vec::new();
    for (key, package) in &packages {
        let advisories: Vec<&Advisory> = package
            .via
            .iter()
            .flatten()
            .filter_map(|v| {
                if let Via::Advisory(a) = v {
                    Some(a)
                } else {
                    None
                }
            })
            .collect();
        if advisories.is_empty() {
            through_dependencies += 1;
            continue;
        }
        let fix = match &package.fix_available {
            Some(FixAvailable::Flag(true)) => Some("available (npm audit fix)".to_string()),
            Some(FixAvailable::Upgrade {
                name,
                version,
                major,
            }) => Some(format!(
                "{}@{}{}",
                text(name).unwrap_or("?"),
                text(version).unwrap_or("?"),
                if *major == Some(true) {
                    " (semver major)"
                } else {
                    ""
                }
            )),
            _ => None,
        };
        let location = package
            .nodes
            .iter()
            .flatten()
            .find_map(Str::non_empty)
            .unwrap_or(key.as_str());
        for advisory in advisories {
            let name = text(&advisory.name)
                .or_else(|| text(&package.name))
                .unwrap_or(key.as_str());
            let source = advisory
                .source
                .as_ref()
                .and_then(MaybeStr::non_empty)
                .unwrap_or("");
            // An advisory listed twice for one package is one problem.
            if seen.iter().any(|(n, s)| *n == name && s == source) {
                continue;
            }
            seen.push((name, source.to_string()));
            let ghsa = text(&advisory.url)
                .and_then(|u| u.rsplit('/').next())
                .filter(|id| id.starts_with("GHSA-"));
            let id = match ghsa {
                Some(id) => id.to_string(),
                None => format!("npm-{source}"),
            };
            let raw_severity = text(&advisory.severity).unwrap_or("");
            c.add(NewFinding {
                category: Category::Vulnerability,
                severity: severity_word(raw_severity),
                severity_raw: raw_severity,
                rule_id: &id,
                title: text(&advisory.title).unwrap_or(&id),
                location,
                package: Some((name, None, fix.as_deref())),
                status: Status::Open,
                fingerprint: Fingerprint::vulnerability("", [id.as_str()], name),
            });
        }
    }
    let note = (!packages.is_empty()).then(|| {
        format!(
            "npm counts {} vulnerable packages, {through_dependencies} only through dependencies",
            packages.len()
        )
    });
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "npm audit".into(),
            version: None,
        },
        // npm does not name the project: the file's name (without date stamps) stands in.
        asset: Asset::file(input.name),
        reference: None,
        taken_at: None,
        covers: Coverage::default().with(Category::Vulnerability),
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: None,
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note,
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

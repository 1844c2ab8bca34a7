//! OSV-Scanner JSON: `osv-scanner --format json -r <dir>`.
//!
//! A finding is one vulnerability group (the records OSV-Scanner says are the same issue: a GHSA
//! and a PYSEC, say) in one package. Its severity is the group's `max_severity` when given, else
//! the most severe of its records: the database's label, or the band of a CVSS v3 vector.

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, Category, Coverage, Fingerprint, Severity, Snapshot, Status, Tool,
};
use crate::core::severity::{cvss3_base_score, severity_of_score, severity_word};
use crate::core::sniff::{Node, Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "osv-scanner",
    label: "OSV-Scanner JSON",
    command: "`osv-scanner --format json -r <dir>`",
    severity_mapping: "per group: `max_severity`, else the most severe record: `database_specific.severity` \
                       (MODERATE → medium), else the CVSS v3 base score (≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low); \
                       none → unknown",
    feeds: "vulnerabilities in dependencies (one finding per group of aliases per package)",
    kinds: &[SourceKind::VulnerabilityScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(root) = sniff.record().filter(|_| sniff.shape == Shape::Object) else {
        return false;
    };
    let results = root.get("results");
    let first = results.and_then(|r| r.first());
    // A clean scan is `"results": []`, with OSV-Scanner's `experimental_config` beside it.
    first.is_some_and(|r| r.has("source") && r.has("packages"))
        || (matches!(results, Some(Node::Array(None))) && root.has("experimental_config"))
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    results: Option<Vec<ResultEntry<'a>>>,
}

#[derive(Deserialize)]
struct ResultEntry<'a> {
    #[serde(borrow)]
    source: Option<SourceInfo<'a>>,
    #[serde(borrow)]
    packages: Option<Vec<PackageEntry<'a>>>,
}

#[derive(Deserialize)]
struct SourceInfo<'a> {
    #[serde(borrow)]
    path: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct PackageEntry<'a> {
    #[serde(borrow)]
    package: Option<PackageInfo<'a>>,
    #[serde(borrow)]
    vulnerabilities: Option<Vec<Record<'a>>>,
    #[serde(borrow)]
    groups: Option<Vec<Group<'a>>>,
}

#[derive(Deserialize)]
struct PackageInfo<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    aliases: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    summary: Option<Str<'a>>,
    #[serde(borrow)]
    severity: Option<Vec<Score<'a>>>,
    #[serde(borrow)]
    database_specific: Option<DatabaseSpecific<'a>>,
    #[serde(borrow)]
    affected: Option<Vec<Affected<'a>>>,
}

#[derive(Deserialize)]
struct Score<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    score: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct DatabaseSpecific<'a> {
    #[serde(borrow)]
    severity: Option<MaybeStr<'a>>,
}

#[derive(Deserialize)]
struct Affected<'a> {
    #[serde(borrow)]
    package: Option<PackageInfo<'a>>,
    #[serde(borrow)]
    ranges: Option<Vec<AffectedRange<'a>>>,
}

#[derive(Deserialize)]
struct AffectedRange<'a> {
    #[serde(borrow)]
    events: Option<Vec<Event<'a>>>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow)]
    fixed: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Group<'a> {
    #[serde(borrow)]
    ids: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    aliases: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    max_severity: Option<MaybeStr<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let report: Report = json::parse(input.text)?;
    let mut c = Collector::default();
    let mut sources = Vec::new();
    for (r, result) in report.results.iter().flatten().enumerate() {
        let location = result
            .source
            .as_ref()
            .and_then(|s| text(&s.path))
            .unwrap_or("");
        sources.push(location);
        for (p, entry) in result.packages.iter().flatten().enumerate() {
            let name = entry
                .package
                .as_ref()
                .and_then(|p| text(&p.name))
                .unwrap_or("");
            let version = entry.package.as_ref().and_then(|p| text(&p.version));
            let records: Vec<&Record> = entry.vulnerabilities.iter().flatten().collect();
            let groups: Vec<Vec<&str>> = match &entry.groups {
                Some(groups) if !groups.is_empty() => groups
                    .iter()
                    .map(|g| g.ids.iter().flatten().filter_map(Str::non_empty).collect())
                    .collect(),
                // Older releases have no groups: each record is its own.
                _ => records
                    .iter()
                    .filter_map(|v| text(&v.id))
                    .map(|id| vec![id])
                    .collect(),
            };
            for (g, ids) in groups.into_iter().enumerate() {
                let path = format!("results[{r}].packages[{p}].groups[{g}]");
                let members: Vec<&&Record> = records
                    .iter()
                    .filter(|v| text(&v.id).is_some_and(|id| ids.contains(&id)))
                    .collect();
                let group = entry.groups.as_ref().and_then(|groups| groups.get(g));
                let mut aliases: Vec<&str> = ids.clone();
                aliases.extend(
                    group
                        .iter()
                        .flat_map(|g| g.aliases.iter().flatten())
                        .filter_map(Str::non_empty),
                );
                aliases.extend(
                    members
                        .iter()
                        .flat_map(|v| v.aliases.iter().flatten())
                        .filter_map(Str::non_empty),
                );
                let Some(&first) = ids.first() else {
                    c.warn("a vulnerability group without ids was skipped", &path);
                    continue;
                };
                let shown = aliases
                    .iter()
                    .copied()
                    .find(|a| a.starts_with("CVE-"))
                    .unwrap_or(first);
                let (severity, raw) =
                    group_severity(group.and_then(|g| g.max_severity.as_ref()), &members);
                let fixed: Vec<&str> = members
                    .iter()
                    .flat_map(|v| fixed_versions(v, name))
                    .collect();
                let fixed = (!fixed.is_empty()).then(|| dedup(fixed).join(", "));
                let title = members
                    .iter()
                    .find_map(|v| text(&v.summary))
                    .unwrap_or(shown);
                c.add(NewFinding {
                    category: Category::Vulnerability,
                    severity,
                    severity_raw: &raw,
                    rule_id: shown,
                    title,
                    location,
                    package: Some((name, version, fixed.as_deref())),
                    status: Status::Open,
                    fingerprint: Fingerprint::vulnerability("", aliases.iter().copied(), name),
                });
            }
        }
    }
    // OSV-Scanner lists only the lockfiles with vulnerabilities, so their directory changes with
    // what is found: the file names the asset (every scan of it lines up), the directory is shown.
    let asset = Asset::file(input.name);
    let reference = common_directory(&sources);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "OSV-Scanner".into(),
            version: None,
        },
        asset,
        reference,
        taken_at: None,
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

/// The group's severity and the words it came from.
fn group_severity(max: Option<&MaybeStr>, records: &[&&Record]) -> (Severity, String) {
    if let Some(score) = max
        .and_then(MaybeStr::non_empty)
        .and_then(|s| s.parse::<f64>().ok())
    {
        return (severity_of_score(score), format!("max_severity {score}"));
    }
    records
        .iter()
        .filter_map(|v| {
            let label = v
                .database_specific
                .as_ref()
                .and_then(|d| d.severity.as_ref())
                .and_then(MaybeStr::non_empty);
            if let Some(label) = label.filter(|l| severity_word(l) != Severity::Unknown) {
                return Some((severity_word(label), label.to_string()));
            }
            v.severity.iter().flatten().find_map(|s| {
                let vector = text(&s.score).filter(|_| text(&s.kind) == Some("CVSS_V3"))?;
                let score = cvss3_base_score(vector)?;
                Some((severity_of_score(score), format!("CVSS {score}")))
            })
        })
        .min_by_key(|(severity, _)| *severity)
        .unwrap_or((Severity::Unknown, String::new()))
}

/// Versions that fix the record, for this package when the record says which package.
fn fixed_versions<'r>(record: &'r Record, package: &str) -> Vec<&'r str> {
    let affected = record.affected.iter().flatten();
    let this_package = |a: &&Affected| {
        a.package
            .as_ref()
            .and_then(|p| text(&p.name))
            .is_none_or(|n| n.eq_ignore_ascii_case(package))
    };
    affected
        .filter(this_package)
        .flat_map(|a| a.ranges.iter().flatten())
        .flat_map(|r| r.events.iter().flatten())
        .filter_map(|e| text(&e.fixed))
        .collect()
}

fn dedup(mut items: Vec<&str>) -> Vec<&str> {
    let mut seen = Vec::new();
    items.retain(|i| {
        let new = !seen.contains(i);
        seen.push(i);
        new
    });
    items
}

/// The directory the lockfiles with vulnerabilities share, if any.
fn common_directory(sources: &[&str]) -> Option<String> {
    let dirs: Vec<Vec<&str>> = sources
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            let parts: Vec<&str> = s.trim_end_matches('/').split('/').collect();
            // A lockfile's directory; a directory (git source) as it is.
            if s.ends_with('/') || !parts.last().is_some_and(|l| l.contains('.')) {
                parts
            } else {
                parts[..parts.len() - 1].to_vec()
            }
        })
        .collect();
    let common: Vec<&str> = match dirs.split_first() {
        Some((first, rest)) => {
            let len = rest.iter().fold(first.len(), |len, d| {
                first
                    .iter()
                    .zip(d)
                    .take(len)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            first[..len].to_vec()
        }
        None => Vec::new(),
    };
    let name = common.join("/");
    (!name.is_empty() && name != ".").then_some(name)
}

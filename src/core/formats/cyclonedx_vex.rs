//! CycloneDX VEX (1.4 to 1.6): a BOM whose `vulnerabilities` carry an `analysis`, standalone
//! (affects by BOM-Link, `urn:cdx:<serial>/<version>#<bom-ref>`) or embedded beside its
//! components. Each analysed vulnerability is read as a triage decision:
//! `not_affected`, `resolved` and `resolved_with_pedigree` → not affected, `false_positive` →
//! false positive, `exploitable` with the response `will_not_fix` or `can_not_fix` → accepted
//! risk; `exploitable` otherwise and `in_triage` decide nothing. A scanner's BOM (Trivy's,
//! Grype's: vulnerabilities without analysis or all in triage) is not VEX: not recognised here.

use serde::Deserialize;

use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::ErrorKind;
use crate::core::json;
use crate::core::json::JsonError;
use crate::core::model::{Category, Decision, DecisionLog, Evidence, Target, Tool, Triage};
use crate::core::sniff::{Node, Sniff};
use crate::core::time::Timestamp;
use crate::core::triage;

pub const FORMAT: Format = Format {
    id: "cyclonedx-vex",
    label: "CycloneDX VEX",
    command: "a CycloneDX BOM with `vulnerabilities[].analysis` (Dependency-Track, CycloneDX tools, hand-written)",
    severity_mapping: "none: decisions, not findings",
    feeds: "triage decisions: not_affected, resolved and false_positive leave vulnerabilities out of the KPIs; exploitable with will_not_fix is an accepted risk",
    kinds: &[],
    detect,
    parse,
    stream: None,
};

/// Any CycloneDX BOM with vulnerabilities (or one too big for the skim to see where they are):
/// whether it decides anything is known only from the whole document, so `parse` tells a VEX
/// from a scanner's BOM, and says so of the latter.
fn detect(sniff: &Sniff) -> bool {
    sniff.record().is_some_and(|r| {
        let Node::Object(entries) = r else {
            return false;
        };
        r.get("bomFormat").and_then(|f| f.as_str()) == Some("CycloneDX")
            && (r.has("vulnerabilities") || entries.iter().any(|(_, v)| *v == Node::Cut))
    })
}

#[derive(Deserialize)]
struct Bom {
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Deserialize)]
struct Metadata {
    timestamp: Option<String>,
    component: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    group: Option<String>,
    purl: Option<String>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: Option<String>,
    #[serde(default)]
    references: Vec<Reference>,
    analysis: Option<Analysis>,
    #[serde(default)]
    affects: Vec<Affects>,
}

#[derive(Deserialize)]
struct Reference {
    id: Option<String>,
}

#[derive(Deserialize)]
struct Analysis {
    state: Option<String>,
    justification: Option<String>,
    #[serde(default)]
    response: Vec<String>,
    detail: Option<String>,
    #[serde(rename = "lastUpdated")]
    last_updated: Option<String>,
    #[serde(rename = "firstIssued")]
    first_issued: Option<String>,
}

#[derive(Deserialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let bom: Bom = json::parse(input.text)?;
    let metadata = bom.metadata.as_ref();
    let written_at = metadata
        .and_then(|m| m.timestamp.as_deref())
        .and_then(Timestamp::parse_rfc3339);
    let mut all: Vec<&Component> = Vec::new();
    fn walk<'c>(components: &'c [Component], into: &mut Vec<&'c Component>) {
        for c in components {
            into.push(c);
            walk(&c.components, into);
        }
    }
    walk(&bom.components, &mut all);
    let product = metadata.and_then(|m| m.component.as_ref());
    if let Some(product) = product {
        walk(&product.components, &mut all);
    }
    let mut decisions = Vec::new();
    let mut undecided: Vec<(String, u64)> = Vec::new();
    for v in &bom.vulnerabilities {
        let Some(id) = v.id.as_deref().filter(|i| !i.trim().is_empty()) else {
            continue;
        };
        let Some(analysis) = &v.analysis else {
            triage::count_undecided(&mut undecided, "without analysis");
            continue;
        };
        let state = analysis.state.as_deref().unwrap_or("").trim().to_string();
        let gives_up = analysis
            .response
            .iter()
            .any(|r| r == "will_not_fix" || r == "can_not_fix");
        let triage = match state.as_str() {
            "not_affected" | "resolved" | "resolved_with_pedigree" => Some(Triage::NotAffected),
            "false_positive" => Some(Triage::FalsePositive),
            "exploitable" if gives_up => Some(Triage::AcceptedRisk),
            _ => None,
        };
        let Some(triage) = triage else {
            triage::count_undecided(
                &mut undecided,
                if state.is_empty() {
                    "without a state"
                } else {
                    &state
                },
            );
            continue;
        };
        let mut target = Target {
            category: Some(Category::Vulnerability),
            rules: std::iter::once(id.to_string())
                .chain(v.references.iter().filter_map(|r| r.id.clone()))
                .collect(),
            ..Target::default()
        };
        for affects in &v.affects {
            if let Some(reference) = affects.reference.as_deref() {
                place(reference, &all, product, &mut target);
            }
        }
        // A BOM of one product (its `metadata.component`) speaks of that product: its
        // libraries are packages in it, not anywhere.
        if target.assets.is_empty()
            && let Some(product) = product
        {
            target.assets = match (&product.purl, &product.name) {
                (Some(purl), _) => triage::product_names(purl),
                (None, Some(name)) => vec![name.clone()],
                (None, None) => Vec::new(),
            };
        }
        if target.assets.is_empty() && target.packages.is_empty() {
            triage::count_undecided(&mut undecided, "naming nothing it affects");
            continue;
        }
        target.assets.dedup();
        target.packages.dedup();
        let reason = [
            state.replace('_', " "),
            analysis
                .justification
                .as_deref()
                .unwrap_or("")
                .replace('_', " "),
            analysis.detail.as_deref().unwrap_or("").trim().to_string(),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" — ");
        decisions.push(Decision {
            target,
            triage,
            reason,
            expires: None,
            decided_at: analysis
                .last_updated
                .as_deref()
                .or(analysis.first_issued.as_deref())
                .and_then(Timestamp::parse_rfc3339)
                .or(written_at),
            author: String::new(),
        });
    }
    let analysed = bom.vulnerabilities.iter().any(|v| {
        v.analysis
            .as_ref()
            .and_then(|a| a.state.as_deref())
            .is_some_and(|s| s != "in_triage")
    });
    if decisions.is_empty() && !analysed {
        return Err(JsonError {
            kind: ErrorKind::NotReadYet {
                tool: "a CycloneDX SBOM or scan (Posture reads CycloneDX only for the VEX \
                       decisions in `vulnerabilities[].analysis`)"
                    .into(),
            },
            location: Default::default(),
        });
    }
    Ok(Parsed {
        evidence: Evidence::Decisions(DecisionLog {
            format: FORMAT.id,
            tool: Tool {
                name: "CycloneDX VEX".into(),
                version: None,
            },
            decisions,
            written_at,
            undecided,
            records: bom.vulnerabilities.len() as u64,
        }),
        warnings: Vec::new(),
    })
}

/// What an `affects` reference names: a component of this BOM (by `bom-ref`), the BOM's own
/// product, or — through a BOM-Link into another BOM — a purl or a name. Applications,
/// containers and the product are assets; libraries and the like are packages.
fn place(reference: &str, all: &[&Component], product: Option<&Component>, target: &mut Target) {
    // A BOM-Link's part after `#` is a bom-ref, percent-encoded (`+` as `%2B`).
    let raw = match reference.strip_prefix("urn:cdx:") {
        Some(link) => link.split_once('#').map_or("", |(_, r)| r),
        None => reference,
    };
    let decoded = triage::percent_decoded(raw);
    let found = all.iter().copied().chain(product).find(|c| {
        c.bom_ref
            .as_deref()
            .is_some_and(|r| r == raw || r == decoded)
    });
    match found {
        Some(c) => {
            let is_product = product.is_some_and(|p| std::ptr::eq(p, c));
            let whole = is_product
                || matches!(
                    c.kind.as_deref(),
                    Some("application" | "container" | "firmware" | "device" | "platform")
                );
            let names: Vec<String> = match (&c.purl, &c.name) {
                (Some(purl), _) if whole => triage::product_names(purl),
                (Some(purl), _) => vec![triage::package_name(purl)],
                // npm scopes join with a slash (`@babel/core`), Maven groups with a colon.
                (None, Some(name)) => match &c.group {
                    Some(group) if !whole && group.starts_with('@') => {
                        vec![format!("{group}/{name}")]
                    }
                    Some(group) if !whole => vec![format!("{group}:{name}")],
                    _ => vec![name.clone()],
                },
                (None, None) => vec![decoded.clone()],
            };
            if whole {
                target.assets.extend(names);
            } else {
                target.packages.extend(names);
            }
        }
        None if decoded.starts_with("pkg:oci/") || decoded.starts_with("pkg:docker/") => {
            target.assets.extend(triage::product_names(&decoded))
        }
        None if decoded.starts_with("pkg:") => target.packages.push(triage::package_name(&decoded)),
        None if !decoded.is_empty() => target.assets.push(decoded),
        None => {}
    }
}

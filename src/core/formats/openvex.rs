//! OpenVEX documents (v0.0.1 and v0.2.0, as `vexctl`, go-vex, Trivy's and Grype's examples
//! write them, and Posture's own export): statements about a vulnerability in some products,
//! read as triage decisions. Where several statements speak of the same vulnerability and
//! products, the latest (by its timestamp, else the document's, else its place) wins, as the
//! OpenVEX spec says.
//!
//! `not_affected` and `fixed` leave the findings out (not affected); `affected` with Posture's
//! "Risk accepted…" action statement is an accepted risk; a "False positive…" impact statement
//! is a false positive. `affected` otherwise and `under_investigation` decide nothing.

use serde::Deserialize;

use super::{Format, Input, ParseError, Parsed};
use crate::core::json;
use crate::core::model::{Category, Decision, DecisionLog, Evidence, Target, Tool, Triage};
use crate::core::sniff::Sniff;
use crate::core::time::Timestamp;
use crate::core::triage::{
    self,
    openvex::{ACCEPTED, FALSE_POSITIVE, PACKAGE},
};

pub const FORMAT: Format = Format {
    id: "openvex",
    label: "OpenVEX",
    command: "`vexctl create …`, or *Export decisions* in Posture's Findings view",
    severity_mapping: "none: decisions, not findings",
    feeds: "triage decisions: `not_affected` and `fixed` leave vulnerabilities out of the KPIs; Posture's accepted risks and false positives read back",
    kinds: &[],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    sniff.record().is_some_and(|r| {
        r.get("@context")
            .and_then(|c| c.as_str())
            .is_some_and(|c| c.contains("openvex"))
            && r.has("statements")
    })
}

#[derive(Deserialize)]
struct Document {
    author: Option<String>,
    timestamp: Option<String>,
    last_updated: Option<String>,
    tooling: Option<String>,
    #[serde(default)]
    statements: Vec<Statement>,
}

#[derive(Deserialize)]
struct Statement {
    vulnerability: Option<VulnerabilityRef>,
    #[serde(default)]
    products: Vec<ProductRef>,
    /// v0.0.1: packages beside the products.
    #[serde(default)]
    subcomponents: Vec<ProductRef>,
    status: Option<String>,
    justification: Option<String>,
    impact_statement: Option<String>,
    action_statement: Option<String>,
    status_notes: Option<String>,
    timestamp: Option<String>,
    last_updated: Option<String>,
}

/// `"CVE-…"` (v0.0.1) or `{"name": "CVE-…", "@id": …, "aliases": […]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum VulnerabilityRef {
    Name(String),
    Object {
        name: Option<String>,
        #[serde(rename = "@id")]
        id: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

/// A purl or IRI (v0.0.1), or `{"@id": …, "identifiers": {"purl": …}, "subcomponents": […]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ProductRef {
    Id(String),
    Object {
        #[serde(rename = "@id")]
        id: Option<String>,
        identifiers: Option<Identifiers>,
        #[serde(default)]
        subcomponents: Vec<ProductRef>,
    },
}

#[derive(Deserialize)]
struct Identifiers {
    purl: Option<String>,
}

impl ProductRef {
    fn ids(&self) -> Vec<&str> {
        match self {
            ProductRef::Id(id) => vec![id],
            ProductRef::Object {
                id, identifiers, ..
            } => id
                .iter()
                .chain(identifiers.iter().flat_map(|i| &i.purl))
                .map(String::as_str)
                .collect(),
        }
    }

    fn subcomponents(&self) -> &[ProductRef] {
        match self {
            ProductRef::Id(_) => &[],
            ProductRef::Object { subcomponents, .. } => subcomponents,
        }
    }
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let document: Document = json::parse(input.text)?;
    let written_at = document
        .last_updated
        .as_deref()
        .or(document.timestamp.as_deref())
        .and_then(Timestamp::parse_rfc3339);
    let author = document.author.clone().unwrap_or_default();
    // Posture's own export names assets as Posture does: matched whole.
    let own = document
        .tooling
        .as_deref()
        .is_some_and(|t| t.starts_with("Posture"));
    let records = document.statements.len() as u64;
    // A statement speaks for each of its products: the latest on a vulnerability and a product
    // wins, whatever other products either statement names.
    let mut latest: Vec<(String, Option<Timestamp>, usize, Decided)> = Vec::new();
    let mut warnings = Vec::new();
    let mut undecided: Vec<(String, u64)> = Vec::new();
    for (i, statement) in document.statements.iter().enumerate() {
        let Some(said) = read(statement) else {
            warnings.push(crate::core::diagnostics::Warning::new(
                "a statement without a vulnerability name or status is skipped",
                crate::core::diagnostics::Location::path(format!("statements[{i}]")),
            ));
            continue;
        };
        let at = statement
            .last_updated
            .as_deref()
            .or(statement.timestamp.as_deref())
            .and_then(Timestamp::parse_rfc3339)
            .or(written_at);
        let per_product = said.per_product(statement, own);
        if per_product.is_empty() {
            // A statement must name its product; one Posture cannot read covers nothing.
            triage::count_undecided(&mut undecided, "naming no product Posture reads");
            continue;
        }
        for decided in per_product {
            let key = decided.key();
            match latest.iter_mut().find(|(k, ..)| *k == key) {
                Some(slot) if (at, i) >= (slot.1, slot.2) => *slot = (key, at, i, decided),
                Some(_) => {}
                None => latest.push((key, at, i, decided)),
            }
        }
    }
    let mut decisions = Vec::new();
    for (_, at, _, decided) in latest {
        match decided.triage {
            Some(triage) => decisions.push(Decision {
                target: decided.target,
                triage,
                reason: decided.reason,
                expires: decided.expires,
                decided_at: at,
                author: author.clone(),
            }),
            None => triage::count_undecided(&mut undecided, &decided.status),
        }
    }
    Ok(Parsed {
        evidence: Evidence::Decisions(DecisionLog {
            format: FORMAT.id,
            tool: Tool {
                name: document.tooling.unwrap_or_else(|| "OpenVEX".into()),
                version: None,
            },
            decisions,
            written_at,
            undecided,
            records,
        }),
        warnings,
    })
}

/// What one statement says, before it is split by product.
struct Decided {
    target: Target,
    status: String,
    triage: Option<Triage>,
    reason: String,
    expires: Option<Timestamp>,
}

impl Decided {
    /// The vulnerability, the product and the packages it speaks of: a later statement on them
    /// replaces it.
    fn key(&self) -> String {
        let mut packages = self.target.packages.clone();
        packages.sort();
        [
            self.target
                .rules
                .first()
                .map(|r| r.to_ascii_uppercase())
                .unwrap_or_default(),
            self.target.assets.join(","),
            packages.join(","),
        ]
        .join("|")
    }

    /// One decision per product: an image or other whole product by its names (limited to
    /// the subcomponents' packages), a package product (VEX Hub, a maintainer's VEX) by its
    /// package on any asset. Products Posture cannot read give nothing.
    fn per_product(self, statement: &Statement, exact: bool) -> Vec<Decided> {
        // v0.0.1: packages beside the products; Posture's own export: in the notes.
        let mut beside: Vec<String> = statement
            .subcomponents
            .iter()
            .flat_map(|s| s.ids())
            .map(triage::package_name)
            .collect();
        if let Some(package) = statement
            .status_notes
            .as_deref()
            .and_then(|n| n.trim().strip_prefix(PACKAGE))
        {
            beside.push(package.trim().to_string());
        }
        let mut out = Vec::new();
        for product in &statement.products {
            let ids = product.ids();
            let Some(id) = ids.first() else { continue };
            let mut target = Target {
                exact_assets: exact,
                ..self.target.clone()
            };
            if ids.iter().all(|id| triage::names_a_package(id)) {
                target.packages = vec![triage::package_name(id)];
            } else {
                target.assets = ids
                    .iter()
                    .filter(|id| !triage::names_a_package(id))
                    .flat_map(|id| triage::product_names(id))
                    .collect();
                target.packages = product
                    .subcomponents()
                    .iter()
                    .flat_map(|s| s.ids())
                    .map(triage::package_name)
                    .chain(beside.iter().cloned())
                    .collect();
                target.packages.dedup();
            }
            out.push(Decided {
                target,
                status: self.status.clone(),
                triage: self.triage,
                reason: self.reason.clone(),
                expires: self.expires,
            });
        }
        out
    }
}

fn read(statement: &Statement) -> Option<Decided> {
    let (name, aliases) = match statement.vulnerability.as_ref()? {
        VulnerabilityRef::Name(name) => (name.clone(), Vec::new()),
        VulnerabilityRef::Object { name, id, aliases } => {
            (name.clone().or_else(|| id.clone())?, aliases.clone())
        }
    };
    let status = statement.status.as_deref()?.trim().to_ascii_lowercase();
    let target = Target {
        category: Some(Category::Vulnerability),
        rules: std::iter::once(name).chain(aliases).collect(),
        ..Target::default()
    };
    let impact = statement.impact_statement.as_deref().unwrap_or("").trim();
    let action = statement.action_statement.as_deref().unwrap_or("").trim();
    // Notes that only name Posture's package are not a reason.
    let notes = statement.status_notes.as_deref().unwrap_or("").trim();
    let notes = if notes.starts_with(PACKAGE) {
        ""
    } else {
        notes
    };
    let justification = statement
        .justification
        .as_deref()
        .map(|j| j.replace('_', " "))
        .unwrap_or_default();
    let joined = |parts: &[&str]| {
        parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" — ")
    };
    let (triage, reason, expires) = match status.as_str() {
        "not_affected" if impact.starts_with(FALSE_POSITIVE) => {
            let (expires, rest) = posture_statement(impact, FALSE_POSITIVE);
            (Some(Triage::FalsePositive), rest, expires)
        }
        "not_affected" => (
            Some(Triage::NotAffected),
            joined(&[&justification, impact, notes]),
            None,
        ),
        "fixed" => (
            Some(Triage::NotAffected),
            joined(&["fixed in this product", notes]),
            None,
        ),
        "affected" if action.starts_with(ACCEPTED) => {
            let (expires, rest) = posture_statement(action, ACCEPTED);
            (Some(Triage::AcceptedRisk), rest, expires)
        }
        _ => (None, String::new(), None),
    };
    Some(Decided {
        target,
        status,
        triage,
        reason,
        expires,
    })
}

/// Posture's own statement text, "Risk accepted until 2027-01-31: the reason": the expiry (the
/// instant after the last day) and the reason.
fn posture_statement(text: &str, lead: &str) -> (Option<Timestamp>, String) {
    let rest = text[lead.len()..].trim_start();
    let (expires, rest) = match rest.strip_prefix("until ") {
        Some(after) => {
            let day = after.get(..10).unwrap_or("");
            let end = Timestamp::parse_rfc3339(&format!("{day}T00:00:00Z"))
                .map(|t| Timestamp(t.0 + crate::core::time::MS_PER_DAY));
            (end, after.get(10..).unwrap_or(""))
        }
        None => (None, rest),
    };
    let reason = rest.trim_start_matches(':').trim();
    (expires, reason.to_string())
}

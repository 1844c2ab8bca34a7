//! Vulnerability decisions written as an OpenVEX document (v0.2.0), so that other tools read
//! them too; `formats::openvex` reads them back (and any other OpenVEX document).
//!
//! A false positive is `not_affected` with the justification `vulnerable_code_not_present`
//! and an impact statement that says so; an accepted risk is `affected` — it is — with an action
//! statement "Risk accepted…" that gives the reason and, when there is one, the last day it
//! holds (OpenVEX's schema allows no field of one's own). Products are images as `pkg:oci`
//! purls with their repository (as Trivy names them, so that Trivy applies them), other assets
//! by the name Posture gives them. The package goes in the status notes ("Posture: package
//! zlib1g"), not as a subcomponent: Posture knows a package's name, not its purl, and a
//! subcomponent that is not the scanner's exact purl would make Trivy ignore the statement.

/// What the status notes say the package with.
pub const PACKAGE: &str = "Posture: package ";

use serde::Serialize;

use crate::core::model::{Decision, Triage};
use crate::core::session::encode;
use crate::core::time::Timestamp;

pub const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

/// What an accepted risk's action statement starts with; read back as an accepted risk.
pub const ACCEPTED: &str = "Risk accepted";
/// What a false positive's impact statement starts with; read back as a false positive.
pub const FALSE_POSITIVE: &str = "False positive";

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: String,
    author: &'static str,
    timestamp: String,
    version: u32,
    tooling: &'static str,
    statements: Vec<Statement<'a>>,
}

#[derive(Serialize)]
struct Statement<'a> {
    vulnerability: Vulnerability<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    products: Vec<Product>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact_statement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_statement: Option<String>,
}

#[derive(Serialize)]
struct Vulnerability<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Product {
    #[serde(rename = "@id")]
    id: String,
}

/// The OpenVEX text of vulnerability decisions, written at `now`; `images` are the assets that
/// are container images (written as `pkg:oci` purls).
pub fn write(decisions: &[&Decision], images: &[&str], now: Timestamp) -> String {
    let statements: Vec<Statement> = decisions
        .iter()
        .filter_map(|d| statement(d, images))
        .collect();
    let body = serde_json::to_string(&statements).unwrap_or_default();
    let document = Document {
        context: CONTEXT,
        // Names this document by its content: the same decisions, the same id.
        id: format!(
            "urn:posture:vex:{:016x}",
            crate::core::model::Fingerprint::of(&[&body]).0
        ),
        author: "Posture",
        timestamp: now.to_string(),
        version: 1,
        tooling: concat!("Posture ", env!("CARGO_PKG_VERSION")),
        statements,
    };
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn statement<'d>(d: &'d Decision, images: &[&str]) -> Option<Statement<'d>> {
    let name = d.target.rules.first()?;
    let products = d
        .target
        .assets
        .iter()
        .map(|asset| Product {
            id: product_id(asset, images.contains(&asset.as_str())),
        })
        .collect();
    let status_notes = d.target.packages.first().map(|p| format!("{PACKAGE}{p}"));
    let until = d
        .expires
        .map(|e| format!(" until {}", Timestamp(e.0 - 1).day()))
        .unwrap_or_default();
    let (status, justification, impact, action) = match d.triage {
        Triage::AcceptedRisk => (
            "affected",
            None,
            None,
            Some(format!("{ACCEPTED}{until}: {}", d.reason)),
        ),
        Triage::FalsePositive => (
            "not_affected",
            Some("vulnerable_code_not_present"),
            Some(format!("{FALSE_POSITIVE}{until}: {}", d.reason)),
            None,
        ),
        Triage::NotAffected => (
            "not_affected",
            Some("vulnerable_code_not_present"),
            Some(format!("{}{until}", d.reason)),
            None,
        ),
    };
    Some(Statement {
        vulnerability: Vulnerability { name },
        timestamp: d.decided_at.map(|t| t.to_string()),
        products,
        status,
        status_notes,
        justification,
        impact_statement: impact,
        action_statement: action,
    })
}

/// An image (a name with a registry host, `ghcr.io/acme/api`) as a `pkg:oci` purl with its
/// repository; anything else as Posture names it.
fn product_id(asset: &str, image: bool) -> String {
    if !image {
        return asset.to_string();
    }
    let name = asset.rsplit('/').next().unwrap_or(asset);
    let host = asset.split('/').next().unwrap_or("");
    let registry =
        asset.contains('/') && (host.contains('.') || host.contains(':') || host == "localhost");
    // As Trivy writes them: the repository's slashes and port as they are; Docker Hub's
    // images (`alpine`, `acme/api`) under index.docker.io, official ones in `library/`.
    let repository = match (registry, asset.contains('/')) {
        (true, _) => asset.to_string(),
        (false, true) => format!("index.docker.io/{asset}"),
        (false, false) => format!("index.docker.io/library/{asset}"),
    };
    format!("pkg:oci/{}?repository_url={repository}", encode(name))
}

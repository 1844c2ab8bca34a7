//! Outputs of tools Posture does not read yet, told by their keys so that the error names the
//! tool ("this looks like an OWASP ZAP report") instead of listing every format it is not.

use crate::core::sniff::{Node, Sniff};

/// The tool whose output this looks like, when it is one Posture knows of but does not read.
pub fn known_unsupported(sniff: &Sniff) -> Option<&'static str> {
    // An object, the first of an array (`snyk test --all-projects`), or a first line.
    let element = sniff.record()?;
    let text = |key: &str| element.get(key).and_then(Node::as_str);
    if element
        .get("site")
        .and_then(Node::first)
        .is_some_and(|s| s.has("alerts"))
        && (element.has("@version") || element.has("@programName"))
    {
        return Some("an OWASP ZAP report");
    }
    if element.has("vulnerabilities")
        && (element.has("packageManager") || element.has("projectName"))
        && element.has("ok")
    {
        return Some("a Snyk test report (`snyk test --json`)");
    }
    if text("bomFormat") == Some("CycloneDX") {
        return Some(
            "a CycloneDX SBOM or scan (Posture reads CycloneDX only for the VEX decisions in \
             `vulnerabilities[].analysis`)",
        );
    }
    if element.has("spdxVersion") {
        return Some("an SPDX SBOM");
    }
    if text("@context").is_some_and(|c| c.contains("openvex")) {
        return Some("an OpenVEX document");
    }
    if element.has("reportSchema") && element.has("dependencies") {
        return Some("an OWASP Dependency-Check report");
    }
    if element.has("template-id") && element.has("matched-at") {
        return Some("Nuclei results");
    }
    None
}

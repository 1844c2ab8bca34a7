//! The registry of input formats: one [`Format`] per tool output, recognised by content.
//!
//! [`FORMATS`] is the single list that drives detection, the "not recognised" message, the
//! formats table in README.md (checked by a test) and the scorecard's "drop X" hints. Adding a
//! format is adding a module under `formats/` and one line here.

mod aws_config;
mod bandit;
mod checkov;
mod cloudtrail;
mod collect;
mod containerd;
mod cyclonedx_vex;
mod detect_secrets;
mod falco;
mod gatekeeper;
mod gitleaks;
mod grype;
mod incidents;
mod k8s_audit;
mod k8s_inventory;
mod kube;
mod kube_bench;
mod kyverno;
mod loader;
mod lookalike;
mod metrics_csv;
mod npm_audit;
mod openvex;
mod osv;
mod posture_decisions;
mod sarif;
mod securityhub;
mod semgrep;
mod trivy;
mod trufflehog;

use std::borrow::Cow;

/// Posture's incident template (header and two example rows), for the page to offer as a download.
pub use incidents::TEMPLATE_CSV as INCIDENT_TEMPLATE_CSV;
pub use loader::{Loaded, Loader};

use super::diagnostics::{ErrorKind, FileError, Location, Warning};
use super::json;
use super::json::feed::{Feed, Stop};
use super::model::{Evidence, SourceKind};
use super::sniff::{self, Shape, Sniff};

/// One input format.
pub struct Format {
    /// Stable id, used in the scorecard JSON and as `data-format`.
    pub id: &'static str,
    /// What users call it.
    pub label: &'static str,
    /// The command that produces it.
    pub command: &'static str,
    /// How its severities map onto critical/high/medium/low/info/unknown.
    pub severity_mapping: &'static str,
    /// What it feeds: findings categories, KPIs.
    pub feeds: &'static str,
    /// The kinds of evidence it can provide, for `log_coverage`.
    pub kinds: &'static [SourceKind],
    /// Whether a sniffed document is this format.
    pub detect: fn(&Sniff) -> bool,
    pub parse: fn(&Input) -> Result<Parsed, ParseError>,
    /// The same, reading the document while it arrives (see [`Loader`]); for formats whose
    /// files grow to hundreds of MB. `parse` stays the reference, and the fallback. The bytes
    /// pushed must be UTF-8 (the loader checks them; the whole path replaces what is not).
    pub stream: Option<fn(Feed, String) -> Streamed>,
}

/// A parse in progress on a [`Feed`]: polled after each push, it stops (and the file is read
/// whole) at anything it does not expect.
pub type Streamed = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Parsed, Stop>>>>;

/// A file's content, as valid UTF-8 text, and its name for messages and fallbacks.
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A successful parse: the evidence and what the user should know about it.
#[derive(Debug, PartialEq)]
pub struct Parsed {
    pub evidence: Evidence,
    pub warnings: Vec<Warning>,
}

impl Parsed {
    /// The findings snapshot, for formats that give one.
    pub fn snapshot(&self) -> Option<&super::model::Snapshot> {
        self.evidence.snapshot()
    }
}

/// A file's parse with the content digest and size the engine records for it: what a file read
/// elsewhere gives, as it arrived (`Loader`) or by a helper of the pool (`wire`).
#[derive(Debug, PartialEq)]
pub struct Carried {
    pub parsed: Parsed,
    pub digest: u64,
    pub size: u64,
}

/// A failed parse, before it is tied to a file.
pub type ParseError = json::JsonError;

pub static FORMATS: &[Format] = &[
    trivy::FORMAT,
    grype::FORMAT,
    osv::FORMAT,
    npm_audit::FORMAT,
    sarif::FORMAT,
    semgrep::FORMAT,
    bandit::FORMAT,
    checkov::FORMAT,
    gitleaks::FORMAT,
    trufflehog::FORMAT,
    detect_secrets::FORMAT,
    k8s_audit::FORMAT,
    falco::FORMAT,
    cloudtrail::FORMAT,
    containerd::FORMAT,
    incidents::FORMAT,
    kube_bench::FORMAT,
    kyverno::FORMAT,
    gatekeeper::FORMAT,
    aws_config::FORMAT,
    securityhub::FORMAT,
    k8s_inventory::FORMAT,
    metrics_csv::FORMAT,
    openvex::FORMAT,
    cyclonedx_vex::FORMAT,
    posture_decisions::FORMAT,
];

/// The source kinds some format of this build can provide, in `SourceKind::ALL` order.
pub fn readable_kinds() -> Vec<SourceKind> {
    SourceKind::ALL
        .into_iter()
        .filter(|k| FORMATS.iter().any(|f| f.kinds.contains(k)))
        .collect()
}

pub fn by_id(id: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.id == id)
}

/// The first sentence of a tool's long text, at most 160 characters: a title for a finding.
fn first_sentence(text: &str) -> String {
    let sentence = text.split(". ").next().unwrap_or(text).trim();
    let mut short: String = sentence.chars().take(160).collect();
    if short.len() < sentence.len() {
        short.push('…');
    }
    short
}

/// The supported formats, for messages: "Trivy JSON, Grype JSON, …".
pub fn supported_list() -> String {
    FORMATS
        .iter()
        .map(|f| f.label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Recognises and parses one file. Never panics; a file that cannot be read says why and where.
/// The error is boxed: it is built at most once per file, and keeps `Result` small.
pub fn load(name: &str, bytes: &[u8]) -> Result<Parsed, Box<FileError>> {
    let fail = |format: Option<&'static Format>, kind, location| {
        Box::new(FileError {
            file: name.to_string(),
            format: format.map(|f| f.id),
            kind,
            location,
        })
    };
    let decoded = decode_text(bytes);
    // YAML (kubectl's `-o yaml`) is read as the JSON it stands for.
    let converted = match yaml_document(&decoded) {
        Some(Ok(json)) => Some(json),
        Some(Err(e)) => return Err(fail(None, e.kind, e.location)),
        None => None,
    };
    let text: Cow<'_, [u8]> = match &converted {
        Some(json) => Cow::Borrowed(json.as_bytes()),
        None => decoded,
    };
    let sniffed = sniff::sniff(&text);
    match sniffed.shape {
        Shape::Empty => return Err(fail(None, ErrorKind::Empty, Location::default())),
        Shape::Binary { offset } => {
            return Err(fail(
                None,
                ErrorKind::Binary { offset },
                Location::default(),
            ));
        }
        _ => {}
    }
    // UTF-8 is checked once, here, so the JSON parser need not check every string again.
    let (text, replaced) = match std::str::from_utf8(&text) {
        Ok(valid) => (Cow::Borrowed(valid), None),
        // Binary files were turned away above; a stray bad byte deep in a report is replaced,
        // not allowed to cost the whole file.
        Err(e) => (
            String::from_utf8_lossy(&text).into_owned().into(),
            Some(e.valid_up_to()),
        ),
    };
    if let Some(format) = FORMATS.iter().find(|f| (f.detect)(&sniffed)) {
        let input = Input { name, text: &text };
        let mut parsed =
            (format.parse)(&input).map_err(|e| fail(Some(format), e.kind, e.location))?;
        if let Some(offset) = replaced {
            let message = format!(
                "bytes that are not UTF-8 (the first at byte {offset}) were replaced with �"
            );
            parsed
                .warnings
                .push(Warning::new(message, Location::default()));
        }
        return Ok(parsed);
    }
    // Reports appended into one file (`trivy … >> all.json`) look like JSON lines.
    if sniffed.shape == Shape::JsonLines {
        let first = Sniff {
            shape: Shape::Object,
            value: sniffed.value.clone(),
            head: sniffed.head,
        };
        if let Some(format) = FORMATS.iter().find(|f| (f.detect)(&first)) {
            let detail = format!(
                "this file holds several {} documents one after another (appended with `>>`?); \
                 Posture reads one report per file",
                format.label
            );
            let location = json::second_value_line(&text)
                .map_or_else(Location::default, |line| Location::at(line, 1));
            return Err(fail(
                Some(format),
                ErrorKind::Unsupported { detail },
                location,
            ));
        }
    }
    let unknown = match sniffed.shape {
        Shape::Text => ErrorKind::NotJson {
            detail: starts_with(text.as_bytes()),
        },
        // Say what is wrong with broken JSON before saying it is not a known format.
        _ => match json::validate(&text, sniffed.shape == Shape::JsonLines) {
            Err(e) => return Err(fail(None, e.kind, e.location)),
            Ok(()) => match lookalike::known_unsupported(&sniffed) {
                Some(tool) => ErrorKind::NotReadYet { tool: tool.into() },
                None => ErrorKind::NotRecognised {
                    supported: supported_list(),
                },
            },
        },
    };
    Err(fail(None, unknown, Location::default()))
}

/// A YAML document as JSON text, when the content looks like YAML and not like JSON or any
/// line format.
pub fn yaml_document(bytes: &[u8]) -> Option<Result<String, json::JsonError>> {
    let sniffed = sniff::sniff(bytes);
    if sniffed.shape != Shape::Text || !super::yaml::looks_like_yaml(sniffed.head) {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    Some(super::yaml::to_json(&text))
}

/// Strips a UTF-8 byte-order mark and turns UTF-16 with a BOM (what Windows PowerShell's `>`
/// writes) into UTF-8, so such files load like any other.
fn decode_text(bytes: &[u8]) -> Cow<'_, [u8]> {
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| {
        let units = rest.chunks_exact(2).map(|pair| from([pair[0], pair[1]]));
        Cow::Owned(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .collect::<String>()
                .into_bytes(),
        )
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => Cow::Borrowed(rest),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => Cow::Borrowed(bytes),
    }
}

/// The first few characters of a text file, for "not JSON: it starts with …".
fn starts_with(text: &[u8]) -> String {
    let head = String::from_utf8_lossy(&text[..text.len().min(200)]);
    let first_line = head.trim_start().lines().next().unwrap_or("");
    let mut shown: String = first_line.chars().take(40).collect();
    if shown.len() < first_line.len() {
        shown.push('…');
    }
    format!("it starts with \"{shown}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_lowercase() {
        let mut ids: Vec<_> = FORMATS.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FORMATS.len());
        assert!(ids.iter().all(|id| {
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        }));
    }

    #[test]
    fn utf16_and_bom_are_decoded() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("{}".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(&*decode_text(&utf16le), b"{}");
        assert_eq!(&*decode_text(b"\xEF\xBB\xBF{}"), b"{}");
    }
}

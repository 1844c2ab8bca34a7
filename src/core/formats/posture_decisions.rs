//! Posture's own file of triage decisions (`posture.decisions.v1`, see `triage::file`): the
//! decisions on secrets, misconfigurations and code findings that *Export decisions* writes
//! beside the OpenVEX of the vulnerabilities, read back when dropped.

use super::{Format, Input, ParseError, Parsed};
use crate::core::diagnostics::{ErrorKind, Location};
use crate::core::json::{self, JsonError};
use crate::core::model::{DecisionLog, Evidence, Tool};
use crate::core::sniff::Sniff;
use crate::core::triage::file;

pub const FORMAT: Format = Format {
    id: "posture-decisions",
    label: "Posture decisions",
    command: "*Export decisions* in Posture's Findings view",
    severity_mapping: "none: decisions, not findings",
    feeds: "triage decisions (accepted risks, false positives) on any finding",
    kinds: &[],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    sniff
        .record()
        .and_then(|r| r.get("schema"))
        .and_then(|s| s.as_str())
        .is_some_and(|s| s.starts_with("posture.decisions."))
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let parsed: file::DecisionsFile = json::parse(input.text)?;
    let (decisions, written_at) = file::decisions_of(parsed).map_err(|detail| JsonError {
        kind: ErrorKind::Shape { detail },
        location: Location::default(),
    })?;
    let records = decisions.len() as u64;
    Ok(Parsed {
        evidence: Evidence::Decisions(DecisionLog {
            format: FORMAT.id,
            tool: Tool {
                name: "Posture".into(),
                version: None,
            },
            decisions: decisions.into_iter().map(|(d, _)| d).collect(),
            written_at,
            undecided: Vec::new(),
            records,
        }),
        warnings: Vec::new(),
    })
}

//! TruffleHog v3 JSON lines: `trufflehog git <url> --json` (and filesystem, github…).
//!
//! One finding per line; log lines mixed into the stream (`{"level":…,"logger":…}`) are skipped.
//! A secret TruffleHog verified as live is critical; an unverified one is high. The identity is
//! the detector, the repository, the file and the secret (hashed, never kept): the same secret
//! found in several commits counts once. No part of a secret is shown: not even TruffleHog's
//! `Redacted`, which for a private key is its first line.

use std::collections::HashMap;

use serde::Deserialize;

use super::collect::{Collector, NewFinding};
use super::{Format, Input, ParseError, Parsed};
use crate::core::json::{self, MaybeStr, Str, text};
use crate::core::model::SourceKind;
use crate::core::model::{
    Asset, Category, Coverage, Fingerprint, Severity, Snapshot, Status, Tool,
};
use crate::core::sniff::{Shape, Sniff};

pub const FORMAT: Format = Format {
    id: "trufflehog",
    label: "TruffleHog JSON lines",
    command: "`trufflehog git|github|filesystem … --json`",
    severity_mapping: "`Verified: true` → critical, otherwise high",
    feeds: "secrets, verified or not",
    kinds: &[SourceKind::SecretScan],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    let Some(first) = sniff
        .record()
        .filter(|_| matches!(sniff.shape, Shape::JsonLines | Shape::Object))
    else {
        return false;
    };
    let finding = first.has("DetectorName") && first.has("SourceMetadata");
    // A run's own log line can come first.
    let log = first
        .get("logger")
        .and_then(|l| l.as_str())
        .is_some_and(|l| l.starts_with("trufflehog"));
    finding || log
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "DetectorName", borrow)]
    detector: Option<Str<'a>>,
    #[serde(rename = "Verified")]
    verified: Option<bool>,
    #[serde(rename = "Raw", borrow)]
    raw: Option<Str<'a>>,
    #[serde(rename = "SourceMetadata", borrow)]
    source: Option<SourceMetadata<'a>>,
}

#[derive(Deserialize)]
struct SourceMetadata<'a> {
    /// Keyed by source kind: Git, Github, Filesystem, …
    #[serde(rename = "Data", borrow)]
    data: Option<HashMap<Str<'a>, SourceData<'a>>>,
}

#[derive(Deserialize)]
struct SourceData<'a> {
    #[serde(borrow)]
    file: Option<Str<'a>>,
    line: Option<i64>,
    #[serde(borrow)]
    repository: Option<MaybeStr<'a>>,
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let mut bad = json::BadRecords::default();
    let mut lines: Vec<(usize, Line)> = Vec::new();
    json::each_record(input.text, &mut bad, |n, line| lines.push((n, line)));
    // Nothing readable at all: the file is not what it seemed, and says why.
    if lines.is_empty()
        && let Some((_, error)) = bad.first.first()
    {
        return Err(error.clone());
    }
    let mut c = Collector::default();
    c.warnings.extend(bad.warnings("line"));
    let mut repository = None;
    let mut logs = 0;
    for (n, line) in &lines {
        let Some(detector) = text(&line.detector) else {
            logs += 1;
            continue;
        };
        let data = line
            .source
            .as_ref()
            .and_then(|s| s.data.as_ref())
            .and_then(|d| d.values().next());
        let file = data.and_then(|d| text(&d.file)).unwrap_or("");
        let repo = data
            .and_then(|d| d.repository.as_ref())
            .and_then(MaybeStr::non_empty)
            .map(|r| r.trim_end_matches(".git"));
        repository = repository.or(repo);
        let location = match data.and_then(|d| d.line).filter(|l| *l > 0) {
            Some(n) => format!("{file}:{n}"),
            None => file.to_string(),
        };
        let verified = line.verified == Some(true);
        let secret = text(&line.raw).unwrap_or("");
        if secret.is_empty() {
            c.warn(
                "a finding without Raw is identified by its place only",
                &format!("line {n}"),
            );
        }
        let fingerprint = if secret.is_empty() {
            c.distinct(&[
                "secret",
                "trufflehog",
                detector,
                repo.unwrap_or(""),
                &location,
            ])
        } else {
            Fingerprint::of(&[
                "secret",
                "trufflehog",
                detector,
                repo.unwrap_or(""),
                file,
                secret,
            ])
        };
        // Not `Redacted`: for some detectors it holds the start of the key itself.
        let title = if verified {
            format!("{detector} secret, verified live")
        } else {
            format!("{detector} secret")
        };
        c.add(NewFinding {
            category: Category::Secret,
            severity: if verified {
                Severity::Critical
            } else {
                Severity::High
            },
            severity_raw: if verified { "verified" } else { "unverified" },
            rule_id: detector,
            title: &title,
            location: &location,
            package: None,
            status: Status::Open,
            fingerprint,
        });
    }
    // The repository comes with the findings, and a clean scan has none: the file names the
    // asset, so every scan of it lines up; the repository is shown beside it.
    let asset = Asset::file(input.name);
    let snapshot = Snapshot {
        format: FORMAT.id,
        tool: Tool {
            name: "TruffleHog".into(),
            version: None,
        },
        asset,
        reference: repository.map(str::to_string),
        taken_at: None,
        covers: Coverage::default().with(Category::Secret),
        by_fingerprint: Default::default(),
        findings: c.findings,
        iac_checks: None,
        compliance: Vec::new(),
        cloud_resources: None,
        policy_violations: None,
        policy_scopes: Vec::new(),
        note: (logs > 0).then(|| format!("{logs} log lines skipped")),
    };
    Ok(Parsed {
        evidence: crate::core::model::Evidence::Findings(snapshot),
        warnings: c.warnings,
    })
}

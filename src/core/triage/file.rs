//! `posture.decisions.v1`: Posture's own file of triage decisions. The page keeps the decisions
//! made in this browser in it (localStorage), the explorer exports the decisions on findings
//! other than vulnerabilities in it (vulnerabilities go out as OpenVEX), and a file of it
//! dropped on the page is read back. Documented in README ("Triage decisions").

use serde::{Deserialize, Serialize};

use crate::core::model::{Category, Decision, Target, Triage};
use crate::core::time::Timestamp;

pub const SCHEMA: &str = "posture.decisions.v1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionsFile {
    pub schema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<String>,
    pub decisions: Vec<DecisionJson>,
}

/// One decision. `category`, `rule`, `package`, `asset` and `fingerprint` say which findings
/// it covers (each given must match); `title` and `location` only help a reader.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionJson {
    /// `accepted_risk`, `false_positive` or `not_affected`.
    pub triage: String,
    #[serde(default)]
    pub reason: String,
    /// RFC 3339; after it the findings count again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// 16 hex digits: the finding's identity when the decision was made on one finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// What a decision made in this browser is about, for a reader of the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct About {
    pub title: String,
    pub location: String,
}

/// The file's text for `decisions` (with what each is about), written at `now`.
pub fn write<'d>(
    decisions: impl IntoIterator<Item = &'d (Decision, About)>,
    now: Timestamp,
) -> String {
    let file = DecisionsFile {
        schema: SCHEMA.into(),
        written_at: Some(now.to_string()),
        decisions: decisions
            .into_iter()
            .map(|(d, about)| DecisionJson {
                triage: d.triage.as_str().into(),
                reason: d.reason.clone(),
                expires: d.expires.map(|t| t.to_string()),
                decided_at: d.decided_at.map(|t| t.to_string()),
                author: d.author.clone(),
                category: d.target.category.map(|c| c.as_str().into()),
                rule: d.target.rules.first().cloned(),
                package: d.target.packages.first().cloned(),
                asset: d.target.assets.first().cloned(),
                fingerprint: d.target.fingerprint.map(|f| format!("{f:016x}")),
                title: Some(about.title.clone()).filter(|t| !t.is_empty()),
                location: Some(about.location.clone()).filter(|l| !l.is_empty()),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// The decisions of a file's text, with what each is about; or what is wrong with it (the
/// first wrong decision, by its place: nothing of a wrong file is used).
/// A file's decisions with what each is about, and when it was written.
pub type Read = (Vec<(Decision, About)>, Option<Timestamp>);

pub fn read(text: &str) -> Result<Read, String> {
    let file: DecisionsFile = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not a Posture decisions file: {e}"))?;
    decisions_of(file)
}

/// The decisions a file holds, checked: the first wrong one, by its place.
pub fn decisions_of(file: DecisionsFile) -> Result<Read, String> {
    if file.schema != SCHEMA {
        return Err(format!(
            "schema is \"{}\": this version of Posture reads \"{SCHEMA}\"",
            file.schema
        ));
    }
    let time = |text: &Option<String>, what: &str, i: usize| match text {
        None => Ok(None),
        Some(t) => Timestamp::parse_rfc3339(t)
            .map(Some)
            .ok_or_else(|| format!("decisions[{i}].{what} \"{t}\" is not an RFC 3339 time")),
    };
    let written_at = time(&file.written_at, "written_at", 0)?;
    let mut decisions = Vec::with_capacity(file.decisions.len());
    for (i, d) in file.decisions.into_iter().enumerate() {
        let triage = Triage::from_id(&d.triage).ok_or_else(|| {
            format!(
                "decisions[{i}].triage is \"{}\": one of accepted_risk, false_positive, not_affected",
                d.triage
            )
        })?;
        let category = match &d.category {
            None => None,
            Some(c) => Some(
                Category::ALL
                    .into_iter()
                    .find(|k| k.as_str() == c)
                    .ok_or_else(|| format!("decisions[{i}].category \"{c}\" is not a category"))?,
            ),
        };
        let fingerprint =
            match &d.fingerprint {
                None => None,
                Some(f) => Some(u64::from_str_radix(f, 16).map_err(|_| {
                    format!("decisions[{i}].fingerprint \"{f}\" is not 16 hex digits")
                })?),
            };
        if d.rule.is_none() && fingerprint.is_none() {
            return Err(format!(
                "decisions[{i}] names no rule and no fingerprint: it would cover every finding"
            ));
        }
        let decision = Decision {
            target: Target {
                category,
                rules: d.rule.into_iter().collect(),
                packages: d.package.into_iter().collect(),
                assets: d.asset.into_iter().collect(),
                fingerprint,
                exact_assets: true,
            },
            triage,
            reason: d.reason,
            expires: time(&d.expires, "expires", i)?,
            decided_at: time(&d.decided_at, "decided_at", i)?,
            author: d.author,
        };
        let about = About {
            title: d.title.unwrap_or_default(),
            location: d.location.unwrap_or_default(),
        };
        decisions.push((decision, about));
    }
    Ok((decisions, written_at))
}

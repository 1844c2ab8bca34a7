//! Triage decisions: a finding (or a vulnerability on some products) marked as an accepted risk,
//! a false positive or not affected, with a reason and perhaps an expiry. Made in the findings
//! explorer or read from VEX documents; the KPIs leave out what a decision in force covers.

use super::{Category, Tool};
use crate::core::time::Timestamp;

/// What a decision says of the findings it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Triage {
    /// Real, and knowingly left as it is (until the expiry, when there is one).
    AcceptedRisk,
    /// Not real: the tool was wrong.
    FalsePositive,
    /// Real in the component, but the product is not affected (VEX `not_affected`).
    NotAffected,
}

impl Triage {
    pub const ALL: [Triage; 3] = [
        Triage::AcceptedRisk,
        Triage::FalsePositive,
        Triage::NotAffected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Triage::AcceptedRisk => "accepted_risk",
            Triage::FalsePositive => "false_positive",
            Triage::NotAffected => "not_affected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Triage::AcceptedRisk => "accepted risk",
            Triage::FalsePositive => "false positive",
            Triage::NotAffected => "not affected",
        }
    }

    pub fn from_id(id: &str) -> Option<Triage> {
        Triage::ALL.into_iter().find(|t| t.as_str() == id)
    }
}

/// Which findings a decision covers. Every list that is not empty must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub category: Option<Category>,
    /// Rule or vulnerability ids (a VEX statement's name and its aliases), as written.
    pub rules: Vec<String>,
    /// Package names, as written (a purl's name for VEX subcomponents).
    pub packages: Vec<String>,
    /// Assets, by the names Posture gives them (an image without its tag), or the names a
    /// VEX product goes by (its purl's repository and name, an image reference).
    pub assets: Vec<String>,
    /// One finding's identity, for decisions made on a finding.
    pub fingerprint: Option<u64>,
    /// Whether `assets` are Posture's names, matched whole (decisions made here, Posture's own
    /// file), rather than VEX products, where a bare image name matches it on any registry.
    pub exact_assets: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub target: Target,
    pub triage: Triage,
    /// Why, in the decider's words (a VEX justification and impact statement).
    pub reason: String,
    /// After this instant the decision no longer holds: the findings count again.
    pub expires: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    pub author: String,
}

impl Decision {
    pub fn in_force(&self, now: Timestamp) -> bool {
        self.expires.is_none_or(|e| now < e)
    }
}

/// One file's decisions (an OpenVEX or CycloneDX VEX document, Posture's own export).
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionLog {
    pub format: &'static str,
    pub tool: Tool,
    pub decisions: Vec<Decision>,
    /// When the document says it was written.
    pub written_at: Option<Timestamp>,
    /// Statements read that decide nothing Posture counts (`affected`, `under_investigation`,
    /// `in_triage`, `fixed`), by status, for the Sources row.
    pub undecided: Vec<(String, u64)>,
    pub records: u64,
}

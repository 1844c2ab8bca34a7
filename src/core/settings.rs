//! What an organisation can tune: KPI targets and weights, SLA days, the gate severity and the
//! source kinds it expects. Defaults follow SPEC §4.

use std::collections::BTreeMap;

use super::model::{Severity, SourceKind};

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// KPI id → target, overriding the default of SPEC §4.
    pub targets: BTreeMap<String, f64>,
    /// KPI id → weight in the overall score (default 1).
    pub weights: BTreeMap<String, f64>,
    /// Days to fix, by severity: critical, high, medium, low.
    pub sla_days: [f64; 4],
    /// An open vulnerability in time is at risk when at most this share of its SLA is left (%).
    pub sla_margin_pct: f64,
    /// A scan fails the SAST/SCA gate when it has an open finding at or above this severity.
    pub gate: Severity,
    /// Runtime alerts at or above this priority are threats (`runtime_threats`); Falco's
    /// Error maps to high.
    pub alert_priority: Severity,
    /// A principal assuming roles more often than this in one day is flagged.
    pub role_assumptions_per_day: u64,
    /// Evidence older than this many days is stale when the period is all data (for a bounded
    /// period, evidence from before it is).
    pub stale_after_days: f64,
    /// Whether a KPI without data counts in the overall score as unmet (attainment 0), rather
    /// than being left out.
    pub missing_kpis_unmet: bool,
    /// The kinds `log_coverage` expects. By default those this build can read: a kind no file
    /// could provide yet would make the KPI unreachable whatever the user drops.
    pub expected_sources: Vec<SourceKind>,
    /// Assets by the name Posture gives them from the files (an image without its tag, a
    /// repository, a cluster, an account): the name to show instead, and the group (a team, an
    /// owner) they belong to.
    pub assets: BTreeMap<String, AssetLabel>,
}

/// What the user says of an asset: another name, a group. Either may be unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssetLabel {
    pub name: Option<String>,
    pub group: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            targets: BTreeMap::new(),
            weights: BTreeMap::new(),
            sla_days: [7.0, 30.0, 90.0, 180.0],
            sla_margin_pct: 25.0,
            gate: Severity::High,
            alert_priority: Severity::High,
            role_assumptions_per_day: 50,
            stale_after_days: 30.0,
            missing_kpis_unmet: false,
            expected_sources: super::formats::readable_kinds(),
            assets: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// SLA days for a severity; info and unknown findings have none.
    pub fn sla(&self, severity: Severity) -> Option<f64> {
        match severity {
            Severity::Critical => Some(self.sla_days[0]),
            Severity::High => Some(self.sla_days[1]),
            Severity::Medium => Some(self.sla_days[2]),
            Severity::Low => Some(self.sla_days[3]),
            Severity::Info | Severity::Unknown => None,
        }
    }

    /// The name to show for an asset Posture named `reported`.
    pub fn asset_name<'a>(&'a self, reported: &'a str) -> &'a str {
        self.assets
            .get(reported)
            .and_then(|l| l.name.as_deref())
            .unwrap_or(reported)
    }

    pub fn asset_group(&self, reported: &str) -> Option<&str> {
        self.assets.get(reported).and_then(|l| l.group.as_deref())
    }

    /// Whether the asset Posture named `reported` is in view when the views are limited to
    /// `group` (every asset is when `None`).
    pub fn in_view(&self, reported: Option<&str>, group: Option<&str>) -> bool {
        group.is_none_or(|g| reported.and_then(|r| self.asset_group(r)) == Some(g))
    }

    /// Every group some asset is in, sorted.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = self
            .assets
            .values()
            .filter_map(|l| l.group.as_deref())
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    pub fn weight(&self, kpi: &str) -> f64 {
        self.weights.get(kpi).copied().unwrap_or(1.0)
    }
}

//! What an organisation can tune: KPI targets and weights, SLA days, the gate severity and the
//! source kinds it expects. Defaults follow SPEC §4.

use std::collections::BTreeMap;

use super::model::Severity;

/// The kinds of evidence a complete scorecard draws on, for `log_coverage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    VulnerabilityScan,
    CodeScan,
    SecretScan,
    IacScan,
    ClusterPolicy,
    ClusterBenchmark,
    KubernetesAudit,
    RuntimeAlerts,
    CloudPosture,
    CloudAudit,
    Incidents,
}

impl SourceKind {
    pub const ALL: [SourceKind; 11] = [
        SourceKind::VulnerabilityScan,
        SourceKind::CodeScan,
        SourceKind::SecretScan,
        SourceKind::IacScan,
        SourceKind::ClusterPolicy,
        SourceKind::ClusterBenchmark,
        SourceKind::KubernetesAudit,
        SourceKind::RuntimeAlerts,
        SourceKind::CloudPosture,
        SourceKind::CloudAudit,
        SourceKind::Incidents,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::VulnerabilityScan => "vulnerability scans",
            SourceKind::CodeScan => "code scans (SAST)",
            SourceKind::SecretScan => "secret scans",
            SourceKind::IacScan => "IaC scans",
            SourceKind::ClusterPolicy => "cluster policy (Gatekeeper, Kyverno)",
            SourceKind::ClusterBenchmark => "CIS benchmarks (kube-bench)",
            SourceKind::KubernetesAudit => "Kubernetes audit logs",
            SourceKind::RuntimeAlerts => "runtime alerts (Falco)",
            SourceKind::CloudPosture => "cloud posture (AWS Config, Security Hub)",
            SourceKind::CloudAudit => "cloud audit logs (CloudTrail)",
            SourceKind::Incidents => "incident records",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// KPI id → target, overriding the default of SPEC §4.
    pub targets: BTreeMap<String, f64>,
    /// KPI id → weight in the overall score (default 1).
    pub weights: BTreeMap<String, f64>,
    /// Days to fix, by severity: critical, high, medium, low.
    pub sla_days: [f64; 4],
    /// A scan fails the SAST/SCA gate when it has an open finding at or above this severity.
    pub gate: Severity,
    /// The kinds `log_coverage` expects. By default those this build can read: a kind no file
    /// could provide yet would make the KPI unreachable whatever the user drops.
    pub expected_sources: Vec<SourceKind>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            targets: BTreeMap::new(),
            weights: BTreeMap::new(),
            sla_days: [7.0, 30.0, 90.0, 180.0],
            gate: Severity::High,
            expected_sources: super::formats::readable_kinds(),
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

    pub fn weight(&self, kpi: &str) -> f64 {
        self.weights.get(kpi).copied().unwrap_or(1.0)
    }
}

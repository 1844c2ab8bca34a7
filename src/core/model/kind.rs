//! The kinds of evidence a complete scorecard draws on: what `log_coverage` counts and what each
//! KPI declares it reads. One vocabulary, used by formats, KPIs and settings alike.

/// A kind of source, whatever tool produced it.
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
    ContainerEvents,
    CloudPosture,
    CloudAudit,
    Incidents,
}

impl SourceKind {
    pub const ALL: [SourceKind; 12] = [
        SourceKind::VulnerabilityScan,
        SourceKind::CodeScan,
        SourceKind::SecretScan,
        SourceKind::IacScan,
        SourceKind::ClusterPolicy,
        SourceKind::ClusterBenchmark,
        SourceKind::KubernetesAudit,
        SourceKind::RuntimeAlerts,
        SourceKind::ContainerEvents,
        SourceKind::CloudPosture,
        SourceKind::CloudAudit,
        SourceKind::Incidents,
    ];

    /// A scan's snapshot (what is true of an asset), not a log or records of what happened.
    pub fn is_scan(self) -> bool {
        !matches!(
            self,
            SourceKind::KubernetesAudit
                | SourceKind::RuntimeAlerts
                | SourceKind::ContainerEvents
                | SourceKind::CloudAudit
                | SourceKind::Incidents
        )
    }

    /// The id a settings profile names it by.
    pub fn id(self) -> &'static str {
        match self {
            SourceKind::VulnerabilityScan => "vulnerability-scan",
            SourceKind::CodeScan => "code-scan",
            SourceKind::SecretScan => "secret-scan",
            SourceKind::IacScan => "iac-scan",
            SourceKind::ClusterPolicy => "cluster-policy",
            SourceKind::ClusterBenchmark => "cluster-benchmark",
            SourceKind::KubernetesAudit => "kubernetes-audit",
            SourceKind::RuntimeAlerts => "runtime-alerts",
            SourceKind::ContainerEvents => "container-events",
            SourceKind::CloudPosture => "cloud-posture",
            SourceKind::CloudAudit => "cloud-audit",
            SourceKind::Incidents => "incidents",
        }
    }

    pub fn from_id(id: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.id() == id)
    }

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
            SourceKind::ContainerEvents => "container runtime events (containerd)",
            SourceKind::CloudPosture => "cloud posture (AWS Config, Security Hub)",
            SourceKind::CloudAudit => "cloud audit logs (CloudTrail)",
            SourceKind::Incidents => "incident records",
        }
    }
}

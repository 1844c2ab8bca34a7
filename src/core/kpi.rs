//! The KPI catalogue of SPEC §4 and its computation.
//!
//! Every KPI is a pure function of the evidence that returns its value *and* how it got there:
//! numerator, denominator, formula, the files that fed it and what was left out. With no input a
//! KPI has no value — never a made-up zero — and says what to drop to measure it.

mod remediation;
mod state;

pub use state::source_kinds;

use super::evidence::{Current, Item, Period};
use super::formats;
use super::history::History;

use super::settings::Settings;
use super::time::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    Hours,
    Days,
    PerWeek,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::Hours => "hours",
            Unit::Days => "days",
            Unit::PerWeek => "per_week",
        }
    }

    /// A value for people: `97.3 %`, `3`, `12.5 h`, `4.2 days`, `5.0 / week`.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Count if value.fract() == 0.0 => format!("{value:.0}"),
            Unit::Count => format!("{value:.1}"),
            Unit::Percent => format!("{} %", one_decimal(value)),
            Unit::Hours => format!("{} h", one_decimal(value)),
            Unit::Days => format!("{} days", one_decimal(value)),
            Unit::PerWeek => format!("{} / week", one_decimal(value)),
        }
    }
}

/// One decimal, without a trailing `.0` on whole numbers and without `-0`.
fn one_decimal(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".into()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Which side of the target is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    AtMost,
    AtLeast,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultTarget {
    Value(f64),
    /// The KPI's own value in the previous period.
    PreviousPeriod,
    /// The critical SLA, in days.
    CriticalSla,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KpiStatus {
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
}

impl KpiStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KpiStatus::OnTrack => "on_track",
            KpiStatus::AtRisk => "at_risk",
            KpiStatus::OffTrack => "off_track",
            KpiStatus::NoData => "no_data",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KpiStatus::OnTrack => "On track",
            KpiStatus::AtRisk => "At risk",
            KpiStatus::OffTrack => "Off track",
            KpiStatus::NoData => "No data",
        }
    }

    /// Attainment for the overall score.
    fn attainment(self) -> Option<f64> {
        match self {
            KpiStatus::OnTrack => Some(1.0),
            KpiStatus::AtRisk => Some(0.5),
            KpiStatus::OffTrack => Some(0.0),
            KpiStatus::NoData => None,
        }
    }
}

/// On target, within 10 % of it (relative to the target), or beyond.
pub fn status(value: f64, target: f64, direction: Direction) -> KpiStatus {
    let tolerance = 0.1 * target.abs();
    let (meets, near) = match direction {
        Direction::AtMost => (value <= target, value <= target + tolerance),
        Direction::AtLeast => (value >= target, value >= target - tolerance),
    };
    if meets {
        KpiStatus::OnTrack
    } else if near {
        KpiStatus::AtRisk
    } else {
        KpiStatus::OffTrack
    }
}

/// Everything a KPI can be computed from.
pub struct Context<'a> {
    /// The caller's clock: the end of an open period.
    pub now: Timestamp,
    pub items: &'a [Item<'a>],
    pub current: &'a Current<'a>,
    pub period: Period,
    pub settings: &'a Settings,
    pub vulnerabilities: &'a History<'a>,
    pub secrets: &'a History<'a>,
}

/// A KPI in the catalogue.
pub struct KpiDef {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    pub default_target: DefaultTarget,
    /// What to drop to measure it, as in "drop … to measure this".
    pub needs: &'static str,
    /// The formats (by id, from SPEC §2) that can feed it; those this build reads are named.
    pub formats: &'static [&'static str],
    compute: fn(&Context) -> Measure,
}

/// What a computation found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measure {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub formula: String,
    pub inputs: Vec<String>,
    /// Exclusions and side figures, one sentence each.
    pub notes: Vec<String>,
    /// Why there is no value, when the inputs are there but say nothing (e.g. nothing fixed yet).
    pub reason: Option<String>,
}

impl Measure {
    fn ratio(numerator: f64, denominator: f64, formula: String, inputs: Vec<String>) -> Measure {
        Measure {
            value: Some(100.0 * numerator / denominator),
            numerator: Some(numerator),
            denominator: Some(denominator),
            formula,
            inputs,
            ..Measure::default()
        }
    }

    fn count(n: usize, formula: String, inputs: Vec<String>) -> Measure {
        Measure {
            value: Some(n as f64),
            numerator: Some(n as f64),
            formula,
            inputs,
            ..Measure::default()
        }
    }

    /// No input at all: the tile says what to drop.
    fn none(formula: impl Into<String>) -> Measure {
        Measure {
            formula: formula.into(),
            ..Measure::default()
        }
    }

    /// Inputs present, but no value in this period, for a stated reason.
    fn empty(formula: String, inputs: Vec<String>, reason: impl Into<String>) -> Measure {
        Measure {
            formula,
            inputs,
            reason: Some(reason.into()),
            ..Measure::default()
        }
    }

    fn note(mut self, note: Option<String>) -> Measure {
        self.notes.extend(note);
        self
    }

    fn notes(mut self, notes: Vec<String>) -> Measure {
        self.notes.extend(notes);
        self
    }
}

/// A computed KPI.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiResult {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    pub target: Option<f64>,
    /// `≥ 95 %`, `0`, `≤ previous period`.
    pub target_text: String,
    pub status: KpiStatus,
    pub measure: Measure,
    /// For `no_data`: "no data — drop … to measure this", or why the inputs give no value.
    pub missing: Option<String>,
}

/// What the history-based KPIs wait for.
const HISTORY: &str = "two or more vulnerability scans of the same asset, taken at different times";
const VULN_FORMATS: &[&str] = &["trivy", "grype", "osv-scanner", "npm-audit", "sarif"];
const INCIDENT_FORMATS: &[&str] = &["incidents"];

pub static KPIS: &[KpiDef] = &[
    KpiDef {
        id: "mttd",
        label: "Mean time to detect",
        unit: Unit::Hours,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(24.0),
        needs: "incident records in Posture's incident template",
        formats: INCIDENT_FORMATS,
        compute: |_| {
            Measure::none(
                "mean(alert_time − event_time) over incidents in the period; median beside it",
            )
        },
    },
    KpiDef {
        id: "mttr",
        label: "Mean time to respond",
        unit: Unit::Hours,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(72.0),
        needs: "incident records in Posture's incident template",
        formats: INCIDENT_FORMATS,
        compute: |_| {
            Measure::none(
                "mean(contained_time − alert_time) over incidents in the period; median beside it",
            )
        },
    },
    KpiDef {
        id: "vuln_sla_compliance",
        label: "Vulnerabilities resolved within SLA",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(90.0),
        needs: HISTORY,
        formats: VULN_FORMATS,
        compute: remediation::vuln_sla_compliance,
    },
    KpiDef {
        id: "vuln_mttr",
        label: "Mean time to remediate vulnerabilities",
        unit: Unit::Days,
        direction: Direction::AtMost,
        default_target: DefaultTarget::CriticalSla,
        needs: HISTORY,
        formats: VULN_FORMATS,
        compute: remediation::vuln_mttr,
    },
    KpiDef {
        id: "resolved_vulns_pct",
        label: "Percentage of vulnerabilities resolved",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(80.0),
        needs: HISTORY,
        formats: VULN_FORMATS,
        compute: remediation::resolved_vulns_pct,
    },
    KpiDef {
        id: "critical_open",
        label: "Open critical vulnerabilities",
        unit: Unit::Count,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "a vulnerability scan",
        formats: VULN_FORMATS,
        compute: state::critical_open,
    },
    KpiDef {
        id: "critical_high_reduction",
        label: "Reduction of critical + high vulnerabilities",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(10.0),
        needs: HISTORY,
        formats: VULN_FORMATS,
        compute: remediation::critical_high_reduction,
    },
    KpiDef {
        id: "compliance_score",
        label: "Compliance score",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(95.0),
        needs: "cluster or cloud compliance results",
        formats: &[
            "kube-bench",
            "gatekeeper",
            "kyverno",
            "aws-config",
            "securityhub",
        ],
        compute: |_| {
            Measure::none(
                "compliant ÷ evaluated × 100 over kube-bench, Gatekeeper, Kyverno, AWS Config and Security Hub results",
            )
        },
    },
    KpiDef {
        id: "iac_policy_pass_rate",
        label: "IaC policy pass rate",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(95.0),
        needs: "an IaC scan",
        formats: &["trivy", "checkov", "sarif"],
        compute: state::iac_policy_pass_rate,
    },
    KpiDef {
        id: "cloud_misconfig_rate",
        label: "Cloud misconfiguration rate",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(5.0),
        needs: "AWS Config or Security Hub results",
        formats: &["aws-config", "securityhub"],
        compute: |_| Measure::none("non-compliant ÷ evaluated cloud resources × 100"),
    },
    KpiDef {
        id: "deployment_block_rate",
        label: "Deployments blocked by security policy",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(5.0),
        needs: "a Kubernetes audit log",
        formats: &["k8s-audit"],
        compute: |_| {
            Measure::none(
                "workload create/update requests denied by admission policy ÷ all workload create/update requests × 100",
            )
        },
    },
    KpiDef {
        id: "sast_sca_pass_rate",
        label: "SAST/SCA pass rate",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(90.0),
        needs: "a code or dependency scan",
        formats: &[
            "trivy",
            "grype",
            "osv-scanner",
            "npm-audit",
            "sarif",
            "semgrep",
            "bandit",
        ],
        compute: state::sast_sca_pass_rate,
    },
    KpiDef {
        id: "secrets_exposed",
        label: "Secrets exposed",
        unit: Unit::Count,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "a secret scan",
        formats: &["trivy", "gitleaks", "trufflehog", "detect-secrets", "sarif"],
        compute: state::secrets_exposed,
    },
    KpiDef {
        id: "unauthorized_api_attempts",
        label: "Unauthorized API attempts",
        unit: Unit::PerWeek,
        direction: Direction::AtMost,
        default_target: DefaultTarget::PreviousPeriod,
        needs: "a Kubernetes audit log or CloudTrail logs",
        formats: &["k8s-audit", "cloudtrail"],
        compute: |_| Measure::none("401/403 and AccessDenied events per week"),
    },
    KpiDef {
        id: "runtime_threats",
        label: "High-priority runtime alerts",
        unit: Unit::PerWeek,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "Falco alerts",
        formats: &["falco"],
        compute: |_| {
            Measure::none("runtime alerts of priority critical or error per week, by category")
        },
    },
    KpiDef {
        id: "false_positive_rate",
        label: "Alert false-positive rate",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(20.0),
        needs: "incident records in Posture's incident template",
        formats: INCIDENT_FORMATS,
        compute: |_| {
            Measure::none(
                "false positives ÷ reviewed alerts × 100 (untriaged alerts are not in the denominator)",
            )
        },
    },
    KpiDef {
        id: "log_coverage",
        label: "Log and source coverage",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(100.0),
        needs: "any supported file",
        formats: &[],
        compute: state::log_coverage,
    },
    KpiDef {
        id: "incident_rate_change",
        label: "Incident rate change",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(-10.0),
        needs: "incident records in Posture's incident template",
        formats: INCIDENT_FORMATS,
        compute: |_| {
            Measure::none(
                "(incidents per week this period − previous period) ÷ previous period × 100",
            )
        },
    },
    KpiDef {
        id: "policy_drift",
        label: "Policy drift",
        unit: Unit::Count,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "policy results from two consecutive weeks",
        formats: &["gatekeeper", "kyverno", "checkov"],
        compute: |_| {
            Measure::none(
                "policy failures in the latest week − the week before (Gatekeeper, Kyverno, Checkov)",
            )
        },
    },
];

pub fn by_id(id: &str) -> Option<&'static KpiDef> {
    KPIS.iter().find(|k| k.id == id)
}

impl KpiDef {
    pub fn target(&self, settings: &Settings) -> Option<f64> {
        if let Some(target) = settings.targets.get(self.id) {
            return Some(*target);
        }
        match self.default_target {
            DefaultTarget::Value(v) => Some(v),
            DefaultTarget::CriticalSla => Some(settings.sla_days[0]),
            DefaultTarget::PreviousPeriod => None,
        }
    }

    pub fn target_text(&self, target: Option<f64>) -> String {
        match (target, self.direction) {
            (None, _) => "≤ previous period".into(),
            (Some(t), Direction::AtMost) if t == 0.0 && self.unit == Unit::Count => "0".into(),
            (Some(t), Direction::AtMost) => format!("≤ {}", self.unit.format(t)),
            (Some(t), Direction::AtLeast) => format!("≥ {}", self.unit.format(t)),
        }
    }

    /// "no data — drop … to measure this", naming the formats this build reads.
    pub fn hint(&self) -> String {
        let readable: Vec<&str> = self
            .formats
            .iter()
            .filter_map(|id| formats::by_id(id))
            .map(|f| f.label)
            .collect();
        if self.formats.is_empty() {
            format!("no data — drop {} to measure this", self.needs)
        } else if readable.is_empty() {
            format!(
                "no data — drop {} to measure this; this version cannot read them yet",
                self.needs
            )
        } else {
            format!(
                "no data — drop {} ({}) to measure this",
                self.needs,
                readable.join(", ")
            )
        }
    }

    pub fn evaluate(&self, cx: &Context) -> KpiResult {
        let measure = (self.compute)(cx);
        let target = self.target(cx.settings);
        let status = match (measure.value, target) {
            (Some(value), Some(target)) => status(value, target, self.direction),
            _ => KpiStatus::NoData,
        };
        let missing = match (&measure.value, &measure.reason) {
            (Some(_), _) => None,
            (None, Some(reason)) => Some(format!("no data — {reason}")),
            (None, None) => Some(self.hint()),
        };
        KpiResult {
            id: self.id,
            label: self.label,
            unit: self.unit,
            direction: self.direction,
            target,
            target_text: self.target_text(target),
            status,
            measure,
            missing,
        }
    }
}

pub fn evaluate_all(cx: &Context) -> Vec<KpiResult> {
    KPIS.iter().map(|k| k.evaluate(cx)).collect()
}

/// The overall posture score heading the scorecard.
#[derive(Clone, Debug, PartialEq)]
pub struct Overall {
    pub value: Option<f64>,
    pub counted: usize,
    pub formula: String,
}

pub fn overall(results: &[KpiResult], settings: &Settings) -> Overall {
    let mut weighted = 0.0;
    let mut weights = 0.0;
    let mut counted = 0;
    for result in results {
        if let Some(attainment) = result.status.attainment() {
            let weight = settings.weight(result.id);
            weighted += weight * attainment;
            weights += weight;
            counted += 1;
        }
    }
    Overall {
        value: (weights > 0.0).then(|| 100.0 * weighted / weights),
        counted,
        formula: format!(
            "Σ weight × attainment ÷ Σ weight × 100 over the {counted} KPIs with data; \
             attainment is 1 on track, ½ at risk, 0 off track"
        ),
    }
}

pub(super) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

pub(super) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_uses_a_relative_ten_percent_band() {
        assert_eq!(status(96.0, 95.0, Direction::AtLeast), KpiStatus::OnTrack);
        assert_eq!(status(86.0, 95.0, Direction::AtLeast), KpiStatus::AtRisk);
        assert_eq!(status(85.0, 95.0, Direction::AtLeast), KpiStatus::OffTrack);
        assert_eq!(status(26.0, 24.0, Direction::AtMost), KpiStatus::AtRisk);
        assert_eq!(status(27.0, 24.0, Direction::AtMost), KpiStatus::OffTrack);
        assert_eq!(status(1.0, 0.0, Direction::AtMost), KpiStatus::OffTrack);
        assert_eq!(status(0.0, 0.0, Direction::AtMost), KpiStatus::OnTrack);
        assert_eq!(status(-9.5, -10.0, Direction::AtMost), KpiStatus::AtRisk);
    }

    #[test]
    fn catalogue_matches_the_spec() {
        let ids: Vec<&str> = KPIS.iter().map(|k| k.id).collect();
        assert_eq!(
            ids,
            [
                "mttd",
                "mttr",
                "vuln_sla_compliance",
                "vuln_mttr",
                "resolved_vulns_pct",
                "critical_open",
                "critical_high_reduction",
                "compliance_score",
                "iac_policy_pass_rate",
                "cloud_misconfig_rate",
                "deployment_block_rate",
                "sast_sca_pass_rate",
                "secrets_exposed",
                "unauthorized_api_attempts",
                "runtime_threats",
                "false_positive_rate",
                "log_coverage",
                "incident_rate_change",
                "policy_drift",
            ]
        );
    }

    #[test]
    fn values_read_well() {
        assert_eq!(Unit::Percent.format(97.285), "97.3 %");
        assert_eq!(Unit::Percent.format(100.0), "100 %");
        assert_eq!(Unit::Count.format(3.0), "3");
        assert_eq!(Unit::Days.format(-0.01), "0 days");
        let kpi = by_id("critical_open").unwrap();
        assert_eq!(kpi.target_text(Some(0.0)), "0");
        assert_eq!(
            by_id("iac_policy_pass_rate")
                .unwrap()
                .target_text(Some(95.0)),
            "≥ 95 %"
        );
        assert_eq!(by_id("mttd").unwrap().target_text(Some(24.0)), "≤ 24 h");
    }
}

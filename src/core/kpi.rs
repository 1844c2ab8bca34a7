//! The KPI catalogue of SPEC §4 and its computation.
//!
//! Every KPI is a pure function of the evidence that returns its value *and* how it got there:
//! numerator, denominator, formula, the files that fed it and what was left out. With no input a
//! KPI has no value — never a made-up zero — and says what to drop to measure it.

pub mod compliance;
mod detection;
mod remediation;
mod response;
mod state;

use super::events::Events;
use super::evidence::{Current, Item, Period, PeriodChoice, Window};
use super::formats;
use super::history::History;
use super::incidents::Incidents;
use super::model::SourceKind;

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

    /// The unit's symbol in a form: "%", "h", "days", "/ week", or nothing for counts.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Percent => "%",
            Unit::Hours => "h",
            Unit::Days => "days",
            Unit::PerWeek => "/ week",
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

impl Direction {
    /// As the scorecard JSON and the KPIs CSV write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::AtMost => "at_most",
            Direction::AtLeast => "at_least",
        }
    }
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
    /// The period as a bounded window (for all data, the span of the data); `None` when nothing
    /// loaded has a time.
    pub window: Option<Window>,
    /// The period chosen, for KPIs compared with the previous period over their own sources'
    /// coverage (`PeriodChoice::compare`).
    pub choice: PeriodChoice,
    pub events: &'a Events<'a>,
    pub incidents: &'a Incidents<'a>,
    /// The cluster's objects, when an inventory is loaded (the last one): Gatekeeper's
    /// evaluated objects.
    pub inventory: Option<&'a super::model::Inventory>,
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
    /// The kinds of source it reads: the hint names the formats of this build that give them,
    /// and a test checks that no other kind of file changes it.
    pub kinds: &'static [SourceKind],
    /// How its target reads in words.
    pub phrase: Phrase,
    compute: fn(&Context) -> Measure,
}

/// What a KPI's value is, for saying its target as a person would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    /// A level: "at most 5 %", "at least 95 %", "none".
    Level,
    /// A change in %, a drop being negative for a rate and positive for a reduction:
    /// "a drop of at least 10 %".
    Change,
    /// Failures against the week before: "no more failures than the week before".
    Drift,
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
    /// Why there is no value, when the inputs are there but say nothing (e.g. nothing fixed
    /// yet); or, beside a value, why there is no target to judge it by.
    pub reason: Option<String>,
    /// The same KPI in the previous period, when it is compared with it.
    pub previous: Option<f64>,
    /// How the numerator and denominator read, when "n of d" would not say it
    /// ("210 h over 5 incidents").
    pub ratio_text: Option<String>,
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
    /// Scans are loaded, but none of the kinds this KPI reads: "not scanned", not a clean bill.
    pub not_scanned: bool,
    /// How old the files it read are (set by the analysis of the selected period).
    pub evidence: Option<EvidenceAge>,
}

/// How old the evidence behind a KPI is.
#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceAge {
    /// The newest and the oldest time of the files it read: a scan's time, a log's last record,
    /// the latest time an incident file mentions.
    pub newest: Timestamp,
    pub oldest: Timestamp,
    /// Files older than the period (for all data, older than the stale threshold).
    pub stale: Vec<String>,
    /// Files that do not say when they were taken: their time is the file's modification time.
    pub guessed: Vec<String>,
}

/// When a file's evidence is from, whether that time is the file's modification time, and the
/// asset it scanned (numbered), if any.
pub type FileTimes<'a> = super::hash::FxHashMap<&'a str, (Timestamp, bool, Option<u32>)>;

/// Sets each result's [`EvidenceAge`] from the times of the files it read. Stale: before a
/// bounded period; for all data, older than `settings.stale_after_days` at `now` — unless a
/// newer file of the same asset is read too (an older scan of an asset is its history, not
/// stale evidence).
pub fn date_evidence(
    results: &mut [KpiResult],
    times: &FileTimes,
    period: Period,
    now: Timestamp,
    settings: &Settings,
) {
    let stale = |at: Timestamp| match period.from {
        Some(from) => at < from,
        None => now.days_since(at) > settings.stale_after_days,
    };
    for result in results {
        let dated: Vec<(&String, Timestamp, bool, Option<u32>)> = result
            .measure
            .inputs
            .iter()
            .filter_map(|name| {
                times
                    .get(name.as_str())
                    .map(|&(at, guessed, asset)| (name, at, guessed, asset))
            })
            .collect();
        let superseded = |(_, at, _, asset): &(&String, Timestamp, bool, Option<u32>)| {
            asset.is_some_and(|a| dated.iter().any(|d| d.3 == Some(a) && d.1 > *at))
        };
        let (Some(newest), Some(oldest)) = (
            dated.iter().map(|d| d.1).max(),
            dated.iter().map(|d| d.1).min(),
        ) else {
            continue;
        };
        result.evidence = Some(EvidenceAge {
            newest,
            oldest,
            stale: dated
                .iter()
                .filter(|d| stale(d.1) && !superseded(d))
                .map(|d| d.0.clone())
                .collect(),
            guessed: dated.iter().filter(|d| d.2).map(|d| d.0.clone()).collect(),
        });
    }
}

/// What the history-based KPIs wait for.
const HISTORY: &str = "two or more vulnerability scans of the same asset, taken at different times";
const VULNS: &[SourceKind] = &[SourceKind::VulnerabilityScan];
const INCIDENTS: &[SourceKind] = &[SourceKind::Incidents];
const INCIDENT_RECORDS: &str =
    "incident records (Posture's template, or a Jira, PagerDuty, Sentinel or TheHive export)";

pub static KPIS: &[KpiDef] = &[
    KpiDef {
        id: "mttd",
        label: "Mean time to detect",
        unit: Unit::Hours,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(24.0),
        needs: INCIDENT_RECORDS,
        kinds: INCIDENTS,
        phrase: Phrase::Level,
        compute: response::mttd,
    },
    KpiDef {
        id: "mttr",
        label: "Mean time to respond",
        unit: Unit::Hours,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(72.0),
        needs: INCIDENT_RECORDS,
        kinds: INCIDENTS,
        phrase: Phrase::Level,
        compute: response::mttr,
    },
    KpiDef {
        id: "vuln_sla_compliance",
        label: "Vulnerabilities resolved within SLA",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(90.0),
        needs: HISTORY,
        kinds: VULNS,
        phrase: Phrase::Level,
        compute: remediation::vuln_sla_compliance,
    },
    KpiDef {
        id: "vuln_mttr",
        label: "Mean time to remediate vulnerabilities",
        unit: Unit::Days,
        direction: Direction::AtMost,
        default_target: DefaultTarget::CriticalSla,
        needs: HISTORY,
        kinds: VULNS,
        phrase: Phrase::Level,
        compute: remediation::vuln_mttr,
    },
    KpiDef {
        id: "resolved_vulns_pct",
        label: "Percentage of vulnerabilities resolved",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(80.0),
        needs: HISTORY,
        kinds: VULNS,
        phrase: Phrase::Level,
        compute: remediation::resolved_vulns_pct,
    },
    KpiDef {
        id: "critical_open",
        label: "Open critical vulnerabilities",
        unit: Unit::Count,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "a vulnerability scan",
        kinds: VULNS,
        phrase: Phrase::Level,
        compute: state::critical_open,
    },
    KpiDef {
        id: "critical_high_reduction",
        label: "Reduction of critical + high vulnerabilities",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(10.0),
        needs: HISTORY,
        kinds: VULNS,
        phrase: Phrase::Change,
        compute: remediation::critical_high_reduction,
    },
    KpiDef {
        id: "compliance_score",
        label: "Compliance score",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(95.0),
        needs: "cluster or cloud compliance results",
        kinds: &[
            SourceKind::ClusterPolicy,
            SourceKind::ClusterBenchmark,
            SourceKind::CloudPosture,
        ],
        phrase: Phrase::Level,
        compute: compliance::compliance_score,
    },
    KpiDef {
        id: "iac_policy_pass_rate",
        label: "IaC policy pass rate",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(95.0),
        needs: "an IaC scan",
        kinds: &[SourceKind::IacScan],
        phrase: Phrase::Level,
        compute: state::iac_policy_pass_rate,
    },
    KpiDef {
        id: "cloud_misconfig_rate",
        label: "Cloud misconfiguration rate",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(5.0),
        needs: "AWS Config or Security Hub results",
        kinds: &[SourceKind::CloudPosture],
        phrase: Phrase::Level,
        compute: compliance::cloud_misconfig_rate,
    },
    KpiDef {
        id: "deployment_block_rate",
        label: "Deployments blocked by security policy",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(5.0),
        needs: "a Kubernetes audit log",
        kinds: &[SourceKind::KubernetesAudit],
        phrase: Phrase::Level,
        compute: detection::deployment_block_rate,
    },
    KpiDef {
        id: "sast_sca_pass_rate",
        label: "SAST/SCA pass rate",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(90.0),
        needs: "a code or dependency scan",
        kinds: &[SourceKind::VulnerabilityScan, SourceKind::CodeScan],
        phrase: Phrase::Level,
        compute: state::sast_sca_pass_rate,
    },
    KpiDef {
        id: "secrets_exposed",
        label: "Secrets exposed",
        unit: Unit::Count,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "a secret scan",
        kinds: &[SourceKind::SecretScan],
        phrase: Phrase::Level,
        compute: state::secrets_exposed,
    },
    KpiDef {
        id: "unauthorized_api_attempts",
        label: "Unauthorized API attempts",
        unit: Unit::PerWeek,
        direction: Direction::AtMost,
        default_target: DefaultTarget::PreviousPeriod,
        needs: "a Kubernetes audit log or CloudTrail logs",
        kinds: &[SourceKind::KubernetesAudit, SourceKind::CloudAudit],
        phrase: Phrase::Level,
        compute: detection::unauthorized_api_attempts,
    },
    KpiDef {
        id: "runtime_threats",
        label: "High-priority runtime alerts",
        unit: Unit::PerWeek,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "Falco alerts",
        kinds: &[SourceKind::RuntimeAlerts],
        phrase: Phrase::Level,
        compute: detection::runtime_threats,
    },
    KpiDef {
        id: "false_positive_rate",
        label: "Alert false-positive rate",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(20.0),
        needs: INCIDENT_RECORDS,
        kinds: INCIDENTS,
        phrase: Phrase::Level,
        compute: response::false_positive_rate,
    },
    KpiDef {
        id: "log_coverage",
        label: "Log and source coverage",
        unit: Unit::Percent,
        direction: Direction::AtLeast,
        default_target: DefaultTarget::Value(100.0),
        needs: "any supported file",
        kinds: &[],
        phrase: Phrase::Level,
        compute: state::log_coverage,
    },
    KpiDef {
        id: "incident_rate_change",
        label: "Incident rate change",
        unit: Unit::Percent,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(-10.0),
        needs: INCIDENT_RECORDS,
        kinds: INCIDENTS,
        phrase: Phrase::Change,
        compute: response::incident_rate_change,
    },
    KpiDef {
        id: "policy_drift",
        label: "Policy drift",
        unit: Unit::Count,
        direction: Direction::AtMost,
        default_target: DefaultTarget::Value(0.0),
        needs: "policy or IaC check results of one cluster or repository from two consecutive weeks",
        kinds: &[SourceKind::ClusterPolicy, SourceKind::IacScan],
        phrase: Phrase::Drift,
        compute: compliance::policy_drift,
    },
];

pub fn by_id(id: &str) -> Option<&'static KpiDef> {
    KPIS.iter().find(|k| k.id == id)
}

impl KpiDef {
    /// The target: the user's, else the default; "the previous period" is the KPI's own
    /// value then, when there is one.
    pub fn target(&self, settings: &Settings, previous: Option<f64>) -> Option<f64> {
        if let Some(target) = settings.targets.get(self.id) {
            return Some(*target);
        }
        match self.default_target {
            DefaultTarget::Value(v) => Some(v),
            DefaultTarget::CriticalSla => Some(settings.sla_days[0]),
            DefaultTarget::PreviousPeriod => previous,
        }
    }

    /// The target as a person says it: "at most 5 %", "at least 95 %", "none", "no more than
    /// in the previous period (3 / week)", "a drop of at least 10 %".
    pub fn target_text(&self, target: Option<f64>, settings: &Settings) -> String {
        let previous = self.default_target == DefaultTarget::PreviousPeriod
            && !settings.targets.contains_key(self.id);
        let (t, unit) = match (target, previous) {
            (None, _) => return "no more than in the previous period".into(),
            (Some(t), true) => {
                return format!(
                    "no more than in the previous period ({})",
                    self.unit.format(t)
                );
            }
            (Some(t), false) => (t, self.unit),
        };
        match (self.phrase, self.direction) {
            // A rate's change: below zero is a drop.
            (Phrase::Change, Direction::AtMost) if t < 0.0 => {
                format!("a drop of at least {}", unit.format(-t))
            }
            (Phrase::Change, Direction::AtMost) if t == 0.0 => "no rise".into(),
            (Phrase::Change, Direction::AtMost) => format!("a rise of at most {}", unit.format(t)),
            // A reduction: above zero is a drop.
            (Phrase::Change, Direction::AtLeast) if t > 0.0 => {
                format!("a drop of at least {}", unit.format(t))
            }
            (Phrase::Change, Direction::AtLeast) => {
                format!("a rise of at most {}", unit.format(-t))
            }
            (Phrase::Drift, _) if t == 0.0 => "no more failures than the week before".into(),
            (Phrase::Drift, _) => format!(
                "at most {} more failures than the week before",
                unit.format(t)
            ),
            (Phrase::Level, Direction::AtMost) if t == 0.0 && unit == Unit::Count => "none".into(),
            (Phrase::Level, Direction::AtMost) if t == 0.0 && unit == Unit::PerWeek => {
                "none (0 / week)".into()
            }
            (Phrase::Level, Direction::AtMost) => format!("at most {}", unit.format(t)),
            (Phrase::Level, Direction::AtLeast) => format!("at least {}", unit.format(t)),
        }
    }

    /// "no data — drop … to measure this", naming the formats this build reads.
    pub fn hint(&self) -> String {
        let readable: Vec<&str> = formats::FORMATS
            .iter()
            .filter(|f| f.kinds.iter().any(|k| self.kinds.contains(k)))
            .map(|f| f.label)
            .collect();
        // Formats the words already name ("incident records", "a Kubernetes audit log") are
        // not listed again.
        let needs = self.needs.to_lowercase();
        let named = readable.iter().all(|label| {
            label
                .split_whitespace()
                .next()
                .is_some_and(|word| needs.contains(&word.to_lowercase()))
        });
        if self.kinds.is_empty() || (named && !readable.is_empty()) {
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
        let target = self.target(cx.settings, measure.previous);
        let status = match (measure.value, target) {
            (Some(value), Some(target)) => status(value, target, self.direction),
            _ => KpiStatus::NoData,
        };
        // Scans are loaded, and none is of a kind this KPI reads.
        let not_scanned = measure.value.is_none()
            && measure.reason.is_none()
            && !cx.items.is_empty()
            && !self.kinds.is_empty()
            && self.kinds.iter().all(|k| k.is_scan())
            && !cx.items.iter().any(|i| {
                super::model::Evidence::kinds_of(i.snapshot, i.covers)
                    .iter()
                    .any(|k| self.kinds.contains(k))
            });
        let missing = match (&measure.value, &measure.reason) {
            (Some(_), Some(reason)) if target.is_none() => Some(format!("no status — {reason}")),
            (Some(_), _) => None,
            (None, Some(reason)) => Some(format!("no data — {reason}")),
            (None, None) if not_scanned => Some(format!(
                "not scanned — none of the loaded scans is of the kind this needs ({}); {}",
                self.kinds
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                self.hint().trim_start_matches("no data — ")
            )),
            (None, None) => Some(self.hint()),
        };
        KpiResult {
            id: self.id,
            label: self.label,
            unit: self.unit,
            direction: self.direction,
            target,
            target_text: self.target_text(target, cx.settings),
            status,
            measure,
            missing,
            not_scanned,
            evidence: None,
        }
    }
}

pub fn evaluate_all(cx: &Context) -> Vec<KpiResult> {
    KPIS.iter().map(|k| k.evaluate(cx)).collect()
}

/// The overall posture score heading the scorecard, and what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Overall {
    pub value: Option<f64>,
    /// KPIs with a status, of all in the catalogue.
    pub counted: usize,
    pub total: usize,
    /// KPIs without one (labels): left out of the score, or counted as unmet (`unmet`).
    pub without: Vec<&'static str>,
    pub unmet: bool,
    /// KPIs in the score whose evidence is stale (labels).
    pub stale: Vec<&'static str>,
    pub formula: String,
}

impl Overall {
    /// A score that rests on too little to be read as a posture: under half of the KPIs with
    /// the rest left out, or stale evidence only.
    pub fn provisional(&self) -> bool {
        self.value.is_some()
            && ((!self.unmet && self.counted * 2 < self.total)
                || (!self.stale.is_empty() && self.stale.len() == self.counted))
    }
}

pub fn overall(results: &[KpiResult], settings: &Settings) -> Overall {
    let unmet = settings.missing_kpis_unmet;
    let mut weighted = 0.0;
    let mut weights = 0.0;
    let mut counted = 0;
    let mut without = Vec::new();
    let mut stale = Vec::new();
    for result in results {
        let weight = settings.weight(result.id);
        match result.status.attainment() {
            Some(attainment) => {
                weighted += weight * attainment;
                weights += weight;
                counted += 1;
                if result
                    .evidence
                    .as_ref()
                    .is_some_and(|e| !e.stale.is_empty())
                {
                    stale.push(result.label);
                }
            }
            None => {
                without.push(result.label);
                // Counted as unmet: its weight, with nothing attained.
                if unmet {
                    weights += weight;
                }
            }
        }
    }
    let formula = if unmet {
        format!(
            "Σ weight × attainment ÷ Σ weight × 100 over all {} KPIs; attainment is 1 on \
             track, ½ at risk, 0 off track, and 0 for the {} without data (counted as unmet)",
            results.len(),
            without.len()
        )
    } else {
        format!(
            "Σ weight × attainment ÷ Σ weight × 100 over the {counted} KPIs with data; \
             attainment is 1 on track, ½ at risk, 0 off track; the {} without data are left out",
            without.len()
        )
    };
    Overall {
        value: (counted > 0 && weights > 0.0).then(|| 100.0 * weighted / weights),
        counted,
        total: results.len(),
        without,
        unmet,
        stale,
        formula,
    }
}

/// What triage decisions leave out of a KPI: the findings of `categories` that `pick` keeps,
/// open in the latest scans at the period's end but covered by a decision in force. "Left out
/// by triage decisions: 2 (1 accepted risk, 1 false positive); the Findings view lists them".
pub(super) fn triage_note(
    cx: &Context,
    categories: &[super::model::Category],
    pick: impl Fn(&super::model::Finding) -> bool,
) -> Option<String> {
    use super::model::Triage;
    if !cx.current.decided {
        return None;
    }
    let mut counts = [0usize; Triage::ALL.len()];
    for f in &cx.current.findings {
        if let Some(triage) = f.finding.decision
            && categories.contains(&f.finding.category)
            && pick(f.finding)
        {
            counts[Triage::ALL.iter().position(|t| *t == triage).unwrap_or(0)] += 1;
        }
    }
    let total: usize = counts.iter().sum();
    (total > 0).then(|| {
        let why: Vec<String> = Triage::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| format!("{n} {}", t.label()))
            .collect();
        format!(
            "Left out by triage decisions: {total} ({}); the Findings view lists them",
            why.join(", ")
        )
    })
}

/// The mean; of nothing, NaN — callers check for emptiness first and say why there is no value.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The median; of nothing, nothing.
pub(super) fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n.is_multiple_of(2) => Some((sorted[mid - 1] + sorted[mid]) / 2.0),
        _ => Some(sorted[mid]),
    }
}

/// The `p`th percentile by nearest rank: the smallest value with at least p % of the values at
/// or below it (checkable by hand: sort, count). Of nothing, nothing.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
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
    fn medians_and_percentiles_of_nothing_are_nothing() {
        assert_eq!(median(&[]), None);
        assert_eq!(percentile(&[], 90.0), None);
        assert_eq!(median(&[3.0, 1.0]), Some(2.0));
        // Nearest rank: 10 values, p90 is the 9th smallest.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 90.0), Some(9.0));
        assert_eq!(percentile(&ten, 50.0), Some(5.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
    }

    #[test]
    fn values_read_well() {
        assert_eq!(Unit::Percent.format(97.285), "97.3 %");
        assert_eq!(Unit::Percent.format(100.0), "100 %");
        assert_eq!(Unit::Count.format(3.0), "3");
        assert_eq!(Unit::Days.format(-0.01), "0 days");
        let settings = Settings::default();
        let says =
            |id: &str, target: Option<f64>| by_id(id).unwrap().target_text(target, &settings);
        assert_eq!(says("critical_open", Some(0.0)), "none");
        assert_eq!(says("iac_policy_pass_rate", Some(95.0)), "at least 95 %");
        assert_eq!(says("mttd", Some(24.0)), "at most 24 h");
        assert_eq!(says("runtime_threats", Some(0.0)), "none (0 / week)");
        assert_eq!(
            says("unauthorized_api_attempts", Some(3.0)),
            "no more than in the previous period (3 / week)"
        );
        assert_eq!(
            says("unauthorized_api_attempts", None),
            "no more than in the previous period"
        );
        assert_eq!(
            says("incident_rate_change", Some(-10.0)),
            "a drop of at least 10 %"
        );
        assert_eq!(
            says("incident_rate_change", Some(5.0)),
            "a rise of at most 5 %"
        );
        assert_eq!(
            says("critical_high_reduction", Some(10.0)),
            "a drop of at least 10 %"
        );
        assert_eq!(
            says("policy_drift", Some(0.0)),
            "no more failures than the week before"
        );
    }
}

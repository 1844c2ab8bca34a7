//! The scorecard JSON contract, `posture.scorecard.v1` (SPEC §8): machine-readable, stable and
//! diffable. Field order is fixed by these structs; maps are sorted.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::kpi::KpiResult;
use super::metrics::{Metrics, RuleCount};
use super::model::Text;
use super::time::Timestamp;

pub const SCHEMA: &str = "posture.scorecard.v1";

#[derive(Serialize, Debug)]
pub struct Scorecard {
    pub schema: &'static str,
    pub generated_at: Timestamp,
    /// The version of Posture that computed it.
    pub posture_version: &'static str,
    pub period: PeriodJson,
    /// The group of assets the numbers are limited to (the profile's `assets` says which are
    /// in it); absent for all assets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub overall: OverallJson,
    pub sources: Vec<SourceJson>,
    pub kpis: Vec<KpiJson>,
    pub metrics: MetricsJson,
    /// The settings the numbers were computed with (`posture.profile.v1`), so a reader can
    /// recompute them.
    pub settings: super::profile::Profile,
}

#[derive(Serialize, Debug)]
pub struct PeriodJson {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// As chosen: "All data", "Last 30 days", "2026-10-01 to 2026-11-30".
    pub label: String,
}

/// The overall posture score and what it rests on.
#[derive(Serialize, Debug)]
pub struct OverallJson {
    #[serde(serialize_with = "number")]
    pub score: Option<f64>,
    /// `measured`, `provisional` (too little evidence to read as a posture) or `none`.
    pub state: &'static str,
    /// The score in the previous period of the same length; `null` for all data.
    #[serde(serialize_with = "number")]
    pub previous: Option<f64>,
    pub kpis_counted: usize,
    pub kpis_total: usize,
    /// KPIs with no data (ids): left out of the score, or counted as unmet when
    /// `without_data_counted_as_unmet`.
    pub without_data: Vec<&'static str>,
    pub without_data_counted_as_unmet: bool,
    /// KPIs in the score whose evidence is stale (ids).
    pub stale: Vec<&'static str>,
    pub formula: String,
}

#[derive(Serialize, Debug)]
pub struct SourceJson {
    pub name: String,
    pub format: Option<&'static str>,
    pub records: usize,
    pub taken_at: Option<Timestamp>,
    /// Whether `taken_at` is the file's own (or set by hand), not its modification time.
    pub time_from_file: bool,
    pub error: Option<String>,
    pub warnings: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct KpiJson {
    pub id: &'static str,
    pub label: &'static str,
    #[serde(serialize_with = "number")]
    pub value: Option<f64>,
    pub unit: &'static str,
    #[serde(serialize_with = "number")]
    pub target: Option<f64>,
    /// `at_most` (lower is better) or `at_least`.
    pub direction: &'static str,
    pub status: &'static str,
    /// The value in the previous period of the same length; `null` for all data.
    #[serde(serialize_with = "number")]
    pub previous: Option<f64>,
    #[serde(serialize_with = "number")]
    pub numerator: Option<f64>,
    #[serde(serialize_with = "number")]
    pub denominator: Option<f64>,
    pub formula: String,
    pub inputs: Vec<String>,
}

impl KpiJson {
    /// A KPI's result, with its value in the previous period.
    pub fn of(k: &KpiResult, previous: Option<f64>) -> KpiJson {
        KpiJson {
            id: k.id,
            label: k.label,
            value: k.measure.value,
            unit: k.unit.as_str(),
            target: k.target,
            direction: k.direction.as_str(),
            status: k.status.as_str(),
            previous,
            numerator: k.measure.numerator,
            denominator: k.measure.denominator,
            formula: k.measure.formula.clone(),
            inputs: k.measure.inputs.clone(),
        }
    }
}

/// Counts by severity, most severe first.
#[derive(Serialize, Debug, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
    pub unknown: u64,
}

impl From<[u64; 6]> for SeverityCounts {
    fn from([critical, high, medium, low, info, unknown]: [u64; 6]) -> SeverityCounts {
        SeverityCounts {
            critical,
            high,
            medium,
            low,
            info,
            unknown,
        }
    }
}

#[derive(Serialize, Debug, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    pub vulnerability: u64,
    pub misconfiguration: u64,
    pub secret: u64,
    pub code: u64,
    pub policy: u64,
    pub compliance: u64,
}

impl From<[u64; 6]> for CategoryCounts {
    fn from(
        [
            vulnerability,
            misconfiguration,
            secret,
            code,
            policy,
            compliance,
        ]: [u64; 6],
    ) -> CategoryCounts {
        CategoryCounts {
            vulnerability,
            misconfiguration,
            secret,
            code,
            policy,
            compliance,
        }
    }
}

#[derive(Serialize, Debug)]
pub struct RuleJson {
    pub id: String,
    pub severity: &'static str,
    pub title: String,
    pub findings: u64,
    pub assets: u64,
    pub tools: Vec<String>,
}

impl RuleJson {
    fn rows(table: &BTreeMap<Text, RuleCount>) -> Vec<RuleJson> {
        Metrics::top(table, TOP)
            .into_iter()
            .map(|(id, r)| RuleJson {
                id: id.to_string(),
                severity: r.severity.map_or("unknown", |s| s.as_str()),
                title: r.title.to_string(),
                findings: r.findings,
                assets: r.assets,
                tools: r.tools.iter().cloned().collect(),
            })
            .collect()
    }
}

/// How many rows the top-N lists keep.
pub const TOP: usize = 10;

/// Counts of open findings in the latest snapshot of each asset, unless a name says otherwise.
#[derive(Serialize, Debug)]
pub struct MetricsJson {
    pub findings_by_severity: SeverityCounts,
    pub findings_by_category: CategoryCounts,
    pub findings_by_asset: BTreeMap<String, SeverityCounts>,
    pub findings_by_tool: BTreeMap<String, u64>,
    pub open_vulnerabilities: u64,
    pub fixable_vulnerabilities: u64,
    pub top_vulnerabilities: Vec<RuleJson>,
    pub top_failing_rules: Vec<RuleJson>,
}

impl From<&Metrics> for MetricsJson {
    fn from(m: &Metrics) -> MetricsJson {
        MetricsJson {
            findings_by_severity: m.by_severity.into(),
            findings_by_category: m.by_category.into(),
            findings_by_asset: m
                .by_asset
                .iter()
                .map(|(k, v)| (k.clone(), (*v).into()))
                .collect(),
            findings_by_tool: m.by_tool.clone(),
            open_vulnerabilities: m.vulnerabilities,
            fixable_vulnerabilities: m.fixable,
            top_vulnerabilities: RuleJson::rows(&m.vulnerability_ids),
            top_failing_rules: RuleJson::rows(&m.failing_rules),
        }
    }
}

/// Whole numbers as JSON integers (`3`, not `3.0`), others as they are; `None` as `null`.
fn number<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => serializer.serialize_i64(*v as i64),
        Some(v) if v.is_finite() => serializer.serialize_f64(*v),
        _ => serializer.serialize_none(),
    }
}

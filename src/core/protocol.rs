//! Messages between the page and the worker: the one serialisation boundary of the app.
//!
//! The page sends [`Request`]s (files travel beside `AddFiles` as `File` objects, in the same
//! order); the worker answers with [`Response`]s. What the page renders is plain, ready-to-show
//! data: it never parses a file or computes a number.

use serde::{Deserialize, Serialize};

use super::evidence::PeriodChoice;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Files to load; the `File` objects follow the message in this order.
    AddFiles(Vec<FileMeta>),
    /// Load the built-in sample set.
    LoadSample,
    Remove(u32),
    SetPeriod(PeriodChoice),
    /// Answered with `Response::Export` holding the scorecard JSON.
    ExportScorecard,
    /// Answered with `Response::Export` holding Posture's incident template (CSV), for teams
    /// whose tracker has no export Posture reads.
    IncidentTemplate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileMeta {
    /// The name shown to the user: the path inside a dropped folder, or the file name.
    pub name: String,
    pub size: u64,
    /// The file's last-modified time, in ms since the epoch.
    pub last_modified: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// New rows, still loading.
    Queued(Vec<SourceRow>),
    Progress {
        id: u32,
        loaded: u64,
        total: u64,
    },
    /// A row whose file is done (loaded or failed).
    Source(Box<SourceRow>),
    Removed(u32),
    View(Box<View>),
    Export {
        file_name: String,
        mime: String,
        content: String,
    },
    /// Every request so far is done.
    Idle,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub id: u32,
    pub name: String,
    pub size: u64,
    pub state: SourceState,
    /// Format id (`data-format`) and label, once recognised.
    pub format: Option<String>,
    pub format_label: Option<String>,
    /// "Trivy 0.56.2".
    pub tool: Option<String>,
    /// "container image: ghcr.io/acme/api:1.4".
    pub asset: Option<String>,
    pub taken_at: Option<String>,
    /// Where `taken_at` comes from: "from the file", "file modified time".
    pub taken_at_source: Option<String>,
    /// "4 vulnerabilities · 6 misconfigurations (215 checks passed) · 2 secrets".
    pub records: Option<String>,
    pub warnings: Vec<String>,
    /// What went wrong, with where (`data-error`).
    pub error: Option<String>,
    /// Time to read the file and to parse it, measured by the worker.
    pub read_ms: Option<f64>,
    pub parse_ms: Option<f64>,
    /// "27.4 KB".
    pub size_text: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceState {
    #[default]
    Queued,
    Loading,
    Loaded,
    Failed,
}

/// Everything the scorecard and metrics views show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub period: PeriodChoice,
    /// "All data: 2021-08-25 to 2024-01-15".
    pub period_text: String,
    pub loaded: usize,
    pub failed: usize,
    /// "1 of 6 files could not be read" and the like.
    pub failed_text: Option<String>,
    pub overall: Option<f64>,
    pub overall_text: String,
    pub overall_formula: String,
    pub tiles: Vec<Tile>,
    pub metrics: MetricsView,
    /// The formats this build reads, by label, for the drop zone.
    pub formats: Vec<String>,
    /// Time the worker took to compute this view.
    pub compute_ms: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub id: String,
    pub label: String,
    /// The raw number (`data-value`).
    pub value: Option<f64>,
    pub value_text: String,
    pub target_text: String,
    /// `on_track` … `no_data` (`data-status`), and its words.
    pub status: String,
    pub status_label: String,
    pub formula: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// "323 of 345", when the KPI is a ratio.
    pub ratio_text: Option<String>,
    pub inputs: Vec<String>,
    pub notes: Vec<String>,
    /// "no data — drop … to measure this".
    pub missing: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsView {
    pub open_total: u64,
    pub by_severity: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_tool: Vec<Count>,
    pub vulnerabilities: u64,
    pub fixable: u64,
    pub charts: Vec<Chart>,
    pub top_vulnerabilities: Vec<RuleRow>,
    pub top_rules: Vec<RuleRow>,
    pub assets: Vec<AssetRow>,
    /// Detection and response, by domain: what the logs and incident records say happened.
    /// Only domains with a loaded source appear.
    pub sections: Vec<Section>,
}

/// One domain of the metrics view: identity and access, admission, runtime, incidents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub figures: Vec<Count>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
}

/// A table of text, ready to show: the first column names the row, the others are numbers or
/// short words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Shown instead of an empty table.
    pub empty_text: String,
    /// A sentence under the table ("12 more not shown").
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// SVG from `core::charts`: every label in it is escaped.
    pub svg: String,
    pub legend: Vec<LegendEntry>,
    /// Shown instead of an empty chart.
    pub empty_text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LegendEntry {
    pub label: String,
    pub color: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleRow {
    pub id: String,
    pub severity: String,
    pub title: String,
    pub findings: u64,
    pub assets: u64,
    /// "Grype, Trivy": the tools that report it.
    pub tools: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssetRow {
    pub name: String,
    /// Open findings by severity, critical first.
    pub counts: [u64; 6],
    pub total: u64,
}

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
    /// A part of a drop sent in parts, loaded as `AddFiles` loads its files; the view waits
    /// for the drop's last part, an `AddFiles` (see `ui::files::send`).
    AddFilesPart(Vec<FileMeta>),
    /// Load the built-in sample set.
    LoadSample,
    Remove(u32),
    /// Every file removed: the session is empty (settings and decisions stay).
    ClearAll,
    /// The name to show for an asset and its group, as typed (empty: none); kept in the
    /// settings, so in the profile. Answered like `EditSetting`.
    LabelAsset {
        /// The asset as Posture named it from the files (`AssetEdit::reported`).
        asset: String,
        name: String,
        group: String,
    },
    /// Every view limited to one group of assets; empty for all.
    SetGroup(String),
    SetPeriod(PeriodChoice),
    /// A custom range of whole days (UTC) as the date inputs give them, "2026-10-16": both
    /// included, in either order. Read by the worker; without both days, the view says so.
    SetRange {
        from: String,
        to: String,
    },
    /// Answered with `Response::Export` holding the scorecard JSON.
    ExportScorecard,
    /// Answered with `Response::Export` holding that file, for the period and group in force.
    Export(ExportKind),
    /// Answered with `Response::Export` holding Posture's incident template (CSV), for teams
    /// whose tracker has no export Posture reads.
    IncidentTemplate,
    /// A snapshot's time as the user set it (UTC, "2026-11-20T10:00" as a datetime input gives
    /// it, seconds optional), or `None` (or nothing typed) to go back to the file's own or its
    /// modification time.
    SetTakenAt {
        id: u32,
        at: Option<String>,
    },
    /// One field of the Settings view set to the text typed (`SettingField::id`), checked by
    /// the worker: answered with `Response::Settings` and a view, or with an error and nothing
    /// changed.
    EditSetting {
        id: String,
        value: String,
    },
    /// A profile's text (imported, saved in the browser, or the organisation's), checked whole:
    /// answered with `Response::Settings`, with an error and nothing changed when it is wrong.
    ImportProfile {
        text: String,
        origin: ProfileOrigin,
    },
    /// Back to the organisation's profile when one was given, else the defaults.
    ResetSettings,
    /// Answered with `Response::Export` holding the settings as `posture.profile.json`.
    ExportProfile,
    /// A window of the findings explorer, answered with `Response::Findings` only: no view, no
    /// `Idle`, so scrolling never makes the page busy.
    Findings(FindingsRequest),
    /// The explorer's current view (filters and sort applied) as CSV.
    ExportFindings(FindingsQuery),
    /// Marks one finding of the explorer's view (its row, counted from 0 in the query's
    /// order), or every finding the query matches: answered with `Response::Decisions`, a view
    /// and `Idle`; with an error and nothing changed when the decision cannot be made.
    Decide(DecideRequest),
    /// Takes back a decision made in this browser (its `DecisionRow::index`).
    Undecide(u32),
    /// Forgets every decision made in this browser (files of decisions stay, until removed).
    ClearDecisions,
    /// The decisions made in this browser, as kept in localStorage (`posture.decisions.v1`).
    RestoreDecisions(String),
    /// Answered with an `Export` of the vulnerability decisions as OpenVEX, and one of the
    /// others as `posture.decisions.v1`, each when there are some.
    ExportDecisions,
}

/// The files Posture writes for people who do not run it (`core::exports`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// Every KPI: value, target, direction, status, numerator, denominator, formula, inputs.
    KpisCsv,
    /// The metrics view in long form, the logs' and incidents' summaries included.
    MetricsCsv,
    /// The incident records as they stand, in the incident template's columns.
    IncidentsCsv,
    /// The self-contained HTML report.
    Report,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecideRequest {
    pub query: FindingsQuery,
    /// One row of the query's view; `None` for all the rows it matches.
    pub row: Option<u32>,
    /// `accepted_risk` or `false_positive`.
    pub triage: String,
    pub reason: String,
    /// The last day it holds, "2027-01-31" as a date input gives it (UTC); empty for none.
    pub expires: String,
}

/// The triage decisions: made here, and read from files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionsView {
    pub rows: Vec<DecisionRow>,
    /// "2 decisions in force leave out 5 findings · 1 expired".
    pub summary_text: String,
    /// `posture.decisions.v1` of the decisions made here, and whether the page should keep it
    /// now (after a decision is made, taken back or forgotten; not when they were restored).
    pub saved_json: String,
    pub save: bool,
    /// Why the last decision asked for was not made; nothing changed.
    pub error: Option<String>,
    /// Said once after a decision is made or taken back: "Marked 3 findings as accepted risk".
    pub done_text: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionRow {
    /// For `Undecide`: the decisions made here; `None` for those of a file (remove the file).
    pub index: Option<u32>,
    /// `accepted_risk`, `false_positive`, `not_affected` (`data-triage`), and in words.
    pub triage: String,
    pub triage_label: String,
    /// "CVE-2023-45853 · zlib1g · ghcr.io/acme/payments-api".
    pub what: String,
    pub reason: String,
    /// "until 31 Jan 2027", "expired 2 Dec 2026: counts again", "no expiry".
    pub expires_text: String,
    pub in_force: bool,
    /// "made here, 6 Dec 2026" or the file's name.
    pub origin: String,
    /// Findings it leaves out now.
    pub covered: u64,
}

/// Where a profile comes from: what the page says of it, and whether it may overwrite
/// settings the user changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileOrigin {
    /// A file chosen in the Settings view.
    Imported,
    /// The user's settings, kept in this browser.
    Saved,
    /// `posture.profile.json` beside index.html: applied unless the user's own settings are in
    /// force (saved ones that cannot be used are not).
    Organisation,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingsQuery {
    /// Column id → wanted value (see `explorer::COLUMNS`); empty values are ignored.
    pub filters: Vec<(String, String)>,
    /// Free text, searched in rule, title, asset, package, location and tools.
    pub text: String,
    /// A column id; empty keeps severity order.
    pub sort: String,
    pub descending: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingsRequest {
    /// Echoed in the answer: the page drops answers to windows it has scrolled past.
    pub id: u64,
    pub query: FindingsQuery,
    pub start: u32,
    pub count: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingsWindow {
    pub id: u64,
    /// Rows matching the query (`data-findings-total`), and all rows.
    pub total: u32,
    pub all: u32,
    /// "22,200 of 1,000,000 findings".
    pub summary_text: String,
    pub start: u32,
    pub rows: Vec<FindingRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// `data-finding`: the fingerprint, 16 hex digits.
    pub fingerprint: String,
    /// The severity and SLA state ids (`within`, `at_risk`, `breached`, `none`), for styling.
    pub severity: String,
    pub sla: String,
    /// The cells as shown, in `explorer::COLUMNS` order.
    pub cells: Vec<String>,
    /// Where it is (file and line, resource): the title's tooltip.
    pub location: String,
}

/// The Settings view: the settings in force as fields ready to show, and the profile the page
/// keeps in localStorage. Numbers travel as text both ways; the worker reads and checks them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub groups: Vec<SettingsGroup>,
    pub kpis: Vec<KpiSetting>,
    /// `posture.profile.v1` JSON of the settings in force.
    pub profile_json: String,
    /// "Organisation profile (posture.profile.json)", "Your settings, saved in this browser"…
    pub origin_text: String,
    /// Whether the page should keep these settings in localStorage (the user's own).
    pub save: bool,
    /// Why the last profile or value given was refused; nothing changed.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsGroup {
    pub title: String,
    pub note: Option<String>,
    pub fields: Vec<SettingField>,
}

/// One control of the Settings view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingField {
    /// `data-setting`, and what an edit names: "sla-critical", "target-mttd", "source-incidents"…
    pub id: String,
    pub label: String,
    /// The value in force, as text ("true"/"false" for a check box).
    pub value: String,
    pub input: FieldInput,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FieldInput {
    /// A number, typed as text (`inputmode="decimal"`): the worker reads what was typed, so
    /// "2,5" is refused with a reason rather than sent as nothing, as a number input would.
    Number {
        placeholder: Option<String>,
    },
    /// Options: value, label.
    Choice(Vec<(String, String)>),
    Check,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiSetting {
    pub id: String,
    pub label: String,
    /// "%", "h", "days", "/ week", "" (counts).
    pub unit: String,
    /// "at most" or "at least".
    pub direction: String,
    /// Empty when the default target holds (shown as the placeholder).
    pub target: SettingField,
    pub weight: SettingField,
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
    Settings(Box<SettingsView>),
    Findings(Box<FindingsWindow>),
    Decisions(Box<DecisionsView>),
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
    /// When the file gives no time of its own: the time in force as `YYYY-MM-DDTHH:MM` (UTC),
    /// for the Sources view's editor ("" when unknown).
    pub time_editable: Option<String>,
    /// "4 vulnerabilities · 6 misconfigurations (215 checks passed) · 2 secrets".
    pub records: Option<String>,
    pub warnings: Vec<String>,
    /// What went wrong, with where (`data-error`).
    pub error: Option<String>,
    /// Time to read the file and to parse it, measured by the worker, in whole ms.
    pub read_ms: Option<u32>,
    pub parse_ms: Option<u32>,
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
    /// The same content as a file already loaded: counted once.
    Duplicate,
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
    /// `data-overall`: the raw number, empty when there is none.
    pub overall_raw: String,
    pub overall_text: String,
    pub overall_formula: String,
    /// `measured`, `provisional` (too little evidence to read as a posture) or `none`
    /// (`data-overall-state`).
    pub overall_state: String,
    /// "Based on 8 of 19 KPIs".
    pub overall_basis_text: String,
    /// Why a provisional score is one, in words.
    pub overall_caveat: Option<String>,
    /// "Left out, without data: …" or "Counted as unmet, without data: …"; and the KPIs in the
    /// score whose evidence is stale.
    pub overall_without_text: Option<String>,
    pub overall_stale_text: Option<String>,
    /// The overall score in the previous period, and the change in words.
    pub overall_previous: Option<f64>,
    pub overall_delta_text: Option<String>,
    /// "compared with 2026-08-03 to 2026-09-01"; why there is no comparison otherwise.
    pub previous_text: String,
    pub summary: Summary,
    pub tiles: Vec<Tile>,
    pub metrics: MetricsView,
    /// The formats this build reads, by label, for the drop zone.
    pub formats: Vec<String>,
    /// Time the worker took to compute this view, in whole ms.
    pub compute_ms: Option<u32>,
    /// The custom range's days ("2026-10-16", "2026-11-30"), for the date inputs.
    pub range: Option<(String, String)>,
    /// Why the last custom range asked for was not applied.
    pub period_error: Option<String>,
    /// Every group some loaded asset is in, the one every view is limited to ("" for all), and
    /// what that leaves out.
    pub groups: Vec<String>,
    pub group: String,
    pub group_note: Option<String>,
    /// The loaded assets and log sources, to rename and group in Sources.
    pub assets: Vec<AssetEdit>,
    /// What a print adds for an auditor, after the scorecard (`present::audit`): the sources
    /// with their times and each KPI's formula, as tables.
    pub audit: Section,
}

/// One asset as the Sources view lets the user name and group it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssetEdit {
    /// As Posture named it from the files (what the settings key it by).
    pub reported: String,
    /// "container image", "repository", "cluster"…
    pub kind: String,
    /// The name and group in force ("" when none).
    pub name: String,
    pub group: String,
    pub files: u32,
}

/// The executive summary above the tiles.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Open critical vulnerabilities, exposed secrets, vulnerabilities past their SLA.
    pub counts: Vec<SummaryCount>,
    /// The three biggest movers since the previous period, in words.
    pub movers: Vec<String>,
    /// Why there are none, when there are none.
    pub movers_note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryCount {
    /// `data-summary`: a KPI id, or `past_sla`.
    pub id: String,
    pub label: String,
    /// "2", "not scanned", "no data".
    pub value_text: String,
    pub status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub id: String,
    pub label: String,
    pub value: Option<f64>,
    /// `data-value`: the raw number as text, empty when there is none (the page formats no
    /// numbers).
    pub value_raw: String,
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
    /// The value in the previous period; `data-previous`, its raw number as text; and as words.
    pub previous: Option<f64>,
    pub previous_raw: String,
    pub previous_text: Option<String>,
    /// "+3", "−2.5 pts"; `better`, `worse` or `same` for this KPI's direction.
    pub delta_text: Option<String>,
    pub trend: Option<String>,
    /// A sparkline: SVG polyline points in a 120 × 28 box, one per week with a value; empty
    /// when fewer than two weeks have one.
    pub spark: String,
    /// "12 weekly values, 2026-09-07 to 2026-11-30".
    pub spark_text: String,
    /// "As of 18 Nov 2026, 13 days old": the newest file it read.
    pub as_of_text: Option<String>,
    /// `data-stale`: some file it read is from before the period (for all data, older than the
    /// stale threshold), and which ("api.json from before this period (it starts 1 Nov 2026)").
    pub stale: bool,
    pub stale_text: Option<String>,
    /// Files whose time is only their modification time, to be set in Sources.
    pub guessed_text: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsView {
    pub open_total: u64,
    pub by_severity: Vec<Count>,
    pub by_category: Vec<Count>,
    pub by_tool: Vec<Count>,
    pub vulnerabilities: u64,
    pub fixable: u64,
    /// "12 of 40 (30 %)", or "—" without vulnerabilities.
    pub fixable_text: String,
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

impl Table {
    /// Which columns hold numbers only (after the first, which names the row), to align them.
    pub fn numeric_columns(&self) -> Vec<bool> {
        let number = |text: &str| {
            text.bytes().any(|b| b.is_ascii_digit())
                && text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'+'))
        };
        (0..self.columns.len())
            .map(|c| {
                c > 0
                    && self
                        .rows
                        .iter()
                        .all(|r| r.get(c).is_some_and(|v| number(v)))
            })
            .collect()
    }
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
    /// What its SVG is saved as, named after the period (set by the engine).
    pub file_name: String,
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
    /// The explorer, filtered to it.
    pub link: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssetRow {
    pub name: String,
    /// Open findings by severity, critical first.
    pub counts: [u64; 6],
    pub total: u64,
}

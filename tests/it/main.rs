//! The one integration-test binary (one binary links the crate once; see ARCHITECTURE.md).
//!
//! - `formats`: each parser on small hand-written fixtures in `tests/fixtures/`.
//! - `conformance`: every real tool output in `../shared/fixtures/real/` for the formats we read.
//! - `cli`: the native `posture` command, run as a process.
//! - `archives`: .gz, .zip and .tar inputs, member by member.
//! - `crosstool`: one problem reported by several tools counts once.
//! - `events`: event logs (CloudTrail, `ctr events`), merged and deduplicated.
//! - `incidents`: incident exports (template, Jira, PagerDuty, Sentinel, TheHive) and their KPIs.
//! - `policy`: cluster policy results (Kyverno reports, Gatekeeper constraints) on hand-written
//!   fixtures: lists, YAML documents, summaries and totals beyond what is listed.
//! - `exports`: the KPI, metrics and incident CSVs read back, the report's policy and numbers.
//! - `explorer`: the findings explorer's rows, filters, search, sort, windows and CSV.
//! - `history`: findings across scans: reopened, reported by two tools, scanned twice at once.
//! - `kpi`: KPIs and history through the engine, on fixtures whose numbers are worked out by hand.
//! - `settings`: settings through the engine: saved, the organisation's, edits, Reset.
//! - `scorecard`: the `posture.scorecard.v1` contract and the worker protocol.
//! - `robustness`: random and mutated input never panics.
//! - `wire`: the pool's hand-over of a parse reads back as it was; an engine fed by it shows the
//!   same.
//! - `tidy`: the architecture's invariants.
//! - `readme`: README tables generated from the registries.

mod rng;
mod support;

mod archives;
mod asff;
mod assets;
mod cli;
mod cloud;
mod conformance;
mod crosstool;
mod events;
mod explorer;
mod exports;
mod formats;
mod history;
mod incidents;
mod kpi;
mod logs;
mod policy;
mod readme;
mod robustness;
mod scorecard;
mod settings;
mod stream;
mod summary;
mod tidy;
mod triage;
mod wire;

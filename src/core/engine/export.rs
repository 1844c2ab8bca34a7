//! The engine's exports: the scorecard JSON, the findings, KPIs, metrics and incidents as CSV,
//! and the report. Each file's name carries the period it covers.

use super::{Engine, Outcome, Source};
use crate::core::analysis::Analysis;
use crate::core::events::{Events, LogItem};
use crate::core::evidence::PeriodChoice;
use crate::core::explorer;
use crate::core::exports::{self, report};
use crate::core::incidents::{IncidentItem, Incidents};
use crate::core::model::{Category, Evidence, Status};
use crate::core::present;
use crate::core::profile::Profile;
use crate::core::protocol::{ExportKind, FindingsQuery, Response};
use crate::core::scorecard::{
    self, KpiJson, MetricsJson, OverallJson, PeriodJson, Scorecard, SourceJson,
};
use crate::core::time::Timestamp;

/// Posture's version, in the scorecard JSON and the report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

fn file(file_name: String, mime: &str, content: String) -> Vec<Response> {
    vec![
        Response::Export {
            file_name,
            mime: mime.into(),
            content,
        },
        Response::Idle,
    ]
}

impl Engine {
    /// "all-data-2026-11-30" for all data; "2026-09-01-to-2026-11-30" for the last N days and
    /// a range.
    fn period_stamp(&self, now: Timestamp) -> String {
        let period = self.period.resolve(now);
        match (self.period, period.from, period.to) {
            (PeriodChoice::All, _, _) => format!("all-data-{}", now.day()),
            (_, Some(from), Some(to)) => format!("{}-to-{}", from.day(), to.day()),
            _ => now.day(),
        }
    }

    /// How saved files name what they cover: the period, and the group when one is chosen.
    pub(super) fn file_stamp(&self, now: Timestamp) -> String {
        // The group's words joined by `-`, without what a file name should not hold.
        let words: Vec<String> = self
            .group
            .iter()
            .flat_map(|g| g.split(|c: char| !c.is_alphanumeric()))
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        let group: String = words.join("-").chars().take(40).collect();
        match group.as_str() {
            "" => self.period_stamp(now),
            group => format!("{}-{group}", self.period_stamp(now)),
        }
    }

    /// `posture-<what>-<period>[-<group>].<ext>`.
    fn export_name(&self, what: &str, ext: &str, now: Timestamp) -> String {
        format!("posture-{what}-{}.{ext}", self.file_stamp(now))
    }

    pub(super) fn export_findings(
        &mut self,
        query: &FindingsQuery,
        now: Timestamp,
    ) -> Vec<Response> {
        let csv = self.findings_csv(query, now);
        file(self.export_name("findings", "csv", now), "text/csv", csv)
    }

    pub(super) fn export_scorecard(&mut self, now: Timestamp) -> Vec<Response> {
        let json = serde_json::to_string_pretty(&self.scorecard(now)).unwrap_or_default();
        file(
            self.export_name("scorecard", "json", now),
            "application/json",
            json,
        )
    }

    pub(super) fn export(&mut self, kind: ExportKind, now: Timestamp) -> Vec<Response> {
        let (what, ext, mime, content) = match kind {
            ExportKind::KpisCsv => {
                let analysis = self.take_analysis(now);
                let csv = exports::kpis_csv(&analysis);
                self.analysis = Some(analysis);
                ("kpis", "csv", "text/csv", csv)
            }
            ExportKind::MetricsCsv => {
                let view = self.view(now);
                (
                    "metrics",
                    "csv",
                    "text/csv",
                    exports::metrics_csv(&view.metrics),
                )
            }
            ExportKind::IncidentsCsv => {
                let csv = self.incidents_table(now).csv();
                ("incident-records", "csv", "text/csv", csv)
            }
            ExportKind::Report => {
                let view = self.view(now);
                let sources: Vec<_> = self.sources.iter().map(present::source_row).collect();
                let about = report::About {
                    generated_at: now,
                    version: VERSION,
                    group: self.group.as_deref(),
                };
                let html = report::report(&view, &sources, &about);
                ("report", "html", "text/html", html)
            }
        };
        file(self.export_name(what, ext, now), mime, content)
    }

    /// Every finding the explorer lists for the period (no filter, its order), one row each.
    pub fn findings_table(&mut self, now: Timestamp) -> exports::Table {
        let indices = self.selection(&FindingsQuery::default(), now).to_vec();
        match &self.records {
            Some(records) => explorer::table(records, &indices, &self.sources),
            None => explorer::table(&[], &[], &self.sources),
        }
    }

    /// One row per loaded scan or check file (a snapshot) up to the period's end: what SQL
    /// needs to pick the latest scan of each asset by each tool and pool its checks.
    pub fn scans_table(&self, now: Timestamp) -> exports::Table {
        use exports::{Kind, Value};
        const COLUMNS: &[(&str, Kind)] = &[
            ("file", Kind::Text),
            ("format", Kind::Text),
            ("tool", Kind::Text),
            ("asset", Kind::Text),
            ("asset_kind", Kind::Text),
            ("taken_at", Kind::Time),
            ("looked_for", Kind::Text),
            ("findings", Kind::Number),
            ("open", Kind::Number),
            ("iac_passed", Kind::Number),
            ("iac_failed", Kind::Number),
            ("compliance_passed", Kind::Number),
            ("compliance_failed", Kind::Number),
            ("cloud_compliant", Kind::Number),
            ("cloud_noncompliant", Kind::Number),
        ];
        let end = self.period.resolve(now).to;
        let count = |n: u64| Value::Number(Some(n as f64));
        let rows = self
            .sources
            .iter()
            .filter_map(|source| {
                let Outcome::Loaded { evidence, .. } = &source.outcome else {
                    return None;
                };
                let Evidence::Findings(snapshot) = &**evidence else {
                    return None;
                };
                let taken_at = source.taken_at();
                if let (Some(end), Some(at)) = (end, taken_at)
                    && at > end
                {
                    return None;
                }
                let looked_for: Vec<&str> = Category::ALL
                    .iter()
                    .filter(|c| snapshot.covers.covers(**c))
                    .map(|c| c.as_str())
                    .collect();
                let open = snapshot
                    .findings
                    .iter()
                    .filter(|f| f.status == Status::Open)
                    .count();
                let compliance = snapshot
                    .compliance
                    .iter()
                    .fold((0, 0), |(p, f), c| (p + c.passed, f + c.failed));
                let some = |checks: bool, n: u64| match checks {
                    true => count(n),
                    false => Value::Number(None),
                };
                Some(vec![
                    Value::Text(source.name.clone()),
                    Value::Text(snapshot.format.into()),
                    Value::Text(snapshot.tool.name.clone()),
                    Value::Text(snapshot.asset.name.clone()),
                    Value::Text(snapshot.asset.kind.as_str().into()),
                    Value::Time(taken_at),
                    Value::Text(looked_for.join(",")),
                    count(snapshot.findings.len() as u64),
                    count(open as u64),
                    some(
                        snapshot.iac_checks.is_some(),
                        snapshot.iac_checks.map_or(0, |c| c.passed),
                    ),
                    some(
                        snapshot.iac_checks.is_some(),
                        snapshot.iac_checks.map_or(0, |c| c.failed),
                    ),
                    some(!snapshot.compliance.is_empty(), compliance.0),
                    some(!snapshot.compliance.is_empty(), compliance.1),
                    some(
                        snapshot.cloud_resources.is_some(),
                        snapshot.cloud_resources.map_or(0, |c| c.passed),
                    ),
                    some(
                        snapshot.cloud_resources.is_some(),
                        snapshot.cloud_resources.map_or(0, |c| c.failed),
                    ),
                ])
            })
            .collect();
        exports::Table {
            columns: COLUMNS,
            rows,
        }
    }

    /// Every distinct event of the loaded logs in the period (the same event in two files
    /// once), oldest first.
    pub fn events_table(&self, now: Timestamp) -> exports::Table {
        let logs: Vec<LogItem> = self
            .loaded()
            .filter_map(|(name, evidence)| match evidence {
                Evidence::Events(log) => Some(LogItem { name, log }),
                _ => None,
            })
            .collect();
        let period = self.period.resolve(now);
        exports::events_table(&Events::new(&logs), period.from, period.to)
    }

    /// The incident records as they stand, alerted in the period.
    pub fn incidents_table(&self, now: Timestamp) -> exports::Table {
        let files: Vec<IncidentItem> = self
            .loaded()
            .filter_map(|(name, evidence)| match evidence {
                Evidence::Incidents(log) => Some(IncidentItem { name, log }),
                _ => None,
            })
            .collect();
        let period = self.period.resolve(now);
        exports::incidents_table(&Incidents::new(&files), period.from, period.to)
    }

    /// Each loaded file's name and evidence, in load order.
    fn loaded(&self) -> impl Iterator<Item = (&str, &Evidence)> {
        self.sources.iter().filter_map(|s| match &s.outcome {
            Outcome::Loaded { evidence, .. } => Some((s.name.as_str(), &**evidence)),
            _ => None,
        })
    }

    pub fn findings_csv(&mut self, query: &FindingsQuery, now: Timestamp) -> String {
        self.selection(query, now);
        match (&self.records, &self.selection) {
            (Some(r), Some((_, i))) => explorer::csv(r, i, &self.sources),
            _ => String::new(),
        }
    }

    pub fn scorecard(&mut self, now: Timestamp) -> Scorecard {
        let analysis = self.take_analysis(now);
        let scorecard = self.scorecard_of(&analysis, now);
        self.analysis = Some(analysis);
        scorecard
    }

    fn scorecard_of(&self, analysis: &Analysis, now: Timestamp) -> Scorecard {
        let overall = &analysis.overall;
        let id_of = |label: &&'static str| -> &'static str {
            analysis
                .kpis
                .iter()
                .find(|k| k.label == *label)
                .map_or(*label, |k| k.id)
        };
        Scorecard {
            schema: scorecard::SCHEMA,
            generated_at: now,
            posture_version: VERSION,
            period: PeriodJson {
                from: analysis.period.from,
                to: analysis.period.to,
                label: self.period.label(),
            },
            group: self.group.clone(),
            overall: OverallJson {
                score: overall.value,
                state: match overall.value {
                    None => "none",
                    Some(_) if overall.provisional() => "provisional",
                    Some(_) => "measured",
                },
                previous: analysis.previous.as_ref().and_then(|p| p.overall.value),
                kpis_counted: overall.counted,
                kpis_total: overall.total,
                without_data: overall.without.iter().map(id_of).collect(),
                without_data_counted_as_unmet: overall.unmet,
                stale: overall.stale.iter().map(id_of).collect(),
                formula: overall.formula.clone(),
            },
            sources: self.sources.iter().map(source_json).collect(),
            kpis: analysis
                .kpis
                .iter()
                .enumerate()
                .map(|(i, k)| KpiJson::of(k, analysis.previous_value(i)))
                .collect(),
            metrics: MetricsJson::from(&*analysis.metrics),
            settings: Profile::of(&self.settings),
        }
    }
}

fn source_json(source: &Source) -> SourceJson {
    let (format, records, error, warnings) = match &source.outcome {
        Outcome::Loaded { evidence, warnings } => (
            Some(evidence.format()),
            evidence.records() as usize,
            None,
            warnings.iter().map(ToString::to_string).collect(),
        ),
        Outcome::Failed(e) => (e.format, 0, Some(e.message()), Vec::new()),
        Outcome::Duplicate { name, .. } => (
            None,
            0,
            None,
            vec![format!(
                "the same content as {name}, already loaded: counted once"
            )],
        ),
        Outcome::Pending => (None, 0, None, Vec::new()),
    };
    SourceJson {
        name: source.name.clone(),
        format,
        records,
        taken_at: source.taken_at(),
        time_from_file: !source.time_guessed() && source.taken_at().is_some(),
        error,
        warnings,
    }
}

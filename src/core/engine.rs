//! The engine: owns the loaded files and answers [`Request`]s with [`Response`]s.
//!
//! It knows nothing of workers or browsers. The worker is a thin wrapper that reads `File`s and
//! posts the responses; native tests drive the very same engine. Raw bytes are never kept: a file
//! is parsed into its snapshot and the bytes are the caller's to drop.

use super::activity::Activity;
use super::diagnostics::{ErrorKind, FileError, Location, Warning};
use super::events::{Events, LogItem};
use super::evidence::{Current, Item, Period, PeriodChoice, Window};
use super::formats::{self, Parsed};
use super::history::History;
use super::incidents::{IncidentItem, Incidents};
use super::kpi::{self, Context, KpiResult, Overall};
use super::metrics::Metrics;
use super::model::{Category, Evidence};
use super::present;
use super::protocol::{FileMeta, Request, Response, SourceRow};
use super::sample;
use super::scorecard::{self, KpiJson, MetricsJson, PeriodJson, Scorecard, SourceJson};
use super::settings::Settings;
use super::time::Timestamp;
use super::unpack::{self, Container};

/// One file the user gave, whatever became of it.
pub struct Source {
    pub id: u32,
    pub name: String,
    pub size: u64,
    /// The file's last-modified time, the fallback for a snapshot that does not say when it was taken.
    pub modified: Option<Timestamp>,
    pub outcome: Outcome,
}

pub enum Outcome {
    Pending,
    Loaded {
        evidence: Box<Evidence>,
        warnings: Vec<Warning>,
    },
    Failed(FileError),
}

impl Source {
    /// When the evidence was taken: a snapshot's own time, else the file's modification time;
    /// for a log, its last record.
    pub fn taken_at(&self) -> Option<Timestamp> {
        match &self.outcome {
            Outcome::Loaded { evidence, .. } => match &**evidence {
                Evidence::Findings(snapshot) => snapshot.taken_at.or(self.modified),
                Evidence::Events(log) => log.last.or(self.modified),
                Evidence::Incidents(log) => log
                    .incidents
                    .iter()
                    .filter_map(|i| i.updated.or(i.alert_time))
                    .max()
                    .or(self.modified),
                Evidence::Measurements(m) => m.points.iter().map(|p| p.at).max().or(self.modified),
                // A List printed by kubectl says nothing of when.
                Evidence::Inventory(_) => self.modified,
            },
            _ => None,
        }
    }
}

/// What one evaluation of the loaded evidence found.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The selected period; for all data, the span of the data.
    pub period: Period,
    pub kpis: Vec<KpiResult>,
    pub overall: Overall,
    pub metrics: Metrics,
    pub activity: Activity,
    /// Role assumptions in one day above which a principal is flagged (a setting).
    pub role_threshold: u64,
    /// The metrics view's compliance section, and its metrics CSV section, when loaded.
    pub compliance: Option<super::protocol::Section>,
    pub measurements: Option<super::protocol::Section>,
}

#[derive(Default)]
pub struct Engine {
    sources: Vec<Source>,
    next_id: u32,
    period: PeriodChoice,
    settings: Settings,
    /// Milliseconds from some origin, to time parsing and computing (the caller's clock).
    clock: Option<fn() -> f64>,
    /// The analysis of the evidence as it stands, computed once per change of files,
    /// settings or period, and reused by every request until the next change.
    analysis: Option<Analysis>,
}

impl Engine {
    /// Answers a request. `now` is the caller's clock (there is none in `wasm32-unknown-unknown`).
    /// `AddFiles` only queues the files: the caller then calls [`Engine::ingest`] for each.
    pub fn handle(&mut self, request: Request, now: Timestamp) -> Vec<Response> {
        match request {
            Request::AddFiles(files) => vec![self.queue(files)],
            Request::LoadSample => {
                let mut responses = Vec::new();
                for file in sample::FILES {
                    let meta = FileMeta {
                        name: file.name.to_string(),
                        size: file.bytes.len() as u64,
                        last_modified: Timestamp::parse_rfc3339(file.modified).map(|t| t.0),
                    };
                    responses.push(self.queue(vec![meta]));
                    let id = self.next_id - 1;
                    responses.extend(self.ingest(id, file.bytes));
                }
                responses.extend([Response::View(Box::new(self.view(now))), Response::Idle]);
                responses
            }
            Request::Remove(id) => {
                self.sources.retain(|s| s.id != id);
                self.changed();
                vec![
                    Response::Removed(id),
                    Response::View(Box::new(self.view(now))),
                    Response::Idle,
                ]
            }
            Request::SetPeriod(period) => {
                self.set_period(period);
                vec![Response::View(Box::new(self.view(now))), Response::Idle]
            }
            Request::IncidentTemplate => vec![
                Response::Export {
                    file_name: "posture-incidents.csv".into(),
                    mime: "text/csv".into(),
                    content: formats::INCIDENT_TEMPLATE_CSV.into(),
                },
                Response::Idle,
            ],
            Request::ExportScorecard => {
                let json = serde_json::to_string_pretty(&self.scorecard(now)).unwrap_or_default();
                let day = now.to_string();
                vec![
                    Response::Export {
                        file_name: format!("posture-scorecard-{}.json", &day[..10]),
                        mime: "application/json".into(),
                        content: json,
                    },
                    Response::Idle,
                ]
            }
        }
    }

    /// Drops the analysis: the next view computes it afresh.
    fn changed(&mut self) {
        self.analysis = None;
    }

    /// Registers files about to be read; their rows show as queued.
    pub fn queue(&mut self, files: Vec<FileMeta>) -> Response {
        let mut rows = Vec::new();
        for meta in files {
            let source = Source {
                id: self.next_id,
                name: meta.name,
                size: meta.size,
                modified: meta.last_modified.map(Timestamp::from_millis),
                outcome: Outcome::Pending,
            };
            self.next_id += 1;
            rows.push(present::source_row(&source));
            self.sources.push(source);
        }
        Response::Queued(rows)
    }

    /// Gives the engine a clock, so rows and views say how long they took.
    pub fn set_clock(&mut self, clock: fn() -> f64) {
        self.clock = Some(clock);
    }

    fn now_ms(&self) -> Option<f64> {
        self.clock.map(|clock| clock())
    }

    fn elapsed_since(&self, start: Option<f64>) -> Option<f64> {
        Some(self.now_ms()? - start?)
    }

    /// Reads a queued file: recognises and parses it, or, for an archive, each of its members,
    /// whose rows replace the archive's. The bytes are not kept.
    pub fn ingest(&mut self, id: u32, bytes: &[u8]) -> Vec<Response> {
        self.ingest_at(id, bytes, 0)
    }

    fn ingest_at(&mut self, id: u32, bytes: &[u8], depth: usize) -> Vec<Response> {
        let Some(index) = self.sources.iter().position(|s| s.id == id) else {
            return Vec::new();
        };
        match unpack::container(bytes) {
            Container::Plain => vec![Response::Source(Box::new(self.parse_into(index, bytes)))],
            Container::Gzip => match unpack::gunzip(bytes) {
                // A .tar.gz: the tar's members replace the row.
                Ok(inner) if depth < MAX_NESTING && unpack::container(&inner) == Container::Tar => {
                    self.ingest_at(id, &inner, depth + 1)
                }
                Ok(inner) => vec![Response::Source(Box::new(self.parse_into(index, &inner)))],
                Err(e) => self.unreadable(id, format!("the gzip file cannot be read: {}", e.0)),
            },
            Container::Zip | Container::Tar if depth >= MAX_NESTING => {
                self.unreadable(id, "archives nested too deep".into())
            }
            kind @ (Container::Zip | Container::Tar) => {
                let members = match kind {
                    Container::Zip => unpack::zip_members(bytes),
                    _ => unpack::tar_members(bytes),
                };
                let members: Vec<unpack::Member> = match members {
                    Ok(members) => members.into_iter().filter(|m| !is_junk(&m.name)).collect(),
                    Err(e) => {
                        return self.unreadable(id, format!("the archive cannot be read: {}", e.0));
                    }
                };
                if members.is_empty() {
                    return self.unreadable(id, "the archive holds no files".into());
                }
                let archive = self.sources.remove(index);
                let mut responses = vec![Response::Removed(id)];
                for member in members {
                    let meta = FileMeta {
                        name: format!("{}/{}", archive.name, member.name),
                        size: member.size,
                        last_modified: archive.modified.map(|t| t.0),
                    };
                    responses.push(self.queue(vec![meta]));
                    let member_id = self.next_id - 1;
                    match unpack::extract(bytes, &member) {
                        Ok(data) => responses.extend(self.ingest_at(member_id, &data, depth + 1)),
                        Err(e) => responses.extend(self.unreadable(member_id, e.0)),
                    }
                }
                responses
            }
        }
    }

    fn unreadable(&mut self, id: u32, detail: String) -> Vec<Response> {
        vec![Response::Source(Box::new(
            self.fail(id, ErrorKind::Unsupported { detail }),
        ))]
    }

    /// Recognises and parses a plain file into a source.
    fn parse_into(&mut self, index: usize, bytes: &[u8]) -> SourceRow {
        let start = self.now_ms();
        let outcome = match formats::load(&self.sources[index].name, bytes) {
            Ok(Parsed { evidence, warnings }) => Outcome::Loaded {
                evidence: Box::new(evidence),
                warnings,
            },
            Err(error) => Outcome::Failed(*error),
        };
        self.changed();
        let parse_ms = self.elapsed_since(start);
        let source = &mut self.sources[index];
        source.size = bytes.len() as u64;
        source.outcome = outcome;
        SourceRow {
            parse_ms,
            ..present::source_row(source)
        }
    }

    /// A file the caller could not read at all (the browser refused it, say).
    pub fn fail(&mut self, id: u32, kind: ErrorKind) -> SourceRow {
        let Some(source) = self.sources.iter_mut().find(|s| s.id == id) else {
            return SourceRow {
                id,
                ..SourceRow::default()
            };
        };
        let error = FileError {
            file: source.name.clone(),
            format: None,
            kind,
            location: Location::default(),
        };
        source.outcome = Outcome::Failed(error);
        let row = present::source_row(source);
        self.changed();
        row
    }

    /// Convenience for tests and tools: queue and ingest in one step; the rows it gave (one per
    /// member for an archive).
    pub fn add(
        &mut self,
        name: &str,
        bytes: &[u8],
        last_modified: Option<Timestamp>,
    ) -> Vec<SourceRow> {
        let meta = FileMeta {
            name: name.into(),
            size: bytes.len() as u64,
            last_modified: last_modified.map(|t| t.0),
        };
        self.queue(vec![meta]);
        let id = self.next_id - 1;
        self.ingest(id, bytes)
            .into_iter()
            .filter_map(|r| match r {
                Response::Source(row) => Some(*row),
                _ => None,
            })
            .collect()
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The settings, to change: every number follows at the next view.
    pub fn settings_mut(&mut self) -> &mut Settings {
        self.changed();
        &mut self.settings
    }

    pub fn set_period(&mut self, period: PeriodChoice) {
        self.period = period;
        self.changed();
    }

    fn loaded(&self) -> impl Iterator<Item = (&Source, &Evidence)> {
        self.sources.iter().filter_map(|s| match &s.outcome {
            Outcome::Loaded { evidence, .. } => Some((s, &**evidence)),
            _ => None,
        })
    }

    /// Evaluates every KPI and metric over the loaded files in the selected period. Pure: the
    /// engine caches its result in [`Engine::analysis`].
    pub fn analyse(&self, now: Timestamp) -> Analysis {
        let items: Vec<Item> = self
            .loaded()
            .filter_map(|(s, e)| {
                Some(Item {
                    name: &s.name,
                    snapshot: e.snapshot()?,
                    taken_at: s.taken_at(),
                })
            })
            .collect();
        let logs: Vec<LogItem> = self
            .loaded()
            .filter_map(|(s, e)| {
                Some(LogItem {
                    name: &s.name,
                    log: e.events()?,
                })
            })
            .collect();
        let incident_files: Vec<IncidentItem> = self
            .loaded()
            .filter_map(|(s, e)| {
                Some(IncidentItem {
                    name: &s.name,
                    log: e.incidents()?,
                })
            })
            .collect();
        let inventory = self.loaded().filter_map(|(_, e)| e.inventory()).last();
        let events = Events::new(&logs);
        let incidents = Incidents::new(&incident_files);
        // The span of all the evidence: snapshot times, log records, incident times.
        let span = items
            .iter()
            .filter_map(|i| i.taken_at)
            .map(|t| Window { from: t, to: t })
            .chain(logs.iter().filter_map(|l| {
                Some(Window {
                    from: l.log.first?,
                    to: l.log.last?,
                })
            }))
            .chain(incidents.span())
            .reduce(Window::union);
        let period = self.period.resolve(now);
        let window = self.period.window(now, span);
        let current = Current::new(&items, period);
        let vulnerabilities = History::new(&items, Category::Vulnerability, period);
        let secrets = History::new(&items, Category::Secret, period);
        let cx = Context {
            now,
            items: &items,
            current: &current,
            period,
            window,
            choice: self.period,
            events: &events,
            incidents: &incidents,
            inventory,
            settings: &self.settings,
            vulnerabilities: &vulnerabilities,
            secrets: &secrets,
        };
        let kpis = kpi::evaluate_all(&cx);
        let overall = kpi::overall(&kpis, &self.settings);
        let metrics = Metrics::of(&current);
        let activity = Activity::of(&events, &incidents, window);
        let measured: Vec<&super::model::Measurements> = self
            .loaded()
            .filter_map(|(_, e)| e.measurements())
            .collect();
        Analysis {
            // "All data" is reported as the span of the data it covers.
            period: match (self.period, span) {
                (PeriodChoice::All, Some(span)) => Period {
                    from: Some(span.from),
                    to: Some(span.to),
                },
                _ => period,
            },
            kpis,
            overall,
            metrics,
            activity,
            role_threshold: self.settings.role_assumptions_per_day,
            compliance: present::compliance::compliance(&items, &current, inventory),
            measurements: present::compliance::measurements(&measured),
        }
    }

    /// The analysis as of the last change, computed now if that change is not analysed yet.
    /// The caller puts it back with `self.analysis = Some(…)`.
    fn take_analysis(&mut self, now: Timestamp) -> Analysis {
        match self.analysis.take() {
            Some(analysis) => analysis,
            None => self.analyse(now),
        }
    }

    pub fn view(&mut self, now: Timestamp) -> super::protocol::View {
        let start = self.now_ms();
        let analysis = self.take_analysis(now);
        let view = present::view(&analysis, self.period, &self.sources);
        self.analysis = Some(analysis);
        super::protocol::View {
            compute_ms: self.elapsed_since(start),
            ..view
        }
    }

    pub fn scorecard(&mut self, now: Timestamp) -> Scorecard {
        let analysis = self.take_analysis(now);
        let scorecard = self.scorecard_of(&analysis, now);
        self.analysis = Some(analysis);
        scorecard
    }

    fn scorecard_of(&self, analysis: &Analysis, now: Timestamp) -> Scorecard {
        Scorecard {
            schema: scorecard::SCHEMA,
            generated_at: now,
            period: PeriodJson {
                from: analysis.period.from,
                to: analysis.period.to,
            },
            sources: self.sources.iter().map(source_json).collect(),
            kpis: analysis.kpis.iter().map(KpiJson::from).collect(),
            metrics: MetricsJson::from(&analysis.metrics),
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
        Outcome::Pending => (None, 0, None, Vec::new()),
    };
    SourceJson {
        name: source.name.clone(),
        format,
        records,
        taken_at: source.taken_at(),
        error,
        warnings,
    }
}

/// How deep archives may nest (a .gz in a .zip in a .tar.gz).
const MAX_NESTING: usize = 3;

/// Archive members that are not evidence: macOS resource forks and hidden files.
fn is_junk(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "__MACOSX" || (part.starts_with('.') && part.len() > 1))
}

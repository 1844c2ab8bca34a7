//! The engine: owns the loaded files and answers [`Request`]s with [`Response`]s.
//!
//! It knows nothing of workers or browsers. The worker is a thin wrapper that reads `File`s and
//! posts the responses; native tests drive the very same engine. Raw bytes are never kept: a file
//! is parsed into its snapshot and the bytes are the caller's to drop.

mod decide;
mod export;
mod rehearse;
mod settings;
mod summary;

use std::rc::Rc;

use super::analysis::{self, Analysis, Speaking};
use super::diagnostics::{ErrorKind, FileError, Location, Warning};
use super::evidence::PeriodChoice;
use super::explorer::{self, Record};
use super::formats::{self, Carried, Loaded, Parsed};
use super::model::{Decision, Evidence};
use super::present;
use super::protocol::{
    FileMeta, FindingsQuery, FindingsRequest, FindingsWindow, Request, Response, SourceRow,
};
use super::sample;
use super::settings::Settings;
use super::summary::{Inside, Member, is_summary};
use super::time::{MS_PER_DAY, Timestamp};
use super::triage::file::About;
use super::unpack::{self, Container};

/// One file the user gave, whatever became of it.
pub struct Source {
    pub id: u32,
    pub name: String,
    pub size: u64,
    /// The file's last-modified time, the fallback for a snapshot that does not say when it was taken.
    pub modified: Option<Timestamp>,
    /// The snapshot's time as the user set it in Sources, over the file's own and its modified time.
    pub corrected: Option<Timestamp>,
    /// What tells its content apart (`hash::content_digest`), once read.
    pub digest: Option<u64>,
    pub outcome: Outcome,
    /// The asset (or the cluster, account or host of a log) as the file names it, before the
    /// name the user gave it replaced it in the evidence.
    pub reported: Option<String>,
    /// For a member of an archive or a summary: the file dropped and its place inside, which
    /// decide where it stands when summaries merge.
    pub inside: Option<Inside>,
    /// Read from a summary: the summary's line for it, merged with the next summary dropped
    /// (and its source read again, in the merge's order).
    pub summarised: Option<Box<Member>>,
}

pub enum Outcome {
    Pending,
    Loaded {
        evidence: Box<Evidence>,
        warnings: Vec<Warning>,
    },
    Failed(FileError),
    /// The same content as a file already loaded (its id and name): counted once, there.
    Duplicate {
        of: u32,
        name: String,
    },
}

impl Source {
    /// When the evidence was taken: a snapshot's own time, else the file's modification time;
    /// for a log, its last record.
    pub fn taken_at(&self) -> Option<Timestamp> {
        match &self.outcome {
            Outcome::Loaded { evidence, .. } => match &**evidence {
                Evidence::Findings(snapshot) => {
                    self.corrected.or(snapshot.taken_at).or(self.modified)
                }
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
                Evidence::Decisions(d) => d.written_at.or(self.modified),
            },
            _ => None,
        }
    }

    /// Whether [`Source::taken_at`] is the file's modification time, the file saying nothing
    /// of when it was taken (and no one having said it in Sources).
    pub fn time_guessed(&self) -> bool {
        let own = match &self.outcome {
            Outcome::Loaded { evidence, .. } => match &**evidence {
                Evidence::Findings(snapshot) => self.corrected.or(snapshot.taken_at),
                Evidence::Events(log) => log.last,
                Evidence::Incidents(log) => log
                    .incidents
                    .iter()
                    .filter_map(|i| i.updated.or(i.alert_time))
                    .max(),
                Evidence::Measurements(m) => m.points.iter().map(|p| p.at).max(),
                Evidence::Inventory(_) => None,
                Evidence::Decisions(d) => d.written_at,
            },
            _ => return false,
        };
        own.is_none() && self.modified.is_some()
    }
}

/// Analyses kept for periods shown before (each is summaries, not findings), and for how long
/// one is reused: flipping between periods is answered at once, a minute later afresh.
const EARLIER_PERIODS: usize = 4;
const EARLIER_FOR_MS: i64 = 60_000;

/// Whether an analysis made `then` still holds `now`: a moment before, the same day (a
/// decision may lapse, a day pass).
fn recent(then: Timestamp, now: Timestamp) -> bool {
    (0..EARLIER_FOR_MS).contains(&(now.0 - then.0))
        && now.0.div_euclid(MS_PER_DAY) == then.0.div_euclid(MS_PER_DAY)
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
    /// Analyses of the periods shown before since that change, the latest last: going back to
    /// a period a moment later costs nothing (with a million findings an analysis takes half a
    /// second).
    earlier: Vec<Analysis>,
    /// Every finding for the explorer, computed when the explorer first asks after a change.
    records: Option<Vec<explorer::Record>>,
    /// The explorer's last query and the records matching it, in order: scrolling through one
    /// query filters and sorts once.
    selection: Option<(FindingsQuery, Vec<u32>)>,
    /// The organisation's profile, when the page found one: what "reset" returns to.
    organisation: Option<Settings>,
    /// Where the settings in force come from, in words.
    settings_origin: String,
    /// Whether the settings in force are the user's own (saved, imported or edited): an
    /// organisation's profile arriving then does not replace them.
    own_settings: bool,
    /// Why the settings saved in this browser could not be used, when they could not.
    saved_refused: Option<String>,
    /// Why the last custom range asked for was not applied.
    period_error: Option<String>,
    /// Triage decisions made in this browser (the page keeps them), with what each is about.
    made: Vec<(Decision, About)>,
    /// Findings each decision covered at the last analysis: made here first, then files'.
    covered: Vec<u64>,
    /// Whether some decision was in force at the last application (else there is nothing to
    /// clear when none is).
    decided_any: bool,
    /// The group of assets every view is limited to; all when `None`.
    group: Option<String>,
}

/// The first instant of a day given as "2026-10-16" (UTC).
fn day_start(text: &str) -> Option<Timestamp> {
    Timestamp::parse_rfc3339(&format!("{}T00:00:00Z", text.trim()))
}

/// A time as a datetime input gives it, "2026-11-20T10:00" or with seconds, read as UTC.
fn local_time(text: &str) -> Option<Timestamp> {
    let seconds = if text.len() == "2026-11-20T10:00".len() {
        ":00"
    } else {
        ""
    };
    Timestamp::parse_rfc3339(&format!("{text}{seconds}Z"))
}

/// Where settings come from when an organisation placed them beside the page.
const ORGANISATION: &str = "Organisation profile (posture.profile.json beside this page)";

impl Engine {
    /// Answers a request. `now` is the caller's clock (there is none in `wasm32-unknown-unknown`).
    /// `AddFiles` only queues the files: the caller then calls [`Engine::ingest`] for each.
    pub fn handle(&mut self, request: Request, now: Timestamp) -> Vec<Response> {
        match request {
            Request::AddFiles(files) | Request::AddFilesPart(files) => vec![self.queue(files)],
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
                responses.extend(self.after_files(now));
                responses
            }
            Request::Remove(id) => {
                // Its copies go with it: they were counted only through it.
                let gone: Vec<u32> = self
                    .sources
                    .iter()
                    .filter(|s| {
                        s.id == id || matches!(s.outcome, Outcome::Duplicate { of, .. } if of == id)
                    })
                    .map(|s| s.id)
                    .collect();
                self.sources.retain(|s| !gone.contains(&s.id));
                self.changed();
                let mut responses: Vec<Response> =
                    gone.into_iter().map(Response::Removed).collect();
                responses.extend(self.after_files(now));
                responses
            }
            Request::ClearAll => {
                let mut responses: Vec<Response> = self
                    .sources
                    .drain(..)
                    .map(|s| Response::Removed(s.id))
                    .collect();
                self.changed();
                responses.extend(self.after_files(now));
                responses
            }
            Request::LabelAsset { asset, name, group } => self.label_asset(asset, name, group, now),
            Request::SetGroup(group) => {
                self.group = Some(group.trim().to_string()).filter(|g| !g.is_empty());
                self.changed();
                vec![Response::View(Box::new(self.view(now))), Response::Idle]
            }
            Request::SetPeriod(period) => {
                self.set_period(period);
                vec![Response::View(Box::new(self.view(now))), Response::Idle]
            }
            Request::SetRange { from, to } => {
                match (day_start(&from), day_start(&to)) {
                    (Some(a), Some(b)) => self.set_period(PeriodChoice::Range {
                        from: a.0.min(b.0),
                        // The last day is included whole.
                        to: a.0.max(b.0) + MS_PER_DAY - 1,
                    }),
                    _ => {
                        self.period_error = Some(format!(
                            "A custom range needs its first and last days (got \"{}\" and \"{}\"); \
                             the period is unchanged",
                            from.trim(),
                            to.trim()
                        ))
                    }
                }
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
            Request::SetTakenAt { id, at } => {
                let mut responses = Vec::new();
                if let Some(source) = self.sources.iter_mut().find(|s| s.id == id) {
                    // Nothing typed is back to the file's time; a time that cannot be read
                    // changes nothing (the row, sent again, shows what holds).
                    match at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                        None => source.corrected = None,
                        Some(text) => {
                            if let Some(at) = local_time(text) {
                                source.corrected = Some(at);
                            }
                        }
                    }
                    responses.push(Response::Source(Box::new(present::source_row(source))));
                    self.changed();
                }
                responses.extend([Response::View(Box::new(self.view(now))), Response::Idle]);
                responses
            }
            Request::EditSetting { id, value } => self.edit_setting(&id, &value, now),
            Request::ImportProfile { text, origin } => self.import_profile(&text, origin, now),
            Request::ResetSettings => self.reset_settings(now),
            Request::ExportProfile => self.export_profile(),
            Request::Findings(request) => vec![Response::Findings(Box::new(
                self.findings_window(request, now),
            ))],
            Request::Decide(request) => self.decide(request, now),
            Request::Undecide(index) => self.undecide(index, now),
            Request::ClearDecisions => self.clear_decisions(now),
            Request::RestoreDecisions(text) => self.restore_decisions(&text, now),
            Request::ExportDecisions => self.export_decisions(now),
            Request::ExportFindings(query) => self.export_findings(&query, now),
            Request::ExportScorecard => self.export_scorecard(now),
            Request::Export(kind) => self.export(kind, now),
        }
    }

    /// What follows files coming or going: the view, the decisions with what each covers now
    /// (a VEX may have come or gone), and the end of the request.
    pub fn after_files(&mut self, now: Timestamp) -> [Response; 3] {
        [
            Response::View(Box::new(self.view(now))),
            self.decisions_response(now),
            Response::Idle,
        ]
    }

    /// Drops the analysis: the next view computes it afresh.
    fn changed(&mut self) {
        self.analysis = None;
        self.earlier.clear();
        self.records = None;
        self.selection = None;
    }

    /// Every finding for the explorer, as of the last change: computed when first asked.
    fn records(&mut self, now: Timestamp) -> &[Record] {
        let analysis = self.take_analysis(now);
        self.analysis = Some(analysis);
        if self.records.is_none() {
            self.records = Some(analysis::records(
                &self.sources,
                self.period,
                &self.settings,
                self.group.as_deref(),
                now,
            ));
        }
        self.records.as_deref().unwrap_or_default()
    }

    /// The records matching a query, in order, filtered and sorted once per query.
    fn selection(&mut self, query: &FindingsQuery, now: Timestamp) -> &[u32] {
        self.records(now);
        let records = self.records.as_deref().unwrap_or_default();
        match self.selection.take() {
            Some((q, indices)) if q == *query => self.selection = Some((q, indices)),
            // Another order of the same rows: sorted again, not filtered again.
            Some((q, mut indices)) if explorer::same_selection(&q, query) => {
                explorer::sort(records, &mut indices, query, &self.sources);
                self.selection = Some((query.clone(), indices));
            }
            _ => {
                let indices = explorer::select(records, query, &self.sources);
                self.selection = Some((query.clone(), indices));
            }
        }
        self.selection.as_ref().map_or(&[][..], |(_, i)| &i[..])
    }

    pub fn findings_window(&mut self, request: FindingsRequest, now: Timestamp) -> FindingsWindow {
        let total = self.selection(&request.query, now).len();
        let start = (request.start as usize).min(total);
        let end = (start + request.count.min(MAX_WINDOW) as usize).min(total);
        let (records, indices) = match (&self.records, &self.selection) {
            (Some(r), Some((_, i))) => (&r[..], &i[start..end]),
            _ => (&[][..], &[][..]),
        };
        FindingsWindow {
            id: request.id,
            total: total as u32,
            all: records.len() as u32,
            summary_text: format!(
                "{} of {} findings",
                present::grouped(total as u64),
                present::grouped(records.len() as u64)
            ),
            start: start as u32,
            rows: explorer::rows(records, indices, &self.sources),
        }
    }

    /// The name a queued file goes by (what the page sent: a folder's files keep their path).
    pub fn source_name(&self, id: u32) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
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
                corrected: None,
                digest: None,
                outcome: Outcome::Pending,
                reported: None,
                inside: None,
                summarised: None,
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

    /// Whole ms since `start`, by the caller's clock.
    fn elapsed_since(&self, start: Option<f64>) -> Option<u32> {
        Some((self.now_ms()? - start?).max(0.0).round() as u32)
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
            Container::Plain => self.plain(id, index, bytes),
            Container::Gzip => match unpack::gunzip(bytes) {
                // A .tar.gz: the tar's members replace the row.
                Ok(inner) if depth < MAX_NESTING && unpack::container(&inner) == Container::Tar => {
                    self.ingest_at(id, &inner, depth + 1)
                }
                Ok(inner) => self.plain(id, index, &inner),
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
                for (at, member) in members.into_iter().enumerate() {
                    let meta = FileMeta {
                        name: format!("{}/{}", archive.name, member.name),
                        size: member.size,
                        last_modified: archive.modified.map(|t| t.0),
                    };
                    responses.push(self.queue(vec![meta]));
                    let member_id = self.next_id - 1;
                    self.place_inside(&archive, at);
                    match unpack::extract(bytes, &member) {
                        Ok(data) => responses.extend(self.ingest_at(member_id, &data, depth + 1)),
                        Err(e) => responses.extend(self.unreadable(member_id, e.0)),
                    }
                }
                responses
            }
        }
    }

    /// A file that is not an archive: a summary, whose sources replace its row, or one source.
    fn plain(&mut self, id: u32, index: usize, bytes: &[u8]) -> Vec<Response> {
        if is_summary(bytes) {
            return match std::str::from_utf8(bytes) {
                Ok(text) => self.ingest_summary(id, text),
                Err(_) => self.unreadable(id, "this summary is damaged: it is not UTF-8".into()),
            };
        }
        vec![Response::Source(Box::new(self.parse_into(index, bytes)))]
    }

    fn unreadable(&mut self, id: u32, detail: String) -> Vec<Response> {
        vec![Response::Source(Box::new(
            self.fail(id, ErrorKind::Unsupported { detail }),
        ))]
    }

    /// Recognises and parses a plain file into a source.
    fn parse_into(&mut self, index: usize, bytes: &[u8]) -> SourceRow {
        let start = self.now_ms();
        let digest = super::hash::content_digest(bytes);
        let name = self.sources[index].name.clone();
        let row = self.settle(index, digest, bytes.len() as u64, || {
            formats::load(&name, bytes)
        });
        SourceRow {
            parse_ms: self.elapsed_since(start),
            ..row
        }
    }

    /// A file the caller read through a [`Loader`](formats::Loader): parsed while it arrived
    /// (`parse_ms` is the time its parse took between chunks), or whole bytes to ingest as
    /// [`Engine::ingest`] does. A loader that asks for the file again gives nothing here.
    pub fn ingest_loaded(&mut self, id: u32, loaded: Loaded, parse_ms: u32) -> Vec<Response> {
        match loaded {
            Loaded::Whole(bytes) => self.ingest(id, &bytes),
            Loaded::Reread => Vec::new(),
            Loaded::Parsed(carried) => self.ingest_carried(id, *carried, parse_ms),
        }
    }

    /// A file parsed elsewhere (as it arrived, or by a helper of the pool): its evidence, digest
    /// and size as [`Engine::ingest`] would have found them.
    pub fn ingest_carried(&mut self, id: u32, carried: Carried, parse_ms: u32) -> Vec<Response> {
        let Some(index) = self.sources.iter().position(|s| s.id == id) else {
            return Vec::new();
        };
        let Carried {
            parsed,
            digest,
            size,
        } = carried;
        let row = self.settle(index, digest, size, || Ok(parsed));
        vec![Response::Source(Box::new(SourceRow {
            parse_ms: Some(parse_ms),
            ..row
        }))]
    }

    /// Settles a source's outcome: a duplicate of content already loaded, or what `parse` gives.
    fn settle(
        &mut self,
        index: usize,
        digest: u64,
        size: u64,
        parse: impl FnOnce() -> Result<Parsed, Box<FileError>>,
    ) -> SourceRow {
        // The same content dropped again (a second sample click, a file under two names) counts
        // once: the first copy loaded speaks.
        let first = self
            .sources
            .iter()
            .find(|s| s.digest == Some(digest) && matches!(s.outcome, Outcome::Loaded { .. }));
        let outcome = match first {
            Some(first) => Outcome::Duplicate {
                of: first.id,
                name: first.name.clone(),
            },
            None => match parse() {
                Ok(Parsed { evidence, warnings }) => Outcome::Loaded {
                    evidence: Box::new(evidence),
                    warnings,
                },
                Err(error) => Outcome::Failed(*error),
            },
        };
        self.sources[index].digest = Some(digest);
        self.changed();
        let source = &mut self.sources[index];
        source.size = size;
        source.outcome = outcome;
        present::source_row(source)
    }

    /// A file the caller could not read at all (the browser refused it, say).
    pub fn fail(&mut self, id: u32, kind: ErrorKind) -> SourceRow {
        let error = FileError {
            file: self.source_name(id).unwrap_or_default().to_string(),
            format: None,
            kind,
            location: Location::default(),
        };
        self.fail_with(id, error, None)
    }

    /// A source failed with `error` (its content's digest, when it was read).
    fn fail_with(&mut self, id: u32, error: FileError, digest: Option<u64>) -> SourceRow {
        let Some(source) = self.sources.iter_mut().find(|s| s.id == id) else {
            return SourceRow {
                id,
                ..SourceRow::default()
            };
        };
        if digest.is_some() {
            source.digest = digest;
        }
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
        let again = period == self.period;
        self.period = period;
        self.period_error = None;
        // Choosing the period shown again is how a person asks for it afresh (a decision may
        // have lapsed, the window moved on).
        if again {
            return self.changed();
        }
        // Nothing else changed: the analysis is kept for a return to its period.
        self.earlier.extend(self.analysis.take());
        if self.earlier.len() > EARLIER_PERIODS {
            self.earlier.remove(0);
        }
        self.records = None;
        self.selection = None;
    }

    /// Evaluates every KPI and metric over the loaded files in the selected period. Pure: the
    /// engine caches its result in [`Engine::analysis`].
    pub fn analyse(&self, now: Timestamp) -> Analysis {
        // The metrics of a period shown a moment ago whose end state is the same (the last 30
        // days and all data, when nothing is older than a month) still hold.
        let known = |speaking: &Speaking| {
            (self.earlier.iter())
                .find(|a| a.speaking == *speaking && recent(a.now, now))
                .map(|a| Rc::clone(&a.metrics))
        };
        analysis::analyse(
            &self.sources,
            self.period,
            &self.settings,
            self.group.as_deref(),
            now,
            &known,
        )
    }

    /// The analysis as of the last change, computed now if that change is not analysed yet.
    /// The caller puts it back with `self.analysis = Some(…)`.
    fn take_analysis(&mut self, now: Timestamp) -> Analysis {
        if let Some(analysis) = self.analysis.take() {
            return analysis;
        }
        // A period shown a moment ago, the same day: what it showed still holds.
        let period = self.period;
        match (self.earlier.iter()).rposition(|a| a.choice == period && recent(a.now, now)) {
            Some(i) => self.earlier.remove(i),
            None => self.fresh_analysis(now),
        }
    }

    /// The names the user gave assets and the decisions in force applied to the evidence,
    /// then everything evaluated.
    fn fresh_analysis(&mut self, now: Timestamp) -> Analysis {
        self.apply_names();
        self.apply_decisions(now);
        self.analyse(now)
    }

    /// Each asset (and log source) under the name the user gave it, or the file's again.
    fn apply_names(&mut self) {
        let settings = &self.settings;
        for source in &mut self.sources {
            let Source {
                outcome, reported, ..
            } = source;
            let Outcome::Loaded { evidence, .. } = outcome else {
                continue;
            };
            let asset = match &mut **evidence {
                Evidence::Findings(snapshot) => &mut snapshot.asset,
                Evidence::Events(log) => &mut log.source,
                _ => continue,
            };
            let reported = reported.get_or_insert_with(|| asset.name.clone());
            let shown = settings.asset_name(reported);
            if asset.name != shown {
                asset.name = shown.to_string();
            }
        }
    }

    pub fn view(&mut self, now: Timestamp) -> super::protocol::View {
        let start = self.now_ms();
        let analysis = self.take_analysis(now);
        let view = present::view(&analysis, self.period, &self.sources);
        self.analysis = Some(analysis);
        let assets = present::assets::assets(&self.sources, &self.settings, self.group.as_deref());
        let mut metrics = view.metrics;
        let stamp = self.file_stamp(now);
        let sections = metrics
            .sections
            .iter_mut()
            .flat_map(|s| s.charts.iter_mut());
        for chart in metrics.charts.iter_mut().chain(sections) {
            chart.file_name = format!("posture-{}-{stamp}.svg", chart.id);
        }
        super::protocol::View {
            metrics,
            compute_ms: self.elapsed_since(start),
            period_error: self.period_error.clone(),
            groups: assets.groups,
            group: self.group.clone().unwrap_or_default(),
            group_note: assets.note,
            assets: assets.assets,
            audit: present::audit::audit(
                now,
                export::VERSION,
                &view.period_text,
                &view.overall_formula,
                &view.tiles,
                &self
                    .sources
                    .iter()
                    .map(present::source_row)
                    .collect::<Vec<_>>(),
            ),
            ..view
        }
    }
}

/// Rows one explorer request may ask for.
const MAX_WINDOW: u32 = 500;

/// How deep archives may nest (a .gz in a .zip in a .tar.gz).
const MAX_NESTING: usize = 3;

/// Archive members that are not evidence: macOS resource forks and hidden files.
fn is_junk(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "__MACOSX" || (part.starts_with('.') && part.len() > 1))
}

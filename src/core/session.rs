//! What the page knows, as a pure reducer over the worker's responses, and its routes.
//!
//! The page keeps one [`Session`] in a signal and calls [`Session::apply`] for every response;
//! components only read it. Kept here, away from Leptos, so it is tested natively.

use std::collections::{BTreeMap, BTreeSet};

use super::protocol::{
    DecisionsView, FindingsWindow, Response, SettingsView, SourceRow, SourceState, View,
};

/// The views behind the tabs, by URL hash (which works from `file://` and any sub-path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Route {
    #[default]
    Scorecard,
    Metrics,
    Findings,
    Sources,
    Settings,
}

impl Route {
    pub const ALL: [Route; 5] = [
        Route::Scorecard,
        Route::Metrics,
        Route::Findings,
        Route::Sources,
        Route::Settings,
    ];

    /// The route of a hash; what follows `?` is the view's parameters (see [`hash_params`]).
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        match path.split('?').next().unwrap_or("") {
            "metrics" => Route::Metrics,
            "findings" => Route::Findings,
            "sources" => Route::Sources,
            "settings" => Route::Settings,
            _ => Route::Scorecard,
        }
    }

    pub fn hash(self) -> &'static str {
        match self {
            Route::Scorecard => "#/scorecard",
            Route::Metrics => "#/metrics",
            Route::Findings => "#/findings",
            Route::Sources => "#/sources",
            Route::Settings => "#/settings",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Route::Scorecard => "Scorecard",
            Route::Metrics => "Metrics",
            Route::Findings => "Findings",
            Route::Sources => "Sources",
            Route::Settings => "Settings",
        }
    }
}

/// The parameters after `?` in a hash (`#/findings?rule=CVE-1&severity=high`), decoded.
pub fn hash_params(hash: &str) -> Vec<(String, String)> {
    let Some((_, query)) = hash.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(key)?, decode(value)?))
        })
        .filter(|(key, _)| !key.is_empty())
        .collect()
}

/// A hash with parameters, each encoded.
pub fn hash_with(route: Route, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if query.is_empty() {
        route.hash().into()
    } else {
        format!("{}?{}", route.hash(), query.join("&"))
    }
}

/// Percent-encoding of everything but unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A file the worker wants saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    pub file_name: String,
    pub mime: String,
    pub content: String,
}

/// How far a batch of files has got, for the progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub files_done: usize,
    pub files: usize,
    pub bytes_done: u64,
    pub bytes: u64,
}

/// What a response changed, so the page re-renders only that.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub sources: bool,
    pub progress: bool,
    pub view: bool,
    pub busy: bool,
    pub settings: bool,
    pub findings: bool,
    pub decisions: bool,
    pub download: Option<Download>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub sources: Vec<SourceRow>,
    /// Bytes read so far, by source id, for files still loading.
    pub loading: BTreeMap<u32, (u64, u64)>,
    pub view: Option<View>,
    /// Requests sent (or being prepared) and not yet answered with `Idle`.
    pub pending: u32,
    /// Rows of the current batch, for its progress and its summary. A set: the progress bar
    /// looks up every row at every message, and a folder can bring thousands.
    batch: BTreeSet<u32>,
    /// Set when the worker could not start or broke: nothing can load.
    pub broken: Option<String>,
    pub settings: Option<SettingsView>,
    /// The explorer's latest window, and the id of the latest window asked for: an answer to an
    /// older request (a window already scrolled past) is dropped.
    pub findings: Option<FindingsWindow>,
    pub findings_asked: u64,
    pub decisions: Option<DecisionsView>,
}

impl Session {
    /// A request is on its way: the page is busy until the matching `Idle`.
    pub fn begin(&mut self) {
        if self.pending == 0 {
            self.batch.clear();
        }
        self.pending += 1;
    }

    /// A request that was begun but never sent (a dropped folder held no files).
    pub fn abandon(&mut self) {
        self.pending = self.pending.saturating_sub(1);
    }

    pub fn busy(&self) -> bool {
        self.pending > 0
    }

    pub fn apply(&mut self, response: Response) -> Changes {
        let mut changes = Changes::default();
        match response {
            Response::Queued(rows) => {
                self.batch.extend(rows.iter().map(|r| r.id));
                self.sources.extend(rows);
                changes.sources = true;
                changes.progress = true;
            }
            Response::Progress { id, loaded, total } => {
                self.loading.insert(id, (loaded, total));
                changes.progress = true;
                if let Some(row) = self.sources.iter_mut().find(|r| r.id == id)
                    && row.state != SourceState::Loading
                {
                    row.state = SourceState::Loading;
                    changes.sources = true;
                }
            }
            Response::Source(row) => {
                self.loading.remove(&row.id);
                match self.sources.iter_mut().find(|r| r.id == row.id) {
                    Some(slot) => *slot = *row,
                    None => self.sources.push(*row),
                }
                changes.sources = true;
                changes.progress = true;
            }
            Response::Removed(id) => {
                self.sources.retain(|r| r.id != id);
                self.loading.remove(&id);
                changes.sources = true;
            }
            Response::View(view) => {
                self.view = Some(*view);
                changes.view = true;
            }
            Response::Export {
                file_name,
                mime,
                content,
            } => {
                changes.download = Some(Download {
                    file_name,
                    mime,
                    content,
                });
            }
            Response::Settings(settings) => {
                self.settings = Some(*settings);
                changes.settings = true;
            }
            Response::Decisions(view) => {
                self.decisions = Some(*view);
                changes.decisions = true;
            }
            Response::Findings(window) => {
                if window.id >= self.findings_asked {
                    self.findings = Some(*window);
                    changes.findings = true;
                }
            }
            Response::Idle => {
                self.pending = self.pending.saturating_sub(1);
                changes.busy = true;
                changes.progress = true;
            }
        }
        changes
    }

    /// The worker is gone: say so, and stop waiting for it.
    pub fn break_down(&mut self, message: String) {
        self.broken = Some(message);
        self.pending = 0;
    }

    /// Progress of the current batch, while it runs.
    pub fn progress(&self) -> Option<Progress> {
        if !self.busy() || self.batch.is_empty() {
            return None;
        }
        let rows = self.sources.iter().filter(|r| self.batch.contains(&r.id));
        let mut p = Progress {
            files_done: 0,
            files: 0,
            bytes_done: 0,
            bytes: 0,
        };
        for row in rows {
            p.files += 1;
            p.bytes += row.size;
            match row.state {
                SourceState::Loaded | SourceState::Failed | SourceState::Duplicate => {
                    p.files_done += 1;
                    p.bytes_done += row.size;
                }
                _ => p.bytes_done += self.loading.get(&row.id).map_or(0, |l| l.0),
            }
        }
        Some(p)
    }

    /// What the page's live region says: how many files of the batch are done while it loads,
    /// then what became of them ("23 files read, 1 could not be read: see Sources").
    pub fn announcement(&self) -> String {
        if let Some(p) = self.progress() {
            return format!("Loading {} of {} files", p.files_done.min(p.files), p.files);
        }
        let batch = self.sources.iter().filter(|r| self.batch.contains(&r.id));
        let (mut read, mut failed, mut again) = (0, 0, 0);
        for row in batch {
            match row.state {
                SourceState::Loaded => read += 1,
                SourceState::Failed => failed += 1,
                SourceState::Duplicate => again += 1,
                SourceState::Queued | SourceState::Loading => {}
            }
        }
        let files = |n: usize| {
            if n == 1 {
                "1 file".to_string()
            } else {
                format!("{n} files")
            }
        };
        let mut parts = Vec::new();
        if read > 0 {
            parts.push(format!("{} read", files(read)));
        }
        if again > 0 {
            parts.push(format!("{} already loaded, counted once", files(again)));
        }
        if failed > 0 {
            parts.push(format!("{} could not be read: see Sources", files(failed)));
        }
        parts.join(", ")
    }

    /// Numbers a new explorer request; answers to earlier ones are dropped from now on.
    pub fn ask_findings(&mut self) -> u64 {
        self.findings_asked += 1;
        self.findings_asked
    }

    pub fn failed(&self) -> usize {
        self.sources
            .iter()
            .filter(|r| r.state == SourceState::Failed)
            .count()
    }
}

/// The Sources view's first line: how many files, loaded, counted once, failed.
pub fn sources_summary(rows: &[SourceRow]) -> String {
    let count = |state: SourceState| rows.iter().filter(|r| r.state == state).count();
    if rows.is_empty() {
        return "No files yet. Drop files above, or try the sample data.".into();
    }
    let mut parts = vec![
        format!("{} files", rows.len()),
        format!("{} loaded", count(SourceState::Loaded)),
    ];
    let copies = count(SourceState::Duplicate);
    if copies > 0 {
        parts.push(format!("{copies} dropped again, counted once"));
    }
    parts.push(format!("{} could not be read", count(SourceState::Failed)));
    parts.join(" · ")
}

/// Errors that several files share, word for word, with how many: explained once, above the
/// files (a folder of exports Posture does not read fails a hundred times the same way).
pub fn shared_failures(rows: &[SourceRow]) -> Vec<(String, usize)> {
    let mut shared: Vec<(String, usize)> = Vec::new();
    for error in rows.iter().filter_map(|r| r.error.as_ref()) {
        match shared.iter_mut().find(|(e, _)| e == error) {
            Some((_, n)) => *n += 1,
            None => shared.push((error.clone(), 1)),
        }
    }
    shared.retain(|(_, n)| *n > 1);
    shared
}

/// The rows in the order shown: failed files first, then the others as they were given.
pub fn rows_in_order(rows: &[SourceRow]) -> Vec<&SourceRow> {
    let mut ordered: Vec<&SourceRow> = rows.iter().collect();
    ordered.sort_by_key(|r| r.state != SourceState::Failed);
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u32, state: SourceState, size: u64) -> SourceRow {
        SourceRow {
            id,
            state,
            size,
            name: format!("f{id}"),
            ..SourceRow::default()
        }
    }

    #[test]
    fn failed_files_come_first_and_a_shared_reason_is_said_once() {
        let failed = |id: u32, error: &str| SourceRow {
            error: Some(error.into()),
            ..row(id, SourceState::Failed, 1)
        };
        let rows = vec![
            row(0, SourceState::Loaded, 1),
            failed(1, "not recognised: …"),
            row(2, SourceState::Duplicate, 1),
            failed(3, "the file is empty"),
            failed(4, "not recognised: …"),
        ];
        let order: Vec<u32> = rows_in_order(&rows).iter().map(|r| r.id).collect();
        assert_eq!(order, [1, 3, 4, 0, 2]);
        assert_eq!(
            shared_failures(&rows),
            [("not recognised: …".to_string(), 2)]
        );
        assert_eq!(
            sources_summary(&rows),
            "5 files · 1 loaded · 1 dropped again, counted once · 3 could not be read"
        );
    }

    #[test]
    fn routes_from_hashes() {
        assert_eq!(Route::from_hash("#/metrics"), Route::Metrics);
        assert_eq!(Route::from_hash("#sources"), Route::Sources);
        assert_eq!(Route::from_hash(""), Route::Scorecard);
        assert_eq!(Route::from_hash("#/nonsense"), Route::Scorecard);
        for route in Route::ALL {
            assert_eq!(Route::from_hash(route.hash()), route);
        }
    }

    #[test]
    fn a_batch_from_queue_to_idle() {
        let mut s = Session::default();
        s.begin();
        assert!(s.busy());
        s.apply(Response::Queued(vec![
            row(0, SourceState::Queued, 100),
            row(1, SourceState::Queued, 50),
        ]));
        let changes = s.apply(Response::Progress {
            id: 0,
            loaded: 40,
            total: 100,
        });
        assert!(
            changes.sources && changes.progress,
            "the row turns to loading"
        );
        let changes = s.apply(Response::Progress {
            id: 0,
            loaded: 40,
            total: 100,
        });
        assert!(
            !changes.sources && changes.progress,
            "later progress leaves the rows alone"
        );
        assert_eq!(
            s.progress(),
            Some(Progress {
                files_done: 0,
                files: 2,
                bytes_done: 40,
                bytes: 150
            })
        );
        s.apply(Response::Source(Box::new(row(0, SourceState::Loaded, 100))));
        s.apply(Response::Source(Box::new(row(1, SourceState::Failed, 50))));
        assert_eq!(
            s.progress(),
            Some(Progress {
                files_done: 2,
                files: 2,
                bytes_done: 150,
                bytes: 150
            })
        );
        assert_eq!(s.failed(), 1);
        assert_eq!(s.announcement(), "Loading 2 of 2 files");
        s.apply(Response::Idle);
        assert_eq!(
            s.announcement(),
            "1 file read, 1 file could not be read: see Sources"
        );
        assert!(!s.busy());
        assert_eq!(s.progress(), None);
        assert!(s.loading.is_empty());
    }

    #[test]
    fn hash_parameters_round_trip() {
        let hash = hash_with(
            Route::Findings,
            &[("rule", "CVE-2024 1&2"), ("asset", "é/x")],
        );
        assert_eq!(Route::from_hash(&hash), Route::Findings);
        assert_eq!(
            hash_params(&hash),
            [
                ("rule".to_string(), "CVE-2024 1&2".to_string()),
                ("asset".to_string(), "é/x".to_string())
            ]
        );
        assert_eq!(hash_params("#/findings"), []);
    }

    #[test]
    fn late_windows_are_dropped() {
        let mut s = Session::default();
        let first = s.ask_findings();
        let second = s.ask_findings();
        let window = |id| {
            Response::Findings(Box::new(FindingsWindow {
                id,
                ..FindingsWindow::default()
            }))
        };
        assert!(!s.apply(window(first)).findings, "an answer scrolled past");
        assert!(s.apply(window(second)).findings);
        assert_eq!(s.findings.as_ref().map(|w| w.id), Some(second));
        assert_eq!(s.pending, 0, "windows never make the page busy");
    }

    #[test]
    fn exports_become_downloads() {
        let mut s = Session::default();
        let changes = s.apply(Response::Export {
            file_name: "a.json".into(),
            mime: "m".into(),
            content: "{}".into(),
        });
        assert_eq!(changes.download.map(|d| d.file_name), Some("a.json".into()));
    }
}

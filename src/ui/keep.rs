//! What the page keeps of a session between visits: with "Keep my files on this computer" on,
//! every file given (and whether the sample was loaded) is kept in IndexedDB and given to the
//! worker again at the next start; a file removed is forgotten. Off, nothing is kept and leaving
//! the page with files loaded asks first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use super::client::storage;
use super::store;

/// localStorage keys: whether to keep, whether the sample was loaded, and the files removed
/// that a kept file would bring back (a member of a kept archive, a sample file).
const KEEP: &str = "posture.keep";
const SAMPLE: &str = "posture.keep.sample";
const REMOVED: &str = "posture.keep.removed";
/// Snapshot times set by hand in Sources, by file name: one `name<TAB>time` a line.
const TIMES: &str = "posture.keep.times";

/// One stored value for all of it: each stored type costs the page its own code.
#[derive(Default)]
struct State {
    /// Every file given in this tab, by name: `File`s are references to the files, not copies.
    given: Vec<(String, File)>,
    sample: bool,
    removed: Vec<String>,
    /// Set while the kept files are being given again, so they are not stored twice.
    restoring: bool,
    /// Snapshot times set by hand, by file name (UTC, as the time input gives them).
    times: Vec<(String, String)>,
    /// Removed before a reload and brought back by their kept file, and times set by hand: to
    /// apply again once the kept files are loaded.
    pending: Vec<String>,
    pending_times: Vec<(String, String)>,
}

#[derive(Clone, Copy)]
pub struct Keep {
    on: RwSignal<bool>,
    state: StoredValue<State, LocalStorage>,
    /// Why the browser's storage could not keep the files, when it could not ("" when it could).
    pub error: RwSignal<String>,
}

fn flag(key: &str) -> bool {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .is_some_and(|v| v == "true")
}

fn set_item(key: &str, value: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match value {
            Some(value) => s.set_item(key, value),
            None => s.remove_item(key),
        };
    }
}

impl Keep {
    pub fn new() -> Keep {
        // One name a line: a file's name holds no line break.
        let removed = storage()
            .and_then(|s| s.get_item(REMOVED).ok().flatten())
            .map(|text| text.lines().map(String::from).collect())
            .unwrap_or_default();
        let times = storage()
            .and_then(|s| s.get_item(TIMES).ok().flatten())
            .map(|text| {
                text.lines()
                    .filter_map(|l| l.split_once('\t'))
                    .map(|(name, at)| (name.to_string(), at.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Keep {
            on: RwSignal::new(flag(KEEP)),
            state: StoredValue::new_local(State {
                removed,
                times,
                ..State::default()
            }),
            error: RwSignal::new(String::new()),
        }
    }

    pub fn is_on(self) -> bool {
        self.on.get()
    }

    /// Files were given: remembered, and kept when keeping is on.
    pub fn given(self, files: Vec<(String, File)>) {
        if self.on.get_untracked() && !self.state.with_value(|s| s.restoring) {
            self.store(files.clone());
        }
        self.state.update_value(|s| {
            s.given
                .retain(|(name, _)| !files.iter().any(|(n, _)| n == name));
            s.given.extend(files);
        });
    }

    pub fn sample_loaded(self) {
        self.state.update_value(|s| s.sample = true);
        if self.on.get_untracked() {
            set_item(SAMPLE, Some("true"));
        }
    }

    /// A source was removed: its kept file goes; a part of a kept file (an archive's member, a
    /// sample file) is noted, to be removed again after the next start.
    pub fn removed(self, name: &str) {
        let own = self
            .state
            .with_value(|s| s.given.iter().any(|(n, _)| n == name));
        self.state.update_value(|s| {
            if own {
                s.given.retain(|(n, _)| n != name);
            } else {
                s.removed.push(name.to_string());
            }
        });
        if !self.on.get_untracked() {
            return;
        }
        if own {
            let name = name.to_string();
            self.spawn(async move { store::delete(&name).await });
        } else {
            self.save_removed();
        }
    }

    /// A snapshot time set by hand (`None`: back to the file's), kept with the files.
    pub fn time_set(self, name: &str, at: Option<String>) {
        self.state.update_value(|s| {
            s.times.retain(|(n, _)| n != name);
            if let Some(at) = at.filter(|a| !a.trim().is_empty()) {
                s.times.push((name.to_string(), at));
            }
        });
        if self.on.get_untracked() {
            self.save_times();
        }
    }

    /// Keeping turned on (every file given so far is kept) or off (the store is emptied).
    pub fn set(self, on: bool) {
        self.on.set(on);
        set_item(KEEP, on.then_some("true"));
        if on {
            let (given, sample) = self.state.with_value(|s| (s.given.clone(), s.sample));
            set_item(SAMPLE, sample.then_some("true"));
            self.save_removed();
            self.save_times();
            self.store(given);
        } else {
            set_item(SAMPLE, None);
            set_item(REMOVED, None);
            set_item(TIMES, None);
            self.spawn(store::clear());
        }
    }

    /// Everything given is gone: nothing is kept, whether or not keeping stays on.
    pub fn cleared(self) {
        self.state.update_value(|s| {
            s.given.clear();
            s.sample = false;
            s.removed.clear();
            s.times.clear();
        });
        set_item(SAMPLE, None);
        set_item(REMOVED, None);
        set_item(TIMES, None);
        self.spawn(store::clear());
    }

    /// At start, with keeping on: the kept files and whether the sample was loaded; the names
    /// removed since are pending until they are loaded again.
    pub async fn kept(self) -> Option<(Vec<(String, File)>, bool)> {
        if !self.on.get_untracked() {
            return None;
        }
        match store::all().await {
            Ok(files) => Some((files, flag(SAMPLE))),
            Err(e) => {
                self.failed(&e);
                None
            }
        }
    }

    pub fn restoring(self, now: bool) {
        self.state.update_value(|s| {
            s.restoring = now;
            if !now {
                s.pending = s.removed.clone();
                s.pending_times = s.times.clone();
            }
        });
    }

    /// The names to remove again and the times to set again, once: after the kept files are
    /// loaded.
    pub fn take_pending(self) -> (Vec<String>, Vec<(String, String)>) {
        self.state
            .try_update_value(|s| {
                (
                    std::mem::take(&mut s.pending),
                    std::mem::take(&mut s.pending_times),
                )
            })
            .unwrap_or_default()
    }

    /// Whether leaving the page would lose files: some are loaded and none is kept.
    pub fn would_lose(self, loaded: bool) -> bool {
        loaded && !self.on.get_untracked()
    }

    fn store(self, files: Vec<(String, File)>) {
        self.spawn(async move { store::put(&files).await });
    }

    fn save_times(self) {
        let text = self.state.with_value(|s| {
            s.times
                .iter()
                .map(|(name, at)| format!("{name}\t{at}"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        set_item(TIMES, Some(&text));
    }

    fn save_removed(self) {
        let text = self.state.with_value(|s| s.removed.join("\n"));
        set_item(REMOVED, Some(&text));
    }

    fn spawn(
        self,
        work: impl std::future::Future<Output = Result<(), wasm_bindgen::JsValue>> + 'static,
    ) {
        spawn_local(async move {
            if let Err(e) = work.await {
                self.failed(&e);
            }
        });
    }

    fn failed(self, error: &wasm_bindgen::JsValue) {
        let detail = error.as_string().unwrap_or_else(|| format!("{error:?}"));
        self.error.set(format!(
            "This browser could not keep the files ({detail}): they are loaded, but will not be here after a reload"
        ));
    }
}

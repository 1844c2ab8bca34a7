//! What the page keeps of a session between visits: with "Keep my files on this computer" on,
//! every file given (and whether the sample was loaded) is kept in IndexedDB and given to the
//! worker again at the next start; a file removed is forgotten. Off, nothing is kept and leaving
//! the page with files loaded asks first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use super::store;

/// localStorage keys: whether to keep, whether the sample was loaded, and the files removed
/// that a kept file would bring back (a member of a kept archive, a sample file).
const KEEP: &str = "posture.keep";
const SAMPLE: &str = "posture.keep.sample";
const REMOVED: &str = "posture.keep.removed";

#[derive(Clone, Copy)]
pub struct Keep {
    on: RwSignal<bool>,
    /// Every file given in this tab, by name: `File`s are references to the files, not copies.
    given: StoredValue<Vec<(String, File)>, LocalStorage>,
    sample: StoredValue<bool>,
    removed: StoredValue<Vec<String>>,
    /// Set while the kept files are being given again, so they are not stored twice.
    restoring: StoredValue<bool>,
    /// Why the browser's storage could not keep the files, when it could not.
    pub error: RwSignal<Option<String>>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn flag(key: &str) -> bool {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .is_some_and(|v| v == "true")
}

fn set_flag(key: &str, on: bool) {
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(key, "true")
        } else {
            s.remove_item(key)
        };
    }
}

impl Keep {
    pub fn new() -> Keep {
        let removed = storage()
            .and_then(|s| s.get_item(REMOVED).ok().flatten())
            .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
            .unwrap_or_default();
        Keep {
            on: RwSignal::new(flag(KEEP)),
            given: StoredValue::new_local(Vec::new()),
            sample: StoredValue::new(false),
            removed: StoredValue::new(removed),
            restoring: StoredValue::new(false),
            error: RwSignal::new(None),
        }
    }

    pub fn is_on(self) -> bool {
        self.on.get()
    }

    /// Files were given: remembered, and kept when keeping is on.
    pub fn given(self, files: Vec<(String, File)>) {
        if self.on.get_untracked() && !self.restoring.get_value() {
            self.store(files.clone());
        }
        self.given.update_value(|given| {
            given.retain(|(name, _)| !files.iter().any(|(n, _)| n == name));
            given.extend(files);
        });
    }

    pub fn sample_loaded(self) {
        self.sample.set_value(true);
        if self.on.get_untracked() {
            set_flag(SAMPLE, true);
        }
    }

    /// A source was removed: its kept file goes; a part of a kept file (an archive's member, a
    /// sample file) is noted, to be removed again after the next start.
    pub fn removed(self, name: &str) {
        let own = self.given.with_value(|g| g.iter().any(|(n, _)| n == name));
        if own {
            self.given.update_value(|g| g.retain(|(n, _)| n != name));
        } else {
            self.removed.update_value(|r| r.push(name.to_string()));
        }
        if !self.on.get_untracked() {
            return;
        }
        if own {
            let name = name.to_string();
            spawn_local(async move {
                if let Err(e) = store::delete(&name).await {
                    self.failed(&e);
                }
            });
        } else {
            self.save_removed();
        }
    }

    /// Keeping turned on (every file given so far is kept) or off (the store is emptied).
    pub fn set(self, on: bool) {
        self.on.set(on);
        set_flag(KEEP, on);
        if on {
            set_flag(SAMPLE, self.sample.get_value());
            self.save_removed();
            self.store(self.given.get_value());
        } else {
            set_flag(SAMPLE, false);
            if let Some(s) = storage() {
                let _ = s.remove_item(REMOVED);
            }
            spawn_local(async move {
                if let Err(e) = store::clear().await {
                    self.failed(&e);
                }
            });
        }
    }

    /// Everything given is gone: nothing is kept, whether or not keeping stays on.
    pub fn cleared(self) {
        self.given.set_value(Vec::new());
        self.sample.set_value(false);
        self.removed.set_value(Vec::new());
        set_flag(SAMPLE, false);
        if let Some(s) = storage() {
            let _ = s.remove_item(REMOVED);
        }
        spawn_local(async move {
            if let Err(e) = store::clear().await {
                self.failed(&e);
            }
        });
    }

    /// At start, with keeping on: the kept files, whether the sample was loaded, and the names
    /// to remove once they are loaded.
    pub async fn kept(self) -> Option<(Vec<(String, File)>, bool, Vec<String>)> {
        if !self.on.get_untracked() {
            return None;
        }
        let files = match store::all().await {
            Ok(files) => files,
            Err(e) => {
                self.failed(&e);
                return None;
            }
        };
        Some((files, flag(SAMPLE), self.removed.get_value()))
    }

    pub fn restoring(self, now: bool) {
        self.restoring.set_value(now);
    }

    /// Whether leaving the page would lose files: some are loaded and none is kept.
    pub fn would_lose(self, loaded: bool) -> bool {
        loaded && !self.on.get_untracked()
    }

    fn store(self, files: Vec<(String, File)>) {
        spawn_local(async move {
            if let Err(e) = store::put(&files).await {
                self.failed(&e);
            }
        });
    }

    fn save_removed(self) {
        let text = self
            .removed
            .with_value(|r| serde_json::to_string(r).unwrap_or_default());
        if let Some(s) = storage() {
            let _ = s.set_item(REMOVED, &text);
        }
    }

    fn failed(self, error: &wasm_bindgen::JsValue) {
        let detail = error.as_string().unwrap_or_else(|| format!("{error:?}"));
        self.error.set(Some(format!(
            "This browser could not keep the files ({detail}): they are loaded, but will not be here after a reload"
        )));
    }
}

//! The page's side of the worker: starts it, sends requests, folds responses into the session.
//!
//! The session lives in a plain stored value; `Session::apply` says what a response changed and
//! only the matching revision signal fires, so a progress message does not re-render the
//! scorecard. Components read through the methods below, which track the part they read.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    Blob, BlobPropertyBag, ErrorEvent, File, HtmlAnchorElement, MessageEvent, Url, Worker,
};

use crate::core::evidence::PeriodChoice;
use crate::core::protocol::{
    DecisionsView, FindingsQuery, FindingsRequest, FindingsWindow, ProfileOrigin, Request,
    Response, SettingsView, SourceRow, View,
};
use crate::core::session::{Changes, Download, Session};

use super::files;
use super::keep::Keep;

/// Where the page keeps the user's settings.
const SAVED_PROFILE: &str = "posture.profile";
/// The organisation's profile, beside index.html.
const ORGANISATION_PROFILE: &str = "posture.profile.json";
/// Where the page keeps the triage decisions made in it (`posture.decisions.v1`).
const SAVED_DECISIONS: &str = "posture.decisions";

#[derive(Clone, Copy)]
pub struct Client {
    session: StoredValue<Session>,
    worker: StoredValue<Option<Worker>, LocalStorage>,
    view_rev: RwSignal<u64>,
    sources_rev: RwSignal<u64>,
    progress_rev: RwSignal<u64>,
    settings_rev: RwSignal<u64>,
    findings_rev: RwSignal<u64>,
    decisions_rev: RwSignal<u64>,
    busy: RwSignal<bool>,
    /// What the page keeps between visits ("Keep my files on this computer").
    pub keep: Keep,
}

/// Starts the worker, asks it for the first (empty) view and provides the client as context.
pub fn provide_client() -> Client {
    let client = Client {
        session: StoredValue::new(Session::default()),
        worker: StoredValue::new_local(None),
        view_rev: RwSignal::new(0),
        sources_rev: RwSignal::new(0),
        progress_rev: RwSignal::new(0),
        settings_rev: RwSignal::new(0),
        findings_rev: RwSignal::new(0),
        decisions_rev: RwSignal::new(0),
        busy: RwSignal::new(false),
        keep: Keep::new(),
    };
    match spawn_worker(client) {
        Ok(worker) => client.worker.set_value(Some(worker)),
        Err(e) => client.break_down(format!("The worker could not start: {}", describe(&e))),
    }
    provide_context(client);
    client.send(Request::SetPeriod(PeriodChoice::All));
    load_profiles(client);
    if let Some(saved) = storage().and_then(|s| s.get_item(SAVED_DECISIONS).ok().flatten()) {
        client.send(Request::RestoreDecisions(saved));
    }
    leptos::task::spawn_local(restore_kept(client));
    client
}

/// The files kept from the last visit, given to the worker again.
async fn restore_kept(client: Client) {
    let Some((kept, sample)) = client.keep.kept().await else {
        return;
    };
    client.keep.restoring(true);
    if !kept.is_empty() {
        client.begin();
        let picked = kept
            .into_iter()
            .map(|(name, file)| files::Picked { name, file })
            .collect();
        files::send(client, picked);
    }
    if sample {
        client.send(Request::LoadSample);
        client.keep.sample_loaded();
    }
    // After the batch is begun: the page stays busy until it is loaded, then removes again
    // what was removed before.
    client.keep.restoring(false);
}

/// The settings at start: the defaults, then the user's saved ones, then the organisation's
/// `posture.profile.json` when the server has one (applied unless the user's are in force).
fn load_profiles(client: Client) {
    client.send(Request::ResetSettings);
    let saved = storage().and_then(|s| s.get_item(SAVED_PROFILE).ok().flatten());
    if let Some(text) = &saved {
        client.send(Request::ImportProfile {
            text: text.clone(),
            origin: ProfileOrigin::Saved,
        });
    }
    // The worker decides whether it applies: not over the user's own settings in force.
    // The single-file app carries its organisation's profile inside when it was built with
    // one; opened from disk, it can read nothing beside it.
    let inline = crate::spawn::inline_profile();
    let from_disk = window().location().protocol().is_ok_and(|p| p == "file:");
    leptos::task::spawn_local(async move {
        let text = match inline {
            Some(text) => Some(text),
            None if from_disk => None,
            None => fetch_text(ORGANISATION_PROFILE).await,
        };
        if let Some(text) = text {
            client.send(Request::ImportProfile {
                text,
                origin: ProfileOrigin::Organisation,
            });
        }
    });
}

/// A same-origin file's text, when the server has it (from `file://`, there is none).
async fn fetch_text(path: &str) -> Option<String> {
    use wasm_bindgen_futures::JsFuture;
    let response = JsFuture::from(window().fetch_with_str(path)).await.ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// This browser's localStorage, when it has one (settings, decisions, what to keep).
pub(super) fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn use_client() -> Client {
    expect_context::<Client>()
}

impl Client {
    /// Sends a request; the page is busy until the worker answers it.
    pub fn send(self, request: Request) {
        self.begin();
        self.post(request, &[]);
    }

    /// Marks the page busy before a request is ready (while a dropped folder is walked).
    pub fn begin(self) {
        self.session.update_value(Session::begin);
        self.busy.set(true);
    }

    /// Gives up a request begun with [`Client::begin`] and never posted.
    pub fn abandon(self) {
        self.session.update_value(Session::abandon);
        self.busy.set(self.session.with_value(Session::busy));
    }

    /// Posts a request begun with [`Client::begin`]; `files` travel beside it, in order.
    pub fn post(self, request: Request, files: &[File]) {
        let json = match serde_json::to_string(&request) {
            Ok(json) => json,
            Err(e) => return self.break_down(format!("A request could not be encoded: {e}")),
        };
        let message = js_sys::Array::new();
        message.push(&JsValue::from_str(&json));
        for file in files {
            message.push(file);
        }
        let posted = self
            .worker
            .with_value(|worker| worker.as_ref().map(|w| w.post_message(&message)));
        match posted {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                self.break_down(format!("The worker refused a message: {}", describe(&e)))
            }
            None => self.abandon(),
        }
    }

    fn receive(self, response: Response) {
        let changes: Changes = self
            .session
            .try_update_value(|s| s.apply(response))
            .unwrap_or_default();
        let bump = |rev: RwSignal<u64>| rev.update(|r| *r += 1);
        if changes.sources {
            bump(self.sources_rev);
        }
        if changes.progress {
            bump(self.progress_rev);
        }
        if changes.view {
            bump(self.view_rev);
        }
        if changes.busy {
            self.busy.set(self.session.with_value(Session::busy));
            if !self.session.with_value(Session::busy) {
                self.remove_again();
            }
        }
        if changes.settings {
            self.keep_settings();
            bump(self.settings_rev);
        }
        if changes.findings {
            bump(self.findings_rev);
        }
        if changes.decisions {
            self.keep_decisions();
            bump(self.decisions_rev);
        }
        if let Some(download) = changes.download {
            save(&download);
        }
    }

    /// The user's own settings are kept in localStorage, to survive a reload.
    fn keep_settings(self) {
        let profile = self.session.with_value(|s| {
            s.settings
                .as_ref()
                .filter(|v| v.save && v.error.is_none())
                .map(|v| v.profile_json.clone())
        });
        if let (Some(profile), Some(storage)) = (profile, storage()) {
            let _ = storage.set_item(SAVED_PROFILE, &profile);
        }
    }

    /// Removes the sources that were removed before a reload and that their kept file brought
    /// back.
    fn remove_again(self) {
        let (names, times) = self.keep.take_pending();
        let id_of = |name: &str| {
            self.session
                .with_value(|s| s.sources.iter().find(|r| r.name == name).map(|r| r.id))
        };
        for (name, at) in times {
            if let Some(id) = id_of(&name) {
                self.send(Request::SetTakenAt { id, at: Some(at) });
            }
        }
        for name in names {
            if let Some(id) = id_of(&name) {
                self.send(Request::Remove(id));
            }
        }
    }

    /// Sets a snapshot's time by hand (`None`: back to the file's), and keeps it with the files.
    pub fn set_taken_at(self, id: u32, name: &str, at: Option<String>) {
        self.keep.time_set(name, at.clone());
        self.send(Request::SetTakenAt { id, at });
    }

    /// Removes a source, and forgets its kept file.
    pub fn remove(self, id: u32, name: &str) {
        self.keep.removed(name);
        self.send(Request::Remove(id));
    }

    pub fn load_sample(self) {
        self.keep.sample_loaded();
        self.send(Request::LoadSample);
    }

    /// Every file removed, kept ones too.
    pub fn clear_all(self) {
        self.keep.cleared();
        self.send(Request::ClearAll);
    }

    /// The decisions made here are kept in localStorage after each change, to survive a reload.
    fn keep_decisions(self) {
        let saved = self.session.with_value(|s| {
            s.decisions
                .as_ref()
                .filter(|d| d.save)
                .map(|d| d.saved_json.clone())
        });
        if let (Some(saved), Some(storage)) = (saved, storage()) {
            let _ = storage.set_item(SAVED_DECISIONS, &saved);
        }
    }

    pub fn decisions<R>(self, read: impl FnOnce(Option<&DecisionsView>) -> R) -> R {
        self.decisions_rev.track();
        self.session.with_value(|s| read(s.decisions.as_ref()))
    }

    /// Back to the organisation's settings or the defaults: the saved ones are forgotten.
    pub fn reset_settings(self) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(SAVED_PROFILE);
        }
        self.send(Request::ResetSettings);
    }

    /// Asks for a window of the explorer. Not a busy request: the answer comes alone, and one
    /// for a window scrolled past is dropped.
    pub fn ask_findings(self, query: FindingsQuery, start: u32, count: u32) {
        let id = self
            .session
            .try_update_value(Session::ask_findings)
            .unwrap_or_default();
        let request = Request::Findings(FindingsRequest {
            id,
            query,
            start,
            count,
        });
        if let Ok(json) = serde_json::to_string(&request) {
            let message = js_sys::Array::of1(&JsValue::from_str(&json));
            self.worker.with_value(|worker| {
                if let Some(worker) = worker {
                    let _ = worker.post_message(&message);
                }
            });
        }
    }

    pub fn settings<R>(self, read: impl FnOnce(Option<&SettingsView>) -> R) -> R {
        self.settings_rev.track();
        self.session.with_value(|s| read(s.settings.as_ref()))
    }

    pub fn findings<R>(self, read: impl FnOnce(Option<&FindingsWindow>) -> R) -> R {
        self.findings_rev.track();
        self.session.with_value(|s| read(s.findings.as_ref()))
    }

    fn break_down(self, message: String) {
        self.session.update_value(|s| s.break_down(message));
        self.busy.set(false);
        self.view_rev.update(|r| *r += 1);
    }

    pub fn busy(self) -> bool {
        self.busy.get()
    }

    pub fn view<R>(self, read: impl FnOnce(Option<&View>) -> R) -> R {
        self.view_rev.track();
        self.session.with_value(|s| read(s.view.as_ref()))
    }

    pub fn sources<R>(self, read: impl FnOnce(&[SourceRow]) -> R) -> R {
        self.sources_rev.track();
        self.session.with_value(|s| read(&s.sources))
    }

    /// One source row, without tracking: rows are keyed by id, state and snapshot time, so a
    /// row whose state or time changes is rendered anew.
    pub fn source_untracked(self, id: u32) -> Option<SourceRow> {
        self.session
            .with_value(|s| s.sources.iter().find(|r| r.id == id).cloned())
    }

    /// The session, for progress: re-read on every progress message.
    pub fn progress<R>(self, read: impl FnOnce(&Session) -> R) -> R {
        self.progress_rev.track();
        self.busy.track();
        self.session.with_value(read)
    }

    pub fn broken(self) -> Option<String> {
        self.view_rev.track();
        self.session.with_value(|s| s.broken.clone())
    }
}

/// Starts the worker under the page's Content-Security-Policy (`crate::spawn`) and listens to it.
fn spawn_worker(client: Client) -> Result<Worker, JsValue> {
    // The worker is told where its code is, to start the pool's helpers.
    let worker = crate::spawn::start(&crate::spawn::Code::of_page()?, false)?;

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match serde_json::from_str::<Response>(&text) {
            Ok(response) => client.receive(response),
            Err(e) => client.break_down(format!("The worker sent something unreadable: {e}")),
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        client.break_down(format!("The worker stopped: {}", event.message()));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}

/// Saves text as a file through a temporary `blob:` link.
pub fn save(download: &Download) {
    let saved = (|| -> Result<(), JsValue> {
        let options = BlobPropertyBag::new();
        options.set_type(&download.mime);
        let parts = js_sys::Array::of1(&JsValue::from_str(&download.content));
        let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = Url::create_object_url_with_blob(&blob)?;
        let link: HtmlAnchorElement = document().create_element("a")?.unchecked_into();
        link.set_href(&url);
        link.set_download(&download.file_name);
        link.click();
        // Revoking at once can cancel the download in some browsers; a minute later is safe.
        set_timeout(
            move || drop(Url::revoke_object_url(&url)),
            std::time::Duration::from_secs(60),
        );
        Ok(())
    })();
    if let Err(e) = saved {
        web_sys::console::error_2(&"posture: could not save a file".into(), &e);
    }
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}

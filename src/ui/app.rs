//! The app shell: header, drop zone, progress, the routed view, the privacy line.

use leptos::ev;
use leptos::prelude::*;
use web_sys::DragEvent;

use super::client::provide_client;
use super::drop_zone::DropZone;
use super::files;
use super::findings::FindingsView;
use super::header::Header;
use super::metrics::MetricsView;
use super::progress::BatchProgress;
use super::scorecard::ScorecardView;
use super::settings::SettingsPanel;
use super::sources::SourcesView;
use crate::core::session::Route;

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// The whole page. The whole window is a drop target.
#[component]
pub fn App() -> impl IntoView {
    let client = provide_client();
    let route = RwSignal::new(Route::from_hash(&current_hash()));
    let on_hash = window_event_listener(ev::hashchange, move |_| {
        route.set(Route::from_hash(&current_hash()))
    });
    on_cleanup(move || on_hash.remove());
    // Leaving with files that are not kept loses them: the browser asks first.
    let on_leave = window_event_listener(ev::beforeunload, move |event| {
        if client.keep.would_lose(client.sources(|s| !s.is_empty())) {
            event.prevent_default();
            event.set_return_value("Your files are not kept on this computer: leave anyway?");
        }
    });
    on_cleanup(move || on_leave.remove());
    let dragging = RwSignal::new(false);
    let has_sources = Memo::new(move |_| client.sources(|s| !s.is_empty()));
    // The document element carries `data-busy` too, for tools that look at the root of the page.
    Effect::new(move |_| {
        let busy = client.busy().to_string();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-busy", &busy);
        }
    });

    view! {
        <div
            id="posture"
            class="app"
            class:dragging=dragging
            data-busy=move || client.busy().to_string()
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |ev: DragEvent| {
                if ev.related_target().is_none() {
                    dragging.set(false);
                }
            }
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                files::dropped(ev.data_transfer(), client);
            }
        >
            <Header route=route />
            <DropZone compact=has_sources />
            <BatchProgress />
            {move || {
                client
                    .view(|v| v.and_then(|v| v.group_note.clone()))
                    .map(|note| {
                        let hook = note.clone();
                        view! { <p class="banner group-note" role="status" data-group-note=hook>{note}</p> }
                    })
            }}
            {move || client.broken().map(|message| view! { <p class="banner error" role="alert">{message}</p> })}
            <main>
                {move || match route.get() {
                    Route::Scorecard => view! { <ScorecardView /> }.into_any(),
                    Route::Metrics => view! { <MetricsView /> }.into_any(),
                    Route::Findings => view! { <FindingsView hash=current_hash() /> }.into_any(),
                    Route::Sources => view! { <SourcesView /> }.into_any(),
                    Route::Settings => view! { <SettingsPanel /> }.into_any(),
                }}
            </main>
            <footer class="privacy-footer">
                "Posture runs entirely in this browser tab. Files never leave this computer: there is no server, "
                "no telemetry, and the page's Content-Security-Policy forbids connections to any other site."
            </footer>
            <div class="drop-overlay" aria-hidden="true">
                <p>"Drop files or folders to add them"</p>
            </div>
        </div>
    }
}

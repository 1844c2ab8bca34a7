//! The start: a large drop zone, the file and folder pickers, the sample set, the privacy line.
//! Once files are loaded it shrinks to a bar; the whole window stays a drop target.

use leptos::html::Input;
use leptos::prelude::*;

use super::client::use_client;
use super::files;
use crate::core::protocol::Request;

/// `compact`: files are loaded, so show a slim bar instead of the full start panel.
#[component]
pub fn DropZone(#[prop(into)] compact: Signal<bool>) -> impl IntoView {
    let client = use_client();
    let input = NodeRef::<Input>::new();
    let choose_files = move |_| {
        if let Some(input) = input.get() {
            input.click();
        }
    };
    let formats = move || client.view(|v| v.map(|v| v.formats.join(", ")).unwrap_or_default());

    view! {
        <section class="drop-zone" class:compact=compact aria-label="Add files">
            <input
                type="file"
                multiple
                class="visually-hidden"
                // Reached through "choose files": not a stray, invisible tab stop.
                tabindex="-1"
                node_ref=input
                aria-label="Choose files"
                on:change=move |_| {
                    if let Some(input) = input.get() {
                        client.begin();
                        files::send(client, files::from_input(&input));
                    }
                }
            />
            <div class="drop-copy">
                <p class="drop-title">
                    {move || if compact.get() { "Drop more files here" } else { "Drop scanner and policy outputs here" }}
                </p>
                <p class="drop-choices">
                    "or "
                    <button type="button" class="link" on:click=choose_files>"choose files"</button>
                    " / "
                    <button type="button" class="link" on:click=move |_| files::choose_folder(client)>"a folder"</button>
                    <span class="drop-or">" · "</span>
                    <button type="button" class="sample" on:click=move |_| client.load_sample()>
                        "Try with sample data"
                    </button>
                </p>
                <p class="drop-formats">"Recognised by content: " {formats} "."</p>
                <p class="drop-formats">
                    "Incidents in a tracker Posture does not read? Fill in "
                    <button
                        type="button"
                        class="link"
                        data-action="download-incident-template"
                        on:click=move |_| client.send(Request::IncidentTemplate)
                    >
                        "the incident template (CSV)"
                    </button>
                    " and drop it here."
                </p>
            </div>
            <p class="privacy">
                <svg class="lock" width="14" height="16" viewBox="0 0 14 16" aria-hidden="true">
                    <rect x="1" y="7" width="12" height="9" rx="2" fill="currentColor"></rect>
                    <path d="M4 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="2"></path>
                </svg>
                "Files never leave this computer. Everything is read and computed in this tab."
            </p>
            <KeepFiles />
        </section>
    }
}

/// "Keep my files on this computer": off by default, said plainly.
#[component]
fn KeepFiles() -> impl IntoView {
    let client = use_client();
    let keep = client.keep;
    view! {
        <div class="keep">
            <label class="check">
                <input
                    type="checkbox"
                    data-action="keep-files"
                    prop:checked=move || keep.is_on()
                    on:change=move |ev| keep.set(event_target_checked(&ev))
                />
                "Keep my files on this computer"
            </label>
            <span class="keep-note">
                {move || if keep.is_on() {
                    "On: this browser keeps a copy of the files (IndexedDB, on this computer only) and loads them again next time. Clear all in Sources removes them."
                } else {
                    "Off: the files are read into this tab only and are gone when it closes."
                }}
            </span>
            {move || {
                let error = keep.error.get();
                (!error.is_empty()).then(|| view! { <p class="banner error" role="alert">{error}</p> })
            }}
        </div>
    }
}

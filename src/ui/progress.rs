//! The progress of the batch being loaded: files and bytes; and, for screen readers, a live
//! region that says how the batch goes and what became of it.

use leptos::prelude::*;

use super::client::use_client;
use crate::core::present::human_size;

/// Shown while files load. The live region stays on the page (one added with its text would
/// not be read out) and speaks in whole files, not bytes.
#[component]
pub fn BatchProgress() -> impl IntoView {
    let client = use_client();
    let bar = move || {
        client.progress(|s| s.progress()).map(|p| {
            let text = format!(
                "Loading {} of {} files · {} of {}",
                p.files_done.min(p.files),
                p.files,
                human_size(p.bytes_done),
                human_size(p.bytes)
            );
            view! {
                <div class="batch-progress" aria-hidden="true">
                    <progress max=p.bytes.max(1) value=p.bytes_done></progress>
                    <span>{text}</span>
                </div>
            }
        })
    };
    let said = move || client.progress(|s| s.announcement());
    view! {
        {bar}
        <p class="visually-hidden" role="status" aria-live="polite" data-announcement=said>
            {said}
        </p>
    }
}

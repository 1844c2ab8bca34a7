//! The progress of the batch being loaded: files and bytes.

use leptos::prelude::*;

use super::client::use_client;
use crate::core::present::human_size;

/// Shown while files load.
#[component]
pub fn BatchProgress() -> impl IntoView {
    let client = use_client();
    move || {
        client.progress(|s| s.progress()).map(|p| {
            let text = format!(
                "Loading {} of {} files · {} of {}",
                p.files_done.min(p.files),
                p.files,
                human_size(p.bytes_done),
                human_size(p.bytes)
            );
            view! {
                <div class="batch-progress" role="status">
                    <progress max=p.bytes.max(1) value=p.bytes_done></progress>
                    <span>{text}</span>
                </div>
            }
        })
    }
}

//! One KPI: value, target, status in colour and in words, and how it is measured.

use leptos::prelude::*;

use crate::core::protocol::Tile;

/// Carries the SPEC §9 hooks `data-kpi`, `data-status` and `data-value`.
#[component]
pub fn KpiTile(tile: Tile) -> impl IntoView {
    let raw = tile.value.map(|v| v.to_string()).unwrap_or_default();
    let inputs = (!tile.inputs.is_empty()).then(|| {
        view! {
            <p class="inputs">
                "From: "
                {tile.inputs.join(", ")}
            </p>
        }
    });
    let notes = tile
        .notes
        .into_iter()
        .map(|n| view! { <li>{n}</li> })
        .collect_view();
    view! {
        <article
            class=format!("tile status-{}", tile.status)
            data-kpi=tile.id
            data-status=tile.status.clone()
            data-value=raw
        >
            <header>
                <h3>{tile.label}</h3>
                <span class="status">{tile.status_label}</span>
            </header>
            <p class="value">{tile.value_text}</p>
            <p class="target">"Target " {tile.target_text}</p>
            {tile.missing.map(|m| view! { <p class="missing">{m}</p> })}
            <details class="formula">
                <summary>"How it is measured"</summary>
                <p class="formula-text">{tile.formula}</p>
                {tile.ratio_text.map(|r| view! { <p class="ratio">{r}</p> })}
                {inputs}
                <ul class="notes">{notes}</ul>
            </details>
        </article>
    }
}

//! One KPI: value, target, status in colour and in words, and how it is measured.

use leptos::prelude::*;

use crate::core::protocol::Tile;

/// Carries the SPEC §9 hooks `data-kpi`, `data-status` and `data-value`.
#[component]
pub fn KpiTile(tile: Tile) -> impl IntoView {
    let change = tile.delta_text.clone().map(|delta| {
        let trend = tile.trend.clone().unwrap_or_default();
        let words = match trend.as_str() {
            "better" => "better",
            "worse" => "worse",
            _ => "unchanged",
        };
        view! {
            <p class=format!("change trend-{trend}") data-trend=trend.clone()>
                <span class="delta">{delta}</span>
                " "
                <span class="trend-word">{words}</span>
                <span class="sub">" · " {tile.previous_text.clone().unwrap_or_default()}</span>
            </p>
        }
    });
    let spark = (!tile.spark.is_empty()).then(|| {
        let label = format!("{}: {}", tile.label, tile.spark_text);
        let title = label.clone();
        view! {
            <svg class="spark" viewBox="0 0 120 28" width="120" height="28" role="img" aria-label=label>
                <title>{title}</title>
                <polyline points=tile.spark.clone() fill="none" stroke-width="1.5"></polyline>
            </svg>
        }
    });
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
    let label = tile.label.clone();
    view! {
        <article
            class=format!("tile status-{}", tile.status)
            data-kpi=tile.id
            data-status=tile.status.clone()
            data-value=tile.value_raw
            data-previous=tile.previous_raw
            data-stale=tile.stale.to_string()
        >
            <header>
                <h3>{tile.label}</h3>
                <span class="status">{tile.status_label}</span>
            </header>
            <p class="value">{tile.value_text}</p>
            <p class="target">"Target " {tile.target_text}</p>
            {tile.as_of_text.map(|t| view! { <p class="as-of">{t}</p> })}
            {tile.stale_text.map(|t| view! { <p class="stale"><span class="stale-mark">"Stale"</span>" "{t}</p> })}
            {tile.guessed_text.map(|t| view! { <p class="guessed"><a href="#/sources">{t}</a></p> })}
            {change}
            {spark}
            {tile.missing.map(|m| view! { <p class="missing">{m}</p> })}
            <details class="formula">
                // Said with its KPI, so a list of these controls names each one.
                <summary>"How it is measured"<span class="visually-hidden">{format!(": {label}")}</span></summary>
                <p class="formula-text">{tile.formula}</p>
                {tile.ratio_text.map(|r| view! { <p class="ratio">{r}</p> })}
                {inputs}
                <ul class="notes">{notes}</ul>
            </details>
        </article>
    }
}

//! The executive scorecard: the overall score, the period, and a tile per KPI — measured ones
//! first, then those still waiting for their sources.

use leptos::prelude::*;

use super::client::use_client;
use super::kpi_tile::KpiTile;
use crate::core::evidence::PeriodChoice;
use crate::core::protocol::{Request, View};

#[component]
pub fn ScorecardView() -> impl IntoView {
    let client = use_client();
    move || {
        client
            .view(|view| view.cloned())
            .map(|view| view! { <Scorecard view=view /> })
    }
}

#[component]
fn Scorecard(view: View) -> impl IntoView {
    let (measured, waiting): (Vec<_>, Vec<_>) =
        view.tiles.into_iter().partition(|t| t.value.is_some());
    let waiting_title = if measured.is_empty() {
        "Every KPI is waiting for its sources"
    } else {
        "Not measured yet"
    };
    view! {
        <section class="scorecard">
            <div class="scorecard-head">
                <div class="overall" data-overall=view.overall.map(|v| v.to_string()).unwrap_or_default()>
                    <span class="overall-label">"Posture score"</span>
                    <span class="overall-value">{view.overall_text}</span>
                    <span class="overall-scale">" / 100"</span>
                    <details class="formula">
                        <summary>"How it is computed"</summary>
                        <p>{view.overall_formula}</p>
                    </details>
                </div>
                <PeriodSelect current=view.period />
                <p class="period-text">{view.period_text}</p>
            </div>
            {view
                .failed_text
                .map(|text| {
                    view! {
                        <p class="banner warning" role="status">
                            <a href="#/sources">{text}</a>
                        </p>
                    }
                })}
            {(!measured.is_empty())
                .then(|| {
                    view! {
                        <div class="tiles">
                            {measured.into_iter().map(|tile| view! { <KpiTile tile=tile /> }).collect_view()}
                        </div>
                    }
                })}
            {(!waiting.is_empty())
                .then(|| {
                    view! {
                        <h2 class="waiting-title">{waiting_title}</h2>
                        <div class="tiles waiting">
                            {waiting.into_iter().map(|tile| view! { <KpiTile tile=tile /> }).collect_view()}
                        </div>
                    }
                })}
            {view
                .compute_ms
                .map(|ms| {
                    view! {
                        <p class="compute-time" data-compute-ms=ms.to_string()>
                            {format!("Computed in {ms:.0} ms, in this browser.")}
                        </p>
                    }
                })}
        </section>
    }
}

fn choice_id(choice: PeriodChoice) -> String {
    match choice {
        PeriodChoice::All => "all".into(),
        PeriodChoice::LastDays(days) => days.to_string(),
    }
}

/// The period every number is scoped to.
#[component]
fn PeriodSelect(current: PeriodChoice) -> impl IntoView {
    let client = use_client();
    let on_change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if let Some(choice) = PeriodChoice::CHOICES
            .into_iter()
            .find(|c| choice_id(*c) == id)
        {
            client.send(Request::SetPeriod(choice));
        }
    };
    view! {
        <label class="period">
            <span>"Period"</span>
            <select data-action="period" on:change=on_change>
                {PeriodChoice::CHOICES
                    .map(|c| view! { <option value=choice_id(c) selected=c == current>{c.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

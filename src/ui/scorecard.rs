//! The executive scorecard: the overall score, the period, and a tile per KPI — measured ones
//! first, then those still waiting for their sources.

use leptos::prelude::*;

use super::client::use_client;
use super::kpi_tile::KpiTile;
use crate::core::evidence::PeriodChoice;
use crate::core::protocol::{Request, View};
use crate::core::time::{MS_PER_DAY, Timestamp};

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
                <div class="overall" data-overall=view.overall_raw>
                    <span class="overall-label">"Posture score"</span>
                    <span class="overall-value">{view.overall_text}</span>
                    <span class="overall-scale">" / 100"</span>
                    {view
                        .overall_delta_text
                        .map(|d| view! { <span class="overall-delta">{d}" vs the previous period"</span> })}
                    <details class="formula">
                        <summary>"How it is computed"</summary>
                        <p>{view.overall_formula}</p>
                        <p><a href="#/settings">"Weights and targets are in Settings."</a></p>
                    </details>
                </div>
                <PeriodSelect current=view.period />
                <p class="period-text">{view.period_text}</p>
                <p class="previous-text">{view.previous_text}</p>
                <SettingsOrigin />
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
                            {format!("Computed in {ms} ms, in this browser.")}
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
        PeriodChoice::Range { .. } => "custom".into(),
    }
}

/// "YYYY-MM-DD" of a time, for a date input.
fn date_value(ms: i64) -> String {
    Timestamp(ms).day()
}

/// The period every number is scoped to: all data, the last 7, 30 or 90 days, or a custom
/// range of whole days (UTC).
#[component]
fn PeriodSelect(current: PeriodChoice) -> impl IntoView {
    let client = use_client();
    let custom = RwSignal::new(matches!(current, PeriodChoice::Range { .. }));
    let (from, to) = match current {
        PeriodChoice::Range { from, to } => (date_value(from), date_value(to)),
        _ => (String::new(), String::new()),
    };
    let from = RwSignal::new(from);
    let to = RwSignal::new(to);
    let on_change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if id == "custom" {
            custom.set(true);
            return;
        }
        custom.set(false);
        if let Some(choice) = PeriodChoice::CHOICES
            .into_iter()
            .find(|c| choice_id(*c) == id)
        {
            client.send(Request::SetPeriod(choice));
        }
    };
    let apply = move |_| {
        let day = |text: String| Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z"));
        if let (Some(a), Some(b)) = (day(from.get()), day(to.get())) {
            // The last day is included whole.
            let (a, b) = (a.0.min(b.0), a.0.max(b.0));
            client.send(Request::SetPeriod(PeriodChoice::Range {
                from: a,
                to: b + MS_PER_DAY - 1,
            }));
        }
    };
    view! {
        <div class="period">
            <label>
                <span>"Period"</span>
                <select data-action="period" on:change=on_change>
                    {PeriodChoice::CHOICES
                        .map(|c| view! { <option value=choice_id(c) selected=c == current>{c.label()}</option> })
                        .collect_view()}
                    <option value="custom" selected=matches!(current, PeriodChoice::Range { .. })>"Custom range…"</option>
                </select>
            </label>
            <Show when=move || custom.get()>
                <span class="range">
                    <label>
                        <span>"From"</span>
                        <input type="date" data-action="period-from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        <span>"To"</span>
                        <input type="date" data-action="period-to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" data-action="period-apply" on:click=apply>"Apply"</button>
                </span>
            </Show>
        </div>
    }
}

/// Where the settings in force come from: the defaults, the user's, the organisation's.
#[component]
fn SettingsOrigin() -> impl IntoView {
    let client = use_client();
    move || {
        client.settings(|s| {
            s.map(|s| {
                view! {
                    <p class="settings-origin" data-settings-origin=s.origin_text.clone()>
                        "Settings: "
                        <a href="#/settings">{s.origin_text.clone()}</a>
                    </p>
                }
            })
        })
    }
}

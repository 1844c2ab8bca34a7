//! The executive scorecard: the overall score, the period, and a tile per KPI — measured ones
//! first, then those still waiting for their sources.

use leptos::prelude::*;

use super::client::use_client;
use super::kpi_tile::KpiTile;
use super::section::SectionView;
use crate::core::evidence::PeriodChoice;
use crate::core::protocol::{Request, Summary, View};

/// What the custom range controls hold while the user picks: kept across views (a file finishing
/// its parse sends a new one) until the range is applied or another period chosen.
#[derive(Clone, Copy)]
struct RangeInput {
    shown: RwSignal<bool>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

#[component]
pub fn ScorecardView() -> impl IntoView {
    let client = use_client();
    let range = RangeInput {
        shown: RwSignal::new(false),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
    };
    move || {
        client
            .view(|view| view.cloned())
            .map(|view| view! { <Scorecard view=view range=range /> })
    }
}

#[component]
fn Scorecard(view: View, range: RangeInput) -> impl IntoView {
    let (measured, waiting): (Vec<_>, Vec<_>) =
        view.tiles.into_iter().partition(|t| t.value.is_some());
    let measured_none = measured.is_empty();
    let waiting_title = if measured.is_empty() {
        "Every KPI is waiting for its sources"
    } else {
        "Not measured yet"
    };
    view! {
        <section class="scorecard">
            <h2 class="visually-hidden">"Scorecard"</h2>
            <div class="scorecard-head">
                <div class=format!("overall state-{}", view.overall_state) data-overall=view.overall_raw data-overall-state=view.overall_state.clone()>
                    <span class="overall-label">"Posture score"</span>
                    <span class="overall-value">{view.overall_text}</span>
                    <span class="overall-scale">" / 100"</span>
                    {view
                        .overall_delta_text
                        .map(|d| view! { <span class="overall-delta">{d}" vs the previous period"</span> })}
                    <p class="overall-basis">{view.overall_basis_text}</p>
                    {view.overall_caveat.map(|c| view! { <p class="overall-caveat" role="note">{c}</p> })}
                    <details class="formula">
                        <summary>"How the score is computed"</summary>
                        <p>{view.overall_formula}</p>
                        {view.overall_without_text.map(|t| view! { <p>{t}</p> })}
                        {view.overall_stale_text.map(|t| view! { <p>{t}</p> })}
                        <p><a href="#/settings">"Weights, targets and how KPIs without data count are in Settings."</a></p>
                    </details>
                </div>
                <PeriodSelect current=view.period days=view.range.clone() range=range />
                <p class="period-text">{view.period_text}</p>
                <p class="previous-text">{view.previous_text}</p>
                <SettingsOrigin />
            </div>
            <ExecutiveSummary summary=view.summary.clone() />
            {view
                .period_error
                .map(|e| {
                    let hook = e.clone();
                    view! { <p class="banner error" role="alert" data-period-error=hook>{e}</p> }
                })}
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
            // KPIs without data fold into one line (open when nothing is measured yet: then
            // they say what to drop).
            {(!waiting.is_empty())
                .then(|| {
                    let count = waiting.len();
                    view! {
                        <details class="waiting" open=measured_none>
                            <summary>
                                <h2 class="waiting-title">{format!("{waiting_title} ({count})")}</h2>
                            </summary>
                            <div class="tiles waiting">
                                {waiting.into_iter().map(|tile| view! { <KpiTile tile=tile /> }).collect_view()}
                            </div>
                        </details>
                    }
                })}
            <div class="audit">
                <SectionView section=view.audit />
            </div>
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

/// The period every number is scoped to: all data, the last 7, 30 or 90 days, or a custom
/// range of whole days (UTC), which the worker reads from the date inputs' text.
#[component]
fn PeriodSelect(
    current: PeriodChoice,
    days: Option<(String, String)>,
    range: RangeInput,
) -> impl IntoView {
    let client = use_client();
    let is_range = matches!(current, PeriodChoice::Range { .. });
    if is_range {
        range.shown.set(true);
    }
    // The range in force fills inputs the user has not touched.
    if let Some((from, to)) = days
        && range.from.get_untracked().is_empty()
        && range.to.get_untracked().is_empty()
    {
        range.from.set(from);
        range.to.set(to);
    }
    let on_change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if id == "custom" {
            range.shown.set(true);
            return;
        }
        range.shown.set(false);
        if let Some(choice) = PeriodChoice::CHOICES
            .into_iter()
            .find(|c| choice_id(*c) == id)
        {
            client.send(Request::SetPeriod(choice));
        }
    };
    let apply = move |_| {
        client.send(Request::SetRange {
            from: range.from.get_untracked(),
            to: range.to.get_untracked(),
        })
    };
    view! {
        <div class="period">
            <label>
                <span>"Period"</span>
                <select data-action="period" on:change=on_change>
                    {PeriodChoice::CHOICES
                        .map(|c| view! { <option value=choice_id(c) selected=c == current && !range.shown.get_untracked()>{c.label()}</option> })
                        .collect_view()}
                    <option value="custom" selected=is_range || range.shown.get_untracked()>"Custom range…"</option>
                </select>
            </label>
            <Show when=move || range.shown.get()>
                <span class="range">
                    <label>
                        <span>"From"</span>
                        <input type="date" data-action="period-from" prop:value=move || range.from.get() on:change=move |ev| range.from.set(event_target_value(&ev)) />
                    </label>
                    <label>
                        <span>"To"</span>
                        <input type="date" data-action="period-to" prop:value=move || range.to.get() on:change=move |ev| range.to.set(event_target_value(&ev)) />
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

/// What matters most now, and what moved most, in words, above the tiles.
#[component]
fn ExecutiveSummary(summary: Summary) -> impl IntoView {
    let counts = summary
        .counts
        .into_iter()
        .map(|c| {
            view! {
                <div class=format!("summary-count status-{}", c.status) data-summary=c.id>
                    <span class="summary-value">{c.value_text}</span>
                    <span class="summary-label">{c.label}</span>
                </div>
            }
        })
        .collect_view();
    let movers = summary
        .movers
        .into_iter()
        .map(|m| view! { <li>{m}</li> })
        .collect_view();
    view! {
        <section class="summary" aria-label="Summary">
            <div class="summary-counts">{counts}</div>
            <div class="summary-movers">
                <h2>"What moved most"</h2>
                <ul>{movers}</ul>
                {summary.movers_note.map(|n| view! { <p class="metrics-note">{n}</p> })}
            </div>
        </section>
    }
}

//! The header: the name, the tabs, and the scorecard's actions.

use leptos::prelude::*;

use super::client::use_client;
use crate::core::protocol::{ExportKind, Request};
use crate::core::session::Route;

/// Tabs and actions. `route` is the view shown.
#[component]
pub fn Header(route: RwSignal<Route>) -> impl IntoView {
    let client = use_client();
    let counts = Memo::new(move |_| {
        client.sources(|rows| {
            let failed = rows.iter().filter(|r| r.error.is_some()).count();
            (rows.len(), failed)
        })
    });
    let tab = move |r: Route| {
        let label = move || match (r, counts.get()) {
            (Route::Sources, (n, _)) if n > 0 => format!("{} ({n})", r.label()),
            _ => r.label().to_string(),
        };
        let failed = move || match (r, counts.get()) {
            (Route::Sources, (_, failed)) if failed > 0 => Some(
                view! { <span class="badge failed" title="files that could not be read">{failed}" failed"</span> },
            ),
            _ => None,
        };
        view! {
            <a href=r.hash() class="tab" class:active=move || route.get() == r aria-current=move || (route.get() == r).then_some("page")>
                {label}
                {failed}
            </a>
        }
    };
    let no_data = Memo::new(move |_| client.view(|v| v.is_none_or(|v| v.loaded == 0)));

    view! {
        <header class="top">
            <h1 class="brand">
                <span class="logo" aria-hidden="true">"◆"</span>
                <span class="name">"Posture"</span>
                <span class="tagline">"security scorecard"</span>
            </h1>
            <nav class="tabs" aria-label="Views">{Route::ALL.map(tab).collect_view()}</nav>
            <div class="actions">
                <GroupSelect />
                <button
                    type="button"
                    data-action="export-scorecard"
                    title="Download the scorecard as posture.scorecard.v1 JSON"
                    on:click=move |_| client.send(Request::ExportScorecard)
                >
                    "Export JSON"
                </button>
                <ExportButton action="export-kpis-csv" kind=ExportKind::KpisCsv label="KPIs CSV" title="Download every KPI as CSV: value, target, status, numerator, denominator, formula, inputs" />
                <ExportButton action="export-report" kind=ExportKind::Report label="Report" title="Download a self-contained HTML report (no script) to send to people who do not run Posture" />
                <button type="button" disabled=no_data title="Print the scorecard on one page" on:click=move |_| {
                    let _ = window().print();
                }>"Print"</button>
            </div>
        </header>
    }
}

/// A button that asks the worker for one file (`core::exports`) for the period in force.
#[component]
pub fn ExportButton(
    action: &'static str,
    kind: ExportKind,
    label: &'static str,
    title: &'static str,
) -> impl IntoView {
    let client = use_client();
    view! {
        <button type="button" data-action=action title=title on:click=move |_| client.send(Request::Export(kind))>
            {label}
        </button>
    }
}

/// Every view limited to one group of assets, when groups are given (in Sources).
#[component]
fn GroupSelect() -> impl IntoView {
    let client = use_client();
    move || {
        let (groups, current) = client.view(|v| {
            v.map(|v| (v.groups.clone(), v.group.clone()))
                .unwrap_or_default()
        });
        (!groups.is_empty()).then(|| {
            let options = groups
                .into_iter()
                .map(|g| {
                    let selected = g == current;
                    view! { <option value=g.clone() selected=selected>{g.clone()}</option> }
                })
                .collect_view();
            view! {
                <label class="group-select">
                    <span class="visually-hidden">"Assets shown"</span>
                    <select data-action="group" on:change=move |ev| client.send(Request::SetGroup(event_target_value(&ev)))>
                        <option value="" selected=current.is_empty()>"All assets"</option>
                        {options}
                    </select>
                </label>
            }
        })
    }
}

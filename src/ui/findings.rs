//! The findings explorer: filters, search and sort over every finding, with a virtualised table.
//! The worker owns the rows; the page asks for the window in view (plus a margin) and renders
//! only that, so a million findings scroll as smoothly as ten.

use leptos::prelude::*;

use super::client::use_client;
use super::triage::{Chosen, DecisionsList, TriagePanel};
use crate::core::explorer::{COLUMNS, Filter, filter_of};
use crate::core::protocol::{FindingRow, FindingsQuery, Request};
use crate::core::session::hash_params;
use crate::core::viewport::Viewport;

/// One row's height in px (the stylesheet's `.findings-row` agrees).
const ROW: f64 = 32.0;
/// Rows rendered beyond the visible ones, above and below.
const MARGIN: u32 = 20;
/// The scroller's height in px (`.findings-scroller`).
const VIEWPORT: f64 = 560.0;
/// Below every browser's cap on an element's height; above it, scroll positions are scaled onto
/// the rows (`core::viewport`).
const MAX_HEIGHT: f64 = 8_000_000.0;
/// Rows asked for: those in view and the margins.
const WINDOW: u32 = (VIEWPORT / ROW) as u32 + 1 + 2 * MARGIN;

/// The explorer, its filters taken from the hash (`#/findings?rule=CVE-…&status=open`).
#[component]
pub fn FindingsView(hash: String) -> impl IntoView {
    let client = use_client();
    let mut initial = FindingsQuery::default();
    for (key, value) in hash_params(&hash) {
        match key.as_str() {
            "q" => initial.text = value,
            "sort" => initial.sort = value,
            _ => initial.filters.push((key, value)),
        }
    }
    let query = RwSignal::new(initial);
    let chosen = Chosen::new();
    let first = RwSignal::new(0u32);
    // The scroll position, in px.
    let top = RwSignal::new(0.0f64);
    let scroller = NodeRef::<leptos::html::Div>::new();
    // A new query shows its first rows: the scroller goes back to the top with them (left deep
    // down a longer list, it would show an empty stretch).
    let to_top = move || {
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        top.set(0.0);
        first.set(0);
    };
    // Any change of query or position asks for the window in view.
    Effect::new(move |_| {
        let start = first.get().saturating_sub(MARGIN);
        client.ask_findings(query.get(), start, WINDOW);
    });
    // A row picked for triage is a place in one query's order: another query forgets it.
    Effect::new(move |_| {
        query.track();
        chosen.clear();
    });
    // A new view of the data (files, period, settings) asks again.
    Effect::new(move |previous: Option<()>| {
        client.view(|_| ());
        if previous.is_some() {
            client.ask_findings(
                query.get_untracked(),
                first.get_untracked().saturating_sub(MARGIN),
                WINDOW,
            );
        }
    });
    let total = move || client.findings(|w| w.map_or(0, |w| w.total));
    let list = move || Viewport {
        rows: total(),
        row_px: ROW,
        viewport_px: VIEWPORT,
        max_px: MAX_HEIGHT,
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let target: web_sys::Element = event_target(&ev);
        let position = f64::from(target.scroll_top());
        top.set(position);
        let row = list().first_row(position);
        if row != first.get_untracked() {
            first.set(row);
        }
    };
    let set_filter = move |column: &'static str, value: String| {
        query.update(|q| {
            q.filters.retain(|(c, _)| c != column);
            if !value.is_empty() {
                q.filters.push((column.to_string(), value));
            }
        });
        to_top();
    };
    let filter_value = move |column: &'static str| {
        query.with(|q| {
            q.filters
                .iter()
                .find(|(c, _)| c == column)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    // A filter under each column header: a choice, a part of the text, or a minimum age.
    let filters = COLUMNS
        .iter()
        .map(|(id, label)| {
            let id: &'static str = id;
            let name = format!("Filter by {}", label.to_ascii_lowercase());
            let on_change = move |ev: leptos::ev::Event| set_filter(id, event_target_value(&ev));
            let control = match filter_of(id) {
                Filter::Choice(options) => view! {
                    <select data-filter=id aria-label=name on:change=on_change>
                        <option value="" selected=move || filter_value(id).is_empty()>"Any"</option>
                        {options
                            .iter()
                            .map(|o| view! { <option value=*o selected=move || filter_value(id) == *o>{o.replace('_', " ")}</option> })
                            .collect_view()}
                    </select>
                }
                .into_any(),
                Filter::AtLeast => view! {
                    <input type="number" min="0" placeholder="≥ days" data-filter=id aria-label=name prop:value=move || filter_value(id) on:change=on_change />
                }
                .into_any(),
                Filter::Text => view! {
                    <input type="search" data-filter=id aria-label=name prop:value=move || filter_value(id) on:change=on_change />
                }
                .into_any(),
            };
            view! { <span class=format!("cell col-{id}") role="cell">{control}</span> }
        })
        .collect_view();
    let sort_by = move |column: &'static str| {
        query.update(|q| {
            if q.sort == column {
                q.descending = !q.descending;
            } else {
                q.sort = column.to_string();
                q.descending = matches!(column, "age" | "first_seen");
            }
        });
        to_top();
    };
    let header = COLUMNS
        .iter()
        .map(|(id, label)| {
            let id: &'static str = id;
            let sorted = move || {
                query.with(|q| match (q.sort == id, q.descending) {
                    (true, true) => "descending",
                    (true, false) => "ascending",
                    _ => "none",
                })
            };
            view! {
                <span class=format!("cell col-{id}") role="columnheader" aria-sort=sorted>
                    <button type="button" class="link" data-sort=id title=format!("Sort by {}", label.to_ascii_lowercase()) on:click=move |_| sort_by(id)>{*label}</button>
                </span>
            }
        })
        .collect_view();
    // The rendered rows, placed so the row the scroll position stands for is at its top.
    let placement = move || {
        let (start, count) =
            client.findings(|w| w.map_or((0, 0), |w| (w.start, w.rows.len() as u32)));
        list().place(top.get(), start, count)
    };
    let rows = move || {
        client.findings(|w| {
            let start = w.map_or(0, |w| w.start);
            w.map(|w| w.rows.clone())
                .unwrap_or_default()
                .into_iter()
                .zip(start..)
                .map(|(r, i)| row(r, i, chosen))
                .collect_view()
        })
    };
    view! {
        <section class="findings" data-findings-total=move || total().to_string()>
            <h2>"Findings"</h2>
            <div class="findings-filters">
                <label class="field search">
                    <span>"Search"</span>
                    <input
                        type="search"
                        data-filter="text"
                        placeholder="rule, title, asset, package, location, tool"
                        prop:value=move || query.with(|q| q.text.clone())
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            query.update(|q| q.text = text);
                            to_top();
                        }
                    />
                </label>
            </div>
            <p class="findings-summary">
                {move || client.findings(|w| w.map(|w| w.summary_text.clone()).unwrap_or_default())}
                " "
                <button type="button" data-action="export-csv" on:click=move |_| client.send(Request::ExportFindings(query.get_untracked()))>
                    "Export this view as CSV"
                </button>
                " "
                <button type="button" class="link" on:click=move |_| {
                    query.set(FindingsQuery::default());
                    to_top();
                }>"Clear filters"</button>
            </p>
            <TriagePanel query=query chosen=chosen />
            <div class="findings-table" role="table" aria-label="Findings" aria-rowcount=move || (total() + 2).to_string()>
                <div class="findings-row head" role="row" aria-rowindex="1">{header}</div>
                <div class="findings-row filters" role="row" aria-rowindex="2">{filters}</div>
                // Focusable, so the keyboard scrolls it (arrows, Page Down, End).
                <div class="findings-scroller" node_ref=scroller on:scroll=on_scroll tabindex="0" role="rowgroup" aria-label="Findings, scroll for more">
                    // Whole pixels: the page formats no fractions.
                    <div class="findings-spacer" style:height=move || format!("{}px", list().height().round() as i64)>
                        <div
                            class="findings-window"
                            style:top=move || format!("{}px", placement().top.round() as i64)
                            style:height=move || format!("{}px", placement().height.round() as i64)
                        >
                            {rows}
                        </div>
                    </div>
                </div>
            </div>
            <DecisionsList />
        </section>
    }
}

/// One row, the `index`-th of those matching: a cell per column, the severity as a badge; each
/// cell's full text as its tooltip (the title's is where the finding is). `aria-rowindex` tells
/// assistive technology (and tests) where a row of a partly rendered table stands; the header
/// and the filters are rows 1 and 2.
fn row(row: FindingRow, index: u32, chosen: Chosen) -> impl IntoView {
    let cell_of = |column: &str| {
        COLUMNS
            .iter()
            .position(|(c, _)| *c == column)
            .and_then(|i| row.cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let label = [cell_of("rule"), cell_of("package"), cell_of("asset")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let cells = COLUMNS
        .iter()
        .zip(row.cells)
        .map(|((id, _), text)| {
            let class = format!("cell col-{id}");
            match *id {
                "severity" => {
                    let badge = format!("sev sev-{text}");
                    view! { <span class=class role="cell"><span class=badge>{text}</span></span> }
                        .into_any()
                }
                // The rule picks the row for triage.
                "rule" => {
                    let label = label.clone();
                    let tip = format!("Select {text} for triage");
                    view! {
                        <span class=class role="cell">
                            <button type="button" class="link pick" data-action="pick-finding" title=tip on:click=move |_| chosen.pick(index, label.clone())>
                                {text}
                            </button>
                        </span>
                    }
                    .into_any()
                }
                _ => {
                    let tip = if *id == "title" {
                        row.location.clone()
                    } else {
                        text.clone()
                    };
                    view! { <span class=class role="cell" title=tip>{text}</span> }.into_any()
                }
            }
        })
        .collect_view();
    view! {
        <div class=format!("findings-row severity-{} sla-{}", row.severity, row.sla) class:chosen=move || chosen.is(index) role="row" aria-rowindex=(index + 3).to_string() data-finding=row.fingerprint>
            {cells}
        </div>
    }
}

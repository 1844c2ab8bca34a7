//! Triage in the explorer: mark the chosen finding, or every one the filters match, as an
//! accepted risk or a false positive; and the decisions in force, made here or read from files.

use leptos::prelude::*;

use super::client::use_client;
use crate::core::protocol::{DecideRequest, DecisionRow, FindingsQuery, Request};

/// The row picked for triage: its place in the query's order, and what it is. Two plain
/// signals rather than one of a struct: each signal type costs the page its own code.
#[derive(Clone, Copy)]
pub struct Chosen {
    row: RwSignal<u32>,
    label: RwSignal<String>,
}

impl Chosen {
    const NONE: u32 = u32::MAX;

    pub fn new() -> Chosen {
        Chosen {
            row: RwSignal::new(Chosen::NONE),
            label: RwSignal::new(String::new()),
        }
    }

    pub fn pick(self, row: u32, label: String) {
        self.label.set(label);
        self.row.set(row);
    }

    pub fn clear(self) {
        self.row.set(Chosen::NONE);
    }

    pub fn row(self) -> Option<u32> {
        Some(self.row.get()).filter(|r| *r != Chosen::NONE)
    }

    fn row_untracked(self) -> Option<u32> {
        Some(self.row.get_untracked()).filter(|r| *r != Chosen::NONE)
    }

    pub fn is(self, row: u32) -> bool {
        self.row.get() == row
    }
}

#[component]
pub fn TriagePanel(query: RwSignal<FindingsQuery>, chosen: Chosen) -> impl IntoView {
    let client = use_client();
    let triage = RwSignal::new("accepted_risk".to_string());
    let reason = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let total = move || client.findings(|w| w.map_or(0, |w| w.total));
    let mark = move |row: Option<u32>| {
        client.send(Request::Decide(DecideRequest {
            query: query.get_untracked(),
            row,
            triage: triage.get_untracked(),
            reason: reason.get_untracked(),
            expires: expires.get_untracked(),
        }));
    };
    let outcome = move || {
        client.decisions(|d| {
            d.map(|d| match (&d.error, &d.done_text) {
                (Some(e), _) => {
                    let text = format!("Not marked, nothing changed: {e}");
                    view! { <p class="banner error" role="alert" data-triage-error=e.clone()>{text}</p> }
                        .into_any()
                }
                (None, Some(done)) => {
                    view! { <p class="triage-done" role="status">{done.clone()}</p> }.into_any()
                }
                (None, None) => ().into_any(),
            })
        })
    };
    let option = move |id: &'static str, label: &'static str| {
        view! {
            <label class="check">
                <input
                    type="radio"
                    name="triage"
                    value=id
                    prop:checked=move || triage.get() == id
                    on:change=move |_| triage.set(id.to_string())
                />
                {label}
            </label>
        }
    };
    view! {
        <section class="triage" aria-labelledby="triage-title">
            <h3 id="triage-title">"Triage"</h3>
            <p class="triage-chosen" data-chosen=move || chosen.row().map(|r| r.to_string()).unwrap_or_default()>
                {move || match chosen.row() {
                    Some(_) => view! {
                        "Selected: "
                        <strong>{chosen.label.get()}</strong>
                        " "
                        <button type="button" class="link" on:click=move |_| chosen.clear()>"Clear the selection"</button>
                    }
                    .into_any(),
                    None => "Pick a finding by its rule to mark it, or mark every finding the filters match.".into_any(),
                }}
            </p>
            <div class="triage-form">
                <fieldset>
                    <legend>"Mark as"</legend>
                    {option("accepted_risk", "Accepted risk")}
                    {option("false_positive", "False positive")}
                </fieldset>
                <label class="field reason">
                    <span>"Reason"</span>
                    <input type="text" data-triage="reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>"Until (optional, UTC)"</span>
                    <input type="date" data-triage="expires" prop:value=move || expires.get() on:change=move |ev| expires.set(event_target_value(&ev)) />
                </label>
                <div class="triage-actions">
                    <button type="button" data-action="mark-finding" disabled=move || chosen.row().is_none() on:click=move |_| mark(chosen.row_untracked())>
                        "Mark the selected finding"
                    </button>
                    <button type="button" data-action="mark-all" disabled=move || total() == 0 on:click=move |_| mark(None)>
                        {move || format!("Mark all {} matching", crate::core::present::grouped(u64::from(total())))}
                    </button>
                </div>
            </div>
            {outcome}
            <p class="metrics-note">
                "The KPIs leave out what a decision in force covers and say how many; an expired decision counts again. "
                "Only open findings can be marked. Drop an OpenVEX or CycloneDX VEX file, or an exported decisions file, anywhere on the page to apply it."
            </p>
        </section>
    }
}

/// Every decision: made here (each can be taken back) and read from files (remove the file).
#[component]
pub fn DecisionsList() -> impl IntoView {
    let client = use_client();
    let rows = move || client.decisions(|d| d.map(|d| d.rows.clone()).unwrap_or_default());
    let summary = move || {
        client.decisions(|d| {
            d.map_or_else(
                || "No decisions yet.".to_string(),
                |d| d.summary_text.clone(),
            )
        })
    };
    let made = move || rows().iter().any(|r| r.index.is_some());
    view! {
        <section class="decisions" aria-labelledby="decisions-title" data-decisions=move || rows().len().to_string()>
            <h3 id="decisions-title">"Decisions"</h3>
            <p class="decisions-summary">{summary}</p>
            <p class="decisions-actions">
                <button type="button" data-action="export-decisions" disabled=move || !made() on:click=move |_| client.send(Request::ExportDecisions)>
                    "Export the decisions made here"
                </button>
                " "
                <button type="button" class="link" data-action="clear-decisions" disabled=move || !made() on:click=move |_| client.send(Request::ClearDecisions)>
                    "Forget the decisions made here"
                </button>
            </p>
            <p class="metrics-note">
                "Decisions made here are kept in this browser. The export is OpenVEX for vulnerabilities (Trivy and other tools read it) and a Posture decisions file for the rest; a colleague drops them to apply the same decisions."
            </p>
            <Show when=move || !rows().is_empty()>
                <table class="decisions-table reflow">
                    <thead>
                        <tr>
                            <th scope="col">"Decision"</th>
                            <th scope="col">"Findings"</th>
                            <th scope="col">"Reason"</th>
                            <th scope="col">"Holds"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"Leaves out"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{move || rows().into_iter().map(decision_row).collect_view()}</tbody>
                </table>
            </Show>
        </section>
    }
}

fn decision_row(row: DecisionRow) -> impl IntoView {
    let client = use_client();
    let state = if row.in_force { "in-force" } else { "expired" };
    let take_back = row.index.map(|index| {
        view! {
            <button type="button" class="link" data-action="undecide" on:click=move |_| client.send(Request::Undecide(index))>
                "Take back"
            </button>
        }
    });
    view! {
        <tr class=format!("decision {state}") data-triage=row.triage.clone() data-covered=row.covered.to_string()>
            <th scope="row">{row.triage_label}</th>
            <td data-label="Findings">{row.what}</td>
            <td data-label="Reason">{row.reason}</td>
            <td data-label="Holds">{row.expires_text}</td>
            <td data-label="From">{row.origin}</td>
            <td class="num" data-label="Leaves out">{row.covered}</td>
            <td class="row-actions">{take_back}</td>
        </tr>
    }
}

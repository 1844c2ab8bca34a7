//! Every file given: format, tool, asset, snapshot time, records, warnings and errors.

use leptos::prelude::*;

use super::client::use_client;
use crate::core::protocol::{Request, SourceRow, SourceState};
use crate::core::session::{rows_in_order, shared_failures, sources_summary};

#[component]
pub fn SourcesView() -> impl IntoView {
    let client = use_client();
    let summary = move || client.sources(sources_summary);
    let shared = move || {
        client.sources(|rows| {
            shared_failures(rows)
                .into_iter()
                .map(|(error, n)| {
                    view! { <p class="banner error shared-failure" data-shared-failure=n.to_string()>{format!("{n} files: {error}")}</p> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="sources">
            <h2>"Sources"</h2>
            <p class="sources-summary">
                {summary}
                " "
                <button
                    type="button"
                    class="link"
                    data-action="clear-all"
                    disabled=move || client.sources(|rows| rows.is_empty())
                    title="Remove every file, and what this browser keeps of them"
                    on:click=move |_| client.clear_all()
                >
                    "Clear all"
                </button>
            </p>
            {shared}
            <table class="sources-table reflow">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Format"</th>
                        <th scope="col">"Asset"</th>
                        <th scope="col">"Snapshot time"</th>
                        <th scope="col">"Records"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || {
                            client.sources(|rows| {
                                let shared = shared_failures(rows);
                                rows_in_order(rows)
                                    .into_iter()
                                    .map(|r| {
                                        let explained_above = r.error.as_ref().is_some_and(|e| shared.iter().any(|(s, _)| s == e));
                                        (r.id, r.state, r.taken_at.clone(), explained_above)
                                    })
                                    .collect::<Vec<_>>()
                            })
                        }
                        key=|key| key.clone()
                        children=move |(id, _, _, explained_above)| client.source_untracked(id).map(|row| view! { <SourceLine row=row explained_above=explained_above /> })
                    />
                </tbody>
            </table>
            <AssetLabels />
        </section>
    }
}

/// Each asset's name and group, as the user wants them read; kept in the settings (and so in
/// the exported profile). A change is sent when the field is left.
#[component]
fn AssetLabels() -> impl IntoView {
    let client = use_client();
    move || {
        let (assets, groups) = client.view(|v| {
            v.map(|v| (v.assets.clone(), v.groups.clone()))
                .unwrap_or_default()
        });
        (!assets.is_empty()).then(|| {
            let rows = assets
                .into_iter()
                .map(|a| {
                    let name = RwSignal::new(a.name.clone());
                    let group = RwSignal::new(a.group.clone());
                    let reported = a.reported.clone();
                    let send = move || {
                        client.send(Request::LabelAsset {
                            asset: reported.clone(),
                            name: name.get_untracked(),
                            group: group.get_untracked(),
                        })
                    };
                    let send_too = send.clone();
                    let label_name = format!("Name to show for {}", a.reported);
                    let label_group = format!("Group of {}", a.reported);
                    view! {
                        <tr data-asset-edit=a.reported.clone()>
                            <th scope="row">
                                {a.reported.clone()}
                                <span class="sub">{format!("{} · {} files", a.kind, a.files)}</span>
                            </th>
                            <td data-label="Shown as">
                                <input type="text" data-asset-name="" aria-label=label_name placeholder="as the files name it" prop:value=move || name.get()
                                    on:change=move |ev| {
                                        name.set(event_target_value(&ev));
                                        send();
                                    } />
                            </td>
                            <td data-label="Group">
                                <input type="text" list="asset-groups" data-asset-group="" aria-label=label_group placeholder="a team, an owner" prop:value=move || group.get()
                                    on:change=move |ev| {
                                        group.set(event_target_value(&ev));
                                        send_too();
                                    } />
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="asset-labels" aria-labelledby="assets-title">
                    <h3 id="assets-title">"Assets"</h3>
                    <p class="metrics-note">
                        "Give an asset the name your readers know it by, and a group (a team, an owner): the group selector above then limits every view to one group. "
                        "Names and groups are kept in your settings and exported with the profile. Two assets given the same name count as one."
                    </p>
                    <datalist id="asset-groups">
                        {groups.into_iter().map(|g| view! { <option value=g></option> }).collect_view()}
                    </datalist>
                    <table class="asset-table reflow">
                        <thead>
                            <tr>
                                <th scope="col">"Asset, as the files name it"</th>
                                <th scope="col">"Shown as"</th>
                                <th scope="col">"Group"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </section>
            }
        })
    }
}

/// Corrects a snapshot's time when the file carries none (UTC).
#[component]
fn TimeEditor(id: u32, name: String, value: String) -> impl IntoView {
    let client = use_client();
    let undo_name = name.clone();
    // The worker reads the time typed (UTC); nothing typed is back to the file's.
    let on_change =
        move |ev: leptos::ev::Event| client.set_taken_at(id, &name, Some(event_target_value(&ev)));
    view! {
        <label class="time-editor">
            <span class="visually-hidden">"Snapshot time (UTC)"</span>
            <input type="datetime-local" data-action="set-taken-at" prop:value=value on:change=on_change />
            <button type="button" class="link" title="Back to the file's modification time" on:click=move |_| client.set_taken_at(id, &undo_name, None)>
                "Undo"
            </button>
        </label>
    }
}

/// One file's row, with the SPEC §9 hooks `data-source`, `data-format` and `data-error`.
#[component]
fn SourceLine(row: SourceRow, explained_above: bool) -> impl IntoView {
    let client = use_client();
    let id = row.id;
    let meta = match (row.read_ms, row.parse_ms) {
        (Some(read), Some(parse)) => {
            format!("{} · read {read} ms · parsed {parse} ms", row.size_text)
        }
        _ => row.size_text.clone(),
    };
    let status = match row.state {
        SourceState::Queued => view! { <span class="state-queued">"Waiting"</span> }.into_any(),
        SourceState::Loading => {
            let progress = move || {
                client
                    .progress(|s| s.loading.get(&id).copied())
                    .unwrap_or((0, 1))
            };
            view! {
                <span class="state-loading">
                    <progress max=move || progress().1.max(1) value=move || progress().0></progress>
                    {move || if progress().0 >= progress().1 { "Parsing…" } else { "Reading…" }}
                </span>
            }
            .into_any()
        }
        SourceState::Loaded => {
            let warnings = row
                .warnings
                .iter()
                .map(|w| view! { <li>{w.clone()}</li> })
                .collect_view();
            view! {
                <span class="state-loaded">"Loaded"</span>
                <ul class="warnings">{warnings}</ul>
            }
            .into_any()
        }
        SourceState::Failed if explained_above => {
            view! { <p class="error">"Could not be read: the reason is above"</p> }.into_any()
        }
        SourceState::Failed => {
            view! { <p class="error">{row.error.clone().unwrap_or_default()}</p> }.into_any()
        }
        SourceState::Duplicate => {
            view! { <span class="state-duplicate">"Counted once"</span> }.into_any()
        }
    };
    let (name, format, error) = (
        row.name.clone(),
        row.format.clone().unwrap_or_default(),
        row.error.clone(),
    );
    let class = format!("source row-{:?}", row.state).to_ascii_lowercase();
    let name_for_remove = row.name.clone();
    let name_for_time = row.name.clone();
    view! {
        <tr data-source=name data-format=format data-error=error class=class>
            <td class="file" data-label="File">
                <span class="file-name">{row.name}</span>
                <span class="sub">{meta}</span>
            </td>
            <td data-label="Format">
                {row.format_label.unwrap_or_else(|| "—".into())}
                <span class="sub">{row.tool}</span>
            </td>
            <td class="asset" data-label="Asset">{row.asset}</td>
            <td data-label="Snapshot time">
                {row.taken_at}
                <span class="sub">{row.taken_at_source}</span>
                {row.time_editable.map(|value| view! { <TimeEditor id=id name=name_for_time.clone() value=value /> })}
            </td>
            <td data-label="Records">{row.records}</td>
            <td class="status" data-label="Status">{status}</td>
            <td class="row-actions">
                <button type="button" class="link" title="Remove this file" on:click=move |_| client.remove(id, &name_for_remove)>
                    "Remove"
                </button>
            </td>
        </tr>
    }
}

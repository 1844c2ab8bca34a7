//! Settings: targets, weights, SLA days, the at-risk margin, the gate, expected sources and
//! thresholds. Every change goes to the worker as a profile and applies at once; the page keeps
//! the user's own in localStorage. Profiles import and export as JSON.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::client::{Client, use_client};
use crate::core::protocol::{
    FieldInput, KpiSetting, ProfileOrigin, Request, SettingField, SettingsGroup, SettingsView,
};

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let client = use_client();
    move || {
        client
            .settings(|s| s.cloned())
            .map(|s| view! { <SettingsForm settings=s /> })
    }
}

#[component]
fn SettingsForm(settings: SettingsView) -> impl IntoView {
    let client = use_client();
    view! {
        <section class="settings">
            <h2>"Settings"</h2>
            <p class="settings-origin" data-settings-origin=settings.origin_text.clone()>{settings.origin_text.clone()}</p>
            {settings.error.clone().map(|e| view! { <p class="banner error" role="alert" data-settings-error=e.clone()>{format!("Not applied, nothing changed: {e}")}</p> })}
            <div class="settings-actions">
                <button type="button" data-action="export-profile" on:click=move |_| client.send(Request::ExportProfile)>"Export profile"</button>
                <button type="button" data-action="import-profile" on:click=move |_| import_profile(client)>"Import profile…"</button>
                <button type="button" data-action="reset-settings" on:click=move |_| client.reset_settings()>"Reset"</button>
            </div>
            <p class="metrics-note">
                "Changes apply at once and are kept in this browser. An organisation can place a "
                <code>"posture.profile.json"</code>
                " beside index.html: it is loaded at start unless you have settings of your own."
            </p>
            {settings.groups.into_iter().map(group).collect_view()}
            <h3>"KPI targets and weights"</h3>
            <table class="kpi-settings reflow">
                <thead>
                    <tr>
                        <th scope="col">"KPI"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Weight in the score"</th>
                    </tr>
                </thead>
                <tbody>{settings.kpis.into_iter().map(kpi_row).collect_view()}</tbody>
            </table>
        </section>
    }
}

/// A titled group of fields: numbers and choices with their label above, check boxes in a row.
fn group(group: SettingsGroup) -> impl IntoView {
    let checks = group
        .fields
        .iter()
        .all(|f| matches!(f.input, FieldInput::Check));
    let fields = group
        .fields
        .into_iter()
        .map(|field| {
            let label = field.label.clone();
            if matches!(field.input, FieldInput::Check) {
                view! { <label class="check">{control(field)}{label}</label> }.into_any()
            } else {
                view! { <label class="field"><span>{label}</span>{control(field)}</label> }
                    .into_any()
            }
        })
        .collect_view();
    view! {
        <h3>{group.title}</h3>
        {group.note.map(|n| view! { <p class="metrics-note">{n}</p> })}
        <div class=if checks { "checks" } else { "fields" }>{fields}</div>
    }
}

fn kpi_row(kpi: KpiSetting) -> impl IntoView {
    view! {
        <tr data-kpi-setting=kpi.id>
            <th scope="row">{kpi.label}</th>
            <td data-label="Target">
                <span class="sub">{kpi.direction}" "</span>
                {control(kpi.target)}
                <span class="sub">" "{kpi.unit}</span>
            </td>
            <td data-label="Weight in the score">{control(kpi.weight)}</td>
        </tr>
    }
}

/// One field's control. A change sends the text typed (or the box's state) to the worker, which
/// reads and checks it; the form then shows what is in force.
fn control(field: SettingField) -> impl IntoView {
    let client = use_client();
    let id = field.id.clone();
    let send = move |value: String| {
        client.send(Request::EditSetting {
            id: id.clone(),
            value,
        })
    };
    let SettingField {
        id,
        label,
        value,
        input,
    } = field;
    match input {
        FieldInput::Number { placeholder } => view! {
            <input type="text" inputmode="decimal" data-setting=id aria-label=label placeholder=placeholder prop:value=value
                on:change=move |ev| send(event_target_value(&ev)) />
        }
        .into_any(),
        FieldInput::Choice(options) => view! {
            <select data-setting=id aria-label=label on:change=move |ev| send(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        let selected = v == value;
                        view! { <option value=v selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        FieldInput::Check => view! {
            <input type="checkbox" data-setting=id prop:checked=value == "true"
                on:change=move |ev| send(event_target_checked(&ev).to_string()) />
        }
        .into_any(),
    }
}

/// Picks a profile file with a file input made for the occasion (kept out of the page, so the
/// page's one file input stays the evidence picker) and sends its text to be checked.
fn import_profile(client: Client) {
    let Ok(input) = document().create_element("input") else {
        return;
    };
    let input: web_sys::HtmlInputElement = input.unchecked_into();
    input.set_type("file");
    input.set_accept(".json,application/json");
    let picked = input.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        let Some(file) = picked.files().and_then(|f| f.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            client.send(Request::ImportProfile {
                text,
                origin: ProfileOrigin::Imported,
            });
        });
    });
    input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    input.click();
}

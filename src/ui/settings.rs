//! Settings: targets, weights, SLA days, the at-risk margin, the gate, expected sources and
//! thresholds. Every change goes to the worker as a profile and applies at once; the page keeps
//! the user's own in localStorage. Profiles import and export as JSON.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::client::{Client, use_client};
use crate::core::profile::{Profile, SlaDays};
use crate::core::protocol::{KpiSetting, ProfileOrigin, Request, SettingsView};

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let client = use_client();
    move || {
        client
            .settings(|s| s.cloned())
            .map(|s| view! { <SettingsForm settings=s /> })
    }
}

/// Sends the profile with one change made.
fn change(client: Client, profile: &Profile, edit: impl FnOnce(&mut Profile)) {
    let mut profile = profile.clone();
    edit(&mut profile);
    client.send(Request::SetSettings(profile));
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[component]
fn SettingsForm(settings: SettingsView) -> impl IntoView {
    let client = use_client();
    let profile = settings.profile.clone();
    let sla = profile.sla_days.unwrap_or(SlaDays {
        critical: 7.0,
        high: 30.0,
        medium: 90.0,
        low: 180.0,
    });
    let sla_input = {
        let profile = profile.clone();
        move |name: &'static str, value: f64| {
            let profile = profile.clone();
            let on_change = move |ev: leptos::ev::Event| {
                let Some(days) = number(&event_target_value(&ev)) else {
                    return;
                };
                change(client, &profile, |p| {
                    let mut s = p.sla_days.unwrap_or(sla);
                    match name {
                        "critical" => s.critical = days,
                        "high" => s.high = days,
                        "medium" => s.medium = days,
                        _ => s.low = days,
                    }
                    p.sla_days = Some(s);
                });
            };
            view! {
                <label class="field">
                    <span>{format!("{} (days)", capitalise(name))}</span>
                    <input type="number" min="1" step="1" data-setting=format!("sla-{name}") prop:value=value.to_string() on:change=on_change />
                </label>
            }
        }
    };
    let margin = profile.sla_at_risk_percent.unwrap_or(25.0);
    let on_margin = {
        let profile = profile.clone();
        move |ev: leptos::ev::Event| {
            if let Some(m) = number(&event_target_value(&ev)) {
                change(client, &profile, |p| p.sla_at_risk_percent = Some(m));
            }
        }
    };
    let severity_select = {
        let profile = profile.clone();
        move |field: &'static str, label: &'static str, current: String| {
            let profile = profile.clone();
            let on_change = move |ev: leptos::ev::Event| {
                let value = event_target_value(&ev);
                change(client, &profile, |p| match field {
                    "gate" => p.gate_severity = Some(value),
                    _ => p.runtime_alert_priority = Some(value),
                });
            };
            view! {
                <label class="field">
                    <span>{label}</span>
                    <select data-setting=field on:change=on_change>
                        {["critical", "high", "medium", "low", "info"]
                            .map(|s| view! { <option value=s selected=current == s>{capitalise(s)}</option> })
                            .collect_view()}
                    </select>
                </label>
            }
        }
    };
    let role = profile.role_assumptions_per_day.unwrap_or(50);
    let on_role = {
        let profile = profile.clone();
        move |ev: leptos::ev::Event| {
            if let Some(n) = number(&event_target_value(&ev)).filter(|n| *n >= 1.0) {
                change(client, &profile, |p| {
                    p.role_assumptions_per_day = Some(n as u64)
                });
            }
        }
    };
    let kinds = settings
        .kinds
        .iter()
        .map(|(id, label, expected)| {
            let profile = profile.clone();
            let id = id.clone();
            let all: Vec<String> = settings.kinds.iter().map(|k| k.0.clone()).collect();
            let on_change = move |ev: leptos::ev::Event| {
                let checked = event_target_checked(&ev);
                let id = id.clone();
                let all = all.clone();
                change(client, &profile, |p| {
                    let mut kinds: Vec<String> = p.expected_sources.clone().unwrap_or_default();
                    kinds.retain(|k| *k != id);
                    if checked {
                        kinds.push(id);
                    }
                    // Keep the catalogue's order.
                    kinds.sort_by_key(|k| all.iter().position(|a| a == k));
                    p.expected_sources = Some(kinds);
                });
            };
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=*expected on:change=on_change />
                    {label.clone()}
                </label>
            }
        })
        .collect_view();
    let rows = settings
        .kpis
        .iter()
        .cloned()
        .map(|k| view! { <KpiRow kpi=k profile=profile.clone() /> })
        .collect_view();
    let gate = profile.gate_severity.clone().unwrap_or_default();
    let priority = profile.runtime_alert_priority.clone().unwrap_or_default();
    view! {
        <section class="settings">
            <h2>"Settings"</h2>
            <p class="settings-origin" data-settings-origin=settings.origin_text.clone()>{settings.origin_text.clone()}</p>
            {settings.error.clone().map(|e| view! { <p class="banner error" role="alert" data-settings-error=e.clone()>{format!("Profile not applied, nothing changed: {e}")}</p> })}
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
            <h3>"Vulnerability SLA"</h3>
            <div class="fields">
                {sla_input("critical", sla.critical)}
                {sla_input("high", sla.high)}
                {sla_input("medium", sla.medium)}
                {sla_input("low", sla.low)}
                <label class="field">
                    <span>"At risk when this share of the SLA is left (%)"</span>
                    <input type="number" min="0" max="100" step="1" data-setting="sla-margin" prop:value=margin.to_string() on:change=on_margin />
                </label>
            </div>
            <h3>"Gates and thresholds"</h3>
            <div class="fields">
                {severity_select("gate", "SAST/SCA gate: fail at or above", gate)}
                {severity_select("priority", "Runtime alerts counted as threats: at or above", priority)}
                <label class="field">
                    <span>"Role assumptions per principal per day before flagging"</span>
                    <input type="number" min="1" step="1" data-setting="role-threshold" prop:value=role.to_string() on:change=on_role />
                </label>
            </div>
            <h3>"KPI targets and weights"</h3>
            <table class="kpi-settings">
                <thead>
                    <tr>
                        <th scope="col">"KPI"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Weight in the score"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"Expected sources"</h3>
            <p class="metrics-note">"Log and source coverage counts the kinds ticked here."</p>
            <div class="checks">{kinds}</div>
        </section>
    }
}

#[component]
fn KpiRow(kpi: KpiSetting, profile: Profile) -> impl IntoView {
    let client = use_client();
    let id = kpi.id.clone();
    let on_target = {
        let (profile, id) = (profile.clone(), id.clone());
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            let id = id.clone();
            change(client, &profile, |p| match number(&text) {
                Some(t) => {
                    p.targets.insert(id, t);
                }
                // Empty: back to the default.
                None => {
                    p.targets.remove(&id);
                }
            });
        }
    };
    let on_weight = {
        let (profile, id) = (profile.clone(), id.clone());
        move |ev: leptos::ev::Event| {
            let id = id.clone();
            if let Some(w) = number(&event_target_value(&ev)).filter(|w| *w >= 0.0) {
                change(client, &profile, |p| {
                    if w == 1.0 {
                        p.weights.remove(&id);
                    } else {
                        p.weights.insert(id, w);
                    }
                });
            }
        }
    };
    let overridden = profile.targets.get(&kpi.id).copied();
    let placeholder = kpi
        .default_target
        .map_or("the previous period".to_string(), |t| t.to_string());
    view! {
        <tr data-kpi-setting=kpi.id.clone()>
            <th scope="row">{kpi.label.clone()}</th>
            <td>
                <span class="sub">{kpi.direction.clone()}" "</span>
                <input
                    type="number"
                    step="any"
                    data-setting=format!("target-{}", kpi.id)
                    aria-label=format!("Target for {}", kpi.label)
                    placeholder=placeholder
                    prop:value=overridden.map(|t| t.to_string()).unwrap_or_default()
                    on:change=on_target
                />
                <span class="sub">" "{kpi.unit.clone()}</span>
            </td>
            <td>
                <input
                    type="number"
                    min="0"
                    step="any"
                    data-setting=format!("weight-{}", kpi.id)
                    aria-label=format!("Weight of {}", kpi.label)
                    prop:value=kpi.weight.to_string()
                    on:change=on_weight
                />
            </td>
        </tr>
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

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

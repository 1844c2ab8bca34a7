//! Settings through the engine's requests, as the page sends them at start and from the form:
//! the user's saved settings, an organisation's profile, edits, a refused value, Reset.

use posture::core::engine::Engine;
use posture::core::protocol::{ProfileOrigin, Request, Response, SettingsView};
use posture::core::time::Timestamp;

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
}

/// The settings view a request answers with.
fn settings(engine: &mut Engine, request: Request) -> SettingsView {
    engine
        .handle(request, now())
        .into_iter()
        .find_map(|r| match r {
            Response::Settings(view) => Some(*view),
            _ => None,
        })
        .expect("a settings view")
}

fn import(text: &str, origin: ProfileOrigin) -> Request {
    Request::ImportProfile {
        text: text.into(),
        origin,
    }
}

/// The value a field of the form shows.
fn field(view: &SettingsView, id: &str) -> String {
    view.groups
        .iter()
        .flat_map(|g| &g.fields)
        .chain(view.kpis.iter().flat_map(|k| [&k.target, &k.weight]))
        .find(|f| f.id == id)
        .map(|f| f.value.clone())
        .unwrap_or_else(|| panic!("no field {id}"))
}

const ORG: &str =
    r#"{"schema":"posture.profile.v1","sla_days":{"critical":3,"high":14,"medium":60,"low":120}}"#;
const MINE: &str = r#"{"sla_days":{"critical":10,"high":30,"medium":90,"low":180}}"#;

#[test]
fn the_users_saved_settings_stay_in_force_over_the_organisations() {
    let mut engine = Engine::default();
    settings(&mut engine, Request::ResetSettings);
    let saved = settings(&mut engine, import(MINE, ProfileOrigin::Saved));
    assert_eq!(field(&saved, "sla-critical"), "10");
    assert!(!saved.save, "already saved: nothing to write back");
    let org = settings(&mut engine, import(ORG, ProfileOrigin::Organisation));
    assert_eq!(field(&org, "sla-critical"), "10");
    assert!(
        org.origin_text.contains("Reset returns to it"),
        "{}",
        org.origin_text
    );
    // Reset: the organisation's.
    let reset = settings(&mut engine, Request::ResetSettings);
    assert_eq!(field(&reset, "sla-critical"), "3");
    assert!(reset.origin_text.starts_with("Organisation profile"));
}

#[test]
fn saved_settings_that_cannot_be_used_give_way_to_the_organisations_and_say_why() {
    let mut engine = Engine::default();
    settings(&mut engine, Request::ResetSettings);
    let refused = settings(
        &mut engine,
        import(r#"{"targets":{"retired_kpi":1}}"#, ProfileOrigin::Saved),
    );
    assert_eq!(
        refused.error.as_deref(),
        Some(
            "the settings saved in this browser cannot be used: targets: \"retired_kpi\" is not a KPI id"
        )
    );
    assert_eq!(field(&refused, "sla-critical"), "7", "the defaults hold");
    let org = settings(&mut engine, import(ORG, ProfileOrigin::Organisation));
    assert_eq!(field(&org, "sla-critical"), "3", "the organisation's apply");
    assert_eq!(
        org.origin_text,
        "Organisation profile (posture.profile.json beside this page); the settings saved in \
         this browser could not be used (targets: \"retired_kpi\" is not a KPI id)"
    );
}

#[test]
fn an_edit_applies_and_is_kept_a_wrong_one_changes_nothing() {
    let mut engine = Engine::default();
    settings(&mut engine, Request::ResetSettings);
    settings(&mut engine, import(ORG, ProfileOrigin::Organisation));
    let edit = |id: &str, value: &str| Request::EditSetting {
        id: id.into(),
        value: value.into(),
    };
    let edited = settings(&mut engine, edit("weight-mttd", "2"));
    assert_eq!(field(&edited, "weight-mttd"), "2");
    assert!(edited.save, "the user's own: the page keeps them");
    assert_eq!(field(&edited, "sla-critical"), "3", "the rest as it was");
    // What the page keeps is a profile that gives the same settings back.
    let mut other = Engine::default();
    let back = settings(
        &mut other,
        import(&edited.profile_json, ProfileOrigin::Saved),
    );
    assert_eq!(
        (field(&back, "weight-mttd"), field(&back, "sla-critical")),
        ("2".into(), "3".into())
    );
    let wrong = settings(&mut engine, edit("sla-high", "soon"));
    assert_eq!(
        wrong.error.as_deref(),
        Some("sla_days.high must be a number (got \"soon\")")
    );
    assert!(!wrong.save);
    assert_eq!(field(&wrong, "sla-high"), "14", "nothing changed");
    // The organisation's profile arriving later does not undo the user's edit.
    let again = settings(&mut engine, import(ORG, ProfileOrigin::Organisation));
    assert_eq!(field(&again, "weight-mttd"), "2");
}

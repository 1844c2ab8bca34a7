//! Assets named and grouped by the user, through the engine: the name shows everywhere and
//! history and decisions keep following the asset; a group limits every number; names and groups
//! travel in the profile, checked as its other fields are.

use posture::core::engine::Engine;
use posture::core::protocol::{
    DecideRequest, FindingsQuery, FindingsRequest, Request, Response, View,
};
use posture::core::time::Timestamp;

use crate::support::{add_one, trivy_image};

const NOW: &str = "2026-11-10T12:00:00Z";

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// Two images: api with 2 critical (scanned twice: 1 Nov with 2, 8 Nov with 2 — one fixed,
/// one new), web with 1 critical and 1 high. critical_open 2 + 1 = 3.
fn engine() -> Engine {
    let mut engine = Engine::default();
    let docs = [
        (
            "api-1.json",
            trivy_image(
                "ghcr.io/acme/api:1",
                "2026-11-01T00:00:00Z",
                &[("CVE-1", "a", "CRITICAL"), ("CVE-2", "b", "CRITICAL")],
            ),
        ),
        (
            "api-2.json",
            trivy_image(
                "ghcr.io/acme/api:2",
                "2026-11-08T00:00:00Z",
                &[("CVE-2", "b", "CRITICAL"), ("CVE-3", "c", "CRITICAL")],
            ),
        ),
        (
            "web.json",
            trivy_image(
                "ghcr.io/acme/web:7",
                "2026-11-08T00:00:00Z",
                &[("CVE-4", "d", "CRITICAL"), ("CVE-5", "e", "HIGH")],
            ),
        ),
    ];
    for (name, doc) in docs {
        add_one(&mut engine, name, doc.as_bytes(), None);
    }
    engine
}

fn view_after(engine: &mut Engine, request: Request) -> Option<View> {
    engine
        .handle(request, at(NOW))
        .into_iter()
        .find_map(|r| match r {
            Response::View(v) => Some(*v),
            _ => None,
        })
}

fn label(asset: &str, name: &str, group: &str) -> Request {
    Request::LabelAsset {
        asset: asset.into(),
        name: name.into(),
        group: group.into(),
    }
}

fn value(view: &View, id: &str) -> Option<f64> {
    view.tiles.iter().find(|t| t.id == id).unwrap().value
}

#[test]
fn a_named_asset_shows_its_name_and_keeps_its_history_and_decisions() {
    let mut engine = engine();
    let before = engine.view(at(NOW));
    assert_eq!(value(&before, "critical_open"), Some(3.0));
    // The api's history: CVE-1 fixed between its two scans (1 of 1+2 open = 33.3 %).
    let resolved = value(&before, "resolved_vulns_pct");
    let view = view_after(&mut engine, label("ghcr.io/acme/api", "Payments API", "")).unwrap();
    let names: Vec<&str> = view
        .metrics
        .assets
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["Payments API", "ghcr.io/acme/web"]);
    assert_eq!(value(&view, "critical_open"), Some(3.0));
    assert_eq!(
        value(&view, "resolved_vulns_pct"),
        resolved,
        "one history still"
    );
    let edit: Vec<(&str, &str, u32)> = view
        .assets
        .iter()
        .map(|a| (a.reported.as_str(), a.name.as_str(), a.files))
        .collect();
    assert_eq!(
        edit,
        [
            ("ghcr.io/acme/api", "Payments API", 2),
            ("ghcr.io/acme/web", "", 1)
        ]
    );
    // The explorer shows the name; a decision made there names the asset as the files do, so
    // a later rename keeps it.
    let query = FindingsQuery {
        filters: vec![("rule".into(), "\"CVE-3\"".into())],
        ..FindingsQuery::default()
    };
    let window = engine.findings_window(
        FindingsRequest {
            id: 1,
            query: query.clone(),
            start: 0,
            count: 5,
        },
        at(NOW),
    );
    let asset_column = posture::core::explorer::COLUMNS
        .iter()
        .position(|(c, _)| *c == "asset")
        .unwrap();
    assert_eq!(window.rows[0].cells[asset_column], "Payments API");
    engine.handle(
        Request::Decide(DecideRequest {
            query,
            row: Some(0),
            triage: "accepted_risk".into(),
            reason: "waiting for the vendor".into(),
            expires: String::new(),
        }),
        at(NOW),
    );
    let view = view_after(&mut engine, label("ghcr.io/acme/api", "Billing API", "")).unwrap();
    assert_eq!(
        value(&view, "critical_open"),
        Some(2.0),
        "3 − the accepted CVE-3"
    );
    let decisions = engine.decisions_view(None, None, at(NOW));
    assert_eq!(decisions.rows[0].what, "CVE-3 · c · ghcr.io/acme/api");
    assert_eq!(decisions.rows[0].covered, 1);
}

#[test]
fn a_group_limits_every_number_and_says_what_it_leaves_out() {
    let mut engine = engine();
    view_after(&mut engine, label("ghcr.io/acme/api", "", "Payments team")).unwrap();
    let view = view_after(&mut engine, label("ghcr.io/acme/web", "", "Web team")).unwrap();
    assert_eq!(view.groups, ["Payments team", "Web team"]);
    assert_eq!(view.group, "");
    let view = view_after(&mut engine, Request::SetGroup("Web team".into())).unwrap();
    assert_eq!(view.group, "Web team");
    // web alone: 1 critical, and its 2 open findings.
    assert_eq!(value(&view, "critical_open"), Some(1.0));
    assert_eq!(view.metrics.open_total, 2);
    assert_eq!(
        view.group_note.as_deref(),
        Some(
            "Every view shows the group Web team: 1 of 2 assets. Incident records, metrics CSVs \
             and inventories name no asset: they count in every group."
        )
    );
    let json = engine.scorecard(at(NOW));
    assert_eq!(json.group.as_deref(), Some("Web team"));
    let view = view_after(&mut engine, Request::SetGroup(String::new())).unwrap();
    assert_eq!(value(&view, "critical_open"), Some(3.0));
    assert_eq!(view.group_note, None);
}

#[test]
fn names_and_groups_travel_in_the_profile_and_are_checked() {
    let mut engine = engine();
    view_after(
        &mut engine,
        label("ghcr.io/acme/api", "Payments API", "Payments team"),
    )
    .unwrap();
    let profile = engine
        .handle(Request::ExportProfile, at(NOW))
        .into_iter()
        .find_map(|r| match r {
            Response::Export { content, .. } => Some(content),
            _ => None,
        })
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&profile).unwrap();
    assert_eq!(
        json["assets"],
        serde_json::json!({"ghcr.io/acme/api": {"name": "Payments API", "group": "Payments team"}})
    );
    // Imported elsewhere: the same name and group.
    let mut other = self::engine();
    let view = view_after(
        &mut other,
        Request::ImportProfile {
            text: profile,
            origin: posture::core::protocol::ProfileOrigin::Imported,
        },
    )
    .unwrap();
    assert_eq!(view.metrics.assets[0].name, "Payments API");
    assert_eq!(view.groups, ["Payments team"]);
    // A name on two lines or of 201 characters is refused; nothing changes.
    for bad in ["two\nlines".to_string(), "x".repeat(201)] {
        let responses = engine.handle(label("ghcr.io/acme/web", &bad, ""), at(NOW));
        let error = responses.iter().find_map(|r| match r {
            Response::Settings(s) => s.error.clone(),
            _ => None,
        });
        assert_eq!(
            error.as_deref(),
            Some("assets.\"ghcr.io/acme/web\".name must be one line of at most 200 characters")
        );
    }
    let names: Vec<String> = engine
        .view(at(NOW))
        .metrics
        .assets
        .iter()
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(names, ["Payments API", "ghcr.io/acme/web"]);
}

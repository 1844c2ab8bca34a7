//! The `posture.scorecard.v1` contract (SPEC §8) and the worker protocol.

use posture::core::engine::Engine;
use posture::core::kpi::KPIS;
use posture::core::protocol::{Request, Response};
use posture::core::time::Timestamp;
use serde_json::Value;

use crate::support::{add_one, fixture, read, real_dir};

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-11-23T10:00:00Z").unwrap()
}

fn export(engine: &mut Engine) -> Value {
    let responses = engine.handle(Request::ExportScorecard, now());
    let Some(Response::Export {
        file_name,
        mime,
        content,
    }) = responses.first()
    else {
        panic!("{responses:?}")
    };
    assert_eq!(
        (file_name.as_str(), mime.as_str()),
        (
            "posture-scorecard-all-data-2026-11-23.json",
            "application/json"
        )
    );
    serde_json::from_str(content).unwrap()
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn the_contract_shape() {
    let mut engine = Engine::default();
    let alpine = "trivy-image-alpine-3.10-vulns.json";
    engine.add(alpine, &read(&real_dir("trivy").join(alpine)), None);
    engine.add("broken.json", &read(&fixture("trivy/truncated.json")), None);
    let json = export(&mut engine);

    assert_eq!(json["schema"], "posture.scorecard.v1");
    assert_eq!(json["generated_at"], "2026-11-23T10:00:00Z");
    // The settings it was computed with, as a profile that imports back.
    assert_eq!(json["settings"]["schema"], "posture.profile.v1");
    assert_eq!(json["settings"]["sla_days"]["critical"], 7.0);
    let profile = serde_json::to_string(&json["settings"]).unwrap();
    assert_eq!(
        posture::core::profile::Profile::parse(&profile),
        Ok(posture::core::settings::Settings::default())
    );
    let mut top = keys(&json);
    top.sort_unstable();
    assert_eq!(
        top,
        [
            "generated_at",
            "kpis",
            "metrics",
            "overall",
            "period",
            "posture_version",
            "schema",
            "settings",
            "sources"
        ]
    );
    // "All data" is the span of the data: one file, taken at its CreatedAt.
    assert_eq!(
        json["period"],
        serde_json::json!({"from": "2021-08-25T12:20:30Z", "to": "2021-08-25T12:20:30Z", "label": "All data"})
    );
    assert_eq!(json["posture_version"], env!("CARGO_PKG_VERSION"));
    // The overall score and its basis: every KPI is counted or named as without data.
    let overall = &json["overall"];
    assert_eq!(overall["kpis_total"], KPIS.len());
    let without = overall["without_data"].as_array().unwrap();
    assert_eq!(
        overall["kpis_counted"].as_u64().unwrap() as usize + without.len(),
        KPIS.len()
    );
    assert!(without.iter().any(|k| k == "mttd"), "{without:?}");
    assert_eq!(overall["without_data_counted_as_unmet"], false);
    assert_eq!(overall["previous"], Value::Null);
    assert_eq!(overall["state"], "provisional");
    assert!(overall["score"].is_number());

    let sources = json["sources"].as_array().unwrap();
    assert_eq!(
        sources[0],
        serde_json::json!({"name": alpine, "format": "trivy", "records": 4, "taken_at": "2021-08-25T12:20:30Z",
                           "time_from_file": true, "error": null, "warnings": []})
    );
    assert_eq!(sources[1]["format"], "trivy");
    assert_eq!(sources[1]["records"], 0);
    assert_eq!(sources[1]["taken_at"], Value::Null);
    assert!(
        sources[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("the file ends too early")
    );

    let kpis = json["kpis"].as_array().unwrap();
    let ids: Vec<&str> = kpis.iter().map(|k| k["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        KPIS.iter().map(|k| k.id).collect::<Vec<_>>(),
        "every KPI of SPEC §4, in order"
    );
    for k in kpis {
        assert_eq!(
            keys(k),
            [
                "id",
                "label",
                "value",
                "unit",
                "target",
                "direction",
                "status",
                "previous",
                "numerator",
                "denominator",
                "formula",
                "inputs"
            ]
        );
        assert!(
            ["count", "percent", "hours", "days", "per_week"]
                .contains(&k["unit"].as_str().unwrap())
        );
        if k["status"] == "no_data" {
            assert_eq!(k["value"], Value::Null, "{}", k["id"]);
        }
    }
    let critical = kpis.iter().find(|k| k["id"] == "critical_open").unwrap();
    assert_eq!(
        *critical,
        serde_json::json!({"id": "critical_open", "label": "Open critical vulnerabilities", "value": 0, "unit": "count",
            "target": 0, "direction": "at_most", "status": "on_track", "previous": null, "numerator": 0, "denominator": null,
            "formula": "count of open critical vulnerabilities in the latest snapshot of each asset",
            "inputs": [alpine]})
    );
    assert_eq!(
        json["metrics"]["findings_by_severity"],
        serde_json::json!({"critical": 0, "high": 0, "medium": 4, "low": 0, "info": 0, "unknown": 0})
    );
    assert_eq!(
        json["metrics"]["findings_by_category"],
        serde_json::json!({"vulnerability": 4, "misconfiguration": 0, "secret": 0, "code": 0, "policy": 0, "compliance": 0})
    );
    // CVE-2019-1549 and CVE-2019-1551 each in libcrypto1.1 and libssl1.1.
    let top = &json["metrics"]["top_vulnerabilities"];
    assert_eq!(top[0]["id"], "CVE-2019-1549");
    assert_eq!(
        (top[0]["findings"].as_u64(), top[0]["assets"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn exports_are_stable() {
    let build = || {
        let mut engine = Engine::default();
        engine.handle(Request::LoadSample, now());
        export(&mut engine)
    };
    assert_eq!(build(), build());
}

#[test]
fn the_protocol_round_trips_as_json() {
    let mut engine = Engine::default();
    for response in engine.handle(Request::LoadSample, now()) {
        let text = serde_json::to_string(&response).unwrap();
        assert_eq!(serde_json::from_str::<Response>(&text).unwrap(), response);
    }
    let request = Request::AddFiles(vec![posture::core::protocol::FileMeta {
        name: "a/b.json".into(),
        size: 3,
        last_modified: Some(1),
    }]);
    let text = serde_json::to_string(&request).unwrap();
    assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
}

#[test]
fn removing_a_file_removes_its_numbers() {
    let mut engine = Engine::default();
    let row = add_one(
        &mut engine,
        "secrets.json",
        &read(&real_dir("trivy").join("trivy-repo-secrets.json")),
        None,
    );
    let secrets = |engine: &mut Engine| {
        let view = engine.view(now());
        view.tiles
            .iter()
            .find(|t| t.id == "secrets_exposed")
            .and_then(|t| t.value)
    };
    assert_eq!(secrets(&mut engine), Some(2.0));
    engine.handle(Request::Remove(row.id), now());
    assert_eq!(secrets(&mut engine), None);
}

/// The view a request answers with.
fn view_of(engine: &mut Engine, request: Request) -> posture::core::protocol::View {
    engine
        .handle(request, now())
        .into_iter()
        .find_map(|r| match r {
            Response::View(view) => Some(*view),
            _ => None,
        })
        .expect("a view")
}

#[test]
fn a_custom_range_is_read_from_the_date_inputs_text() {
    use posture::core::evidence::PeriodChoice;
    let day = |t: &str| Timestamp::parse_rfc3339(t).unwrap().0;
    let mut engine = Engine::default();
    // In either order; the last day whole.
    let view = view_of(
        &mut engine,
        Request::SetRange {
            from: "2026-11-20".into(),
            to: " 2026-10-16".into(),
        },
    );
    assert_eq!(
        view.period,
        PeriodChoice::Range {
            from: day("2026-10-16T00:00:00Z"),
            to: day("2026-11-20T23:59:59.999Z"),
        }
    );
    assert_eq!(view.range, Some(("2026-10-16".into(), "2026-11-20".into())));
    assert_eq!(view.period_error, None);
    // One day missing: nothing changes, and the view says why.
    let view = view_of(
        &mut engine,
        Request::SetRange {
            from: "".into(),
            to: "2026-11-30".into(),
        },
    );
    assert_eq!(view.range, Some(("2026-10-16".into(), "2026-11-20".into())));
    assert_eq!(
        view.period_error.as_deref(),
        Some(
            "A custom range needs its first and last days (got \"\" and \"2026-11-30\"); the period is unchanged"
        )
    );
    // Another period clears it.
    let view = view_of(&mut engine, Request::SetPeriod(PeriodChoice::All));
    assert_eq!((view.range, view.period_error), (None, None));
}

#[test]
fn a_snapshot_time_is_read_from_the_datetime_inputs_text() {
    // Gitleaks says nothing of when it ran: its time is the file's modification time.
    let mut engine = Engine::default();
    let modified = Timestamp::parse_rfc3339("2026-12-01T08:00:00Z").unwrap();
    let row = add_one(&mut engine, "leaks.json", b"[]", Some(modified));
    let set = |engine: &mut Engine, at: Option<&str>| {
        engine
            .handle(
                Request::SetTakenAt {
                    id: row.id,
                    at: at.map(Into::into),
                },
                now(),
            )
            .into_iter()
            .find_map(|r| match r {
                Response::Source(row) => row.taken_at,
                _ => None,
            })
    };
    let shown = |t: &str| Some(t.to_string());
    assert_eq!(
        set(&mut engine, Some("2026-11-20T10:00")),
        shown("2026-11-20 10:00 UTC")
    );
    assert_eq!(
        set(&mut engine, Some("2026-11-21T09:30:15")),
        shown("2026-11-21 09:30 UTC")
    );
    // Unreadable: nothing changes.
    assert_eq!(
        set(&mut engine, Some("soon")),
        shown("2026-11-21 09:30 UTC")
    );
    // Nothing typed, or undone: the file's time again.
    assert_eq!(set(&mut engine, Some("")), shown("2026-12-01 08:00 UTC"));
    set(&mut engine, Some("2026-11-20T10:00"));
    assert_eq!(set(&mut engine, None), shown("2026-12-01 08:00 UTC"));
}

#[test]
fn the_same_file_dropped_twice_counts_once_and_says_so() {
    use posture::core::protocol::SourceState;
    // The real repo-secrets report lists 2 secrets (jq '[.Results[].Secrets[]] | length').
    let bytes = read(&real_dir("trivy").join("trivy-repo-secrets.json"));
    let mut engine = Engine::default();
    let first = add_one(&mut engine, "secrets.json", &bytes, None);
    let again = add_one(&mut engine, "copy-of-secrets.json", &bytes, None);
    assert_eq!(first.state, SourceState::Loaded);
    assert_eq!(again.state, SourceState::Duplicate);
    assert_eq!(
        again.records.as_deref(),
        Some("the same content as secrets.json, already loaded: counted once")
    );
    let secrets = |engine: &mut Engine| {
        engine
            .view(now())
            .tiles
            .iter()
            .find(|t| t.id == "secrets_exposed")
            .and_then(|t| t.value)
    };
    assert_eq!(secrets(&mut engine), Some(2.0));
    // The sample loaded twice: every file of the second load is a copy.
    let mut sample = Engine::default();
    sample.handle(Request::LoadSample, now());
    let before = sample.view(now());
    let rows: Vec<_> = sample
        .handle(Request::LoadSample, now())
        .into_iter()
        .filter_map(|r| match r {
            Response::Source(row) => Some(row.state),
            _ => None,
        })
        .collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|s| *s == SourceState::Duplicate),
        "{rows:?}"
    );
    assert_eq!(sample.view(now()).tiles, before.tiles);
    // Removing the file removes its copy with it.
    let responses = engine.handle(Request::Remove(first.id), now());
    let removed: Vec<u32> = responses
        .iter()
        .filter_map(|r| match r {
            Response::Removed(id) => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(removed, [first.id, again.id]);
    assert_eq!(secrets(&mut engine), None);
}

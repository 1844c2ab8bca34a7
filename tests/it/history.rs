//! History across scans, on documents whose every number is worked out by hand in comments:
//! a finding that disappears and comes back, two tools reporting one finding, two scans taken
//! at the same instant.

use posture::core::engine::Engine;
use posture::core::evidence::{self, Item, Period, PeriodChoice};
use posture::core::formats;
use posture::core::history::History;
use posture::core::model::{Category, Snapshot};
use posture::core::protocol::View;
use posture::core::time::Timestamp;

use crate::support::{add_one, trivy_image};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// A Trivy image report of `app` at `day` (2026-01-DD) with open vulnerabilities
/// `(id, package, severity)`.
pub fn trivy(day: u32, vulnerabilities: &[(&str, &str, &str)]) -> String {
    trivy_image(
        &format!("app:{day}"),
        &format!("2026-01-{day:02}T00:00:00Z"),
        vulnerabilities,
    )
}

/// A Grype report of the same image at `day`.
fn grype(day: u32, vulnerabilities: &[(&str, &str, &str)]) -> String {
    let matches: Vec<String> = vulnerabilities
        .iter()
        .map(|(id, pkg, sev)| {
            format!(
                r#"{{"vulnerability":{{"id":"{id}","severity":"{sev}"}},"artifact":{{"name":"{pkg}","version":"1"}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"matches":[{}],"source":{{"type":"image","target":{{"userInput":"app:{day}"}}}},
           "descriptor":{{"name":"grype","version":"0.94.0","timestamp":"2026-01-{day:02}T00:00:00Z"}}}}"#,
        matches.join(",")
    )
}

fn snapshots(docs: &[(&str, String)]) -> Vec<Snapshot> {
    docs.iter()
        .map(|(name, doc)| {
            formats::load(name, doc.as_bytes())
                .unwrap()
                .evidence
                .into_snapshot()
                .unwrap()
        })
        .collect()
}

fn history_of<'a>(items: &'a [Item<'a>], until: &str) -> History<'a> {
    let period = Period {
        from: None,
        to: Some(at(until)),
    };
    History::new(items, Category::Vulnerability, period)
}

fn items_of(snapshots: &[Snapshot]) -> Vec<Item<'_>> {
    evidence::items(snapshots.iter().map(|s| ("scan", s, s.taken_at)))
}

fn view_of(docs: &[(&str, String)], now: &str) -> View {
    let mut engine = Engine::default();
    for (name, doc) in docs {
        let row = add_one(&mut engine, name, doc.as_bytes(), None);
        assert!(row.error.is_none(), "{name}: {:?}", row.error);
    }
    engine.view(at(now))
}

fn value(view: &View, id: &str) -> Option<f64> {
    let tile = view.tiles.iter().find(|t| t.id == id).unwrap();
    tile.value.map(|v| (v * 1000.0).round() / 1000.0)
}

const C1: (&str, &str, &str) = ("CVE-1", "a", "CRITICAL");
const H2: (&str, &str, &str) = ("CVE-2", "b", "HIGH");

/// | scan  | CVE-1 (critical) | CVE-2 (high) | instant                      |
/// |-------|------------------|--------------|------------------------------|
/// | 01-01 | open             | open         | baseline: 1 critical, 1 high |
/// | 01-08 | —                | open         | 1 fixed (CVE-1)              |
/// | 01-15 | open             | open         | 1 reopened (CVE-1)           |
/// | 01-22 | —                | —            | 2 fixed                      |
///
/// CVE-1 keeps its first sight, 01-01: fixed after 21 days (SLA 7: late), reopened once. CVE-2:
/// 21 days (SLA 30: in time). Within SLA 1 of 2 = 50 %; mean time to remediate 21 days. Had the
/// reopen started a new clock, CVE-1 would count as two fixes of 7 days each, both in time
/// (3 of 3, 11.7 days).
fn reopened_docs() -> Vec<(&'static str, String)> {
    vec![
        ("w1.json", trivy(1, &[C1, H2])),
        ("w2.json", trivy(8, &[H2])),
        ("w3.json", trivy(15, &[C1, H2])),
        ("w4.json", trivy(22, &[])),
    ]
}

#[test]
fn a_finding_that_comes_back_is_reopened_and_keeps_its_first_sight() {
    let snapshots = snapshots(&reopened_docs());
    let items = items_of(&snapshots);
    let history = history_of(&items, "2026-02-01T00:00:00Z");
    assert_eq!(history.lifecycles.len(), 2);
    let critical = history
        .lifecycles
        .iter()
        .find(|l| &*l.finding.rule_id == "CVE-1")
        .unwrap();
    assert_eq!(critical.first_seen, at("2026-01-01T00:00:00Z"));
    assert_eq!(critical.fixed_at, Some(at("2026-01-22T00:00:00Z")));
    assert_eq!(critical.reopened, 1);
    let instants: Vec<(u32, u32, u32, [u32; 6])> = history.assets[0]
        .instants
        .iter()
        .map(|i| (i.new, i.fixed, i.reopened, i.open))
        .collect();
    assert_eq!(
        instants,
        [
            (0, 0, 0, [1, 1, 0, 0, 0, 0]),
            (0, 1, 0, [0, 1, 0, 0, 0, 0]),
            (0, 0, 1, [1, 1, 0, 0, 0, 0]),
            (0, 2, 0, [0, 0, 0, 0, 0, 0]),
        ]
    );

    let view = view_of(&reopened_docs(), "2026-02-01T00:00:00Z");
    assert_eq!(value(&view, "vuln_sla_compliance"), Some(50.0));
    assert_eq!(value(&view, "vuln_mttr"), Some(21.0));
    assert_eq!(value(&view, "resolved_vulns_pct"), Some(100.0));
}

#[test]
fn a_reopened_finding_still_open_ages_from_its_first_sight() {
    // CVE-1 open 01-01, gone 01-08, back 01-15, still open at the end (01-16): 15 days old,
    // past its 7-day SLA, and its fix on 01-08 was undone. 0 within ÷ (0 fixed + 1 past) = 0 %.
    // A clock reset on 01-15 would make it 1 day old: no value at all.
    let docs = vec![
        ("w1.json", trivy(1, &[C1])),
        ("w2.json", trivy(8, &[])),
        ("w3.json", trivy(15, &[C1])),
    ];
    let view = view_of(&docs, "2026-01-16T00:00:00Z");
    assert_eq!(value(&view, "vuln_sla_compliance"), Some(0.0));
    assert_eq!(value(&view, "resolved_vulns_pct"), Some(0.0));
}

#[test]
fn open_vulnerabilities_are_within_at_risk_or_breached_beside_the_sla_rate() {
    // Scanned 01-01 and 01-02, all three still open on 01-26: 25 days old. Critical (SLA 7):
    // breached. High (SLA 30, at risk with 7.5 days or fewer left, from day 22.5): at risk. Low
    // (SLA 180): within. Nothing fixed, one past SLA: 0 ÷ (0 + 1) = 0 %.
    const L3: (&str, &str, &str) = ("CVE-3", "c", "LOW");
    let docs = vec![
        ("w1.json", trivy(1, &[C1, H2, L3])),
        ("w2.json", trivy(2, &[C1, H2, L3])),
    ];
    let view = view_of(&docs, "2026-01-26T00:00:00Z");
    assert_eq!(value(&view, "vuln_sla_compliance"), Some(0.0));
    let tile = view
        .tiles
        .iter()
        .find(|t| t.id == "vuln_sla_compliance")
        .unwrap();
    assert!(
        tile.notes.contains(
            &"Open at the end: 1 within SLA, 1 at risk (at most 25 % of the SLA left), 1 breached \
              — critical 0 / 0 / 1, high 0 / 1 / 0, low 1 / 0 / 0 (within / at risk / breached)"
                .to_string()
        ),
        "{:#?}",
        tile.notes
    );
}

#[test]
fn an_asset_not_rescanned_in_the_period_keeps_its_breaches_in_the_sla_rate() {
    // Period 01-15 to 01-31. `app` is scanned 01-01 (CVE-2, high) and 01-20 (clean): CVE-2 fixed
    // after 19 days, within its 30. `old` was scanned 01-01 and 01-02 only, with CVE-1 (critical)
    // open: still open at the end as far as anyone knows, 30 days old, past its 7 — as
    // `critical_open` counts it. 1 within ÷ (1 fixed + 1 past) = 50 %; resolved 1 ÷ 2 = 50 %.
    let docs = vec![
        ("app-1.json", trivy(1, &[H2])),
        ("app-20.json", trivy(20, &[])),
        (
            "old-1.json",
            trivy_image("old:1", "2026-01-01T00:00:00Z", &[C1]),
        ),
        (
            "old-2.json",
            trivy_image("old:2", "2026-01-02T00:00:00Z", &[C1]),
        ),
    ];
    let mut engine = Engine::default();
    for (name, doc) in &docs {
        add_one(&mut engine, name, doc.as_bytes(), None);
    }
    engine.set_period(PeriodChoice::Range {
        from: at("2026-01-15T00:00:00Z").0,
        to: at("2026-01-31T23:59:59.999Z").0,
    });
    let view = engine.view(at("2026-02-10T00:00:00Z"));
    assert_eq!(value(&view, "critical_open"), Some(1.0));
    assert_eq!(value(&view, "vuln_sla_compliance"), Some(50.0));
    assert_eq!(value(&view, "resolved_vulns_pct"), Some(50.0));
}

#[test]
fn a_suppressed_finding_is_closed_but_not_fixed() {
    // CVE-1 (critical) open on 01-01; on 01-08 Trivy still reports it, `not_affected` (a VEX
    // statement, say): suppressed, so not open — and not fixed either: no time to fix, no SLA, no
    // fix in the week; one row in the explorer, suppressed. CVE-2 (high) is fixed on 01-08 after
    // 7 days, the one remediation: mean time 7 days, within SLA 1 of 1.
    let suppressed = trivy(8, &[]).replace(
        r#""Vulnerabilities":[]"#,
        r#""Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"a","Severity":"CRITICAL","Status":"not_affected"}]"#,
    );
    let docs = vec![("w1.json", trivy(1, &[C1, H2])), ("w2.json", suppressed)];
    let snapshots = snapshots(&docs);
    let items = items_of(&snapshots);
    let history = history_of(&items, "2026-02-01T00:00:00Z");
    let cve1 = history
        .lifecycles
        .iter()
        .find(|l| &*l.finding.rule_id == "CVE-1")
        .unwrap();
    assert!(cve1.suppressed && !cve1.is_fixed());
    assert_eq!(cve1.days_to_fix(), None);
    let instant = &history.assets[0].instants[1];
    assert_eq!((instant.fixed, instant.suppressed), (1, 1));

    let view = view_of(&docs, "2026-01-20T00:00:00Z");
    assert_eq!(value(&view, "vuln_mttr"), Some(7.0));
    assert_eq!(value(&view, "vuln_sla_compliance"), Some(100.0));
    assert_eq!(value(&view, "resolved_vulns_pct"), Some(100.0));
}

#[test]
fn two_tools_reporting_one_finding_count_it_once_and_it_is_fixed_when_both_stop() {
    // Trivy and Grype scan the image on 01-01 and 01-11; both report CVE-1 (critical) on 01-01.
    // On 01-11 Grype still reports it and Trivy does not: it is still open (one fix, not two, and
    // not yet). CVE-2 (high) is reported by both on 01-01 and by neither on 01-11: fixed once, after
    // 10 days. So: 1 fixed of 2 = 50 % resolved; mean time to remediate 10 days; SLA: CVE-2 in
    // time (10 ≤ 30), CVE-1 open 24 days at 01-25 (past 7): 1 ÷ (1 + 1) = 50 %.
    let docs = vec![
        ("trivy-1.json", trivy(1, &[C1, H2])),
        (
            "grype-1.json",
            grype(1, &[("CVE-1", "a", "Critical"), ("CVE-2", "b", "High")]),
        ),
        ("trivy-11.json", trivy(11, &[])),
        ("grype-11.json", grype(11, &[("CVE-1", "a", "Critical")])),
    ];
    let snapshots = snapshots(&docs);
    let items = items_of(&snapshots);
    let history = history_of(&items, "2026-01-25T00:00:00Z");
    assert_eq!(
        history.lifecycles.len(),
        2,
        "one lifecycle per finding, not per tool"
    );
    let instants: Vec<(u32, u32, [u32; 6])> = history.assets[0]
        .instants
        .iter()
        .map(|i| (i.new, i.fixed, i.open))
        .collect();
    assert_eq!(
        instants,
        [(0, 0, [1, 1, 0, 0, 0, 0]), (0, 1, [1, 0, 0, 0, 0, 0])]
    );
    let view = view_of(&docs, "2026-01-25T00:00:00Z");
    assert_eq!(value(&view, "resolved_vulns_pct"), Some(50.0));
    assert_eq!(value(&view, "vuln_mttr"), Some(10.0));
    assert_eq!(value(&view, "vuln_sla_compliance"), Some(50.0));
}

#[test]
fn two_scans_at_the_same_instant_are_one_observation() {
    // Two Trivy scans stamped 01-08 (a re-run): the one loaded last speaks for that instant. It
    // lacks CVE-2, so CVE-2 is fixed on 01-08 after 7 days; CVE-1 stays open. Three instants
    // would have made CVE-2 fixed and reopened.
    let docs = vec![
        ("w1.json", trivy(1, &[C1, H2])),
        ("w2-first-run.json", trivy(8, &[C1, H2])),
        ("w2-rerun.json", trivy(8, &[C1])),
    ];
    let snapshots = snapshots(&docs);
    let items = items_of(&snapshots);
    let history = history_of(&items, "2026-01-10T00:00:00Z");
    assert_eq!(history.assets[0].instants.len(), 2);
    let fixed: Vec<&str> = history
        .lifecycles
        .iter()
        .filter(|l| l.fixed_at.is_some())
        .map(|l| &*l.finding.rule_id)
        .collect();
    assert_eq!(fixed, ["CVE-2"]);
    assert!(history.lifecycles.iter().all(|l| l.reopened == 0));
    let view = view_of(&docs, "2026-01-10T00:00:00Z");
    assert_eq!(value(&view, "vuln_mttr"), Some(7.0));
}

#[test]
fn a_period_shown_again_is_the_same_and_a_removed_file_is_seen_in_every_period() {
    let mut engine = Engine::default();
    for (name, doc) in reopened_docs() {
        add_one(&mut engine, name, doc.as_bytes(), None);
    }
    let now = at("2026-01-25T00:00:00Z");
    let json = |view: &View| serde_json::to_string(view).unwrap();
    let all = json(&engine.view(now));
    engine.set_period(PeriodChoice::LastDays(7));
    let week = json(&engine.view(now));
    assert_ne!(week, all);
    // Back to all data (kept), then the week again (kept too): what each showed.
    engine.set_period(PeriodChoice::All);
    assert_eq!(json(&engine.view(now)), all);
    engine.set_period(PeriodChoice::LastDays(7));
    assert_eq!(json(&engine.view(now)), week);
    // A file removed: every period is computed afresh.
    let last = engine.sources().last().unwrap().id;
    engine.handle(posture::core::protocol::Request::Remove(last), now);
    let week_after = json(&engine.view(now));
    assert_ne!(week_after, week);
    engine.set_period(PeriodChoice::All);
    let all_after = json(&engine.view(now));
    assert_ne!(all_after, all);
    let mut fresh = Engine::default();
    for (name, doc) in reopened_docs().into_iter().take(3) {
        add_one(&mut fresh, name, doc.as_bytes(), None);
    }
    assert_eq!(
        value(&engine.view(now), "vuln_mttr"),
        value(&fresh.view(now), "vuln_mttr")
    );
}

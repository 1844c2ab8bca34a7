//! The findings explorer through the engine's requests, on three scans whose rows are worked out
//! by hand: filters, search, sort (a new order of the same rows is not filtered again, and gives
//! what a fresh selection gives), windows and the CSV.

use posture::core::engine::Engine;
use posture::core::explorer::COLUMNS;
use posture::core::protocol::{FindingsQuery, FindingsRequest, FindingsWindow, Request, Response};
use posture::core::time::Timestamp;

use crate::support::{add_one, trivy_image_of};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

/// A Trivy scan of image `app` on 2026-01-DD: `(id, package, severity, title)`, installed 1.0,
/// fixed in 1.1.
fn trivy(day: u32, vulns: &[(&str, &str, &str, &str)]) -> String {
    trivy_image_of(
        &format!("app:{day}"),
        &format!("2026-01-{day:02}T00:00:00Z"),
        vulns.iter().map(|(id, pkg, sev, title)| {
            format!(
                r#"{{"VulnerabilityID":"{id}","PkgName":"{pkg}","InstalledVersion":"1.0","FixedVersion":"1.1","Severity":"{sev}","Title":"{title}"}}"#
            )
        }),
    )
}

const C1: (&str, &str, &str, &str) = ("CVE-1", "openssl", "CRITICAL", "Heap overflow");
const H2: (&str, &str, &str, &str) = ("CVE-2", "zlib", "HIGH", "Out-of-bounds read");
/// A title a spreadsheet would run: the CSV must make it text.
const L3: (&str, &str, &str, &str) = ("CVE-3", "curl", "LOW", "=HYPERLINK(1)");

/// Trivy on 01-01 finds CVE-1, 2 and 3; on 01-08 CVE-2 and 3 (CVE-1 fixed, after 7 days); Grype on
/// 01-08 finds CVE-2 too. On 01-21 (all data, aged to today), the rows are, in severity order:
///
/// | rule  | status | tools        | first seen | age (days)   | SLA                           |
/// |-------|--------|--------------|------------|--------------|-------------------------------|
/// | CVE-1 | fixed  | Trivy        | 2026-01-01 | 7.0 (to fix) |                               |
/// | CVE-2 | open   | Grype, Trivy | 2026-01-01 | 20.0         | within (30 d, at risk ≥ 22.5) |
/// | CVE-3 | open   | Trivy        | 2026-01-01 | 20.0         | within (180 d)                |
fn engine() -> Engine {
    let grype = r#"{"matches":[{"vulnerability":{"id":"CVE-2","severity":"High"},"artifact":{"name":"zlib","version":"1.0"}}],
        "source":{"type":"image","target":{"userInput":"app:8"}},
        "descriptor":{"name":"grype","version":"0.94.0","timestamp":"2026-01-08T00:00:00Z"}}"#;
    let mut engine = Engine::default();
    for (name, doc) in [
        ("w1.json", trivy(1, &[C1, H2, L3])),
        ("w2.json", trivy(8, &[H2, L3])),
        ("grype.json", grype.to_string()),
    ] {
        let row = add_one(&mut engine, name, doc.as_bytes(), None);
        assert!(row.error.is_none(), "{name}: {:?}", row.error);
    }
    engine
}

const NOW: &str = "2026-01-21T00:00:00Z";

fn window(engine: &mut Engine, id: u64, query: FindingsQuery, start: u32) -> FindingsWindow {
    let request = FindingsRequest {
        id,
        query,
        start,
        count: 50,
    };
    match engine
        .handle(Request::Findings(request), at(NOW))
        .as_slice()
    {
        // One answer, no view and no Idle: asking for rows never makes the page busy.
        [Response::Findings(window)] => (**window).clone(),
        other => panic!("{other:?}"),
    }
}

fn query(filters: &[(&str, &str)], text: &str) -> FindingsQuery {
    FindingsQuery {
        filters: filters
            .iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect(),
        text: text.into(),
        ..FindingsQuery::default()
    }
}

fn cell<'a>(row: &'a posture::core::protocol::FindingRow, column: &str) -> &'a str {
    let i = COLUMNS.iter().position(|(c, _)| *c == column).unwrap();
    &row.cells[i]
}

fn rules(window: &FindingsWindow) -> Vec<&str> {
    window.rows.iter().map(|r| cell(r, "rule")).collect()
}

#[test]
fn every_finding_of_the_period_is_a_row_with_its_history() {
    let mut engine = engine();
    let all = window(&mut engine, 7, FindingsQuery::default(), 0);
    assert_eq!(all.id, 7, "the request's id comes back");
    assert_eq!((all.total, all.all, all.start), (3, 3, 0));
    assert_eq!(rules(&all), ["CVE-1", "CVE-2", "CVE-3"]);
    let columns = |r| {
        [
            "status",
            "tools",
            "first_seen",
            "age",
            "sla",
            "package",
            "fixed_version",
        ]
        .map(|c| cell(r, c).to_string())
    };
    assert_eq!(
        columns(&all.rows[0]),
        ["fixed", "Trivy", "2026-01-01", "7.0", "—", "openssl", "1.1"]
    );
    assert_eq!(
        columns(&all.rows[1]),
        [
            "open",
            "Grype, Trivy",
            "2026-01-01",
            "20.0",
            "Within SLA",
            "zlib",
            "1.1"
        ]
    );
    assert_eq!(all.rows[1].sla, "within");
    assert_eq!(all.rows[2].severity, "low");
}

#[test]
fn filters_search_and_minimum_age_narrow_the_rows() {
    let mut engine = engine();
    for (q, expected) in [
        (query(&[("status", "open")], ""), &["CVE-2", "CVE-3"][..]),
        (query(&[("severity", "critical")], ""), &["CVE-1"]),
        // A text filter is a part of the text, in any case.
        (query(&[("tools", "GRYPE")], ""), &["CVE-2"]),
        (query(&[("package", "url")], ""), &["CVE-3"]),
        // In double quotes, all of the text (a chart's link asks so: CVE-2021-4428 is not
        // CVE-2021-44228).
        (query(&[("rule", "CVE-")], ""), &["CVE-1", "CVE-2", "CVE-3"]),
        (query(&[("rule", "\"cve-2\"")], ""), &["CVE-2"]),
        (query(&[("rule", "\"CVE-\"")], ""), &[]),
        (
            query(&[("asset", "\"app\"")], ""),
            &["CVE-1", "CVE-2", "CVE-3"],
        ),
        // Free text searches rule, title, asset, package, location and tools.
        (query(&[], "overflow"), &["CVE-1"]),
        (query(&[], "cve-3"), &["CVE-3"]),
        // "At least 10 days": the fix after 7 days is younger.
        (query(&[("age", "10")], ""), &["CVE-2", "CVE-3"]),
        (query(&[("sla", "breached")], ""), &[]),
        (
            query(&[("status", "open"), ("tools", "grype")], ""),
            &["CVE-2"],
        ),
    ] {
        let w = window(&mut engine, 1, q.clone(), 0);
        assert_eq!(rules(&w), expected, "{q:?}");
        assert_eq!(w.total as usize, expected.len());
        assert_eq!(w.all, 3);
    }
}

#[test]
fn a_new_order_of_the_same_rows_is_what_a_fresh_selection_gives() {
    let by = |column: &str, descending: bool| FindingsQuery {
        sort: column.into(),
        descending,
        ..query(&[("status", "open")], "")
    };
    let mut fresh_engine = engine();
    let mut engine = engine();
    // Filtered once, then sorted again twice.
    window(&mut engine, 1, by("", false), 0);
    let title = window(&mut engine, 2, by("title", false), 0);
    let descending = window(&mut engine, 3, by("rule", true), 0);
    // "=HYPERLINK(1)" sorts before "Out-of-bounds read" ('=' < 'O').
    assert_eq!(rules(&title), ["CVE-3", "CVE-2"]);
    assert_eq!(rules(&descending), ["CVE-3", "CVE-2"]);
    let fresh = window(&mut fresh_engine, 4, by("rule", true), 0);
    assert_eq!(fresh.rows, descending.rows);
    let ascending = window(&mut engine, 5, by("rule", false), 0);
    assert_eq!(rules(&ascending), ["CVE-2", "CVE-3"]);
}

#[test]
fn a_window_past_the_end_is_empty_and_says_where_it_starts() {
    let mut engine = engine();
    let tail = window(&mut engine, 1, FindingsQuery::default(), 2);
    assert_eq!((tail.start, rules(&tail)), (2, vec!["CVE-3"]));
    let past = window(&mut engine, 2, FindingsQuery::default(), 40);
    assert_eq!((past.start, past.total, past.rows.len()), (3, 3, 0));
}

#[test]
fn the_csv_is_the_view_with_formulas_made_text() {
    let mut engine = engine();
    let q = FindingsQuery {
        sort: "rule".into(),
        descending: true,
        ..query(&[("status", "open")], "")
    };
    let responses = engine.handle(Request::ExportFindings(q), at(NOW));
    let Some(Response::Export {
        file_name, content, ..
    }) = responses.first()
    else {
        panic!("{responses:?}")
    };
    assert!(
        file_name.starts_with("posture-findings-all-data-"),
        "{file_name}"
    );
    let lines: Vec<&str> = content.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Severity,Category,Rule,Title,Asset,Package,Installed,Fixed version,Tools,Status,First seen,Age (days),SLA,Location,Fingerprint"
    );
    assert_eq!(lines.len(), 4, "header, two rows, and the last line's end");
    assert!(lines[1].starts_with("low,vulnerability,CVE-3,'=HYPERLINK(1),app,curl,1.0,1.1,Trivy,open,2026-01-01,20.0,within,"), "{}", lines[1]);
    assert!(
        lines[2].starts_with(
            "high,vulnerability,CVE-2,Out-of-bounds read,app,zlib,1.0,1.1,\"Grype, Trivy\",open,"
        ),
        "{}",
        lines[2]
    );
}

#[test]
fn a_suppressed_finding_is_one_row_and_a_misconfiguration_ages_from_its_first_scan() {
    // CVE-1 open on 01-01, reported `not_affected` on 01-08: one row, suppressed (not also a
    // "fixed" one). A Trivy config failure found on 01-01 and again on 01-15 is 20 days old on
    // 01-21: its first scan, not its latest, is when it was first seen.
    let suppressed = trivy(8, &[]).replace(
        r#""Vulnerabilities":[]"#,
        r#""Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"openssl","Severity":"CRITICAL","Status":"not_affected"}]"#,
    );
    let config = |day: u32| {
        format!(
            r#"{{"SchemaVersion":2,"CreatedAt":"2026-01-{day:02}T00:00:00Z","ArtifactName":"infra","ArtifactType":"filesystem",
               "Results":[{{"Target":"main.tf","Class":"config","Type":"terraform","Misconfigurations":[
               {{"ID":"AVD-AWS-0086","Title":"S3 bucket is public","Severity":"HIGH","Status":"FAIL","Message":"public"}}]}}]}}"#
        )
    };
    let mut engine = Engine::default();
    for (name, doc) in [
        ("w1.json", trivy(1, &[C1])),
        ("w2.json", suppressed),
        ("infra-1.json", config(1)),
        ("infra-15.json", config(15)),
    ] {
        let row = add_one(&mut engine, name, doc.as_bytes(), None);
        assert!(row.error.is_none(), "{name}: {:?}", row.error);
    }
    let all = window(&mut engine, 1, FindingsQuery::default(), 0);
    let rows: Vec<[&str; 4]> = all
        .rows
        .iter()
        .map(|r| ["rule", "status", "first_seen", "age"].map(|c| cell(r, c)))
        .collect();
    assert_eq!(
        rows,
        [
            ["CVE-1", "suppressed", "2026-01-01", ""],
            ["AVD-AWS-0086", "open", "2026-01-01", "20.0"],
        ]
    );
}

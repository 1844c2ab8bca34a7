//! Exports for people who do not run Posture (SPEC §7): the CSVs read back against the
//! scorecard JSON, cells a spreadsheet would run made text, the report's policy, escaping and
//! numbers, and incident records that read back as they were.

use posture::core::csv::Reader;
use posture::core::engine::Engine;
use posture::core::evidence::PeriodChoice;
use posture::core::exports::report;
use posture::core::protocol::{ExportKind, FindingsQuery, Request, Response};
use posture::core::time::Timestamp;
use serde_json::Value;

use crate::support::{add_one, fixture, read, trivy_image_of};

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-11-23T10:00:00Z").unwrap()
}

/// The file an export request gives: its name and content.
fn export(engine: &mut Engine, request: Request) -> (String, String) {
    let responses = engine.handle(request, now());
    match responses.into_iter().next() {
        Some(Response::Export {
            file_name, content, ..
        }) => (file_name, content),
        other => panic!("{other:?}"),
    }
}

fn scorecard(engine: &mut Engine) -> Value {
    serde_json::from_str(&export(engine, Request::ExportScorecard).1).unwrap()
}

/// A CSV's rows as header → cell maps.
fn rows(csv: &str) -> Vec<Vec<(String, String)>> {
    let mut records = Reader::new(csv).map(|r| r.unwrap().cells);
    let header: Vec<String> = records
        .next()
        .unwrap()
        .into_iter()
        .map(|c| c.into_owned())
        .collect();
    records
        .map(|cells| {
            assert_eq!(cells.len(), header.len(), "{cells:?}");
            header
                .iter()
                .cloned()
                .zip(cells.into_iter().map(|c| c.into_owned()))
                .collect()
        })
        .collect()
}

fn get<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
    &row.iter().find(|(c, _)| c == column).unwrap().1
}

/// A JSON number or null as the CSV writes it.
fn same_number(cell: &str, json: &Value) -> bool {
    match json.as_f64() {
        None => cell.is_empty(),
        Some(n) => cell.parse::<f64>().is_ok_and(|c| (c - n).abs() < 1e-9),
    }
}

fn sample() -> Engine {
    let mut engine = Engine::default();
    engine.handle(Request::LoadSample, now());
    engine
}

#[test]
fn the_kpis_csv_reads_back_as_the_scorecard() {
    let mut engine = sample();
    engine.handle(Request::SetPeriod(PeriodChoice::LastDays(30)), now());
    let json = scorecard(&mut engine);
    let (name, csv) = export(&mut engine, Request::Export(ExportKind::KpisCsv));
    assert_eq!(name, "posture-kpis-2026-10-24-to-2026-11-23.csv");
    let rows = rows(&csv);
    let kpis = json["kpis"].as_array().unwrap();
    assert_eq!(rows.len(), kpis.len());
    let mut with_value = 0;
    for (row, k) in rows.iter().zip(kpis) {
        assert_eq!(get(row, "id"), k["id"]);
        for column in ["value", "target", "previous", "numerator", "denominator"] {
            assert!(
                same_number(get(row, column), &k[column]),
                "{} {column}: {:?} vs {}",
                k["id"],
                get(row, column),
                k[column]
            );
        }
        for column in ["unit", "status", "direction", "formula"] {
            assert_eq!(get(row, column), k[column], "{} {column}", k["id"]);
        }
        let inputs: Vec<&str> = k["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_str().unwrap())
            .collect();
        assert_eq!(get(row, "inputs"), inputs.join("; "));
        assert_eq!(get(row, "period_from"), json["period"]["from"]);
        with_value += usize::from(!get(row, "value").is_empty());
    }
    // The sample feeds every KPI; the last 30 days of it most of them.
    assert!(with_value >= 10, "{with_value}");
    // The previous 30 days (2026-09-24 to 2026-10-24) hold the first scans and incidents.
    let with_previous = rows
        .iter()
        .filter(|r| !get(r, "previous").is_empty())
        .count();
    assert!(with_previous >= 3, "{with_previous}");
    // For all data there is no previous period.
    engine.handle(Request::SetPeriod(PeriodChoice::All), now());
    let all = scorecard(&mut engine);
    for k in all["kpis"].as_array().unwrap() {
        assert_eq!(k["previous"], Value::Null, "{}", k["id"]);
    }
}

#[test]
fn the_metrics_csv_holds_the_scorecards_counts_and_the_logs_summaries() {
    let mut engine = sample();
    let json = scorecard(&mut engine);
    let (name, csv) = export(&mut engine, Request::Export(ExportKind::MetricsCsv));
    assert_eq!(name, "posture-metrics-all-data-2026-11-23.csv");
    let rows = rows(&csv);
    let find = |section: &str, table: &str, row: &str, column: &str| -> String {
        rows.iter()
            .find(|r| {
                get(r, "section") == section
                    && get(r, "table") == table
                    && get(r, "row") == row
                    && get(r, "column") == column
            })
            .map(|r| get(r, "value").to_string())
            .unwrap_or_else(|| panic!("{section} / {table} / {row} / {column}"))
    };
    for (severity, n) in json["metrics"]["findings_by_severity"].as_object().unwrap() {
        let label = format!("{}{}", severity[..1].to_uppercase(), &severity[1..]);
        assert!(same_number(
            &find("Open findings", "By severity", &label, "open"),
            n
        ));
    }
    for (tool, n) in json["metrics"]["findings_by_tool"].as_object().unwrap() {
        assert!(same_number(
            &find("Open findings", "By tool", tool, "open"),
            n
        ));
    }
    assert!(same_number(
        &find("Open findings", "Vulnerabilities", "fixable", "count"),
        &json["metrics"]["fixable_vulnerabilities"]
    ));
    // The logs' and incidents' sections are there too, each with rows.
    let sections: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| get(r, "section")).collect();
    assert!(sections.len() >= 5, "{sections:?}");
    assert!(
        sections.iter().any(|s| s.contains("ncident")),
        "{sections:?}"
    );
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_text() {
    let mut engine = Engine::default();
    let hostile = r#"{"VulnerabilityID":"=HYPERLINK(\"http://evil.example/\",\"x\")","PkgName":"@SUM(1+1)*cmd|' /C calc'!A0","Severity":"CRITICAL","Title":"+1+cmd","InstalledVersion":"-2+3"}"#;
    add_one(
        &mut engine,
        "hostile.json",
        trivy_image_of(
            "-img",
            "2026-11-20T10:00:00Z",
            std::iter::once(hostile.into()),
        )
        .as_bytes(),
        None,
    );
    let csvs = [
        export(
            &mut engine,
            Request::ExportFindings(FindingsQuery::default()),
        )
        .1,
        export(&mut engine, Request::Export(ExportKind::MetricsCsv)).1,
        export(&mut engine, Request::Export(ExportKind::KpisCsv)).1,
    ];
    let mut neutralised = 0;
    for csv in &csvs {
        for record in Reader::new(csv) {
            for cell in record.unwrap().cells {
                let number = cell.parse::<f64>().is_ok();
                assert!(
                    number || !cell.starts_with(['=', '+', '-', '@']),
                    "a cell a spreadsheet would run: {cell:?}"
                );
                neutralised += usize::from(cell.starts_with("'=") || cell.starts_with("'@"));
            }
        }
    }
    // The rule id and the package, in the findings and the metrics CSVs, kept as text.
    assert!(neutralised >= 3, "{neutralised}");
    assert!(csvs[0].contains("'=HYPERLINK("));
}

#[test]
fn incident_records_read_back_as_they_were() {
    let mut engine = Engine::default();
    for name in ["template.csv", "jira.csv", "pagerduty.csv", "thehive.json"] {
        add_one(
            &mut engine,
            name,
            &read(&fixture(&format!("incidents/{name}"))),
            None,
        );
    }
    let before = scorecard(&mut engine);
    let (name, csv) = export(&mut engine, Request::Export(ExportKind::IncidentsCsv));
    assert_eq!(name, "posture-incident-records-all-data-2026-11-23.csv");
    let mut again = Engine::default();
    let row = add_one(&mut again, &name, csv.as_bytes(), None);
    assert_eq!(row.format.as_deref(), Some("incidents"), "{row:?}");
    assert!(row.warnings.is_empty(), "{:?}", row.warnings);
    let after = scorecard(&mut again);
    let incident_kpis = ["mttd", "mttr", "false_positive_rate", "incidents_per_week"];
    let mut compared = 0;
    for (b, a) in before["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["kpis"].as_array().unwrap())
    {
        if !incident_kpis.contains(&b["id"].as_str().unwrap()) {
            continue;
        }
        for column in ["value", "numerator", "denominator", "status"] {
            assert_eq!(b[column], a[column], "{} {column}", b["id"]);
        }
        compared += 1;
    }
    assert!(compared >= 3, "{compared}");
}

#[test]
fn the_report_style_is_the_one_its_policy_allows() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(report::STYLE.as_bytes());
    let hash = format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    );
    assert_eq!(report::STYLE_HASH, hash, "update STYLE_HASH in report.rs");
}

#[test]
fn the_report_runs_nothing_and_says_what_the_scorecard_says() {
    let mut engine = sample();
    engine.handle(Request::SetPeriod(PeriodChoice::LastDays(30)), now());
    let json = scorecard(&mut engine);
    let (name, html) = export(&mut engine, Request::Export(ExportKind::Report));
    assert_eq!(name, "posture-report-2026-10-24-to-2026-11-23.html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"
    ));
    let lower = html.to_lowercase();
    for never in [
        "<script",
        "javascript:",
        " onload=",
        " onerror=",
        " onclick=",
        "<iframe",
        "<link",
        "<img",
        "url(",
    ] {
        assert!(!lower.contains(never), "{never}");
    }
    for k in json["kpis"].as_array().unwrap() {
        let id = k["id"].as_str().unwrap();
        let at = html
            .find(&format!("data-kpi=\"{id}\""))
            .unwrap_or_else(|| panic!("no tile {id}"));
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        assert!(
            tag.contains(&format!(
                "data-status=\"{}\"",
                k["status"].as_str().unwrap()
            )),
            "{tag}"
        );
        let value = tag
            .split("data-value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            same_number(value, &k["value"]),
            "{id}: {value} vs {}",
            k["value"]
        );
    }
    let overall = html
        .split("data-overall=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(same_number(overall, &json["overall"]["score"]));
    // Every source, and the charts as inline SVG without the app's links.
    for source in json["sources"].as_array().unwrap() {
        let name = source["name"].as_str().unwrap();
        assert!(html.contains(&format!("data-source=\"{name}\"")), "{name}");
    }
    assert!(html.matches("<svg").count() >= 3);
    assert!(!html.contains("bar-link"));
}

#[test]
fn strings_from_files_are_text_in_the_report() {
    let mut engine = Engine::default();
    add_one(
        &mut engine,
        "<b>scan</b>.json",
        &read(&fixture("trivy/markup-in-names.json")),
        None,
    );
    let html = export(&mut engine, Request::Export(ExportKind::Report)).1;
    for markup in ["<img", "<svg onload", "<script", "<b>", "<b onmouseover"] {
        assert!(!html.contains(markup), "{markup}");
    }
    assert!(html.contains("&lt;b&gt;scan&lt;/b&gt;.json"));
}

#[test]
fn file_names_carry_the_period_and_the_group() {
    let mut engine = sample();
    let name = |engine: &mut Engine| export(engine, Request::Export(ExportKind::KpisCsv)).0;
    assert_eq!(name(&mut engine), "posture-kpis-all-data-2026-11-23.csv");
    engine.handle(Request::SetGroup(" Payments / Team № 1 ".into()), now());
    assert_eq!(
        name(&mut engine),
        "posture-kpis-all-data-2026-11-23-payments-team-1.csv"
    );
    engine.handle(Request::SetGroup("//".into()), now());
    assert_eq!(name(&mut engine), "posture-kpis-all-data-2026-11-23.csv");
}

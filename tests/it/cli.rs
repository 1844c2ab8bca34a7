//! The native `posture` command, run as a process: the scorecard it writes is the app's for the
//! same files and clock, byte for byte; exit statuses; the tables it exports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use posture::core::engine::Engine;
use posture::core::protocol::{FileMeta, Request, Response};
use posture::core::time::Timestamp;

use crate::support::{fixture, read, real_dir};

const NOW: &str = "2026-11-23T10:00:00Z";

fn posture(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("posture-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `posture export --<format> <dir>` over `files` at [`NOW`]; the folder written.
fn export(format: &str, case: &str, files: &[&Path]) -> PathBuf {
    let dir = temp(case);
    let mut args = vec!["export", "-q", "--now", NOW, format, dir.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = posture(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// One JSON value per line of an exported NDJSON table.
fn ndjson(dir: &Path, name: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(name))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The scorecard the app exports for these files, as the worker takes a drop: named as a drop
/// names them, sorted by name, queued at once, then read one by one.
fn app_export(files: &[&Path]) -> String {
    let now = Timestamp::parse_rfc3339(NOW).unwrap();
    let mut engine = Engine::default();
    let mut files = files.to_vec();
    files.sort_by_key(|p| p.file_name().unwrap().to_owned());
    let metas = files
        .iter()
        .map(|path| FileMeta {
            name: path.file_name().unwrap().to_str().unwrap().into(),
            size: std::fs::metadata(path).unwrap().len(),
            last_modified: std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64),
        })
        .collect();
    let Some(Response::Queued(rows)) = engine.handle(Request::AddFiles(metas), now).pop() else {
        panic!("not queued")
    };
    for (row, path) in rows.iter().zip(&files) {
        engine.ingest(row.id, &read(path));
    }
    match engine.handle(Request::ExportScorecard, now).remove(0) {
        Response::Export { content, .. } => content,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_scorecard_is_the_apps_byte_for_byte() {
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let incidents = fixture("incidents/template.csv");
    let out = posture(&[
        "scorecard",
        "-q",
        "--now",
        NOW,
        alpine.to_str().unwrap(),
        incidents.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = String::from_utf8(out.stdout).unwrap();
    assert_eq!(written, app_export(&[&alpine, &incidents]));
    // In the app's order (sorted by name), whatever the order given.
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(json["sources"][0]["name"], "template.csv");
}

#[test]
fn a_bad_file_is_named_and_the_others_still_count() {
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let broken = fixture("trivy/truncated.json");
    let dir = temp("bad");
    let output = dir.join("scorecard.json");
    let out = posture(&[
        "scorecard",
        "--now",
        NOW,
        "-o",
        output.to_str().unwrap(),
        alpine.to_str().unwrap(),
        broken.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(
        said.contains("posture: truncated.json: the file ends too early"),
        "{said}"
    );
    assert!(
        said.contains("[1/2] trivy-image-alpine-3.10-vulns.json"),
        "{said}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    // The alpine image's 4 medium vulnerabilities (counted in the file by hand).
    assert_eq!(json["metrics"]["findings_by_severity"]["medium"], 4);
    assert_eq!(json["sources"].as_array().unwrap().len(), 2);
}

#[test]
fn gates_fail_the_run_with_their_own_status() {
    let secrets = real_dir("trivy").join("trivy-repo-secrets.json");
    let path = secrets.to_str().unwrap();
    let pass = posture(&[
        "scorecard",
        "-q",
        "--now",
        NOW,
        "--fail-on",
        "critical_open>0",
        path,
    ]);
    // A repository scan lists no vulnerabilities: critical_open says "not scanned", no data.
    assert_eq!(pass.status.code(), Some(3), "{}", stderr(&pass));
    assert!(stderr(&pass).contains("critical_open has no data"));
    let fail = posture(&[
        "scorecard",
        "-q",
        "--now",
        NOW,
        "--fail-on",
        "secrets_exposed>0",
        path,
    ]);
    assert_eq!(fail.status.code(), Some(3));
    assert!(
        stderr(&fail).contains("gate failed: secrets_exposed is"),
        "{}",
        stderr(&fail)
    );
    let held = posture(&[
        "scorecard",
        "-q",
        "--now",
        NOW,
        "--fail-on",
        "secrets_exposed>1000",
        path,
    ]);
    assert_eq!(held.status.code(), Some(0), "{}", stderr(&held));
}

#[test]
fn usage_and_profile_errors_stop_before_anything_is_computed() {
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let path = alpine.to_str().unwrap();
    for args in [
        &["scorecard"][..],
        &["scorecard", path, "--period", "fortnight"],
        &["frobnicate", path],
        &["export", path],
    ] {
        let out = posture(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let dir = temp("profile");
    let profile = dir.join("posture.profile.json");
    std::fs::write(
        &profile,
        r#"{"schema":"posture.profile.v1","sla_days":{"critical":-1}}"#,
    )
    .unwrap();
    let out = posture(&["scorecard", "--profile", profile.to_str().unwrap(), path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("posture.profile.json"),
        "{}",
        stderr(&out)
    );
    for help in [
        &["--help"][..],
        &["scorecard", "--help"],
        &["export", "--help"],
    ] {
        let out = posture(help);
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("posture"));
    }
}

#[test]
fn a_profile_and_a_period_are_the_apps_too() {
    let dir = temp("settings");
    let profile = dir.join("org.json");
    std::fs::write(
        &profile,
        r#"{"schema":"posture.profile.v1","targets":{"critical_open":5}}"#,
    )
    .unwrap();
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let out = posture(&[
        "scorecard",
        "-q",
        "--now",
        NOW,
        "--period",
        "2021-08-01..2021-08-31",
        "--profile",
        profile.to_str().unwrap(),
        alpine.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let critical = json["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "critical_open")
        .unwrap();
    assert_eq!(critical["target"], 5);
    assert_eq!(json["period"]["from"], "2021-08-01T00:00:00Z");
    assert_eq!(json["settings"]["targets"]["critical_open"], 5.0);
}

#[test]
fn tables_export_one_row_per_finding_and_incident() {
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let incidents = fixture("incidents/template.csv");
    let dir = export("--ndjson", "tables", &[&alpine, &incidents]);
    let lines = |name: &str| ndjson(&dir, name);
    // Four vulnerabilities: CVE-2019-1549 and CVE-2019-1551 in libcrypto1.1 and libssl1.1.
    let findings = lines("findings.ndjson");
    assert_eq!(findings.len(), 4);
    let mut rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        [
            "CVE-2019-1549",
            "CVE-2019-1549",
            "CVE-2019-1551",
            "CVE-2019-1551"
        ]
    );
    assert!(
        findings
            .iter()
            .all(|f| f["severity"] == "medium" && f["status"] == "open")
    );
    assert!(findings.iter().all(|f| f["age_days"].is_number()));
    assert!(
        findings
            .iter()
            .all(|f| f["file"] == "trivy-image-alpine-3.10-vulns.json")
    );
    // No fixed version is known: empty text is null.
    assert!(
        findings
            .iter()
            .all(|f| f["fixed_version"].is_null() || f["fixed_version"] != "")
    );
    // Five incidents in the template fixture (a sixth row has no id and is skipped).
    let records = lines("incidents.ndjson");
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 5, "{ids:?}");
    let first = records.iter().find(|r| r["id"] == "INC-1").unwrap();
    // 2026-11-02 08:00 → 10:00 → 14:00 (contained) → 11-03 10:00 (resolved).
    assert_eq!(
        (
            &first["detect_hours"],
            &first["respond_hours"],
            &first["resolve_hours"]
        ),
        (&2.0.into(), &4.0.into(), &24.0.into())
    );
    assert_eq!(first["false_positive"], false);
}

#[test]
fn parquet_tables_read_back_with_their_types() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let incidents = fixture("incidents/template.csv");
    let dir = export("--parquet", "parquet", &[&alpine, &incidents]);
    let rows = |name: &str| -> Vec<Vec<(String, Field)>> {
        let file = std::fs::File::open(dir.join(name)).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        reader
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().into_columns())
            .collect()
    };
    let field = |row: &[(String, Field)], name: &str| -> Field {
        row.iter().find(|(n, _)| n == name).unwrap().1.clone()
    };
    let findings = rows("findings.parquet");
    assert_eq!(findings.len(), 4);
    for row in &findings {
        assert_eq!(field(row, "severity"), Field::Str("medium".into()));
        assert!(matches!(field(row, "age_days"), Field::Double(_)));
        // Taken at 2021-08-25T12:20:30Z: first seen then, never fixed.
        assert_eq!(
            field(row, "first_seen"),
            Field::TimestampMillis(Timestamp::parse_rfc3339("2021-08-25T12:20:30Z").unwrap().0)
        );
        assert_eq!(field(row, "fixed_at"), Field::Null);
    }
    let records = rows("incidents.parquet");
    assert_eq!(records.len(), 5);
    let first = records
        .iter()
        .find(|r| field(r, "id") == Field::Str("INC-1".into()))
        .unwrap();
    assert_eq!(field(first, "detect_hours"), Field::Double(2.0));
    assert_eq!(field(first, "false_positive"), Field::Bool(false));
}

#[test]
fn scans_and_events_tables_hold_one_row_each() {
    let alpine = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let falco = fixture("falco/alerts-with-startup-lines.jsonl");
    let dir = export("--ndjson", "scans-events", &[&alpine, &falco]);
    let lines = |name: &str| ndjson(&dir, name);
    let scans = lines("scans.ndjson");
    assert_eq!(scans.len(), 1);
    assert_eq!(scans[0]["taken_at"], "2021-08-25T12:20:30Z");
    assert_eq!(scans[0]["format"], "trivy");
    assert_eq!(
        (&scans[0]["findings"], &scans[0]["open"]),
        (&4.0.into(), &4.0.into())
    );
    assert_eq!(scans[0]["iac_passed"], serde_json::Value::Null);
    // Nine JSON lines: the shell alert twice (counted once), the privileged container at the
    // same instant written two ways (once), one cut line, and one whose time is only its
    // `evt.time` (1794960000000000000 ns, 2026-11-18T00:00:00Z): six events, oldest first.
    let events = lines("events.ndjson");
    let rules: Vec<&str> = events.iter().map(|e| e["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "Terminal shell in container",
            "Detect release_agent File Container Escapes",
            "Read sensitive file untrusted",
            "Clear Log Activities",
            "Write below etc",
            "Launch Privileged Container"
        ]
    );
    assert!(events.iter().all(|e| e["kind"] == "runtime_alert"));
    assert_eq!(events[0]["priority"], "critical");
    assert_eq!(events[4]["at"], "2026-11-18T00:00:00Z");
}

/// Copies files into a fresh folder, as a team's CI job would find them.
fn folder(case: &str, files: &[PathBuf]) -> PathBuf {
    let dir = temp(case);
    for file in files {
        std::fs::copy(file, dir.join(file.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn team_summaries_merge_into_the_organisations_scorecard() {
    let sample = |names: &[&str]| -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("src/core/sample")
                    .join(n)
            })
            .collect()
    };
    let team_a = folder(
        "team-a",
        &sample(&[
            "payments-api-image-2026-10-12.json",
            "payments-api-image-2026-11-18.json",
            "payments-falco-2026-11-18.jsonl",
        ]),
    );
    let team_b = folder(
        "team-b",
        &sample(&[
            "payments-api-grype-2026-11-18.json",
            "security-incidents-jira-2026-11-18.csv",
            "infra-config-2026-11-18.json",
        ]),
    );
    let out = temp("summaries");
    let summary = |team: &Path, name: &str| {
        let path = out.join(name);
        let run = posture(&[
            "summarize",
            "-q",
            team.to_str().unwrap(),
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        path
    };
    let a = summary(&team_a, "a.summary.json");
    let b = summary(&team_b, "b.summary.json");
    let org = out.join("org.summary.json");
    let run = posture(&[
        "merge",
        b.to_str().unwrap(),
        a.to_str().unwrap(),
        "-o",
        org.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("merged 2 summaries: 6 sources"),
        "{}",
        stderr(&run)
    );

    let scorecard = |inputs: &[&Path]| {
        let mut args = vec!["scorecard", "-q", "--now", NOW];
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        let run = posture(&args);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        run.stdout
    };
    let one = scorecard(&[&team_a, &team_b]);
    assert_eq!(scorecard(&[&org]), one);
    // The files and its summary together: each file once.
    let card: serde_json::Value =
        serde_json::from_slice(&scorecard(&[&team_a, &team_b, &org])).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(card["kpis"], expected["kpis"]);

    // A summary that cannot be read is named; the rest is merged.
    let newer = out.join("newer.summary.json");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(
        &newer,
        text.replace("\"encoding\":1", "\"encoding\":7")
            .replacen("0.1.0", "9.9.9", 1),
    )
    .unwrap();
    let not_one = out.join("notes.txt");
    std::fs::write(&not_one, "not a summary").unwrap();
    let partial = out.join("partial.summary.json");
    let run = posture(&[
        "merge",
        "-q",
        b.to_str().unwrap(),
        newer.to_str().unwrap(),
        not_one.to_str().unwrap(),
        "-o",
        partial.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let said = stderr(&run);
    assert!(
        said.contains("newer.summary.json: this summary was made by Posture 9.9.9, newer"),
        "{said}"
    );
    assert!(said.contains("notes.txt: not a summary"), "{said}");
    assert_eq!(std::fs::read(&partial).unwrap(), std::fs::read(&b).unwrap());

    // Nothing readable: nothing written over what is there.
    let kept = out.join("kept.summary.json");
    std::fs::write(&kept, "keep me").unwrap();
    let run = posture(&[
        "merge",
        "-q",
        newer.to_str().unwrap(),
        "-o",
        kept.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("nothing written"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "keep me");
    let run = posture(&[
        "merge",
        a.to_str().unwrap(),
        "missing.summary.json",
        "-o",
        partial.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("merged 1 summaries"),
        "{}",
        stderr(&run)
    );

    // Summaries given together are read as their merge, once: each source's warnings said once.
    let mut args = vec!["scorecard", "--now", NOW];
    args.extend([a.to_str().unwrap(), b.to_str().unwrap()]);
    let run = posture(&args);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(run.stdout, one);
    assert!(
        stderr(&run).contains("merged 2 summaries: 6 sources"),
        "{}",
        stderr(&run)
    );
    let warnings: Vec<&str> = std::str::from_utf8(&run.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.contains("warning"))
        .collect();
    let unique: std::collections::HashSet<&&str> = warnings.iter().collect();
    assert_eq!(warnings.len(), unique.len(), "{warnings:?}");

    // The scorecard says so too, for the one file, with no number from it.
    let run = posture(&["scorecard", "-q", "--now", NOW, newer.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("newer than this one"),
        "{}",
        stderr(&run)
    );

    for command in ["summarize", "merge"] {
        let run = posture(&[command, "--help"]);
        assert_eq!(run.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&run.stdout).contains("posture.summary.v1")
                || command == "merge"
        );
    }
    let run = posture(&["summarize", team_a.to_str().unwrap(), "--period", "30d"]);
    assert_eq!(run.status.code(), Some(2));
}

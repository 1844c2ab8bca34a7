//! Compressed and bundled inputs (tests/fixtures/archives/, built from the Trivy fixtures):
//! every member is recognised as if dropped alone and gets its own row; errors are per member.

use posture::core::engine::Engine;
use posture::core::protocol::{SourceRow, SourceState};

use crate::support::{fixture, read};

fn add(name: &str) -> (Engine, Vec<SourceRow>) {
    let mut engine = Engine::default();
    let rows = engine.add(name, &read(&fixture(&format!("archives/{name}"))), None);
    (engine, rows)
}

fn summary(rows: &[SourceRow]) -> Vec<(String, Option<String>, SourceState)> {
    rows.iter()
        .map(|r| (r.name.clone(), r.format.clone(), r.state))
        .collect()
}

#[test]
fn a_gzipped_report_loads_as_the_report() {
    let (_, rows) = add("config.json.gz");
    assert_eq!(
        summary(&rows),
        [(
            "config.json.gz".into(),
            Some("trivy".into()),
            SourceState::Loaded
        )]
    );
    // The same records as trivy/config-pass-fail.json: 5 misconfigurations, 1 passed of 4 checks.
    assert_eq!(
        rows[0].records.as_deref(),
        Some("3 failed of 4 checks (5 listed)")
    );
}

#[test]
fn each_member_of_a_zip_is_its_own_source() {
    let (engine, rows) = add("ci-artifacts.zip");
    // The directory entry, __MACOSX/ and .DS_Store are skipped; a .gz inside is opened; a text
    // file fails on its own.
    let names: Vec<(String, Option<String>, SourceState)> = summary(&rows);
    assert_eq!(
        names,
        [
            (
                "ci-artifacts.zip/reports/config.json".into(),
                Some("trivy".into()),
                SourceState::Loaded
            ),
            (
                "ci-artifacts.zip/reports/k8s.json.gz".into(),
                Some("trivy".into()),
                SourceState::Loaded
            ),
            (
                "ci-artifacts.zip/reports/image.json".into(),
                Some("trivy".into()),
                SourceState::Loaded
            ),
            (
                "ci-artifacts.zip/reports/notes.txt".into(),
                None,
                SourceState::Failed
            ),
        ]
    );
    assert_eq!(
        rows[3].error.as_deref(),
        Some("not JSON: it starts with \"pipeline 1234 finished\"")
    );
    // The archive itself is not a source: its members are.
    assert!(
        engine
            .sources()
            .iter()
            .all(|s| s.name != "ci-artifacts.zip")
    );
    assert_eq!(engine.sources().len(), 4);
}

#[test]
fn a_tar_gz_opens_to_its_members() {
    let (_, rows) = add("scans.tar.gz");
    assert_eq!(
        summary(&rows),
        [
            (
                "scans.tar.gz/scans/a/image-clean.json".into(),
                Some("trivy".into()),
                SourceState::Loaded
            ),
            (
                "scans.tar.gz/scans/b/config.json".into(),
                Some("trivy".into()),
                SourceState::Loaded
            ),
        ]
    );
}

#[test]
fn broken_archives_say_what_is_wrong() {
    for (name, message) in [
        (
            "truncated.zip",
            "not supported: the archive cannot be read: this ZIP archive has no central directory (it may be cut short)",
        ),
        (
            "truncated.json.gz",
            "not supported: the gzip file cannot be read: the compressed data ends early; the file looks truncated",
        ),
        ("empty.zip", "not supported: the archive holds no files"),
    ] {
        let (_, rows) = add(name);
        assert_eq!(rows.len(), 1, "{name}");
        assert_eq!(
            (rows[0].name.as_str(), rows[0].error.as_deref()),
            (name, Some(message))
        );
    }
}

#[test]
fn a_damaged_member_fails_alone() {
    // Flip one byte inside the deflated config.json: its checksum no longer matches.
    let mut bytes = read(&fixture("archives/ci-artifacts.zip"));
    let at = bytes
        .windows(19)
        .position(|w| w == b"reports/config.json")
        .unwrap()
        + 19
        + 40;
    bytes[at] ^= 0xff;
    let mut engine = Engine::default();
    let rows = engine.add("ci.zip", &bytes, None);
    let config = rows
        .iter()
        .find(|r| r.name == "ci.zip/reports/config.json")
        .unwrap();
    assert!(
        config
            .error
            .as_deref()
            .is_some_and(|e| e.contains("damaged")),
        "{:?}",
        config.error
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.state == SourceState::Loaded)
            .count(),
        2
    );
}

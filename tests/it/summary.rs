//! Summaries (`core::summary`): merging is associative and commutative with the empty summary
//! as identity (and a summary merged twice counts once), and the scorecard of merged summaries
//! is, byte for byte, the scorecard of all their files read at once, however the files are
//! split among them; a summary Posture cannot read says why.

use std::path::{Path, PathBuf};

use posture::core::engine::Engine;
use posture::core::evidence::PeriodChoice;
use posture::core::protocol::{FileMeta, Request, Response, SourceState};
use posture::core::sample;
use posture::core::summary::Summary;
use posture::core::time::Timestamp;

use crate::rng::Rng;
use crate::support::{fixture, read};

struct File {
    name: String,
    bytes: Vec<u8>,
    modified: Option<i64>,
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The sample set (every kind of evidence, weeks of history) and the hand-written fixtures
/// (every format, and files that fail), each under a name of its own.
fn corpus() -> Vec<File> {
    let mut files: Vec<File> = sample::FILES
        .iter()
        .map(|f| File {
            name: f.name.to_string(),
            bytes: f.bytes.to_vec(),
            modified: Timestamp::parse_rfc3339(f.modified).map(|t| t.0),
        })
        .collect();
    let mut paths = Vec::new();
    files_under(&fixture(""), &mut paths);
    paths.sort();
    let root = fixture("");
    files.extend(paths.iter().map(|path| File {
        name: format!("fixtures/{}", path.strip_prefix(&root).unwrap().display()),
        bytes: read(path),
        modified: Some(1_763_000_000_000),
    }));
    files
}

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2026-11-23T10:00:00Z").unwrap()
}

/// Files read as the app reads a drop: sorted by name, queued at once, then read in turn.
fn engine_of<'a>(files: impl IntoIterator<Item = &'a File>) -> Engine {
    let mut files: Vec<&File> = files.into_iter().collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut engine = Engine::default();
    let metas = files
        .iter()
        .map(|f| FileMeta {
            name: f.name.clone(),
            size: f.bytes.len() as u64,
            last_modified: f.modified,
        })
        .collect();
    let ids: Vec<u32> = match engine.handle(Request::AddFiles(metas), now()).pop() {
        Some(Response::Queued(rows)) => rows.iter().map(|r| r.id).collect(),
        other => panic!("queued: {other:?}"),
    };
    for (file, id) in files.iter().zip(ids) {
        engine.ingest(id, &file.bytes);
    }
    engine
}

fn summary_of(files: &[&File]) -> Summary {
    engine_of(files.iter().copied()).summary()
}

/// The scorecard JSON of an engine for a period, as the app exports it.
fn scorecard(engine: &mut Engine, period: PeriodChoice) -> String {
    engine.handle(Request::SetPeriod(period), now());
    serde_json::to_string_pretty(&engine.scorecard(now())).unwrap()
}

/// A summary read as a dropped file.
fn engine_of_summary(summary: &Summary) -> Engine {
    let file = File {
        name: "org.summary.json".into(),
        bytes: summary.to_json().into_bytes(),
        modified: None,
    };
    engine_of([&file])
}

/// Splits the corpus among `shards` at random, some files in two shards at once.
fn shards<'a>(files: &'a [File], shards: usize, rng: &mut Rng) -> Vec<Vec<&'a File>> {
    let mut split = vec![Vec::new(); shards];
    for file in files {
        split[rng.below(shards)].push(file);
        if rng.below(10) == 0 {
            split[rng.below(shards)].push(file);
        }
    }
    split
}

#[test]
fn merging_is_associative_commutative_and_idempotent_with_the_empty_summary_as_identity() {
    let files = corpus();
    let mut rng = Rng(0x5eed_0001);
    for _ in 0..4 {
        let split = shards(&files, 3, &mut rng);
        let [a, b, c] = [0, 1, 2].map(|i| summary_of(&split[i]));
        assert_eq!(
            a.clone() + (b.clone() + c.clone()),
            (a.clone() + b.clone()) + c.clone()
        );
        assert_eq!(a.clone() + b.clone(), b.clone() + a.clone());
        assert_eq!(
            [c.clone(), a.clone(), b.clone()]
                .into_iter()
                .sum::<Summary>(),
            (a.clone() + b.clone()) + c.clone()
        );
        assert_eq!(a.clone() + Summary::default(), a);
        assert_eq!(Summary::default() + a.clone(), a);
        assert_eq!(a.clone() + a.clone(), a);
        // Written and read back, a summary is the same summary.
        assert_eq!(Summary::parse(&a.to_json()), Ok(a.clone()));
    }
}

#[test]
fn the_scorecard_of_merged_summaries_is_the_scorecard_of_all_the_files() {
    let files = corpus();
    let mut one = engine_of(&files);
    let periods = [PeriodChoice::All, PeriodChoice::LastDays(30)];
    let expected = periods.map(|p| scorecard(&mut one, p));
    // Every kind of evidence is in it, and files that fail.
    let rows: Vec<SourceState> = (one.sources().iter())
        .map(|s| posture::core::present::source_row(s).state)
        .collect();
    assert!(rows.contains(&SourceState::Failed) && rows.contains(&SourceState::Duplicate));
    let kpis: serde_json::Value = serde_json::from_str(&expected[0]).unwrap();
    let with_data = (kpis["kpis"].as_array().unwrap().iter())
        .filter(|k| !k["value"].is_null())
        .count();
    assert!(with_data >= 17, "{with_data} KPIs with data");

    let mut rng = Rng(0x5eed_0002);
    for shards_count in [1, 2, 5, 16] {
        let split = shards(&files, shards_count, &mut rng);
        // Merged in a random order and grouping.
        let mut summaries: Vec<Summary> = split.iter().map(|s| summary_of(s)).collect();
        let mut merged = Summary::default();
        while !summaries.is_empty() {
            let next = summaries.swap_remove(rng.below(summaries.len()));
            merged = if rng.below(2) == 0 {
                merged + next
            } else {
                next + merged
            };
        }
        let mut org = engine_of_summary(&merged);
        for (period, expected) in periods.iter().zip(&expected) {
            let got = scorecard(&mut org, *period);
            if &got != expected {
                let first = (got.lines().zip(expected.lines()))
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let near = |text: &str| -> String {
                    let lines: Vec<&str> = text.lines().collect();
                    lines[first.saturating_sub(12)..(first + 12).min(lines.len())].join("\n")
                };
                panic!(
                    "{shards_count} shards, {period:?}: line {first} differs\nmerged:\n{}\nall at once:\n{}",
                    near(&got),
                    near(expected)
                );
            }
        }
    }
}

#[test]
fn a_summary_says_why_it_cannot_be_read() {
    let files = corpus();
    let summary = summary_of(&files.iter().take(5).collect::<Vec<_>>());
    let json = summary.to_json();
    let error_of = |text: String| {
        let mut engine = engine_of([&File {
            name: "team.summary.json".into(),
            bytes: text.into_bytes(),
            modified: None,
        }]);
        let row = posture::core::present::source_row(&engine.sources()[0]);
        assert_eq!(row.state, SourceState::Failed, "{}", row.name);
        let card: serde_json::Value =
            serde_json::from_str(&scorecard(&mut engine, PeriodChoice::All)).unwrap();
        // No number from it.
        assert!(
            card["kpis"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["value"].is_null())
        );
        row.error.unwrap()
    };
    let newer = json.replace("\"encoding\":1", "\"encoding\":2");
    let newer = newer.replacen(
        "\"posture_version\":\"0.1.0\"",
        "\"posture_version\":\"9.0.0\"",
        1,
    );
    let message = error_of(newer);
    assert!(
        message.contains("made by Posture 9.0.0, newer than this one"),
        "{message}"
    );
    let message = error_of(json.replace("posture.summary.v1", "posture.summary.v2"));
    assert!(message.contains("newer than this one"), "{message}");
    let message = error_of(json.replace("\"encoding\":1", "\"encoding\":0"));
    assert!(message.contains("summarize the files again"), "{message}");
    let message = error_of(json[..json.len() / 2].to_string());
    assert!(message.contains("damaged"), "{message}");
    // A time beyond any a file writes (its arithmetic would overflow), a field of another type.
    let at = json.find("\"modified\":").unwrap() + "\"modified\":".len();
    let end = at + json[at..].find(',').unwrap();
    for value in [
        "9223372036854775807",
        "-9223372036854775808",
        "\"yesterday\"",
        "1.5",
    ] {
        let message = error_of(format!("{}{value}{}", &json[..at], &json[end..]));
        assert!(
            message.contains("not as Posture writes it"),
            "{value}: {message}"
        );
    }
    // A byte-order mark is not damage.
    let mut engine = engine_of([&File {
        name: "team.summary.json".into(),
        bytes: format!("\u{feff}{json}").into_bytes(),
        modified: None,
    }]);
    assert_eq!(engine.sources().len(), 5);
    scorecard(&mut engine, PeriodChoice::All);

    // A damaged body fails its source, and only it.
    let damaged = json.replacen("\"evidence\":\"AA", "\"evidence\":\"//", 1);
    let mut engine = engine_of([&File {
        name: "team.summary.json".into(),
        bytes: damaged.into_bytes(),
        modified: None,
    }]);
    let states: Vec<SourceState> = (engine.sources().iter())
        .map(|s| posture::core::present::source_row(s).state)
        .collect();
    assert_eq!(states.len(), 5);
    assert_eq!(
        states.iter().filter(|s| **s == SourceState::Failed).count(),
        1,
        "{states:?}"
    );
    scorecard(&mut engine, PeriodChoice::All);
}

#[test]
fn a_summary_dropped_beside_its_files_counts_them_once() {
    let files = corpus();
    let mut alone = engine_of(&files);
    let summary = File {
        name: "zz-team.summary.json".into(),
        bytes: alone.summary().to_json().into_bytes(),
        modified: None,
    };
    let mut both = engine_of(files.iter().chain([&summary]));
    let values = |engine: &mut Engine| {
        let card: serde_json::Value =
            serde_json::from_str(&scorecard(engine, PeriodChoice::All)).unwrap();
        card["kpis"].clone()
    };
    assert_eq!(values(&mut both), values(&mut alone));
    let duplicates = (both.sources().iter())
        .filter(|s| posture::core::present::source_row(s).state == SourceState::Duplicate)
        .count();
    let loaded = (alone.sources().iter())
        .filter(|s| posture::core::present::source_row(s).state == SourceState::Loaded)
        .count();
    assert!(
        duplicates >= loaded,
        "{duplicates} duplicates, {loaded} loaded"
    );
}

/// The app takes several summaries dropped at once, or one after another: each merged with those
/// before it and read again, so that the scorecard is the files' own, byte for byte.
#[test]
fn summaries_dropped_together_or_in_turn_give_the_scorecard_of_all_the_files() {
    let files = corpus();
    let expected = scorecard(&mut engine_of(&files), PeriodChoice::All);
    let mut rng = Rng(0x5eed_0003);
    let split = shards(&files, 4, &mut rng);
    let dropped: Vec<File> = (split.iter().enumerate())
        .map(|(i, shard)| File {
            name: format!("team-{i}.summary.json"),
            bytes: summary_of(shard).to_json().into_bytes(),
            modified: None,
        })
        .collect();
    assert!(scorecard(&mut engine_of(&dropped), PeriodChoice::All) == expected);
    let mut in_turn = engine_of([&dropped[2]]);
    for file in [&dropped[0], &dropped[3], &dropped[1]] {
        // Analysed in between, as the page shows each drop.
        scorecard(&mut in_turn, PeriodChoice::LastDays(30));
        in_turn.add(&file.name, &file.bytes, None);
    }
    assert!(scorecard(&mut in_turn, PeriodChoice::All) == expected);
}

/// A summary is a file like any other: cut anywhere or with any byte changed, it is read or
/// refused, never a panic, and the engine goes on.
#[test]
fn damaged_summaries_never_panic() {
    let files = corpus();
    let small: Vec<&File> = files
        .iter()
        .filter(|f| f.bytes.len() < 3_000)
        .take(6)
        .collect();
    let json = summary_of(&small).to_json().into_bytes();
    let mut rng = Rng(0x5eed_0004);
    let read = |bytes: Vec<u8>| {
        let mut engine = engine_of([&File {
            name: "team.summary.json".into(),
            bytes,
            modified: None,
        }]);
        engine.scorecard(now());
    };
    for end in (0..json.len()).step_by(7) {
        read(json[..end].to_vec());
    }
    for _ in 0..400 {
        let mut damaged = json.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(damaged.len());
            damaged[at] = [b'"', b'\\', b'A', b'/', b'9', b'}', b']', 0xc3, b' '][rng.below(9)];
        }
        read(damaged);
    }
    // Multi-byte text where the header is read.
    // (39 bytes before them: byte 4096 falls inside one.)
    let mut long = String::from("{\"schema\":\"posture.summary.v1\",\"note\":\"");
    long.push_str(&"é".repeat(3000));
    read(long.into_bytes());
}

/// What the page keeps of summarised sources when another summary is dropped and they are read
/// again: a time set by hand, the plain copies counted through them, and a copy whose original
/// was removed counts through the plain file that holds the same content.
#[test]
fn sources_read_again_keep_what_was_said_of_them() {
    let bytes = sample::FILES
        .iter()
        .find(|f| f.name.ends_with("payments-api-semgrep-2026-11-18.json"))
        .unwrap()
        .bytes
        .to_vec();
    let file = |name: &str| File {
        name: name.into(),
        bytes: bytes.clone(),
        modified: Some(1_763_000_000_000),
    };
    // Team A holds one content twice: a/n.json is a copy, with no body of its own.
    let (m, n) = (file("a/m.json"), file("a/n.json"));
    let team_a = summary_of(&[&m, &n]);
    let other = corpus()
        .into_iter()
        .find(|f| f.name.ends_with(".csv"))
        .unwrap();
    let team_b = summary_of(&[&other]);

    let mut engine = Engine::default();
    engine.add("team-a.summary.json", team_a.to_json().as_bytes(), None);
    engine.add("p.json", &bytes, None);
    let id_of =
        |engine: &Engine, name: &str| engine.sources().iter().find(|s| s.name == name).unwrap().id;
    let state = |engine: &Engine, name: &str| {
        let names: Vec<&str> = engine.sources().iter().map(|s| s.name.as_str()).collect();
        let source = (engine.sources().iter().find(|s| s.name == name))
            .unwrap_or_else(|| panic!("no {name} in {names:?}"));
        posture::core::present::source_row(source)
    };
    let m_id = id_of(&engine, "a/m.json");
    engine.handle(
        Request::SetTakenAt {
            id: m_id,
            at: Some("2026-11-01T08:00".into()),
        },
        now(),
    );
    // p.json, dropped after, is a copy of a/m.json.
    assert_eq!(state(&engine, "p.json").state, SourceState::Duplicate);

    engine.add("team-b.summary.json", team_b.to_json().as_bytes(), None);
    let m = engine
        .sources()
        .iter()
        .find(|s| s.name == "a/m.json")
        .unwrap();
    assert_ne!(m.id, m_id, "read again");
    assert_eq!(
        m.corrected,
        Timestamp::parse_rfc3339("2026-11-01T08:00:00Z")
    );
    let p = engine
        .sources()
        .iter()
        .find(|s| s.name == "p.json")
        .unwrap();
    match &p.outcome {
        posture::core::engine::Outcome::Duplicate { of, .. } => assert_eq!(*of, m.id),
        _ => panic!("p.json is still a copy"),
    }

    // A plain file first, then the summary: both of its sources are copies of it. With
    // a/m.json (which held the body) removed, a/n.json still counts through the plain file.
    let mut engine = Engine::default();
    engine.add("a.json", &bytes, None);
    engine.add("team-a.summary.json", team_a.to_json().as_bytes(), None);
    assert_eq!(state(&engine, "a/n.json").state, SourceState::Duplicate);
    let m_id = id_of(&engine, "a/m.json");
    engine.handle(Request::Remove(m_id), now());
    engine.add("team-b.summary.json", team_b.to_json().as_bytes(), None);
    let n = state(&engine, "a/n.json");
    assert_eq!(n.state, SourceState::Duplicate, "{:?}", n.error);
}

//! The pool's hand-over and a summary's bodies (`core::wire`): what a parse gives, or why it
//! failed, reads back as it was, for every real file and hand-written fixture; damaged bytes
//! read as nothing, never as a panic; and the encoding summaries carry is pinned.

use std::path::{Path, PathBuf};

use posture::core::formats::{self, Carried};
use posture::core::model::Evidence;
use posture::core::wire::{ENCODING, decode, decode_outcome, encode, encode_outcome};

use crate::support::{fixture, read, real_dir};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every file there is to parse: the real outputs and the hand-written fixtures.
fn every_file() -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(&real_dir(""), &mut files);
    files_under(&fixture(""), &mut files);
    files.sort();
    files
}

#[test]
fn every_parse_reads_back_as_it_was() {
    let (mut findings, mut events, mut others, mut failures) = (0, 0, 0, 0);
    let mut sample = None;
    for path in every_file() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let bytes = read(&path);
        let parsed = match formats::load(name, &bytes) {
            Ok(parsed) => parsed,
            Err(error) => {
                failures += 1;
                let encoded = encode_outcome(Err(&error)).expect("a failure is carried");
                let back = decode_outcome(&encoded).expect("it reads back");
                assert_eq!(back, Err(*error), "{}", path.display());
                continue;
            }
        };
        let outcome = encode_outcome(Ok((&parsed.evidence, &parsed.warnings)))
            .unwrap_or_else(|| panic!("{} is carried in a summary", path.display()));
        let back = decode_outcome(&outcome).and_then(Result::ok);
        assert_eq!(back.as_ref(), Some(&parsed), "{}", path.display());
        let carried = Carried {
            parsed,
            digest: 0x0123_4567_89ab_cdef,
            size: bytes.len() as u64,
        };
        // The pool carries findings and events; the other kinds are read again by the engine.
        let encoded = encode(&carried);
        match (&carried.parsed.evidence, &encoded) {
            (Evidence::Findings(_), Some(_)) => findings += 1,
            (Evidence::Events(_), Some(_)) => events += 1,
            (Evidence::Findings(_) | Evidence::Events(_), None) => {
                panic!("{} was not carried", path.display())
            }
            (_, Some(_)) => panic!("{}: only findings and events are carried", path.display()),
            (_, None) => others += 1,
        }
        let Some(encoded) = encoded else { continue };
        let back = decode(&encoded).unwrap_or_else(|| panic!("{} reads back", path.display()));
        assert_eq!(back, carried, "{}", path.display());
        if sample
            .as_ref()
            .is_none_or(|s: &Vec<u8>| s.len() < encoded.len())
            && encoded.len() < 4_000
        {
            sample = Some(encoded);
        }
    }
    // When this was written: 77 reports of findings, 18 logs, 10 files of other kinds
    // (incidents, metrics, an inventory, decisions) and some files that fail.
    assert!(
        findings >= 70 && events >= 15 && others >= 5 && failures >= 5,
        "{findings} {events} {others} {failures}"
    );

    // A cut or a changed byte reads as nothing or as something else, never a panic.
    let sample = sample.expect("a small sample");
    for end in 0..sample.len() {
        assert!(decode(&sample[..end]).is_none(), "cut at {end}");
    }
    for at in 0..sample.len() {
        let mut damaged = sample.clone();
        damaged[at] ^= 0x5a;
        let _ = decode(&damaged);
    }
}

#[test]
fn shared_text_stays_shared() {
    // Every finding of this report has the same target: one text, read back once.
    let bytes = read(&real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json"));
    let parsed = formats::load("trivy.json", &bytes).expect("it parses");
    let encoded = encode(&Carried {
        parsed,
        digest: 0,
        size: 0,
    })
    .expect("findings are carried");
    let back = decode(&encoded).expect("it reads back");
    let Evidence::Findings(snapshot) = back.parsed.evidence else {
        panic!("findings")
    };
    let [first, rest @ ..] = &snapshot.findings[..] else {
        panic!("findings listed")
    };
    assert!(!rest.is_empty());
    for f in rest {
        assert!(std::sync::Arc::ptr_eq(&f.location, &first.location));
    }
}

/// Loads each file into two engines: one reads the bytes itself, the other takes what a worker
/// of the pool would hand it, or the bytes when the pool hands nothing.
#[test]
fn an_engine_fed_by_the_pool_shows_what_it_would_have_read_itself() {
    use posture::core::engine::Engine;
    use posture::core::protocol::{FileMeta, Response};
    use posture::core::time::Timestamp;
    use posture::core::wire::carry;

    let mut itself = Engine::default();
    let mut fed = Engine::default();
    let mut carried = 0;
    for path in every_file() {
        let name = path.to_string_lossy().to_string();
        let bytes = read(&path);
        let meta = || FileMeta {
            name: name.clone(),
            size: bytes.len() as u64,
            last_modified: Some(1_764_000_000_000),
        };
        itself.queue(vec![meta()]);
        fed.queue(vec![meta()]);
        let id = fed.sources().last().expect("queued").id;
        let mut direct = itself.ingest(id, &bytes);
        let mut handed = match carry(&name, &bytes).and_then(|b| decode(&b)) {
            Some(c) => {
                carried += 1;
                fed.ingest_carried(id, c, 0)
            }
            None => fed.ingest(id, &bytes),
        };
        for responses in [&mut direct, &mut handed] {
            for r in responses.iter_mut() {
                if let Response::Source(row) = r {
                    row.parse_ms = None;
                }
            }
        }
        assert_eq!(
            format!("{handed:?}"),
            format!("{direct:?}"),
            "{}",
            path.display()
        );
    }
    assert!(carried >= 90, "{carried} carried");
    let now = Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").expect("a time");
    let scorecards = [itself.scorecard(now), fed.scorecard(now)]
        .map(|s| serde_json::to_string(&s).expect("a scorecard"));
    assert_eq!(scorecards[0], scorecards[1]);
}

/// Summaries carry this encoding between builds: a change to what it writes must raise
/// `wire::ENCODING`, so that a summary written before is refused with a message rather than read
/// as something else. The pin is the layout's digest.
#[test]
fn the_encoding_summaries_carry_is_pinned() {
    let layout = posture::core::wire::layout();
    let digest = format!(
        "{:016x}",
        posture::core::hash::content_digest(layout.as_bytes())
    );
    let pinned = [(1, "82fead143d8c9e3c")];
    assert!(
        pinned.contains(&(ENCODING, digest.as_str())),
        "what core::wire writes changed (encoding {ENCODING}, layout digest {digest}):\n{layout}\n\
         raise wire::ENCODING and pin ({}, \"{digest}\") here",
        ENCODING + 1
    );
}

/// The bytes themselves, for a file of every kind of evidence and one that fails: a change to
/// how a type is written that the layout does not show (a field's type, a shape written by hand)
/// changes them. When they change and the layout does not, either the encoding changed (raise
/// `wire::ENCODING`) or a parser now reads one of these files differently (then only the pin).
#[test]
fn the_bytes_of_every_kind_are_pinned() {
    let openvex = r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.com/vex/1","author":"security@example.com","timestamp":"2026-11-01T09:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-2024-0001"},"products":[{"@id":"pkg:oci/app"}],"status":"not_affected","justification":"component_not_present"}]}"#;
    let files: Vec<(&str, Vec<u8>)> = [
        "trivy/image-mixed.json",
        "k8s-audit/admission-and-access.jsonl",
        "incidents/template.csv",
        "metrics-csv/security-metrics.csv",
        "gatekeeper/inventory.json",
        "incidents/README.md",
    ]
    .iter()
    .map(|p| (*p, read(&fixture(p))))
    .chain([("vex.json", openvex.as_bytes().to_vec())])
    .collect();
    let mut all = Vec::new();
    let mut kinds = Vec::new();
    for (name, bytes) in &files {
        let encoded = match formats::load(name, bytes) {
            Ok(parsed) => {
                kinds.push(format!("{:?}", std::mem::discriminant(&parsed.evidence)));
                encode_outcome(Ok((&parsed.evidence, &parsed.warnings)))
            }
            Err(error) => encode_outcome(Err(&error)),
        };
        all.extend(encoded.expect("written"));
    }
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 6, "every kind of evidence: {kinds:?}");
    let digest = format!("{:016x}", posture::core::hash::content_digest(&all));
    assert_eq!(digest, "13c54b0cb57dd466", "see this test's comment");
}

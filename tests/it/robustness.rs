//! Parsing never panics: random bytes, and real files cut and mutated, go through detection and
//! every parser. Deterministic (a fixed-seed generator), so a failure reproduces.

use posture::core::engine::Engine;
use posture::core::formats;

use crate::rng::Rng;
use crate::support::{read, real_dir};

fn real_files() -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(real_dir("trivy"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| read(p)).collect()
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed);
    for round in 0..2_000 {
        let len = rng.below(if round % 10 == 0 { 4096 } else { 64 });
        let alphabet: &[u8] = if round % 2 == 0 {
            b"{}[]\":,0123456789-.eEtrufalsn \n\\u"
        } else {
            &[]
        };
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if alphabet.is_empty() {
                    rng.next() as u8
                } else {
                    alphabet[rng.below(alphabet.len())]
                }
            })
            .collect();
        let _ = formats::load("random.json", &bytes);
    }
}

#[test]
fn cut_real_files_fail_cleanly() {
    for bytes in real_files() {
        let step = (bytes.len() / 150).max(1);
        for end in (0..bytes.len()).step_by(step) {
            let result = formats::load("cut.json", &bytes[..end]);
            // A cut document is never mistaken for a whole one (unless only whitespace was cut).
            if bytes[end..].iter().any(|b| !b.is_ascii_whitespace()) {
                assert!(result.is_err(), "cut at {end} loaded");
            }
        }
    }
}

#[test]
fn mutated_real_files_never_panic() {
    let mut rng = Rng(42);
    let files = real_files();
    let mut engine = Engine::default();
    for round in 0..1_500 {
        let mut bytes = files[round % files.len()].clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] = rng.next() as u8,
                1 => bytes[at] = b"{}[]\",:0-9nt"[rng.below(12)],
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"\"{[,"[rng.below(4)]),
            }
        }
        // Through the engine too: whatever loads must also aggregate without panicking.
        engine.add("mutated.json", &bytes, None);
    }
    let view = engine.view(posture::core::time::Timestamp(0));
    assert_eq!(view.tiles.len(), 19);
}

//! Throughput benchmark (SPEC §10): parse + aggregate a ~100 MB Trivy report.
//!
//! `cargo bench --bench throughput` writes `target/bench/trivy-100mb.json` (deterministic: the
//! same bytes on every machine) if it is missing, then times, natively, `formats::load` alone and
//! the whole engine path (load + KPIs + metrics + charts), best and median of several runs.
//! `cargo bench --bench throughput -- --generate` only writes the file, for the browser benchmark
//! (`tests/e2e/bench.mjs`), which measures the same bytes through the real app in Chromium.

use std::path::PathBuf;
use std::time::Instant;

use posture::core::engine::Engine;
use posture::core::formats;
use posture::core::time::Timestamp;

mod common;
#[path = "gen/trivy.rs"]
mod gen_trivy;
#[path = "../it/rng.rs"]
mod rng;

use common::{peak_rss_kb, time};

const TARGET_BYTES: usize = 100 * 1000 * 1000;
const RUNS: usize = 7;

fn main() {
    let path = bench_file();
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let started = Instant::now();
        std::fs::write(
            &path,
            gen_trivy::trivy_report(
                TARGET_BYTES,
                0x7a11_5eed,
                "registry.example.com/bench/monolith:2026.11",
            ),
        )
        .unwrap();
        eprintln!(
            "wrote {} in {:.1} s",
            path.display(),
            started.elapsed().as_secs_f64()
        );
    }
    if std::env::args().any(|a| a == "--generate") {
        println!("{}", path.display());
        return;
    }
    let bytes = std::fs::read(&path).unwrap();
    let mb = bytes.len() as f64 / 1e6;
    let parsed = formats::load("bench.json", &bytes).unwrap();
    println!(
        "input: {} ({mb:.1} MB, {} findings)",
        path.display(),
        parsed.snapshot().unwrap().findings.len()
    );
    drop(parsed);

    // The floor: serde_json walking every byte and building nothing.
    let skim = time(RUNS, || {
        let _ = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).unwrap();
    });
    let parse = time(RUNS, || drop(formats::load("bench.json", &bytes).unwrap()));
    // As the worker reads a dropped file: in the browser's chunks, parsed as they arrive.
    let streamed = time(RUNS, || {
        let mut loader = formats::Loader::new("bench.json", bytes.len() as u64);
        bytes.chunks(256 << 10).for_each(|chunk| loader.push(chunk));
        assert!(matches!(loader.finish(), formats::Loaded::Parsed { .. }));
    });
    let engine = time(RUNS, || {
        let mut engine = Engine::default();
        engine.add("bench.json", &bytes, None);
        drop(engine.view(Timestamp(0)));
    });
    for (what, seconds) in [
        ("serde_json skim (floor)", skim),
        ("parse (formats::load)", parse),
        ("parse as it arrives (Loader)", streamed),
        ("parse + aggregate (engine)", engine),
    ] {
        println!(
            "{what:<28} best {:>6.1} ms ({:>5.0} MB/s)   median {:>6.1} ms ({:>5.0} MB/s)",
            seconds.0 * 1e3,
            mb / seconds.0,
            seconds.1 * 1e3,
            mb / seconds.1
        );
    }
    if let Some(peak) = peak_rss_kb() {
        println!(
            "peak resident memory: {:.0} MB ({:.2}× the input)",
            peak as f64 / 1e3,
            peak as f64 * 1e3 / bytes.len() as f64
        );
    }
}

fn bench_file() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("bench/trivy-100mb.json")
}

//! Big-log benchmark: a ~500 MB Kubernetes audit log, and a folder of 1,000 gzipped CloudTrail
//! log files, as the issue "audit logs and CloudTrail folders are large" describes them.
//!
//! `cargo bench --bench logs` writes, if missing (deterministic: the same bytes on every machine),
//! - `target/bench/k8s-audit-500mb.jsonl`: audit.k8s.io/v1 `Event` lines, mostly reads logged at
//!   two stages, some workload writes (a few at RequestResponse level, with the object), a small
//!   share denied by Gatekeeper, Kyverno or Pod Security, RBAC 403s, 401s and exec sessions;
//! - `target/bench/cloudtrail/`: 1,000 CloudTrail log files (`{"Records":[…]}`, 100–300 records
//!   each) gzipped as CloudTrail delivers them to S3,
//!
//! then times, natively, `formats::load` on the audit log and the engine path (load + KPIs +
//! metrics + charts) on each input, each case in a child process (`--case audit`,
//! `--case cloudtrail`) so that their peak resident memory does not mix.
//! `cargo bench --bench logs -- --generate` only writes the files and prints their paths, for the
//! browser benchmark (`tests/e2e/bench-logs.mjs`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use posture::core::engine::Engine;
use posture::core::formats;
use posture::core::model::Evidence;
use posture::core::time::Timestamp;

mod common;
#[path = "gen/logs.rs"]
mod gen_logs;
#[path = "../it/rng.rs"]
mod rng;

use common::{peak_rss_kb, time};
use gen_logs::{generate_audit, generate_cloudtrail_file, gzip};
use rng::Rng;

const AUDIT_BYTES: usize = 500 * 1000 * 1000;
const CLOUDTRAIL_FILES: usize = 1_000;
const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let case = args
        .iter()
        .position(|a| a == "--case")
        .and_then(|i| args.get(i + 1));
    match case.map(String::as_str) {
        Some("audit") => return audit_case(),
        Some("cloudtrail") => return cloudtrail_case(),
        Some(other) => panic!("unknown case {other:?}: audit or cloudtrail"),
        None => {}
    }
    let (audit, trail) = (audit_file(), cloudtrail_dir());
    ensure_inputs(&audit, &trail);
    if args.iter().any(|a| a == "--generate") {
        println!("{}", audit.display());
        println!("{}", trail.display());
        return;
    }
    // One child per case: each one's peak resident memory is its own.
    let me = std::env::current_exe().unwrap();
    for case in ["audit", "cloudtrail"] {
        let status = Command::new(&me).args(["--case", case]).status().unwrap();
        assert!(status.success(), "case {case} failed");
    }
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("bench")
}

fn audit_file() -> PathBuf {
    bench_dir().join("k8s-audit-500mb.jsonl")
}

fn cloudtrail_dir() -> PathBuf {
    bench_dir().join("cloudtrail")
}

fn ensure_inputs(audit: &Path, trail: &Path) {
    std::fs::create_dir_all(bench_dir()).unwrap();
    if !audit.exists() {
        let started = Instant::now();
        // Written beside, then renamed: an interrupted run leaves no half file behind.
        let partial = audit.with_extension("partial");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&partial).unwrap());
        generate_audit(AUDIT_BYTES, &mut out);
        out.flush().unwrap();
        drop(out);
        std::fs::rename(&partial, audit).unwrap();
        eprintln!(
            "wrote {} in {:.1} s",
            audit.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let complete = trail.join(".complete");
    if !complete.exists() {
        let started = Instant::now();
        let _ = std::fs::remove_dir_all(trail);
        std::fs::create_dir_all(trail).unwrap();
        let mut rng = Rng(0xc10d_7a11);
        for i in 0..CLOUDTRAIL_FILES {
            let (name, json) = generate_cloudtrail_file(&mut rng, i);
            std::fs::write(trail.join(name), gzip(json.as_bytes())).unwrap();
        }
        std::fs::write(&complete, b"").unwrap();
        eprintln!(
            "wrote {} files into {} in {:.1} s",
            CLOUDTRAIL_FILES,
            trail.display(),
            started.elapsed().as_secs_f64()
        );
    }
}

fn report(what: &str, mb: f64, seconds: (f64, f64)) {
    println!(
        "{what:<40} best {:>7.1} ms ({:>5.0} MB/s)   median {:>7.1} ms ({:>5.0} MB/s)",
        seconds.0 * 1e3,
        mb / seconds.0,
        seconds.1 * 1e3,
        mb / seconds.1
    );
}

/// `VmHWM` is in KiB; figures here are in MB (10^6 bytes), like the input sizes.
fn report_memory(start_kb: u64, peak_kb: u64, input: usize, what: &str) {
    let (start, peak) = (start_kb as f64 * 1024.0, peak_kb as f64 * 1024.0);
    println!(
        "peak resident memory: {:.0} MB ({:.2}× the {what}; {:.0} MB at start)",
        peak / 1e6,
        peak / input as f64,
        start / 1e6,
    );
}

/// Events kept, by kind, and the deployment block rate the view shows.
fn describe(engine: &mut Engine) -> String {
    let mut kept = std::collections::BTreeMap::new();
    let mut records = 0;
    for source in engine.sources() {
        if let posture::core::engine::Outcome::Loaded { evidence, .. } = &source.outcome
            && let Evidence::Events(log) = &**evidence
        {
            records += log.records;
            for e in &log.events {
                *kept.entry(format!("{:?}", e.kind)).or_insert(0usize) += 1;
            }
        }
    }
    let failed = engine
        .sources()
        .iter()
        .filter(|s| matches!(s.outcome, posture::core::engine::Outcome::Failed(_)))
        .count();
    assert_eq!(failed, 0, "some inputs failed to load");
    let total: usize = kept.values().sum();
    let view = engine.view(Timestamp::parse_rfc3339("2026-11-23T00:00:00Z").unwrap());
    let tile = |id: &str| {
        view.tiles
            .iter()
            .find(|t| t.id == id)
            .map_or("?".into(), |t| t.value_text.clone())
    };
    format!(
        "{records} records, {total} events kept ({}); deployment_block_rate {}, \
         unauthorized_api_attempts {}",
        kept.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        tile("deployment_block_rate"),
        tile("unauthorized_api_attempts"),
    )
}

fn audit_case() {
    let start = peak_rss_kb().unwrap_or(0);
    let path = audit_file();
    let bytes = std::fs::read(&path).unwrap();
    let mb = bytes.len() as f64 / 1e6;
    let name = "k8s-audit.jsonl";
    let mut engine = Engine::default();
    engine.add(name, &bytes, None);
    println!("input: {} ({mb:.1} MB)", path.display());
    println!("{}", describe(&mut engine));
    drop(engine);
    // The floor: serde_json walking every line and building nothing.
    let skim = time(RUNS, || {
        let text = std::str::from_utf8(&bytes).unwrap();
        for line in text.lines() {
            let _ = serde_json::from_str::<serde::de::IgnoredAny>(line).unwrap();
        }
    });
    let parse = time(RUNS, || drop(formats::load(name, &bytes).unwrap()));
    let engine = time(RUNS, || {
        let mut engine = Engine::default();
        engine.add(name, &bytes, None);
        drop(engine.view(Timestamp(0)));
    });
    report("audit: serde_json skim, per line (floor)", mb, skim);
    report("audit: parse (formats::load)", mb, parse);
    report("audit: parse + aggregate (engine)", mb, engine);
    report_memory(start, peak_rss_kb().unwrap_or(0), bytes.len(), "input");
}

fn cloudtrail_case() {
    let start = peak_rss_kb().unwrap_or(0);
    let dir = cloudtrail_dir();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    let compressed: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut engine = Engine::default();
    for (name, bytes) in &files {
        engine.add(name, bytes, None);
    }
    let uncompressed: usize = engine.sources().iter().map(|s| s.size as usize).sum();
    let mb = uncompressed as f64 / 1e6;
    println!(
        "input: {} ({} files, {:.1} MB gzipped, {mb:.1} MB uncompressed)",
        dir.display(),
        files.len(),
        compressed as f64 / 1e6,
    );
    println!("{}", describe(&mut engine));
    drop(engine);
    let engine = time(RUNS, || {
        let mut engine = Engine::default();
        for (name, bytes) in &files {
            engine.add(name, bytes, None);
        }
        drop(engine.view(Timestamp(0)));
    });
    let gunzip = time(RUNS, || {
        for (_, bytes) in &files {
            drop(posture::core::unpack::gunzip(bytes).unwrap());
        }
    });
    report("cloudtrail: gunzip alone", mb, gunzip);
    report("cloudtrail: gunzip + parse + aggregate", mb, engine);
    let peak = peak_rss_kb().unwrap_or(0);
    report_memory(start, peak, uncompressed, "uncompressed input");
    println!(
        "  ({:.2}× the gzipped input, which this process holds throughout)",
        peak as f64 * 1024.0 / compressed as f64
    );
}

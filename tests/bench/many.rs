//! Many files (issue 14): 1,000 files, about 1 GB, of mixed formats, as an organisation's
//! folder of scanner and log outputs looks:
//! - 240 Trivy image reports of 1–6 MB: 80 images, each scanned on three days a week apart;
//! - 260 Kubernetes audit logs of 0.2–1 MB (JSON lines), one per API server and hour;
//! - 500 CloudTrail log files, gzipped as CloudTrail delivers them.
//!
//! `cargo bench --bench many` writes `target/bench/many/` if missing (deterministic: the same
//! bytes on every machine), then loads every file, natively, into one engine and builds the
//! view: the time and the peak resident memory. `cargo bench --bench many -- --generate` only
//! writes the folder and prints its path, for the browser benchmark (`tests/e2e/bench-many.mjs`).

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use posture::core::engine::Engine;
use posture::core::time::Timestamp;

mod common;
#[path = "gen/logs.rs"]
mod gen_logs;
#[path = "gen/trivy.rs"]
mod gen_trivy;
#[path = "../it/rng.rs"]
mod rng;

use common::peak_rss_kb;
use rng::Rng;

const IMAGES: usize = 80;
const SCANS: [&str; 3] = [
    "2026-11-06T09:00:00Z",
    "2026-11-13T09:00:00Z",
    "2026-11-20T09:00:00Z",
];
const AUDIT_LOGS: usize = 260;
const CLOUDTRAIL_FILES: usize = 500;

fn main() {
    let dir = many_dir();
    if !dir.join(".complete").exists() {
        let started = Instant::now();
        generate(&dir);
        eprintln!(
            "wrote {} in {:.1} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    if std::env::args().any(|a| a == "--generate") {
        println!("{}", dir.display());
        return;
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    paths.sort();
    let bytes: u64 = paths.iter().map(|p| p.metadata().unwrap().len()).sum();
    let started = Instant::now();
    let mut engine = Engine::default();
    let mut failed = 0;
    for path in &paths {
        // One file at a time, as the worker reads them: the bytes go once parsed.
        let data = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        failed += engine
            .add(&name, &data, None)
            .iter()
            .filter(|row| row.error.is_some())
            .count();
    }
    let loaded = started.elapsed().as_secs_f64();
    let view = engine.view(Timestamp(1_764_000_000_000));
    let total = started.elapsed().as_secs_f64();
    assert_eq!(failed, 0, "every generated file loads");
    println!(
        "{} files, {:.0} MB: loaded in {loaded:.1} s ({:.0} MB/s), scorecard built {:.2} s later ({} loaded; {})",
        paths.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / loaded,
        total - loaded,
        view.loaded,
        view.overall_basis_text
    );
    if let Some(peak) = peak_rss_kb() {
        println!(
            "peak resident memory: {:.0} MB ({:.2}× the input)",
            peak as f64 / 1e3,
            peak as f64 * 1e3 / bytes as f64
        );
    }
}

fn many_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("bench/many")
}

fn generate(dir: &std::path::Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Rng(0x3a4e_f11e);
    for image in 0..IMAGES {
        let size = (1 << 20) + rng.below(4 << 20);
        for (scan, created) in SCANS.iter().enumerate() {
            let name = format!("service-{image:02}");
            let report = gen_trivy::trivy_scan(
                size,
                (image * 10 + scan) as u64,
                &format!("registry.example.com/shop/{name}:1.{scan}"),
                created,
                250,
            );
            std::fs::write(
                dir.join(format!("{name}-trivy-{}.json", &created[..10])),
                report,
            )
            .unwrap();
        }
    }
    for log in 0..AUDIT_LOGS {
        let size = 200_000 + rng.below(800_000);
        let path = dir.join(format!("audit-apiserver-{}-{:03}.jsonl", log % 3, log));
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        gen_logs::generate_audit_seeded(size, 0xa0d1_0000 + log as u64, &mut out);
        out.flush().unwrap();
    }
    let mut trail = Rng(0xc10d_7a11);
    for i in 0..CLOUDTRAIL_FILES {
        let (name, json) = gen_logs::generate_cloudtrail_file(&mut trail, i);
        std::fs::write(dir.join(name), gen_logs::gzip(json.as_bytes())).unwrap();
    }
    std::fs::write(dir.join(".complete"), b"").unwrap();
}

//! Throughput benchmark (SPEC §10): parse + aggregate a ~100 MB Trivy report.
//!
//! `cargo bench --bench throughput` writes `target/bench/trivy-100mb.json` (deterministic: the
//! same bytes on every machine) if it is missing, then times, natively, `formats::load` alone and
//! the whole engine path (load + KPIs + metrics + charts), best and median of several runs.
//! `cargo bench --bench throughput -- --generate` only writes the file, for the browser benchmark
//! (`tests/e2e/bench.mjs`), which measures the same bytes through the real app in Chromium.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use posture::core::engine::Engine;
use posture::core::formats;
use posture::core::time::Timestamp;

mod common;
#[path = "../it/rng.rs"]
mod rng;

use common::{peak_rss_kb, pick, time};
use rng::Rng;

const TARGET_BYTES: usize = 100 * 1000 * 1000;
const RUNS: usize = 7;
/// Distinct CVEs and packages in the generated report.
const CVE_POOL: u64 = 5_000;
const PACKAGE_POOL: u64 = 3_000;

fn main() {
    let path = bench_file();
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let started = Instant::now();
        std::fs::write(&path, generate(TARGET_BYTES)).unwrap();
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

const WORDS: &[&str] = &[
    "buffer",
    "overflow",
    "remote",
    "attacker",
    "crafted",
    "request",
    "denial",
    "service",
    "memory",
    "corruption",
    "allows",
    "execute",
    "arbitrary",
    "code",
    "via",
    "heap",
    "integer",
    "pointer",
    "dereference",
    "validation",
    "improper",
    "input",
    "leads",
    "to",
    "information",
    "disclosure",
];

/// A Trivy image report shaped like a real one (every field Trivy writes for a vulnerability,
/// most of which Posture skips), grown to `target` bytes.
fn generate(target: usize) -> String {
    let mut rng = Rng(0x7a11_5eed);
    let mut out = String::with_capacity(target + 1_000_000);
    out.push_str(
        r#"{"SchemaVersion":2,"CreatedAt":"2026-11-20T10:00:00.123456789Z","ArtifactName":"registry.example.com/bench/monolith:2026.11","ArtifactType":"container_image","Metadata":{"OS":{"Family":"debian","Name":"12.8"},"ImageID":"sha256:0f0e","RepoTags":["registry.example.com/bench/monolith:2026.11"]},"Results":["#,
    );
    let classes = [
        ("os-pkgs", "debian"),
        ("lang-pkgs", "jar"),
        ("lang-pkgs", "npm"),
        ("lang-pkgs", "gomod"),
    ];
    let severities = [
        "CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW", "LOW", "UNKNOWN",
    ];
    let statuses = ["fixed", "affected", "will_not_fix", "fixed", "fixed"];
    let mut target_index = 0;
    while out.len() < target {
        let (class, kind) = classes[target_index % classes.len()];
        if target_index > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"Target":"target-{target_index}/{kind}-lock","Class":"{class}","Type":"{kind}","Vulnerabilities":["#
        );
        for v in 0..2_000 {
            if v > 0 {
                out.push(',');
            }
            // Big reports (a cluster, a monorepo) repeat the same CVEs across many packages
            // and workloads: draw from pools, as large as real ones get.
            let cve = 2_000_000 + rng.next() % CVE_POOL;
            let year = 2015 + cve % 11;
            let package = format!("pkg{}", rng.next() % PACKAGE_POOL);
            let severity = pick(&mut rng, &severities);
            let status = pick(&mut rng, &statuses);
            // Real Trivy vulnerabilities run 1.8–3.5 KB: 5–30 references, 150–700 characters of
            // description (the real fixtures); these aim at the middle of that range.
            let words = 40 + rng.next() % 70;
            let description: Vec<&str> = (0..words).map(|_| pick(&mut rng, WORDS)).collect();
            let references: Vec<String> = (0..4 + rng.next() % 17)
                .map(|r| format!(r#""https://security.example/advisories/{year}/{cve}/{r}""#))
                .collect();
            let fixed = if status == "fixed" {
                format!(
                    r#""FixedVersion":"{}.{}.{}","#,
                    rng.next() % 9,
                    rng.next() % 20,
                    rng.next() % 50
                )
            } else {
                String::new()
            };
            let _ = write!(
                out,
                r#"{{"VulnerabilityID":"CVE-{year}-{cve}","PkgID":"{package}@1.{v}","PkgName":"{package}","PkgIdentifier":{{"PURL":"pkg:{kind}/{package}@1.{v}","UID":"{:x}"}},"InstalledVersion":"1.{v}",{fixed}"Status":"{status}","Layer":{{"Digest":"sha256:{:x}","DiffID":"sha256:{:x}"}},"SeveritySource":"nvd","PrimaryURL":"https://avd.aquasec.com/nvd/cve-{year}-{cve}","DataSource":{{"ID":"{kind}","Name":"{kind} security tracker","URL":"https://security-tracker.example/"}},"Title":"{package}: {} \"{}\"","Description":"{}","Severity":"{severity}","CweIDs":["CWE-{}"],"VendorSeverity":{{"nvd":{},"redhat":{}}},"CVSS":{{"nvd":{{"V3Vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","V3Score":{}.{}}}}},"References":["https://nvd.nist.gov/vuln/detail/CVE-{year}-{cve}","https://github.com/advisories/GHSA-{:x}",{}],"PublishedDate":"{year}-03-0{}T12:00:00Z","LastModifiedDate":"2026-01-1{}T08:00:00Z"}}"#,
                rng.next(),
                rng.next(),
                rng.next(),
                description[0],
                description[1],
                description.join(" "),
                rng.next() % 900,
                rng.next() % 4,
                rng.next() % 4,
                rng.next() % 10,
                rng.next() % 10,
                rng.next(),
                references.join(","),
                1 + rng.next() % 9,
                rng.next() % 10,
            );
        }
        out.push_str("]}");
        target_index += 1;
    }
    out.push_str(r#"],"Trivy":{"Version":"0.57.1"}}"#);
    out
}

//! An organisation at scale (issue 16): 2,000 repositories and 200 images, each scanned weekly by
//! Trivy for a quarter (13 weeks, 28,600 reports), sharded 16 ways as a CI matrix would shard
//! them. Findings move as they do: each week some are fixed and some appear.
//!
//! `cargo build --profile cli --bin posture && cargo bench --bench org` writes
//! `target/bench/org/` if missing (deterministic), then, with the `posture` command:
//! 1. summarizes the 16 shards as 16 processes at once, and one shard alone;
//! 2. merges the 16 summaries, and computes the scorecard of the merge;
//! 3. computes the scorecard of every report in one process, and checks that it is the same
//!    bytes as the merge's;
//! 4. merges 10,000 summaries (the reports dealt round-robin, written here through the library)
//!    and computes their scorecard, again the same bytes.
//!
//! It prints each step's wall time and the summaries' sizes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use posture::core::engine::Engine;
use posture::core::protocol::{FileMeta, Request, Response};
use posture::core::time::Timestamp;

#[path = "../it/rng.rs"]
mod rng;

use rng::Rng;

const REPOSITORIES: usize = 2_000;
const IMAGES: usize = 200;
const WEEKS: usize = 13;
const SHARDS: usize = 16;
const SMALL_SUMMARIES: usize = 10_000;
/// The clock of every scorecard: the day after the last scan.
const NOW: &str = "2026-12-01T09:00:00Z";

fn main() {
    let root = bench_dir();
    let posture = posture_command();
    if !root.join(".complete").exists() {
        let started = Instant::now();
        generate(&root);
        eprintln!(
            "wrote {} in {:.1} s",
            root.display(),
            started.elapsed().as_secs_f64()
        );
    }
    let shards: Vec<PathBuf> = (0..SHARDS).map(|s| root.join(shard_name(s))).collect();
    let files = every_file(&shards);
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
    println!(
        "{} reports of {} repositories and {} images, {WEEKS} weeks, {:.1} MB, in {SHARDS} shards",
        files.len(),
        REPOSITORIES,
        IMAGES,
        bytes as f64 / 1e6
    );
    let out = root.join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();

    // 1. Each shard summarised by a process of its own, all at once.
    let started = Instant::now();
    let children: Vec<_> = (0..SHARDS)
        .map(|s| {
            Command::new(&posture)
                .arg("summarize")
                .arg("-q")
                .arg(&shards[s])
                .arg("-o")
                .arg(out.join(format!("{}.summary.json", shard_name(s))))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let parallel = started.elapsed().as_secs_f64();
    let alone = timed(|| {
        run(Command::new(&posture)
            .args(["summarize", "-q", "-o"])
            .arg(out.join("alone.json"))
            .arg(&shards[0]))
    });
    let summaries: Vec<PathBuf> = (0..SHARDS)
        .map(|s| out.join(format!("{}.summary.json", shard_name(s))))
        .collect();
    let sizes: Vec<u64> = summaries
        .iter()
        .map(|p| p.metadata().unwrap().len())
        .collect();
    println!(
        "summarize: {SHARDS} shards as {SHARDS} processes at once on {} cores: {parallel:.1} s wall; one shard alone {alone:.1} s; summaries {:.1}–{:.1} MB",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        *sizes.iter().min().unwrap() as f64 / 1e6,
        *sizes.iter().max().unwrap() as f64 / 1e6,
    );

    // 2. One merge, and its scorecard.
    let org = out.join("org.summary.json");
    let merge = timed(|| {
        run(Command::new(&posture)
            .args(["merge", "-q", "-o"])
            .arg(&org)
            .args(&summaries))
    });
    let merged_card = out.join("org-merged.json");
    let card = timed(|| scorecard(&posture, std::slice::from_ref(&org), &merged_card));
    println!(
        "merge of {SHARDS}: {merge:.2} s, {:.1} MB; its scorecard {card:.1} s",
        org.metadata().unwrap().len() as f64 / 1e6
    );

    // 3. Everything in one process.
    let one_card = out.join("org-one.json");
    let one = timed(|| scorecard(&posture, &shards, &one_card));
    let same = std::fs::read(&one_card).unwrap() == std::fs::read(&merged_card).unwrap();
    println!(
        "one process over the {} reports: {one:.1} s; the merged scorecard is {}",
        files.len(),
        if same { "the same bytes" } else { "DIFFERENT" }
    );
    assert!(
        same,
        "the scorecards of {} and {} differ",
        one_card.display(),
        merged_card.display()
    );

    // 4. 10,000 summaries, merged, and their scorecard.
    let many = root.join("summaries");
    if !many.join(".complete").exists() {
        let started = Instant::now();
        small_summaries(&files, &root, &many);
        eprintln!(
            "wrote {SMALL_SUMMARIES} summaries in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let org_many = out.join("org-10000.summary.json");
    let merge = timed(|| {
        run(Command::new(&posture)
            .args(["merge", "-q", "-o"])
            .arg(&org_many)
            .arg(&many))
    });
    let many_card = out.join("org-10000.json");
    let card = timed(|| scorecard(&posture, std::slice::from_ref(&org_many), &many_card));
    let same = std::fs::read(&one_card).unwrap() == std::fs::read(&many_card).unwrap();
    println!(
        "merge of {SMALL_SUMMARIES} summaries ({:.1} MB): {merge:.2} s; its scorecard {card:.1} s; together {:.1} s; {}",
        dir_bytes(&many) as f64 / 1e6,
        merge + card,
        if same {
            "the same bytes as one process"
        } else {
            "DIFFERENT"
        }
    );
    assert!(same);
}

fn shard_name(shard: usize) -> String {
    format!("shard-{shard:02}")
}

fn timed(run: impl FnOnce()) -> f64 {
    let started = Instant::now();
    run();
    started.elapsed().as_secs_f64()
}

fn run(command: &mut Command) {
    let status = command.status().unwrap();
    assert!(status.success(), "{command:?}: {status}");
}

fn scorecard(posture: &Path, inputs: &[PathBuf], out: &Path) {
    run(Command::new(posture)
        .args(["scorecard", "-q", "--now", NOW, "-o"])
        .arg(out)
        .args(inputs));
}

fn bench_dir() -> PathBuf {
    target_dir().join("bench/org")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    )
}

/// The command, built by `cargo build --profile cli --bin posture`.
fn posture_command() -> PathBuf {
    let path = target_dir().join("cli/posture");
    assert!(
        path.exists(),
        "build the command first: cargo build --profile cli --bin posture"
    );
    path
}

fn every_file(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if !entry.file_name().to_string_lossy().starts_with('.') {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn dir_bytes(dir: &Path) -> u64 {
    every_file(&[dir.to_path_buf()])
        .iter()
        .map(|f| f.metadata().unwrap().len())
        .sum()
}

/// The Mondays of the quarter, as RFC 3339 times.
fn weeks() -> Vec<String> {
    let first = Timestamp::parse_rfc3339("2026-09-07T06:00:00Z").unwrap();
    (0..WEEKS)
        .map(|w| format!("{}T06:00:00Z", first.minus_days(-7 * w as i64).day()))
        .collect()
}

/// Every asset's reports, week by week: each open finding is fixed with a chance of one in
/// five, and a few new ones appear.
fn generate(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
    let weeks = weeks();
    let severities = [
        "CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW",
    ];
    for asset in 0..REPOSITORIES + IMAGES {
        let image = asset >= REPOSITORIES;
        let (name, kind, artifact) = if image {
            let i = asset - REPOSITORIES;
            (
                format!("image-{i:03}"),
                "container_image",
                format!("registry.example.com/org/service-{i:03}:latest"),
            )
        } else {
            (
                format!("repo-{asset:04}"),
                "filesystem",
                format!("github.com/org/repo-{asset:04}"),
            )
        };
        let dir = root.join(shard_name(asset % SHARDS)).join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut rng = Rng(0x0a9c_0000 + asset as u64);
        let mut open: Vec<u64> = Vec::new();
        let start = if image { 20 } else { 4 };
        for _ in 0..start + rng.below(start) {
            open.push(rng.next() % 20_000);
        }
        for week in &weeks {
            open.retain(|_| rng.below(5) != 0);
            for _ in 0..rng.below(if image { 8 } else { 3 }) {
                open.push(rng.next() % 20_000);
            }
            open.sort_unstable();
            open.dedup();
            let vulns: Vec<String> = open
                .iter()
                .map(|&cve| {
                    let severity = severities[(cve % severities.len() as u64) as usize];
                    let package = format!("pkg{}", cve % 700);
                    format!(
                        r#"{{"VulnerabilityID":"CVE-2026-{cve:05}","PkgName":"{package}","InstalledVersion":"1.{}.0","FixedVersion":"1.{}.1","Status":"fixed","Severity":"{severity}","Title":"{package}: flaw {cve}"}}"#,
                        cve % 9,
                        cve % 9
                    )
                })
                .collect();
            let report = format!(
                r#"{{"SchemaVersion":2,"CreatedAt":"{week}","ArtifactName":"{artifact}","ArtifactType":"{kind}","Results":[{{"Target":"{}","Class":"{}","Type":"{}","Vulnerabilities":[{}]}}],"Trivy":{{"Version":"0.57.1"}}}}"#,
                if image {
                    "debian 12.8"
                } else {
                    "package-lock.json"
                },
                if image { "os-pkgs" } else { "lang-pkgs" },
                if image { "debian" } else { "npm" },
                vulns.join(",")
            );
            std::fs::write(dir.join(format!("trivy-{}.json", &week[..10])), report).unwrap();
        }
    }
    std::fs::write(root.join(".complete"), b"").unwrap();
}

/// The reports dealt round-robin into 10,000 summaries, each written as `posture summarize`
/// writes it (the files named as the command names a shard folder's).
fn small_summaries(files: &[PathBuf], root: &Path, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut hands: Vec<Vec<&PathBuf>> = vec![Vec::new(); SMALL_SUMMARIES];
    for (i, file) in files.iter().enumerate() {
        hands[i % SMALL_SUMMARIES].push(file);
    }
    for (i, hand) in hands.iter().enumerate() {
        let mut engine = Engine::default();
        let metas = hand
            .iter()
            .map(|path| {
                let meta = path.metadata().unwrap();
                FileMeta {
                    name: path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    size: meta.len(),
                    last_modified: meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_millis() as i64),
                }
            })
            .collect();
        let ids: Vec<u32> = match engine.handle(Request::AddFiles(metas), Timestamp(0)).pop() {
            Some(Response::Queued(rows)) => rows.iter().map(|r| r.id).collect(),
            _ => unreachable!(),
        };
        for (path, id) in hand.iter().zip(ids) {
            engine.ingest(id, &std::fs::read(path).unwrap());
        }
        std::fs::write(
            dir.join(format!("team-{i:05}.summary.json")),
            engine.summary().to_json(),
        )
        .unwrap();
    }
    std::fs::write(dir.join(".complete"), b"").unwrap();
}

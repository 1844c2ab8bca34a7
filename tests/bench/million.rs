//! `cargo bench --bench million`: a million findings (20 Trivy reports of 50,000 vulnerabilities,
//! as `tests/e2e/bench-explorer.mjs` writes them), then the time the engine takes to answer a
//! new period and a removed file with a new view — what the page waits for (SPEC §10, issue 14:
//! under 200 ms in the browser). Native times; Wasm in Chromium is slower.

use std::time::Instant;

use posture::core::engine::Engine;
use posture::core::evidence::PeriodChoice;
use posture::core::protocol::Request;
use posture::core::time::Timestamp;

const IMAGES: usize = 20;
const PER_IMAGE: usize = 50_000;

fn report(image: usize) -> String {
    const SEVERITY: [&str; 10] = [
        "CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW", "LOW", "LOW",
    ];
    let vulnerabilities: Vec<String> = (0..PER_IMAGE)
        .map(|i| {
            let pkg = format!("pkg-{}", i % 5_000);
            format!(
                r#"{{"VulnerabilityID":"CVE-2026-{}","PkgName":"{pkg}","InstalledVersion":"1.{}.0","FixedVersion":"1.{}.0","Severity":"{}","Title":"{pkg}: flaw number {i}"}}"#,
                100_000 + i,
                i % 7,
                i % 7 + 1,
                SEVERITY[i % 10]
            )
        })
        .collect();
    format!(
        r#"{{"SchemaVersion":2,"CreatedAt":"2026-11-30T06:00:00Z","ArtifactName":"registry.example/team-{image}/service:1.0","ArtifactType":"container_image","Results":[{{"Target":"service (debian 12.7)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{}]}}]}}"#,
        vulnerabilities.join(",")
    )
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let now = Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap_or(Timestamp(0));
    let mut engine = Engine::default();
    let started = Instant::now();
    for image in 0..IMAGES {
        engine.add(
            &format!("service-{image}.json"),
            report(image).as_bytes(),
            None,
        );
    }
    println!(
        "{} findings loaded in {:?}",
        IMAGES * PER_IMAGE,
        started.elapsed()
    );
    let timed = |what: &str, engine: &mut Engine, request: Request| {
        let started = Instant::now();
        engine.handle(request, now);
        println!("{what}: {:?}", started.elapsed());
    };
    let started = Instant::now();
    engine.view(now);
    println!("first view: {:?}", started.elapsed());
    for choice in [
        PeriodChoice::LastDays(30),
        PeriodChoice::LastDays(7),
        PeriodChoice::All,
    ] {
        timed(
            &format!("period {}", choice.label()),
            &mut engine,
            Request::SetPeriod(choice),
        );
    }
    let first = engine.sources()[0].id;
    timed("remove a file", &mut engine, Request::Remove(first));
}

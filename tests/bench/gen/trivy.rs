//! A Trivy image report shaped like a real one, deterministic (`cargo bench --bench throughput`,
//! `--bench many`).

#![allow(dead_code)]

use std::fmt::Write as _;

use crate::common::pick;
use crate::rng::Rng;

/// Distinct CVEs and packages in a generated report.
const CVE_POOL: u64 = 5_000;
const PACKAGE_POOL: u64 = 3_000;

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
pub fn trivy_report(target: usize, seed: u64, image: &str) -> String {
    trivy_scan(target, seed, image, "2026-11-20T10:00:00.123456789Z", 2_000)
}

/// A report of `image` scanned at `created` (RFC 3339), with `per_result` vulnerabilities in
/// each result (target).
pub fn trivy_scan(
    target: usize,
    seed: u64,
    image: &str,
    created: &str,
    per_result: usize,
) -> String {
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(target + 1_000_000);
    out.push_str(
        &r#"{"SchemaVersion":2,"CreatedAt":"CREATED","ArtifactName":"IMAGE","ArtifactType":"container_image","Metadata":{"OS":{"Family":"debian","Name":"12.8"},"ImageID":"sha256:0f0e","RepoTags":["IMAGE"]},"Results":["#
            .replace("IMAGE", image)
            .replace("CREATED", created),
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
        for v in 0..per_result {
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

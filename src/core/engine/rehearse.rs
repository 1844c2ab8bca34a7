//! A rehearsal: a generated Trivy report loaded the way a dropped one is, in an engine of its
//! own, and thrown away.
//!
//! A browser first runs Wasm with a baseline compiler and optimises a function only once it
//! has run for a while; the analysis runs once per change, so the user's first big file would
//! be aggregated entirely by baseline code, and parsed by it until the parser warms up. The
//! worker rehearses once, when it is idle after starting, so that the code is optimised before
//! the first file comes (README, "Speed", gives the figures with and without).

use super::Engine;
use crate::core::formats::{Loaded, Loader};
use crate::core::protocol::FileMeta;
use crate::core::time::Timestamp;

/// Vulnerabilities in the rehearsal's report: about 8 MB, 80–100 ms of the worker's time in
/// Chromium. With 3,000 (2 MB) the 100 MB benchmark's aggregation took 31–39 ms and its parse
/// 229–257 ms; with 12,000, 15–21 ms and 159–203 ms; 24,000 bought nothing more (`node
/// bench.mjs 5`, alternated, on a noisy 2-core machine).
const VULNERABILITIES: usize = 12_000;

impl Engine {
    /// Loads a generated report in an engine of its own, builds the view and encodes it as the
    /// worker would, and drops it all.
    pub fn rehearse(now: Timestamp) {
        let report = report();
        let mut engine = Engine::default();
        engine.queue(vec![FileMeta {
            name: "rehearsal.json".into(),
            size: report.len() as u64,
            last_modified: None,
        }]);
        let id = engine.next_id - 1;
        let mut loader = Loader::streaming("rehearsal.json", report.len() as u64);
        report
            .as_bytes()
            .chunks(256 << 10)
            .for_each(|chunk| loader.push(chunk));
        let loaded = match loader.finish() {
            Loaded::Reread => Loaded::Whole(report.into_bytes()),
            loaded => loaded,
        };
        engine.ingest_loaded(id, loaded, 0);
        let _ = serde_json::to_string(&engine.after_files(now));
    }
}

fn report() -> String {
    let mut report = String::from(
        r#"{"SchemaVersion":2,"CreatedAt":"2026-01-01T00:00:00Z","ArtifactName":"rehearsal:1","ArtifactType":"container_image","Results":[{"Target":"rehearsal:1 (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":["#,
    );
    let severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
    for i in 0..VULNERABILITIES {
        if i > 0 {
            report.push(',');
        }
        report.push_str(&format!(
            r#"{{"VulnerabilityID":"CVE-2026-{i}","PkgName":"pkg{}","InstalledVersion":"1.{i}","FixedVersion":"{}","Status":"{}","Severity":"{}","Title":"pkg: a \"flaw\" {i}","Description":"{}","References":["https://nvd.nist.gov/vuln/detail/CVE-2026-{i}"],"CVSS":{{"nvd":{{"V3Score":7.5}}}}}}"#,
            i % 97,
            if i % 2 == 0 { "2.0" } else { "" },
            if i % 7 == 0 { "will_not_fix" } else { "fixed" },
            severities[i % severities.len()],
            "a description of the flaw, as the database gives it ".repeat(8)
        ));
    }
    report.push_str("]}]}");
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rehearsal_streams_its_report_through_the_parser_big_files_use() {
        let report = report();
        let mut loader = Loader::streaming("rehearsal.json", report.len() as u64);
        report
            .as_bytes()
            .chunks(256 << 10)
            .for_each(|c| loader.push(c));
        let Loaded::Parsed(carried) = loader.finish() else {
            panic!("the rehearsal report did not stream");
        };
        assert_eq!(
            carried.parsed.snapshot().map(|s| s.findings.len()),
            Some(VULNERABILITIES)
        );
        Engine::rehearse(Timestamp(0));
    }
}

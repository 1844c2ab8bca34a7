//! The same problem reported by several tools counts once, and says which tools report it.

use posture::core::engine::Engine;
use posture::core::time::Timestamp;

use crate::support::add_one;

const TRIVY: &str = r#"{"SchemaVersion":2,"CreatedAt":"2026-01-01T00:00:00Z","ArtifactName":"ghcr.io/acme/api:1",
  "ArtifactType":"container_image","Results":[{"Target":"app","Class":"lang-pkgs","Vulnerabilities":[
    {"VulnerabilityID":"CVE-2021-44420","PkgName":"django","Severity":"HIGH","Title":"Django: potential bypass"},
    {"VulnerabilityID":"CVE-2021-9999","PkgName":"only-in-trivy","Severity":"LOW"}]}]}"#;

// Grype names the same problem by its GHSA id, with the CVE among the related ones, spells the
// package "Django", scans a newer tag of the image, and rates it critical.
const GRYPE: &str = r#"{"matches":[{"vulnerability":{"id":"GHSA-v6rh-hp5x-86rv","severity":"Critical"},
    "relatedVulnerabilities":[{"id":"CVE-2021-44420"}],"artifact":{"name":"Django","version":"3.2.9"}}],
  "source":{"type":"image","target":{"userInput":"ghcr.io/acme/api:2"}},
  "descriptor":{"name":"grype","version":"0.94.0","timestamp":"2026-01-02T00:00:00Z"}}"#;

#[test]
fn the_same_cve_from_trivy_and_grype_counts_once() {
    let mut engine = Engine::default();
    add_one(&mut engine, "trivy.json", TRIVY.as_bytes(), None);
    add_one(&mut engine, "grype.json", GRYPE.as_bytes(), None);
    let view = engine.view(Timestamp::parse_rfc3339("2026-01-03T00:00:00Z").unwrap());
    let m = &view.metrics;
    // Two problems, not three: CVE-2021-44420 once, at the higher of the two severities.
    assert_eq!(m.vulnerabilities, 2);
    let counts: Vec<u64> = m.by_severity.iter().map(|c| c.count).collect();
    assert_eq!(counts, [1, 0, 0, 1, 0, 0]);
    let by_tool: Vec<(&str, u64)> = m
        .by_tool
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(by_tool, [("Grype", 1), ("Trivy", 2)]);
    let top = &m.top_vulnerabilities[0];
    assert_eq!(
        (top.id.as_str(), top.severity.as_str(), top.tools.as_str()),
        ("CVE-2021-44420", "critical", "Grype, Trivy")
    );
    let critical = view.tiles.iter().find(|t| t.id == "critical_open").unwrap();
    assert_eq!(critical.value, Some(1.0));
    assert_eq!(critical.inputs, ["trivy.json", "grype.json"]);
}

#[test]
fn the_same_trivy_scan_as_json_and_as_sarif_counts_once() {
    // Both real files describe alpine-310.tar.gz: 4 vulnerabilities (2 CVEs × 2 packages).
    let mut engine = Engine::default();
    let json = crate::support::read(
        &crate::support::real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json"),
    );
    let sarif = crate::support::read(
        &crate::support::real_dir("sarif").join("trivy-image-alpine-3.10.sarif"),
    );
    add_one(&mut engine, "trivy.json", &json, None);
    add_one(&mut engine, "trivy.sarif", &sarif, None);
    let view = engine.view(Timestamp(0));
    assert_eq!(view.metrics.vulnerabilities, 4);
    assert_eq!(view.metrics.top_vulnerabilities[0].tools, "Trivy");
    assert_eq!(view.metrics.top_vulnerabilities[0].findings, 2);
}

#[test]
fn a_maven_package_is_the_same_whether_named_with_its_group_or_not() {
    // Trivy names a jar `group:artifact`; Grype by the artifact alone.
    let trivy = r#"{"SchemaVersion":2,"ArtifactName":"ghcr.io/acme/shop:1","ArtifactType":"container_image",
      "Results":[{"Target":"Java","Class":"lang-pkgs","Type":"jar","Vulnerabilities":[
        {"VulnerabilityID":"CVE-2021-44228","PkgName":"org.apache.logging.log4j:log4j-core","Severity":"CRITICAL"}]}]}"#;
    let grype = r#"{"matches":[{"vulnerability":{"id":"GHSA-jfh8-c2jp-5v3q","severity":"Critical"},
        "relatedVulnerabilities":[{"id":"CVE-2021-44228"}],"artifact":{"name":"log4j-core","version":"2.14.1"}}],
      "source":{"type":"image","target":{"userInput":"ghcr.io/acme/shop:1"}},"descriptor":{"name":"grype"}}"#;
    let mut engine = Engine::default();
    add_one(&mut engine, "trivy.json", trivy.as_bytes(), None);
    add_one(&mut engine, "grype.json", grype.as_bytes(), None);
    let view = engine.view(Timestamp(0));
    let critical = view.tiles.iter().find(|t| t.id == "critical_open").unwrap();
    assert_eq!(critical.value, Some(1.0));
}

#[test]
fn ids_that_are_not_ascii_are_identities_like_any_other() {
    // An en dash where a hyphen belongs, and a multi-byte character within the first four bytes.
    for id in ["CVE–2021-44228", "Cé€x", "€"] {
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"a","Results":[{{"Target":"t","Class":"os-pkgs","Vulnerabilities":[{{"VulnerabilityID":"{id}","PkgName":"p","Severity":"LOW"}}]}}]}}"#
        );
        let parsed = posture::core::formats::load("t.json", doc.as_bytes()).unwrap();
        assert_eq!(&*parsed.snapshot().unwrap().findings[0].rule_id, id);
    }
}

#[test]
fn two_tools_in_sarif_on_one_repository_are_two_scans() {
    // Every SARIF file is format `sarif`: the tool tells CodeQL's scan from Semgrep's, so the
    // later one does not supersede the other.
    let sarif = |tool: &str, rule: &str, at: &str| {
        format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"{tool}"}}}},
              "versionControlProvenance":[{{"repositoryUri":"https://github.com/acme/api"}}],
              "invocations":[{{"startTimeUtc":"{at}","executionSuccessful":true}}],
              "results":[{{"ruleId":"{rule}","level":"error","message":{{"text":"x"}},
                "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"a.js"}},"region":{{"startLine":3}}}}}}]}}]}}]}}"#
        )
    };
    let mut engine = Engine::default();
    let codeql = sarif("CodeQL", "js/sql-injection", "2026-01-01T00:00:00Z");
    let semgrep = sarif(
        "Semgrep OSS",
        "javascript.express.xss",
        "2026-01-02T00:00:00Z",
    );
    add_one(&mut engine, "codeql.sarif", codeql.as_bytes(), None);
    add_one(&mut engine, "semgrep.sarif", semgrep.as_bytes(), None);
    let view = engine.view(Timestamp::parse_rfc3339("2026-01-03T00:00:00Z").unwrap());
    let by_tool: Vec<(&str, u64)> = view
        .metrics
        .by_tool
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(by_tool, [("CodeQL", 1), ("Semgrep OSS", 1)]);
    let gate = view
        .tiles
        .iter()
        .find(|t| t.id == "sast_sca_pass_rate")
        .unwrap();
    assert_eq!(gate.denominator, Some(2.0));
}

#[test]
fn the_same_cve_from_security_hub_and_a_scanner_counts_once() {
    // Trivy's ASFF template and Trivy's JSON of the same image: 4 vulnerabilities, not 8.
    let real = |format: &str, file: &str| {
        crate::support::read(&crate::support::real_dir(format).join(file))
    };
    let mut engine = Engine::default();
    let asff = real("securityhub", "trivy-alpine-3.10-asff.json");
    let json = real("trivy", "trivy-image-alpine-3.10-vulns.json");
    add_one(&mut engine, "trivy.asff.json", &asff, None);
    add_one(&mut engine, "trivy.json", &json, None);
    let view = engine.view(Timestamp(0));
    assert_eq!(view.metrics.vulnerabilities, 4);

    // Inspector names an ECR image by its ARN; Grype by the address it pulled, with a tag.
    let inspector = r#"{"Findings":[{"SchemaVersion":"2018-10-08","Id":"arn:aws:inspector2:eu-central-1:123456789012:finding/f1",
      "ProductArn":"arn:aws:securityhub:eu-central-1::product/aws/inspector","ProductName":"Inspector",
      "GeneratorId":"AWSInspector","AwsAccountId":"123456789012","UpdatedAt":"2026-01-01T00:00:00Z",
      "Severity":{"Label":"MEDIUM","Normalized":40},"Title":"CVE-2023-2650 - openssl",
      "Resources":[{"Type":"AwsEcrContainerImage","Id":"arn:aws:ecr:eu-central-1:123456789012:repository/repo-os/sha256:af96"}],
      "RecordState":"ACTIVE","Vulnerabilities":[{"Id":"CVE-2023-2650","VulnerablePackages":[{"Name":"openssl","Version":"1.1.1n"}]}]}]}"#;
    let grype = r#"{"matches":[{"vulnerability":{"id":"CVE-2023-2650","severity":"Medium"},
        "artifact":{"name":"openssl","version":"1.1.1n"}}],
      "source":{"type":"image","target":{"userInput":"123456789012.dkr.ecr.eu-central-1.amazonaws.com/repo-os:2023-08-23"}},
      "descriptor":{"name":"grype","timestamp":"2026-01-01T00:00:00Z"}}"#;
    let mut engine = Engine::default();
    add_one(&mut engine, "inspector.json", inspector.as_bytes(), None);
    add_one(&mut engine, "grype.json", grype.as_bytes(), None);
    let view = engine.view(Timestamp::parse_rfc3339("2026-01-02T00:00:00Z").unwrap());
    assert_eq!(view.metrics.vulnerabilities, 1);
    assert_eq!(
        view.metrics.top_vulnerabilities[0].tools,
        "Grype, Inspector"
    );
}

#[test]
fn a_rule_on_an_asset_scanned_by_two_tools_counts_that_asset_once() {
    // Loaded in this order: Trivy on api (CVE-2021-44420 in django), Trivy on web (the same
    // CVE), Grype on api (the same CVE in another package: a second finding on api). The CVE
    // is on two assets, api and web, with three findings, whatever order the files came in.
    let web = TRIVY
        .replace("ghcr.io/acme/api:1", "ghcr.io/acme/web:1")
        .replace("only-in-trivy", "only-on-web");
    let grype = GRYPE.replace(r#""name":"Django""#, r#""name":"django-extra""#);
    let mut engine = Engine::default();
    add_one(&mut engine, "api-trivy.json", TRIVY.as_bytes(), None);
    add_one(&mut engine, "web-trivy.json", web.as_bytes(), None);
    add_one(&mut engine, "api-grype.json", grype.as_bytes(), None);
    let view = engine.view(Timestamp::parse_rfc3339("2026-01-03T00:00:00Z").unwrap());
    let cve = (view.metrics.top_vulnerabilities.iter())
        .find(|v| v.id == "CVE-2021-44420")
        .expect("the CVE is listed");
    assert_eq!((cve.assets, cve.findings), (2, 3));
}

//! Triage decisions through the engine, on documents whose numbers are worked out by hand: a
//! decision made on the explorer's rows, one that expires, one refused, a round trip through the
//! exported files, and VEX documents written by other tools.

use posture::core::engine::Engine;
use posture::core::formats;
use posture::core::model::{Category, Evidence, Triage};
use posture::core::protocol::{
    DecideRequest, DecisionsView, FindingsQuery, FindingsRequest, Request, Response, View,
};
use posture::core::time::Timestamp;

use crate::support::{add_one, read, real_dir, trivy_image};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

const NOW: &str = "2026-11-10T12:00:00Z";

/// One image scanned on 1 Nov 2026: two critical vulnerabilities and a high one, and one
/// repository scanned by Trivy with one secret. critical_open 2, secrets_exposed 1.
fn engine() -> Engine {
    let mut engine = Engine::default();
    let image = trivy_image(
        "ghcr.io/acme/api:1.0",
        "2026-11-01T00:00:00Z",
        &[
            ("CVE-2024-0001", "openssl", "CRITICAL"),
            ("CVE-2024-0002", "zlib1g", "CRITICAL"),
            ("CVE-2024-0003", "curl", "HIGH"),
        ],
    );
    add_one(&mut engine, "api-image.json", image.as_bytes(), None);
    add_one(
        &mut engine,
        "api-repo.json",
        repo_with_secret().as_bytes(),
        None,
    );
    engine
}

fn repo_with_secret() -> String {
    r#"{"SchemaVersion":2,"CreatedAt":"2026-11-01T00:00:00Z","ArtifactName":"github.com/acme/api","ArtifactType":"repository",
        "Results":[{"Target":"deploy/ci.env","Class":"secret","Secrets":[{"RuleID":"aws-access-key-id","Category":"AWS",
        "Severity":"CRITICAL","Title":"AWS Access Key ID","StartLine":3,"EndLine":3,"Match":"AWS_ACCESS_KEY_ID=****"}]}]}"#
        .to_string()
}

/// The rows whose rule is exactly `rule`.
fn rule(rule: &str) -> FindingsQuery {
    FindingsQuery {
        filters: vec![("rule".into(), format!("\"{rule}\""))],
        ..FindingsQuery::default()
    }
}

fn decide(query: FindingsQuery, triage: &str, reason: &str, expires: &str) -> Request {
    Request::Decide(DecideRequest {
        query,
        row: Some(0),
        triage: triage.into(),
        reason: reason.into(),
        expires: expires.into(),
    })
}

/// The decisions view and the scorecard view a request answered with.
fn answer(engine: &mut Engine, request: Request, now: &str) -> (DecisionsView, Option<View>) {
    let mut decisions = None;
    let mut view = None;
    for response in engine.handle(request, at(now)) {
        match response {
            Response::Decisions(d) => decisions = Some(*d),
            Response::View(v) => view = Some(*v),
            _ => {}
        }
    }
    (decisions.expect("a decisions view"), view)
}

fn value(view: &View, id: &str) -> Option<f64> {
    view.tiles.iter().find(|t| t.id == id).unwrap().value
}

fn notes(view: &View, id: &str) -> Vec<String> {
    view.tiles
        .iter()
        .find(|t| t.id == id)
        .unwrap()
        .notes
        .clone()
}

fn status_of(engine: &mut Engine, rule_id: &str, now: &str) -> String {
    let window = engine.findings_window(
        FindingsRequest {
            id: 1,
            query: rule(rule_id),
            start: 0,
            count: 10,
        },
        at(now),
    );
    let column = posture::core::explorer::COLUMNS
        .iter()
        .position(|(c, _)| *c == "status")
        .unwrap();
    window.rows[0].cells[column].clone()
}

#[test]
fn an_accepted_risk_is_left_out_until_it_expires() {
    let mut engine = engine();
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(2.0));
    // Accepted until 20 Nov 2026 (that day included: it lapses at 21 Nov 00:00 UTC).
    let (decisions, view) = answer(
        &mut engine,
        decide(
            rule("CVE-2024-0001"),
            "accepted_risk",
            "vendor fix due",
            "2026-11-20",
        ),
        NOW,
    );
    assert_eq!(decisions.error, None);
    assert_eq!(
        decisions.done_text.as_deref(),
        Some("Marked 1 finding as accepted risk")
    );
    let view = view.unwrap();
    // 2 open critical − 1 accepted = 1.
    assert_eq!(value(&view, "critical_open"), Some(1.0));
    assert!(
        notes(&view, "critical_open").contains(
            &"Left out by triage decisions: 1 (1 accepted risk); the Findings view lists them"
                .to_string()
        ),
        "{:?}",
        notes(&view, "critical_open")
    );
    assert_eq!(decisions.rows.len(), 1);
    let row = &decisions.rows[0];
    assert_eq!(row.what, "CVE-2024-0001 · openssl · ghcr.io/acme/api");
    assert_eq!(row.expires_text, "until 20 Nov 2026");
    assert_eq!(row.covered, 1);
    assert_eq!(
        decisions.summary_text,
        "1 decision in force leaves out 1 finding"
    );
    assert_eq!(
        status_of(&mut engine, "CVE-2024-0001", NOW),
        "accepted_risk"
    );
    // The page keeps it: the saved JSON reads back into the same decision.
    let saved = decisions.saved_json.clone();
    assert!(saved.contains("\"posture.decisions.v1\""));

    // On 20 Nov it still holds; at 21 Nov 00:00 it has lapsed and the finding counts again.
    let mut later = engine;
    later.handle(
        Request::SetPeriod(Default::default()),
        at("2026-11-20T23:59:59Z"),
    );
    assert_eq!(
        value(&later.view(at("2026-11-20T23:59:59Z")), "critical_open"),
        Some(1.0)
    );
    later.handle(
        Request::SetPeriod(Default::default()),
        at("2026-11-21T00:00:00Z"),
    );
    let view = later.view(at("2026-11-21T00:00:00Z"));
    assert_eq!(value(&view, "critical_open"), Some(2.0));
    let decisions = later.decisions_view(None, None, at("2026-11-21T00:00:00Z"));
    assert_eq!(
        decisions.rows[0].expires_text,
        "expired after 20 Nov 2026: counts again"
    );
    assert_eq!(
        decisions.summary_text,
        "0 decisions in force leave out 0 findings · 1 expired"
    );

    // Restored from what the page kept, in a new session: the same decision.
    let mut fresh = self::engine();
    let (restored, view) = answer(&mut fresh, Request::RestoreDecisions(saved), NOW);
    assert_eq!(restored.error, None);
    assert_eq!(value(&view.unwrap(), "critical_open"), Some(1.0));
}

#[test]
fn a_decision_that_cannot_be_made_changes_nothing() {
    let mut engine = engine();
    for (request, error) in [
        (
            decide(rule("CVE-2024-0001"), "accepted_risk", "  ", ""),
            "say why: the reason is what a reader of the scorecard and of the exported file goes by",
        ),
        (
            decide(
                rule("CVE-2024-0001"),
                "accepted_risk",
                "later",
                "2026-11-01",
            ),
            "the expiry 1 Nov 2026 has passed",
        ),
        (
            decide(rule("CVE-2024-0001"), "accepted_risk", "later", "soon"),
            "the expiry \"soon\" is not a date",
        ),
        (
            decide(rule("CVE-2024-0001"), "shrug", "later", ""),
            "choose accepted risk or false positive",
        ),
        (
            decide(rule("CVE-9999-0000"), "false_positive", "later", ""),
            "that finding is no longer in the view",
        ),
    ] {
        let (decisions, view) = answer(&mut engine, request, NOW);
        assert_eq!(decisions.error.as_deref(), Some(error));
        assert!(view.is_none(), "nothing to recompute");
        assert!(decisions.rows.is_empty());
    }
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(2.0));
}

#[test]
fn every_finding_a_filter_matches_is_marked_and_taken_back_one_by_one() {
    let mut engine = engine();
    // Severity critical: the two vulnerabilities and the secret (3 findings, one decision each).
    let query = FindingsQuery {
        filters: vec![("severity".into(), "critical".into())],
        ..FindingsQuery::default()
    };
    let (decisions, view) = answer(
        &mut engine,
        Request::Decide(DecideRequest {
            query,
            row: None,
            triage: "false_positive".into(),
            reason: "test image".into(),
            expires: String::new(),
        }),
        NOW,
    );
    assert_eq!(
        decisions.done_text.as_deref(),
        Some("Marked 3 findings as false positive")
    );
    let view = view.unwrap();
    assert_eq!(value(&view, "critical_open"), Some(0.0));
    assert_eq!(value(&view, "secrets_exposed"), Some(0.0));
    // Taking back the first (CVE-2024-0001 or -0002) brings one critical back.
    let (decisions, view) = answer(&mut engine, Request::Undecide(0), NOW);
    assert_eq!(decisions.rows.len(), 2);
    assert_eq!(value(&view.unwrap(), "critical_open"), Some(1.0));
    let (decisions, view) = answer(&mut engine, Request::ClearDecisions, NOW);
    assert_eq!(
        decisions.done_text.as_deref(),
        Some("Forgot 2 decisions made here")
    );
    let view = view.unwrap();
    assert_eq!(value(&view, "critical_open"), Some(2.0));
    assert_eq!(value(&view, "secrets_exposed"), Some(1.0));
}

#[test]
fn exported_decisions_dropped_again_give_the_same_numbers() {
    let mut engine = engine();
    answer(
        &mut engine,
        decide(
            rule("CVE-2024-0002"),
            "false_positive",
            "zlib1g is not in the image",
            "",
        ),
        NOW,
    );
    answer(
        &mut engine,
        decide(
            rule("CVE-2024-0001"),
            "accepted_risk",
            "vendor fix due",
            "2026-12-31",
        ),
        NOW,
    );
    answer(
        &mut engine,
        decide(rule("aws-access-key-id"), "accepted_risk", "a test key", ""),
        NOW,
    );
    let marked = engine.view(at(NOW));
    assert_eq!(value(&marked, "critical_open"), Some(0.0));
    assert_eq!(value(&marked, "secrets_exposed"), Some(0.0));
    let files: Vec<(String, String)> = engine
        .handle(Request::ExportDecisions, at(NOW))
        .into_iter()
        .filter_map(|r| match r {
            Response::Export {
                file_name, content, ..
            } => Some((file_name, content)),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "posture-decisions-2026-11-10.openvex.json",
            "posture-decisions-2026-11-10.json"
        ]
    );
    // The OpenVEX is what Trivy reads: the image as its pkg:oci purl with its repository.
    let vex: serde_json::Value = serde_json::from_str(&files[0].1).unwrap();
    assert_eq!(vex["@context"], "https://openvex.dev/ns/v0.2.0");
    let statements = vex["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[0]["products"][0]["@id"],
        "pkg:oci/api?repository_url=ghcr.io/acme/api"
    );
    assert_eq!(statements[0]["status"], "not_affected");
    assert_eq!(statements[1]["status"], "affected");
    assert_eq!(
        statements[1]["action_statement"],
        "Risk accepted until 2026-12-31: vendor fix due"
    );

    // Forget them, then drop the two files: the same numbers.
    answer(&mut engine, Request::ClearDecisions, NOW);
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(2.0));
    for (name, content) in &files {
        let row = add_one(&mut engine, name, content.as_bytes(), None);
        assert_eq!(row.error, None, "{name}");
    }
    let dropped = engine.view(at(NOW));
    assert_eq!(value(&dropped, "critical_open"), Some(0.0));
    assert_eq!(value(&dropped, "secrets_exposed"), Some(0.0));
    let decisions = engine.decisions_view(None, None, at(NOW));
    let shown: Vec<(&str, &str, Option<u32>, u64)> = decisions
        .rows
        .iter()
        .map(|r| {
            (
                r.triage.as_str(),
                r.expires_text.as_str(),
                r.index,
                r.covered,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("false_positive", "no expiry", None, 1),
            ("accepted_risk", "until 31 Dec 2026", None, 1),
            ("accepted_risk", "no expiry", None, 1),
        ]
    );
    // Removing the VEX file brings its vulnerabilities back.
    let vex_id = engine
        .sources()
        .iter()
        .find(|s| s.name.ends_with(".openvex.json"))
        .unwrap()
        .id;
    engine.handle(Request::Remove(vex_id), at(NOW));
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(2.0));
}

/// Loads a VEX document and returns its decisions.
fn decisions_in(name: &str, text: &str) -> Vec<posture::core::model::Decision> {
    let parsed = formats::load(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    match parsed.evidence {
        Evidence::Decisions(log) => log.decisions,
        other => panic!("{name} loaded as {}", other.format()),
    }
}

#[test]
fn openvex_from_other_tools_applies_by_image_package_and_alias() {
    // Trivy names the image with its whole repository; Grype without the image's name; a
    // later statement on the same vulnerability and product replaces an earlier one.
    let vex = r#"{
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://example.com/vex-1",
      "author": "Acme security",
      "timestamp": "2026-11-02T10:00:00-06:00",
      "version": 2,
      "statements": [
        {"vulnerability": {"name": "CVE-2024-0001"},
         "products": [{"@id": "pkg:oci/api@sha256%3Aabc?arch=amd64&repository_url=ghcr.io/acme/api",
                       "subcomponents": [{"@id": "pkg:deb/debian/openssl@3.0.11?arch=amd64"}]}],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
         "impact_statement": "TLS is terminated at the proxy"},
        {"vulnerability": {"name": "CVE-2024-0002", "aliases": ["GHSA-xxxx-0002"]},
         "timestamp": "2026-11-02T09:00:00Z",
         "products": [{"@id": "pkg:oci/api?repository_url=ghcr.io/acme"}],
         "status": "not_affected", "justification": "component_not_present"},
        {"vulnerability": {"name": "CVE-2024-0002"},
         "timestamp": "2026-11-03T09:00:00Z",
         "products": [{"@id": "pkg:oci/api?repository_url=ghcr.io/acme"}],
         "status": "affected", "action_statement": "upgrade zlib1g"},
        {"vulnerability": {"name": "CVE-2024-0003"},
         "products": [{"@id": "pkg:oci/web?repository_url=ghcr.io/acme/web"}],
         "status": "fixed"},
        {"vulnerability": {"name": "CVE-2024-0004"}, "products": [{"@id": "pkg:oci/api"}],
         "status": "under_investigation"}
      ]
    }"#;
    let decisions = decisions_in("acme.vex.json", vex);
    // CVE-0001 not affected (api, openssl); CVE-0002: the later `affected` wins — nothing;
    // CVE-0003 fixed on web: a decision, for another image; CVE-0004 under investigation.
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0].triage, Triage::NotAffected);
    assert_eq!(decisions[0].target.packages, ["openssl"]);
    assert_eq!(
        decisions[0].reason,
        "vulnerable code not in execute path — TLS is terminated at the proxy"
    );
    assert_eq!(decisions[0].author, "Acme security");
    let mut engine = engine();
    add_one(&mut engine, "acme.vex.json", vex.as_bytes(), None);
    let view = engine.view(at(NOW));
    // 2 critical − CVE-2024-0001 (not affected) = 1.
    assert_eq!(value(&view, "critical_open"), Some(1.0));
    let decisions = engine.decisions_view(None, None, at(NOW));
    let covered: Vec<u64> = decisions.rows.iter().map(|r| r.covered).collect();
    assert_eq!(
        covered,
        [1, 0],
        "CVE-2024-0003 is fixed on web, which is not loaded"
    );
    let source = engine
        .sources()
        .iter()
        .find(|s| s.name == "acme.vex.json")
        .map(posture::core::present::source_row)
        .unwrap();
    assert_eq!(
        source.records.as_deref(),
        Some(
            "Decisions: 2 not affected · statements that leave findings counted: 1 affected, 1 under_investigation"
        )
    );
}

#[test]
fn a_statement_on_a_cve_covers_the_finding_grype_lists_under_its_ghsa() {
    // Grype lists the vulnerability by its GHSA, with the CVE among the related ones; the
    // finding's identity is the CVE's. A statement naming the CVE and the package covers it.
    let grype = r#"{"matches":[{"vulnerability":{"id":"GHSA-35jh-r3h4-6jhm","severity":"Critical"},
        "relatedVulnerabilities":[{"id":"CVE-2021-23337"}],
        "artifact":{"name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}}],
        "source":{"type":"image","target":{"userInput":"ghcr.io/acme/web:2"}},
        "descriptor":{"name":"grype","version":"0.94.0","timestamp":"2026-11-01T00:00:00Z"}}"#;
    let vex = r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2026-11-02T00:00:00Z","version":1,
        "statements":[{"vulnerability":{"name":"CVE-2021-23337"},
        "products":[{"@id":"pkg:oci/web?repository_url=ghcr.io/acme/web","subcomponents":[{"@id":"pkg:npm/lodash"}]}],
        "status":"not_affected","justification":"vulnerable_code_not_present"}]}"#;
    let mut engine = Engine::default();
    add_one(&mut engine, "web-grype.json", grype.as_bytes(), None);
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(1.0));
    add_one(&mut engine, "web.vex.json", vex.as_bytes(), None);
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(0.0));
}

#[test]
fn openvex_first_version_with_strings() {
    // v0.0.1: the vulnerability and products are strings, subcomponents beside them.
    let vex = r#"{"@context":"https://openvex.dev/ns","@id":"x","author":"Wolfi J Inkinson","role":"Document Creator",
        "timestamp":"2023-01-08T18:02:03.647787998-06:00","version":"1",
        "statements":[{"vulnerability":"CVE-2023-12345","products":["pkg:apk/wolfi/git@2.39.0-r1?arch=armv7"],
        "subcomponents":["pkg:apk/wolfi/git@2.39.0-r1"],"status":"fixed"}]}"#;
    let decisions = decisions_in("wolfi.json", vex);
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].target.rules, ["CVE-2023-12345"]);
    // The product is a package (Wolfi's apk): it speaks of git wherever it is installed.
    assert!(decisions[0].target.assets.is_empty());
    assert_eq!(decisions[0].target.packages, ["git"]);
    assert_eq!(decisions[0].reason, "fixed in this product");
    assert_eq!(
        decisions[0].decided_at,
        Some(at("2023-01-09T00:02:03.647Z")),
        "the document's time, with its offset"
    );
}

#[test]
fn cyclonedx_vex_by_bom_link_and_the_real_example() {
    let bom = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
      "metadata":{"timestamp":"2026-11-02T00:00:00Z"},
      "vulnerabilities":[
        {"id":"CVE-2024-0001","analysis":{"state":"false_positive","detail":"scanner misreads the version"},
         "affects":[{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:deb/debian/openssl@3.0.11"}]},
        {"id":"CVE-2024-0002","analysis":{"state":"exploitable","response":["will_not_fix"],"lastUpdated":"2026-11-03T00:00:00Z"},
         "affects":[{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:deb/debian/zlib1g@1.2.13"}]},
        {"id":"CVE-2024-0003","analysis":{"state":"in_triage"},"affects":[{"ref":"urn:cdx:x/1#pkg:deb/debian/curl"}]}
      ]}"#;
    let decisions = decisions_in("api.cdx.json", bom);
    let got: Vec<(Triage, &str, &str)> = decisions
        .iter()
        .map(|d| (d.triage, d.target.packages[0].as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Triage::FalsePositive,
                "openssl",
                "false positive — scanner misreads the version"
            ),
            (Triage::AcceptedRisk, "zlib1g", "exploitable"),
        ]
    );
    assert_eq!(decisions[1].decided_at, Some(at("2026-11-03T00:00:00Z")));
    let mut engine = engine();
    add_one(&mut engine, "api.cdx.json", bom.as_bytes(), None);
    // Both criticals decided, on any asset (a BOM-Link names packages, not the image).
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(0.0));

    // The CycloneDX 1.4 specification's example: one vulnerability, not affected, on
    // jackson-databind (its bom-ref is the component's purl), with its NVD alias.
    let path = real_dir("cyclonedx").join("cyclonedx-1.4-vex-not-affected.json");
    let text = String::from_utf8(read(&path)).unwrap();
    let decisions = decisions_in("vex.json", &text);
    assert_eq!(decisions.len(), 1);
    assert_eq!(
        decisions[0].target.rules,
        ["SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111", "CVE-2018-7489"]
    );
    // A Maven purl names group and artifact, as Trivy does; Grype's artifact alone matches too.
    assert_eq!(
        decisions[0].target.packages,
        ["com.fasterxml.jackson.core:jackson-databind"]
    );
    assert_eq!(decisions[0].target.category, Some(Category::Vulnerability));
    assert_eq!(decisions[0].triage, Triage::NotAffected);
}

/// Loads `docs` into a fresh engine and returns critical_open after them.
fn critical_after(docs: &[(&str, String)]) -> Option<f64> {
    let mut engine = Engine::default();
    for (name, doc) in docs {
        let row = add_one(&mut engine, name, doc.as_bytes(), None);
        assert_eq!(row.error, None, "{name}");
    }
    value(&engine.view(at(NOW)), "critical_open")
}

/// The first file *Export decisions* writes: the OpenVEX of the vulnerability decisions.
fn exported_openvex(engine: &mut Engine) -> String {
    engine
        .handle(Request::ExportDecisions, at(NOW))
        .into_iter()
        .find_map(|r| match r {
            Response::Export { content, .. } => Some(content),
            _ => None,
        })
        .unwrap_or_default()
}

/// critical_open of one image with one vulnerability and an OpenVEX statement about it.
fn critical_with_vex(
    reference: &str,
    vulnerability: (&str, &str, &str),
    statement: &str,
) -> Option<f64> {
    critical_after(&[
        ("image.json", image(reference, &[vulnerability])),
        ("vex.json", openvex(statement)),
    ])
}

fn image(name: &str, vulns: &[(&str, &str, &str)]) -> String {
    trivy_image(name, "2026-11-01T00:00:00Z", vulns)
}

fn openvex(statements: &str) -> String {
    format!(
        r#"{{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a",
            "timestamp":"2026-11-02T00:00:00Z","version":1,"statements":[{statements}]}}"#
    )
}

const LOG4SHELL: (&str, &str, &str) = (
    "CVE-2021-44228",
    "org.apache.logging.log4j:log4j-core",
    "CRITICAL",
);

#[test]
fn a_decision_on_trivys_maven_row_covers_grypes_copy_of_it() {
    // Trivy names the package group:artifact, Grype by its artifact: one finding (critical 1).
    let grype = r#"{"matches":[{"vulnerability":{"id":"CVE-2021-44228","severity":"Critical"},
        "artifact":{"name":"log4j-core","version":"2.14.1"}}],
        "source":{"type":"image","target":{"userInput":"ghcr.io/acme/api:1"}},
        "descriptor":{"name":"grype","version":"0.94.0","timestamp":"2026-11-01T00:00:00Z"}}"#;
    let mut engine = Engine::default();
    add_one(
        &mut engine,
        "trivy.json",
        image("ghcr.io/acme/api:1", &[LOG4SHELL]).as_bytes(),
        None,
    );
    add_one(&mut engine, "grype.json", grype.as_bytes(), None);
    assert_eq!(value(&engine.view(at(NOW)), "critical_open"), Some(1.0));
    let (decisions, view) = answer(
        &mut engine,
        decide(rule("CVE-2021-44228"), "false_positive", "not loaded", ""),
        NOW,
    );
    assert_eq!(decisions.error, None);
    assert_eq!(value(&view.unwrap(), "critical_open"), Some(0.0));
}

#[test]
fn a_decision_made_on_one_asset_covers_no_other_of_the_same_last_name() {
    // Two images named .../api on two registries, each with the same critical vulnerability:
    // 2. Marking the acme one leaves 1, and so does its export dropped on a fresh session.
    let docs = [
        (
            "acme.json",
            image(
                "ghcr.io/acme/api:1",
                &[("CVE-2024-1", "openssl", "CRITICAL")],
            ),
        ),
        (
            "other.json",
            image(
                "ghcr.io/other/api:1",
                &[("CVE-2024-1", "openssl", "CRITICAL")],
            ),
        ),
    ];
    let mut engine = Engine::default();
    for (name, doc) in &docs {
        add_one(&mut engine, name, doc.as_bytes(), None);
    }
    let query = FindingsQuery {
        filters: vec![("asset".into(), "\"ghcr.io/acme/api\"".into())],
        ..FindingsQuery::default()
    };
    let (_, view) = answer(
        &mut engine,
        decide(query, "accepted_risk", "later", ""),
        NOW,
    );
    assert_eq!(value(&view.unwrap(), "critical_open"), Some(1.0));
    let vex = exported_openvex(&mut engine);
    let mut with_vex: Vec<(&str, String)> = docs.to_vec();
    with_vex.push(("decisions.openvex.json", vex));
    assert_eq!(critical_after(&with_vex), Some(1.0));
}

#[test]
fn a_later_statement_on_one_product_overrides_an_earlier_one_on_several() {
    // 1 Nov: not affected on api and web; 5 Nov: affected on api. api counts (1), web does not.
    let statements = r#"
        {"vulnerability":{"name":"CVE-2024-1"},"timestamp":"2026-11-01T00:00:00Z",
         "products":[{"@id":"pkg:oci/api?repository_url=ghcr.io/acme/api"},
                     {"@id":"pkg:oci/web?repository_url=ghcr.io/acme/web"}],
         "status":"not_affected","justification":"component_not_present"},
        {"vulnerability":{"name":"CVE-2024-1"},"timestamp":"2026-11-05T00:00:00Z",
         "products":[{"@id":"pkg:oci/api?repository_url=ghcr.io/acme/api"}],
         "status":"affected","action_statement":"upgrade"}"#;
    let open = &[("CVE-2024-1", "openssl", "CRITICAL")];
    let docs = [
        ("api.json", image("ghcr.io/acme/api:1", open)),
        ("web.json", image("ghcr.io/acme/web:1", open)),
        ("vex.json", openvex(statements)),
    ];
    assert_eq!(critical_after(&docs), Some(1.0));
}

#[test]
fn a_statement_on_a_product_posture_cannot_read_covers_nothing() {
    // A CPE-only product, and a statement with no product: neither is tied to a loaded asset.
    let statements = r#"
        {"vulnerability":{"name":"CVE-2024-1"},
         "products":[{"identifiers":{"cpe23":"cpe:2.3:a:acme:other:1.0:*:*:*:*:*:*:*"}}],
         "status":"not_affected","justification":"vulnerable_code_not_present"},
        {"vulnerability":{"name":"CVE-2024-1"},"status":"not_affected",
         "justification":"vulnerable_code_not_present"}"#;
    let docs = [
        (
            "api.json",
            image(
                "ghcr.io/acme/api:1",
                &[("CVE-2024-1", "openssl", "CRITICAL")],
            ),
        ),
        ("vex.json", openvex(statements)),
    ];
    assert_eq!(critical_after(&docs), Some(1.0));
    let parsed = formats::load("vex.json", docs[1].1.as_bytes()).unwrap();
    let Evidence::Decisions(log) = parsed.evidence else {
        panic!()
    };
    assert!(log.decisions.is_empty());
    assert_eq!(
        log.undecided,
        [("naming no product Posture reads".to_string(), 2)]
    );
}

#[test]
fn package_products_and_go_modules_as_scanners_name_them() {
    // VEX Hub's shape: the product is the package, on any image (lodash: 1 → 0). A Go module
    // is named by its whole path (golang.org/x/net, not net): 1 → 0.
    let lodash = r#"{"vulnerability":{"name":"CVE-2021-23337"},"products":[{"@id":"pkg:npm/lodash"}],
        "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}"#;
    let lodash_on_web = ("CVE-2021-23337", "lodash", "CRITICAL");
    assert_eq!(
        critical_with_vex("ghcr.io/acme/web:1", lodash_on_web, lodash),
        Some(0.0)
    );
    let net = r#"{"vulnerability":{"name":"CVE-2023-3978"},
        "products":[{"@id":"pkg:oci/api?repository_url=ghcr.io/acme/api",
                     "subcomponents":[{"@id":"pkg:golang/golang.org/x/net@v0.12.0"}]}],
        "status":"not_affected","justification":"vulnerable_code_not_present"}"#;
    let net_on_api = ("CVE-2023-3978", "golang.org/x/net", "CRITICAL");
    assert_eq!(
        critical_with_vex("ghcr.io/acme/api:1", net_on_api, net),
        Some(0.0)
    );
}

#[test]
fn a_cyclonedx_vex_of_one_product_covers_that_product_only() {
    // api's BOM with embedded VEX on its log4j-core: api leaves 1 → 0; web keeps its 1.
    let bom = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
      "metadata":{"component":{"bom-ref":"app","type":"container","name":"api",
        "purl":"pkg:oci/api?repository_url=ghcr.io/acme/api"}},
      "components":[{"bom-ref":"c1","type":"library","group":"org.apache.logging.log4j",
        "name":"log4j-core","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
      "vulnerabilities":[
        {"id":"CVE-2024-0009","affects":[{"ref":"c1"}]},
        {"id":"CVE-2021-44228","analysis":{"state":"not_affected","justification":"code_not_reachable"},
         "affects":[{"ref":"c1"}]}]}"#;
    let docs = [
        ("api.json", image("ghcr.io/acme/api:1", &[LOG4SHELL])),
        ("web.json", image("ghcr.io/acme/web:1", &[LOG4SHELL])),
        ("api.cdx.json", bom.to_string()),
    ];
    // The first vulnerability has no analysis: the document is still read as VEX.
    assert_eq!(critical_after(&docs), Some(1.0));
}

#[test]
fn docker_hub_images_export_as_trivy_names_them_and_come_back() {
    let mut engine = Engine::default();
    let alpine = image("alpine:3.19", &[("CVE-2024-1", "busybox", "CRITICAL")]);
    add_one(&mut engine, "alpine.json", alpine.as_bytes(), None);
    answer(
        &mut engine,
        decide(rule("CVE-2024-1"), "false_positive", "not reachable", ""),
        NOW,
    );
    let vex = exported_openvex(&mut engine);
    let json: serde_json::Value = serde_json::from_str(&vex).unwrap();
    assert_eq!(
        json["statements"][0]["products"][0]["@id"],
        "pkg:oci/alpine?repository_url=index.docker.io/library/alpine"
    );
    assert_eq!(
        critical_after(&[("alpine.json", alpine), ("d.openvex.json", vex)]),
        Some(0.0)
    );
}

#[test]
fn compliance_checks_are_decided_in_their_tool_not_here() {
    // kube-bench counts its own checks: a decision here could not change compliance_score.
    let doc = r#"{"Controls":[{"id":"4","node_type":"node","tests":[{"section":"4.2","desc":"Kubelet","results":[
        {"test_number":"4.2.1","test_desc":"a","status":"PASS","scored":true},
        {"test_number":"4.2.2","test_desc":"b","status":"FAIL","scored":true}]}]}]}"#;
    let mut engine = Engine::default();
    add_one(&mut engine, "node-kube-bench.json", doc.as_bytes(), None);
    let (decisions, view) = answer(
        &mut engine,
        decide(rule("4.2.2"), "accepted_risk", "a lab cluster", ""),
        NOW,
    );
    assert!(view.is_none());
    assert_eq!(
        decisions.error.as_deref(),
        Some(
            "compliance and policy checks count as their tools total them: decide them in the \
             tool (a Kyverno PolicyException, a Gatekeeper exemption, a kube-bench skip, a \
             Security Hub suppression)"
        )
    );
}

#[test]
fn with_a_group_in_view_a_decision_counts_the_findings_of_that_group() {
    // api (group A) and web (group B) with the same critical; a VEX on both images. In view of
    // group A, the decision leaves out 1 finding, as the tile says.
    let statements = r#"{"vulnerability":{"name":"CVE-2024-1"},
        "products":[{"@id":"pkg:oci/api?repository_url=ghcr.io/acme/api"},
                    {"@id":"pkg:oci/web?repository_url=ghcr.io/acme/web"}],
        "status":"not_affected","justification":"component_not_present"}"#;
    let open = &[("CVE-2024-1", "openssl", "CRITICAL")];
    let mut engine = Engine::default();
    add_one(
        &mut engine,
        "api.json",
        image("ghcr.io/acme/api:1", open).as_bytes(),
        None,
    );
    add_one(
        &mut engine,
        "web.json",
        image("ghcr.io/acme/web:1", open).as_bytes(),
        None,
    );
    add_one(
        &mut engine,
        "vex.json",
        openvex(statements).as_bytes(),
        None,
    );
    for (asset, group) in [("ghcr.io/acme/api", "A"), ("ghcr.io/acme/web", "B")] {
        engine.handle(
            Request::LabelAsset {
                asset: asset.into(),
                name: String::new(),
                group: group.into(),
            },
            at(NOW),
        );
    }
    engine.handle(Request::SetGroup("A".into()), at(NOW));
    let decisions = engine.decisions_view(None, None, at(NOW));
    let covered: u64 = decisions.rows.iter().map(|r| r.covered).sum();
    assert_eq!(covered, 1);
}

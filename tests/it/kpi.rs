//! KPIs through the engine, on fixtures whose every number is worked out by hand below.
//!
//! `trivy/history/`: three scans of `ghcr.io/acme/api` and one of `ghcr.io/acme/worker`.
//!
//! | vuln | severity | 01-01 | 01-11 | 02-20 | lifecycle                              |
//! |------|----------|-------|-------|-------|----------------------------------------|
//! | A    | critical | open  |       |       | fixed 01-11 after 10 d (SLA 7: late)   |
//! | B    | high     | open  |       |       | fixed 01-11 after 10 d (SLA 30: in)    |
//! | C    | medium   | open  | open  |       | fixed 02-20 after 50 d (SLA 90: in)    |
//! | D    | low      | open  | open  | open  | open, 50 d old (SLA 180: in)           |
//! | E    | critical | open  | open  | open  | open, 50 d old (SLA 7: past)           |
//! | F    | high     |       | open  |       | fixed 02-20 after 40 d (SLA 30: late)  |
//! | G    | low      |       |       | open  | open, new                              |
//! | H    | high     | worker, 02-20 only    | open, new                              |

use posture::core::engine::Engine;
use posture::core::evidence::PeriodChoice;
use posture::core::kpi::KpiStatus;
use posture::core::protocol::View;
use posture::core::time::Timestamp;

use crate::support::{add_one, fixture, read, real_dir, trivy_image as image};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn engine_with(files: &[&str]) -> Engine {
    let mut engine = Engine::default();
    for name in files {
        let row = add_one(&mut engine, name, &read(&fixture(name)), None);
        assert!(row.error.is_none(), "{name}: {:?}", row.error);
    }
    engine
}

fn history() -> Engine {
    engine_with(&[
        "trivy/history/api-2026-01-01.json",
        "trivy/history/api-2026-01-11.json",
        "trivy/history/api-2026-02-20.json",
        "trivy/history/worker-2026-02-20.json",
    ])
}

/// (value, status) of a KPI in a view.
fn kpi(view: &View, id: &str) -> (Option<f64>, String) {
    let tile = view
        .tiles
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no tile {id}"));
    (
        tile.value.map(|v| (v * 1000.0).round() / 1000.0),
        tile.status.clone(),
    )
}

fn tile<'v>(view: &'v View, id: &str) -> &'v posture::core::protocol::Tile {
    view.tiles.iter().find(|t| t.id == id).unwrap()
}

const NOW: &str = "2026-02-25T00:00:00Z";

/// The KPIs that need two scans of an asset.
const HISTORY_KPIS: [&str; 4] = [
    "resolved_vulns_pct",
    "vuln_mttr",
    "vuln_sla_compliance",
    "critical_high_reduction",
];

#[test]
fn history_over_all_data() {
    let view = history().view(at(NOW));
    // Fixed: A, B, C, F. Open at the end: D, E, G (api) and H (worker).
    assert_eq!(
        kpi(&view, "resolved_vulns_pct"),
        (Some(50.0), "off_track".into())
    ); // 4 ÷ 8, target ≥ 80
    assert_eq!(kpi(&view, "vuln_mttr"), (Some(27.5), "off_track".into())); // (10+10+50+40) ÷ 4, target ≤ 7
    // Within SLA: B, C. Denominator: 4 fixed + E open past SLA.
    assert_eq!(
        kpi(&view, "vuln_sla_compliance"),
        (Some(40.0), "off_track".into())
    ); // 2 ÷ 5
    // api: critical+high open A, B, E at the first scan, E at the last; the worker has one scan.
    assert_eq!(
        kpi(&view, "critical_high_reduction"),
        (Some(66.667), "on_track".into())
    ); // (3 − 1) ÷ 3
    assert_eq!(kpi(&view, "critical_open"), (Some(1.0), "off_track".into())); // E
    // Latest scans: api has E (critical), worker has H (high): both fail the high gate.
    assert_eq!(
        kpi(&view, "sast_sca_pass_rate"),
        (Some(0.0), "off_track".into())
    );
    let mttr = tile(&view, "vuln_mttr");
    assert!(
        mttr.notes.contains(&"median 25 days".to_string()),
        "{:?}",
        mttr.notes
    ); // (10 + 40) ÷ 2
    assert!(mttr.notes.contains(
        &"by severity: critical 10 days (1), high 25 days (2), medium 50 days (1)".to_string()
    ));
    assert_eq!(
        tile(&view, "vuln_sla_compliance").notes[0],
        "4 fixed (2 within SLA), 1 open past SLA"
    );
}

#[test]
fn history_over_the_last_30_days() {
    let mut engine = history();
    engine.set_period(PeriodChoice::LastDays(30));
    let view = engine.view(at(NOW));
    // The period is 01-26 … 02-25: fixed in it are C and F only; D, E, G, H are open at its end.
    assert_eq!(
        kpi(&view, "resolved_vulns_pct"),
        (Some(33.333), "off_track".into())
    ); // 2 ÷ 6
    assert_eq!(kpi(&view, "vuln_mttr"), (Some(45.0), "off_track".into())); // (50 + 40) ÷ 2
    assert_eq!(
        kpi(&view, "vuln_sla_compliance"),
        (Some(33.333), "off_track".into())
    ); // C ÷ (C, F, E)
    // Only one api scan lies in the period: no reduction can be measured.
    let reduction = tile(&view, "critical_high_reduction");
    assert_eq!(
        (reduction.value, reduction.status.as_str()),
        (None, "no_data")
    );
    assert!(
        reduction
            .missing
            .as_deref()
            .unwrap()
            .starts_with("no data — drop two or more vulnerability scans")
    );
    assert_eq!(kpi(&view, "critical_open"), (Some(1.0), "off_track".into()));
    assert_eq!(view.period_text, "Last 30 days: 2026-01-26 to 2026-02-25");
}

#[test]
fn a_period_without_scans_keeps_the_last_known_state_and_says_so() {
    // Reviewed on 2027-01-01, last 7 days: no scan in the period. The state at its end is the
    // last known one (E still open); what needs observations in the period has none.
    let mut engine = history();
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2027-01-01T00:00:00Z"));
    let critical = tile(&view, "critical_open");
    assert_eq!(
        (critical.value, critical.status.as_str()),
        (Some(1.0), "off_track")
    );
    assert!(
        critical.notes.contains(
            &"taken before this period began, with no newer scan of the asset: \
              trivy/history/api-2026-02-20.json, trivy/history/worker-2026-02-20.json"
                .to_string()
        ),
        "{:?}",
        critical.notes
    );
    for id in ["resolved_vulns_pct", "vuln_sla_compliance", "vuln_mttr"] {
        let t = tile(&view, id);
        assert_eq!((t.value, t.status.as_str()), (None, "no_data"), "{id}");
        assert!(
            t.missing.as_deref().unwrap().contains("in this period"),
            "{id}: {:?}",
            t.missing
        );
    }
    assert_eq!(tile(&view, "critical_high_reduction").value, None);
    assert_eq!(
        tile(&view, "log_coverage").value,
        None,
        "no source in the period"
    );
}

fn engine_of(docs: &[(&str, String)]) -> Engine {
    let mut engine = Engine::default();
    for (name, doc) in docs {
        let row = add_one(&mut engine, name, doc.as_bytes(), None);
        assert!(row.error.is_none(), "{name}: {:?}", row.error);
    }
    engine
}

#[test]
fn the_same_scan_loaded_twice_is_not_a_history() {
    // Review finding: two copies (same CreatedAt) made "0 % resolved" and "0 % reduction" up.
    let doc = image(
        "app:1",
        "2026-01-01T00:00:00Z",
        &[("CVE-1", "a", "CRITICAL"), ("CVE-2", "b", "HIGH")],
    );
    let mut engine = engine_of(&[("scan.json", doc.clone()), ("copy of scan.json", doc)]);
    let view = engine.view(at(NOW));
    for id in HISTORY_KPIS {
        assert_eq!(tile(&view, id).status, "no_data", "{id}");
    }
    assert_eq!(kpi(&view, "critical_open"), (Some(1.0), "off_track".into()));
}

#[test]
fn still_open_vulnerabilities_age_until_the_end_of_the_period() {
    // Review finding: age was measured at the last scan. CVE-9 (low) is fixed after 1 day, within
    // its SLA; CVE-1 (critical) is still open on 03-01, 59 days after it was first seen: past
    // its 7-day SLA. 1 within ÷ (1 fixed + 1 open past SLA).
    let mut engine = engine_of(&[
        (
            "jan-1.json",
            image(
                "app:1",
                "2026-01-01T00:00:00Z",
                &[("CVE-1", "a", "CRITICAL"), ("CVE-9", "z", "LOW")],
            ),
        ),
        (
            "jan-2.json",
            image(
                "app:2",
                "2026-01-02T00:00:00Z",
                &[("CVE-1", "a", "CRITICAL")],
            ),
        ),
    ]);
    let view = engine.view(at("2026-03-01T00:00:00Z"));
    assert_eq!(
        kpi(&view, "vuln_sla_compliance"),
        (Some(50.0), "off_track".into())
    );
    assert_eq!(
        tile(&view, "vuln_sla_compliance").notes[0],
        "1 fixed (1 within SLA), 1 open past SLA"
    );
}

#[test]
fn a_secret_only_image_scan_does_not_clear_vulnerabilities() {
    // Review finding: `trivy image --scanners secret` was taken to have looked for vulnerabilities.
    let secrets_only = r#"{"SchemaVersion":2,"CreatedAt":"2026-01-02T00:00:00Z","ArtifactName":"app:1",
        "ArtifactType":"container_image","Results":[{"Target":"/app/.env","Class":"secret",
        "Secrets":[{"RuleID":"github-pat","Severity":"CRITICAL","Title":"GitHub token","Match":"t=****"}]}]}"#;
    let mut engine = engine_of(&[
        (
            "vulns.json",
            image(
                "app:1",
                "2026-01-01T00:00:00Z",
                &[("CVE-1", "a", "CRITICAL")],
            ),
        ),
        ("secrets.json", secrets_only.to_string()),
    ]);
    let view = engine.view(at(NOW));
    assert_eq!(kpi(&view, "critical_open"), (Some(1.0), "off_track".into()));
    assert_eq!(
        kpi(&view, "secrets_exposed"),
        (Some(1.0), "off_track".into())
    );
    assert_eq!(tile(&view, "resolved_vulns_pct").status, "no_data");
}

#[test]
fn a_rescan_without_the_secret_shows_it_removed() {
    // Review finding: a clean rescan never closed a secret. Both are default `trivy fs` scans
    // (package results present), so the second looked for secrets and found none.
    let repo = |at: &str, secrets: &str| {
        format!(
            r#"{{"SchemaVersion":2,"CreatedAt":"{at}","ArtifactName":"github.com/acme/api","ArtifactType":"repository",
               "Results":[{{"Target":"package-lock.json","Class":"lang-pkgs","Type":"npm"}}{secrets}]}}"#
        )
    };
    let leak = r#",{"Target":"deploy.env","Class":"secret","Secrets":[{"RuleID":"aws-access-key-id","Severity":"CRITICAL","Title":"AWS","Match":"AWS=****"}]}"#;
    let mut engine = engine_of(&[
        ("before.json", repo("2026-01-01T00:00:00Z", leak)),
        ("after.json", repo("2026-01-11T00:00:00Z", "")),
    ]);
    let view = engine.view(at(NOW));
    let secrets = tile(&view, "secrets_exposed");
    assert_eq!(
        (secrets.value, secrets.status.as_str()),
        (Some(0.0), "on_track")
    );
    assert!(
        secrets
            .notes
            .contains(&"mean time to resolution 10 days over 1 removed secrets".to_string()),
        "{:?}",
        secrets.notes
    );
}

#[test]
fn one_scan_per_asset_gives_no_history_numbers() {
    let mut engine = engine_with(&["trivy/history/api-2026-02-20.json"]);
    let view = engine.view(at(NOW));
    for id in HISTORY_KPIS {
        let t = tile(&view, id);
        assert_eq!((t.value, t.status.as_str()), (None, "no_data"), "{id}");
        let missing = t.missing.as_deref().unwrap();
        assert!(
            missing.starts_with("no data — drop two or more vulnerability scans of the same asset, taken at different times (")
                && missing.ends_with(") to measure this"),
            "{missing}"
        );
    }
}

/// The real Trivy files together, each number counted from the files (see `conformance`).
#[test]
fn the_real_trivy_files_together() {
    let mut engine = Engine::default();
    let names = [
        "trivy-config-helm-testchart-misconfigs.json",
        "trivy-image-alpine-3.10-vulns.json",
        "trivy-image-debian-all-vuln-statuses.json",
        "trivy-k8s-cluster-eks-legacy-report.json",
        "trivy-repo-secrets.json",
    ];
    for name in names {
        engine.add(
            name,
            &read(&real_dir("trivy").join(name)),
            Some(at("2026-11-01T00:00:00Z")),
        );
    }
    let view = engine.view(at("2026-11-23T10:00:00Z"));
    // No critical vulnerability in any file (the one critical is a secret).
    assert_eq!(kpi(&view, "critical_open"), (Some(0.0), "on_track".into()));
    // Checks passed ÷ evaluated: helm 215 / 221, k8s 108 / 124 → 323 / 345 = 93.62 %, within 10 % of 95.
    assert_eq!(
        kpi(&view, "iac_policy_pass_rate"),
        (Some(93.623), "at_risk".into())
    );
    assert_eq!(
        kpi(&view, "secrets_exposed"),
        (Some(2.0), "off_track".into())
    );
    // Vulnerability scans: alpine (MEDIUM max), debian (LOW), k8s (MEDIUM): all pass the high gate.
    assert_eq!(
        kpi(&view, "sast_sca_pass_rate"),
        (Some(100.0), "on_track".into())
    );
    // Vulnerability, IaC and secret scans are present: 3 of the kinds this version reads (their
    // number grows with the format registry).
    let coverage = tile(&view, "log_coverage");
    let readable = posture::core::formats::readable_kinds().len() as f64;
    assert_eq!(
        (coverage.numerator, coverage.denominator),
        (Some(3.0), Some(readable))
    );
    assert!(
        coverage
            .notes
            .contains(&"present: vulnerability scans, secret scans, IaC scans".to_string()),
        "{:?}",
        coverage.notes
    );
    // Overall: critical_open and sast_sca on track, iac at risk, secrets off track, and
    // log_coverage as its status says: (1 + 1 + ½ + 0 + that) ÷ 5.
    let attainment = match coverage.status.as_str() {
        "on_track" => 1.0,
        "at_risk" => 0.5,
        _ => 0.0,
    };
    assert_eq!(view.overall, Some(100.0 * (2.5 + attainment) / 5.0));
    let iac = tile(&view, "iac_policy_pass_rate");
    assert_eq!((iac.numerator, iac.denominator), (Some(323.0), Some(345.0)));
    assert_eq!(
        iac.inputs,
        [
            "trivy-config-helm-testchart-misconfigs.json",
            "trivy-k8s-cluster-eks-legacy-report.json"
        ]
    );
    assert_eq!(
        tile(&view, "critical_open").inputs,
        [
            "trivy-image-alpine-3.10-vulns.json",
            "trivy-image-debian-all-vuln-statuses.json",
            "trivy-k8s-cluster-eks-legacy-report.json"
        ]
    );
    // Open findings by severity: vulnerabilities MEDIUM 4+2, LOW 7+8; misconfigurations HIGH 1,
    // MEDIUM 3+4, LOW 2+6; secrets CRITICAL 1, HIGH 1.
    let m = &view.metrics;
    let counts: Vec<u64> = m.by_severity.iter().map(|c| c.count).collect();
    assert_eq!(counts, [1, 2, 13, 23, 0, 0]);
    let categories: Vec<u64> = m.by_category.iter().map(|c| c.count).collect();
    assert_eq!(categories, [21, 16, 2, 0, 0, 0]);
    // Open vulnerabilities with a FixedVersion (jq over all files, not_affected excluded):
    // alpine 4, k8s CVE-2020-27350 in two workloads 2.
    assert_eq!((m.vulnerabilities, m.fixable), (21, 6));
}

#[test]
fn kpis_without_input_say_what_to_drop() {
    let view = Engine::default().view(at(NOW));
    assert_eq!(view.tiles.len(), 19);
    for tile in &view.tiles {
        assert_eq!(tile.status, KpiStatus::NoData.as_str());
        let missing = tile.missing.as_deref().unwrap();
        assert!(
            missing.starts_with("no data — drop "),
            "{}: {missing}",
            tile.id
        );
        assert!(
            missing.ends_with("to measure this") || missing.ends_with("cannot read them yet"),
            "{missing}"
        );
    }
    let mttd = tile(&view, "mttd").missing.as_deref().unwrap();
    assert!(
        mttd.starts_with("no data — drop incident records (Posture's template, or a Jira"),
        "{mttd}"
    );
    // The hint names the formats this build reads for it (their list grows with the registry).
    let critical = tile(&view, "critical_open").missing.as_deref().unwrap();
    assert!(
        critical.starts_with("no data — drop a vulnerability scan (Trivy JSON, "),
        "{critical}"
    );
    assert!(critical.ends_with(") to measure this"), "{critical}");
}

#[test]
fn the_sample_set_lights_up_history() {
    let mut engine = Engine::default();
    engine.handle(
        posture::core::protocol::Request::LoadSample,
        at("2026-11-23T10:00:00Z"),
    );
    assert!(
        engine
            .sources()
            .iter()
            .all(|s| matches!(s.outcome, posture::core::engine::Outcome::Loaded { .. }))
    );
    let view = engine.view(at("2026-11-23T10:00:00Z"));
    for id in [
        "critical_open",
        "iac_policy_pass_rate",
        "secrets_exposed",
        "resolved_vulns_pct",
        "vuln_mttr",
        "log_coverage",
        "sast_sca_pass_rate",
    ] {
        assert!(
            tile(&view, id).value.is_some(),
            "{id} should have data in the sample"
        );
    }
    // Counted by hand from src/core/sample: the latest payments-api image scans list
    // CVE-2023-45853 in zlib1g as critical in both Trivy and Grype (once), and Grype alone lists
    // GHSA-v778-237x-gjrc (CVE-2024-45337) in golang.org/x/crypto; web-frontend has none.
    assert_eq!(tile(&view, "critical_open").value, Some(2.0));
    // Gate scans: payments-api Trivy (critical), Grype (critical), web-frontend Trivy (high
    // CVE-2024-21538 …) fail; the 2026-11-18 Semgrep scan (one WARNING → medium) passes. The
    // 2026-10-12 Semgrep scan, with its SQL injection (ERROR → high), is superseded.
    let gate = tile(&view, "sast_sca_pass_rate");
    assert_eq!((gate.numerator, gate.denominator), (Some(1.0), Some(4.0)));
    // IaC: Checkov's 7 passed and 3 failed checks, besides Trivy's config scan.
    let iac = tile(&view, "iac_policy_pass_rate");
    assert!(
        iac.inputs.iter().any(|i| i.contains("checkov")),
        "{:?}",
        iac.inputs
    );
}

/// Each KPI reads only the kinds of source it declares: every real file, and every hand-written
/// fixture, loaded alone, gives inputs only to KPIs that declare one of the file's kinds.
#[test]
fn kpis_read_only_the_kinds_they_declare() {
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    let mut walk = vec![real_dir(""), fixture("")];
    while let Some(dir) = walk.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk.push(path);
            } else if path.extension().is_none_or(|e| e != "md") {
                paths.push(path);
            }
        }
    }
    let mut checked = 0;
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(parsed) = posture::core::formats::load(&name, &read(&path)) else {
            continue;
        };
        let kinds = parsed.evidence.kinds();
        let mut engine = Engine::default();
        engine.add(&name, &read(&path), None);
        for result in engine.analyse(at(NOW)).kpis {
            let def = posture::core::kpi::by_id(result.id).unwrap();
            if result.measure.inputs.is_empty() || def.kinds.is_empty() {
                continue;
            }
            assert!(
                def.kinds.iter().any(|k| kinds.contains(k)),
                "{} read {} ({kinds:?}), which it does not declare",
                result.id,
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 70, "{checked} files"); // 76 today
}

#[test]
fn compliance_score_pools_the_checks_of_the_latest_audits() {
    // kube-bench-cis-1.6-full-run.json: 122 results, PASS 37, FAIL 36, WARN 49
    // (`python3 -c "…[r['status'] for c in d['Controls'] for t in c['tests'] for r in t['results']]…"`):
    // 37 ÷ (37 + 36) = 50.68 %; the 49 WARN are not evaluated.
    let mut engine = Engine::default();
    let name = "kube-bench-cis-1.6-full-run.json";
    add_one(
        &mut engine,
        name,
        &read(&real_dir("kube-bench").join(name)),
        None,
    );
    let view = engine.view(at(NOW));
    let t = tile(&view, "compliance_score");
    assert_eq!((t.numerator, t.denominator), (Some(37.0), Some(73.0)));
    assert_eq!(t.status, "off_track");
    assert!(
        t.notes
            .contains(&"CIS Kubernetes Benchmark 1.6: 37 of 73 (50.7 %)".to_string()),
        "{:?}",
        t.notes
    );
    assert!(
        t.notes
            .contains(&"49 warn, error, skip or info results are not in the score".to_string())
    );
}

#[test]
fn policy_drift_compares_the_last_audit_of_each_week() {
    // One Checkov report (checkov-2.2.34-severity.json: 4 failed checks) on 11-10, and the same
    // repository a week later with one failed check fixed: 3 − 4 = −1, on track (target ≤ 0).
    let path = real_dir("checkov").join("checkov-2.2.34-severity.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&read(&path)).unwrap();
    let mut engine = Engine::default();
    let week_one = serde_json::to_vec(&doc).unwrap();
    add_one(
        &mut engine,
        "infra-checkov-2026-11-10.json",
        &week_one,
        Some(at("2026-11-10T09:00:00Z")),
    );
    doc["results"]["failed_checks"]
        .as_array_mut()
        .unwrap()
        .pop();
    doc["summary"]["failed"] = serde_json::json!(3);
    add_one(
        &mut engine,
        "infra-checkov-2026-11-17.json",
        &serde_json::to_vec(&doc).unwrap(),
        Some(at("2026-11-17T09:00:00Z")),
    );
    let view = engine.view(at(NOW));
    let t = tile(&view, "policy_drift");
    assert_eq!(
        (t.value, t.numerator, t.denominator, t.status.as_str()),
        (Some(-1.0), Some(3.0), Some(4.0), "on_track")
    );
    // One week of audits only: the tile says what it waits for.
    let mut engine = Engine::default();
    add_one(
        &mut engine,
        "infra-checkov.json",
        &week_one,
        Some(at("2026-11-17T09:00:00Z")),
    );
    let view = engine.view(at(NOW));
    let t = tile(&view, "policy_drift");
    assert_eq!(t.value, None);
    assert!(
        t.missing
            .as_deref()
            .unwrap()
            .contains("it waits for two audits"),
        "{:?}",
        t.missing
    );
}

#[test]
fn cloud_misconfig_rate_counts_resources_of_the_latest_account_audit() {
    // get-compliance-summary-by-resource-type-all.json: one entry for all types,
    // NonCompliantResourceCount 16, CompliantResourceCount 10 (`jq '.ComplianceSummariesByResourceType[0]
    // .ComplianceSummary | [.NonCompliantResourceCount.CappedCount, .CompliantResourceCount.CappedCount]'`):
    // 16 ÷ 26 = 61.5 %, target ≤ 5 % → off track.
    let mut engine = Engine::default();
    let name = "get-compliance-summary-by-resource-type-all.json";
    add_one(
        &mut engine,
        name,
        &read(&real_dir("aws-config").join(name)),
        None,
    );
    let view = engine.view(at(NOW));
    let t = tile(&view, "cloud_misconfig_rate");
    assert_eq!(
        (t.numerator, t.denominator, t.status.as_str()),
        (Some(16.0), Some(26.0), "off_track")
    );
}

#[test]
fn a_metrics_csv_is_shown_with_its_trend_and_feeds_no_kpi() {
    // tests/fixtures/metrics-csv/security-metrics.csv: phishing blocked 412, 388, 1,204, 530
    // (latest 530 on 11-16, before 1,204: −56.0 %); failed logins 120 then 97 (−19.2 %); patch
    // compliance 96.5 once; one row with no date (a warning).
    let mut engine = Engine::default();
    let name = "metrics-csv/security-metrics.csv";
    let row = add_one(&mut engine, name, &read(&fixture(name)), None);
    assert_eq!(row.format.as_deref(), Some("metrics-csv"));
    assert_eq!(row.warnings.len(), 1, "{:?}", row.warnings);
    let view = engine.view(at(NOW));
    assert!(
        view.tiles.iter().all(|t| t.value.is_none()),
        "no KPI from a metrics CSV"
    );
    let section = view
        .metrics
        .sections
        .iter()
        .find(|s| s.id == "other-metrics")
        .unwrap();
    let rows = &section.tables[0].rows;
    // By name: failed logins, patch compliance, phishing emails blocked.
    assert_eq!(
        rows[2],
        [
            "phishing emails blocked (Microsoft Defender for Office 365)",
            "530",
            "2026-11-16",
            "1204",
            "-56.0 %",
            "4"
        ]
    );
    assert_eq!(rows[0][4], "-19.2 %");
    assert_eq!(rows[1][1], "96.50");
    // Whole numbers over two dates or more are charted: phishing and failed logins.
    assert_eq!(section.charts.len(), 2);
}

#[test]
fn the_compliance_section_sums_frameworks_and_violations() {
    let mut engine = Engine::default();
    for (format, name) in [
        ("kube-bench", "kube-bench-cis-1.6-full-run.json"),
        ("kyverno", "policyreport-list-vap-staging-docs.yaml"),
        ("gatekeeper", "constraints-list-gkoutdatedimagebases.json"),
    ] {
        add_one(&mut engine, name, &read(&real_dir(format).join(name)), None);
    }
    let view = engine.view(at(NOW));
    let section = view
        .metrics
        .sections
        .iter()
        .find(|s| s.id == "compliance")
        .unwrap();
    // Pooled over the latest audits — kube-bench-cis-1.6: 37 passed / 36 failed; the
    // ValidatingAdmissionPolicy reports: 1 / 1 — 38 of 75; open policy violations: the VAP's 1
    // failed result and Gatekeeper's 4 listed violations. kube-bench 37 passed / 36 failed; the VAP reports 1 / 1; Gatekeeper lists 4 violations.
    let figures: Vec<(&str, u64)> = section
        .figures
        .iter()
        .map(|f| (f.key.as_str(), f.count))
        .collect();
    assert_eq!(
        figures,
        [
            ("checks-passed", 38),
            ("checks-failed", 37),
            ("policy-violations", 5),
            ("cloud-noncompliant", 0)
        ]
    );
    let t = tile(&view, "compliance_score");
    assert_eq!((t.numerator, t.denominator), (Some(38.0), Some(75.0)));
}

#[test]
fn dated_aws_config_summaries_make_a_compliance_trend() {
    // The EC2 summary (7 compliant, 3 not: 70 %) on 11-10 and the all-types summary (10
    // compliant, 16 not: 38 %, rounded) on 11-17, as two dated files of one account.
    let mut engine = Engine::default();
    for (name, file, day) in [
        (
            "aws-config-2026-11-10.json",
            "get-compliance-summary-by-resource-type-ec2.json",
            "2026-11-10T08:00:00Z",
        ),
        (
            "aws-config-2026-11-17.json",
            "get-compliance-summary-by-resource-type-all.json",
            "2026-11-17T08:00:00Z",
        ),
    ] {
        let mut doc: serde_json::Value =
            serde_json::from_slice(&read(&real_dir("aws-config").join(file))).unwrap();
        for entry in doc["ComplianceSummariesByResourceType"]
            .as_array_mut()
            .unwrap()
        {
            entry["ComplianceSummary"]["ComplianceSummaryTimestamp"] = serde_json::json!(day);
        }
        add_one(&mut engine, name, &serde_json::to_vec(&doc).unwrap(), None);
    }
    let view = engine.view(at(NOW));
    let section = view
        .metrics
        .sections
        .iter()
        .find(|s| s.id == "compliance")
        .unwrap();
    let chart = &section.charts[0];
    assert_eq!(chart.id, "compliance-over-time");
    assert!(
        chart.svg.contains(">\n11-10\n</text>") && chart.svg.contains(">\n11-17\n</text>"),
        "{}",
        chart.svg
    );
}

#[test]
fn review_regressions_for_compliance() {
    // Gatekeeper's totals, not its 20 listed violations, make policy drift: 31 then 80 → +49.
    let constraint = |total: u64, day: &str| {
        let violations: Vec<String> = (0..20)
            .map(|i| format!(r#"{{"enforcementAction":"deny","kind":"Pod","name":"p{i}","namespace":"a","message":"m"}}"#))
            .collect();
        format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[{{"apiVersion":"constraints.gatekeeper.sh/v1beta1","kind":"K8sRequiredLabels","metadata":{{"name":"owner"}},"spec":{{"enforcementAction":"deny"}},"status":{{"auditTimestamp":"{day}","totalViolations":{total},"violations":[{}]}}}}]}}"#,
            violations.join(",")
        )
    };
    let mut engine = Engine::default();
    add_one(
        &mut engine,
        "gk-2026-11-10.json",
        constraint(31, "2026-11-10T06:00:00Z").as_bytes(),
        None,
    );
    add_one(
        &mut engine,
        "gk-2026-11-17.json",
        constraint(80, "2026-11-17T06:00:00Z").as_bytes(),
        None,
    );
    let view = engine.view(at(NOW));
    let drift = tile(&view, "policy_drift");
    assert_eq!(
        (drift.value, drift.numerator, drift.denominator),
        (Some(49.0), Some(80.0), Some(31.0))
    );

    // A metrics CSV row with an unquoted thousands separator is skipped with a warning, not read
    // as 1.
    let csv = "date,metric,value,source\n2026-11-16,phishing blocked,1,204,Defender\n2026-11-16,failed logins,97,Okta\n";
    let parsed = posture::core::formats::load("m.csv", csv.as_bytes()).unwrap();
    let points = &parsed.evidence.measurements().unwrap().points;
    assert_eq!(points.len(), 1);
    assert!(
        parsed.warnings[0]
            .message
            .contains("more cells than the header")
    );
}

#[test]
fn a_kube_bench_control_alone_or_one_per_target_loads() {
    // The first control of the full CIS 1.6 run (master: PASS 27, FAIL 26, WARN 12 by its
    // counters; `jq '.Controls[0] | [.total_pass, .total_fail, .total_warn]'`) alone, then the
    // first two controls one after another (as older releases print one per target).
    let path = real_dir("kube-bench").join("kube-bench-cis-1.6-full-run.json");
    let doc: serde_json::Value = serde_json::from_slice(&read(&path)).unwrap();
    let one = serde_json::to_string(&doc["Controls"][0]).unwrap();
    let parsed = posture::core::formats::load("master.json", one.as_bytes()).unwrap();
    let checks = &parsed.snapshot().unwrap().compliance[0];
    assert_eq!((checks.passed, checks.failed, checks.warned), (27, 26, 12));
    let two = format!(
        "{one}\n{}\n",
        serde_json::to_string(&doc["Controls"][1]).unwrap()
    );
    let parsed = posture::core::formats::load("targets.json", two.as_bytes()).unwrap();
    assert_eq!(parsed.evidence.format(), "kube-bench");
}

#[test]
fn an_inventory_gives_gatekeeper_its_compliant_share() {
    // constraint-k8srequiredlabels-docs.yaml: ns-must-have-gk matches kind Namespace and lists 4
    // violating namespaces (no totalViolations). tests/fixtures/gatekeeper/inventory.json holds 6
    // Namespaces (and 3 Pods and a Deployment, which it does not match): 6 evaluated, 4 failed,
    // 2 passed → 2 ÷ 6 = 33.3 %.
    let mut engine = Engine::default();
    let name = "constraint-k8srequiredlabels-docs.yaml";
    add_one(
        &mut engine,
        name,
        &read(&real_dir("gatekeeper").join(name)),
        None,
    );
    let view = engine.view(at(NOW));
    let t = tile(&view, "compliance_score");
    assert_eq!(t.value, None, "violations alone are no score");
    assert!(
        t.missing.as_deref().unwrap().contains("drop an inventory"),
        "{:?}",
        t.missing
    );
    let row = add_one(
        &mut engine,
        "inventory.json",
        &read(&fixture("gatekeeper/inventory.json")),
        None,
    );
    assert_eq!(row.format.as_deref(), Some("k8s-inventory"));
    let view = engine.view(at(NOW));
    let t = tile(&view, "compliance_score");
    assert_eq!((t.numerator, t.denominator), (Some(2.0), Some(6.0)));
    assert!(
        t.notes.contains(&"Gatekeeper: 2 of 6 (33.3 %)".to_string()),
        "{:?}",
        t.notes
    );
}

#[test]
fn a_kpi_no_loaded_scan_looked_for_is_not_scanned_not_green() {
    // A Trivy image report lists vulnerabilities only: it does not say whether Trivy's secret
    // scanner ran, so "secrets exposed" is not scanned (no value, no status), and neither is the
    // IaC pass rate; the vulnerabilities it did look for are counted.
    let path = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let mut engine = engine_of(&[("alpine.json", String::from_utf8(read(&path)).unwrap())]);
    let view = engine.view(at(NOW));
    let secrets = tile(&view, "secrets_exposed");
    assert_eq!((secrets.value, secrets.status.as_str()), (None, "no_data"));
    assert_eq!(secrets.status_label, "Not scanned");
    assert!(
        secrets
            .missing
            .as_deref()
            .unwrap()
            .starts_with("not scanned — none of the loaded scans is of the kind this needs (secret scans); drop a secret scan"),
        "{:?}",
        secrets.missing
    );
    assert!(
        secrets.notes.iter().any(|n| n.starts_with(
            "Trivy's reports do not say whether its secret scanner ran (alpine.json)"
        )),
        "{:?}",
        secrets.notes
    );
    assert_eq!(
        tile(&view, "iac_policy_pass_rate").status_label,
        "Not scanned"
    );
    // 4 MEDIUM vulnerabilities (jq '[.Results[].Vulnerabilities[]] | length'): none critical.
    assert_eq!(tile(&view, "critical_open").value, Some(0.0));
    // What needs history is waiting for a second scan, not unscanned.
    assert_eq!(tile(&view, "vuln_mttr").status_label, "No data");
    // Logs and incidents are not scans: nothing loaded of them is "no data", as before.
    assert_eq!(tile(&view, "mttd").status_label, "No data");
}

#[test]
fn every_tile_says_how_old_its_evidence_is_and_what_is_stale_or_guessed() {
    // The history fixtures are from 2026-01-01, 01-11 and 02-20 (CreatedAt). Viewed on 03-05
    // over the last 7 days (02-26 to 03-05), the 02-20 scans are 13 days old: from before the
    // period, so stale. A Gitleaks report says nothing of its time: it takes the file's, 03-04,
    // and says it is guessed.
    let mut engine = history();
    let modified = at("2026-03-04T09:00:00Z");
    add_one(&mut engine, "leaks.json", b"[]", Some(modified));
    engine.set_period(PeriodChoice::LastDays(7));
    let view = engine.view(at("2026-03-05T00:00:00Z"));
    let critical = tile(&view, "critical_open");
    assert_eq!(
        critical.as_of_text.as_deref(),
        Some("As of 20 Feb 2026, 13 days old")
    );
    assert!(critical.stale);
    assert_eq!(
        critical.stale_text.as_deref(),
        Some("2 files from before this period (it starts 26 Feb 2026)")
    );
    let secrets = tile(&view, "secrets_exposed");
    assert_eq!(
        secrets.as_of_text.as_deref(),
        Some("As of 4 Mar 2026, today")
    );
    assert!(!secrets.stale);
    assert_eq!(
        secrets.guessed_text.as_deref(),
        Some("Time guessed from the file's date for leaks.json (it has none): set it in Sources")
    );
    // All data: nothing is before the period; evidence older than 30 days (a setting) is
    // stale, so 13 days is not — until the setting says 10.
    engine.set_period(PeriodChoice::All);
    let view = engine.view(at("2026-03-05T00:00:00Z"));
    assert!(!tile(&view, "critical_open").stale);
    engine.handle(
        posture::core::protocol::Request::EditSetting {
            id: "stale-days".into(),
            value: "10".into(),
        },
        at("2026-03-05T00:00:00Z"),
    );
    let view = engine.view(at("2026-03-05T00:00:00Z"));
    let critical = tile(&view, "critical_open");
    assert!(critical.stale);
    assert_eq!(
        critical.stale_text.as_deref(),
        Some("2 files older than 10 days")
    );
    assert!(!tile(&view, "secrets_exposed").stale);
    // A history KPI reads the older scans too; they are history, superseded by the newer ones of
    // the same asset, not stale evidence: only the two latest are.
    let mttr = tile(&view, "vuln_mttr");
    assert!(
        mttr.as_of_text
            .as_deref()
            .unwrap()
            .starts_with("Evidence from 1 Jan 2026 to 20 Feb 2026"),
        "{:?}",
        mttr.as_of_text
    );
    assert_eq!(
        mttr.stale_text.as_deref(),
        Some("2 files older than 10 days")
    );
}

#[test]
fn one_small_old_scan_gives_a_provisional_score_that_says_what_it_rests_on() {
    // The real 2021 alpine report alone: critical_open 0 (on track), SAST/SCA pass rate 100 %
    // (on track), log coverage 1 of 12 kinds (off track); the 16 others have no data.
    // (1 + 1 + 0) ÷ 3 = 66.7, on 3 of 19 KPIs: provisional, not a healthy posture.
    let path = real_dir("trivy").join("trivy-image-alpine-3.10-vulns.json");
    let mut engine = engine_of(&[("alpine.json", String::from_utf8(read(&path)).unwrap())]);
    let now = at("2026-12-04T00:00:00Z");
    let view = engine.view(now);
    assert_eq!(view.overall.map(|v| (v * 10.0).round() / 10.0), Some(66.7));
    assert_eq!(view.overall_state, "provisional");
    assert_eq!(view.overall_basis_text, "Based on 3 of 19 KPIs");
    assert_eq!(
        view.overall_caveat.as_deref(),
        Some("Provisional: 3 of 19 KPIs measured, all on stale evidence — not yet a posture")
    );
    assert!(
        view.overall_without_text
            .as_deref()
            .unwrap()
            .starts_with("Left out, without data: Mean time to detect, Mean time to respond")
    );
    // Counted as unmet (a setting): 2 attained of 19 → 10.5; still provisional, its evidence
    // being years old.
    engine.handle(
        posture::core::protocol::Request::EditSetting {
            id: "missing-kpis".into(),
            value: "unmet".into(),
        },
        now,
    );
    let view = engine.view(now);
    assert_eq!(view.overall.map(|v| (v * 10.0).round() / 10.0), Some(10.5));
    assert_eq!(
        view.overall_basis_text,
        "Based on 3 of 19 KPIs; the 16 without data count as unmet"
    );
    assert_eq!(
        view.overall_caveat.as_deref(),
        Some("Provisional: every KPI it rests on has stale evidence")
    );
}

#[test]
fn the_summary_gives_the_counts_that_matter_and_what_moved_most() {
    // app on 01-02 (CVE-1 critical, CVE-2 high), 01-10 (the same and CVE-3 medium), 01-20
    // (CVE-2), 01-30 (clean). Period 01-16 to 01-31, the one before 01-01 to 01-15: at its end
    // one critical was open (01-10), at this one's none (01-30): off track to on track, the
    // first mover. Trivy lists no secret: not scanned. Nothing open at the end: none past SLA.
    let c1 = ("CVE-1", "a", "CRITICAL");
    let h2 = ("CVE-2", "b", "HIGH");
    let m3 = ("CVE-3", "c", "MEDIUM");
    let mut engine = engine_of(&[
        ("w1.json", image("app:1", "2026-01-02T00:00:00Z", &[c1, h2])),
        (
            "w2.json",
            image("app:2", "2026-01-10T00:00:00Z", &[c1, h2, m3]),
        ),
        ("w3.json", image("app:3", "2026-01-20T00:00:00Z", &[h2])),
        ("w4.json", image("app:4", "2026-01-30T00:00:00Z", &[])),
    ]);
    engine.set_period(PeriodChoice::Range {
        from: at("2026-01-16T00:00:00Z").0,
        to: at("2026-01-31T23:59:59.999Z").0,
    });
    let view = engine.view(at("2026-02-01T00:00:00Z"));
    let counts: Vec<(&str, &str, &str)> = view
        .summary
        .counts
        .iter()
        .map(|c| (c.id.as_str(), c.value_text.as_str(), c.status.as_str()))
        .collect();
    assert_eq!(
        counts,
        [
            ("critical_open", "0", "on_track"),
            ("secrets_exposed", "not scanned", "no_data"),
            ("past_sla", "0", "on_track"),
        ]
    );
    // Three KPIs went from off track to on track, each by all of its size (ties keep the
    // catalogue's order): resolved, fixed 0 of 3 open → 3 of 3 (C1, M3 on 01-20, H2 on 01-30);
    // critical open 1 → 0; reduction, 2 → 2 in the period before (0 %), 1 → 0 in this (100 %).
    // The SLA rate also moved (0 % → 66.7 %: C1 late) but stayed off track.
    assert_eq!(
        view.summary.movers,
        [
            "Percentage of vulnerabilities resolved improved: 0 % → 100 %",
            "Open critical vulnerabilities improved: 1 → 0",
            "Reduction of critical + high vulnerabilities improved: 0 % → 100 %",
        ]
    );
    // All data has nothing to compare with.
    engine.set_period(PeriodChoice::All);
    let view = engine.view(at("2026-02-01T00:00:00Z"));
    assert!(view.summary.movers.is_empty());
    assert_eq!(
        view.summary.movers_note.as_deref(),
        Some("Choose a period to see what moved since the one before.")
    );
}

#[test]
fn top_vulnerabilities_rank_by_severity_then_spread_and_assets_by_risk() {
    // a: CVE-1, CVE-4 critical, CVE-2 high (3). b: CVE-3 critical, CVE-2 high, CVE-5 medium,
    // CVE-6 low (4). Top: the criticals (one asset each, by id), then CVE-2 on both. Assets by
    // risk: a (2 critical) before b (1 critical, though 4 findings).
    let mut engine = engine_of(&[
        (
            "a.json",
            image(
                "a:1",
                "2026-02-01T00:00:00Z",
                &[
                    ("CVE-1", "p", "CRITICAL"),
                    ("CVE-4", "q", "CRITICAL"),
                    ("CVE-2", "r", "HIGH"),
                ],
            ),
        ),
        (
            "b.json",
            image(
                "b:1",
                "2026-02-01T00:00:00Z",
                &[
                    ("CVE-3", "s", "CRITICAL"),
                    ("CVE-2", "r", "HIGH"),
                    ("CVE-5", "t", "MEDIUM"),
                    ("CVE-6", "u", "LOW"),
                ],
            ),
        ),
    ]);
    let view = engine.view(at(NOW));
    let top: Vec<(&str, u64)> = view
        .metrics
        .top_vulnerabilities
        .iter()
        .map(|r| (r.id.as_str(), r.assets))
        .collect();
    assert_eq!(
        &top[..4],
        [("CVE-1", 1), ("CVE-3", 1), ("CVE-4", 1), ("CVE-2", 2)]
    );
    let assets: Vec<&str> = view
        .metrics
        .assets
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(assets, ["a", "b"]);
    assert!(
        view.metrics
            .charts
            .iter()
            .any(|c| c.id == "top-vulnerabilities")
    );
    // One image: every vulnerability is on one asset; the chart would be all 1s and is left out.
    let mut one = engine_of(&[(
        "a.json",
        image(
            "a:1",
            "2026-02-01T00:00:00Z",
            &[("CVE-1", "p", "CRITICAL"), ("CVE-2", "r", "HIGH")],
        ),
    )]);
    let view = one.view(at(NOW));
    assert!(
        !view
            .metrics
            .charts
            .iter()
            .any(|c| c.id == "top-vulnerabilities")
    );
    assert_eq!(view.metrics.top_vulnerabilities.len(), 2, "the table stays");
}

#[test]
fn a_problem_listed_twice_in_one_scan_counts_once_at_its_most_severe() {
    // CVE-1 in openssl is listed HIGH and CRITICAL in one scan: one finding, critical. The
    // next scan, 10 days later, lists only CVE-2: CVE-1 was fixed in 10 days.
    let mut engine = Engine::default();
    let first = [
        ("CVE-1", "openssl", "HIGH"),
        ("CVE-1", "openssl", "CRITICAL"),
        ("CVE-2", "zlib", "LOW"),
    ];
    let scans = [
        ("2026-01-01T00:00:00Z", &first[..]),
        ("2026-01-11T00:00:00Z", &first[2..]),
    ];
    for (n, (taken, vulnerabilities)) in scans.iter().enumerate() {
        let report = image("ghcr.io/acme/api", taken, vulnerabilities);
        add_one(
            &mut engine,
            &format!("api-{n}.json"),
            report.as_bytes(),
            None,
        );
    }
    engine.handle(
        posture::core::protocol::Request::SetPeriod(PeriodChoice::Range {
            from: at("2026-01-01T00:00:00Z").0,
            to: at("2026-01-05T00:00:00Z").0,
        }),
        at("2026-01-20T00:00:00Z"),
    );
    let before = engine.analyse(at("2026-01-20T00:00:00Z"));
    // Severity::ALL order: critical, high, medium, low, info, unknown.
    assert_eq!(before.metrics.by_severity[..4], [1, 0, 0, 1]);
    assert_eq!(before.metrics.vulnerability_ids["CVE-1"].findings, 1);
    // The same in the history of that one scan: open at the period's end, by severity.
    let last_week = before.vulns.weeks.last().expect("a week");
    assert_eq!(last_week.open[..4], [1, 0, 0, 1]);

    engine.handle(
        posture::core::protocol::Request::SetPeriod(PeriodChoice::All),
        at("2026-01-20T00:00:00Z"),
    );
    let view = engine.view(at("2026-01-20T00:00:00Z"));
    assert_eq!(kpi(&view, "critical_open").0, Some(0.0));
    assert_eq!(kpi(&view, "vuln_mttr").0, Some(10.0));
}

#[test]
fn periods_that_end_in_the_same_state_share_their_metrics_and_others_do_not() {
    // api's scans: 01-01 (A–E open), 01-11 (C, D, E, F), 02-20 (D, E, G); worker's on 02-20 (H).
    use posture::core::protocol::Request::SetPeriod;
    let now = at("2026-02-21T00:00:00Z");
    let mut engine = history();
    let shown = |engine: &mut Engine, choice| {
        engine.handle(SetPeriod(choice), now);
        engine.view(now);
        let analysis = engine.analyse(now);
        (
            analysis.metrics.total_open(),
            std::rc::Rc::strong_count(&analysis.metrics),
        )
    };
    // Computed afresh: nothing shown before holds (the view's analysis is not shared with
    // the one computed after it).
    assert_eq!(shown(&mut engine, PeriodChoice::All), (4, 1));
    // The last 30 days end with the same scans speaking: all data's metrics, shared by it,
    // the view's analysis and the one after.
    assert_eq!(shown(&mut engine, PeriodChoice::LastDays(30)), (4, 3));
    // Early January: only api's first scan speaks.
    let january = PeriodChoice::Range {
        from: at("2026-01-01T00:00:00Z").0,
        to: at("2026-01-05T00:00:00Z").0,
    };
    assert_eq!(shown(&mut engine, january), (5, 1));
}

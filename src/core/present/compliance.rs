//! The metrics view's compliance and "other metrics" sections: checks by framework, violations
//! by policy and namespace, failures by benchmark section, compliance over time, and the values
//! of a metrics CSV with their trend.

use std::collections::BTreeMap;

use super::activity::{figure, ranked};
use super::capitalise;
use crate::core::charts;
use crate::core::evidence::{Current, Item};
use crate::core::kpi::Unit;
use crate::core::kpi::compliance::checks_of;
use crate::core::model::{Category, Checks, Inventory, Measurements};
use crate::core::protocol::{Chart, Section, Table};
use crate::core::time::Timestamp;

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        Unit::Percent.format(100.0 * part as f64 / whole as f64)
    }
}

/// The namespace of a `Kind/namespace/name` location, if it has one.
fn namespace(location: &str) -> Option<&str> {
    let parts: Vec<&str> = location.split('/').collect();
    (parts.len() == 3)
        .then(|| parts[1])
        .filter(|ns| !ns.is_empty())
}

/// Compliance at the end of the period, and over time.
pub fn compliance(
    items: &[Item],
    current: &Current,
    inventory: Option<&Inventory>,
) -> Option<Section> {
    let mut audits: Vec<usize> = [Category::Compliance, Category::Policy]
        .iter()
        .flat_map(|c| current.selected_for(*c).iter().copied())
        .collect();
    audits.sort_unstable();
    audits.dedup();
    if audits.is_empty() {
        return None;
    }
    let mut frameworks: BTreeMap<String, Checks> = BTreeMap::new();
    let mut resources = (0u64, 0u64);
    for &i in &audits {
        let snapshot = items[i].snapshot;
        for c in &checks_of(snapshot, inventory) {
            let sum = frameworks.entry(c.framework.clone()).or_default();
            sum.passed += c.passed;
            sum.failed += c.failed;
            sum.warned += c.warned;
            sum.errored += c.errored;
            sum.skipped += c.skipped;
        }
        if let Some(r) = snapshot.cloud_resources {
            resources.0 += r.passed;
            resources.1 += r.failed;
        }
    }
    let mut by_policy: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_namespace: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_section: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
    let mut violations = 0;
    for f in current.open() {
        match f.finding.category {
            Category::Policy => {
                violations += 1;
                *by_policy.entry(f.finding.rule_id.to_string()).or_default() += 1;
                let ns = namespace(&f.finding.location).unwrap_or("(cluster-wide)");
                *by_namespace.entry(ns.to_string()).or_default() += 1;
            }
            Category::Compliance => {
                // kube-bench's checks by their benchmark section; other controls by rule.
                if items[f.source].snapshot.format == "kube-bench" {
                    let section = f.finding.location.to_string();
                    *by_section.entry(section).or_default() += 1;
                } else {
                    let rule = format!("{} {}", f.finding.rule_id, f.finding.title);
                    *by_rule.entry(rule).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    let rows = frameworks
        .iter()
        .map(|(name, c)| {
            vec![
                name.clone(),
                c.passed.to_string(),
                c.failed.to_string(),
                (c.warned + c.errored + c.skipped).to_string(),
                percent(c.passed, c.evaluated()),
            ]
        })
        .collect();
    let passed: u64 = frameworks.values().map(|c| c.passed).sum();
    let failed: u64 = frameworks.values().map(|c| c.failed).sum();
    Some(Section {
        id: "compliance".into(),
        title: "Cluster and cloud compliance".into(),
        figures: vec![
            figure("checks-passed", "Checks passed", passed),
            figure("checks-failed", "Checks failed", failed),
            figure("policy-violations", "Open policy violations", violations),
            figure(
                "cloud-noncompliant",
                "Non-compliant cloud resources",
                resources.1,
            ),
        ],
        charts: over_time(items).into_iter().collect(),
        tables: vec![
            Table {
                id: "frameworks".into(),
                title: "Compliance by framework (latest audit of each cluster and account)".into(),
                columns: vec![
                    "Framework".into(),
                    "Passed".into(),
                    "Failed".into(),
                    "Not evaluated".into(),
                    "Score".into(),
                ],
                rows,
                empty_text: "No evaluated checks: Gatekeeper lists violations only.".into(),
                note: None,
            },
            ranked(
                "violations-by-policy",
                "Policy violations by constraint or policy",
                "Policy",
                &by_policy,
                "No open policy violation.",
            ),
            ranked(
                "violations-by-namespace",
                "Policy violations by namespace",
                "Namespace",
                &by_namespace,
                "No open policy violation.",
            ),
            ranked(
                "failing-sections",
                "Failed CIS benchmark checks by section (kube-bench)",
                "Section",
                &by_section,
                "No failed compliance check.",
            ),
            ranked(
                "failing-rules",
                "Failed cloud and other controls by rule",
                "Rule",
                &by_rule,
                "No failed compliance check.",
            ),
        ],
    })
}

/// The pooled score of every dated audit, per day — its checks, and its cloud resources (AWS
/// Config's summaries have no checks) — when there are two days or more.
fn over_time(items: &[Item]) -> Option<Chart> {
    let mut days: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for item in items {
        let snapshot = item.snapshot;
        let Some(at) = item.taken_at else { continue };
        if snapshot.compliance.is_empty() && snapshot.cloud_resources.is_none() {
            continue;
        }
        let day = days.entry(at.day()).or_default();
        for c in &snapshot.compliance {
            day.0 += c.passed;
            day.1 += c.evaluated();
        }
        if let Some(r) = snapshot.cloud_resources {
            day.0 += r.passed;
            day.1 += r.evaluated();
        }
    }
    let points: Vec<(String, u64)> = days
        .iter()
        .filter(|(_, (_, evaluated))| *evaluated > 0)
        .map(|(day, (passed, evaluated))| {
            (
                day[5..].to_string(),
                (100 * passed + evaluated / 2) / evaluated,
            )
        })
        .collect();
    (points.len() >= 2).then(|| Chart {
        file_name: String::new(),
        id: "compliance-over-time".into(),
        title: "Compliant checks and cloud resources by audit day (%)".into(),
        svg: charts::columns(&points, charts::category_color(Category::Compliance)),
        legend: Vec::new(),
        empty_text: String::new(),
    })
}

/// The values of metrics CSV files: each metric's latest value, the one before, and its trend.
pub fn measurements(files: &[&Measurements]) -> Option<Section> {
    // (metric, source) → date → value; a later file wins a date.
    let mut series: BTreeMap<(String, String), BTreeMap<Timestamp, f64>> = BTreeMap::new();
    for file in files {
        for p in &file.points {
            series
                .entry((p.metric.to_string(), p.source.to_string()))
                .or_default()
                .insert(p.at, p.value);
        }
    }
    if series.is_empty() {
        return None;
    }
    let number = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    };
    let mut rows = Vec::new();
    let mut charts_out = Vec::new();
    for ((metric, source), values) in &series {
        let mut latest = values.iter().rev();
        let (Some((at, now)), before) = (latest.next(), latest.next()) else {
            continue;
        };
        let change = before.map_or("—".to_string(), |(_, then)| {
            if *then == 0.0 {
                format!("{:+}", number(now - then))
            } else {
                format!("{:+.1} %", 100.0 * (now - then) / then.abs())
            }
        });
        let name = if source.is_empty() {
            metric.clone()
        } else {
            format!("{metric} ({source})")
        };
        rows.push(vec![
            name.clone(),
            number(*now),
            at.day(),
            before.map_or("—".to_string(), |(_, v)| number(*v)),
            change,
            values.len().to_string(),
        ]);
        let whole = values.values().all(|v| *v >= 0.0 && v.fract() == 0.0);
        if values.len() >= 2 && whole && charts_out.len() < 4 {
            let points: Vec<(String, u64)> = values
                .iter()
                .map(|(t, v)| (t.day()[5..].to_string(), *v as u64))
                .collect();
            charts_out.push(Chart {
                file_name: String::new(),
                id: format!("metric-{}", charts_out.len() + 1),
                title: capitalise(&name),
                svg: charts::columns(&points, charts::category_color(Category::Code)),
                legend: Vec::new(),
                empty_text: String::new(),
            });
        }
    }
    Some(Section {
        id: "other-metrics".into(),
        title: "Other metrics (metrics CSV: shown as given, never a KPI)".into(),
        figures: Vec::new(),
        charts: charts_out,
        tables: vec![Table {
            id: "metric-values".into(),
            title: "Latest values and change since the value before".into(),
            columns: vec![
                "Metric".into(),
                "Latest".into(),
                "On".into(),
                "Before".into(),
                "Change".into(),
                "Values".into(),
            ],
            rows,
            empty_text: "No values.".into(),
            note: None,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_come_from_kind_namespace_name() {
        assert_eq!(namespace("Pod/payments/web-1"), Some("payments"));
        assert_eq!(namespace("Namespace//payments"), None);
        assert_eq!(namespace("master 1.2 API Server"), None);
    }
}

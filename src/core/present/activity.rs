//! The detection and response sections of the metrics view: figures, charts over time and
//! tables, from the period's [`Activity`].

use std::collections::BTreeMap;

use super::capitalise;
use crate::core::activity::{Activity, IncidentTimes};
use crate::core::charts::{self, Bar};
use crate::core::kpi::{Unit, mean, percentile};
use crate::core::model::{EventKind, Severity, SourceKind, ThreatCategory, Verdict};
use crate::core::protocol::{Chart, Count, Section, Table};
use crate::core::time::{MS_PER_DAY, Timestamp};

/// Rows of a ranked table; the rest is counted under it.
const TOP_ROWS: usize = 10;
/// Columns of a chart over time; a longer span is drawn per week instead of per day.
const MAX_DAYS: usize = 92;

pub fn sections(a: &Activity, role_threshold: u64) -> Vec<Section> {
    let mut sections = Vec::new();
    if a.has(&[SourceKind::KubernetesAudit, SourceKind::CloudAudit]) {
        sections.push(identity_and_access(a, role_threshold));
    }
    if a.has(&[SourceKind::KubernetesAudit]) {
        sections.push(admission(a));
    }
    if a.has(&[SourceKind::RuntimeAlerts, SourceKind::ContainerEvents]) {
        sections.push(runtime(a));
    }
    if a.has(&[SourceKind::Incidents]) {
        sections.push(incidents(a));
    }
    sections
}

pub(super) fn figure(key: &str, label: &str, count: u64) -> Count {
    Count {
        key: key.into(),
        label: label.into(),
        count,
    }
}

/// A two-column table of the largest counts.
pub(super) fn ranked(
    id: &str,
    title: &str,
    what: &str,
    counts: &BTreeMap<String, u64>,
    empty: &str,
) -> Table {
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let more = rows.len().saturating_sub(TOP_ROWS);
    let name = |k: &String| {
        if k.is_empty() {
            "(not named)".to_string()
        } else {
            k.clone()
        }
    };
    Table {
        id: id.into(),
        title: title.into(),
        columns: vec![what.into(), "Count".into()],
        rows: rows
            .into_iter()
            .take(TOP_ROWS)
            .map(|(k, v)| vec![name(k), v.to_string()])
            .collect(),
        empty_text: empty.into(),
        note: (more > 0).then(|| format!("{more} more not shown")),
    }
}

/// Rows of (namespace, container, count), the largest first.
fn pairs(counts: &BTreeMap<(String, String), u64>) -> Vec<Vec<String>> {
    let mut rows: Vec<(&(String, String), &u64)> = counts.iter().collect();
    rows.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    rows.into_iter()
        .take(TOP_ROWS)
        .map(|((ns, container), n)| vec![ns.clone(), container.clone(), n.to_string()])
        .collect()
}

/// Counts per day (`2026-11-18`) as columns from the first day to the last, empty days
/// included; per week when the span is longer than [`MAX_DAYS`].
fn over_time(per_day: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let days: Vec<(Timestamp, u64)> = per_day
        .iter()
        .filter_map(|(d, n)| Some((Timestamp::parse_rfc3339(&format!("{d}T00:00:00Z"))?, *n)))
        .collect();
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Vec::new();
    };
    let span = ((last.0.0 - first.0.0) / MS_PER_DAY) as usize + 1;
    let (start, step) = if span > MAX_DAYS {
        (first.0.week_start(), 7 * MS_PER_DAY)
    } else {
        (first.0, MS_PER_DAY)
    };
    let mut columns: Vec<(String, u64)> = Vec::new();
    let mut at = start;
    while at <= last.0 {
        let n = days
            .iter()
            .filter(|(d, _)| *d >= at && d.0 < at.0 + step)
            .map(|(_, n)| n)
            .sum();
        columns.push((at.day()[5..].to_string(), n));
        at = Timestamp(at.0 + step);
    }
    columns
}

fn column_chart(id: &str, title: &str, per: &BTreeMap<String, u64>, empty: &str) -> Chart {
    Chart {
        file_name: String::new(),
        id: id.into(),
        title: title.into(),
        svg: charts::columns(&over_time(per), charts::severity_color(Severity::High)),
        legend: Vec::new(),
        empty_text: empty.into(),
    }
}

fn identity_and_access(a: &Activity, role_threshold: u64) -> Section {
    let mut roles: Vec<(&String, &u64)> = a.role_assumptions.iter().collect();
    roles.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let peak = |p: &String| a.role_assumptions_peak.get(p).copied().unwrap_or(0);
    let flagged = roles
        .iter()
        .filter(|(p, _)| peak(p) > role_threshold)
        .count();
    let role_rows = roles
        .iter()
        .take(TOP_ROWS)
        .map(|(principal, n)| {
            let most = peak(principal);
            let flag = if most > role_threshold {
                "above threshold"
            } else {
                ""
            };
            vec![
                (*principal).clone(),
                n.to_string(),
                most.to_string(),
                flag.into(),
            ]
        })
        .collect();
    Section {
        id: "identity".into(),
        title: "Identity and access".into(),
        figures: vec![
            figure(
                "unauthorized",
                "Unauthorized attempts",
                a.count(EventKind::Unauthorized),
            ),
            figure(
                "failed-logins",
                "Failed console logins",
                a.count(EventKind::FailedLogin),
            ),
            figure(
                "role-assumptions",
                "Role assumptions",
                a.count(EventKind::RoleAssumption),
            ),
            figure(
                "root-use",
                "Root account calls",
                a.count(EventKind::RootUse),
            ),
        ],
        charts: vec![column_chart(
            "unauthorized-per-week",
            "Unauthorized attempts per week (401, RBAC 403, AccessDenied)",
            &a.unauthorized_per_week,
            "No unauthorized attempt in this period.",
        )],
        tables: vec![
            ranked(
                "refused-principals",
                "Top refused principals (unauthorized attempts and admission denials)",
                "Principal",
                &a.denied_actors,
                "Nobody was refused in this period.",
            ),
            ranked(
                "refused-resources",
                "Top refused resources and API calls",
                "Resource or call",
                &a.denied_targets,
                "Nothing was refused in this period.",
            ),
            ranked(
                "failed-logins",
                "Failed console logins",
                "User",
                &a.failed_logins,
                "No failed console login in this period.",
            ),
            Table {
                id: "role-assumptions".into(),
                title: format!(
                    "Role assumptions per principal (flagged above {role_threshold} in one day)"
                ),
                columns: vec![
                    "Principal".into(),
                    "Assumptions".into(),
                    "Most in one day".into(),
                    "Flag".into(),
                ],
                rows: role_rows,
                empty_text: "No role assumption in this period.".into(),
                note: (flagged > 0).then(|| format!("{flagged} principals above the threshold")),
            },
            ranked(
                "root-use",
                "Root account calls",
                "Caller",
                &a.root_use,
                "The root account was not used in this period.",
            ),
        ],
    }
}

fn admission(a: &Activity) -> Section {
    let denied = a.count(EventKind::WorkloadDenied);
    let admitted = a.count(EventKind::WorkloadAdmitted);
    Section {
        id: "admission".into(),
        title: "Admission policy".into(),
        figures: vec![
            figure(
                "workload-requests",
                "Workload create/update requests",
                denied + admitted,
            ),
            figure("admission-denials", "Denied by admission policy", denied),
            figure(
                "controller-denials",
                "Workloads whose pods were refused",
                a.count(EventKind::ControllerDenied),
            ),
            figure(
                "exec-sessions",
                "Exec sessions into pods",
                a.count(EventKind::ExecSession),
            ),
        ],
        charts: vec![column_chart(
            "denials-per-day",
            "Admission denials of workloads per day (a controller's refused pods once a day per workload)",
            &a.denials_per_day,
            "No workload request was denied in this period.",
        )],
        tables: vec![ranked(
            "denials-by-policy",
            "Admission denials by policy",
            "Policy",
            &a.denials_by_policy,
            "No workload request was denied in this period.",
        )],
    }
}

fn runtime(a: &Activity) -> Section {
    let by_category: Vec<Bar> = ThreatCategory::ALL
        .iter()
        .filter_map(|c| {
            let n = a.alerts_by_category.get(c).copied().unwrap_or(0);
            (n > 0).then(|| Bar {
                label: capitalise(c.label()),
                segments: vec![(n, charts::severity_color(Severity::High))],
                link: None,
            })
        })
        .collect();
    let by_priority: Vec<Bar> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = a.alerts_by_priority.get(s).copied().unwrap_or(0);
            (n > 0).then(|| Bar {
                label: capitalise(s.as_str()),
                segments: vec![(n, charts::severity_color(*s))],
                link: None,
            })
        })
        .collect();
    let high = a
        .alerts_by_priority
        .iter()
        .filter(|(s, _)| s.at_least(Severity::High))
        .map(|(_, n)| n)
        .sum();
    let exec = a.exec_sessions.len();
    let no_alert = "No runtime alert in this period.";
    Section {
        id: "runtime".into(),
        title: "Runtime".into(),
        figures: vec![
            figure(
                "runtime-alerts",
                "Runtime alerts",
                a.count(EventKind::RuntimeAlert),
            ),
            figure("runtime-high", "Of priority high or above", high),
            figure(
                "exec-sessions",
                "Exec sessions",
                a.count(EventKind::ExecSession),
            ),
            figure(
                "container-tasks",
                "Container task changes",
                a.count(EventKind::ContainerTask),
            ),
            figure(
                "process-execs",
                "Process execs (containerd)",
                a.count(EventKind::ProcessExec),
            ),
        ],
        charts: vec![
            Chart {
                file_name: String::new(),
                id: "alerts-by-category".into(),
                title: "Runtime alerts by category".into(),
                svg: charts::horizontal_bars(&by_category),
                legend: Vec::new(),
                empty_text: no_alert.into(),
            },
            Chart {
                file_name: String::new(),
                id: "alerts-by-priority".into(),
                title: "Runtime alerts by priority".into(),
                svg: charts::horizontal_bars(&by_priority),
                legend: Vec::new(),
                empty_text: no_alert.into(),
            },
        ],
        tables: vec![
            ranked(
                "alerts-by-rule",
                "Runtime alerts by rule",
                "Rule",
                &a.alerts_by_rule,
                no_alert,
            ),
            ranked(
                "alerts-by-tag",
                "Runtime alerts by tag",
                "Tag",
                &a.alerts_by_tag,
                "No tagged runtime alert in this period.",
            ),
            Table {
                id: "exec-sessions".into(),
                title: "Exec sessions by namespace and container".into(),
                columns: vec!["Namespace".into(), "Container".into(), "Sessions".into()],
                rows: pairs(&a.exec_sessions),
                empty_text: "No exec session in this period.".into(),
                note: (exec > TOP_ROWS).then(|| format!("{} more not shown", exec - TOP_ROWS)),
            },
            Table {
                id: "process-execs".into(),
                title: "Process execs by namespace and container (containerd: the kubelet's exec \
                        probes are execs too)"
                    .into(),
                columns: vec!["Namespace".into(), "Container".into(), "Execs".into()],
                rows: pairs(&a.process_execs),
                empty_text: "No process exec in this period.".into(),
                note: None,
            },
            ranked(
                "container-tasks",
                "Container task changes (containerd)",
                "Change",
                &a.container_tasks,
                "No container task change in this period.",
            ),
        ],
    }
}

/// "mean · median · p90" in hours, "—" where there is nothing to take them of.
fn spread(values: &[f64]) -> String {
    let h = |v: Option<f64>| v.map_or("—".to_string(), |h| Unit::Hours.format(h));
    let average = (!values.is_empty()).then(|| mean(values));
    format!(
        "{} · {} · {}",
        h(average),
        h(percentile(values, 50.0)),
        h(percentile(values, 90.0))
    )
}

fn incidents(a: &Activity) -> Section {
    let count = |v: Verdict| a.verdicts.get(&v).copied().unwrap_or(0);
    let raised: u64 = a.verdicts.values().sum();
    let row = |label: String, t: &IncidentTimes| {
        vec![
            label,
            t.incidents.to_string(),
            spread(&t.detect),
            spread(&t.respond),
            spread(&t.resolve),
        ]
    };
    let mut rows: Vec<Vec<String>> = a
        .incident_times
        .iter()
        .map(|(s, t)| row(capitalise(s.as_str()), t))
        .collect();
    if a.incident_times.len() > 1 {
        let all = a
            .incident_times
            .values()
            .cloned()
            .fold(IncidentTimes::default(), |x, y| x + y);
        rows.push(row("All".into(), &all));
    }
    Section {
        id: "incidents".into(),
        title: "Incidents".into(),
        figures: vec![
            figure("incidents-raised", "Incidents and alerts raised", raised),
            figure("incidents-open", "Still open", a.incidents_open),
            figure(
                "false-positives",
                "False positives",
                count(Verdict::FalsePositive),
            ),
            figure("untriaged", "Untriaged", count(Verdict::Untriaged)),
        ],
        charts: Vec::new(),
        tables: vec![Table {
            id: "incident-times".into(),
            title: "Incident times by severity: mean · median · 90th percentile \
                    (false positives and duplicates left out)"
                .into(),
            columns: vec![
                "Severity".into(),
                "Incidents".into(),
                "Detect (alert − event)".into(),
                "Respond (contained − alert)".into(),
                "Resolve (resolved − alert)".into(),
            ],
            rows,
            empty_text: "No incident was raised in this period.".into(),
            note: None,
        }],
    }
}

//! Operational metrics of detection and response: what the event logs and incident records
//! say happened in the period — admission denials per day, unauthorized attempts per week, who
//! and what was refused, runtime alerts by rule, tag, priority and category, exec sessions,
//! console logins, role assumptions, and incident times by severity.
//!
//! [`Activity`] merges with `+` (identity `Default`), like `Metrics`: every table is a sum of
//! counts, and the incident times are lists that concatenate.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Add, AddAssign};

use super::events::Events;
use super::evidence::Window;
use super::incidents::Incidents;
use super::model::{EventKind, Severity, SourceKind, ThreatCategory, Verdict};

/// Times of incidents, in hours: detect (alert − event), respond (contained − alert) and
/// resolve (resolved − alert).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentTimes {
    pub incidents: u64,
    pub detect: Vec<f64>,
    pub respond: Vec<f64>,
    pub resolve: Vec<f64>,
}

impl Add for IncidentTimes {
    type Output = IncidentTimes;
    fn add(mut self, other: IncidentTimes) -> IncidentTimes {
        self.incidents += other.incidents;
        self.detect.extend(other.detect);
        self.respond.extend(other.respond);
        self.resolve.extend(other.resolve);
        self
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Activity {
    /// The kinds of log and record loaded, whether or not they hold anything in the period: a
    /// loaded audit log with no denial shows zero denials, not nothing.
    pub kinds: BTreeSet<SourceKind>,
    /// Events in the period, by kind.
    pub by_kind: BTreeMap<EventKind, u64>,
    /// Day (`2026-11-18`) → workload requests denied by admission policy (a controller's
    /// refused pods once a day per workload).
    pub denials_per_day: BTreeMap<String, u64>,
    /// Monday of the week (`2026-11-16`) → unauthorized attempts.
    pub unauthorized_per_week: BTreeMap<String, u64>,
    /// Who was refused (unauthorized attempts and admission denials), and what.
    pub denied_actors: BTreeMap<String, u64>,
    pub denied_targets: BTreeMap<String, u64>,
    /// Admission policy (the webhook or policy named in the denial) → denials.
    pub denials_by_policy: BTreeMap<String, u64>,
    pub alerts_by_rule: BTreeMap<String, u64>,
    pub alerts_by_tag: BTreeMap<String, u64>,
    pub alerts_by_priority: BTreeMap<Severity, u64>,
    pub alerts_by_category: BTreeMap<ThreatCategory, u64>,
    /// (namespace, container) → exec sessions into it.
    pub exec_sessions: BTreeMap<(String, String), u64>,
    /// (namespace, container) → processes exec'd in it (containerd: probes included).
    pub process_execs: BTreeMap<(String, String), u64>,
    /// Who failed to sign in to the console.
    pub failed_logins: BTreeMap<String, u64>,
    /// Principal → role assumptions, and the most in one day.
    pub role_assumptions: BTreeMap<String, u64>,
    pub role_assumptions_peak: BTreeMap<String, u64>,
    /// Actor of calls made as the root user → calls.
    pub root_use: BTreeMap<String, u64>,
    /// Container task changes by what happened (`/tasks/exit`…).
    pub container_tasks: BTreeMap<String, u64>,
    /// Incidents raised in the period, by severity.
    pub incident_times: BTreeMap<Severity, IncidentTimes>,
    /// Incidents and alerts raised in the period, false positives included, by verdict; and
    /// how many of them are still open.
    pub verdicts: BTreeMap<Verdict, u64>,
    pub incidents_open: u64,
}

fn bump<K: Ord>(map: &mut BTreeMap<K, u64>, key: K) {
    *map.entry(key).or_default() += 1;
}

impl Activity {
    pub fn of(events: &Events, incidents: &Incidents, window: Option<Window>) -> Activity {
        let mut a = Activity::default();
        a.kinds.extend(
            events
                .logs
                .iter()
                .filter(|l| l.log.records > 0)
                .map(|l| l.log.kind),
        );
        if !incidents.is_empty() {
            a.kinds.insert(SourceKind::Incidents);
        }
        let Some(window) = window else {
            return a;
        };
        let mut assumptions_per_day: BTreeMap<(&str, String), u64> = BTreeMap::new();
        for (event, _) in events.within(window) {
            bump(&mut a.by_kind, event.kind);
            match event.kind {
                EventKind::Unauthorized => {
                    bump(&mut a.unauthorized_per_week, event.at.week_start().day());
                    bump(&mut a.denied_actors, event.actor.to_string());
                    bump(&mut a.denied_targets, event.target.to_string());
                }
                EventKind::WorkloadDenied | EventKind::ControllerDenied => {
                    bump(&mut a.denials_per_day, event.at.day());
                    bump(&mut a.denied_actors, event.actor.to_string());
                    bump(&mut a.denied_targets, event.target.to_string());
                    bump(&mut a.denials_by_policy, event.rule.to_string());
                }
                EventKind::ProcessExec => bump(
                    &mut a.process_execs,
                    (event.scope.to_string(), event.detail.to_string()),
                ),
                EventKind::RuntimeAlert => {
                    bump(&mut a.alerts_by_rule, event.rule.to_string());
                    bump(&mut a.alerts_by_priority, event.priority);
                    bump(
                        &mut a.alerts_by_category,
                        event.category.unwrap_or(ThreatCategory::Other),
                    );
                    for tag in &event.tags {
                        bump(&mut a.alerts_by_tag, tag.to_string());
                    }
                }
                EventKind::ExecSession => bump(
                    &mut a.exec_sessions,
                    (event.scope.to_string(), event.detail.to_string()),
                ),
                EventKind::FailedLogin => bump(&mut a.failed_logins, event.actor.to_string()),
                EventKind::RoleAssumption => {
                    bump(&mut a.role_assumptions, event.actor.to_string());
                    bump(&mut assumptions_per_day, (&*event.actor, event.at.day()));
                }
                EventKind::RootUse => bump(&mut a.root_use, event.actor.to_string()),
                EventKind::ContainerTask => {
                    bump(&mut a.container_tasks, event.rule.to_string());
                }
                EventKind::WorkloadAdmitted => {}
            }
        }
        for ((actor, _), n) in assumptions_per_day {
            let peak = a
                .role_assumptions_peak
                .entry(actor.to_string())
                .or_default();
            *peak = (*peak).max(n);
        }
        for incident in incidents.alerted_in(window) {
            bump(&mut a.verdicts, incident.verdict);
            a.incidents_open += u64::from(!incident.closed);
        }
        for incident in incidents.real_in(window) {
            let times = a.incident_times.entry(incident.severity).or_default();
            times.incidents += 1;
            times.detect.extend(incident.detect_hours());
            times.respond.extend(incident.respond_hours());
            times.resolve.extend(incident.resolve_hours());
        }
        a
    }

    pub fn count(&self, kind: EventKind) -> u64 {
        self.by_kind.get(&kind).copied().unwrap_or(0)
    }

    pub fn has(&self, kinds: &[SourceKind]) -> bool {
        kinds.iter().any(|k| self.kinds.contains(k))
    }
}

fn merge<K: Ord, V: Add<Output = V> + Default>(
    mut a: BTreeMap<K, V>,
    b: BTreeMap<K, V>,
) -> BTreeMap<K, V> {
    for (key, value) in b {
        let entry = a.entry(key).or_default();
        *entry = std::mem::take(entry) + value;
    }
    a
}

/// Peaks merge by maximum, not sum: the busiest day of either.
fn merge_max(mut a: BTreeMap<String, u64>, b: BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    for (key, value) in b {
        let entry = a.entry(key).or_default();
        *entry = (*entry).max(value);
    }
    a
}

impl Add for Activity {
    type Output = Activity;
    fn add(self, o: Activity) -> Activity {
        Activity {
            by_kind: merge(self.by_kind, o.by_kind),
            denials_per_day: merge(self.denials_per_day, o.denials_per_day),
            unauthorized_per_week: merge(self.unauthorized_per_week, o.unauthorized_per_week),
            denied_actors: merge(self.denied_actors, o.denied_actors),
            denied_targets: merge(self.denied_targets, o.denied_targets),
            denials_by_policy: merge(self.denials_by_policy, o.denials_by_policy),
            alerts_by_rule: merge(self.alerts_by_rule, o.alerts_by_rule),
            alerts_by_tag: merge(self.alerts_by_tag, o.alerts_by_tag),
            alerts_by_priority: merge(self.alerts_by_priority, o.alerts_by_priority),
            alerts_by_category: merge(self.alerts_by_category, o.alerts_by_category),
            exec_sessions: merge(self.exec_sessions, o.exec_sessions),
            process_execs: merge(self.process_execs, o.process_execs),
            failed_logins: merge(self.failed_logins, o.failed_logins),
            role_assumptions: merge(self.role_assumptions, o.role_assumptions),
            role_assumptions_peak: merge_max(self.role_assumptions_peak, o.role_assumptions_peak),
            root_use: merge(self.root_use, o.root_use),
            container_tasks: merge(self.container_tasks, o.container_tasks),
            incident_times: merge(self.incident_times, o.incident_times),
            verdicts: merge(self.verdicts, o.verdicts),
            incidents_open: self.incidents_open + o.incidents_open,
            kinds: self.kinds.union(&o.kinds).copied().collect(),
        }
    }
}

impl AddAssign for Activity {
    fn add_assign(&mut self, other: Activity) {
        *self = std::mem::take(self) + other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(kind: EventKind, actor: &str, peak: u64, hours: f64) -> Activity {
        let mut a = Activity::default();
        a.by_kind.insert(kind, 2);
        a.denied_actors.insert(actor.into(), 2);
        a.role_assumptions_peak.insert(actor.into(), peak);
        a.kinds.insert(SourceKind::KubernetesAudit);
        a.incident_times.insert(
            Severity::High,
            IncidentTimes {
                incidents: 1,
                detect: vec![hours],
                ..IncidentTimes::default()
            },
        );
        a
    }

    #[test]
    fn activities_merge_in_any_order() {
        let a = some(EventKind::Unauthorized, "bob", 3, 1.0);
        let b = some(EventKind::WorkloadDenied, "bob", 7, 2.0);
        let ab = a.clone() + b.clone();
        assert_eq!(ab.count(EventKind::Unauthorized), 2);
        assert_eq!(ab.denied_actors["bob"], 4);
        // The busiest day of either, not their sum.
        assert_eq!(ab.role_assumptions_peak["bob"], 7);
        assert_eq!(ab.incident_times[&Severity::High].incidents, 2);
        let ba = b + a.clone();
        assert_eq!(ab.by_kind, ba.by_kind);
        assert_eq!(ab.denied_actors, ba.denied_actors);
        assert_eq!(a.clone() + Activity::default(), a);
    }
}

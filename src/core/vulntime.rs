//! Vulnerabilities over time: how old the open ones are, where each stands against its SLA,
//! what was new, fixed and reopened, and how long fixes took — the numbers behind
//! `vuln_sla_compliance` and `vuln_mttr`, each checkable by hand from the scans.

use super::evidence::{Current, CurrentFinding, Period, Window};
use super::history::History;
use super::kpi::{mean, median, percentile};
use super::model::{Category, Severity};
use super::settings::Settings;
use super::time::{MS_PER_DAY, Timestamp};

/// Where an open vulnerability stands against its SLA at the end of the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlaState {
    /// Older than its SLA days.
    Breached,
    /// In time, with no more than the at-risk margin of its SLA left.
    AtRisk,
    Within,
    /// Info and unknown severities have no SLA; fixed findings and other categories neither.
    None,
}

impl SlaState {
    pub const JUDGED: [SlaState; 3] = [SlaState::Within, SlaState::AtRisk, SlaState::Breached];

    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Within => "within",
            SlaState::AtRisk => "at_risk",
            SlaState::Breached => "breached",
            SlaState::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SlaState::Within => "Within SLA",
            SlaState::AtRisk => "At risk",
            SlaState::Breached => "Breached",
            SlaState::None => "—",
        }
    }

    /// An open vulnerability `age` days old whose SLA is `sla` days: breached past it; at risk
    /// when the time left is at most `margin_pct` % of the SLA (a 30-day SLA with a 25 % margin
    /// is at risk from day 22.5 to day 30 included).
    pub fn of(age: f64, sla: Option<f64>, margin_pct: f64) -> SlaState {
        match sla {
            None => SlaState::None,
            Some(sla) if age > sla => SlaState::Breached,
            Some(sla) if sla - age <= sla * margin_pct / 100.0 => SlaState::AtRisk,
            Some(_) => SlaState::Within,
        }
    }
}

/// The age buckets, in whole days: 0–7, 8–30, 31–90, 91–180, over 180.
pub const AGE_BUCKETS: [(&str, u64); 5] = [
    ("0–7 days", 7),
    ("8–30 days", 30),
    ("31–90 days", 90),
    ("91–180 days", 180),
    ("> 180 days", u64::MAX),
];

pub fn bucket(whole_days: u64) -> usize {
    AGE_BUCKETS
        .iter()
        .position(|(_, upper)| whole_days <= *upper)
        .unwrap_or(AGE_BUCKETS.len() - 1)
}

/// One week of the period: what changed in it and what was open at its end.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Week {
    pub start: Timestamp,
    pub new: u64,
    pub fixed: u64,
    pub reopened: u64,
    /// Open at the week's end (or the period's, for the last), by severity.
    pub open: [u64; 6],
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssetChanges {
    pub name: String,
    pub scans: u64,
    pub new: u64,
    pub fixed: u64,
    pub reopened: u64,
    pub open: u64,
}

/// Times to fix of one severity: mean, median, 90th percentile, how many.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixTimes {
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    pub count: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VulnTime {
    /// The instant ages are measured at: the period's end (now, for all data).
    pub end: Timestamp,
    /// Open vulnerabilities at the end, by severity then age bucket.
    pub ages: [[u64; 5]; 6],
    pub median_age: [Option<f64>; 6],
    /// Open vulnerabilities at the end, by severity then `SlaState::JUDGED`.
    pub sla: [[u64; 3]; 6],
    /// Whether any asset was scanned twice: without, nothing below is known.
    pub has_history: bool,
    /// In the period: first seen (not at an asset's first scan), fixed, back after a fix.
    pub new: u64,
    pub fixed: u64,
    pub reopened: u64,
    pub weeks: Vec<Week>,
    /// Assets scanned in the period: scans, new, fixed, reopened, open after the last scan.
    pub assets: Vec<AssetChanges>,
    /// Times to fix of vulnerabilities fixed in the period, by severity.
    pub fix_times: [Option<FixTimes>; 6],
}

/// When an open finding was first seen: its lifecycle's first sight, else the earliest scan
/// reporting it (a single scan's time: a lower bound on its age).
pub fn first_seen(
    finding: &CurrentFinding,
    current: &Current,
    history: &History,
) -> Option<Timestamp> {
    history
        .lifecycle(finding.asset_id, finding.finding.fingerprint.0)
        .map(|l| l.first_seen)
        .or_else(|| {
            finding
                .sources()
                .filter_map(|i| current.items[i].taken_at)
                .min()
        })
}

impl VulnTime {
    pub fn of(
        current: &Current,
        history: &History,
        period: Period,
        window: Option<Window>,
        end: Timestamp,
        settings: &Settings,
    ) -> VulnTime {
        let mut time = VulnTime {
            end,
            has_history: history.has_history(),
            ..VulnTime::default()
        };
        let mut ages: [Vec<f64>; 6] = Default::default();
        for f in current.open_in(Category::Vulnerability) {
            let Some(seen) = first_seen(f, current, history) else {
                continue;
            };
            let age = end.days_since(seen).max(0.0);
            let severity = f.finding.severity as usize;
            time.ages[severity][bucket(age.floor() as u64)] += 1;
            ages[severity].push(age);
            let state = SlaState::of(
                age,
                settings.sla(f.finding.severity),
                settings.sla_margin_pct,
            );
            if let Some(k) = SlaState::JUDGED.iter().position(|s| *s == state) {
                time.sla[severity][k] += 1;
            }
        }
        time.median_age = ages.map(|a| median(&a));

        for asset in &history.assets {
            let mut changes = AssetChanges {
                name: asset.asset.name.clone(),
                ..AssetChanges::default()
            };
            for instant in asset.within(period) {
                changes.scans += 1;
                changes.new += u64::from(instant.new);
                changes.fixed += u64::from(instant.fixed);
                changes.reopened += u64::from(instant.reopened);
                changes.open = instant.open.iter().map(|n| u64::from(*n)).sum();
            }
            time.new += changes.new;
            time.fixed += changes.fixed;
            time.reopened += changes.reopened;
            if changes.scans > 0 {
                time.assets.push(changes);
            }
        }
        time.assets.sort_by(|a, b| {
            (b.new + b.fixed + b.reopened)
                .cmp(&(a.new + a.fixed + a.reopened))
                .then(a.name.cmp(&b.name))
        });
        if let Some(window) = window {
            time.weeks = weeks(history, window);
        }
        let mut days: [Vec<f64>; 6] = Default::default();
        for l in history.fixed_in(period) {
            if let Some(d) = l.days_to_fix() {
                days[l.severity as usize].push(d);
            }
        }
        time.fix_times = days.map(|d| {
            Some(FixTimes {
                mean: if d.is_empty() { return None } else { mean(&d) },
                median: median(&d)?,
                p90: percentile(&d, 90.0)?,
                count: d.len(),
            })
        });
        time
    }

    /// New ÷ fixed in the period, as "fixed for every new one": `None` when nothing was new.
    pub fn net_resolve_rate(&self) -> Option<f64> {
        (self.new > 0).then(|| self.fixed as f64 / self.new as f64)
    }

    pub fn open_total(&self) -> u64 {
        self.ages.iter().flatten().sum()
    }
}

/// The weeks of a window (Monday to Sunday, UTC), at most 53 of the latest: changes in each, and
/// the open count at each week's end (each asset's state at its last scan up to then).
fn weeks(history: &History, window: Window) -> Vec<Week> {
    let week = 7 * MS_PER_DAY;
    let mut start = window.from.week_start();
    let first = Timestamp(window.to.week_start().0 - 52 * week);
    if start < first {
        start = first;
    }
    let mut weeks = Vec::new();
    while start <= window.to {
        let end = Timestamp((start.0 + week - 1).min(window.to.0));
        let span = Period {
            from: Some(start.max(window.from)),
            to: Some(end),
        };
        let mut w = Week {
            start,
            ..Week::default()
        };
        for asset in &history.assets {
            for instant in asset.within(span) {
                w.new += u64::from(instant.new);
                w.fixed += u64::from(instant.fixed);
                w.reopened += u64::from(instant.reopened);
            }
            if let Some(state) = asset.at(end) {
                for (s, n) in state.open.iter().enumerate() {
                    w.open[s] += u64::from(*n);
                }
            }
        }
        weeks.push(w);
        start = Timestamp(start.0 + week);
    }
    weeks
}

/// Severities with an SLA, most severe first.
pub const SLA_SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_states_at_their_edges() {
        // A 30-day SLA with a 25 % margin: at risk once 7.5 days or fewer are left.
        assert_eq!(SlaState::of(22.0, Some(30.0), 25.0), SlaState::Within);
        assert_eq!(SlaState::of(22.5, Some(30.0), 25.0), SlaState::AtRisk);
        assert_eq!(SlaState::of(30.0, Some(30.0), 25.0), SlaState::AtRisk);
        assert_eq!(SlaState::of(30.01, Some(30.0), 25.0), SlaState::Breached);
        assert_eq!(SlaState::of(100.0, None, 25.0), SlaState::None);
        // No margin: at risk only on the deadline itself.
        assert_eq!(SlaState::of(29.9, Some(30.0), 0.0), SlaState::Within);
        assert_eq!(SlaState::of(30.0, Some(30.0), 0.0), SlaState::AtRisk);
    }

    #[test]
    fn ages_fall_in_whole_day_buckets() {
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(7), 0);
        assert_eq!(bucket(8), 1);
        assert_eq!(bucket(30), 1);
        assert_eq!(bucket(31), 2);
        assert_eq!(bucket(180), 3);
        assert_eq!(bucket(181), 4);
    }
}

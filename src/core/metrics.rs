//! Operational metrics: counts of open findings in the latest snapshot of each asset, by
//! severity, category, asset and tool, and the rules behind them.
//!
//! [`Metrics`] merges with `+` (identity `Default`): per-file, per-team or per-cluster summaries
//! add up to one view. Counts per rule add; "assets" per rule adds too, which is exact when the
//! merged summaries cover different assets (teams, clusters), as org-wide merges do.

use std::collections::{BTreeMap, HashSet};
use std::ops::{Add, AddAssign};

use super::evidence::Current;
use super::model::{Category, Severity};

/// One rule (a CVE, a check id) and how much of it is open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCount {
    pub category: Option<Category>,
    /// The most severe severity seen for it.
    pub severity: Option<Severity>,
    pub title: String,
    pub findings: u64,
    pub assets: u64,
}

impl Add for RuleCount {
    type Output = RuleCount;
    fn add(self, other: RuleCount) -> RuleCount {
        // Every choice below is symmetric, so merges commute.
        let title = match (self.title.is_empty(), other.title.is_empty()) {
            (false, false) => self.title.min(other.title),
            (false, true) => self.title,
            _ => other.title,
        };
        RuleCount {
            category: min_some(self.category, other.category),
            severity: min_some(self.severity, other.severity),
            title,
            findings: self.findings + other.findings,
            assets: self.assets + other.assets,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// In `Severity::ALL` order.
    pub by_severity: [u64; 6],
    /// In `Category::ALL` order.
    pub by_category: [u64; 6],
    /// Asset name → open findings by severity.
    pub by_asset: BTreeMap<String, [u64; 6]>,
    /// Tool name → open findings it reports (a finding two tools report counts for both).
    pub by_tool: BTreeMap<String, u64>,
    /// Open vulnerabilities, and those with a fixed version available.
    pub vulnerabilities: u64,
    pub fixable: u64,
    /// Vulnerability id → count.
    pub vulnerability_ids: BTreeMap<String, RuleCount>,
    /// Misconfiguration, secret and code rule id → count.
    pub failing_rules: BTreeMap<String, RuleCount>,
}

impl Metrics {
    pub fn of(current: &Current) -> Metrics {
        let mut m = Metrics::default();
        let mut rule_assets: HashSet<(&str, &str)> = HashSet::new();
        for f in current.open() {
            let finding = f.finding;
            let sev = finding.severity as usize;
            m.by_severity[sev] += 1;
            m.by_category[finding.category as usize] += 1;
            m.by_asset.entry(f.asset.name.clone()).or_default()[sev] += 1;
            let mut tools: Vec<&str> = f
                .sources
                .iter()
                .map(|&i| current.items[i].snapshot.tool.name.as_str())
                .collect();
            tools.sort_unstable();
            tools.dedup();
            for tool in tools {
                *m.by_tool.entry(tool.to_string()).or_default() += 1;
            }
            let table = match finding.category {
                Category::Vulnerability => {
                    m.vulnerabilities += 1;
                    m.fixable += u64::from(finding.fixable());
                    &mut m.vulnerability_ids
                }
                _ => &mut m.failing_rules,
            };
            let new_asset = rule_assets.insert((&finding.rule_id, &f.asset.name));
            let entry = table.entry(finding.rule_id.to_string()).or_default();
            *entry = std::mem::take(entry)
                + RuleCount {
                    category: Some(finding.category),
                    severity: Some(finding.severity),
                    title: finding.title.to_string(),
                    findings: 1,
                    assets: u64::from(new_asset),
                };
        }
        m
    }

    /// The `n` most severe rules, the most widespread first among equals.
    pub fn top(table: &BTreeMap<String, RuleCount>, n: usize) -> Vec<(&str, &RuleCount)> {
        let mut rows: Vec<(&str, &RuleCount)> =
            table.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let severity = |r: &RuleCount| r.severity.unwrap_or(Severity::Unknown);
        rows.sort_by(|a, b| {
            severity(a.1)
                .cmp(&severity(b.1))
                .then(b.1.findings.cmp(&a.1.findings))
                .then(b.1.assets.cmp(&a.1.assets))
                .then(a.0.cmp(b.0))
        });
        rows.truncate(n);
        rows
    }

    pub fn total_open(&self) -> u64 {
        self.by_severity.iter().sum()
    }
}

fn min_some<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn merge_maps<V: Add<Output = V> + Default>(
    mut a: BTreeMap<String, V>,
    b: BTreeMap<String, V>,
) -> BTreeMap<String, V> {
    for (key, value) in b {
        let entry = a.entry(key).or_default();
        *entry = std::mem::take(entry) + value;
    }
    a
}

/// Element-wise sum of fixed-size count arrays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts([u64; 6]);

impl Add for Counts {
    type Output = Counts;
    fn add(self, other: Counts) -> Counts {
        Counts(std::array::from_fn(|i| self.0[i] + other.0[i]))
    }
}

impl Add for Metrics {
    type Output = Metrics;
    fn add(self, other: Metrics) -> Metrics {
        let assets = merge_maps(
            self.by_asset
                .into_iter()
                .map(|(k, v)| (k, Counts(v)))
                .collect(),
            other
                .by_asset
                .into_iter()
                .map(|(k, v)| (k, Counts(v)))
                .collect(),
        );
        Metrics {
            by_severity: (Counts(self.by_severity) + Counts(other.by_severity)).0,
            by_category: (Counts(self.by_category) + Counts(other.by_category)).0,
            by_asset: assets.into_iter().map(|(k, v)| (k, v.0)).collect(),
            by_tool: merge_maps(self.by_tool, other.by_tool),
            vulnerabilities: self.vulnerabilities + other.vulnerabilities,
            fixable: self.fixable + other.fixable,
            vulnerability_ids: merge_maps(self.vulnerability_ids, other.vulnerability_ids),
            failing_rules: merge_maps(self.failing_rules, other.failing_rules),
        }
    }
}

impl AddAssign for Metrics {
    fn add_assign(&mut self, other: Metrics) {
        *self = std::mem::take(self) + other;
    }
}

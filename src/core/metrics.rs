//! Operational metrics: counts of open findings in the latest snapshot of each asset, by
//! severity, category, asset and tool, and the rules behind them.
//!
//! [`Metrics`] merges with `+` (identity `Default`): per-file, per-team or per-cluster summaries
//! add up to one view. Counts per rule add; "assets" per rule adds too, which is exact when the
//! merged summaries cover different assets (teams, clusters), as org-wide merges do.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Add, AddAssign};

use super::evidence::{Current, CurrentFinding};
use super::hash::FxHashMap;
use super::model::{Category, Severity, Status, Text};

/// One rule (a CVE, a check id) and how much of it is open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCount {
    pub category: Option<Category>,
    /// The most severe severity seen for it.
    pub severity: Option<Severity>,
    pub title: Text,
    pub findings: u64,
    pub assets: u64,
    /// The tools that report it.
    pub tools: BTreeSet<String>,
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
            tools: self.tools.union(&other.tools).cloned().collect(),
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
    pub vulnerability_ids: BTreeMap<Text, RuleCount>,
    /// Misconfiguration, secret and code rule id → count.
    pub failing_rules: BTreeMap<Text, RuleCount>,
}

impl Metrics {
    pub fn of(current: &Current) -> Metrics {
        /// A rule's tally while counting, on borrowed text: owned once per rule at the end.
        struct Tally<'f> {
            id: &'f Text,
            category: Category,
            severity: Severity,
            title: &'f Text,
            findings: u64,
            assets: u64,
            /// Tool numbers ([`Tools`]).
            tools: Vec<u32>,
            /// The asset of its last finding: findings come asset by asset, so a rule is on a
            /// new asset exactly when this differs.
            last_asset: u32,
        }
        let mut m = Metrics::default();
        let mut per_asset = vec![[0u64; 6]; current.assets.len()];
        let tools = Tools::of(current);
        let mut per_tool = vec![0u64; tools.names.len()];
        // Rule id → its tally, for vulnerabilities and for the other rules.
        let mut tables: [FxHashMap<&str, usize>; 2] = Default::default();
        let mut tallies: [Vec<Tally>; 2] = Default::default();
        let mut reported_by: Vec<u32> = Vec::new();
        for f in by_asset(current) {
            let finding = f.finding;
            let sev = finding.severity as usize;
            m.by_severity[sev] += 1;
            m.by_category[finding.category as usize] += 1;
            per_asset[f.asset_id as usize][sev] += 1;
            reported_by.clear();
            reported_by.extend(f.sources().map(|i| tools.of_item[i]));
            if !f.more_sources.is_empty() {
                reported_by.sort_unstable();
                reported_by.dedup();
            }
            for &tool in &reported_by {
                per_tool[tool as usize] += 1;
            }
            let vulnerability = finding.category == Category::Vulnerability;
            if vulnerability {
                m.vulnerabilities += 1;
                m.fixable += u64::from(finding.fixable());
            }
            let kind = usize::from(!vulnerability);
            let index = *tables[kind].entry(&finding.rule_id).or_insert_with(|| {
                tallies[kind].push(Tally {
                    id: &finding.rule_id,
                    category: finding.category,
                    severity: finding.severity,
                    title: &finding.title,
                    findings: 0,
                    assets: 0,
                    tools: Vec::new(),
                    last_asset: u32::MAX,
                });
                tallies[kind].len() - 1
            });
            let tally = &mut tallies[kind][index];
            tally.assets += u64::from(tally.last_asset != f.asset_id);
            tally.last_asset = f.asset_id;
            for &tool in &reported_by {
                if !tally.tools.contains(&tool) {
                    tally.tools.push(tool);
                }
            }
            tally.findings += 1;
            tally.severity = tally.severity.min(finding.severity);
            tally.category = tally.category.min(finding.category);
            if !finding.title.is_empty()
                && (tally.title.is_empty() || *finding.title < **tally.title)
            {
                tally.title = &finding.title;
            }
        }
        for (asset, counts) in current.assets.iter().zip(per_asset) {
            if counts.iter().any(|&c| c > 0) {
                let entry = m.by_asset.entry(asset.name.clone()).or_default();
                *entry = (Counts(*entry) + Counts(counts)).0;
            }
        }
        for (name, count) in tools.names.iter().zip(per_tool) {
            if count > 0 {
                m.by_tool.insert(name.to_string(), count);
            }
        }
        let [vulnerabilities, rules] = tallies;
        let owned = |table: Vec<Tally>| -> BTreeMap<Text, RuleCount> {
            table
                .into_iter()
                .map(|t| {
                    let count = RuleCount {
                        category: Some(t.category),
                        severity: Some(t.severity),
                        title: Text::clone(t.title),
                        findings: t.findings,
                        assets: t.assets,
                        tools: (t.tools.iter())
                            .map(|&t| tools.names[t as usize].to_string())
                            .collect(),
                    };
                    (Text::clone(t.id), count)
                })
                .collect()
        };
        m.vulnerability_ids = owned(vulnerabilities);
        m.failing_rules = owned(rules);
        m
    }

    /// The `n` most severe rules, the most widespread first among equals.
    pub fn top(table: &BTreeMap<Text, RuleCount>, n: usize) -> Vec<(&str, &RuleCount)> {
        let mut rows: Vec<(&str, &RuleCount)> = table.iter().map(|(k, v)| (&**k, v)).collect();
        let severity = |r: &RuleCount| r.severity.unwrap_or(Severity::Unknown);
        // Most severe, then on the most assets, then the most findings.
        let order = |a: &(&str, &RuleCount), b: &(&str, &RuleCount)| {
            severity(a.1)
                .cmp(&severity(b.1))
                .then(b.1.assets.cmp(&a.1.assets))
                .then(b.1.findings.cmp(&a.1.findings))
                .then(a.0.cmp(b.0))
        };
        // Pick the first n in linear time, then sort only those.
        if rows.len() > n {
            rows.select_nth_unstable_by(n, order);
            rows.truncate(n);
        }
        rows.sort_by(order);
        rows
    }

    pub fn total_open(&self) -> u64 {
        self.by_severity.iter().sum()
    }
}

/// The tools of the items, numbered: counting by number, not by name, for every finding.
struct Tools<'a> {
    names: Vec<&'a str>,
    /// Each item's tool number.
    of_item: Vec<u32>,
}

impl<'a> Tools<'a> {
    fn of(current: &Current<'a>) -> Tools<'a> {
        let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
        let mut names = Vec::new();
        let of_item = (current.items.iter())
            .map(|item| {
                let name = item.snapshot.tool.name.as_str();
                *numbers.entry(name).or_insert_with(|| {
                    names.push(name);
                    (names.len() - 1) as u32
                })
            })
            .collect();
        Tools { names, of_item }
    }
}

/// The open findings, asset by asset, each asset's in their order: as they are when every
/// asset has one snapshot speaking (the common case, checked without reading the findings),
/// otherwise through a counting sort.
fn by_asset<'c, 'a>(current: &'c Current<'a>) -> impl Iterator<Item = &'c CurrentFinding<'a>> {
    let mut seen = vec![false; current.assets.len()];
    let mut last = u32::MAX;
    let grouped = current.findings.iter().all(|f| {
        let again = f.asset_id != last && std::mem::replace(&mut seen[f.asset_id as usize], true);
        last = f.asset_id;
        !again
    });
    let mut order = Vec::new();
    if !grouped {
        let mut starts = vec![0u32; current.assets.len() + 1];
        for f in current.open() {
            starts[f.asset_id as usize + 1] += 1;
        }
        for a in 1..starts.len() {
            starts[a] += starts[a - 1];
        }
        order = vec![0u32; starts[current.assets.len()] as usize];
        for (i, f) in current.findings.iter().enumerate() {
            if f.finding.status == Status::Open {
                let at = &mut starts[f.asset_id as usize];
                order[*at as usize] = i as u32;
                *at += 1;
            }
        }
    }
    let as_they_are = grouped.then(|| current.open()).into_iter().flatten();
    as_they_are.chain(order.into_iter().map(|i| &current.findings[i as usize]))
}

fn min_some<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn merge_maps<K: Ord, V: Add<Output = V> + Default>(
    mut a: BTreeMap<K, V>,
    b: BTreeMap<K, V>,
) -> BTreeMap<K, V> {
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

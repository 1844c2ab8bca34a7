//! The loaded snapshots, the selected period, and what is true at its end.
//!
//! "Current" follows one rule, stated in every formula that uses it: for each asset, each tool and
//! each category the tool looked for, the latest snapshot up to the end of the period speaks;
//! older ones are superseded. An asset not rescanned during the period keeps its last known
//! state, and the KPIs say so. A snapshot that did not look for a category (a config scan, for vulnerabilities)
//! leaves the last word on it to the snapshot that did. Findings are then merged by asset and
//! fingerprint, so the same problem reported by two tools counts once.

use super::hash::FxHashMap;
use super::model::{Asset, Category, Coverage, Finding, SeriesKey, Snapshot, Status};
use super::time::{MS_PER_DAY, Timestamp};

/// One loaded file's snapshot, with its effective time (the file's own, the file's modification
/// time, or the user's correction) and what it is taken to have looked for.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub name: &'a str,
    pub snapshot: &'a Snapshot,
    pub taken_at: Option<Timestamp>,
    /// The snapshot's coverage, with what it only assumes confirmed or dropped ([`items`]).
    pub covers: Coverage,
}

/// The items of some snapshots, in the order given. A category a snapshot only assumes it looked
/// for (Trivy's secrets) is covered when a scan of the same asset by the same tool, up to then,
/// surely looked for it: that tool runs that scanner on that asset. Otherwise it is not covered.
pub fn items<'a>(
    snapshots: impl IntoIterator<Item = (&'a str, &'a Snapshot, Option<Timestamp>)>,
) -> Vec<Item<'a>> {
    let mut items: Vec<Item> = snapshots
        .into_iter()
        .map(|(name, snapshot, taken_at)| Item {
            name,
            snapshot,
            taken_at,
            covers: snapshot.covers,
        })
        .collect();
    // Each series' scans: when, and what they surely looked for.
    type Scans = Vec<(Option<Timestamp>, Coverage)>;
    let mut series: FxHashMap<(&Asset, SeriesKey), Scans> = FxHashMap::default();
    for item in &items {
        series
            .entry((&item.snapshot.asset, item.snapshot.series()))
            .or_default()
            .push((item.taken_at, item.snapshot.covers));
    }
    for item in &mut items {
        let covers = item.snapshot.covers;
        for category in Category::ALL.into_iter().filter(|c| covers.assumes(*c)) {
            let scans = &series[&(&item.snapshot.asset, item.snapshot.series())];
            let shown = scans.iter().any(|(at, c)| {
                c.covers(category)
                    && match (at, item.taken_at) {
                        (Some(at), Some(now)) => *at <= now,
                        // Without times, the series is all one can go by.
                        _ => true,
                    }
            });
            if shown {
                item.covers = item.covers.with(category);
            }
        }
    }
    items
}

/// The period every number is scoped to. `None` bounds are open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

/// What the user picks in the period selector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PeriodChoice {
    #[default]
    All,
    LastDays(u32),
    /// A custom range, in ms since the epoch, both ends included.
    Range {
        from: i64,
        to: i64,
    },
}

impl PeriodChoice {
    /// The choices offered besides a custom range.
    pub const CHOICES: [PeriodChoice; 4] = [
        PeriodChoice::All,
        PeriodChoice::LastDays(7),
        PeriodChoice::LastDays(30),
        PeriodChoice::LastDays(90),
    ];

    pub fn label(self) -> String {
        match self {
            PeriodChoice::All => "All data".into(),
            PeriodChoice::LastDays(days) => format!("Last {days} days"),
            PeriodChoice::Range { from, to } => Window {
                from: Timestamp(from),
                to: Timestamp(to),
            }
            .text(),
        }
    }

    /// The chosen span, when it is bounded: the days up to now, or the custom range — up to
    /// now at the latest: what has not happened yet is not measured (a quarter picked in its
    /// first month is the quarter so far, not ages counted to its last day).
    fn bounds(self, now: Timestamp) -> Option<Window> {
        match self {
            PeriodChoice::All => None,
            // Exactly N days of instants, ends included, as a range of whole days holds.
            PeriodChoice::LastDays(days) => Some(Window {
                from: Timestamp(now.0 - i64::from(days) * MS_PER_DAY + 1),
                to: now,
            }),
            PeriodChoice::Range { from, to } => {
                let to = Timestamp(to.max(from)).min(now);
                Some(Window {
                    from: Timestamp(from.min(to.0)),
                    to,
                })
            }
        }
    }

    pub fn resolve(self, now: Timestamp) -> Period {
        match self.bounds(now) {
            None => Period::default(),
            Some(w) => Period {
                from: Some(w.from),
                to: Some(w.to),
            },
        }
    }

    /// The period of the same length just before, as a choice of its own: "compared with the
    /// previous period". All data has none.
    pub fn previous(self, now: Timestamp) -> Option<PeriodChoice> {
        let w = self.bounds(now)?;
        // Both ends are included: the span holds `length` instants, and so does the one before.
        let length = w.to.0 - w.from.0 + 1;
        Some(PeriodChoice::Range {
            from: w.from.0 - length,
            to: w.from.0 - 1,
        })
    }
}

/// A bounded span of time: what rates are measured over and comparisons compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Window {
    pub fn contains(self, at: Timestamp) -> bool {
        at >= self.from && at <= self.to
    }

    pub fn days(self) -> f64 {
        self.to.days_since(self.from)
    }

    /// The length in weeks, at least one: a log of two hours gives a count per week, not a
    /// count multiplied up to a week.
    pub fn weeks(self) -> f64 {
        (self.days() / 7.0).max(1.0)
    }

    /// Where both are, if they meet.
    pub fn intersect(self, other: Window) -> Option<Window> {
        let from = self.from.max(other.from);
        let to = self.to.min(other.to);
        (from <= to).then_some(Window { from, to })
    }

    /// The smallest window holding both.
    pub fn union(self, other: Window) -> Window {
        Window {
            from: self.from.min(other.from),
            to: self.to.max(other.to),
        }
    }

    /// "2026-10-01 to 2026-11-30".
    pub fn text(self) -> String {
        let day = |t: Timestamp| t.to_string()[..10].to_string();
        format!("{} to {}", day(self.from), day(self.to))
    }
}

/// What a KPI compared with the previous period compares: two windows where its own sources
/// have data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub current: Window,
    /// `None` when the sources cover too little of the previous period to compare with.
    pub previous: Option<Window>,
    /// How the two were chosen, for the formula.
    pub words: String,
    /// Why there is no previous window, for the tile.
    pub missing: Option<String>,
}

impl PeriodChoice {
    /// The window every rate is measured over: the chosen span, or, for all data, the span of
    /// the data (its earliest to its latest time, event times included).
    pub fn window(self, now: Timestamp, span: Option<Window>) -> Option<Window> {
        match self {
            PeriodChoice::All => span,
            _ => self.bounds(now),
        }
    }

    /// What "compared with the previous period" compares, for sources that cover `coverage`
    /// (their earliest to their latest record). For a bounded period, the span of the same
    /// length before it; a previous period the sources cover less than half of is not compared
    /// with. With `cut`, each window is cut to what the sources cover: a log's records say when
    /// it was logging. Without, the windows stay whole: incident records are sparse, and a week
    /// without one is a week of none. All data has nothing before it, so it compares the later
    /// half of what the sources cover with the earlier half: whether things got better or worse
    /// over the data. `None` when cut sources have nothing in the period.
    pub fn compare(self, now: Timestamp, coverage: Window, cut: bool) -> Option<Comparison> {
        let Some(period) = self.bounds(now) else {
            return Some(halves(coverage));
        };
        let length = period.to.0 - period.from.0 + 1;
        let before = Window {
            from: Timestamp(period.from.0 - length),
            to: Timestamp(period.from.0 - 1),
        };
        let (this, previous_words) = match self {
            PeriodChoice::LastDays(days) => (
                format!("the last {days} days"),
                format!("the previous {days} days"),
            ),
            _ => (
                "this period".to_string(),
                "the period of the same length before".to_string(),
            ),
        };
        let current = if cut {
            period.intersect(coverage)?
        } else {
            period
        };
        let covered = before.intersect(coverage);
        let previous = covered
            .filter(|c| c.days() >= before.days() / 2.0)
            .map(|c| if cut { c } else { before });
        let missing = previous.is_none().then(|| {
            let how_much = covered.map_or("none".to_string(), |c| c.text());
            format!(
                "the sources cover too little of {previous_words} ({}: {how_much}) to compare with",
                before.text()
            )
        });
        Some(Comparison {
            words: format!(
                "{this} ({}) against {previous_words} ({}), where the sources cover them",
                current.text(),
                previous.map_or_else(|| before.text(), Window::text)
            ),
            current,
            previous,
            missing,
        })
    }
}

/// All data: the later half of what the sources cover against the earlier half.
fn halves(coverage: Window) -> Comparison {
    let middle = Timestamp(coverage.from.0 + (coverage.to.0 - coverage.from.0) / 2);
    let current = Window {
        from: middle,
        to: coverage.to,
    };
    if coverage.from == coverage.to {
        return Comparison {
            current,
            previous: None,
            words: "all data: the later half of what the sources cover against the earlier half"
                .into(),
            missing: Some(
                "the sources cover a single instant: there are no halves to compare".into(),
            ),
        };
    }
    let previous = Window {
        from: coverage.from,
        to: Timestamp(middle.0 - 1),
    };
    Comparison {
        words: format!(
            "all data: the later half of what the sources cover ({}) against the earlier half ({})",
            current.text(),
            previous.text()
        ),
        current,
        previous: Some(previous),
        missing: None,
    }
}

impl Period {
    pub fn is_bounded(self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Whether an instant lies in the period. An unknown time is only in an unbounded period.
    pub fn contains(self, at: Option<Timestamp>) -> bool {
        match at {
            None => !self.is_bounded(),
            Some(t) => self.from.is_none_or(|from| t >= from) && self.to.is_none_or(|to| t <= to),
        }
    }

    /// Whether an instant lies at or before the period's end.
    pub fn reaches(self, at: Timestamp) -> bool {
        self.to.is_none_or(|to| at <= to)
    }
}

/// A finding as it stands now, with every loaded file that reports it.
#[derive(Clone, Debug)]
pub struct CurrentFinding<'a> {
    pub finding: &'a Finding,
    pub asset: &'a Asset,
    /// The asset's index in [`Current::assets`].
    pub asset_id: u32,
    /// The file whose report speaks for it and the finding's index in that snapshot.
    pub speaking: (usize, u32),
    /// The first file that reports it, an index into [`Current::items`]…
    pub source: usize,
    /// …and any others (rarely more than one; kept apart so most findings allocate nothing).
    pub more_sources: Vec<usize>,
}

impl CurrentFinding<'_> {
    pub fn sources(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.source).chain(self.more_sources.iter().copied())
    }
}

/// The state at the end of the period.
pub struct Current<'a> {
    pub items: &'a [Item<'a>],
    /// Every distinct asset, and for each item the index of its asset.
    pub assets: Vec<&'a Asset>,
    pub asset_of: Vec<u32>,
    /// For each category (in `Category::ALL` order), the snapshots that speak for it.
    pub selected: [Vec<usize>; 6],
    /// Findings of the selected snapshots, one per asset and fingerprint, in load order.
    pub findings: Vec<CurrentFinding<'a>>,
    /// Snapshots up to the period's end that no category selected: superseded by newer ones.
    pub superseded: Vec<usize>,
    /// Snapshots after the period's end (or untimed, for a bounded period).
    pub outside: Vec<usize>,
    /// Whether any finding carries a triage decision: most loads have none, and the KPIs'
    /// notes about decisions then skip a pass over every finding.
    pub decided: bool,
}

impl<'a> Current<'a> {
    pub fn new(items: &'a [Item<'a>], period: Period) -> Current<'a> {
        let (assets, asset_of) = intern_assets(items);
        // The state at the end of the period: every snapshot up to its end may speak (an asset
        // not rescanned during the period keeps its last known state). Untimed snapshots only
        // speak when the period is unbounded.
        let inside: Vec<bool> = items
            .iter()
            .map(|i| match i.taken_at {
                Some(at) => period.reaches(at),
                None => !period.is_bounded(),
            })
            .collect();
        let mut selected: [Vec<usize>; 6] = Default::default();
        for category in Category::ALL {
            // (asset, series) → the latest snapshot covering the category.
            let mut latest: FxHashMap<(u32, SeriesKey), usize> = FxHashMap::default();
            for (i, item) in items.iter().enumerate() {
                if !inside[i] || !item.covers.covers(category) {
                    continue;
                }
                let key = (asset_of[i], item.snapshot.series());
                let newer = |j: usize| item.taken_at >= items[j].taken_at;
                if latest.get(&key).is_none_or(|&j| newer(j)) {
                    latest.insert(key, i);
                }
            }
            let mut chosen: Vec<usize> = latest.into_values().collect();
            chosen.sort_unstable();
            selected[category as usize] = chosen;
        }

        // picked[i] has bit c set when snapshot i speaks for category c.
        let mut picked = vec![0u8; items.len()];
        for (c, chosen) in selected.iter().enumerate() {
            for &i in chosen {
                picked[i] |= 1 << c;
            }
        }
        // An asset with one snapshot speaking whose fingerprints are all distinct keeps every
        // finding as it is; the others are merged by fingerprint, through a map.
        let mut speaking = vec![0u32; assets.len()];
        for (i, &p) in picked.iter().enumerate() {
            speaking[asset_of[i] as usize] += u32::from(p != 0);
        }
        let alone =
            |i: usize| speaking[asset_of[i] as usize] == 1 && items[i].snapshot.by_fingerprint().1;
        let mut findings: Vec<CurrentFinding> = Vec::with_capacity(
            (0..items.len())
                .filter(|&i| picked[i] != 0)
                .map(|i| items[i].snapshot.findings.len())
                .sum(),
        );
        // Sized once for every finding to merge: growing a map of a million entries rehashes
        // it twenty times over.
        let merged: usize = (0..items.len())
            .filter(|&i| picked[i] != 0 && !alone(i))
            .map(|i| items[i].snapshot.findings.len())
            .sum();
        let mut index: FxHashMap<(u32, u64), usize> =
            FxHashMap::with_capacity_and_hasher(merged, Default::default());
        let mut decided = false;
        for (i, item) in items.iter().enumerate().filter(|(i, _)| picked[*i] != 0) {
            let snapshot = item.snapshot;
            let asset_id = asset_of[i];
            let alone = alone(i);
            for (k, finding) in snapshot.findings.iter().enumerate() {
                if picked[i] & (1 << finding.category as u8) == 0 {
                    continue;
                }
                decided |= finding.decision.is_some();
                let new = CurrentFinding {
                    finding,
                    asset: &snapshot.asset,
                    asset_id,
                    speaking: (i, k as u32),
                    source: i,
                    more_sources: Vec::new(),
                };
                if alone {
                    findings.push(new);
                    continue;
                }
                let key = (asset_id, finding.fingerprint.0);
                match index.get(&key) {
                    None => {
                        index.insert(key, findings.len());
                        findings.push(new);
                    }
                    Some(&at) => {
                        let kept = &mut findings[at];
                        if kept.source != i && !kept.more_sources.contains(&i) {
                            kept.more_sources.push(i);
                        }
                        // Two reports of one problem: the open one, then the more severe one, speaks.
                        let rank = |f: &Finding| (f.status != Status::Open, f.severity);
                        if rank(finding) < rank(kept.finding) {
                            kept.finding = finding;
                            kept.speaking = (i, k as u32);
                        }
                    }
                }
            }
        }

        let superseded = (0..items.len())
            .filter(|&i| picked[i] == 0 && inside[i])
            .collect();
        let outside = (0..items.len()).filter(|&i| !inside[i]).collect();
        Current {
            items,
            assets,
            asset_of,
            selected,
            findings,
            superseded,
            outside,
            decided,
        }
    }

    /// Snapshots that speak although taken before the period began: no newer scan of their
    /// asset. (The state depends only on the period's end, so periods that end together share
    /// it; this depends on the start.)
    pub fn stale(&self, period: Period) -> impl Iterator<Item = usize> + '_ {
        let speaking = |i: usize| {
            self.selected
                .iter()
                .any(|chosen| chosen.binary_search(&i).is_ok())
        };
        (0..self.items.len())
            .filter(move |&i| speaking(i) && !period.contains(self.items[i].taken_at))
    }

    pub fn open(&self) -> impl Iterator<Item = &CurrentFinding<'a>> {
        self.findings
            .iter()
            .filter(|f| f.finding.status == Status::Open)
    }

    pub fn open_in(&self, category: Category) -> impl Iterator<Item = &CurrentFinding<'a>> {
        self.open().filter(move |f| f.finding.category == category)
    }

    pub fn selected_for(&self, category: Category) -> &[usize] {
        &self.selected[category as usize]
    }

    /// Names of the files that speak for a category, in load order.
    pub fn inputs_for(&self, categories: &[Category]) -> Vec<String> {
        let mut indices: Vec<usize> = categories
            .iter()
            .flat_map(|c| self.selected_for(*c).iter().copied())
            .collect();
        indices.sort_unstable();
        indices.dedup();
        indices
            .into_iter()
            .map(|i| self.items[i].name.to_string())
            .collect()
    }

    /// Findings of a category in the selected snapshots that are not open, by status.
    pub fn count_status(&self, category: Category, status: Status) -> usize {
        self.findings
            .iter()
            .filter(|f| f.finding.category == category && f.finding.status == status)
            .count()
    }
}

/// Numbers the distinct assets: `(assets, asset index of each item)`.
pub fn intern_assets<'a>(items: &[Item<'a>]) -> (Vec<&'a Asset>, Vec<u32>) {
    let mut ids: FxHashMap<&Asset, u32> = FxHashMap::default();
    let mut assets = Vec::new();
    let asset_of = items
        .iter()
        .map(|item| {
            *ids.entry(&item.snapshot.asset).or_insert_with(|| {
                assets.push(&item.snapshot.asset);
                (assets.len() - 1) as u32
            })
        })
        .collect();
    (assets, asset_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap_or_default()
    }

    #[test]
    fn the_previous_period_holds_as_many_instants_and_touches_this_one() {
        // 2026-10-16 to 2026-11-30, whole days: 46 days; the 46 before are 2026-08-31 to 10-15,
        // from its first instant (a midnight scan on 08-31 is in it).
        let range = PeriodChoice::Range {
            from: at("2026-10-16T00:00:00Z").0,
            to: at("2026-11-30T23:59:59.999Z").0,
        };
        let now = at("2026-12-04T00:00:00Z");
        let Some(PeriodChoice::Range { from, to }) = range.previous(now) else {
            panic!("a range has a previous period")
        };
        assert_eq!(
            (from, to),
            (
                at("2026-08-31T00:00:00Z").0,
                at("2026-10-15T23:59:59.999Z").0
            )
        );
        // The last 7 days: the instants after 7 days ago, up to now; the 7 before end where
        // they begin.
        let week = PeriodChoice::LastDays(7).resolve(now);
        assert_eq!(week.from, Some(Timestamp(at("2026-11-27T00:00:00Z").0 + 1)));
        let Some(PeriodChoice::Range { from, to }) = PeriodChoice::LastDays(7).previous(now) else {
            panic!("the last 7 days have a previous period")
        };
        assert_eq!(
            (from, to),
            (
                at("2026-11-20T00:00:00Z").0 + 1,
                at("2026-11-27T00:00:00Z").0
            )
        );
    }

    #[test]
    fn a_range_running_past_now_stops_at_now() {
        let now = at("2026-11-20T12:00:00Z");
        let quarter = PeriodChoice::Range {
            from: at("2026-10-01T00:00:00Z").0,
            to: at("2026-12-31T23:59:59.999Z").0,
        };
        let period = quarter.resolve(now);
        assert_eq!(
            (period.from, period.to),
            (Some(at("2026-10-01T00:00:00Z")), Some(now))
        );
        // Wholly in the future: nothing but now.
        let next = PeriodChoice::Range {
            from: at("2027-01-01T00:00:00Z").0,
            to: at("2027-03-31T00:00:00Z").0,
        };
        assert_eq!(next.resolve(now).from, Some(now));
    }
}

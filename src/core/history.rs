//! History without a database: consecutive snapshots of one asset, compared by fingerprint.
//!
//! For each asset and tool, the snapshots that looked for a category are put in time order. A
//! finding open in one snapshot and absent (or no longer open) from the next was fixed at the
//! time of that next snapshot; one that appears was first seen then. A finding already open in
//! the first snapshot has that snapshot's time as first seen: an upper bound on its age is not
//! known, so ages and times to fix are lower bounds, and the formulas say so.

use std::collections::HashMap;

use super::evidence::{Item, Period, intern_assets};
use super::hash::FxHashMap;
use super::model::{Asset, Category, SeriesKey, Severity, Status};
use super::time::Timestamp;

/// One stretch of time a finding was open.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifecycle<'a> {
    pub asset: &'a Asset,
    pub series: SeriesKey<'a>,
    pub fingerprint: u64,
    pub severity: Severity,
    pub first_seen: Timestamp,
    /// The time of the last snapshot that still had it open.
    pub last_seen: Timestamp,
    /// The time of the first snapshot that no longer had it open.
    pub fixed_at: Option<Timestamp>,
}

impl Lifecycle<'_> {
    pub fn days_to_fix(&self) -> Option<f64> {
        self.fixed_at.map(|fixed| fixed.days_since(self.first_seen))
    }
}

/// One asset's snapshots by one tool, for one category, in time order.
#[derive(Clone, Debug)]
pub struct Series {
    /// Indices into the items, oldest first.
    pub snapshots: Vec<usize>,
}

pub struct History<'a> {
    pub series: Vec<Series>,
    pub lifecycles: Vec<Lifecycle<'a>>,
    /// Snapshots left out because nothing says when they were taken.
    pub untimed: usize,
}

impl<'a> History<'a> {
    /// Builds the lifecycles of `category` findings from every snapshot up to the period's end.
    pub fn new(items: &[Item<'a>], category: Category, period: Period) -> History<'a> {
        let (_, asset_of) = intern_assets(items);
        let mut by_stream: FxHashMap<(u32, SeriesKey), Vec<usize>> = FxHashMap::default();
        let mut untimed = 0;
        for (i, item) in items.iter().enumerate() {
            if !item.snapshot.covers.covers(category) {
                continue;
            }
            match item.taken_at {
                None => untimed += 1,
                Some(at) if period.reaches(at) => {
                    by_stream
                        .entry((asset_of[i], item.snapshot.series()))
                        .or_default()
                        .push(i);
                }
                Some(_) => {}
            }
        }
        let mut streams: Vec<Vec<usize>> = by_stream
            .into_values()
            .map(|s| one_per_instant(items, s))
            .collect();
        streams.sort_unstable(); // Deterministic order: by first index.
        if streams.iter().all(|s| s.len() < 2) {
            // One scan per asset: nothing can have been fixed, and no KPI reads lifecycles.
            let series = streams
                .into_iter()
                .map(|snapshots| Series { snapshots })
                .collect();
            return History {
                series,
                lifecycles: Vec::new(),
                untimed,
            };
        }

        let mut lifecycles: Vec<Lifecycle> = Vec::new();
        let mut series = Vec::new();
        for stream in streams {
            // Fingerprint → its open lifecycle.
            let mut open: FxHashMap<u64, usize> = FxHashMap::default();
            for &i in &stream {
                let item = &items[i];
                let Some(at) = item.taken_at else { continue };
                let mut seen_now: Vec<(u64, Severity)> = item
                    .snapshot
                    .findings
                    .iter()
                    .filter(|f| f.category == category && f.status == Status::Open)
                    .map(|f| (f.fingerprint.0, f.severity))
                    .collect();
                seen_now.sort_unstable();
                seen_now.dedup_by_key(|(fingerprint, _)| *fingerprint);
                open.retain(|fingerprint, &mut l| {
                    let still = seen_now
                        .binary_search_by_key(fingerprint, |(f, _)| *f)
                        .is_ok();
                    if !still {
                        lifecycles[l].fixed_at = Some(at);
                    }
                    still
                });
                for (fingerprint, severity) in seen_now {
                    match open.get(&fingerprint) {
                        Some(&l) => {
                            let lifecycle = &mut lifecycles[l];
                            lifecycle.last_seen = at;
                            lifecycle.severity = severity;
                        }
                        None => {
                            open.insert(fingerprint, lifecycles.len());
                            lifecycles.push(Lifecycle {
                                asset: &item.snapshot.asset,
                                series: item.snapshot.series(),
                                fingerprint,
                                severity,
                                first_seen: at,
                                last_seen: at,
                                fixed_at: None,
                            });
                        }
                    }
                }
            }
            series.push(Series { snapshots: stream });
        }
        History {
            series,
            lifecycles,
            untimed,
        }
    }

    /// Whether any asset was scanned twice or more: without that, no fix can be observed.
    pub fn has_history(&self) -> bool {
        self.series.iter().any(|s| s.snapshots.len() >= 2)
    }

    pub fn fixed_in(&self, period: Period) -> impl Iterator<Item = &Lifecycle<'a>> {
        self.lifecycles
            .iter()
            .filter(move |l| l.fixed_at.is_some_and(|at| period.contains(Some(at))))
    }

    /// Open in the latest snapshot of its series, when that snapshot lies in the period.
    pub fn open_at_end(
        &self,
        items: &[Item],
        period: Period,
    ) -> impl Iterator<Item = &Lifecycle<'a>> {
        let latest: HashMap<(&Asset, SeriesKey), Timestamp> = self
            .series
            .iter()
            .filter_map(|s| {
                let item = &items[*s.snapshots.last()?];
                let key = (&item.snapshot.asset, item.snapshot.series());
                Some((key, item.taken_at?))
            })
            .filter(|(_, at)| period.contains(Some(*at)))
            .collect();
        self.lifecycles.iter().filter(move |l| {
            l.fixed_at.is_none() && latest.get(&(l.asset, l.series)) == Some(&l.last_seen)
        })
    }
}

/// A stream in time order, with one snapshot per instant: the same scan loaded twice (or under
/// two names) is one observation, not a history. The one loaded last is kept.
fn one_per_instant(items: &[Item], mut stream: Vec<usize>) -> Vec<usize> {
    stream.sort_by_key(|&i| (items[i].taken_at, i));
    let mut kept: Vec<usize> = Vec::with_capacity(stream.len());
    for i in stream {
        match kept.last_mut() {
            Some(last) if items[*last].taken_at == items[i].taken_at => *last = i,
            _ => kept.push(i),
        }
    }
    kept
}

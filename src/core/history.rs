//! History without a database: the scans of each asset, in time order, compared by fingerprint.
//!
//! An asset's state at an instant follows the rule of `evidence::Current`: each tool's latest
//! scan up to then speaks, and a finding is open while any of them reports it open. So two tools
//! reporting the same vulnerability count it once, and it is fixed when the last of them stops
//! reporting it. Comparing the state after each instant with the state before gives what was new,
//! fixed and reopened then. A finding already open at the asset's first scan has that scan's time
//! as first seen: how long it was open before is not known, so ages and times to fix are lower
//! bounds, and the formulas say so. A finding that disappears and comes back is reopened: it keeps
//! its first-seen date, so its SLA clock is not reset.

use super::evidence::{Item, Period, intern_assets};
use super::hash::FxHashMap;
use super::model::{Asset, Category, Finding, Severity, Status};
use super::time::Timestamp;

/// One finding of one asset, from the scan that first reported it to now.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifecycle<'a> {
    /// The asset's index in [`History::assets`] (the same numbering as `Current::assets`).
    pub asset: u32,
    pub fingerprint: u64,
    /// The finding as last reported, and where: an item and its index in that snapshot.
    pub finding: &'a Finding,
    pub at: (usize, u32),
    pub severity: Severity,
    pub first_seen: Timestamp,
    /// The last instant it was reported open.
    pub last_seen: Timestamp,
    /// The first instant after which no scan reported it open, while it stays closed.
    pub fixed_at: Option<Timestamp>,
    /// Closed by a suppression rather than a fix: a scan then still reported it, suppressed
    /// (an exception, "not affected", a baseline). Not open, and not remediated either: it
    /// counts in no time to fix and no SLA.
    pub suppressed: bool,
    /// How often it came back after it was seen fixed.
    pub reopened: u32,
}

impl Lifecycle<'_> {
    /// Days from first seen to the fix; none while open, or when it was suppressed.
    pub fn days_to_fix(&self) -> Option<f64> {
        self.fixed_at
            .filter(|_| !self.suppressed)
            .map(|fixed| fixed.days_since(self.first_seen))
    }

    /// Seen fixed (not suppressed) and still so.
    pub fn is_fixed(&self) -> bool {
        self.fixed_at.is_some() && !self.suppressed
    }
}

/// An asset's state after one instant at which one or more of its scans were taken.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Instant {
    pub at: Timestamp,
    /// Open findings after it, by severity (`Severity::ALL` order).
    pub open: [u32; 6],
    /// Compared with the instant before: first seen, gone, back after being gone. The asset's
    /// first instant has no before: what it shows is the baseline, not new. Gone but still
    /// reported, suppressed, is not fixed.
    pub new: u32,
    pub fixed: u32,
    pub suppressed: u32,
    pub reopened: u32,
    /// The scans taken then, as indices into the items.
    pub items: Vec<usize>,
}

/// One asset's instants, oldest first.
#[derive(Clone, Debug)]
pub struct AssetHistory<'a> {
    pub asset: &'a Asset,
    pub instants: Vec<Instant>,
}

impl AssetHistory<'_> {
    /// Its instants inside the period.
    pub fn within(&self, period: Period) -> impl Iterator<Item = &Instant> {
        self.instants
            .iter()
            .filter(move |i| period.contains(Some(i.at)))
    }

    /// Its state at `at`: the last instant at or before it.
    pub fn at(&self, at: Timestamp) -> Option<&Instant> {
        let after = self.instants.partition_point(|i| i.at <= at);
        after.checked_sub(1).map(|i| &self.instants[i])
    }
}

pub struct History<'a> {
    /// Every asset scanned for the category, by asset index (assets never scanned for it have
    /// no instants).
    pub assets: Vec<AssetHistory<'a>>,
    /// Empty when no asset has two instants: nothing can have been fixed.
    pub lifecycles: Vec<Lifecycle<'a>>,
    /// Snapshots left out because nothing says when they were taken.
    pub untimed: usize,
    /// (asset, fingerprint) → its lifecycle.
    index: FxHashMap<(u32, u64), usize>,
}

/// A tool's scans of one asset, and what its latest one reports open and suppressed (by
/// fingerprint, sorted).
struct Stream<'a> {
    scans: Vec<usize>,
    open: Vec<Open<'a>>,
    suppressed: Vec<u64>,
}

/// A finding reported open: its fingerprint, itself, and where (item, index in the snapshot).
type Open<'a> = (u64, &'a Finding, (usize, u32));

impl<'a> History<'a> {
    /// Builds the history of `category` findings from every snapshot up to the period's end.
    pub fn new(items: &[Item<'a>], category: Category, period: Period) -> History<'a> {
        let (assets, asset_of) = intern_assets(items);
        let mut streams: FxHashMap<(u32, super::model::SeriesKey), Vec<usize>> =
            FxHashMap::default();
        let mut untimed = 0;
        for (i, item) in items.iter().enumerate() {
            if !item.covers.covers(category) {
                continue;
            }
            match item.taken_at {
                None => untimed += 1,
                Some(at) if period.reaches(at) => {
                    streams
                        .entry((asset_of[i], item.snapshot.series()))
                        .or_default()
                        .push(i);
                }
                Some(_) => {}
            }
        }
        let mut by_asset: Vec<Vec<Vec<usize>>> = vec![Vec::new(); assets.len()];
        for ((asset, _), scans) in streams {
            by_asset[asset as usize].push(one_per_instant(items, scans));
        }
        for asset_streams in &mut by_asset {
            asset_streams.sort_unstable(); // Deterministic order: by first index.
        }
        let with_history = by_asset.iter().any(|streams| {
            let mut times: Vec<Option<Timestamp>> = streams
                .iter()
                .flatten()
                .map(|&i| items[i].taken_at)
                .collect();
            times.sort_unstable();
            times.dedup();
            times.len() >= 2
        });

        let mut history = History {
            assets: assets
                .iter()
                .map(|asset| AssetHistory {
                    asset,
                    instants: Vec::new(),
                })
                .collect(),
            lifecycles: Vec::new(),
            untimed,
            index: FxHashMap::default(),
        };
        for (asset, streams) in by_asset.into_iter().enumerate() {
            if !streams.is_empty() {
                history.follow(asset as u32, streams, items, category, with_history);
            }
        }
        history
    }

    /// Walks one asset's scans in time order, keeping its lifecycles and instants. Without
    /// `lifecycles` (no asset has a history), only the open counts of each instant are kept.
    fn follow(
        &mut self,
        asset: u32,
        streams: Vec<Vec<usize>>,
        items: &[Item<'a>],
        category: Category,
        lifecycles: bool,
    ) {
        // No history anywhere, one tool's scan: the asset's one instant is that scan's count.
        if !lifecycles
            && let [stream] = &streams[..]
            && let [i] = stream[..]
            && let Some(at) = items[i].taken_at
        {
            self.assets[asset as usize].instants = vec![Instant {
                at,
                open: open_counts(items, i, category),
                items: vec![i],
                ..Instant::default()
            }];
            return;
        }
        let mut streams: Vec<Stream> = streams
            .into_iter()
            .map(|scans| Stream {
                scans,
                open: Vec::new(),
                suppressed: Vec::new(),
            })
            .collect();
        // Every (time, stream, scan), in time order.
        let mut scans: Vec<(Timestamp, usize, usize)> = streams
            .iter()
            .enumerate()
            .flat_map(|(s, stream)| {
                stream
                    .scans
                    .iter()
                    .filter_map(move |&i| Some((items[i].taken_at?, s, i)))
            })
            .collect();
        scans.sort_unstable();
        // Fingerprint → how many streams report it open now.
        let mut reporting: FxHashMap<u64, u32> = FxHashMap::default();
        let mut instants: Vec<Instant> = Vec::new();
        let mut start = 0;
        while start < scans.len() {
            let at = scans[start].0;
            let end = start + scans[start..].iter().take_while(|s| s.0 == at).count();
            let first = instants.is_empty();
            let mut instant = Instant {
                at,
                ..Instant::default()
            };
            // Fingerprints whose count changed, with whether they were open before.
            let mut touched: FxHashMap<u64, bool> = FxHashMap::default();
            for &(_, s, i) in &scans[start..end] {
                instant.items.push(i);
                let now = open_in(items, i, category);
                let before = std::mem::replace(&mut streams[s].open, now);
                if !lifecycles {
                    continue;
                }
                streams[s].suppressed = suppressed_in(items, i, category);
                let now = &streams[s].open;
                for fingerprint in difference(&before, now) {
                    let count = reporting.entry(fingerprint).or_default();
                    touched.entry(fingerprint).or_insert(*count > 0);
                    *count -= 1;
                }
                for fingerprint in difference(now, &before) {
                    let count = reporting.entry(fingerprint).or_default();
                    touched.entry(fingerprint).or_insert(*count > 0);
                    *count += 1;
                }
            }
            if lifecycles {
                let mut touched: Vec<(u64, bool)> = touched.into_iter().collect();
                touched.sort_unstable();
                for (fingerprint, was_open) in touched {
                    let open = reporting.get(&fingerprint).is_some_and(|&n| n > 0);
                    match (was_open, open) {
                        (true, false) => {
                            reporting.remove(&fingerprint);
                            let suppressed = streams
                                .iter()
                                .any(|s| s.suppressed.binary_search(&fingerprint).is_ok());
                            if let Some(&l) = self.index.get(&(asset, fingerprint)) {
                                let lifecycle = &mut self.lifecycles[l];
                                lifecycle.fixed_at = Some(at);
                                lifecycle.suppressed = suppressed;
                            }
                            if suppressed {
                                instant.suppressed += 1;
                            } else {
                                instant.fixed += 1;
                            }
                        }
                        (false, true) => match self.index.get(&(asset, fingerprint)) {
                            Some(&l) => {
                                let lifecycle = &mut self.lifecycles[l];
                                // Back from a fix is a reopening; back from a suppression, the
                                // suppression lifted.
                                if !lifecycle.suppressed {
                                    lifecycle.reopened += 1;
                                    instant.reopened += 1;
                                }
                                lifecycle.fixed_at = None;
                                lifecycle.suppressed = false;
                            }
                            None => {
                                let Some((_, finding, position)) = latest(&streams, fingerprint)
                                else {
                                    continue;
                                };
                                self.index
                                    .insert((asset, fingerprint), self.lifecycles.len());
                                self.lifecycles.push(Lifecycle {
                                    asset,
                                    fingerprint,
                                    finding,
                                    at: position,
                                    severity: finding.severity,
                                    first_seen: at,
                                    last_seen: at,
                                    fixed_at: None,
                                    suppressed: false,
                                    reopened: 0,
                                });
                                instant.new += u32::from(!first);
                            }
                        },
                        _ => {}
                    }
                }
            }
            // The state after the instant: every finding some stream reports open.
            let merged: Vec<Open>;
            let open: &[Open] = match &streams[..] {
                [one] => &one.open,
                all => {
                    let mut all: Vec<Open> =
                        all.iter().flat_map(|s| s.open.iter().copied()).collect();
                    // The most severe report of each first: two tools may rate it apart.
                    all.sort_unstable_by_key(|(fingerprint, f, _)| (*fingerprint, f.severity));
                    all.dedup_by_key(|(fingerprint, _, _)| *fingerprint);
                    merged = all;
                    &merged
                }
            };
            for &(fingerprint, finding, position) in open {
                instant.open[finding.severity as usize] += 1;
                if let Some(&l) = self.index.get(&(asset, fingerprint)) {
                    let lifecycle = &mut self.lifecycles[l];
                    lifecycle.last_seen = at;
                    lifecycle.finding = finding;
                    lifecycle.at = position;
                    lifecycle.severity = finding.severity;
                }
            }
            instants.push(instant);
            start = end;
        }
        self.assets[asset as usize].instants = instants;
    }

    /// Whether any asset was scanned at two instants or more: without that, no fix can be seen.
    pub fn has_history(&self) -> bool {
        self.assets.iter().any(|a| a.instants.len() >= 2)
    }

    /// The scans the history was built from, as item indices in load order.
    pub fn inputs(&self) -> Vec<usize> {
        let mut indices: Vec<usize> = self
            .assets
            .iter()
            .flat_map(|a| a.instants.iter().flat_map(|i| i.items.iter().copied()))
            .collect();
        indices.sort_unstable();
        indices
    }

    pub fn lifecycle(&self, asset: u32, fingerprint: u64) -> Option<&Lifecycle<'a>> {
        self.index
            .get(&(asset, fingerprint))
            .map(|&l| &self.lifecycles[l])
    }

    /// Fixed (not suppressed) in the period, and still so.
    pub fn fixed_in(&self, period: Period) -> impl Iterator<Item = &Lifecycle<'a>> {
        self.lifecycles
            .iter()
            .filter(move |l| l.is_fixed() && l.fixed_at.is_some_and(|at| period.contains(Some(at))))
    }

    /// Whether any asset was scanned in the period: what happened in it (fixes) is seen only
    /// through scans in it.
    pub fn scanned_in(&self, period: Period) -> bool {
        self.assets
            .iter()
            .any(|a| a.within(period).next().is_some())
    }

    /// Open at the period's end, as its asset's last scan up to then says: the rule of
    /// `evidence::Current`, so an asset not rescanned in the period keeps its open findings (and
    /// their SLA keeps running), as `critical_open` counts them.
    pub fn open_at_end(&self) -> impl Iterator<Item = &Lifecycle<'a>> {
        self.lifecycles.iter().filter(|l| l.fixed_at.is_none())
    }
}

/// What item `i` reports open in a category, one per fingerprint, sorted.
fn open_in<'a>(items: &[Item<'a>], i: usize, category: Category) -> Vec<Open<'a>> {
    let snapshot = items[i].snapshot;
    let mut open: Vec<Open> = Vec::new();
    for &k in snapshot.by_fingerprint().0 {
        let f = &snapshot.findings[k as usize];
        if f.category != category || f.status != Status::Open {
            continue;
        }
        match open.last_mut() {
            // The same problem listed twice: the most severe report speaks.
            Some(last) if last.0 == f.fingerprint.0 => {
                if f.severity < last.1.severity {
                    *last = (f.fingerprint.0, f, (i, k));
                }
            }
            _ => open.push((f.fingerprint.0, f, (i, k))),
        }
    }
    open
}

/// How many findings item `i` reports open in a category, by severity, one per fingerprint:
/// [`open_in`]'s count, without the list when no fingerprint is listed twice.
fn open_counts(items: &[Item], i: usize, category: Category) -> [u32; 6] {
    let snapshot = items[i].snapshot;
    let mut open = [0; 6];
    if snapshot.by_fingerprint().1 {
        for f in &snapshot.findings {
            if f.category == category && f.status == Status::Open {
                open[f.severity as usize] += 1;
            }
        }
    } else {
        for (_, f, _) in open_in(items, i, category) {
            open[f.severity as usize] += 1;
        }
    }
    open
}

/// What item `i` reports in a category with a suppression, by fingerprint, sorted.
fn suppressed_in(items: &[Item], i: usize, category: Category) -> Vec<u64> {
    let snapshot = items[i].snapshot;
    let mut suppressed: Vec<u64> = (snapshot.by_fingerprint().0.iter())
        .map(|&k| &snapshot.findings[k as usize])
        .filter(|f| f.category == category && f.status == Status::Suppressed)
        .map(|f| f.fingerprint.0)
        .collect();
    suppressed.dedup();
    suppressed
}

/// The fingerprints `a` has and `b` does not; both sorted by fingerprint.
fn difference<'s>(a: &'s [Open], b: &'s [Open]) -> impl Iterator<Item = u64> + 's {
    a.iter()
        .map(|(fingerprint, _, _)| *fingerprint)
        .filter(|fingerprint| b.binary_search_by_key(fingerprint, |(f, _, _)| *f).is_err())
}

/// The report of this fingerprint in the streams' latest scans.
fn latest<'a>(streams: &[Stream<'a>], fingerprint: u64) -> Option<Open<'a>> {
    streams.iter().find_map(|s| {
        s.open
            .binary_search_by_key(&fingerprint, |(f, _, _)| *f)
            .ok()
            .map(|i| s.open[i])
    })
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

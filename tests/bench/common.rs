//! What both benchmarks share: timing runs, reading peak memory, picking generated words.

#![allow(dead_code)]

use std::time::Instant;

use crate::rng::Rng;

/// (best, median) seconds over `runs` runs.
pub fn time(runs: usize, mut run: impl FnMut()) -> (f64, f64) {
    let mut seconds: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_secs_f64()
        })
        .collect();
    seconds.sort_by(f64::total_cmp);
    (seconds[0], seconds[runs / 2])
}

/// This process's peak resident memory in KiB (`VmHWM`, Linux only).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

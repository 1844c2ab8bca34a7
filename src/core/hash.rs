//! A fast, non-cryptographic hasher for the core's internal maps.
//!
//! The keys are fingerprints and small indices computed from the files, never chosen by an
//! attacker against a server (there is none), so std's DoS-resistant SipHash buys nothing here and
//! costs a large share of aggregation time. This is rustc's FxHash: multiply and rotate.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The product's high bits are well mixed, its low bits poorly; hashbrown picks buckets
        // with the low bits, so rotate the good bits down (as rustc-hash 2 does).
        self.0.rotate_left(26)
    }
}

/// What tells one file's content from another's: its length, and a hash of all of it up to
/// [`WHOLE`] bytes; beyond, of its first and last MiB and a 4 KiB sample of every MiB between —
/// a 500 MB log is not read twice to learn that it was dropped twice.
pub fn content_digest(bytes: &[u8]) -> u64 {
    const WHOLE: usize = 4 << 20;
    const MIB: usize = 1 << 20;
    let mut h = FxHasher::default();
    h.write_usize(bytes.len());
    if bytes.len() <= WHOLE {
        h.write(bytes);
    } else {
        h.write(&bytes[..MIB]);
        let mut at = MIB;
        while at + MIB < bytes.len() - MIB {
            h.write(&bytes[at..at + 4096]);
            at += MIB;
        }
        h.write(&bytes[bytes.len() - MIB..]);
    }
    h.finish()
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxHashMap<K, V> = HashMap<K, V, FxBuild>;
pub type FxHashSet<K> = HashSet<K, FxBuild>;

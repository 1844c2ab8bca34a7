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
    let mut digest = Digest::new(bytes.len());
    digest.update(bytes);
    digest.finish()
}

const WHOLE: usize = 4 << 20;
const MIB: usize = 1 << 20;

/// [`content_digest`] of bytes that arrive in pieces: the same value, whatever the pieces.
pub struct Digest {
    h: FxHasher,
    /// The byte ranges hashed, in order, and the next one.
    ranges: Vec<(usize, usize)>,
    next: usize,
    /// Bytes seen so far.
    seen: usize,
    /// The part of the current range seen so far (each range is hashed in one write).
    pending: Vec<u8>,
}

impl Digest {
    /// For content of `len` bytes.
    pub fn new(len: usize) -> Self {
        let mut ranges = Vec::new();
        if len <= WHOLE {
            ranges.push((0, len));
        } else {
            ranges.push((0, MIB));
            let mut at = MIB;
            while at + MIB < len - MIB {
                ranges.push((at, at + 4096));
                at += MIB;
            }
            ranges.push((len - MIB, len));
        }
        let mut h = FxHasher::default();
        h.write_usize(len);
        Digest {
            h,
            ranges,
            next: 0,
            seen: 0,
            pending: Vec::new(),
        }
    }

    pub fn update(&mut self, piece: &[u8]) {
        let (start, end) = (self.seen, self.seen + piece.len());
        self.seen = end;
        while let Some(&(from, to)) = self.ranges.get(self.next) {
            if from >= end {
                break;
            }
            let (a, b) = (from.max(start), to.min(end));
            let part = &piece[a - start..b - start];
            if self.pending.is_empty() && a == from && b == to {
                self.h.write(part);
            } else {
                self.pending.extend_from_slice(part);
                if self.pending.len() < to - from {
                    break;
                }
                self.h.write(&self.pending);
                self.pending.clear();
            }
            self.next += 1;
        }
    }

    pub fn finish(&self) -> u64 {
        self.h.finish()
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxHashMap<K, V> = HashMap<K, V, FxBuild>;
pub type FxHashSet<K> = HashSet<K, FxBuild>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_in_pieces_is_the_digest_of_the_whole() {
        let mut state = 1u64;
        let bytes: Vec<u8> = (0..9 * MIB + 123)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect();
        for len in [0, 10, 3 * MIB, WHOLE, WHOLE + 1, bytes.len()] {
            let whole = content_digest(&bytes[..len]);
            for piece in [1 << 20, 65_536, 4095, 999_983] {
                let mut digest = Digest::new(len);
                bytes[..len].chunks(piece).for_each(|p| digest.update(p));
                assert_eq!(digest.finish(), whole, "{len} in pieces of {piece}");
            }
        }
        // Beyond 4 MiB it samples: a byte between samples does not count, one in the first MiB does.
        let mut changed = bytes.clone();
        changed[2 * MIB + 5000] ^= 1;
        assert_eq!(content_digest(&changed), content_digest(&bytes));
        changed[10] ^= 1;
        assert_ne!(content_digest(&changed), content_digest(&bytes));
    }
}

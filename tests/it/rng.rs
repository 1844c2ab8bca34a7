//! A deterministic generator (xorshift64*): the same sequence on every machine, so a robustness
//! failure reproduces and the benchmark report is the same bytes everywhere. Shared with
//! `tests/bench/throughput.rs` and `tests/bench/logs.rs`.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-enough in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

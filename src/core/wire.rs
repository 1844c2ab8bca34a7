//! What a parse gave, as bytes: how a worker of the pool that parsed a file hands its evidence
//! to the worker that owns the engine. Not a file format: both ends are the same build, so it
//! carries no version, and reading stops (`None`) at anything that is not whole and well formed.
//!
//! Every kind of evidence and a file's failure are written by [`encode_outcome`], the body of
//! each source of a `posture.summary.v1` (`core::summary`), which is why [`ENCODING`] numbers
//! this encoding and a test pins it; the pool carries findings and events ([`encode`]).
//! Shared text stays shared: a [`Text`] already written is written again as its number.

use std::sync::Arc;

use std::collections::BTreeMap;

use super::diagnostics::{FileError, Warning};
use super::formats::{self, Carried, FORMATS, Parsed};
use super::hash::{FxHashMap, content_digest};
use super::model::{Evidence, Text};
use super::time::Timestamp;
use super::unpack::{self, Container};

mod model;

pub use model::layout;

/// The number of this encoding, written in every summary: a summary whose number differs is not
/// read (`core::summary` says which Posture wrote it). Raise it with any change to what is
/// written: a field, an enum's variants or their order, the order of `FORMATS` or
/// [`INCIDENT_SYSTEMS`] (`tests/it/wire.rs` pins the layout, and the bytes of a file of every
/// kind).
pub const ENCODING: u32 = 1;

/// The incident trackers whose ids an [`IncidentLog`](super::model::IncidentLog) keys by, as
/// written.
pub const INCIDENT_SYSTEMS: [&str; 5] = ["posture", "jira", "pagerduty", "sentinel", "thehive"];

/// What a worker of the pool makes of a whole file: its parse as [`Engine::ingest`] would make
/// it (a gzip file is read inside), encoded, or `None` for what only the engine can read (an
/// archive, whose members become sources of their own) and a file that does not parse (the
/// engine says why).
///
/// [`Engine::ingest`]: super::engine::Engine::ingest
pub fn carry(name: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let inner;
    let plain = match unpack::container(bytes) {
        Container::Plain => bytes,
        Container::Gzip => {
            inner = unpack::gunzip(bytes).ok()?;
            if unpack::container(&inner) != Container::Plain {
                return None;
            }
            &inner
        }
        Container::Zip | Container::Tar => return None,
    };
    // A summary's sources become sources of their own.
    if super::summary::is_summary(plain) {
        return None;
    }
    let carried = Carried {
        digest: content_digest(plain),
        size: plain.len() as u64,
        parsed: formats::load(name, plain).ok()?,
    };
    encode(&carried)
}

/// `None` for evidence other than findings and events: the other kinds are small, and a
/// file holding one is read again by the worker that owns the engine (whose code stays
/// smaller for not writing them).
pub fn encode(carried: &Carried) -> Option<Vec<u8>> {
    let mut w = Writer::default();
    let Parsed { evidence, warnings } = &carried.parsed;
    match evidence {
        Evidence::Findings(s) => {
            w.byte(0);
            s.put(&mut w);
        }
        Evidence::Events(l) => {
            w.byte(1);
            l.put(&mut w);
        }
        _ => return None,
    }
    put_warnings(warnings, &mut w);
    carried.digest.put(&mut w);
    carried.size.put(&mut w);
    Some(w.bytes)
}

pub fn decode(bytes: &[u8]) -> Option<Carried> {
    let mut r = Reader::new(bytes);
    let carried = Carried {
        parsed: get_parsed(&mut r)?,
        digest: Wire::get(&mut r)?,
        size: Wire::get(&mut r)?,
    };
    r.done(carried)
}

/// What became of one file: its parse, or why it has none (a summary's body of a source).
pub fn encode_outcome(outcome: Result<(&Evidence, &[Warning]), &FileError>) -> Option<Vec<u8>> {
    let mut w = Writer::default();
    match outcome {
        Ok((evidence, warnings)) => {
            w.byte(0);
            put_parsed(evidence, warnings, &mut w)?;
        }
        Err(error) => {
            w.byte(1);
            error.put(&mut w);
        }
    }
    Some(w.bytes)
}

pub fn decode_outcome(bytes: &[u8]) -> Option<Result<Parsed, FileError>> {
    let mut r = Reader::new(bytes);
    let outcome = match r.byte()? {
        0 => Ok(get_parsed(&mut r)?),
        1 => Err(Wire::get(&mut r)?),
        _ => return None,
    };
    r.done(outcome)
}

fn put_parsed(evidence: &Evidence, warnings: &[Warning], w: &mut Writer) -> Option<()> {
    // A format not in the registry would read back as nothing: say so now.
    FORMATS.iter().find(|f| f.id == evidence.format())?;
    match evidence {
        Evidence::Findings(s) => {
            w.byte(0);
            s.put(w);
        }
        Evidence::Events(l) => {
            w.byte(1);
            l.put(w);
        }
        Evidence::Incidents(l) => {
            w.byte(2);
            INCIDENT_SYSTEMS.iter().find(|s| **s == l.system)?;
            l.put(w);
        }
        Evidence::Measurements(m) => {
            w.byte(3);
            m.put(w);
        }
        Evidence::Inventory(i) => {
            w.byte(4);
            i.put(w);
        }
        Evidence::Decisions(d) => {
            w.byte(5);
            d.put(w);
        }
    }
    put_warnings(warnings, w);
    Some(())
}

fn put_warnings(warnings: &[Warning], w: &mut Writer) {
    w.varint(warnings.len() as u64);
    warnings.iter().for_each(|warning| warning.put(w));
}

fn get_parsed(r: &mut Reader) -> Option<Parsed> {
    let evidence = match r.byte()? {
        0 => Evidence::Findings(Wire::get(r)?),
        1 => Evidence::Events(Wire::get(r)?),
        2 => Evidence::Incidents(Wire::get(r)?),
        3 => Evidence::Measurements(Wire::get(r)?),
        4 => Evidence::Inventory(Wire::get(r)?),
        5 => Evidence::Decisions(Wire::get(r)?),
        _ => return None,
    };
    Some(Parsed {
        evidence,
        warnings: Wire::get(r)?,
    })
}

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
    /// Texts written so far, by address, and their numbers.
    texts: FxHashMap<*const u8, u64>,
}

impl Writer {
    fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    /// LEB128: seven bits a byte, low first.
    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
    texts: Vec<Text>,
}

impl<'b> Reader<'b> {
    fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader {
            bytes,
            at: 0,
            texts: Vec::new(),
        }
    }

    /// `value`, when every byte was read: trailing bytes are damage.
    fn done<T>(&self, value: T) -> Option<T> {
        (self.at == self.bytes.len()).then_some(value)
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn str(&mut self) -> Option<&str> {
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self.at.checked_add(len)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(text)
    }

    fn eight(&mut self) -> Option<[u8; 8]> {
        let end = self.at.checked_add(8)?;
        let bytes = self.bytes.get(self.at..end)?.try_into().ok()?;
        self.at = end;
        Some(bytes)
    }

    /// A count of things each at least a byte long: never more than the bytes left, so a
    /// damaged count cannot make a reader reserve gigabytes.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }
}

trait Wire: Sized {
    fn put(&self, w: &mut Writer);
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Wire for u64 {
    fn put(&self, w: &mut Writer) {
        w.varint(*self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.varint()
    }
}

impl Wire for usize {
    fn put(&self, w: &mut Writer) {
        w.varint(*self as u64);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        usize::try_from(r.varint()?).ok()
    }
}

impl Wire for u32 {
    fn put(&self, w: &mut Writer) {
        w.varint(u64::from(*self));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        u32::try_from(r.varint()?).ok()
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Writer) {
        w.byte(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// Its bits, so that a value reads back exactly (NaN included).
impl Wire for f64 {
    fn put(&self, w: &mut Writer) {
        w.bytes.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(f64::from_bits(u64::from_le_bytes(r.eight()?)))
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

impl<K: Wire + Ord + Clone, V: Wire + Clone + Default> Wire for BTreeMap<K, V> {
    fn put(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        for (key, value) in self {
            key.put(w);
            value.put(w);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        // One by one, as the parsers fill theirs (collecting would bring a sort, and `insert`
        // more code, into the worker); the keys were written unique.
        let mut map = BTreeMap::new();
        for _ in 0..r.count()? {
            let key = K::get(r)?;
            *map.entry(key).or_default() = V::get(r)?;
        }
        Some(map)
    }
}

impl Wire for Timestamp {
    fn put(&self, w: &mut Writer) {
        // Zigzag: a time before 1970 stays short.
        w.varint(((self.0 << 1) ^ (self.0 >> 63)) as u64);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.varint()?;
        // Beyond any year a file writes, the bytes are damaged (and the time's arithmetic
        // would overflow).
        Some(Timestamp((n >> 1) as i64 ^ -((n & 1) as i64))).filter(|t| t.in_range())
    }
}

impl Wire for String {
    fn put(&self, w: &mut Writer) {
        w.str(self);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        r.str().map(str::to_string)
    }
}

/// A text's number plus one when it was written before; 0 and the text the first time.
impl Wire for Text {
    fn put(&self, w: &mut Writer) {
        let next = w.texts.len() as u64;
        match w.texts.get(&self.as_ptr()) {
            Some(&n) => w.varint(n + 1),
            None => {
                w.texts.insert(self.as_ptr(), next);
                w.varint(0);
                w.str(self);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match usize::try_from(r.varint()?).ok()? {
            0 => {
                let text: Text = Arc::from(r.str()?);
                r.texts.push(Arc::clone(&text));
                Some(text)
            }
            n => r.texts.get(n - 1).cloned(),
        }
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.byte(0),
            Some(value) => {
                w.byte(1);
                value.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.varint(self.len() as u64);
        self.iter().for_each(|item| item.put(w));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.count()?;
        // A count is at most the bytes left, but each item may be far bigger in memory.
        let mut items = Vec::with_capacity(n.min(1 << 12));
        for _ in 0..n {
            items.push(T::get(r)?);
        }
        Some(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times_read_back() {
        for n in [0, 1, 127, 128, 300, u64::MAX] {
            let mut w = Writer::default();
            n.put(&mut w);
            Timestamp(n as i64).put(&mut w);
            let mut r = Reader::new(&w.bytes);
            assert_eq!(u64::get(&mut r), Some(n));
            assert_eq!(Timestamp::get(&mut r), Some(Timestamp(n as i64)));
            assert_eq!(r.at, w.bytes.len());
        }
    }
}

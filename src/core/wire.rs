//! What a parse gave, as bytes: how a worker of the pool that parsed a file hands its evidence
//! to the worker that owns the engine. Not a file format: both ends are the same build, so it
//! carries no version, and reading stops (`None`) at anything that is not whole and well formed.
//!
//! Findings and events are the evidence that is big (a scanner's report, a log); the other kinds
//! are small, and a file holding one is read again by the worker that owns the engine.
//! Shared text stays shared: a [`Text`] already written is written again as its number.

use std::sync::Arc;

use super::diagnostics::{Location, Warning};
use super::formats::{self, Carried, FORMATS, Parsed};
use super::hash::{FxHashMap, content_digest};
use super::model::{
    Asset, AssetKind, ByFingerprint, Category, Checks, Coverage, Event, EventKind, EventLog,
    Evidence, Finding, Fingerprint, Package, PassFail, PolicyScope, Severity, Snapshot, SourceKind,
    Status, Text, ThreatCategory, Tool, Triage,
};
use super::time::Timestamp;
use super::unpack::{self, Container};

/// What a worker of the pool makes of a whole file: its parse as [`Engine::ingest`] would make
/// it (a gzip file is read inside), encoded, or `None` for what only the engine can read (an archive,
/// whose members become sources of their own), a file that does not parse (the engine says
/// why), or evidence of a kind not carried.
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
    let carried = Carried {
        digest: content_digest(plain),
        size: plain.len() as u64,
        parsed: formats::load(name, plain).ok()?,
    };
    encode(&carried)
}

/// `None` when the evidence is of a kind not carried (see the module's comment).
pub fn encode(carried: &Carried) -> Option<Vec<u8>> {
    let mut w = Writer::default();
    match &carried.parsed.evidence {
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
    carried.parsed.warnings.put(&mut w);
    carried.digest.put(&mut w);
    carried.size.put(&mut w);
    Some(w.bytes)
}

pub fn decode(bytes: &[u8]) -> Option<Carried> {
    let mut r = Reader {
        bytes,
        at: 0,
        texts: Vec::new(),
    };
    let evidence = match r.byte()? {
        0 => Evidence::Findings(Wire::get(&mut r)?),
        1 => Evidence::Events(Wire::get(&mut r)?),
        _ => return None,
    };
    let carried = Carried {
        parsed: Parsed {
            evidence,
            warnings: Wire::get(&mut r)?,
        },
        digest: Wire::get(&mut r)?,
        size: Wire::get(&mut r)?,
    };
    (r.at == bytes.len()).then_some(carried)
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

impl Reader<'_> {
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

impl Wire for Timestamp {
    fn put(&self, w: &mut Writer) {
        // Zigzag: a time before 1970 stays short.
        w.varint(((self.0 << 1) ^ (self.0 >> 63)) as u64);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.varint()?;
        Some(Timestamp((n >> 1) as i64 ^ -((n & 1) as i64)))
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

/// Fieldless enums, as their place in `ALL` (a test checks that it is their discriminant).
macro_rules! wire_enums {
    ($($t:ty),* $(,)?) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                w.byte(*self as u8);
            }
            fn get(r: &mut Reader) -> Option<Self> {
                <$t>::ALL.get(usize::from(r.byte()?)).copied()
            }
        }
    )*};
}

wire_enums!(
    Severity,
    Category,
    Status,
    Triage,
    AssetKind,
    SourceKind,
    EventKind,
    ThreatCategory,
);

/// Structs, field by field in the order given (which must name every field: the literal in
/// `get` does not compile otherwise).
macro_rules! wire_structs {
    ($($t:ident { $($field:ident),* $(,)? })*) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                $(self.$field.put(w);)*
            }
            fn get(r: &mut Reader) -> Option<Self> {
                Some($t { $($field: Wire::get(r)?,)* })
            }
        }
    )*};
}

wire_structs! {
    Tool { name, version }
    Asset { kind, name }
    PassFail { passed, failed }
    Checks { framework, passed, failed, warned, errored, skipped }
    PolicyScope { constraint, kinds, namespaces, excluded_namespaces, violations }
    Package { name, installed, fixed }
    Finding {
        category, severity, severity_raw, rule_id, title, location, package, status, reported,
        decision, fingerprint
    }
    Event { at, kind, actor, target, scope, rule, detail, priority, category, tags, key }
    Location { line, column, path }
    Warning { message, location }
    Snapshot {
        format, tool, asset, reference, taken_at, covers, by_fingerprint, findings, iac_checks,
        compliance, cloud_resources, policy_violations, policy_scopes, note
    }
    EventLog { format, tool, source, kind, events, records, first, last, note }
}

/// A format id (`Snapshot::format`, `EventLog::format`), as its place in the registry; one
/// not in it is written as a place that reads as nothing.
impl Wire for &'static str {
    fn put(&self, w: &mut Writer) {
        let at = FORMATS.iter().position(|f| f.id == *self);
        w.varint(at.map_or(u64::MAX, |at| at as u64));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let at = usize::try_from(r.varint()?).ok()?;
        Some(FORMATS.get(at)?.id)
    }
}

/// The findings' order by fingerprint is made again when first needed, not carried.
impl Wire for ByFingerprint {
    fn put(&self, _: &mut Writer) {}
    fn get(_: &mut Reader) -> Option<Self> {
        Some(ByFingerprint::default())
    }
}

impl Wire for Fingerprint {
    fn put(&self, w: &mut Writer) {
        // Hashes use every bit: eight bytes, not a varint of up to ten.
        w.bytes.extend_from_slice(&self.0.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let end = r.at.checked_add(8)?;
        let bytes = r.bytes.get(r.at..end)?.try_into().ok()?;
        r.at = end;
        Some(Fingerprint(u64::from_le_bytes(bytes)))
    }
}

impl Wire for Coverage {
    fn put(&self, w: &mut Writer) {
        let (sure, assumed) = self.bits();
        w.byte(sure);
        w.byte(assumed);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(Coverage::from_bits(r.byte()?, r.byte()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_is_written_as_its_place_in_all() {
        macro_rules! check {
            ($($t:ty),*) => {$(
                for (i, value) in <$t>::ALL.iter().enumerate() {
                    assert_eq!(*value as usize, i, "{}", stringify!($t));
                }
            )*};
        }
        check!(
            Severity,
            Category,
            Status,
            Triage,
            AssetKind,
            SourceKind,
            EventKind,
            ThreatCategory
        );
    }

    #[test]
    fn numbers_and_times_read_back() {
        for n in [0, 1, 127, 128, 300, u64::MAX] {
            let mut w = Writer::default();
            n.put(&mut w);
            Timestamp(n as i64).put(&mut w);
            let mut r = Reader {
                bytes: &w.bytes,
                at: 0,
                texts: Vec::new(),
            };
            assert_eq!(u64::get(&mut r), Some(n));
            assert_eq!(Timestamp::get(&mut r), Some(Timestamp(n as i64)));
            assert_eq!(r.at, w.bytes.len());
        }
    }
}

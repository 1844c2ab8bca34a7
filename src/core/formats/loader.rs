//! A file that arrives in chunks (the browser's stream of a dropped `File`).
//!
//! Small files, archives and formats without a streaming parser are kept whole and parsed at
//! the end, as [`load`](super::load) always has. A big file of a format with a `stream` parser
//! (Trivy) is parsed while it arrives: the parse runs between chunks, while the browser reads
//! ahead on its own threads, and the bytes are dropped as soon as they are read, so neither the
//! time nor the memory of holding the whole file is paid. Anything the stream did not expect —
//! invalid UTF-8, another key order, broken JSON — makes the loader ask for the file again
//! ([`Loaded::Reread`]), and the whole parser reads it and says precisely what is wrong.

use std::task::{Context, Poll, Waker};

use super::{Carried, FORMATS, Parsed, Streamed};
use crate::core::hash::Digest;
use crate::core::json::feed::{Feed, Stop};
use crate::core::sniff::{self, Shape};
use crate::core::unpack::{self, Container};

/// Files up to this size are kept whole: streaming buys little, and the content digest hashes
/// them whole.
const STREAM_FROM: usize = 4 << 20;

impl Loader {
    /// Whether a file of `size` bytes is parsed as it arrives; a smaller one is read whole,
    /// and may be read ahead of its turn.
    pub fn streams(size: u64) -> bool {
        usize::try_from(size).map_or(true, |size| size > STREAM_FROM)
    }
}

pub struct Loader {
    name: String,
    size: usize,
    received: usize,
    digest: Digest,
    state: State,
}

enum State {
    /// The first bytes, until they say what the file is.
    Head(Vec<u8>),
    Streaming(Box<Streaming>),
    Whole(Vec<u8>),
    Reread,
}

struct Streaming {
    feed: Feed,
    parse: Streamed,
    utf8: Utf8,
    outcome: Option<Result<Parsed, Stop>>,
}

/// What a loader gives at the end.
pub enum Loaded {
    /// Parsed while it arrived.
    Parsed(Box<Carried>),
    /// Every byte, for `Engine::ingest` (which parses, unpacks archives, tells duplicates).
    Whole(Vec<u8>),
    /// The stream could not be parsed: read the file again and hand it over whole.
    Reread,
}

impl Loader {
    /// For a file of `size` bytes, as the browser announced it.
    pub fn new(name: &str, size: u64) -> Self {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let state = if size <= STREAM_FROM {
            let mut bytes = Vec::new();
            // Best effort: a size the allocator refuses is found out when the bytes come.
            let _ = bytes.try_reserve_exact(size);
            State::Whole(bytes)
        } else {
            State::Head(Vec::with_capacity(sniff::BUDGET * 2))
        };
        Loader {
            name: name.to_string(),
            size,
            received: 0,
            digest: Digest::new(size),
            state,
        }
    }

    /// A loader that streams a file of a streaming format whatever its size (above the 1 MiB
    /// that recognition reads): for the worker's rehearsal, which must run the parser big files
    /// use on a small one.
    pub(crate) fn streaming(name: &str, size: u64) -> Self {
        Loader {
            state: State::Head(Vec::new()),
            ..Loader::new(name, size)
        }
    }

    /// Whether the caller should stop reading: the file will have to be read again.
    pub fn rereading(&self) -> bool {
        matches!(self.state, State::Reread)
    }

    /// Bytes held in memory now.
    pub fn held(&self) -> usize {
        match &self.state {
            State::Head(bytes) | State::Whole(bytes) => bytes.len(),
            State::Streaming(s) => s.feed.held(),
            State::Reread => 0,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.received += chunk.len();
        self.digest.update(chunk);
        match &mut self.state {
            State::Whole(bytes) => bytes.extend_from_slice(chunk),
            State::Head(head) => {
                head.extend_from_slice(chunk);
                if head.len() > sniff::BUDGET {
                    let head = std::mem::take(head);
                    self.state = start(&self.name, head, self.size);
                }
            }
            State::Streaming(s) => {
                let Streaming {
                    feed,
                    parse,
                    utf8,
                    outcome,
                } = &mut **s;
                if !utf8.check(chunk) {
                    self.state = State::Reread;
                    return;
                }
                feed.push(chunk);
                poll(feed, parse, outcome);
                if matches!(outcome, Some(Err(Stop))) {
                    self.state = State::Reread;
                }
            }
            State::Reread => {}
        }
    }

    pub fn finish(self) -> Loaded {
        match self.state {
            State::Head(bytes) | State::Whole(bytes) => Loaded::Whole(bytes),
            State::Reread => Loaded::Reread,
            State::Streaming(s) => {
                let Streaming {
                    feed,
                    mut parse,
                    utf8,
                    mut outcome,
                } = *s;
                // A size that changed while reading would have sampled the wrong bytes.
                if !utf8.complete() || self.received != self.size {
                    return Loaded::Reread;
                }
                feed.end();
                poll(&feed, &mut parse, &mut outcome);
                match outcome {
                    Some(Ok(parsed)) => Loaded::Parsed(Box::new(Carried {
                        parsed,
                        digest: self.digest.finish(),
                        size: self.size as u64,
                    })),
                    _ => Loaded::Reread,
                }
            }
        }
    }
}

/// Decides, from the first bytes, whether the file is parsed as it arrives.
fn start(name: &str, head: Vec<u8>, size: usize) -> State {
    let whole = |mut head: Vec<u8>| {
        // Best effort, as in `Loader::new`.
        let _ = head.try_reserve_exact(size.saturating_sub(head.len()));
        State::Whole(head)
    };
    if unpack::container(&head) != Container::Plain {
        return whole(head);
    }
    // A UTF-8 byte-order mark is skipped; UTF-16 is converted by the whole path.
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let sniffed = sniff::sniff(text);
    let format = FORMATS.iter().find(|f| (f.detect)(&sniffed));
    let Some(stream) = format
        .and_then(|f| f.stream)
        .filter(|_| sniffed.shape == Shape::Object)
    else {
        return whole(head);
    };
    let mut utf8 = Utf8::default();
    if !utf8.check(text) {
        return whole(head);
    }
    let feed = Feed::default();
    feed.push(text);
    let mut parse = stream(feed.clone(), name.to_string());
    let mut outcome = None;
    poll(&feed, &mut parse, &mut outcome);
    if matches!(outcome, Some(Err(Stop))) {
        return State::Reread;
    }
    State::Streaming(Box::new(Streaming {
        feed,
        parse,
        utf8,
        outcome,
    }))
}

/// Lets the parse run on what has arrived.
fn poll(feed: &Feed, parse: &mut Streamed, outcome: &mut Option<Result<Parsed, Stop>>) {
    if outcome.is_some() || !feed.ready() {
        return;
    }
    if let Poll::Ready(done) = parse.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        *outcome = Some(done);
    }
}

/// UTF-8 checked chunk by chunk: a character cut by a chunk's end is completed by the next.
#[derive(Default)]
struct Utf8 {
    carry: Vec<u8>,
}

impl Utf8 {
    fn check(&mut self, chunk: &[u8]) -> bool {
        let mut rest = chunk;
        if let Some(&lead) = self.carry.first() {
            let len = match lead {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = (len - self.carry.len()).min(rest.len());
            self.carry.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.carry.len() < len {
                return true;
            }
            if std::str::from_utf8(&self.carry).is_err() {
                return false;
            }
            self.carry.clear();
        }
        match check_utf8(rest) {
            Ok(()) => true,
            Err(Some(cut)) => {
                self.carry.extend_from_slice(&rest[cut..]);
                true
            }
            Err(None) => false,
        }
    }

    /// No character was left cut at the end.
    fn complete(&self) -> bool {
        self.carry.is_empty()
    }
}

/// Whether `b` is UTF-8: `Err(Some(at))` when it is up to a character cut at `at` by the end,
/// `Err(None)` when it is not. Reports are nearly all ASCII: 64 bytes at a time are checked for
/// a high bit in eight 64-bit words, and only a block with one goes to `str::from_utf8` (which
/// reads a 32-bit word at a time on wasm32).
fn check_utf8(b: &[u8]) -> Result<(), Option<usize>> {
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let mut i = 0;
    while i < b.len() {
        if i + 64 <= b.len() && (0..8).fold(0, |acc, k| acc | word(i + 8 * k)) & HIGHS == 0 {
            i += 64;
            continue;
        }
        // A block with something else: from here, a few KiB the slow way.
        let end = (i + 4096).min(b.len());
        match std::str::from_utf8(&b[i..end]) {
            Ok(_) => i = end,
            Err(e) if e.error_len().is_some() => return Err(None),
            // Cut by the window: go on from the cut character, unless it is the very end.
            Err(e) if end == b.len() => return Err(Some(i + e.valid_up_to())),
            Err(e) => i += e.valid_up_to(),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_checked_as_std_checks_it() {
        let text =
            "plain ascii, then é, 漢字 and 🦀, and more plain text to fill a block ".repeat(40);
        let bytes = text.as_bytes();
        for end in (0..bytes.len()).step_by(7) {
            let expected = match std::str::from_utf8(&bytes[..end]) {
                Ok(_) => Ok(()),
                Err(e) => Err(Some(e.valid_up_to())),
            };
            assert_eq!(check_utf8(&bytes[..end]), expected, "{end}");
        }
        let mut bad = bytes.to_vec();
        bad[2000] = 0xFF;
        assert_eq!(check_utf8(&bad), Err(None));
        // A chunk cut inside a character, completed by the next.
        let mut utf8 = Utf8::default();
        let cut = text.find('漢').unwrap() + 1;
        assert!(utf8.check(&bytes[..cut]) && !utf8.complete());
        assert!(utf8.check(&bytes[cut..]) && utf8.complete());
    }
}

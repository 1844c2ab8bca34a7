//! Reading one JSON document while its bytes are still arriving.
//!
//! A [`Feed`] is a window on the document: the browser's chunks are pushed in at one end, the
//! reader consumes from the other, and what was consumed is dropped, so a 100 MB report is
//! parsed while it is read, in a few MiB of memory that stay in cache. A [`Cursor`] walks the
//! document's structure with async steps; each step either completes on the bytes at hand or
//! waits for more (the caller polls again after each push: see `formats::Loader`). Records —
//! a vulnerability, a misconfiguration — are read by serde_json from the window in one go,
//! borrowed, and retried from their start when they were cut by the end of a chunk.
//!
//! The cursor is a fast path, not a validator: whatever it does not expect ([`Stop`]) sends the
//! file to the whole-document parser, which reads it as it always has and says precisely what is
//! wrong. So the cursor never has to describe an error, only to never accept a document the
//! whole parser would read differently.

use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;

use serde::de::DeserializeOwned;

use super::skip::{Scan, Skip, find_special};

/// The document cannot be read as a stream; read it whole.
#[derive(Debug, PartialEq, Eq)]
pub struct Stop;

/// Bytes consumed before the window drops them (a memmove of what is left, amortised).
const DROP_AFTER: usize = 1 << 20;

#[derive(Default)]
struct Window {
    bytes: Vec<u8>,
    /// Offset in the document of `bytes[0]`.
    base: usize,
    /// Offset in the document of the next byte to read.
    pos: usize,
    /// No more bytes will come.
    done: bool,
    /// Offset the reader waits for: polling before the window reaches it is wasted.
    want: usize,
}

impl Window {
    fn unread(&self) -> &[u8] {
        &self.bytes[self.pos - self.base..]
    }

    fn end(&self) -> usize {
        self.base + self.bytes.len()
    }
}

/// The shared window: the loader pushes, the cursor reads.
#[derive(Clone, Default)]
pub struct Feed(Rc<RefCell<Window>>);

impl Feed {
    pub fn push(&self, chunk: &[u8]) {
        let mut w = self.0.borrow_mut();
        let consumed = w.pos - w.base;
        if consumed >= DROP_AFTER && consumed * 2 >= w.bytes.len() {
            w.bytes.drain(..consumed);
            w.base = w.pos;
        }
        w.bytes.extend_from_slice(chunk);
    }

    /// No more bytes: steps waiting for more now complete or stop.
    pub fn end(&self) {
        self.0.borrow_mut().done = true;
    }

    /// Whether the reader could make progress if polled now.
    pub fn ready(&self) -> bool {
        let w = self.0.borrow();
        w.done || w.end() >= w.want
    }

    /// Bytes held now (for memory accounting and tests).
    pub fn held(&self) -> usize {
        self.0.borrow().bytes.len()
    }
}

/// One step's outcome on the bytes at hand.
enum Step<T> {
    /// The value and how many bytes it took.
    Done(T, usize),
    /// The bytes at hand end before the step does.
    More,
    Stop,
}

/// Walks a document in a [`Feed`].
pub struct Cursor {
    feed: Feed,
}

/// Where an object's members stand: before the first, or after one.
pub struct Members {
    first: bool,
}

/// Where an array's elements stand.
pub struct Elements {
    first: bool,
}

impl Cursor {
    pub fn new(feed: Feed) -> Self {
        Cursor { feed }
    }

    /// Runs `step` on the unread bytes until it completes, waiting for more each time it says
    /// the bytes ended too early. A step that needs more waits until the window has twice what
    /// it had, so a value cut many times is rescanned a bounded number of times.
    async fn run<T>(&mut self, mut step: impl FnMut(&[u8], bool) -> Step<T>) -> Result<T, Stop> {
        loop {
            let outcome = {
                let w = self.feed.0.borrow();
                step(w.unread(), w.done)
            };
            match outcome {
                Step::Done(value, used) => {
                    self.feed.0.borrow_mut().pos += used;
                    return Ok(value);
                }
                Step::Stop => return Err(Stop),
                Step::More => {
                    {
                        let mut w = self.feed.0.borrow_mut();
                        if w.done {
                            return Err(Stop);
                        }
                        let unread = w.end() - w.pos;
                        w.want = w.end() + unread.max(1);
                    }
                    self.more().await;
                }
            }
        }
    }

    /// Waits until the window has what the reader wants, or the document has ended.
    async fn more(&self) {
        poll_fn(|_| {
            if self.feed.ready() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        // The first poll after a push comes straight here; the loop re-runs the step.
    }

    /// The next significant byte, not consumed (whitespace before it is).
    pub async fn peek(&mut self) -> Result<u8, Stop> {
        self.run(|b, _| match ws(b) {
            n if n < b.len() => Step::Done(b[n], n),
            _ => Step::More,
        })
        .await
    }

    /// An object's `{`, or `None` for `null`.
    pub async fn object(&mut self) -> Result<Option<Members>, Stop> {
        Ok(self.open(b'{').await?.then_some(Members { first: true }))
    }

    /// An array's `[`, or `None` for `null`.
    pub async fn array(&mut self) -> Result<Option<Elements>, Stop> {
        Ok(self.open(b'[').await?.then_some(Elements { first: true }))
    }

    async fn open(&mut self, bracket: u8) -> Result<bool, Stop> {
        self.run(|b, _| {
            let n = ws(b);
            match b.get(n) {
                None => Step::More,
                Some(&c) if c == bracket => Step::Done(true, n + 1),
                Some(b'n') => match literal(&b[n..], b"null") {
                    Some(true) => Step::Done(false, n + 4),
                    Some(false) => Step::Stop,
                    None => Step::More,
                },
                Some(_) => Step::Stop,
            }
        })
        .await
    }

    /// The next member's key, with its `:` consumed, or `None` after the closing `}`.
    pub async fn key(&mut self, members: &mut Members) -> Result<Option<String>, Stop> {
        let first = members.first;
        let key = self
            .run(|b, _| {
                let mut n = ws(b);
                match b.get(n) {
                    None => return Step::More,
                    Some(b'}') => return Step::Done(None, n + 1),
                    Some(b',') if !first => n += 1 + ws(&b[n + 1..]),
                    Some(b'"') if first => {}
                    Some(_) => return Step::Stop,
                }
                let Some(key) = b.get(n..) else {
                    return Step::More;
                };
                let (text, len) = match string(key) {
                    Step::Done(text, len) => (text, len),
                    Step::More => return Step::More,
                    Step::Stop => return Step::Stop,
                };
                let colon = n + len + ws(&b[n + len..]);
                match b.get(colon) {
                    None => Step::More,
                    Some(b':') => Step::Done(Some(text), colon + 1),
                    Some(_) => Step::Stop,
                }
            })
            .await?;
        members.first = false;
        Ok(key)
    }

    /// Whether another element follows (its first byte is at hand, not consumed), or `false`
    /// after the closing `]`.
    pub async fn next(&mut self, elements: &mut Elements) -> Result<bool, Stop> {
        let first = elements.first;
        let more = self
            .run(|b, _| {
                let mut n = ws(b);
                match b.get(n) {
                    None => return Step::More,
                    Some(b']') => return Step::Done(false, n + 1),
                    Some(b',') if !first => n += 1 + ws(&b[n + 1..]),
                    Some(_) if first => {}
                    Some(_) => return Step::Stop,
                }
                match b.get(n) {
                    None => Step::More,
                    Some(b']' | b',' | b'}' | b':') => Step::Stop,
                    Some(_) => Step::Done(true, n),
                }
            })
            .await?;
        elements.first = false;
        Ok(more)
    }

    /// A small value, owned, read by serde_json.
    pub async fn value<T: DeserializeOwned>(&mut self) -> Result<T, Stop> {
        self.run(|b, done| {
            let mut values = serde_json::Deserializer::from_slice(b).into_iter::<T>();
            match values.next() {
                Some(Ok(value)) => {
                    let used = values.byte_offset();
                    // A number or literal that ends with the bytes at hand may go on.
                    if used == b.len() && !done {
                        Step::More
                    } else {
                        Step::Done(value, used)
                    }
                }
                Some(Err(e)) if e.is_eof() => Step::More,
                None if !done => Step::More,
                _ => Step::Stop,
            }
        })
        .await
    }

    /// A record, borrowed from the window: `read` deserializes one value from the start of the
    /// slice, uses it, and returns how many bytes it took. It must read an object or an array
    /// (self-delimiting), and use the value only once it has it whole: it is called again from
    /// the record's start when the bytes at hand ended inside it.
    pub async fn record(
        &mut self,
        mut read: impl FnMut(&[u8]) -> Result<usize, Unread>,
    ) -> Result<(), Stop> {
        self.run(|b, _| match read(b) {
            Ok(used) => Step::Done((), used),
            Err(Unread::Cut) => Step::More,
            Err(Unread::Invalid) => Step::Stop,
        })
        .await
    }

    /// Each record of a list, read by `read(bytes, index)` as [`Cursor::record`] reads one;
    /// whether there was a list (not null).
    pub async fn records(
        &mut self,
        mut read: impl FnMut(&[u8], usize) -> Result<usize, Unread>,
    ) -> Result<bool, Stop> {
        let Some(mut items) = self.array().await? else {
            return Ok(false);
        };
        let mut index = 0;
        while self.next(&mut items).await? {
            self.record(|b| read(b, index)).await?;
            index += 1;
        }
        Ok(true)
    }

    /// Skips one value of any size, consuming as it goes, so a long list the reader does not
    /// use is never held whole.
    pub async fn skip(&mut self) -> Result<(), Stop> {
        let mut skip = Skip::default();
        loop {
            let finished = self
                .run(|b, done| match skip.scan(b) {
                    Scan::Ended(used) => Step::Done(true, used),
                    Scan::Invalid => Step::Stop,
                    // A number at the very end of the document ends there.
                    Scan::Partial(used) if done && skip.complete_at_end() => Step::Done(true, used),
                    Scan::Partial(0) => Step::More,
                    Scan::Partial(used) => Step::Done(false, used),
                })
                .await?;
            if finished {
                return Ok(());
            }
        }
    }

    /// The end of the document: nothing but whitespace may follow.
    pub async fn end(&mut self) -> Result<(), Stop> {
        self.run(|b, done| {
            let n = ws(b);
            match (n < b.len(), done) {
                (true, _) => Step::Stop,
                (false, true) => Step::Done((), n),
                (false, false) => Step::More,
            }
        })
        .await
    }
}

/// The length of leading JSON whitespace.
fn ws(b: &[u8]) -> usize {
    b.iter()
        .position(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
        .unwrap_or(b.len())
}

/// Whether `b` starts with `word`: `None` when it is too short to tell.
fn literal(b: &[u8], word: &[u8]) -> Option<bool> {
    let n = b.len().min(word.len());
    if b[..n] != word[..n] {
        return Some(false);
    }
    (n == word.len()).then_some(true)
}

/// A JSON string at the start of `b`, decoded, and its length with both quotes.
fn string(b: &[u8]) -> Step<String> {
    match b.first() {
        None => return Step::More,
        Some(b'"') => {}
        Some(_) => return Step::Stop,
    }
    let body = &b[1..];
    match find_special(body) {
        None => Step::More,
        Some(at) if body[at] == b'"' => match std::str::from_utf8(&body[..at]) {
            Ok(text) => Step::Done(text.to_string(), at + 2),
            Err(_) => Step::Stop,
        },
        // A control character: not JSON.
        Some(at) if body[at] != b'\\' => Step::Stop,
        // Escapes in a key are rare: serde_json decodes them.
        Some(_) => {
            let mut values = serde_json::Deserializer::from_slice(b).into_iter::<String>();
            match values.next() {
                Some(Ok(text)) => Step::Done(text, values.byte_offset()),
                Some(Err(e)) if e.is_eof() => Step::More,
                _ => Step::Stop,
            }
        }
    }
}

/// Why a record could not be read from the bytes at hand.
pub enum Unread {
    /// They end inside it.
    Cut,
    /// It is not what the reader expects.
    Invalid,
}

/// Reads one value from the start of `b` and gives it to `use_it`; the bytes it took. For
/// [`Cursor::record`].
pub fn one<'de, T: serde::Deserialize<'de>>(
    b: &'de [u8],
    use_it: impl FnOnce(T),
) -> Result<usize, Unread> {
    let mut values = serde_json::Deserializer::from_slice(b).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => {
            let used = values.byte_offset();
            use_it(value);
            Ok(used)
        }
        Some(Err(e)) if e.is_eof() => Err(Unread::Cut),
        Some(Err(_)) => Err(Unread::Invalid),
        // Only whitespace at hand.
        None => Err(Unread::Cut),
    }
}

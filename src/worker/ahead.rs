//! Reading small files ahead of their turn, when there is no pool to give them to.

use std::collections::VecDeque;

use web_sys::File;

use super::bytes_of;
use crate::core::formats::Loader;

/// Small files read ahead of their turn, at most this many and this many bytes at once: each
/// read waits on the browser for a few milliseconds whatever its size, so a folder of a
/// thousand small files is read mostly while earlier ones are parsed.
const READ_AHEAD_FILES: usize = 16;
const READ_AHEAD_BYTES: u64 = 64 << 20;

/// Reads of small files started before their turn (see [`READ_AHEAD_FILES`]).
#[derive(Default)]
pub struct ReadAhead {
    /// File index → its read, in file order.
    reads: VecDeque<(usize, u64, js_sys::Promise)>,
    /// The next file to consider.
    next: usize,
}

impl ReadAhead {
    /// Starts reads from file `at` on, within the bounds: the current file's too.
    pub fn start(&mut self, files: &[Option<File>], at: usize) {
        self.next = self.next.max(at);
        while self.next < files.len() && self.reads.len() < READ_AHEAD_FILES {
            let Some(file) = &files[self.next] else {
                self.next += 1;
                continue;
            };
            let size = file.size() as u64;
            // A big file is streamed in its turn.
            if Loader::streams(size) {
                self.next += 1;
                continue;
            }
            let held: u64 = self.reads.iter().map(|r| r.1).sum();
            if !self.reads.is_empty() && held + size > READ_AHEAD_BYTES {
                break;
            }
            self.reads.push_back((self.next, size, file.array_buffer()));
            self.next += 1;
        }
    }

    /// File `at`'s bytes, when they are being read ahead.
    pub fn take(&mut self, at: usize) -> Option<impl Future<Output = Result<Vec<u8>, String>>> {
        if self.reads.front().is_none_or(|r| r.0 != at) {
            return None;
        }
        let (_, _, read) = self.reads.pop_front()?;
        Some(bytes_of(read))
    }
}

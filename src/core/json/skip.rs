//! Skipping one JSON value the way serde_json's `ignore_value` does, resumable between chunks:
//! what the stream skips must be JSON the whole parser would accept, or the stream would load a
//! file the whole parser refuses. So the grammar is checked, not only the brackets: commas and
//! colons, escapes, control characters in strings, numbers (`01`, `1.`, `-` are not) and
//! literals. Nesting is bounded (the skip's memory), deeper stops the stream.

/// The skip's progress through a value.
#[derive(Default)]
pub(super) struct Skip {
    /// Open containers, `{` or `[`.
    stack: Vec<u8>,
    state: State,
}

#[derive(Clone, Copy, Default)]
enum State {
    /// A value must come; `close` when it may instead be the end of an empty array.
    #[default]
    Value,
    ValueOrClose,
    /// A key must come; `close` when it may instead be the end of an empty object.
    Key,
    KeyOrClose,
    Colon,
    /// A value has ended.
    After,
    String {
        key: bool,
        escape: Escape,
    },
    Number(Number),
    Literal {
        word: &'static [u8],
        at: u8,
    },
}

#[derive(Clone, Copy)]
enum Escape {
    None,
    Backslash,
    /// Hex digits of a `\u` escape still to come.
    Hex(u8),
}

/// Where a number stands: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Number {
    Minus,
    Zero,
    Integer,
    Dot,
    Fraction,
    E,
    ExponentSign,
    Exponent,
}

impl Number {
    /// Whether the number may end here.
    fn complete(self) -> bool {
        matches!(
            self,
            Number::Zero | Number::Integer | Number::Fraction | Number::Exponent
        )
    }

    fn next(self, c: u8) -> Option<Number> {
        use Number::*;
        Some(match (self, c) {
            (Minus, b'0') => Zero,
            (Minus, b'1'..=b'9') => Integer,
            (Integer, b'0'..=b'9') => Integer,
            (Zero | Integer, b'.') => Dot,
            (Dot | Fraction, b'0'..=b'9') => Fraction,
            (Zero | Integer | Fraction, b'e' | b'E') => E,
            (E, b'+' | b'-') => ExponentSign,
            (E | ExponentSign | Exponent, b'0'..=b'9') => Exponent,
            _ => return None,
        })
    }
}

/// What a scan of some bytes found.
pub(super) enum Scan {
    /// The value ended; the bytes it took.
    Ended(usize),
    /// All of these bytes belong to the value, which goes on.
    Partial(usize),
    /// Not JSON.
    Invalid,
}

/// Containers open at once, at most: deeper, the stream stops and the whole parser decides.
const MAX_DEPTH: usize = 100;

impl Skip {
    /// Whether the value is whole if the document ends here (a number at the very end).
    pub(super) fn complete_at_end(&self) -> bool {
        match self.state {
            State::After => self.stack.is_empty(),
            State::Number(n) => self.stack.is_empty() && n.complete(),
            _ => false,
        }
    }

    pub(super) fn scan(&mut self, b: &[u8]) -> Scan {
        let mut i = 0;
        while i < b.len() {
            if let State::String { key, escape } = &mut self.state {
                match *escape {
                    Escape::None => {
                        let Some(at) = find_special(&b[i..]) else {
                            return Scan::Partial(b.len());
                        };
                        i += at;
                        match b[i] {
                            b'"' => {
                                self.state = if *key { State::Colon } else { State::After };
                            }
                            b'\\' => *escape = Escape::Backslash,
                            _ => return Scan::Invalid,
                        }
                    }
                    Escape::Backslash => match b[i] {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                            *escape = Escape::None;
                        }
                        b'u' => *escape = Escape::Hex(4),
                        _ => return Scan::Invalid,
                    },
                    Escape::Hex(left) => {
                        if !b[i].is_ascii_hexdigit() {
                            return Scan::Invalid;
                        }
                        *escape = if left == 1 {
                            Escape::None
                        } else {
                            Escape::Hex(left - 1)
                        };
                    }
                }
                i += 1;
                if matches!(self.state, State::After) && self.stack.is_empty() {
                    return Scan::Ended(i);
                }
                continue;
            }
            let c = b[i];
            match self.state {
                State::Number(n) => match n.next(c) {
                    Some(next) => self.state = State::Number(next),
                    // The number ends before this byte, which is looked at again.
                    None if n.complete() => {
                        self.state = State::After;
                        if self.stack.is_empty() {
                            return Scan::Ended(i);
                        }
                        continue;
                    }
                    None => return Scan::Invalid,
                },
                State::Literal { word, at } => {
                    if word.get(usize::from(at)) != Some(&c) {
                        return Scan::Invalid;
                    }
                    if usize::from(at) + 1 == word.len() {
                        self.state = State::After;
                        if self.stack.is_empty() {
                            return Scan::Ended(i + 1);
                        }
                    } else {
                        self.state = State::Literal { word, at: at + 1 };
                    }
                }
                _ if matches!(c, b' ' | b'\n' | b'\r' | b'\t') => {}
                State::Value | State::ValueOrClose => match c {
                    b'{' | b'[' => {
                        if self.stack.len() >= MAX_DEPTH {
                            return Scan::Invalid;
                        }
                        self.stack.push(c);
                        self.state = if c == b'{' {
                            State::KeyOrClose
                        } else {
                            State::ValueOrClose
                        };
                    }
                    b'"' => {
                        self.state = State::String {
                            key: false,
                            escape: Escape::None,
                        }
                    }
                    b'-' => self.state = State::Number(Number::Minus),
                    b'0' => self.state = State::Number(Number::Zero),
                    b'1'..=b'9' => self.state = State::Number(Number::Integer),
                    b't' | b'f' | b'n' => {
                        let word: &'static [u8] = match c {
                            b't' => b"true",
                            b'f' => b"false",
                            _ => b"null",
                        };
                        self.state = State::Literal { word, at: 1 };
                    }
                    b']' if matches!(self.state, State::ValueOrClose) => {
                        if let Some(ended) = self.close() {
                            return Scan::Ended(i + ended);
                        }
                    }
                    _ => return Scan::Invalid,
                },
                State::Key | State::KeyOrClose => match c {
                    b'"' => {
                        self.state = State::String {
                            key: true,
                            escape: Escape::None,
                        }
                    }
                    b'}' if matches!(self.state, State::KeyOrClose) => {
                        if let Some(ended) = self.close() {
                            return Scan::Ended(i + ended);
                        }
                    }
                    _ => return Scan::Invalid,
                },
                State::Colon => match c {
                    b':' => self.state = State::Value,
                    _ => return Scan::Invalid,
                },
                State::After => match (c, self.stack.last()) {
                    (b',', Some(b'{')) => self.state = State::Key,
                    (b',', Some(_)) => self.state = State::Value,
                    (b'}', Some(b'{')) | (b']', Some(b'[')) => {
                        if let Some(ended) = self.close() {
                            return Scan::Ended(i + ended);
                        }
                    }
                    _ => return Scan::Invalid,
                },
                // Strings are read before this match.
                State::String { .. } => return Scan::Invalid,
            }
            i += 1;
        }
        Scan::Partial(i)
    }

    /// Closes the innermost container; `Some(1)` when that ends the value (the closing byte
    /// is taken).
    fn close(&mut self) -> Option<usize> {
        self.stack.pop();
        self.state = State::After;
        self.stack.is_empty().then_some(1)
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

fn word_at(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap_or_default())
}

/// Bytes equal to `byte` flagged in their high bit; the lowest flag is exact.
fn equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The first `"`, `\` or control character (below 0x20, which a JSON string may not hold),
/// eight bytes at a time: strings are most of a report's bytes.
pub(super) fn find_special(b: &[u8]) -> Option<usize> {
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        let word = word_at(chunk);
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let hits = equal(word, b'"') | equal(word, b'\\') | control;
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether serde_json accepts `text` as one value, and whether the skip does, fed in
    /// pieces of every size.
    fn agree(text: &str) {
        let serde = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        for piece in 1..=text.len().max(1) {
            let mut skip = Skip::default();
            let mut outcome = None;
            let mut at = 0;
            for chunk in text.as_bytes().chunks(piece) {
                match skip.scan(chunk) {
                    Scan::Ended(used) => {
                        at += used;
                        // Only whitespace may follow the value.
                        let rest = &text[at..];
                        outcome = Some(rest.trim_matches([' ', '\n', '\r', '\t']).is_empty());
                        break;
                    }
                    Scan::Invalid => {
                        outcome = Some(false);
                        break;
                    }
                    Scan::Partial(used) => at += used,
                }
            }
            let skipped = outcome.unwrap_or_else(|| skip.complete_at_end());
            assert_eq!(skipped, serde, "{text:?} in pieces of {piece}");
        }
    }

    #[test]
    fn the_skip_accepts_what_serde_json_accepts_and_nothing_else() {
        for text in [
            r#"{"a":[1,-2.5e3,true,null,"x\"y\u00e9",{}],"b":{"c":[]}}"#,
            "0",
            "-0",
            "12",
            "1.5",
            "1e5",
            "1E+5",
            "1e-5",
            "-1.25e-10",
            "true",
            "false",
            "null",
            r#""plain""#,
            r#""\\\/\b\f\n\r\t""#,
            "[]",
            "{}",
            "[[[]]]",
            " [ 1 , 2 ] ",
            // Refused by serde_json, and so by the skip.
            "01",
            "1.",
            "-",
            "1e",
            "1e+",
            ".5",
            "+1",
            "tru",
            "nul",
            "truex",
            "[1 2]",
            "[1,]",
            "[,1]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{,"a":1}"#,
            r#"{1:2}"#,
            r#""\q""#,
            r#""\u12g4""#,
            "\"a\tb\"",
            "\"a\nb\"",
            "]",
            "}",
            "[}",
            "{]",
            r#"{"a":}"#,
            "",
        ] {
            agree(text);
        }
        // Deeper than the skip goes: the stream stops (and the whole parser decides).
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(matches!(
            Skip::default().scan(deep.as_bytes()),
            Scan::Invalid
        ));
    }

    #[test]
    fn specials_are_found_in_every_position() {
        for len in 0..20 {
            for at in 0..len {
                for c in [b'"', b'\\', 0x01, 0x1f] {
                    let mut b = vec![b'a'; len];
                    b[at] = c;
                    assert_eq!(find_special(&b), Some(at), "{len} {at} {c}");
                }
            }
            assert_eq!(find_special(&vec![b' '; len]), None);
        }
        // Bytes above 0x7f (UTF-8) are not mistaken for any of them.
        assert_eq!(find_special("ééééé\"".as_bytes()), Some(10));
    }
}

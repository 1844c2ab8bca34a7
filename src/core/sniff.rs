//! A bounded look at the top of a document, for content detection.
//!
//! Formats are recognised by their keys, and some put the telling keys after a huge array (Grype
//! writes `matches` before `descriptor`). Parsing the whole file to decide would double the cost of
//! a 100 MB report, so [`sniff`] skims at most [`BUDGET`] bytes and records the skeleton it saw: the
//! top-level value, its children and grandchildren, and only the first element of each array.
//! Whatever the budget cut off is marked [`Node::Cut`]. The skim does not validate JSON; the real
//! parser does, and reports errors precisely.

use std::borrow::Cow;

/// How many bytes the skim reads at most.
pub const BUDGET: usize = 1 << 20;
/// Values nested deeper than this are skipped, not recorded.
const RECORD_DEPTH: usize = 3;
/// Keys recorded per object (an object keyed by package name can have thousands).
const MAX_KEYS: usize = 64;
/// Bytes checked for binary content.
const TEXT_PROBE: usize = 8 << 10;

#[derive(Clone, Debug, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Str(Cow<'a, str>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
    /// Only the first element is recorded.
    Array(Option<Box<Node<'a>>>),
    /// Deeper than the recording depth.
    Skipped,
    /// The budget or the data ended inside this value.
    Cut,
}

impl<'a> Node<'a> {
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The first element of an array.
    pub fn first(&self) -> Option<&Node<'a>> {
        match self {
            Node::Array(first) => first.as_deref(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Node::Object(_))
    }
}

/// What the first bytes of a document look like.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// No content but whitespace.
    Empty,
    /// A NUL byte or invalid UTF-8 at this offset.
    Binary { offset: usize },
    /// One JSON object (or the start of one).
    Object,
    /// One JSON array.
    Array,
    /// Several JSON values one after another: JSON lines.
    JsonLines,
    /// Text that does not start like JSON (CSV, YAML, a log…).
    Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sniff<'a> {
    pub shape: Shape,
    /// The document's first value: the object, the array, or the first line of JSON lines.
    pub value: Node<'a>,
    /// The skimmed text itself (at most [`BUDGET`] bytes), for text formats: a CSV header, a
    /// log line.
    pub head: &'a str,
}

impl Sniff<'_> {
    /// The first line that is not blank, without its line ending.
    pub fn first_line(&self) -> &str {
        self.head
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

impl<'a> Sniff<'a> {
    /// The object a format's keys are looked up in: the document itself, the first line of JSON
    /// lines, or the first element of a top-level array.
    pub fn record(&self) -> Option<&Node<'a>> {
        match (&self.shape, &self.value) {
            (Shape::Object | Shape::JsonLines, v @ Node::Object(_)) => Some(v),
            (Shape::Array, Node::Array(first)) => first.as_deref().filter(|v| v.is_object()),
            _ => None,
        }
    }
}

/// Skims `bytes` (already decoded to UTF-8, without a byte-order mark).
pub fn sniff(bytes: &[u8]) -> Sniff<'_> {
    let budget = bytes.len().min(BUDGET);
    // The valid prefix: a character cut by the budget is left out.
    let head = match std::str::from_utf8(&bytes[..budget]) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    let none = |shape| Sniff {
        shape,
        value: Node::Cut,
        head,
    };
    if let Some(offset) = binary_offset(bytes) {
        return none(Shape::Binary { offset });
    }
    let mut skim = Skim {
        b: bytes,
        pos: 0,
        end: bytes.len().min(BUDGET),
        cut: false,
    };
    skim.ws();
    let shape = match skim.peek() {
        None => return none(Shape::Empty),
        Some(b'{') => Shape::Object,
        Some(b'[') => Shape::Array,
        Some(_) => return none(Shape::Text),
    };
    let value = skim.value(0);
    let shape = if shape == Shape::Object && !skim.cut {
        skim.ws();
        if skim.peek() == Some(b'{') {
            Shape::JsonLines
        } else {
            shape
        }
    } else {
        shape
    };
    Sniff { shape, value, head }
}

/// The offset of the first byte that makes this not text, within the first few KiB.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    let probe = &bytes[..bytes.len().min(TEXT_PROBE)];
    let nul = probe.iter().position(|&b| b == 0);
    let invalid = match std::str::from_utf8(probe) {
        Ok(_) => None,
        // A character cut by the end of the probe is not an error.
        Err(e) if e.error_len().is_none() && probe.len() < bytes.len() => None,
        Err(e) => Some(e.valid_up_to()),
    };
    nul.into_iter().chain(invalid).min()
}

struct Skim<'a> {
    b: &'a [u8],
    pos: usize,
    end: usize,
    /// Set once the budget or the data ran out, or the syntax broke: stop recording.
    cut: bool,
}

impl<'a> Skim<'a> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b[self.pos])
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            self.cut = true;
            false
        }
    }

    fn value(&mut self, depth: usize) -> Node<'a> {
        if depth >= RECORD_DEPTH {
            self.skip();
            return if self.cut { Node::Cut } else { Node::Skipped };
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map_or(Node::Cut, Node::Str),
            Some(b't') => self.literal(b"true", Node::Bool(true)),
            Some(b'f') => self.literal(b"false", Node::Bool(false)),
            Some(b'n') => self.literal(b"null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => {
                self.cut = true;
                Node::Cut
            }
        }
    }

    fn object(&mut self, depth: usize) -> Node<'a> {
        let mut entries = Vec::new();
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Node::Object(entries);
        }
        loop {
            self.ws();
            let Some(key) = self.string() else { break };
            self.ws();
            if !self.eat(b':') {
                break;
            }
            self.ws();
            let value = self.value(depth + 1);
            if entries.len() < MAX_KEYS {
                entries.push((key, value));
            }
            if self.cut {
                break;
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    self.cut = true;
                    break;
                }
            }
        }
        Node::Object(entries)
    }

    fn array(&mut self, depth: usize) -> Node<'a> {
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Node::Array(None);
        }
        let first = self.value(depth + 1);
        if !self.cut {
            // Skip the remaining elements: walk to the matching `]` as if inside one value.
            self.skip_rest(1);
        }
        Node::Array(Some(Box::new(first)))
    }

    fn literal(&mut self, word: &[u8], node: Node<'a>) -> Node<'a> {
        if self.b[self.pos..self.end].starts_with(word) {
            self.pos += word.len();
            node
        } else {
            self.cut = true;
            Node::Cut
        }
    }

    fn number(&mut self) -> Node<'a> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.pos == self.end {
            // The number may go on past the budget.
            self.cut = true;
            return Node::Cut;
        }
        std::str::from_utf8(&self.b[start..self.pos])
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or_else(
                || {
                    self.cut = true;
                    Node::Cut
                },
                Node::Number,
            )
    }

    /// A string at `pos` (which must be `"`), borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        let mut escaped = false;
        while self.pos < self.end {
            match self.b[self.pos] {
                b'"' => {
                    let raw = &self.b[start..self.pos];
                    self.pos += 1;
                    let text = if escaped {
                        serde_json::from_slice::<String>(&self.b[start - 1..self.pos])
                            .ok()
                            .map(Cow::Owned)
                    } else {
                        std::str::from_utf8(raw).ok().map(Cow::Borrowed)
                    };
                    if text.is_none() {
                        self.cut = true;
                    }
                    return text;
                }
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.end;
        self.cut = true;
        None
    }

    /// Skips one value without recording it, iteratively (nesting depth cannot overflow the stack).
    fn skip(&mut self) {
        match self.peek() {
            Some(b'{' | b'[') => {
                self.pos += 1;
                self.skip_rest(1);
            }
            Some(b'"') => {
                self.string();
            }
            Some(b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        return;
                    }
                    self.pos += 1;
                }
                self.cut = true;
            }
            _ => self.cut = true,
        }
    }

    /// Walks past the closing brackets of `open` containers already entered.
    fn skip_rest(&mut self, mut open: usize) {
        while self.pos < self.end {
            match self.b[self.pos] {
                b'"' => {
                    if self.string().is_none() {
                        return;
                    }
                    continue;
                }
                b'{' | b'[' => open += 1,
                b'}' | b']' => {
                    open -= 1;
                    if open == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.cut = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keys_first_elements_and_scalars() {
        let doc = br#"{"matches":[{"vulnerability":{"id":"CVE-1"},"artifact":{}},{"x":1}],
                       "descriptor":{"name":"grype","version":"0.9"},"n":-1.5e2,"ok":true,"z":null}"#;
        let s = sniff(doc);
        assert_eq!(s.shape, Shape::Object);
        let root = s.record().unwrap();
        let first = root.get("matches").unwrap().first().unwrap();
        assert!(first.has("vulnerability") && first.has("artifact"));
        assert_eq!(first.get("vulnerability"), Some(&Node::Skipped));
        assert_eq!(
            root.get("descriptor")
                .unwrap()
                .get("name")
                .unwrap()
                .as_str(),
            Some("grype")
        );
        assert_eq!(root.get("n").unwrap().as_f64(), Some(-150.0));
        assert_eq!(root.get("ok"), Some(&Node::Bool(true)));
        assert_eq!(root.get("z"), Some(&Node::Null));
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let s = sniff(br#"{"k\"ey":"a\u00e9\n"}"#);
        assert_eq!(
            s.record().unwrap().get("k\"ey").unwrap().as_str(),
            Some("a\u{e9}\n")
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(sniff(b"  \n ").shape, Shape::Empty);
        assert_eq!(sniff(b"date,metric,value\n").shape, Shape::Text);
        assert_eq!(sniff(b"{\"a\":1}\n{\"a\":2}\n").shape, Shape::JsonLines);
        assert_eq!(sniff(b"[{\"a\":1},{\"b\":2}]").shape, Shape::Array);
        assert_eq!(
            sniff(b"[{\"a\":1}]")
                .record()
                .unwrap()
                .get("a")
                .unwrap()
                .as_f64(),
            Some(1.0)
        );
        assert_eq!(sniff(b"{\"a\":\x00}").shape, Shape::Binary { offset: 5 });
        assert_eq!(
            sniff(b"{\"a\":\"\xff\"}").shape,
            Shape::Binary { offset: 6 }
        );
    }

    #[test]
    fn a_cut_document_keeps_what_came_before_the_cut() {
        let s =
            sniff(br#"{"SchemaVersion":2,"Results":[{"Target":"x","Vulnerabilities":[{"Vulnera"#);
        let root = s.record().unwrap();
        assert_eq!(root.get("SchemaVersion").unwrap().as_f64(), Some(2.0));
        assert!(root.get("Results").unwrap().first().unwrap().has("Target"));
    }

    #[test]
    fn the_budget_bounds_the_skim() {
        let mut doc = b"{\"big\":[".to_vec();
        doc.extend(std::iter::repeat_n(b"{\"a\":\"]}\"},".as_slice(), BUDGET / 8).flatten());
        doc.extend(b"{}],\"tail\":1}");
        let s = sniff(&doc);
        let root = s.record().unwrap();
        assert!(root.get("big").unwrap().first().unwrap().has("a"));
        assert!(!root.has("tail"), "the tail lies beyond the budget");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut doc = vec![b'['; 200_000];
        doc.extend(vec![b']'; 200_000]);
        assert_eq!(sniff(&doc).shape, Shape::Array);
    }
}

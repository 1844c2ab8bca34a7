//! A small RFC 4180 reader: one record at a time, cells borrowed from the input unless quoted
//! with `""` escapes. Exports come from spreadsheets and trackers in every locale, so it also
//! takes `;` and tab delimiters (read from the header line), LF or CRLF, a stray byte-order mark,
//! and ragged rows (missing cells are empty). A quote still open at the end of the file (a cut
//! download) is reported with the line its record started on; the records before it stand.

use std::borrow::Cow;
use std::collections::HashMap;

/// One record and the 1-based line it starts on (a quoted cell may span lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub line: usize,
    pub cells: Vec<Cow<'a, str>>,
}

/// A record that could not be read: its quote is still open when the file ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unterminated {
    pub line: usize,
}

pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delimiter: u8,
}

impl<'a> Reader<'a> {
    /// A reader over `text`, its delimiter guessed from the first line.
    pub fn new(text: &'a str) -> Reader<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().next().unwrap_or("");
        Reader {
            text,
            pos: 0,
            line: 1,
            delimiter: delimiter_of(first),
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Reads one cell at `pos`; leaves `pos` on the delimiter, the line end or the end.
    fn cell(&mut self) -> Result<Cow<'a, str>, ()> {
        let b = self.bytes();
        if b.get(self.pos) != Some(&b'"') {
            let start = self.pos;
            while let Some(&c) = b.get(self.pos) {
                if c == self.delimiter || c == b'\n' {
                    break;
                }
                self.pos += 1;
            }
            let cell = &self.text[start..self.pos];
            return Ok(Cow::Borrowed(cell.strip_suffix('\r').unwrap_or(cell)));
        }
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match b.get(self.pos) {
                None => return Err(()),
                Some(b'"') if b.get(self.pos + 1) == Some(&b'"') => {
                    escaped = true;
                    self.pos += 2;
                }
                Some(b'"') => break,
                Some(&c) => {
                    self.line += usize::from(c == b'\n');
                    self.pos += 1;
                }
            }
        }
        let quoted = &self.text[start..self.pos];
        self.pos += 1;
        // Text after the closing quote (`"a"b`) is not RFC 4180; keep it rather than lose it.
        let tail_start = self.pos;
        while let Some(&c) = b.get(self.pos) {
            if c == self.delimiter || c == b'\n' {
                break;
            }
            self.pos += 1;
        }
        let tail = self.text[tail_start..self.pos].trim_end_matches('\r');
        let cell = if escaped {
            Cow::Owned(quoted.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(quoted)
        };
        Ok(if tail.is_empty() {
            cell
        } else {
            Cow::Owned(cell.into_owned() + tail)
        })
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Record<'a>, Unterminated>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let b = self.bytes();
            if self.pos >= b.len() {
                return None;
            }
            // Blank lines hold no record.
            match b[self.pos] {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    continue;
                }
                b'\r' if b.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                    continue;
                }
                _ => break,
            }
        }
        let line = self.line;
        let mut cells = Vec::new();
        loop {
            match self.cell() {
                Ok(cell) => cells.push(cell),
                Err(()) => {
                    self.pos = self.text.len();
                    return Some(Err(Unterminated { line }));
                }
            }
            match self.bytes().get(self.pos) {
                Some(&c) if c == self.delimiter => self.pos += 1,
                Some(_) => {
                    self.pos += 1;
                    self.line += 1;
                    break;
                }
                None => break,
            }
        }
        Some(Ok(Record { line, cells }))
    }
}

/// The delimiter of a header line: the most frequent of `,`, `;` and tab outside quotes; `,` when
/// there is none.
pub fn delimiter_of(line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in line.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// A column name as looked up: trimmed, lower case, runs of spaces as one `_`, and without the
/// ` [UTC]` that the Log Analytics portal appends to time columns. So `Issue key`, `issue_key`
/// and `ISSUE KEY` are one name, as are `CreatedTime [UTC]` and `CreatedTime`.
pub fn normalise(name: &str) -> String {
    let name = name.trim_start_matches('\u{feff}').trim();
    let lower = name.to_lowercase();
    let lower = lower.strip_suffix("[utc]").unwrap_or(&lower).trim_end();
    lower.split_whitespace().collect::<Vec<_>>().join("_")
}

/// A header row, for looking cells up by name. Names may repeat (Jira writes one `Labels`
/// column per label).
#[derive(Clone, Debug, Default)]
pub struct Header {
    names: Vec<String>,
    /// Each name's columns: Jira exports have hundreds, looked up for every row.
    index: HashMap<String, Vec<usize>>,
}

impl Header {
    pub fn new(cells: &[Cow<str>]) -> Header {
        let names: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_default().push(i);
        }
        Header { names, index }
    }

    /// The header of a text's first line.
    pub fn of_first_line(line: &str) -> Header {
        match Reader::new(line).next() {
            Some(Ok(record)) => Header::new(&record.cells),
            _ => Header::default(),
        }
    }

    /// The normalised names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(&normalise(name))
    }

    /// The positions of every column with this name.
    pub fn all(&self, name: &str) -> Vec<usize> {
        self.index
            .get(&normalise(name))
            .cloned()
            .unwrap_or_default()
    }

    /// The first non-empty cell, trimmed, of the columns with this name, given normalised
    /// (`issue_key`): rows are many, so the name is not normalised again for each.
    pub fn get<'r>(&self, cells: &'r [Cow<str>], name: &str) -> Option<&'r str> {
        self.index
            .get(name)?
            .iter()
            .filter_map(|&i| cells.get(i))
            .map(|c| c.trim())
            .find(|c| !c.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Result<(usize, Vec<String>), Unterminated>> {
        Reader::new(text)
            .map(|r| r.map(|r| (r.line, r.cells.iter().map(|c| c.to_string()).collect())))
            .collect()
    }

    fn row(line: usize, cells: &[&str]) -> Result<(usize, Vec<String>), Unterminated> {
        Ok((line, cells.iter().map(|c| c.to_string()).collect()))
    }

    #[test]
    fn quotes_escapes_and_newlines() {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\r\nlines\"\r\n\r\n2,,\n";
        assert_eq!(
            read(text),
            vec![
                row(1, &["a", "b", "c"]),
                row(2, &["1", "x, \"y\"", "two\r\nlines"]),
                row(5, &["2", "", ""]),
            ]
        );
    }

    #[test]
    fn cells_are_borrowed_unless_escaped() {
        let mut reader = Reader::new("\"plain\",\"es\"\"c\",bare");
        let record = reader.next().unwrap().unwrap();
        assert!(matches!(record.cells[0], Cow::Borrowed("plain")));
        assert!(matches!(&record.cells[1], Cow::Owned(s) if s == "es\"c"));
        assert!(matches!(record.cells[2], Cow::Borrowed("bare")));
    }

    #[test]
    fn an_escape_then_more_text_and_lines() {
        assert_eq!(
            read("\"é\"\"ü\nß\"\"\",x"),
            vec![row(1, &["é\"ü\nß\"", "x"])]
        );
    }

    #[test]
    fn delimiters_from_the_header() {
        assert_eq!(delimiter_of("a;b;c"), b';');
        assert_eq!(delimiter_of("a\tb"), b'\t');
        assert_eq!(delimiter_of("\"a;b\",c"), b',');
        assert_eq!(delimiter_of("single"), b',');
        assert_eq!(
            read("a;b\n1;2,5"),
            vec![row(1, &["a", "b"]), row(2, &["1", "2,5"])]
        );
    }

    #[test]
    fn a_cut_quote_names_its_line() {
        assert_eq!(
            read("a,b\n1,2\n3,\"cut"),
            vec![
                row(1, &["a", "b"]),
                row(2, &["1", "2"]),
                Err(Unterminated { line: 3 })
            ]
        );
    }

    #[test]
    fn header_lookup_handles_repeats_case_and_utc() {
        let header = Header::of_first_line("\u{feff}Issue key,Labels,Labels,CreatedTime [UTC]");
        assert!(header.has("issue KEY") && header.has("createdtime"));
        assert_eq!(header.all("labels"), vec![1, 2]);
        let cells: Vec<Cow<str>> = ["SEC-1", "", " b ", "x"].map(Cow::Borrowed).to_vec();
        assert_eq!(header.get(&cells, "labels"), Some("b"));
        assert_eq!(header.get(&cells[..1], "createdtime"), None);
    }
}

//! JSON plumbing shared by the format parsers.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::diagnostics::{ErrorKind, Location};

pub mod feed;
mod skip;

/// A string from the input, borrowed from the file unless it had escapes.
///
/// serde borrows a bare `#[serde(borrow)] Cow<str>` field but not one inside `Option` or `Vec`;
/// this newtype borrows wherever it sits (`visit_borrowed_str`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str<'a>(pub Cow<'a, str>);

impl Str<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, trimmed, or `None` when that leaves nothing.
    pub fn non_empty(&self) -> Option<&str> {
        non_empty(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// A string when the tool wrote one (a number is taken as its text), nothing otherwise: for
/// fields whose type varies between databases or versions and is not ours to police.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MaybeStr<'a>(pub Option<Str<'a>>);

impl MaybeStr<'_> {
    pub fn non_empty(&self) -> Option<&str> {
        self.0.as_ref().and_then(Str::non_empty)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for MaybeStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MaybeVisitor;
        impl<'de> Visitor<'de> for MaybeVisitor {
            type Value = MaybeStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Str(Cow::Borrowed(v)))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Str(Cow::Owned(v.to_owned())))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Str(Cow::Owned(v.to_string())))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Str(Cow::Owned(v.to_string())))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Str(Cow::Owned(v.to_string())))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(MaybeStr(None))
            }
        }
        deserializer.deserialize_any(MaybeVisitor)
    }
}

/// The text, trimmed, or `None` when that leaves nothing.
pub fn non_empty(text: &str) -> Option<&str> {
    // Tools rarely pad values: look at the ends before paying for a trim.
    let padded = |b: Option<&u8>| b.is_some_and(u8::is_ascii_whitespace);
    let bytes = text.as_bytes();
    let text = if padded(bytes.first()) || padded(bytes.last()) {
        text.trim()
    } else {
        text
    };
    Some(text).filter(|s| !s.is_empty())
}

/// Optional text, trimmed, `None` when absent, null or blank.
pub fn text<'t>(value: &'t Option<Str<'_>>) -> Option<&'t str> {
    value.as_ref().and_then(Str::non_empty)
}

/// What went wrong in a JSON parse, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub kind: ErrorKind,
    pub location: Location,
}

/// Parses a whole document into `T`. On failure the error names the JSON path as well as the
/// line and column; the path is read from the text at the error's position, so the happy path
/// pays nothing and no second deserializer is compiled per format.
pub fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, JsonError> {
    serde_json::from_str(text).map_err(|error| {
        let path = offset_of(text, error.line(), error.column()).and_then(|at| path_at(text, at));
        json_error(&error, path)
    })
}

/// The byte offset just before the character serde_json's 1-based line and column point at.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start = if line == 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    Some((start + column.saturating_sub(1)).min(text.len()))
}

/// The JSON path of the value being read at byte `at`: `Results[0].Vulnerabilities[1].Severity`.
/// `None` at the top level. A small scan of the text up to `at`: it tracks the open containers,
/// the index in each array and the last key in each object.
pub fn path_at(text: &str, at: usize) -> Option<String> {
    enum Level {
        Object {
            key: Option<String>,
            expecting_key: bool,
        },
        Array {
            index: usize,
        },
    }
    let bytes = text.as_bytes();
    let end = at.min(bytes.len());
    let mut stack: Vec<Level> = Vec::new();
    let mut last_string: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < end && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                // A key being read when the text stops is not a key yet.
                last_string = (i < end).then_some((start, i));
            }
            b'{' => stack.push(Level::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Level::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let (Some(Level::Object { key, expecting_key }), Some((a, b))) =
                    (stack.last_mut(), last_string)
                {
                    let raw = &text[a - 1..=b];
                    *key = Some(
                        serde_json::from_str::<String>(raw)
                            .unwrap_or_else(|_| text[a..b].to_string()),
                    );
                    *expecting_key = false;
                }
            }
            b',' => match stack.last_mut() {
                Some(Level::Array { index }) => *index += 1,
                Some(Level::Object { key, expecting_key }) => {
                    *key = None;
                    *expecting_key = true;
                }
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for level in &stack {
        match level {
            Level::Array { index } => path.push_str(&format!("[{index}]")),
            Level::Object {
                key: Some(key),
                expecting_key: false,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Level::Object { .. } => break,
        }
    }
    (!path.is_empty()).then_some(path)
}

/// Reads JSON lines one record at a time, calling `each(line, record)` for every record that
/// parses. A record that does not (a bad line, a line cut off by the end of the file) costs only
/// itself: it is noted in `bad`, and the rest of the file loads. Records pretty-printed over
/// several lines are read as one stream instead, which stops at the first bad one.
pub fn each_record<'a, T: Deserialize<'a>>(
    text: &'a str,
    bad: &mut BadRecords,
    mut each: impl FnMut(usize, T),
) {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.trim() == "{" || first.trim() == "[" {
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<T>();
        let mut line = 1;
        loop {
            let start = stream.byte_offset();
            match stream.next() {
                None => break,
                Some(Ok(record)) => {
                    line += text[start..stream.byte_offset()].matches('\n').count();
                    each(line, record);
                }
                Some(Err(e)) => {
                    bad.add(e.line(), json_error(&e, None));
                    break;
                }
            }
        }
        return;
    }
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        // A tool's own log lines mixed into its output (`2>&1`) are not records.
        if !trimmed.starts_with('{') {
            bad.text_lines += 1;
            continue;
        }
        match serde_json::from_str::<T>(line) {
            Ok(record) => each(i + 1, record),
            Err(e) => {
                let mut error = json_error(&e, None);
                error.location.line = Some(i + 1);
                bad.add(i + 1, error);
            }
        }
    }
}

/// Reads the records of one big document a record at a time, without building the list: the
/// elements of a top-level array, or of the array under `key` in a top-level object (a
/// Kubernetes `EventList`'s `items`). Records before an error have been given to `each`; the
/// error says where the document broke.
pub fn each_element<'a, T: Deserialize<'a>>(
    text: &'a str,
    key: Option<&'static str>,
    mut each: impl FnMut(T),
) -> Result<(), JsonError> {
    use std::marker::PhantomData;

    struct Elements<'f, T, F> {
        each: &'f mut F,
        key: Option<&'static str>,
        record: PhantomData<T>,
    }

    impl<'de, T: Deserialize<'de>, F: FnMut(T)> de::DeserializeSeed<'de> for Elements<'_, T, F> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de, T: Deserialize<'de>, F: FnMut(T)> Visitor<'de> for Elements<'_, T, F> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            match self.key {
                Some(key) => write!(f, "an object with an array `{key}`"),
                None => f.write_str("an array"),
            }
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            if self.key.is_some() {
                return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
            }
            while let Some(record) = seq.next_element::<T>()? {
                (self.each)(record);
            }
            Ok(())
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let Some(wanted) = self.key else {
                return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
            };
            while let Some(key) = map.next_key::<Str>()? {
                if key.as_str() == wanted {
                    map.next_value_seed(Elements {
                        each: &mut *self.each,
                        key: None,
                        record: PhantomData::<T>,
                    })?;
                } else {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = Elements {
        each: &mut each,
        key,
        record: PhantomData::<T>,
    };
    de::DeserializeSeed::deserialize(seed, &mut deserializer)
        .and_then(|()| deserializer.end())
        .map_err(|error| {
            let path =
                offset_of(text, error.line(), error.column()).and_then(|at| path_at(text, at));
            json_error(&error, path)
        })
}

/// Records of a log that could not be read: the first few with their line and what is wrong,
/// the rest counted, so a file of a million bad lines does not make a million warnings.
#[derive(Debug, Default)]
pub struct BadRecords {
    /// Lines that are not JSON at all, skipped without a warning.
    pub text_lines: usize,
    pub count: usize,
    pub first: Vec<(usize, JsonError)>,
}

impl BadRecords {
    const KEPT: usize = 20;

    pub fn add(&mut self, line: usize, error: JsonError) {
        self.count += 1;
        if self.first.len() < Self::KEPT {
            let mut error = error;
            error.location.line = Some(line);
            self.first.push((line, error));
        }
    }

    /// One warning per kept record, then one for the rest.
    pub fn warnings(&self, what: &str) -> Vec<super::diagnostics::Warning> {
        use super::diagnostics::{ErrorKind, Warning};
        let mut warnings: Vec<Warning> = self
            .first
            .iter()
            .map(|(_, e)| {
                let why = match &e.kind {
                    ErrorKind::Truncated => "it is cut off".to_string(),
                    ErrorKind::Syntax { detail } => format!("invalid JSON: {detail}"),
                    ErrorKind::Shape { detail } => format!("unexpected content: {detail}"),
                    other => format!("{other:?}"),
                };
                Warning::new(format!("{what} skipped: {why}"), e.location.clone())
            })
            .collect();
        let rest = self.count - self.first.len();
        if rest > 0 {
            warnings.push(Warning::new(
                format!("{rest} more {what}s skipped for the same kinds of reasons"),
                Location::default(),
            ));
        }
        warnings
    }
}

/// Checks that `bytes` hold well-formed JSON (one value, or JSON lines when `lines`).
pub fn validate(text: &str, lines: bool) -> Result<(), JsonError> {
    if lines {
        let values = serde_json::Deserializer::from_str(text).into_iter::<de::IgnoredAny>();
        for value in values {
            value.map_err(|e| json_error(&e, None))?;
        }
        Ok(())
    } else {
        serde_json::from_str::<de::IgnoredAny>(text)
            .map(drop)
            .map_err(|e| json_error(&e, None))
    }
}

/// The line on which a second top-level JSON value starts, if there is one.
pub fn second_value_line(text: &str) -> Option<usize> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<de::IgnoredAny>();
    values.next()?.ok()?;
    let end = values.byte_offset();
    let start = end + text[end..].find(|c: char| !c.is_whitespace())?;
    Some(text[..start].matches('\n').count() + 1)
}

pub fn json_error(error: &serde_json::Error, path: Option<String>) -> JsonError {
    let location = Location {
        line: (error.line() > 0).then_some(error.line()),
        column: (error.line() > 0).then_some(error.column()),
        path,
    };
    let kind = match error.classify() {
        serde_json::error::Category::Eof => ErrorKind::Truncated,
        serde_json::error::Category::Syntax => ErrorKind::Syntax {
            detail: detail(error),
        },
        serde_json::error::Category::Data | serde_json::error::Category::Io => ErrorKind::Shape {
            detail: detail(error),
        },
    };
    JsonError { kind, location }
}

/// serde_json's message without its " at line L column C" tail: the location is kept apart.
fn detail(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let tail = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&tail).unwrap_or(&message).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Doc<'a> {
        #[serde(borrow)]
        items: Vec<Item<'a>>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item<'a> {
        #[serde(borrow)]
        name: Option<Str<'a>>,
        count: Option<u32>,
    }

    #[test]
    fn text_borrows_unless_escaped() {
        let doc: Doc = parse(r#"{"items":[{"name":"plain"},{"name":"esc\"aped"}]}"#).unwrap();
        assert!(matches!(
            doc.items[0].name.as_ref().unwrap().0,
            Cow::Borrowed("plain")
        ));
        assert!(
            matches!(&doc.items[1].name.as_ref().unwrap().0, Cow::Owned(s) if s == "esc\"aped")
        );
    }

    #[test]
    fn a_wrong_type_names_its_path_line_and_column() {
        let err = parse::<Doc>("{\"items\":[{},\n{\"count\":\"three\"}]}").unwrap_err();
        assert_eq!(err.location.path.as_deref(), Some("items[1].count"));
        assert_eq!(
            (err.location.line, err.location.column),
            (Some(2), Some(16))
        );
        assert_eq!(
            err.kind,
            ErrorKind::Shape {
                detail: "invalid type: string \"three\", expected u32".into()
            }
        );
    }

    #[test]
    fn paths_are_read_from_the_text() {
        let doc = r#"{"a":{"b":[1,{"c":"x\"y","d":[true, 7]}]},"e":2}"#;
        let at = |needle: &str| doc.find(needle).unwrap() + needle.len();
        assert_eq!(path_at(doc, at("true")).as_deref(), Some("a.b[1].d[0]"));
        assert_eq!(path_at(doc, at(" 7")).as_deref(), Some("a.b[1].d[1]"));
        assert_eq!(path_at(doc, at(r#""x\"y""#)).as_deref(), Some("a.b[1].c"));
        assert_eq!(path_at(doc, at(r#""e":2"#)).as_deref(), Some("e"));
        assert_eq!(path_at(doc, 0), None);
        assert_eq!(path_at(r#"{"k\"ey":[1"#, 11).as_deref(), Some("k\"ey[0]"));
    }

    #[test]
    fn a_cut_file_is_truncated_and_says_where() {
        let err = parse::<Doc>("{\"items\":[{\"name\":\"a\"},{\"na").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Truncated);
        assert_eq!(err.location.path.as_deref(), Some("items[1]"));
    }

    #[test]
    fn syntax_errors_keep_serde_json_words() {
        let err = validate("{\"a\" 1}", false).unwrap_err();
        assert_eq!(
            err.kind,
            ErrorKind::Syntax {
                detail: "expected `:`".into()
            }
        );
        assert_eq!(err.location, Location::at(1, 6));
    }
}

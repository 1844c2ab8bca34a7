//! Errors and warnings as data: which file, what is wrong, where.
//!
//! A file either parses (with warnings) or fails with one [`FileError`]; it never takes the other
//! files of a batch down with it. Messages are plain English, meant for the Sources view.

use std::fmt;

/// Where in a file: line and column (1-based, from the JSON parser) and the JSON path when known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// A JSON path such as `Results[0].Vulnerabilities[3].Severity`.
    pub path: Option<String>,
}

impl Location {
    pub fn at(line: usize, column: usize) -> Location {
        Location {
            line: Some(line),
            column: Some(column),
            path: None,
        }
    }

    pub fn path(path: impl Into<String>) -> Location {
        Location {
            path: Some(path.into()),
            ..Location::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.line.is_none() && self.path.is_none()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(column) = self.column {
                write!(f, ", column {column}")?;
            }
            sep = ", ";
        }
        if let Some(path) = &self.path {
            write!(f, "{sep}at {path}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Zero bytes, or only whitespace.
    Empty,
    /// Not text: a NUL byte or invalid UTF-8 at this byte offset.
    Binary { offset: usize },
    /// Text that is not JSON at all (and no text format claimed it).
    NotJson { detail: String },
    /// JSON whose syntax breaks somewhere.
    Syntax { detail: String },
    /// The JSON stops before its end: a cut download, a full disk, a killed scanner.
    Truncated,
    /// Well-formed JSON of a recognised format, with a field of the wrong type or shape.
    Shape { detail: String },
    /// Well-formed JSON, but not any supported format.
    NotRecognised { supported: String },
    /// The output of a tool Posture knows of but does not read yet.
    NotReadYet { tool: String },
    /// A recognised format in a variant Posture does not read.
    Unsupported { detail: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    /// The format id when the content was recognised before the error.
    pub format: Option<&'static str>,
    pub kind: ErrorKind,
    pub location: Location,
}

impl FileError {
    /// The message without the file name, for a row that already shows it.
    pub fn message(&self) -> String {
        let what = match &self.kind {
            ErrorKind::Empty => "the file is empty".to_string(),
            ErrorKind::Binary { offset } => {
                format!("this is a binary file, not JSON text (byte {offset} is not text)")
            }
            ErrorKind::NotJson { detail } => format!("not JSON: {detail}"),
            ErrorKind::Syntax { detail } => format!("invalid JSON: {detail}"),
            ErrorKind::Truncated => "the file ends too early; it looks truncated".to_string(),
            ErrorKind::Shape { detail } => format!("unexpected content: {detail}"),
            ErrorKind::NotRecognised { supported } => {
                format!(
                    "not recognised: this JSON is not a supported format (supported: {supported})"
                )
            }
            ErrorKind::Unsupported { detail } => format!("not supported: {detail}"),
            ErrorKind::NotReadYet { tool } => {
                format!(
                    "not supported yet: this looks like {tool}, which Posture does not read yet"
                )
            }
        };
        if self.location.is_empty() {
            what
        } else {
            format!("{what} ({})", self.location)
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message())
    }
}

/// Something a user should know about a file that still loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub location: Location,
}

impl Warning {
    pub fn new(message: impl Into<String>, location: Location) -> Warning {
        Warning {
            message: message.into(),
            location,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} ({})", self.message, self.location)
        }
    }
}

/// Warnings about a log's records: the first few kept with where they are, the rest counted in
/// one more, so a file of a million bad records does not make a million warnings.
#[derive(Debug, Default)]
pub struct CappedWarnings {
    kept: Vec<Warning>,
    more: usize,
}

impl CappedWarnings {
    const KEPT: usize = 20;

    pub fn push(&mut self, message: impl Into<String>, location: Location) {
        if self.kept.len() < Self::KEPT {
            self.kept.push(Warning::new(message, location));
        } else {
            self.more += 1;
        }
    }

    /// A warning kept whatever the count: one about the whole file, which happens once.
    pub fn push_always(&mut self, message: impl Into<String>, location: Location) {
        self.kept.push(Warning::new(message, location));
    }

    pub fn first(&self) -> Option<&Warning> {
        self.kept.first()
    }

    /// The kept warnings, then `"{n} more {rest}"` for those not kept.
    pub fn finish(mut self, rest: &str) -> Vec<Warning> {
        if self.more > 0 {
            let more = self.more;
            self.kept.push(Warning::new(
                format!("{more} more {rest}"),
                Location::default(),
            ));
        }
        self.kept
    }
}

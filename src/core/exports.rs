//! What leaves Posture as a file for people who do not run it: CSV tables (KPIs, metrics,
//! incident records) and the self-contained HTML report ([`report`]). The findings CSV is the
//! explorer's (`explorer::csv`) and the scorecard JSON is `scorecard`'s; all write cells here.
//!
//! CSV is RFC 4180 (CRLF, quotes doubled), and a text cell a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@`, tab, carriage return) is made text with a leading `'` (CSV injection).
//! Numbers are written as numbers: only a cell Posture computed is one.

pub mod report;
mod tables;

pub use tables::{events_table, incidents_table, kpis_csv, metrics_csv};

use super::time::Timestamp;

/// A CSV document written row by row.
pub struct Csv {
    out: String,
    /// No cell in the current row yet.
    fresh: bool,
}

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv {
            out: String::new(),
            fresh: true,
        };
        for column in header {
            csv.text(column);
        }
        csv.end();
        csv
    }

    fn separate(&mut self) {
        if !self.fresh {
            self.out.push(',');
        }
        self.fresh = false;
    }

    /// A text cell, from a file or from Posture.
    pub fn text(&mut self, value: &str) -> &mut Csv {
        self.separate();
        self.out.push_str(&cell(value));
        self
    }

    /// A number Posture computed; empty for none.
    pub fn number(&mut self, value: Option<f64>) -> &mut Csv {
        self.separate();
        self.out.push_str(&number(value));
        self
    }

    /// A time as RFC 3339 UTC; empty for none.
    pub fn time(&mut self, value: Option<Timestamp>) -> &mut Csv {
        self.text(&value.map(|t| t.to_string()).unwrap_or_default())
    }

    /// A cell shown as text in a view: a number when it is one exactly as written ("12",
    /// "-2.5"; not "007" or "1e3", which a file may mean as text), else text.
    pub fn shown(&mut self, value: &str) -> &mut Csv {
        match value.parse::<f64>() {
            Ok(n) if number(Some(n)) == value => self.number(Some(n)),
            _ => self.text(value),
        }
    }

    pub fn end(&mut self) {
        self.out.push_str("\r\n");
        self.fresh = true;
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// What a spreadsheet may take for the start of a formula, after any leading whitespace (some
/// trim it): `=`, `+`, `-`, `@`, and their full-width forms (some convert them).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// One text cell: prefixed with `'` when a spreadsheet would take it for a formula, and quoted
/// when it holds a comma, quote or line break.
pub fn cell(value: &str) -> String {
    let risky = value.starts_with(['\t', '\r']) || value.trim_start().starts_with(FORMULA_STARTS);
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A number as the scorecard JSON writes it: whole ones without a fraction; empty for none.
pub fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => format!("{}", v as i64),
        Some(v) if v.is_finite() => format!("{v}"),
        _ => String::new(),
    }
}

/// A table of typed cells: written as CSV for people, as JSON lines (and Parquet, by the
/// native command) for machines.
pub struct Table {
    /// Each column's name and what its cells hold.
    pub columns: &'static [(&'static str, Kind)],
    pub rows: Vec<Vec<Value>>,
}

/// What a [`Table`]'s column holds: each cell is that [`Value`], or missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Time,
    Flag,
}

/// One cell of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Number(Option<f64>),
    Time(Option<Timestamp>),
    Flag(Option<bool>),
}

impl Table {
    pub fn csv(&self) -> String {
        let header: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        let mut csv = Csv::new(&header);
        for row in &self.rows {
            for value in row {
                match value {
                    Value::Text(text) => csv.text(text),
                    Value::Number(n) => csv.number(*n),
                    Value::Time(t) => csv.time(*t),
                    Value::Flag(f) => csv.text(f.map_or("", |f| if f { "true" } else { "false" })),
                };
            }
            csv.end();
        }
        csv.finish()
    }

    /// One JSON object a line, its keys the columns in order; a missing value (empty text
    /// included) is `null`, as in SQL.
    pub fn ndjson(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            out.push('{');
            for (i, ((column, _), value)) in self.columns.iter().zip(row).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let json = match value {
                    Value::Text(text) if text.is_empty() => serde_json::Value::Null,
                    Value::Text(text) => serde_json::Value::from(text.as_str()),
                    Value::Number(n) => n
                        .filter(|n| n.is_finite())
                        .map_or(serde_json::Value::Null, serde_json::Value::from),
                    Value::Time(t) => t.map_or(serde_json::Value::Null, |t| t.to_string().into()),
                    Value::Flag(f) => f.map_or(serde_json::Value::Null, serde_json::Value::from),
                };
                out.push_str(&serde_json::Value::from(*column).to_string());
                out.push(':');
                out.push_str(&json.to_string());
            }
            out.push_str("}\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        // After whitespace, or in full width, as some spreadsheets read them.
        assert_eq!(cell(" =1+1"), "' =1+1");
        assert_eq!(cell("\n=1+1"), "\"'\n=1+1\"");
        assert_eq!(cell("＝1+1"), "'＝1+1");
        assert_eq!(cell("a=1"), "a=1");
    }

    #[test]
    fn numbers_are_numbers_and_shown_text_stays_text() {
        let mut csv = Csv::new(&["a", "b", "c", "d", "e"]);
        csv.number(Some(3.0))
            .number(Some(-2.5))
            .number(None)
            .shown("-1+cmd|' /C calc'!A0")
            .shown("12.5")
            .end();
        assert_eq!(
            csv.finish(),
            "a,b,c,d,e\r\n3,-2.5,,'-1+cmd|' /C calc'!A0,12.5\r\n"
        );
        // Written as the view has them: leading zeros, exponents and long ids stay text.
        let mut csv = Csv::new(&["a", "b", "c", "d"]);
        csv.shown("007")
            .shown("1e3")
            .shown("12345678901234567890")
            .shown("-3")
            .end();
        assert_eq!(
            csv.finish(),
            "a,b,c,d\r\n007,1e3,12345678901234567890,-3\r\n"
        );
    }
}

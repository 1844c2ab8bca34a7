//! A generic `date,metric,value[,source]` CSV, for any number Posture has no parser for:
//! phishing emails blocked, failed logins from an identity provider, patches applied. The values
//! are shown in the metrics view with their trend; no KPI is made from them.

use super::{Format, Input, ParseError, Parsed};
use crate::core::csv::{self, Header};
use crate::core::diagnostics::{CappedWarnings, ErrorKind, Location};
use crate::core::model::{Evidence, Interner, Measurements, Point, SourceKind, Tool};
use crate::core::sniff::{Shape, Sniff};
use crate::core::time::Timestamp;

pub const FORMAT: Format = Format {
    id: "metrics-csv",
    label: "Metrics CSV (date, metric, value)",
    command: "any spreadsheet or script: a header `date,metric,value` (and optionally `source`)",
    severity_mapping: "none: values, not findings",
    feeds: "the metrics view only, with each metric's trend; never a KPI",
    kinds: &[] as &[SourceKind],
    detect,
    parse,
    stream: None,
};

fn detect(sniff: &Sniff) -> bool {
    if sniff.shape != Shape::Text {
        return false;
    }
    let header = Header::of_first_line(sniff.first_line());
    let names = header.names();
    matches!(names.len(), 3 | 4)
        && names[..3] == ["date", "metric", "value"]
        && names.get(3).is_none_or(|n| n == "source")
}

/// `2026-11-18`, or a full RFC 3339 time.
fn date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    Timestamp::parse_rfc3339(text)
        .or_else(|| Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z")))
}

/// `1234`, `1 234`, `1,234.5` (a thousands separator when a dot follows or three digits do),
/// `95 %`.
fn number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();
    let cleaned = if cleaned.contains(',') && !cleaned.contains('.') && !thousands(&cleaned) {
        cleaned.replace(',', ".")
    } else {
        cleaned.replace(',', "")
    };
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Whether every comma in `text` is followed by exactly three digits.
fn thousands(text: &str) -> bool {
    text.split(',')
        .skip(1)
        .all(|group| group.len() == 3 && group.chars().all(|c| c.is_ascii_digit()))
}

fn parse(input: &Input) -> Result<Parsed, ParseError> {
    let mut rows = csv::Reader::new(input.text);
    let header = match rows.next() {
        Some(Ok(record)) => Header::new(&record.cells),
        _ => {
            return Err(ParseError {
                kind: ErrorKind::Shape {
                    detail: "no header row".into(),
                },
                location: Location::at(1, 1),
            });
        }
    };
    let mut strings = Interner::default();
    let mut measurements = Measurements {
        format: FORMAT.id,
        tool: Tool {
            name: "metrics CSV".into(),
            version: None,
        },
        points: Vec::new(),
        records: 0,
    };
    let mut warnings = CappedWarnings::default();
    let mut warn = |message: String, line: usize| warnings.push(message, Location::at(line, 1));
    for row in rows {
        let record = match row {
            Ok(record) => record,
            Err(cut) => {
                let message = "row skipped: its quote is still open where the file ends".into();
                warn(message, cut.line);
                continue;
            }
        };
        measurements.records += 1;
        // `1,204` unquoted splits into two cells: the row cannot be read as its header says.
        if record.cells.len() > header.names().len() {
            let message = "row skipped: it has more cells than the header (quote a number with \
                           a thousands separator: \"1,204\")"
                .into();
            warn(message, record.line);
            continue;
        }
        let cell = |name: &str| header.get(&record.cells, name).unwrap_or("");
        let (raw_date, metric, raw_value) = (cell("date"), cell("metric").trim(), cell("value"));
        let Some(at) = date(raw_date) else {
            let message = format!("row skipped: date {raw_date:?} is not a date (2026-11-18)");
            warn(message, record.line);
            continue;
        };
        let Some(value) = number(raw_value) else {
            let message = format!("row skipped: value {raw_value:?} is not a number");
            warn(message, record.line);
            continue;
        };
        if metric.is_empty() {
            warn("row skipped: it names no metric".into(), record.line);
            continue;
        }
        measurements.points.push(Point {
            at,
            metric: strings.text(metric),
            value,
            source: strings.text(cell("source").trim()),
        });
    }
    let warnings = warnings.finish("rows skipped for the same kinds of reasons");
    if measurements.points.is_empty() && measurements.records > 0 {
        return Err(ParseError {
            kind: ErrorKind::Shape {
                detail: format!(
                    "none of its {} rows has a date, a metric and a number",
                    measurements.records
                ),
            },
            location: Location::at(2, 1),
        });
    }
    Ok(Parsed {
        evidence: Evidence::Measurements(measurements),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_spreadsheets_write_them() {
        for (text, value) in [
            ("1234", Some(1234.0)),
            ("1,234", Some(1234.0)),
            ("1,234.5", Some(1234.5)),
            ("12,5", Some(12.5)),
            ("95 %", Some(95.0)),
            ("1 000", Some(1000.0)),
            ("n/a", None),
            ("inf", None),
        ] {
            assert_eq!(number(text), value, "{text}");
        }
        assert_eq!(
            date("2026-11-18").map(|t| t.to_string()).as_deref(),
            Some("2026-11-18T00:00:00Z")
        );
        assert_eq!(date("18/11/2026"), None);
    }
}

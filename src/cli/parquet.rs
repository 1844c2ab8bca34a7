//! A [`Table`] as a Parquet file (the `parquet` crate's column writers; no Arrow): one row group,
//! every column optional — text as UTF-8 strings, numbers as doubles, times as UTC timestamps
//! in milliseconds, flags as booleans — so DuckDB, Spark, Trino and BigQuery read the types.

use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::core::exports::{Kind, Table, Value};

pub fn write(table: &Table) -> Result<Vec<u8>, String> {
    write_table(table).map_err(|e| format!("Parquet: {e}"))
}

fn write_table(table: &Table) -> parquet::errors::Result<Vec<u8>> {
    let fields: Vec<String> = table
        .columns
        .iter()
        .map(|(name, kind)| {
            let physical = match kind {
                Kind::Text => "BYTE_ARRAY",
                Kind::Number => "DOUBLE",
                Kind::Time => "INT64",
                Kind::Flag => "BOOLEAN",
            };
            let logical = match kind {
                Kind::Text => " (STRING)",
                Kind::Time => " (TIMESTAMP(MILLIS, true))",
                _ => "",
            };
            format!("OPTIONAL {physical} {name}{logical};")
        })
        .collect();
    let schema = parse_message_type(&format!("message posture {{ {} }}", fields.join(" ")))?;
    let properties = Arc::new(
        WriterProperties::builder()
            .set_created_by(format!("posture {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let mut writer = SerializedFileWriter::new(Vec::new(), Arc::new(schema), properties)?;
    let mut group = writer.next_row_group()?;
    let mut at = 0;
    while let Some(mut column) = group.next_column()? {
        let cells = table.rows.iter().map(|row| row.get(at));
        // Definition level 1 where a value is, 0 where it is missing; values only where present.
        let mut levels = Vec::with_capacity(table.rows.len());
        match table.columns[at].1 {
            Kind::Text => {
                let values: Vec<ByteArray> = present(cells, &mut levels, |v| match v {
                    // Empty text is no value: null, as in the JSON lines.
                    Value::Text(t) if !t.is_empty() => Some(ByteArray::from(t.as_bytes().to_vec())),
                    _ => None,
                });
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&values, Some(&levels), None)?;
            }
            Kind::Number => {
                let values = present(cells, &mut levels, |v| match v {
                    Value::Number(n) => n.filter(|n| n.is_finite()),
                    _ => None,
                });
                column
                    .typed::<DoubleType>()
                    .write_batch(&values, Some(&levels), None)?;
            }
            Kind::Time => {
                let values = present(cells, &mut levels, |v| match v {
                    Value::Time(t) => t.map(|t| t.0),
                    _ => None,
                });
                column
                    .typed::<Int64Type>()
                    .write_batch(&values, Some(&levels), None)?;
            }
            Kind::Flag => {
                let values = present(cells, &mut levels, |v| match v {
                    Value::Flag(f) => *f,
                    _ => None,
                });
                column
                    .typed::<BoolType>()
                    .write_batch(&values, Some(&levels), None)?;
            }
        }
        column.close()?;
        at += 1;
    }
    group.close()?;
    writer.into_inner()
}

/// The values present, in order, and each row's definition level.
fn present<'a, T>(
    cells: impl Iterator<Item = Option<&'a Value>>,
    levels: &mut Vec<i16>,
    value: impl Fn(&Value) -> Option<T>,
) -> Vec<T> {
    let mut values = Vec::new();
    for cell in cells {
        match cell.and_then(&value) {
            Some(v) => {
                values.push(v);
                levels.push(1);
            }
            None => levels.push(0),
        }
    }
    values
}

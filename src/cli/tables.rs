//! `posture export`: the findings, scans, events and incident records as tables, one file each,
//! as JSON lines or Parquet.

use std::path::{Path, PathBuf};

use super::args::Format;
use crate::core::engine::Engine;
use crate::core::time::Timestamp;

/// Writes each table into `dir`; the files written and their rows.
pub fn export(
    engine: &mut Engine,
    format: Format,
    dir: &Path,
    now: Timestamp,
) -> Result<Vec<(PathBuf, usize)>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tables = [
        ("findings", engine.findings_table(now)),
        ("scans", engine.scans_table(now)),
        ("events", engine.events_table(now)),
        ("incidents", engine.incidents_table(now)),
    ];
    let mut written = Vec::new();
    for (name, table) in tables {
        let path = dir.join(match format {
            Format::Ndjson => format!("{name}.ndjson"),
            Format::Parquet => format!("{name}.parquet"),
        });
        let bytes = match format {
            Format::Ndjson => table.ndjson().into_bytes(),
            Format::Parquet => super::parquet::write(&table)?,
        };
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push((path, table.rows.len()));
    }
    Ok(written)
}

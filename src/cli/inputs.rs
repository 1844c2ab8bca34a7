//! The files a run reads: the paths given, folders walked, each named as the app names a
//! dropped file (a file by its name; a folder's files by their path from the folder, the
//! folder's name first, as a browser names a dropped folder's files).

use std::path::{Path, PathBuf};

use crate::core::engine::Engine;
use crate::core::protocol::SourceState;
use crate::core::time::Timestamp;

pub struct Input {
    pub name: String,
    pub path: PathBuf,
}

/// Every file under the paths, in order: each folder's files sorted by path. Hidden files and
/// folders (`.git`, `.DS_Store`) are skipped, as the app skips them in a dropped folder.
pub fn list(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            let root = path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default();
            let mut found = Vec::new();
            walk(path, &mut found).map_err(|e| format!("{}: {e}", path.display()))?;
            found.sort();
            for file in found {
                let relative = file.strip_prefix(path).unwrap_or(&file);
                let mut name = root.clone();
                for part in relative.components() {
                    name.push('/');
                    name.push_str(&part.as_os_str().to_string_lossy());
                }
                inputs.push(Input {
                    name: name.trim_start_matches('/').to_string(),
                    path: file,
                });
            }
        } else {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            inputs.push(Input {
                name,
                path: path.clone(),
            });
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, found)?;
        } else {
            found.push(path);
        }
    }
    Ok(())
}

/// Reads every input into the engine, saying on stderr how far it is and what could not be
/// read; how many files (or archive members) failed.
pub fn load(engine: &mut Engine, inputs: &[Input], quiet: bool) -> usize {
    let mut failed = 0;
    for (i, input) in inputs.iter().enumerate() {
        if !quiet {
            eprintln!("posture: [{}/{}] {}", i + 1, inputs.len(), input.name);
        }
        let bytes = match std::fs::read(&input.path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("posture: {}: cannot read: {e}", input.name);
                failed += 1;
                continue;
            }
        };
        let modified = std::fs::metadata(&input.path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| Timestamp(d.as_millis() as i64));
        for row in engine.add(&input.name, &bytes, modified) {
            if row.state == SourceState::Failed {
                failed += 1;
                eprintln!(
                    "posture: {}: {}",
                    row.name,
                    row.error.as_deref().unwrap_or("could not be read")
                );
            }
            for warning in &row.warnings {
                if !quiet {
                    eprintln!("posture: {}: warning: {warning}", row.name);
                }
            }
        }
    }
    failed
}

//! The files a run reads, taken as the app takes a drop: the paths given, folders walked, each
//! file named as a browser names a dropped file (a file by its name; a folder's files by their
//! path from the folder, the folder's name first), the whole batch sorted by name, queued at
//! once and then read one by one (an archive's members come after the batch, as in the app).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::core::diagnostics::ErrorKind;
use crate::core::engine::Engine;
use crate::core::protocol::{FileMeta, Request, Response, SourceState};
use crate::core::summary::{Summary, is_summary};
use crate::core::time::Timestamp;
use crate::core::unpack::{self, Container};

pub struct Input {
    pub name: String,
    pub path: PathBuf,
    /// What listing it found: its size and time go to the engine as a browser's `File` gives them.
    meta: std::fs::Metadata,
}

/// Every regular file under the paths, sorted by name as the app sorts a drop; and what could
/// not be listed (a missing path, an unreadable folder), each said as it would be for a file.
/// Hidden files and folders (`.git`, `.DS_Store`) are skipped, as the app skips them in a
/// dropped folder; links are followed, each folder once.
pub fn list(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => problems.push(format!("{}: {e}", path.display())),
            Ok(meta) if meta.is_dir() => {
                let root = path
                    .canonicalize()
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default();
                walk(path, &root, &mut seen, &mut inputs, &mut problems);
            }
            Ok(meta) => inputs.push(Input {
                name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                path: path.clone(),
                meta,
            }),
        }
    }
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    (inputs, problems)
}

fn walk(
    dir: &Path,
    name: &str,
    seen: &mut HashSet<PathBuf>,
    inputs: &mut Vec<Input>,
    problems: &mut Vec<String>,
) {
    // A link back up the tree would walk forever.
    if !seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return problems.push(format!("{}: {e}", dir.display())),
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let child = format!("{name}/{file_name}");
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, &child, seen, inputs, problems),
            // Pipes and devices would block or never end.
            Ok(meta) if meta.is_file() => inputs.push(Input {
                name: child,
                path,
                meta,
            }),
            Ok(_) => {}
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
}

/// Queues the inputs and reads each into the engine, saying on stderr how far it is and what
/// could not be read; how many files (or archive members) failed. Summaries among them are
/// merged first and given to the engine read, once, after the files (the engine, given them one
/// by one, would read the sources of those before again with each).
pub fn load(engine: &mut Engine, inputs: &[Input], quiet: bool) -> usize {
    let mut files = Vec::new();
    let mut summaries = Vec::new();
    for input in inputs {
        // One that cannot be read is the engine's to refuse, with its message, in its row.
        match looks_like_summary(&input.path).then(|| summary(&input.path)) {
            Some(Ok(summary)) => summaries.push(summary),
            _ => files.push(input),
        }
    }
    if summaries.is_empty() {
        return load_files(engine, &files, None, quiet);
    }
    let count = summaries.len();
    let merged: Summary = summaries.into_iter().sum();
    if !quiet && count > 1 {
        eprintln!(
            "posture: merged {count} summaries: {} sources",
            merged.members().len()
        );
    }
    load_files(engine, &files, Some(merged), quiet)
}

fn looks_like_summary(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut head));
    read.is_ok_and(|n| is_summary(&head[..n]))
}

/// The files, then (in one more row) the merged summaries.
fn load_files(
    engine: &mut Engine,
    inputs: &[&Input],
    mut summaries: Option<Summary>,
    quiet: bool,
) -> usize {
    let mut metas: Vec<FileMeta> = inputs
        .iter()
        .map(|input| FileMeta {
            name: input.name.clone(),
            size: input.meta.len(),
            last_modified: input
                .meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64),
        })
        .collect();
    if summaries.is_some() {
        // Replaced by the summaries' sources as soon as they are read.
        metas.push(FileMeta {
            name: "summaries".into(),
            size: 0,
            last_modified: None,
        });
    }
    let ids: Vec<u32> = match engine.handle(Request::AddFiles(metas), Timestamp(0)).pop() {
        Some(Response::Queued(rows)) => rows.iter().map(|r| r.id).collect(),
        _ => Vec::new(),
    };
    let total = ids.len();
    let mut failed = 0;
    for (i, id) in ids.into_iter().enumerate() {
        let name = inputs
            .get(i)
            .map_or("the summaries", |input| input.name.as_str());
        if !quiet {
            eprintln!("posture: [{}/{total}] {name}", i + 1);
        }
        let responses = match inputs.get(i) {
            Some(input) => match std::fs::read(&input.path) {
                Ok(bytes) => engine.ingest(id, &bytes),
                Err(e) => vec![Response::Source(Box::new(engine.fail(
                    id,
                    ErrorKind::Unsupported {
                        detail: format!("cannot read it: {e}"),
                    },
                )))],
            },
            None => (summaries.take()).map_or_else(Vec::new, |s| engine.read_summary(id, s)),
        };
        let rows = responses.into_iter().filter_map(|r| match r {
            Response::Source(row) => Some(*row),
            _ => None,
        });
        for row in rows {
            if row.state == SourceState::Failed {
                failed += 1;
                eprintln!(
                    "posture: {}: {}",
                    row.name,
                    row.error.as_deref().unwrap_or("could not be read")
                );
            }
            if !quiet {
                for warning in &row.warnings {
                    eprintln!("posture: {}: warning: {warning}", row.name);
                }
            }
        }
    }
    failed
}

/// A summary file (gzipped or not), read and checked.
pub fn summary(path: &Path) -> Result<Summary, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let plain = match unpack::container(&bytes) {
        Container::Gzip => {
            unpack::gunzip(&bytes).map_err(|e| format!("cannot unpack it: {}", e.0))?
        }
        _ => bytes,
    };
    if !is_summary(&plain) {
        return Err("not a summary (posture.summary.v1): summarize files first".into());
    }
    let text =
        std::str::from_utf8(&plain).map_err(|_| "this summary is damaged: it is not UTF-8")?;
    Summary::parse(text)
}

//! `posture`, the native command: the same core as the app, over files and folders on disk, for
//! CI jobs and organisations (SPEC §11). `posture scorecard` writes the very JSON the app
//! exports for the same files, settings and clock; `posture export` writes the findings and
//! incident records as tables; `posture summarize` and `posture merge` write summaries
//! (`core::summary`), which every command reads as the files they summarise. Progress and one message per unreadable file go to stderr; the
//! exit status says what happened (see [`Exit`]).

mod args;
mod inputs;
mod parquet;
mod tables;

use std::io::Write;
use std::process::ExitCode;

use crate::core::engine::Engine;
use crate::core::profile::Profile;
use crate::core::protocol::{ProfileOrigin, Request, Response};
use crate::core::time::Timestamp;
use args::{Command, Gate, Options};

/// What the exit status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Every file was read and every gate held.
    Done = 0,
    /// Some file could not be read (the others still count).
    BadFile = 1,
    /// The command line or a profile is wrong: nothing was computed.
    Usage = 2,
    /// A `--fail-on` gate failed.
    Gate = 3,
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exit = match args::parse(&args) {
        Ok(Command::Help(text)) => {
            println!("{text}");
            Exit::Done
        }
        Ok(Command::Run(options)) => run(&options).unwrap_or_else(|message| {
            eprintln!("posture: {message}");
            Exit::Usage
        }),
        Err(message) => {
            eprintln!("posture: {message}\n(see posture --help)");
            Exit::Usage
        }
    };
    ExitCode::from(exit as u8)
}

fn run(options: &Options) -> Result<Exit, String> {
    if let args::Action::Merge = options.command {
        return merge(options);
    }
    let now = options.now.unwrap_or_else(clock);
    let mut engine = Engine::default();
    if let Some(path) = &options.profile {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the profile: {e}", path.display()))?;
        // Checked here, to stop with its message rather than compute with the defaults.
        Profile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        engine.handle(
            Request::ImportProfile {
                text,
                origin: ProfileOrigin::Imported,
            },
            now,
        );
    }
    if let Some(period) = &options.period {
        for response in engine.handle(period.request(), now) {
            if let Response::View(view) = response
                && let Some(error) = view.period_error
            {
                return Err(error);
            }
        }
    }
    let (files, problems) = inputs::list(&options.inputs);
    for problem in &problems {
        eprintln!("posture: {problem}");
    }
    if files.is_empty() {
        return Err("no input files".into());
    }
    let failed = problems.len() + inputs::load(&mut engine, &files, options.quiet);

    let outcome = match &options.command {
        args::Action::Scorecard => {
            let json =
                serde_json::to_string_pretty(&engine.scorecard(now)).map_err(|e| e.to_string())?;
            write(options.output.as_deref(), &json)?;
            gates(
                &options.gates,
                &serde_json::from_str(&json).unwrap_or_default(),
            )
        }
        args::Action::Export { format, dir } => {
            let written = tables::export(&mut engine, *format, dir, now)?;
            if !options.quiet {
                for (path, rows) in written {
                    eprintln!("posture: wrote {} ({rows} rows)", path.display());
                }
            }
            Exit::Done
        }
        args::Action::Summarize => {
            let summary = engine.summary();
            write(options.output.as_deref(), &summary.to_json())?;
            if !options.quiet {
                eprintln!("posture: summarized {} sources", summary.members().len());
            }
            Exit::Done
        }
        // Merging reads no files into an engine (above).
        args::Action::Merge => Exit::Done,
    };
    // A failed gate says the most: it wins over a bad file (both are said on stderr).
    Ok(match (failed, outcome) {
        (_, Exit::Gate) => Exit::Gate,
        (0, outcome) => outcome,
        _ => Exit::BadFile,
    })
}

/// Summaries merged without reading their sources: each file read, checked and its sources
/// taken as they are.
fn merge(options: &Options) -> Result<Exit, String> {
    let (files, problems) = inputs::list(&options.inputs);
    let mut failed = problems.len();
    for problem in &problems {
        eprintln!("posture: {problem}");
    }
    if files.is_empty() {
        return Err("no summaries given".into());
    }
    let mut summaries = Vec::with_capacity(files.len());
    for input in &files {
        match inputs::summary(&input.path) {
            Ok(summary) => summaries.push(summary),
            Err(message) => {
                failed += 1;
                eprintln!("posture: {}: {message}", input.name);
            }
        }
    }
    if summaries.is_empty() {
        eprintln!("posture: no summary could be read: nothing written");
        return Ok(Exit::BadFile);
    }
    let count = summaries.len();
    let merged: crate::core::summary::Summary = summaries.into_iter().sum();
    write(options.output.as_deref(), &merged.to_json())?;
    if !options.quiet {
        eprintln!(
            "posture: merged {count} summaries: {} sources",
            merged.members().len()
        );
    }
    Ok(if failed == 0 {
        Exit::Done
    } else {
        Exit::BadFile
    })
}

/// The system clock, as the browser's `Date.now()` gives it to the app.
fn clock() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp(ms)
}

/// `text` to the file, or to stdout: as it is, the same bytes as the app's download.
fn write(output: Option<&std::path::Path>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write the output: {e}"))
        }
    }
}

/// Whether every gate holds on the scorecard; each failing one is said on stderr.
fn gates(gates: &[Gate], scorecard: &serde_json::Value) -> Exit {
    let mut failed = false;
    for gate in gates {
        let kpi = scorecard["kpis"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|k| k["id"] == gate.kpi);
        match kpi.map(|k| &k["value"]) {
            Some(value) => match value.as_f64() {
                Some(v) if gate.fails(v) => {
                    eprintln!("posture: gate failed: {} is {v} ({gate})", gate.kpi);
                    failed = true;
                }
                Some(_) => {}
                // A gate fails closed: a KPI with nothing to judge it by does not pass.
                None => {
                    eprintln!("posture: gate failed: {} has no data ({gate})", gate.kpi);
                    failed = true;
                }
            },
            None => {
                eprintln!("posture: gate failed: no KPI named {}", gate.kpi);
                failed = true;
            }
        }
    }
    if failed { Exit::Gate } else { Exit::Done }
}

//! The command line, read by hand: a few subcommands and flags do not need a parser crate.

use std::fmt;
use std::path::PathBuf;

use crate::core::evidence::PeriodChoice;
use crate::core::kpi::KPIS;
use crate::core::protocol::Request;
use crate::core::time::Timestamp;

pub enum Command {
    Help(&'static str),
    Run(Options),
}

pub struct Options {
    pub command: Action,
    pub inputs: Vec<PathBuf>,
    pub period: Option<Period>,
    pub profile: Option<PathBuf>,
    pub output: Option<PathBuf>,
    /// The clock, for a result that does not depend on when it is run.
    pub now: Option<Timestamp>,
    pub gates: Vec<Gate>,
    pub quiet: bool,
}

pub enum Action {
    Scorecard,
    Export { format: Format, dir: PathBuf },
    Summarize,
    Merge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Parquet,
}

/// `--period`: `all`, `7d`, `30d`, `90d`, or `2026-10-01..2026-11-30` (whole days, UTC).
pub enum Period {
    Choice(PeriodChoice),
    Range { from: String, to: String },
}

impl Period {
    pub fn request(&self) -> Request {
        match self {
            Period::Choice(choice) => Request::SetPeriod(*choice),
            Period::Range { from, to } => Request::SetRange {
                from: from.clone(),
                to: to.clone(),
            },
        }
    }
}

/// `--fail-on critical_open>0`: the run fails when the KPI's value compares so.
pub struct Gate {
    pub kpi: String,
    op: &'static str,
    limit: f64,
}

impl Gate {
    fn parse(text: &str) -> Result<Gate, String> {
        // Two-character operators first.
        for op in [">=", "<=", "==", "!=", ">", "<"] {
            if let Some((kpi, limit)) = text.split_once(op) {
                let limit = limit
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|l| l.is_finite())
                    .ok_or_else(|| {
                        format!("--fail-on {text}: {:?} is not a number", limit.trim())
                    })?;
                let kpi = kpi.trim();
                if kpi.is_empty() {
                    break;
                }
                if !KPIS.iter().any(|k| k.id == kpi) {
                    let ids: Vec<&str> = KPIS.iter().map(|k| k.id).collect();
                    return Err(format!(
                        "--fail-on {text}: no KPI is named {kpi:?} (one of {})",
                        ids.join(", ")
                    ));
                }
                return Ok(Gate {
                    kpi: kpi.to_string(),
                    op,
                    limit,
                });
            }
        }
        Err(format!(
            "--fail-on {text}: expected a KPI id, one of > >= < <= == !=, and a number \
             (critical_open>0)"
        ))
    }

    pub fn fails(&self, value: f64) -> bool {
        match self.op {
            ">" => value > self.limit,
            ">=" => value >= self.limit,
            "<" => value < self.limit,
            "<=" => value <= self.limit,
            "==" => value == self.limit,
            _ => value != self.limit,
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--fail-on {}{}{}", self.kpi, self.op, self.limit)
    }
}

pub const HELP: &str = "\
posture — a security scorecard from scanner, policy, log and incident files

Usage:
  posture scorecard <files or folders>… [options]   the posture.scorecard.v1 JSON
  posture export (--parquet | --ndjson) <dir> <files or folders>… [options]
                                                     findings, scans, events and incident
                                                     records as tables
  posture summarize <files or folders>… -o team.summary.json
                                                     what the files say, to merge
  posture merge <summaries>… -o org.summary.json     summaries merged into one
  posture <command> --help                           one command's options

Files are recognised by their content, as in the app; folders are read recursively. Every
command that reads files reads summaries too, as their files.
Exit status: 0 done, 1 some file could not be read (the others count), 2 usage or profile
error (nothing computed), 3 a --fail-on gate failed (whatever else happened).";

pub const SCORECARD_HELP: &str = "\
posture scorecard <files or folders>… [options]

Writes the scorecard as the app exports it (posture.scorecard.v1): the same bytes for the same
files, settings and clock.

Options:
  -o, --output <file>       write there instead of stdout
  --period <period>         all (default), 7d, 30d, 90d, or 2026-10-01..2026-11-30 (UTC days)
  --profile <file>          settings from a posture.profile.json (targets, SLAs, weights…)
  --now <time>              the clock, RFC 3339 (2026-11-23T10:00:00Z): a result that does
                            not depend on when it runs
  --fail-on <gate>          exit 3 when a KPI compares so, e.g. critical_open>0 or
                            iac_policy_pass_rate<90; repeatable; a KPI without data fails it
  -q, --quiet               no progress on stderr";

pub const EXPORT_HELP: &str = "\
posture export (--ndjson | --parquet) <dir> <files or folders>… [options]

Writes one table per kind, one row per item, into <dir> (findings.parquet or .ndjson…):
  findings      every finding up to the period's end (open, suppressed, passed or fixed),
                as the app's findings explorer lists them, compliance results included
  scans         every scan or check file up to the period's end: asset, tool, time, what it
                looked for, its findings and its IaC, compliance and cloud check counts
  events        each distinct event of the logs in the period
  incidents     the incident records as they stand (the latest record of each), alerted in
                the period

Options:
  --period, --profile, --now, -q    as for posture scorecard";

pub const SUMMARIZE_HELP: &str = "\
posture summarize <files or folders>… [-o team.summary.json] [-q]

Writes a summary (posture.summary.v1) of what the files say: each file's name, size, time and
digest and the evidence Posture keeps of it, not the file. Summaries merge (posture merge), and
the scorecard of merged summaries is the scorecard of all their files read at once. The period,
profile and clock are chosen when the scorecard is computed, so a summary takes none.";

pub const MERGE_HELP: &str = "\
posture merge <summaries or folders of them>… [-o org.summary.json] [-q]

Merges summaries into one: every file of each, once (a file is known by its name and content).
The order does not matter and a summary merged twice counts once. A summary made by another
version of Posture, or damaged, is said and left out; the others are merged (exit 1).";

pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some(first) = args.first() else {
        return Ok(Command::Help(HELP));
    };
    let command = match first.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help(HELP)),
        "scorecard" => "scorecard",
        "export" => "export",
        "summarize" => "summarize",
        "merge" => "merge",
        other => return Err(format!("unknown command {other:?}")),
    };
    let mut options = Options {
        command: Action::Scorecard,
        inputs: Vec::new(),
        period: None,
        profile: None,
        output: None,
        now: None,
        gates: Vec::new(),
        quiet: false,
    };
    let mut export: Option<(Format, PathBuf)> = None;
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| match rest.next() {
            // `-o --quiet` is a forgotten value, not a file named "--quiet".
            Some(v) if v.starts_with("--") => Err(format!("{flag} needs a value, not {v}")),
            Some(v) => Ok(v.clone()),
            None => Err(format!("{flag} needs a value")),
        };
        match arg.as_str() {
            "-h" | "--help" => {
                return Ok(Command::Help(match command {
                    "scorecard" => SCORECARD_HELP,
                    "summarize" => SUMMARIZE_HELP,
                    "merge" => MERGE_HELP,
                    _ => EXPORT_HELP,
                }));
            }
            "-o" | "--output" if command != "export" => {
                options.output = Some(value(arg)?.into());
            }
            // A summary holds every time: the period and settings are the scorecard's.
            "--period" | "--profile" | "--now" if matches!(command, "summarize" | "merge") => {
                return Err(format!(
                    "{command}: {arg} is chosen when the scorecard is computed, not here"
                ));
            }
            "--period" => options.period = Some(period(&value(arg)?)?),
            "--profile" => options.profile = Some(value(arg)?.into()),
            "--now" => {
                let text = value(arg)?;
                options.now = Some(
                    Timestamp::parse_rfc3339(&text)
                        .ok_or_else(|| format!("--now {text}: not an RFC 3339 time"))?,
                );
            }
            "--fail-on" if command == "scorecard" => options.gates.push(Gate::parse(&value(arg)?)?),
            "--ndjson" | "--parquet" if command == "export" => {
                let format = if arg == "--ndjson" {
                    Format::Ndjson
                } else {
                    Format::Parquet
                };
                if export.is_some() {
                    return Err("give one of --ndjson and --parquet".into());
                }
                export = Some((format, value(arg)?.into()));
            }
            "-q" | "--quiet" => options.quiet = true,
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("{command}: unknown option {flag}"));
            }
            input => options.inputs.push(input.into()),
        }
    }
    options.command = match command {
        "export" => {
            let (format, dir) = export.ok_or("export needs --ndjson <dir> or --parquet <dir>")?;
            Action::Export { format, dir }
        }
        "summarize" => Action::Summarize,
        "merge" => Action::Merge,
        _ => Action::Scorecard,
    };
    if options.inputs.is_empty() {
        return Err(format!("{command}: no files or folders given"));
    }
    Ok(Command::Run(options))
}

fn period(text: &str) -> Result<Period, String> {
    let choice = match text {
        "all" => PeriodChoice::All,
        "7d" => PeriodChoice::LastDays(7),
        "30d" => PeriodChoice::LastDays(30),
        "90d" => PeriodChoice::LastDays(90),
        range => {
            return match range.split_once("..") {
                Some((from, to)) => Ok(Period::Range {
                    from: from.into(),
                    to: to.into(),
                }),
                None => Err(format!(
                    "--period {text}: expected all, 7d, 30d, 90d or FROM..TO (2026-10-01..2026-11-30)"
                )),
            };
        }
    };
    Ok(Period::Choice(choice))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Result<Options, String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        match parse(&args)? {
            Command::Run(options) => Ok(options),
            Command::Help(_) => Err("help".into()),
        }
    }

    #[test]
    fn gates_read_and_judge() {
        let gate = Gate::parse("critical_open>0").unwrap();
        assert!(gate.fails(1.0) && !gate.fails(0.0));
        let gate = Gate::parse("iac_policy_pass_rate <= 90").unwrap();
        assert!(gate.fails(90.0) && !gate.fails(90.5));
        assert!(Gate::parse("critical_open").is_err());
        assert!(Gate::parse(">3").is_err());
        assert!(Gate::parse("critical_open>three").is_err());
        assert!(Gate::parse("critical_open>nan").is_err());
        assert!(Gate::parse("critical-open>0").is_err());
        assert!(Gate::parse("critical_open=>0").is_err());
    }

    #[test]
    fn command_lines_read_as_written() {
        let o =
            run("scorecard a.json dir --period 30d --fail-on critical_open>0 -o out.json").unwrap();
        assert_eq!(o.inputs, [PathBuf::from("a.json"), PathBuf::from("dir")]);
        assert_eq!(o.output, Some(PathBuf::from("out.json")));
        assert_eq!(o.gates.len(), 1);
        assert!(matches!(
            o.period,
            Some(Period::Choice(PeriodChoice::LastDays(30)))
        ));
        let o = run("export --ndjson out a.json").unwrap();
        assert!(matches!(
            o.command,
            Action::Export {
                format: Format::Ndjson,
                ..
            }
        ));
        assert!(run("export a.json").is_err());
        assert!(run("scorecard").is_err());
        assert!(run("scorecard a.json --bogus").is_err());
        assert!(run("scorecard a.json --period fortnight").is_err());
        assert!(run("scorecard a.json --now yesterday").is_err());
        assert!(run("scorecard a.json -o --quiet").is_err());
        let o = run("summarize dir -o team.summary.json").unwrap();
        assert!(matches!(o.command, Action::Summarize));
        assert!(run("summarize dir --period 30d").is_err());
        assert!(run("merge a.summary.json --now 2026-11-23T10:00:00Z").is_err());
        assert!(run("merge a.summary.json --fail-on critical_open>0").is_err());
        assert!(matches!(
            run("merge a b -o c").unwrap().command,
            Action::Merge
        ));
        assert_eq!(run("scorecard --help").err().as_deref(), Some("help"));
    }
}

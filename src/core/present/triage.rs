//! Triage decisions as the explorer and Sources show them.

use super::grouped;
use crate::core::model::{Decision, DecisionLog};
use crate::core::protocol::{DecisionRow, SourceRow};
use crate::core::time::Timestamp;

/// "3 findings", "1 finding".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", grouped(n))
    }
}

/// One decision's row; `covered` is filled in by the caller.
pub fn row(decision: &Decision, index: Option<u32>, origin: String, now: Timestamp) -> DecisionRow {
    let target = &decision.target;
    let list = |items: &[String]| items.join(" / ");
    let mut what = vec![if target.rules.is_empty() {
        "one finding".to_string()
    } else {
        list(&target.rules)
    }];
    if !target.packages.is_empty() {
        what.push(list(&target.packages));
    }
    what.push(if target.assets.is_empty() {
        "any asset".into()
    } else {
        list(&target.assets)
    });
    let in_force = decision.in_force(now);
    // An expiry is the instant after the last day it holds.
    let last_day = |t: Timestamp| Timestamp(t.0 - 1).date_text();
    let expires_text = match decision.expires {
        None => "no expiry".into(),
        Some(e) if in_force => format!("until {}", last_day(e)),
        Some(e) => format!("expired after {}: counts again", last_day(e)),
    };
    DecisionRow {
        index,
        triage: decision.triage.as_str().into(),
        triage_label: decision.triage.label().into(),
        what: what.join(" · "),
        reason: decision.reason.clone(),
        expires_text,
        in_force,
        origin,
        covered: 0,
    }
}

/// "2 decisions in force leave out 5 findings · 1 expired".
pub fn summary(rows: &[DecisionRow]) -> String {
    if rows.is_empty() {
        return "No decisions yet.".into();
    }
    let in_force: Vec<&DecisionRow> = rows.iter().filter(|r| r.in_force).collect();
    let covered: u64 = in_force.iter().map(|r| r.covered).sum();
    let mut parts = vec![format!(
        "{} in force {} {}",
        plural(in_force.len() as u64, "decision", "decisions"),
        if in_force.len() == 1 {
            "leaves out"
        } else {
            "leave out"
        },
        plural(covered, "finding", "findings")
    )];
    let expired = rows.len() - in_force.len();
    if expired > 0 {
        parts.push(format!("{expired} expired"));
    }
    parts.join(" · ")
}

/// What a file of decisions says in Sources.
pub fn source_row(row: &mut SourceRow, log: &DecisionLog) {
    let mut counts: Vec<String> = crate::core::model::Triage::ALL
        .into_iter()
        .filter_map(|t| {
            let n = log.decisions.iter().filter(|d| d.triage == t).count();
            (n > 0).then(|| format!("{n} {}", t.label()))
        })
        .collect();
    if counts.is_empty() {
        counts.push("none".into());
    }
    let mut text = format!("Decisions: {}", counts.join(", "));
    if !log.undecided.is_empty() {
        let rest: Vec<String> = log
            .undecided
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect();
        text.push_str(&format!(
            " · statements that leave findings counted: {}",
            rest.join(", ")
        ));
    }
    row.records = Some(text);
    row.asset = Some("triage decisions (VEX)".into());
}

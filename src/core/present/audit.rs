//! What a printed scorecard adds for an auditor to file: when and by what the numbers were
//! computed, for which period, from which files taken when, and how each KPI is measured.

use crate::core::protocol::{Section, SourceRow, SourceState, Table, Tile};
use crate::core::time::Timestamp;

pub fn audit(
    now: Timestamp,
    version: &str,
    period_text: &str,
    overall_formula: &str,
    tiles: &[Tile],
    sources: &[SourceRow],
) -> Section {
    let title = format!(
        "Audit appendix: computed {} by Posture {version} in this browser · {period_text} · {}",
        super::human_time(now),
        super::triage::plural(sources.len() as u64, "file", "files"),
    );
    let sources = sources
        .iter()
        .map(|s| {
            let format = s
                .tool
                .clone()
                .or_else(|| s.format_label.clone())
                .unwrap_or_default();
            let (taken, records) = match s.state {
                SourceState::Failed => (
                    String::new(),
                    format!("not read: {}", s.error.as_deref().unwrap_or("")),
                ),
                SourceState::Duplicate => (
                    String::new(),
                    "the same content as another file: counted once".into(),
                ),
                _ => (
                    match (&s.taken_at, &s.taken_at_source) {
                        (Some(at), Some(from)) => format!("{at}, {from}"),
                        (Some(at), None) => at.clone(),
                        _ => String::new(),
                    },
                    s.records.clone().unwrap_or_default(),
                ),
            };
            vec![s.name.clone(), format, taken, records]
        })
        .collect();
    let mut methods = vec![vec![
        "Overall posture score".to_string(),
        String::new(),
        overall_formula.to_string(),
    ]];
    methods.extend(tiles.iter().map(|t| {
        let mut how = t.formula.clone();
        if let Some(ratio) = &t.ratio_text {
            how = format!("{how} ({ratio})");
        }
        if !t.inputs.is_empty() {
            how = format!("{how}. Inputs: {}", t.inputs.join(", "));
        }
        for note in &t.notes {
            how = format!("{}. {}", how.trim_end_matches('.'), note);
        }
        vec![t.label.clone(), t.target_text.clone(), how]
    }));
    let table = |id: &str, title: &str, columns: &[&str], rows| Table {
        id: id.into(),
        title: title.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        empty_text: "None.".into(),
        note: None,
    };
    Section {
        id: "audit".into(),
        title,
        figures: Vec::new(),
        charts: Vec::new(),
        tables: vec![
            table(
                "audit-sources",
                "Sources",
                &["File", "Format", "Taken at", "Records"],
                sources,
            ),
            table(
                "audit-methods",
                "Methods",
                &["KPI", "Target", "How it is measured"],
                methods,
            ),
        ],
    }
}

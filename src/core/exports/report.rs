//! The report: one HTML file with the scorecard, its charts as inline SVG, the sources and the
//! formulas, for people who do not run Posture. It holds no script at all, and its own
//! Content-Security-Policy allows nothing but its one inline style sheet (by hash): opened from
//! a mail or a disk, it loads nothing and runs nothing. Every string from a file is escaped.
//! It prints on one A4 page: each tile carries its formula, the overall score its own.

use std::fmt::Write;

use crate::core::charts::escape;
use crate::core::present::triage::plural;
use crate::core::protocol::{Chart, SourceRow, SourceState, Tile, View};
use crate::core::time::Timestamp;

/// What the report says besides the view.
pub struct About<'a> {
    pub generated_at: Timestamp,
    pub version: &'a str,
    /// The group of assets the numbers are limited to.
    pub group: Option<&'a str>,
}

/// The report's style sheet, the one thing its policy allows (by the hash below; a test checks
/// that the two agree).
pub const STYLE: &str = include_str!("report.css");
pub const STYLE_HASH: &str = "sha256-LO18ji70231e4Sdt+fLBdy86upuploNqBQsvTJ0JPwg=";

pub fn report(view: &View, sources: &[SourceRow], about: &About) -> String {
    let mut out = String::with_capacity(64 << 10);
    let title = match about.group {
        Some(group) => format!("Security scorecard — {}", escape(group)),
        None => "Security scorecard".to_string(),
    };
    let _ = writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src '{STYLE_HASH}'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Posture {version}\">\n\
         <title>{title} — {period}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        version = escape(about.version),
        period = escape(&view.period_text),
    );
    let _ = writeln!(
        out,
        "<header><h1>{title}</h1><p class=\"period\" data-period>{period}</p>\
         <p class=\"meta\">Generated {generated} by Posture {version} from {files} · \
         {previous}</p></header>",
        period = escape(&view.period_text),
        generated = crate::core::present::human_time(about.generated_at),
        version = escape(about.version),
        files = plural(view.loaded as u64, "file", "files"),
        previous = escape(&view.previous_text),
    );
    out.push_str("<div class=\"lead\">");
    overall(&mut out, view);
    charts(&mut out, &view.metrics.charts);
    out.push_str("</div>\n<section class=\"tiles\">\n");
    for tile in &view.tiles {
        kpi_tile(&mut out, tile);
    }
    out.push_str("</section>\n");
    sources_list(&mut out, sources);
    out.push_str("</body>\n</html>\n");
    out
}

fn overall(out: &mut String, view: &View) {
    let _ = write!(
        out,
        "<section class=\"overall\" data-overall=\"{raw}\" data-overall-state=\"{state}\">\
         <div class=\"score\"><span class=\"number\">{text}</span><span class=\"of\">/ 100</span></div>\
         <div><h2>Overall posture score</h2><p>{basis}{delta}</p>",
        raw = escape(&view.overall_raw),
        state = escape(&view.overall_state),
        text = escape(&view.overall_text),
        basis = escape(&view.overall_basis_text),
        delta = view
            .overall_delta_text
            .as_ref()
            .map(|d| format!(" · {} since the previous period", escape(d)))
            .unwrap_or_default(),
    );
    let _ = write!(
        out,
        "<p class=\"formula\">{}</p>",
        escape(&view.overall_formula)
    );
    for line in [&view.overall_caveat, &view.failed_text]
        .into_iter()
        .flatten()
    {
        let _ = write!(out, "<p class=\"caveat\">{}</p>", escape(line));
    }
    if !view.summary.movers.is_empty() {
        out.push_str("<ul class=\"movers\">");
        for mover in &view.summary.movers {
            let _ = write!(out, "<li>{}</li>", escape(mover));
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></section>\n");
}

fn kpi_tile(out: &mut String, t: &Tile) {
    let _ = write!(
        out,
        "<article class=\"tile {status}\" data-kpi=\"{id}\" data-status=\"{status}\" \
         data-value=\"{raw}\" data-previous=\"{previous}\">\
         <h3>{label}</h3><p class=\"value\">{value}</p>\
         <p class=\"target\">Target {target} · <strong>{status_label}</strong>{delta}</p>",
        status = escape(&t.status),
        id = escape(&t.id),
        raw = escape(&t.value_raw),
        previous = escape(&t.previous_raw),
        label = escape(&t.label),
        value = escape(&t.value_text),
        target = escape(&t.target_text),
        status_label = escape(&t.status_label),
        delta = t
            .delta_text
            .as_ref()
            .map(|d| format!(" · Δ {}", escape(d)))
            .unwrap_or_default(),
    );
    if !t.spark.is_empty() {
        let _ = write!(
            out,
            "<svg class=\"spark\" viewBox=\"0 0 120 28\" width=\"120\" height=\"28\" role=\"img\" \
             aria-label=\"{label}\"><polyline points=\"{points}\" fill=\"none\" \
             stroke=\"currentColor\" stroke-width=\"1.5\"/></svg>",
            label = escape(&t.spark_text),
            points = escape(&t.spark),
        );
    }
    let detail = match (&t.missing, &t.ratio_text) {
        (Some(missing), _) => missing.clone(),
        (None, Some(ratio)) => format!("{ratio} · {}", t.formula),
        (None, None) => t.formula.clone(),
    };
    let _ = writeln!(
        out,
        "<p class=\"formula\">{}</p></article>",
        escape(&detail)
    );
}

fn charts(out: &mut String, charts: &[Chart]) {
    out.push_str("<section class=\"charts\">\n");
    for chart in charts {
        let _ = write!(
            out,
            "<figure><figcaption>{}</figcaption>",
            escape(&chart.title)
        );
        if chart.svg.is_empty() {
            let _ = write!(out, "<p class=\"empty\">{}</p>", escape(&chart.empty_text));
        } else {
            // The chart's own SVG (every label in it escaped by `charts`), without the links
            // into the app's explorer, which a report does not have.
            out.push_str(&without_links(&chart.svg));
        }
        if !chart.legend.is_empty() {
            out.push_str("<p class=\"legend\">");
            for entry in &chart.legend {
                let _ = write!(
                    out,
                    "<span><svg width=\"8\" height=\"8\"><rect width=\"8\" height=\"8\" \
                     fill=\"{}\"/></svg> {}</span> ",
                    escape(&entry.color),
                    escape(&entry.label),
                );
            }
            out.push_str("</p>");
        }
        out.push_str("</figure>\n");
    }
    out.push_str("</section>\n");
}

/// The chart without its `<a class="bar-link">…</a>` layer.
fn without_links(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<a class=\"bar-link\"") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</a>") {
            Some(end) => rest = &rest[start + end + "</a>".len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn sources_list(out: &mut String, sources: &[SourceRow]) {
    let _ = writeln!(
        out,
        "<section class=\"sources\"><h2>Sources ({})</h2><table><colgroup><col class=\"file\"><col class=\"format\">\
         <col class=\"taken\"><col></colgroup><thead><tr><th>File</th><th>Format</th><th>Taken at</th>\
         <th>Records</th></tr></thead><tbody>",
        sources.len()
    );
    for s in sources {
        let state = match s.state {
            SourceState::Failed => s.error.as_deref().unwrap_or("could not be read"),
            SourceState::Duplicate => "the same content as a file above: counted once",
            SourceState::Queued | SourceState::Loading => "not read yet",
            SourceState::Loaded => s.records.as_deref().unwrap_or(""),
        };
        let format = match (&s.tool, &s.format_label) {
            (Some(tool), _) => tool.as_str(),
            (None, Some(label)) => label.as_str(),
            (None, None) => "",
        };
        let warnings = match s.warnings.len() {
            0 => String::new(),
            n => format!(" · {}", plural(n as u64, "warning", "warnings")),
        };
        let _ = writeln!(
            out,
            "<tr data-source=\"{name}\" data-format=\"{format_id}\"><td>{name}</td><td>{format}</td>\
             <td>{taken}</td><td>{state}{warnings}</td></tr>",
            name = escape(&s.name),
            format_id = escape(s.format.as_deref().unwrap_or("")),
            format = escape(format),
            taken = escape(s.taken_at.as_deref().unwrap_or("")),
            state = escape(state),
        );
    }
    out.push_str("</tbody></table></section>\n");
}

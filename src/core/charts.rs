//! Charts as SVG strings, drawn with plotters' SVG backend.
//!
//! Made in the core so the page, an SVG download and a report share the same bytes, and so they
//! are tested natively. Nothing here asks plotters to measure text (captions, legends, right-hand
//! labels and pie labels do, through `window`, which a Web Worker lacks): titles and legends are
//! HTML around the SVG, and labels are placed with explicit anchors. plotters escapes text, so
//! names from files cannot become markup.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::model::{Category, Severity};

pub fn severity_color(severity: Severity) -> RGBColor {
    match severity {
        Severity::Critical => RGBColor(0x9f, 0x12, 0x39),
        Severity::High => RGBColor(0xdc, 0x4a, 0x1f),
        Severity::Medium => RGBColor(0xd9, 0x96, 0x0b),
        Severity::Low => RGBColor(0x3b, 0x76, 0xc4),
        Severity::Info => RGBColor(0x6b, 0x7a, 0x8c),
        Severity::Unknown => RGBColor(0xa8, 0xa2, 0x9e),
    }
}

pub fn category_color(category: Category) -> RGBColor {
    match category {
        Category::Vulnerability => RGBColor(0x4f, 0x46, 0xe5),
        Category::Misconfiguration => RGBColor(0x0d, 0x94, 0x88),
        Category::Secret => RGBColor(0xbe, 0x18, 0x5d),
        Category::Code => RGBColor(0x7c, 0x3a, 0xed),
        Category::Policy => RGBColor(0x05, 0x96, 0x69),
        Category::Compliance => RGBColor(0x65, 0x73, 0x0f),
    }
}

/// What was fixed: green.
pub fn fixed_color() -> RGBColor {
    RGBColor(0x15, 0x80, 0x3d)
}

/// `#rrggbb`, for legends drawn in HTML next to a chart.
pub fn hex(color: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2)
}

/// One bar of a horizontal bar chart: a label and stacked segments.
pub struct Bar {
    pub label: String,
    pub segments: Vec<(u64, RGBColor)>,
    /// Where clicking the bar leads (an in-page hash), if anywhere.
    pub link: Option<String>,
}

const WIDTH: u32 = 640;
const LABEL_WIDTH: i32 = 220;
const ROW: i32 = 26;
const BAR: i32 = 16;
const TOP: i32 = 6;
const AXIS: i32 = 26;
/// Room right of the longest bar for its total.
const TOTAL_ROOM: i32 = 48;
const LABEL_CHARS: usize = 32;
const FONT: &str = "sans-serif";
/// plotters' SVG backend writes `font-size` as the size ÷ 1.24; these give 13 px and 12 px.
const LABEL_SIZE: f64 = 16.1;
const TICK_SIZE: f64 = 14.9;

/// Horizontal stacked bars, one row per bar, with the total at the end of each and a count axis.
/// An empty list gives an empty string: the caller shows "nothing to chart" in HTML.
pub fn horizontal_bars(bars: &[Bar]) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let height = (TOP + ROW * bars.len() as i32 + AXIS) as u32;
    let mut svg = String::new();
    // Drawing into a String cannot fail for I/O; an error would be a plotters bug, and then the
    // chart is left out rather than taking the page down.
    if draw_bars(&mut svg, bars, height).is_none() {
        svg.clear();
    }
    link_rows(&mut svg, bars);
    svg
}

/// Makes each linked bar's whole row a link: a transparent rectangle over it, inside `<a>`.
/// plotters draws no links, so they are added before the closing tag; the hash is escaped.
fn link_rows(svg: &mut String, bars: &[Bar]) {
    let Some(close) = svg.rfind("</svg>") else {
        return;
    };
    let mut links = String::new();
    for (row, bar) in bars.iter().enumerate() {
        let Some(link) = &bar.link else { continue };
        links.push_str(&format!(
            r#"<a class="bar-link" href="{}"><title>{}</title><rect x="0" y="{}" width="{WIDTH}" height="{ROW}" fill="transparent"/></a>"#,
            escape(link),
            escape(&bar.label),
            TOP + ROW * row as i32,
        ));
    }
    svg.insert_str(close, &links);
}

/// Text for an SVG or HTML attribute or element.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn draw_bars(svg: &mut String, bars: &[Bar], height: u32) -> Option<()> {
    let root = SVGBackend::with_string(svg, (WIDTH, height)).into_drawing_area();
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.0).sum::<u64>())
        .max()
        .unwrap_or(0);
    let step = nice_step(max);
    let axis_max = step * max.div_ceil(step).max(1);
    let plot_width = WIDTH as i32 - LABEL_WIDTH - TOTAL_ROOM;
    let x = |value: u64| {
        LABEL_WIDTH + (value as f64 / axis_max as f64 * f64::from(plot_width)).round() as i32
    };
    let bottom = TOP + ROW * bars.len() as i32;

    let grid = RGBColor(0xe2, 0xe5, 0xea);
    let ink = RGBColor(0x33, 0x3a, 0x45);
    let label_style = |h| {
        TextStyle::from((FONT, LABEL_SIZE).into_font())
            .color(&ink)
            .pos(Pos::new(h, VPos::Center))
    };
    let tick_style = TextStyle::from((FONT, TICK_SIZE).into_font())
        .color(&ink)
        .pos(Pos::new(HPos::Center, VPos::Top));

    let mut tick = 0;
    while tick <= axis_max {
        let tx = x(tick);
        root.draw(&PathElement::new(
            vec![(tx, TOP), (tx, bottom)],
            grid.stroke_width(1),
        ))
        .ok()?;
        root.draw(&Text::new(
            tick.to_string(),
            (tx, bottom + 6),
            tick_style.clone(),
        ))
        .ok()?;
        tick += step;
    }

    for (row, bar) in bars.iter().enumerate() {
        let top = TOP + ROW * row as i32 + (ROW - BAR) / 2;
        let middle = top + BAR / 2;
        root.draw(&Text::new(
            truncate(&bar.label),
            (LABEL_WIDTH - 8, middle),
            label_style(HPos::Right),
        ))
        .ok()?;
        let mut start = 0;
        for &(value, color) in bar.segments.iter().filter(|s| s.0 > 0) {
            root.draw(&Rectangle::new(
                [(x(start), top), (x(start + value), top + BAR)],
                color.filled(),
            ))
            .ok()?;
            start += value;
        }
        root.draw(&Text::new(
            start.to_string(),
            (x(start) + 6, middle),
            label_style(HPos::Left),
        ))
        .ok()?;
    }
    root.draw(&PathElement::new(
        vec![(LABEL_WIDTH, TOP), (LABEL_WIDTH, bottom)],
        ink.stroke_width(1),
    ))
    .ok()?;
    root.present().ok()
}

const COLUMNS_HEIGHT: u32 = 200;
const COLUMNS_LEFT: i32 = 44;
/// Room for a label under the axis, and the least room a label needs not to touch the next.
const COLUMNS_BOTTOM: i32 = 24;
const LABEL_ROOM: i32 = 52;

/// Vertical columns over time (one per day or week, oldest first), with a count axis and the
/// labels of as many columns as fit. An empty list gives an empty string.
pub fn columns(points: &[(String, u64)], color: RGBColor) -> String {
    let labels: Vec<String> = points.iter().map(|p| p.0.clone()).collect();
    let values: Vec<u64> = points.iter().map(|p| p.1).collect();
    series_columns(&labels, &[(values, color)], Layout::Stacked)
}

/// How several series share a column: on top of each other, or side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Stacked,
    Grouped,
}

/// Columns of several series over time (`series[s].0[i]` is series `s` at label `i`). The
/// legend is the caller's, in HTML.
pub fn series_columns(
    labels: &[String],
    series: &[(Vec<u64>, RGBColor)],
    layout: Layout,
) -> String {
    if labels.is_empty() || series.is_empty() {
        return String::new();
    }
    let mut svg = String::new();
    if draw_columns(&mut svg, labels, series, layout).is_none() {
        svg.clear();
    }
    svg
}

fn draw_columns(
    svg: &mut String,
    labels: &[String],
    series: &[(Vec<u64>, RGBColor)],
    layout: Layout,
) -> Option<()> {
    let root = SVGBackend::with_string(svg, (WIDTH, COLUMNS_HEIGHT)).into_drawing_area();
    let value = |s: usize, i: usize| series[s].0.get(i).copied().unwrap_or(0);
    let max = (0..labels.len())
        .map(|i| match layout {
            Layout::Stacked => (0..series.len()).map(|s| value(s, i)).sum(),
            Layout::Grouped => (0..series.len()).map(|s| value(s, i)).max().unwrap_or(0),
        })
        .max()
        .unwrap_or(0);
    let step = nice_step(max);
    let axis_max = step * max.div_ceil(step).max(1);
    let bottom = COLUMNS_HEIGHT as i32 - COLUMNS_BOTTOM;
    let plot_height = bottom - TOP;
    let y = |value: u64| {
        bottom - (value as f64 / axis_max as f64 * f64::from(plot_height)).round() as i32
    };
    let slot = f64::from(WIDTH as i32 - COLUMNS_LEFT - 8) / labels.len() as f64;
    let x = |i: f64| COLUMNS_LEFT + (i * slot).round() as i32;
    let grid = RGBColor(0xe2, 0xe5, 0xea);
    let ink = RGBColor(0x33, 0x3a, 0x45);
    let tick_style = |h, v| {
        TextStyle::from((FONT, TICK_SIZE).into_font())
            .color(&ink)
            .pos(Pos::new(h, v))
    };
    let mut tick = 0;
    while tick <= axis_max {
        let ty = y(tick);
        root.draw(&PathElement::new(
            vec![(COLUMNS_LEFT, ty), (WIDTH as i32 - 8, ty)],
            grid.stroke_width(1),
        ))
        .ok()?;
        root.draw(&Text::new(
            tick.to_string(),
            (COLUMNS_LEFT - 6, ty),
            tick_style(HPos::Right, VPos::Center),
        ))
        .ok()?;
        tick += step;
    }
    // Label every n-th column so labels never overlap.
    let every = ((f64::from(LABEL_ROOM) / slot).ceil() as usize).max(1);
    let gap = (slot * 0.2).clamp(1.0, 6.0).round() as i32;
    let n = series.len() as f64;
    for (i, label) in labels.iter().enumerate() {
        let (left, right) = (x(i as f64) + gap / 2, x(i as f64 + 1.0) - gap / 2);
        let mut base = 0;
        for (s, (_, color)) in series.iter().enumerate() {
            let v = value(s, i);
            let (l, r, from, to) = match layout {
                Layout::Stacked => (left, right, base, base + v),
                Layout::Grouped => {
                    let width = f64::from(right - left) / n;
                    let l = left + (s as f64 * width).round() as i32;
                    let r = left + ((s as f64 + 1.0) * width).round() as i32;
                    (l, r, 0, v)
                }
            };
            if v > 0 {
                root.draw(&Rectangle::new(
                    [(l, y(to)), (r.max(l + 1), y(from))],
                    color.filled(),
                ))
                .ok()?;
            }
            base += v;
        }
        if i % every == 0 {
            root.draw(&Text::new(
                truncate(label),
                ((left + right) / 2, bottom + 6),
                tick_style(HPos::Center, VPos::Top),
            ))
            .ok()?;
        }
    }
    root.draw(&PathElement::new(
        vec![(COLUMNS_LEFT, bottom), (WIDTH as i32 - 8, bottom)],
        ink.stroke_width(1),
    ))
    .ok()?;
    root.present().ok()
}

/// A tick step of 1, 2 or 5 × 10ⁿ giving at most five steps up to `max`.
fn nice_step(max: u64) -> u64 {
    let mut magnitude = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            if max.div_ceil(step) <= 5 {
                return step;
            }
        }
        magnitude *= 10;
    }
}

fn truncate(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        let mut short: String = label.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0), 1);
        assert_eq!(nice_step(4), 1);
        assert_eq!(nice_step(7), 2);
        assert_eq!(nice_step(23), 5);
        assert_eq!(nice_step(48), 10);
        assert_eq!(nice_step(1234), 500);
    }

    #[test]
    fn labels_from_files_are_escaped() {
        let svg = horizontal_bars(&[Bar {
            label: "<img src=x onerror=alert(1)>".into(),
            segments: vec![(3, severity_color(Severity::High))],
            link: Some("#/findings?rule=\"><script>".into()),
        }]);
        assert!(
            svg.contains(r##"href="#/findings?rule=&quot;&gt;&lt;script&gt;""##),
            "{svg}"
        );
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"), "{svg}");
        assert!(!svg.contains("<img"));
    }

    #[test]
    fn bars_are_proportional_and_totals_shown() {
        let svg = horizontal_bars(&[
            Bar {
                label: "a".into(),
                segments: vec![(4, RGBColor(1, 2, 3)), (6, RGBColor(4, 5, 6))],
                link: None,
            },
            Bar {
                label: "b".into(),
                segments: vec![(5, RGBColor(1, 2, 3))],
                link: None,
            },
        ]);
        // Axis 0..10 over 372 px from x = 220: 4 → 369, 10 → 592, 5 → 406.
        assert!(
            svg.contains(
                r##"<rect x="220" y="11" width="149" height="16" opacity="1" fill="#010203""##
            ),
            "{svg}"
        );
        assert!(svg.contains(r#"<rect x="369" y="11" width="223""#), "{svg}");
        assert!(svg.contains(r#"<rect x="220" y="37" width="186""#), "{svg}");
        assert!(
            svg.contains(">\n10\n</text>") && svg.contains(">\n5\n</text>"),
            "{svg}"
        );
    }

    #[test]
    fn nothing_to_chart_is_empty() {
        assert_eq!(horizontal_bars(&[]), "");
        assert_eq!(columns(&[], RGBColor(0, 0, 0)), "");
    }

    #[test]
    fn columns_rise_with_their_counts_and_escape_labels() {
        let svg = columns(
            &[("11-16".into(), 2), ("<b>".into(), 0), ("11-18".into(), 4)],
            RGBColor(1, 2, 3),
        );
        // Axis 0..4 over 170 px (176 − 6): 4 → the top at y = 6, 2 → y = 91. Slots of 196 px
        // from x = 44 with a 6 px gap: 47..237 and 439..629; the empty day has no column.
        assert!(
            svg.contains(r#"<rect x="47" y="91" width="190" height="85""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect x="439" y="6" width="190" height="170""#),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"), "{svg}");
    }
}

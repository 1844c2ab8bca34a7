//! A chart: its title and legend in HTML around the SVG the core drew.

use leptos::prelude::*;

use super::client::save;
use crate::core::protocol::Chart;
use crate::core::session::Download;

/// The one place markup is set from a string: `chart.svg` comes from `core::charts`, which
/// escapes every label (a tidy test keeps `inner_html` here).
#[component]
pub fn ChartFigure(chart: Chart) -> impl IntoView {
    let download = Download {
        file_name: chart.file_name.clone(),
        mime: "image/svg+xml".into(),
        content: chart.svg.clone(),
    };
    let legend = chart
        .legend
        .into_iter()
        .map(|entry| {
            view! {
                <li>
                    <svg class="swatch" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
                        <rect width="10" height="10" rx="2" fill=entry.color></rect>
                    </svg>
                    {entry.label}
                </li>
            }
        })
        .collect_view();
    let body = if chart.svg.is_empty() {
        view! { <p class="empty">{chart.empty_text}</p> }.into_any()
    } else {
        view! {
            <div class="svg" inner_html=chart.svg></div>
            <button type="button" class="link download" on:click=move |_| save(&download)>"Download SVG"</button>
        }
        .into_any()
    };
    view! {
        <figure class="chart" data-chart=chart.id>
            <figcaption>{chart.title}</figcaption>
            <ul class="legend">{legend}</ul>
            {body}
        </figure>
    }
}

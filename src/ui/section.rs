//! One detection and response domain of the metrics view: its figures, charts and tables, as
//! the core made them.

use leptos::prelude::*;

use super::chart::ChartFigure;
use crate::core::protocol::{Section, Table};

#[component]
pub fn SectionView(section: Section) -> impl IntoView {
    let id = section.id.clone();
    view! {
        <section class="domain" data-section=id>
            <h2>{section.title}</h2>
            <div class="figures">
                {section
                    .figures
                    .into_iter()
                    .map(|f| {
                        view! {
                            <div class="figure" data-figure=f.key>
                                <span class="figure-value">{f.count}</span>
                                <span class="figure-label">{f.label}</span>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="charts">
                {section.charts.into_iter().map(|c| view! { <ChartFigure chart=c /> }).collect_view()}
            </div>
            <div class="tables">
                {section.tables.into_iter().map(|t| view! { <DataTable table=t /> }).collect_view()}
            </div>
        </section>
    }
}

/// A table of text; every column after the first that holds numbers is right-aligned.
#[component]
fn DataTable(table: Table) -> impl IntoView {
    if table.rows.is_empty() {
        return view! {
            <section class="rules" data-table=table.id>
                <h3>{table.title}</h3>
                <p class="empty">{table.empty_text}</p>
            </section>
        }
        .into_any();
    }
    let numeric = table.numeric_columns();
    let columns = table.columns.clone();
    view! {
        <section class="rules" data-table=table.id>
            <table class="reflow">
                <caption>{table.title}</caption>
                <thead>
                    <tr>
                        {table.columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {table
                        .rows
                        .into_iter()
                        .map(|row| {
                            let cells = row
                                .into_iter()
                                .enumerate()
                                .map(|(i, cell)| {
                                    if i == 0 {
                                        view! { <th scope="row">{cell}</th> }.into_any()
                                    } else {
                                        let class = if numeric[i] { "num" } else { "" };
                                        let label = columns.get(i).cloned().unwrap_or_default();
                                        view! { <td class=class data-label=label>{cell}</td> }.into_any()
                                    }
                                })
                                .collect_view();
                            view! { <tr>{cells}</tr> }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {table.note.map(|n| view! { <p class="table-note">{n}</p> })}
        </section>
    }
    .into_any()
}

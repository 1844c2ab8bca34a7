//! The analyst view: counts, charts and the rules behind them.

use leptos::prelude::*;

use super::chart::ChartFigure;
use super::client::use_client;
use super::header::ExportButton;
use super::section::SectionView;
use crate::core::protocol::{Count, ExportKind, MetricsView as Metrics, RuleRow};

#[component]
pub fn MetricsView() -> impl IntoView {
    let client = use_client();
    move || {
        client
            .view(|v| v.map(|v| v.metrics.clone()))
            .map(|m| view! { <MetricsPanel metrics=m /> })
    }
}

#[component]
fn MetricsPanel(metrics: Metrics) -> impl IntoView {
    let fixable = metrics.fixable_text.clone();
    let sections = metrics.sections.clone();
    let incidents = sections.iter().any(|s| s.id == "incidents").then(|| {
        view! { <ExportButton action="export-incidents-csv" kind=ExportKind::IncidentsCsv label="Incident records CSV" title="Download the incident records as they stand, in Posture's incident template" /> }
    });
    view! {
        <p class="exports">
            <ExportButton action="export-metrics-csv" kind=ExportKind::MetricsCsv label="Metrics CSV" title="Download every count and table of this view as CSV" />
            {incidents}
        </p>
        <section class="metrics">
            <h2>"Findings"</h2>
            <p class="metrics-note">
                "Open findings in the latest snapshot of each asset, as of the end of the selected period. "
                "The same problem reported by two files counts once."
            </p>
            <div class="figures">
                <Figure label="Open findings" value=metrics.open_total.to_string() />
                <Figure label="Open vulnerabilities" value=metrics.vulnerabilities.to_string() />
                <Figure label="Fix available" value=fixable />
            </div>
            <div class="counts">
                <CountList title="By severity" counts=metrics.by_severity class="severity" />
                <CountList title="By category" counts=metrics.by_category class="category" />
                <CountList title="By tool" counts=metrics.by_tool class="tool" />
            </div>
            <div class="charts">
                {metrics.charts.into_iter().map(|c| view! { <ChartFigure chart=c /> }).collect_view()}
            </div>
            <RuleTable title="Top vulnerabilities" rows=metrics.top_vulnerabilities empty="No open vulnerabilities." />
            <RuleTable title="Top failing rules" rows=metrics.top_rules empty="No failing misconfiguration, secret or code rules." />
            <table class="assets reflow">
                <caption>"Open findings per asset"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Asset"</th>
                        <th scope="col">"Critical"</th>
                        <th scope="col">"High"</th>
                        <th scope="col">"Medium"</th>
                        <th scope="col">"Low"</th>
                        <th scope="col">"Info"</th>
                        <th scope="col">"Unknown"</th>
                        <th scope="col">"Total"</th>
                    </tr>
                </thead>
                <tbody>
                    {metrics
                        .assets
                        .into_iter()
                        .map(|a| {
                            let name = a.name.clone();
                            view! {
                                <tr data-asset=name>
                                    <th scope="row">{a.name}</th>
                                    {a
                                        .counts
                                        .into_iter()
                                        .zip(["Critical", "High", "Medium", "Low", "Info", "Unknown"])
                                        .map(|(c, label)| view! { <td class="num" data-label=label>{c}</td> })
                                        .collect_view()}
                                    <td class="num total" data-label="Total">{a.total}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {sections.into_iter().map(|s| view! { <SectionView section=s /> }).collect_view()}
        </section>
    }
}

#[component]
fn Figure(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure-value">{value}</span>
            <span class="figure-label">{label}</span>
        </div>
    }
}

#[component]
fn CountList(title: &'static str, counts: Vec<Count>, class: &'static str) -> impl IntoView {
    view! {
        <div class=format!("count-list {class}")>
            <h3>{title}</h3>
            <ul>
                {counts
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li data-count=c.key.clone() class=format!("count-{}", c.key)>
                                <span class="count-label">{c.label}</span>
                                <span class="count-value">{c.count}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn RuleTable(title: &'static str, rows: Vec<RuleRow>, empty: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <section class="rules">
                <h3>{title}</h3>
                <p class="empty">{empty}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="rules">
            <table class="reflow">
                <caption>{title}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Id"</th>
                        <th scope="col">"Severity"</th>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Findings"</th>
                        <th scope="col">"Assets"</th>
                        <th scope="col">"Reported by"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let severity_class = format!("sev sev-{}", r.severity);
                            let rule = r.id.clone();
                            view! {
                                <tr data-rule=rule>
                                    <td class="rule-id" data-label="Id">
                                        <a href=r.link title="Open these findings in the explorer">{r.id}</a>
                                    </td>
                                    <td data-label="Severity">
                                        <span class=severity_class>{r.severity}</span>
                                    </td>
                                    <td class="rule-title" data-label="Title">{r.title}</td>
                                    <td class="num" data-label="Findings">{r.findings}</td>
                                    <td class="num" data-label="Assets">{r.assets}</td>
                                    <td class="tools" data-label="Reported by">{r.tools}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

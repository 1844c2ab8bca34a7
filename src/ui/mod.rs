//! The page: a thin Leptos UI over the worker. Components read the session through the client
//! and send requests; every number and word they show was made in the core.

mod app;
mod chart;
mod client;
mod drop_zone;
mod files;
mod findings;
mod header;
mod keep;
mod kpi_tile;
mod metrics;
mod progress;
mod scorecard;
mod section;
mod settings;
mod sources;
mod store;
mod triage;

pub use app::App;

/// Mounts the app on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

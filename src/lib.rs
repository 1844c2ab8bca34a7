//! Posture: a security scorecard that runs entirely in the browser.
//!
//! Files dropped on the page are recognised, parsed and aggregated in WebAssembly, in a Web
//! Worker; the page shows KPIs against targets, the metrics behind them, and charts. See
//! ARCHITECTURE.md for the map.
//!
//! - [`core`]: everything that computes, pure and tested natively.
//! - `cli`: the native `posture` command over files on disk (not wasm32).
//! - `ui`: the Leptos page (wasm32 only).
//! - `spawn`: starting a worker from a `blob:` URL, under the page's policy (wasm32 only).
//! - `worker`: the Web Worker glue around [`core::engine`] (wasm32 only).

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod spawn;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;

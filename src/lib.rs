//! Posture: a security scorecard that runs entirely in the browser.
//!
//! Files dropped on the page are recognised, parsed and aggregated in WebAssembly, in a Web
//! Worker; the page shows KPIs against targets, the metrics behind them, and charts. See
//! ARCHITECTURE.md for the map.

pub mod core;

//! The pure core: formats, model, metrics, KPIs, charts and the engine that ties them together.
//!
//! No browser crate is imported here (a tidy test checks it): everything runs and is tested
//! natively, and the same code runs in the Web Worker.

pub mod activity;
pub mod analysis;
pub mod charts;
pub mod csv;
pub mod diagnostics;
pub mod engine;
pub mod events;
pub mod evidence;
pub mod explorer;
pub mod exports;
pub mod formats;
pub mod hash;
pub mod history;
pub mod incidents;
pub mod json;
pub mod kpi;
pub mod metrics;
pub mod model;
pub mod present;
pub mod profile;
pub mod protocol;
pub mod sample;
pub mod scorecard;
pub mod session;
pub mod settings;
pub mod settings_form;
pub mod severity;
pub mod sniff;
pub mod summary;
pub mod time;
pub mod triage;
pub mod unpack;
pub mod viewport;
pub mod vulntime;
pub mod wire;
pub mod yaml;

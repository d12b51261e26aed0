//! c360: Customer 360 in the browser.
//!
//! This crate is the pure [`engine`] (CSV ingestion, the exercise's dbt-style models, the DAG
//! runner, the data tests, the generator) and, behind the default `cli` feature, the native
//! command line. The browser shells are crates of their own beside it (`crates/worker`, the
//! engine in a Web Worker; `crates/web`, the page), so nothing here can depend on a browser.

pub mod engine;

#[cfg(feature = "cli")]
pub mod cli;

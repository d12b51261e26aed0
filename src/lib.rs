//! c360: Customer 360 in the browser.
//!
//! The crate is one pure [`engine`] (CSV ingestion, the exercise's dbt-style models, the DAG
//! runner, the generator) and two thin shells around it: the Leptos web app (`web`, built for
//! wasm32 by Trunk) and the native command line (`cli`). Neither shell holds business logic.

pub mod engine;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

/// The web shell: its state modules compile everywhere (so their tests run natively), its
/// components only on wasm32.
pub mod web;

//! c360's engine in a Web Worker: the typed [`protocol`] the page speaks, the [`session`] that
//! answers it (plain Rust, tested natively), and on wasm32 the thin `shell` that wires the
//! session to `postMessage`, reads the user's files in chunks and yields between steps.
//!
//! The page never runs the engine: every run, table page, download and benchmark is a request
//! to this worker, so the page's thread only ever renders.

pub mod capacity;
pub mod dashboard;
pub mod profile;
pub mod protocol;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod shell;

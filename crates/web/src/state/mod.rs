//! The page's state and its rules: plain Rust with no browser in it, so it compiles (and its unit
//! tests run) on every target.

pub mod browser_bench;
pub mod chart_axis;
pub mod dag_layout;
pub mod export_edit;
pub mod format;
pub mod grid;
pub mod inputs;
pub mod mapping_review;
pub mod policy_switches;
pub mod recovery;
pub mod route;
pub mod run_diff;
pub mod runner;
pub mod saved_session;
pub mod schema_state;
pub mod text_position;
pub mod workspace;

// The worker's session in-process, for the state modules' native tests.
#[cfg(test)]
mod loopback;

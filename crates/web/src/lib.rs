//! The web app: a thin Leptos shell (client-side rendering, built by Trunk) around the engine.
//!
//! It opens on the bundled demo exports and the shipped schema, builds the project in the page
//! like `dbt build` (models and data tests in DAG order) and shows the picture of the DAG, any
//! node's table, every test with its SQL and failing rows, the remediation policies and the
//! schema editor to fix what the tests find, source freshness, the findings and a dbt-like
//! run log; users can bring their own CSVs and schema file and change the as-of date. Nothing
//! leaves the browser: the page makes no request beyond its own assets.
//!
//! The state lives on plain types with methods ([`workspace::Workspace`], [`grid::Grid`]);
//! components only call them. The engine is run from one module ([`runner`]) so that it can
//! move to a Web Worker without touching the views, and the open node and as-of date are
//! single values so that a router can put them in the URL.
//!
//! Out of the workflow's way, at the foot of the page, a benchmark panel runs the engine's
//! benchmark (the one `cargo bench --bench build` runs) in the page.
//!
//! The pure modules (`inputs`, `runner`, `workspace`, `schema_state`, `policy_switches`,
//! `run_diff`, `grid`, `dag_layout`, `chart_axis`, `format`, `text_position`,
//! `browser_bench`, `saved_session`, `export_edit`) hold no browser type and compile on every
//! target; the components, one per file from `app` down, and the browser glue (`client`,
//! `storage`) exist only on wasm32.
//!
//! The session (the last files, schema, policies, as-of date and mapping) is kept in the
//! browser's own storage so that a reload restores it; "Forget my data" deletes it.

// The state and its rules: plain Rust with no browser in it, so it compiles (and its unit
// tests run) on any target.
pub mod browser_bench;
pub mod chart_axis;
pub mod dag_layout;
pub mod export_edit;
pub mod format;
pub mod grid;
pub mod inputs;
pub mod mapping_review;
pub mod policy_switches;
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

// The Leptos components and the browser glue, one file each.
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod as_of;
#[cfg(target_arch = "wasm32")]
mod bar_chart;
#[cfg(target_arch = "wasm32")]
mod bench_panel;
#[cfg(target_arch = "wasm32")]
mod categories_page;
#[cfg(target_arch = "wasm32")]
mod categories_panel;
#[cfg(target_arch = "wasm32")]
mod change_summary;
#[cfg(target_arch = "wasm32")]
mod chart_frame;
#[cfg(target_arch = "wasm32")]
mod chart_tooltip;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod dag;
#[cfg(target_arch = "wasm32")]
mod dashboard_data;
#[cfg(target_arch = "wasm32")]
mod data_table;
#[cfg(target_arch = "wasm32")]
mod download;
#[cfg(target_arch = "wasm32")]
mod drop_target;
#[cfg(target_arch = "wasm32")]
mod error_alert;
#[cfg(target_arch = "wasm32")]
mod export_columns;
#[cfg(target_arch = "wasm32")]
mod export_key;
#[cfg(target_arch = "wasm32")]
mod export_page;
#[cfg(target_arch = "wasm32")]
mod export_report;
#[cfg(target_arch = "wasm32")]
mod file_loading;
#[cfg(target_arch = "wasm32")]
mod finding_card;
#[cfg(target_arch = "wasm32")]
mod findings;
#[cfg(target_arch = "wasm32")]
mod freshness_panel;
#[cfg(target_arch = "wasm32")]
mod header;
#[cfg(target_arch = "wasm32")]
mod heat_map;
#[cfg(target_arch = "wasm32")]
mod later;
#[cfg(target_arch = "wasm32")]
mod line_chart;
#[cfg(target_arch = "wasm32")]
mod mapping_dialog;
#[cfg(target_arch = "wasm32")]
mod nav;
#[cfg(target_arch = "wasm32")]
mod node_panel;
#[cfg(target_arch = "wasm32")]
mod overview_page;
#[cfg(target_arch = "wasm32")]
mod pager;
#[cfg(target_arch = "wasm32")]
mod picked_text;
#[cfg(target_arch = "wasm32")]
mod policies_panel;
#[cfg(target_arch = "wasm32")]
mod profile_page;
#[cfg(target_arch = "wasm32")]
mod recommendations_page;
#[cfg(target_arch = "wasm32")]
mod router;
#[cfg(target_arch = "wasm32")]
mod run_progress;
#[cfg(target_arch = "wasm32")]
mod run_summary;
#[cfg(target_arch = "wasm32")]
mod schema_editor;
#[cfg(target_arch = "wasm32")]
mod segments_page;
#[cfg(target_arch = "wasm32")]
mod session_notice;
#[cfg(target_arch = "wasm32")]
mod source_picker;
#[cfg(target_arch = "wasm32")]
mod sources_panel;
#[cfg(target_arch = "wasm32")]
mod status_badge;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod test_detail;
#[cfg(target_arch = "wasm32")]
mod tests_panel;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

/// Starts the app: reports panics readably, then mounts [`app::App`] on `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal_error(&info.to_string());
    }));
    leptos::mount::mount_to_body(app::App);
}

/// Puts a bug's message on the page, above everything, so that a panic never leaves the user
/// looking at a blank or frozen page without knowing why. Written with plain DOM calls: after
/// a panic the reactive system cannot be trusted.
#[cfg(target_arch = "wasm32")]
fn show_fatal_error(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(alert) = document.create_element("div") else {
        return;
    };
    alert.set_class_name("c360-error c360-error--fatal");
    let _ = alert.set_attribute("role", "alert");
    alert.set_text_content(Some(&format!(
        "c360 stopped because of a bug, not because of your data: {message}. \
         Reload the page to start again. Your files never left this browser."
    )));
    if let Some(body) = document.body() {
        let first = body.first_child();
        let _ = body.insert_before(alert.unchecked_ref(), first.as_ref());
    }
}

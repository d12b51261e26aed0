//! The web app: a thin Leptos shell (client-side rendering, built by Trunk) around the engine.
//!
//! It opens on the bundled demo exports and the shipped schema, builds the project in the page
//! like `dbt build` (models and data tests in DAG order) and shows the picture of the DAG, any
//! node's table, every test with its SQL and failing rows, the remediation policies and the
//! schema editor to fix what the tests find, source freshness, the findings and a dbt-like
//! run log; users can bring their own CSVs and schema file and change the as-of date. Nothing
//! leaves the browser: the page makes no request beyond its own assets.
//!
//! The state lives on plain types with methods ([`state::workspace::Workspace`], [`state::grid::Grid`]);
//! components only call them. The engine is run from one module ([`state::runner`]) so that it can
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

pub mod state;

// The page itself exists only on wasm32: the browser glue, then one folder per area of the screen.
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod charts;
#[cfg(target_arch = "wasm32")]
mod dashboards;
#[cfg(target_arch = "wasm32")]
mod data_bar;
#[cfg(target_arch = "wasm32")]
mod export;
#[cfg(target_arch = "wasm32")]
mod project;
#[cfg(target_arch = "wasm32")]
mod widgets;

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

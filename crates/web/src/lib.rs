//! The web app: a thin Leptos shell (client-side rendering, built by Trunk) around the
//! engine, which runs in a Web Worker (`crates/worker`): the page sends it typed requests and
//! shows its answers.
//!
//! It opens on the bundled demo exports and the shipped schema, has the worker build the
//! project like `dbt build` (models and data tests in DAG order) and shows the picture of the
//! DAG, any node's table, every test with its SQL and failing rows, the remediation policies
//! and the schema editor to fix what the tests find, source freshness, the findings and a
//! dbt-like run log, the dashboards and the partner export; users can bring their own CSVs and
//! schema file and change the as-of date. Nothing leaves the browser: the page makes no
//! request beyond its own assets, and its Content-Security-Policy (a `<meta>` in `index.html`:
//! its own files only, no inline script; `scripts/csp-site` moves Trunk's inline loader into a
//! file) makes the browser refuse any other. A worker that crashes is replaced and the run made
//! again from the files the page holds, or the last result stays, marked stale
//! (`state/recovery.rs`). The session (the last files, schema, policies, as-of date
//! and mapping) is kept in the browser's own storage so that a reload restores it; "Forget my
//! data" deletes it.
//!
//! # The folders
//!
//! The tree says which code is pure and which touches the browser, and where each part of the
//! screen is drawn:
//!
//! - `state/` — the page's state and its rules as plain types with methods
//!   ([`state::workspace::Runs`]: what runs are made with, the pending run, the outcome;
//!   [`state::workspace::View`]: the open node, its table, the open test, the route;
//!   [`state::grid::Grid`], [`state::route::Route`], the mapping review, the export's policy
//!   edits, the saved session, what follows a worker's crash, formatting, the DAG's layout, the
//!   charts' axes). No browser type:
//!   it compiles on every target and its unit tests run natively (`cargo test -p c360-web`),
//!   against the worker's session in-process (`state/loopback.rs`). Components only call it.
//! - `browser/` — glue that draws nothing: the worker's client, the handles components act
//!   through (`handles.rs`: the runs and the view as two signals), the session's storage
//!   (OPFS or IndexedDB), downloads, reading the user's files, the address bar.
//! - one folder per area of the screen, from the top: `app/` (the page itself: header, nav,
//!   run progress, errors), `data_bar/` (sources, as-of date, kept session, the column-mapping
//!   review, the page as a drop target), `project/` (the DAG, the open node, the data tests,
//!   policies, schema editor, categories, freshness, findings, run log, benchmark),
//!   `dashboards/` (overview, segments, categories, recommendations, a customer's profile),
//!   `charts/` (the SVG charts the dashboards draw), `export/` (the partner export), and
//!   `widgets/` (what several areas share: the table view, its pager, a status badge).
//!
//! Everything but `state/` exists only on wasm32: one `cfg` per folder below.
//!
//! # What the page takes from the engine
//!
//! The engine's data types (the protocol's answers are made of them: nodes, results, test
//! and freshness statuses, columns, policies, the export's manifest and risk report) and a
//! few pure helpers that need no data, so the page can answer at once without a round trip
//! to the worker: `engine::graph` (the DAG's nodes before a run ends, and after one fails),
//! `schema::parse` and `Schema::with_accepted_categories` (the editor's text is checked
//! before it is sent), `RunConfig`'s constructors, `MappingFile` and `Delimiter` (reading and
//! writing a mapping file), the export's `PolicyFile::defaults`/`from_json`,
//! `classify::default_policy`, `policy::choices` and `Key::generate`/`from_secret` (the key
//! never leaves the page's state), `categories::outside`, `time::start_of_day_millis`, and
//! constants (`dag::SOURCES`, `schema::DEFAULT_SCHEMA`, `freshness::WHEN_TO_RUN`,
//! `recommend::FORMULA`, `decimal::SEPARATORS`, `decode::DELIMITERS`,
//! `GenericKind::NAMES`). It never builds a model, runs a data test, reads a CSV or writes an
//! export: those are the worker's.

pub mod state;

// The page itself exists only on wasm32: the browser glue, then one folder per area of the
// screen.
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

/// Starts the app: reports panics readably, then mounts the page (`app::App`) on `<body>`.
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

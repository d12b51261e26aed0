//! The page: header, the data and settings bar, then the DAG, the open node's table, the data
//! tests, the ways to fix what they find (remediation policies beside the schema editor),
//! source freshness, the findings and the run log; folded at the foot, the benchmark.
//!
//! It owns the workspace's two signals (the runs and the view: see [`crate::browser::handles`]) and
//! hands each component the half it reads and the actions it may take; it derives the few values
//! several views read (the run, the open node, the route), starts the worker, and writes where the
//! runs stand on `<html>` (`data-c360-run`: loading, running, done, failed, cancelled or crashed;
//! `data-c360-stale`, present while the result on screen is stale after a crash;
//! `data-c360-run-seq`, the number of runs that ended with a result; `data-c360-worker-memory`, the
//! worker's wasm memory after the last; `data-c360-storage-seq`, the number of runs whose settings
//! storage has caught up with) for tests and benchmarks to wait on. The whole page is a drop target
//! for the CSV exports and a schema file.
//!
//! On load it looks for a kept session first: found, it runs that instead of the demo; after
//! each run that ended with a result, the run's settings are kept.

pub mod error_alert;
pub mod header;
pub mod nav;
pub mod run_progress;

use leptos::prelude::*;

use c360::engine::export::{Dataset, PolicyFile};
use c360::engine::RunConfig;

use crate::app::error_alert::ErrorAlert;
use crate::app::header::AppHeader;
use crate::app::nav::Nav;
use crate::app::run_progress::RunProgress;
use crate::browser::client;
use crate::browser::file_loading::file_loader;
use crate::browser::handles::{self, RunActions, ViewActions};
use crate::browser::router;
use crate::browser::storage::{restored_inputs, Keeper};
use crate::dashboards::categories::CategoriesPage;
use crate::dashboards::data;
use crate::dashboards::overview::OverviewPage;
use crate::dashboards::profile::ProfilePage;
use crate::dashboards::recommendations::RecommendationsPage;
use crate::dashboards::segments::SegmentsPage;
use crate::data_bar::as_of::{now_millis, AsOfControl};
use crate::data_bar::drop_target::DropTarget;
use crate::data_bar::mapping_dialog::MappingDialog;
use crate::data_bar::session_notice::SessionNotice;
use crate::data_bar::sources_panel::SourcesPanel;
use crate::export::page::ExportPage;
use crate::project::bench_panel::BenchPanel;
use crate::project::categories_panel::CategoriesPanel;
use crate::project::dag::DagPicture;
use crate::project::findings::FindingsPanel;
use crate::project::freshness_panel::FreshnessPanel;
use crate::project::node_panel::NodePanel;
use crate::project::policies_panel::PoliciesPanel;
use crate::project::run_summary::RunSummary;
use crate::project::schema_editor::SchemaEditor;
use crate::project::tests_panel::TestsPanel;
use crate::state::route::Route;
use crate::state::saved_session::SavedSession;
use crate::state::workspace::Workspace;

#[component]
pub fn App() -> impl IntoView {
    let (runs, view) = handles::signals(Workspace::demo(
        RunConfig::at_instant(now_millis()),
        js_sys::Date::now(),
    ));
    let run_actions = RunActions::new(runs, view);
    let view_actions = ViewActions::new(view, runs.read_only());
    let ready = RwSignal::new(false);
    // A crashed worker: the runs say what follows (a re-run from the files the page holds,
    // or the last result kept, marked stale), and the re-run is posted to a new worker.
    let on_crash = move |crash| {
        run_actions.act(|w| {
            w.worker_crashed(crash, js_sys::Date::now());
        })
    };
    if let Err(e) = client::start(
        move |response| {
            if matches!(response.body, c360_worker::protocol::ResponseBody::Ready) {
                ready.set(true);
            } else {
                web_sys::console::error_1(&format!("c360: {:?}", response.body).into());
            }
        },
        on_crash,
    ) {
        run_actions.update(|w| w.reject(format!("c360 could not start its worker: {e}")));
    }
    // The first run: a kept session's, or the demo's queued by `Workspace::demo`. Posted once
    // storage has been read, handled once the worker is ready.
    let keeper = Keeper::default();
    wasm_bindgen_futures::spawn_local(async move {
        match keeper.restore().await {
            Some((saved, files)) => {
                let inputs = restored_inputs(files, client::keep_file);
                let now = now_millis();
                run_actions.replace(saved.restore(inputs, now));
            }
            None => run_actions.act(|_| {}),
        }
        // The address names the view: followed once the workspace is the one to show.
        router::start(view.read_only(), view_actions);
    });
    let runs_done = Memo::new(move |_| runs.with(|w| w.runs_done()));
    Effect::new(move |_| {
        let seq = runs_done.get();
        if seq > 0 {
            let session = runs.with_untracked(|w| SavedSession::of(w, now_millis()));
            keeper.after_run(session, seq);
        }
    });
    Effect::new(move |_| {
        let caught_up = keeper.state().with(|k| k.caught_up);
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-c360-storage-seq", &caught_up.to_string());
        }
    });
    let run = Memo::new(move |_| runs.with(|w| w.run()));
    Effect::new(move |_| {
        let (state, seq, memory, stale) = runs.with(|w| {
            (
                w.run_state().as_str(),
                w.runs_done(),
                w.run().map_or(0, |r| r.memory_bytes),
                w.is_stale(),
            )
        });
        let state = if ready.get() { state } else { "loading" };
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-c360-run", state);
            let _ = html.set_attribute("data-c360-run-seq", &seq.to_string());
            let _ = html.set_attribute("data-c360-worker-memory", &memory.to_string());
            // Marks the stale result (style/app/errors.css greys it) and lets tests wait on it.
            let _ = if stale {
                html.set_attribute("data-c360-stale", "")
            } else {
                html.remove_attribute("data-c360-stale")
            };
        }
    });
    let selected = Memo::new(move |_| view.with(|w| w.selected().to_string()));
    let route = Memo::new(move |_| view.with(|w| w.route()));
    let figures = data::figures(run);
    let customer = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Customer { id } => id.clone(),
            _ => None,
        })
    });
    let load = file_loader(runs.read_only(), run_actions, keeper);
    let export_policy = RwSignal::new(PolicyFile::defaults(Dataset::Customers));

    // What the components read: each half, read-only.
    let (r, v) = (runs.read_only(), view.read_only());
    view! {
        <DropTarget load=load>
            <AppHeader/>
            <main class="c360-main">
                <section class="c360-bar" aria-label="Data and settings">
                    <SourcesPanel runs=r run_actions=run_actions load=load keeper=keeper/>
                    <AsOfControl runs=r run_actions=run_actions/>
                </section>
                <SessionNotice keeper=keeper run_actions=run_actions/>
                <MappingDialog runs=r run_actions=run_actions keeper=keeper/>
                <RunProgress runs=r run_actions=run_actions/>
                <ErrorAlert runs=r run_actions=run_actions/>
                <Nav view=v/>
                <Show when=move || route.with(|r| *r == Route::Overview)>
                    <OverviewPage figures=figures run=run/>
                </Show>
                <Show when=move || route.with(|r| *r == Route::Segments)>
                    <SegmentsPage figures=figures/>
                </Show>
                <Show when=move || route.with(|r| *r == Route::Categories)>
                    <CategoriesPage figures=figures/>
                </Show>
                <Show when=move || route.with(|r| *r == Route::Recommendations)>
                    <RecommendationsPage figures=figures/>
                </Show>
                <Show when=move || route.with(|r| matches!(r, Route::Customer { .. }))>
                    <ProfilePage id=customer run=run/>
                </Show>
                <Show when=move || route.with(|r| *r == Route::Export)>
                    <ExportPage run=run policy=export_policy/>
                </Show>
                // The project stays mounted behind a dashboard, so that coming back finds it
                // as it was left.
                <div class="c360-project" hidden=move || route.with(|r| r.node().is_none())>
                    <DagPicture runs=r view_actions=view_actions run=run selected=selected/>
                    <NodePanel runs=r view=v view_actions=view_actions run=run/>
                    <TestsPanel view=v view_actions=view_actions run=run/>
                    <CategoriesPanel runs=r run_actions=run_actions run=run/>
                    <div class="c360-fix" role="group" aria-label="Fix the causes">
                        <PoliciesPanel runs=r run_actions=run_actions run=run/>
                        <SchemaEditor runs=r run_actions=run_actions load=load/>
                    </div>
                    <FreshnessPanel runs=r run=run/>
                    <FindingsPanel view_actions=view_actions run=run/>
                    <RunSummary runs=r view_actions=view_actions run=run/>
                    <BenchPanel/>
                </div>
            </main>
            <footer class="c360-footer">
                "c360 runs entirely in this browser tab: your files are never uploaded anywhere."
            </footer>
        </DropTarget>
    }
}

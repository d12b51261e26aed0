//! The page: header, the data and settings bar, then the DAG, the open node's table, the data
//! tests, the ways to fix what they find (remediation policies beside the schema editor),
//! source freshness, the findings and the run log; folded at the foot, the benchmark.
//!
//! It owns the one `RwSignal<Workspace>` and derives the few values several views read
//! (the run, the open node). The whole page is a drop target for the CSV exports and a
//! schema file.

use leptos::prelude::*;

use c360::engine::RunConfig;

use super::as_of::{now_millis, AsOfControl};
use super::bench_panel::BenchPanel;
use super::dag::DagPicture;
use super::drop_target::DropTarget;
use super::error_alert::ErrorAlert;
use super::file_loading::file_loader;
use super::findings::FindingsPanel;
use super::freshness_panel::FreshnessPanel;
use super::header::AppHeader;
use super::node_panel::NodePanel;
use super::policies_panel::PoliciesPanel;
use super::run_summary::RunSummary;
use super::schema_editor::SchemaEditor;
use super::sources_panel::SourcesPanel;
use super::tests_panel::TestsPanel;
use super::workspace::Workspace;

#[component]
pub fn App() -> impl IntoView {
    let ws = RwSignal::new(Workspace::demo(RunConfig::at_instant(now_millis())));
    let run = Memo::new(move |_| ws.with(|w| w.outcome().as_ref().ok().cloned()));
    let selected = Memo::new(move |_| ws.with(|w| w.selected().to_string()));
    let load = file_loader(ws);

    view! {
        <DropTarget load=load>
            <AppHeader/>
            <main class="c360-main">
                <section class="c360-bar" aria-label="Data and settings">
                    <SourcesPanel ws=ws load=load/>
                    <AsOfControl ws=ws/>
                </section>
                <ErrorAlert ws=ws/>
                <DagPicture ws=ws run=run selected=selected/>
                <NodePanel ws=ws run=run/>
                <TestsPanel ws=ws run=run/>
                <div class="c360-fix" role="group" aria-label="Fix the causes">
                    <PoliciesPanel ws=ws run=run/>
                    <SchemaEditor ws=ws load=load/>
                </div>
                <FreshnessPanel ws=ws run=run/>
                <FindingsPanel ws=ws run=run/>
                <RunSummary ws=ws run=run/>
                <BenchPanel/>
            </main>
            <footer class="c360-footer">
                "c360 runs entirely in this browser tab: your files are never uploaded anywhere."
            </footer>
        </DropTarget>
    }
}

//! The page: header, the data and settings bar, then the DAG, the open node's table, the
//! findings and the run log.
//!
//! It owns the one `RwSignal<Workspace>` and derives the few values several views read
//! (the run, the open node). The whole page is a drop target for CSV files.

use leptos::prelude::*;

use super::as_of::{today_utc, AsOfControl};
use super::dag::DagPicture;
use super::drop_target::DropTarget;
use super::error_alert::ErrorAlert;
use super::file_loading::file_loader;
use super::findings::FindingsPanel;
use super::header::AppHeader;
use super::node_panel::NodePanel;
use super::run_summary::RunSummary;
use super::sources_panel::SourcesPanel;
use super::workspace::Workspace;

#[component]
pub fn App() -> impl IntoView {
    let ws = RwSignal::new(Workspace::demo(today_utc()));
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
                <FindingsPanel ws=ws run=run/>
                <RunSummary ws=ws run=run/>
            </main>
            <footer class="c360-footer">
                "c360 runs entirely in this browser tab: your files are never uploaded anywhere."
            </footer>
        </DropTarget>
    }
}

//! One finding: its kind, the model that reported it, its message and its rows, in a table
//! view of their own.

use leptos::prelude::*;

use c360::engine::models::ModelColumn;
use c360_worker::protocol::TableRef;

use crate::browser::handles::ViewActions;
use crate::state::format;
use crate::state::grid::Grid;
use crate::state::runner::FindingView;
use crate::widgets::data_table::{own_grid, DataTable};

#[component]
pub fn FindingCard(
    /// Opens the reporting model.
    view_actions: ViewActions,
    /// The finding to show.
    finding: FindingView,
    /// The reporting model's column docs, for the rows' header tooltips.
    docs: Vec<ModelColumn>,
    /// The run the finding belongs to: its rows are asked of the worker for it.
    run: u64,
) -> impl IntoView {
    // The card's own sort and page: they last as long as this run's result.
    let table = TableRef::Finding {
        index: finding.index,
    };
    let grid = RwSignal::new(Some(Grid::new(run, table, docs, Vec::new(), finding.rows)));
    let (on_command, on_page) = own_grid(grid);
    let title = format::sentence_case(&finding.slug);
    let caption = format!("{title}: {}", format::rows(finding.rows));
    let model = finding
        .node
        .rsplit('.')
        .next()
        .unwrap_or(&finding.node)
        .to_string();
    let node = finding.node.clone();
    view! {
        <article class="c360-finding" data-finding=finding.slug.clone()>
            <header class="c360-finding__head">
                <h3 class="c360-finding__title">
                    <span class="c360-finding__icon" aria-hidden="true">"⚠"</span>
                    {title}
                </h3>
                <span class="c360-finding__by">
                    "reported by "
                    <button
                        type="button"
                        class="c360-chip"
                        title=finding.node.clone()
                        on:click=move |_| view_actions.select(&node)
                    >
                        {model}
                    </button>
                </span>
            </header>
            <p class="c360-finding__message">{finding.message.clone()}</p>
            <DataTable
                grid=grid
                on_command=on_command
                on_page=on_page
                caption=caption
            />
        </article>
    }
}

//! The open node: what it is (layer, unique id, description, parents and children) and its
//! table, sortable and paged, with a CSV download.

use leptos::prelude::*;

use crate::engine::models::Layer;
use crate::engine::{Node, NodeKind};

use super::dag_layout::layer_word;
use super::data_table::DataTable;
use super::download::download_csv;
use super::grid::TableCommand;
use super::workspace::{RunHandle, Workspace};

/// A row of buttons that open the nodes named by `ids`.
fn node_links(ws: RwSignal<Workspace>, ids: Vec<String>) -> impl IntoView {
    ids.into_iter()
        .map(|id| {
            let name = id.rsplit('.').next().unwrap_or(&id).to_string();
            let target = id.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="c360-chip"
                        title=id
                        on:click=move |_| ws.update(|w| w.select(&target))
                    >
                        {name}
                    </button>
                </li>
            }
        })
        .collect_view()
}

#[component]
pub fn NodePanel(
    /// The workspace whose open node is shown.
    ws: RwSignal<Workspace>,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let node = Memo::new(move |_| ws.with(|w| w.selected_node().map(|n| About::new(n, w.nodes()))));
    let grid = Signal::derive(move || ws.with(|w| w.grid().cloned()));
    let unique_id = Signal::derive(move || ws.with(|w| w.selected().to_string()));
    let caption = Signal::derive(move || {
        node.with(|n| n.as_ref().map(|n| n.name.clone()).unwrap_or_default())
    });
    let download = move |_| {
        ws.with(|w| {
            if let (Some(grid), Some(node)) = (w.grid(), w.selected_node()) {
                download_csv(&format!("{}.csv", node.name), grid.table());
            }
        })
    };

    let about = move || {
        node.get().map(|n| {
            let kind = match n.kind {
                NodeKind::Source => "source".to_string(),
                NodeKind::Model => format!("{} model", layer_word(n.layer)),
            };
            let parents = (!n.depends_on.is_empty()).then(|| {
                view! {
                    <div class="c360-node__links">
                        <span class="c360-node__links-label">"depends on"</span>
                        <ul class="c360-node__chips">{node_links(ws, n.depends_on.clone())}</ul>
                    </div>
                }
            });
            let used_by = (!n.used_by.is_empty()).then(|| {
                view! {
                    <div class="c360-node__links">
                        <span class="c360-node__links-label">"used by"</span>
                        <ul class="c360-node__chips">{node_links(ws, n.used_by.clone())}</ul>
                    </div>
                }
            });
            view! {
                <div class="c360-node__about">
                    <p class="c360-node__kind">
                        <span class=format!("c360-badge c360-badge--{}", layer_word(n.layer))>
                            {kind}
                        </span>
                        <code class="c360-node__id">{n.unique_id.clone()}</code>
                    </p>
                    <h2 id="c360-node-title" class="c360-panel__title c360-node__name">
                        {n.name.clone()}
                    </h2>
                    <p class="c360-node__description">{n.description.clone()}</p>
                    {parents}
                    {used_by}
                </div>
            }
        })
    };

    view! {
        <section
            class="c360-panel c360-node"
            aria-labelledby="c360-node-title"
            data-testid="node-table"
        >
            <div class="c360-node__head">
                {about}
                <button
                    type="button"
                    class="c360-button"
                    data-testid="download-csv"
                    disabled=move || run.with(Option::is_none)
                    on:click=download
                >
                    "Download CSV"
                </button>
            </div>
            <Show
                when=move || run.with(Option::is_some)
                fallback=|| view! {
                    <p class="c360-node__empty">
                        "No table to show: the run failed. See the message above."
                    </p>
                }
            >
                <DataTable
                    grid=grid
                    on_command=move |command: TableCommand| ws.update(|w| w.command(command))
                    caption=caption
                    node=unique_id
                />
            </Show>
        </section>
    }
}

/// What the panel says about a node, compared by value so that paging the table does not
/// redraw it.
#[derive(Clone, Debug, PartialEq)]
struct About {
    unique_id: String,
    name: String,
    kind: NodeKind,
    layer: Layer,
    description: String,
    depends_on: Vec<String>,
    /// The unique ids of the nodes that depend on this one.
    used_by: Vec<String>,
}

impl About {
    fn new(node: &Node, nodes: &[Node]) -> About {
        About {
            unique_id: node.unique_id.clone(),
            name: node.name.clone(),
            kind: node.kind,
            layer: node.layer,
            description: node.description.clone(),
            depends_on: node.depends_on.clone(),
            used_by: nodes
                .iter()
                .filter(|n| n.depends_on.contains(&node.unique_id))
                .map(|n| n.unique_id.clone())
                .collect(),
        }
    }
}

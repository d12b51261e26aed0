//! The open node: what it is (layer, unique id, description, parents and children), its
//! tests, and its table, sortable and paged, with a CSV download. A node the run skipped
//! says why (and which failed tests upstream stopped it) instead of showing a table.

use leptos::prelude::*;

use c360::engine::data_test::TestStatus;
use c360::engine::models::Layer;
use c360::engine::value::unique_id;
use c360::engine::NodeStatus;
use c360::engine::{Node, NodeKind};

use crate::browser::download::download_table;
use crate::browser::handles::ViewActions;
use crate::project::tests_panel::reveal_test;
use crate::state::dag_layout::layer_word;
use crate::state::grid::TableCommand;
use crate::state::workspace::{RunHandle, Runs, View};
use crate::widgets::data_table::DataTable;
use crate::widgets::status_badge::StatusBadge;
use c360_worker::protocol::TablePage;

/// What the panel shows below the node's description.
#[derive(Clone, Debug, PartialEq)]
enum Body {
    /// The run failed: there is no table from any run.
    Failed,
    /// The run skipped the node: why, and the tests (unique id, name) that stopped it.
    Skipped {
        reason: String,
        blocking: Vec<(String, String)>,
    },
    Table,
}

/// A row of buttons that open the tests named by `tests` (unique id, name, status).
fn test_links(
    view_actions: ViewActions,
    tests: Vec<(String, String, TestStatus)>,
) -> impl IntoView {
    tests
        .into_iter()
        .map(|(id, name, status)| {
            let target = id.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class=format!("c360-chip c360-chip--test c360-chip--{}", status.as_str())
                        title=id
                        on:click=move |_| {
                            view_actions.show_test(&target);
                            reveal_test(&target);
                        }
                    >
                        <StatusBadge status=status/>
                        {name}
                    </button>
                </li>
            }
        })
        .collect_view()
}

/// A row of buttons that open the nodes named by `ids`.
fn node_links(view_actions: ViewActions, ids: Vec<String>) -> impl IntoView {
    ids.into_iter()
        .map(|id| {
            let name = unique_id::name(&id).to_string();
            let target = id.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="c360-chip"
                        title=id
                        on:click=move |_| view_actions.select(&target)
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
    /// The runs, for the DAG's nodes.
    runs: ReadSignal<Runs>,
    /// The view: the open node and its table.
    view: ReadSignal<View>,
    /// Opens nodes and tests, sorts and pages the table.
    view_actions: ViewActions,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let node = Memo::new(move |_| {
        view.with(|v| runs.with(|r| v.selected_node(r).map(|n| About::new(n, r.nodes()))))
    });
    let grid = Signal::derive(move || view.with(|v| v.grid().cloned()));
    let unique_id = Signal::derive(move || view.with(|v| v.selected().to_string()));
    let caption = Signal::derive(move || {
        node.with(|n| n.as_ref().map(|n| n.name.clone()).unwrap_or_default())
    });
    let body = Memo::new(move |_| {
        run.with(|r| {
            let Some(run) = r else {
                return Body::Failed;
            };
            unique_id.with(|id| match run.node(id).filter(|n| n.is_skipped()) {
                None => Body::Table,
                Some(n) => Body::Skipped {
                    reason: n
                        .result
                        .message
                        .strip_prefix("skipped: ")
                        .unwrap_or(&n.result.message)
                        .to_string(),
                    blocking: run
                        .blocked_by(id)
                        .into_iter()
                        .map(|t| (t.result.unique_id.clone(), t.name.clone()))
                        .collect(),
                },
            })
        })
    });
    let tests = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().map(|run| {
                unique_id.with(|id| {
                    run.tests_of(id)
                        .map(|t| (t.result.unique_id.clone(), t.name.clone(), t.status()))
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    let download = move |_| {
        view.with(|v| {
            runs.with(|r| {
                if let (Some(grid), Some(node)) = (v.grid(), v.selected_node(r)) {
                    download_table(
                        grid.run(),
                        grid.table().clone(),
                        format!("{}.csv", node.name),
                    );
                }
            })
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
                        <ul class="c360-node__chips">{node_links(view_actions, n.depends_on.clone())}</ul>
                    </div>
                }
            });
            let used_by = (!n.used_by.is_empty()).then(|| {
                view! {
                    <div class="c360-node__links">
                        <span class="c360-node__links-label">"used by"</span>
                        <ul class="c360-node__chips">{node_links(view_actions, n.used_by.clone())}</ul>
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
                    {move || {
                        tests.get().filter(|t| !t.is_empty()).map(|t| view! {
                            <div class="c360-node__links">
                                <span class="c360-node__links-label">"tests"</span>
                                <ul class="c360-node__chips">{test_links(view_actions, t)}</ul>
                            </div>
                        })
                    }}
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
                    disabled=move || body.with(|b| *b != Body::Table)
                    on:click=download
                >
                    "Download CSV"
                </button>
            </div>
            {move || match body.get() {
                Body::Failed => view! {
                    <p class="c360-node__empty">
                        "No table to show: the run failed. See the message above."
                    </p>
                }
                .into_any(),
                Body::Skipped { reason, blocking } => {
                    let blocked = (!blocking.is_empty()).then(|| {
                        let links = blocking
                            .into_iter()
                            .map(|(id, name)| (id, name, TestStatus::Fail))
                            .collect();
                        view! {
                            <div class="c360-node__links">
                                <span class="c360-node__links-label">"stopped by"</span>
                                <ul class="c360-node__chips">{test_links(view_actions, links)}</ul>
                            </div>
                        }
                    });
                    view! {
                        <div class="c360-node__skipped" role="status" data-testid="node-skipped">
                            <p class="c360-node__skipped-title">
                                <span class="c360-status c360-status--skipped">{NodeStatus::Skipped.word()}</span>
                                " Not built in this run: " {reason}
                            </p>
                            <p class="c360-node__skipped-why">
                                "Like dbt build, c360 skips every node downstream of a test of \
                                 severity error that fails. Fix the data, relax the test's \
                                 severity to warn in the schema, or change a remediation policy; \
                                 no table from an earlier run is shown."
                            </p>
                            {blocked}
                        </div>
                    }
                    .into_any()
                }
                Body::Table => view! {
                    <DataTable
                        grid=grid
                        on_command=move |command: TableCommand| view_actions.command(command)
                        on_page=move |page: TablePage| view_actions.receive_page(page)
                        caption=caption
                        node=unique_id
                    />
                }
                .into_any(),
            }}
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

//! The picture of the DAG: sources, staging, intermediate and marts in columns, `depends_on`
//! edges as arrows, each node with its row count from the last run. Clicking a node (or
//! pressing Enter on it) opens its table; the open node's lineage is highlighted.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::engine::NodeKind;

use super::dag_layout::{layer_word, DagLayout, NodeBox};
use super::format;
use super::workspace::{RunHandle, Workspace};

#[component]
pub fn DagPicture(
    /// The workspace whose nodes are drawn and whose open node a click changes.
    ws: RwSignal<Workspace>,
    /// The last successful run, for row counts; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
    /// The open node's unique id.
    selected: Memo<String>,
) -> impl IntoView {
    let layout = Memo::new(move |_| ws.with(|w| DagLayout::new(w.nodes())));
    let lineage = Memo::new(move |_| selected.with(|id| layout.with(|l| l.lineage(id))));
    let picture = move || {
        layout.with(|l| {
            let view_box = format!("0 0 {} {}", l.width, l.height);
            let labels = l
                .labels
                .iter()
                .map(|label| {
                    view! {
                        <text class="c360-dag__label" x=label.x.to_string() y="16">
                            {label.text}
                        </text>
                    }
                })
                .collect_view();
            let edges = l
                .edges
                .iter()
                .map(|edge| {
                    let (from, to) = (edge.from.clone(), edge.to.clone());
                    let lit = move || lineage.with(|s| s.contains(&from) && s.contains(&to));
                    view! {
                        <path
                            class="c360-dag__edge"
                            class=("c360-dag__edge--lit", lit)
                            d=edge.path.clone()
                            marker-end="url(#c360-arrow)"
                        />
                    }
                })
                .collect_view();
            let nodes = l
                .nodes
                .iter()
                .map(|b| node(b, l.node_width, l.node_height, ws, run, selected, lineage))
                .collect_view();
            view! {
                <svg
                    class="c360-dag__svg"
                    viewBox=view_box
                    width=l.width.to_string()
                    height=l.height.to_string()
                    role="group"
                    aria-label="The DAG of sources and models"
                >
                    <defs>
                        // Every node box has the same size, and clip paths apply in the
                        // coordinates of the (translated) node that uses them: one fits all.
                        <clipPath id="c360-node-clip">
                            <rect
                                width=l.node_width.to_string()
                                height=l.node_height.to_string()
                                rx="8"
                            />
                        </clipPath>
                        <marker
                            id="c360-arrow"
                            viewBox="0 0 10 10"
                            refX="9"
                            refY="5"
                            markerWidth="7"
                            markerHeight="7"
                            orient="auto-start-reverse"
                        >
                            <path class="c360-dag__arrow" d="M0,0 L10,5 L0,10 z"/>
                        </marker>
                    </defs>
                    {labels}
                    {edges}
                    {nodes}
                </svg>
            }
        })
    };
    view! {
        <section class="c360-panel c360-dag" aria-labelledby="c360-dag-title">
            <div class="c360-panel__head">
                <h2 id="c360-dag-title" class="c360-panel__title">"DAG"</h2>
                <p class="c360-panel__sub">"Click a node to open its table."</p>
            </div>
            <div class="c360-dag__scroll">{picture}</div>
        </section>
    }
}

/// One node: a box with its layer, name and row count, that opens the node when activated.
fn node(
    b: &NodeBox,
    width: f64,
    height: f64,
    ws: RwSignal<Workspace>,
    run: Memo<Option<RunHandle>>,
    selected: Memo<String>,
    lineage: Memo<std::collections::HashSet<String>>,
) -> impl IntoView {
    let id = b.unique_id.clone();
    let kind_label = match b.kind {
        NodeKind::Source => "source".to_string(),
        NodeKind::Model => format!("{} model", layer_word(b.layer)),
    };
    let stats = {
        let id = id.clone();
        move || {
            run.with(|r| match r {
                Some(run) => {
                    let rows = run.node(&id).map_or(0, |n| n.result.rows);
                    (Some(rows), run.findings_of(&id))
                }
                None => (None, 0),
            })
        }
    };
    let rows_text = {
        let stats = stats.clone();
        move || {
            stats()
                .0
                .map_or_else(|| "not run".to_string(), format::rows)
        }
    };
    let findings_text = {
        let stats = stats.clone();
        move || match stats().1 {
            0 => None,
            1 => Some("⚠ 1 finding".to_string()),
            n => Some(format!("⚠ {n} findings")),
        }
    };
    let label = {
        let (name, kind_label, stats) = (b.name.clone(), kind_label.clone(), stats.clone());
        move || {
            let rows = stats()
                .0
                .map_or_else(|| "not run".to_string(), format::rows);
            format!("{name}, {kind_label}, {rows}")
        }
    };
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| *s == id)
    };
    let in_lineage = {
        let id = id.clone();
        move || lineage.with(|s| s.contains(&id))
    };
    let open = {
        let id = id.clone();
        move || ws.update(|w| w.select(&id))
    };
    let open_on_key = {
        let open = open.clone();
        move |ev: KeyboardEvent| {
            if ev.key() == "Enter" || ev.key() == " " {
                ev.prevent_default();
                open();
            }
        }
    };
    let layer_class = format!("c360-dag__node c360-dag__node--{}", layer_word(b.layer));
    view! {
        <g
            class=layer_class
            class=("c360-dag__node--selected", is_selected.clone())
            class=("c360-dag__node--dimmed", move || !in_lineage())
            data-node=id
            transform=format!("translate({},{})", b.x, b.y)
            role="button"
            tabindex="0"
            aria-pressed={
                let is_selected = is_selected.clone();
                move || if is_selected() { "true" } else { "false" }
            }
            aria-label=label
            on:click=move |_| open()
            on:keydown=open_on_key
        >
            <title>{b.description.clone()}</title>
            <rect
                class="c360-dag__box"
                width=width.to_string()
                height=height.to_string()
                rx="8"
            />
            <rect
                class="c360-dag__stripe"
                width="5"
                height=height.to_string()
                clip-path="url(#c360-node-clip)"
            />
            <text class="c360-dag__kind" x="16" y="17">{kind_label}</text>
            <text class="c360-dag__name" x="16" y="35">{b.name.clone()}</text>
            <text class="c360-dag__rows" x="16" y="50">
                {rows_text}
                <tspan class="c360-dag__findings" dx="10">{findings_text}</tspan>
            </text>
        </g>
    }
}

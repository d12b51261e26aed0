//! The picture of the DAG: sources, staging, intermediate and marts in columns, `depends_on`
//! edges as arrows, each node with its row count and its tests' statuses from the last run
//! (a skipped node is drawn dashed, with the reason as its tooltip). Clicking a node (or
//! pressing Enter on it) opens it; the open node's lineage is highlighted.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use c360::engine::NodeKind;

use crate::browser::handles::ViewActions;
use crate::state::dag_layout::{layer_word, DagLayout, NodeBox};
use crate::state::format;
use crate::state::runner::StatusCounts;
use crate::state::workspace::{RunHandle, Runs};

/// What the picture says about one node after a run.
#[derive(Clone, Debug, PartialEq)]
struct NodeState {
    rows: usize,
    findings: usize,
    /// Why it was not built, when it was skipped.
    skipped: Option<String>,
    tests: StatusCounts,
    /// Taken from the previous run: nothing it reads changed.
    reused: bool,
}

/// The tests' statuses in a few symbols: `✓ 5  ⚠ 1  ✗ 1  ⊘ 2` (each class names its colour).
fn test_marks(tests: &StatusCounts) -> Vec<(&'static str, String)> {
    let bad = tests.fail + tests.error;
    [
        ("pass", "✓", tests.pass),
        ("warn", "⚠", tests.warn),
        ("fail", "✗", bad),
        ("skipped", "⊘", tests.skipped),
    ]
    .into_iter()
    .filter(|(_, _, n)| *n > 0)
    .map(|(class, mark, n)| (class, format!("{mark} {n}")))
    .collect()
}

/// The same in words, for screen readers: `5 tests pass, 1 warns`.
fn test_words(tests: &StatusCounts) -> String {
    if tests.total() == 0 {
        return "no tests".into();
    }
    let parts: Vec<String> = [
        (tests.pass, "pass"),
        (tests.warn, "warn"),
        (tests.fail, "fail"),
        (tests.error, "error"),
        (tests.skipped, "skipped"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    format!("tests: {}", parts.join(", "))
}

#[component]
pub fn DagPicture(
    /// The runs, whose nodes are drawn.
    runs: ReadSignal<Runs>,
    /// Opens the node a click picks.
    view_actions: ViewActions,
    /// The last successful run, for row counts; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
    /// The open node's unique id.
    selected: Memo<String>,
) -> impl IntoView {
    let layout = Memo::new(move |_| runs.with(|w| DagLayout::new(w.nodes())));
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
                .map(|b| {
                    node(
                        b,
                        l.node_width,
                        l.node_height,
                        view_actions,
                        run,
                        selected,
                        lineage,
                    )
                })
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
                <p class="c360-panel__sub">
                    "Click a node to open its table. Under each node: its tests, "
                    <span class="c360-dag__legend c360-dag__legend--pass">"✓ pass"</span>
                    <span class="c360-dag__legend c360-dag__legend--warn">"⚠ warn"</span>
                    <span class="c360-dag__legend c360-dag__legend--fail">"✗ fail"</span>
                    <span class="c360-dag__legend c360-dag__legend--skipped">"⊘ skipped"</span>
                </p>
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
    view_actions: ViewActions,
    run: Memo<Option<RunHandle>>,
    selected: Memo<String>,
    lineage: Memo<std::collections::HashSet<String>>,
) -> impl IntoView {
    let id = b.unique_id.clone();
    let kind_label = match b.kind {
        NodeKind::Source => "source".to_string(),
        NodeKind::Model => format!("{} model", layer_word(b.layer)),
    };
    let state = {
        let id = id.clone();
        Memo::new(move |_| {
            run.with(|r| {
                r.as_ref().map(|run| {
                    let node = run.node(&id);
                    NodeState {
                        rows: node.map_or(0, |n| n.result.rows),
                        findings: run.findings_of(&id),
                        skipped: node
                            .filter(|n| n.is_skipped())
                            .map(|n| n.result.message.clone()),
                        tests: StatusCounts::of(run.tests_of(&id)),
                        reused: node.is_some_and(|n| n.reused),
                    }
                })
            })
        })
    };
    let rows_text = move || {
        state.with(|s| match s {
            None => "not run".to_string(),
            Some(s) if s.skipped.is_some() => "skipped".to_string(),
            Some(s) => format::rows(s.rows),
        })
    };
    let findings_text = move || {
        state.with(|s| match s.as_ref().map_or(0, |s| s.findings) {
            0 => None,
            1 => Some("⚠ 1 finding".to_string()),
            n => Some(format!("⚠ {n} findings")),
        })
    };
    let marks = move || {
        let marks = state.with(|s| match s {
            None => Vec::new(),
            Some(s) if s.tests.total() == 0 => vec![("none", "no tests".to_string())],
            Some(s) => test_marks(&s.tests),
        });
        marks
            .into_iter()
            .enumerate()
            .map(|(i, (class, text))| {
                view! {
                    <tspan
                        class=format!("c360-dag__mark c360-dag__mark--{class}")
                        dx=if i == 0 { "0" } else { "9" }
                    >
                        {text}
                    </tspan>
                }
            })
            .collect_view()
    };
    let status = move || {
        state.with(|s| {
            s.as_ref().map(|s| {
                if s.skipped.is_some() {
                    "skipped"
                } else {
                    "success"
                }
            })
        })
    };
    let label = {
        let (name, kind_label) = (b.name.clone(), kind_label.clone());
        move || {
            let about = state.with(|s| match s {
                None => "not run".to_string(),
                Some(s) => match &s.skipped {
                    Some(reason) => format!("{reason}, {}", test_words(&s.tests)),
                    None => format!("{}, {}", format::rows(s.rows), test_words(&s.tests)),
                },
            });
            format!("{name}, {kind_label}, {about}")
        }
    };
    let tooltip = {
        let description = b.description.clone();
        move || {
            state.with(|s| match s.as_ref().and_then(|s| s.skipped.as_ref()) {
                Some(reason) => format!("{description}\nSkipped in this run: {reason}"),
                None => description.clone(),
            })
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
        move || view_actions.select(&id)
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
            class=("c360-dag__node--skipped", move || status() == Some("skipped"))
            data-node=id
            data-status=status
            data-reused=move || state.with(|s| s.as_ref().is_some_and(|s| s.reused).to_string())
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
            <title>{tooltip}</title>
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
            <text class="c360-dag__rows" x="16" y="52">
                {rows_text}
                <tspan class="c360-dag__findings" dx="10">{findings_text}</tspan>
            </text>
            <text class="c360-dag__tests" x="16" y="68">{marks}</text>
        </g>
    }
}

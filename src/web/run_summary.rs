//! The run log, as dbt prints it: every node in run order with its status, row count,
//! execution time and message, then the totals.

use leptos::prelude::*;

use crate::engine::{NodeKind, NodeStatus};

use super::format;
use super::workspace::{RunHandle, Workspace};

#[component]
pub fn RunSummary(
    /// The workspace, for the run's settings and to open a node from its log line.
    ws: RwSignal<Workspace>,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let totals = move || {
        run.with(|r| match r {
            Some(r) => format!(
                "Ran {} nodes as of {} in {}: {} OK, {}.",
                r.nodes.len(),
                r.config.as_of,
                format::duration(r.elapsed_time),
                r.nodes
                    .iter()
                    .filter(|n| n.result.status == NodeStatus::Success)
                    .count(),
                match r.findings.len() {
                    1 => "1 finding".to_string(),
                    n => format!("{n} findings"),
                },
            ),
            None => ws.with(|w| {
                format!(
                    "The run as of {} failed; no node produced a result.",
                    w.config().as_of
                )
            }),
        })
    };
    let lines = move || {
        run.get().map(|r| {
            let total = r.nodes.len();
            r.nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let id = n.node.unique_id.clone();
                    let target = id.clone();
                    let kind = match n.node.kind {
                        NodeKind::Source => "source",
                        NodeKind::Model => "model",
                    };
                    let (status, status_class) = match n.result.status {
                        NodeStatus::Success => ("OK", "c360-status c360-status--success"),
                        NodeStatus::Skipped => ("SKIP", "c360-status c360-status--skipped"),
                    };
                    view! {
                        <tr class="c360-log__row" data-result=id.clone()>
                            <td class="c360-log__index">{format!("{} of {total}", i + 1)}</td>
                            <td>
                                <span class=status_class>{status}</span>
                            </td>
                            <td class="c360-log__kind">{kind}</td>
                            <td>
                                <button
                                    type="button"
                                    class="c360-log__node"
                                    title=id.clone()
                                    on:click=move |_| ws.update(|w| w.select(&target))
                                >
                                    {n.node.name.clone()}
                                </button>
                            </td>
                            <td class="c360-log__number">{format::count(n.result.rows)}</td>
                            <td class="c360-log__number">
                                {format::duration(n.result.execution_time)}
                            </td>
                            <td class="c360-log__message">{n.result.message.clone()}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="c360-panel c360-log" aria-labelledby="c360-log-title" data-testid="run-summary">
            <div class="c360-panel__head">
                <h2 id="c360-log-title" class="c360-panel__title">"Run log"</h2>
                <p class="c360-panel__sub">{totals}</p>
            </div>
            <Show when=move || run.with(Option::is_some)>
                <div class="c360-table-scroll">
                    <table class="c360-log__table">
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                <th scope="col">"status"</th>
                                <th scope="col">"type"</th>
                                <th scope="col">"node"</th>
                                <th scope="col" class="c360-log__number">"rows"</th>
                                <th scope="col" class="c360-log__number">"time"</th>
                                <th scope="col">"message"</th>
                            </tr>
                        </thead>
                        <tbody>{lines}</tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

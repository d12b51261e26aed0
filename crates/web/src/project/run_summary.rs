//! The run log, as `dbt build` prints it: every node and every test in execution order with
//! its status, rows (for a node) or failures (for a test), execution time and message, then
//! the totals.

use leptos::prelude::*;

use c360::engine::data_test::TestStatus;
use c360::engine::Step;
use c360::engine::{NodeKind, NodeStatus};

use crate::browser::handles::ViewActions;
use crate::project::tests_panel::reveal_test;
use crate::state::format;
use crate::state::runner::{status_word, RunView};
use crate::state::workspace::{RunHandle, Runs};
use crate::widgets::status_badge::StatusBadge;

/// The totals line: `Ran 7 nodes and 19 tests as of 2026-11-26 in 3.1 ms: …`.
fn totals(run: &RunView) -> String {
    let (built, skipped) = run.node_counts();
    let tests = run.test_counts();
    let findings = match run.findings.len() {
        1 => "1 finding".to_string(),
        n => format!("{n} findings"),
    };
    format!(
        "Ran {} nodes and {} tests as of {} in {}: {built} OK, {skipped} skipped; {}; {findings}.",
        run.nodes.len(),
        tests.total(),
        run.config.as_of,
        format::duration(run.elapsed_time),
        tests.summary(),
    )
}

#[component]
pub fn RunSummary(
    /// The runs, for the as-of date of a run that failed.
    runs: ReadSignal<Runs>,
    /// Opens a node or test from its log line.
    view_actions: ViewActions,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let totals = move || {
        run.with(|r| match r {
            Some(r) => totals(r),
            None => runs.with(|w| {
                format!(
                    "The run as of {} failed; no node produced a result.",
                    w.config().as_of
                )
            }),
        })
    };
    let lines = move || {
        run.get().map(|r| {
            let total = r.steps.len();
            r.steps
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    let index = format!("{} of {total}", i + 1);
                    match *step {
                        Step::Node(n) => node_line(view_actions, &r, n, index).into_any(),
                        Step::Test(t) => test_line(view_actions, &r, t, index).into_any(),
                    }
                })
                .collect_view()
        })
    };
    let read = move || run.with(|r| r.as_ref().map(|r| r.read_line()));
    view! {
        <section class="c360-panel c360-log" aria-labelledby="c360-log-title" data-testid="run-summary">
            <div class="c360-panel__head">
                <h2 id="c360-log-title" class="c360-panel__title">"Run log"</h2>
                <p class="c360-panel__sub">{totals}</p>
                <p class="c360-panel__sub" data-testid="run-read">{read}</p>
            </div>
            <Show when=move || run.with(Option::is_some)>
                <div class="c360-table-scroll">
                    <table class="c360-log__table">
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                <th scope="col">"status"</th>
                                <th scope="col">"type"</th>
                                <th scope="col">"node or test"</th>
                                <th scope="col" class="c360-log__number">"rows / failures"</th>
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

fn node_line(view_actions: ViewActions, run: &RunView, n: usize, index: String) -> impl IntoView {
    let n = &run.nodes[n];
    let id = n.node.unique_id.clone();
    let (target, title) = (id.clone(), id.clone());
    let kind = match n.node.kind {
        NodeKind::Source => "source",
        NodeKind::Model => "model",
    };
    let (status, status_class) = match n.result.status {
        NodeStatus::Success => (
            NodeStatus::Success.word(),
            "c360-status c360-status--success",
        ),
        NodeStatus::Skipped => (
            NodeStatus::Skipped.word(),
            "c360-status c360-status--skipped",
        ),
    };
    let skipped = n.is_skipped();
    view! {
        <tr class="c360-log__row" data-result=id data-kind=kind>
            <td class="c360-log__index">{index}</td>
            <td>
                <span class=status_class>{status}</span>
            </td>
            <td class="c360-log__kind">{kind}</td>
            <td>
                <button
                    type="button"
                    class="c360-log__node"
                    title=title
                    on:click=move |_| view_actions.select(&target)
                >
                    {n.node.name.clone()}
                </button>
            </td>
            <td class="c360-log__number">
                {if skipped { "–".to_string() } else { format::count(n.result.rows) }}
            </td>
            <td class="c360-log__number">
                {if skipped { "–".to_string() } else { format::duration(n.result.execution_time) }}
            </td>
            <td class="c360-log__message">{n.result.message.clone()}</td>
        </tr>
    }
}

fn test_line(view_actions: ViewActions, run: &RunView, t: usize, index: String) -> impl IntoView {
    let t = &run.tests[t];
    let r = &t.result;
    let target = r.unique_id.clone();
    let ran = !matches!(r.status, TestStatus::Skipped | TestStatus::Error);
    view! {
        <tr
            class="c360-log__row c360-log__row--test"
            data-result=r.unique_id.clone()
            data-kind="test"
            data-status=r.status.as_str()
        >
            <td class="c360-log__index">{index}</td>
            <td><StatusBadge status=r.status/></td>
            <td class="c360-log__kind">"test"</td>
            <td>
                <button
                    type="button"
                    class="c360-log__node c360-log__node--test"
                    title=format!("{}: {}", r.unique_id, status_word(r.status))
                    on:click=move |_| {
                        view_actions.show_test(&target);
                        reveal_test(&target);
                    }
                >
                    {t.name.clone()}
                </button>
            </td>
            <td class="c360-log__number">
                {if ran { format::count(r.failures) } else { "–".to_string() }}
            </td>
            <td class="c360-log__number">
                {if ran { format::duration(r.execution_time) } else { "–".to_string() }}
            </td>
            <td class="c360-log__message">{r.message.clone()}</td>
        </tr>
    }
}

//! The data tests, as `dbt build` reports them: the summary counts (which double as a filter
//! by status), then every test in the order it ran with its status, severity, failures, rows
//! checked, time and message. Clicking a test opens its detail below it: why it exists, the
//! equivalent dbt SQL and the failing rows.

use leptos::prelude::*;

use c360::engine::data_test::{Severity, TestStatus};
use c360::engine::value::unique_id;

use crate::browser::handles::ViewActions;
use crate::project::test_detail::{detail_id, TestDetail};
use crate::state::format;
use crate::state::runner::{status_word, TestView, TEST_STATUSES};
use crate::state::workspace::{RunHandle, View};
use crate::widgets::status_badge::StatusBadge;

/// Scrolls a test's row into view once the page has drawn it (after `show_test`).
pub fn reveal_test(unique_id: &str) {
    let selector = format!("[data-test=\"{unique_id}\"]");
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten());
        if let Some(element) = element {
            element.scroll_into_view();
        }
    });
}

#[component]
pub fn TestsPanel(
    /// The view: the test filter and the open test.
    view: ReadSignal<View>,
    /// Filters the tests, opens a test or the node it tests.
    view_actions: ViewActions,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let filter = Memo::new(move |_| view.with(|w| w.test_filter()));
    let open = Memo::new(move |_| view.with(|w| w.open_test().map(str::to_string)));
    let counts = Memo::new(move |_| run.with(|r| r.as_ref().map(|r| r.test_counts())));

    let summary = move || {
        counts.get().map(|c| {
            if c.total() == 0 {
                "The schema defines no tests.".to_string()
            } else {
                format!("{} tests. {}", c.total(), c.summary())
            }
        })
    };

    let filters = move || {
        let counts = counts.get().unwrap_or_default();
        let all = view! {
            <button
                type="button"
                class="c360-filter"
                data-filter="all"
                aria-pressed=move || if filter.get().is_none() { "true" } else { "false" }
                on:click=move |_| view_actions.set_test_filter(None)
            >
                "All" <span class="c360-filter__count">{counts.total()}</span>
            </button>
        };
        let by_status = TEST_STATUSES
            .iter()
            .map(|&status| {
                let pressed = move || filter.get() == Some(status);
                view! {
                    <button
                        type="button"
                        class=format!("c360-filter c360-filter--{}", status.as_str())
                        class=("c360-filter--none", counts.get(status) == 0)
                        data-filter=status.as_str()
                        aria-pressed=move || if pressed() { "true" } else { "false" }
                        on:click=move |_| {
                            let next = if pressed() { None } else { Some(status) };
                            view_actions.set_test_filter(next);
                        }
                    >
                        {status_word(status)}
                        <span class="c360-filter__count">{counts.get(status)}</span>
                    </button>
                }
            })
            .collect_view();
        view! { {all} {by_status} }
    };

    let rows = move || {
        let Some(run) = run.get() else {
            return view! {
                <tr>
                    <td class="c360-tests__empty" colspan="7">"No tests ran: the run failed."</td>
                </tr>
            }
            .into_any();
        };
        let filter = filter.get();
        let open = open.get();
        let shown: Vec<&TestView> = run
            .tests
            .iter()
            .filter(|t| filter.is_none_or(|f| t.status() == f))
            .collect();
        if shown.is_empty() {
            let message = match filter {
                Some(f) => format!("No test ended {}.", status_word(f)),
                None => "The schema defines no tests.".to_string(),
            };
            return view! {
                <tr>
                    <td class="c360-tests__empty" colspan="7">{message}</td>
                </tr>
            }
            .into_any();
        }
        shown
            .into_iter()
            .map(|test| {
                let is_open = open.as_deref() == Some(test.result.unique_id.as_str());
                let detail = is_open.then(|| {
                    let docs = test
                        .result
                        .attached_node
                        .as_deref()
                        .and_then(|n| run.node(n))
                        .map(|n| n.docs.clone())
                        .unwrap_or_default();
                    view! {
                        <tr class="c360-tests__detail-row">
                            <td colspan="7">
                                <TestDetail view_actions=view_actions test=test.clone() docs=docs run=run.run/>
                            </td>
                        </tr>
                    }
                });
                view! {
                    {test_row(view_actions, test, is_open)}
                    {detail}
                }
            })
            .collect_view()
            .into_any()
    };

    view! {
        <section class="c360-panel c360-tests" aria-labelledby="c360-tests-title" data-testid="tests">
            <div class="c360-panel__head">
                <h2 id="c360-tests-title" class="c360-panel__title">"Data tests"</h2>
                <p class="c360-panel__sub" data-testid="test-summary">{summary}</p>
            </div>
            <p class="c360-tests__intro">
                "Each test is a query that selects the failing rows, run like "
                <code>"dbt build"</code>
                ": macro tests first, then each source's and model's tests right after it. A \
                 failing test of severity error skips everything downstream; warn lets the run \
                 go on. Click a test for its SQL and its failing rows."
            </p>
            <div class="c360-tests__filters" role="group" aria-label="Show the tests of one status">
                {filters}
            </div>
            <div class="c360-table-scroll c360-tests__scroll">
                <table class="c360-tests__table">
                    <colgroup>
                        <col class="c360-tests__col--status"/>
                        <col class="c360-tests__col--test"/>
                        <col class="c360-tests__col--severity"/>
                        <col class="c360-tests__col--number"/>
                        <col class="c360-tests__col--checked"/>
                        <col class="c360-tests__col--number"/>
                        <col class="c360-tests__col--message"/>
                    </colgroup>
                    <thead>
                        <tr>
                            <th scope="col">"status"</th>
                            <th scope="col">"test"</th>
                            <th scope="col">"severity"</th>
                            <th scope="col" class="c360-tests__number">"failures"</th>
                            <th scope="col" class="c360-tests__number">"rows checked"</th>
                            <th scope="col" class="c360-tests__number">"time"</th>
                            <th scope="col">"message"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// One test's line in the table.
fn test_row(view_actions: ViewActions, test: &TestView, is_open: bool) -> impl IntoView {
    let r = &test.result;
    let target = r.unique_id.clone();
    let on = match (&r.attached_node, &r.column_name) {
        (Some(node), Some(column)) => format!(" on {}.{column}", unique_id::short(node)),
        (Some(node), None) => format!(" on {}", unique_id::short(node)),
        _ => String::new(),
    };
    let severity = match r.severity {
        Severity::Error => "error",
        Severity::Warn => "warn",
    };
    let skipped = r.status == TestStatus::Skipped;
    let number = |n: usize| {
        if skipped {
            "–".to_string()
        } else {
            format::count(n)
        }
    };
    view! {
        <tr
            class=format!("c360-tests__row c360-tests__row--{}", r.status.as_str())
            class=("c360-tests__row--open", is_open)
            data-test=r.unique_id.clone()
            data-status=r.status.as_str()
        >
            <td><StatusBadge status=r.status/></td>
            <td class="c360-tests__test">
                <button
                    type="button"
                    class="c360-tests__name"
                    aria-expanded=if is_open { "true" } else { "false" }
                    aria-controls=is_open.then(|| detail_id(test))
                    title=r.unique_id.clone()
                    on:click=move |_| view_actions.toggle_test(&target)
                >
                    <span class="c360-tests__chevron" aria-hidden="true">
                        {if is_open { "▾" } else { "▸" }}
                    </span>
                    {test.name.clone()}
                </button>
                <span class="c360-tests__meta">{r.test_kind.clone()} {on}</span>
            </td>
            <td class=format!("c360-tests__severity c360-tests__severity--{severity}")>
                {severity}
            </td>
            <td class="c360-tests__number">{number(r.failures)}</td>
            <td class="c360-tests__number">{number(r.rows_checked)}</td>
            <td class="c360-tests__number">
                {if skipped { "–".to_string() } else { format::duration(r.execution_time) }}
            </td>
            <td class="c360-tests__message">{r.message.clone()}</td>
        </tr>
    }
}

//! One test, opened: why it exists, what it found, the equivalent dbt SQL that selects the
//! failing rows (the page doubles as a lesson), the failing rows themselves, and where to fix
//! the cause: its line in the schema, the remediation policy for what it finds and, for a
//! relationships test, the existing key the orphan most likely meant.

use leptos::prelude::*;

use c360::engine::data_test::{Severity, TestStatus};
use c360::engine::models::ModelColumn;
use c360::engine::value::unique_id;

use crate::browser::handles::ViewActions;
use crate::project::schema_editor::show_schema_line;
use crate::state::format::{self, diff_segments, Segment};
use crate::state::grid::Grid;
use crate::state::policy_switches::Switch;
use crate::state::runner::{NearMiss, TestView, NEAREST_KEY_COLUMN};
use crate::widgets::data_table::{own_grid, DataTable};

/// How many near misses the callout lists; the rest are in the table.
const NEAR_MISSES_SHOWN: usize = 3;

/// A key with the characters that differ from the other key marked.
fn marked_key(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            if s.differs {
                view! { <mark class="c360-key__diff">{s.text}</mark> }.into_any()
            } else {
                view! { <span>{s.text}</span> }.into_any()
            }
        })
        .collect_view()
}

/// The callout that puts each orphan key beside the nearest key that exists.
fn near_miss_callout(column: &str, misses: Vec<NearMiss>) -> impl IntoView {
    let total = misses.len();
    let pairs = misses
        .into_iter()
        .take(NEAR_MISSES_SHOWN)
        .map(|miss| match miss.nearest {
            Some(nearest) => {
                let (value, differing) = diff_segments(&miss.value, &nearest);
                let (nearest_marked, _) = diff_segments(&nearest, &miss.value);
                let differ = match differing {
                    1 => "1 character differs".to_string(),
                    n => format!("{n} characters differ"),
                };
                view! {
                    <div class="c360-near-miss__pair">
                        <span class="c360-near-miss__label">{column.to_string()}</span>
                        <code class="c360-key c360-key--orphan">{marked_key(value)}</code>
                        <span class="c360-near-miss__label">{NEAREST_KEY_COLUMN}</span>
                        <code class="c360-key c360-key--nearest" data-testid="nearest-key">
                            {marked_key(nearest_marked)}
                        </code>
                        <span class="c360-near-miss__differ">{differ}</span>
                    </div>
                }
                .into_any()
            }
            None => view! {
                <div class="c360-near-miss__pair">
                    <span class="c360-near-miss__label">{column.to_string()}</span>
                    <code class="c360-key c360-key--orphan">{miss.value}</code>
                    <span class="c360-near-miss__differ">"no existing key is close"</span>
                </div>
            }
            .into_any(),
        })
        .collect_view();
    let more = (total > NEAR_MISSES_SHOWN).then(|| {
        view! {
            <p class="c360-near-miss__more">
                {format!("… and {} more in the table below.", total - NEAR_MISSES_SHOWN)}
            </p>
        }
    });
    view! {
        <aside class="c360-near-miss" aria-label="Nearest existing key">
            <h4 class="c360-near-miss__title">"Nearest existing key"</h4>
            <p class="c360-near-miss__lead">
                "A key that matches nothing is often a near miss: a typo of a key that exists. \
                 The closest existing key is shown with the characters that differ marked."
            </p>
            {pairs}
            {more}
        </aside>
    }
}

/// The id of a test's detail, for the `aria-controls` of the button that opens it.
pub fn detail_id(test: &TestView) -> String {
    format!("c360-test-detail-{}", test.name)
}

#[component]
pub fn TestDetail(
    /// Opens the tested node.
    view_actions: ViewActions,
    /// The test to show.
    test: TestView,
    /// The tested node's column docs, for the failing rows' header tooltips.
    docs: Vec<ModelColumn>,
    /// The run the test belongs to: its failing rows are asked of the worker for it.
    run: u64,
) -> impl IntoView {
    let r = test.result.clone();
    let status = r.status;
    // The rows' own sort and page: they last as long as this detail is open.
    let grid = RwSignal::new(
        test.failing_rows()
            .filter(|_| test.kept_rows.unwrap_or(0) > 0)
            .map(|t| Grid::new(run, t, docs, Vec::new(), test.kept_rows.unwrap_or(0))),
    );
    let (on_command, on_page) = own_grid(grid);
    let caption = match test.rows_cut() {
        Some((kept, total)) => format!(
            "Failing rows: {} of {}",
            format::count(kept),
            format::rows(total)
        ),
        None => "Failing rows".to_string(),
    };
    let rows_note = test.rows_cut().map(|(kept, total)| {
        view! {
            <p class="c360-test-detail__note" data-testid="failing-rows-note">
                {format!(
                    "{} of {} failing rows: the test keeps at most {} (its limit).",
                    format::count(kept),
                    format::count(total),
                    format::count(kept)
                )}
            </p>
        }
    });

    let outcome = match status {
        TestStatus::Skipped => view! {
            <p class="c360-test-detail__outcome c360-test-detail__outcome--skipped">
                "Not run: " {r.message.strip_prefix("skipped: ").unwrap_or(&r.message).to_string()}
                ". It runs again once the node it reads is built."
            </p>
        }
        .into_any(),
        TestStatus::Error => view! {
            <p class="c360-test-detail__outcome c360-test-detail__outcome--error" role="alert">
                "The test could not run: " {r.message.clone()}
            </p>
        }
        .into_any(),
        _ => view! {
            <p class=format!(
                "c360-test-detail__outcome c360-test-detail__outcome--{}",
                status.as_str()
            )>{r.message.clone()}</p>
        }
        .into_any(),
    };

    let node_link = r.attached_node.clone().map(|node| {
        let name = unique_id::short(&node).to_string();
        let target = node.clone();
        view! {
            <div class="c360-test-detail__fact">
                <dt>"tests"</dt>
                <dd>
                    <button
                        type="button"
                        class="c360-chip"
                        title=node
                        on:click=move |_| view_actions.select(&target)
                    >
                        {name}
                    </button>
                    {r.column_name.clone().map(|c| view! { " column " <code>{c}</code> })}
                </dd>
            </div>
        }
    });
    let line = r.line.map(|line| {
        view! {
            <div class="c360-test-detail__fact">
                <dt>"defined at"</dt>
                <dd>
                    <button
                        type="button"
                        class="c360-chip"
                        data-testid="test-schema-line"
                        on:click=move |_| show_schema_line(line, 1)
                    >
                        {format!("line {line} of the schema")}
                    </button>
                </dd>
            </div>
        }
    });
    let severity = match r.severity {
        Severity::Error => "error: a failure skips everything downstream",
        Severity::Warn => "warn: the run goes on",
    };
    let remedy = Switch::for_test(
        &r.test_kind,
        r.attached_node.as_deref(),
        r.column_name.as_deref(),
    )
    .map(|switch| {
        view! {
            <p class="c360-test-detail__fix">
                "Fix it from the page: the "
                <a href=format!("#c360-policy-{}", switch.name())>{switch.legend()}</a>
                " policy decides what the models do with these rows"
                {r.line.map(|_| "; or change the test in the schema")}
                "."
            </p>
        }
    });
    let near = test.result.column_name.clone().and_then(|column| {
        let misses = test.near_misses().to_vec();
        (!misses.is_empty()).then(|| near_miss_callout(&column, misses))
    });

    let key_columns = test.key_columns();
    let rows = move || {
        if grid.with(Option::is_some) {
            view! {
                <DataTable
                    grid=grid
                    on_command=on_command
                    on_page=on_page
                    caption=caption.clone()
                    highlight=key_columns.clone()
                />
            }
            .into_any()
        } else {
            let text = match status {
                TestStatus::Skipped => "None: the test did not run.",
                TestStatus::Error => "None: the test could not run.",
                _ => "None: the query selects no rows.",
            };
            view! { <p class="c360-test-detail__none">{text}</p> }.into_any()
        }
    };

    view! {
        <div
            class="c360-test-detail"
            id=detail_id(&test)
            data-testid="test-detail"
            data-test-detail=r.unique_id.clone()
        >
            <p class="c360-test-detail__description">{r.description.clone()}</p>
            {outcome}
            <div class="c360-test-detail__grid">
                <section class="c360-test-detail__sql" aria-label="Equivalent dbt SQL">
                    <h4 class="c360-test-detail__heading">"Equivalent dbt SQL"</h4>
                    <p class="c360-test-detail__hint">
                        "The query selects the failing rows; the test passes when it selects none."
                    </p>
                    <pre class="c360-code" data-testid="test-sql"><code>{r.sql.clone()}</code></pre>
                </section>
                <div class="c360-test-detail__side">
                    <dl class="c360-test-detail__facts">
                        <div class="c360-test-detail__fact">
                            <dt>"kind"</dt>
                            <dd><code>{r.test_kind.clone()}</code></dd>
                        </div>
                        {node_link}
                        <div class="c360-test-detail__fact">
                            <dt>"severity"</dt>
                            <dd>{severity}</dd>
                        </div>
                        {line}
                    </dl>
                    {remedy}
                    {near}
                </div>
            </div>
            <section class="c360-test-detail__rows" aria-label="Failing rows">
                {rows_note}
                {rows}
            </section>
        </div>
    }
}

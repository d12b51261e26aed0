//! "What changed": the difference between the last two runs, in words, under the switch (or
//! the schema, the files, the date) that caused it.

use leptos::prelude::*;

use crate::state::workspace::{RunHandle, Runs};

#[component]
pub fn ChangeSummary(
    /// The runs, whose last change is described.
    runs: ReadSignal<Runs>,
    /// The last successful run, to say why a change changed nothing.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let skipped = move || run.with(|r| r.as_ref().map_or(0, |r| r.node_counts().1));
    let change = Memo::new(move |_| runs.with(|w| w.last_change().cloned()));
    let body = move || match change.get() {
        None => view! {
            <p class="c360-changes__empty">
                "Flip a switch: the DAG re-runs and what changed is listed here (row counts, \
                 columns, test statuses)."
            </p>
        }
        .into_any(),
        Some(change) => {
            let lines = if change.diff.is_empty() {
                let why = match skipped() {
                    0 => String::new(),
                    1 => " 1 model is skipped: a policy only acts on the models that are built."
                        .to_string(),
                    n => format!(
                        " {n} models are skipped: a policy only acts on the models that are \
                         built. Fix or relax the failing tests first."
                    ),
                };
                view! {
                    <p class="c360-changes__empty">"Nothing in the results changed." {why}</p>
                }
                .into_any()
            } else {
                let items = change
                    .diff
                    .changes
                    .iter()
                    .map(|c| {
                        view! {
                            <li
                                class=format!("c360-changes__item c360-changes__item--{}", c.kind())
                                data-kind=c.kind()
                            >
                                {c.to_string()}
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="c360-changes__list">{items}</ul> }.into_any()
            };
            view! {
                <p class="c360-changes__cause">{change.cause}</p>
                {lines}
            }
            .into_any()
        }
    };
    view! {
        <div
            class="c360-changes"
            role="status"
            aria-live="polite"
            data-testid="policy-changes"
        >
            <h3 class="c360-changes__title">"What the last change did"</h3>
            {body}
        </div>
    }
}

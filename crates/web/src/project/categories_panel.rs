//! Your categories: every category the transactions hold, with its transactions and spend,
//! against the schema's accepted list (the `accepted_values` test on
//! `web.transactions.category`). A category outside the list is a `warn` with the shipped
//! schema, its spend counted in `customers.other_amount`; one click adds the data's
//! categories to the list (the schema text is edited, as in the editor), and `customers`
//! gains a column for each.

use leptos::prelude::*;

use c360::engine::models::categories::outside;

use crate::browser::handles::RunActions;
use crate::state::format;
use crate::state::workspace::{RunHandle, Runs};

#[component]
pub fn CategoriesPanel(
    /// The runs, for the schema's accepted list.
    runs: ReadSignal<Runs>,
    /// Accepts the data's categories (a schema edit and a re-run).
    run_actions: RunActions,
    /// The last successful run, whose categories are shown.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let outside_list = move || run.with(|r| r.as_ref().map(|r| outside(&r.categories)));
    let rows = move || {
        run.with(|r| {
            r.as_ref().map(|r| {
                r.categories
                    .iter()
                    .map(|c| {
                        let name = c.category.clone();
                        let label = name.clone().unwrap_or_else(|| "(no category)".into());
                        let (status, class) = match (c.accepted, c.transactions, &name) {
                            (true, 0, _) => ("accepted, not in the data", "c360-status--skipped"),
                            (true, _, _) => ("accepted", "c360-status--success"),
                            (false, _, None) => ("missing", "c360-status--warn"),
                            (false, _, Some(_)) => ("outside the list", "c360-status--warn"),
                        };
                        let key = label.clone();
                        view! {
                            <tr data-category=key data-accepted=c.accepted.to_string()>
                                <th scope="row">{label}</th>
                                <td class="c360-log__number">{format::count(c.transactions)}</td>
                                <td class="c360-log__number">{c.spend.to_string()}</td>
                                <td><span class=format!("c360-status {class}")>{status}</span></td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let accept = move |_| {
        if let Some(names) = outside_list() {
            run_actions.act(|w| w.accept_categories(&names, js_sys::Date::now()));
        }
    };
    let can_accept = move || {
        outside_list().is_some_and(|o| !o.is_empty())
            && runs.with(|w| w.schema().in_force().accepted_categories.is_some())
    };
    let summary = move || {
        outside_list().map(|o| match o.len() {
            0 => "Every category in the data is on the accepted list.".to_string(),
            1 => format!(
                "1 category is outside the accepted list ({}): its spend is counted in \
                 customers.other_amount.",
                o[0]
            ),
            n => format!(
                "{n} categories are outside the accepted list ({}): their spend is counted in \
                 customers.other_amount.",
                o.join(", ")
            ),
        })
    };
    view! {
        <section
            class="c360-panel c360-categories"
            aria-labelledby="c360-categories-title"
            data-testid="categories-panel"
        >
            <div class="c360-panel__head">
                <h2 id="c360-categories-title" class="c360-panel__title">"Your categories"</h2>
                <p class="c360-panel__sub">{summary}</p>
                <Show when=can_accept>
                    <button
                        type="button"
                        class="c360-button"
                        data-testid="accept-categories"
                        on:click=accept
                    >
                        {move || format!(
                            "Accept the data's categories ({})",
                            outside_list().map_or(0, |o| o.len())
                        )}
                    </button>
                </Show>
            </div>
            <Show when=move || run.with(Option::is_some)>
                <div class="c360-table-scroll">
                    <table class="c360-table c360-categories__table">
                        <thead>
                            <tr>
                                <th scope="col">"category"</th>
                                <th scope="col" class="c360-log__number">"transactions"</th>
                                <th scope="col" class="c360-log__number">"spend"</th>
                                <th scope="col">"accepted list"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

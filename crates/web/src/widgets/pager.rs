//! Paging controls under a table: "rows 51–100 of 1,234" and first / previous / next / last.
//! Hidden when the table fits on one page.

use leptos::prelude::*;

use crate::state::format;
use crate::state::grid::{Grid, TableCommand, PAGE_SIZE};

#[component]
pub fn Pager(
    /// The table view being paged.
    #[prop(into)]
    grid: Signal<Option<Grid>>,
    /// Applies a paging command to the grid's owner.
    #[prop(into)]
    on_command: Callback<TableCommand>,
) -> impl IntoView {
    let range = move || {
        grid.with(|g| {
            g.as_ref().map(|g| {
                let (first, last) = g.shown();
                format!(
                    "rows {}–{} of {}",
                    format::count(first),
                    format::count(last),
                    format::count(g.num_rows())
                )
            })
        })
    };
    let paged = move || grid.with(|g| g.as_ref().is_some_and(|g| g.num_rows() > PAGE_SIZE));
    let no_previous = move || !grid.with(|g| g.as_ref().is_some_and(Grid::has_previous));
    let no_next = move || !grid.with(|g| g.as_ref().is_some_and(Grid::has_next));
    let button = move |label: &'static str,
                       test_id: &'static str,
                       text: &'static str,
                       command: TableCommand,
                       disabled: Signal<bool>| {
        view! {
            <button
                type="button"
                class="c360-button c360-button--page"
                aria-label=label
                data-testid=test_id
                disabled=disabled
                on:click=move |_| on_command.run(command)
            >
                {text}
            </button>
        }
    };
    view! {
        <nav class="c360-pager" class=("c360-pager--single", move || !paged()) aria-label="Pages">
            <span class="c360-pager__range" data-testid="page-range" aria-live="polite">
                {range}
            </span>
            <Show when=paged>
                <span class="c360-pager__buttons">
                    {button("First page", "first-page", "«", TableCommand::FirstPage,
                        Signal::derive(no_previous))}
                    {button("Previous page", "previous-page", "‹ Previous",
                        TableCommand::PreviousPage, Signal::derive(no_previous))}
                    {button("Next page", "next-page", "Next ›", TableCommand::NextPage,
                        Signal::derive(no_next))}
                    {button("Last page", "last-page", "»", TableCommand::LastPage,
                        Signal::derive(no_next))}
                </span>
            </Show>
        </nav>
    }
}

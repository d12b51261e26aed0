//! The table view, for any node's table and any finding's rows: typed, documented headers
//! that sort on click, one page of rows, numbers right-aligned with thousands separators,
//! nulls shown as nulls.
//!
//! It holds no state: the [`Grid`] it shows belongs to its owner, and every click is sent
//! back as a [`TableCommand`]. When the grid asks for rows it has not got (a new run, a sort,
//! another page), the view asks the worker for that page and hands it to the owner.

use leptos::prelude::*;

use c360_worker::protocol::TablePage;

use crate::browser::client;
use crate::state::format;
use crate::state::grid::{Direction, Grid, TableCommand};
use crate::widgets::pager::Pager;

#[component]
pub fn DataTable(
    /// The table, its sort and its page; nothing is shown while it is `None`.
    #[prop(into)]
    grid: Signal<Option<Grid>>,
    /// Applies a sort or paging command to the grid's owner.
    #[prop(into)]
    on_command: Callback<TableCommand>,
    /// Gives the grid's owner a page the worker sent for it.
    #[prop(into)]
    on_page: Callback<TablePage>,
    /// The accessible name of the table, shown as its caption.
    #[prop(into)]
    caption: Signal<String>,
    /// The unique id of the node whose table this is, written as `data-node`; finding rows
    /// have none.
    #[prop(optional, into)]
    node: MaybeProp<String>,
    /// Columns to make stand out (a test's tested column and nearest existing key).
    #[prop(optional)]
    highlight: Vec<String>,
) -> impl IntoView {
    let highlight = std::sync::Arc::new(highlight);
    // Syncs with the worker: whenever the grid shows rows it has not got, ask for them.
    Effect::new(move |_| {
        if let Some(request) =
            grid.with(|g| g.as_ref().filter(|g| g.is_loading()).map(Grid::request))
        {
            client::page(request, move |page| on_page.run(page));
        }
    });
    let loading = move || grid.with(|g| g.as_ref().is_some_and(Grid::is_loading));
    let headers = Memo::new(move |_| grid.with(|g| g.as_ref().map(Grid::headers)));
    let row_count = move || grid.with(|g| g.as_ref().map(|g| g.num_rows().to_string()));
    let direction = move |i: usize| grid.with(|g| g.as_ref().and_then(|g| g.direction(i)));

    let head = {
        let highlight = highlight.clone();
        move || {
            headers
                .get()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, h)| {
                    let lit = highlight.contains(&h.name);
                    let aria_sort = move || match direction(i) {
                        Some(Direction::Ascending) => "ascending",
                        Some(Direction::Descending) => "descending",
                        None => "none",
                    };
                    let arrow = move || match direction(i) {
                        Some(Direction::Ascending) => "▲",
                        Some(Direction::Descending) => "▼",
                        None => "↕",
                    };
                    let action = format!("Sort by {}", h.name);
                    view! {
                        <th
                            scope="col"
                            class="c360-table__head"
                            class=("c360-table__head--numeric", h.numeric)
                            class=("c360-table__head--sorted", move || direction(i).is_some())
                            class=("c360-table__head--highlight", lit)
                            data-column=h.name.clone()
                            aria-sort=aria_sort
                            title=h.description.clone()
                        >
                            <button
                                type="button"
                                class="c360-table__sort"
                                aria-label=action
                                on:click=move |_| on_command.run(TableCommand::SortBy(i))
                            >
                                <span class="c360-table__name">{h.name.clone()}</span>
                                <span class="c360-table__type">{h.type_name}</span>
                                <span class="c360-table__arrow" aria-hidden="true">{arrow}</span>
                            </button>
                        </th>
                    }
                })
                .collect_view()
        }
    };

    let body = move || {
        let numeric: Vec<bool> = headers.with(|h| h.iter().flatten().map(|h| h.numeric).collect());
        let lit: Vec<bool> = headers.with(|h| {
            h.iter()
                .flatten()
                .map(|h| highlight.contains(&h.name))
                .collect()
        });
        let rows = grid.with(|g| g.as_ref().map(Grid::rows).unwrap_or_default());
        if rows.is_empty() {
            let span = numeric.len().max(1).to_string();
            let text = if loading() { "Loading…" } else { "No rows" };
            return view! {
                <tr class="c360-table__row c360-table__row--empty">
                    <td class="c360-table__cell" colspan=span>{text}</td>
                </tr>
            }
            .into_any();
        }
        rows.into_iter()
            .map(|row| {
                let cells = row
                    .into_iter()
                    .zip(numeric.iter().copied().zip(lit.iter().copied()))
                    .map(|(cell, (numeric, lit))| {
                        let text = if cell.null {
                            "null".to_string()
                        } else {
                            cell.text
                        };
                        view! {
                            <td
                                class="c360-table__cell"
                                class=("c360-table__cell--numeric", numeric)
                                class=("c360-table__cell--null", cell.null)
                                class=("c360-table__cell--highlight", lit)
                            >
                                {text}
                            </td>
                        }
                    })
                    .collect_view();
                view! { <tr class="c360-table__row">{cells}</tr> }
            })
            .collect_view()
            .into_any()
    };

    let summary = move || {
        grid.with(|g| {
            g.as_ref().map(|g| {
                format!(
                    "{} × {} columns",
                    format::rows(g.num_rows()),
                    g.num_columns()
                )
            })
        })
    };

    view! {
        <div class="c360-table-view">
            <div class="c360-table-scroll" tabindex="0" role="region" aria-label=caption>
                <table
                    class="c360-table"
                    data-node=move || node.get()
                    data-row-count=row_count
                    aria-busy=move || loading().to_string()
                >
                    <caption class="c360-table__caption">
                        {caption} <span class="c360-table__summary">{summary}</span>
                    </caption>
                    <thead>
                        <tr>{head}</tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <Pager grid=grid on_command=on_command/>
        </div>
    }
}

/// The two callbacks of a table view whose grid is a signal of its own (a finding's rows, a
/// test's failing rows): commands and pages go to that grid.
pub fn own_grid(grid: RwSignal<Option<Grid>>) -> (Callback<TableCommand>, Callback<TablePage>) {
    (
        Callback::new(move |command| {
            grid.update(|g| {
                if let Some(g) = g {
                    g.apply(command);
                }
            })
        }),
        Callback::new(move |page| {
            grid.update(|g| {
                if let Some(g) = g {
                    g.receive(page);
                }
            })
        }),
    )
}

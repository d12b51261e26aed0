//! What every chart is besides its drawing: a `<figure>` with its test id, a caption with
//! the chart's title and the toggle to the same numbers as a table, the table (made only
//! while it is shown), and the plot — an `<svg>` with its viewBox, `role="img"`, its text
//! alternative as `aria-label` and its `<title>` — under the charts' shared tooltip. The bar
//! chart, the heat map and the line chart draw only what goes inside the `<svg>`.

use leptos::prelude::*;

use crate::charts::tooltip::ChartTip;

/// A chart's caption: its title, and the toggle between the chart and the same numbers as a
/// table (every chart has one).
fn caption(title: String, as_table: RwSignal<bool>) -> impl IntoView {
    view! {
        <figcaption class="c360-chart__caption">
            <span>{title}</span>
            <button
                type="button"
                class="c360-button c360-button--quiet"
                aria-pressed=move || as_table.get().to_string()
                on:click=move |_| as_table.update(|t| *t = !*t)
            >
                {move || if as_table.get() { "Show as chart" } else { "Show as table" }}
            </button>
        </figcaption>
    }
}

/// The chart's frame: who it is and what its `<svg>` says of it.
pub struct Frame<'a> {
    pub test_id: &'static str,
    pub title: String,
    /// The text alternative: the title and what the chart shows, in words.
    pub label: String,
    /// The viewBox.
    pub width: f64,
    pub height: f64,
    pub as_table: RwSignal<bool>,
    pub tooltip: &'a ChartTip,
}

/// The chart `f` frames, drawing `contents` in its `<svg>`, and `table` — the same numbers
/// — made only while the chart is shown as a table: a hidden copy would double the elements
/// a page builds for its charts, and the text alternative is the `aria-label`.
pub fn frame(
    f: Frame<'_>,
    table: impl Fn() -> AnyView + Send + Sync + 'static,
    contents: impl IntoView,
) -> impl IntoView {
    let as_table = f.as_table;
    view! {
        <figure class="c360-chart" data-testid=f.test_id>
            {caption(f.title.clone(), as_table)}
            {move || as_table.get().then(&table)}
            {f.tooltip.plot(as_table, view! {
                <svg
                    class="c360-chart__svg"
                    viewBox=format!("0 0 {} {}", f.width, f.height)
                    role="img"
                    aria-label=f.label
                >
                    <title>{f.title}</title>
                    {contents}
                </svg>
            })}
        </figure>
    }
}

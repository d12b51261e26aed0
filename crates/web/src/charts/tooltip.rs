//! The tooltip every chart shares: a visible box over the plot that says an item's label and
//! value with its unit ("champions: 312 customers"). It shows when the pointer enters an
//! item and when keyboard focus reaches it, and hides when either leaves or on Escape, so
//! that keyboard users read what a hover shows (an SVG `<title>` appears on hover only).
//!
//! One per chart, made with the chart's viewBox: an item gives where it sits in viewBox units
//! and the tooltip is placed by percentages of the plot, which is exactly the size of its
//! `<svg>`, so nothing is measured in the page. The item being described carries
//! `aria-describedby` naming the tooltip while it is shown.

use leptos::attr::Attribute;
use leptos::prelude::*;

/// The item the tooltip describes, its text, and where it points (percent of the plot).
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    item: usize,
    text: String,
    left: f64,
    top: f64,
}

/// One chart's tooltip: its element's id, the chart's viewBox, and what it shows.
#[derive(Clone)]
pub struct ChartTip {
    id: String,
    width: f64,
    height: f64,
    shown: RwSignal<Option<Shown>>,
    /// Which item is described: each item's `aria-describedby` hears of its own changes only.
    describing: Selector<Option<usize>>,
}

impl ChartTip {
    /// The tooltip of the chart `chart` (its test id, unique on a page) whose viewBox is
    /// `width` × `height`.
    pub fn new(chart: &str, width: f64, height: f64) -> ChartTip {
        let shown = RwSignal::new(None::<Shown>);
        let describing = Selector::new(move || shown.with(|s| s.as_ref().map(|s| s.item)));
        // Escape dismisses it wherever the pointer and the focus are.
        let escape = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" && shown.with_untracked(Option::is_some) {
                shown.set(None);
            }
        });
        on_cleanup(move || escape.remove());
        ChartTip {
            id: format!("{chart}-tooltip"),
            width,
            height,
            shown,
            describing,
        }
    }

    /// What item `index` of the chart needs to show the tooltip saying `text`, pointing at
    /// (`x`, `y`) in viewBox units: its pointer and focus handlers and its
    /// `aria-describedby`. Spread onto the item's focusable element.
    pub fn item(&self, index: usize, text: String, x: f64, y: f64) -> impl Attribute {
        let shown = self.shown;
        let describing = self.describing.clone();
        let id = self.id.clone();
        let place = Shown {
            item: index,
            text,
            left: (x / self.width * 100.0).clamp(0.0, 100.0),
            top: (y / self.height * 100.0).clamp(0.0, 100.0),
        };
        // The `try_` forms: removing a focused or hovered item (the page moving on) fires its
        // blur or mouseleave after the chart, and its signal, are gone.
        let show = move || {
            shown.try_set(Some(place.clone()));
        };
        // Leaving one item hides only that item's tooltip: the pointer leaving a bar must not
        // hide what the focused one says.
        let hide = move || {
            if shown.try_with_untracked(|s| s.as_ref().is_some_and(|s| s.item == index))
                == Some(true)
            {
                shown.try_set(None);
            }
        };
        let on_pointer = show.clone();
        view! {
            <{..}
                on:mouseenter=move |_| on_pointer()
                on:focus=move |_| show()
                on:mouseleave=move |_| hide()
                on:blur=move |_| hide()
                aria-describedby=move || describing.selected(&Some(index)).then(|| id.clone())
            />
        }
    }

    /// The plot: `svg` with the tooltip over it, hidden with the chart when the chart is
    /// shown as a table.
    pub fn plot(&self, as_table: RwSignal<bool>, svg: impl IntoView) -> impl IntoView {
        let shown = self.shown;
        let text = move || shown.with(|s| s.as_ref().map(|s| s.text.clone()));
        // Near an edge the box grows inwards, so that it stays over the chart.
        let side = move || {
            shown.with(|s| match s.as_ref().map(|s| s.left) {
                Some(left) if left < 20.0 => "start",
                Some(left) if left > 80.0 => "end",
                _ => "middle",
            })
        };
        let left = move || shown.with(|s| s.as_ref().map(|s| format!("{:.2}%", s.left)));
        let top = move || shown.with(|s| s.as_ref().map(|s| format!("{:.2}%", s.top)));
        view! {
            <div class="c360-chart__plot" class:c360-visually-hidden=move || as_table.get()>
                {svg}
                <div
                    role="tooltip"
                    id=self.id.clone()
                    class="c360-chart__tooltip"
                    data-testid="chart-tooltip"
                    data-side=side
                    hidden=move || shown.with(Option::is_none)
                    style:left=left
                    style:top=top
                >
                    {text}
                </div>
            </div>
        }
    }
}

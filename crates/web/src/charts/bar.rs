//! A horizontal bar chart, drawn as SVG by the app: one bar per label, its value printed at
//! its end, an axis naming the unit, a `<title>` and a text alternative, the charts' shared
//! tooltip on hover and on keyboard focus (each bar is focusable), and a "Show as table"
//! toggle. Bars are in one colour of the Okabe–Ito palette, which colour-blind readers tell
//! apart from the page.

use leptos::prelude::*;

use crate::charts::frame::{frame, Frame};
use crate::charts::tooltip::ChartTip;
use crate::state::format;

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as the page writes it (`1,234`, `$5,678.90`).
    pub text: String,
    /// Where the bar leads when clicked (a URL fragment), if anywhere.
    pub href: Option<String>,
}

const ROW: f64 = 26.0;
const LABEL: f64 = 230.0;
const WIDTH: f64 = 700.0;
const VALUE: f64 = 110.0;

/// The bars' colour: Okabe–Ito blue, told apart by colour-blind readers. (SVG children made
/// outside the `<svg>` element take presentation attributes, not classes.)
const BAR: &str = "#0072b2";

#[component]
pub fn BarChart(
    /// What the chart shows: its `<title>` and heading.
    title: String,
    /// What the labels are, for the table's header: "segment".
    label_title: String,
    /// The unit of the values, for the axis: "customers", "revenue ($)".
    unit: String,
    /// The bars, top to bottom.
    bars: Vec<Bar>,
    /// A `data-testid` for the chart.
    test_id: &'static str,
) -> impl IntoView {
    let as_table = RwSignal::new(false);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let height = ROW * bars.len() as f64 + 30.0;
    let plot = WIDTH - LABEL - VALUE;
    let tooltip = ChartTip::new(test_id, WIDTH, height);
    let summary = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    let svg_bars = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y = ROW * i as f64;
            let w = if max > 0.0 { b.value / max * plot } else { 0.0 };
            let tip = format!("{}: {}", b.label, format::with_unit(&b.text, &unit));
            let aria = tip.clone();
            let shows = tooltip.item(i, tip.clone(), LABEL + w, y + 4.0);
            let key = b.label.clone();
            let body = view! {
                <title>{tip}</title>
                <text x=LABEL - 8.0 y=y + ROW * 0.65 text-anchor="end" font-size="12" fill="#1c2330">
                    {b.label.clone()}
                </text>
                <rect x=LABEL y=y + 4.0 width=w.max(1.0) height=ROW - 8.0 fill=BAR/>
                <text x=LABEL + w + 6.0 y=y + ROW * 0.65 font-size="12" fill="#1c2330">{b.text.clone()}</text>
            };
            // An SVG `<a>` made outside the `<svg>` element would be an HTML one: the bar
            // is a focusable group that follows its link on click and on Enter.
            let href = b.href.clone();
            let is_link = href.is_some();
            let go = move || {
                if let Some(href) = &href {
                    let _ = window().location().set_hash(href);
                }
            };
            let on_key = {
                let go = go.clone();
                move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" {
                        go();
                    }
                }
            };
            view! {
                <g
                    {..shows}
                    tabindex="0"
                    role=is_link.then_some("link")
                    aria-label=aria
                    data-link=is_link.then_some("true")
                    data-bar=key
                    data-href=b.href.clone()
                    on:click=move |_| go()
                    on:keydown=on_key
                >
                    {body}
                </g>
            }
        })
        .collect_view();
    let table = {
        let (bars, unit) = (bars.clone(), unit.clone());
        move || {
            let rows = bars
                .iter()
                .map(|b| {
                    view! {
                        <tr>
                            <th scope="row">{b.label.clone()}</th>
                            <td class="c360-log__number">{b.text.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="c360-table c360-chart__table">
                    <thead>
                        <tr><th scope="col">{label_title.clone()}</th><th scope="col">{unit.clone()}</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    let axis_y = ROW * bars.len() as f64 + 18.0;
    let axis = format!("0 → {unit}");
    let label = format!("{title}. {summary}");
    frame(
        Frame {
            test_id,
            title,
            label,
            width: WIDTH,
            height,
            as_table,
            tooltip: &tooltip,
        },
        table,
        view! {
            {svg_bars}
            <text x=LABEL y=axis_y font-size="12" fill="#5e6876">{axis}</text>
        },
    )
}

//! A heat map, drawn as SVG by the app: rows × columns of counts, each cell shaded by its
//! count on one sequential blue scale (readable by colour-blind readers, and every cell also
//! prints its number), with axis titles, a `<title>` and a text alternative, the charts'
//! shared tooltip on hover and keyboard focus, and a "Show as table" toggle.

use leptos::prelude::*;

use crate::charts::frame::{frame, Frame};
use crate::charts::tooltip::ChartTip;
use crate::state::format;

const CELL: f64 = 56.0;
const LEFT: f64 = 120.0;
/// Above the cells when every column label fits its cell's width.
const TOP: f64 = 40.0;
/// About how wide a character of the 12 px labels is.
const CHAR: f64 = 6.6;
/// How far a label too long for its cell is turned (degrees, up from the horizontal).
const SLANT: f64 = 40.0;

/// The room above the cells: enough for the column labels level when they fit their cells,
/// or turned by [`SLANT`] when any does not (long category names would overlap).
fn top_for(columns: &[String]) -> (f64, bool) {
    let longest = columns.iter().map(|c| c.chars().count()).max().unwrap_or(0) as f64 * CHAR;
    if longest <= CELL - 6.0 {
        return (TOP, false);
    }
    (longest * SLANT.to_radians().sin() + 24.0, true)
}

/// The fill of a cell holding `share` (0 to 1) of the largest count.
fn shade(share: f64) -> String {
    // From #f0f6ff to #08306b (ColorBrewer Blues, end points).
    let mix = |a: f64, b: f64| (a + (b - a) * share.clamp(0.0, 1.0)).round() as u8;
    format!(
        "rgb({}, {}, {})",
        mix(240.0, 8.0),
        mix(246.0, 48.0),
        mix(255.0, 107.0)
    )
}

#[component]
pub fn HeatMap(
    /// The chart's title, its caption and the SVG's `<title>`.
    title: String,
    /// What the rows are: "R score".
    row_title: String,
    /// What the columns are: "F score".
    column_title: String,
    /// The rows' labels, top to bottom.
    rows: Vec<String>,
    /// The columns' labels, left to right.
    columns: Vec<String>,
    /// `count(row, column)`, for every pair.
    counts: Vec<Vec<usize>>,
    /// What the counts count, for the tooltips: "customers", "% of the segment's spend".
    unit: String,
    /// A `data-testid` for the chart.
    test_id: &'static str,
) -> impl IntoView {
    let as_table = RwSignal::new(false);
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    let width = LEFT + CELL * columns.len() as f64 + 10.0;
    let (top, slanted) = top_for(&columns);
    // A slanted label reaches right of its column: room for the last one.
    let width = if slanted {
        width
            + columns
                .iter()
                .last()
                .map_or(0.0, |c| c.chars().count() as f64 * CHAR)
                * SLANT.to_radians().cos()
    } else {
        width
    };
    let height = top + CELL * rows.len() as f64 + 30.0;
    let tooltip = ChartTip::new(test_id, width, height);
    let mut summary = Vec::new();
    let mut cells = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        for (j, column) in columns.iter().enumerate() {
            let n = counts[i][j];
            let tip = format!(
                "{row_title} {row}, {column_title} {column}: {}",
                format::with_unit(&n.to_string(), &unit)
            );
            summary.push(format!("{row}/{column}: {n}"));
            let share = if max > 0 { n as f64 / max as f64 } else { 0.0 };
            let (x, y) = (LEFT + CELL * j as f64, top + CELL * i as f64);
            let ink = if share > 0.55 { "#ffffff" } else { "#1c2330" };
            let aria = tip.clone();
            let key = format!("{row}/{column}");
            let shows = tooltip.item(cells.len(), tip.clone(), x + CELL / 2.0 - 1.0, y);
            cells.push(view! {
                <g {..shows} tabindex="0" aria-label=aria data-cell=key>
                    <title>{tip}</title>
                    <rect x=x y=y width=CELL - 2.0 height=CELL - 2.0 fill=shade(share) rx="4"/>
                    <text x=x + CELL / 2.0 - 1.0 y=y + CELL / 2.0 + 4.0 text-anchor="middle" fill=ink font-size="13">
                        {n.to_string()}
                    </text>
                </g>
            });
        }
    }
    let row_labels = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            view! {
                <text x=LEFT - 8.0 y=top + CELL * i as f64 + CELL / 2.0 + 4.0 text-anchor="end" font-size="12" fill="#1c2330">
                    {r.clone()}
                </text>
            }
        })
        .collect_view();
    let column_labels = columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let (x, y) = (LEFT + CELL * j as f64 + CELL / 2.0, top - 8.0);
            view! {
                <text
                    x=x
                    y=y
                    text-anchor=if slanted { "start" } else { "middle" }
                    transform=slanted.then(|| format!("rotate(-{SLANT} {x} {y})"))
                    font-size="12"
                    fill="#1c2330"
                >
                    {c.clone()}
                </text>
            }
        })
        .collect_view();
    let corner = format!("{row_title} \\ {column_title}");
    let table = {
        let (rows, columns, counts, corner) = (
            rows.clone(),
            columns.clone(),
            counts.clone(),
            corner.clone(),
        );
        move || {
            let table_rows = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let tds = counts[i]
                        .iter()
                        .map(|n| view! { <td class="c360-log__number">{n.to_string()}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{r.clone()}</th>{tds}</tr> }
                })
                .collect_view();
            let table_head = columns
                .iter()
                .map(|c| view! { <th scope="col">{c.clone()}</th> })
                .collect_view();
            view! {
                <table class="c360-table c360-chart__table">
                    <thead><tr><th scope="col">{corner.clone()}</th>{table_head}</tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            }
            .into_any()
        }
    };
    let label = format!("{title}. {}", summary.join("; "));
    let axis = format!("{row_title} (rows) × {column_title} (columns)");
    frame(
        Frame {
            test_id,
            title,
            label,
            width,
            height,
            as_table,
            tooltip: &tooltip,
        },
        table,
        view! {
            {column_labels}
            {row_labels}
            {cells}
            <text x=LEFT y=height - 8.0 font-size="12" fill="#5e6876">{axis}</text>
        },
    )
}

//! A line chart, drawn as SVG by the app: one line per series over an evenly spaced x axis
//! (weeks), with a value axis of round ticks naming its unit, a few x labels, a legend, a
//! `<title>` and a text alternative, the charts' shared tooltip on every x value (each is a
//! focusable column that reads every line's value there) and a "Show as table" toggle.
//!
//! Series are told apart without colour as well as with it: each has an Okabe–Ito colour
//! (safe for colour-blind readers), a dash pattern and a point marker, and the legend shows
//! all three. Six dashes and seven markers make 42 series before a (dash, marker) pair
//! repeats.

use leptos::prelude::*;

use crate::charts::frame::{frame, Frame};
use crate::charts::tooltip::ChartTip;
use crate::state::chart_axis::{labelled, tick_text, value_ticks};

/// One value of a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub value: f64,
    /// The value as the page writes it (`1,234.50`).
    pub text: String,
}

/// One line: a name for the legend and a point per x label.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

const WIDTH: f64 = 700.0;
const LEFT: f64 = 78.0;
/// Room for half the last x label.
const RIGHT: f64 = 44.0;
const TOP: f64 = 14.0;
const PLOT_HEIGHT: f64 = 220.0;
/// Below the plot: the x labels, the x axis title, then the legend.
const LEGEND_TOP: f64 = TOP + PLOT_HEIGHT + 62.0;
const LEGEND_ROW: f64 = 20.0;
const LEGEND_COLUMNS: usize = 3;
/// The legend spans the whole width, from here, so that long names fit their column.
const LEGEND_LEFT: f64 = 24.0;
const INK: &str = "#1c2330";
const MUTED: &str = "#5e6876";

/// The Okabe–Ito palette, the yellow last (it is the faintest on white).
const COLOURS: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000", "#f0e442",
];
/// The lines' dash patterns (`stroke-dasharray`; solid first).
const DASHES: [&str; 6] = ["none", "8 4", "2 3", "10 3 2 3", "4 4", "14 4"];

/// The point markers, one per series in turn.
#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
    Bar,
    Plus,
}

const MARKERS: [Marker; 7] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Bar,
    Marker::Plus,
];

impl Marker {
    /// Its name, on the legend's entry (`data-marker`).
    fn name(self) -> &'static str {
        match self {
            Marker::Circle => "circle",
            Marker::Square => "square",
            Marker::Triangle => "triangle",
            Marker::Diamond => "diamond",
            Marker::TriangleDown => "triangle-down",
            Marker::Bar => "bar",
            Marker::Plus => "plus",
        }
    }
}

/// The outline of `marker` centred on (`x`, `y`), about 2 × `r` across.
fn marker_path(marker: Marker, x: f64, y: f64, r: f64) -> String {
    match marker {
        Marker::Circle => format!(
            "M{} {y}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 {} 0Z",
            x - r,
            2.0 * r,
            -2.0 * r
        ),
        Marker::Square => {
            let s = r * 0.9;
            format!("M{} {}h{}v{}h{}Z", x - s, y - s, 2.0 * s, 2.0 * s, -2.0 * s)
        }
        Marker::Triangle => format!(
            "M{x} {}L{} {}L{} {}Z",
            y - r * 1.1,
            x + r,
            y + r * 0.8,
            x - r,
            y + r * 0.8
        ),
        Marker::Diamond => format!(
            "M{x} {}L{} {y}L{x} {}L{} {y}Z",
            y - r * 1.2,
            x + r,
            y + r * 1.2,
            x - r
        ),
        Marker::TriangleDown => format!(
            "M{x} {}L{} {}L{} {}Z",
            y + r * 1.1,
            x + r,
            y - r * 0.8,
            x - r,
            y - r * 0.8
        ),
        Marker::Bar => format!(
            "M{} {}h{}v{}h{}Z",
            x - r * 1.2,
            y - r * 0.5,
            2.4 * r,
            r,
            -2.4 * r
        ),
        Marker::Plus => {
            let (a, b) = (r * 1.2, r * 0.4);
            format!(
                "M{} {}h{}v{}h{}v{}h{}v{}h{}v{}h{}v{}h{}Z",
                x - b,
                y - a,
                2.0 * b,
                a - b,
                a - b,
                2.0 * b,
                b - a,
                a - b,
                -2.0 * b,
                b - a,
                b - a,
                -2.0 * b,
                a - b
            )
        }
    }
}

/// Series `i`'s colour, dash pattern and marker.
fn style(i: usize) -> (&'static str, &'static str, Marker) {
    (
        COLOURS[i % COLOURS.len()],
        DASHES[i % DASHES.len()],
        MARKERS[i % MARKERS.len()],
    )
}

/// Where a series peaks, for the text alternative: "Books: highest 80.00 (week of …)".
fn peak(series: &Series, x_title: &str, x_labels: &[String]) -> String {
    let top = series
        .points
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.value.total_cmp(&b.1.value).then(b.0.cmp(&a.0)));
    match top {
        Some((i, p)) => format!(
            "{}: highest {} ({x_title} {})",
            series.name, p.text, x_labels[i]
        ),
        None => format!("{}: no values", series.name),
    }
}

#[component]
pub fn LineChart(
    /// The chart's title, its caption and the SVG's `<title>`.
    title: String,
    /// What the x labels are: "week of".
    x_title: String,
    /// The unit of the values, for the value axis and the tooltips: "spend ($)".
    unit: String,
    /// The x axis, evenly spaced: one label per point of every series.
    x_labels: Vec<String>,
    /// The lines, each named in the legend.
    series: Vec<Series>,
    /// A `data-testid` for the chart.
    test_id: &'static str,
) -> impl IntoView {
    let as_table = RwSignal::new(false);
    let legend_rows = series.len().div_ceil(LEGEND_COLUMNS).max(1);
    let height = LEGEND_TOP + LEGEND_ROW * legend_rows as f64;
    let tooltip = ChartTip::new(test_id, WIDTH, height);
    let plot_width = WIDTH - LEFT - RIGHT;
    let bottom = TOP + PLOT_HEIGHT;
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value))
        .fold(0.0, f64::max);
    let ticks = value_ticks(max, 5);
    let step = ticks.get(1).copied().unwrap_or(1.0);
    let top_value = ticks.last().copied().unwrap_or(1.0);
    let x_at = |i: usize| {
        if x_labels.len() > 1 {
            LEFT + plot_width * i as f64 / (x_labels.len() - 1) as f64
        } else {
            LEFT + plot_width / 2.0
        }
    };
    let y_at = |v: f64| bottom - PLOT_HEIGHT * (v / top_value).clamp(0.0, 1.0);

    let grid_lines = ticks
        .iter()
        .map(|&t| {
            let y = y_at(t);
            view! {
                <line x1=LEFT x2=WIDTH - RIGHT y1=y y2=y stroke="#dde2e8" stroke-width="1"/>
                <text x=LEFT - 8.0 y=y + 4.0 text-anchor="end" font-size="12" fill=INK>{tick_text(t, step)}</text>
            }
        })
        .collect_view();
    let x_ticks = labelled(x_labels.len(), 6)
        .into_iter()
        .map(|i| {
            let x = x_at(i);
            view! {
                <line x1=x x2=x y1=bottom y2=bottom + 5.0 stroke=MUTED stroke-width="1"/>
                <text x=x y=bottom + 20.0 text-anchor="middle" font-size="12" fill=INK>{x_labels[i].clone()}</text>
            }
        })
        .collect_view();

    let mut lines = Vec::new();
    for (s, line) in series.iter().enumerate() {
        let (colour, dash, marker) = style(s);
        let path = line
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{}{:.1} {:.1}",
                    if i == 0 { "M" } else { "L" },
                    x_at(i),
                    y_at(p.value)
                )
            })
            .collect::<String>();
        // Every marker of a line in one path: a few elements per line, however many weeks.
        let markers = line
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| marker_path(marker, x_at(i), y_at(p.value), 3.5))
            .collect::<String>();
        lines.push(view! {
            <path d=path fill="none" stroke=colour stroke-width="2" stroke-dasharray=dash data-series=line.name.clone()/>
            <path d=markers fill=colour stroke="#ffffff" stroke-width="1" aria-hidden="true"/>
        });
    }
    // One focusable column per x value, whose tooltip reads every line's value there: a
    // keyboard user tabs through the weeks (not weeks × lines points), and a long series
    // stays a few hundred elements.
    let column_width = if x_labels.len() > 1 {
        plot_width / (x_labels.len() - 1) as f64
    } else {
        plot_width
    };
    let columns = x_labels
        .iter()
        .enumerate()
        .map(|(i, x_label)| {
            let x = x_at(i);
            let values = series
                .iter()
                .map(|s| format!("{} {}", s.name, s.points[i].text))
                .collect::<Vec<_>>()
                .join("; ");
            let tip = format!("{x_title} {x_label}, {unit}: {values}");
            let top = series.iter().map(|s| s.points[i].value).fold(0.0, f64::max);
            let shows = tooltip.item(i, tip.clone(), x, y_at(top) - 6.0);
            let title = tip.clone();
            view! {
                <g {..shows} tabindex="0" aria-label=tip data-point=x_label.clone()>
                    <title>{title}</title>
                    <rect
                        x=x - column_width / 2.0
                        y=TOP
                        width=column_width
                        height=PLOT_HEIGHT
                        fill="transparent"
                    />
                </g>
            }
        })
        .collect_view();

    let legend = series
        .iter()
        .enumerate()
        .map(|(s, line)| {
            let (colour, dash, marker) = style(s);
            let column = (WIDTH - LEGEND_LEFT) / LEGEND_COLUMNS as f64;
            let x = LEGEND_LEFT + (s % LEGEND_COLUMNS) as f64 * column;
            let y = LEGEND_TOP + (s / LEGEND_COLUMNS) as f64 * LEGEND_ROW;
            view! {
                <g data-legend=line.name.clone() data-marker=marker.name() data-dash=dash>
                    <line x1=x x2=x + 30.0 y1=y - 4.0 y2=y - 4.0 stroke=colour stroke-width="2" stroke-dasharray=dash/>
                    <path d=marker_path(marker, x + 15.0, y - 4.0, 3.5) fill=colour stroke="#ffffff" stroke-width="1"/>
                    <text x=x + 38.0 y=y font-size="12" fill=INK>{line.name.clone()}</text>
                </g>
            }
        })
        .collect_view();

    let table = {
        let (series, x_labels, corner) = (series.clone(), x_labels.clone(), x_title.clone());
        move || {
            let table_head = series
                .iter()
                .map(|s| view! { <th scope="col">{s.name.clone()}</th> })
                .collect_view();
            let table_rows = x_labels
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let tds = series
                        .iter()
                        .map(|s| view! { <td class="c360-log__number">{s.points[i].text.clone()}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{x.clone()}</th>{tds}</tr> }
                })
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

    let span = match (x_labels.first(), x_labels.last()) {
        (Some(a), Some(b)) => format!("{} {x_title} {a} to {b}, in {unit}", x_labels.len()),
        _ => "no values".to_string(),
    };
    let peaks = series
        .iter()
        .map(|s| peak(s, &x_title, &x_labels))
        .collect::<Vec<_>>()
        .join("; ");
    let label = format!("{title}. {span}. {peaks}");
    let axis_middle = TOP + PLOT_HEIGHT / 2.0;
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
            {grid_lines}
            <line x1=LEFT x2=WIDTH - RIGHT y1=bottom y2=bottom stroke=MUTED stroke-width="1"/>
            {x_ticks}
            <text x=LEFT + plot_width / 2.0 y=bottom + 40.0 text-anchor="middle" font-size="12" fill=MUTED>
                {x_title}
            </text>
            <text
                x="14"
                y=axis_middle
                text-anchor="middle"
                font-size="12"
                fill=MUTED
                transform=format!("rotate(-90 14 {axis_middle})")
            >
                {unit}
            </text>
            {lines}
            {columns}
            {legend}
        },
    )
}

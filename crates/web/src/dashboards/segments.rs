//! Segments: how many customers each RFM segment holds and what share of the revenue, the
//! R×F map they come from, and who the customers are (gender × age band, state). A segment's
//! bar leads to its customers: the `customer_segments` table filtered on it.

use leptos::prelude::*;

use c360::engine::value::unique_id;
use c360_worker::dashboard::{grid, Dashboard, THIN_QUINTILES};
use c360_worker::protocol::Filter;

use crate::charts::bar::{Bar, BarChart};
use crate::charts::heat_map::HeatMap;
use crate::dashboards::data::{self, Figures};
use crate::state::format;
use crate::state::route::{Route, TableView};
use crate::widgets::later::Later;

const SEGMENTS_MODEL: &str = unique_id::CUSTOMER_SEGMENTS;

/// The fragment of the segments table filtered on one segment.
fn segment_link(segment: &str) -> String {
    Route::Project {
        node: SEGMENTS_MODEL.to_string(),
        table: TableView {
            filter: Some(Filter {
                column: "segment".into(),
                value: segment.into(),
            }),
            ..TableView::default()
        },
        test: None,
    }
    .fragment()
}

fn charts(d: &Dashboard) -> impl IntoView {
    let total: f64 = d.segments.iter().map(|s| s.revenue.to_f64()).sum();
    let sizes = d
        .segments
        .iter()
        .map(|s| Bar {
            label: s.segment.replace('_', " "),
            value: s.customers as f64,
            text: format::count(s.customers),
            href: Some(segment_link(&s.segment)),
        })
        .collect();
    let shares = d
        .segments
        .iter()
        .map(|s| {
            let share = if total > 0.0 {
                s.revenue.to_f64() / total * 100.0
            } else {
                0.0
            };
            Bar {
                label: s.segment.replace('_', " "),
                value: share,
                text: format!("{share:.1}%"),
                href: Some(segment_link(&s.segment)),
            }
        })
        .collect();
    let scores: Vec<String> = (1..=5).map(|n| n.to_string()).collect();
    let r_rows: Vec<String> = scores.iter().rev().cloned().collect();
    let rf = grid(&d.recency_frequency, &r_rows, &scores);
    let genders: Vec<String> = unique(d.demographics.iter().map(|c| c.row.clone()));
    let bands: Vec<String> = unique(d.demographics.iter().map(|c| c.column.clone()));
    let demo_counts = grid(&d.demographics, &genders, &bands);
    let states: Vec<Bar> = d
        .states
        .iter()
        .map(|s| Bar {
            label: s.value.clone(),
            value: s.customers as f64,
            text: format::count(s.customers),
            href: None,
        })
        .collect();
    view! {
        <div class="c360-dashboard__grid">
            <BarChart title="Customers per segment".into() label_title="segment".into() unit="customers".into() bars=sizes test_id="chart-segment-sizes"/>
            <BarChart title="Share of revenue per segment".into() label_title="segment".into() unit="% of revenue".into() bars=shares test_id="chart-segment-revenue"/>
            <Later>
                <HeatMap
                    title="Customers by recency (R) and frequency (F) score".into()
                    row_title="R".into()
                    column_title="F".into()
                    rows=r_rows.clone()
                    columns=scores.clone()
                    counts=rf.clone()
                    unit="customers".into()
                    test_id="chart-rf"
                />
            </Later>
            <Later>
                <HeatMap
                    title="Customers by gender and age band".into()
                    row_title="gender".into()
                    column_title="age band".into()
                    rows=genders.clone()
                    columns=bands.clone()
                    counts=demo_counts.clone()
                    unit="customers".into()
                    test_id="chart-demographics"
                />
            </Later>
            <Later>
                <BarChart title="Customers per state".into() label_title="state".into() unit="customers".into() bars=states.clone() test_id="chart-states"/>
            </Later>
        </div>
    }
}

/// The distinct values, in their first order.
fn unique(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[component]
pub fn SegmentsPage(
    /// The dashboards' figures for the run on screen (asked of the worker after each run).
    figures: RwSignal<Figures>,
) -> impl IntoView {
    let body = data::body(figures, "segments", move |d: &Dashboard| {
        let customers = d.overview.customers;
        let unknown = d
            .states
            .iter()
            .find(|s| s.value == "unknown")
            .map_or(0, |s| s.customers);
        view! {
            {(customers < THIN_QUINTILES).then(|| view! {
                <p class="c360-dashboard__note" role="note" data-testid="thin-quintiles">
                    {format!(
                        "Only {customers} customers: with fewer than {THIN_QUINTILES}, each R, F and M \
                         quintile holds a handful of people, so a segment says little. Load a larger export \
                         for segments worth acting on."
                    )}
                </p>
            })}
            <p class="c360-panel__sub" data-testid="unknown-states">
                {format!("{unknown} customers' addresses name no Australian state (counted as unknown).")}
            </p>
            {charts(d)}
        }
    });
    view! {
        <section class="c360-panel" aria-labelledby="c360-segments-title" data-testid="segments-page">
            <div class="c360-panel__head">
                <h2 id="c360-segments-title" class="c360-panel__title">"Segments"</h2>
                <p class="c360-panel__sub">
                    "From " <a href=Route::to_node(SEGMENTS_MODEL).fragment()>
                    <code>"customer_segments"</code></a>
                    ": recency, frequency and monetary scores 1–5 by quintile, and the R×F map's segment. \
                     Click a segment to list its customers."
                </p>
            </div>
            {body}
        </section>
    }
}

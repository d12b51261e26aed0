//! Category spend: spend per category, each segment's spend split by category, and spend
//! per category over time, week by week — all from `category_spend` — and the `category`
//! model's table.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use leptos::prelude::*;

use c360::engine::value::unique_id;
use c360_worker::dashboard::{Dashboard, Spend, SEGMENTS};

use crate::charts::bar::{Bar, BarChart};
use crate::charts::heat_map::HeatMap;
use crate::charts::line::{LineChart, Point, Series};
use crate::dashboards::data::{self, Figures};
use crate::state::format;
use crate::state::route::Route;
use crate::widgets::later::Later;

/// The unit money is written in on this page.
const SPEND: &str = "spend ($)";

fn link(node: &str) -> String {
    Route::to_node(node).fragment()
}

fn money(spend: &c360::engine::value::decimal::Decimal) -> String {
    format::group_digits(&spend.to_string())
}

/// Every week from the first to the last that `category_spend` has (its `week` values are
/// the Mondays, `YYYY-MM-DD`), with none skipped: a week without a purchase is a week of no
/// spend, not a gap for a line to jump.
fn weeks(rows: &[&Spend]) -> Vec<String> {
    let mondays = rows
        .iter()
        .filter_map(|r| NaiveDate::parse_from_str(&r.dimension_value, "%Y-%m-%d").ok());
    let (Some(first), Some(last)) = (mondays.clone().min(), mondays.max()) else {
        return Vec::new();
    };
    std::iter::successors(Some(first), |w| Some(*w + Duration::days(7)))
        .take_while(|w| *w <= last)
        .map(|w| w.format("%Y-%m-%d").to_string())
        .collect()
}

/// Spend per category over time: one series per category, a point per week (0 where the
/// category sold nothing that week), and the spend whose transactions have no date.
fn weekly(d: &Dashboard, categories: &[String]) -> (Vec<String>, Vec<Series>, Vec<String>) {
    let rows: Vec<&Spend> = d
        .category_spend
        .iter()
        .filter(|r| r.dimension == "week")
        .collect();
    let weeks = weeks(&rows);
    let by_week: HashMap<(&str, &str), &Spend> = rows
        .iter()
        .map(|r| ((r.dimension_value.as_str(), r.category.as_str()), *r))
        .collect();
    let series = categories
        .iter()
        .map(|c| Series {
            name: c.clone(),
            points: weeks
                .iter()
                .map(|w| {
                    by_week.get(&(w.as_str(), c.as_str())).map_or(
                        Point {
                            value: 0.0,
                            text: "0".into(),
                        },
                        |r| Point {
                            value: r.spend.to_f64(),
                            text: money(&r.spend),
                        },
                    )
                })
                .collect(),
        })
        .collect();
    let undated = rows
        .iter()
        .filter(|r| NaiveDate::parse_from_str(&r.dimension_value, "%Y-%m-%d").is_err())
        .map(|r| format!("{} {}", r.category, money(&r.spend)))
        .collect();
    (weeks, series, undated)
}

fn charts(d: &Dashboard) -> impl IntoView {
    let overall: Vec<_> = d
        .category_spend
        .iter()
        .filter(|s| s.dimension == "overall")
        .collect();
    let mut categories: Vec<String> = overall.iter().map(|s| s.category.clone()).collect();
    categories.sort();
    let mut bars: Vec<Bar> = overall
        .iter()
        .map(|s| Bar {
            label: s.category.clone(),
            value: s.spend.to_f64(),
            text: money(&s.spend),
            href: None,
        })
        .collect();
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    let segments: Vec<String> = SEGMENTS
        .iter()
        .map(|s| s.to_string())
        .filter(|s| {
            d.category_spend
                .iter()
                .any(|r| r.dimension == "segment" && &r.dimension_value == s)
        })
        .collect();
    // Each segment's spend split by category, in percent of the segment's spend.
    let shares: Vec<Vec<usize>> = segments
        .iter()
        .map(|seg| {
            let rows: Vec<_> = d
                .category_spend
                .iter()
                .filter(|r| r.dimension == "segment" && &r.dimension_value == seg)
                .collect();
            let total: f64 = rows.iter().map(|r| r.spend.to_f64()).sum();
            categories
                .iter()
                .map(|c| {
                    let spend = rows
                        .iter()
                        .filter(|r| &r.category == c)
                        .map(|r| r.spend.to_f64())
                        .sum::<f64>();
                    if total > 0.0 {
                        (spend / total * 100.0).round() as usize
                    } else {
                        0
                    }
                })
                .collect()
        })
        .collect();
    let (weeks, weekly, undated) = weekly(d, &categories);
    let segment_labels: Vec<String> = segments.iter().map(|s| s.replace('_', " ")).collect();
    view! {
        <div class="c360-dashboard__grid">
            <BarChart title="Spend per category".into() label_title="category".into() unit=SPEND.into() bars=bars test_id="chart-category-spend"/>
            <Later>
                <HeatMap
                    title="Each segment's spend by category (% of the segment's spend)".into()
                    row_title="segment".into()
                    column_title="category".into()
                    rows=segment_labels.clone()
                    columns=categories.clone()
                    counts=shares.clone()
                    unit="% of the segment's spend".into()
                    test_id="chart-segment-category"
                />
            </Later>
            <div>
                <Later>
                    <LineChart
                        title="Spend per category, week by week ($)".into()
                        x_title="week of".into()
                        unit=SPEND.into()
                        x_labels=weeks.clone()
                        series=weekly.clone()
                        test_id="chart-weekly"
                    />
                </Later>
                {(!undated.is_empty()).then(|| view! {
                    <p class="c360-panel__sub" data-testid="undated-spend">
                        {format!("Not on the time axis, as their transactions have no date: {}.", undated.join(", "))}
                    </p>
                })}
            </div>
        </div>
    }
}

#[component]
pub fn CategoriesPage(
    /// The dashboards' figures for the run on screen (asked of the worker after each run).
    figures: RwSignal<Figures>,
) -> impl IntoView {
    let body = data::body(figures, "category spend", charts);
    view! {
        <section class="c360-panel" aria-labelledby="c360-categories-title" data-testid="categories-page">
            <div class="c360-panel__head">
                <h2 id="c360-categories-title" class="c360-panel__title">"Category spend"</h2>
                <p class="c360-panel__sub">
                    "From " <a href=link(unique_id::CATEGORY_SPEND)><code>"category_spend"</code></a>
                    "; the " <a href=link(unique_id::CATEGORY) data-testid="category-model-link"><code>"category"</code></a>
                    " model has each category's basket size and buyers."
                </p>
            </div>
            {body}
        </section>
    }
}

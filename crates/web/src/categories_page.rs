//! Category spend: spend per category, each segment's spend split by category, and spend
//! per week per category — all from `category_spend` — and the `category` model's table.

use leptos::prelude::*;

use c360_worker::dashboard::{Dashboard, SEGMENTS};

use super::bar_chart::{Bar, BarChart};
use super::dashboard_data::{self, Figures};
use super::format;
use super::heat_map::HeatMap;
use super::route::Route;

fn link(node: &str) -> String {
    Route::to_node(node).fragment()
}

/// Spend in whole units (the heat maps print counts).
fn whole(d: &c360::engine::decimal::Decimal) -> usize {
    d.to_f64().max(0.0).round() as usize
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
            text: format::group_digits(&s.spend.to_string()),
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
    let mut weeks: Vec<String> = d
        .category_spend
        .iter()
        .filter(|r| r.dimension == "week")
        .map(|r| r.dimension_value.clone())
        .collect();
    weeks.sort();
    weeks.dedup();
    let weekly: Vec<Vec<usize>> = weeks
        .iter()
        .map(|w| {
            categories
                .iter()
                .map(|c| {
                    d.category_spend
                        .iter()
                        .find(|r| {
                            r.dimension == "week" && &r.dimension_value == w && &r.category == c
                        })
                        .map_or(0, |r| whole(&r.spend))
                })
                .collect()
        })
        .collect();
    let segment_labels: Vec<String> = segments.iter().map(|s| s.replace('_', " ")).collect();
    view! {
        <div class="c360-dashboard__grid">
            <BarChart title="Spend per category".into() label_title="category".into() unit="spend".into() bars=bars test_id="chart-category-spend"/>
            <HeatMap
                title="Each segment's spend by category (% of the segment's spend)".into()
                row_title="segment".into()
                column_title="category".into()
                rows=segment_labels
                columns=categories.clone()
                counts=shares
                unit="% of the segment's spend".into()
                test_id="chart-segment-category"
            />
            <HeatMap
                title="Spend per week and category (whole units)".into()
                row_title="week of".into()
                column_title="category".into()
                rows=weeks
                columns=categories
                counts=weekly
                unit="spend".into()
                test_id="chart-weekly"
            />
        </div>
    }
}

#[component]
pub fn CategoriesPage(figures: RwSignal<Figures>) -> impl IntoView {
    let body = dashboard_data::body(figures, "category spend", charts);
    view! {
        <section class="c360-panel" aria-labelledby="c360-categories-title" data-testid="categories-page">
            <div class="c360-panel__head">
                <h2 id="c360-categories-title" class="c360-panel__title">"Category spend"</h2>
                <p class="c360-panel__sub">
                    "From " <a href=link("model.c360.category_spend")><code>"category_spend"</code></a>
                    "; the " <a href=link("model.c360.category") data-testid="category-model-link"><code>"category"</code></a>
                    " model has each category's basket size and buyers."
                </p>
            </div>
            {body}
        </section>
    }
}

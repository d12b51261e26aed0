//! Next-best-category: the model's card — how well it predicts each customer's last purchase
//! when that purchase is held out, against the two baselines computed the same way, said
//! plainly when a baseline does better — the formula, and what customers are recommended first.

use leptos::prelude::*;

use c360::engine::models::recommend::FORMULA;
use c360::engine::value::unique_id;
use c360_worker::dashboard::{Dashboard, Evaluation};

use crate::charts::bar::{Bar, BarChart};
use crate::dashboards::data::{self, Figures};
use crate::state::format;
use crate::state::route::Route;

fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{:.1}%", x * 100.0))
}

/// The verdicts a reader needs: does c360's model beat each baseline, on what.
pub fn verdicts(rows: &[Evaluation]) -> Vec<String> {
    let Some(model) = rows.iter().find(|r| r.method == "c360") else {
        return vec!["No evaluation: no customer has two purchases to hold one out.".into()];
    };
    rows.iter()
        .filter(|r| r.method != "c360")
        .map(|b| {
            let name = b.method.replace('_', " ");
            let hit = if model.hit_rate_at_3.unwrap_or(0.0) > b.hit_rate_at_3.unwrap_or(0.0) {
                format!(
                    "beats {name} on hit rate @3 ({} vs {})",
                    percent(model.hit_rate_at_3),
                    percent(b.hit_rate_at_3)
                )
            } else {
                format!(
                    "does not beat {name} on hit rate @3 ({} vs {})",
                    percent(model.hit_rate_at_3),
                    percent(b.hit_rate_at_3)
                )
            };
            let explore = if model.explore_hits_at_3 > b.explore_hits_at_3 {
                format!(
                    "more explore hits ({} vs {})",
                    model.explore_hits_at_3, b.explore_hits_at_3
                )
            } else {
                format!(
                    "no more explore hits ({} vs {})",
                    model.explore_hits_at_3, b.explore_hits_at_3
                )
            };
            format!("c360's model {hit}, with {explore}.")
        })
        .collect()
}

fn card(d: &Dashboard) -> impl IntoView {
    let rows = d
        .evaluation
        .iter()
        .map(|e| {
            view! {
                <tr data-method=e.method.clone()>
                    <th scope="row" title=e.description.clone()>{e.method.replace('_', " ")}</th>
                    <td class="c360-log__number">{format::count(e.customers_evaluated.max(0) as usize)}</td>
                    <td class="c360-log__number">{percent(e.hit_rate_at_1)}</td>
                    <td class="c360-log__number">{percent(e.hit_rate_at_3)}</td>
                    <td class="c360-log__number">{e.ndcg_at_3.map_or("–".into(), |n| format!("{n:.3}"))}</td>
                    <td class="c360-log__number">{percent(e.coverage)}</td>
                    <td class="c360-log__number">{percent(e.repeat_hit_rate_at_3)}</td>
                    <td class="c360-log__number">{percent(e.explore_hit_rate_at_3)}</td>
                </tr>
            }
        })
        .collect_view();
    let verdicts = verdicts(&d.evaluation)
        .into_iter()
        .map(|v| view! { <li>{v}</li> })
        .collect_view();
    let picks = d
        .top_picks
        .iter()
        .map(|c| Bar {
            label: c.value.clone(),
            value: c.customers as f64,
            text: format::count(c.customers),
            href: None,
        })
        .collect();
    view! {
        <div class="c360-eval" data-testid="evaluation-card">
            <h3 class="c360-eval__title">"How well it predicts the next purchase"</h3>
            <p class="c360-panel__sub">
                "Each customer with at least two purchases has the last one held out; every method is fitted on the rest \
                 and ranks all categories (no sampled negatives)."
            </p>
            <ul class="c360-eval__verdicts" data-testid="evaluation-verdicts">{verdicts}</ul>
            <div class="c360-table-scroll">
                <table class="c360-table">
                    <thead>
                        <tr>
                            <th scope="col">"method"</th>
                            <th scope="col">"customers"</th>
                            <th scope="col">"hit @1"</th>
                            <th scope="col">"hit @3"</th>
                            <th scope="col">"NDCG @3"</th>
                            <th scope="col">"coverage"</th>
                            <th scope="col">"repeat hit @3"</th>
                            <th scope="col">"explore hit @3"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <details class="c360-eval__formula">
                <summary>"The formula"</summary>
                <pre data-testid="recommendation-formula">{FORMULA}</pre>
            </details>
        </div>
        <BarChart title="First recommendation per customer".into() label_title="category".into() unit="customers".into() bars=picks test_id="chart-top-picks"/>
    }
}

#[component]
pub fn RecommendationsPage(
    /// The dashboards' figures for the run on screen (asked of the worker after each run).
    figures: RwSignal<Figures>,
) -> impl IntoView {
    let body = data::body(figures, "recommendations", card);
    view! {
        <section class="c360-panel" aria-labelledby="c360-recs-title" data-testid="recommendations-page">
            <div class="c360-panel__head">
                <h2 id="c360-recs-title" class="c360-panel__title">"Recommendations"</h2>
                <p class="c360-panel__sub">
                    "From " <a href=Route::to_node(unique_id::RECOMMENDATIONS).fragment()><code>"recommendations"</code></a>
                    " and " <a href=Route::to_node(unique_id::RECOMMENDATION_EVALUATION).fragment()><code>"recommendation_evaluation"</code></a> "."
                </p>
            </div>
            {body}
        </section>
    }
}

//! `recommendation_evaluation`: an honest offline evaluation of `recommendations`, one row
//! per method — c360's model and two baselines computed the same way — for the app's card.
//!
//! Each customer with at least two purchases (transactions with a category) has the last
//! by time held out ([`recommend::held_out`]); the model is fitted on every other purchase;
//! each method ranks the full category set (no sampled negatives) for each such customer
//! from the rest of their history. Hit rates and NDCG@3 are over those customers; coverage
//! is the share of the category set that appears in anyone's top 3. Hits are split into
//! repeat (the held-out category was bought before) and explore (it was new). The baselines
//! are global popularity and personal most-frequent, which the next-basket literature finds
//! hardest to beat; the card says plainly when c360's model does not beat them.
//!
//! Rates are exact decimals at four places (an integer ratio rounded half away from zero);
//! NDCG@3 is computed in `f64` from constant gains and rounded to four places.

use super::recommendations::purchases;
use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::recommend::{self, Evaluation};
use crate::engine::value::column::{Column, DataType, TextColumn};
use crate::engine::value::decimal::Decimal;
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

pub struct RecommendationEvaluation;

/// Places of the rates.
const RATE_SCALE: u8 = 4;

impl Model for RecommendationEvaluation {
    fn name(&self) -> &'static str {
        "recommendation_evaluation"
    }

    fn layer(&self) -> Layer {
        Layer::Mart
    }

    fn description(&self) -> &'static str {
        "How well recommendations predict each customer's last purchase when it is held out: \
         hit rate @1 and @3, NDCG@3 and coverage, split into repeat and explore hits, for \
         c360's model and the global-popularity and personal most-frequent baselines."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // As recommendations: nothing of the settings.
        &[]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            (
                "method",
                DataType::Text,
                "c360, personal_most_frequent or global_popularity",
            ),
            ("description", DataType::Text, "What the method is"),
            (
                "customers_evaluated",
                DataType::Integer,
                "Customers with at least two purchases (each one's last held out)",
            ),
            (
                "hits_at_1",
                DataType::Integer,
                "Held-out categories ranked first",
            ),
            (
                "hit_rate_at_1",
                DataType::Decimal,
                "hits_at_1 / customers_evaluated",
            ),
            (
                "hits_at_3",
                DataType::Integer,
                "Held-out categories in the top 3",
            ),
            (
                "hit_rate_at_3",
                DataType::Decimal,
                "hits_at_3 / customers_evaluated",
            ),
            (
                "ndcg_at_3",
                DataType::Decimal,
                "Mean of 1/log2(rank + 1) for a held-out category ranked 1–3, 0 beyond",
            ),
            (
                "categories",
                DataType::Integer,
                "Categories in the data (the full set ranked)",
            ),
            (
                "categories_recommended",
                DataType::Integer,
                "Categories in at least one evaluated customer's top 3",
            ),
            (
                "coverage",
                DataType::Decimal,
                "categories_recommended / categories",
            ),
            (
                "repeat_cases",
                DataType::Integer,
                "Held-out purchases in a category the customer had bought before",
            ),
            (
                "repeat_hits_at_3",
                DataType::Integer,
                "Repeat cases in the top 3",
            ),
            (
                "repeat_hit_rate_at_3",
                DataType::Decimal,
                "repeat_hits_at_3 / repeat_cases",
            ),
            (
                "explore_cases",
                DataType::Integer,
                "Held-out purchases in a category new to the customer",
            ),
            (
                "explore_hits_at_3",
                DataType::Integer,
                "Explore cases in the top 3",
            ),
            (
                "explore_hit_rate_at_3",
                DataType::Decimal,
                "explore_hits_at_3 / explore_cases",
            ),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let joined = ctx.model("contacts_joined_with_transactions");
        let p = purchases(joined);
        let results = recommend::evaluate(&p.histories, p.names.len());
        Ok(table(&results))
    }
}

/// `part / whole` at [`RATE_SCALE`] places; null when `whole` is 0.
fn rate(part: u64, whole: u64) -> Option<i64> {
    Decimal::average(i128::from(part), 0, whole, RATE_SCALE)
        .ok()
        .flatten()
        .map(|d| d.units)
}

/// The evaluation as the model's table, one row per method.
pub(crate) fn table(results: &[Evaluation]) -> Table {
    let ints = |f: &dyn Fn(&Evaluation) -> u64| {
        Column::Integer(results.iter().map(|e| Some(f(e) as i64)).collect())
    };
    let rates = |f: &dyn Fn(&Evaluation) -> (u64, u64)| Column::Decimal {
        values: results
            .iter()
            .map(|e| {
                let (part, whole) = f(e);
                rate(part, whole)
            })
            .collect(),
        scale: RATE_SCALE,
    };
    let text = |f: &dyn Fn(&Evaluation) -> &'static str| {
        Column::Text(TextColumn::from_values(results.iter().map(|e| Some(f(e)))))
    };
    Table::new()
        .with("method", text(&|e| e.method.as_str()))
        .with("description", text(&|e| e.method.description()))
        .with("customers_evaluated", ints(&|e| e.customers))
        .with("hits_at_1", ints(&|e| e.hits_at_1()))
        .with("hit_rate_at_1", rates(&|e| (e.hits_at_1(), e.customers)))
        .with("hits_at_3", ints(&|e| e.hits_at_3()))
        .with("hit_rate_at_3", rates(&|e| (e.hits_at_3(), e.customers)))
        .with(
            "ndcg_at_3",
            Column::Decimal {
                values: results
                    .iter()
                    .map(|e| e.ndcg_at_3().map(|v| (v * 10_000.0).round() as i64))
                    .collect(),
                scale: RATE_SCALE,
            },
        )
        .with("categories", ints(&|e| e.categories))
        .with(
            "categories_recommended",
            ints(&|e| e.categories_recommended),
        )
        .with(
            "coverage",
            rates(&|e| (e.categories_recommended, e.categories)),
        )
        .with("repeat_cases", ints(&|e| e.repeat_cases))
        .with("repeat_hits_at_3", ints(&|e| e.repeat_hits_at_3))
        .with(
            "repeat_hit_rate_at_3",
            rates(&|e| (e.repeat_hits_at_3, e.repeat_cases)),
        )
        .with("explore_cases", ints(&|e| e.explore_cases))
        .with("explore_hits_at_3", ints(&|e| e.explore_hits_at_3))
        .with(
            "explore_hit_rate_at_3",
            rates(&|e| (e.explore_hits_at_3, e.explore_cases)),
        )
}

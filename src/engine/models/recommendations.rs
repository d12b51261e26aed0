//! `recommendations`: each customer's three next best categories, with a score and a reason
//! a person can read.
//!
//! The method is [`crate::engine::models::recommend`]'s ([`FORMULA`]): item-to-item co-occurrence
//! lift over the customer's category history, blended with their own recency-weighted
//! purchase frequency, and global popularity for thin histories. Customers are the contacts
//! of `contacts_joined_with_transactions` (those of `customers`, in its order); a customer's
//! history is their transactions with a category. The categories are those of the data
//! (at most [`MAX_CATEGORIES`], the most bought), so fewer than three rows per customer only
//! when the data has fewer than three categories.

use super::codes::group_by_codes;
use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::recommend::{
    reason_of, Fit, Histories, Profile, Purchase, FORMULA, MAX_CATEGORIES,
};
use crate::engine::value::column::{Column, DataType, KeyedTextBuilder, TextColumn, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

pub struct Recommendations;

/// How many categories each customer is recommended.
pub const TOP: usize = 3;

/// The joined model's purchases per customer, for the recommender.
pub(crate) struct Purchases {
    /// The recommender's categories, by name.
    pub names: Vec<String>,
    /// Per customer (in `customers`' order), their purchases with a category.
    pub histories: Histories,
    /// Each customer's first joined row.
    pub first_row: Vec<u32>,
}

/// Groups `contacts_joined_with_transactions` by contact (as `customers` does) into
/// histories over the data's categories, in row order.
pub(crate) fn purchases(joined: &Table) -> Purchases {
    let ids = joined.text("id");
    let categories = joined.text("category");
    let dates = joined.timestamps("transaction_date");
    let (group_of_row, first_row) = group_by_codes(&ids.codes, ids.pool.len());

    // Purchases per distinct category name (a pool may hold a name twice when not interned).
    let mut by_name: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut count_of_code = vec![0u64; categories.pool.len()];
    for (row, &code) in categories.codes.iter().enumerate() {
        if code != NULL_CODE && group_of_row[row] != NULL_CODE {
            count_of_code[code as usize] += 1;
        }
    }
    for (code, name) in categories.pool.iter().enumerate() {
        if count_of_code[code] > 0 {
            *by_name.entry(name).or_default() += count_of_code[code];
        }
    }
    // The most bought MAX_CATEGORIES (ties by name), then in name order.
    let mut kept: Vec<(&str, u64)> = by_name.into_iter().collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    kept.truncate(MAX_CATEGORIES);
    let mut names: Vec<&str> = kept.iter().map(|k| k.0).collect();
    names.sort_unstable();
    let index_of_code: Vec<u32> = categories
        .pool
        .iter()
        .map(|c| names.binary_search(&c).map_or(NULL_CODE, |i| i as u32))
        .collect();

    // A counting sort of the rows by customer, keeping row order within each.
    let customers = first_row.len();
    let mut offsets = vec![0usize; customers + 1];
    let category_of = |row: usize| match categories.codes[row] {
        NULL_CODE => NULL_CODE,
        code => index_of_code[code as usize],
    };
    for row in 0..group_of_row.len() {
        if group_of_row[row] != NULL_CODE && category_of(row) != NULL_CODE {
            offsets[group_of_row[row] as usize + 1] += 1;
        }
    }
    for u in 0..customers {
        offsets[u + 1] += offsets[u];
    }
    let mut next = offsets.clone();
    let mut list = vec![
        Purchase {
            category: 0,
            at: None
        };
        offsets[customers]
    ];
    for row in 0..group_of_row.len() {
        let (g, c) = (group_of_row[row], category_of(row));
        if g != NULL_CODE && c != NULL_CODE {
            list[next[g as usize]] = Purchase {
                category: c,
                at: dates[row],
            };
            next[g as usize] += 1;
        }
    }
    Purchases {
        names: names.into_iter().map(String::from).collect(),
        histories: Histories {
            offsets,
            purchases: list,
        },
        first_row,
    }
}

impl Model for Recommendations {
    fn name(&self) -> &'static str {
        "recommendations"
    }

    fn layer(&self) -> Layer {
        Layer::Mart
    }

    fn description(&self) -> &'static str {
        "Each customer's three next best categories, ranked, with a score and a reason: \
         co-occurrence lift over their history blended with their own frequency and \
         recency, popularity for thin histories."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // Recency is measured from each customer's own latest purchase, not the as-of date,
        // and the categories are the data's, not the accepted list: nothing of the settings.
        &[]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            ("customer_id", DataType::Text, "Contact id"),
            ("rank", DataType::Integer, "1, 2 or 3: 1 is the best"),
            ("category", DataType::Text, "The recommended category"),
            ("score", DataType::Decimal, FORMULA),
            (
                "reason_kind",
                DataType::Text,
                "What carries the score: repeat, co_occurrence or popular",
            ),
            ("reason", DataType::Text, "Why, in words"),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let joined = ctx.model("contacts_joined_with_transactions");
        let Purchases {
            names,
            histories,
            first_row,
        } = purchases(joined);
        let customers = histories.customers();
        let profiles: Vec<Profile> = (0..customers)
            .map(|u| Profile::of(histories.of(u), None))
            .collect();
        let fit = Fit::new(names.len(), &profiles);

        let per = TOP.min(names.len());
        let rows = customers * per;
        let mut customer_rows = Vec::with_capacity(rows);
        let mut rank = Vec::with_capacity(rows);
        let mut category = Vec::with_capacity(rows);
        let mut score = Vec::with_capacity(rows);
        let mut kinds = KeyedTextBuilder::with_capacity(rows);
        let mut reasons = KeyedTextBuilder::with_capacity(rows);
        let mut scored = Vec::with_capacity(names.len());
        for (u, profile) in profiles.iter().enumerate() {
            fit.score_into(profile, &mut scored);
            for (r, s) in scored.iter().take(per).enumerate() {
                customer_rows.push(first_row[u]);
                rank.push(Some(r as i64 + 1));
                category.push(s.category);
                // Scores lie in [0, 1]: four places fit any i64.
                score.push(Some((s.score * 10_000.0).round() as i64));
                let (kind, why) = reason_of(profile, s);
                kinds.push(kind, || kind.as_str().to_string());
                reasons.push(why, || why.text(&fit, &names));
            }
        }
        let category_names = TextColumn::from_values(names.iter().map(|n| Some(n.as_str())));
        Ok(Table::new()
            .with(
                "customer_id",
                joined
                    .column("id")
                    .expect("the joined model has id")
                    .gather(&customer_rows),
            )
            .with("rank", Column::Integer(rank))
            .with(
                "category",
                Column::Text(TextColumn {
                    pool: category_names.pool,
                    codes: category,
                }),
            )
            .with(
                "score",
                Column::Decimal {
                    values: score,
                    scale: 4,
                },
            )
            .with("reason_kind", Column::Text(kinds.finish()))
            .with("reason", Column::Text(reasons.finish())))
    }
}

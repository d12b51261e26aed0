//! `category`: one row per product category, with spend, basket size and who buys it.
//!
//! Averages are exact decimals rounded half away from zero to two places. The female / male
//! columns count distinct customers whose gender is `F` / `M` (case-insensitive) and average
//! their ages at the as-of date; a customer with an unknown age counts but is not averaged.
//! Rows are ordered by category name; transactions with a null category form a last row.

use rustc_hash::FxHashSet as HashSet;

use super::codes::group_by_codes;
use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::value::column::DataType;
use crate::engine::value::column::{Column, TextColumn, NULL_CODE};
use crate::engine::value::decimal::Decimal;
use crate::engine::value::table::Table;
use crate::engine::value::time::age_in_years;
use crate::engine::value::unique_id;

pub struct Category;

/// Averages are shown to this many places.
const AVERAGE_SCALE: u8 = 2;

#[derive(Default, Clone)]
struct Totals {
    transactions: i64,
    amount: i128,
    amounts: u64,
    /// Summed in i128 so that no count of rows of i64 input can overflow it (as Postgres sums
    /// a bigint into a numeric); the total must fit in i64 to be written.
    items: i128,
    item_rows: u64,
    /// Per gender (0 female, 1 male): distinct customers, sum of known ages, known ages.
    customers: [u64; 2],
    age_sum: [i128; 2],
    ages: [u64; 2],
}

impl Model for Category {
    fn name(&self) -> &'static str {
        "category"
    }

    fn layer(&self) -> Layer {
        Layer::Mart
    }

    fn description(&self) -> &'static str {
        "One row per product category: transactions, spend, basket size, and the number and \
         average age of the women and men who buy it."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // The buyers' average ages at the as-of date.
        &[ConfigPart::AsOf]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            ("category", DataType::Text, "Product category"),
            (
                "total_transactions",
                DataType::Integer,
                "Number of transactions",
            ),
            ("total_amount", DataType::Decimal, "Sum of amount"),
            (
                "average_amount",
                DataType::Decimal,
                "Mean amount per transaction",
            ),
            ("total_item_count", DataType::Integer, "Sum of item_count"),
            (
                "average_item_count",
                DataType::Decimal,
                "Mean item_count per transaction",
            ),
            (
                "count_unique_female_customers",
                DataType::Integer,
                "Distinct customers with gender F",
            ),
            (
                "count_unique_male_customers",
                DataType::Integer,
                "Distinct customers with gender M",
            ),
            (
                "average_age_female_customers",
                DataType::Decimal,
                "Mean age of those women at the as-of date",
            ),
            (
                "average_age_male_customers",
                DataType::Decimal,
                "Mean age of those men at the as-of date",
            ),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let joined = ctx.model("contacts_joined_with_transactions");
        // (The customers counted per category are distinct contact ids: `Seen`.)
        let categories = joined.text("category");
        let ids = joined.text("id");
        let genders = joined.text("gender");
        let (amounts, scale) = joined.decimals("amount");
        let items = joined.integers("item_count");
        let births = joined.dates("birth_date");

        let (group_of_row, first_row) = group_by_codes(&categories.codes, categories.pool.len());
        let null_group = first_row.len();
        let mut totals = vec![Totals::default(); null_group + 1];
        let mut seen = Seen::new(null_group + 1, ids.pool.len());
        // Each gender value's slot, worked out once per distinct value: 0 f, 1 m, 2 neither.
        let gender_of_code: Vec<usize> = genders
            .pool
            .iter()
            .map(|g| {
                if g.eq_ignore_ascii_case("f") {
                    0
                } else if g.eq_ignore_ascii_case("m") {
                    1
                } else {
                    2
                }
            })
            .collect();
        let as_of = ctx.as_of();
        for row in 0..group_of_row.len() {
            let g = match group_of_row[row] {
                NULL_CODE => null_group,
                g => g as usize,
            };
            let t = &mut totals[g];
            t.transactions += 1;
            if let Some(a) = amounts[row] {
                t.amount += i128::from(a);
                t.amounts += 1;
            }
            if let Some(n) = items[row] {
                t.items += i128::from(n);
                t.item_rows += 1;
            }
            let gender = match genders.codes[row] {
                NULL_CODE => continue,
                code => match gender_of_code[code as usize] {
                    2 => continue,
                    g => g,
                },
            };
            if ids.codes[row] != NULL_CODE && seen.insert(g, ids.codes[row]) {
                t.customers[gender] += 1;
                if let Some(age) = births[row].and_then(|b| age_in_years(b, as_of).ok()) {
                    t.age_sum[gender] += i128::from(age);
                    t.ages[gender] += 1;
                }
            }
        }

        // Category name order, the null category last when there is one.
        let mut order: Vec<usize> = (0..null_group).collect();
        order.sort_by_key(|&g| categories.get(first_row[g] as usize));
        if totals[null_group].transactions > 0 {
            order.push(null_group);
        }

        let overflow = |column: &str| ModelError::Overflow {
            model: "category".into(),
            column: column.into(),
        };
        let name_of = |g: usize| {
            (g < null_group)
                .then(|| categories.get(first_row[g] as usize))
                .flatten()
        };
        // A sum as an i64 column value: null over no rows, an error when it does not fit.
        let total = |sum: i128, n: u64, column: &str| -> Result<Option<i64>, ModelError> {
            if n == 0 {
                return Ok(None);
            }
            i64::try_from(sum).map(Some).map_err(|_| overflow(column))
        };
        // An average at AVERAGE_SCALE: null over no rows, an error (never a null) when it
        // does not fit.
        let average =
            |f: &dyn Fn(&Totals) -> (i128, u8, u64), column: &str| -> Result<Column, ModelError> {
                let values = order
                    .iter()
                    .map(|&g| {
                        let (sum, sum_scale, n) = f(&totals[g]);
                        Decimal::average(sum, sum_scale, n, AVERAGE_SCALE)
                            .map(|d| d.map(|d| d.units))
                            .map_err(|_| overflow(column))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Column::Decimal {
                    values,
                    scale: AVERAGE_SCALE,
                })
            };
        let mut total_amount = Vec::with_capacity(order.len());
        let mut total_items = Vec::with_capacity(order.len());
        for &g in &order {
            let t = &totals[g];
            total_amount.push(total(t.amount, t.amounts, "total_amount")?);
            total_items.push(total(t.items, t.item_rows, "total_item_count")?);
        }
        let ints = |f: &dyn Fn(&Totals) -> i64| {
            Column::Integer(order.iter().map(|&g| Some(f(&totals[g]))).collect())
        };
        Ok(Table::new()
            .with(
                "category",
                Column::Text(TextColumn::from_values(order.iter().map(|&g| name_of(g)))),
            )
            .with("total_transactions", ints(&|t| t.transactions))
            .with(
                "total_amount",
                Column::Decimal {
                    values: total_amount,
                    scale,
                },
            )
            .with(
                "average_amount",
                average(&|t| (t.amount, scale, t.amounts), "average_amount")?,
            )
            .with("total_item_count", Column::Integer(total_items))
            .with(
                "average_item_count",
                average(&|t| (t.items, 0, t.item_rows), "average_item_count")?,
            )
            .with(
                "count_unique_female_customers",
                ints(&|t| t.customers[0] as i64),
            )
            .with(
                "count_unique_male_customers",
                ints(&|t| t.customers[1] as i64),
            )
            .with(
                "average_age_female_customers",
                average(
                    &|t| (t.age_sum[0], 0, t.ages[0]),
                    "average_age_female_customers",
                )?,
            )
            .with(
                "average_age_male_customers",
                average(
                    &|t| (t.age_sum[1], 0, t.ages[1]),
                    "average_age_male_customers",
                )?,
            ))
    }
}

/// Which (category, contact id) pairs were counted: a bitmap while categories × ids stays
/// small (it does for any real catalogue: 7 × 100k ids is 88 KB), a hash set beyond.
enum Seen {
    Bits { bits: Vec<u64>, ids: usize },
    Set(HashSet<(u32, u32)>),
}

impl Seen {
    /// The bitmap's limit, in bits: 8 MiB.
    const MAX_BITS: usize = 1 << 26;

    fn new(groups: usize, ids: usize) -> Seen {
        match groups.checked_mul(ids) {
            Some(n) if n <= Self::MAX_BITS => Seen::Bits {
                bits: vec![0; n.div_ceil(64)],
                ids,
            },
            _ => Seen::Set(HashSet::default()),
        }
    }

    /// Marks the pair; whether it was new.
    fn insert(&mut self, group: usize, id: u32) -> bool {
        match self {
            Seen::Bits { bits, ids } => {
                let i = group * *ids + id as usize;
                let (word, bit) = (i / 64, 1u64 << (i % 64));
                let new = bits[word] & bit == 0;
                bits[word] |= bit;
                new
            }
            Seen::Set(set) => set.insert((group as u32, id)),
        }
    }
}

//! `customers`: one row per contact with at least one joined transaction.
//!
//! `id`, `gender`, `age` (completed years at the run's as-of date), `total_expense`,
//! `first_purchase_date` / `last_purchase_date` (min / max transaction time, UTC), then one
//! `<slug>_amount` column per accepted category in the accepted list's order, then
//! `other_amount` for spend outside the list — so the category columns always sum to
//! `total_expense`. Sums follow SQL: `total_expense` is null when every amount is, and a
//! category column only when all the customer's rows are in it with null amounts. Rows come
//! in contact order; a left join's orphans (null id) belong to no customer. Grouping runs on
//! the contact id's dictionary codes: ids are interned, so one code is one distinct id.

use super::codes::group_by_codes;
use super::{Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::categories::CategoryColumns;
use crate::engine::models::findings::FindingKind;
use crate::engine::value::column::DataType;
use crate::engine::value::column::TextColumn;
use crate::engine::value::column::{Column, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::time::age_in_years;
use crate::engine::value::unique_id;

pub struct Customers;

impl Model for Customers {
    fn name(&self) -> &'static str {
        "customers"
    }

    fn layer(&self) -> Layer {
        Layer::Mart
    }

    fn description(&self) -> &'static str {
        "One row per contact who bought something: age, total spend, first and last purchase, \
         and spend per accepted category (other_amount for the rest)."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // Ages at the as-of date; one column per accepted category.
        &[ConfigPart::AsOf, ConfigPart::AcceptedCategories]
    }

    fn columns(&self, config: &RunConfig) -> Vec<ModelColumn> {
        let mut list: Vec<ModelColumn> = [
            ("id", DataType::Text, "Contact id"),
            ("gender", DataType::Text, "F or M"),
            (
                "age",
                DataType::Integer,
                "Completed years at the as-of date (null when unknown)",
            ),
            (
                "total_expense",
                DataType::Decimal,
                "Sum of amount over the customer's transactions",
            ),
            (
                "first_purchase_date",
                DataType::Timestamp,
                "Earliest transaction_date (UTC)",
            ),
            (
                "last_purchase_date",
                DataType::Timestamp,
                "Latest transaction_date (UTC)",
            ),
        ]
        .iter()
        .map(|(n, t, d)| ModelColumn {
            name: (*n).into(),
            data_type: *t,
            description: (*d).into(),
        })
        .collect();
        let own = CategoryColumns::new(&config.accepted_categories);
        for (category, name) in own.categories.iter().zip(&own.names) {
            list.push(ModelColumn {
                name: name.clone(),
                data_type: DataType::Decimal,
                description: format!("Spend in {category}"),
            });
        }
        list.push(ModelColumn {
            name: "other_amount".into(),
            data_type: DataType::Decimal,
            description: "Spend in categories outside the accepted list".into(),
        });
        list
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let joined = ctx.model("contacts_joined_with_transactions");
        let get = |name: &str| {
            joined
                .column(name)
                .expect("the joined model has its columns")
        };
        let ids = joined.text("id");
        let categories = joined.text("category");
        let (amounts, scale) = joined.decimals("amount");
        let dates = joined.timestamps("transaction_date");
        let births = joined.dates("birth_date");

        let accepted = CategoryColumns::new(&ctx.config.accepted_categories);
        let other = accepted.categories.len();
        let slot_of_code: Vec<usize> = categories.pool.iter().map(|c| accepted.slot(c)).collect();
        let slot_of = |row: usize| match categories.codes[row] {
            NULL_CODE => other,
            code => slot_of_code[code as usize],
        };

        let (group_of_row, first_row) = group_by_codes(&ids.codes, ids.pool.len());
        let groups = first_row.len();
        let slots = other + 1;
        // Customers × columns is the table's own size, and the columns are capped.
        let cells = groups
            .checked_mul(slots)
            .ok_or_else(|| ModelError::Overflow {
                model: "customers".into(),
                column: "other_amount".into(),
            })?;
        let mut spend = vec![0i64; cells];
        // SQL's `sum(case when category = … then amount else 0 end)` is null only when every
        // one of the customer's rows is in that category with a null amount.
        let mut null_terms = vec![0u32; cells];
        let mut rows_of = vec![0u32; groups];
        let mut total: Vec<Option<i64>> = vec![None; groups];
        let mut first: Vec<Option<i64>> = vec![None; groups];
        let mut last: Vec<Option<i64>> = vec![None; groups];
        let overflow = |column: &str| ModelError::Overflow {
            model: "customers".into(),
            column: column.into(),
        };
        let mut outside = Vec::new();
        for row in 0..group_of_row.len() {
            if group_of_row[row] == NULL_CODE {
                continue; // a left join's orphan: no contact, so no customer
            }
            let g = group_of_row[row] as usize;
            rows_of[g] += 1;
            let slot = slot_of(row);
            if slot == other && categories.get(row).is_none_or(|c| !accepted.listed(c)) {
                outside.push(row as u32);
            }
            if amounts[row].is_none() {
                null_terms[g * slots + slot] += 1;
            }
            if let Some(amount) = amounts[row] {
                let cell = &mut spend[g * slots + slot];
                *cell = cell
                    .checked_add(amount)
                    .ok_or_else(|| overflow("total_expense"))?;
                let t = total[g].unwrap_or(0);
                total[g] = Some(
                    t.checked_add(amount)
                        .ok_or_else(|| overflow("total_expense"))?,
                );
            }
            if let Some(date) = dates[row] {
                first[g] = Some(first[g].map_or(date, |f| f.min(date)));
                last[g] = Some(last[g].map_or(date, |l| l.max(date)));
            }
        }

        let as_of = ctx.as_of();
        let ages: Vec<Option<i64>> = first_row
            .iter()
            .map(|&r| {
                births[r as usize]
                    .and_then(|b| age_in_years(b, as_of).ok())
                    .map(i64::from)
            })
            .collect();

        let mut table = Table::new()
            .with("id", get("id").gather(&first_row))
            .with("gender", get("gender").gather(&first_row))
            .with("age", Column::Integer(ages))
            .with(
                "total_expense",
                Column::Decimal {
                    values: total,
                    scale,
                },
            )
            .with("first_purchase_date", Column::Timestamp(first))
            .with("last_purchase_date", Column::Timestamp(last));
        for (slot, name) in accepted.names.iter().enumerate() {
            let values = (0..groups)
                .map(|g| {
                    (null_terms[g * slots + slot] < rows_of[g]).then_some(spend[g * slots + slot])
                })
                .collect();
            table.push(name.clone(), Column::Decimal { values, scale });
        }

        if !accepted.clashes.is_empty() {
            let c = &accepted.clashes;
            let notes = accepted.notes();
            let text = |f: &dyn Fn(&super::categories::Clash) -> &str| {
                Column::Text(TextColumn::from_values(c.iter().map(|x| Some(f(x)))))
            };
            ctx.report(
                FindingKind::CategoryColumnsRenamed,
                notes[..c.len()].join("; "),
                Table::new()
                    .with("category", text(&|x| &x.category))
                    .with("taken_by", text(&|x| &x.taken_by))
                    .with("column", text(&|x| &x.column)),
            );
        }
        if accepted.beyond > 0 {
            let note = accepted.notes().pop().unwrap_or_default();
            ctx.report(
                FindingKind::CategoriesBeyondColumnCap,
                note,
                Table::new().with(
                    "category",
                    Column::Text(TextColumn::from_values(
                        ctx.config
                            .accepted_categories
                            .iter()
                            .filter(|a| accepted.slot(a) == other)
                            .map(|a| Some(a.as_str())),
                    )),
                ),
            );
        }

        if !outside.is_empty() {
            // In order of first appearance, one hash lookup per row.
            let mut counts: Vec<(&str, usize)> = Vec::new();
            let mut index: rustc_hash::FxHashMap<&str, usize> = Default::default();
            for &row in &outside {
                let name = categories.get(row as usize).unwrap_or("(null)");
                let i = *index.entry(name).or_insert_with(|| {
                    counts.push((name, 0));
                    counts.len() - 1
                });
                counts[i].1 += 1;
            }
            let listed: Vec<String> = counts.iter().map(|(c, n)| format!("{c}: {n}")).collect();
            ctx.report(
                FindingKind::CategoriesOutsideAcceptedList,
                format!(
                    "{} transaction{} in categories outside the accepted list, counted in \
                     other_amount ({})",
                    outside.len(),
                    if outside.len() == 1 { "" } else { "s" },
                    listed.join(", ")
                ),
                joined.take(&outside),
            );
        }
        Ok(table)
    }
}

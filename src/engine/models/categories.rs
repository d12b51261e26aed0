//! The categories found in a transactions export, against the accepted list.
//!
//! A user's own catalogue rarely is the exercise's: after a load the app shows each category
//! the data holds — how many transactions, how much spend, whether the schema accepts it — so
//! that the user can accept the data's categories in one step
//! ([`crate::engine::Schema::with_accepted_categories`]) instead of discovering them one
//! `accepted_values` failure at a time. Accepted categories the data never uses are listed
//! too (with zero counts): they are `customers` columns that will always be 0.
//!
//! The counts are of the source table as loaded, before any policy: what the export holds.

use serde::{Deserialize, Serialize};

use crate::engine::error::ModelError;
use crate::engine::value::column::NULL_CODE;
use crate::engine::value::decimal::Decimal;
use crate::engine::value::table::Table;

/// One category of the data or of the accepted list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    /// `None` for the transactions without a category.
    pub category: Option<String>,
    pub transactions: usize,
    /// The sum of their amounts (nulls count as nothing).
    pub spend: Decimal,
    /// Whether the accepted list has it (the missing category never is).
    pub accepted: bool,
}

/// Every category of `transactions` (a table with text `category` and decimal `amount`
/// columns), then the accepted categories it lacks; each part by name, the missing category
/// last. A sum of amounts that does not fit is [`ModelError::Overflow`].
pub fn found(transactions: &Table, accepted: &[String]) -> Result<Vec<CategoryCount>, ModelError> {
    let categories = transactions.text("category");
    let (amounts, scale) = transactions.decimals("amount");
    let pool = categories.pool.len();
    // Per code of the pool (the last slot for the missing category): rows and units.
    let mut rows = vec![0usize; pool + 1];
    let mut units = vec![0i128; pool + 1];
    for (&code, amount) in categories.codes.iter().zip(amounts) {
        let slot = if code == NULL_CODE {
            pool
        } else {
            code as usize
        };
        rows[slot] += 1;
        units[slot] += i128::from(amount.unwrap_or(0));
    }
    // A pool that was not interned may hold a name more than once: merge by name.
    let mut by_name: std::collections::BTreeMap<&str, (usize, i128)> = Default::default();
    for code in 0..pool {
        if rows[code] > 0 {
            let entry = by_name.entry(categories.pool.get(code as u32)).or_default();
            entry.0 += rows[code];
            entry.1 += units[code];
        }
    }
    let spend = |units: i128| {
        i64::try_from(units)
            .map(|units| Decimal::new(units, scale))
            .map_err(|_| ModelError::Overflow {
                model: "source web.transactions".into(),
                column: "spend".into(),
            })
    };
    let mut out = Vec::with_capacity(by_name.len() + accepted.len() + 1);
    for (&name, &(n, u)) in &by_name {
        out.push(CategoryCount {
            category: Some(name.to_string()),
            transactions: n,
            spend: spend(u)?,
            accepted: accepted.iter().any(|a| a == name),
        });
    }
    let mut unused: Vec<&String> = accepted
        .iter()
        .filter(|a| !by_name.contains_key(a.as_str()))
        .collect();
    unused.sort();
    unused.dedup();
    for name in unused {
        out.push(CategoryCount {
            category: Some(name.clone()),
            transactions: 0,
            spend: Decimal::new(0, scale),
            accepted: true,
        });
    }
    if rows[pool] > 0 {
        out.push(CategoryCount {
            category: None,
            transactions: rows[pool],
            spend: spend(units[pool])?,
            accepted: false,
        });
    }
    Ok(out)
}

/// The categories of `found` that the accepted list lacks, in its order.
pub fn outside(found: &[CategoryCount]) -> Vec<String> {
    found
        .iter()
        .filter(|c| !c.accepted)
        .filter_map(|c| c.category.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::column::{Column, TextColumn};

    fn table(rows: &[(Option<&str>, Option<i64>)]) -> Table {
        Table::new()
            .with(
                "category",
                Column::Text(TextColumn::from_values(rows.iter().map(|r| r.0))),
            )
            .with(
                "amount",
                Column::Decimal {
                    values: rows.iter().map(|r| r.1).collect(),
                    scale: 2,
                },
            )
    }

    fn accepted(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counts_and_spend_per_category_with_the_accepted_ones_marked() {
        let t = table(&[
            (Some("Garden"), Some(1050)),
            (Some("Books"), Some(500)),
            (None, Some(100)),
            (Some("Garden"), None),
            (Some("Books"), Some(-200)),
        ]);
        let found = found(&t, &accepted(&["Books", "Toys"])).unwrap();
        let line = |c: &CategoryCount| {
            format!(
                "{} {} {} {}",
                c.category.as_deref().unwrap_or("-"),
                c.transactions,
                c.spend,
                c.accepted
            )
        };
        assert_eq!(
            found.iter().map(line).collect::<Vec<_>>(),
            [
                "Books 2 3.00 true",
                "Garden 2 10.50 false",
                "Toys 0 0.00 true",
                "- 1 1.00 false"
            ]
        );
        assert_eq!(outside(&found), ["Garden"]);
    }

    #[test]
    fn an_empty_table_lists_the_accepted_list_only() {
        let found = found(&table(&[]), &accepted(&["Books"])).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].transactions, 0);
        assert!(outside(&found).is_empty());
    }

    #[test]
    fn a_spend_that_does_not_fit_is_an_overflow() {
        let t = table(&[(Some("A"), Some(i64::MAX)), (Some("A"), Some(1))]);
        assert!(matches!(found(&t, &[]), Err(ModelError::Overflow { .. })));
    }
}

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

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::engine::error::ModelError;
use crate::engine::value::column::NULL_CODE;
use crate::engine::value::decimal::Decimal;
use crate::engine::value::slug::slug;
use crate::engine::value::table::Table;

/// The most accepted categories `customers` gives a column of their own. A list grown from the
/// data (the "accept the data's categories" policy) can hold one category per transaction: a
/// column per category would make the table customers × categories cells. The categories
/// beyond it are counted in `other_amount`, and `customers` reports how many, until the user
/// reviews the list.
pub const MAX_CATEGORY_COLUMNS: usize = 1_000;

/// c360's own `customers` columns, which no category column may take.
pub const OWN_COLUMNS: [&str; 7] = [
    "id",
    "gender",
    "age",
    "total_expense",
    "first_purchase_date",
    "last_purchase_date",
    "other_amount",
];

/// Two names that sanitise to one column: `category` got `column` instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    /// The accepted category that was renamed.
    pub category: String,
    /// What had the name first: an earlier category, or c360's own column.
    pub taken_by: String,
    /// The name it would have had.
    pub wanted: String,
    /// The name it got.
    pub column: String,
}

/// The `customers` columns of an accepted list: one `<slug>_amount` per category (at most
/// [`MAX_CATEGORY_COLUMNS`], in the list's order, a value listed twice once), names unique
/// after sanitising — a category whose name is taken, by another category or by c360's own
/// columns, gets the first free `<slug>_2_amount`, `<slug>_3_amount`, … and a [`Clash`] —
/// then `other_amount`. Linear in the list: one hash lookup per name.
#[derive(Clone, Debug)]
pub struct CategoryColumns<'a> {
    /// The categories with a column of their own, in order.
    pub categories: Vec<&'a str>,
    /// Their columns, then `other_amount`.
    pub names: Vec<String>,
    /// The renamed categories, in order.
    pub clashes: Vec<Clash>,
    /// How many accepted categories are beyond the cap (counted in `other_amount`).
    pub beyond: usize,
    slot: FxHashMap<&'a str, usize>,
}

impl<'a> CategoryColumns<'a> {
    pub fn new(accepted: &'a [String]) -> Self {
        let mut slot: FxHashMap<&str, usize> = FxHashMap::default();
        let mut categories = Vec::new();
        let mut names = Vec::new();
        let mut clashes = Vec::new();
        let mut beyond = 0;
        // Every name taken so far, with what took it.
        let mut taken: FxHashMap<String, String> = OWN_COLUMNS
            .iter()
            .map(|c| (c.to_string(), format!("c360's own column {c}")))
            .collect();
        for category in accepted {
            if slot.contains_key(category.as_str()) {
                continue;
            }
            if categories.len() == MAX_CATEGORY_COLUMNS {
                beyond += 1;
                // Still once per distinct value.
                slot.insert(category, usize::MAX);
                continue;
            }
            let base = slug(category);
            let wanted = format!("{base}_amount");
            let mut name = wanted.clone();
            let mut n = 1u64;
            while taken.contains_key(&name) {
                n += 1;
                name = format!("{base}_{n}_amount");
            }
            if name != wanted {
                clashes.push(Clash {
                    category: category.clone(),
                    taken_by: taken[&wanted].clone(),
                    wanted: wanted.clone(),
                    column: name.clone(),
                });
            }
            taken.insert(name.clone(), format!("`{category}`"));
            slot.insert(category, categories.len());
            categories.push(category.as_str());
            names.push(name);
        }
        names.push("other_amount".to_string());
        CategoryColumns {
            categories,
            names,
            clashes,
            beyond,
            slot,
        }
    }

    /// The column index of `category`: its own, or `other_amount`'s (the last).
    pub fn slot(&self, category: &str) -> usize {
        match self.slot.get(category) {
            Some(&s) if s != usize::MAX => s,
            _ => self.categories.len(),
        }
    }

    /// Whether the accepted list has `category` (with a column or beyond the cap).
    pub fn listed(&self, category: &str) -> bool {
        self.slot.contains_key(category)
    }

    /// What `customers` reports about the names: the clashes (each naming both values) and
    /// the categories beyond the cap.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .clashes
            .iter()
            .map(|c| {
                format!(
                    "accepted category `{}` would make the customers column {}, which {} \
                     already is: its column is {}",
                    c.category, c.wanted, c.taken_by, c.column
                )
            })
            .collect();
        if self.beyond > 0 {
            notes.push(format!(
                "{} accepted categor{} beyond the first {} (the most customers has columns \
                 for) {} counted in other_amount: review the accepted list",
                self.beyond,
                if self.beyond == 1 { "y" } else { "ies" },
                MAX_CATEGORY_COLUMNS,
                if self.beyond == 1 { "is" } else { "are" },
            ));
        }
        notes
    }
}

/// The distinct values of `list`, as a set for membership.
pub(crate) fn set_of(list: &[String]) -> FxHashSet<&str> {
    list.iter().map(String::as_str).collect()
}

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
    let accepted_set = set_of(accepted);
    for (&name, &(n, u)) in &by_name {
        out.push(CategoryCount {
            category: Some(name.to_string()),
            transactions: n,
            spend: spend(u)?,
            accepted: accepted_set.contains(name),
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

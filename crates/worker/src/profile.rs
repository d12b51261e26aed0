//! The customer profile, the "360" itself: finding a contact by id, e-mail or name as the
//! user types, and everything the models know of one — their contact row, their segment row,
//! their purchases in time order, their spend per category and their three recommendations.
//! All of it is read in the worker from the run in force; the page gets one customer's rows.

use std::collections::BTreeMap;

use c360::engine::value::column::NULL_CODE;
use c360::engine::value::decimal::Decimal;
use c360::engine::value::unique_id;
use c360::engine::{RunOutput, Table};
use serde::{Deserialize, Serialize};

/// How many contacts a search returns at most.
pub const SEARCH_LIMIT: usize = 10;

/// A contact a search found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// One purchase, as `contacts_joined_with_transactions` has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    pub transaction_date: Option<String>,
    pub category: Option<String>,
    pub amount: Option<String>,
    pub item_count: Option<String>,
}

/// One recommendation, as `recommendations` has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub rank: Option<String>,
    pub category: Option<String>,
    pub score: Option<String>,
    pub reason: Option<String>,
}

/// Everything the models know of one contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    /// The `stg_sf__contacts` row: (column, value).
    pub contact: Vec<(String, Option<String>)>,
    /// The `customer_segments` row, when the contact bought anything.
    pub segment: Option<Vec<(String, Option<String>)>>,
    /// Oldest first.
    pub purchases: Vec<Purchase>,
    /// Category → spend, by category name.
    pub spend: Vec<(String, Decimal)>,
    /// Best first.
    pub recommendations: Vec<Recommendation>,
}

fn model<'a>(output: &'a RunOutput, name: &str) -> Option<&'a Table> {
    output
        .node(&unique_id::model(name))
        .filter(|n| n.result.status == c360::engine::NodeStatus::Success)
        .map(|n| &n.table)
}

/// A cell as the engine writes it (`None` for a null).
fn cell(table: &Table, row: usize, column: &str) -> Option<String> {
    let index = table.column_names().position(|c| c == column)?;
    let value = table.value(row, index);
    (!value.is_null()).then(|| value.to_string())
}

fn rows_of(table: &Table, column: &str, id: &str) -> Vec<usize> {
    let ids = table.text(column);
    (0..table.num_rows())
        .filter(|&r| ids.get(r) == Some(id))
        .collect()
}

fn whole_row(table: &Table, row: usize) -> Vec<(String, Option<String>)> {
    table
        .column_names()
        .map(|c| (c.to_string(), cell(table, row, c)))
        .collect()
}

/// The columns a search looks in.
const SEARCHED: [&str; 3] = ["id", "name", "email_address"];

/// The contacts of a run, ready to search as the user types: each searched column's
/// distinct values lowercased once (not every contact's fields at every keystroke) and each
/// contact's value codes.
pub struct SearchIndex {
    /// Per searched column: each distinct value lowercased, by code.
    lowered: Vec<Vec<String>>,
    /// Per searched column: each contact's code (`NULL_CODE` for an empty value).
    codes: Vec<Vec<u32>>,
}

impl SearchIndex {
    /// The index of the run's `stg_sf__contacts`; `None` when it was not built.
    pub fn new(output: &RunOutput) -> Option<SearchIndex> {
        let contacts = model(output, "stg_sf__contacts")?;
        let (mut lowered, mut codes) = (Vec::new(), Vec::new());
        for column in SEARCHED {
            let text = contacts.text(column);
            lowered.push(text.pool.iter().map(str::to_lowercase).collect());
            codes.push(text.codes.clone());
        }
        Some(SearchIndex { lowered, codes })
    }
}

/// The contacts whose id, e-mail or name contains `text` (ignoring case), those whose id,
/// e-mail or name starts with it first, at most [`SEARCH_LIMIT`]; none for blank text.
/// `index` is [`SearchIndex::new`] of the same `output`.
pub fn search(output: &RunOutput, index: &SearchIndex, text: &str) -> Vec<Match> {
    let needle = text.trim().to_lowercase();
    let Some(contacts) = model(output, "stg_sf__contacts") else {
        return Vec::new();
    };
    if needle.is_empty() {
        return Vec::new();
    }
    // Per column and distinct value: 0 no match, 1 contains the text, 2 starts with it.
    let hits: Vec<Vec<u8>> = index
        .lowered
        .iter()
        .map(|values| {
            values
                .iter()
                .map(|v| match v.find(&needle) {
                    Some(0) => 2,
                    Some(_) => 1,
                    None => 0,
                })
                .collect()
        })
        .collect();
    let mut found: Vec<(bool, Match)> = Vec::new();
    for row in 0..contacts.num_rows() {
        let best = index
            .codes
            .iter()
            .zip(&hits)
            .map(|(codes, hits)| match codes[row] {
                NULL_CODE => 0,
                code => hits[code as usize],
            })
            .max()
            .unwrap_or(0);
        if best == 0 {
            continue;
        }
        let m = Match {
            id: cell(contacts, row, "id").unwrap_or_default(),
            name: cell(contacts, row, "name"),
            email: cell(contacts, row, "email_address"),
        };
        found.push((best == 2, m));
    }
    found.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.name.cmp(&b.1.name))
            .then(a.1.id.cmp(&b.1.id))
    });
    found
        .into_iter()
        .take(SEARCH_LIMIT)
        .map(|(_, m)| m)
        .collect()
}

/// The profile of the contact with this id; `None` when no contact has it.
pub fn profile(output: &RunOutput, id: &str) -> Option<Profile> {
    let contacts = model(output, "stg_sf__contacts")?;
    let row = *rows_of(contacts, "id", id).first()?;
    let segment = model(output, "customer_segments")
        .and_then(|t| rows_of(t, "id", id).first().map(|&r| whole_row(t, r)));
    let mut purchases = Vec::new();
    let mut spend: BTreeMap<String, (i128, u8)> = BTreeMap::new();
    if let Some(joined) = model(output, "contacts_joined_with_transactions") {
        let mut rows = rows_of(joined, "id", id);
        let dates = joined.timestamps("transaction_date");
        rows.sort_by_key(|&r| (dates[r], r));
        let (amounts, scale) = joined.decimals("amount");
        let categories = joined.text("category");
        for r in rows {
            purchases.push(Purchase {
                transaction_date: cell(joined, r, "transaction_date"),
                category: cell(joined, r, "category"),
                amount: cell(joined, r, "amount"),
                item_count: cell(joined, r, "item_count"),
            });
            let entry = spend
                .entry(categories.get(r).unwrap_or("unknown").to_string())
                .or_insert((0, scale));
            entry.0 += i128::from(amounts[r].unwrap_or(0));
        }
    }
    let recommendations = model(output, "recommendations")
        .map(|t| {
            rows_of(t, "customer_id", id)
                .into_iter()
                .map(|r| Recommendation {
                    rank: cell(t, r, "rank"),
                    category: cell(t, r, "category"),
                    score: cell(t, r, "score"),
                    reason: cell(t, r, "reason"),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Profile {
        id: id.to_string(),
        contact: whole_row(contacts, row),
        segment,
        purchases,
        spend: spend
            .into_iter()
            .map(|(c, (units, scale))| {
                // A customer's sums are checked by `customers`; one customer's fit in i64.
                (
                    c,
                    Decimal::new(i64::try_from(units).unwrap_or(i64::MAX), scale),
                )
            })
            .collect(),
        recommendations,
    })
}

//! `category_spend`: spend, transactions and customers per category, overall and cut by
//! segment, age band, gender, state and week, as one long (tidy) table.
//!
//! One row per (`dimension`, `dimension_value`, `category`) that has a transaction, where
//! `dimension` is `overall` (value `all`), `segment`, `age_band`, `gender`, `state` or `week`
//! (value: the Monday, `YYYY-MM-DD`, of the transaction's ISO week, UTC). One long table
//! rather than six wide ones: every dashboard chart (spend per category, share per segment,
//! spend over time) is a filter on `dimension`, the app reads one model, a new cut is new
//! rows rather than a new model, and its size stays a few hundred rows at a million
//! transactions (categories × (1 + 10 segments + 8 bands + genders + 9 states + weeks)).
//! Weeks are not crossed with the other cuts, which would multiply the rows.
//!
//! Every transaction of `contacts_joined_with_transactions` counts once in each dimension,
//! so each dimension's rows sum to the `overall` rows; a transaction of no customer (an
//! orphan kept by the left-join policy) and a transaction without a date are in
//! `dimension_value` `unknown`. Categories are the data's own (not the accepted list), in
//! name order, a null category last. `spend` is null when every amount is (as SQL's `sum`);
//! `customers` counts distinct contacts.

use super::codes::rows_by_code;
use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::segment::{AGE_BANDS, SEGMENTS, STATES, UNKNOWN};
use crate::engine::value::column::{Column, DataType, TextColumn, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::time::DAY_MILLIS;
use crate::engine::value::unique_id;

pub struct CategorySpend;

/// The dimensions, in the table's order.
pub const DIMENSIONS: [&str; 6] = ["overall", "segment", "age_band", "gender", "state", "week"];

#[derive(Clone, Copy, Default)]
struct Cell {
    spend: i128,
    amounts: u64,
    transactions: u64,
    customers: u64,
}

/// A joined row's customer (`NULL_CODE`: none) and its value slots in the four cuts.
struct Who {
    customer: u32,
    slots: [u32; 4],
}

/// Which (customer, cell) pairs were counted.
enum Seen {
    Bits { bits: Vec<u64>, cells: usize },
    Set(rustc_hash::FxHashSet<(u32, u64)>),
}

impl Seen {
    /// The bitmap's limit, in bits: 16 MiB.
    const MAX_BITS: usize = 1 << 27;

    /// A bitmap while it stays within 32 bytes per joined row (and 16 MiB), so that its size
    /// follows the input rather than customers × weeks × categories; a set beyond.
    fn new(customers: usize, cells: Option<usize>, rows: usize) -> Seen {
        let limit = Self::MAX_BITS.min(rows.saturating_mul(256).max(1 << 20));
        match cells.and_then(|cells| Some((cells, customers.checked_mul(cells)?))) {
            Some((cells, n)) if n <= limit => Seen::Bits {
                bits: vec![0; n.div_ceil(64)],
                cells,
            },
            _ => Seen::Set(Default::default()),
        }
    }

    /// Marks the pair; whether it was new.
    fn insert(&mut self, customer: u32, cell: u64) -> bool {
        match self {
            Seen::Bits { bits, cells } => {
                let i = customer as usize * *cells + cell as usize;
                let (word, bit) = (i / 64, 1u64 << (i % 64));
                let new = bits[word] & bit == 0;
                bits[word] |= bit;
                new
            }
            Seen::Set(set) => set.insert((customer, cell)),
        }
    }
}

/// The (value slot, category) cells that have a transaction. Dense (slots × categories) while
/// that is within a few cells per joined row — every real export: a few hundred slots, a few
/// dozen categories — and a map of the cells that occur beyond, so that a file of one
/// category per week per transaction costs its rows, not weeks × categories.
enum Cells {
    Dense { cells: Vec<Cell>, k: usize },
    Sparse(rustc_hash::FxHashMap<(u32, u32), Cell>),
}

impl Cells {
    fn new(slots: usize, k: usize, rows: usize) -> Cells {
        let limit = rows.saturating_mul(4).max(1 << 16);
        match slots.checked_mul(k) {
            Some(n) if n <= limit => Cells::Dense {
                cells: vec![Cell::default(); n],
                k,
            },
            _ => Cells::Sparse(Default::default()),
        }
    }

    #[inline]
    fn get_mut(&mut self, slot: usize, category: usize) -> &mut Cell {
        match self {
            Cells::Dense { cells, k } => &mut cells[slot * *k + category],
            Cells::Sparse(map) => map.entry((slot as u32, category as u32)).or_default(),
        }
    }

    /// The cells with a transaction, by slot then category.
    fn into_sorted(self) -> Vec<(usize, usize, Cell)> {
        match self {
            Cells::Dense { cells, k } => cells
                .into_iter()
                .enumerate()
                .filter(|(_, c)| c.transactions > 0)
                .map(|(i, c)| (i / k, i % k, c))
                .collect(),
            Cells::Sparse(map) => {
                let mut v: Vec<(usize, usize, Cell)> = map
                    .into_iter()
                    .filter(|(_, c)| c.transactions > 0)
                    .map(|((s, c), cell)| (s as usize, c as usize, cell))
                    .collect();
                v.sort_unstable_by_key(|&(s, c, _)| (s, c));
                v
            }
        }
    }
}

/// The weeks that have a transaction (each a Monday's day number), in order, and a row's
/// week's index among them. A dense range from the first to the last while that range is
/// within a few slots per row (a sort of a million dates would cost more than the rest of
/// the model); sorted distinct weeks, found by binary search, when dates lie so far apart
/// that the range would be mostly empty.
enum Weeks {
    Dense { first: i64, index: Vec<u32> },
    Sorted,
}

impl Model for CategorySpend {
    fn name(&self) -> &'static str {
        "category_spend"
    }

    fn layer(&self) -> Layer {
        Layer::Mart
    }

    fn description(&self) -> &'static str {
        "Spend, transactions and customers per category: overall, and per segment, age band, \
         gender, state and week, as one long table (dimension, dimension_value, category)."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[
            unique_id::CUSTOMER_SEGMENTS,
            unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS,
        ]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // The cuts come from customer_segments, the weeks from the transactions' own dates.
        &[]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            (
                "dimension",
                DataType::Text,
                "overall, segment, age_band, gender, state or week",
            ),
            (
                "dimension_value",
                DataType::Text,
                "all, a segment, band, gender or state, the week's Monday (YYYY-MM-DD), or \
                 unknown",
            ),
            ("category", DataType::Text, "Product category"),
            ("spend", DataType::Decimal, "Sum of amount"),
            ("transactions", DataType::Integer, "Number of transactions"),
            ("customers", DataType::Integer, "Distinct customers"),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let segments = ctx.model("customer_segments");
        let joined = ctx.model("contacts_joined_with_transactions");
        let seg_ids = segments.text("id");
        let customers = seg_ids.codes.len();

        // Each cut's values, in the table's order; every cut ends with `unknown`.
        let genders: Vec<&str> = {
            let g = segments.text("gender");
            // The pool's values that some customer has (a pool entry, not a row, per value).
            let mut used = vec![false; g.pool.len()];
            for &code in g.codes.iter().filter(|&&c| c != NULL_CODE) {
                used[code as usize] = true;
            }
            let mut v: Vec<&str> = (0..g.pool.len() as u32)
                .filter(|&c| used[c as usize])
                .map(|c| g.pool.get(c))
                .collect();
            v.push(UNKNOWN);
            v.sort_unstable();
            v.dedup();
            // `unknown` last.
            v.retain(|x| *x != UNKNOWN);
            v.push(UNKNOWN);
            v
        };
        let with_unknown = |list: &[&'static str]| -> Vec<&'static str> {
            let mut v = list.to_vec();
            if !v.contains(&UNKNOWN) {
                v.push(UNKNOWN);
            }
            v
        };
        let segment_names: Vec<&str> = with_unknown(&SEGMENTS.map(|s| s.name));
        let bands = with_unknown(&AGE_BANDS);
        let states = with_unknown(&STATES);
        // Each customer's value index in the segment, age band, gender and state cuts.
        let index_in = |values: &[&str], column: &str| -> Vec<u32> {
            let t = segments.text(column);
            let of_code: Vec<u32> = t
                .pool
                .iter()
                .map(|v| {
                    let i = values.iter().position(|x| *x == v);
                    i.unwrap_or(values.len() - 1) as u32
                })
                .collect();
            t.codes
                .iter()
                .map(|&c| match c {
                    NULL_CODE => values.len() as u32 - 1,
                    c => of_code[c as usize],
                })
                .collect()
        };
        let cut_values: [Vec<&str>; 4] = [segment_names, bands, genders, states];
        let cut_of_customer: Vec<Vec<u32>> = ["segment", "age_band", "gender", "state"]
            .iter()
            .zip(&cut_values)
            .map(|(column, values)| index_in(values, column))
            .collect();

        // Joined rows to customers (segments' rows), by id: per id code, the customer's dense
        // number and value slots in the four cuts, so that a row costs one lookup.
        let ids = joined.text("id");
        let customer_of_code = rows_by_code(seg_ids, ids);
        let mut base = vec![0usize];
        let mut slots = 1;
        for values in &cut_values {
            base.push(slots);
            slots += values.len();
        }
        let unknown_slots: [u32; 4] =
            std::array::from_fn(|cut| (base[cut + 1] + cut_values[cut].len() - 1) as u32);
        let who_of_code: Vec<Who> = customer_of_code
            .iter()
            .map(|&customer| match customer {
                NULL_CODE => Who {
                    customer: NULL_CODE,
                    slots: unknown_slots,
                },
                c => Who {
                    customer: c,
                    slots: std::array::from_fn(|cut| {
                        (base[cut + 1] + cut_of_customer[cut][c as usize] as usize) as u32
                    }),
                },
            })
            .collect();
        let unknown_who = Who {
            customer: NULL_CODE,
            slots: unknown_slots,
        };

        // Categories by name, the null category last.
        let categories = joined.text("category");
        let mut names: Vec<&str> = categories.pool.iter().collect();
        names.sort_unstable();
        names.dedup();
        let null_category = names.len();
        let category_of_code: Vec<u32> = categories
            .pool
            .iter()
            .map(|c| names.binary_search(&c).expect("a pool value") as u32)
            .collect();
        let k = names.len() + 1;

        // Weeks: the Monday's day number (1970-01-05 was a Monday), in order, then unknown.
        let dates = joined.timestamps("transaction_date");
        let week_of = |t: i64| {
            let day = t.div_euclid(DAY_MILLIS);
            day - (day - 4).rem_euclid(7)
        };
        // The weeks that have a transaction, found in a dense range from the first to the
        // last (a sort of a million dates would cost more than the rest of the model).
        let (lo, hi) = dates
            .iter()
            .flatten()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        let mut weeks: Vec<i64> = Vec::new();
        let mut lookup = Weeks::Sorted;
        if lo <= hi {
            let first = week_of(lo);
            // Weeks so many that they would not fit are beyond any export; those rows are
            // `unknown`.
            let span = usize::try_from((week_of(hi) - first) / 7 + 1).map_or(0, |s| s.min(1 << 24));
            if span <= dates.len().saturating_mul(4).max(1 << 12) {
                let mut seen = vec![false; span];
                for &t in dates.iter().flatten() {
                    if let Some(s) = seen.get_mut(((week_of(t) - first) / 7) as usize) {
                        *s = true;
                    }
                }
                let mut index = vec![u32::MAX; span];
                for (i, _) in seen.iter().enumerate().filter(|(_, &s)| s) {
                    index[i] = weeks.len() as u32;
                    weeks.push(first + 7 * i as i64);
                }
                lookup = Weeks::Dense { first, index };
            } else {
                let mut distinct: rustc_hash::FxHashSet<i64> = Default::default();
                distinct.extend(dates.iter().flatten().map(|&t| week_of(t)));
                weeks = distinct.into_iter().collect();
                weeks.sort_unstable();
            }
        }
        let slot_of_week = |t: i64| -> Option<usize> {
            match &lookup {
                Weeks::Dense { first, index } => {
                    let i = usize::try_from((week_of(t) - first) / 7).ok()?;
                    index
                        .get(i)
                        .filter(|&&w| w != u32::MAX)
                        .map(|&w| w as usize)
                }
                Weeks::Sorted => weeks.binary_search(&week_of(t)).ok(),
            }
        };

        // Value slots: overall (1), the four cuts (above), then the weeks and unknown.
        let week_base = slots;
        slots += weeks.len() + 1;
        let mut cells = Cells::new(slots, k, ids.codes.len());

        let (amounts, scale) = joined.decimals("amount");
        // Each (customer, cell) pair counted once. A customer has one value in each of the
        // four cuts, so its first transaction in a category is its first in that category's
        // overall cell and in each of its cut cells: only (customer, category) and
        // (customer, week, category) need remembering. A bitmap while customers × cells
        // stays small (100k customers × 8 categories × 90 weeks is 9 MB), a set beyond.
        let cells_per_customer = (weeks.len() + 2).checked_mul(k);
        let mut seen = Seen::new(customers, cells_per_customer, ids.codes.len());
        for row in 0..ids.codes.len() {
            let who = match ids.codes[row] {
                NULL_CODE => &unknown_who,
                code => &who_of_code[code as usize],
            };
            let category = match categories.codes[row] {
                NULL_CODE => null_category,
                code => category_of_code[code as usize] as usize,
            };
            let week = dates[row].and_then(slot_of_week).unwrap_or(weeks.len());
            let week_slot = week_base + week;
            let (spend, counted) = match amounts[row] {
                Some(a) => (i128::from(a), 1),
                None => (0, 0),
            };
            let mut add = |slot: usize, new_customer: bool| {
                let cell = cells.get_mut(slot, category);
                cell.transactions += 1;
                cell.spend += spend;
                cell.amounts += counted;
                cell.customers += u64::from(new_customer);
            };
            let known = who.customer != NULL_CODE;
            let new_in_category = known && seen.insert(who.customer, category as u64);
            add(0, new_in_category);
            for &slot in &who.slots {
                add(slot as usize, new_in_category);
            }
            let new_in_week =
                known && seen.insert(who.customer, (1 + week as u64) * k as u64 + category as u64);
            add(week_slot, new_in_week);
        }

        let week_text: Vec<String> = weeks
            .iter()
            .map(|&d| {
                chrono::DateTime::from_timestamp_millis(d * DAY_MILLIS)
                    .map_or_else(String::new, |t| t.date_naive().to_string())
            })
            .collect();
        let mut dimension = Vec::new();
        let mut value: Vec<&str> = Vec::new();
        let mut category: Vec<Option<&str>> = Vec::new();
        let mut spend = Vec::new();
        let mut transactions = Vec::new();
        let mut buyers = Vec::new();
        for (slot, c, cell) in cells.into_sorted() {
            let (dim, val): (usize, &str) = if slot == 0 {
                (0, "all")
            } else if slot >= week_base {
                let w = slot - week_base;
                (5, week_text.get(w).map_or(UNKNOWN, String::as_str))
            } else {
                let cut = (1..5).rev().find(|&c| slot >= base[c]).expect("a cut");
                (cut, cut_values[cut - 1][slot - base[cut]])
            };
            dimension.push(Some(DIMENSIONS[dim]));
            value.push(val);
            category.push(names.get(c).copied());
            spend.push(if cell.amounts == 0 {
                None
            } else {
                Some(i64::try_from(cell.spend).map_err(|_| ModelError::Overflow {
                    model: "category_spend".into(),
                    column: "spend".into(),
                })?)
            });
            transactions.push(Some(cell.transactions as i64));
            buyers.push(Some(cell.customers as i64));
        }
        Ok(Table::new()
            .with(
                "dimension",
                Column::Text(TextColumn::from_values(dimension)),
            )
            .with(
                "dimension_value",
                Column::Text(TextColumn::from_values(value.into_iter().map(Some))),
            )
            .with("category", Column::Text(TextColumn::from_values(category)))
            .with(
                "spend",
                Column::Decimal {
                    values: spend,
                    scale,
                },
            )
            .with("transactions", Column::Integer(transactions))
            .with("customers", Column::Integer(buyers)))
    }
}

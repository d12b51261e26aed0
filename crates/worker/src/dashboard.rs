//! The dashboards' figures, aggregated in the worker from the run in force: the page draws a
//! few hundred numbers, never the 100,000 rows they come from.
//!
//! Every figure is a plain aggregate of one model's table, named in [`Figure::model`] so that
//! the page can link it to the table it comes from: the overview revenue is the sum of
//! `customers.total_expense`, the segment sizes are counts of `customer_segments.segment`.

use std::collections::BTreeMap;

use c360::engine::value::column::NULL_CODE;
use c360::engine::value::decimal::Decimal;
use c360::engine::value::unique_id;
use c360::engine::{RunOutput, Table};
use serde::{Deserialize, Serialize};

/// The R×F segments, in the order the map reads them (best first).
/// The engine's [`SEGMENT_NAMES`](c360::engine::models::segment::SEGMENT_NAMES), named here for the
/// page.
pub const SEGMENTS: [&str; 10] = c360::engine::models::segment::SEGMENT_NAMES;

/// Below this many customers the quintiles that R, F and M scores come from are thin.
pub const THIN_QUINTILES: usize = 500;

/// The overview's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Rows of `customers`: contacts with at least one purchase.
    pub customers: usize,
    /// Rows of `stg_sf__contacts`.
    pub contacts: usize,
    /// Contacts without a purchase: contacts − customers.
    pub contacts_without_purchases: usize,
    /// Sum of `customers.total_expense`.
    pub revenue: Decimal,
    /// Rows of `contacts_joined_with_transactions`.
    pub transactions: usize,
    /// revenue / transactions, rounded to cents; `None` without transactions.
    pub average_order_value: Option<Decimal>,
    /// transactions / customers; `None` without customers.
    pub transactions_per_customer: Option<f64>,
    /// `min(customers.first_purchase_date)`, `max(customers.last_purchase_date)`, as the
    /// engine writes timestamps.
    pub first_purchase: Option<String>,
    pub last_purchase: Option<String>,
}

/// One segment's size and revenue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentSize {
    pub segment: String,
    pub customers: usize,
    pub revenue: Decimal,
}

/// Customers in one cell of a two-way count (R score × F score, gender × age band).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub row: String,
    pub column: String,
    pub customers: usize,
}

/// The counts of `cells` laid out as `rows` × `columns` (0 where no cell names the pair),
/// for a heat map.
pub fn grid(cells: &[Cell], rows: &[String], columns: &[String]) -> Vec<Vec<usize>> {
    let at = |row: &String, column: &String| {
        cells
            .iter()
            .find(|c| &c.row == row && &c.column == column)
            .map_or(0, |c| c.customers)
    };
    rows.iter()
        .map(|r| columns.iter().map(|c| at(r, c)).collect())
        .collect()
}

/// Customers per value of one column (state, top recommendation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub value: String,
    pub customers: usize,
}

/// One method's row of `recommendation_evaluation`; a rate is `None` where there was no case
/// to rate it on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub method: String,
    pub description: String,
    pub customers_evaluated: i64,
    pub hit_rate_at_1: Option<f64>,
    pub hit_rate_at_3: Option<f64>,
    pub ndcg_at_3: Option<f64>,
    pub coverage: Option<f64>,
    pub repeat_hit_rate_at_3: Option<f64>,
    pub explore_hits_at_3: i64,
    pub explore_hit_rate_at_3: Option<f64>,
}

/// One row of `category_spend`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spend {
    pub dimension: String,
    pub dimension_value: String,
    pub category: String,
    pub spend: Decimal,
    pub transactions: i64,
    pub customers: i64,
}

/// Everything the dashboards draw, for one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub run: u64,
    pub overview: Overview,
    /// In [`SEGMENTS`] order, every segment (empty ones with 0).
    pub segments: Vec<SegmentSize>,
    /// R score (row, "5" to "1") × F score (column, "1" to "5"), all 25 cells.
    pub recency_frequency: Vec<Cell>,
    /// Gender (row) × age band (column), cells with customers only.
    pub demographics: Vec<Cell>,
    /// Customers per state, most first (ties by name).
    pub states: Vec<Count>,
    /// Customers whose first recommendation is each category, most first.
    pub top_picks: Vec<Count>,
    /// `recommendation_evaluation`, c360's model first, then the baselines.
    pub evaluation: Vec<Evaluation>,
    /// `category_spend`, whole: a few hundred rows however large the data.
    pub category_spend: Vec<Spend>,
}

/// A figure and the model it is computed from, for the page to link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    Customers,
    ContactsWithoutPurchases,
    Revenue,
    AverageOrderValue,
    TransactionsPerCustomer,
    DateRange,
}

impl Figure {
    /// The model a figure comes from.
    pub fn model(self) -> &'static str {
        match self {
            Figure::Customers | Figure::Revenue | Figure::DateRange => unique_id::CUSTOMERS,
            Figure::ContactsWithoutPurchases => unique_id::STG_SF__CONTACTS,
            Figure::AverageOrderValue | Figure::TransactionsPerCustomer => {
                unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS
            }
        }
    }
}

/// The dashboards of a run whose models built; `None` when one they read was skipped.
pub fn dashboard(run: u64, output: &RunOutput) -> Option<Dashboard> {
    let built = |name: &str| {
        output
            .node(&unique_id::model(name))
            .filter(|n| n.result.status == c360::engine::NodeStatus::Success)
            .map(|n| &n.table)
    };
    let customers = built("customers")?;
    let contacts = built("stg_sf__contacts")?;
    let joined = built("contacts_joined_with_transactions")?;
    let segments = built("customer_segments")?;
    let recommendations = built("recommendations")?;
    let evaluation = built("recommendation_evaluation")?;
    let spend = built("category_spend")?;
    Some(Dashboard {
        run,
        overview: overview(customers, contacts, joined),
        segments: segment_sizes(segments),
        recency_frequency: recency_frequency(segments),
        demographics: two_way(segments, "gender", "age_band"),
        states: counts(segments, "state", None),
        top_picks: counts(recommendations, "category", Some(("rank", 1))),
        evaluation: evaluations(evaluation),
        category_spend: spends(spend),
    })
}

fn text(table: &Table, column: &str, row: usize) -> String {
    table.text(column).get(row).unwrap_or("unknown").to_string()
}

/// A rate, `None` where the model left it null (no case to rate): JSON has no NaN.
fn real(table: &Table, column: &str, row: usize) -> Option<f64> {
    let (values, scale) = table.decimals(column);
    values[row].map(|v| Decimal::new(v, scale).to_f64())
}

fn integer(table: &Table, column: &str, row: usize) -> i64 {
    table.integers(column)[row].unwrap_or(0)
}

fn evaluations(table: &Table) -> Vec<Evaluation> {
    (0..table.num_rows())
        .map(|r| Evaluation {
            method: text(table, "method", r),
            description: text(table, "description", r),
            customers_evaluated: integer(table, "customers_evaluated", r),
            hit_rate_at_1: real(table, "hit_rate_at_1", r),
            hit_rate_at_3: real(table, "hit_rate_at_3", r),
            ndcg_at_3: real(table, "ndcg_at_3", r),
            coverage: real(table, "coverage", r),
            repeat_hit_rate_at_3: real(table, "repeat_hit_rate_at_3", r),
            explore_hits_at_3: integer(table, "explore_hits_at_3", r),
            explore_hit_rate_at_3: real(table, "explore_hit_rate_at_3", r),
        })
        .collect()
}

fn spends(table: &Table) -> Vec<Spend> {
    let (spend, scale) = table.decimals("spend");
    (0..table.num_rows())
        .map(|r| Spend {
            dimension: text(table, "dimension", r),
            dimension_value: text(table, "dimension_value", r),
            category: text(table, "category", r),
            spend: Decimal::new(spend[r].unwrap_or(0), scale),
            transactions: integer(table, "transactions", r),
            customers: integer(table, "customers", r),
        })
        .collect()
}

fn sum(values: &[Option<i64>], scale: u8) -> Decimal {
    saturate(values.iter().flatten().map(|&v| i128::from(v)).sum(), scale)
}

/// The customers model checked its sums; a total past i64 saturates rather than wraps.
fn saturate(units: i128, scale: u8) -> Decimal {
    Decimal::new(
        i64::try_from(units).unwrap_or(if units < 0 { i64::MIN } else { i64::MAX }),
        scale,
    )
}

fn overview(customers: &Table, contacts: &Table, joined: &Table) -> Overview {
    let (expense, scale) = customers.decimals("total_expense");
    let revenue = sum(expense, scale);
    let transactions = joined.num_rows();
    let average_order_value = (transactions > 0).then(|| {
        // In cents, rounded half away from zero: units·100 / (10^scale · transactions).
        let numerator = i128::from(revenue.units) * 100;
        let denominator = 10i128.pow(u32::from(scale)) * transactions as i128;
        let rounded = (2 * numerator + numerator.signum() * denominator) / (2 * denominator);
        Decimal::new(rounded as i64, 2)
    });
    let first = customers
        .timestamps("first_purchase_date")
        .iter()
        .flatten()
        .min();
    let last = customers
        .timestamps("last_purchase_date")
        .iter()
        .flatten()
        .max();
    Overview {
        customers: customers.num_rows(),
        contacts: contacts.num_rows(),
        contacts_without_purchases: contacts.num_rows().saturating_sub(customers.num_rows()),
        revenue,
        transactions,
        average_order_value,
        transactions_per_customer: (customers.num_rows() > 0)
            .then(|| transactions as f64 / customers.num_rows() as f64),
        first_purchase: first.map(|&t| c360::engine::value::time::format_timestamp(t)),
        last_purchase: last.map(|&t| c360::engine::value::time::format_timestamp(t)),
    }
}

fn segment_sizes(segments: &Table) -> Vec<SegmentSize> {
    let names = segments.text("segment");
    let (monetary, scale) = segments.decimals("monetary");
    // Each dictionary code's place in SEGMENTS, looked up once per code, then one pass.
    let place: Vec<Option<usize>> = (0..names.pool.len() as u32)
        .map(|code| SEGMENTS.iter().position(|&s| s == names.pool.get(code)))
        .collect();
    let mut customers = [0usize; SEGMENTS.len()];
    let mut units = [0i128; SEGMENTS.len()];
    for (&code, value) in names.codes.iter().zip(monetary) {
        if let Some(i) = place.get(code as usize).copied().flatten() {
            customers[i] += 1;
            units[i] += i128::from(value.unwrap_or(0));
        }
    }
    SEGMENTS
        .iter()
        .enumerate()
        .map(|(i, &segment)| SegmentSize {
            segment: segment.to_string(),
            customers: customers[i],
            revenue: saturate(units[i], scale),
        })
        .collect()
}

fn recency_frequency(segments: &Table) -> Vec<Cell> {
    let r = segments.integers("r_score");
    let f = segments.integers("f_score");
    let mut grid = [[0usize; 5]; 5];
    for (r, f) in r.iter().zip(f) {
        if let (Some(r @ 1..=5), Some(f @ 1..=5)) = (*r, *f) {
            grid[(r - 1) as usize][(f - 1) as usize] += 1;
        }
    }
    (1..=5)
        .rev()
        .flat_map(|r| (1..=5).map(move |f| (r, f)))
        .map(|(r, f)| Cell {
            row: r.to_string(),
            column: f.to_string(),
            customers: grid[r - 1][f - 1],
        })
        .collect()
}

fn two_way(table: &Table, rows: &str, columns: &str) -> Vec<Cell> {
    let a = table.text(rows);
    let b = table.text(columns);
    let mut cells: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in 0..table.num_rows() {
        let key = (
            a.get(row).unwrap_or("unknown").to_string(),
            b.get(row).unwrap_or("unknown").to_string(),
        );
        *cells.entry(key).or_default() += 1;
    }
    cells
        .into_iter()
        .map(|((row, column), customers)| Cell {
            row,
            column,
            customers,
        })
        .collect()
}

/// Rows per value of a text column (only the rows whose integer `only.0` is `only.1`).
fn counts(table: &Table, column: &str, only: Option<(&str, i64)>) -> Vec<Count> {
    let values = table.text(column);
    let keep = only.map(|(c, v)| (table.integers(c), v));
    let mut by_code: BTreeMap<u32, usize> = BTreeMap::new();
    for (row, &code) in values.codes.iter().enumerate() {
        if keep.is_none_or(|(ints, v)| ints[row] == Some(v)) {
            *by_code.entry(code).or_default() += 1;
        }
    }
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for (code, n) in by_code {
        let name = if code == NULL_CODE {
            "unknown".to_string()
        } else {
            values.pool.get(code).to_string()
        };
        *by_name.entry(name).or_default() += n;
    }
    let mut out: Vec<Count> = by_name
        .into_iter()
        .map(|(value, customers)| Count { value, customers })
        .collect();
    out.sort_by(|a, b| b.customers.cmp(&a.customers).then(a.value.cmp(&b.value)));
    out
}

//! The shipped singular tests: each a check over one or more models that selects its failing
//! rows, with the SQL a dbt project would keep in `tests/` and one line on why it exists.
//!
//! They recompute what they check straight from `contacts_joined_with_transactions` with
//! their own grouping — not through the models' code — so a bug in a model cannot hide
//! itself. The grouping is by `Keys`: each distinct id or category gets a dense number once,
//! so the loops over a million joined rows index arrays instead of hashing strings.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::engine::models::categories::CategoryColumns;
use crate::engine::value::column::{Column, TextColumn, Value, NULL_CODE};
use crate::engine::value::table::Table;

/// What a singular test sees: model tables by name, and the accepted categories.
pub struct Models<'a> {
    pub get: &'a dyn Fn(&str) -> Option<&'a Table>,
    pub accepted_categories: &'a [String],
}

/// One singular test.
pub struct SingularTest {
    pub name: &'static str,
    /// Why the test exists, in one line.
    pub description: &'static str,
    /// The models it reads, by name.
    pub depends_on: &'static [&'static str],
    pub sql: fn(&[String]) -> String,
    /// Returns the failing rows and how many rows were checked.
    pub check: fn(&Models<'_>) -> Result<(Table, usize), String>,
}

pub static SINGULAR_TESTS: &[SingularTest] = &[
    SingularTest {
        name: "assert_customer_category_amounts_sum_to_total_expense",
        description: "Every dollar of a customer's spend lands in exactly one category column \
                      (other_amount included), so the columns add up to total_expense.",
        depends_on: &["customers"],
        sql: sum_sql,
        check: category_columns_sum_to_total,
    },
    SingularTest {
        name: "assert_category_amounts_match_joined_spend",
        description: "Each category column, summed over customers, equals that category's spend \
                      in contacts_joined_with_transactions: no spend lost or double-counted.",
        depends_on: &["customers", "contacts_joined_with_transactions"],
        sql: category_totals_sql,
        check: category_totals_match,
    },
    SingularTest {
        name: "assert_purchase_dates_match_transactions",
        description: "first_purchase_date <= last_purchase_date, and they are the min and max \
                      transaction_date of the customer's transactions.",
        depends_on: &["customers", "contacts_joined_with_transactions"],
        sql: |_| DATES_SQL.to_string(),
        check: purchase_dates_match,
    },
    SingularTest {
        name: "assert_one_customer_per_joined_contact",
        description: "customers has exactly one row per distinct contact id in \
                      contacts_joined_with_transactions.",
        depends_on: &["customers", "contacts_joined_with_transactions"],
        sql: |_| ONE_ROW_SQL.to_string(),
        check: one_row_per_contact,
    },
];

/// A dense numbering of the distinct values of a text column: `key[code]` for each code of
/// its pool, `0..len`. Equal strings get the same key, whether or not the pool was interned.
struct Keys<'a> {
    column: &'a TextColumn,
    key: Vec<u32>,
    len: usize,
}

/// No key: a null, or a value the numbered column does not have.
const NO_KEY: u32 = u32::MAX;

impl<'a> Keys<'a> {
    fn of(column: &'a TextColumn) -> Keys<'a> {
        if column.pool.is_distinct() {
            return Keys {
                column,
                key: (0..column.pool.len() as u32).collect(),
                len: column.pool.len(),
            };
        }
        let mut by_text: HashMap<&str, u32> = HashMap::default();
        let key = column
            .pool
            .iter()
            .map(|s| {
                let next = by_text.len() as u32;
                *by_text.entry(s).or_insert(next)
            })
            .collect();
        Keys {
            column,
            key,
            len: by_text.len(),
        }
    }

    /// The key of each row of the numbered column.
    fn row(&self, row: usize) -> u32 {
        match self.column.codes[row] {
            NULL_CODE => NO_KEY,
            code => self.key[code as usize],
        }
    }

    /// For another column, the key of each of its pool's codes (NO_KEY for values this
    /// column lacks): the same numbers when both share a pool.
    fn codes_of(&self, other: &TextColumn) -> Vec<u32> {
        if Arc::ptr_eq(&self.column.pool, &other.pool) {
            return self.key.clone();
        }
        let mut by_text: HashMap<&str, u32> = HashMap::default();
        for (code, s) in self.column.pool.iter().enumerate() {
            by_text.entry(s).or_insert(self.key[code]);
        }
        other
            .pool
            .iter()
            .map(|s| by_text.get(s).copied().unwrap_or(NO_KEY))
            .collect()
    }
}

fn text_column<'a>(t: &'a Table, name: &str) -> Result<&'a TextColumn, String> {
    match column(t, name)? {
        Column::Text(c) => Ok(c),
        other => Err(format!(
            "column {name} is {:?}, not text",
            other.data_type()
        )),
    }
}

/// Each row's key in `other`'s numbering by `keys` (NO_KEY for null or unknown).
fn row_keys(keys: &Keys<'_>, other: &TextColumn) -> Vec<u32> {
    let by_code = keys.codes_of(other);
    other
        .codes
        .iter()
        .map(|&c| {
            if c == NULL_CODE {
                NO_KEY
            } else {
                by_code[c as usize]
            }
        })
        .collect()
}

fn model<'a>(m: &Models<'a>, name: &str) -> Result<&'a Table, String> {
    (m.get)(name).ok_or_else(|| format!("model {name} is not available"))
}

fn column<'a>(t: &'a Table, name: &str) -> Result<&'a Column, String> {
    t.column(name)
        .ok_or_else(|| format!("no column named {name}"))
}

/// A decimal cell as (units, scale); null as zero units.
fn units(v: Value<'_>) -> i128 {
    match v {
        Value::Decimal(d) => i128::from(d.units),
        Value::Integer(i) => i128::from(i),
        _ => 0,
    }
}

/// A sum (exact in i128) as a failing row's 64-bit value; one too large is the test's error,
/// never a null that would read as "no rows".
fn fits(sum: i128, column: &str) -> Result<Option<i64>, String> {
    i64::try_from(sum)
        .map(Some)
        .map_err(|_| format!("the sum in column {column} is too large to hold exactly"))
}

fn decimal_column(values: Vec<Option<i64>>, scale: u8) -> Column {
    Column::Decimal { values, scale }
}

fn scale_of(c: &Column) -> u8 {
    match c {
        Column::Decimal { scale, .. } => *scale,
        _ => 0,
    }
}

fn category_columns(accepted: &[String]) -> Vec<String> {
    CategoryColumns::new(accepted).names
}

fn sum_sql(accepted: &[String]) -> String {
    format!(
        "select id, total_expense, {} as category_sum\nfrom {{{{ ref('customers') }}}}\n\
         where total_expense != {}",
        category_columns(accepted).join(" + "),
        category_columns(accepted).join(" + ")
    )
}

fn category_columns_sum_to_total(m: &Models<'_>) -> Result<(Table, usize), String> {
    let customers = model(m, "customers")?;
    let total = column(customers, "total_expense")?;
    let parts: Vec<&Column> = category_columns(m.accepted_categories)
        .iter()
        .map(|c| column(customers, c))
        .collect::<Result<_, _>>()?;
    let mut failing = Vec::new();
    let mut sums = Vec::new();
    for r in 0..customers.num_rows() {
        let sum: i128 = parts.iter().map(|c| units(c.get(r))).sum();
        // As in SQL, a null total compares as unknown, not as a failure.
        if !total.get(r).is_null() && units(total.get(r)) != sum {
            failing.push(r as u32);
            sums.push(fits(sum, "category_sum")?);
        }
    }
    let table = Table::new()
        .with("id", column(customers, "id")?.gather(&failing))
        .with("total_expense", total.gather(&failing))
        .with("category_sum", decimal_column(sums, scale_of(total)));
    Ok((table, customers.num_rows()))
}

fn category_totals_sql(accepted: &[String]) -> String {
    let columns = CategoryColumns::new(accepted);
    let mut parts = Vec::new();
    for (c, name) in columns.categories.iter().zip(&columns.names) {
        parts.push(format!(
            "    select '{}' as category,\n        (select sum({}) from {{{{ ref('customers') }}}}) as customers_total,\n        \
             (select coalesce(sum(amount), 0) from {{{{ ref('contacts_joined_with_transactions') }}}} where category = '{}') as joined_total",
            c.replace('\'', "''"),
            name,
            c.replace('\'', "''")
        ));
    }
    format!(
        "with totals as (\n{}\n)\nselect * from totals where customers_total != joined_total",
        parts.join("\n    union all\n")
    )
}

fn category_totals_match(m: &Models<'_>) -> Result<(Table, usize), String> {
    let customers = model(m, "customers")?;
    let joined = model(m, "contacts_joined_with_transactions")?;
    let categories = text_column(joined, "category")?;
    let amounts = column(joined, "amount")?;
    let ids = column(joined, "id")?;
    // Each category's slot: its place in the accepted list, or the last slot for the rest.
    let own = CategoryColumns::new(m.accepted_categories);
    let other = own.categories.len();
    let slot_of: Vec<usize> = categories.pool.iter().map(|c| own.slot(c)).collect();
    let mut slot_totals = vec![0i128; other + 1];
    for r in 0..joined.num_rows() {
        if ids.is_null(r) {
            continue; // a left join's orphans belong to no customer
        }
        let slot = match categories.codes[r] {
            NULL_CODE => other,
            code => slot_of[code as usize],
        };
        slot_totals[slot] += units(amounts.get(r));
    }
    let mut names = Vec::new();
    let mut customer_sums = Vec::new();
    let mut joined_sums = Vec::new();
    let checks: Vec<&str> = own.categories.iter().copied().chain(["(other)"]).collect();
    for (i, name) in checks.iter().enumerate() {
        let col = column(customers, &own.names[i])?;
        let sum: i128 = (0..customers.num_rows()).map(|r| units(col.get(r))).sum();
        let expected = slot_totals[i];
        if sum != expected {
            names.push(name.to_string());
            customer_sums.push(fits(sum, "customers_total")?);
            joined_sums.push(fits(expected, "joined_total")?);
        }
    }
    let scale = scale_of(amounts);
    let table = Table::new()
        .with(
            "category",
            Column::Text(TextColumn::from_values(
                names.iter().map(|n| Some(n.as_str())),
            )),
        )
        .with("customers_total", decimal_column(customer_sums, scale))
        .with("joined_total", decimal_column(joined_sums, scale));
    Ok((table, checks.len()))
}

const DATES_SQL: &str = "with spans as (\n    select id, min(transaction_date) as min_date, max(transaction_date) as max_date\n    \
from {{ ref('contacts_joined_with_transactions') }}\n    group by id\n)\n\
select c.id, c.first_purchase_date, c.last_purchase_date, s.min_date, s.max_date\n\
from {{ ref('customers') }} c\njoin spans s on s.id = c.id\n\
where c.first_purchase_date > c.last_purchase_date\n   \
or c.first_purchase_date is distinct from s.min_date\n   \
or c.last_purchase_date is distinct from s.max_date";

fn purchase_dates_match(m: &Models<'_>) -> Result<(Table, usize), String> {
    let customers = model(m, "customers")?;
    let joined = model(m, "contacts_joined_with_transactions")?;
    let ids = Keys::of(text_column(joined, "id")?);
    let dates = column(joined, "transaction_date")?;
    // Per id: the earliest and latest purchase, `None` while it has none.
    let mut spans: Vec<Option<(i64, i64)>> = vec![None; ids.len];
    for r in 0..joined.num_rows() {
        let key = ids.row(r);
        if let (true, Value::Timestamp(t)) = (key != NO_KEY, dates.get(r)) {
            let span = spans[key as usize].get_or_insert((t, t));
            span.0 = span.0.min(t);
            span.1 = span.1.max(t);
        }
    }
    let (cid, first, last) = (
        column(customers, "id")?,
        column(customers, "first_purchase_date")?,
        column(customers, "last_purchase_date")?,
    );
    let customer_keys = row_keys(&ids, text_column(customers, "id")?);
    let mut failing = Vec::new();
    let (mut mins, mut maxs) = (Vec::new(), Vec::new());
    for (r, &key) in customer_keys.iter().enumerate() {
        let span = match key {
            NO_KEY => None,
            key => spans[key as usize],
        };
        let (f, l) = (first.get(r), last.get(r));
        let ordered = matches!((f, l), (Value::Timestamp(a), Value::Timestamp(b)) if a <= b);
        let matches = match span {
            Some((lo, hi)) => f == Value::Timestamp(lo) && l == Value::Timestamp(hi),
            None => f.is_null() && l.is_null(),
        };
        if !ordered || !matches {
            failing.push(r as u32);
            mins.push(span.map(|s| s.0));
            maxs.push(span.map(|s| s.1));
        }
    }
    let table = Table::new()
        .with("id", cid.gather(&failing))
        .with("first_purchase_date", first.gather(&failing))
        .with("last_purchase_date", last.gather(&failing))
        .with("min_transaction_date", Column::Timestamp(mins))
        .with("max_transaction_date", Column::Timestamp(maxs));
    Ok((table, customers.num_rows()))
}

const ONE_ROW_SQL: &str = "with joined as (\n    select distinct id from {{ ref('contacts_joined_with_transactions') }} where id is not null\n),\n\
counted as (\n    select id, count(*) as n_rows from {{ ref('customers') }} group by id\n)\n\
select coalesce(j.id, c.id) as id, coalesce(c.n_rows, 0) as customer_rows, j.id is not null as in_joined\n\
from joined j\nfull outer join counted c on c.id = j.id\n\
where c.n_rows is null or c.n_rows != 1 or j.id is null";

fn one_row_per_contact(m: &Models<'_>) -> Result<(Table, usize), String> {
    let customers = model(m, "customers")?;
    let joined = model(m, "contacts_joined_with_transactions")?;
    // The joined ids, numbered; then each one's (rows in customers, present in joined).
    let ids = Keys::of(text_column(joined, "id")?);
    let mut in_joined = vec![false; ids.len];
    for r in 0..joined.num_rows() {
        let key = ids.row(r);
        if key != NO_KEY {
            in_joined[key as usize] = true;
        }
    }
    let cid = text_column(customers, "id")?;
    let customer_keys = row_keys(&ids, cid);
    let mut rows_in_customers = vec![0i64; ids.len];
    let mut seen: HashMap<&str, (i64, bool)> = HashMap::default();
    let mut null_ids = 0i64;
    for (r, &key) in customer_keys.iter().enumerate() {
        match (key, cid.get(r)) {
            (_, None) => null_ids += 1,
            (NO_KEY, Some(id)) => seen.entry(id).or_insert((0, false)).0 += 1,
            (key, Some(_)) => rows_in_customers[key as usize] += 1,
        }
    }
    // The joined ids in their column's pool (one string per key).
    let mut key_text: Vec<Option<&str>> = vec![None; ids.len];
    for (code, s) in ids.column.pool.iter().enumerate() {
        key_text[ids.key[code] as usize].get_or_insert(s);
    }
    for (key, text) in key_text.into_iter().enumerate() {
        let (n, present) = (rows_in_customers[key], in_joined[key]);
        if let Some(text) = text.filter(|_| n > 0 || present) {
            seen.insert(text, (n, present));
        }
    }
    let checked = seen.len();
    let mut failing: Vec<(&str, &(i64, bool))> = seen
        .iter()
        .map(|(id, v)| (*id, v))
        .filter(|(_, (n, joined))| *n != 1 || !*joined)
        .collect();
    failing.sort_by_key(|(id, _)| *id);
    let null_entry = (null_ids, false);
    if null_ids > 0 {
        failing.push(("", &null_entry));
    }
    let table = Table::new()
        .with(
            "id",
            Column::Text(TextColumn::from_values(
                failing
                    .iter()
                    .map(|(id, _)| (!id.is_empty()).then_some(*id)),
            )),
        )
        .with(
            "customer_rows",
            Column::Integer(failing.iter().map(|(_, (n, _))| Some(*n)).collect()),
        )
        .with(
            "in_joined",
            Column::Boolean(failing.iter().map(|(_, (_, j))| Some(*j)).collect()),
        );
    Ok((table, checked))
}

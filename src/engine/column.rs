//! Typed columns: the engine's storage for every source and model.
//!
//! Text is always dictionary-encoded: a shared pool of distinct strings plus one `u32` code
//! per row. Repeated values (categories, contact ids) are stored once, a join copies codes
//! instead of strings (the pool is shared through an `Arc`), and grouping works on integers.
//! Numbers, dates and timestamps are plain vectors of `Option`s.

use std::cmp::Ordering;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::fmt::Write;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::decimal::{format_units, Decimal};
use super::time::{write_date, write_timestamp};

/// A column's logical type, as dbt would document it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    Text,
    Integer,
    Decimal,
    Date,
    Timestamp,
    Boolean,
}

impl DataType {
    /// The name shown in column headers and docs (Postgres's spelling).
    pub fn sql_name(self) -> &'static str {
        match self {
            DataType::Text => "text",
            DataType::Integer => "integer",
            DataType::Decimal => "numeric",
            DataType::Date => "date",
            DataType::Timestamp => "timestamp",
            DataType::Boolean => "boolean",
        }
    }

    /// Whether values are numbers (right-aligned in tables).
    pub fn is_numeric(self) -> bool {
        matches!(self, DataType::Integer | DataType::Decimal)
    }
}

/// The code of a null text value.
pub const NULL_CODE: u32 = u32::MAX;

/// Strings stored back to back. When `distinct`, no string appears twice (the column was
/// interned), so equal codes mean equal strings and the other way round.
#[derive(Clone, Debug, Default)]
pub struct StrPool {
    bytes: String,
    ends: Vec<usize>,
    distinct: bool,
}

impl StrPool {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, code: u32) -> &str {
        &self.bytes[self.range(code)]
    }

    /// The string's bytes: slicing bytes skips `str`'s char-boundary checks, for hot loops.
    fn get_bytes(&self, code: u32) -> &[u8] {
        &self.bytes.as_bytes()[self.range(code)]
    }

    fn range(&self, code: u32) -> std::ops::Range<usize> {
        let i = code as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        start..self.ends[i]
    }

    fn push(&mut self, value: &str) -> u32 {
        self.bytes.push_str(value);
        self.ends.push(self.bytes.len());
        (self.ends.len() - 1) as u32
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).map(|c| self.get(c))
    }

    /// Whether every string in the pool is different from every other.
    pub fn is_distinct(&self) -> bool {
        self.distinct
    }
}

/// A dictionary-encoded text column.
#[derive(Clone, Debug)]
pub struct TextColumn {
    pub pool: Arc<StrPool>,
    pub codes: Vec<u32>,
}

impl TextColumn {
    pub fn get(&self, row: usize) -> Option<&str> {
        match self.codes[row] {
            NULL_CODE => None,
            code => Some(self.pool.get(code)),
        }
    }

    /// Builds a column from values, interning them.
    pub fn from_values<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> TextColumn {
        let mut builder = TextBuilder::new(true);
        for v in values {
            builder.push(v);
        }
        builder.finish()
    }
}

/// Builds a [`TextColumn`]; with `intern`, equal values share one pool entry.
pub struct TextBuilder {
    pool: StrPool,
    codes: Vec<u32>,
    /// The pool's strings by hash, as (hash, code): no string is stored twice. Keeping the
    /// hash means growing the table never re-reads the strings.
    index: Option<HashTable<(u64, u32)>>,
}

fn hash_str(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

impl TextBuilder {
    pub fn new(intern: bool) -> Self {
        TextBuilder {
            pool: StrPool::default(),
            codes: Vec::new(),
            index: intern.then(HashTable::new),
        }
    }

    pub fn push(&mut self, value: Option<&str>) {
        let code = match (value, &mut self.index) {
            (None, _) => NULL_CODE,
            (Some(v), None) => self.pool.push(v),
            (Some(v), Some(index)) => {
                let hash = hash_str(v);
                let pool = &mut self.pool;
                match index.find(hash, |&(h, code)| {
                    h == hash && pool.get_bytes(code) == v.as_bytes()
                }) {
                    Some(&(_, code)) => code,
                    None => {
                        let code = pool.push(v);
                        index.insert_unique(hash, (hash, code), |&(h, _)| h);
                        code
                    }
                }
            }
        };
        self.codes.push(code);
    }

    pub fn finish(mut self) -> TextColumn {
        self.pool.distinct = self.index.is_some();
        TextColumn {
            pool: Arc::new(self.pool),
            codes: self.codes,
        }
    }
}

/// One typed column.
#[derive(Clone, Debug)]
pub enum Column {
    Text(TextColumn),
    Integer(Vec<Option<i64>>),
    /// Exact decimals: every value is `units / 10^scale`.
    Decimal {
        values: Vec<Option<i64>>,
        scale: u8,
    },
    Date(Vec<Option<NaiveDate>>),
    /// Milliseconds since the Unix epoch, UTC.
    Timestamp(Vec<Option<i64>>),
    Boolean(Vec<Option<bool>>),
}

/// One cell, borrowed from its column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
    Integer(i64),
    Decimal(Decimal),
    Date(NaiveDate),
    Timestamp(i64),
    Boolean(bool),
}

impl Value<'_> {
    /// Writes the value as c360 prints it in CSV: null as the empty string, timestamps as
    /// `YYYY-MM-DD HH:MM:SS.mmm`, decimals exactly at their column's scale.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Value::Null => {}
            Value::Text(s) => out.push_str(s),
            Value::Integer(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Decimal(d) => format_units(d.units, d.scale, out),
            Value::Date(d) => write_date(*d, out),
            Value::Timestamp(t) => write_timestamp(*t, out),
            Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

fn gather<T: Copy>(values: &[T], rows: &[u32]) -> Vec<T> {
    rows.iter().map(|&r| values[r as usize]).collect()
}

/// Nulls sort last, whatever the direction of the rest.
fn cmp_options<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Text(t) => t.codes.len(),
            Column::Integer(v) | Column::Timestamp(v) => v.len(),
            Column::Decimal { values, .. } => values.len(),
            Column::Date(v) => v.len(),
            Column::Boolean(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn data_type(&self) -> DataType {
        match self {
            Column::Text(_) => DataType::Text,
            Column::Integer(_) => DataType::Integer,
            Column::Decimal { .. } => DataType::Decimal,
            Column::Date(_) => DataType::Date,
            Column::Timestamp(_) => DataType::Timestamp,
            Column::Boolean(_) => DataType::Boolean,
        }
    }

    pub fn get(&self, row: usize) -> Value<'_> {
        match self {
            Column::Text(t) => t.get(row).map_or(Value::Null, Value::Text),
            Column::Integer(v) => v[row].map_or(Value::Null, Value::Integer),
            Column::Decimal { values, scale } => {
                values[row].map_or(Value::Null, |u| Value::Decimal(Decimal::new(u, *scale)))
            }
            Column::Date(v) => v[row].map_or(Value::Null, Value::Date),
            Column::Timestamp(v) => v[row].map_or(Value::Null, Value::Timestamp),
            Column::Boolean(v) => v[row].map_or(Value::Null, Value::Boolean),
        }
    }

    pub fn is_null(&self, row: usize) -> bool {
        self.get(row).is_null()
    }

    /// The rows at `rows`, in that order (a join's or a filter's output).
    pub fn gather(&self, rows: &[u32]) -> Column {
        match self {
            Column::Text(t) => Column::Text(TextColumn {
                pool: Arc::clone(&t.pool),
                codes: gather(&t.codes, rows),
            }),
            Column::Integer(v) => Column::Integer(gather(v, rows)),
            Column::Decimal { values, scale } => Column::Decimal {
                values: gather(values, rows),
                scale: *scale,
            },
            Column::Date(v) => Column::Date(gather(v, rows)),
            Column::Timestamp(v) => Column::Timestamp(gather(v, rows)),
            Column::Boolean(v) => Column::Boolean(gather(v, rows)),
        }
    }

    /// Like [`Column::gather`], where `None` gives a null row (a left join's miss).
    pub fn gather_optional(&self, rows: &[Option<u32>]) -> Column {
        fn go<T: Copy>(values: &[Option<T>], rows: &[Option<u32>]) -> Vec<Option<T>> {
            rows.iter()
                .map(|r| r.and_then(|r| values[r as usize]))
                .collect()
        }
        match self {
            Column::Text(t) => Column::Text(TextColumn {
                pool: Arc::clone(&t.pool),
                codes: rows
                    .iter()
                    .map(|r| r.map_or(NULL_CODE, |r| t.codes[r as usize]))
                    .collect(),
            }),
            Column::Integer(v) => Column::Integer(go(v, rows)),
            Column::Decimal { values, scale } => Column::Decimal {
                values: go(values, rows),
                scale: *scale,
            },
            Column::Date(v) => Column::Date(go(v, rows)),
            Column::Timestamp(v) => Column::Timestamp(go(v, rows)),
            Column::Boolean(v) => Column::Boolean(go(v, rows)),
        }
    }

    /// Compares two rows of this column; nulls sort last.
    pub fn compare_rows(&self, a: usize, b: usize) -> Ordering {
        match self {
            Column::Text(t) => cmp_options(&t.get(a), &t.get(b)),
            Column::Integer(v) | Column::Timestamp(v) => cmp_options(&v[a], &v[b]),
            Column::Decimal { values, .. } => cmp_options(&values[a], &values[b]),
            Column::Date(v) => cmp_options(&v[a], &v[b]),
            Column::Boolean(v) => cmp_options(&v[a], &v[b]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_stores_each_value_once() {
        let col = TextColumn::from_values([Some("Books"), Some("Beauty"), None, Some("Books")]);
        assert_eq!(col.pool.len(), 2);
        assert_eq!(col.get(3), Some("Books"));
        assert_eq!(col.get(2), None);
    }

    #[test]
    fn gather_shares_the_pool() {
        let col = Column::Text(TextColumn::from_values([Some("a"), Some("b")]));
        let gathered = col.gather(&[1, 1, 0]);
        assert_eq!(gathered.get(0), Value::Text("b"));
        assert_eq!(gathered.get(2), Value::Text("a"));
        let left = col.gather_optional(&[Some(0), None]);
        assert_eq!(left.get(1), Value::Null);
    }

    #[test]
    fn nulls_sort_last() {
        let col = Column::Integer(vec![None, Some(2), Some(1)]);
        assert_eq!(col.compare_rows(0, 1), Ordering::Greater);
        assert_eq!(col.compare_rows(2, 1), Ordering::Less);
    }
}

//! Typed columns: the engine's storage for every source and model.
//!
//! Text is always dictionary-encoded: a shared pool of distinct strings plus one `u32` code
//! per row. Repeated values (categories, contact ids) are stored once, a join copies codes
//! instead of strings (the pool is shared through an `Arc`), and grouping works on integers.
//! Numbers, dates and timestamps are plain vectors of `Option`s.

use std::cmp::Ordering;
use std::hash::BuildHasher;

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
    pub(crate) fn get_bytes(&self, code: u32) -> &[u8] {
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

    /// Hints the processor to fetch where string `code` lies, ahead of a [`StrPool::get`] of
    /// it (then [`StrPool::prefetch_bytes`], once this has arrived): a writer that reads rows
    /// in order reads a large pool at random.
    #[inline]
    pub fn prefetch_offsets(&self, code: u32) {
        if code != NULL_CODE {
            prefetch(self.ends.as_ptr().wrapping_add(code as usize));
        }
    }

    /// Hints the processor to fetch string `code`'s first bytes.
    #[inline]
    pub fn prefetch_bytes(&self, code: u32) {
        if let Some(&end) = self.ends.get(code as usize) {
            let len = self.get_bytes(code).len();
            prefetch(self.bytes.as_ptr().wrapping_add(end - len));
        }
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
///
/// Interning is memory-bound: a value's slot in the index, its place in the pool and its
/// bytes are three cache misses on a large column. So interned values are staged and looked
/// up a batch at a time, each lookup's memory prefetched a few values ahead, so that the
/// misses of neighbouring values overlap instead of following one another. Codes are given in
/// order of first appearance, as one value at a time would give them.
pub struct TextBuilder {
    pool: StrPool,
    codes: Vec<u32>,
    index: Option<Index>,
    /// Interned values not yet looked up: their bytes back to back, and where each ends.
    staged: String,
    staged_ends: Vec<usize>,
    /// The first row of `codes` with a staged value (rows after it are staged or null).
    staged_from: usize,
    /// The staged values' hash tags (kept to reuse the allocation).
    tags: Vec<u32>,
}

/// How many values are staged before a batch lookup.
const BATCH: usize = 256;

/// How many values ahead each stage of a batch lookup prefetches.
const AHEAD: usize = 8;

/// An open-addressing index of an interned pool, with linear probing. A slot holds
/// `(tag << 32) | (code + 1)`, 0 when empty; the tag is the top 32 bits of the value's hash
/// and its top bits also choose the slot, so growing needs no string re-read.
struct Index {
    slots: Vec<u64>,
    /// log2 of `slots.len()`.
    bits: u32,
    len: usize,
}

fn hash_str(s: &[u8]) -> u32 {
    // FxHash is as wide as the platform's word: on wasm32 the hash has 32 bits, and taking the
    // top half of a u64 would give every value the tag 0 (and the index linear probes over
    // everything). Folding the halves keeps the well-mixed high bits on 64-bit platforms and
    // the whole hash on 32-bit ones.
    let h = FxBuildHasher.hash_one(s);
    (h ^ (h >> 32)) as u32
}

/// Hints the processor to fetch `p`'s cache line: a prefetch never faults and has no
/// effect on the program's values.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` only hints the cache; it does not access memory architecturally,
    // so any address, even a dangling one, is sound. SSE is part of the x86_64 baseline.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// `a == b`, compared eight bytes at a time inline for the short strings columns hold
/// (a call to `memcmp` costs more than the comparison).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 64 {
        return a == b;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let words_equal = a8.by_ref().zip(b8.by_ref()).all(|(x, y)| {
        u64::from_ne_bytes(x.try_into().unwrap_or_default())
            == u64::from_ne_bytes(y.try_into().unwrap_or_default())
    });
    words_equal
        && a8
            .remainder()
            .iter()
            .zip(b8.remainder())
            .all(|(x, y)| x == y)
}

impl Index {
    fn new() -> Self {
        Index {
            slots: vec![0; 16],
            bits: 4,
            len: 0,
        }
    }

    #[inline(always)]
    fn home(&self, tag: u32) -> usize {
        (tag >> (32 - self.bits)) as usize
    }

    /// Grows (keeping a load of at most a half) so that `more` values can be added.
    fn reserve(&mut self, more: usize) {
        if (self.len + more) * 2 <= self.slots.len() {
            return;
        }
        let mut bits = self.bits;
        while (self.len + more) * 2 > 1usize << bits {
            bits += 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![0; 1 << bits]);
        self.bits = bits;
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut i = self.home((slot >> 32) as u32);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// The code of `value` in `pool`, adding it when new. Room must have been reserved.
    #[inline(always)]
    fn intern(&mut self, pool: &mut StrPool, tag: u32, value: &str) -> u32 {
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                let code = pool.push(value);
                self.slots[i] = (u64::from(tag) << 32) | (u64::from(code) + 1);
                self.len += 1;
                return code;
            }
            let code = (slot as u32).wrapping_sub(1);
            if (slot >> 32) as u32 == tag && same_bytes(pool.get_bytes(code), value.as_bytes()) {
                return code;
            }
            i = (i + 1) & mask;
        }
    }
}

impl TextBuilder {
    pub fn new(intern: bool) -> Self {
        TextBuilder {
            pool: StrPool::default(),
            codes: Vec::new(),
            index: intern.then(Index::new),
            staged: String::new(),
            staged_ends: Vec::new(),
            staged_from: 0,
            tags: Vec::new(),
        }
    }

    /// Whether equal values share one pool entry.
    pub fn interns(&self) -> bool {
        self.index.is_some()
    }

    /// The share of the rows so far that brought a new value (1 when every value differs;
    /// 0 before any row).
    pub fn distinct_share(&mut self) -> f64 {
        self.flush();
        let rows = self.codes.iter().filter(|&&c| c != NULL_CODE).count();
        if rows == 0 {
            0.0
        } else {
            self.pool.len() as f64 / rows as f64
        }
    }

    pub fn push(&mut self, value: Option<&str>) {
        match value {
            None => self.push_null(),
            Some(v) => self.push_str(v),
        }
    }

    #[inline]
    pub fn push_null(&mut self) {
        self.codes.push(NULL_CODE);
    }

    #[inline]
    pub fn push_str(&mut self, v: &str) {
        if self.index.is_none() {
            let code = self.pool.push(v);
            self.codes.push(code);
            return;
        }
        if self.staged_ends.is_empty() {
            self.staged_from = self.codes.len();
        }
        self.staged.push_str(v);
        self.staged_ends.push(self.staged.len());
        // A placeholder other than NULL_CODE: `flush` fills it in.
        self.codes.push(0);
        if self.staged_ends.len() == BATCH {
            self.flush();
        }
    }

    /// Looks up the staged values, a batch at a time with their memory prefetched.
    fn flush(&mut self) {
        let Some(index) = &mut self.index else {
            return;
        };
        let n = self.staged_ends.len();
        if n == 0 {
            return;
        }
        index.reserve(n);
        let (staged, ends) = (&self.staged, &self.staged_ends);
        let value = |k: usize| &staged[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
        let tags = &mut self.tags;
        tags.clear();
        tags.extend((0..n).map(|k| hash_str(value(k).as_bytes())));
        let mut row = self.staged_from;
        let (pool, codes) = (&mut self.pool, &mut self.codes);
        // Three stages run ahead of the lookup: the slot, then the pool's offsets of the
        // value the slot holds, then that value's bytes.
        for k in 0..n + 3 * AHEAD {
            if k < n {
                prefetch(&index.slots[index.home(tags[k])]);
            }
            if let Some(j) = k.checked_sub(AHEAD).filter(|&j| j < n) {
                let slot = index.slots[index.home(tags[j])];
                if slot != 0 {
                    let code = (slot as u32).wrapping_sub(1) as usize;
                    prefetch(pool.ends.as_ptr().wrapping_add(code.saturating_sub(1)));
                }
            }
            if let Some(j) = k.checked_sub(2 * AHEAD).filter(|&j| j < n) {
                let slot = index.slots[index.home(tags[j])];
                if slot != 0 {
                    let code = (slot as u32).wrapping_sub(1);
                    if let Some(&start) = pool.ends.get(code as usize) {
                        let start = start - pool.get_bytes(code).len();
                        prefetch(pool.bytes.as_ptr().wrapping_add(start));
                    }
                }
            }
            if let Some(j) = k.checked_sub(3 * AHEAD).filter(|&j| j < n) {
                let code = index.intern(pool, tags[j], value(j));
                while codes[row] == NULL_CODE {
                    row += 1;
                }
                codes[row] = code;
                row += 1;
            }
        }
        self.staged.clear();
        self.staged_ends.clear();
    }

    pub fn finish(mut self) -> TextColumn {
        self.flush();
        self.pool.distinct = self.index.is_some();
        TextColumn {
            pool: Arc::new(self.pool),
            codes: self.codes,
        }
    }
}

/// Builds an interned [`TextColumn`] whose every value is a function of a small key (a
/// reason made from a category and a count): each distinct key's text is made and interned
/// once, and a row costs a hash of its key instead of a string. The column is the one
/// [`TextBuilder`] would give for the same texts row by row, codes in order of first
/// appearance (two keys of the same text share its code).
pub(crate) struct KeyedTextBuilder<K> {
    /// Each key seen, with the index among `texts`' values of its text.
    keys: rustc_hash::FxHashMap<K, u32>,
    /// The first row of each distinct key, interned.
    texts: TextBuilder,
    /// Per row, the index of its key's text.
    rows: Vec<u32>,
}

impl<K: std::hash::Hash + Eq> KeyedTextBuilder<K> {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        KeyedTextBuilder {
            keys: Default::default(),
            texts: TextBuilder::new(true),
            rows: Vec::with_capacity(rows),
        }
    }

    /// A row whose value is `text()`, made only when `key` is new.
    pub(crate) fn push(&mut self, key: K, text: impl FnOnce() -> String) {
        let next = self.keys.len() as u32;
        let index = *self.keys.entry(key).or_insert_with(|| {
            self.texts.push_str(&text());
            next
        });
        self.rows.push(index);
    }

    pub(crate) fn finish(self) -> TextColumn {
        let texts = self.texts.finish();
        TextColumn {
            codes: self.rows.iter().map(|&i| texts.codes[i as usize]).collect(),
            pool: texts.pool,
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
    fn tags_spread_whatever_the_width_of_the_platforms_hash() {
        // The index finds a value's slot by its tag: tags that collide make it probe. (Taking
        // the top half of a 64-bit hash gave every value the tag 0 on wasm32.)
        let tags: std::collections::HashSet<u32> = (0..10_000)
            .map(|i| hash_str(format!("5d0c{i:04x}-9b1e-4c2a-8f00-{i:012}").as_bytes()))
            .collect();
        assert!(tags.len() > 9_900, "{} distinct tags of 10,000", tags.len());
        let homes: std::collections::HashSet<u32> = tags.iter().map(|t| t >> 18).collect();
        // 10,000 values in 16,384 homes fill some 7,500 of them when the top bits are uniform.
        assert!(
            homes.len() > 7_000,
            "the top bits choose the slot: {}",
            homes.len()
        );
    }

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

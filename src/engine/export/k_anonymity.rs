//! k-anonymity over the quasi-identifiers, after the policies: the equivalence classes (rows
//! with equal quasi-identifier values), their sizes, and the re-identification risk a
//! reviewer asks for.
//!
//! A class's size counts people, not rows: when the dataset has an entity column (the
//! contact `id`), the distinct ids in the class, so that one person's fifty transactions do
//! not make a class of fifty look anonymous. A row whose id is empty (an orphan transaction
//! kept by the left-join policy) counts as a person of its own. An empty quasi-identifier is
//! a value like any other. A record's risk is 1 / its class's size; the highest risk is
//! 1 / the smallest class, the average is over the rows.

use rustc_hash::FxHashMap;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::engine::value::column::{Column, NULL_CODE};

/// The equivalence classes of a table's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classes {
    /// Each row's class, numbered in order of first appearance.
    pub class_of_row: Vec<u32>,
    /// Each class's size in people (distinct entities).
    pub size: Vec<u32>,
    /// Each class's rows.
    pub rows: Vec<u32>,
    /// Each class's first row, to show its values.
    pub first_row: Vec<u32>,
}

/// The risk figures of one set of classes at one k.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    pub rows: usize,
    pub classes: usize,
    /// The smallest class's size: the k achieved (`None` with no rows).
    pub smallest_class: Option<usize>,
    pub classes_below_k: usize,
    pub rows_in_small_classes: usize,
    /// 1 / the smallest class (0 with no rows).
    pub highest_record_risk: f64,
    /// The mean over rows of 1 / the row's class size (0 with no rows).
    pub average_record_risk: f64,
}

/// Each row's value as a dense number: equal values, equal numbers.
fn dense(column: &Column) -> Vec<u32> {
    fn by_hash<T: std::hash::Hash + Eq>(values: impl Iterator<Item = T>) -> Vec<u32> {
        let mut ids: FxHashMap<T, u32> = FxHashMap::default();
        values
            .map(|v| {
                let next = ids.len() as u32;
                *ids.entry(v).or_insert(next)
            })
            .collect()
    }
    match column {
        Column::Text(t) if t.pool.is_distinct() => {
            // Codes are values already; a null gets the number after the last code.
            let null = t.pool.len() as u32;
            t.codes
                .iter()
                .map(|&c| if c == NULL_CODE { null } else { c })
                .collect()
        }
        Column::Text(t) => by_hash((0..t.codes.len()).map(|r| t.get(r))),
        Column::Integer(v) | Column::Timestamp(v) => by_hash(v.iter().copied()),
        Column::Decimal { values, .. } => by_hash(values.iter().copied()),
        Column::Date(v) => by_hash(v.iter().copied()),
        Column::Boolean(v) => by_hash(v.iter().copied()),
    }
}

/// The classes of rows equal on every one of `quasi_identifiers` (one class of every row
/// when there are none), sized by distinct `entity` when given.
pub fn classes(quasi_identifiers: &[&Column], entity: Option<&Column>, rows: usize) -> Classes {
    let mut class_of_row = vec![0u32; rows];
    let mut count = u32::from(rows > 0);
    for column in quasi_identifiers {
        let ids = dense(column);
        let mut combined: FxHashMap<u64, u32> = FxHashMap::default();
        for (class, id) in class_of_row.iter_mut().zip(ids) {
            let key = (u64::from(*class) << 32) | u64::from(id);
            let next = combined.len() as u32;
            *class = *combined.entry(key).or_insert(next);
        }
        count = combined.len() as u32;
    }
    let classes = count as usize;
    let mut size = vec![0u32; classes];
    let mut row_count = vec![0u32; classes];
    let mut first_row = vec![u32::MAX; classes];
    for (row, &c) in class_of_row.iter().enumerate() {
        row_count[c as usize] += 1;
        if first_row[c as usize] == u32::MAX {
            first_row[c as usize] = row as u32;
        }
    }
    match entity {
        None => size.clone_from(&row_count),
        Some(entity) => {
            let ids = dense(entity);
            let mut seen: FxHashSet<(u32, u64)> = FxHashSet::default();
            for (row, (&c, &id)) in class_of_row.iter().zip(&ids).enumerate() {
                let person = if entity.is_null(row) {
                    // Its own person: a number past every id.
                    u64::from(u32::MAX) + 1 + row as u64
                } else {
                    u64::from(id)
                };
                if seen.insert((c, person)) {
                    size[c as usize] += 1;
                }
            }
        }
    }
    Classes {
        class_of_row,
        size,
        rows: row_count,
        first_row,
    }
}

impl Classes {
    /// The risk figures at `k`.
    pub fn risk(&self, k: usize) -> Risk {
        let rows = self.class_of_row.len();
        let smallest = self.size.iter().min().map(|&s| s as usize);
        let small: Vec<usize> = (0..self.size.len())
            .filter(|&c| (self.size[c] as usize) < k)
            .collect();
        let total: f64 = self
            .class_of_row
            .iter()
            .map(|&c| 1.0 / f64::from(self.size[c as usize]))
            .sum();
        Risk {
            rows,
            classes: self.size.len(),
            smallest_class: smallest,
            classes_below_k: small.len(),
            rows_in_small_classes: small.iter().map(|&c| self.rows[c] as usize).sum(),
            highest_record_risk: smallest.map_or(0.0, |s| 1.0 / s as f64),
            average_record_risk: if rows == 0 { 0.0 } else { total / rows as f64 },
        }
    }

    /// The classes smaller than `k`, in order of first appearance.
    pub fn small(&self, k: usize) -> Vec<u32> {
        (0..self.size.len() as u32)
            .filter(|&c| (self.size[c as usize] as usize) < k)
            .collect()
    }

    /// The rows outside classes smaller than `k`, in order.
    pub fn kept_rows(&self, k: usize) -> Vec<u32> {
        (0..self.class_of_row.len() as u32)
            .filter(|&r| self.size[self.class_of_row[r as usize] as usize] as usize >= k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::column::TextColumn;

    fn text(values: &[Option<&str>]) -> Column {
        Column::Text(TextColumn::from_values(values.iter().copied()))
    }

    #[test]
    fn class_sizes_by_rows_and_risk() {
        let band = text(&[
            Some("30-39"),
            Some("30-39"),
            Some("40-49"),
            Some("30-39"),
            None,
        ]);
        let gender = text(&[Some("F"), Some("F"), Some("F"), Some("M"), None]);
        let c = classes(&[&band, &gender], None, 5);
        assert_eq!(c.class_of_row, vec![0, 0, 1, 2, 3]);
        assert_eq!(c.size, vec![2, 1, 1, 1]);
        let risk = c.risk(2);
        assert_eq!(risk.smallest_class, Some(1));
        assert_eq!(risk.classes_below_k, 3);
        assert_eq!(risk.rows_in_small_classes, 3);
        assert_eq!(risk.highest_record_risk, 1.0);
        assert!((risk.average_record_risk - (0.5 + 0.5 + 1.0 + 1.0 + 1.0) / 5.0).abs() < 1e-12);
        assert_eq!(c.kept_rows(2), vec![0, 1]);
        assert_eq!(c.small(2), vec![1, 2, 3]);
    }

    #[test]
    fn a_persons_many_rows_count_once_and_empty_ids_each_once() {
        let band = text(&[Some("30-39"); 5]);
        let id = text(&[Some("a"), Some("a"), Some("a"), None, None]);
        let c = classes(&[&band], Some(&id), 5);
        assert_eq!(c.size, vec![3], "a, and two people with no id");
        assert_eq!(c.rows, vec![5]);
        let id = Column::Integer(vec![Some(1), Some(1), Some(1), Some(1), Some(2)]);
        assert_eq!(classes(&[&band], Some(&id), 5).size, vec![2]);
    }

    #[test]
    fn no_rows_and_no_quasi_identifiers() {
        let c = classes(&[], None, 0);
        assert_eq!(c.risk(5).smallest_class, None);
        assert_eq!(c.risk(5).highest_record_risk, 0.0);
        let c = classes(&[], None, 3);
        assert_eq!(c.size, vec![3]);
    }

    #[test]
    fn non_interned_text_and_numbers_group_by_value() {
        let mut b = crate::engine::value::column::TextBuilder::new(false);
        for v in ["x", "y", "x"] {
            b.push_str(v);
        }
        let col = Column::Text(b.finish());
        let years = Column::Integer(vec![Some(1990), Some(1990), Some(1990)]);
        assert_eq!(classes(&[&col, &years], None, 3).size, vec![2, 1]);
    }
}

//! `unique`: no two rows share a (non-null) value. dbt counts the repeated values.

use rustc_hash::FxHashMap as HashMap;

use super::keys::key;
use super::{Failing, GenericKind};
use crate::engine::value::column::Column;

/// Arguments besides `column_name`: none.
pub const ARGUMENTS: &[&str] = &[];

pub fn parse_arguments() -> GenericKind {
    GenericKind::Unique
}

pub fn failing(column: &Column, rows: &[u32]) -> Failing {
    // Interned text: equal strings share a code, so counting codes is enough.
    if let Column::Text(t) = column {
        if t.pool.is_distinct() {
            let mut counts = vec![0u32; t.pool.len()];
            for &r in rows {
                if let Some(n) = counts.get_mut(t.codes[r as usize] as usize) {
                    *n += 1;
                }
            }
            let failures = counts.iter().filter(|&&n| n > 1).count();
            let rows = if failures == 0 {
                Vec::new()
            } else {
                rows.iter()
                    .copied()
                    .filter(|&r| {
                        counts
                            .get(t.codes[r as usize] as usize)
                            .is_some_and(|&n| n > 1)
                    })
                    .collect()
            };
            return Failing {
                failures,
                rows,
                extra: None,
            };
        }
    }
    let mut counts: HashMap<_, u32> =
        HashMap::with_capacity_and_hasher(rows.len(), Default::default());
    for &r in rows {
        if let Some(k) = key(column.get(r as usize)) {
            *counts.entry(k).or_insert(0) += 1;
        }
    }
    let failures = counts.values().filter(|&&n| n > 1).count();
    let rows = if failures == 0 {
        Vec::new()
    } else {
        rows.iter()
            .copied()
            .filter(|&r| key(column.get(r as usize)).is_some_and(|k| counts[&k] > 1))
            .collect()
    };
    Failing {
        failures,
        rows,
        extra: None,
    }
}

pub fn sql(relation: &str, column: &str, filter: &str) -> String {
    format!(
        "select {column} as unique_field, count(*) as n_records\n\
         from {relation}\n\
         where {column} is not null{filter}\n\
         group by {column}\n\
         having count(*) > 1"
    )
}

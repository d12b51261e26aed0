//! Helpers several models share over an interned text column's codes: grouping rows by code
//! ([`group_by_codes`], for one row per customer or category) and finding the row that holds
//! each code's value ([`rows_by_code`], for joins by key). Not a model, and not general
//! column code (that is `engine::value::column`): these are the models' own idioms.

use crate::engine::value::column::NULL_CODE;

/// Rows grouped by a text column's codes: each row's group, and each group's first row.
/// Groups are numbered in code order; null rows get no group.
pub(crate) fn group_by_codes(codes: &[u32], pool_len: usize) -> (Vec<u32>, Vec<u32>) {
    let mut group_of_code = vec![NULL_CODE; pool_len];
    for &code in codes {
        if code != NULL_CODE {
            group_of_code[code as usize] = 0;
        }
    }
    let mut groups = 0u32;
    for g in group_of_code.iter_mut().filter(|g| **g == 0) {
        *g = groups;
        groups += 1;
    }
    let mut first_row = vec![u32::MAX; groups as usize];
    let group_of_row = codes
        .iter()
        .enumerate()
        .map(|(row, &code)| {
            if code == NULL_CODE {
                return NULL_CODE;
            }
            let g = group_of_code[code as usize];
            if first_row[g as usize] == u32::MAX {
                first_row[g as usize] = row as u32;
            }
            g
        })
        .collect();
    (group_of_row, first_row)
}

/// For each code of `lookup`'s pool, the row of `keys` holding that value (`NULL_CODE`
/// when none does). A model's key column is usually gathered from its parent's, so the two
/// share one pool and a code is its value: no string is hashed then.
pub(crate) fn rows_by_code(
    keys: &crate::engine::value::column::TextColumn,
    lookup: &crate::engine::value::column::TextColumn,
) -> Vec<u32> {
    let mut rows = vec![NULL_CODE; lookup.pool.len()];
    if std::sync::Arc::ptr_eq(&keys.pool, &lookup.pool) {
        for (row, &code) in keys.codes.iter().enumerate() {
            if code != NULL_CODE && rows[code as usize] == NULL_CODE {
                rows[code as usize] = row as u32;
            }
        }
        return rows;
    }
    let mut row_of: rustc_hash::FxHashMap<&str, u32> = Default::default();
    for row in 0..keys.codes.len() {
        if let Some(v) = keys.get(row) {
            row_of.entry(v).or_insert(row as u32);
        }
    }
    for (code, v) in lookup.pool.iter().enumerate() {
        if let Some(&row) = row_of.get(v) {
            rows[code] = row;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_code_order_and_skip_nulls() {
        let (group_of_row, first_row) = group_by_codes(&[5, 2, 5, NULL_CODE, 0], 6);
        assert_eq!(group_of_row, vec![2, 1, 2, NULL_CODE, 0]);
        assert_eq!(first_row, vec![4, 1, 0]);
    }
}

//! `expression_is_true` (dbt_utils): a row condition that must hold for every row; rows where
//! it is false fail (unknown, because of a null, is not a failure — as in SQL).

use super::condition::Condition;
use super::Failing;
use crate::engine::table::Table;

pub fn failing(table: &Table, rows: &[u32], expression: &Condition) -> Result<Failing, String> {
    let false_rows = expression.false_rows(table)?;
    let wanted: std::collections::HashSet<u32> = rows.iter().copied().collect();
    let rows: Vec<u32> = false_rows
        .into_iter()
        .filter(|r| wanted.contains(r))
        .collect();
    Ok(Failing {
        failures: rows.len(),
        rows,
        extra: None,
    })
}

pub fn sql(relation: &str, expression: &str, filter: &str) -> String {
    format!("select *\nfrom {relation}\nwhere not ({expression}){filter}")
}

//! `not_null`: every row has a value. dbt counts the null rows.

use super::{Failing, GenericKind};
use crate::engine::value::column::Column;

/// Arguments besides `column_name`: none.
pub const ARGUMENTS: &[&str] = &[];

pub fn parse_arguments() -> GenericKind {
    GenericKind::NotNull
}

pub fn failing(column: &Column, rows: &[u32]) -> Failing {
    let rows: Vec<u32> = rows
        .iter()
        .copied()
        .filter(|&r| column.is_null(r as usize))
        .collect();
    Failing {
        failures: rows.len(),
        rows,
        extra: None,
    }
}

pub fn sql(relation: &str, column: &str, filter: &str) -> String {
    format!("select *\nfrom {relation}\nwhere {column} is null{filter}")
}

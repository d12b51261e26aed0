//! `expression_is_true` (dbt_utils): a row condition that must hold for every row; rows where
//! it is false fail (unknown, because of a null, is not a failure — as in SQL).

use super::arguments::{Arguments, Reported};
use super::condition::Condition;
use super::{Failing, GenericKind};
use crate::engine::value::table::Table;

/// Arguments besides `column_name`: the condition.
pub const ARGUMENTS: &[&str] = &["expression"];

/// `column` is the column the test is attached to: an expression that starts with an
/// operator is about it, as dbt_utils reads it (`>= 0` is `amount >= 0`).
pub fn parse_arguments(
    args: &mut impl Arguments,
    column: Option<&str>,
) -> Result<GenericKind, Reported> {
    let Some(text) = args.text("expression")? else {
        return Err(
            args.error("`expression_is_true` needs `expression:` (e.g. `amount >= 0`)".into())
        );
    };
    let mut expression = text.trim().to_string();
    if let Some(c) = column {
        if expression.starts_with(['=', '!', '<', '>']) || expression.starts_with("is ") {
            expression = format!("{c} {expression}");
        }
    }
    if let Err(message) = Condition::parse(&expression) {
        return Err(args.error_at("expression", format!("expression: {message}")));
    }
    Ok(GenericKind::ExpressionIsTrue { expression })
}

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

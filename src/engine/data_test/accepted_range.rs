//! `accepted_range` (dbt_utils): every non-null value lies between `min_value` and
//! `max_value`, inclusively unless `inclusive: false`. dbt counts the rows outside.

use std::cmp::Ordering;

use super::arguments::{Arguments, Reported};
use super::condition::{compare, literal_for};
use super::{Failing, GenericKind};
use crate::engine::value::column::Column;

/// Arguments besides `column_name`: the bounds (either may be left out) and whether they
/// are inside the range.
pub const ARGUMENTS: &[&str] = &["min_value", "max_value", "inclusive"];

pub fn parse_arguments(args: &mut impl Arguments) -> Result<GenericKind, Reported> {
    let min_value = args.text_if_single("min_value");
    let max_value = args.text_if_single("max_value");
    if min_value.is_none() && max_value.is_none() {
        return Err(
            args.error("`accepted_range` needs `min_value:` or `max_value:` (or both)".into())
        );
    }
    let inclusive = args.boolean("inclusive", true)?;
    Ok(GenericKind::AcceptedRange {
        min_value,
        max_value,
        inclusive,
    })
}

pub fn failing(
    column: &Column,
    rows: &[u32],
    min: Option<&str>,
    max: Option<&str>,
    inclusive: bool,
) -> Result<Failing, String> {
    let min = min
        .map(|m| literal_for(column.data_type(), m))
        .transpose()?;
    let max = max
        .map(|m| literal_for(column.data_type(), m))
        .transpose()?;
    let rows: Vec<u32> = rows
        .iter()
        .copied()
        .filter(|&r| {
            let v = column.get(r as usize);
            let below = min
                .as_ref()
                .and_then(|m| compare(&v, &m.as_value()))
                .is_some_and(|o| o == Ordering::Less || (!inclusive && o == Ordering::Equal));
            let above = max
                .as_ref()
                .and_then(|m| compare(&v, &m.as_value()))
                .is_some_and(|o| o == Ordering::Greater || (!inclusive && o == Ordering::Equal));
            below || above
        })
        .collect();
    Ok(Failing {
        failures: rows.len(),
        rows,
        extra: None,
    })
}

pub fn sql(
    relation: &str,
    column: &str,
    min: Option<&str>,
    max: Option<&str>,
    inclusive: bool,
    filter: &str,
) -> String {
    let (ge, le) = if inclusive { (">=", "<=") } else { (">", "<") };
    let mut checks = Vec::new();
    if let Some(m) = min {
        checks.push(format!("{column} {ge} {m}"));
    }
    if let Some(m) = max {
        checks.push(format!("{column} {le} {m}"));
    }
    format!(
        "select *\nfrom {relation}\nwhere not ({}){filter}",
        if checks.is_empty() {
            "true".to_string()
        } else {
            checks.join(" and ")
        }
    )
}

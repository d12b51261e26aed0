//! `accepted_values`: every non-null value is one of a list. dbt counts the distinct values
//! outside it.

use rustc_hash::FxHashSet as HashSet;

use super::arguments::{Arguments, Reported};
use super::condition::{compare, literal_for};
use super::{Failing, GenericKind};
use crate::engine::value::column::Column;

/// Arguments besides `column_name`: the list, and whether its values are quoted (text).
pub const ARGUMENTS: &[&str] = &["values", "quote"];

pub fn parse_arguments(args: &mut impl Arguments) -> Result<GenericKind, Reported> {
    let Some(values) = args.list("values", "each accepted value")? else {
        return Err(args.error("`accepted_values` needs `values:` (a list)".into()));
    };
    let quote = args.boolean("quote", true)?;
    Ok(GenericKind::AcceptedValues { values, quote })
}

pub fn failing(column: &Column, rows: &[u32], values: &[String], quote: bool) -> Failing {
    let numeric = !quote && column.data_type().is_numeric();
    let literals: Vec<_> = if numeric {
        values
            .iter()
            .filter_map(|v| literal_for(column.data_type(), v).ok())
            .collect()
    } else {
        Vec::new()
    };
    let accepted_text: HashSet<&str> = values.iter().map(String::as_str).collect();
    // Interned text: decide once per distinct value.
    if let (Column::Text(t), false) = (column, numeric) {
        if t.pool.is_distinct() {
            let outside: Vec<bool> = t.pool.iter().map(|v| !accepted_text.contains(v)).collect();
            let failing_rows: Vec<u32> = rows
                .iter()
                .copied()
                .filter(|&r| {
                    outside
                        .get(t.codes[r as usize] as usize)
                        .copied()
                        .unwrap_or(false)
                })
                .collect();
            let distinct: HashSet<u32> =
                failing_rows.iter().map(|&r| t.codes[r as usize]).collect();
            return Failing {
                failures: distinct.len(),
                rows: failing_rows,
                extra: None,
            };
        }
    }
    let mut outside_values: HashSet<String> = HashSet::default();
    let mut failing_rows = Vec::new();
    let mut cell = String::new();
    for &r in rows {
        let value = column.get(r as usize);
        if value.is_null() {
            continue;
        }
        let accepted = if numeric {
            literals
                .iter()
                .any(|l| compare(&value, &l.as_value()) == Some(std::cmp::Ordering::Equal))
        } else {
            cell.clear();
            value.write_to(&mut cell);
            accepted_text.contains(cell.as_str())
        };
        if !accepted {
            failing_rows.push(r);
            outside_values.insert(value.to_string());
        }
    }
    Failing {
        failures: outside_values.len(),
        rows: failing_rows,
        extra: None,
    }
}

pub fn sql(relation: &str, column: &str, values: &[String], quote: bool, filter: &str) -> String {
    let list: Vec<String> = values
        .iter()
        .map(|v| {
            if quote {
                format!("'{}'", v.replace('\'', "''"))
            } else {
                v.clone()
            }
        })
        .collect();
    let filter = filter.replacen(" and ", "\n    where ", 1);
    format!(
        "with all_values as (\n    select {column} as value_field, count(*) as n_records\n    \
         from {relation}{filter}\n    group by {column}\n)\n\
         select *\nfrom all_values\nwhere value_field not in (\n    {}\n)",
        list.join(",\n    ")
    )
}

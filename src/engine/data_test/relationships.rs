//! `relationships`: every non-null value has a parent row with that key. dbt counts the
//! orphan rows. For each orphan shown, c360 also names the nearest existing key — a
//! near-miss typo of a contact id is the commonest cause.

use rustc_hash::FxHashSet as HashSet;

use super::arguments::{Arguments, Reported};
use super::keys::key;
use super::{Failing, GenericKind};
use crate::engine::value::column::{Column, TextColumn};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

/// How many orphans get a nearest-key search (each scans every parent key).
const NEAREST_FOR: usize = 50;

/// Arguments besides `column_name`: the parent (`source(…)` or `ref(…)`) and its column.
pub const ARGUMENTS: &[&str] = &["to", "field"];

pub fn parse_arguments(args: &mut impl Arguments) -> Result<GenericKind, Reported> {
    if !args.has("to") || !args.has("field") {
        return Err(args.error(
            "`relationships` needs `to:` (e.g. source('salesforce', 'contacts') or \
             ref('stg_sf__contacts')) and `field:`"
                .into(),
        ));
    }
    let to_text = args.text("to")?.unwrap_or_default();
    let Some(to) = unique_id::from_relation(&to_text) else {
        return Err(args.error_at(
            "to",
            format!("`to:` must be source('source', 'table') or ref('model'); found `{to_text}`"),
        ));
    };
    let field = args.text("field")?.unwrap_or_default();
    Ok(GenericKind::Relationships { to, field })
}

pub fn failing(child: &Column, rows: &[u32], parent: &Column) -> Failing {
    let parents: HashSet<_> = (0..parent.len())
        .filter_map(|r| key(parent.get(r)))
        .collect();
    let orphans: Vec<u32> = match child {
        // Interned text: look each distinct value up once.
        Column::Text(t) if t.pool.is_distinct() => {
            let missing: Vec<bool> = t
                .pool
                .iter()
                .map(|v| !parents.contains(&super::keys::Key::Text(v)))
                .collect();
            rows.iter()
                .copied()
                .filter(|&r| {
                    missing
                        .get(t.codes[r as usize] as usize)
                        .copied()
                        .unwrap_or(false)
                })
                .collect()
        }
        _ => rows
            .iter()
            .copied()
            .filter(|&r| key(child.get(r as usize)).is_some_and(|k| !parents.contains(&k)))
            .collect(),
    };
    if orphans.is_empty() {
        return Failing::default();
    }
    // Text keys only: the nearest parent by edit distance (Hamming when lengths agree, as
    // with UUIDs; Levenshtein otherwise).
    let parent_texts: Vec<String> = {
        let mut seen = HashSet::default();
        (0..parent.len())
            .filter_map(|r| match parent.get(r) {
                crate::engine::Value::Text(s) if seen.insert(s) => Some(s.to_string()),
                _ => None,
            })
            .collect()
    };
    let nearest: Vec<Option<String>> = orphans
        .iter()
        .enumerate()
        .map(|(i, &r)| match child.get(r as usize) {
            crate::engine::Value::Text(s) if i < NEAREST_FOR => nearest_key(s, &parent_texts),
            _ => None,
        })
        .collect();
    let extra = Table::new().with(
        "nearest_existing_key",
        Column::Text(TextColumn::from_values(
            nearest.iter().map(|n| n.as_deref()),
        )),
    );
    Failing {
        failures: orphans.len(),
        rows: orphans,
        extra: Some(extra),
    }
}

/// The parent key closest to `orphan`, if any is within half its length.
pub fn nearest_key(orphan: &str, parents: &[String]) -> Option<String> {
    let distance =
        |p: &str| strsim::hamming(orphan, p).unwrap_or_else(|_| strsim::levenshtein(orphan, p));
    parents
        .iter()
        .map(|p| (distance(p), p))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d * 2 <= orphan.chars().count())
        .map(|(_, p)| p.clone())
}

pub fn sql(relation: &str, column: &str, to: &str, field: &str, filter: &str) -> String {
    format!(
        "with child as (\n    select {column} as from_field\n    from {relation}\n    \
         where {column} is not null{filter}\n),\n\
         parent as (\n    select {field} as to_field\n    from {to}\n)\n\
         select from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\n\
         where parent.to_field is null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_near_miss() {
        let parents = vec![
            "37ebdcd9-e87a-4613-a443-df789558867f".to_string(),
            "23c6612f-4826-4673-a3a7-711a81332876".to_string(),
        ];
        assert_eq!(
            nearest_key("37ebdad9-e87a-4613-a442-df789569867f", &parents).as_deref(),
            Some("37ebdcd9-e87a-4613-a443-df789558867f")
        );
        assert_eq!(nearest_key("zzzzzzzz", &parents), None);
    }
}

//! `stg_sf__contacts`: the contacts source, renamed, typed, one row per contact id.
//!
//! Duplicate ids are resolved here, by the run's [`DuplicateContacts`] policy: by default the
//! row with the latest `_loaded_at_utc` is kept, ties going to the first in the file (a null
//! load time counts as oldest). Rows with a null id are all kept (the `not_null` test reports
//! them). The rows not kept are reported.

use rustc_hash::FxHashMap as HashMap;

use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::remediation::DuplicateContacts;
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::findings::FindingKind;
use crate::engine::value::column::Column;
use crate::engine::value::column::DataType;
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

pub struct StgSfContacts;

/// Source column → model column.
const RENAMES: &[(&str, &str)] = &[
    ("id", "id"),
    ("username", "user_name"),
    ("name", "name"),
    ("gender", "gender"),
    ("address", "address"),
    ("mail", "email_address"),
    ("birthdate", "birth_date"),
    ("_loaded_at_utc", "_loaded_at_utc"),
];

/// Which rows to keep and which to remove, by `policy`: at most one per non-null id.
pub fn dedupe(ids: &Column, loaded_at: &Column, policy: DuplicateContacts) -> (Vec<u32>, Vec<u32>) {
    let (Column::Text(ids), Column::Timestamp(loaded)) = (ids, loaded_at) else {
        unreachable!("the contacts source types id as text and _loaded_at_utc as timestamp")
    };
    // Per id: the winning row and how many rows share the id.
    let mut winner: HashMap<&str, (u32, u32)> =
        HashMap::with_capacity_and_hasher(ids.codes.len(), Default::default());
    for row in 0..ids.codes.len() {
        let Some(id) = ids.get(row) else { continue };
        winner
            .entry(id)
            .and_modify(|(best, count)| {
                *count += 1;
                let wins = match policy {
                    // Strictly later wins; an equal or null time keeps the earlier row.
                    DuplicateContacts::KeepLatestLoaded => loaded[row] > loaded[*best as usize],
                    DuplicateContacts::KeepFirst | DuplicateContacts::DropAll => false,
                    DuplicateContacts::KeepLast => true,
                };
                if wins {
                    *best = row as u32;
                }
            })
            .or_insert((row as u32, 1));
    }
    let (mut kept, mut removed) = (Vec::new(), Vec::new());
    for row in 0..ids.codes.len() {
        let keep = ids.get(row).is_none_or(|id| {
            let (best, count) = winner[id];
            best == row as u32 && !(count > 1 && policy == DuplicateContacts::DropAll)
        });
        if keep { &mut kept } else { &mut removed }.push(row as u32);
    }
    (kept, removed)
}

impl Model for StgSfContacts {
    fn name(&self) -> &'static str {
        "stg_sf__contacts"
    }

    fn layer(&self) -> Layer {
        Layer::Staging
    }

    fn description(&self) -> &'static str {
        "Contacts from Salesforce, renamed and typed, one row per contact id \
         (duplicates resolved to the latest loaded row, ties to the first in the file)."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::SALESFORCE_CONTACTS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // The duplicates policy picks the rows kept.
        &[ConfigPart::DuplicateContacts]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            ("id", DataType::Text, "Contact id, unique"),
            ("user_name", DataType::Text, "Login name (source: username)"),
            ("name", DataType::Text, "Full name"),
            ("gender", DataType::Text, "F or M"),
            ("address", DataType::Text, "Street, suburb, state, postcode"),
            (
                "email_address",
                DataType::Text,
                "E-mail address (source: mail)",
            ),
            ("birth_date", DataType::Date, "Date of birth"),
            (
                "_loaded_at_utc",
                DataType::Timestamp,
                "When the row was loaded (UTC)",
            ),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let source = ctx.source("salesforce", "contacts");
        let column = |name: &str| {
            source
                .column(name)
                .expect("the loader checked required columns")
        };
        let policy = ctx.config.policies.duplicate_contacts;
        let (kept, removed) = dedupe(column("id"), column("_loaded_at_utc"), policy);
        if !removed.is_empty() {
            let rows = source.take(&removed);
            ctx.report(
                FindingKind::DuplicateContactsRemoved,
                format!(
                    "{} duplicate contact row{} removed (policy: {})",
                    removed.len(),
                    if removed.len() == 1 { "" } else { "s" },
                    policy.label()
                ),
                rows,
            );
        }
        let mut table = Table::new();
        for (from, to) in RENAMES {
            table.push(*to, column(from).gather(&kept));
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::column::TextColumn;

    #[test]
    fn latest_load_wins_and_ties_go_to_the_first() {
        let ids = Column::Text(TextColumn::from_values([
            Some("a"),
            Some("b"),
            Some("a"),
            Some("b"),
            None,
            None,
        ]));
        let loaded = Column::Timestamp(vec![Some(1), Some(5), Some(2), Some(5), None, None]);
        let (kept, removed) = dedupe(&ids, &loaded, DuplicateContacts::KeepLatestLoaded);
        assert_eq!(kept, vec![1, 2, 4, 5]);
        assert_eq!(removed, vec![0, 3]);
        let (kept, _) = dedupe(&ids, &loaded, DuplicateContacts::KeepFirst);
        assert_eq!(kept, vec![0, 1, 4, 5]);
        let (kept, _) = dedupe(&ids, &loaded, DuplicateContacts::KeepLast);
        assert_eq!(kept, vec![2, 3, 4, 5]);
        let (kept, removed) = dedupe(&ids, &loaded, DuplicateContacts::DropAll);
        assert_eq!(kept, vec![4, 5]);
        assert_eq!(removed, vec![0, 1, 2, 3]);
    }
}

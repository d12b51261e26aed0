//! `contacts_joined_with_transactions`: each transaction with its contact.
//!
//! A join of `stg_web__transactions` to `stg_sf__contacts` on `contact_id = id`, in
//! transaction order. Transactions whose contact is unknown (a null or unmatched
//! `contact_id`) are reported with their rows and, by the [`OrphanTransactions`] policy,
//! excluded (an inner join, the default) or kept with null contact columns (a left join). The join looks each distinct
//! `contact_id` up once (the column is dictionary-encoded), then copies integer codes.

use rustc_hash::FxHashMap as HashMap;

use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::remediation::OrphanTransactions;
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::findings::FindingKind;
use crate::engine::value::column::DataType;
use crate::engine::value::column::{Column, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

pub struct ContactsJoinedWithTransactions;

/// Transaction columns carried over, renamed.
const TRANSACTION_COLUMNS: &[(&str, &str)] = &[
    ("id", "transaction_id"),
    ("transaction_date", "transaction_date"),
    ("amount", "amount"),
    ("item_count", "item_count"),
    ("category", "category"),
];

/// For each transaction row, the contact row it belongs to (`None`: no such contact).
pub fn match_contacts(contact_ids: &Column, transaction_contact_ids: &Column) -> Vec<Option<u32>> {
    let (Column::Text(ids), Column::Text(refs)) = (contact_ids, transaction_contact_ids) else {
        unreachable!("ids are text")
    };
    let mut by_id: HashMap<&str, u32> =
        HashMap::with_capacity_and_hasher(ids.codes.len(), Default::default());
    for row in 0..ids.codes.len() {
        if let Some(id) = ids.get(row) {
            by_id.entry(id).or_insert(row as u32);
        }
    }
    let per_code: Vec<Option<u32>> = refs.pool.iter().map(|id| by_id.get(id).copied()).collect();
    refs.codes
        .iter()
        .map(|&code| {
            if code == NULL_CODE {
                None
            } else {
                per_code[code as usize]
            }
        })
        .collect()
}

impl Model for ContactsJoinedWithTransactions {
    fn name(&self) -> &'static str {
        "contacts_joined_with_transactions"
    }

    fn layer(&self) -> Layer {
        Layer::Intermediate
    }

    fn description(&self) -> &'static str {
        "Every transaction with its contact's columns: an inner join on contact_id = id. \
         Transactions with no matching contact are excluded and reported."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[
            unique_id::STG_SF__CONTACTS,
            unique_id::STG_WEB__TRANSACTIONS,
        ]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // The orphans policy picks the join (inner or left).
        &[ConfigPart::OrphanTransactions]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            ("id", DataType::Text, "Contact id"),
            ("user_name", DataType::Text, "Login name"),
            ("name", DataType::Text, "Full name"),
            ("gender", DataType::Text, "F or M"),
            ("address", DataType::Text, "Street, suburb, state, postcode"),
            ("email_address", DataType::Text, "E-mail address"),
            ("birth_date", DataType::Date, "Date of birth"),
            (
                "_loaded_at_utc",
                DataType::Timestamp,
                "When the contact was loaded (UTC)",
            ),
            ("transaction_id", DataType::Text, "Transaction id"),
            (
                "transaction_date",
                DataType::Timestamp,
                "When it happened (UTC)",
            ),
            ("amount", DataType::Decimal, "Amount spent"),
            ("item_count", DataType::Integer, "Number of items"),
            ("category", DataType::Text, "Product category"),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let contacts = ctx.model("stg_sf__contacts");
        let transactions = ctx.model("stg_web__transactions");
        let matches = match_contacts(
            contacts.column("id").expect("staging has id"),
            transactions
                .column("contact_id")
                .expect("staging has contact_id"),
        );
        let policy = ctx.config.policies.orphan_transactions;
        let keep_orphans = policy == OrphanTransactions::KeepWithNullContact;
        let mut contact_rows = Vec::with_capacity(matches.len());
        let mut transaction_rows = Vec::with_capacity(matches.len());
        let mut orphans = Vec::new();
        for (row, m) in matches.iter().enumerate() {
            if m.is_none() {
                orphans.push(row as u32);
            }
            if m.is_some() || keep_orphans {
                contact_rows.push(*m);
                transaction_rows.push(row as u32);
            }
        }
        let mut table = Table::new();
        for field in &contacts.fields {
            table.push(
                field.name.clone(),
                field.column.gather_optional(&contact_rows),
            );
        }
        for (from, to) in TRANSACTION_COLUMNS {
            let column = transactions.column(from).expect("staging has its columns");
            table.push(*to, column.gather(&transaction_rows));
        }
        if !orphans.is_empty() {
            let rows = transactions.take(&orphans);
            ctx.report(
                FindingKind::OrphanTransactions,
                format!(
                    "{} transaction{} whose contact_id matches no contact: {}",
                    orphans.len(),
                    if orphans.len() == 1 { "" } else { "s" },
                    policy.label()
                ),
                rows,
            );
        }
        Ok(table)
    }
}

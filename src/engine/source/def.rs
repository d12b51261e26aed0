//! The source definitions: the exercise's two raw exports as dbt sources, with the columns
//! the models need and their types, and [`SOURCES`], the one list of them.
//!
//! A leaf: it names data and nothing that reads it (the loader, the mapping, the DAG all
//! import it), so it is not where loading or mapping happens.

use serde::Serialize;

use crate::engine::value::column::DataType;
use crate::engine::value::unique_id;

/// One column a source must have.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SourceColumn {
    pub name: &'static str,
    pub data_type: DataType,
    /// Whether to intern: values that repeat (categories, referenced ids) are stored once, and
    /// keys (ids) become integer codes that `unique`, joins and grouping use directly.
    #[serde(skip)]
    pub intern: bool,
    pub description: &'static str,
}

/// A dbt source table: `source('salesforce', 'contacts')`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SourceDef {
    pub source_name: &'static str,
    pub name: &'static str,
    /// The file name users know it by, used in messages.
    pub file_name: &'static str,
    pub columns: &'static [SourceColumn],
}

impl SourceDef {
    pub fn unique_id(&self) -> String {
        unique_id::source(self.source_name, self.name)
    }
}

const fn col(
    name: &'static str,
    data_type: DataType,
    intern: bool,
    description: &'static str,
) -> SourceColumn {
    SourceColumn {
        name,
        data_type,
        intern,
        description,
    }
}

/// `salesforce.contacts`: the CRM contacts export.
pub const CONTACTS: SourceDef = SourceDef {
    source_name: "salesforce",
    name: "contacts",
    file_name: "contacts.csv",
    columns: &[
        col(
            "id",
            DataType::Text,
            true,
            "Contact id (a UUID); should be unique",
        ),
        col("username", DataType::Text, false, "Login name"),
        col("name", DataType::Text, false, "Full name"),
        col("gender", DataType::Text, true, "F or M"),
        col(
            "address",
            DataType::Text,
            false,
            "Street, suburb, state, postcode",
        ),
        col("mail", DataType::Text, false, "E-mail address"),
        col("birthdate", DataType::Date, false, "Date of birth"),
        col(
            "_loaded_at_utc",
            DataType::Timestamp,
            false,
            "When the row was loaded (UTC)",
        ),
    ],
};

/// `web.transactions`: the web shop's transactions export.
pub const TRANSACTIONS: SourceDef = SourceDef {
    source_name: "web",
    name: "transactions",
    file_name: "transactions.csv",
    columns: &[
        col(
            "contact_id",
            DataType::Text,
            true,
            "The buying contact's id",
        ),
        col(
            "id",
            DataType::Text,
            true,
            "Transaction id; should be unique",
        ),
        col(
            "transaction_date",
            DataType::Timestamp,
            false,
            "When it happened (UTC)",
        ),
        col("amount", DataType::Decimal, false, "Amount spent, exact"),
        col("item_count", DataType::Integer, false, "Number of items"),
        col("category", DataType::Text, true, "Product category"),
        col(
            "_loaded_at_utc",
            DataType::Timestamp,
            false,
            "When the row was loaded (UTC)",
        ),
    ],
};

/// The two sources, in the order they are loaded.
pub static SOURCES: [SourceDef; 2] = [CONTACTS, TRANSACTIONS];

/// The first item equal to an earlier one, in one pass with a set: a header's duplicate
/// column. Generic so that a test can count the comparisons and hashes it makes — linear in
/// the items (a scan of the names before each one was quadratic: 34 s for 120,000 columns).
pub fn first_duplicate<T: std::hash::Hash + Eq>(items: &[T]) -> Option<&T> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().find(|item| !seen.insert(*item))
}

//! Findings: what a model did to the data that a user must see (rows removed, excluded or
//! flagged), reported through `ModelContext::report`. Not data tests' results (those are
//! `engine::data_test::TestResult`): a finding is the model's own account of a fix it made.

use serde::{Deserialize, Serialize};

use crate::engine::value::table::Table;

/// What a model did to the data that a user must see: rows removed, excluded or flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// `stg_sf__contacts` removed rows that repeat a contact id.
    DuplicateContactsRemoved,
    /// `contacts_joined_with_transactions` found transactions of unknown contacts (excluded
    /// or kept with null contact columns, by policy).
    OrphanTransactions,
    /// `customers` counted transactions outside the accepted categories in `other_amount`.
    CategoriesOutsideAcceptedList,
    /// `customers` gave an accepted category a suffixed column (`books_2_amount`): its name,
    /// sanitised, was another category's or c360's own column.
    CategoryColumnsRenamed,
    /// `customers` counted accepted categories beyond its column cap in `other_amount`.
    CategoriesBeyondColumnCap,
    /// `customer_segments` could not read a state and postcode from customers' addresses
    /// (they are `unknown`).
    UnparseableAddresses,
}

impl FindingKind {
    /// The snake_case name used in `run_results.json` and the page's `data-finding`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::DuplicateContactsRemoved => "duplicate_contacts_removed",
            FindingKind::OrphanTransactions => "orphan_transactions",
            FindingKind::CategoriesOutsideAcceptedList => "categories_outside_accepted_list",
            FindingKind::UnparseableAddresses => "unparseable_addresses",
            FindingKind::CategoryColumnsRenamed => "category_columns_renamed",
            FindingKind::CategoriesBeyondColumnCap => "categories_beyond_column_cap",
        }
    }
}

/// A reported problem with the rows it concerns.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The unique id of the model that reported it.
    pub node: String,
    pub kind: FindingKind,
    pub message: String,
    pub rows: Table,
}

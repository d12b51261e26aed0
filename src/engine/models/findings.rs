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

//! Remediation policies: how the staging and join layers fix what the source tests find.
//!
//! Each is a visible switch in the app and a flag on the CLI; the defaults are the
//! exercise's own fixes (keep one row per contact id, inner join, count unknown categories in
//! `other_amount`).

use serde::{Deserialize, Serialize};

/// What `stg_sf__contacts` does with rows that share a contact id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateContacts {
    /// Keep the row with the latest `_loaded_at_utc`; ties go to the first in the file.
    #[default]
    KeepLatestLoaded,
    /// Keep the first row in the file.
    KeepFirst,
    /// Keep the last row in the file.
    KeepLast,
    /// Keep none of the rows of a repeated id.
    DropAll,
}

/// What `contacts_joined_with_transactions` does with transactions whose contact is unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrphanTransactions {
    /// An inner join: such transactions are excluded (and reported).
    #[default]
    Exclude,
    /// A left join: kept, with null contact columns.
    KeepWithNullContact,
}

/// What happens to transactions in categories outside the accepted list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideCategories {
    /// Flag them and count their spend in `customers.other_amount`.
    #[default]
    CountInOther,
    /// Add each such category to the accepted list: the schema's `accepted_values` grows and
    /// `customers` gains a column for it.
    AddToAcceptedList,
}

/// The three switches together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policies {
    pub duplicate_contacts: DuplicateContacts,
    pub orphan_transactions: OrphanTransactions,
    pub outside_categories: OutsideCategories,
}

impl DuplicateContacts {
    pub const ALL: [DuplicateContacts; 4] = [
        DuplicateContacts::KeepLatestLoaded,
        DuplicateContacts::KeepFirst,
        DuplicateContacts::KeepLast,
        DuplicateContacts::DropAll,
    ];

    /// Words for the switch and the finding.
    pub fn label(self) -> &'static str {
        match self {
            DuplicateContacts::KeepLatestLoaded => "keep the latest loaded (ties: first in file)",
            DuplicateContacts::KeepFirst => "keep the first in the file",
            DuplicateContacts::KeepLast => "keep the last in the file",
            DuplicateContacts::DropAll => "drop every row of a repeated id",
        }
    }
}

impl OrphanTransactions {
    pub const ALL: [OrphanTransactions; 2] = [
        OrphanTransactions::Exclude,
        OrphanTransactions::KeepWithNullContact,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OrphanTransactions::Exclude => "exclude them (inner join)",
            OrphanTransactions::KeepWithNullContact => {
                "keep them with null contact fields (left join)"
            }
        }
    }
}

impl OutsideCategories {
    pub const ALL: [OutsideCategories; 2] = [
        OutsideCategories::CountInOther,
        OutsideCategories::AddToAcceptedList,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OutsideCategories::CountInOther => "flag them and count them in other_amount",
            OutsideCategories::AddToAcceptedList => "add them to the accepted list",
        }
    }
}

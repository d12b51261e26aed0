//! Remediation: how the staging and join layers fix what the source tests find (duplicate
//! contact ids, transactions of unknown contacts, categories outside the accepted list).
//!
//! Each policy is a visible switch in the app and a flag on the CLI; the defaults are the
//! exercise's own fixes (keep one row per contact id, inner join, count unknown categories in
//! `other_amount`). Every spelling of a choice is here, on its type: the serde name
//! (`run_results.json`, saved sessions, the page's radio values: [`Remedy::as_str`]), the
//! CLI's flag value ([`Remedy::flag`], clap's `ValueEnum` behind the `cli` feature) and the
//! words ([`Remedy::label`]). Not the export's masking policies: those are
//! `engine::export::policy`.

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

/// What the three policy types share, so that a shell can list, name and read any of them
/// without spelling a choice itself.
pub trait Remedy: Copy + Default + PartialEq + std::fmt::Debug + 'static {
    /// The field of [`Policies`] it sets (`duplicate_contacts`): its JSON key and the page's
    /// radio group name.
    const FIELD: &'static str;
    /// Every choice, in the order the app lists them.
    fn all() -> &'static [Self];
    /// The serde name (`keep_latest_loaded`).
    fn as_str(self) -> &'static str;
    /// The CLI's value (`keep-latest`).
    fn flag(self) -> &'static str;
    /// Words for the switch and the finding.
    fn label(self) -> &'static str;
    /// The choice whose serde name is `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::all().iter().copied().find(|p| p.as_str() == name)
    }
}

/// The trait forwards to the types' own methods (callers need not import it), and the CLI
/// parses flags through it: clap's `ValueEnum` is implemented, not derived, because a derive
/// would make the variants' doc comments the flags' help and change `c360 --help`.
macro_rules! remedy {
    ($ty:ident, $field:literal) => {
        impl Remedy for $ty {
            const FIELD: &'static str = $field;
            fn all() -> &'static [Self] {
                &$ty::ALL
            }
            fn as_str(self) -> &'static str {
                $ty::as_str(self)
            }
            fn flag(self) -> &'static str {
                $ty::flag(self)
            }
            fn label(self) -> &'static str {
                $ty::label(self)
            }
        }

        #[cfg(feature = "cli")]
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &$ty::ALL
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.flag()))
            }
        }
    };
}

remedy!(DuplicateContacts, "duplicate_contacts");
remedy!(OrphanTransactions, "orphan_transactions");
remedy!(OutsideCategories, "outside_categories");

impl DuplicateContacts {
    pub const ALL: [DuplicateContacts; 4] = [
        DuplicateContacts::KeepLatestLoaded,
        DuplicateContacts::KeepFirst,
        DuplicateContacts::KeepLast,
        DuplicateContacts::DropAll,
    ];

    /// The serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateContacts::KeepLatestLoaded => "keep_latest_loaded",
            DuplicateContacts::KeepFirst => "keep_first",
            DuplicateContacts::KeepLast => "keep_last",
            DuplicateContacts::DropAll => "drop_all",
        }
    }

    /// The CLI's `--duplicates` value.
    pub fn flag(self) -> &'static str {
        match self {
            DuplicateContacts::KeepLatestLoaded => "keep-latest",
            DuplicateContacts::KeepFirst => "keep-first",
            DuplicateContacts::KeepLast => "keep-last",
            DuplicateContacts::DropAll => "drop-all",
        }
    }

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

    /// The serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrphanTransactions::Exclude => "exclude",
            OrphanTransactions::KeepWithNullContact => "keep_with_null_contact",
        }
    }

    /// The CLI's `--orphans` value.
    pub fn flag(self) -> &'static str {
        match self {
            OrphanTransactions::Exclude => "exclude",
            OrphanTransactions::KeepWithNullContact => "keep",
        }
    }

    /// Words for the switch and the finding.
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

    /// The serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutsideCategories::CountInOther => "count_in_other",
            OutsideCategories::AddToAcceptedList => "add_to_accepted_list",
        }
    }

    /// The CLI's `--outside-categories` value.
    pub fn flag(self) -> &'static str {
        match self {
            OutsideCategories::CountInOther => "other",
            OutsideCategories::AddToAcceptedList => "accept",
        }
    }

    /// Words for the switch and the finding.
    pub fn label(self) -> &'static str {
        match self {
            OutsideCategories::CountInOther => "flag them and count them in other_amount",
            OutsideCategories::AddToAcceptedList => "add them to the accepted list",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_names<T: Remedy + Serialize>() {
        for &p in T::all() {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
            assert_eq!(T::from_name(p.as_str()), Some(p));
        }
        let fields = serde_json::to_value(Policies::default()).unwrap();
        assert_eq!(fields[T::FIELD], T::default().as_str());
    }

    #[test]
    fn as_str_is_the_serde_name_and_field_the_json_key() {
        serde_names::<DuplicateContacts>();
        serde_names::<OrphanTransactions>();
        serde_names::<OutsideCategories>();
    }
}

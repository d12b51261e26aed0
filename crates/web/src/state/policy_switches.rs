//! The three remediation policies as switches: each one's question and help, its choices
//! (the engine's [`Remedy`] names and labels) and how setting a choice changes [`Policies`].
//!
//! The policies panel draws one radio group per [`Switch`]; nothing here knows of the DOM.

use c360::engine::config::remediation::{
    DuplicateContacts, OrphanTransactions, OutsideCategories, Policies, Remedy,
};
use c360::engine::value::unique_id;

/// Which of the three policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    DuplicateContacts,
    OrphanTransactions,
    OutsideCategories,
}

/// One choice of a switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The engine's serde name: `keep_latest_loaded`.
    pub value: String,
    pub label: &'static str,
    /// Whether it is the exercise's own fix (the default).
    pub default: bool,
}

impl Switch {
    pub const ALL: [Switch; 3] = [
        Switch::DuplicateContacts,
        Switch::OrphanTransactions,
        Switch::OutsideCategories,
    ];

    /// The field name in [`Policies`]: the radio group's `name`.
    pub fn name(self) -> &'static str {
        match self {
            Switch::DuplicateContacts => DuplicateContacts::FIELD,
            Switch::OrphanTransactions => OrphanTransactions::FIELD,
            Switch::OutsideCategories => OutsideCategories::FIELD,
        }
    }

    /// The question the switch answers.
    pub fn legend(self) -> &'static str {
        match self {
            Switch::DuplicateContacts => "Duplicate contact ids",
            Switch::OrphanTransactions => "Transactions of unknown contacts",
            Switch::OutsideCategories => "Categories outside the accepted list",
        }
    }

    /// Which test finds the problem and which model fixes it.
    pub fn help(self) -> &'static str {
        match self {
            Switch::DuplicateContacts => {
                "Found by the source's unique test on salesforce.contacts.id; \
                 stg_sf__contacts keeps one row per id."
            }
            Switch::OrphanTransactions => {
                "Found by the relationships test on web.transactions.contact_id; \
                 contacts_joined_with_transactions joins them."
            }
            Switch::OutsideCategories => {
                "Found by the accepted_values test on web.transactions.category; \
                 customers has one <category>_amount column per accepted value."
            }
        }
    }

    pub fn choices(self) -> Vec<Choice> {
        fn list<T: Remedy>() -> Vec<Choice> {
            T::all()
                .iter()
                .map(|&p| Choice {
                    value: p.as_str().to_string(),
                    label: p.label(),
                    default: p == T::default(),
                })
                .collect()
        }
        match self {
            Switch::DuplicateContacts => list::<DuplicateContacts>(),
            Switch::OrphanTransactions => list::<OrphanTransactions>(),
            Switch::OutsideCategories => list::<OutsideCategories>(),
        }
    }

    /// The switch that remediates what a test finds, if one does: the source tests on
    /// contact ids, on transactions' contact ids and on their categories.
    pub fn for_test(test_kind: &str, node: Option<&str>, column: Option<&str>) -> Option<Switch> {
        match (test_kind, node?, column?) {
            ("unique", unique_id::SALESFORCE_CONTACTS, "id") => Some(Switch::DuplicateContacts),
            ("relationships", unique_id::WEB_TRANSACTIONS, "contact_id") => {
                Some(Switch::OrphanTransactions)
            }
            ("accepted_values", unique_id::WEB_TRANSACTIONS, "category") => {
                Some(Switch::OutsideCategories)
            }
            _ => None,
        }
    }

    /// The chosen value in `policies`.
    pub fn current(self, policies: &Policies) -> String {
        match self {
            Switch::DuplicateContacts => policies.duplicate_contacts.as_str().to_string(),
            Switch::OrphanTransactions => policies.orphan_transactions.as_str().to_string(),
            Switch::OutsideCategories => policies.outside_categories.as_str().to_string(),
        }
    }

    /// The chosen value's words, for "what changed".
    pub fn current_label(self, policies: &Policies) -> &'static str {
        match self {
            Switch::DuplicateContacts => policies.duplicate_contacts.label(),
            Switch::OrphanTransactions => policies.orphan_transactions.label(),
            Switch::OutsideCategories => policies.outside_categories.label(),
        }
    }

    /// `policies` with this switch set to `value`; `None` for a value it does not have.
    pub fn set(self, policies: Policies, value: &str) -> Option<Policies> {
        let mut next = policies;
        match self {
            Switch::DuplicateContacts => {
                next.duplicate_contacts = DuplicateContacts::from_name(value)?
            }
            Switch::OrphanTransactions => {
                next.orphan_transactions = OrphanTransactions::from_name(value)?
            }
            Switch::OutsideCategories => {
                next.outside_categories = OutsideCategories::from_name(value)?
            }
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_the_engines_serde_names() {
        let values =
            |s: Switch| -> Vec<String> { s.choices().into_iter().map(|c| c.value).collect() };
        assert_eq!(
            values(Switch::DuplicateContacts),
            ["keep_latest_loaded", "keep_first", "keep_last", "drop_all"]
        );
        assert_eq!(
            values(Switch::OrphanTransactions),
            ["exclude", "keep_with_null_contact"]
        );
        assert_eq!(
            values(Switch::OutsideCategories),
            ["count_in_other", "add_to_accepted_list"]
        );
        for switch in Switch::ALL {
            let defaults: Vec<Choice> =
                switch.choices().into_iter().filter(|c| c.default).collect();
            assert_eq!(defaults.len(), 1, "{switch:?} has one default");
            assert_eq!(defaults[0].value, switch.current(&Policies::default()));
        }
    }

    #[test]
    fn setting_a_value_changes_only_its_switch() {
        let policies = Switch::DuplicateContacts
            .set(Policies::default(), "drop_all")
            .unwrap();
        assert_eq!(policies.duplicate_contacts, DuplicateContacts::DropAll);
        assert_eq!(policies.orphan_transactions, OrphanTransactions::Exclude);
        assert_eq!(Switch::DuplicateContacts.current(&policies), "drop_all");
        assert_eq!(
            Switch::DuplicateContacts.current_label(&policies),
            "drop every row of a repeated id"
        );
        assert_eq!(Switch::OrphanTransactions.set(policies, "drop_all"), None);
    }

    #[test]
    fn the_source_tests_point_at_their_remedies() {
        assert_eq!(
            Switch::for_test(
                "unique",
                Some("source.c360.salesforce.contacts"),
                Some("id")
            ),
            Some(Switch::DuplicateContacts)
        );
        assert_eq!(
            Switch::for_test(
                "accepted_values",
                Some("source.c360.web.transactions"),
                Some("category")
            ),
            Some(Switch::OutsideCategories)
        );
        assert_eq!(
            Switch::for_test("unique", Some("model.c360.customers"), Some("id")),
            None
        );
        assert_eq!(Switch::for_test("singular", None, None), None);
    }
}

//! The default classification of a column, by its name. The policy that follows from it is
//! the policy file's business (`default_policy` in `policy.rs`): a classification says what a
//! column is, not what to do with it.
//!
//! Classification works on any table's columns, so a model added later (segments,
//! recommendations) gets sensible defaults without a change here: identifiers and names are
//! recognised by their names, and whatever is not recognised is an attribute, kept. It is a
//! default, shown to the user and written in the manifest, never a guarantee: a free-text
//! column that happens to hold names is the user's to drop.

use serde::{Deserialize, Serialize};

/// What a column is, for privacy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Identifies a person (or a record of theirs) alone: an id, a name, a login, a phone.
    DirectIdentifier,
    /// An e-mail address: a direct identifier whose domain may be kept.
    Email,
    /// Identifies a person in combination with others (age, gender, location).
    QuasiIdentifier(QuasiKind),
    /// Anything else: amounts, dates, categories, segments.
    Attribute,
}

/// The kinds of quasi-identifier c360 knows how to generalise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuasiKind {
    /// `age` or `birth_date`: age bands, year of birth.
    Age,
    Gender,
    /// `address` (`street, suburb, STATE, postcode`): state, truncated postcode.
    Location,
}

impl Classification {
    /// The classification in words, as the app shows it.
    pub fn label(self) -> &'static str {
        match self {
            Classification::DirectIdentifier => "direct identifier",
            Classification::Email => "e-mail (direct identifier)",
            Classification::QuasiIdentifier(QuasiKind::Age) => "quasi-identifier: age",
            Classification::QuasiIdentifier(QuasiKind::Gender) => "quasi-identifier: gender",
            Classification::QuasiIdentifier(QuasiKind::Location) => "quasi-identifier: location",
            Classification::Attribute => "attribute",
        }
    }
}

/// Column names of direct identifiers that are pseudonymised (ids: the join keys).
pub(super) fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

/// Column names of direct identifiers that are dropped.
const DROPPED: &[&str] = &[
    "name",
    "first_name",
    "last_name",
    "full_name",
    "user_name",
    "username",
    "phone",
    "phone_number",
    "mobile",
    "street",
];

const EMAILS: &[&str] = &["email_address", "email", "mail"];

/// The classification of a column named `name`.
pub fn classify(name: &str) -> Classification {
    let lower = name.to_ascii_lowercase();
    let name = lower.as_str();
    if EMAILS.contains(&name) {
        Classification::Email
    } else if is_id(name) || DROPPED.contains(&name) {
        Classification::DirectIdentifier
    } else if matches!(name, "age" | "birth_date" | "birthdate" | "date_of_birth") {
        Classification::QuasiIdentifier(QuasiKind::Age)
    } else if name == "gender" {
        Classification::QuasiIdentifier(QuasiKind::Gender)
    } else if name == "address" {
        Classification::QuasiIdentifier(QuasiKind::Location)
    } else {
        Classification::Attribute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_classified_by_name() {
        assert_eq!(classify("Email"), Classification::Email);
        assert_eq!(classify("category"), Classification::Attribute);
    }
}

//! The default classification of a column, by its name, and the policy that follows from it.
//!
//! Classification works on any table's columns, so a model added later (segments,
//! recommendations) gets sensible defaults without a change here: identifiers and names are
//! recognised by their names, and whatever is not recognised is an attribute, kept. It is a
//! default, shown to the user and written in the manifest, never a guarantee: a free-text
//! column that happens to hold names is the user's to drop.

use serde::{Deserialize, Serialize};

use super::policy::{Generalisation, Policy};
use crate::engine::column::DataType;

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
fn is_id(name: &str) -> bool {
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

/// The default policy of a column: ids pseudonymised, names and logins dropped, e-mails
/// pseudonymised, ages in 10-year bands, gender kept, addresses reduced to the state, the
/// rest kept.
pub fn default_policy(name: &str, data_type: DataType) -> Policy {
    match classify(name) {
        Classification::DirectIdentifier if is_id(&name.to_ascii_lowercase()) => {
            Policy::Pseudonymise
        }
        Classification::DirectIdentifier => Policy::Drop,
        Classification::Email => Policy::Pseudonymise,
        Classification::QuasiIdentifier(QuasiKind::Age) => match data_type {
            DataType::Integer | DataType::Date => {
                Policy::Generalise(Generalisation::AgeBand { width: 10 })
            }
            // An age stored as text cannot be banded: drop it rather than leak it.
            _ => Policy::Drop,
        },
        Classification::QuasiIdentifier(QuasiKind::Gender) => Policy::Keep,
        Classification::QuasiIdentifier(QuasiKind::Location) => match data_type {
            DataType::Text => Policy::Generalise(Generalisation::State),
            _ => Policy::Drop,
        },
        Classification::Attribute => Policy::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exercises_columns_get_the_issues_defaults() {
        let cases = [
            ("id", DataType::Text, Policy::Pseudonymise),
            ("contact_id", DataType::Text, Policy::Pseudonymise),
            ("transaction_id", DataType::Text, Policy::Pseudonymise),
            ("name", DataType::Text, Policy::Drop),
            ("user_name", DataType::Text, Policy::Drop),
            ("email_address", DataType::Text, Policy::Pseudonymise),
            (
                "birth_date",
                DataType::Date,
                Policy::Generalise(Generalisation::AgeBand { width: 10 }),
            ),
            (
                "age",
                DataType::Integer,
                Policy::Generalise(Generalisation::AgeBand { width: 10 }),
            ),
            ("gender", DataType::Text, Policy::Keep),
            (
                "address",
                DataType::Text,
                Policy::Generalise(Generalisation::State),
            ),
            ("total_expense", DataType::Decimal, Policy::Keep),
            ("segment", DataType::Text, Policy::Keep),
        ];
        for (name, data_type, want) in cases {
            assert_eq!(default_policy(name, data_type), want, "{name}");
        }
        assert_eq!(classify("Email"), Classification::Email);
        assert_eq!(classify("category"), Classification::Attribute);
    }
}

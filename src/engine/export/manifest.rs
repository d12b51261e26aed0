//! The manifest written beside the export: exactly what was done, for the partner and the
//! privacy officer who signs it off.
//!
//! It records the dataset and its row counts, every column's classification and policy
//! (with the generalisation level, and how many values could not be generalised and were
//! written empty), the pseudonym algorithm and length with the collision bound (never the
//! key), the quasi-identifiers, k requested and achieved, the risk figures before and after,
//! each further generalisation, every suppressed class with its row count, whether the user
//! confirmed an export below k, the as-of date, the c360 version and the creation time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::classify::Classification;
use super::k_anonymity::Risk;
use super::policy::{Policy, SmallClasses};
use super::Dataset;
use crate::engine::value::column::DataType;

/// The manifest, as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub c360_version: String,
    /// RFC 3339, UTC, milliseconds.
    pub created_at: String,
    /// The run's as-of date: ages and age bands are taken at it.
    pub as_of: NaiveDate,
    pub dataset: Dataset,
    /// The exported file's name.
    pub file: String,
    /// The dataset's rows before suppression.
    pub source_rows: usize,
    pub exported_rows: usize,
    pub columns: Vec<ManifestColumn>,
    pub pseudonym: PseudonymInfo,
    pub k_anonymity: KAnonymity,
}

impl Manifest {
    /// The manifest as it is written beside the export: pretty JSON, a newline at the end.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the manifest serialises") + "\n"
    }
}

/// One column of the dataset and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestColumn {
    pub name: String,
    pub data_type: DataType,
    pub classification: Classification,
    /// The policy applied (after any further generalisation).
    pub policy: Policy,
    /// Whether it is c360's default for the column rather than the policy file's.
    pub default_policy: bool,
    pub exported: bool,
    /// The type written (`None` when dropped).
    pub exported_type: Option<DataType>,
    pub quasi_identifier: bool,
    /// Non-empty values that could not be generalised (an unrecognised address, a birth
    /// date after the as-of date) and were written empty, over the dataset's rows.
    pub not_generalisable: usize,
}

/// How pseudonyms were made; the key is not recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PseudonymInfo {
    pub algorithm: String,
    pub encoding: String,
    /// Hex digits kept.
    pub length: usize,
    pub bits: usize,
    pub collision_bound: String,
    pub key: String,
    /// The pseudonymised columns: equal values there are the same person (or record) in
    /// every export made with the same key.
    pub columns: Vec<String>,
}

/// The k-anonymity check and what it changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KAnonymity {
    pub quasi_identifiers: Vec<String>,
    /// What a class's size counts: `"distinct id"` (people) or `"rows"`.
    pub class_size_counts: String,
    pub k_requested: usize,
    /// The smallest class of the exported file (`None` when no row is exported).
    pub k_achieved: Option<usize>,
    pub small_classes: SmallClasses,
    /// With `generalise`: the most rows left to suppression rather than generalised further
    /// (1% of the rows, [`super::SUPPRESSION_LIMIT`]).
    pub suppression_limit_rows: Option<usize>,
    /// The user's explicit confirmation of an export below k.
    pub allow_below_k: bool,
    /// Whether the exported file is below the k requested.
    pub below_k: bool,
    /// Risk after the policies, before any further generalisation or suppression.
    pub before: Risk,
    /// Risk of the exported file.
    pub after: Risk,
    /// Each further generalisation, in order.
    pub generalised: Vec<GeneralisationStep>,
    pub rows_suppressed: usize,
    pub suppressed_classes: Vec<SuppressedClass>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeneralisationStep {
    pub column: String,
    pub from: Policy,
    pub to: Policy,
}

/// One class left out, by its quasi-identifier values (in the order of
/// `quasi_identifiers`; `None` for an empty value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuppressedClass {
    pub values: Vec<Option<String>>,
    pub rows: usize,
    pub size: usize,
}

//! The export's typed errors: a policy file that does not fit the dataset ([`PolicyError`]),
//! a key that cannot be used ([`KeyError`]), and an export that cannot be made as asked
//! ([`ExportError`]). Each says what was found and what to do instead.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A policy file that cannot be read or does not fit the dataset's columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyError {
    /// Occurs when the file is not JSON of the policy format (a syntax error, an unknown
    /// field or policy, a value of the wrong type), at `line` and `column` of the text.
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// Occurs when `version` is not one this c360 reads.
    UnsupportedVersion { found: u32, supported: u32 },
    /// Occurs when the file is for another dataset than the one exported.
    DatasetMismatch { file: String, exported: String },
    /// Occurs when the file gives a policy to a column the dataset does not have.
    UnknownColumn {
        column: String,
        dataset: String,
        valid: Vec<String>,
    },
    /// Occurs when a quasi-identifier named is not a column of the dataset.
    UnknownQuasiIdentifier {
        column: String,
        dataset: String,
        valid: Vec<String>,
    },
    /// Occurs when a quasi-identifier named is dropped by its policy: there is nothing left
    /// of it to group by.
    QuasiIdentifierDropped { column: String },
    /// Occurs when a policy cannot apply to the column's type (an age band of a text column,
    /// rounding a timestamp), or its parameter is out of range.
    NotApplicable {
        column: String,
        data_type: String,
        policy: String,
        expected: String,
        /// The dataset's columns the policy does apply to.
        valid: Vec<String>,
    },
    /// Occurs when `k` is 0 (1 asks for no protection at all but is allowed).
    BadK { found: usize },
    /// Occurs when the pseudonym length (hex digits) is outside the range c360 allows.
    BadPseudonymLength {
        found: usize,
        min: usize,
        max: usize,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Json {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: {message}"),
            PolicyError::UnsupportedVersion { found, supported } => write!(
                f,
                "policy file version {found} is not supported; this c360 reads version \
                 {supported}"
            ),
            PolicyError::DatasetMismatch { file, exported } => write!(
                f,
                "the policy file is for dataset {file}, but {exported} is being exported: use \
                 --dataset {file} or a policy file for {exported}"
            ),
            PolicyError::UnknownColumn {
                column,
                dataset,
                valid,
            } => write!(
                f,
                "the policy file names column {column:?}, which {dataset} does not have; valid \
                 columns are: {}",
                valid.join(", ")
            ),
            PolicyError::UnknownQuasiIdentifier {
                column,
                dataset,
                valid,
            } => write!(
                f,
                "quasi-identifier {column:?} is not a column of {dataset}; valid columns are: {}",
                valid.join(", ")
            ),
            PolicyError::QuasiIdentifierDropped { column } => write!(
                f,
                "quasi-identifier {column:?} is dropped by its policy: keep or generalise it, or \
                 remove it from quasi_identifiers"
            ),
            PolicyError::NotApplicable {
                column,
                data_type,
                policy,
                expected,
                valid,
            } => write!(
                f,
                "column {column} ({data_type}): policy {policy} does not apply; {expected}; \
                 columns it applies to: {}",
                if valid.is_empty() {
                    "none in this dataset".to_string()
                } else {
                    valid.join(", ")
                }
            ),
            PolicyError::BadK { found } => {
                write!(f, "k must be at least 1 (5 is usual), found {found}")
            }
            PolicyError::BadPseudonymLength { found, min, max } => write!(
                f,
                "pseudonym_length must be {min} to {max} hex digits, found {found}"
            ),
        }
    }
}

impl std::error::Error for PolicyError {}

/// A secret that cannot key the pseudonyms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyError {
    /// Occurs when the secret is shorter than `pseudonym::MIN_SECRET_BYTES`: a short
    /// secret can be guessed by trying keys against a known e-mail's pseudonym.
    TooShort { bytes: usize, min: usize },
    /// Occurs when the platform's random source fails while generating a key.
    Random { message: String },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::TooShort { bytes, min } => write!(
                f,
                "the pseudonym key is {bytes} bytes long; it must be at least {min} (a \
                 generated key, 64 hex digits, is best)"
            ),
            KeyError::Random { message } => {
                write!(
                    f,
                    "cannot generate a key: the random source failed: {message}"
                )
            }
        }
    }
}

impl std::error::Error for KeyError {}

/// Why no export was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportError {
    /// Occurs when the policy file does not fit the dataset.
    Policy(PolicyError),
    /// Occurs when the dataset's model was not built in this run (a data test of severity
    /// `error` upstream failed, so it was skipped).
    DatasetNotBuilt { dataset: String, reason: String },
    /// Occurs when the export would be less than k-anonymous and neither suppression nor
    /// further generalisation was chosen, nor an explicit `allow_below_k`.
    BelowK {
        requested: usize,
        achieved: Option<usize>,
        rows_in_small_classes: usize,
    },
    /// Occurs when two different values of a column got the same pseudonym: the length is
    /// too short for this many values.
    PseudonymCollision { column: String, length: usize },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Policy(e) => e.fmt(f),
            ExportError::DatasetNotBuilt { dataset, reason } => {
                write!(
                    f,
                    "{dataset} was not built, so it cannot be exported: {reason}"
                )
            }
            ExportError::BelowK {
                requested,
                achieved,
                rows_in_small_classes,
            } => write!(
                f,
                "the export is {}-anonymous, below the k = {requested} asked for \
                 ({rows_in_small_classes} rows are in classes smaller than {requested}): \
                 suppress those rows or generalise further (small_classes: \"suppress\" or \
                 \"generalise\"), lower k, or confirm the export below k (allow_below_k)",
                achieved.map_or("not".to_string(), |k| k.to_string())
            ),
            ExportError::PseudonymCollision { column, length } => write!(
                f,
                "two different values of column {column} got the same {length}-digit \
                 pseudonym: use a longer pseudonym_length"
            ),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<PolicyError> for ExportError {
    fn from(e: PolicyError) -> Self {
        ExportError::Policy(e)
    }
}

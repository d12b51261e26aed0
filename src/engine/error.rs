//! Why a run produced no result: the input's errors ([`InputError`], the sources' own, in
//! `source/`) or a model's ([`ModelError`]). Each says where the problem is, what was
//! expected, what was found, and so what to do next; the export's errors are its own
//! (`export/error.rs`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::source::error::InputError;

/// A model that could not be computed from valid input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelError {
    /// Occurs when a sum or an average of the input does not fit in 64-bit units at its
    /// column's scale (never a wrapped or null value instead).
    Overflow { model: String, column: String },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Overflow { model, column } => {
                write!(
                    f,
                    "model {model}: column {column} is too large to hold exactly (a sum or an \
                     average of the input beyond 64-bit units)"
                )
            }
        }
    }
}

impl std::error::Error for ModelError {}

/// Why a run produced no result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunError {
    Input(InputError),
    Model(ModelError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Input(e) => e.fmt(f),
            RunError::Model(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

impl From<InputError> for RunError {
    fn from(e: InputError) -> Self {
        RunError::Input(e)
    }
}

impl From<ModelError> for RunError {
    fn from(e: ModelError) -> Self {
        RunError::Model(e)
    }
}

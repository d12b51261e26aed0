//! The input's errors: a source file that cannot be read as the source it should be — its
//! encoding, its header, a record, a field, the column mapping — each naming the file, the
//! line and the column, what was expected and what was found.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A source file that cannot be read as the source it should be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputError {
    /// Occurs when the file could not be read at all.
    Io { file: String, message: String },
    /// Occurs when the file has no header row.
    Empty { file: String },
    /// Occurs when the header lacks columns the models need.
    MissingColumns {
        file: String,
        missing: Vec<String>,
        found: Vec<String>,
    },
    /// Occurs when a header names the same column twice.
    DuplicateColumn { file: String, column: String },
    /// Occurs when the CSV itself is malformed (a row with the wrong number of fields,
    /// bytes that are not UTF-8).
    Malformed {
        file: String,
        line: u64,
        message: String,
    },
    /// Occurs when the column mapping given for the file does not fit its header (a required
    /// column not found, a header that is not there, a header given to two columns).
    Mapping {
        file: String,
        /// Boxed: it is large, and every `Result` of the engine carries an `InputError`.
        error: Box<crate::engine::source::mapping::MappingError>,
    },
    /// Occurs when the file is not text in an encoding c360 reads (see
    /// [`crate::engine::source::decode`]): a UTF-32 byte-order mark or UTF-16 without one (no
    /// `line`: the whole file), a NUL byte, or UTF-16 that is not well formed, at `line`.
    Encoding {
        file: String,
        line: Option<u64>,
        found: crate::engine::source::decode::Unreadable,
    },
    /// Occurs when a field does not hold a value of its column's type.
    BadValue {
        file: String,
        line: u64,
        column: String,
        expected: String,
        found: String,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { file, message } => {
                write!(f, "{file}: cannot read the file: {message}")
            }
            InputError::Mapping { error, .. } => error.fmt(f),
            InputError::Empty { file } => {
                write!(f, "{file}: the file is empty; expected a header row first")
            }
            InputError::MissingColumns {
                file,
                missing,
                found,
            } => write!(
                f,
                "{file}: missing required column{} {}; the header has: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                found.join(", ")
            ),
            InputError::DuplicateColumn { file, column } => {
                write!(f, "{file}: the header names column {column} more than once")
            }
            InputError::Malformed {
                file,
                line,
                message,
            } => {
                write!(f, "{file} line {line}: {message}")
            }
            InputError::Encoding { file, line, found } => {
                match line {
                    Some(line) => write!(f, "{file} line {line}: {found}")?,
                    None => write!(f, "{file}: {found}")?,
                }
                write!(
                    f,
                    "; c360 reads UTF-8, UTF-16 with a byte-order mark, or Windows-1252: save \
                     the file as CSV UTF-8"
                )
            }
            InputError::BadValue {
                file,
                line,
                column,
                expected,
                found,
            } => write!(
                f,
                "{file} line {line}, column {column}: expected {expected}, found {found:?}"
            ),
        }
    }
}

impl std::error::Error for InputError {}

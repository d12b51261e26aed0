//! Column mapping: which header of a user's file holds each column a source requires.
//!
//! Real exports rarely use the exercise's header names: `email` for `mail`, `customer_id`
//! for `contact_id`, `Order Date`, `price`, `qty`. A [`Mapping`] says, for one source, which
//! header holds each required column ([`SourceDef::columns`]); [`propose`](fn@propose) guesses
//! one from the header and a few sample rows, by name and by the values' shapes, with a
//! confidence per column, for the user to confirm or edit. Applying a mapping is a rename of the header
//! before loading ([`Mapping::apply`], which the loader calls when given a mapping:
//! `SourceLoader::with_mapping`); the models never see the user's
//! names.
//!
//! This module is plain data and pure functions: it reads no file and knows nothing of the
//! app or the terminal.
//!
//! # The mapping file
//!
//! The app saves, and `c360 … --mapping PATH` takes, one JSON file for both sources:
//!
//! ```json
//! {
//!   "version": 1,
//!   "sources": {
//!     "contacts": {
//!       "columns": { "mail": "E-mail", "birthdate": "Date of birth" },
//!       "header": ["id", "username", "name", "gender", "address", "E-mail", "Date of birth", "_loaded_at_utc"]
//!     },
//!     "transactions": {
//!       "columns": { "contact_id": "customer_id", "transaction_date": "order_date", "amount": "price", "item_count": "qty" },
//!       "delimiter": ";",
//!       "formats": { "amount": { "currency_symbol": "$", "thousands_separator": "," } }
//!     }
//!   }
//! }
//! ```
//!
//! - `version` is `1`, the only format so far.
//! - `sources` is keyed by the source table's name (`contacts`, `transactions`); either may
//!   be left out, and that source's file is read as it is.
//! - `columns` maps a required column (the key, c360's name) to the header in the user's file
//!   that holds it (the value, matched exactly, case and spaces included). A required column
//!   left out is looked up under its own name. Each header may hold one column only.
//! - `header` (optional) is the header the mapping was made for, so that the app can offer it
//!   again for a file with the same header; it is not checked when the mapping is applied.
//! - `delimiter` (optional) is the file's field delimiter, one of `","`, `";"`, `"\t"` (a
//!   tab) and `"|"`, used instead of the one sniffed from the file's first lines
//!   ([`crate::engine::source::decode`]); anything else is [`MappingError::Delimiter`].
//! - `formats` (optional) says, for a decimal column (the key, c360's name; for the sources
//!   today only `transactions.amount`), how the user's file writes its numbers when not plain
//!   `-1234.5`: `currency_symbol` (any text without digits, signs, dots, quotes or spaces,
//!   e.g. `"$"`, `"€"`, `"CHF"`) and `thousands_separator` (one of `","`, `"'"`, `"_"`, `" "`,
//!   a no-break space or a narrow no-break space), each optional. With
//!   `{ "currency_symbol": "$", "thousands_separator": "," }` the column reads `$1,234.50`,
//!   `-$5.00`, `$-5.00`, `1,234.50 $`, `-1,234.50$` and plain `1234.50`; a separator out of
//!   place (`1,23.4`) is still an error naming the line. The decimal point is always a dot: a
//!   decimal comma (`12,5`) is not read. Without a format, a currency symbol or a comma in a
//!   number is an error, never a guess. (See [`NumberFormat`].)
//!
//! Columns of the file that the mapping does not name are kept as extra columns.

mod propose;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::decode::Delimiter;
use super::def::{SourceDef, SOURCES};
use crate::engine::value::column::DataType;
use crate::engine::value::decimal::NumberFormat;

pub use propose::{propose, recognise, Evidence, Proposal, ProposedColumn, RECOGNITION_MARGIN};

/// The mapping file's format version.
pub const VERSION: u32 = 1;

/// One source's mapping: required column → the header in the user's file that holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Required column (c360's name) → the user's header.
    pub columns: BTreeMap<String, String>,
    /// The header the mapping was made for, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<Vec<String>>,
    /// The file's delimiter, instead of the sniffed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<Delimiter>,
    /// Decimal column (c360's name) → how the user's file writes its numbers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<String, NumberFormat>,
}

/// The mapping file: one [`Mapping`] per source, keyed by the source table's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    pub version: u32,
    #[serde(default)]
    pub sources: BTreeMap<String, Mapping>,
}

/// Why a mapping file cannot be read, or a mapping cannot be applied to a file's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingError {
    /// Occurs when the mapping file is not JSON of the documented shape.
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// Occurs when the mapping file's `version` is not one this build reads.
    Version { found: u32, supported: u32 },
    /// Occurs when the mapping file names a source c360 does not have.
    UnknownSource { name: String, valid: Vec<String> },
    /// Occurs when a mapping's key is not one of the source's required columns.
    UnknownColumn {
        file: String,
        column: String,
        valid: Vec<String>,
    },
    /// Occurs when a required column has no header in the file: not mapped, and no header of
    /// its own name. `candidates` are the file's closest headers, best first.
    Unmapped {
        file: String,
        column: String,
        header: Vec<String>,
        candidates: Vec<String>,
    },
    /// Occurs when the mapping names a header the file does not have.
    HeaderNotFound {
        file: String,
        column: String,
        mapped_to: String,
        header: Vec<String>,
        candidates: Vec<String>,
    },
    /// Occurs when a mapping's delimiter is not one c360 reads.
    Delimiter {
        file: String,
        found: String,
        valid: Vec<String>,
    },
    /// Occurs when one header is given to two required columns.
    HeaderUsedTwice {
        file: String,
        header: String,
        columns: [String; 2],
    },
    /// Occurs when a header renamed to a required column's name meets another header that
    /// already has that name and is not mapped to anything.
    Collision {
        file: String,
        column: String,
        mapped_from: String,
    },
    /// Occurs when the mapping gives a number format to a column that is not a decimal one.
    /// `decimal_columns` are the source's columns that may have one.
    FormatNotDecimal {
        file: String,
        column: String,
        data_type: DataType,
        decimal_columns: Vec<String>,
    },
    /// Occurs when a number format cannot be read unambiguously (a separator that is not
    /// one of [`crate::engine::value::decimal::SEPARATORS`], a symbol holding digits or signs).
    BadFormat {
        file: String,
        column: String,
        message: String,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items
            .iter()
            .map(|i| format!("{i:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MappingError::Json {
                line,
                column,
                message,
            } => write!(
                f,
                "line {line}, column {column}: not a c360 mapping file: {message}"
            ),
            MappingError::Version { found, supported } => write!(
                f,
                "mapping file version {found} is not supported; this c360 reads version \
                 {supported}"
            ),
            MappingError::UnknownSource { name, valid } => write!(
                f,
                "the mapping names an unknown source {name:?}; valid sources: {}",
                list(valid)
            ),
            MappingError::UnknownColumn {
                file,
                column,
                valid,
            } => write!(
                f,
                "{file}: the mapping names {column:?}, which is not a column c360 needs; \
                 valid columns: {}",
                list(valid)
            ),
            MappingError::Unmapped {
                file,
                column,
                header,
                candidates,
            } => write!(
                f,
                "{file}: no header holds the required column {column:?}; the header is {}; \
                 closest: {}. Map one of them to {column:?}",
                list(header),
                list(candidates)
            ),
            MappingError::HeaderNotFound {
                file,
                column,
                mapped_to,
                header,
                candidates,
            } => write!(
                f,
                "{file}: the mapping reads {column:?} from the header {mapped_to:?}, which the \
                 file does not have; the header is {}; closest: {}",
                list(header),
                list(candidates)
            ),
            MappingError::Delimiter { file, found, valid } => write!(
                f,
                "{file}: the mapping's delimiter {found} is not one c360 reads; valid \
                 delimiters: {}",
                list(valid)
            ),
            MappingError::HeaderUsedTwice {
                file,
                header,
                columns,
            } => write!(
                f,
                "{file}: the mapping reads both {:?} and {:?} from the header {header:?}; a \
                 header holds one column",
                columns[0], columns[1]
            ),
            MappingError::Collision {
                file,
                column,
                mapped_from,
            } => write!(
                f,
                "{file}: the mapping reads {column:?} from {mapped_from:?}, but the file also \
                 has a header {column:?}; map {column:?} to one of them and rename the other"
            ),
            MappingError::FormatNotDecimal {
                file,
                column,
                data_type,
                decimal_columns,
            } => write!(
                f,
                "{file}: the mapping gives a number format to {column:?}, whose type is {}; \
                 only decimal columns take one: {}",
                data_type.sql_name(),
                list(decimal_columns)
            ),
            MappingError::BadFormat {
                file,
                column,
                message,
            } => write!(f, "{file}: the number format of {column:?}: {message}"),
        }
    }
}

impl std::error::Error for MappingError {}

impl MappingError {
    /// The same error naming `file` (the user's file) instead of the source's usual name.
    pub fn in_file(mut self, name: &str) -> MappingError {
        match &mut self {
            MappingError::UnknownColumn { file, .. }
            | MappingError::Unmapped { file, .. }
            | MappingError::HeaderNotFound { file, .. }
            | MappingError::HeaderUsedTwice { file, .. }
            | MappingError::Delimiter { file, .. }
            | MappingError::Collision { file, .. }
            | MappingError::FormatNotDecimal { file, .. }
            | MappingError::BadFormat { file, .. } => *file = name.to_string(),
            MappingError::Json { .. }
            | MappingError::Version { .. }
            | MappingError::UnknownSource { .. } => {}
        }
        self
    }
}

impl MappingFile {
    /// An empty mapping file: every source read as it is.
    pub fn new() -> MappingFile {
        MappingFile {
            version: VERSION,
            sources: BTreeMap::new(),
        }
    }

    /// Reads a mapping file, checking its version and that it names only known sources and
    /// their required columns.
    pub fn from_json(text: &str) -> Result<MappingFile, MappingError> {
        // The version first, so that a newer format says so rather than "unknown field".
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let json = |e: serde_json::Error| MappingError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let versioned: Versioned = serde_json::from_str(text).map_err(json)?;
        if versioned.version != VERSION {
            return Err(MappingError::Version {
                found: versioned.version,
                supported: VERSION,
            });
        }
        check_delimiters(text)?;
        let file: MappingFile = serde_json::from_str(text).map_err(json)?;
        for (name, mapping) in &file.sources {
            let def = source_def(name)?;
            for column in mapping.columns.keys() {
                if !def.columns.iter().any(|c| c.name == column) {
                    return Err(MappingError::UnknownColumn {
                        file: def.file_name.to_string(),
                        column: column.clone(),
                        valid: def.columns.iter().map(|c| c.name.to_string()).collect(),
                    });
                }
            }
            mapping.check_formats(def)?;
        }
        Ok(file)
    }

    /// The file as pretty-printed JSON, as the app saves it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data")
    }

    /// The mapping for `def`, if the file has one.
    pub fn get(&self, def: &SourceDef) -> Option<&Mapping> {
        self.sources.get(def.name)
    }

    /// Sets the mapping for `def`.
    pub fn set(&mut self, def: &SourceDef, mapping: Mapping) {
        self.sources.insert(def.name.to_string(), mapping);
    }
}

impl Default for MappingFile {
    fn default() -> Self {
        MappingFile::new()
    }
}

/// Checks each source's delimiter, if the file reads as JSON of about the right shape, so that
/// a wrong one is [`MappingError::Delimiter`] naming the valid ones, not a JSON error.
fn check_delimiters(text: &str) -> Result<(), MappingError> {
    #[derive(Deserialize)]
    struct Sources {
        sources: BTreeMap<String, WithDelimiter>,
    }
    #[derive(Deserialize)]
    struct WithDelimiter {
        delimiter: Option<serde_json::Value>,
    }
    // Any other mistake is the full parse's to report.
    let Ok(file) = serde_json::from_str::<Sources>(text) else {
        return Ok(());
    };
    for (name, source) in file.sources {
        let Some(found) = source.delimiter else {
            continue;
        };
        let known = match &found {
            serde_json::Value::String(s) => Delimiter::try_from(s.clone()).is_ok(),
            _ => false,
        };
        if !known {
            return Err(MappingError::Delimiter {
                file: source_def(&name).map_or(name, |d| d.file_name.to_string()),
                found: found.to_string(),
                valid: Delimiter::valid(),
            });
        }
    }
    Ok(())
}

/// The source a mapping file's key names.
fn source_def(name: &str) -> Result<&'static SourceDef, MappingError> {
    SOURCES
        .iter()
        .find(|d| d.name == name)
        .ok_or_else(|| MappingError::UnknownSource {
            name: name.to_string(),
            valid: SOURCES.iter().map(|d| d.name.to_string()).collect(),
        })
}

impl Mapping {
    /// Checks that every format is for one of `def`'s decimal columns and can be read.
    pub fn check_formats(&self, def: &SourceDef) -> Result<(), MappingError> {
        let file = || def.file_name.to_string();
        for (column, format) in &self.formats {
            let Some(c) = def.columns.iter().find(|c| c.name == column) else {
                return Err(MappingError::UnknownColumn {
                    file: file(),
                    column: column.clone(),
                    valid: def.columns.iter().map(|c| c.name.to_string()).collect(),
                });
            };
            if c.data_type != DataType::Decimal {
                return Err(MappingError::FormatNotDecimal {
                    file: file(),
                    column: column.clone(),
                    data_type: c.data_type,
                    decimal_columns: def
                        .columns
                        .iter()
                        .filter(|c| c.data_type == DataType::Decimal)
                        .map(|c| c.name.to_string())
                        .collect(),
                });
            }
            format.check().map_err(|message| MappingError::BadFormat {
                file: file(),
                column: column.clone(),
                message,
            })?;
        }
        Ok(())
    }

    /// The number format of the decimal column `column`, if the mapping gives one.
    pub fn format_of(&self, column: &str) -> Option<&NumberFormat> {
        self.formats.get(column)
    }

    /// The header that holds `column`: the mapped one, or the column's own name.
    pub fn header_for<'a>(&'a self, column: &'a str) -> &'a str {
        self.columns.get(column).map_or(column, String::as_str)
    }

    /// The file's header with each mapped header renamed to its required column's name,
    /// the other headers unchanged, in the file's order: what the loader reads.
    ///
    /// Checks that every required column is found, that the mapping names only required
    /// columns and headers the file has, and that no header holds two columns or clashes
    /// with a renamed one.
    pub fn apply(&self, def: &SourceDef, header: &[String]) -> Result<Vec<String>, MappingError> {
        let file = def.file_name.to_string();
        for column in self.columns.keys() {
            if !def.columns.iter().any(|c| c.name == column) {
                return Err(MappingError::UnknownColumn {
                    file,
                    column: column.clone(),
                    valid: def.columns.iter().map(|c| c.name.to_string()).collect(),
                });
            }
        }
        self.check_formats(def)?;
        // header index → the required column it holds.
        let mut holds: Vec<Option<&str>> = vec![None; header.len()];
        for c in def.columns {
            let wanted = self.header_for(c.name);
            let Some(i) = header.iter().position(|h| h == wanted) else {
                let candidates = propose::closest(def, c.name, header, 3);
                return Err(match self.columns.get(c.name) {
                    Some(mapped) => MappingError::HeaderNotFound {
                        file,
                        column: c.name.to_string(),
                        mapped_to: mapped.clone(),
                        header: header.to_vec(),
                        candidates,
                    },
                    None => MappingError::Unmapped {
                        file,
                        column: c.name.to_string(),
                        header: header.to_vec(),
                        candidates,
                    },
                });
            };
            if let Some(other) = holds[i] {
                return Err(MappingError::HeaderUsedTwice {
                    file,
                    header: header[i].clone(),
                    columns: [other.to_string(), c.name.to_string()],
                });
            }
            holds[i] = Some(c.name);
        }
        let renamed: Vec<String> = header
            .iter()
            .zip(&holds)
            .map(|(h, held)| held.map_or_else(|| h.clone(), str::to_string))
            .collect();
        // A header left as it is but named like a required column held by another header
        // (a map of the few held columns, not a scan of every header's per header).
        let held: HashMap<&str, usize> = holds
            .iter()
            .enumerate()
            .filter_map(|(j, held)| held.map(|c| (c, j)))
            .collect();
        for (i, h) in header.iter().enumerate() {
            if holds[i].is_none() {
                if let Some(&j) = held.get(h.as_str()) {
                    return Err(MappingError::Collision {
                        file,
                        column: h.clone(),
                        mapped_from: header[j].clone(),
                    });
                }
            }
        }
        Ok(renamed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::source::{CONTACTS, TRANSACTIONS};

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn mapping(pairs: &[(&str, &str)]) -> Mapping {
        Mapping {
            columns: pairs
                .iter()
                .map(|(c, h)| (c.to_string(), h.to_string()))
                .collect(),
            header: None,
            delimiter: None,
            ..Mapping::default()
        }
    }

    const USER_TRANSACTIONS: [&str; 8] = [
        "customer_id",
        "id",
        "order_date",
        "price",
        "qty",
        "category",
        "_loaded_at_utc",
        "note",
    ];

    fn user_mapping() -> Mapping {
        mapping(&[
            ("contact_id", "customer_id"),
            ("transaction_date", "order_date"),
            ("amount", "price"),
            ("item_count", "qty"),
        ])
    }

    #[test]
    fn applying_renames_mapped_headers_and_keeps_the_rest_in_order() {
        let header = strings(&USER_TRANSACTIONS);
        assert_eq!(
            user_mapping().apply(&TRANSACTIONS, &header).unwrap(),
            strings(&[
                "contact_id",
                "id",
                "transaction_date",
                "amount",
                "item_count",
                "category",
                "_loaded_at_utc",
                "note"
            ])
        );
        // The exercise's own header needs no mapping.
        let own: Vec<String> = TRANSACTIONS
            .columns
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        assert_eq!(Mapping::default().apply(&TRANSACTIONS, &own).unwrap(), own);
        // Mapping a column to its own name is the same as leaving it out.
        let same = mapping(&[("id", "id")]);
        assert_eq!(same.apply(&TRANSACTIONS, &own).unwrap(), own);
    }

    #[test]
    fn a_required_column_not_found_names_it_the_header_and_the_closest_headers() {
        let header = strings(&USER_TRANSACTIONS);
        let e = Mapping::default()
            .apply(&TRANSACTIONS, &header)
            .unwrap_err();
        match &e {
            MappingError::Unmapped {
                file,
                column,
                header: found,
                candidates,
            } => {
                assert_eq!(file, "transactions.csv");
                assert_eq!(column, "contact_id");
                assert_eq!(found, &header);
                assert_eq!(candidates.first().map(String::as_str), Some("customer_id"));
                assert!(candidates.len() <= 3);
            }
            other => panic!("{other:?}"),
        }
        let text = e.to_string();
        assert!(
            text.contains("transactions.csv")
                && text.contains("\"contact_id\"")
                && text.contains("\"customer_id\""),
            "{text}"
        );

        let wrong = mapping(&[("contact_id", "Customer ID")]);
        match wrong.apply(&TRANSACTIONS, &header).unwrap_err() {
            MappingError::HeaderNotFound {
                column,
                mapped_to,
                candidates,
                ..
            } => {
                assert_eq!(
                    (column.as_str(), mapped_to.as_str()),
                    ("contact_id", "Customer ID")
                );
                assert_eq!(candidates[0], "customer_id");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_header_holds_one_column_and_never_clashes_with_a_renamed_one() {
        let header = strings(&USER_TRANSACTIONS);
        let twice = Mapping {
            columns: user_mapping()
                .columns
                .into_iter()
                .chain([("id".to_string(), "customer_id".to_string())])
                .collect(),
            header: None,
            delimiter: None,
            ..Mapping::default()
        };
        assert_eq!(
            twice.apply(&TRANSACTIONS, &header).unwrap_err(),
            MappingError::HeaderUsedTwice {
                file: "transactions.csv".into(),
                header: "customer_id".into(),
                columns: ["contact_id".into(), "id".into()],
            }
        );

        // `amount` read from `price` while the file also has an `amount` of its own.
        let mut with_amount = header.clone();
        with_amount.push("amount".into());
        let e = user_mapping()
            .apply(&TRANSACTIONS, &with_amount)
            .unwrap_err();
        assert_eq!(
            e,
            MappingError::Collision {
                file: "transactions.csv".into(),
                column: "amount".into(),
                mapped_from: "price".into(),
            }
        );
        assert!(e.to_string().contains("\"price\""), "{e}");

        let unknown = mapping(&[("email", "mail")]);
        match unknown.apply(&CONTACTS, &header).unwrap_err() {
            MappingError::UnknownColumn {
                file,
                column,
                valid,
            } => {
                assert_eq!((file.as_str(), column.as_str()), ("contacts.csv", "email"));
                assert!(valid.contains(&"mail".to_string()));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_file_round_trips_through_its_documented_json() {
        let mut file = MappingFile::new();
        let mut m = user_mapping();
        m.header = Some(strings(&USER_TRANSACTIONS));
        file.set(&TRANSACTIONS, m.clone());
        let json = file.to_json();
        assert_eq!(MappingFile::from_json(&json).unwrap(), file);
        assert_eq!(file.get(&TRANSACTIONS), Some(&m));
        assert_eq!(file.get(&CONTACTS), None);

        // The module's documented example reads as it says.
        let doc = r#"{
          "version": 1,
          "sources": {
            "contacts": {
              "columns": { "mail": "E-mail", "birthdate": "Date of birth" },
              "header": ["id", "username", "name", "gender", "address", "E-mail", "Date of birth", "_loaded_at_utc"]
            },
            "transactions": {
              "columns": { "contact_id": "customer_id", "transaction_date": "order_date", "amount": "price", "item_count": "qty" },
              "delimiter": ";",
              "formats": { "amount": { "currency_symbol": "$", "thousands_separator": "," } }
            }
          }
        }"#;
        let file = MappingFile::from_json(doc).unwrap();
        assert_eq!(file.get(&CONTACTS).unwrap().delimiter, None);
        // Semicolons, and dollars with thousands separators.
        let mut dollars = Mapping {
            delimiter: Delimiter::new(b';'),
            ..user_mapping()
        };
        dollars.formats.insert(
            "amount".into(),
            NumberFormat {
                currency_symbol: Some("$".into()),
                thousands_separator: Some(','),
            },
        );
        assert_eq!(file.get(&TRANSACTIONS).unwrap(), &dollars);
        let contacts = file.get(&CONTACTS).unwrap();
        assert_eq!(contacts.header_for("mail"), "E-mail");
        assert_eq!(contacts.header_for("id"), "id");
        let header = contacts.header.clone().unwrap();
        let renamed = contacts.apply(&CONTACTS, &header).unwrap();
        assert_eq!(renamed[5], "mail");
        assert_eq!(renamed[6], "birthdate");
    }

    #[test]
    fn number_formats_round_trip_and_are_checked_when_read() {
        let json = r#"{"version": 1, "sources": {"transactions": {
            "columns": {"amount": "price"},
            "formats": {"amount": {"currency_symbol": "$", "thousands_separator": ","}}}}}"#;
        let file = MappingFile::from_json(json).unwrap();
        let m = file.get(&TRANSACTIONS).unwrap();
        assert_eq!(
            m.format_of("amount"),
            Some(&NumberFormat {
                currency_symbol: Some("$".into()),
                thousands_separator: Some(','),
            })
        );
        assert_eq!(MappingFile::from_json(&file.to_json()).unwrap(), file);
        // No formats: the key is left out of what the app saves.
        assert!(!MappingFile::new().to_json().contains("formats"));
        let mut plain = MappingFile::new();
        plain.set(&TRANSACTIONS, user_mapping());
        assert!(!plain.to_json().contains("formats"));

        let read = |formats: &str| {
            MappingFile::from_json(&format!(
                r#"{{"version": 1, "sources": {{"transactions": {{"columns": {{}}, "formats": {formats}}}}}}}"#
            ))
        };
        match read(r#"{"transaction_date": {"currency_symbol": "$"}}"#).unwrap_err() {
            MappingError::FormatNotDecimal {
                file,
                column,
                data_type,
                decimal_columns,
            } => {
                assert_eq!(
                    (file.as_str(), column.as_str()),
                    ("transactions.csv", "transaction_date")
                );
                assert_eq!(data_type, DataType::Timestamp);
                assert_eq!(decimal_columns, strings(&["amount"]));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read(r#"{"price": {"currency_symbol": "$"}}"#).unwrap_err(),
            MappingError::UnknownColumn { column, .. } if column == "price"
        ));
        match read(r#"{"amount": {"thousands_separator": "."}}"#).unwrap_err() {
            MappingError::BadFormat {
                column, message, ..
            } => {
                assert_eq!(column, "amount");
                assert!(message.contains("decimal comma is not read"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // A misspelt key, or a separator of two characters, is the JSON's error.
        assert!(matches!(
            read(r#"{"amount": {"currency": "$"}}"#),
            Err(MappingError::Json { .. })
        ));
        assert!(matches!(
            read(r#"{"amount": {"thousands_separator": ",,"}}"#),
            Err(MappingError::Json { .. })
        ));
        // `apply` checks a mapping built in code the same way.
        let mut m = user_mapping();
        m.formats
            .insert("item_count".into(), NumberFormat::default());
        let header = strings(&USER_TRANSACTIONS);
        assert!(matches!(
            m.apply(&TRANSACTIONS, &header),
            Err(MappingError::FormatNotDecimal { .. })
        ));
    }

    #[test]
    fn a_bad_file_is_a_typed_error_saying_where_and_what() {
        match MappingFile::from_json("{\n  \"version\": 1,\n  \"sources\": [}").unwrap_err() {
            MappingError::Json { line, .. } => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            MappingFile::from_json(r#"{"version": 2, "sources": {"new": 1}}"#).unwrap_err(),
            MappingError::Version {
                found: 2,
                supported: 1
            }
        );
        assert_eq!(
            MappingFile::from_json(r#"{"version": 1, "sources": {"orders": {"columns": {}}}}"#)
                .unwrap_err(),
            MappingError::UnknownSource {
                name: "orders".into(),
                valid: strings(&["contacts", "transactions"]),
            }
        );
        match MappingFile::from_json(
            r#"{"version": 1, "sources": {"transactions": {"columns": {"price": "amount"}}}}"#,
        )
        .unwrap_err()
        {
            MappingError::UnknownColumn { file, column, .. } => {
                assert_eq!(
                    (file.as_str(), column.as_str()),
                    ("transactions.csv", "price")
                );
            }
            other => panic!("{other:?}"),
        }
        // A misspelt key is refused, not ignored.
        assert!(matches!(
            MappingFile::from_json(r#"{"version": 1, "source": {}}"#),
            Err(MappingError::Json { .. })
        ));
        assert!(matches!(
            MappingFile::from_json(r#"{"version": 1, "sources": {"contacts": {"column": {}}}}"#),
            Err(MappingError::Json { .. })
        ));
        assert!(matches!(
            MappingFile::from_json(r#"{"sources": {}}"#),
            Err(MappingError::Json { .. })
        ));
        // A delimiter c360 does not read names the ones it does; a tab is written "\t".
        let with = |d: &str| {
            let source = format!(r#""contacts": {{"columns": {{}}, "delimiter": {d}}}"#);
            format!(r#"{{"version": 1, "sources": {{{source}}}}}"#)
        };
        for wrong in [r#"":""#, r#"";;""#, r#""""#, "59"] {
            let e = MappingFile::from_json(&with(wrong)).unwrap_err();
            assert_eq!(
                e,
                MappingError::Delimiter {
                    file: "contacts.csv".into(),
                    found: wrong.into(),
                    valid: strings(&[",", ";", "\t", "|"]),
                }
            );
            assert!(e.to_string().contains(r#"",", ";", "\t", "|""#), "{e}");
        }
        // null is the same as leaving it out.
        assert_eq!(
            MappingFile::from_json(&with("null"))
                .unwrap()
                .get(&CONTACTS)
                .unwrap()
                .delimiter,
            None
        );
        let tab = MappingFile::from_json(&with(r#""\t""#)).unwrap();
        assert_eq!(tab.get(&CONTACTS).unwrap().delimiter, Delimiter::new(b'\t'));
        assert!(tab.to_json().contains(r#""delimiter": "\t""#));
        // Only the version is required besides.
        assert_eq!(
            MappingFile::from_json(r#"{"version": 1}"#).unwrap(),
            MappingFile::new()
        );
    }
}

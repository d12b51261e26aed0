//! Sources: the exercise's two raw exports, read from CSV bytes into typed tables.
//!
//! A source definition names the columns the models need and their types. Ingestion parses
//! straight from `csv::ByteRecord`s into typed column buffers — no per-row `String`s, no
//! serde per row — and interns repeated text (ids, categories). It accepts what real exports
//! look like: a UTF-8 BOM, CRLF or LF, a missing final newline, quoted fields holding commas,
//! quotes and newlines, whitespace around unquoted fields, columns in any order, and extra
//! columns (kept as text, ignored by the models). Anything else is a typed [`InputError`]
//! naming the file, line, column and value; there is never a partial table.

use std::io::Read;

use chrono::NaiveDate;
use csv::{ByteRecord, ReaderBuilder};
use serde::Serialize;

use super::column::{Column, DataType, TextBuilder};
use super::decimal::{Decimal, DecimalError, MAX_SCALE};
use super::error::InputError;
use super::table::Table;
use super::time::{parse_date, parse_timestamp, TimeError};

/// One column a source must have.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SourceColumn {
    pub name: &'static str,
    pub data_type: DataType,
    /// Whether to intern: values that repeat (categories, referenced ids) are stored once, and
    /// keys (ids) become integer codes that `unique`, joins and grouping use directly.
    #[serde(skip)]
    pub intern: bool,
    pub description: &'static str,
}

/// A dbt source table: `source('salesforce', 'contacts')`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SourceDef {
    pub source_name: &'static str,
    pub name: &'static str,
    /// The file name users know it by, used in messages.
    pub file_name: &'static str,
    pub columns: &'static [SourceColumn],
}

impl SourceDef {
    pub fn unique_id(&self) -> String {
        format!("source.c360.{}.{}", self.source_name, self.name)
    }
}

const fn col(
    name: &'static str,
    data_type: DataType,
    intern: bool,
    description: &'static str,
) -> SourceColumn {
    SourceColumn {
        name,
        data_type,
        intern,
        description,
    }
}

/// `salesforce.contacts`: the CRM contacts export.
pub const CONTACTS: SourceDef = SourceDef {
    source_name: "salesforce",
    name: "contacts",
    file_name: "contacts.csv",
    columns: &[
        col(
            "id",
            DataType::Text,
            true,
            "Contact id (a UUID); should be unique",
        ),
        col("username", DataType::Text, false, "Login name"),
        col("name", DataType::Text, false, "Full name"),
        col("gender", DataType::Text, true, "F or M"),
        col(
            "address",
            DataType::Text,
            false,
            "Street, suburb, state, postcode",
        ),
        col("mail", DataType::Text, false, "E-mail address"),
        col("birthdate", DataType::Date, false, "Date of birth"),
        col(
            "_loaded_at_utc",
            DataType::Timestamp,
            false,
            "When the row was loaded (UTC)",
        ),
    ],
};

/// `web.transactions`: the web shop's transactions export.
pub const TRANSACTIONS: SourceDef = SourceDef {
    source_name: "web",
    name: "transactions",
    file_name: "transactions.csv",
    columns: &[
        col(
            "contact_id",
            DataType::Text,
            true,
            "The buying contact's id",
        ),
        col(
            "id",
            DataType::Text,
            true,
            "Transaction id; should be unique",
        ),
        col(
            "transaction_date",
            DataType::Timestamp,
            false,
            "When it happened (UTC)",
        ),
        col("amount", DataType::Decimal, false, "Amount spent, exact"),
        col("item_count", DataType::Integer, false, "Number of items"),
        col("category", DataType::Text, true, "Product category"),
        col(
            "_loaded_at_utc",
            DataType::Timestamp,
            false,
            "When the row was loaded (UTC)",
        ),
    ],
};

/// Builds one typed column from raw fields.
enum Builder {
    Text(TextBuilder),
    Integer(Vec<Option<i64>>),
    Decimal {
        values: Vec<Option<i64>>,
        scale: u8,
    },
    Date(Vec<Option<NaiveDate>>),
    /// Exports repeat the same load timestamp on every row: the last parse is reused.
    Timestamp {
        values: Vec<Option<i64>>,
        last: Option<(Vec<u8>, i64)>,
    },
    Boolean(Vec<Option<bool>>),
}

/// What a field failed to be, in words for the error message.
fn expected(data_type: DataType, why: Option<&TimeError>) -> String {
    match (data_type, why) {
        (DataType::Date, Some(TimeError::NoSuchInstant)) => "a real calendar date".into(),
        (DataType::Timestamp, Some(TimeError::NoSuchInstant)) => {
            "a real calendar date and time".into()
        }
        (DataType::Timestamp, Some(TimeError::TooPrecise)) => {
            "a timestamp with at most millisecond precision (YYYY-MM-DD HH:MM:SS.mmm)".into()
        }
        (DataType::Text, _) => "UTF-8 text".into(),
        (DataType::Integer, _) => "a whole number".into(),
        (DataType::Decimal, _) => "a decimal number such as 12.5".into(),
        (DataType::Date, _) => "a date YYYY-MM-DD".into(),
        (DataType::Timestamp, _) => "a timestamp YYYY-MM-DD HH:MM:SS.mmm".into(),
        (DataType::Boolean, _) => "true or false".into(),
    }
}

/// Why a field was rejected; turned into an [`InputError::BadValue`] by the caller.
struct Rejected(String);

impl Builder {
    fn new(data_type: DataType, intern: bool) -> Builder {
        match data_type {
            DataType::Text => Builder::Text(TextBuilder::new(intern)),
            DataType::Integer => Builder::Integer(Vec::new()),
            DataType::Decimal => Builder::Decimal {
                values: Vec::new(),
                scale: 0,
            },
            DataType::Date => Builder::Date(Vec::new()),
            DataType::Timestamp => Builder::Timestamp {
                values: Vec::new(),
                last: None,
            },
            DataType::Boolean => Builder::Boolean(Vec::new()),
        }
    }

    fn push(&mut self, field: &[u8]) -> Result<(), Rejected> {
        let null = field.is_empty();
        match self {
            Builder::Text(b) => {
                let text = std::str::from_utf8(field)
                    .map_err(|_| Rejected(expected(DataType::Text, None)))?;
                b.push((!null).then_some(text));
            }
            Builder::Integer(v) => v.push(if null {
                None
            } else {
                Some(
                    std::str::from_utf8(field)
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok())
                        .ok_or_else(|| Rejected(expected(DataType::Integer, None)))?,
                )
            }),
            Builder::Decimal { values, scale } => {
                if null {
                    values.push(None);
                    return Ok(());
                }
                let d = Decimal::parse(field).map_err(|e| {
                    Rejected(match e {
                        DecimalError::TooPrecise => {
                            format!("a decimal number with at most {MAX_SCALE} decimal places")
                        }
                        DecimalError::Overflow => "a decimal number of a sane size".into(),
                        DecimalError::Syntax => expected(DataType::Decimal, None),
                    })
                })?;
                let too_large = || Rejected("a decimal number of a sane size".into());
                if d.scale > *scale {
                    let factor = 10i64.pow(u32::from(d.scale - *scale));
                    for u in values.iter_mut().flatten() {
                        *u = u.checked_mul(factor).ok_or_else(too_large)?;
                    }
                    *scale = d.scale;
                }
                values.push(Some(d.rescale(*scale).ok_or_else(too_large)?.units));
            }
            Builder::Date(v) => v.push(if null {
                None
            } else {
                Some(parse_date(field).map_err(|e| Rejected(expected(DataType::Date, Some(&e))))?)
            }),
            Builder::Timestamp { values, last } => {
                if null {
                    values.push(None);
                    return Ok(());
                }
                let t = match last {
                    Some((bytes, t)) if bytes.as_slice() == field => *t,
                    _ => {
                        let t = parse_timestamp(field)
                            .map_err(|e| Rejected(expected(DataType::Timestamp, Some(&e))))?;
                        *last = Some((field.to_vec(), t));
                        t
                    }
                };
                values.push(Some(t));
            }
            Builder::Boolean(v) => v.push(match field {
                b"" => None,
                b"true" | b"TRUE" | b"True" | b"t" | b"1" => Some(true),
                b"false" | b"FALSE" | b"False" | b"f" | b"0" => Some(false),
                _ => return Err(Rejected(expected(DataType::Boolean, None))),
            }),
        }
        Ok(())
    }

    fn finish(self) -> Column {
        match self {
            Builder::Text(b) => Column::Text(b.finish()),
            Builder::Integer(v) => Column::Integer(v),
            Builder::Decimal { values, scale } => Column::Decimal { values, scale },
            Builder::Date(v) => Column::Date(v),
            Builder::Timestamp { values, .. } => Column::Timestamp(values),
            Builder::Boolean(v) => Column::Boolean(v),
        }
    }
}

/// Reads one source from CSV bytes. `file` names it in error messages.
pub fn load_bytes(def: &SourceDef, file: &str, bytes: &[u8]) -> Result<Table, InputError> {
    load(def, file, bytes)
}

/// The 1-based line a record starts on. `record.position()` is where the reader started
/// looking, before any blank lines it skipped; so count back from where it stopped: the
/// newlines inside quoted fields, and the record's own line end (absent only when the file
/// ends without one).
fn record_line<R: Read>(csv: &csv::Reader<R>, record: &ByteRecord) -> u64 {
    let end = csv.position().line();
    let inside = record.iter().flatten().filter(|&&b| b == b'\n').count() as u64;
    let own_end = u64::from(!csv.is_done());
    end.saturating_sub(inside + own_end)
        .max(record.position().map_or(1, |p| p.line()))
}

/// Drops a UTF-8 byte-order mark from the front of `reader`, however the reader splits its
/// first bytes (`csv` only strips one that arrives whole in its first buffer).
fn without_bom<R: Read>(mut reader: R) -> std::io::Result<impl Read> {
    let mut head = [0u8; 3];
    let mut filled = 0;
    while filled < 3 {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let keep = if head[..filled] == [0xEF, 0xBB, 0xBF] {
        3..3
    } else {
        0..filled
    };
    Ok(std::io::Cursor::new(head[keep].to_vec()).chain(reader))
}

/// Reads one source from any reader (a file is streamed, never read whole into memory).
///
/// Every field is trimmed of surrounding ASCII whitespace, quoted or not (as `csv`'s
/// `Trim::All` does): in exports, spaces around a value are noise, never data.
pub fn load(def: &SourceDef, file: &str, reader: impl Read) -> Result<Table, InputError> {
    let reader = without_bom(reader).map_err(|e| InputError::Io {
        file: file.into(),
        message: e.to_string(),
    })?;
    // Records end at `\n` only, so a CRLF file counts lines like an LF one (the `\r` left on
    // the last field is trimmed). Fields are trimmed here, not by the reader: `csv`'s own
    // trimming allocates a new record for every row.
    let mut csv = ReaderBuilder::new()
        .has_headers(true)
        // Fewer, larger reads from a file (the default is 8 KiB).
        .buffer_capacity(1 << 20)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader);
    let csv_error = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) => InputError::Io {
            file: file.into(),
            message: io.to_string(),
        },
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => InputError::Malformed {
            file: file.into(),
            line: pos.as_ref().map_or(0, |p| p.line()),
            message: format!(
                "expected {expected_len} fields as in the header, found {len} \
                 (is a field with a comma missing its quotes?)"
            ),
        },
        _ => InputError::Malformed {
            file: file.into(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        },
    };

    let header: Vec<String> = csv
        .byte_headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(InputError::Empty { file: file.into() });
    }
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(InputError::DuplicateColumn {
                file: file.into(),
                column: name.clone(),
            });
        }
    }
    let missing: Vec<String> = def
        .columns
        .iter()
        .filter(|c| !header.iter().any(|h| h == c.name))
        .map(|c| c.name.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(InputError::MissingColumns {
            file: file.into(),
            missing,
            found: header,
        });
    }

    // One builder per file column: typed for the columns the models need, text for extras.
    let mut builders: Vec<(usize, Builder)> = header
        .iter()
        .map(|h| match def.columns.iter().position(|c| c.name == h) {
            Some(i) => (
                i,
                Builder::new(def.columns[i].data_type, def.columns[i].intern),
            ),
            None => (usize::MAX, Builder::new(DataType::Text, false)),
        })
        .collect();

    let mut record = ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(csv_error)? {
        for (i, (field, (_, builder))) in record.iter().zip(builders.iter_mut()).enumerate() {
            if let Err(Rejected(expected)) = builder.push(field.trim_ascii()) {
                return Err(InputError::BadValue {
                    file: file.into(),
                    line: record_line(&csv, &record),
                    column: header[i].clone(),
                    expected,
                    found: String::from_utf8_lossy(field.trim_ascii()).into_owned(),
                });
            }
        }
    }

    // Required columns first, in the definition's order, then extras in file order.
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut slots: Vec<(usize, String)> = Vec::new();
    for ((column, builder), name) in builders.into_iter().zip(header) {
        slots.push((column, name));
        columns.push(Some(builder.finish()));
    }
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&i| slots[i].0);
    let mut table = Table::new();
    for i in order {
        table.push(
            slots[i].1.clone(),
            columns[i].take().expect("each column is taken once"),
        );
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::column::Value;

    const HEADER: &str = "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc";

    fn transactions(body: &str) -> Result<Table, InputError> {
        load_bytes(
            &TRANSACTIONS,
            "transactions.csv",
            format!("{HEADER}\n{body}").as_bytes(),
        )
    }

    #[test]
    fn parses_typed_columns() {
        let t = transactions("c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875")
            .unwrap();
        assert_eq!(t.num_rows(), 1);
        assert_eq!(t.column("amount").unwrap().get(0).to_string(), "66.3");
        assert_eq!(t.column("item_count").unwrap().get(0), Value::Integer(1));
        assert_eq!(
            t.column("transaction_date").unwrap().get(0).to_string(),
            "2023-04-15 09:57:19.000"
        );
    }

    #[test]
    fn bad_decimal_names_line_column_and_value() {
        let err = transactions(
            "c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875\n\
             c1,t2,2023-04-15 09:57:19.000,\"12,5\",1,Books,2023-05-09 10:05:28.875",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "transactions.csv line 3, column amount: expected a decimal number such as 12.5, found \"12,5\""
        );
    }

    #[test]
    fn decimal_scale_grows_to_the_most_places_seen() {
        let t = transactions(
            "c,t1,2023-04-15 09:57:19,66.3,1,B,2023-05-09 10:05:28\n\
             c,t2,2023-04-15 09:57:19,1.25,1,B,2023-05-09 10:05:28",
        )
        .unwrap();
        let amount = t.column("amount").unwrap();
        assert_eq!(amount.get(0).to_string(), "66.30");
        assert_eq!(amount.get(1).to_string(), "1.25");
    }
}

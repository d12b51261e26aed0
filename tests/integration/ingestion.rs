//! Ingestion: the quirks real exports have (a BOM, CRLF, no final newline, quoted commas,
//! quotes and newlines, padded fields, any column order, extra columns) are accepted; anything
//! else is a typed `InputError` naming the file, the 1-based line, the column, the value and
//! what was expected, and never a panic or a partial table.

use std::io::{self, Read};

use c360::engine::source::{load, load_bytes, SourceColumn, SourceDef, TRANSACTIONS};
use c360::engine::value::write::to_csv_string;
use c360::engine::{Column, DataType, InputError, RunError, Table, Value};
use csv::ByteRecord;

use crate::util::*;

const T1: &str = "c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875";
const T2: &str =
    "c1,t2,2023-04-16 10:00:00.000,43.6,2,\"Sports, Fitness & Outdoors\",2023-05-09 10:05:28.875";

fn cell(table: &c360::engine::Table, column: &str, row: usize) -> String {
    table
        .column(column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .get(row)
        .to_string()
}

/// The error `load_transactions` gives for `body` after the standard header.
fn transactions_error(body: &str) -> InputError {
    load_transactions(format!("{TRANSACTIONS_HEADER}\n{body}"))
        .expect_err("the input is invalid and must be rejected")
}

fn contacts_error(body: &str) -> InputError {
    load_contacts(format!("{CONTACTS_HEADER}\n{body}"))
        .expect_err("the input is invalid and must be rejected")
}

fn bad_value(err: &InputError) -> (u64, &str, &str, &str) {
    match err {
        InputError::BadValue {
            file,
            line,
            column,
            expected,
            found,
        } => {
            assert!(file.ends_with(".csv"), "{err:?}");
            (*line, column.as_str(), expected.as_str(), found.as_str())
        }
        other => panic!("expected BadValue, got {other:?}"),
    }
}

// --- Quirks that must be accepted --------------------------------------------------------

#[test]
fn a_utf8_bom_before_an_unquoted_header_is_ignored() {
    let t = load_transactions(format!("\u{feff}{TRANSACTIONS_HEADER}\n{T1}\n")).unwrap();
    assert_eq!(t.column_names().next(), Some("contact_id"));
    assert_eq!(cell(&t, "contact_id", 0), "c1");
}

/// Excel and the exercise's own files quote every header name; a BOM goes before the quote.
#[test]
fn a_utf8_bom_before_a_quoted_header_is_ignored() {
    let header = TRANSACTIONS_HEADER
        .split(',')
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(",");
    let t = load_transactions(format!("\u{feff}{header}\n{T1}\n"))
        .unwrap_or_else(|e| panic!("a BOM before a quoted header must be accepted: {e}"));
    assert_eq!(cell(&t, "contact_id", 0), "c1");
}

/// A reader that hands over one byte at a time, like a slow pipe or a chunked upload.
struct Trickle(std::collections::VecDeque<u8>);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.pop_front(), buf.first_mut()) {
            (Some(b), Some(slot)) => {
                *slot = b;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// The loader streams any reader: a BOM that arrives in pieces is still a BOM.
#[test]
fn a_bom_split_across_reads_is_ignored() {
    let header = TRANSACTIONS_HEADER
        .split(',')
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(",");
    let bytes = format!("\u{feff}{header}\n{T1}\n").into_bytes();
    let t = load(&TRANSACTIONS, "transactions.csv", Trickle(bytes.into()))
        .unwrap_or_else(|e| panic!("a BOM read byte by byte must be accepted: {e}"));
    assert_eq!(cell(&t, "contact_id", 0), "c1");
    assert_eq!(cell(&t, "amount", 0), "66.3");
}

#[test]
fn crlf_line_ends_leave_no_carriage_returns() {
    let text = format!("{TRANSACTIONS_HEADER}\r\n{T1}\r\n{T2}\r\n");
    let t = load_transactions(text).unwrap();
    assert_eq!(t.num_rows(), 2);
    assert_eq!(cell(&t, "_loaded_at_utc", 1), "2023-05-09 10:05:28.875");
    assert_eq!(cell(&t, "category", 1), "Sports, Fitness & Outdoors");
}

#[test]
fn crlf_contacts_with_a_trailing_extra_column_leave_no_carriage_returns() {
    let text = format!(
        "{CONTACTS_HEADER},segment\r\n{},gold\r\n",
        contact("c1", "F", "1990-01-01")
    );
    let t = load_contacts(text).unwrap();
    assert_eq!(cell(&t, "segment", 0), "gold");
}

#[test]
fn a_missing_final_newline_keeps_the_last_row() {
    for end in ["\n", "\r\n"] {
        let text = format!("{TRANSACTIONS_HEADER}{end}{T1}{end}{T2}");
        let t = load_transactions(text).unwrap();
        assert_eq!(t.num_rows(), 2, "line end {end:?}");
        assert_eq!(cell(&t, "id", 1), "t2");
        assert_eq!(cell(&t, "_loaded_at_utc", 1), "2023-05-09 10:05:28.875");
    }
}

#[test]
fn mixed_line_ends_are_accepted() {
    let t = load_transactions(format!("{TRANSACTIONS_HEADER}\r\n{T1}\n{T2}\r\n")).unwrap();
    assert_eq!(t.num_rows(), 2);
}

#[test]
fn quoted_fields_keep_commas_quotes_and_newlines() {
    let address = "Unit 2, \"The Towers\"\n11 Today St, Newcastle, NSW, 2300";
    let text = contacts_csv(&[
        contact("c1", "F", "1990-01-01")
            .replace(&field("1 Main St, Sydney, NSW, 2000"), &field(address)),
        contact("c2", "M", "1991-02-02"),
    ]);
    assert!(
        text.contains("\"Unit 2, \"\"The Towers\"\"\n11 Today St"),
        "the fixture quotes: {text}"
    );
    let t = load_contacts(text).unwrap();
    assert_eq!(t.num_rows(), 2);
    assert_eq!(cell(&t, "address", 0), address);
    assert_eq!(cell(&t, "id", 1), "c2");
}

#[test]
fn quoted_crlf_inside_a_field_is_kept() {
    let text = format!(
        "{CONTACTS_HEADER}\r\nc1,u,n,F,\"line one\r\nline two\",m@x.com,1990-01-01,{LOADED_AT}\r\n"
    );
    let t = load_contacts(text).unwrap();
    assert_eq!(cell(&t, "address", 0), "line one\r\nline two");
}

#[test]
fn whitespace_around_unquoted_fields_is_trimmed() {
    let text = format!(
        "{TRANSACTIONS_HEADER}\n  c1 ,\tt1 , 2023-04-15 09:57:19.000 , 66.3 , 1 ,  Books  , {LOADED_AT} \n"
    );
    let t = load_transactions(text).unwrap();
    assert_eq!(cell(&t, "contact_id", 0), "c1");
    assert_eq!(cell(&t, "amount", 0), "66.3");
    assert_eq!(t.column("item_count").unwrap().get(0), Value::Integer(1));
    assert_eq!(cell(&t, "category", 0), "Books");
    assert_eq!(cell(&t, "transaction_date", 0), "2023-04-15 09:57:19.000");
}

#[test]
fn whitespace_around_header_names_is_trimmed() {
    let header = TRANSACTIONS_HEADER.replace(',', " , ");
    let t = load_transactions(format!(" {header} \n{T1}\n")).unwrap();
    assert_eq!(cell(&t, "amount", 0), "66.3");
}

/// A documented choice (see `source::load`): every field is trimmed, quoted or not, as the
/// `csv` crate's `Trim::All` does — in CRM exports, padding inside quotes is noise too.
#[test]
fn whitespace_inside_quotes_is_trimmed_too() {
    let text = format!(
        "{CONTACTS_HEADER}\nc1,u,\"  Mary Davis \",F,addr,m@x.com,1990-01-01,{LOADED_AT}\n"
    );
    let t = load_contacts(text).unwrap();
    assert_eq!(cell(&t, "name", 0), "Mary Davis");
}

#[test]
fn columns_may_come_in_any_order() {
    let header = "category,_loaded_at_utc,amount,id,item_count,contact_id,transaction_date";
    let row = "Books,2023-05-09 10:05:28.875,66.3,t1,1,c1,2023-04-15 09:57:19.000";
    let t = load_transactions(format!("{header}\n{row}\n")).unwrap();
    assert_eq!(cell(&t, "contact_id", 0), "c1");
    assert_eq!(cell(&t, "amount", 0), "66.3");
    assert_eq!(cell(&t, "category", 0), "Books");
    assert_eq!(t.column("item_count").unwrap().get(0), Value::Integer(1));

    // And the models cannot tell the difference.
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let shuffled = build(&contacts, format!("{header}\n{row}\n"), GOLDEN_AS_OF);
    let plain = build(&contacts, transactions_csv(&[T1.to_string()]), GOLDEN_AS_OF);
    for name in MODELS {
        assert_eq!(model(&shuffled, name), model(&plain, name), "model {name}");
    }
}

#[test]
fn extra_columns_are_kept_as_text_and_ignored_by_the_models() {
    let with_extra = format!("{TRANSACTIONS_HEADER},channel,note\n{T1},web,\"a, b\"\n{T2},app,\n");
    let t = load_transactions(&with_extra).unwrap();
    assert_eq!(t.num_columns(), 9);
    assert_eq!(cell(&t, "channel", 1), "app");
    assert_eq!(cell(&t, "note", 0), "a, b");
    assert_eq!(t.column("note").unwrap().get(1), Value::Null);

    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let extra = build(&contacts, &with_extra, GOLDEN_AS_OF);
    let plain = build(
        &contacts,
        transactions_csv(&[T1.into(), T2.into()]),
        GOLDEN_AS_OF,
    );
    for name in MODELS {
        let m = model(&extra, name);
        assert!(
            !m.header.iter().any(|h| h == "channel" || h == "note"),
            "{name}: {:?}",
            m.header
        );
        assert_eq!(m, model(&plain, name), "model {name}");
    }
}

#[test]
fn empty_fields_are_nulls_in_every_type() {
    let t = load_transactions(format!("{TRANSACTIONS_HEADER}\nc1,t1,,,,,\n")).unwrap();
    for column in [
        "transaction_date",
        "amount",
        "item_count",
        "category",
        "_loaded_at_utc",
    ] {
        assert_eq!(t.column(column).unwrap().get(0), Value::Null, "{column}");
    }
}

#[test]
fn a_header_only_file_is_an_empty_table() {
    let t = load_transactions(format!("{TRANSACTIONS_HEADER}\n")).unwrap();
    assert_eq!(t.num_rows(), 0);
    assert_eq!(t.num_columns(), 7);
}

// --- Errors ------------------------------------------------------------------------------

/// A reader that yields some bytes and then fails, like a file on a vanished network share.
struct Failing(Vec<u8>);

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_read_failure_is_an_io_error_naming_the_file() {
    let err = load(
        &TRANSACTIONS,
        "transactions.csv",
        Failing(format!("{TRANSACTIONS_HEADER}\n{T1}\n").into_bytes()),
    )
    .unwrap_err();
    match &err {
        InputError::Io { file, message } => {
            assert_eq!(file, "transactions.csv");
            assert!(message.contains("the disk went away"), "{message}");
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("transactions.csv: cannot read the file"),
        "{err}"
    );
}

#[test]
fn an_empty_file_is_empty() {
    for text in ["", "\n", "\r\n", "\u{feff}"] {
        let err = load_contacts(text).expect_err(text);
        assert_eq!(
            err,
            InputError::Empty {
                file: "contacts.csv".into()
            },
            "{text:?}"
        );
        assert_eq!(
            err.to_string(),
            "contacts.csv: the file is empty; expected a header row first"
        );
    }
}

#[test]
fn missing_columns_are_listed_with_the_header_found() {
    let err = load_transactions(
        "contact_id,id,transaction_date,item_count,_loaded_at_utc,colour\nc1,t1,,,,\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        InputError::MissingColumns {
            file: "transactions.csv".into(),
            missing: vec!["amount".into(), "category".into()],
            found: [
                "contact_id",
                "id",
                "transaction_date",
                "item_count",
                "_loaded_at_utc",
                "colour"
            ]
            .map(String::from)
            .to_vec(),
        }
    );
    assert_eq!(
        err.to_string(),
        "transactions.csv: missing required columns amount, category; the header has: \
         contact_id, id, transaction_date, item_count, _loaded_at_utc, colour"
    );
}

#[test]
fn the_wrong_file_in_the_wrong_slot_is_missing_columns() {
    let err = load_contacts(transactions_csv(&[T1.to_string()])).unwrap_err();
    let InputError::MissingColumns { missing, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        missing,
        &["username", "name", "gender", "address", "mail", "birthdate"]
    );
    assert!(
        err.to_string()
            .starts_with("contacts.csv: missing required columns username, "),
        "{err}"
    );
}

#[test]
fn a_column_named_twice_is_a_duplicate() {
    let err = load_transactions(format!("{TRANSACTIONS_HEADER},amount\n{T1},1.0\n")).unwrap_err();
    assert_eq!(
        err,
        InputError::DuplicateColumn {
            file: "transactions.csv".into(),
            column: "amount".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "transactions.csv: the header names column amount more than once"
    );
}

#[test]
fn a_row_with_too_few_or_too_many_fields_is_malformed_at_its_line() {
    for (bad, found) in [
        (
            "c1,t3,2023-04-15 09:57:19.000,12,5,1,Books,2023-05-09 10:05:28.875",
            8,
        ),
        ("c1,t3", 2),
    ] {
        let err = transactions_error(&format!("{T1}\n{T2}\n{bad}\n{T1}\n"));
        match &err {
            InputError::Malformed {
                file,
                line,
                message,
            } => {
                assert_eq!(file, "transactions.csv");
                assert_eq!(*line, 4, "{err}");
                assert!(
                    message.contains(&format!(
                        "expected 7 fields as in the header, found {found}"
                    )),
                    "{message}"
                );
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("transactions.csv line 4: expected 7 fields"),
            "{err}"
        );
    }
}

#[test]
fn a_malformed_row_after_a_multi_line_field_is_reported_at_its_own_line() {
    // Line 2 opens a quoted address that ends on line 4; the short row is on line 5.
    let text = format!(
        "{CONTACTS_HEADER}\nc1,u,n,F,\"1 Main St\nSydney\nNSW\",m@x.com,1990-01-01,{LOADED_AT}\nc2,u,n\n"
    );
    match load_contacts(text).unwrap_err() {
        InputError::Malformed { line, .. } => assert_eq!(line, 5),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// The issue's own example, on line 57.
#[test]
fn a_decimal_with_a_comma_names_file_line_column_and_value() {
    let mut rows: Vec<String> = (0..55)
        .map(|i| T1.replace("t1", &format!("t{i}")))
        .collect();
    rows.push(T1.replace("66.3", "\"12,5\""));
    let err = load_transactions(transactions_csv(&rows)).unwrap_err();
    assert_eq!(
        bad_value(&err),
        (57, "amount", "a decimal number such as 12.5", "12,5")
    );
    assert_eq!(
        err.to_string(),
        "transactions.csv line 57, column amount: expected a decimal number such as 12.5, found \"12,5\""
    );
}

#[test]
fn bad_decimals_are_rejected() {
    for bad in ["abc", "1.2.3", "-", "$12", "1e3", "12 5"] {
        let err = transactions_error(&T1.replace("66.3", bad));
        let (line, column, expected, found) = bad_value(&err);
        assert_eq!((line, column, found), (2, "amount", bad));
        assert!(
            expected.starts_with("a decimal number"),
            "{bad}: {expected}"
        );
    }
    let err = transactions_error(&T1.replace("66.3", "1.0000000001"));
    let (_, _, expected, _) = bad_value(&err);
    assert!(expected.contains("at most 9 decimal places"), "{expected}");
}

#[test]
fn bad_integers_are_rejected() {
    for bad in ["1.5", "two", "1,000", "99999999999999999999"] {
        let err = transactions_error(&format!(
            "{T1}\n{}",
            T2.replace(",2,", &format!(",{},", field(bad)))
        ));
        assert_eq!(
            bad_value(&err),
            (3, "item_count", "a whole number", bad),
            "{bad}"
        );
        assert!(err.to_string().starts_with(
            "transactions.csv line 3, column item_count: expected a whole number, found"
        ));
    }
}

#[test]
fn impossible_dates_are_rejected() {
    let err = contacts_error(&contact("c1", "F", "2023-02-30"));
    assert_eq!(
        bad_value(&err),
        (2, "birthdate", "a real calendar date", "2023-02-30")
    );
    assert_eq!(
        err.to_string(),
        "contacts.csv line 2, column birthdate: expected a real calendar date, found \"2023-02-30\""
    );
    let err = contacts_error(&contact("c1", "F", "2001-02-29"));
    assert_eq!(bad_value(&err).2, "a real calendar date");
}

#[test]
fn misshapen_dates_are_rejected() {
    for bad in [
        "30/01/1989",
        "1989-1-30",
        "1989-01-30 00:00:00",
        "yesterday",
    ] {
        let err = contacts_error(&format!(
            "{}\n{}",
            contact("c0", "M", "1980-01-01"),
            contact("c1", "F", bad)
        ));
        assert_eq!(
            bad_value(&err),
            (3, "birthdate", "a date YYYY-MM-DD", bad),
            "{bad}"
        );
    }
}

#[test]
fn timestamps_of_impossible_days_are_rejected() {
    let err = transactions_error(&T1.replace("2023-04-15 09:57:19.000", "2023-02-30 09:57:19.000"));
    assert_eq!(
        bad_value(&err),
        (
            2,
            "transaction_date",
            "a real calendar date and time",
            "2023-02-30 09:57:19.000"
        )
    );
    let err = transactions_error(&T1.replace("09:57:19", "24:00:00"));
    assert_eq!(bad_value(&err).2, "a real calendar date and time");
}

#[test]
fn timestamps_with_trailing_garbage_are_rejected() {
    for bad in [
        "2023-04-15 09:57:19.000 UTC",
        "2023-04-15 09:57:19.000z",
        "2023-04-15 09:57:19.000+2",
        "2023-04-15 09:57:19.000+02:00Z",
        "2023-04-15 09:57:19.12a",
        "2023-04-15 09:57",
        "2023-04-15T",
        "15/04/2023",
    ] {
        let err = transactions_error(&T1.replace("2023-04-15 09:57:19.000", bad));
        let (line, column, expected, found) = bad_value(&err);
        assert_eq!((line, column, found), (2, "transaction_date", bad), "{bad}");
        assert!(
            expected.starts_with("a timestamp YYYY-MM-DD HH:MM:SS[.mmm]")
                && expected.contains("±HH:MM")
                && expected.contains("or a date YYYY-MM-DD"),
            "{expected}"
        );
    }
    let err =
        transactions_error(&T1.replace("2023-04-15 09:57:19.000", "2023-04-15T09:57:19+24:00"));
    assert_eq!(
        err.to_string(),
        "transactions.csv line 2, column transaction_date: expected a UTC offset between -23:59 \
         and +23:59, found \"2023-04-15T09:57:19+24:00\""
    );
}

/// ISO 8601 as exporters write it: `T` or a space, `Z` or an offset (converted to UTC), or
/// a date alone (its midnight UTC); every form of one instant gives the same table.
#[test]
fn iso_timestamps_with_zones_and_dates_alone_are_read_as_utc() {
    let forms = [
        "2023-04-15 09:57:19.000",
        "2023-04-15T09:57:19",
        "2023-04-15T09:57:19Z",
        "2023-04-15T09:57:19.000Z",
        "2023-04-15T11:57:19+02:00",
        "2023-04-15 11:57:19.0+0200",
        "2023-04-15T07:57:19-02",
        "2023-04-14T23:57:19-10:00",
    ];
    for form in forms {
        let t = load_transactions(format!(
            "{TRANSACTIONS_HEADER}\n{}\n",
            T1.replace("2023-04-15 09:57:19.000", form)
        ))
        .unwrap_or_else(|e| panic!("{form}: {e}"));
        assert_eq!(
            cell(&t, "transaction_date", 0),
            "2023-04-15 09:57:19.000",
            "{form}"
        );
    }
    let t = load_transactions(format!(
        "{TRANSACTIONS_HEADER}\n{}\n",
        T1.replace("2023-04-15 09:57:19.000", "2023-04-15")
            .replace("2023-05-09 10:05:28.875", "2023-05-09T10:05:28.875Z")
    ))
    .unwrap();
    assert_eq!(cell(&t, "transaction_date", 0), "2023-04-15 00:00:00.000");
    assert_eq!(cell(&t, "_loaded_at_utc", 0), "2023-05-09 10:05:28.875");
}

#[test]
fn timestamps_finer_than_milliseconds_are_rejected() {
    let err = transactions_error(&T1.replace("09:57:19.000", "09:57:19.0001"));
    let (line, column, expected, found) = bad_value(&err);
    assert_eq!(
        (line, column, found),
        (2, "transaction_date", "2023-04-15 09:57:19.0001")
    );
    assert!(
        expected.contains("at most millisecond precision"),
        "{expected}"
    );
}

#[test]
fn a_bad_load_time_names_its_column() {
    let err = contacts_error(&contact_loaded(
        "c1",
        "F",
        "1990-01-01",
        "2023-05-09 10:05:28.875.1",
    ));
    assert_eq!(bad_value(&err).1, "_loaded_at_utc");
}

/// A file that says it is UTF-8 (a byte-order mark), or whose start is (see `encodings`
/// below), is read as UTF-8: a byte that is not is the value's error.
#[test]
fn bytes_that_are_not_utf8_are_rejected_with_the_value_shown() {
    let mut bytes = format!(
        "\u{feff}{CONTACTS_HEADER}\n{}\nc2,u,Ren",
        contact("c1", "F", "1990-01-01")
    )
    .into_bytes();
    bytes.extend_from_slice(b"\xe9e,F,addr,m@x.com,1990-01-01,2023-05-09 10:05:28.875\n");
    let err = load_contacts(bytes).unwrap_err();
    assert_eq!(bad_value(&err), (3, "name", "UTF-8 text", "Ren\u{fffd}e"));
    assert_eq!(
        err.to_string(),
        "contacts.csv line 3, column name: expected UTF-8 text, found \"Ren\u{fffd}e\""
    );
}

#[test]
fn a_bad_value_after_a_multi_line_field_is_reported_at_its_own_line() {
    // The record on line 2 spans lines 2-4; the bad amount is on line 5.
    let first = T2.replace(
        "\"Sports, Fitness & Outdoors\"",
        "\"Sports,\nFitness\n& Outdoors\"",
    );
    let err = transactions_error(&format!("{first}\n{}\n", T1.replace("66.3", "6..3")));
    assert_eq!(
        bad_value(&err),
        (5, "amount", "a decimal number such as 12.5", "6..3")
    );
}

/// Windows and Excel write CRLF: the lines must be counted as in an LF file.
#[test]
fn line_numbers_are_right_in_crlf_files() {
    let text = format!(
        "{TRANSACTIONS_HEADER}\r\n{T1}\r\n{T2}\r\n{}\r\n",
        T1.replace("66.3", "x")
    );
    assert_eq!(
        bad_value(&load_transactions(text).unwrap_err()).0,
        4,
        "a bad value on line 4"
    );
    let text = format!("{TRANSACTIONS_HEADER}\r\n{T1}\r\nc1,t2\r\n{T2}\r\n");
    match load_transactions(text).unwrap_err() {
        InputError::Malformed { line, .. } => assert_eq!(line, 3, "a short row on line 3"),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// A blank line is not a record, but it is a line: the numbers must still match an editor's.
#[test]
fn a_bad_value_after_a_blank_line_is_reported_at_its_line() {
    let text = format!(
        "{TRANSACTIONS_HEADER}\n{T1}\n\n{}\n",
        T1.replace("66.3", "x")
    );
    assert_eq!(
        bad_value(&load_transactions(text).unwrap_err()).0,
        4,
        "line 3 is blank; the bad row is line 4"
    );
}

#[test]
fn a_bad_file_gives_no_partial_result() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[T1.into(), T1.replace("66.3", "\"12,5\"")]);
    match try_build(contacts.as_bytes(), transactions.as_bytes(), GOLDEN_AS_OF) {
        Err(RunError::Input(InputError::BadValue { line: 3, .. })) => {}
        Err(other) => panic!("expected a BadValue on line 3, got {other:?}"),
        Ok(_) => panic!("a run over a bad file must not produce tables"),
    }
    // The contacts file is checked too, not only the transactions.
    let bad_contacts = contacts_csv(&[contact("c1", "F", "1990-02-30")]);
    let good = transactions_csv(&[T1.into()]);
    assert!(matches!(
        try_build(bad_contacts.as_bytes(), good.as_bytes(), GOLDEN_AS_OF),
        Err(RunError::Input(InputError::BadValue { .. }))
    ));
}

/// A malformed row is reported at its own line, not at the blank lines before it (the `csv`
/// crate's reader gave the line where it started looking).
#[test]
fn a_malformed_row_after_blank_lines_is_reported_at_its_own_line() {
    let text = format!("{TRANSACTIONS_HEADER}\n{T1}\n\n\nc1,t2\n");
    match load_transactions(text).unwrap_err() {
        InputError::Malformed { line, .. } => assert_eq!(line, 5),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

// --- Malformed files as a whole ---------------------------------------------------------

fn malformed(err: &InputError) -> (&str, u64, &str) {
    match err {
        InputError::Malformed {
            file,
            line,
            message,
        } => (file.as_str(), *line, message.as_str()),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// A file that ends inside a quoted field is truncated or has a stray quote that swallowed
/// the rest of it: refused at the line its record starts, never read as a field.
#[test]
fn a_file_that_ends_inside_a_quote_is_malformed_at_the_line_of_its_record() {
    for (body, line) in [
        (format!("{T1}\n{}", T1.replace(",Books,", ",\"Books,")), 3),
        (format!("{T1}\n{}", T2.replace("Outdoors\"", "Outdoors")), 3),
        (
            format!(
                "{T1}\n\n{}\"\"",
                T1.replace("2023-05-09 10:05:28.875", "\"2023-05-09")
            ),
            4,
        ),
        (format!("\"{T1}\n{T1}\n"), 2),
    ] {
        let err = transactions_error(&body);
        let (file, at, message) = malformed(&err);
        assert_eq!((file, at), ("transactions.csv", line), "{body}");
        assert!(message.contains("never closed"), "{message}");
        assert!(
            err.to_string()
                .starts_with(&format!("transactions.csv line {line}: a quoted field")),
            "{err}"
        );
    }
    // In the header, before the header is read.
    let err = load_transactions(format!("\n\"{TRANSACTIONS_HEADER}\n{T1}\n")).unwrap_err();
    assert_eq!(malformed(&err).1, 2);
    // A quote closed on the last byte is whole.
    let t = load_transactions(format!(
        "{TRANSACTIONS_HEADER}\n{}\"",
        T1.replace("Books", "\"Books")
    ))
    .unwrap_err();
    assert!(
        malformed(&t).2.contains("expected 7 fields"),
        "the quote before Books closes on the last byte: {t}"
    );
    let t = load_transactions(format!(
        "{TRANSACTIONS_HEADER}\n{}",
        T1.replace("2023-05-09 10:05:28.875", "\"2023-05-09 10:05:28.875\"")
    ))
    .unwrap();
    assert_eq!(cell(&t, "_loaded_at_utc", 0), "2023-05-09 10:05:28.875");
}

/// `len` bytes of `x` with no line end, handed over as a file would be, counting what was
/// taken: never held in memory whole.
struct OneLine {
    left: usize,
}

impl Read for OneLine {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.left);
        buf[..n].fill(b'x');
        self.left -= n;
        Ok(n)
    }
}

/// 200 MB on one line, as the header or as a record: a typed error at its line as soon as
/// the record passes the loader's limit, not a 200 MB header name in a message, a hang or the
/// file buffered whole (the reader is left with nearly all of it).
#[test]
fn a_200_mb_file_of_one_line_is_malformed_once_past_the_record_limit() {
    use c360::engine::source::MAX_RECORD_BYTES;
    const SIZE: usize = 200_000_000;
    for (prefix, line) in [
        (String::new(), 1),
        (format!("{TRANSACTIONS_HEADER}\n{T1}\n\n"), 4),
    ] {
        let mut endless = OneLine { left: SIZE };
        let err = load(
            &TRANSACTIONS,
            "transactions.csv",
            io::Cursor::new(prefix.into_bytes()).chain(&mut endless),
        )
        .unwrap_err();
        let (file, at, message) = malformed(&err);
        assert_eq!((file, at), ("transactions.csv", line), "{err}");
        assert!(message.contains("longer than 1 MiB"), "{message}");
        let taken = SIZE - endless.left;
        assert!(
            taken > MAX_RECORD_BYTES && taken < 4 * MAX_RECORD_BYTES,
            "read {taken} bytes of the line"
        );
    }
    // Just under the limit, a record is read like any other (and is malformed for its width).
    let long = "x".repeat(MAX_RECORD_BYTES - 10);
    let err = transactions_error(&format!("{T1}\n{long}\n"));
    let (_, at, message) = malformed(&err);
    assert_eq!(at, 3);
    assert!(message.contains("found 1"), "{message}");
    // And a file of blank lines before a short record is not one long record.
    let t = load_transactions(format!(
        "{TRANSACTIONS_HEADER}\n{}{T1}\n",
        "\n".repeat(MAX_RECORD_BYTES + 5)
    ))
    .unwrap();
    assert_eq!(t.num_rows(), 1);
}

/// A NUL byte, in a number, a time or a text, is refused by the front stage that decodes the
/// file: a typed error naming the file and line, never a value.
#[test]
fn a_nul_byte_anywhere_is_refused_at_its_line() {
    for from_to in [
        ("66.3", "66\u{0}.3"),
        ("09:57:19", "09:57\u{0}19"),
        (",1,", ",\u{0},"),
        ("Books", "Bo\u{0}oks"),
    ] {
        let (from, to) = from_to;
        let err = transactions_error(&format!("{T1}\n{}", T1.replace(from, to)));
        assert!(
            matches!(
                &err,
                InputError::Encoding { file, line: Some(3), .. } if file == "transactions.csv"
            ),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with("transactions.csv line 3"),
            "{err}"
        );
    }
}

/// A category of spaces trims to empty, a null: not dropped but counted in `other_amount`
/// and named as `(null)` in the finding on categories outside the accepted list.
#[test]
fn a_category_of_only_whitespace_is_a_null_counted_and_reported() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = format!(
        "{TRANSACTIONS_HEADER}\n{T1}\n{}\n{}\n",
        T1.replace("t1", "t2").replace("Books", "   "),
        T1.replace("t1", "t3").replace("Books", "\" \t \"")
    );
    let t = load_transactions(&transactions).unwrap();
    assert_eq!(t.column("category").unwrap().get(1), Value::Null);
    assert_eq!(t.column("category").unwrap().get(2), Value::Null);
    let out = build(&contacts, &transactions, GOLDEN_AS_OF);
    let customers = model(&out, "customers");
    let c1 = customers.row("id", "c1");
    assert_eq!(c1.get("books_amount"), "66.3");
    assert_eq!(c1.get("other_amount"), "132.6");
    assert_eq!(c1.get("total_expense"), "198.9");
    let finding = out
        .findings
        .iter()
        .find(|f| f.kind == c360::engine::FindingKind::CategoriesOutsideAcceptedList)
        .expect("the null categories are reported");
    assert!(finding.message.contains("(null): 2"), "{}", finding.message);
    assert_eq!(finding.rows.num_rows(), 2);
}

/// A header-only pair of files builds: every model empty, not an error.
#[test]
fn header_only_files_build_empty_models() {
    let out = build(
        format!("{CONTACTS_HEADER}\n"),
        format!("{TRANSACTIONS_HEADER}\n"),
        GOLDEN_AS_OF,
    );
    for name in ["customers", "category", "contacts_joined_with_transactions"] {
        assert_eq!(model(&out, name).rows.len(), 0, "{name}");
    }
}

#[test]
fn a_contacts_file_given_as_the_transactions_is_missing_their_columns() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let err = try_sources(contacts.as_bytes(), contacts.as_bytes()).unwrap_err();
    let InputError::MissingColumns { file, missing, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(file, "transactions.csv");
    assert_eq!(
        missing,
        &[
            "contact_id",
            "transaction_date",
            "amount",
            "item_count",
            "category"
        ]
    );
}

/// The two files swapped: the first one read, the contacts slot, is the one named.
#[test]
fn swapped_files_name_the_contacts_slot_and_what_it_lacks() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[T1.to_string()]);
    let err = try_sources(transactions.as_bytes(), contacts.as_bytes()).unwrap_err();
    match &err {
        InputError::MissingColumns {
            file,
            missing,
            found,
        } => {
            assert_eq!(file, "contacts.csv");
            assert!(missing.contains(&"birthdate".to_string()), "{missing:?}");
            assert!(found.contains(&"contact_id".to_string()), "{found:?}");
        }
        other => panic!("{other:?}"),
    }
}

// --- The loader against a reference --------------------------------------------------------

/// The table or error as plain data, to compare two loads: column names, types and the CSV
/// the table writes.
pub(crate) fn outcome(
    result: Result<Table, InputError>,
) -> Result<(Vec<String>, String), InputError> {
    result.map(|t| {
        (
            t.schema()
                .into_iter()
                .map(|c| format!("{} {}", c.name, c.data_type.sql_name()))
                .collect(),
            to_csv_string(&t),
        )
    })
}

/// The loader as it was before it was push-based, on the `csv` crate's reader: the reference
/// the tokenizer must agree with on every input, table or error. (Its one intended difference:
/// a malformed row after blank lines is reported at its own line.)
pub(crate) fn reference_load(
    def: &SourceDef,
    file: &str,
    bytes: &[u8],
) -> Result<Table, InputError> {
    // A file no longer than the sniff is UTF-8 if it says so or is valid UTF-8, otherwise
    // Windows-1252, decided from the whole of it (the reference reads no longer file that is
    // not UTF-8).
    let decoded;
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest,
        None if bytes.len() <= c360::engine::source::decode::SNIFF_BYTES
            && std::str::from_utf8(bytes).is_err() =>
        {
            decoded = encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned();
            decoded.as_bytes()
        }
        None => bytes,
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes);
    // The line a record starts on: one more than the line ends before its first byte, which
    // is where the reader started looking plus the blank lines it skipped. Records come in
    // order, so the line ends are counted on from the last record's.
    let mut counted = (0usize, 1u64);
    let mut line_of = |_: &csv::Reader<&[u8]>, record: &ByteRecord| {
        let from = record.position().map_or(0, |p| p.byte() as usize);
        let blank = bytes[from..].iter().take_while(|&&b| b == b'\n').count();
        let (at, line) = &mut counted;
        *line += bytes[*at..from + blank]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        *at = from + blank;
        *line
    };
    // A file that ends inside a quoted field is refused, at the line its last record starts.
    let unclosed = |line: u64| InputError::Malformed {
        file: file.into(),
        line,
        message: "a quoted field opened in the record starting on this line is never closed: \
                  the file ends inside it (a stray \" or a truncated file?)"
            .into(),
    };
    let ends_unclosed = ends_inside_quotes(bytes);
    let records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes)
        .byte_records()
        .count();
    if ends_unclosed && records == 1 {
        let blank = bytes.iter().take_while(|&&b| b == b'\n').count();
        return Err(unclosed(1 + blank as u64));
    }
    let header: Vec<String> = csv
        .byte_headers()
        .expect("reading memory cannot fail")
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect();
    if header.iter().all(String::is_empty) {
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
    // Each column is typed by the loader itself from a one-column file of its values, so
    // the reference shares only the typing of fields with what it checks: the splitting into
    // records, the line numbers and which error comes first are its own.
    let kinds: Vec<(usize, DataType, bool)> = header
        .iter()
        .map(|h| match def.columns.iter().position(|c| c.name == h) {
            Some(i) => (i, def.columns[i].data_type, def.columns[i].intern),
            None => (usize::MAX, DataType::Text, false),
        })
        .collect();
    let mut values: Vec<Vec<Vec<u8>>> = vec![Vec::new(); header.len()];
    let mut lines = Vec::new();
    // The first error, keyed by (row, 0 for the record or 1 + the field).
    let mut first: Option<((usize, usize), InputError)> = None;
    let mut record = ByteRecord::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    let e = InputError::Malformed {
                        file: file.into(),
                        line: line_of(&csv, &record),
                        message: format!(
                            "expected {expected_len} fields as in the header, found {len} \
                             (is a field with a comma missing its quotes?)"
                        ),
                    };
                    let last = !matches!(
                        csv.read_byte_record(&mut ByteRecord::new()),
                        Ok(true) | Err(_)
                    );
                    let e = match e {
                        InputError::Malformed { line, .. } if last && ends_unclosed => {
                            unclosed(line)
                        }
                        e => e,
                    };
                    first = Some(((lines.len(), 0), e));
                    break;
                }
                other => panic!("the reference reads memory only: {other:?}"),
            },
        }
        lines.push(line_of(&csv, &record));
        for (i, field) in record.iter().enumerate() {
            values[i].push(field.trim_ascii().to_vec());
        }
    }
    if ends_unclosed && first.is_none() {
        // The last record read is the one the file ends inside; its fields are not typed.
        if let Some(line) = lines.pop() {
            first = Some(((lines.len(), 0), unclosed(line)));
            for column in &mut values {
                column.pop();
            }
        }
    }
    let mut columns = Vec::new();
    for (i, column) in values.iter().enumerate() {
        match column_of(kinds[i].1, kinds[i].2, column) {
            Ok(c) => columns.push(c),
            Err((row, expected)) => {
                let e = InputError::BadValue {
                    file: file.into(),
                    line: lines[row],
                    column: header[i].clone(),
                    expected,
                    found: String::from_utf8_lossy(&column[row]).into_owned(),
                };
                if first.as_ref().is_none_or(|(key, _)| (row, i + 1) < *key) {
                    first = Some(((row, i + 1), e));
                }
                columns.push(Column::Integer(Vec::new()));
            }
        }
    }
    if let Some((_, e)) = first {
        return Err(e);
    }
    let mut order: Vec<usize> = (0..header.len()).collect();
    order.sort_by_key(|&i| kinds[i].0);
    let mut table = Table::new();
    for i in order {
        table.push(header[i].clone(), columns[i].clone());
    }
    Ok(table)
}

/// Whether `bytes` end inside a quoted field, by the rules the `csv` crate follows: a `"`
/// opens a quoted field only at the start of a field; inside one, `""` is a quote and a lone
/// `"` closes it.
fn ends_inside_quotes(bytes: &[u8]) -> bool {
    let (mut at_start, mut quoted, mut i) = (true, false, 0);
    while i < bytes.len() {
        match (quoted, bytes[i]) {
            (true, b'"') if bytes.get(i + 1) == Some(&b'"') => i += 1,
            (true, b'"') => quoted = false,
            (true, _) => {}
            (false, b'"') if at_start => quoted = true,
            (false, b',' | b'\n') => {
                at_start = true;
                i += 1;
                continue;
            }
            (false, _) => {}
        }
        at_start = false;
        i += 1;
    }
    quoted
}

/// A one-column source definition of `data_type`, to type single fields with.
fn one_column(data_type: DataType, intern: bool) -> SourceDef {
    let columns: &'static [SourceColumn] = Box::leak(Box::new([SourceColumn {
        name: "v",
        data_type,
        intern,
        description: "",
    }]));
    SourceDef {
        source_name: "test",
        name: "v",
        file_name: "v.csv",
        columns,
    }
}

/// A field as a quoted CSV line: every byte kept, the quotes doubled.
fn quoted_line(field: &[u8]) -> Vec<u8> {
    let mut line = b"\"".to_vec();
    for &b in field {
        if b == b'"' {
            line.push(b'"');
        }
        line.push(b);
    }
    line.extend_from_slice(b"\"\n");
    line
}

/// A column of `data_type` from its values, typed by the loader on a one-column file; or
/// the first rejected value's row and what was expected instead.
fn column_of(
    data_type: DataType,
    intern: bool,
    values: &[Vec<u8>],
) -> Result<Column, (usize, String)> {
    // The byte-order mark says UTF-8, so that bytes that are not are the column's error,
    // whatever the start of the file is.
    let mut text = b"\xEF\xBB\xBFv\n".to_vec();
    for v in values {
        if v.is_empty() {
            text.extend_from_slice(b"\"\"\n");
        } else {
            text.extend(quoted_line(v));
        }
    }
    match load_bytes(&one_column(data_type, intern), "v.csv", &text) {
        Ok(table) => Ok(table.column("v").expect("the column").clone()),
        // Each value is on one line of its own after the header, or spans more when it holds
        // line ends: find the row by counting.
        Err(InputError::BadValue { line, expected, .. }) => {
            let mut at = 2;
            let row = values
                .iter()
                .position(|v| {
                    let here = at;
                    at += 1 + v.iter().filter(|&&b| b == b'\n').count() as u64;
                    here == line
                })
                .expect("the bad value's line starts a row");
            Err((row, expected))
        }
        Err(other) => panic!("a column of values gives a column or a bad value: {other:?}"),
    }
}

// --- Large files, parsed on two threads natively -------------------------------------------

/// `rows` transactions, about 5 MB for 60,000: well past the size at which a second thread builds
/// some of the columns. `bad` plants (row, field, bytes) replacements.
fn big_transactions(rows: usize, bad: &[(usize, usize, &[u8])]) -> Vec<u8> {
    let mut out = format!("{TRANSACTIONS_HEADER}\r\n").into_bytes();
    for i in 0..rows {
        let fields: [Vec<u8>; 7] = [
            format!("\"c{:05}\"", i * 7919 % 10_007).into_bytes(),
            format!("t{i}").into_bytes(),
            format!(
                "2023-04-{:02} {:02}:{:02}:{:02}.{:03}",
                1 + i % 28,
                i % 24,
                i % 60,
                i * 7 % 60,
                i % 1000
            )
            .into_bytes(),
            format!("{}.{}", i % 500, i % 10).into_bytes(),
            format!("{}", 1 + i % 5).into_bytes(),
            ["Books", "\"Sports, Fitness\n& Outdoors\"", "Beauty", ""][i % 4]
                .as_bytes()
                .to_vec(),
            b"2023-05-09 10:05:28.875".to_vec(),
        ];
        let mut line: Vec<Vec<u8>> = fields.to_vec();
        for (row, field, value) in bad {
            if *row == i {
                if *field == usize::MAX {
                    line.truncate(2); // a short row
                } else {
                    line[*field] = value.to_vec();
                }
            }
        }
        out.extend(line.join(&b','));
        out.extend_from_slice(if i % 3 == 0 { b"\r\n" } else { b"\n" });
    }
    out
}

/// A reader handing over `n` bytes at a time.
struct Pieces<'a>(&'a [u8], usize);

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_large_file_gives_the_reference_table_read_whole_or_in_pieces() {
    let bytes = big_transactions(60_000, &[]);
    assert!(bytes.len() > 4 << 20, "{} bytes", bytes.len());
    let expected = outcome(reference_load(&TRANSACTIONS, "transactions.csv", &bytes));
    let (_, csv) = expected.as_ref().expect("the file is valid");
    assert_eq!(
        csv.lines().count(),
        60_001 + 15_000,
        "rows, and the multi-line category"
    );
    // Compared without printing megabytes on a failure.
    let same = |got: Result<Table, InputError>, how: &str| match (outcome(got), &expected) {
        (Ok(got), Ok(want)) => assert!(
            got == *want,
            "{how}: the tables differ from byte {:?}",
            got.1.bytes().zip(want.1.bytes()).position(|(a, b)| a != b)
        ),
        (got, _) => panic!("{how}: {:?}", got.err()),
    };
    same(
        load_bytes(&TRANSACTIONS, "transactions.csv", &bytes),
        "whole",
    );
    same(
        load(&TRANSACTIONS, "transactions.csv", Pieces(&bytes, 10_007)),
        "in pieces",
    );
}

/// Whichever thread builds the column, the first bad field in file order is the one reported,
/// with its line. The pairs of columns below go both ways between the two threads however the
/// columns are shared out (today the worker builds the contact ids, amounts, item counts and
/// categories, the loader's thread the ids, transaction dates and load times).
#[test]
fn in_a_large_file_the_first_error_in_file_order_is_reported() {
    let (contact_id, id, transaction_date, amount, item_count, loaded) = (0, 1, 2, 3, 4, 6);
    let short = usize::MAX;
    let cases: [&[(usize, usize, &[u8])]; 10] = [
        &[(50_000, amount, b"x"), (45_000, loaded, b"later")],
        &[(45_000, amount, b"x"), (50_000, loaded, b"later")],
        &[
            (50_000, contact_id, b"\xff"),
            (45_000, transaction_date, b"2023-02-30 00:00:00.000"),
        ],
        &[
            (50_000, transaction_date, b"2023-02-30 00:00:00.000"),
            (50_000, contact_id, b"\xff"),
        ],
        &[
            (50_000, amount, b"1,5"),
            (50_000, loaded, b"2023-05-09 now"),
        ],
        &[(50_000, id, b"\xfe"), (50_000, item_count, b"1.5")],
        &[(50_000, short, b""), (49_999, item_count, b"many")],
        &[(50_000, short, b""), (49_999, loaded, b"now")],
        &[(45_000, short, b""), (50_000, amount, b"x")],
        &[(100, loaded, b"early"), (59_999, amount, b"late")],
    ];
    for bad in cases {
        let bytes = big_transactions(60_000, bad);
        let expected =
            reference_load(&TRANSACTIONS, "transactions.csv", &bytes).expect_err("a planted error");
        let got = load_bytes(&TRANSACTIONS, "transactions.csv", &bytes).expect_err("an error");
        assert_eq!(got, expected, "{bad:?}");
        let pieces =
            load(&TRANSACTIONS, "transactions.csv", Pieces(&bytes, 65_537)).expect_err("an error");
        assert_eq!(pieces, expected, "{bad:?} read in pieces");
    }
}

// --- A column mapping --------------------------------------------------------------------

#[test]
fn a_mapping_renames_the_header_before_the_columns_are_typed() {
    use c360::engine::source::load_mapped;
    use c360::engine::source::mapping::{Mapping, MappingError};

    let bytes =
        "\u{feff}Customer ID, order_id ,Order Date,price,qty,category,_loaded_at_utc,store\n\
                 c1,t1,2023-04-15 09:57:19.000,12.5,2,Books,2023-05-09 10:05:28.875,web\n";
    let mapping = Mapping {
        columns: [
            ("contact_id", "Customer ID"),
            ("id", "order_id"),
            ("transaction_date", "Order Date"),
            ("amount", "price"),
            ("item_count", "qty"),
        ]
        .into_iter()
        .map(|(c, h)| (c.to_string(), h.to_string()))
        .collect(),
        ..Mapping::default()
    };
    let table = load_mapped(
        &TRANSACTIONS,
        "orders.csv",
        bytes.as_bytes(),
        Some(&mapping),
    )
    .unwrap();
    assert_eq!(
        table.column_names().collect::<Vec<_>>(),
        [
            "contact_id",
            "id",
            "transaction_date",
            "amount",
            "item_count",
            "category",
            "_loaded_at_utc",
            "store"
        ]
    );
    assert_eq!(table.column("amount").unwrap().get(0).to_string(), "12.5");
    assert_eq!(
        table.column("item_count").unwrap().get(0),
        Value::Integer(2)
    );

    // Without the mapping the header lacks the required columns; with too little of one the
    // error names the user's file, the column, the header and the closest headers.
    assert!(matches!(
        load(&TRANSACTIONS, "orders.csv", bytes.as_bytes()),
        Err(InputError::MissingColumns { .. })
    ));
    let mut partial = mapping.clone();
    partial.columns.remove("item_count");
    match load_mapped(
        &TRANSACTIONS,
        "orders.csv",
        bytes.as_bytes(),
        Some(&partial),
    ) {
        Err(InputError::Mapping { file, error }) => match *error {
            MappingError::Unmapped {
                file: inner,
                column,
                candidates,
                ..
            } => {
                assert_eq!(
                    (file.as_str(), inner.as_str()),
                    ("orders.csv", "orders.csv")
                );
                assert_eq!(column, "item_count");
                assert_eq!(candidates[0], "qty");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    // A bad value is still named by the required column, on its line.
    let bad = bytes
        .replace(",12.5,", ",12,5x,")
        .replace(",store", ",store,more");
    match load_mapped(&TRANSACTIONS, "orders.csv", bad.as_bytes(), Some(&mapping)) {
        Err(InputError::BadValue { line, column, .. }) => {
            assert_eq!((line, column.as_str()), (2, "item_count"));
        }
        other => panic!("{other:?}"),
    }
}

/// A mapping reading `amount` from `price`, written with `$` and `,` as the mapping says.
fn dollar_mapping() -> c360::engine::source::mapping::Mapping {
    c360::engine::source::mapping::MappingFile::from_json(
        r#"{"version": 1, "sources": {"transactions": {
            "columns": {"amount": "price"},
            "formats": {"amount": {"currency_symbol": "$", "thousands_separator": ","}}
        }}}"#,
    )
    .unwrap()
    .get(&TRANSACTIONS)
    .unwrap()
    .clone()
}

fn load_prices(
    prices: &[&str],
    mapping: Option<&c360::engine::source::mapping::Mapping>,
) -> Result<Table, InputError> {
    let header = TRANSACTIONS_HEADER.replace("amount", "price");
    let rows: String = prices
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "c1,t{i},2023-04-15 09:57:19.000,{},1,Books,{LOADED_AT}\n",
                field(p)
            )
        })
        .collect();
    c360::engine::source::load_mapped(
        &TRANSACTIONS,
        "orders.csv",
        format!("{header}\n{rows}").as_bytes(),
        mapping,
    )
}

#[test]
fn a_number_format_in_the_mapping_reads_currency_symbols_and_thousands_separators() {
    let mapping = dollar_mapping();
    let t = load_prices(
        &[
            "$1,234.50",
            "-$5.00",
            "$-5.00",
            "1,234.50 $",
            "12",
            "$1,234,567.125",
            "",
        ],
        Some(&mapping),
    )
    .unwrap();
    let amounts: Vec<String> = (0..7).map(|i| cell(&t, "amount", i)).collect();
    assert_eq!(
        amounts,
        [
            "1234.500",
            "-5.000",
            "-5.000",
            "1234.500",
            "12.000",
            "1234567.125",
            ""
        ]
    );
}

#[test]
fn with_a_number_format_a_misplaced_separator_is_still_a_bad_value() {
    let mapping = dollar_mapping();
    let err = load_prices(&["$1,234.50", "1,23.4"], Some(&mapping)).unwrap_err();
    let (line, column, expected, found) = bad_value(&err);
    // The column by its c360 name, as every mapped column is named in errors.
    assert_eq!((line, column, found), (3, "amount", "1,23.4"));
    assert!(
        expected.contains("groups of three") && expected.contains("$1,234.50"),
        "{expected}"
    );
    assert!(
        err.to_string()
            .starts_with("orders.csv line 3, column amount: expected "),
        "{err}"
    );
    // A decimal comma is not read, and says so.
    let err = load_prices(&["12,5"], Some(&mapping)).unwrap_err();
    assert_eq!(bad_value(&err).0, 2);
    let err = load_prices(&["1.234,50 $"], Some(&mapping)).unwrap_err();
    let (_, _, expected, found) = bad_value(&err);
    assert_eq!(found, "1.234,50 $");
    assert!(
        expected.contains("a decimal comma is not read"),
        "{expected}"
    );
    // Another currency than the mapping's.
    let err = load_prices(&["€5"], Some(&mapping)).unwrap_err();
    assert_eq!(bad_value(&err).3, "€5");
}

#[test]
fn without_a_number_format_a_currency_symbol_or_a_comma_is_a_bad_value() {
    let mut plain = dollar_mapping();
    plain.formats.clear();
    for price in ["$5.00", "1,234.50"] {
        let err = load_prices(&[price], Some(&plain)).unwrap_err();
        assert_eq!(
            bad_value(&err),
            (2, "amount", "a decimal number such as 12.5", price),
            "{price}"
        );
    }
}

#[test]
fn a_number_format_is_for_decimal_columns_only() {
    use c360::engine::source::mapping::MappingError;
    let mut mapping = dollar_mapping();
    let format = mapping.formats.remove("amount").unwrap();
    mapping.formats.insert("item_count".into(), format);
    match load_prices(&["5"], Some(&mapping)).unwrap_err() {
        InputError::Mapping { file, error } => {
            assert_eq!(file, "orders.csv");
            assert_eq!(
                *error,
                MappingError::FormatNotDecimal {
                    file: "orders.csv".into(),
                    column: "item_count".into(),
                    data_type: DataType::Integer,
                    decimal_columns: vec!["amount".into()],
                }
            );
            assert_eq!(
                error.to_string(),
                "orders.csv: the mapping gives a number format to \"item_count\", whose type is \
                 integer; only decimal columns take one: \"amount\""
            );
        }
        other => panic!("{other:?}"),
    }
}

// --- Encodings ---------------------------------------------------------------------------

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut bytes = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn utf16_exports_with_a_bom_build_what_their_utf8_builds() {
    let contacts = read(repo().join("seeds/contacts.csv"));
    let transactions = read(repo().join("seeds/transactions.csv"));
    let plain = build(&contacts, &transactions, "2023-05-09");
    let decoded = build(
        utf16(&contacts, true),
        utf16(&transactions, false),
        "2023-05-09",
    );
    for name in ["stg_sf__contacts", "customers", "category"] {
        assert_eq!(
            to_csv_string(decoded.model(name).unwrap()),
            to_csv_string(plain.model(name).unwrap()),
            "{name}"
        );
    }
}

#[test]
fn a_windows_1252_export_is_decoded_and_non_utf8_after_a_utf8_start_is_a_typed_error() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]).into_bytes();
    // The contact's name with an é (E9) and a euro sign (80) in Windows-1252.
    let name_at = contacts.windows(1).position(|w| w == b"\n").unwrap() + 1;
    let mut cp1252 = contacts.clone();
    let text = String::from_utf8(contacts[name_at..].to_vec()).unwrap();
    let fields: Vec<&str> = text.trim_end().split(',').collect();
    let name = fields[2];
    let with = text.replacen(name, "Ren\u{e9}e \u{20ac}", 1);
    cp1252.truncate(name_at);
    cp1252.extend(with.chars().map(|c| match c {
        '\u{e9}' => 0xE9,
        '\u{20ac}' => 0x80,
        c => {
            assert!(c.is_ascii());
            c as u8
        }
    }));
    let transactions = transactions_csv(&[transaction("c1", "t1", "1.0", "Books")]);
    let out = build(&cp1252, &transactions, "2023-05-09");
    let stg = model(&out, "stg_sf__contacts");
    assert_eq!(stg.row("id", "c1").get("name"), "Renée €");

    // In a small file, a byte that is not UTF-8 makes it Windows-1252.
    let mut small = transactions.clone().into_bytes();
    small.extend_from_slice(
        b"c1,t2,2023-04-15 09:57:19.000,1.0,1,Caf\xE9,2023-05-09 10:05:28.875\n",
    );
    let table = try_sources(contacts.as_slice(), &small)
        .unwrap()
        .transactions;
    assert_eq!(table.column("category").unwrap().get(1).to_string(), "Café");

    // A UTF-8 start longer than the sniff, then such a byte: the loader's typed error, naming
    // the line, not a misreading.
    let rows: Vec<String> = (0..c360::engine::source::decode::SNIFF_BYTES / 60 + 1)
        .map(|i| transaction("c1", &format!("t{i}"), "1.0", "Books"))
        .collect();
    let mut late = transactions_csv(&rows).into_bytes();
    assert!(late.len() > c360::engine::source::decode::SNIFF_BYTES);
    late.extend_from_slice(
        b"c1,late,2023-04-15 09:57:19.000,1.0,1,Caf\xE9,2023-05-09 10:05:28.875\n",
    );
    let bad_line = rows.len() as u64 + 2;
    match try_sources(contacts.as_slice(), &late) {
        Err(InputError::Malformed { file, line, .. })
        | Err(InputError::BadValue { file, line, .. }) => {
            assert_eq!((file.as_str(), line), ("transactions.csv", bad_line));
        }
        other => panic!("{other:?}"),
    }
}

// --- Delimiters ----------------------------------------------------------------------------

/// `text` (comma-separated) rewritten with `delimiter` by the csv crate.
fn with_delimiter(text: &str, delimiter: u8) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for record in reader.byte_records() {
        writer.write_byte_record(&record.unwrap()).unwrap();
    }
    writer.into_inner().unwrap()
}

#[test]
fn semicolon_tab_and_pipe_exports_build_what_their_comma_files_build() {
    let contacts = read(repo().join("seeds/contacts.csv"));
    let transactions = read(repo().join("seeds/transactions.csv"));
    let plain = build(&contacts, &transactions, "2023-05-09");
    for delimiter in [b';', b'\t', b'|'] {
        let out = build(
            with_delimiter(&contacts, delimiter),
            with_delimiter(&transactions, delimiter),
            "2023-05-09",
        );
        for name in ["stg_sf__contacts", "customers", "category"] {
            assert_eq!(
                to_csv_string(out.model(name).unwrap()),
                to_csv_string(plain.model(name).unwrap()),
                "{name} with {:?}",
                delimiter as char
            );
        }
    }
    // A bad value in a semicolon file is named on its own line, as in the comma file.
    let bad = transactions.replacen(",62.9,", ",62.9x,", 1);
    let semicolons = with_delimiter(&bad, b';');
    match try_sources(contacts.as_bytes(), &semicolons) {
        Err(InputError::BadValue {
            line,
            column,
            found,
            ..
        }) => {
            assert_eq!(
                (line, column.as_str(), found.as_str()),
                (2, "amount", "62.9x")
            );
        }
        other => panic!("{other:?}"),
    }
}

// --- What c360 does not read, and a delimiter given ------------------------------------------

#[test]
fn other_encodings_and_nul_bytes_are_typed_errors_naming_the_file_and_line() {
    use c360::engine::source::decode::{TextEncoding, Unreadable};

    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[transaction("c1", "t1", "1.0", "Books")]);
    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(transactions.chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect();
    let no_bom: Vec<u8> = transactions
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    for (bytes, found) in [
        (utf32, Unreadable::Utf32 { big_endian: false }),
        (no_bom, Unreadable::Utf16WithoutBom { big_endian: true }),
    ] {
        let e = try_sources(contacts.as_bytes(), &bytes).unwrap_err();
        assert_eq!(
            e,
            InputError::Encoding {
                file: "transactions.csv".into(),
                line: None,
                found,
            }
        );
        assert!(e.to_string().starts_with("transactions.csv: "), "{e}");
        assert!(
            e.to_string()
                .contains("c360 reads UTF-8, UTF-16 with a byte-order mark, or Windows-1252"),
            "{e}"
        );
    }
    // A NUL is refused at its line, in UTF-8 and in Windows-1252 (which would map it).
    let with_nul = |extra: &[u8]| {
        let mut bytes = transactions.clone().into_bytes();
        bytes.extend_from_slice(b"c1,t2,2023-04-15 09:57:19.000,1.0,1,Bo");
        bytes.extend_from_slice(extra);
        bytes.extend_from_slice(b"\x00ks,2023-05-09 10:05:28.875\n");
        bytes
    };
    for (bytes, encoding) in [
        (with_nul(b""), TextEncoding::Utf8),
        (with_nul(b"\xE9"), TextEncoding::Windows1252),
    ] {
        let e = try_sources(contacts.as_bytes(), &bytes).unwrap_err();
        assert_eq!(
            e,
            InputError::Encoding {
                file: "transactions.csv".into(),
                line: Some(3),
                found: Unreadable::Nul { encoding },
            }
        );
    }
    assert_eq!(
        try_sources(contacts.as_bytes(), &with_nul(b""))
            .unwrap_err()
            .to_string()
            .split(';')
            .next(),
        Some("transactions.csv line 3: a NUL byte (0x00) in text read as UTF-8")
    );
    // An earlier bad value comes first, however the file is read.
    let mut earlier = transactions.replacen(",1.0,", ",1.0x,", 1).into_bytes();
    earlier.extend_from_slice(&with_nul(b"")[transactions.len()..]);
    assert!(matches!(
        load(&TRANSACTIONS, "transactions.csv", Trickle(earlier.into())),
        Err(InputError::BadValue { line: 2, .. })
    ));
}

#[test]
fn a_mapping_delimiter_is_used_instead_of_the_sniffed_one() {
    use c360::engine::source::decode::Delimiter;
    use c360::engine::source::load_mapped;
    use c360::engine::source::mapping::Mapping;

    // Each line has one comma, so the sniff takes the comma (its first choice): the header
    // is then two names, neither of them c360's.
    let text = format!(
        "{}|note, x\n{}|a, b\n",
        TRANSACTIONS_HEADER.replace(',', "|"),
        T1.replace(',', "|")
    );
    assert!(matches!(
        load_bytes(&TRANSACTIONS, "t.csv", text.as_bytes()),
        Err(InputError::MissingColumns { .. })
    ));
    let mapping = Mapping {
        delimiter: Delimiter::new(b'|'),
        ..Mapping::default()
    };
    let t = load_mapped(&TRANSACTIONS, "t.csv", text.as_bytes(), Some(&mapping)).unwrap();
    assert_eq!(cell(&t, "note, x", 0), "a, b");
    assert_eq!(cell(&t, "category", 0), "Books");
    // A comma given for a file the sniff would read as semicolon-separated.
    let semicolons = format!("a;b\n{}\n", "1;2");
    let comma = Mapping {
        delimiter: Delimiter::new(b','),
        ..Mapping::default()
    };
    match load_mapped(&TRANSACTIONS, "t.csv", semicolons.as_bytes(), Some(&comma)) {
        Err(InputError::Mapping { .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// Excel's "CSV UTF-8" in a semicolon locale: a BOM, then quoted header names.
#[test]
fn a_bom_before_a_quoted_header_of_a_semicolon_file_is_dropped() {
    let header = TRANSACTIONS_HEADER
        .split(',')
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(";");
    let text = format!("\u{feff}{header}\r\n{}\r\n", T1.replace(',', ";"));
    let t = load_transactions(text).unwrap();
    assert_eq!(t.column_names().next(), Some("contact_id"));
    assert_eq!(cell(&t, "amount", 0), "66.3");
}

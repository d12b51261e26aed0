//! Property tests over generated inputs: the `customers` invariants (category columns sum to
//! `total_expense`; spend is neither lost nor invented; one row per joined contact), CSV
//! quoting round trips, ingestion never panicking on arbitrary bytes, agreeing with the `csv`
//! crate's reading and giving the same table or error however its input is split into
//! chunks (in UTF-8, UTF-16 or Windows-1252, separated by commas or semicolons, with bytes c360
//! refuses now and then), and age against an independent definition.

use std::collections::{BTreeMap, BTreeSet};

use c360::engine::value::time::age_in_years;
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use c360::engine::source::{load_bytes, Excerpt, SourceLoader, TRANSACTIONS};

use crate::ingestion::{outcome, reference_load};
use crate::util::*;

/// Values each transactions column is drawn from, as an export may write them.
const COLUMN_VALUES: [&[&str]; 7] = [
    &["c1", "c2", "\"c3\"", ""],
    &["t1", "t2", " t3 "],
    &[
        "2023-04-15 09:57:19.000",
        "2023-04-16 10:00:00",
        "2023-04-16T10:00:00.5",
        "",
    ],
    &["66.3", "43.6", "1.25", "-2", "\"7\"", ""],
    &["1", "2", "+3", ""],
    &[
        "Books",
        "\"Sports, Fitness & Outdoors\"",
        "\"Apps &\nGames\"",
        "",
    ],
    &["2023-05-09 10:05:28.875", "2023-05-09 10:05:28"],
];

/// Fields any column may get instead: bad values and the CSV quirks around quotes.
const ODD_VALUES: [&str; 14] = [
    "x",
    "1,5",
    "\"12,5\"",
    "2023-02-30 00:00:00.000",
    "2023-04-15 09:57:19.0001",
    "\"a\"\"b\"",
    "\"ab\"cd",
    "a\"b",
    "\"multi\nline\"",
    "\"crlf\r\ninside\"",
    " padded ",
    "\"unterminated",
    "99999999999999999999",
    "Ren\u{e9}e",
];

/// A transactions export as bytes: the header (quoted or not, after a BOM or not), rows of
/// mostly valid fields with some odd ones and now and then a short or long row, blank lines,
/// LF or CRLF, a final newline or not, and now and then a byte that is not UTF-8.
fn transactions_bytes() -> impl Strategy<Value = Vec<u8>> {
    let row = (
        prop::collection::vec((0u8..12, any::<prop::sample::Index>()), 6..=8),
        0u8..8,
    );
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(row, 0..12),
        any::<bool>(),
        prop::option::weighted(0.1, any::<prop::sample::Index>()),
    )
        .prop_map(|(bom, quoted_header, rows, final_newline, not_utf8)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            let header: Vec<String> = TRANSACTIONS_HEADER
                .split(',')
                .map(|h| {
                    if quoted_header {
                        format!("\"{h}\"")
                    } else {
                        h.to_string()
                    }
                })
                .collect();
            text.push_str(&header.join(","));
            for (fields, end) in rows {
                text.push_str(match end {
                    0..=3 => "\n",
                    4 | 5 => "\r\n",
                    6 => "\n\n",
                    _ => "\r\n\r\n",
                });
                let fields: Vec<&str> = fields
                    .iter()
                    .enumerate()
                    .map(|(i, (pick, index))| match *pick {
                        0..=9 => {
                            let values = COLUMN_VALUES[i % 7];
                            values[index.index(values.len())]
                        }
                        _ => ODD_VALUES[index.index(ODD_VALUES.len())],
                    })
                    .collect();
                text.push_str(&fields.join(","));
            }
            if final_newline {
                text.push('\n');
            }
            let mut bytes = text.into_bytes();
            if let Some(at) = not_utf8 {
                let at = at.index(bytes.len() + 1);
                bytes.insert(at, 0xFF);
            }
            bytes
        })
}

/// A transactions export as [`transactions_bytes`] makes them, then with its commas made
/// semicolons or not, in UTF-8, UTF-16 (either byte order, with a BOM) or Windows-1252, and
/// now and then a byte inserted anywhere (a NUL, or one that breaks a UTF-16 code unit).
fn encoded_transactions_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        transactions_bytes(),
        0u8..4,
        any::<bool>(),
        prop::option::weighted(0.2, (any::<prop::sample::Index>(), any::<bool>())),
    )
        .prop_map(|(bytes, encoding, semicolons, damage)| {
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            if semicolons {
                text = text.replace(',', ";");
            }
            let utf16 = |bom: [u8; 2], unit: fn(u16) -> [u8; 2]| {
                let units = text.encode_utf16().flat_map(unit);
                bom.into_iter().chain(units).collect::<Vec<u8>>()
            };
            let mut out = match encoding {
                0 => text.clone().into_bytes(),
                1 => utf16([0xFF, 0xFE], u16::to_le_bytes),
                2 => utf16([0xFE, 0xFF], u16::to_be_bytes),
                // What Windows-1252 cannot hold (the BOM, U+FFFD) is written as `&#…;`.
                _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
            };
            if let Some((at, nul)) = damage {
                let at = at.index(out.len() + 1);
                out.insert(at, if nul { 0 } else { 0xD8 });
            }
            out
        })
}

/// A load's table (its column names and CSV) or its error.
type Outcome = Result<(Vec<String>, String), c360::engine::InputError>;

/// What the loader gives for `bytes` fed in the pieces `cuts` makes: the table or error as
/// [`outcome`] has it, and the excerpt of the error. An error is final: the loader says it
/// again when finished, with the same excerpt.
fn fed_in_pieces(bytes: &[u8], cuts: &[usize]) -> (Outcome, Option<Excerpt>) {
    let mut loader = SourceLoader::new(&TRANSACTIONS, "transactions.csv");
    let mut from = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        if let Err(e) = loader.feed(&bytes[from..cut]) {
            let excerpt = loader.excerpt().cloned();
            let again = loader.finish_with_excerpt().expect_err("an error is final");
            assert_eq!((&again.error, &again.excerpt), (&e, &excerpt));
            return (Err(e), excerpt);
        }
        from = cut;
    }
    assert_eq!(loader.bytes_read(), bytes.len() as u64);
    match loader.finish_with_excerpt() {
        Ok(table) => (outcome(Ok(table)), None),
        Err(failure) => (Err(failure.error), failure.excerpt),
    }
}

/// Categories drawn for transactions: the accepted seven and some that are not accepted
/// (a near miss in case, an unknown one, a null).
const DRAWN_CATEGORIES: [&str; 11] = [
    "Apps & Games",
    "Beauty",
    "Books",
    "Clothing, Shoes & Accessories",
    "Kitchen",
    "Movies & TV",
    "Sports, Fitness & Outdoors",
    "kitchen",
    "Garden",
    "Toys & Games",
    "",
];

#[derive(Clone, Debug)]
struct GenTransaction {
    contact_id: String,
    amount: String,
    category: &'static str,
}

/// An amount with 0 to 3 decimal places, negative now and then (refunds).
fn amount() -> impl Strategy<Value = String> {
    (-2_000_000i64..20_000_000, 0u32..=3).prop_map(|(units, scale)| {
        let d = Dec {
            units: i128::from(units),
            scale,
        };
        d.to_string()
    })
}

/// Contacts (ids from a small pool, so some repeat) and transactions whose contact ids are
/// mostly known, sometimes not, sometimes empty.
fn inputs() -> impl Strategy<Value = (Vec<String>, Vec<GenTransaction>)> {
    let ids = prop::collection::vec("[a-f][0-9]", 1..10);
    ids.prop_flat_map(|ids| {
        let pool = ids.clone();
        let contact_id = prop_oneof![
            8 => prop::sample::select(pool),
            1 => Just("ghost".to_string()),
            1 => Just(String::new()),
        ];
        let transaction = (
            contact_id,
            amount(),
            prop::sample::select(&DRAWN_CATEGORIES[..]),
        )
            .prop_map(|(contact_id, amount, category)| GenTransaction {
                contact_id,
                amount,
                category,
            });
        (Just(ids), prop::collection::vec(transaction, 0..60))
    })
}

fn sources(ids: &[String], transactions: &[GenTransaction]) -> (String, String) {
    let genders = ["F", "M", "f", "X", ""];
    let contacts: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            contact(
                id,
                genders[i % genders.len()],
                &format!("19{:02}-0{}-1{}", 50 + i, 1 + i % 9, i % 10),
            )
        })
        .collect();
    let rows: Vec<String> = transactions
        .iter()
        .enumerate()
        .map(|(i, t)| transaction(&t.contact_id, &format!("t{i}"), &t.amount, t.category))
        .collect();
    (contacts_csv(&contacts), transactions_csv(&rows))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn category_columns_sum_to_total_expense((ids, transactions) in inputs()) {
        let (contacts_text, transactions_text) = sources(&ids, &transactions);
        let out = build(&contacts_text, &transactions_text, GOLDEN_AS_OF);
        let customers = model(&out, "customers");
        let joined = model(&out, "contacts_joined_with_transactions");

        let mut category_columns: Vec<&str> = CATEGORY_COLUMNS.iter().map(|(_, c)| *c).collect();
        category_columns.push("other_amount");
        prop_assert_eq!(&customers.header[6..], &category_columns[..]);

        // Every row: the category columns add up to total_expense, exactly.
        for cells in &customers.rows {
            let row = customers.row("id", &cells[0]);
            let parts = Dec::sum(category_columns.iter().map(|c| row.get(c)));
            prop_assert_eq!(parts, row.dec("total_expense"), "row {:?}", row);
        }
        // All spend that joined is in customers, and nothing else.
        prop_assert_eq!(Dec::sum(customers.column("total_expense")), Dec::sum(joined.column("amount")));
        // One row per distinct joined contact.
        let joined_ids: BTreeSet<&str> = joined.column("id").into_iter().collect();
        prop_assert_eq!(customers.rows.len(), joined_ids.len());
        prop_assert_eq!(customers.column("id").into_iter().collect::<BTreeSet<_>>(), joined_ids);

        // And against a model of the rules written here: a transaction joins when its
        // contact_id is a contact's id; its amount goes to its category's column, or other.
        let known: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        let mut expected: BTreeMap<&str, BTreeMap<&str, Dec>> = BTreeMap::new();
        for t in transactions.iter().filter(|t| known.contains(t.contact_id.as_str())) {
            let column = CATEGORY_COLUMNS.iter().find(|(c, _)| *c == t.category).map_or("other_amount", |(_, col)| col);
            let cells = expected.entry(t.contact_id.as_str()).or_default();
            for c in [column, "total_expense"] {
                let sum = cells.entry(c).or_insert(Dec::ZERO);
                *sum = sum.add(dec(&t.amount));
            }
        }
        prop_assert_eq!(customers.rows.len(), expected.len());
        for (id, cells) in &expected {
            let row = customers.row("id", id);
            for column in category_columns.iter().copied().chain(["total_expense"]) {
                let want = cells.get(column).copied().unwrap_or(Dec::ZERO);
                prop_assert_eq!(row.dec(column), want, "customers.{} of {}", column, id);
            }
        }
    }

    /// Any text, quoted as RFC 4180 says, with either line end and with or without a final
    /// newline, reads back as itself.
    #[test]
    fn quoted_text_round_trips(
        names in prop::collection::vec("[a-zA-Z0-9 ,\"\n\r;'é€]{0,12}", 1..6),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        // Surrounding spaces of unquoted fields are trimmed by design; keep them out here.
        let names: Vec<String> = names.into_iter().map(|n| format!("<{n}>")).collect();
        let end = if crlf { "\r\n" } else { "\n" };
        let rows: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("c{i},u{i},{},F,addr,m@x.com,1990-01-01,{LOADED_AT}", field(n)))
            .collect();
        let mut text = format!("{CONTACTS_HEADER}{end}{}", rows.join(end));
        if final_newline {
            text.push_str(end);
        }
        let table = load_contacts(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(table.num_rows(), names.len());
        let got: Vec<String> = (0..names.len()).map(|r| table.column("name").unwrap().get(r).to_string()).collect();
        prop_assert_eq!(got, names);
    }

    /// Whatever the bytes, ingestion answers with a table or an error, never a panic.
    #[test]
    fn ingestion_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        splice in any::<prop::sample::Index>(),
        keep_header in any::<bool>(),
    ) {
        let _ = load_transactions(&bytes);
        let _ = load_contacts(&bytes);
        // Mostly-valid files damaged in one place reach the value parsers.
        let valid = std::fs::read(repo().join("seeds/transactions.csv")).unwrap();
        let at = splice.index(valid.len());
        let start = if keep_header { at.max(90) } else { at }.min(valid.len());
        let mut damaged = valid[..start].to_vec();
        damaged.extend_from_slice(&bytes);
        damaged.extend_from_slice(&valid[start..]);
        if let Ok(t) = load_transactions(&damaged) {
            let rows = t.num_rows();
            for f in &t.fields {
                prop_assert_eq!(f.column.len(), rows, "column {}", f.name);
            }
        }
    }

    /// Age against a definition written differently: the number of birthdays (29 February
    /// falling on 1 March in non-leap years) that have come by the as-of date.
    #[test]
    fn age_counts_the_birthdays_passed(birth in 0i32..73_000, as_of in 0i32..73_000) {
        let day = |n: i32| NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(i64::from(n));
        let (birth, as_of) = (day(birth), day(as_of));
        let birthday = |year: i32| {
            NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
                .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 3, 1).unwrap())
        };
        let passed = (birth.year() + 1..=as_of.year()).filter(|&y| birthday(y) <= as_of).count() as u32;
        match age_in_years(birth, as_of) {
            Ok(age) => {
                prop_assert!(birth <= as_of);
                prop_assert_eq!(age, passed, "born {}, as of {}", birth, as_of);
            }
            Err(_) => prop_assert!(birth > as_of, "born {}, as of {}", birth, as_of),
        }
    }

    /// The hand-written tokenizer reads what the `csv` crate reads: the same table, or the
    /// same error at the same line and column.
    #[test]
    fn the_loader_agrees_with_the_csv_crate(bytes in transactions_bytes()) {
        let got = outcome(load_bytes(&TRANSACTIONS, "transactions.csv", &bytes));
        let want = outcome(reference_load(&TRANSACTIONS, "transactions.csv", &bytes));
        prop_assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&bytes));
    }

    /// Fed in chunks split anywhere (inside a record, a quoted field, a UTF-8 character, a
    /// CRLF or the BOM), the loader gives what it gives for the bytes in one piece.
    #[test]
    fn any_split_gives_the_same_table_or_error(
        bytes in transactions_bytes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let whole = outcome(load_bytes(&TRANSACTIONS, "transactions.csv", &bytes));
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        cuts.push(bytes.len());
        cuts.sort_unstable();
        let mut loader = SourceLoader::new(&TRANSACTIONS, "transactions.csv");
        let mut from = 0;
        let mut fed = Ok(());
        for cut in cuts {
            fed = fed.and_then(|()| loader.feed(&bytes[from..cut]));
            from = cut;
        }
        let split = match fed {
            Ok(()) => {
                prop_assert_eq!(loader.bytes_read(), bytes.len() as u64);
                outcome(loader.finish())
            }
            // An error is final: the loader says it again when finished.
            Err(e) => {
                prop_assert_eq!(loader.finish().err(), Some(e.clone()));
                Err(e)
            }
        };
        prop_assert_eq!(split, whole, "{:?}", String::from_utf8_lossy(&bytes));
    }

    /// In any encoding c360 reads or refuses, with any delimiter, fed in chunks split
    /// anywhere (inside a UTF-16 code unit or surrogate pair too), the loader gives the table
    /// or the error, and the error's excerpt, it gives for the bytes in one piece.
    #[test]
    fn any_split_of_any_encoding_gives_the_same_table_or_error(
        bytes in encoded_transactions_bytes(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let whole = fed_in_pieces(&bytes, &[]);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let split = fed_in_pieces(&bytes, &cuts);
        prop_assert_eq!(split, whole, "{:?}", bytes);
    }
}

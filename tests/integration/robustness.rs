//! Robustness: arbitrary bytes, and exports that are nearly valid (valid rows with fields
//! dropped or added, stray quotes, impossible dates, huge numbers, other encodings, byte-order
//! marks, other delimiters, NUL bytes), through the loader, the column mapping
//! (`Mapping::apply`, `mapping::propose`) and a whole build. The property: never a panic,
//! always a table or a typed error, and an error's line is one the file has.
//!
//! The case counts are fixed so that the suite takes the same time in CI every run (about
//! fifteen seconds in a debug build on two cores). A longer hunt is the fuzz target's:
//! `fuzz/` (cargo-fuzz) runs the same loader and mapping under libFuzzer.

use c360::engine::source::mapping::{propose, Mapping, MappingFile};
use c360::engine::source::{load_bytes, load_mapped, SourceDef, CONTACTS, TRANSACTIONS};
use c360::engine::{run, InputError, RunConfig, RunError};
use proptest::prelude::*;

use crate::util::*;

/// The 1-based lines `bytes` has, as the loader counts them (a line ends at `\n`), in any
/// of the encodings the front stage reads: a `\n` in UTF-16 or Windows-1252 is a 0x0A byte.
fn lines_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Checks an input error against the file it is about: it names the file, and a line, if
/// it gives one, is in the file.
fn check_input_error(e: &InputError, file: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(text.contains(file), "{text}");
    if let InputError::Malformed { line, .. } | InputError::BadValue { line, .. } = e {
        prop_assert!(
            (1..=lines_in(bytes)).contains(line),
            "line {line} of a file of {} lines: {text}",
            lines_in(bytes)
        );
    }
    Ok(())
}

/// Loads `bytes` as `def`'s source: plainly, and with the mapping `propose` makes from its
/// header; every table's columns are as long as it has rows.
fn load_every_way(def: &SourceDef, bytes: &[u8]) -> Result<(), TestCaseError> {
    for result in [
        load_bytes(def, def.file_name, bytes),
        load_mapped(def, def.file_name, bytes, Some(&proposed(def, bytes))),
    ] {
        match result {
            Ok(t) => {
                for f in &t.fields {
                    prop_assert_eq!(f.column.len(), t.num_rows(), "column {}", f.name);
                }
            }
            Err(e) => check_input_error(&e, def.file_name, bytes)?,
        }
    }
    Ok(())
}

/// The mapping `propose` makes from the file's header and first rows (as the app does),
/// applied to the header; any mapping it gives must apply to the header it came from.
fn proposed(def: &SourceDef, bytes: &[u8]) -> Mapping {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let rows: Vec<Vec<String>> = reader
        .byte_records()
        .take(6)
        .filter_map(Result::ok)
        .map(|r| {
            r.iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect()
        })
        .collect();
    let Some((header, sample)) = rows.split_first() else {
        return Mapping::default();
    };
    match propose(def, header, sample).mapping() {
        Ok(mapping) => {
            let unique = header
                .iter()
                .enumerate()
                .all(|(i, h)| !header[..i].contains(h));
            if unique {
                assert!(
                    mapping.apply(def, header).is_ok(),
                    "a proposed mapping fits its own header: {header:?} → {mapping:?}"
                );
            }
            mapping
        }
        Err(_) => Mapping::default(),
    }
}

/// Builds both files (through the front stage that decodes them, as the CLI does); an error
/// is typed and names its file and a line it has.
fn build_checked(contacts: &[u8], transactions: &[u8]) -> Result<(), TestCaseError> {
    let sources = match try_sources(contacts, transactions) {
        Ok(s) => s,
        Err(e) => {
            let file = if e.to_string().contains("transactions.csv") {
                ("transactions.csv", transactions)
            } else {
                ("contacts.csv", contacts)
            };
            return check_input_error(&e, file.0, file.1);
        }
    };
    match run(sources, &RunConfig::new(date(GOLDEN_AS_OF))) {
        Ok(out) => {
            prop_assert!(out.model("customers").is_some());
            Ok(())
        }
        Err(RunError::Model(e)) => {
            prop_assert!(e.to_string().contains("model "), "{e}");
            Ok(())
        }
        Err(RunError::Input(e)) => {
            prop_assert!(false, "the sources loaded, then an input error: {e}");
            Ok(())
        }
    }
}

// --- Near-valid exports ------------------------------------------------------------------

/// One way a valid export is damaged.
#[derive(Clone, Debug)]
enum Mutation {
    DropField {
        row: usize,
        field: usize,
    },
    ExtraField {
        row: usize,
    },
    StrayQuote {
        at: usize,
    },
    Replace {
        row: usize,
        field: usize,
        with: &'static str,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Truncate {
        at: usize,
    },
}

/// Values that are wrong for some column, or right in an unusual way.
const ODD: [&str; 18] = [
    "2023-02-30 00:00:00",
    "2023-04-15T09:57:19+25:00",
    "2023-04-15T09:57:19.1234Z",
    "2023-04-15",
    "15/04/2023",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "4611686018427387904",
    "0.000000001",
    "1e9",
    "$1,234.50",
    "\"\"",
    "\"a\"\"b\"",
    "\"open",
    "   ",
    "\u{0}",
    "Ren\u{e9}e",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = || any::<prop::sample::Index>();
    prop_oneof![
        (0usize..8, 0usize..8).prop_map(|(row, field)| Mutation::DropField { row, field }),
        (0usize..8).prop_map(|row| Mutation::ExtraField { row }),
        (0usize..4096).prop_map(|at| Mutation::StrayQuote { at }),
        (0usize..8, 0usize..8, index()).prop_map(|(row, field, i)| Mutation::Replace {
            row,
            field,
            with: ODD[i.index(ODD.len())]
        }),
        (
            0usize..4096,
            prop_oneof![
                Just(b"\xEF\xBB\xBF".to_vec()),
                Just(b"\0".to_vec()),
                Just(b"\r".to_vec()),
                Just(b"\n".to_vec()),
                Just(b"\xff\xfe".to_vec()),
                Just(b"\xe9".to_vec()),
                prop::collection::vec(any::<u8>(), 1..6),
            ]
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (0usize..4096).prop_map(|at| Mutation::Truncate { at }),
    ]
}

/// A valid export of `rows` (each a list of fields), then damaged.
fn damaged(header: &str, rows: &[Vec<String>], mutations: &[Mutation]) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = rows.to_vec();
    let mut byte_edits = Vec::new();
    for m in mutations {
        match m {
            Mutation::DropField { row, field } => {
                if let Some(r) = rows.get_mut(*row) {
                    if *field < r.len() {
                        r.remove(*field);
                    }
                }
            }
            Mutation::ExtraField { row } => {
                if let Some(r) = rows.get_mut(*row) {
                    r.push("extra".into());
                }
            }
            Mutation::Replace { row, field, with } => {
                if let Some(f) = rows.get_mut(*row).and_then(|r| r.get_mut(*field)) {
                    *f = with.to_string();
                }
            }
            other => byte_edits.push(other.clone()),
        }
    }
    let mut bytes = format!("{header}\n").into_bytes();
    for r in &rows {
        bytes.extend_from_slice(r.join(",").as_bytes());
        bytes.push(b'\n');
    }
    for m in byte_edits {
        match m {
            Mutation::StrayQuote { at } => bytes.insert(at % (bytes.len() + 1), b'"'),
            Mutation::Insert { at, bytes: b } => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, b);
            }
            Mutation::Truncate { at } => bytes.truncate(at % (bytes.len() + 1)),
            _ => unreachable!("field edits are applied above"),
        }
    }
    bytes
}

/// Re-encodes a file the way other exporters would write it: as it is, with a BOM, with
/// semicolons, tabs or pipes, as UTF-16 with its mark, or with CRLF line ends.
fn encoded(bytes: Vec<u8>, how: u8) -> Vec<u8> {
    let swap = |to: u8| {
        bytes
            .iter()
            .map(|&b| if b == b',' { to } else { b })
            .collect()
    };
    match how {
        0 => bytes.clone(),
        1 => [b"\xEF\xBB\xBF".as_slice(), &bytes].concat(),
        2 => swap(b';'),
        3 => swap(b'\t'),
        4 => swap(b'|'),
        5 => {
            let mut out = vec![0xFF, 0xFE];
            for unit in String::from_utf8_lossy(&bytes).encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
        _ => bytes
            .iter()
            .flat_map(|&b| {
                if b == b'\n' {
                    vec![b'\r', b'\n']
                } else {
                    vec![b]
                }
            })
            .collect(),
    }
}

fn contact_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec((0u8..4, 0u8..2, 1900i32..2030, 1u32..13, 1u32..29), 0..8).prop_map(
        |rows| {
            rows.into_iter()
                .map(|(id, g, y, m, d)| {
                    contact(
                        &format!("c{id}"),
                        ["F", "M"][g as usize],
                        &format!("{y:04}-{m:02}-{d:02}"),
                    )
                    .split(',')
                    .map(str::to_string)
                    .collect()
                })
                .collect()
        },
    )
}

fn transaction_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(
        (0u8..5, 0u32..20, -10_000i64..1_000_000, 0u8..3, 0u8..9),
        0..8,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (c, items, cents, scale, cat))| {
                let amount = match scale {
                    0 => (cents / 100).to_string(),
                    1 => format!("{}.{}", cents / 100, (cents % 100).abs() / 10),
                    _ => format!("{}.{:02}", cents / 100, (cents % 100).abs()),
                };
                let category = [
                    "Books",
                    "Beauty",
                    "Kitchen",
                    "Garden",
                    "",
                    "Movies & TV",
                    "Apps & Games",
                    "Beauty",
                    "Books",
                ][cat as usize];
                transaction_of_items(
                    &format!("c{c}"),
                    &format!("t{i}"),
                    &amount,
                    &items.to_string(),
                    category,
                )
                .split(',')
                .map(str::to_string)
                .collect()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes, alone or after a valid header, as either source.
    #[test]
    fn arbitrary_bytes_give_a_table_or_a_typed_error(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
        header in 0u8..3,
    ) {
        let bytes = match header {
            0 => bytes,
            1 => [format!("{TRANSACTIONS_HEADER}\n").as_bytes(), &bytes].concat(),
            _ => [format!("{CONTACTS_HEADER}\n").as_bytes(), &bytes].concat(),
        };
        load_every_way(&CONTACTS, &bytes)?;
        load_every_way(&TRANSACTIONS, &bytes)?;
    }

    /// Valid exports damaged a few times over and re-encoded, loaded and built.
    #[test]
    fn near_valid_exports_give_a_table_or_a_typed_error(
        contacts in contact_rows(),
        transactions in transaction_rows(),
        contact_damage in prop::collection::vec(mutation(), 0..3),
        transaction_damage in prop::collection::vec(mutation(), 0..3),
        encodings in (0u8..7, 0u8..7),
    ) {
        let c = encoded(damaged(CONTACTS_HEADER, &contacts, &contact_damage), encodings.0);
        let t = encoded(damaged(TRANSACTIONS_HEADER, &transactions, &transaction_damage), encodings.1);
        load_every_way(&CONTACTS, &c)?;
        load_every_way(&TRANSACTIONS, &t)?;
        build_checked(&c, &t)?;
    }

    /// A mapping file of arbitrary shape: read or refused with a typed error, and one that is
    /// read applies to a header or refuses it, never panics.
    #[test]
    fn mapping_files_are_read_or_refused(
        columns in prop::collection::btree_map("[a-z_]{1,12}", "[A-Za-z _]{0,12}", 0..5),
        separator in prop::option::of(any::<char>()),
        symbol in prop::option::of("\\PC{0,3}"),
        header in prop::collection::vec("[A-Za-z _]{0,12}", 0..9),
    ) {
        let json = serde_json::json!({
            "version": 1,
            "sources": { "transactions": {
                "columns": columns,
                "formats": { "amount": {
                    "currency_symbol": symbol,
                    "thousands_separator": separator.map(String::from),
                } },
            } },
        });
        let Ok(file) = MappingFile::from_json(&json.to_string()) else {
            return Ok(());
        };
        let mapping = file.get(&TRANSACTIONS).cloned().unwrap_or_default();
        let _ = mapping.apply(&TRANSACTIONS, &header);
        let csv = format!("{}\n{}\n", header.join(","), vec!["$1,234.50"; header.len()].join(","));
        match load_mapped(&TRANSACTIONS, "orders.csv", csv.as_bytes(), Some(&mapping)) {
            Ok(_) => {}
            Err(e) => check_input_error(&e, "orders.csv", csv.as_bytes())?,
        }
    }
}

/// The near-valid generator reaches all three outcomes — builds, input errors with a line,
/// and input errors without one (a missing column) — so the property above is not only ever
/// checked on files that are refused at the header, or never refused at all.
#[test]
fn the_near_valid_exports_reach_builds_and_errors_at_lines() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let strategy = (
        contact_rows(),
        transaction_rows(),
        prop::collection::vec(mutation(), 0..3),
        0u8..7,
    );
    let mut runner = TestRunner::deterministic();
    let (mut built, mut at_line, mut whole_file) = (0, 0, 0);
    for _ in 0..300 {
        let (contacts, transactions, damage, encoding) =
            strategy.new_tree(&mut runner).unwrap().current();
        let c = contacts_csv(&contacts.iter().map(|r| r.join(",")).collect::<Vec<_>>());
        let t = encoded(
            damaged(TRANSACTIONS_HEADER, &transactions, &damage),
            encoding,
        );
        match try_sources(c.as_bytes(), &t) {
            Ok(_) => built += 1,
            Err(InputError::Malformed { .. } | InputError::BadValue { .. }) => at_line += 1,
            Err(_) => whole_file += 1,
        }
    }
    assert!(
        built > 50 && at_line > 20 && whole_file > 0,
        "built {built}, errors at a line {at_line}, about the whole file {whole_file}"
    );
}

//! The loader and the column mapping on any bytes: the input is a CSV file, read as either
//! source, whole and in chunks of a size the input decides, plainly and through the mapping
//! `propose` makes from its header and with a number format on `amount`.
//!
//! What must hold: no panic (libFuzzer reports one, and any sanitizer finding); the same
//! table or error however the bytes are split, as `SourceLoader` promises; an error names
//! the file and a line the file has; a table's columns are all as long as it has rows.

#![no_main]

use c360::engine::source::mapping::{propose, Mapping};
use c360::engine::source::{SourceDef, SourceLoader, CONTACTS, TRANSACTIONS};
use c360::engine::value::decimal::NumberFormat;
use c360::engine::value::write::to_csv_string;
use c360::engine::{InputError, Table};
use libfuzzer_sys::fuzz_target;

/// The loader's answer as plain data, to compare two loads.
fn outcome(result: Result<Table, InputError>) -> Result<String, InputError> {
    result.map(|t| {
        for f in &t.fields {
            assert_eq!(f.column.len(), t.num_rows(), "column {}", f.name);
        }
        to_csv_string(&t)
    })
}

fn load(
    def: &SourceDef,
    bytes: &[u8],
    chunk: usize,
    mapping: Option<Mapping>,
) -> Result<Table, InputError> {
    let mut loader = SourceLoader::new(def, def.file_name).with_mapping(mapping);
    for piece in bytes.chunks(chunk.max(1)) {
        loader.feed(piece)?;
    }
    loader.finish()
}

/// The header and the first rows as `propose` is given them: split on commas and lines only,
/// as a quick look at a file would (the loader's own reading is what is under test).
fn proposed(def: &SourceDef, bytes: &[u8]) -> Mapping {
    let text = String::from_utf8_lossy(bytes);
    let mut rows = text.lines().take(6).map(|l| {
        l.split(',')
            .map(|f| f.trim().to_string())
            .collect::<Vec<_>>()
    });
    let Some(header) = rows.next() else {
        return Mapping::default();
    };
    let sample: Vec<Vec<String>> = rows.collect();
    // A mapping it proposes must fit the header it came from (unless the header names a
    // column twice, which the loader refuses before any mapping).
    let mut mapping = match propose(def, &header, &sample).mapping() {
        Ok(mapping) => {
            let unique = header
                .iter()
                .enumerate()
                .all(|(i, h)| !header[..i].contains(h));
            if unique {
                if let Err(e) = mapping.apply(def, &header) {
                    panic!("a proposed mapping fits its own header: {header:?} → {mapping:?}: {e}");
                }
            }
            mapping
        }
        Err(_) => Mapping::default(),
    };
    if def.name == "transactions" {
        mapping.formats.insert(
            "amount".into(),
            NumberFormat {
                currency_symbol: Some("$".into()),
                thousands_separator: Some(','),
            },
        );
    }
    mapping
}

fn check(def: &SourceDef, bytes: &[u8], result: &Result<String, InputError>) {
    let Err(e) = result else { return };
    let text = e.to_string();
    assert!(text.contains(def.file_name), "{text}");
    if let InputError::Malformed { line, .. } | InputError::BadValue { line, .. } = e {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        assert!((1..=lines).contains(line), "line {line} of {lines}: {text}");
    }
}

fuzz_target!(|bytes: &[u8]| {
    // A chunk size from the input's last byte: 1 to 256 bytes at a time.
    let chunk = bytes.last().map_or(1, |&b| usize::from(b) + 1);
    for def in [&CONTACTS, &TRANSACTIONS] {
        let mapping = proposed(def, bytes);
        for mapping in [None, Some(mapping)] {
            let whole = outcome(load(def, bytes, bytes.len(), mapping.clone()));
            check(def, bytes, &whole);
            let split = outcome(load(def, bytes, chunk, mapping));
            assert_eq!(whole, split, "split into chunks of {chunk}");
        }
    }
});

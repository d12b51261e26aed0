//! A whole build on any bytes: the input is read as the transactions (with the demo contacts)
//! or as the contacts (with the demo transactions), as the input's first byte decides, then
//! built with the shipped schema under both `outside_categories` policies, and `customers`
//! exported masked under a fixed key with the default policies.
//!
//! What must hold: no panic anywhere past the loader either (libFuzzer reports one, and any
//! sanitizer finding); every model's header is unique; the masked CSV is written.

#![no_main]

use c360::engine::config::remediation::OutsideCategories;
use c360::engine::data_test::schema::{parse, DEFAULT_SCHEMA};
use c360::engine::export::{export, Dataset, Key, PolicyFile};
use c360::engine::{build, RunConfig, SourceFile, SourceFiles, Sources};
use libfuzzer_sys::fuzz_target;

const CONTACTS: &[u8] = include_bytes!("../../seeds/contacts.csv");
const TRANSACTIONS: &[u8] = include_bytes!("../../seeds/transactions.csv");

fuzz_target!(|input: &[u8]| {
    let Some((&first, bytes)) = input.split_first() else {
        return;
    };
    let (contacts, transactions) = if first & 1 == 0 {
        (CONTACTS, bytes)
    } else {
        (bytes, TRANSACTIONS)
    };
    let schema = parse(DEFAULT_SCHEMA).expect("the shipped schema parses");
    let key = Key::from_secret("0123456789abcdef0123456789abcdef").expect("a valid key");
    for policy in [OutsideCategories::CountInOther, OutsideCategories::AddToAcceptedList] {
        let Ok(sources) = Sources::from_bytes(SourceFiles {
            contacts: SourceFile {
                name: "contacts.csv",
                bytes: contacts,
            },
            transactions: SourceFile {
                name: "transactions.csv",
                bytes: transactions,
            },
        }) else {
            return;
        };
        let mut config = RunConfig::new(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        config.policies.outside_categories = policy;
        let Ok(output) = build(sources, &schema, &config) else {
            continue;
        };
        for node in &output.nodes {
            let mut names: Vec<&str> = node.table.column_names().collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}: duplicate headers", node.node.unique_id);
        }
        if let Ok(made) = export(&output, &PolicyFile::defaults(Dataset::Customers), &key, 0) {
            let mut csv = Vec::new();
            made.write_csv(&mut csv).expect("writes to memory");
        }
    }
});

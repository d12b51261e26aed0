//! Runs of files whose headers are not the exercise's, read with a column mapping.

use c360::engine::source::mapping::{Mapping, MappingFile};
use c360::engine::source::TRANSACTIONS;
use c360::engine::{InputError, RunError};
use c360_worker::protocol::{Failure, RunRequest, Slot, SourceSpec};
use c360_worker::session::{inspect, Session, DEMO_TRANSACTIONS};

use crate::support::{demo_request, node_rows, parsed_files, run, Files};

/// The demo transactions under an online shop's own headers.
fn renamed_transactions() -> Vec<u8> {
    let text = std::str::from_utf8(DEMO_TRANSACTIONS).unwrap();
    let (_, body) = text.split_once('\n').unwrap();
    format!("customer_id,Order ID,order_date,price,qty,Category,loaded_at\n{body}").into_bytes()
}

fn shop_mapping() -> MappingFile {
    let mut file = MappingFile::new();
    let columns = [
        ("contact_id", "customer_id"),
        ("id", "Order ID"),
        ("transaction_date", "order_date"),
        ("amount", "price"),
        ("item_count", "qty"),
        ("category", "Category"),
        ("_loaded_at_utc", "loaded_at"),
    ];
    file.set(
        &TRANSACTIONS,
        Mapping {
            columns: columns
                .iter()
                .map(|(c, h)| (c.to_string(), h.to_string()))
                .collect(),
            ..Mapping::default()
        },
    );
    file
}

fn with(files: &mut Files, mapping: MappingFile) -> RunRequest {
    let user = files.add("shop-orders.csv", &renamed_transactions());
    RunRequest {
        sources: [SourceSpec::Demo, user],
        mapping,
        ..demo_request()
    }
}

#[test]
fn a_mapped_file_builds_what_the_exercises_headers_build() {
    let mut session = Session::new();
    let mut files = Files::default();
    let demo = run(&mut session, &mut files, 1, demo_request()).expect("the demo runs");
    let request = with(&mut files, shop_mapping());
    let mapped = run(&mut session, &mut files, 2, request.clone()).expect("the mapped file runs");
    assert_eq!(node_rows(&mapped.summary), node_rows(&demo.summary));
    assert_eq!(mapped.summary.mapping, request.mapping);
    assert_eq!(parsed_files(&mapped.progress), ["shop-orders.csv"]);

    // The same file with the same mapping is not read again; a new mapping re-reads it.
    let again = run(&mut session, &mut files, 3, request.clone()).expect("runs");
    assert!(parsed_files(&again.progress).is_empty());
    let mut other = request.mapping.clone();
    let mut m = other.get(&TRANSACTIONS).unwrap().clone();
    m.header = Some(vec!["remembered".into()]);
    other.set(&TRANSACTIONS, m);
    let remapped = run(
        &mut session,
        &mut files,
        4,
        RunRequest {
            mapping: other,
            ..request
        },
    )
    .expect("runs");
    assert_eq!(parsed_files(&remapped.progress), ["shop-orders.csv"]);
}

#[test]
fn without_its_mapping_the_file_is_a_typed_error_naming_the_missing_columns() {
    let mut session = Session::new();
    let mut files = Files::default();
    let request = with(&mut files, MappingFile::new());
    let Err(failure) = run(&mut session, &mut files, 1, request) else {
        panic!("an unmapped file fails");
    };
    let Some(RunError::Input(e)) = failure.run_error() else {
        panic!("an input error: {failure:?}");
    };
    assert!(matches!(e, InputError::MissingColumns { .. }), "{e:?}");
    assert!(e.to_string().contains("shop-orders.csv"), "{e}");
}

#[test]
fn the_summary_lists_the_categories_found_against_the_accepted_list() {
    let mut session = Session::new();
    let mut files = Files::default();
    let demo = run(&mut session, &mut files, 1, demo_request()).expect("the demo runs");
    let categories = &demo.summary.categories;
    let total: usize = categories.iter().map(|c| c.transactions).sum();
    let transactions = demo
        .summary
        .nodes
        .iter()
        .find(|n| n.node.unique_id == "source.c360.web.transactions")
        .unwrap()
        .result
        .rows;
    assert_eq!(total, transactions, "every transaction counted once");
    let accepted = &demo.summary.config.accepted_categories;
    for c in categories {
        let listed = c.category.as_ref().is_some_and(|n| accepted.contains(n));
        assert_eq!(c.accepted, listed, "{c:?}");
    }
    for name in accepted {
        assert!(
            categories.iter().any(|c| c.category.as_ref() == Some(name)),
            "{name} is listed, used or not"
        );
    }
}

#[test]
fn an_inspection_says_how_the_file_is_read_and_which_export_it_is() {
    let mut files = Files::default();
    let text = std::str::from_utf8(&renamed_transactions())
        .unwrap()
        .replace(',', ";");
    let SourceSpec::File(file) = files.add("orders.csv", text.as_bytes()) else {
        unreachable!("a user's file")
    };
    let inspection = inspect(&file, None, &mut files).expect("inspects");
    assert_eq!(inspection.head.delimiter, b';');
    assert_eq!(inspection.head.header[0], "customer_id");
    assert_eq!(inspection.recognised, Some(Slot::Transactions));
    let proposal = inspection.proposal(Slot::Transactions);
    assert!(proposal.is_complete() && !proposal.is_exact());
    assert_eq!(proposal.file, "orders.csv");
    // The proposal, taken as it is, is the mapping written by hand above.
    let mut proposed = proposal.mapping().expect("complete");
    proposed.header = None;
    assert_eq!(Some(&proposed), shop_mapping().get(&TRANSACTIONS));
    // Only the start is read.
    assert!(files.reads.iter().all(|r| r.offset == 0));

    // Split on commas instead, the header is one column: nothing is recognised.
    let commas = inspect(&file, Some(','), &mut files).expect("inspects");
    assert_eq!(commas.head.header.len(), 1);
    assert_eq!(commas.recognised, None);
    let refused = inspect(&file, Some('x'), &mut files).expect_err("x is no delimiter");
    assert!(matches!(refused, Failure::BadRequest { .. }), "{refused:?}");
}

//! Downloads: the pieces a download sends, put together, are exactly the engine's CSV of the
//! same table guarded against formulas (`write::to_csv_string_with`: what `c360 build --out`
//! writes, with `Guard::Formulas`, since the user opens it in a spreadsheet) — for tables of several
//! pieces, for an empty table (its header alone) and for findings — and each piece's `sent`
//! counts the bytes so far, ending at the total.

use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::value::write::{to_csv_string_with, Guard};
use c360::engine::{RunOutput, Table};
use c360_worker::protocol::{Failure, SourceSpec, TableRef};
use c360_worker::session::{Session, DEMO_CONTACTS};

use crate::support::{
    demo_config, demo_output, demo_request, engine_build, generated, model, request_with, run,
    Files, CONTACTS_ID, GENERATED_TRANSACTIONS, TRANSACTIONS_ID,
};

/// A download's pieces, each with the `sent` it reported, and its totals.
struct Received {
    pieces: Vec<(Vec<u8>, u64)>,
    bytes_sent: u64,
    rows: usize,
}

impl Received {
    fn text(&self) -> String {
        let bytes: Vec<u8> = self.pieces.iter().flat_map(|(b, _)| b.clone()).collect();
        String::from_utf8(bytes).expect("CSV is UTF-8")
    }
}

fn receive(session: &Session, table: &TableRef) -> Received {
    let run = session.run_id().expect("a run in force");
    let mut download = session.download(run, table).expect("a table of the run");
    let mut pieces = Vec::new();
    while let Some(piece) = download.next_chunk() {
        pieces.push(piece);
        assert!(pieces.len() < 10_000, "a download that never ends");
    }
    assert!(
        download.next_chunk().is_none(),
        "a finished download stays finished"
    );
    Received {
        pieces,
        bytes_sent: download.bytes_sent(),
        rows: download.rows(),
    }
}

/// Asserts that a download is `table` as the engine writes it, and returns how many pieces
/// it took.
fn assert_download_is(received: &Received, table: &Table, what: &str) -> usize {
    let expected = to_csv_string_with(table, Guard::Formulas);
    let text = received.text();
    assert!(
        text == expected,
        "{what}: the download differs from the engine's CSV"
    );
    assert_eq!(received.bytes_sent, expected.len() as u64, "{what}");
    assert_eq!(received.rows, table.num_rows(), "{what}");
    let mut sent = 0;
    for (bytes, reported) in &received.pieces {
        assert!(!bytes.is_empty(), "{what}: an empty piece");
        assert!(bytes.ends_with(b"\n"), "{what}: a piece of whole rows");
        sent += bytes.len() as u64;
        assert_eq!(*reported, sent, "{what}: bytes sent so far");
    }
    received.pieces.len()
}

fn generated_output() -> RunOutput {
    let data = generated();
    engine_build(
        ("contacts.csv", &data.contacts),
        ("transactions.csv", &data.transactions),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .expect("the generated exports build")
}

#[test]
fn a_table_of_many_pieces_downloads_as_the_engines_csv() {
    let data = generated();
    let mut session = Session::new();
    let mut files = Files::default();
    let sources = [
        files.add("contacts.csv", &data.contacts),
        files.add("transactions.csv", &data.transactions),
    ];
    run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
    let output = generated_output();

    let mut pieces = Vec::new();
    for node in &output.nodes {
        let id = &node.node.unique_id;
        let table = TableRef::Node {
            unique_id: id.clone(),
        };
        let received = receive(&session, &table);
        pieces.push((id.clone(), assert_download_is(&received, &node.table, id)));
    }
    let of = |id: &str| pieces.iter().find(|(i, _)| i == id).map(|(_, n)| *n);
    assert_eq!(
        output.node(TRANSACTIONS_ID).unwrap().table.num_rows(),
        GENERATED_TRANSACTIONS
    );
    assert!(of(TRANSACTIONS_ID).unwrap() > 1, "{pieces:?}");
    assert!(
        of(&model("stg_web__transactions")).unwrap() > 1,
        "{pieces:?}"
    );
    assert!(of(&model("contacts_joined_with_transactions")).unwrap() > 1);
    assert_eq!(of(CONTACTS_ID), Some(1), "2,000 rows fit in one piece");
}

/// A download already going when a newer run is committed goes on with the table it was
/// asked for, whole: it never mixes two runs' rows.
#[test]
fn a_download_finishes_with_its_own_run_after_a_newer_one() {
    let data = generated();
    let mut session = Session::new();
    let mut files = Files::default();
    let sources = [
        files.add("contacts.csv", &data.contacts),
        files.add("transactions.csv", &data.transactions),
    ];
    run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
    let joined = TableRef::Node {
        unique_id: model("contacts_joined_with_transactions"),
    };
    let mut download = session.download(1, &joined).unwrap();
    let mut bytes = download.next_chunk().expect("a first piece").0;

    run(&mut session, &mut files, 2, demo_request()).expect("the demo runs");
    while let Some((piece, _)) = download.next_chunk() {
        bytes.extend(piece);
    }
    let output = generated_output();
    let expected = to_csv_string_with(
        output.model("contacts_joined_with_transactions").unwrap(),
        Guard::Formulas,
    );
    assert!(String::from_utf8(bytes).unwrap() == expected);
    assert!(matches!(
        session.download(1, &joined),
        Err(Failure::NoSuchTable { run: 1, .. })
    ));
}

/// A transactions export with a header and no rows: every model is built, empty, and
/// downloads as its header line alone.
#[test]
fn an_empty_table_downloads_as_its_header_alone() {
    let header = b"contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n";
    let mut session = Session::new();
    let mut files = Files::default();
    let sources = [SourceSpec::Demo, files.add("transactions.csv", header)];
    run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
    let output = engine_build(
        ("contacts.csv", DEMO_CONTACTS),
        ("transactions.csv", header),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .unwrap();
    for name in ["stg_web__transactions", "customers", "category"] {
        let table = output.model(name).unwrap();
        assert_eq!(table.num_rows(), 0, "{name}");
        let received = receive(
            &session,
            &TableRef::Node {
                unique_id: model(name),
            },
        );
        assert_eq!(assert_download_is(&received, table, name), 1, "{name}");
        let text = received.text();
        assert_eq!(text.lines().count(), 1, "{name}: {text:?}");
        let names: Vec<&str> = table.column_names().collect();
        assert_eq!(text.trim_end(), names.join(","), "{name}");
    }
    let received = receive(
        &session,
        &TableRef::Node {
            unique_id: model("customers"),
        },
    );
    assert!(received.text().starts_with("id,gender,age,total_expense,"));
}

/// Findings download like any table.
#[test]
fn findings_download_as_the_engines_csv() {
    let mut session = Session::new();
    run(&mut session, &mut Files::default(), 1, demo_request()).expect("runs");
    let output = demo_output();
    assert!(!output.findings.is_empty());
    for (index, finding) in output.findings.iter().enumerate() {
        let received = receive(&session, &TableRef::Finding { index });
        assert_download_is(&received, &finding.rows, finding.kind.as_str());
    }
}

#[test]
fn a_download_of_another_run_or_a_missing_table_is_refused() {
    let mut session = Session::new();
    let customers = TableRef::Node {
        unique_id: model("customers"),
    };
    assert!(matches!(
        session.download(1, &customers),
        Err(Failure::NoSuchTable { run: 1, .. })
    ));
    run(&mut session, &mut Files::default(), 1, demo_request()).expect("runs");
    assert!(session.download(1, &customers).is_ok());
    for (run, table) in [
        (2, customers.clone()),
        (1, TableRef::Finding { index: 50 }),
        (
            1,
            TableRef::Node {
                unique_id: "model.c360.nothing".into(),
            },
        ),
    ] {
        match session.download(run, &table) {
            Err(Failure::NoSuchTable { run: r, table: t }) => assert_eq!((r, t), (run, table)),
            Err(other) => panic!("{table:?}: {other:?}"),
            Ok(_) => panic!("{table:?}: not refused"),
        }
    }
}

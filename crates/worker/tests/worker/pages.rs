//! Pages of the run in force, as the page's table asks for them: sorted ascending and
//! descending with nulls last (numbers as numbers), filtered on a cell's exact text, paged to
//! and past the end; a sort or filter on a column the table does not have is dropped; a page
//! of another run or of a skipped node is refused; and a test's failing rows and a finding's
//! rows are tables like any other.

use std::cmp::Ordering;

use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::DataType;
use c360_worker::protocol::{
    Direction, Failure, Filter, PageRequest, RunRequest, Sort, TablePage, TableRef,
};
use c360_worker::session::{Session, NEAREST_KEY_COLUMN};

use crate::support::{date, demo_request, model, run, Files, Run, CONTACTS_ID, TRANSACTIONS_ID};

type Row = Vec<Option<String>>;

fn node(unique_id: &str) -> TableRef {
    TableRef::Node {
        unique_id: unique_id.to_string(),
    }
}

fn sort(column: &str, direction: Direction) -> Option<Sort> {
    Some(Sort {
        column: column.into(),
        direction,
    })
}

fn filter(column: &str, value: &str) -> Option<Filter> {
    Some(Filter {
        column: column.into(),
        value: value.into(),
    })
}

/// A page of the run in force.
fn page(
    session: &mut Session,
    table: &TableRef,
    sort: Option<Sort>,
    filter: Option<Filter>,
    offset: usize,
    limit: usize,
) -> Result<TablePage, Failure> {
    let run = session.run_id().expect("a run in force");
    session.page(&PageRequest {
        run,
        table: table.clone(),
        sort,
        filter,
        offset,
        limit,
    })
}

/// Every row, in file order.
fn all_rows(session: &mut Session, table: &TableRef) -> TablePage {
    let page = page(session, table, None, None, 0, usize::MAX).expect("a table");
    assert_eq!(page.rows.len(), page.total_rows);
    page
}

fn column(page: &TablePage, name: &str) -> usize {
    page.columns
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The demo as of 1990: every customer born since has no age (a null), the others one.
fn session_as_of_1990() -> (Session, Run) {
    let mut session = Session::new();
    let mut request = demo_request();
    request.config = request.config.with_as_of(date("1990-01-01"));
    let done = run(&mut session, &mut Files::default(), 1, request).expect("runs");
    (session, done)
}

fn demo_session() -> (Session, Run) {
    let mut session = Session::new();
    let done = run(&mut session, &mut Files::default(), 1, demo_request()).expect("runs");
    (session, done)
}

/// Compares two cells of a column the way a reader expects: numbers as numbers, nulls last.
fn compare(
    a: &Option<String>,
    b: &Option<String>,
    data_type: DataType,
    descending: bool,
) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let ord = match data_type {
                DataType::Integer | DataType::Decimal => {
                    let n = |s: &str| s.parse::<f64>().expect("a number");
                    n(a).total_cmp(&n(b))
                }
                _ => a.cmp(b),
            };
            if descending {
                ord.reverse()
            } else {
                ord
            }
        }
    }
}

#[test]
fn sorting_orders_values_either_way_with_nulls_last() {
    let (mut session, _) = session_as_of_1990();
    let customers = node(&model("customers"));
    let all = all_rows(&mut session, &customers);
    let age = column(&all, "age");
    let nulls = all.rows.iter().filter(|r| r[age].is_none()).count();
    assert!(nulls > 0 && nulls < all.rows.len(), "{nulls} null ages");

    for name in [
        "age",
        "total_expense",
        "id",
        "first_purchase_date",
        "gender",
    ] {
        let at = column(&all, name);
        let data_type = all.columns[at].data_type;
        for direction in [Direction::Ascending, Direction::Descending] {
            let sorted = page(
                &mut session,
                &customers,
                sort(name, direction),
                None,
                0,
                1000,
            )
            .unwrap();
            assert_eq!(sorted.sort, sort(name, direction));
            assert_eq!(sorted.total_rows, all.total_rows);
            assert_eq!(sorted.matching_rows, all.total_rows);
            // A stable sort of the rows in file order.
            let mut expected: Vec<Row> = all.rows.clone();
            expected.sort_by(|a, b| {
                compare(
                    &a[at],
                    &b[at],
                    data_type,
                    direction == Direction::Descending,
                )
            });
            assert_eq!(sorted.rows, expected, "{name} {direction:?}");
        }
    }
    // Nulls last in both directions, the rest reversed.
    let asc = page(
        &mut session,
        &customers,
        sort("age", Direction::Ascending),
        None,
        0,
        1000,
    )
    .unwrap();
    let desc = page(
        &mut session,
        &customers,
        sort("age", Direction::Descending),
        None,
        0,
        1000,
    )
    .unwrap();
    let ages = |p: &TablePage| p.rows.iter().map(|r| r[age].clone()).collect::<Vec<_>>();
    let (a, d) = (ages(&asc), ages(&desc));
    assert!(a[a.len() - nulls..].iter().all(Option::is_none));
    assert!(d[d.len() - nulls..].iter().all(Option::is_none));
    let mut reversed = a[..a.len() - nulls].to_vec();
    reversed.reverse();
    assert_eq!(d[..d.len() - nulls], reversed[..]);
}

/// Amounts sort as numbers: `9.9` before `10.0`, which text order would not give.
#[test]
fn amounts_sort_as_numbers() {
    let (mut session, _) = demo_session();
    let transactions = node(&model("stg_web__transactions"));
    let sorted = page(
        &mut session,
        &transactions,
        sort("amount", Direction::Ascending),
        None,
        0,
        1000,
    )
    .unwrap();
    let amount = column(&sorted, "amount");
    let amounts: Vec<f64> = sorted
        .rows
        .iter()
        .map(|r| r[amount].as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] <= w[1]), "{amounts:?}");
    let digits = |r: &Row| r[amount].as_deref().unwrap().find('.').unwrap_or(3);
    assert!(
        sorted
            .rows
            .iter()
            .map(digits)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            > 1,
        "the demo has amounts of one and two digits before the point"
    );
}

#[test]
fn a_filter_keeps_the_rows_showing_exactly_its_value() {
    let (mut session, _) = session_as_of_1990();
    let customers = node(&model("customers"));
    let all = all_rows(&mut session, &customers);
    let (gender, age) = (column(&all, "gender"), column(&all, "age"));
    let women: Vec<Row> = all
        .rows
        .iter()
        .filter(|r| r[gender].as_deref() == Some("F"))
        .cloned()
        .collect();
    assert!(!women.is_empty() && women.len() < all.rows.len());

    let page_f = page(
        &mut session,
        &customers,
        None,
        filter("gender", "F"),
        0,
        1000,
    )
    .unwrap();
    assert_eq!(page_f.filter, filter("gender", "F"));
    assert_eq!(page_f.matching_rows, women.len());
    assert_eq!(page_f.total_rows, all.total_rows);
    assert_eq!(page_f.rows, women);

    // Exact: not case-insensitive, not a prefix.
    for value in ["f", "F ", ""] {
        let none = page(
            &mut session,
            &customers,
            None,
            filter("gender", value),
            0,
            1000,
        )
        .unwrap();
        assert_eq!(none.matching_rows, 0, "{value:?}");
        assert!(none.rows.is_empty());
    }
    // Nulls show as the empty string.
    let no_age = page(&mut session, &customers, None, filter("age", ""), 0, 1000).unwrap();
    assert_eq!(
        no_age.rows,
        all.rows
            .iter()
            .filter(|r| r[age].is_none())
            .cloned()
            .collect::<Vec<_>>()
    );
    assert!(no_age.matching_rows > 0);

    // A decimal as it is written.
    let total = column(&all, "total_expense");
    let value = all.rows[0][total].clone().unwrap();
    let by_total = page(
        &mut session,
        &customers,
        None,
        filter("total_expense", &value),
        0,
        1000,
    )
    .unwrap();
    assert!(by_total.rows.contains(&all.rows[0]));
    assert!(by_total
        .rows
        .iter()
        .all(|r| r[total].as_deref() == Some(value.as_str())));

    // Filter and sort together, paged: the sorted rows of the filter, from the offset.
    let sorted = page(
        &mut session,
        &customers,
        sort("age", Direction::Descending),
        filter("gender", "F"),
        1,
        2,
    )
    .unwrap();
    let mut expected = women.clone();
    expected.sort_by(|a, b| compare(&a[age], &b[age], DataType::Integer, true));
    assert_eq!(sorted.rows, expected[1..3.min(expected.len())]);
    assert_eq!((sorted.offset, sorted.matching_rows), (1, women.len()));
}

#[test]
fn pages_cover_every_row_once_and_offsets_past_the_end_are_empty() {
    let (mut session, _) = demo_session();
    let transactions = node(TRANSACTIONS_ID);
    let all = all_rows(&mut session, &transactions);
    assert_eq!(all.total_rows, 100);
    let by_id = sort("id", Direction::Ascending);
    let whole = page(&mut session, &transactions, by_id.clone(), None, 0, 1000).unwrap();

    let mut paged = Vec::new();
    let mut offset = 0;
    while offset < whole.matching_rows {
        let p = page(&mut session, &transactions, by_id.clone(), None, offset, 7).unwrap();
        assert_eq!(p.offset, offset);
        assert_eq!(p.rows.len(), 7.min(100 - offset));
        paged.extend(p.rows);
        offset += 7;
    }
    assert_eq!(paged, whole.rows);

    for (offset, limit) in [
        (100, 10),
        (101, 10),
        (5_000, 50),
        (usize::MAX, usize::MAX),
        (3, 0),
    ] {
        let p = page(
            &mut session,
            &transactions,
            by_id.clone(),
            None,
            offset,
            limit,
        )
        .unwrap();
        assert!(p.rows.is_empty(), "offset {offset}, limit {limit}");
        assert_eq!((p.total_rows, p.matching_rows), (100, 100));
        assert_eq!(
            p.offset,
            offset.min(100),
            "the offset is clamped to the rows there are"
        );
    }
    let filtered = page(
        &mut session,
        &transactions,
        None,
        filter("category", "Kitchen"),
        10,
        10,
    )
    .unwrap();
    assert!(filtered.rows.is_empty());
    assert_eq!(filtered.offset, filtered.matching_rows);
}

/// After a re-run the table may lack the column a page was sorted or filtered by (here the
/// `kitchen_amount` column, once Kitchen leaves the accepted list): the page comes back in
/// file order, unfiltered, and says so.
#[test]
fn a_sort_or_filter_on_a_column_the_table_lacks_is_dropped() {
    let (mut session, _) = demo_session();
    let customers = node(&model("customers"));
    let sorted = page(
        &mut session,
        &customers,
        sort("kitchen_amount", Direction::Descending),
        None,
        0,
        1000,
    )
    .unwrap();
    assert_eq!(sorted.sort, sort("kitchen_amount", Direction::Descending));

    // Kitchen out of the accepted list, and its transaction only a warning (as shipped).
    let without_kitchen = RunRequest {
        schema: DEFAULT_SCHEMA.replacen("                      - Kitchen\n", "", 1),
        ..demo_request()
    };
    assert_ne!(without_kitchen.schema, DEFAULT_SCHEMA);
    run(&mut session, &mut Files::default(), 2, without_kitchen).expect("runs");
    let all = all_rows(&mut session, &customers);
    assert!(all.columns.iter().all(|c| c.name != "kitchen_amount"));

    let dropped = page(
        &mut session,
        &customers,
        sort("kitchen_amount", Direction::Descending),
        filter("kitchen_amount", "0.0"),
        0,
        1000,
    )
    .unwrap();
    assert_eq!(dropped.sort, None);
    assert_eq!(dropped.filter, None);
    assert_eq!(dropped.matching_rows, all.total_rows);
    assert_eq!(dropped.rows, all.rows);

    // One dropped, the other kept.
    let kept = page(
        &mut session,
        &customers,
        sort("no_such_column", Direction::Ascending),
        filter("gender", "M"),
        0,
        1000,
    )
    .unwrap();
    assert_eq!(kept.sort, None);
    assert_eq!(kept.filter, filter("gender", "M"));
    assert!(kept.matching_rows > 0 && kept.matching_rows < all.total_rows);
}

/// Only tables of the run in force are served: another run's id, a node that was skipped or
/// does not exist, a finding or test it lacks, are refused with the run and table asked.
#[test]
fn a_page_of_another_run_or_a_table_it_lacks_is_refused() {
    let customers = node(&model("customers"));
    let request = |run: u64, table: &TableRef| PageRequest {
        run,
        table: table.clone(),
        sort: None,
        filter: None,
        offset: 0,
        limit: 10,
    };
    let refused = |result: Result<TablePage, Failure>, run: u64, table: &TableRef| match result {
        Err(Failure::NoSuchTable { run: r, table: t }) => {
            assert_eq!((r, &t), (run, table));
        }
        other => panic!("run {run}, {table:?}: not refused: {other:?}"),
    };
    let mut session = Session::new();
    refused(session.page(&request(1, &customers)), 1, &customers);

    let mut files = Files::default();
    run(&mut session, &mut files, 1, demo_request()).unwrap();
    assert!(session.page(&request(1, &customers)).is_ok());
    refused(session.page(&request(2, &customers)), 2, &customers);
    for table in [
        node("model.c360.no_such_model"),
        TableRef::Finding { index: 99 },
        TableRef::FailingRows {
            unique_id: "test.c360.no_such_test".into(),
        },
    ] {
        refused(session.page(&request(1, &table)), 1, &table);
    }

    // A relationships test of severity error fails on the demo's orphan: everything
    // downstream of the transactions is skipped, and has no table.
    let strict = RunRequest {
        schema: DEFAULT_SCHEMA.replacen(
            "                    field: id\n                  config:\n                    severity: warn\n",
            "                    field: id\n",
            1,
        ),
        ..demo_request()
    };
    assert_ne!(strict.schema, DEFAULT_SCHEMA);
    let done = run(&mut session, &mut files, 2, strict).unwrap();
    refused(session.page(&request(1, &customers)), 1, &customers);
    let skipped: Vec<String> = done
        .summary
        .nodes
        .iter()
        .filter(|n| n.is_skipped())
        .map(|n| n.node.unique_id.clone())
        .collect();
    assert_eq!(
        skipped,
        [
            model("stg_web__transactions"),
            model("contacts_joined_with_transactions"),
            model("customers"),
            model("category"),
            model("customer_segments"),
            model("category_spend"),
            model("recommendations"),
            model("recommendation_evaluation")
        ]
    );
    for id in &skipped {
        refused(session.page(&request(2, &node(id))), 2, &node(id));
    }
    for id in [CONTACTS_ID, TRANSACTIONS_ID] {
        assert!(session.page(&request(2, &node(id))).is_ok(), "{id}");
    }
}

/// A test's failing rows are a table: the tested column first, then (for relationships) the
/// nearest existing key, then the rest; they are the rows and keys the summary announced.
#[test]
fn a_tests_failing_rows_lead_with_the_tested_column_and_the_nearest_key() {
    let (mut session, done) = demo_session();
    let relationships = done
        .summary
        .tests
        .iter()
        .find(|t| t.result.test_kind == "relationships")
        .expect("the shipped schema has a relationships test");
    let table = TableRef::FailingRows {
        unique_id: relationships.result.unique_id.clone(),
    };
    let failing = all_rows(&mut session, &table);
    let names: Vec<&str> = failing.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names[..2], ["contact_id", NEAREST_KEY_COLUMN]);
    assert_eq!(names, relationships.failing_columns);
    assert_eq!(Some(failing.total_rows), relationships.kept_rows);
    assert_eq!(failing.total_rows, 1, "the demo's one orphan");
    let near: Vec<(String, Option<String>)> = relationships
        .near_misses
        .iter()
        .map(|m| (m.value.clone(), m.nearest.clone()))
        .collect();
    let shown: Vec<(String, Option<String>)> = failing
        .rows
        .iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone()))
        .collect();
    assert_eq!(near, shown);

    // The orphan's key is no contact's; the nearest key is one.
    let contacts = node(CONTACTS_ID);
    let (orphan, nearest) = &shown[0];
    let nearest = nearest.as_deref().expect("a nearest key");
    assert_ne!(orphan, nearest);
    let count = |session: &mut Session, id: &str| {
        page(session, &contacts, None, filter("id", id), 0, 10)
            .unwrap()
            .matching_rows
    };
    assert_eq!(count(&mut session, orphan), 0);
    assert_eq!(count(&mut session, nearest), 1);

    // Sorted and filtered like any table.
    let sorted = page(
        &mut session,
        &table,
        sort(NEAREST_KEY_COLUMN, Direction::Descending),
        filter("contact_id", orphan),
        0,
        10,
    )
    .unwrap();
    assert_eq!(sorted.rows, failing.rows);

    // Every test: a page exactly when rows were kept, the tested column first.
    for test in &done.summary.tests {
        let table = TableRef::FailingRows {
            unique_id: test.result.unique_id.clone(),
        };
        let result = page(&mut session, &table, None, None, 0, usize::MAX);
        match (test.kept_rows, result) {
            (Some(rows), Ok(p)) => {
                assert_eq!(p.total_rows, rows, "{}", test.result.unique_id);
                let names: Vec<String> = p.columns.iter().map(|c| c.name.clone()).collect();
                assert_eq!(names, test.failing_columns);
                if let Some(column) = &test.result.column_name {
                    if names.contains(column) {
                        assert_eq!(&names[0], column, "{}", test.result.unique_id);
                    }
                }
            }
            (None, Err(Failure::NoSuchTable { .. })) => {}
            (kept, other) => panic!("{}: kept {kept:?}, page {other:?}", test.result.unique_id),
        }
    }
}

/// A finding's rows are a table, of the size the summary gives: the duplicate contact
/// removed is one of two rows sharing its id in the source.
#[test]
fn a_findings_rows_are_a_table() {
    let (mut session, done) = demo_session();
    assert!(!done.summary.findings.is_empty());
    for (index, finding) in done.summary.findings.iter().enumerate() {
        let rows = all_rows(&mut session, &TableRef::Finding { index });
        assert_eq!(rows.total_rows, finding.rows, "{}", finding.slug);
        assert!(finding.rows > 0, "{}", finding.slug);
    }
    let index = done
        .summary
        .findings
        .iter()
        .position(|f| f.slug == "duplicate_contacts_removed")
        .expect("the demo has a duplicate contact");
    let removed = all_rows(&mut session, &TableRef::Finding { index });
    let id = removed.rows[0][column(&removed, "id")].clone().unwrap();
    let contacts = node(CONTACTS_ID);
    let sharing = page(&mut session, &contacts, None, filter("id", &id), 0, 10).unwrap();
    assert_eq!(sharing.matching_rows, 2);
    let staged = node(&model("stg_sf__contacts"));
    let kept = page(&mut session, &staged, None, filter("id", &id), 0, 10).unwrap();
    assert_eq!(kept.matching_rows, 1);
}

/// A re-run that reuses the tests gives the same failing rows, in the same column order, as
/// the run that computed them.
#[test]
fn failing_rows_of_a_reused_test_are_the_same() {
    let (mut session, first) = demo_session();
    let kept: Vec<TableRef> = first
        .summary
        .tests
        .iter()
        .filter(|t| t.kept_rows.is_some_and(|n| n > 0))
        .map(|t| TableRef::FailingRows {
            unique_id: t.result.unique_id.clone(),
        })
        .collect();
    assert!(kept.len() >= 2, "{kept:?}");
    let before: Vec<TablePage> = kept.iter().map(|t| all_rows(&mut session, t)).collect();
    let second = run(&mut session, &mut Files::default(), 2, demo_request()).unwrap();
    assert!(second.summary.tests.iter().all(|t| t.reused));
    for (table, before) in kept.iter().zip(before) {
        let after = all_rows(&mut session, table);
        assert_eq!(after.run, 2);
        assert_eq!(
            (after.columns, after.rows),
            (before.columns, before.rows),
            "{table:?}"
        );
    }
    let summary = |run: &Run| {
        run.summary
            .tests
            .iter()
            .map(|t| {
                (
                    t.failing_columns.clone(),
                    t.near_misses.clone(),
                    t.kept_rows,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&second), summary(&first));
}

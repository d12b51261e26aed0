//! Data tests, run the way `dbt build` runs them: each generic kind's failing rows (pass and
//! fail, nulls, `where` filters) on hand-built tables; every config field (`severity`,
//! `warn_if`, `error_if`, `where`, `limit`, `store_failures`) through a real build; the
//! shipped singular tests each made to fail on a hand-broken `customers`; the macro tests; the
//! order of a build and its skip cascade; `run_results.json`; the exit statuses of `c360 build`
//! and `c360 test`; and the issue's "done when" on the exercise's own files.

use c360::engine::data_test::generic::{GenericKind, GenericTest};
use c360::engine::data_test::macros::{self, MacroTest, MACRO_TESTS};
use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::data_test::singular::{Models, SINGULAR_TESTS};
use c360::engine::data_test::{
    status_for, Condition, Failing, Severity, TestConfig, TestStatus, Threshold, DEFAULT_SHOWN_ROWS,
};
use c360::engine::value::column::TextBuilder;
use c360::engine::value::time::{age_in_years, format_timestamp, parse_timestamp};
use c360::engine::Step;
use c360::engine::{Column, NodeStatus, RunOutput, Schema, Table};

use crate::data_test_support::*;
use crate::util::{contact, contacts_csv, date, dec, transaction, transactions_csv, Csv};

// --- Generic kinds on hand-built tables ------------------------------------------------------

fn generic(kind: GenericKind, column: Option<&str>) -> GenericTest {
    generic_with(kind, column, TestConfig::default())
}

fn generic_with(kind: GenericKind, column: Option<&str>, config: TestConfig) -> GenericTest {
    GenericTest {
        unique_id: "test.c360.hand_built".into(),
        kind,
        node: "model.c360.customers".into(),
        column: column.map(String::from),
        config,
        line: 1,
    }
}

fn run(test: &GenericTest, table: &Table) -> (Failing, usize) {
    test.failing(table, None).unwrap_or_else(|e| panic!("{e}"))
}

/// A text column whose values are not interned (as ingestion stores names and e-mails), so
/// the hash-based code paths run rather than the dictionary-code ones.
fn plain_text(values: &[Option<&str>]) -> Column {
    let mut b = TextBuilder::new(false);
    for v in values {
        b.push(*v);
    }
    Column::Text(b.finish())
}

fn one(name: &str, column: Column) -> Table {
    Table::new().with(name, column)
}

#[test]
fn unique_counts_repeated_values_and_keeps_every_row_of_them() {
    let values = [
        Some("a"),
        Some("b"),
        Some("a"),
        Some("c"),
        Some("b"),
        Some("a"),
        None,
        None,
    ];
    for column in [text(&values), plain_text(&values)] {
        let (f, checked) = run(&generic(GenericKind::Unique, Some("v")), &one("v", column));
        assert_eq!(f.failures, 2, "two values repeat: a and b");
        assert_eq!(
            f.rows,
            [0, 1, 2, 4, 5],
            "every row of a repeated value; nulls never repeat"
        );
        assert_eq!(checked, 8);
    }
    let (f, _) = run(
        &generic(GenericKind::Unique, Some("v")),
        &one("v", integers(&[Some(1), Some(2), Some(1), None, None])),
    );
    assert_eq!((f.failures, f.rows), (1, vec![0, 2]));
    let (f, _) = run(
        &generic(GenericKind::Unique, Some("v")),
        &one(
            "v",
            timestamps(&[Some("2023-01-01 00:00:00"), Some("2023-01-01 00:00:00.001")]),
        ),
    );
    assert_eq!(f.failures, 0, "a millisecond apart is different");
    let (f, _) = run(
        &generic(GenericKind::Unique, Some("v")),
        &one("v", text(&[None, None, Some("x")])),
    );
    assert_eq!(f.failures, 0, "nulls are not duplicates");
}

#[test]
fn not_null_counts_null_rows_of_every_type() {
    let columns = [
        text(&[Some("a"), None, Some("c"), None]),
        plain_text(&[Some("a"), None, Some("c"), None]),
        integers(&[Some(1), None, Some(0), None]),
        decimals(1, &[Some(0), None, Some(-5), None]),
        dates(&[Some("2000-02-29"), None, Some("1970-01-01"), None]),
        timestamps(&[
            Some("2023-05-09 10:05:28.875"),
            None,
            Some("1970-01-01 00:00:00"),
            None,
        ]),
        Column::Boolean(vec![Some(false), None, Some(true), None]),
    ];
    for column in columns {
        let (f, checked) = run(&generic(GenericKind::NotNull, Some("v")), &one("v", column));
        assert_eq!((f.failures, f.rows, checked), (2, vec![1, 3], 4));
    }
    let (f, _) = run(
        &generic(GenericKind::NotNull, Some("v")),
        &one("v", text(&[Some(""), Some("x")])),
    );
    assert_eq!(f.failures, 0);
}

#[test]
fn accepted_values_counts_distinct_outside_values_and_lets_nulls_pass() {
    let values = [
        Some("Books"),
        Some("Kitchen"),
        None,
        Some("Kitchen"),
        Some("Garden"),
        Some("Books"),
    ];
    let kind = GenericKind::AcceptedValues {
        values: vec!["Books".into(), "Beauty".into()],
        quote: true,
    };
    for column in [text(&values), plain_text(&values)] {
        let (f, checked) = run(
            &generic(kind.clone(), Some("category")),
            &one("category", column),
        );
        assert_eq!(f.failures, 2, "Kitchen and Garden");
        assert_eq!(f.rows, [1, 3, 4]);
        assert_eq!(checked, 6);
    }
    // Case matters, as in SQL.
    let (f, _) = run(
        &generic(kind, Some("category")),
        &one("category", text(&[Some("books")])),
    );
    assert_eq!(f.failures, 1);
}

#[test]
fn accepted_values_without_quotes_compares_numbers_as_numbers() {
    let kind = GenericKind::AcceptedValues {
        values: vec!["1".into(), "2.50".into()],
        quote: false,
    };
    let (f, _) = run(
        &generic(kind.clone(), Some("n")),
        &one("n", integers(&[Some(1), Some(2), Some(3), None, Some(1)])),
    );
    assert_eq!(
        (f.failures, f.rows),
        (2, vec![1, 2]),
        "2 and 3 are outside; 2.50 is not 2"
    );
    let (f, _) = run(
        &generic(kind, Some("n")),
        &one("n", decimals(1, &[Some(25), Some(10), Some(11)])),
    );
    assert_eq!(
        (f.failures, f.rows),
        (1, vec![2]),
        "2.5 = 2.50 and 1.0 = 1; 1.1 is outside"
    );
    // Quoted, a number column is compared as its printed text.
    let quoted = GenericKind::AcceptedValues {
        values: vec!["1".into(), "2".into()],
        quote: true,
    };
    let (f, _) = run(
        &generic(quoted, Some("n")),
        &one("n", integers(&[Some(1), Some(2), Some(7)])),
    );
    assert_eq!(f.rows, [2]);
}

const P1: &str = "37ebdcd9-e87a-4613-a443-df789558867f";
const P2: &str = "23c6612f-4826-4673-a3a7-711a81332876";
const P1_TYPO: &str = "37ebdad9-e87a-4613-a442-df789569867f";

#[test]
fn relationships_counts_orphan_rows_and_names_the_nearest_existing_key() {
    let child = [
        Some(P1),
        Some(P1_TYPO),
        None,
        Some(P2),
        Some("zzzz"),
        Some(P1_TYPO),
    ];
    let parent = one("id", text(&[Some(P1), Some(P2)]));
    let test = generic(
        GenericKind::Relationships {
            to: "source.c360.salesforce.contacts".into(),
            field: "id".into(),
        },
        Some("contact_id"),
    );
    for column in [text(&child), plain_text(&child)] {
        let table = one("contact_id", column);
        let (f, checked) = test.failing(&table, Some(&parent)).unwrap();
        assert_eq!(
            f.failures, 3,
            "dbt counts orphan rows; a null has no parent to miss"
        );
        assert_eq!(f.rows, [1, 4, 5]);
        assert_eq!(checked, 6);
        let extra = f.extra.expect("the nearest keys");
        assert_eq!(cells(&extra, "nearest_existing_key"), [P1, "", P1]);
    }
    let all_found = one("contact_id", text(&[Some(P2), None, Some(P1)]));
    let (f, _) = test.failing(&all_found, Some(&parent)).unwrap();
    assert_eq!(f.failures, 0);
    assert!(f.extra.is_none());
    let e = test.failing(&all_found, None).unwrap_err();
    assert!(e.contains("parent"), "{e}");
}

#[test]
fn accepted_range_checks_bounds_inclusively_unless_told_not_to() {
    let amounts = one(
        "amount",
        decimals(
            1,
            &[Some(-50), Some(0), Some(505), Some(1000), Some(1001), None],
        ),
    );
    let range = |min: Option<&str>, max: Option<&str>, inclusive| GenericKind::AcceptedRange {
        min_value: min.map(String::from),
        max_value: max.map(String::from),
        inclusive,
    };
    let rows = |kind| run(&generic(kind, Some("amount")), &amounts).0.rows;
    assert_eq!(
        rows(range(Some("0"), Some("100"), true)),
        [0, 4],
        "-5.0 and 100.1; null passes"
    );
    assert_eq!(
        rows(range(Some("0"), Some("100"), false)),
        [0, 1, 3, 4],
        "the bounds fail too"
    );
    assert_eq!(rows(range(Some("0"), None, true)), [0]);
    assert_eq!(rows(range(None, Some("100.0"), true)), [4]);
    assert_eq!(rows(range(Some("-5"), Some("-5"), true)), [1, 2, 3, 4]);
    let (f, checked) = run(
        &generic(range(Some("0"), Some("100"), true), Some("amount")),
        &amounts,
    );
    assert_eq!((f.failures, checked), (2, 6));

    // Integers at the edges of 64 bits against bounds with decimals: compared exactly, not
    // "unknown" (which would let them pass) because tenths of i64::MAX do not fit in i64.
    let counts = one(
        "item_count",
        integers(&[Some(i64::MAX), Some(i64::MIN), Some(1)]),
    );
    let rows = |kind| run(&generic(kind, Some("item_count")), &counts).0.rows;
    assert_eq!(rows(range(Some("0.5"), Some("100.5"), true)), [0, 1]);

    let births = one(
        "birth_date",
        dates(&[Some("1899-12-31"), Some("1900-01-01"), Some("2030-01-01")]),
    );
    let (f, _) = run(
        &generic(
            range(Some("1900-01-01"), Some("2026-11-26"), true),
            Some("birth_date"),
        ),
        &births,
    );
    assert_eq!(f.rows, [0, 2]);
    let times = one(
        "t",
        timestamps(&[
            Some("2023-04-30 23:59:59.999"),
            Some("2023-05-01 00:00:00"),
            Some("2023-05-01 00:00:00.001"),
        ]),
    );
    let (f, _) = run(
        &generic(range(None, Some("2023-05-01"), true), Some("t")),
        &times,
    );
    assert_eq!(
        f.rows,
        [2],
        "a date bound on a timestamp is the start of that day"
    );

    let e = generic(range(Some("abc"), None, true), Some("amount"))
        .failing(&amounts, None)
        .unwrap_err();
    assert!(e.contains("expected a number"), "{e}");
}

#[test]
fn expression_is_true_fails_false_rows_not_unknown_ones() {
    let table = Table::new()
        .with(
            "first_purchase_date",
            timestamps(&[
                Some("2023-01-01 00:00:00"),
                Some("2023-02-01 00:00:00"),
                None,
                Some("2023-03-01 00:00:00"),
            ]),
        )
        .with(
            "last_purchase_date",
            timestamps(&[
                Some("2023-01-02 00:00:00"),
                Some("2023-01-01 00:00:00"),
                Some("2023-01-01 00:00:00"),
                Some("2023-03-01 00:00:00"),
            ]),
        );
    let test = generic(
        GenericKind::ExpressionIsTrue {
            expression: "first_purchase_date <= last_purchase_date".into(),
        },
        None,
    );
    let (f, checked) = run(&test, &table);
    assert_eq!(
        (f.failures, f.rows, checked),
        (1, vec![1], 4),
        "null compares as unknown: not a failure"
    );

    let nulls = generic(
        GenericKind::ExpressionIsTrue {
            expression: "first_purchase_date is not null and last_purchase_date >= '2023-01-02'"
                .into(),
        },
        None,
    );
    assert_eq!(run(&nulls, &table).0.rows, [1, 2]);
}

#[test]
fn where_tests_only_the_rows_it_selects() {
    let table = Table::new()
        .with(
            "category",
            text(&[
                Some("Books"),
                Some("Books"),
                None,
                Some("Beauty"),
                Some("Books"),
            ]),
        )
        .with(
            "amount",
            decimals(1, &[None, Some(10), None, None, Some(-5)]),
        );
    let config = |w: &str| TestConfig {
        where_: Some(Condition::parse(w).unwrap()),
        ..TestConfig::default()
    };
    let not_null = generic_with(
        GenericKind::NotNull,
        Some("amount"),
        config("category = 'Books'"),
    );
    let (f, checked) = run(&not_null, &table);
    assert_eq!(
        (f.failures, f.rows, checked),
        (1, vec![0], 3),
        "a null category is not 'Books'"
    );

    let range = generic_with(
        GenericKind::AcceptedRange {
            min_value: Some("0".into()),
            max_value: None,
            inclusive: true,
        },
        Some("amount"),
        config("category != 'Beauty' and amount is not null"),
    );
    let (f, checked) = run(&range, &table);
    assert_eq!((f.failures, f.rows, checked), (1, vec![4], 2));

    let unique = generic_with(
        GenericKind::Unique,
        Some("category"),
        config("amount is null"),
    );
    let (f, checked) = run(&unique, &table);
    assert_eq!(
        (f.failures, f.rows, checked),
        (0, vec![], 3),
        "one Books among the null amounts"
    );

    let wrong_type = generic_with(
        GenericKind::NotNull,
        Some("amount"),
        config("amount > 'abc'"),
    );
    let e = wrong_type.failing(&table, None).unwrap_err();
    assert!(
        e.starts_with("where:") && e.contains("expected a number"),
        "{e}"
    );
    let unknown = generic_with(GenericKind::NotNull, Some("amount"), config("price > 0"));
    assert!(unknown
        .failing(&table, None)
        .unwrap_err()
        .contains("no column named price"));
}

// --- The equivalent dbt SQL ----------------------------------------------------------------

#[test]
fn each_kind_renders_the_sql_that_selects_its_failing_rows() {
    let source = |kind, column: &str, config| GenericTest {
        node: "source.c360.web.transactions".into(),
        ..generic_with(kind, Some(column), config)
    };
    let filtered = TestConfig {
        where_: Some(Condition::parse("amount > 0").unwrap()),
        limit: Some(5),
        ..TestConfig::default()
    };
    let sql = source(GenericKind::Unique, "id", filtered.clone()).sql();
    for part in [
        "select id as unique_field, count(*) as n_records",
        "from {{ source('web', 'transactions') }}",
        "where id is not null and (amount > 0)",
        "group by id",
        "having count(*) > 1",
    ] {
        assert!(sql.contains(part), "{part:?} in\n{sql}");
    }
    assert!(sql.ends_with("\nlimit 5"), "{sql}");

    let sql = generic(GenericKind::NotNull, Some("id")).sql();
    assert_eq!(
        sql,
        "select *\nfrom {{ ref('customers') }}\nwhere id is null"
    );

    let values = |quote| GenericKind::AcceptedValues {
        values: vec!["Books".into(), "Kid's".into()],
        quote,
    };
    let sql = source(values(true), "category", filtered.clone()).sql();
    assert!(sql.contains("'Books',\n    'Kid''s'"), "{sql}");
    assert!(
        sql.contains("where (amount > 0)"),
        "the filter becomes the CTE's where: {sql}"
    );
    assert!(sql.contains("where value_field not in ("), "{sql}");
    let sql = source(values(false), "category", TestConfig::default()).sql();
    assert!(sql.contains("Books,\n    Kid's"), "{sql}");

    let sql = source(
        GenericKind::Relationships {
            to: "source.c360.salesforce.contacts".into(),
            field: "id".into(),
        },
        "contact_id",
        TestConfig::default(),
    )
    .sql();
    for part in [
        "select contact_id as from_field",
        "from {{ source('salesforce', 'contacts') }}",
        "select id as to_field",
        "left join parent on child.from_field = parent.to_field",
        "where parent.to_field is null",
    ] {
        assert!(sql.contains(part), "{part:?} in\n{sql}");
    }

    let range = |inclusive| GenericKind::AcceptedRange {
        min_value: Some("0".into()),
        max_value: Some("100".into()),
        inclusive,
    };
    assert!(source(range(true), "amount", TestConfig::default())
        .sql()
        .contains("where not (amount >= 0 and amount <= 100)"));
    assert!(source(range(false), "amount", TestConfig::default())
        .sql()
        .contains("where not (amount > 0 and amount < 100)"));

    let sql = source(
        GenericKind::ExpressionIsTrue {
            expression: "amount >= 0".into(),
        },
        "amount",
        filtered,
    )
    .sql();
    assert_eq!(
        sql,
        "select *\nfrom {{ source('web', 'transactions') }}\nwhere not (amount >= 0) and (amount > 0)\nlimit 5"
    );
}

// --- Status from failures and config -----------------------------------------------------------

#[test]
fn status_follows_dbts_severity_rules() {
    let config = |severity, warn_if, error_if| TestConfig {
        severity,
        warn_if,
        error_if,
        ..TestConfig::default()
    };
    use Severity::{Error, Warn};
    use TestStatus::{Fail, Pass, Warn as W};
    let cases = [
        // (severity, warn_if, error_if, failures, status)
        (Error, Threshold::Ne(0), Threshold::Ne(0), 0, Pass),
        (Error, Threshold::Ne(0), Threshold::Ne(0), 1, Fail),
        (Warn, Threshold::Ne(0), Threshold::Ne(0), 1, W),
        (Warn, Threshold::Ne(0), Threshold::Ne(0), 0, Pass),
        (Error, Threshold::Ne(0), Threshold::Gt(10), 10, W),
        (Error, Threshold::Ne(0), Threshold::Gt(10), 11, Fail),
        (Error, Threshold::Gt(5), Threshold::Gt(10), 5, Pass),
        (Error, Threshold::Ne(0), Threshold::Between(2, 4), 3, Fail),
        (Error, Threshold::Ne(0), Threshold::Between(2, 4), 5, W),
        (Error, Threshold::Ne(0), Threshold::Between(2, 4), 1, W),
        (Warn, Threshold::Gt(5), Threshold::Ne(0), 3, Pass),
        (Warn, Threshold::Gt(5), Threshold::Ne(0), 6, W),
        (Error, Threshold::Eq(0), Threshold::Eq(0), 0, Fail),
    ];
    for (severity, warn_if, error_if, failures, expected) in cases {
        assert_eq!(
            status_for(failures, &config(severity, warn_if, error_if)),
            expected,
            "{severity:?} warn_if {warn_if} error_if {error_if} with {failures}"
        );
    }
}

// --- Config fields through a build ------------------------------------------------------------

/// Rows of the seeds' transactions with an amount of 50 or more, counted here from the CSV.
fn seed_amounts_at_least_50(category: Option<&str>) -> usize {
    let csv = Csv::read(seed_path("transactions.csv"));
    let (amounts, categories) = (csv.column("amount"), csv.column("category"));
    amounts
        .iter()
        .zip(categories)
        .filter(|(_, c)| category.is_none_or(|want| *c == want))
        .filter(|(a, _)| dec(a).add(dec("-50")).units >= 0)
        .count()
}

fn seed_rows_in(category: &str) -> usize {
    Csv::read(seed_path("transactions.csv"))
        .column("category")
        .iter()
        .filter(|c| **c == category)
        .count()
}

/// The seeds built with one `amount < 50` test on the transactions source, configured by
/// `config` (a YAML flow mapping's entries).
fn amount_below_50(config: &str) -> RunOutput {
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &[&format!(
            "- expression_is_true: {{expression: \"< 50\", config: {{{config}}}}}"
        )],
    );
    build_seeds(&schema(&text))
}

#[test]
fn severity_error_fails_and_warn_warns() {
    let n = seed_amounts_at_least_50(None);
    assert!(n > 5, "the seeds have {n} amounts of 50 or more");
    let out = amount_below_50("severity: error");
    let t = only_generic(&out);
    assert_eq!(
        (t.status, t.failures, t.severity),
        (TestStatus::Fail, n, Severity::Error)
    );
    assert_eq!(
        t.message,
        format!("Got {n} results, configured to fail if != 0")
    );
    assert!(out.has_failures());

    let out = amount_below_50("severity: warn");
    let t = only_generic(&out);
    assert_eq!(
        (t.status, t.failures, t.severity),
        (TestStatus::Warn, n, Severity::Warn)
    );
    assert_eq!(
        t.message,
        format!("Got {n} results, configured to warn if != 0")
    );
    assert!(!out.has_failures());
}

#[test]
fn error_if_and_warn_if_decide_from_the_count() {
    let n = seed_amounts_at_least_50(None);
    let status = |config: &str| only_generic(&amount_below_50(config)).status;
    assert_eq!(status(&format!("error_if: \"> {n}\"")), TestStatus::Warn);
    assert_eq!(status(&format!("error_if: \">= {n}\"")), TestStatus::Fail);
    assert_eq!(
        status(&format!("error_if: \"between 1 and {n}\"")),
        TestStatus::Fail
    );
    assert_eq!(
        status(&format!("error_if: \"between {} and 1000\"", n + 1)),
        TestStatus::Warn
    );
    assert_eq!(
        status(&format!(
            "error_if: \"between {} and 1000\", warn_if: \"> {n}\"",
            n + 1
        )),
        TestStatus::Pass
    );
    assert_eq!(
        status(&format!("warn_if: \"> {n}\", error_if: \"> 1000\"")),
        TestStatus::Pass
    );
    assert_eq!(
        status("severity: warn, error_if: \"!= 0\", warn_if: \"> 1000\""),
        TestStatus::Pass
    );
    let out = amount_below_50(&format!("error_if: \"between 1 and {n}\""));
    assert_eq!(
        only_generic(&out).message,
        format!("Got {n} results, configured to fail if between 1 and {n}")
    );
    let out = amount_below_50(&format!("warn_if: \">= {n}\", error_if: \"> 1000\""));
    assert_eq!(
        only_generic(&out).message,
        format!("Got {n} results, configured to warn if >= {n}")
    );
}

#[test]
fn where_narrows_the_rows_checked_and_the_failures() {
    let books = seed_rows_in("Books");
    let failing = seed_amounts_at_least_50(Some("Books"));
    let out = amount_below_50("where: \"category = 'Books'\"");
    let t = only_generic(&out);
    assert_eq!(t.rows_checked, books);
    assert_eq!(t.failures, failing);
    assert!(cells(failing_rows(t), "category")
        .iter()
        .all(|c| c == "Books"));
    assert!(t.sql.contains("and (category = 'Books')"), "{}", t.sql);
    // Without the filter every row is checked.
    assert_eq!(
        only_generic(&amount_below_50("severity: error")).rows_checked,
        100
    );
}

#[test]
fn limit_caps_the_failures_counted_and_the_rows_kept() {
    let n = seed_amounts_at_least_50(None);
    let out = amount_below_50("limit: 3");
    let t = only_generic(&out);
    assert_eq!(t.failures, 3);
    assert_eq!(failing_rows(t).num_rows(), 3);
    assert_eq!(t.failing_rows_total, n);
    assert!(t.sql.ends_with("limit 3"));
    assert_eq!(t.message, "Got 3 results, configured to fail if != 0");
    let json = out.run_results();
    let entry = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unique_id"] == t.unique_id.as_str())
        .unwrap();
    assert_eq!(entry["failures"], 3);
    assert_eq!(entry["failing_rows"].as_array().unwrap().len(), 3);

    // A limit the count stays under changes nothing.
    let t = only_generic(&amount_below_50("limit: 1000")).clone();
    assert_eq!((t.failures, failing_rows(&t).num_rows()), (n, n));
    // `limit: 0` counts nothing, so nothing fails.
    assert_eq!(
        only_generic(&amount_below_50("limit: 0")).status,
        TestStatus::Pass
    );
}

#[test]
fn store_failures_false_keeps_no_rows_but_still_counts_them() {
    let n = seed_amounts_at_least_50(None);
    let out = amount_below_50("store_failures: false");
    let t = only_generic(&out);
    assert_eq!(
        (t.status, t.failures, t.failing_rows_total),
        (TestStatus::Fail, n, n)
    );
    assert!(t.failing_rows.is_none());
    let json = out.run_results();
    let entry = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unique_id"] == t.unique_id.as_str())
        .unwrap();
    assert!(entry.get("failing_rows").is_none(), "{entry}");
    assert_eq!(entry["failures"], n);
}

#[test]
fn without_a_limit_at_most_the_default_number_of_rows_is_kept() {
    let rows: Vec<String> = (0..DEFAULT_SHOWN_ROWS + 50)
        .map(|i| transaction("c1", &format!("t{i}"), "", "Books"))
        .collect();
    let text = source_column_tests("web", "transactions", "amount", &["- not_null"]);
    let out = build_with(
        sources(
            contacts_csv(&[contact("c1", "F", "1990-01-01")]),
            transactions_csv(&rows),
        ),
        &schema(&text),
        &config(),
    );
    let t = only_generic(&out);
    assert_eq!(t.failures, DEFAULT_SHOWN_ROWS + 50);
    assert_eq!(t.failing_rows_total, DEFAULT_SHOWN_ROWS + 50);
    assert_eq!(failing_rows(t).num_rows(), DEFAULT_SHOWN_ROWS);
    assert_eq!(cells(failing_rows(t), "id")[0], "t0", "in file order");
}

#[test]
fn a_test_that_cannot_run_is_an_error_not_a_failure() {
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- not_null: {where: \"amount > 'lots'\"}"],
    );
    let out = build_seeds(&schema(&text));
    let t = only_generic(&out);
    assert_eq!(t.status, TestStatus::Error);
    assert!(t.message.contains("expected a number"), "{}", t.message);
    assert!(t.failing_rows.is_none());
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- accepted_range: {min_value: zero}"],
    );
    let t = only_generic(&build_seeds(&schema(&text))).clone();
    assert_eq!(t.status, TestStatus::Error);
    assert!(t.message.contains("\"zero\""), "{}", t.message);
}

/// Bug: `RunOutput::has_failures` is documented as "`c360 build` / `c360 test` exit 1", but
/// the CLI also exits 1 for a severity-error test that could not run, and `has_failures` says
/// false for it.
#[test]
fn has_failures_agrees_with_the_cli_on_a_test_that_cannot_run() {
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- not_null: {where: \"amount > 'lots'\", severity: error}"],
    );
    let out = build_seeds(&schema(&text));
    assert_eq!(only_generic(&out).status, TestStatus::Error);
    assert!(out.has_failures(), "the CLI exits 1 for this run (see a_test_that_cannot_run_fails_the_cli_at_severity_error_only)");
}

/// Bug: `enabled` is accepted and ignored, so a test the file disables still runs — and a
/// disabled test at severity error still fails the build and skips what is downstream.
#[test]
fn a_disabled_test_does_not_run() {
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- accepted_range: {max_value: 50, config: {enabled: false}}"],
    );
    let out = build_seeds(&schema(&text));
    assert!(
        generic_results(&out).is_empty(),
        "{:?}",
        generic_results(&out)
    );
    assert!(!out.has_failures());
}

#[test]
fn generic_kinds_on_source_rows_with_nulls_and_unshared_text() {
    // username is stored without interning: unique's hash path over real ingestion.
    let contacts = contacts_csv(&[
        contact("c1", "F", "1990-01-01"),
        contact("c2", "", ""),
        contact("c3", "M", "1985-06-01"),
    ])
    .replace("user_c3", "user_c1");
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "10.0", "Books"),
        transaction("", "t2", "", ""),
        transaction("c9", "t3", "5.0", "Garden"),
    ]);
    let text = "version: 2\nsources:\n  - name: salesforce\n    tables:\n      - name: contacts\n        \
columns:\n          - name: username\n            data_tests: [unique]\n          - name: gender\n            \
data_tests:\n              - not_null\n              - accepted_values: {values: [F, M]}\n          - name: birthdate\n            \
data_tests:\n              - accepted_range: {min_value: \"1900-01-01\", max_value: \"1989-12-31\"}\n  - name: web\n    \
tables:\n      - name: transactions\n        columns:\n          - name: contact_id\n            data_tests:\n              \
- relationships: {to: \"source('salesforce', 'contacts')\", field: id}\n          - name: category\n            \
data_tests:\n              - accepted_values: {values: [Books]}\n          - name: amount\n            \
data_tests:\n              - not_null: {config: {where: \"category is not null\"}}\n";
    let out = build_with(sources(contacts, transactions), &schema(text), &config());
    let outcome = |id: &str| {
        let t = result(&out, id);
        (t.status, t.failures, t.rows_checked)
    };
    use TestStatus::{Fail, Pass};
    assert_eq!(
        outcome("test.c360.source_unique_salesforce_contacts_username"),
        (Fail, 1, 3)
    );
    assert_eq!(
        outcome("test.c360.source_not_null_salesforce_contacts_gender"),
        (Fail, 1, 3)
    );
    assert_eq!(
        outcome("test.c360.source_accepted_values_salesforce_contacts_gender"),
        (Pass, 0, 3)
    );
    assert_eq!(
        outcome("test.c360.source_accepted_range_salesforce_contacts_birthdate"),
        (Fail, 1, 3)
    );
    assert_eq!(
        outcome(
            "test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts"
        ),
        (Fail, 1, 3)
    );
    assert_eq!(
        outcome("test.c360.source_accepted_values_web_transactions_category"),
        (Fail, 1, 3)
    );
    assert_eq!(
        outcome("test.c360.source_not_null_web_transactions_amount"),
        (Pass, 0, 2)
    );
    let orphans = failing_rows(result(
        &out,
        "test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts",
    ));
    assert_eq!(cells(orphans, "contact_id"), ["c9"]);
    assert_eq!(
        cells(orphans, "nearest_existing_key"),
        ["c1"],
        "one edit away"
    );
}

// --- Singular tests on hand-built models -----------------------------------------------------

const ACCEPTED: [&str; 2] = ["Books", "Beauty"];

/// One hand-written `customers` row; amounts in tenths.
#[derive(Clone)]
struct CustomerRow {
    id: Option<&'static str>,
    total: Option<i64>,
    first: Option<&'static str>,
    last: Option<&'static str>,
    books: Option<i64>,
    beauty: Option<i64>,
    other: Option<i64>,
}

/// The joined model: (contact id, category, amount in tenths, transaction_date).
type JoinedRow = (Option<&'static str>, &'static str, i64, &'static str);

const JOINED: [JoinedRow; 5] = [
    (Some("c1"), "Books", 100, "2023-04-01 10:00:00"),
    (Some("c1"), "Beauty", 50, "2023-04-03 10:00:00"),
    (Some("c2"), "Kitchen", 25, "2023-04-02 10:00:00"),
    (Some("c2"), "Books", 10, "2023-04-05 10:00:00"),
    // A left join's orphan: no customer.
    (None, "Books", 999, "2023-04-04 10:00:00"),
];

fn good_customers() -> Vec<CustomerRow> {
    vec![
        CustomerRow {
            id: Some("c1"),
            total: Some(150),
            first: Some("2023-04-01 10:00:00"),
            last: Some("2023-04-03 10:00:00"),
            books: Some(100),
            beauty: Some(50),
            other: Some(0),
        },
        CustomerRow {
            id: Some("c2"),
            total: Some(35),
            first: Some("2023-04-02 10:00:00"),
            last: Some("2023-04-05 10:00:00"),
            books: Some(10),
            beauty: Some(0),
            other: Some(25),
        },
    ]
}

fn customers_table(rows: &[CustomerRow]) -> Table {
    let col = |f: &dyn Fn(&CustomerRow) -> Option<i64>| {
        decimals(1, &rows.iter().map(f).collect::<Vec<_>>())
    };
    Table::new()
        .with("id", text(&rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .with("total_expense", col(&|r| r.total))
        .with(
            "first_purchase_date",
            timestamps(&rows.iter().map(|r| r.first).collect::<Vec<_>>()),
        )
        .with(
            "last_purchase_date",
            timestamps(&rows.iter().map(|r| r.last).collect::<Vec<_>>()),
        )
        .with("books_amount", col(&|r| r.books))
        .with("beauty_amount", col(&|r| r.beauty))
        .with("other_amount", col(&|r| r.other))
}

fn joined_table(rows: &[JoinedRow]) -> Table {
    Table::new()
        .with("id", text(&rows.iter().map(|r| r.0).collect::<Vec<_>>()))
        .with(
            "category",
            text(&rows.iter().map(|r| Some(r.1)).collect::<Vec<_>>()),
        )
        .with(
            "amount",
            decimals(1, &rows.iter().map(|r| Some(r.2)).collect::<Vec<_>>()),
        )
        .with(
            "transaction_date",
            timestamps(&rows.iter().map(|r| Some(r.3)).collect::<Vec<_>>()),
        )
}

/// Runs the singular test `name` on the given models: its failing rows and rows checked.
fn singular(name: &str, customers: &Table, joined: &Table) -> Result<(Table, usize), String> {
    let test = SINGULAR_TESTS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no singular test {name}"));
    let accepted: Vec<String> = ACCEPTED.map(String::from).to_vec();
    let get = |model: &str| match model {
        "customers" => Some(customers),
        "contacts_joined_with_transactions" => Some(joined),
        _ => None,
    };
    (test.check)(&Models {
        get: &get,
        accepted_categories: &accepted,
    })
}

fn failing_singular(name: &str, customers: &[CustomerRow]) -> Table {
    singular(name, &customers_table(customers), &joined_table(&JOINED))
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

const SUM: &str = "assert_customer_category_amounts_sum_to_total_expense";
const CATEGORY_TOTALS: &str = "assert_category_amounts_match_joined_spend";
const DATES: &str = "assert_purchase_dates_match_transactions";
const ONE_ROW: &str = "assert_one_customer_per_joined_contact";

#[test]
fn the_singular_tests_are_the_four_the_issue_asks_for() {
    let names: Vec<&str> = SINGULAR_TESTS.iter().map(|t| t.name).collect();
    assert_eq!(names, [SUM, CATEGORY_TOTALS, DATES, ONE_ROW]);
    for t in SINGULAR_TESTS {
        assert!(t.depends_on.contains(&"customers"), "{}", t.name);
        assert!(!t.description.is_empty());
    }
}

#[test]
fn the_singular_tests_pass_on_consistent_models() {
    for (name, checked) in [(SUM, 2), (CATEGORY_TOTALS, 3), (DATES, 2), (ONE_ROW, 2)] {
        let (failing, rows) = singular(
            name,
            &customers_table(&good_customers()),
            &joined_table(&JOINED),
        )
        .unwrap();
        assert_eq!(
            failing.num_rows(),
            0,
            "{name}: {:?}",
            failing.to_json_rows()
        );
        assert_eq!(rows, checked, "{name}");
    }
}

#[test]
fn category_columns_that_do_not_sum_to_total_expense_fail() {
    let mut rows = good_customers();
    rows[0].total = Some(160);
    let failing = failing_singular(SUM, &rows);
    assert_eq!(cells(&failing, "id"), ["c1"]);
    assert_eq!(cells(&failing, "total_expense"), ["16.0"]);
    assert_eq!(cells(&failing, "category_sum"), ["15.0"]);

    let mut rows = good_customers();
    rows[1].other = None; // Kitchen's 2.5 lost
    assert_eq!(cells(&failing_singular(SUM, &rows), "id"), ["c2"]);
    // As in the SQL (`where total_expense != …`), a null total compares as unknown.
    let mut rows = good_customers();
    rows[1].total = None;
    assert_eq!(failing_singular(SUM, &rows).num_rows(), 0);
}

#[test]
fn category_totals_that_differ_from_the_joined_spend_fail() {
    let mut rows = good_customers();
    rows[1].books = Some(20);
    rows[1].total = Some(45); // the per-customer sum still holds
    assert_eq!(failing_singular(SUM, &rows).num_rows(), 0);
    let failing = failing_singular(CATEGORY_TOTALS, &rows);
    assert_eq!(cells(&failing, "category"), ["Books"]);
    assert_eq!(cells(&failing, "customers_total"), ["12.0"]);
    assert_eq!(
        cells(&failing, "joined_total"),
        ["11.0"],
        "the orphan's 99.9 belongs to no one"
    );

    let mut rows = good_customers();
    rows[1].other = Some(0);
    rows[1].beauty = Some(25); // Kitchen counted as Beauty
    let failing = failing_singular(CATEGORY_TOTALS, &rows);
    assert_eq!(cells(&failing, "category"), ["Beauty", "(other)"]);
}

#[test]
fn purchase_dates_out_of_order_or_not_the_min_and_max_fail() {
    let mut rows = good_customers();
    let c1 = &mut rows[0];
    std::mem::swap(&mut c1.first, &mut c1.last);
    let failing = failing_singular(DATES, &rows);
    assert_eq!(cells(&failing, "id"), ["c1"]);
    assert_eq!(
        cells(&failing, "min_transaction_date"),
        ["2023-04-01 10:00:00.000"]
    );
    assert_eq!(
        cells(&failing, "max_transaction_date"),
        ["2023-04-03 10:00:00.000"]
    );

    let mut rows = good_customers();
    rows[1].last = Some("2023-04-04 10:00:00"); // ordered, but not the max
    assert_eq!(cells(&failing_singular(DATES, &rows), "id"), ["c2"]);
    let mut rows = good_customers();
    rows[1].first = None;
    assert_eq!(cells(&failing_singular(DATES, &rows), "id"), ["c2"]);
}

#[test]
fn customers_that_are_not_one_row_per_joined_contact_fail() {
    let mut rows = good_customers();
    rows.push(rows[0].clone());
    let failing = failing_singular(ONE_ROW, &rows);
    assert_eq!(cells(&failing, "id"), ["c1"]);
    assert_eq!(cells(&failing, "customer_rows"), ["2"]);
    assert_eq!(cells(&failing, "in_joined"), ["true"]);

    let rows = vec![good_customers()[0].clone()];
    let failing = failing_singular(ONE_ROW, &rows);
    assert_eq!(
        (cells(&failing, "id"), cells(&failing, "customer_rows")),
        (vec!["c2".to_string()], vec!["0".to_string()])
    );

    let mut rows = good_customers();
    rows.push(CustomerRow {
        id: Some("c9"),
        ..rows[0].clone()
    });
    let failing = failing_singular(ONE_ROW, &rows);
    assert_eq!(cells(&failing, "id"), ["c9"]);
    assert_eq!(cells(&failing, "in_joined"), ["false"]);

    let mut rows = good_customers();
    rows.push(CustomerRow {
        id: None,
        ..rows[0].clone()
    });
    let failing = failing_singular(ONE_ROW, &rows);
    assert_eq!(cells(&failing, "id"), [""], "a null id is reported too");
}

#[test]
fn a_singular_test_without_its_models_or_columns_says_what_is_missing() {
    let joined = joined_table(&JOINED);
    let e = singular(SUM, &Table::new().with("id", text(&[Some("c1")])), &joined).unwrap_err();
    assert!(e.contains("total_expense"), "{e}");
    let test = SINGULAR_TESTS.iter().find(|t| t.name == DATES).unwrap();
    let none = |_: &str| None;
    let e = (test.check)(&Models {
        get: &none,
        accepted_categories: &[],
    })
    .unwrap_err();
    assert!(e.contains("customers"), "{e}");
}

#[test]
fn singular_sql_names_every_category_column() {
    let accepted: Vec<String> = vec!["Books".into(), "Kid's Toys".into()];
    let sum = SINGULAR_TESTS.iter().find(|t| t.name == SUM).unwrap();
    let sql = (sum.sql)(&accepted);
    assert!(
        sql.contains("books_amount + kid_s_toys_amount + other_amount"),
        "{sql}"
    );
    let totals = SINGULAR_TESTS
        .iter()
        .find(|t| t.name == CATEGORY_TOTALS)
        .unwrap();
    let sql = (totals.sql)(&accepted);
    assert!(sql.contains("select 'Kid''s Toys' as category"), "{sql}");
    assert!(sql.contains("sum(kid_s_toys_amount)"), "{sql}");
}

// --- Macro tests ----------------------------------------------------------------------------

#[test]
fn the_macro_tests_cover_the_issues_cases_and_pass() {
    let names: Vec<&str> = MACRO_TESTS.iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        ["test_macro_age_in_years", "test_macro_parse_timestamp"]
    );
    let age = macros::all_cases(&MACRO_TESTS[0]);
    let case = |table: &Table, name: &str| -> (String, String) {
        let r = cells(table, "case")
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no case {name:?}"));
        (
            cells(table, "expected")[r].clone(),
            cells(table, "actual")[r].clone(),
        )
    };
    for (name, expected) in [
        ("birthday today", "36"),
        ("the day before the birthday", "35"),
        ("29 Feb birth on 28 Feb of a non-leap year", "22"),
        ("29 Feb birth on 1 Mar of a non-leap year", "23"),
        ("born after the as-of date", "null"),
    ] {
        assert_eq!(
            case(&age, name),
            (expected.to_string(), expected.to_string()),
            "{name}"
        );
    }
    let stamps = macros::all_cases(&MACRO_TESTS[1]);
    assert_eq!(
        case(&stamps, "millisecond precision").1,
        "2023-05-09 10:05:28.875"
    );
    assert_eq!(
        case(&stamps, "missing milliseconds").1,
        "2023-04-15 09:57:19.000"
    );
    assert!(case(&stamps, "an invalid date").1.starts_with("error"));
    assert!(case(&stamps, "trailing garbage").1.starts_with("error"));
    for t in MACRO_TESTS {
        let (failing, cases) = macros::run(t);
        assert_eq!(failing.num_rows(), 0, "{}", t.name);
        assert!(cases >= 6);
    }
}

#[test]
fn the_macros_agree_with_the_engine_functions_they_name() {
    assert_eq!(age_in_years(date("2000-02-29"), date("2023-02-28")), Ok(22));
    assert_eq!(age_in_years(date("2000-02-29"), date("2023-03-01")), Ok(23));
    assert_eq!(age_in_years(date("1990-11-26"), date("2026-11-26")), Ok(36));
    assert_eq!(age_in_years(date("1990-11-27"), date("2026-11-26")), Ok(35));
    assert!(age_in_years(date("2030-01-01"), date("2026-11-26")).is_err());
    assert_eq!(
        format_timestamp(ts("2023-04-15 09:57:19")),
        "2023-04-15 09:57:19.000"
    );
    assert!(parse_timestamp(b"2023-02-30 10:00:00.000").is_err());
    assert!(parse_timestamp(b"2023-05-09 10:05:28.875abc").is_err());
}

fn one_wrong_case() -> Vec<(&'static str, String, String, String)> {
    vec![
        ("right", "in 1".into(), "1".into(), "1".into()),
        ("wrong", "in 2".into(), "2".into(), "3".into()),
    ]
}

#[test]
fn a_macro_case_that_disagrees_is_a_failing_row() {
    let test = MacroTest {
        name: "test_macro_demo",
        description: "demo",
        sql: "select 1",
        cases: one_wrong_case,
    };
    let (failing, cases) = macros::run(&test);
    assert_eq!(cases, 2);
    assert_eq!(cells(&failing, "case"), ["wrong"]);
    assert_eq!(cells(&failing, "expected"), ["2"]);
    assert_eq!(cells(&failing, "actual"), ["3"]);
}

// --- A build: order, statuses, skips -------------------------------------------------------------

#[test]
fn the_shipped_defaults_complete_on_the_demo_with_source_tests_warning() {
    let out = build_seeds(&Schema::default_schema());
    assert!(!out.has_failures());
    assert_eq!(
        with_status(&out, TestStatus::Warn),
        [SOURCE_UNIQUE_CONTACT_ID, SOURCE_RELATIONSHIPS_CONTACT_ID]
    );
    assert!(with_status(&out, TestStatus::Fail).is_empty());
    assert!(with_status(&out, TestStatus::Error).is_empty());
    assert!(with_status(&out, TestStatus::Skipped).is_empty());
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
    // Every model test, singular and macro test passes.
    let passing = with_status(&out, TestStatus::Pass);
    for t in &out.tests {
        if !t.unique_id.starts_with("test.c360.source_") {
            assert!(
                passing.contains(&t.unique_id.as_str()),
                "{} is {:?}",
                t.unique_id,
                t.status
            );
        }
    }
    // Macro tests, the schema's generic tests (13 on the exercise's nodes, 16 on the
    // dashboards' marts), the singular tests.
    assert_eq!(out.tests.len(), 2 + 13 + 16 + 4);

    let dup = result(&out, SOURCE_UNIQUE_CONTACT_ID);
    assert_eq!((dup.failures, dup.rows_checked), (1, 12));
    assert_eq!(
        cells(failing_rows(dup), "id"),
        [SEED_DUPLICATE_ID, SEED_DUPLICATE_ID]
    );
    let orphan = result(&out, SOURCE_RELATIONSHIPS_CONTACT_ID);
    assert_eq!((orphan.failures, orphan.rows_checked), (1, 100));
    let rows = failing_rows(orphan);
    assert_eq!(cells(rows, "contact_id"), [SEED_ORPHAN_CONTACT_ID]);
    assert_eq!(cells(rows, "id"), [SEED_ORPHAN_TRANSACTION_ID]);
    assert_eq!(
        cells(rows, "nearest_existing_key"),
        [SEED_ORPHAN_NEAREST_ID]
    );
    assert_eq!(orphan.message, "Got 1 result, configured to warn if != 0");
    let line = DEFAULT_SCHEMA
        .lines()
        .position(|l| l.contains("- relationships:"))
        .unwrap()
        + 1;
    assert_eq!(orphan.line, Some(line));
}

#[test]
fn every_result_carries_failures_rows_checked_and_execution_time() {
    let out = build_seeds(&Schema::default_schema());
    for t in &out.tests {
        assert!(
            t.execution_time >= 0.0 && t.execution_time < 10.0,
            "{}",
            t.unique_id
        );
        assert!(t.rows_checked > 0, "{} checked no rows", t.unique_id);
        assert!(
            !t.sql.is_empty() && !t.description.is_empty(),
            "{}",
            t.unique_id
        );
        assert!(
            t.message.starts_with("Got "),
            "{}: {}",
            t.unique_id,
            t.message
        );
    }
    for id in SINGULAR {
        let t = result(&out, id);
        assert_eq!(
            (t.test_kind.as_str(), t.severity, t.line),
            ("singular", Severity::Error, None)
        );
        assert_eq!(
            t.rows_checked,
            if id == SINGULAR[1] { 8 } else { 10 },
            "{id}"
        );
    }
    for id in MACROS {
        let t = result(&out, id);
        assert_eq!(
            (t.test_kind.as_str(), t.status, t.attached_node.as_deref()),
            ("macro", TestStatus::Pass, None)
        );
    }
}

#[test]
fn a_build_runs_macros_then_each_node_followed_by_its_tests() {
    let out = build_seeds(&Schema::default_schema());
    let describe = |s: &Step| match *s {
        Step::Node(n) => out.nodes[n].node.unique_id.clone(),
        Step::Test(t) => out.tests[t].unique_id.clone(),
    };
    let order: Vec<String> = out.steps.iter().map(describe).collect();
    assert_eq!(
        order.len(),
        out.nodes.len() + out.tests.len(),
        "every node and test once"
    );
    let at = |id: &str| {
        order
            .iter()
            .position(|s| s == id)
            .unwrap_or_else(|| panic!("{id} not in {order:#?}"))
    };
    assert_eq!(&order[..2], MACROS.map(String::from));
    assert_eq!(order[2], "source.c360.salesforce.contacts");
    assert_eq!(order[3], SOURCE_UNIQUE_CONTACT_ID);
    // Each test right after the last node it reads.
    assert!(at(SOURCE_RELATIONSHIPS_CONTACT_ID) > at("source.c360.web.transactions"));
    assert!(at(SOURCE_RELATIONSHIPS_CONTACT_ID) < at("model.c360.stg_sf__contacts"));
    assert!(at("test.c360.unique_customers_id") > at("model.c360.customers"));
    for id in SINGULAR {
        assert!(
            at(id) > at("model.c360.customers") && at(id) < at("model.c360.category"),
            "{id}"
        );
    }
    // Nodes keep the DAG's order.
    let nodes: Vec<&String> = order.iter().filter(|s| !s.starts_with("test.")).collect();
    let dag: Vec<&String> = out.nodes.iter().map(|n| &n.node.unique_id).collect();
    assert_eq!(nodes, dag);
}

/// The seeds with the exercise's six accepted categories at `severity`.
fn six_categories(severity: &str) -> RunOutput {
    let text = six_categories_text(severity);
    let s = schema(&text);
    assert_eq!(
        s.accepted_categories.as_deref().unwrap(),
        EXERCISE_SIX.map(String::from)
    );
    build_seeds(&s)
}

#[test]
fn an_error_failure_on_a_source_skips_everything_downstream_with_the_reason() {
    let out = six_categories("error");
    let failed = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!((failed.status, failed.failures), (TestStatus::Fail, 1));
    assert_eq!(cells(failing_rows(failed), "category"), ["Kitchen"]);
    assert!(out.has_failures());

    assert_eq!(
        node_status(&out, "model.c360.stg_sf__contacts"),
        NodeStatus::Success
    );
    let reason = |id: &str| out.node(id).unwrap().result.message.clone();
    assert_eq!(
        node_status(&out, "model.c360.stg_web__transactions"),
        NodeStatus::Skipped
    );
    assert_eq!(
        reason("model.c360.stg_web__transactions"),
        "skipped: upstream test source_accepted_values_web_transactions_category failed"
    );
    for id in &MODEL_IDS[2..] {
        assert_eq!(node_status(&out, id), NodeStatus::Skipped, "{id}");
        assert!(
            reason(id).starts_with("skipped: upstream "),
            "{id}: {}",
            reason(id)
        );
        let node = out.node(id).unwrap();
        assert_eq!((node.result.rows, node.table.num_rows()), (0, 0));
    }
    assert_eq!(
        reason("model.c360.contacts_joined_with_transactions"),
        "skipped: upstream stg_web__transactions"
    );
    // Tests of skipped models are skipped, keep no rows, and say why.
    for id in [
        "test.c360.unique_contacts_joined_with_transactions_transaction_id",
        "test.c360.unique_customers_id",
        SINGULAR[0],
        SINGULAR[3],
    ] {
        let t = result(&out, id);
        assert_eq!(t.status, TestStatus::Skipped, "{id}");
        assert!(
            t.message.starts_with("skipped: ") && t.message.ends_with(" was not built"),
            "{}",
            t.message
        );
        assert!(t.failing_rows.is_none());
        assert_eq!((t.failures, t.rows_checked), (0, 0));
    }
    assert_eq!(
        status_of(&out, "test.c360.unique_stg_sf__contacts_id"),
        TestStatus::Pass
    );
    assert_eq!(
        status_of(&out, SOURCE_RELATIONSHIPS_CONTACT_ID),
        TestStatus::Warn
    );
}

#[test]
fn a_warn_failure_lets_the_build_go_on() {
    let out = six_categories("warn");
    let t = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!((t.status, t.failures), (TestStatus::Warn, 1));
    assert!(!out.has_failures());
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
    assert!(with_status(&out, TestStatus::Skipped).is_empty());
    // Kitchen is outside the list: counted in other_amount, and the singular tests agree.
    let customers = out.model("customers").unwrap();
    assert!(customers.column("kitchen_amount").is_none());
    for id in SINGULAR {
        assert_eq!(status_of(&out, id), TestStatus::Pass, "{id}");
    }
}

#[test]
fn an_error_failure_on_a_model_skips_only_what_is_downstream_of_it() {
    let text = shipped_plus_models(
        "  - name: stg_web__transactions\n    columns:\n      - name: amount\n        data_tests:\n          \
- accepted_range: {max_value: 50}\n",
    );
    let out = build_seeds(&schema(&text));
    assert_eq!(
        status_of(
            &out,
            "test.c360.accepted_range_stg_web__transactions_amount"
        ),
        TestStatus::Fail
    );
    assert_eq!(
        node_status(&out, "model.c360.stg_web__transactions"),
        NodeStatus::Success
    );
    assert_eq!(
        node_status(&out, "model.c360.stg_sf__contacts"),
        NodeStatus::Success
    );
    for id in &MODEL_IDS[2..] {
        assert_eq!(node_status(&out, id), NodeStatus::Skipped, "{id}");
    }
    assert_eq!(
        out.node("model.c360.contacts_joined_with_transactions")
            .unwrap()
            .result
            .message,
        "skipped: upstream test accepted_range_stg_web__transactions_amount failed"
    );

    // A failure on customers skips nothing else: category and the dashboards' marts do not
    // read customers.
    let text = shipped_plus_models(
        "  - name: customers\n    data_tests:\n      - expression_is_true:\n          expression: \"total_expense < 10\"\n",
    );
    let out = build_seeds(&schema(&text));
    assert_eq!(
        status_of(&out, "test.c360.expression_is_true_customers"),
        TestStatus::Fail
    );
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
    assert!(with_status(&out, TestStatus::Skipped).is_empty());
}

#[test]
fn with_no_schema_tests_a_build_runs_the_models_only() {
    let out = build_seeds(&Schema::empty());
    assert!(
        out.tests.is_empty(),
        "run() is the models alone, like dbt run"
    );
    assert!(out.freshness.is_empty());
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
}

// --- run_results.json ------------------------------------------------------------------------

#[test]
fn run_results_has_every_node_and_test_with_dbts_fields() {
    let out = six_categories("error");
    let json = out.run_results();
    assert_eq!(json["metadata"]["as_of"], AS_OF);
    assert_eq!(
        json["metadata"]["accepted_categories"],
        serde_json::json!(EXERCISE_SIX)
    );
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), out.nodes.len() + out.tests.len());
    for r in results {
        let id = r["unique_id"].as_str().unwrap();
        assert!(r["status"].is_string() && r["message"].is_string(), "{r}");
        assert!(
            r["execution_time"].as_f64().is_some_and(|t| t >= 0.0),
            "{r}"
        );
        if id.starts_with("test.") {
            for key in [
                "failures",
                "rows_checked",
                "sql",
                "severity",
                "test_kind",
                "failing_rows_total",
            ] {
                assert!(r.get(key).is_some(), "{id} lacks {key}: {r}");
            }
        }
    }
    let failed = json_result(&json, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!(failed["status"], "fail");
    assert_eq!(failed["failures"], 1);
    assert_eq!(failed["severity"], "error");
    assert_eq!(
        failed["message"],
        "Got 1 result, configured to fail if != 0"
    );
    assert_eq!(failed["failing_rows"][0]["category"], "Kitchen");
    assert_eq!(failed["failing_rows"].as_array().unwrap().len(), 1);
    let skipped = json_result(&json, "test.c360.unique_customers_id");
    assert_eq!(skipped["status"], "skipped");
    assert!(skipped.get("failing_rows").is_none());
    assert_eq!(
        json_result(&json, "model.c360.customers")["status"],
        "skipped"
    );
    assert_eq!(
        json_result(&json, "model.c360.stg_sf__contacts")["status"],
        "success"
    );
    assert_eq!(
        json_result(&json, SOURCE_RELATIONSHIPS_CONTACT_ID)["status"],
        "warn"
    );
    assert_eq!(json_result(&json, MACROS[0])["status"], "pass");
    assert_eq!(json["freshness"][0]["status"], "error");
}

// --- The binary: c360 build and c360 test ---------------------------------------------------------

#[test]
fn c360_build_with_the_shipped_schema_exits_0_despite_warnings_and_stale_data() {
    let tmp = crate::util::tempdir();
    let out = c360_seeds("build", &[], tmp.path());
    assert_exit(&out, 0);
    let log = stdout(&out);
    assert!(log.contains("WARN=2 FAIL=0 ERROR=0 SKIP=0"), "{log}");
    assert!(
        log.contains("WARN source_unique_salesforce_contacts_id"),
        "{log}"
    );
    assert!(
        log.contains(SEED_ORPHAN_NEAREST_ID),
        "the nearest key is shown: {log}"
    );
    assert!(
        log.contains("last loaded 3 years 6 months ago: error after 2 days"),
        "{log}"
    );
    let json = json(&tmp.path().join("out/run_results.json"));
    let t = json_result(&json, SOURCE_UNIQUE_CONTACT_ID);
    assert_eq!(
        (t["status"].as_str(), t["failures"].as_u64()),
        (Some("warn"), Some(1))
    );
    assert_eq!(t["failing_rows"].as_array().unwrap().len(), 2);
    assert!(t["execution_time"].is_number());
    for model in ["customers", "category"] {
        assert!(tmp.path().join(format!("out/{model}.csv")).is_file());
    }
}

#[test]
fn c360_build_exits_1_when_an_error_test_fails_and_writes_no_skipped_model() {
    let tmp = crate::util::tempdir();
    let schema = crate::util::read(schema_fixture("exercise_done_when.yml"));
    let path = write_file(tmp.path(), "strict.yml", &schema);
    let out = c360_seeds("build", &["--schema", &path], tmp.path());
    assert_exit(&out, 1);
    let log = stdout(&out);
    assert!(
        log.contains("FAIL source_unique_salesforce_contacts_id"),
        "{log}"
    );
    assert!(log.contains("SKIP model customers"), "{log}");
    let dir = tmp.path().join("out");
    let json = json(&dir.join("run_results.json"));
    assert_eq!(
        json_result(&json, SOURCE_UNIQUE_CONTACT_ID)["status"],
        "fail"
    );
    assert_eq!(
        json_result(&json, SOURCE_ACCEPTED_CATEGORY)["status"],
        "fail"
    );
    for model in [
        "stg_sf__contacts",
        "stg_web__transactions",
        "customers",
        "category",
    ] {
        assert!(
            !dir.join(format!("{model}.csv")).exists(),
            "{model}.csv was written"
        );
    }
}

#[test]
fn c360_test_runs_the_tests_only_and_exits_like_build() {
    let tmp = crate::util::tempdir();
    let out = c360_seeds("test", &[], tmp.path());
    assert_exit(&out, 0);
    let log = stdout(&out);
    assert!(
        !log.contains(" model customers"),
        "test lists tests only: {log}"
    );
    assert!(log.contains("PASS unique_customers_id"), "{log}");
    let files: Vec<String> = std::fs::read_dir(tmp.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["run_results.json"]);

    let strict = write_file(
        tmp.path(),
        "strict.yml",
        &crate::util::read(schema_fixture("exercise_done_when.yml")),
    );
    let out = c360_seeds("test", &["--schema", &strict], tmp.path());
    assert_exit(&out, 1);
    let json = json(&tmp.path().join("out/run_results.json"));
    assert_eq!(
        json_result(&json, "test.c360.unique_customers_id")["status"],
        "skipped"
    );
}

#[test]
fn a_test_that_cannot_run_fails_the_cli_at_severity_error_only() {
    let tmp = crate::util::tempdir();
    for (severity, code) in [("error", 1), ("warn", 0)] {
        let text = source_column_tests(
            "web",
            "transactions",
            "amount",
            &[&format!(
                "- not_null: {{where: \"amount > 'lots'\", severity: {severity}}}"
            )],
        );
        let path = write_file(tmp.path(), "s.yml", &text);
        let out = c360_seeds("test", &["--schema", &path], tmp.path());
        assert_exit(&out, code);
        assert!(stdout(&out).contains("ERROR=1"), "{}", stdout(&out));
    }
}

#[test]
fn limit_and_store_failures_reach_run_results_json() {
    let tmp = crate::util::tempdir();
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &[
            "- expression_is_true: {expression: \"< 50\", config: {limit: 2, severity: warn}}",
            "- accepted_range: {max_value: 50, config: {store_failures: false, severity: warn}}",
        ],
    );
    let path = write_file(tmp.path(), "s.yml", &text);
    let out = c360_seeds("build", &["--schema", &path], tmp.path());
    assert_exit(&out, 0);
    let json = json(&tmp.path().join("out/run_results.json"));
    let limited = json_result(
        &json,
        "test.c360.source_expression_is_true_web_transactions_amount",
    );
    assert_eq!(limited["failures"], 2);
    assert_eq!(limited["failing_rows"].as_array().unwrap().len(), 2);
    assert_eq!(
        limited["failing_rows_total"],
        seed_amounts_at_least_50(None)
    );
    let unstored = json_result(
        &json,
        "test.c360.source_accepted_range_web_transactions_amount",
    );
    assert!(unstored.get("failing_rows").is_none(), "{unstored}");
    assert!(unstored["failures"].as_u64().unwrap() > 0);
}

#[test]
fn an_invalid_schema_file_exits_2_naming_the_file_and_line_and_writes_nothing() {
    let tmp = crate::util::tempdir();
    let text = model_column_tests("customers", "id", &["- unique", "- uniq"]);
    let path = write_file(tmp.path(), "bad.yml", &text);
    for command in ["build", "test", "freshness"] {
        let out = c360_seeds(command, &["--schema", &path], tmp.path());
        assert_exit(&out, 2);
        let message = stderr(&out);
        assert!(message.contains("bad.yml"), "{command}: {message}");
        assert!(message.contains("line 8, column"), "{command}: {message}");
        assert!(
            message.contains("unknown test `uniq`"),
            "{command}: {message}"
        );
        assert!(
            !tmp.path().join("out").exists(),
            "{command} wrote something"
        );
    }
    let syntax = write_file(tmp.path(), "syntax.yml", "version: 2\nmodels: [\n");
    let out = c360_seeds("build", &["--schema", &syntax], tmp.path());
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("syntax.yml"), "{}", stderr(&out));
    let out = c360_seeds("build", &["--schema", "no-such-schema.yml"], tmp.path());
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no-such-schema.yml"),
        "{}",
        stderr(&out)
    );
    assert!(!tmp.path().join("out").exists());
}

// --- The issue's "done when", on the exercise's own files -----------------------------------------

#[test]
fn done_when_the_strict_schema_fails_two_source_tests_and_skips_everything_downstream() {
    let Some(dir) = exercise_dir() else { return };
    let strict = schema(&crate::util::read(schema_fixture("exercise_done_when.yml")));
    let out = build_with(exercise_sources(&dir), &strict, &config());

    let unique = result(&out, SOURCE_UNIQUE_CONTACT_ID);
    assert_eq!((unique.status, unique.failures), (TestStatus::Fail, 1));
    let ids = cells(failing_rows(unique), "id");
    assert_eq!(ids.len(), 2, "both rows of the one repeated id");
    assert_eq!(ids[0], ids[1]);
    let categories = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!(
        (categories.status, categories.failures),
        (TestStatus::Fail, 1)
    );
    assert_eq!(cells(failing_rows(categories), "category"), ["Kitchen"]);
    assert_eq!(
        with_status(&out, TestStatus::Fail),
        [SOURCE_UNIQUE_CONTACT_ID, SOURCE_ACCEPTED_CATEGORY]
    );

    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Skipped, "{id}");
    }
    for t in &out.tests {
        let on_a_model = t
            .attached_node
            .as_deref()
            .is_some_and(|n| n.starts_with("model."));
        if on_a_model {
            assert_eq!(t.status, TestStatus::Skipped, "{}", t.unique_id);
        }
    }
    assert!(out.has_failures());
}

#[test]
fn done_when_the_shipped_schema_completes_on_the_exercise() {
    let Some(dir) = exercise_dir() else { return };
    let out = build_with(exercise_sources(&dir), &Schema::default_schema(), &config());
    assert!(!out.has_failures());
    assert_eq!(
        with_status(&out, TestStatus::Warn),
        [SOURCE_UNIQUE_CONTACT_ID, SOURCE_RELATIONSHIPS_CONTACT_ID]
    );
    for t in &out.tests {
        if !t.unique_id.starts_with("test.c360.source_") {
            assert_eq!(t.status, TestStatus::Pass, "{}", t.unique_id);
        }
    }
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
    assert_eq!(out.model("customers").unwrap().num_rows(), 9);
    let orphan = failing_rows(result(&out, SOURCE_RELATIONSHIPS_CONTACT_ID));
    assert_eq!(
        cells(orphan, "contact_id"),
        [P1_TYPO],
        "the exercise's near-miss typo"
    );
    assert_eq!(cells(orphan, "nearest_existing_key"), [P1]);
}

#[test]
fn done_when_on_the_command_line() {
    let Some(dir) = exercise_dir() else { return };
    let tmp = crate::util::tempdir();
    let contacts = dir.join("contacts.csv").display().to_string();
    let transactions = dir.join("transactions.csv").display().to_string();
    let fixture = schema_fixture("exercise_done_when.yml")
        .display()
        .to_string();
    let args = |schema: Option<&str>| {
        let mut a = vec![
            "build",
            "--contacts",
            &contacts,
            "--transactions",
            &transactions,
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ];
        if let Some(s) = schema {
            a.extend(["--schema", s]);
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| {
        c360(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            tmp.path(),
        )
    };

    let out = run(args(Some(&fixture)));
    assert_exit(&out, 1);
    let json = json(&tmp.path().join("out/run_results.json"));
    for id in [SOURCE_UNIQUE_CONTACT_ID, SOURCE_ACCEPTED_CATEGORY] {
        let r = json_result(&json, id);
        assert_eq!(
            (r["status"].as_str(), r["failures"].as_u64()),
            (Some("fail"), Some(1)),
            "{r}"
        );
    }
    assert_eq!(
        json_result(&json, SOURCE_ACCEPTED_CATEGORY)["failing_rows"][0]["category"],
        "Kitchen"
    );
    for id in MODEL_IDS {
        assert_eq!(json_result(&json, id)["status"], "skipped", "{id}");
    }
    assert!(stdout(&out).contains("FAIL=2"), "{}", stdout(&out));

    let out = run(args(None));
    assert_exit(&out, 0);
    let log = stdout(&out);
    assert!(log.contains("WARN=2 FAIL=0 ERROR=0 SKIP=0"), "{log}");
    assert!(log.contains("models built=9 skipped=0"), "{log}");
}

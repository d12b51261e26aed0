//! Hostile values past the loader (issue 16): category names that clash once sanitised, a
//! category that would rewrite the schema, formulas in downloads, an age band on a count, and
//! many categories. Each case failed before the fix; memory is measured in `tests/memory.rs`.

use c360::engine::config::remediation::OutsideCategories;
use c360::engine::data_test::schema::{parse, DEFAULT_SCHEMA};
use c360::engine::export::{export, Dataset, Key, PolicyError, PolicyFile};
use c360::engine::models::categories::{CategoryColumns, MAX_CATEGORY_COLUMNS};
use c360::engine::source::first_duplicate;
use c360::engine::value::write::{to_csv_string, to_csv_string_with, Guard};
use c360::engine::{build as engine_build, FindingKind, RunConfig, RunOutput};

use crate::util::*;

const AS_OF: &str = "2024-01-01";

/// The demo contacts with one transaction per category in `categories`, all accepted by the
/// policy, built with the shipped schema.
fn accept_all(categories: &[&str]) -> RunOutput {
    let contacts = contacts_csv(&[
        contact("c1", "F", "1990-01-01"),
        contact("c2", "M", "1980-06-01"),
    ]);
    let rows: Vec<String> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let who = if i % 2 == 0 { "c1" } else { "c2" };
            transaction(who, &format!("t{i}"), &format!("{}.5", i + 1), c)
        })
        .collect();
    let mut config = RunConfig::new(date(AS_OF));
    config.policies.outside_categories = OutsideCategories::AddToAcceptedList;
    let schema = parse(DEFAULT_SCHEMA).unwrap();
    engine_build(sources(contacts, transactions_csv(&rows)), &schema, &config).unwrap()
}

fn header(output: &RunOutput, model: &str) -> Vec<String> {
    output
        .model(model)
        .unwrap()
        .column_names()
        .map(String::from)
        .collect()
}

fn assert_unique(names: &[String]) {
    let mut seen = std::collections::HashSet::new();
    for n in names {
        assert!(seen.insert(n), "duplicate header {n} in {names:?}");
    }
}

#[test]
fn clashing_category_names_get_suffixed_columns_and_a_finding_naming_both() {
    let output = accept_all(&["books", "Books", "Other", "=1+1", "_1_1", "Toys"]);
    let names = header(&output, "customers");
    assert_unique(&names);
    for expected in [
        "books_amount",
        "books_2_amount",
        "other_2_amount",
        "_1_1_amount",
        "_1_1_2_amount",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} in {names:?}"
        );
    }
    assert_eq!(names.last().unwrap(), "other_amount");
    let finding = output
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::CategoryColumnsRenamed)
        .expect("the clash is reported");
    assert!(
        finding.message.contains("`Books`") && finding.message.contains("`books`"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("c360's own column other_amount"),
        "{}",
        finding.message
    );
    assert_eq!(finding.rows.num_rows(), 3);
    // The per-category sums still match: no error-severity test fails.
    assert!(
        !output.has_failures(),
        "{:?}",
        output
            .tests
            .iter()
            .filter(|t| t.status.as_str() != "pass")
            .map(|t| &t.unique_id)
            .collect::<Vec<_>>()
    );
    // The grown schema parses again.
    let edited = output
        .edited_schema
        .as_deref()
        .expect("the policy grew the list");
    let list = parse(edited).unwrap().accepted_categories.unwrap();
    assert!(list.contains(&"Other".to_string()) && list.contains(&"=1+1".to_string()));
}

#[test]
fn a_category_with_a_newline_round_trips_through_the_written_schema() {
    let odd = [
        "Toys\nnot yaml at all",
        "tab\there",
        "q\"uote\\ and 'single'",
        "line\u{2028}sep",
        " leading space",
        "- dash: colon",
        "null",
        "3.5",
        "＝1+1",
    ];
    let schema = parse(DEFAULT_SCHEMA).unwrap();
    let mut before = schema.accepted_categories.clone().unwrap();
    let values: Vec<String> = odd.iter().map(|s| s.to_string()).collect();
    let text = schema.with_accepted_categories(&values).expect("an edit");
    before.extend(values);
    assert_eq!(parse(&text).unwrap().accepted_categories.unwrap(), before);
}

#[test]
fn many_categories_are_capped_with_a_finding() {
    let names: Vec<String> = (0..MAX_CATEGORY_COLUMNS + 5)
        .map(|i| format!("Cat {i:05}"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let output = accept_all(&refs);
    let header = header(&output, "customers");
    assert_unique(&header);
    // The six fixed columns, 1,000 categories (7 shipped + 993 of the data), other_amount.
    assert_eq!(header.len(), 6 + MAX_CATEGORY_COLUMNS + 1);
    let finding = output
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::CategoriesBeyondColumnCap)
        .expect("the cap is reported");
    assert!(
        finding
            .message
            .starts_with("12 accepted categories beyond the first 1000"),
        "{}",
        finding.message
    );
    assert!(!output.has_failures());
}

#[test]
fn category_columns_are_unique_for_any_list() {
    let list: Vec<String> = [
        "id",
        "Age",
        "total expense",
        "Other",
        "other",
        "",
        "!!",
        "é",
        "É",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let columns = CategoryColumns::new(&list);
    let mut all: Vec<String> = [
        "id",
        "gender",
        "age",
        "total_expense",
        "first_purchase_date",
        "last_purchase_date",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.extend(columns.names.clone());
    assert_unique(&all);
}

#[test]
fn downloads_and_the_masked_export_guard_full_width_formulas_and_build_stays_raw() {
    // (The loader trims a cell's spaces, so leading whitespace is the writer's unit test.)
    let output = accept_all(&["＝HYPERLINK(\"http://x\")", "=1+1", "Books"]);
    let table = output.model("category").unwrap();
    let raw = to_csv_string(table);
    let guarded = to_csv_string_with(table, Guard::Formulas);
    assert!(
        raw.contains("\n=1+1,") && raw.contains("\n\"＝HYPERLINK"),
        "{raw}"
    );
    for cell in ["'=1+1", "\"'＝HYPERLINK"] {
        assert!(guarded.contains(cell), "{cell} in {guarded}");
    }
    assert!(
        !guarded.contains("\n=") && !guarded.contains("\n\"＝"),
        "{guarded}"
    );
    // The masked export of the joined rows guards the category too.
    let mut file = PolicyFile::defaults(Dataset::ContactsJoinedWithTransactions);
    file.k = 1;
    let key = Key::from_secret("0123456789abcdef0123456789abcdef").unwrap();
    let made = export(&output, &file, &key, 0).unwrap();
    let mut bytes = Vec::new();
    made.write_csv(&mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("'＝HYPERLINK") && text.contains("'=1+1"),
        "{}",
        &text[..text.len().min(600)]
    );
}

#[test]
fn an_age_band_on_a_count_is_refused_naming_the_valid_columns() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[transaction_of_items(
        "c1",
        "t1",
        "1.00",
        "4294967295",
        "Books",
    )]);
    let output = build(contacts, transactions, AS_OF);
    let file = PolicyFile::from_json(
        r#"{"version": 1, "dataset": "contacts_joined_with_transactions",
            "columns": {"item_count": {"policy": "generalise", "to": "age_band", "width": 10}}}"#,
    )
    .unwrap();
    let key = Key::from_secret("0123456789abcdef0123456789abcdef").unwrap();
    let err = export(&output, &file, &key, 0).unwrap_err();
    let c360::engine::export::ExportError::Policy(PolicyError::NotApplicable {
        column, valid, ..
    }) = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(column, "item_count");
    assert_eq!(valid, &["birth_date"]);
    assert!(
        err.to_string()
            .contains("columns it applies to: birth_date"),
        "{err}"
    );
}

/// A header name that counts the comparisons and hashes made of it.
#[derive(Debug)]
struct Counted(String);

thread_local! {
    static OPERATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl PartialEq for Counted {
    fn eq(&self, other: &Self) -> bool {
        OPERATIONS.with(|n| n.set(n.get() + 1));
        self.0 == other.0
    }
}

impl Eq for Counted {}

impl std::hash::Hash for Counted {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        OPERATIONS.with(|n| n.set(n.get() + 1));
        self.0.hash(state);
    }
}

#[test]
fn a_wide_headers_duplicate_check_is_linear() {
    // The loader's check of a header for a repeated name: the work at n and 4n columns
    // grows about 4× (it was a scan of the names before each one: 16×, 34 s at 120,000).
    let work = |n: usize| {
        let header: Vec<Counted> = (0..n).map(|i| Counted(format!("c{i}"))).collect();
        OPERATIONS.with(|c| c.set(0));
        assert!(first_duplicate(&header).is_none());
        OPERATIONS.with(|c| c.get())
    };
    let (small, large) = (work(5_000), work(20_000));
    assert!(large <= 5 * small, "{small} → {large} operations");
    let header: Vec<String> = ["a", "b", "c", "b", "a"].map(String::from).to_vec();
    assert_eq!(first_duplicate(&header).map(String::as_str), Some("b"));

    // And the whole load of a wide header, from the CLI's path, stays well within a second's
    // work: 120,000 columns, then the typed missing-columns error naming them.
    let wide: String = (0..120_000).map(|i| format!("c{i},")).collect::<String>() + "x\n1\n";
    let started = std::time::Instant::now();
    let err = c360::engine::source::load_bytes(
        &c360::engine::source::CONTACTS,
        "wide.csv",
        wide.as_bytes(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("missing required columns"),
        "{err}"
    );
    eprintln!("120,000 columns: {:?}", started.elapsed());
}

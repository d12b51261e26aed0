//! Hostile values past the loader (issue 16): category names that clash once sanitised, a
//! category that would rewrite the schema, formulas in downloads, an age band on a count, and
//! many categories. Each case failed before the fix; memory is measured in `tests/memory.rs`.

use c360::engine::config::remediation::OutsideCategories;
use c360::engine::data_test::schema::{parse, DEFAULT_SCHEMA};
use c360::engine::export::{export, Dataset, Key, PolicyError, PolicyFile};
use c360::engine::models::categories::{CategoryColumns, MAX_CATEGORY_COLUMNS};
use c360::engine::source::first_duplicate;
use c360::engine::value::write::{starts_formula, to_csv_string, to_csv_string_with, Guard};
use c360::engine::{build as engine_build, FindingKind, RunConfig, RunOutput};

use proptest::prelude::*;

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
    eprintln!("120,000 columns loaded: {:?}", started.elapsed());

    // The worker's Inspect: the head read as the loader will, then a proposal per source
    // (names and value shapes per header: linear, with a sort of each column's candidates).
    // Linear but not cheap (string similarity of every header to every column's names:
    // 13.4 s at 30,000 columns, 58 s at 120,000 in a debug build), so 3,000 here.
    let wide: String = (0..3_000).map(|i| format!("c{i},")).collect::<String>() + "x\n1\n";
    let started = std::time::Instant::now();
    let head =
        c360::engine::source::decode::inspect("wide.csv", wide.as_bytes(), true, None).unwrap();
    assert_eq!(head.header.len(), 3_001);
    for def in c360::engine::source::SOURCES.iter() {
        let p = c360::engine::source::mapping::propose(def, &head.header, &head.rows);
        assert!(!p.is_complete());
    }
    eprintln!(
        "3,000 columns inspected and proposed: {:?}",
        started.elapsed()
    );
}

/// Text a hostile export might hold: formula starts (ASCII, full-width, small, after
/// whitespace), control characters, quotes, newlines, look-alikes, and long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("=1+1".to_string()),
        Just("＝HYPERLINK(\"x\")".to_string()),
        Just("﹢1".to_string()),
        Just(" @SUM(A1)".to_string()),
        Just("\t-2".to_string()),
        Just("\"quoted\", with comma".to_string()),
        Just("line\nbreak\r\n".to_string()),
        Just("\u{1}\u{1b}\u{7f}\u{85}\u{2028}\u{feff}".to_string()),
        Just("Воокs".to_string()),
        Just("books".to_string()),
        Just("Other".to_string()),
        Just("other_amount".to_string()),
        Just("id".to_string()),
        "[a-zA-Z0-9 _&-]{0,12}",
        (1usize..10_000).prop_map(|n| "x".repeat(n)),
    ];
    proptest::collection::vec(piece, 1..3).prop_map(|v| v.concat())
}

/// Amounts, item counts and dates at and past their types' edges.
fn hostile_row() -> impl Strategy<Value = (String, String, String)> {
    (
        prop_oneof![
            60 => Just("0"),
            60 => Just("1.5"),
            60 => Just("-3.25"),
            // i64's edges at the column's scale of two places: two of them overflow a sum.
            1 => Just("92233720368547758.07"),
            1 => Just("-92233720368547758.07"),
            60 => Just("0.01"),
        ],
        prop_oneof![
            60 => Just("0"),
            60 => Just("1"),
            1 => Just("4294967295"),
            1 => Just("4294967296"),
            1 => Just("9223372036854775807"),
            60 => Just("-1"),
        ],
        prop_oneof![
            Just("0001-01-01 00:00:00.000"),
            Just("9999-12-31 23:59:59.999"),
            Just("1970-01-01 00:00:00.000"),
            Just("2024-02-29 12:00:00.000"),
            Just("2023-04-15 09:57:19.000"),
        ],
    )
        .prop_map(|(a, n, d)| (a.to_string(), n.to_string(), d.to_string()))
}

/// The written CSV's header is unique, and every cell a spreadsheet would read as a formula
/// is a number (text cells are guarded with `'`).
fn check_written(csv_text: &str, guarded: bool) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_unique(&names);
    if guarded {
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !starts_formula(cell.as_bytes()) || cell.parse::<f64>().is_ok(),
                    "unguarded {cell:?}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    /// Whole builds and masked exports of hostile values: no panic, unique headers, the
    /// category columns still sum to total_expense (a clash never breaks that), every text
    /// cell of the masked export guarded.
    #[test]
    fn hostile_values_survive_whole_builds_and_exports(
        categories in proptest::collection::vec(hostile_text(), 1..40),
        many in 0usize..3_000,
        rows in proptest::collection::vec(hostile_row(), 1..40),
        name in hostile_text(),
    ) {
        let mut contacts_rows = vec![contact("c1", "F", "1990-01-01")];
        let user = field(&name);
        contacts_rows.push(format!(
            "c2,{user},{user},M,{user},{},0001-01-01,{LOADED_AT}",
            field("m@example.com")
        ));
        let contacts = contacts_csv(&contacts_rows);
        let mut lines = Vec::new();
        for (i, (amount, items, when)) in rows.iter().enumerate() {
            let category = &categories[i % categories.len()];
            let who = if i % 2 == 0 { "c1" } else { "c2" };
            lines.push(format!(
                "{who},t{i},{when},{amount},{items},{},{LOADED_AT}",
                field(category)
            ));
        }
        // Many distinct categories, beyond the cap of customers' columns.
        for i in 0..many {
            lines.push(format!(
                "c1,m{i},2023-04-15 09:57:19.000,1.5,1,Category {i} {},{LOADED_AT}",
                if i % 3 == 0 { "=" } else { "" }
            ));
        }
        let transactions = transactions_csv(&lines);
        let schema = parse(DEFAULT_SCHEMA).unwrap();
        let key = Key::from_secret("0123456789abcdef0123456789abcdef").unwrap();
        for policy in [OutsideCategories::CountInOther, OutsideCategories::AddToAcceptedList] {
            // A loader's refusal or a model's overflow is a typed error, not a panic.
            let Ok(sources) = try_sources(contacts.as_bytes(), transactions.as_bytes()) else {
                continue;
            };
            let mut config = RunConfig::new(date(AS_OF));
            config.policies.outside_categories = policy;
            let Ok(output) = engine_build(sources, &schema, &config) else {
                continue;
            };
            for node in &output.nodes {
                check_written(&to_csv_string(&node.table), false);
            }
            let sums = output
                .tests
                .iter()
                .find(|t| t.unique_id.contains("customer_category_amounts_sum_to_total_expense"))
                .expect("the sum test runs");
            prop_assert_eq!(sums.status.as_str(), "pass", "{:?}", policy);
            for dataset in [Dataset::Customers, Dataset::ContactsJoinedWithTransactions] {
                let mut file = PolicyFile::defaults(dataset);
                file.k = 1;
                if let Ok(made) = export(&output, &file, &key, 0) {
                    let mut bytes = Vec::new();
                    made.write_csv(&mut bytes).unwrap();
                    check_written(&String::from_utf8(bytes).unwrap(), true);
                }
            }
        }
    }
}

//! The five models on small hand-written inputs, each behaviour on its own: staging renames
//! and dedupes, the inner join excludes orphans, `customers` has one row per buying contact
//! with its category columns, `category` counts and averages, and every run reports what it
//! removed in its findings and `run_results`.

use c360::engine::{run, FindingKind, RunConfig};

use crate::util::*;

fn customers_header() -> Vec<String> {
    let mut header: Vec<String> = [
        "id",
        "gender",
        "age",
        "total_expense",
        "first_purchase_date",
        "last_purchase_date",
    ]
    .map(String::from)
    .to_vec();
    header.extend(CATEGORY_COLUMNS.iter().map(|(_, c)| c.to_string()));
    header.push("other_amount".into());
    header
}

#[test]
fn staging_renames_the_contacts_columns() {
    let out = build(
        contacts_csv(&[contact("c1", "F", "1990-01-01")]),
        transactions_csv(&[]),
        GOLDEN_AS_OF,
    );
    let stg = model(&out, "stg_sf__contacts");
    assert_eq!(
        stg.header,
        [
            "id",
            "user_name",
            "name",
            "gender",
            "address",
            "email_address",
            "birth_date",
            "_loaded_at_utc"
        ]
    );
    let row = stg.row("id", "c1");
    assert_eq!(row.get("user_name"), "user_c1");
    assert_eq!(row.get("email_address"), "user_c1@example.com");
    assert_eq!(row.get("birth_date"), "1990-01-01");
    assert_eq!(row.get("_loaded_at_utc"), LOADED_AT);
}

#[test]
fn a_duplicated_id_keeps_the_latest_loaded_row_ties_to_the_first() {
    let contacts = contacts_csv(&[
        contact_loaded("later", "F", "1970-01-01", "2023-05-09 10:05:28.875"),
        contact_loaded("later", "M", "1971-01-01", "2023-05-10 00:00:00.000"),
        contact_loaded("tie", "M", "1980-01-01", LOADED_AT),
        contact_loaded("tie", "F", "1981-01-01", LOADED_AT),
        contact_loaded("null-load", "F", "1985-01-01", ""),
        contact_loaded("null-load", "M", "1986-01-01", "2023-01-01 00:00:00.000"),
        contact_loaded("earlier", "M", "1990-01-01", "2023-05-10 00:00:00.000"),
        contact_loaded("earlier", "F", "1991-01-01", "2023-05-09 00:00:00.000"),
        contact("single", "F", "2000-01-01"),
    ]);
    let out = build(contacts, transactions_csv(&[]), GOLDEN_AS_OF);
    let stg = model(&out, "stg_sf__contacts");
    assert_eq!(
        stg.column("id"),
        ["later", "tie", "null-load", "earlier", "single"],
        "one row per id, file order"
    );
    assert_eq!(
        stg.row("id", "later").get("birth_date"),
        "1971-01-01",
        "the later load wins"
    );
    assert_eq!(
        stg.row("id", "tie").get("birth_date"),
        "1980-01-01",
        "a tie goes to the first row"
    );
    assert_eq!(
        stg.row("id", "null-load").get("birth_date"),
        "1986-01-01",
        "a null load time is oldest"
    );
    assert_eq!(
        stg.row("id", "earlier").get("birth_date"),
        "1990-01-01",
        "an earlier load loses"
    );

    let finding = out
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::DuplicateContactsRemoved)
        .expect("a finding");
    assert_eq!(finding.node, "model.c360.stg_sf__contacts");
    assert_eq!(finding.rows.num_rows(), 4);
    assert!(
        finding
            .message
            .starts_with("4 duplicate contact rows removed"),
        "{}",
        finding.message
    );
}

#[test]
fn contacts_with_a_null_id_are_all_kept_by_staging_and_joined_to_nothing() {
    let contacts = contacts_csv(&[
        contact("", "F", "1990-01-01"),
        contact("", "M", "1991-01-01"),
        contact("c1", "F", "1992-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("", "t1", "1", "Books"),
        transaction("c1", "t2", "2", "Books"),
    ]);
    let out = build(contacts, transactions, GOLDEN_AS_OF);
    assert_eq!(model(&out, "stg_sf__contacts").rows.len(), 3);
    assert_eq!(
        model(&out, "contacts_joined_with_transactions").column("transaction_id"),
        ["t2"]
    );
    assert_eq!(model(&out, "customers").column("id"), ["c1"]);
}

#[test]
fn staging_keeps_every_transaction_in_file_order() {
    let transactions = transactions_csv(&[
        transaction("nobody", "t1", "1", "Books"),
        transaction("c1", "t2", "2", "Garden"),
        transaction("", "t3", "3", ""),
    ]);
    let out = build(
        contacts_csv(&[contact("c1", "F", "1990-01-01")]),
        transactions,
        GOLDEN_AS_OF,
    );
    let stg = model(&out, "stg_web__transactions");
    assert_eq!(
        stg.header,
        [
            "id",
            "contact_id",
            "transaction_date",
            "amount",
            "item_count",
            "category",
            "_loaded_at_utc"
        ]
    );
    assert_eq!(stg.column("id"), ["t1", "t2", "t3"]);
}

#[test]
fn the_join_is_inner_and_reports_the_orphans() {
    let contacts = contacts_csv(&[
        contact("c1", "F", "1990-01-01"),
        contact("c2", "M", "1980-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("c2", "t1", "1", "Books"),
        transaction("c1-typo", "t2", "2", "Books"),
        transaction("c1", "t3", "3", "Beauty"),
        transaction("", "t4", "4", "Books"),
        transaction("c2", "t5", "5", "Books"),
    ]);
    let out = build(contacts, transactions, GOLDEN_AS_OF);
    let joined = model(&out, "contacts_joined_with_transactions");
    assert_eq!(
        joined.header,
        [
            "id",
            "user_name",
            "name",
            "gender",
            "address",
            "email_address",
            "birth_date",
            "_loaded_at_utc",
            "transaction_id",
            "transaction_date",
            "amount",
            "item_count",
            "category"
        ]
    );
    assert_eq!(
        joined.column("transaction_id"),
        ["t1", "t3", "t5"],
        "transaction order, orphans excluded"
    );
    assert_eq!(joined.column("id"), ["c2", "c1", "c2"]);
    assert_eq!(joined.row("transaction_id", "t3").get("gender"), "F");

    let finding = out
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::OrphanTransactions)
        .expect("a finding");
    assert_eq!(finding.node, "model.c360.contacts_joined_with_transactions");
    assert_eq!(finding.rows.num_rows(), 2);
    assert!(
        finding.message.starts_with("2 transactions"),
        "{}",
        finding.message
    );
}

#[test]
fn customers_has_one_row_per_buying_contact_with_every_column() {
    let contacts = contacts_csv(&[
        contact("idle", "F", "1990-01-01"),
        contact("b", "M", "1980-05-05"),
        contact("a", "F", "1970-12-31"),
    ]);
    let transactions = transactions_csv(&[
        transaction_at("a", "t1", "2023-04-15 09:57:19.000", "10.5", "Books"),
        transaction_at("b", "t2", "2023-04-01 00:00:00.000", "1", "Apps & Games"),
        transaction_at(
            "a",
            "t3",
            "2023-05-01 23:59:59.999",
            "2.25",
            "Clothing, Shoes & Accessories",
        ),
        transaction_at("a", "t4", "2023-03-31 12:00:00.001", "3", "Kitchen"),
        transaction_at("a", "t5", "2023-04-20 00:00:00.000", "4", "Garden"),
        transaction_at("a", "t6", "2023-04-21 00:00:00.000", "5", "kitchen"),
        transaction_at("a", "t7", "2023-04-22 00:00:00.000", "6", ""),
        transaction_at(
            "a",
            "t8",
            "2023-04-23 00:00:00.000",
            "7",
            "Sports, Fitness & Outdoors",
        ),
        transaction_at("a", "t9", "2023-04-24 00:00:00.000", "8", "Movies & TV"),
        transaction_at("a", "t10", "2023-04-25 00:00:00.000", "9", "Beauty"),
    ]);
    let out = build(contacts, transactions, GOLDEN_AS_OF);
    let customers = model(&out, "customers");
    assert_eq!(customers.header, customers_header());
    assert_eq!(
        customers.column("id"),
        ["b", "a"],
        "contact order; the contact without purchases is absent"
    );

    let a = customers.row("id", "a");
    let expected = [
        ("gender", "F"),
        ("age", "55"),
        ("total_expense", "54.75"),
        ("first_purchase_date", "2023-03-31 12:00:00.001"),
        ("last_purchase_date", "2023-05-01 23:59:59.999"),
        ("apps_and_games_amount", "0.00"),
        ("beauty_amount", "9.00"),
        ("books_amount", "10.50"),
        ("clothing_shoes_and_accessories_amount", "2.25"),
        ("kitchen_amount", "3.00"),
        ("movies_and_tv_amount", "8.00"),
        ("sports_fitness_and_outdoors_amount", "7.00"),
        // Garden, `kitchen` (categories are case-sensitive, as in SQL) and the null category.
        ("other_amount", "15.00"),
    ];
    for (column, value) in expected {
        assert_eq!(a.get(column), value, "customers.{column} of a: {a:?}");
    }
    assert_eq!(
        customers.row("id", "b").get("apps_and_games_amount"),
        "1.00"
    );

    let finding = out
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::CategoriesOutsideAcceptedList)
        .expect("a finding");
    assert_eq!(finding.node, "model.c360.customers");
    assert_eq!(finding.rows.num_rows(), 3);
    for part in ["Garden: 1", "kitchen: 1", "(null): 1"] {
        assert!(
            finding.message.contains(part),
            "{part} in {}",
            finding.message
        );
    }
}

#[test]
fn the_accepted_list_decides_the_category_columns() {
    let contacts = contacts_csv(&[contact("a", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[
        transaction("a", "t1", "1", "Kitchen"),
        transaction("a", "t2", "2", "Garden"),
        transaction("a", "t3", "4", "Books"),
    ]);
    let sources = sources(&contacts, &transactions);
    let mut config = RunConfig::new(date(GOLDEN_AS_OF));
    config.accepted_categories = vec!["Garden".into(), "Books".into()];
    let customers = Csv::of(run(sources, &config).unwrap().model("customers").unwrap());
    assert_eq!(
        customers.header[6..],
        ["garden_amount", "books_amount", "other_amount"]
    );
    let a = customers.row("id", "a");
    assert_eq!(
        (
            a.get("garden_amount"),
            a.get("books_amount"),
            a.get("other_amount")
        ),
        ("2", "4", "1")
    );
}

#[test]
fn category_counts_distinct_women_and_men_of_any_case() {
    let contacts = contacts_csv(&[
        contact("f1", "F", "1990-01-01"),
        contact("f2", "f", "1980-01-01"),
        contact("m1", "M", "1970-01-01"),
        contact("x1", "X", "1960-01-01"),
        contact("n1", "", "1950-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("f1", "t1", "10", "Books"),
        transaction("f1", "t2", "20", "Books"),
        transaction("f2", "t3", "30", "Books"),
        transaction("m1", "t4", "40", "Books"),
        transaction("x1", "t5", "50", "Books"),
        transaction("n1", "t6", "60", "Beauty"),
        transaction("f1", "t7", "1", ""),
    ]);
    let category = model(&build(contacts, transactions, GOLDEN_AS_OF), "category");
    assert_eq!(
        category.header,
        [
            "category",
            "total_transactions",
            "total_amount",
            "average_amount",
            "total_item_count",
            "average_item_count",
            "count_unique_female_customers",
            "count_unique_male_customers",
            "average_age_female_customers",
            "average_age_male_customers"
        ]
    );
    assert_eq!(
        category.column("category"),
        ["Beauty", "Books", ""],
        "by name, the null category last"
    );
    let books = category.row("category", "Books");
    let expected = [
        ("total_transactions", "5"),
        ("total_amount", "150"),
        ("average_amount", "30.00"),
        ("total_item_count", "5"),
        ("average_item_count", "1.00"),
        ("count_unique_female_customers", "2"),
        ("count_unique_male_customers", "1"),
        ("average_age_female_customers", "41.00"),
        ("average_age_male_customers", "56.00"),
    ];
    for (column, value) in expected {
        assert_eq!(
            books.get(column),
            value,
            "category.{column} of Books: {books:?}"
        );
    }
    let beauty = category.row("category", "Beauty");
    assert_eq!(
        (
            beauty.get("count_unique_female_customers"),
            beauty.get("count_unique_male_customers")
        ),
        ("0", "0"),
        "no gender is neither"
    );
    assert_eq!(beauty.get("average_age_female_customers"), "");
}

#[test]
fn run_results_describe_every_node() {
    let contacts = contacts_csv(&[
        contact("c1", "F", "1990-01-01"),
        contact("c1", "M", "1990-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "1", "Books"),
        transaction("zz", "t2", "1", "Books"),
    ]);
    let out = build(contacts, transactions, GOLDEN_AS_OF);
    let json = out.run_results();
    let results: Vec<&serde_json::Value> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| !r["unique_id"].as_str().unwrap().starts_with("test."))
        .collect();
    let summary: Vec<(&str, u64)> = results
        .iter()
        .map(|r| {
            (
                r["unique_id"].as_str().unwrap(),
                r["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("source.c360.salesforce.contacts", 2),
            ("source.c360.web.transactions", 2),
            ("model.c360.stg_sf__contacts", 1),
            ("model.c360.stg_web__transactions", 2),
            ("model.c360.contacts_joined_with_transactions", 1),
            ("model.c360.customers", 1),
            ("model.c360.category", 1),
            ("model.c360.customer_segments", 1),
            // One category: a row overall and one in each of the five cuts.
            ("model.c360.category_spend", 6),
            // One category to recommend.
            ("model.c360.recommendations", 1),
            ("model.c360.recommendation_evaluation", 3),
        ]
    );
    for r in &results {
        assert_eq!(r["status"], "success", "{r}");
        assert!(
            r["execution_time"].as_f64().is_some_and(|t| t >= 0.0),
            "{r}"
        );
        assert!(r["message"].as_str().is_some_and(|m| !m.is_empty()), "{r}");
    }
    assert!(
        results[4]["message"]
            .as_str()
            .unwrap()
            .starts_with("SELECT 1 (1 transaction"),
        "{}",
        results[4]
    );
    assert_eq!(json["metadata"]["as_of"], GOLDEN_AS_OF);
}

/// The left-join policy keeps orphans with null contact columns. `run` (the models alone,
/// no data tests to stop it) must still give customers whose columns add up, not panic.
#[test]
fn customers_survive_orphans_kept_by_a_left_join() {
    use c360::engine::config::remediation::OrphanTransactions;
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "1.5", "Books"),
        transaction("ghost", "t2", "2", "Books"),
    ]);
    let sources = sources(&contacts, &transactions);
    let mut config = RunConfig::new(date(GOLDEN_AS_OF));
    config.policies.orphan_transactions = OrphanTransactions::KeepWithNullContact;
    let out = std::panic::catch_unwind(|| run(sources, &config))
        .expect("a run must not panic")
        .expect("a run over valid input succeeds");
    let joined = model(&out, "contacts_joined_with_transactions");
    assert_eq!(joined.column("transaction_id"), ["t1", "t2"]);
    assert_eq!(
        joined.row("transaction_id", "t2").get("id"),
        "",
        "the orphan's contact columns are null"
    );
    let customers = model(&out, "customers");
    assert_eq!(customers.row("id", "c1").get("total_expense"), "1.5");
    // Whether the orphans form a null-id row (SQL's GROUP BY would) is the model's choice;
    // every row must still add up.
    for cells in &customers.rows {
        let row = customers.row("id", &cells[0]);
        let parts = Dec::sum(
            CATEGORY_COLUMNS
                .iter()
                .map(|(_, c)| row.get(c))
                .chain([row.get("other_amount")]),
        );
        assert_eq!(parts, row.dec("total_expense"), "{row:?}");
    }
}

/// SQL's `sum` over nothing but nulls is null, as `category.total_amount` already is; an
/// item count of 0 would claim items nobody counted.
#[test]
fn category_total_item_count_is_null_when_no_count_is_known() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "7", "Garden").replace(",7,1,Garden,", ",7,,Garden,"),
        transaction("c1", "t2", "", "Books"),
    ]);
    assert!(transactions.contains(",7,,Garden,"), "{transactions}");
    let category = model(&build(contacts, transactions, GOLDEN_AS_OF), "category");
    let garden = category.row("category", "Garden");
    assert_eq!(
        (
            garden.get("total_item_count"),
            garden.get("average_item_count")
        ),
        ("", ""),
        "{garden:?}"
    );
    let books = category.row("category", "Books");
    assert_eq!(
        (books.get("total_amount"), books.get("average_amount")),
        ("", ""),
        "{books:?}"
    );
}

/// Null amounts sum the way dbt on Postgres sums them (checked on PostgreSQL 15):
/// `sum(amount)` over only nulls is null, and `sum(case when category = 'Books' then amount
/// else 0 end)` is null only when every one of the customer's purchases is a Books purchase
/// without an amount (any other purchase adds a non-null 0).
#[test]
fn null_amounts_sum_like_sql() {
    let contacts = contacts_csv(&[
        contact("c1", "M", "1960-12-31"),
        contact("c2", "F", "1970-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "", "Books"),
        transaction("c2", "t2", "", "Books"),
        transaction("c2", "t3", "", "Beauty"),
    ]);
    let customers = model(&build(contacts, transactions, GOLDEN_AS_OF), "customers");
    let c1 = customers.row("id", "c1");
    assert_eq!(c1.get("total_expense"), "");
    assert_eq!(c1.get("books_amount"), "", "{c1:?}");
    assert_eq!(c1.get("beauty_amount"), "0", "{c1:?}");
    // Purchases in two categories: each column gets the other's 0, as in SQL.
    let c2 = customers.row("id", "c2");
    assert_eq!(
        (
            c2.get("total_expense"),
            c2.get("books_amount"),
            c2.get("beauty_amount")
        ),
        ("", "0", "0")
    );
}

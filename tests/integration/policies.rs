//! The remediation policies, each switch's effect on the models and what it reports: which
//! duplicate contact row `stg_sf__contacts` keeps (keep-latest, keep-first, keep-last,
//! drop-all), whether orphan transactions are excluded (inner join) or kept with null contact
//! fields (left join), and whether categories outside the accepted list are counted in
//! `other_amount` or added to the list — the schema's YAML edited, re-parsed, and `customers`
//! given the new column. Also the CLI flags that set them.

use c360::engine::config::remediation::{
    DuplicateContacts, OrphanTransactions, OutsideCategories, Policies,
};
use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::data_test::TestStatus;
use c360::engine::{FindingKind, NodeStatus, RunConfig, RunOutput, Schema};

use crate::data_test_support::*;
use crate::util::{contact, contacts_csv, dec, transaction, transactions_csv, Csv};

const KITCHEN_CUSTOMER: &str = "0aebeb30-385a-43ff-bf50-8953b7e3e745";
const KITCHEN_AMOUNT: &str = "44.8";

fn with_policies(policies: Policies) -> RunConfig {
    RunConfig {
        policies,
        ..config()
    }
}

fn duplicates(policy: DuplicateContacts) -> RunConfig {
    with_policies(Policies {
        duplicate_contacts: policy,
        ..Policies::default()
    })
}

fn orphans(policy: OrphanTransactions) -> RunConfig {
    with_policies(Policies {
        orphan_transactions: policy,
        ..Policies::default()
    })
}

fn outside(policy: OutsideCategories) -> RunConfig {
    with_policies(Policies {
        outside_categories: policy,
        ..Policies::default()
    })
}

fn findings(out: &RunOutput, kind: FindingKind) -> Vec<&c360::engine::Finding> {
    out.findings.iter().filter(|f| f.kind == kind).collect()
}

/// The one finding of `kind`.
fn finding(out: &RunOutput, kind: FindingKind) -> &c360::engine::Finding {
    let found = findings(out, kind);
    assert_eq!(
        found.len(),
        1,
        "{:?}",
        out.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    found[0]
}

/// The seeds' transactions of the duplicated contact id, counted from the CSV.
fn seed_transactions_of(contact_id: &str) -> usize {
    Csv::read(seed_path("transactions.csv"))
        .column("contact_id")
        .iter()
        .filter(|c| **c == contact_id)
        .count()
}

/// The shipped schema with the exercise's six categories (no Kitchen) at `severity`.
fn six_categories_schema(severity: &str) -> Schema {
    schema(&six_categories_text(severity))
}

// --- Duplicate contact ids -----------------------------------------------------------------------

#[test]
fn the_default_policies_are_the_exercises_own_fixes() {
    assert_eq!(
        Policies::default(),
        Policies {
            duplicate_contacts: DuplicateContacts::KeepLatestLoaded,
            orphan_transactions: OrphanTransactions::Exclude,
            outside_categories: OutsideCategories::CountInOther,
        }
    );
    assert_eq!(config().policies, Policies::default());
    assert_eq!(DuplicateContacts::ALL.len(), 4);
    assert_eq!(OrphanTransactions::ALL.len(), 2);
    assert_eq!(OutsideCategories::ALL.len(), 2);
}

#[test]
fn each_duplicates_policy_keeps_its_row_and_lists_the_rows_removed() {
    let dup_transactions = seed_transactions_of(SEED_DUPLICATE_ID);
    assert!(dup_transactions > 0);
    // (policy, user kept, users removed)
    let cases: [(DuplicateContacts, Option<&str>, &[&str]); 4] = [
        // The two rows were loaded at the same instant: the tie goes to the first.
        (
            DuplicateContacts::KeepLatestLoaded,
            Some("alyssa.white"),
            &["cchen"],
        ),
        (
            DuplicateContacts::KeepFirst,
            Some("alyssa.white"),
            &["cchen"],
        ),
        (
            DuplicateContacts::KeepLast,
            Some("cchen"),
            &["alyssa.white"],
        ),
        (DuplicateContacts::DropAll, None, &["alyssa.white", "cchen"]),
    ];
    for (policy, kept, removed) in cases {
        let out = build_with(seeds(), &Schema::default_schema(), &duplicates(policy));
        let stg = Csv::of(out.model("stg_sf__contacts").unwrap());
        assert_eq!(stg.rows.len(), 12 - removed.len(), "{policy:?}");
        match kept {
            Some(user) => assert_eq!(
                stg.row("id", SEED_DUPLICATE_ID).get("user_name"),
                user,
                "{policy:?}"
            ),
            None => assert!(!stg.has_row("id", SEED_DUPLICATE_ID), "{policy:?}"),
        }
        let f = finding(&out, FindingKind::DuplicateContactsRemoved);
        assert_eq!(f.node, "model.c360.stg_sf__contacts");
        assert_eq!(cells(&f.rows, "username"), removed, "{policy:?}");
        assert_eq!(cells(&f.rows, "id"), vec![SEED_DUPLICATE_ID; removed.len()]);
        assert!(
            f.message.contains(policy.label()),
            "{policy:?}: {}",
            f.message
        );
        assert!(
            f.message
                .starts_with(&format!("{} duplicate contact row", removed.len())),
            "{}",
            f.message
        );

        // Dropping every row of the id orphans its transactions.
        let orphans = finding(&out, FindingKind::OrphanTransactions);
        let expected_orphans = if kept.is_some() {
            1
        } else {
            1 + dup_transactions
        };
        assert_eq!(orphans.rows.num_rows(), expected_orphans, "{policy:?}");
        let joined = out.model("contacts_joined_with_transactions").unwrap();
        assert_eq!(joined.num_rows(), 100 - expected_orphans, "{policy:?}");
        let customers = out.model("customers").unwrap();
        assert_eq!(
            customers.num_rows(),
            if kept.is_some() { 10 } else { 9 },
            "{policy:?}"
        );
        // The source test reports the duplicate whatever the policy; nothing downstream fails.
        assert_eq!(status_of(&out, SOURCE_UNIQUE_CONTACT_ID), TestStatus::Warn);
        assert!(!out.has_failures(), "{policy:?}");
    }
}

#[test]
fn keep_latest_follows_the_load_time_and_the_others_the_file_order() {
    let contacts = contacts_csv(&[
        crate::util::contact_loaded("d", "F", "1990-01-01", "2023-05-09 10:00:00.000"),
        crate::util::contact_loaded("d", "M", "1991-01-01", "2023-05-10 10:00:00.000"),
        crate::util::contact_loaded("d", "F", "1992-01-01", "2023-05-08 10:00:00.000"),
        crate::util::contact_loaded("e", "F", "1993-01-01", ""),
        crate::util::contact_loaded("e", "M", "1994-01-01", "2023-05-01 00:00:00.000"),
    ]);
    let transactions = transactions_csv(&[transaction("d", "t1", "1.0", "Books")]);
    let birth = |policy, id: &str| {
        let out = build_with(
            sources(&contacts, &transactions),
            &Schema::empty(),
            &duplicates(policy),
        );
        Csv::of(out.model("stg_sf__contacts").unwrap())
            .row("id", id)
            .get("birth_date")
            .to_string()
    };
    assert_eq!(
        birth(DuplicateContacts::KeepLatestLoaded, "d"),
        "1991-01-01"
    );
    assert_eq!(
        birth(DuplicateContacts::KeepLatestLoaded, "e"),
        "1994-01-01",
        "a null load time is oldest"
    );
    assert_eq!(birth(DuplicateContacts::KeepFirst, "d"), "1990-01-01");
    assert_eq!(birth(DuplicateContacts::KeepLast, "d"), "1992-01-01");
    assert_eq!(birth(DuplicateContacts::KeepLast, "e"), "1994-01-01");
}

// --- Orphan transactions ---------------------------------------------------------------------------

#[test]
fn excluding_orphans_is_an_inner_join_that_reports_them() {
    let out = build_with(
        seeds(),
        &Schema::default_schema(),
        &orphans(OrphanTransactions::Exclude),
    );
    let joined = Csv::of(out.model("contacts_joined_with_transactions").unwrap());
    assert_eq!(joined.rows.len(), 99);
    assert!(!joined.has_row("transaction_id", SEED_ORPHAN_TRANSACTION_ID));
    let f = finding(&out, FindingKind::OrphanTransactions);
    assert_eq!(f.node, "model.c360.contacts_joined_with_transactions");
    assert_eq!(cells(&f.rows, "contact_id"), [SEED_ORPHAN_CONTACT_ID]);
    assert!(
        f.message.contains(OrphanTransactions::Exclude.label()),
        "{}",
        f.message
    );
}

/// The shipped schema: its `not_null` on the joined model's contact id is `warn`, because a
/// left join's orphans fail it by design and must not stop the models.
fn shipped_without_joined_id_not_null() -> Schema {
    let s = Schema::default_schema();
    let joined_id = s
        .tests
        .iter()
        .find(|t| t.unique_id == "test.c360.not_null_contacts_joined_with_transactions_id")
        .expect("the shipped schema tests the joined id");
    assert_eq!(
        joined_id.config.severity,
        c360::engine::data_test::Severity::Warn
    );
    s
}

#[test]
fn keeping_orphans_is_a_left_join_with_null_contact_fields() {
    let keep = build_with(
        seeds(),
        &shipped_without_joined_id_not_null(),
        &orphans(OrphanTransactions::KeepWithNullContact),
    );
    let exclude = build_with(seeds(), &shipped_without_joined_id_not_null(), &config());
    let joined = Csv::of(keep.model("contacts_joined_with_transactions").unwrap());
    assert_eq!(joined.rows.len(), 100);
    let orphan = joined.row("transaction_id", SEED_ORPHAN_TRANSACTION_ID);
    for column in [
        "id",
        "user_name",
        "name",
        "gender",
        "address",
        "email_address",
        "birth_date",
    ] {
        assert_eq!(orphan.get(column), "", "{column} of the kept orphan");
    }
    assert_eq!(orphan.get("amount"), "6.9");
    assert_eq!(orphan.get("category"), "Clothing, Shoes & Accessories");
    let f = finding(&keep, FindingKind::OrphanTransactions);
    assert!(
        f.message
            .contains(OrphanTransactions::KeepWithNullContact.label()),
        "{}",
        f.message
    );
    assert_eq!(f.rows.num_rows(), 1);

    // The orphan belongs to no customer, but its spend counts in its category.
    assert_eq!(
        Csv::of(keep.model("customers").unwrap()),
        Csv::of(exclude.model("customers").unwrap())
    );
    let total = |out: &RunOutput| {
        dec(Csv::of(out.model("category").unwrap())
            .row("category", "Clothing, Shoes & Accessories")
            .get("total_amount"))
    };
    assert_eq!(total(&keep), total(&exclude).add(dec("6.9")));
    assert!(!keep.has_failures());
    for id in SINGULAR {
        assert_eq!(status_of(&keep, id), TestStatus::Pass, "{id}");
    }
}

/// Bug: the shipped schema's `not_null` on `contacts_joined_with_transactions.id` (severity
/// error) fails on every orphan the left join keeps by design, so choosing "keep" skips
/// `customers` and `category` and fails the build.
#[test]
fn keeping_orphans_with_the_shipped_schema_still_builds_customers() {
    let out = build_with(
        seeds(),
        &Schema::default_schema(),
        &orphans(OrphanTransactions::KeepWithNullContact),
    );
    assert_eq!(
        node_status(&out, "model.c360.customers"),
        NodeStatus::Success
    );
    assert_eq!(
        node_status(&out, "model.c360.category"),
        NodeStatus::Success
    );
    assert!(
        !out.has_failures(),
        "{:?}",
        with_status(&out, TestStatus::Fail)
    );
}

// --- Categories outside the accepted list -------------------------------------------------------------

#[test]
fn counting_outside_categories_in_other_amount_flags_them() {
    let out = build_with(
        seeds(),
        &six_categories_schema("warn"),
        &outside(OutsideCategories::CountInOther),
    );
    assert_eq!(
        out.config.accepted_categories,
        EXERCISE_SIX.map(String::from)
    );
    assert_eq!(out.edited_schema, None);
    let customers = Csv::of(out.model("customers").unwrap());
    assert!(!customers.header.contains(&"kitchen_amount".to_string()));
    assert_eq!(customers.header.last().unwrap(), "other_amount");
    let row = customers.row("id", KITCHEN_CUSTOMER);
    assert_eq!(dec(row.get("other_amount")), dec(KITCHEN_AMOUNT));
    let f = finding(&out, FindingKind::CategoriesOutsideAcceptedList);
    assert_eq!(f.node, "model.c360.customers");
    assert_eq!(cells(&f.rows, "category"), ["Kitchen"]);
    assert!(
        f.message.contains("counted in other_amount (Kitchen: 1)"),
        "{}",
        f.message
    );
    let t = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!((t.status, t.failures), (TestStatus::Warn, 1));
    for id in SINGULAR {
        assert_eq!(status_of(&out, id), TestStatus::Pass, "{id}");
    }
}

#[test]
fn adding_outside_categories_edits_the_schema_and_gives_customers_their_column() {
    // Even at severity error: the list grows before the test runs.
    let six = six_categories_schema("error");
    let out = build_with(
        seeds(),
        &six,
        &outside(OutsideCategories::AddToAcceptedList),
    );
    let mut grown: Vec<String> = EXERCISE_SIX.map(String::from).to_vec();
    grown.push("Kitchen".into());
    assert_eq!(out.config.accepted_categories, grown);
    assert_eq!(
        out.run_results()["metadata"]["accepted_categories"],
        serde_json::json!(grown)
    );

    let edited = out.edited_schema.as_deref().expect("the schema was edited");
    let again = schema(edited);
    assert_eq!(again.accepted_categories.as_deref().unwrap(), grown);
    assert_eq!(again.tests.len(), six.tests.len());
    assert!(
        edited.contains("# Warn: stg_sf__contacts resolves duplicate ids"),
        "comments survive"
    );
    assert!(
        edited.contains("                      - Kitchen\n"),
        "{edited}"
    );
    // A build with the edited schema and the default policy needs no edit.
    let rebuilt = build_with(seeds(), &again, &config());
    assert_eq!(rebuilt.edited_schema, None);
    assert_eq!(
        status_of(&rebuilt, SOURCE_ACCEPTED_CATEGORY),
        TestStatus::Pass
    );

    let t = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!(t.status, TestStatus::Pass);
    assert!(t.sql.contains("'Kitchen'"), "{}", t.sql);
    let customers = Csv::of(out.model("customers").unwrap());
    let n = customers.header.len();
    assert_eq!(
        customers.header[n - 2..],
        ["kitchen_amount", "other_amount"]
    );
    let row = customers.row("id", KITCHEN_CUSTOMER);
    assert_eq!(dec(row.get("kitchen_amount")), dec(KITCHEN_AMOUNT));
    assert_eq!(dec(row.get("other_amount")), dec("0"));
    assert!(findings(&out, FindingKind::CategoriesOutsideAcceptedList).is_empty());
    assert!(!out.has_failures());
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
    for id in SINGULAR {
        assert_eq!(status_of(&out, id), TestStatus::Pass, "{id}");
    }
}

#[test]
fn adding_when_nothing_is_outside_changes_nothing() {
    let out = build_with(
        seeds(),
        &Schema::default_schema(),
        &outside(OutsideCategories::AddToAcceptedList),
    );
    assert_eq!(out.edited_schema, None);
    let default = build_seeds(&Schema::default_schema());
    assert_eq!(
        out.config.accepted_categories,
        default.config.accepted_categories
    );
    assert_eq!(
        Csv::of(out.model("customers").unwrap()),
        Csv::of(default.model("customers").unwrap())
    );
}

#[test]
fn several_outside_categories_are_added_in_order_of_first_appearance() {
    let contacts = contacts_csv(&[
        contact("c1", "F", "1990-01-01"),
        contact("c2", "M", "1980-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "10.0", "Books"),
        transaction("c1", "t2", "2.5", "Garden & Patio"),
        transaction("c2", "t3", "4.0", "Toys"),
        transaction("c2", "t4", "1.5", "Garden & Patio"),
    ]);
    let text = source_column_tests(
        "web",
        "transactions",
        "category",
        &["- accepted_values: {values: ['Books'], config: {severity: error}}"],
    );
    let s = schema(&text);
    let out = build_with(
        sources(&contacts, &transactions),
        &s,
        &outside(OutsideCategories::AddToAcceptedList),
    );
    assert_eq!(
        out.config.accepted_categories,
        ["Books", "Garden & Patio", "Toys"]
    );
    let edited = schema(out.edited_schema.as_deref().unwrap());
    assert_eq!(
        edited.accepted_categories.unwrap(),
        ["Books", "Garden & Patio", "Toys"]
    );
    let customers = Csv::of(out.model("customers").unwrap());
    assert_eq!(
        customers.header[6..],
        [
            "books_amount",
            "garden_and_patio_amount",
            "toys_amount",
            "other_amount"
        ]
    );
    assert_eq!(
        dec(customers.row("id", "c2").get("garden_and_patio_amount")),
        dec("1.5")
    );
    assert_eq!(
        dec(customers.row("id", "c2").get("toys_amount")),
        dec("4.0")
    );
    assert_eq!(status_of(&out, SOURCE_ACCEPTED_CATEGORY), TestStatus::Pass);

    // Counted in other instead, at severity error the test fails and stops the build.
    let out = build_with(sources(&contacts, &transactions), &s, &config());
    let t = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!(
        (t.status, t.failures),
        (TestStatus::Fail, 2),
        "two distinct values outside"
    );
    assert_eq!(
        node_status(&out, "model.c360.customers"),
        NodeStatus::Skipped
    );
}

// --- The CLI flags ---------------------------------------------------------------------------------

#[test]
fn the_cli_flags_set_the_policies() {
    let tmp = crate::util::tempdir();
    let dir = tmp.path();
    let csv = |name: &str| Csv::read(dir.join("out").join(name));

    assert_exit(
        &c360_seeds("build", &["--duplicates", "keep-last", "--all-models"], dir),
        0,
    );
    assert_eq!(
        csv("stg_sf__contacts.csv")
            .row("id", SEED_DUPLICATE_ID)
            .get("user_name"),
        "cchen"
    );
    assert_exit(
        &c360_seeds(
            "build",
            &["--duplicates", "keep-first", "--all-models"],
            dir,
        ),
        0,
    );
    assert_eq!(
        csv("stg_sf__contacts.csv")
            .row("id", SEED_DUPLICATE_ID)
            .get("user_name"),
        "alyssa.white"
    );
    assert_exit(&c360_seeds("build", &["--duplicates", "drop-all"], dir), 0);
    assert_eq!(csv("customers.csv").rows.len(), 9);
    let json = json(&dir.join("out/run_results.json"));
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["duplicate_contacts_removed", "orphan_transactions"]);
    assert_eq!(json["findings"][0]["rows"], 2);

    // The exercise's strict schema: Kitchen is outside the list, and the test is an error.
    let six = six_categories_text("error");
    let path = write_file(dir, "six.yml", &six);
    assert_exit(
        &c360_seeds(
            "build",
            &["--schema", &path, "--outside-categories", "accept"],
            dir,
        ),
        0,
    );
    assert!(csv("customers.csv")
        .header
        .contains(&"kitchen_amount".to_string()));
    assert_exit(
        &c360_seeds(
            "build",
            &["--schema", &path, "--outside-categories", "other"],
            dir,
        ),
        1,
    );

    let keep_schema = DEFAULT_SCHEMA.replace(
        "      - name: id\n        data_tests:\n          - not_null\n\n  - name: customers",
        "\n  - name: customers",
    );
    let path = write_file(dir, "keep.yml", &keep_schema);
    assert_exit(
        &c360_seeds(
            "build",
            &["--schema", &path, "--orphans", "keep", "--all-models"],
            dir,
        ),
        0,
    );
    assert_eq!(csv("contacts_joined_with_transactions.csv").rows.len(), 100);
    assert_exit(
        &c360_seeds(
            "build",
            &["--schema", &path, "--orphans", "exclude", "--all-models"],
            dir,
        ),
        0,
    );
    assert_eq!(csv("contacts_joined_with_transactions.csv").rows.len(), 99);
}

#[test]
fn an_unknown_policy_value_is_bad_usage() {
    let tmp = crate::util::tempdir();
    for (flag, value) in [
        ("--duplicates", "newest"),
        ("--orphans", "drop"),
        ("--outside-categories", "ignore"),
    ] {
        let out = c360_seeds("build", &[flag, value], tmp.path());
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(value), "{}", stderr(&out));
        assert!(stderr(&out).contains("possible values"), "{}", stderr(&out));
        assert!(!tmp.path().join("out").exists());
    }
}

// --- A user's own catalogue ----------------------------------------------------------------

/// Two contacts buying in a ninth category, `Garden`, outside the shipped accepted list.
fn garden_files() -> (String, String) {
    let contacts = contacts_csv(&[
        contact("c1", "F", "1990-01-01"),
        contact("c2", "M", "1980-01-01"),
    ]);
    let transactions = transactions_csv(&[
        transaction("c1", "t1", "10.5", "Books"),
        transaction("c1", "t2", "2.25", "Garden"),
        transaction("c2", "t3", "4.0", "Garden"),
    ]);
    (contacts, transactions)
}

#[test]
fn a_ninth_category_builds_customers_with_the_shipped_defaults() {
    let (contacts, transactions) = garden_files();
    let out = build_with(
        sources(&contacts, &transactions),
        &Schema::default_schema(),
        &config(),
    );
    assert!(!out.has_failures());
    let t = result(&out, SOURCE_ACCEPTED_CATEGORY);
    assert_eq!((t.status, t.failures), (TestStatus::Warn, 1));
    // One value outside the list (a failure), in two rows.
    assert_eq!(cells(failing_rows(t), "category"), ["Garden", "Garden"]);
    assert_eq!(
        node_status(&out, "model.c360.customers"),
        NodeStatus::Success
    );
    let customers = Csv::of(out.model("customers").unwrap());
    assert!(!customers.header.contains(&"garden_amount".to_string()));
    assert_eq!(
        dec(customers.row("id", "c1").get("other_amount")),
        dec("2.25")
    );
    assert_eq!(
        dec(customers.row("id", "c1").get("books_amount")),
        dec("10.5")
    );
    assert_eq!(
        dec(customers.row("id", "c2").get("other_amount")),
        dec("4.0")
    );
    assert_eq!(
        dec(customers.row("id", "c2").get("total_expense")),
        dec("4.0")
    );
    let f = finding(&out, FindingKind::CategoriesOutsideAcceptedList);
    assert_eq!(f.node, "model.c360.customers");
    assert!(
        f.message.contains("counted in other_amount (Garden: 2)"),
        "{}",
        f.message
    );
    for id in SINGULAR {
        assert_eq!(status_of(&out, id), TestStatus::Pass, "{id}");
    }
}

#[test]
fn c360_build_on_a_ninth_category_exits_0_and_reports_it() {
    let (contacts, transactions) = garden_files();
    let tmp = crate::util::tempdir();
    let dir = tmp.path();
    let contacts = write_file(dir, "contacts.csv", &contacts);
    let transactions = write_file(dir, "transactions.csv", &transactions);
    let out = c360(
        &[
            "build",
            "--contacts",
            &contacts,
            "--transactions",
            &transactions,
            "--as-of",
            AS_OF,
            "--out",
            "out",
        ],
        dir,
    );
    assert_exit(&out, 0);
    let log = stdout(&out);
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("Garden"), "{log}");
    let customers = Csv::read(dir.join("out/customers.csv"));
    assert_eq!(customers.rows.len(), 2);
    assert_eq!(
        dec(customers.row("id", "c2").get("other_amount")),
        dec("4.0")
    );
    let json = json(&dir.join("out/run_results.json"));
    let accepted = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unique_id"] == SOURCE_ACCEPTED_CATEGORY)
        .expect("the accepted-values test's result");
    assert_eq!(accepted["status"], "warn", "{accepted}");
    let kinds: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"categories_outside_accepted_list"),
        "{kinds:?}"
    );
}

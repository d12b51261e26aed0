//! `Build`, the step-by-step and incremental build: stepping gives exactly what `build` gives;
//! after each kind of change (as-of date, policy, schema edit, one source replaced) only
//! what reads the change runs again, and the result equals a build from scratch — for
//! every change, and for random sequences of changes.

use std::collections::BTreeSet;

use c360::engine::config::remediation::{
    DuplicateContacts, OrphanTransactions, OutsideCategories, Policies,
};
use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::data_test::singular::SINGULAR_TESTS;
use c360::engine::data_test::TestStatus;
use c360::engine::value::write::to_csv_string;
use c360::engine::{
    build, Build, NodeStatus, RunConfig, RunOutput, Schema, Sources, StepDone, Table,
};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::data_test_support::{
    config, schema, schema_fixture, seed_path, seeds, six_categories_text,
};
use crate::util::{date, load_contacts, load_transactions, read, repo, sources};

// --- Comparing runs ------------------------------------------------------------------------

fn strip_timings(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("execution_time");
            map.remove("elapsed_time");
            map.values_mut().for_each(strip_timings);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_timings),
        _ => {}
    }
}

fn csv(table: &Table) -> String {
    to_csv_string(table)
}

/// Everything a run produced except timings, by part: `run_results.json` (failing rows
/// included), every node with its table, the findings with their rows, the steps, the
/// edited schema and the settings in force.
fn parts(out: &RunOutput) -> Vec<(&'static str, Value)> {
    let mut results = out.run_results();
    strip_timings(&mut results);
    vec![
        ("run_results", results),
        (
            "nodes",
            out.nodes
                .iter()
                .map(|n| json!({"node": n.node, "table": csv(&n.table)}))
                .collect(),
        ),
        (
            "findings",
            out.findings
                .iter()
                .map(|f| json!({"node": f.node, "kind": f.kind, "message": f.message, "rows": csv(&f.rows)}))
                .collect(),
        ),
        ("steps", json!(out.steps)),
        ("edited_schema", json!(out.edited_schema)),
        ("config", json!(out.config)),
    ]
}

fn assert_same(incremental: &RunOutput, scratch: &RunOutput, what: &str) {
    for ((part, a), (_, b)) in parts(incremental).into_iter().zip(parts(scratch)) {
        assert_eq!(a, b, "{what}: {part} differs from a build from scratch");
    }
}

/// Builds step by step, as the worker does, returning the output and every step's report.
fn stepwise(
    sources: Sources,
    schema: &Schema,
    config: &RunConfig,
    previous: Option<&RunOutput>,
) -> (RunOutput, Vec<StepDone>) {
    let mut b = Build::new(sources, schema, config, previous);
    let total = b.total();
    let mut done = Vec::new();
    while let Some(step) = b.step() {
        let step = step.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((step.index, step.total), (done.len(), total));
        done.push(step);
    }
    assert_eq!(done.len(), total);
    (b.finish().unwrap_or_else(|e| panic!("{e}")), done)
}

/// `previous`'s inputs changed to these: built incrementally, checked against a build from
/// scratch and against the steps' own reports.
fn rebuild(
    sources: &Sources,
    schema: &Schema,
    config: &RunConfig,
    previous: &RunOutput,
) -> RunOutput {
    let (out, done) = stepwise(sources.clone(), schema, config, Some(previous));
    let scratch = build(sources.clone(), schema, config).unwrap_or_else(|e| panic!("{e}"));
    assert_same(&out, &scratch, "an incremental build");
    let reported: Vec<&str> = done
        .iter()
        .filter(|d| d.reused)
        .map(|d| d.unique_id.as_str())
        .collect();
    assert_eq!(out.reused, reported);
    for id in &out.reused {
        assert_eq!(out.fingerprint(id), previous.fingerprint(id), "{id}");
    }
    out
}

/// The unique ids of the nodes and tests that were computed (for a source: loaded anew):
/// neither taken from the previous output nor skipped.
fn recomputed(out: &RunOutput) -> BTreeSet<String> {
    let nodes = out
        .nodes
        .iter()
        .filter(|n| n.result.status != NodeStatus::Skipped)
        .map(|n| n.node.unique_id.clone());
    let tests = out
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Skipped)
        .map(|t| t.unique_id.clone());
    nodes
        .chain(tests)
        .filter(|id| !out.was_reused(id))
        .collect()
}

/// `nodes` and every test of `schema` (with the singular tests) that reads one of them.
fn with_their_tests(schema: &Schema, nodes: &[&str]) -> BTreeSet<String> {
    let generic = schema
        .tests
        .iter()
        .map(|t| (t.unique_id.clone(), t.depends_on()));
    let singular = SINGULAR_TESTS.iter().map(|s| {
        (
            format!("test.c360.{}", s.name),
            s.depends_on
                .iter()
                .map(|m| format!("model.c360.{m}"))
                .collect(),
        )
    });
    let tests = generic
        .chain(singular)
        .filter(|(_, reads)| reads.iter().any(|r| nodes.contains(&r.as_str())))
        .map(|(id, _)| id);
    nodes.iter().map(|n| n.to_string()).chain(tests).collect()
}

fn edge() -> Sources {
    let dir = repo().join("tests/data/edge");
    sources(
        read(dir.join("contacts.csv")),
        read(dir.join("transactions.csv")),
    )
}

const CONTACTS: &str = "source.c360.salesforce.contacts";
const TRANSACTIONS: &str = "source.c360.web.transactions";
const STG_CONTACTS: &str = "model.c360.stg_sf__contacts";
const STG_TRANSACTIONS: &str = "model.c360.stg_web__transactions";
const JOINED: &str = "model.c360.contacts_joined_with_transactions";
const CUSTOMERS: &str = "model.c360.customers";
const CATEGORY: &str = "model.c360.category";
const SEGMENTS: &str = "model.c360.customer_segments";
const SPEND: &str = "model.c360.category_spend";
const RECOMMENDATIONS: &str = "model.c360.recommendations";
const EVALUATION: &str = "model.c360.recommendation_evaluation";
/// The dashboards' marts, all downstream of the join.
const DASHBOARDS: [&str; 4] = [SEGMENTS, SPEND, RECOMMENDATIONS, EVALUATION];

/// `nodes` and the dashboards' marts.
fn and_dashboards(nodes: &[&'static str]) -> Vec<&'static str> {
    nodes.iter().copied().chain(DASHBOARDS).collect()
}
const ACCEPTED_VALUES: &str = "test.c360.source_accepted_values_web_transactions_category";

/// The shipped schema with one snippet replaced.
fn edited(from: &str, to: &str) -> Schema {
    assert_eq!(DEFAULT_SCHEMA.matches(from).count(), 1, "{from}");
    schema(&DEFAULT_SCHEMA.replace(from, to))
}

const KITCHEN: &str = "                      - Kitchen\n";

/// The exercise's six categories, with the accepted-values test at severity `warn` (as
/// shipped) so that Kitchen's transactions warn instead of skipping everything downstream.
fn six_categories_warn() -> Schema {
    schema(&six_categories_text("warn"))
}

/// The exercise's strict schema: six categories, the accepted-values test an `error`, so
/// Kitchen's transaction skips everything downstream.
fn six_categories_error() -> Schema {
    schema(&six_categories_text("error"))
}

/// `customers.id`'s `unique` test (which passes) at severity `warn`.
fn unique_customers_id_warns() -> Schema {
    edited(
        "  - name: customers\n    columns:\n      - name: id\n        data_tests:\n          - unique\n",
        "  - name: customers\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {severity: warn}}\n",
    )
}

/// The joined model's `not_null` on `id` at severity `error`: the keep-orphans policy then
/// fails it, and `customers` and `category` are skipped.
fn joined_id_not_null_errors() -> Schema {
    edited(
        "          - not_null:\n              config:\n                severity: warn\n\n  - name: customers",
        "          - not_null:\n              config:\n                severity: error\n\n  - name: customers",
    )
}

// --- Stepping is building ------------------------------------------------------------------

#[test]
fn stepping_gives_what_build_gives_on_the_seeds_and_the_edge_cases() {
    let schemas = [
        ("the shipped schema", Schema::default_schema()),
        ("no tests", Schema::empty()),
        (
            "the exercise's done-when schema",
            schema(&read(schema_fixture("exercise_done_when.yml"))),
        ),
        ("a failing error test", joined_id_not_null_errors()),
    ];
    for (data, sources, as_of) in [
        ("seeds", seeds(), "2026-11-26"),
        ("edge", edge(), "2027-03-01"),
    ] {
        for (what, schema) in &schemas {
            for duplicate_contacts in DuplicateContacts::ALL {
                for orphan_transactions in OrphanTransactions::ALL {
                    for outside_categories in OutsideCategories::ALL {
                        let config = RunConfig {
                            policies: Policies {
                                duplicate_contacts,
                                orphan_transactions,
                                outside_categories,
                            },
                            ..RunConfig::new(date(as_of))
                        };
                        let (stepped, done) = stepwise(sources.clone(), schema, &config, None);
                        let built = build(sources.clone(), schema, &config).unwrap();
                        let label = format!("{data}, {what}, {:?}", config.policies);
                        assert_same(&stepped, &built, &label);
                        assert!(done.iter().all(|d| !d.reused), "{label}");
                        assert!(stepped.reused.is_empty(), "{label}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_step_is_one_node_or_one_test_named_for_a_progress_report() {
    let (out, done) = stepwise(seeds(), &Schema::default_schema(), &config(), None);
    assert_eq!(done.len(), out.nodes.len() + out.tests.len());
    let names: Vec<&str> = done.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        &names[..4],
        [
            "test_macro_age_in_years",
            "test_macro_parse_timestamp",
            "salesforce.contacts",
            "source_unique_salesforce_contacts_id"
        ]
    );
    assert!(names.contains(&"stg_sf__contacts") && names.contains(&"category"));
}

// --- What each change re-runs --------------------------------------------------------------

#[test]
fn a_new_as_of_date_reruns_only_the_models_that_compute_ages_and_their_tests() {
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    let later = config().with_as_of(date("2030-06-15"));
    let second = rebuild(&sources, &schema, &later, &first);

    assert_eq!(
        recomputed(&second),
        with_their_tests(&schema, &[CUSTOMERS, CATEGORY, SEGMENTS, SPEND])
    );
    // Recommendations measure recency from each customer's own latest purchase.
    assert!(second.was_reused(RECOMMENDATIONS) && second.was_reused(EVALUATION));
    for id in [
        CONTACTS,
        TRANSACTIONS,
        STG_CONTACTS,
        STG_TRANSACTIONS,
        JOINED,
    ] {
        assert!(second.was_reused(id), "{id}");
    }
    assert!(second.was_reused("test.c360.source_unique_salesforce_contacts_id"));
    assert!(!second.was_reused("test.c360.unique_customers_id"));
    // The ages did move: the re-run was needed.
    assert_ne!(
        csv(first.model("customers").unwrap()),
        csv(second.model("customers").unwrap())
    );
}

#[test]
fn a_duplicates_policy_switch_reruns_contacts_staging_and_everything_downstream() {
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    let mut switched = config();
    switched.policies.duplicate_contacts = DuplicateContacts::DropAll;
    let second = rebuild(&sources, &schema, &switched, &first);

    assert_eq!(
        recomputed(&second),
        with_their_tests(
            &schema,
            &and_dashboards(&[STG_CONTACTS, JOINED, CUSTOMERS, CATEGORY]),
        )
    );
    assert!(second.was_reused(STG_TRANSACTIONS));
    assert!(second.was_reused(CONTACTS));
    // The findings follow the node: the duplicates' is new, the others are reused or re-run.
    assert_ne!(
        first.findings[0].message, second.findings[0].message,
        "the finding names the policy"
    );
}

#[test]
fn an_orphans_policy_switch_reruns_from_the_join() {
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    let mut switched = config();
    switched.policies.orphan_transactions = OrphanTransactions::KeepWithNullContact;
    let second = rebuild(&sources, &schema, &switched, &first);
    assert_eq!(
        recomputed(&second),
        with_their_tests(&schema, &and_dashboards(&[JOINED, CUSTOMERS, CATEGORY]))
    );
}

#[test]
fn growing_the_accepted_list_by_policy_reruns_customers_and_the_list_s_tests() {
    let six = six_categories_warn();
    let sources = seeds();
    let first = build(sources.clone(), &six, &config()).unwrap();
    let mut grow = config();
    grow.policies.outside_categories = OutsideCategories::AddToAcceptedList;
    let second = rebuild(&sources, &six, &grow, &first);
    assert!(second.edited_schema.is_some(), "Kitchen was added");
    let mut expected = with_their_tests(&six, &[CUSTOMERS]);
    expected.insert(ACCEPTED_VALUES.into());
    assert_eq!(recomputed(&second), expected);
    // Segments and their spend do not read customers' category columns.
    for id in [
        STG_CONTACTS,
        STG_TRANSACTIONS,
        JOINED,
        CATEGORY,
        SEGMENTS,
        SPEND,
    ] {
        assert!(second.was_reused(id), "{id}");
    }
}

#[test]
fn a_policy_switch_that_changes_nothing_reruns_nothing() {
    // The shipped list has Kitchen: the seeds have no category outside it to add.
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    let mut grow = config();
    grow.policies.outside_categories = OutsideCategories::AddToAcceptedList;
    let second = rebuild(&sources, &schema, &grow, &first);
    assert!(recomputed(&second).is_empty(), "{:?}", recomputed(&second));
}

#[test]
fn a_severity_edit_reruns_that_test_alone() {
    let sources = seeds();
    let first = build(sources.clone(), &Schema::default_schema(), &config()).unwrap();
    let second = rebuild(&sources, &unique_customers_id_warns(), &config(), &first);
    assert_eq!(
        recomputed(&second),
        BTreeSet::from(["test.c360.unique_customers_id".to_string()])
    );
    assert_eq!(
        second
            .test("test.c360.unique_customers_id")
            .unwrap()
            .severity,
        c360::engine::data_test::Severity::Warn
    );
}

#[test]
fn a_severity_edit_that_fails_skips_downstream_without_running_a_model() {
    let sources = seeds();
    let schema = Schema::default_schema();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    // The contacts' unique test, which finds the planted duplicate, at severity error.
    let strict = edited(
        "              - unique:\n                  config:\n                    severity: warn\n              - not_null",
        "              - unique:\n                  config:\n                    severity: error\n              - not_null",
    );
    let second = rebuild(&sources, &strict, &config(), &first);
    let unique = "test.c360.source_unique_salesforce_contacts_id";
    assert_eq!(second.test(unique).unwrap().status, TestStatus::Fail);
    assert_eq!(recomputed(&second), BTreeSet::from([unique.to_string()]));
    for id in and_dashboards(&[STG_CONTACTS, JOINED, CUSTOMERS, CATEGORY]) {
        assert_eq!(second.node(id).unwrap().result.status, NodeStatus::Skipped);
    }
    assert!(second.was_reused(STG_TRANSACTIONS));

    // Back to warn: the skipped nodes were not built, so they run again.
    let third = rebuild(&sources, &schema, &config(), &second);
    assert_eq!(
        recomputed(&third),
        with_their_tests(
            &schema,
            &and_dashboards(&[STG_CONTACTS, JOINED, CUSTOMERS, CATEGORY]),
        )
        .into_iter()
        .chain([unique.to_string()])
        .collect()
    );
}

#[test]
fn editing_the_accepted_list_reruns_customers_and_the_tests_of_the_list() {
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    let garden = edited(
        KITCHEN,
        &format!("{KITCHEN}                      - Garden\n"),
    );
    let second = rebuild(&sources, &garden, &config(), &first);
    let mut expected = with_their_tests(&schema, &[CUSTOMERS]);
    expected.insert(ACCEPTED_VALUES.into());
    assert_eq!(recomputed(&second), expected);
    assert!(second
        .model("customers")
        .unwrap()
        .column_names()
        .any(|c| c == "garden_amount"));
    // A test below the edit moved a line down; its result is reused, at its new line.
    let below = "test.c360.unique_stg_sf__contacts_id";
    let line = |out: &RunOutput| out.test(below).unwrap().line.unwrap();
    assert_eq!(line(&second), line(&first) + 1);
    assert!(second.was_reused(below));
}

#[test]
fn replacing_one_source_reruns_only_what_depends_on_it() {
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    // The transactions export without its last row; the contacts table kept as it was.
    let text = read(seed_path("transactions.csv"));
    let shorter: String =
        text.lines()
            .take(text.lines().count() - 1)
            .fold(String::new(), |mut s, l| {
                s.push_str(l);
                s.push('\n');
                s
            });
    let new_transactions = Sources {
        transactions: load_transactions(&shorter).unwrap(),
        ..sources.clone()
    };
    let second = rebuild(&new_transactions, &schema, &config(), &first);
    assert_eq!(
        recomputed(&second),
        with_their_tests(
            &schema,
            &and_dashboards(&[TRANSACTIONS, STG_TRANSACTIONS, JOINED, CUSTOMERS, CATEGORY]),
        )
    );
    assert!(!second.was_reused(TRANSACTIONS));
    assert!(second.was_reused(CONTACTS) && second.was_reused(STG_CONTACTS));
    assert!(second.was_reused("test.c360.unique_stg_sf__contacts_id"));

    // And the other way round: new contacts, the transactions kept.
    let new_contacts = Sources {
        contacts: load_contacts(read(seed_path("contacts.csv"))).unwrap(),
        ..new_transactions.clone()
    };
    let third = rebuild(&new_contacts, &schema, &config(), &second);
    assert_eq!(
        recomputed(&third),
        with_their_tests(
            &schema,
            &and_dashboards(&[CONTACTS, STG_CONTACTS, JOINED, CUSTOMERS, CATEGORY])
        )
    );
    assert!(third.was_reused(TRANSACTIONS) && third.was_reused(STG_TRANSACTIONS));
}

#[test]
fn unchanged_inputs_reuse_everything_and_a_reload_of_the_same_bytes_reuses_no_source() {
    let schema = Schema::default_schema();
    let sources = seeds();
    let first = build(sources.clone(), &schema, &config()).unwrap();
    let second = rebuild(&sources, &schema, &config(), &first);
    assert!(recomputed(&second).is_empty());
    // Identity, not content: a table loaded again is new, though its bytes are the same.
    let third = rebuild(&seeds(), &schema, &config(), &second);
    assert!(!third.was_reused(CONTACTS) && !third.was_reused(TRANSACTIONS));
    assert!(third.was_reused("test.c360.test_macro_age_in_years"));
}

// --- Any sequence of changes -----------------------------------------------------------------

/// The inputs a shell can change between two builds.
#[derive(Clone, Debug)]
struct Inputs {
    /// Which contacts and transactions: 0 the seeds, 1 the edge cases, 2 the seeds loaded
    /// afresh (the same bytes, new columns).
    contacts: usize,
    transactions: usize,
    as_of: &'static str,
    policies: Policies,
    /// Index into `schemas()`.
    schema: usize,
}

fn schemas() -> Vec<Schema> {
    vec![
        Schema::default_schema(),
        unique_customers_id_warns(),
        joined_id_not_null_errors(),
        six_categories_error(),
        six_categories_warn(),
        edited(
            KITCHEN,
            &format!("{KITCHEN}                      - Garden\n"),
        ),
        Schema::empty(),
    ]
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        0..3usize,
        0..3usize,
        prop::sample::select(vec!["2023-05-09", "2026-11-26", "2027-03-01"]),
        prop::sample::select(DuplicateContacts::ALL.to_vec()),
        prop::sample::select(OrphanTransactions::ALL.to_vec()),
        prop::sample::select(OutsideCategories::ALL.to_vec()),
        0..7usize,
    )
        .prop_map(|(contacts, transactions, as_of, d, o, c, schema)| Inputs {
            contacts,
            transactions,
            as_of,
            policies: Policies {
                duplicate_contacts: d,
                orphan_transactions: o,
                outside_categories: c,
            },
            schema,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_sequence_of_changes_gives_what_a_build_from_scratch_gives(
        sequence in prop::collection::vec(inputs(), 2..6)
    ) {
        let (seeds, edge) = (seeds(), edge());
        let contacts = [seeds.contacts.clone(), edge.contacts.clone()];
        let transactions = [seeds.transactions.clone(), edge.transactions.clone()];
        let schemas = schemas();
        let pick = |pool: &[Table; 2], i: usize, fresh: fn() -> Table| {
            if i < 2 { pool[i].clone() } else { fresh() }
        };
        let mut previous: Option<RunOutput> = None;
        for inputs in &sequence {
            let sources = Sources {
                contacts: pick(&contacts, inputs.contacts, || seeds_again().contacts),
                transactions: pick(&transactions, inputs.transactions, || seeds_again().transactions),
                load_times: [0.0, 0.0],
            };
            let config = RunConfig { policies: inputs.policies, ..RunConfig::new(date(inputs.as_of)) };
            let schema = &schemas[inputs.schema];
            let out = match &previous {
                Some(p) => rebuild(&sources, schema, &config, p),
                None => build(sources, schema, &config).unwrap(),
            };
            previous = Some(out);
        }
    }
}

fn seeds_again() -> Sources {
    seeds()
}

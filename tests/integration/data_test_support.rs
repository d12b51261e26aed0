//! Helpers shared by the data-test modules (`schema`, `data_tests`, `policies`,
//! `freshness`): the demo seeds and the exercise's files as sources, a build with a schema and
//! a config, schema files written around one test, hand-built columns, results looked up by
//! unique id, and the `c360` binary run in a temporary directory.
//!
//! Row builders for the sources (`contact`, `transaction_at`, …) are `util`'s; this file only
//! adds what the data tests need on top.

#![allow(dead_code)] // each test module uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use c360::engine::data_test::schema::{parse, SchemaError};
use c360::engine::data_test::{TestResult, TestStatus};
use c360::engine::value::column::TextColumn;
use c360::engine::value::time::parse_timestamp;
use c360::engine::{build, Column, NodeStatus, RunConfig, RunOutput, Schema, Sources};

use crate::util::{date, repo};

/// The as-of day of every data-test run (the seeds' load time is years before it).
pub const AS_OF: &str = "2026-11-26";

/// The exercise's six categories: its accepted list before Kitchen was added.
pub const EXERCISE_SIX: [&str; 6] = [
    "Apps & Games",
    "Beauty",
    "Books",
    "Clothing, Shoes & Accessories",
    "Movies & TV",
    "Sports, Fitness & Outdoors",
];

/// The demo data's planted defects.
pub const SEED_DUPLICATE_ID: &str = "abb9f1b1-fce1-421f-8069-c83405000f40";
pub const SEED_ORPHAN_CONTACT_ID: &str = "519aa94f-9102-480d-88e1-56be06de57c9";
pub const SEED_ORPHAN_NEAREST_ID: &str = "519a796f-9802-480d-88e1-56be06de57c9";
pub const SEED_ORPHAN_TRANSACTION_ID: &str = "70609950-60f6-41d2-9921-48352856d85d";

// --- Unique ids ----------------------------------------------------------------------------

pub const SOURCE_UNIQUE_CONTACT_ID: &str = "test.c360.source_unique_salesforce_contacts_id";
pub const SOURCE_ACCEPTED_CATEGORY: &str =
    "test.c360.source_accepted_values_web_transactions_category";
pub const SOURCE_RELATIONSHIPS_CONTACT_ID: &str =
    "test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts";
pub const SINGULAR: [&str; 4] = [
    "test.c360.assert_customer_category_amounts_sum_to_total_expense",
    "test.c360.assert_category_amounts_match_joined_spend",
    "test.c360.assert_purchase_dates_match_transactions",
    "test.c360.assert_one_customer_per_joined_contact",
];
pub const MACROS: [&str; 2] = [
    "test.c360.test_macro_age_in_years",
    "test.c360.test_macro_parse_timestamp",
];
pub const MODEL_IDS: [&str; 9] = [
    "model.c360.stg_sf__contacts",
    "model.c360.stg_web__transactions",
    "model.c360.contacts_joined_with_transactions",
    "model.c360.customers",
    "model.c360.category",
    "model.c360.customer_segments",
    "model.c360.category_spend",
    "model.c360.recommendations",
    "model.c360.recommendation_evaluation",
];

// --- Sources -------------------------------------------------------------------------------

pub fn seed_path(name: &str) -> PathBuf {
    repo().join("seeds").join(name)
}

fn read_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub use crate::util::sources;

/// The demo seeds (12 contacts, 100 transactions).
pub fn seeds() -> Sources {
    sources(
        read_bytes(&seed_path("contacts.csv")),
        read_bytes(&seed_path("transactions.csv")),
    )
}

pub use crate::util::exercise_dir;

/// The exercise's original files, read in place (never copied into the repository).
pub fn exercise_sources(dir: &Path) -> Sources {
    sources(
        read_bytes(&dir.join("contacts.csv")),
        read_bytes(&dir.join("transactions.csv")),
    )
}

// --- Schemas and builds --------------------------------------------------------------------

/// A schema file under `tests/data/schema/`.
pub fn schema_fixture(name: &str) -> PathBuf {
    repo().join("tests/data/schema").join(name)
}

/// Parses a schema that must be valid.
pub fn schema(text: &str) -> Schema {
    parse(text).unwrap_or_else(|e| panic!("{e}\n--- schema ---\n{text}"))
}

/// Parses a schema that must be invalid; its problems, in line order.
pub fn schema_errors(text: &str) -> Vec<SchemaError> {
    match parse(text) {
        Ok(s) => panic!(
            "expected schema errors, but it parsed with {} tests\n--- schema ---\n{text}",
            s.tests.len()
        ),
        Err(e) => e.0,
    }
}

/// The defaults as of [`AS_OF`].
pub fn config() -> RunConfig {
    RunConfig::new(date(AS_OF))
}

pub fn build_with(sources: Sources, schema: &Schema, config: &RunConfig) -> RunOutput {
    build(sources, schema, config).unwrap_or_else(|e| panic!("{e}"))
}

/// The seeds built with `schema` and the default policies.
pub fn build_seeds(schema: &Schema) -> RunOutput {
    build_with(seeds(), schema, &config())
}

/// The shipped accepted-values test's config: severity `warn`, because a category outside the
/// list is counted in `other_amount`.
pub const SHIPPED_CATEGORY_SEVERITY: &str =
    "                      - Sports, Fitness & Outdoors\n                  config:\n                    severity: warn\n";

/// The shipped schema's text with the exercise's six categories (no Kitchen) and the
/// accepted-values test at `severity` (`error` is the exercise's strict schema, as dbt runs it).
pub fn six_categories_text(severity: &str) -> String {
    let shipped = c360::engine::data_test::schema::DEFAULT_SCHEMA;
    assert_eq!(shipped.matches(SHIPPED_CATEGORY_SEVERITY).count(), 1);
    shipped
        .replace("                      - Kitchen\n", "")
        .replace(
            SHIPPED_CATEGORY_SEVERITY,
            &SHIPPED_CATEGORY_SEVERITY.replace("severity: warn", &format!("severity: {severity}")),
        )
}

/// A schema with `tests` (YAML list items, each one line such as `- unique` or
/// `- accepted_range: {min_value: 0}`) on one column of a source table.
pub fn source_column_tests(source: &str, table: &str, column: &str, tests: &[&str]) -> String {
    let mut text = format!(
        "version: 2\nsources:\n  - name: {source}\n    tables:\n      - name: {table}\n        \
         columns:\n          - name: {column}\n            data_tests:\n"
    );
    for t in tests {
        text.push_str(&format!("              {t}\n"));
    }
    text
}

/// A schema with `tests` on one column of a model.
pub fn model_column_tests(model: &str, column: &str, tests: &[&str]) -> String {
    let mut text = format!(
        "version: 2\nmodels:\n  - name: {model}\n    columns:\n      - name: {column}\n        \
         data_tests:\n"
    );
    for t in tests {
        text.push_str(&format!("          {t}\n"));
    }
    text
}

/// The shipped schema with `extra` (indented YAML under `models:`) appended.
pub fn shipped_plus_models(extra: &str) -> String {
    format!("{}{extra}", c360::engine::data_test::schema::DEFAULT_SCHEMA)
}

// --- Results -------------------------------------------------------------------------------

/// A test's result by unique id; panics listing the ids there are.
pub fn result<'a>(out: &'a RunOutput, unique_id: &str) -> &'a TestResult {
    out.test(unique_id).unwrap_or_else(|| {
        let ids: Vec<&str> = out.tests.iter().map(|t| t.unique_id.as_str()).collect();
        panic!("no test {unique_id}; the run has {ids:#?}")
    })
}

/// The results of the schema's generic tests (not macro or singular tests).
pub fn generic_results(out: &RunOutput) -> Vec<&TestResult> {
    out.tests
        .iter()
        .filter(|t| t.test_kind != "macro" && t.test_kind != "singular")
        .collect()
}

/// The one generic test of a run whose schema has exactly one.
pub fn only_generic(out: &RunOutput) -> &TestResult {
    let generic = generic_results(out);
    assert_eq!(generic.len(), 1, "{generic:#?}");
    generic[0]
}

pub fn status_of(out: &RunOutput, unique_id: &str) -> TestStatus {
    result(out, unique_id).status
}

pub fn node_status(out: &RunOutput, unique_id: &str) -> NodeStatus {
    out.node(unique_id)
        .unwrap_or_else(|| panic!("no node {unique_id}"))
        .result
        .status
}

/// The unique ids of the tests with `status`.
pub fn with_status(out: &RunOutput, status: TestStatus) -> Vec<&str> {
    out.tests
        .iter()
        .filter(|t| t.status == status)
        .map(|t| t.unique_id.as_str())
        .collect()
}

/// A failing-rows table's column as text cells ("" for null).
pub fn cells(table: &c360::engine::Table, column: &str) -> Vec<String> {
    let col = table.column(column).unwrap_or_else(|| {
        panic!(
            "no column {column} in {:?}",
            table.column_names().collect::<Vec<_>>()
        )
    });
    (0..table.num_rows())
        .map(|r| col.get(r).to_string())
        .collect()
}

/// A test's kept failing rows, which must be there.
pub fn failing_rows(result: &TestResult) -> &c360::engine::Table {
    result
        .failing_rows
        .as_ref()
        .unwrap_or_else(|| panic!("{} kept no failing rows", result.unique_id))
}

// --- Hand-built columns --------------------------------------------------------------------

pub fn text(values: &[Option<&str>]) -> Column {
    Column::Text(TextColumn::from_values(values.iter().copied()))
}

pub fn integers(values: &[Option<i64>]) -> Column {
    Column::Integer(values.to_vec())
}

/// Decimals given as units at `scale` (`Some(129)` at scale 1 is 12.9).
pub fn decimals(scale: u8, units: &[Option<i64>]) -> Column {
    Column::Decimal {
        values: units.to_vec(),
        scale,
    }
}

pub fn ts(text: &str) -> i64 {
    parse_timestamp(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

pub fn timestamps(values: &[Option<&str>]) -> Column {
    Column::Timestamp(values.iter().map(|v| v.map(ts)).collect())
}

pub fn dates(values: &[Option<&str>]) -> Column {
    Column::Date(values.iter().map(|v| v.map(date)).collect())
}

// --- The binary ----------------------------------------------------------------------------

/// Runs `c360 args…` in `dir`.
pub fn c360(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_c360"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the c360 binary runs")
}

/// `c360 <command> --contacts … --transactions … --as-of AS_OF --out out extra…` on the seeds.
pub fn c360_seeds(command: &str, extra: &[&str], dir: &Path) -> Output {
    let contacts = seed_path("contacts.csv").display().to_string();
    let transactions = seed_path("transactions.csv").display().to_string();
    let mut args = vec![
        command,
        "--contacts",
        &contacts,
        "--transactions",
        &transactions,
        "--as-of",
        AS_OF,
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    c360(&args, dir)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit status, showing both streams when it differs.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// A JSON file written by the binary.
pub fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The entry of `run_results.json`'s `results` with `unique_id`.
pub fn json_result<'a>(
    run_results: &'a serde_json::Value,
    unique_id: &str,
) -> &'a serde_json::Value {
    run_results["results"]
        .as_array()
        .expect("results is a list")
        .iter()
        .find(|r| r["unique_id"] == unique_id)
        .unwrap_or_else(|| panic!("no {unique_id} in run_results.json"))
}

/// Writes a file into `dir` and returns its path as text.
pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path.display().to_string()
}

//! c360's integration tests: one test binary, one module per area (ripgrep's `tests/tests.rs`
//! layout).
//!
//! The modules live in `tests/integration/` and are pulled in with `#[path]`: Cargo builds every
//! `tests/*.rs` file as a test binary of its own, and `[package] autotests = false` would be
//! needed to keep sibling module files out of that. Fixtures are in `tests/data/`, expected
//! outputs in `tests/golden/` (c360's own in `golden/seeds/`, PostgreSQL's in
//! `golden/postgres/`, made by `scripts/oracle/run`). Nothing here needs PostgreSQL installed.

// Shared helpers: building sources from rows, running the engine, reading CSV, exact decimals.
#[path = "integration/util.rs"]
mod util;

// Ingestion: every quirk real exports have, and every typed error, with file, line, column
// and value.
#[path = "integration/ingestion.rs"]
mod ingestion;

// Age in completed years: birthdays, 29 February, births after the as-of date.
#[path = "integration/age.rs"]
mod age;

// Money is exact: sums and averages print like `351.9`, never with float noise.
#[path = "integration/money.rs"]
mod money;

// The five models on small hand-written inputs: dedupe, inner join, customers' columns,
// category statistics, findings and run results.
#[path = "integration/models.rs"]
mod models;

// Property tests: the customers invariants over generated inputs, CSV round trips, age.
#[path = "integration/properties.rs"]
mod properties;

// Hostile values past the loader: clashing category names, a category that would rewrite
// the schema, formulas in downloads, an age band on a count, the category cap.
#[path = "integration/hostile.rs"]
mod hostile;

// Robustness: arbitrary and near-valid bytes through the loader, the mapping and a build:
// never a panic, always a table or a typed error at a line the file has.
#[path = "integration/robustness.rs"]
mod robustness;

// Golden outputs for the demo seeds, and the seeds reproduced by `c360 generate`.
#[path = "integration/golden.rs"]
mod golden;

// c360 against PostgreSQL: the committed outputs of the solved dbt models on a real Postgres
// (scripts/oracle/), compared value by value, for the seeds, an edge-case pair and the
// exercise's own files.
#[path = "integration/oracle.rs"]
mod oracle;

// The `c360` binary's contract: files written, exit statuses, nothing written on failure,
// deterministic generation.
#[path = "integration/cli.rs"]
mod cli;

// Shared helpers of the data-test modules below: seeds and the exercise's files as sources,
// schema files around one test, hand-built columns, results by unique id, the binary.
#[path = "integration/data_test_support.rs"]
mod data_test_support;

// Schema files: the shipped schema.yml, every way dbt writes a test and its config, the
// threshold parser, every bad file reported with its line and never a panic, and edits to the
// accepted category list.
#[path = "integration/schema.rs"]
mod schema;

// Data tests like `dbt build`: each generic kind and config field, singular tests made to fail
// on hand-broken models, macro tests, run order and the skip cascade, run_results.json, the
// exit statuses of `c360 build` / `c360 test`, and the "done when" on the exercise.
#[path = "integration/data_tests.rs"]
mod data_tests;

// The remediation policies (duplicates, orphans, outside categories): their effect on the
// models, their findings, the edited schema, and the CLI flags that set them.
#[path = "integration/policies.rs"]
mod policies;

// Source freshness: pass, warn, error and runtime error at the thresholds' edges, the
// message's words, never skipping models in a build, and `c360 freshness`'s exit status.
#[path = "integration/freshness.rs"]
mod freshness;

// Step-by-step and incremental builds: stepping gives what `build` gives; each kind of change
// (as-of, policy, schema edit, one source replaced) re-runs only what reads it, and the result
// equals a build from scratch.
#[path = "integration/incremental.rs"]
mod incremental;

// The PII-masked export: leak scans of every dataset under every default policy, keyed
// pseudonyms (determinism, unlinkability, joins), k-anonymity recounted from the file, CSV
// injection, Unicode and empty values, bad policy files.
#[path = "integration/export.rs"]
mod export;

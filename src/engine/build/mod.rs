//! Running the project the way `dbt build` does: macro tests, then each source's tests, then
//! each model followed by its tests, in DAG order. A test of severity `error` that fails
//! skips everything downstream of the node it tests (with the reason); `warn` lets the run
//! go on. Freshness is checked on the side and never skips anything. [`run`] is the models
//! alone, like `dbt run`.
//!
//! [`Build`] is the same run one step at a time — one node or one test per step — so that a
//! shell can report progress and stop between steps, and incremental: given the previous
//! run's output, it takes every node and test whose inputs did not change from there instead
//! of recomputing it. [`build`] is a `Build` run to its end with no previous output.
//!
//! What a run produced is [`output`] (`RunOutput`, `run_results.json`); the order is planned in
//! `plan.rs`, each step taken in `step.rs`, reuse decided in `reuse.rs` from `fingerprint.rs`.

mod data_tests;
mod fingerprint;
pub mod output;
mod plan;
mod reuse;
mod step;

pub use step::{Build, StepDone};

use super::error::RunError;
use super::source::Sources;
use crate::engine::config::RunConfig;
use crate::engine::data_test::schema::Schema;
use output::RunOutput;

/// Runs the models only, with `config`'s accepted categories and no tests.
pub fn run(sources: Sources, config: &RunConfig) -> Result<RunOutput, RunError> {
    build(sources, &Schema::empty(), config)
}

/// Runs sources' tests, models and models' tests in DAG order, with `dbt build`'s skipping.
pub fn build(sources: Sources, schema: &Schema, config: &RunConfig) -> Result<RunOutput, RunError> {
    Build::new(sources, schema, config, None).finish()
}

/// The demo data (`c360 generate --contacts 12 --transactions 100 --seed 2023`, every defect
/// planted), for the engine's unit tests.
#[cfg(test)]
pub(crate) fn demo_sources() -> Sources {
    use super::generate::{generate, GenerateOptions, Shape};
    use super::source::{SourceFile, SourceFiles};
    let options = GenerateOptions {
        contacts: 12,
        transactions: 100,
        seed: 2023,
        plant_defects: true,
        shape: Shape::Exercise,
    };
    let (mut contacts, mut transactions) = (Vec::new(), Vec::new());
    generate(&options, &mut contacts, &mut transactions).expect("in memory");
    Sources::from_bytes(SourceFiles {
        contacts: SourceFile {
            name: "contacts.csv",
            bytes: &contacts,
        },
        transactions: SourceFile {
            name: "transactions.csv",
            bytes: &transactions,
        },
    })
    .expect("the generator writes valid exports")
}

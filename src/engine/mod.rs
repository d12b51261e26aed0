//! The engine: everything c360 computes, with no knowledge of the browser or the terminal.
//!
//! Plain data in, plain data out: sources are parsed from bytes into typed columnar
//! [`Table`]s, the exercise's models run as a DAG in dependency order ([`run`]), and every
//! result is a `Table` that any shell can page through, sort or write as CSV. The engine
//! compiles natively and to `wasm32-unknown-unknown`; it is what the CLI, the web app, the
//! tests and the benchmarks call.
//!
//! It is deliberately not a general dataframe library: the columns, joins and aggregations
//! are the ones these models need, specialised for speed (dictionary-encoded text, integer
//! join keys, exact integer decimals).
//!
//! The modules, read from the leaves up (no module imports another in a circle:
//! `python3 ../shared/tools/cycles.py src/engine` prints `none`):
//!
//! - words and values: [`unique_id`] (dbt's ids), [`column`](mod@column), [`decimal`], [`time`],
//!   [`table`], [`slug`]; [`error`] (typed errors by phase, wrapping the mapping's and the
//!   decoder's);
//! - the run's settings: [`config`] (with [`remediation`], the three policies);
//! - sources: [`source`] (`def`, the two sources; the loader; `excerpt`; `sources`), fed by
//!   [`decode`] (encodings and delimiters) and [`mapping`] (the user's headers);
//! - models (staging `stg_*`, then the marts): [`models`], reporting [`findings`], with the
//!   domain logic they call ([`segment`], [`recommend`], [`categories`]); [`dag`] orders them;
//! - data tests: [`data_test`] (one file per kind), [`schema`] (the dbt schema file that
//!   attaches them), [`freshness`];
//! - the run: [`build`](mod@build) (plan, steps, reuse, and its `output`);
//! - outputs: [`write`](mod@write) (the CSV writer), [`export`] (the masked export; its `policy` is
//!   masking, not [`remediation`]);
//! - beside them: [`generate`] (synthetic exports) and [`bench`](mod@bench).

pub mod bench;
pub mod build;
pub mod config;
pub mod data_test;
pub mod error;
pub mod export;
pub mod generate;
pub mod models;
pub mod source;
pub mod value;

pub use build::output::{NodeOutput, NodeResult, NodeStatus, RunOutput, Step};
pub use build::{build, run, Build, StepDone};
pub use config::{ConfigPart, RunConfig};
pub use data_test::schema::Schema;
pub use error::{InputError, RunError};
pub use models::dag::{graph, Node, NodeKind};
pub use models::findings::{Finding, FindingKind};
pub use source::{SourceFile, SourceFiles, Sources};
pub use value::column::{Column, DataType, Value};
pub use value::decimal::Decimal;
pub use value::table::Table;

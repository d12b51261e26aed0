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
//! The folders are the layers, read from the leaves up; outside its tests a folder imports
//! only from the folders above it in this list, and no module imports another in a circle
//! (`python3 ../shared/tools/cycles.py src/engine` prints `none`):
//!
//! - [`value`]: the words and values every layer speaks: [`unique_id`](value::unique_id) (dbt's
//!   ids), [`column`](mod@value::column), [`decimal`](value::decimal), [`time`](value::time),
//!   [`table`](value::table), [`slug`](value::slug), and [`write`](mod@value::write) (the one CSV
//!   writer, beside the table it writes: the build and the export both use it);
//! - [`config`]: the run's settings ([`RunConfig`], with [`remediation`](config::remediation),
//!   the three policies);
//! - [`source`]: ingestion: `def` (the two sources), the loader, `excerpt`, `sources`, its
//!   [`error`](source::error) (the input's errors, each naming the file, line and column), fed by
//!   [`decode`](source::decode) (encodings and delimiters) and [`mapping`](source::mapping) (the
//!   user's headers);
//! - [`error`]: why a run produced no result, the input's error or a model's ([`RunError`]);
//! - [`models`]: staging (`stg_*`), then the marts, reporting [`findings`](models::findings),
//!   with the domain logic they call ([`segment`](models::segment),
//!   [`recommend`](models::recommend), [`categories`](models::categories)) and the
//!   [`dag`](models::dag) that orders them;
//! - [`data_test`]: one file per kind, the [`schema`](data_test::schema) file that attaches them
//!   (dbt's `schema.yml`), and source [`freshness`](data_test::freshness);
//! - [`build`](mod@build): the run (plan, steps, reuse, and its `output`);
//! - [`export`]: the masked export (its `policy` is masking, not
//!   [`remediation`](config::remediation));
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
pub use error::RunError;
pub use models::dag::{graph, Node, NodeKind};
pub use models::findings::{Finding, FindingKind};
pub use source::error::InputError;
pub use source::{SourceFile, SourceFiles, Sources};
pub use value::column::{Column, DataType, Value};
pub use value::decimal::Decimal;
pub use value::table::Table;

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

pub mod bench;
pub mod build;
pub mod categories;
pub mod column;
pub mod config;
pub mod dag;
pub mod data_test;
pub mod decimal;
pub mod decode;
pub mod error;
pub mod export;
pub mod findings;
pub mod freshness;
pub mod generate;
pub mod mapping;
pub mod models;
pub mod recommend;
pub mod remediation;
pub mod schema;
pub mod segment;
pub mod slug;
pub mod source;
pub mod table;
pub mod time;
pub mod unique_id;
pub mod write;

pub use build::output::{NodeOutput, NodeResult, NodeStatus, RunOutput, Step};
pub use build::{build, run, Build, StepDone};
pub use column::{Column, DataType, Value};
pub use config::{ConfigPart, RunConfig};
pub use dag::{graph, Node, NodeKind};
pub use decimal::Decimal;
pub use error::{InputError, RunError};
pub use findings::{Finding, FindingKind};
pub use schema::Schema;
pub use source::{SourceFile, SourceFiles, Sources};
pub use table::Table;

//! Running the project: load the sources, run every model in DAG order, collect each node's
//! table, result and findings. This is what `c360 build` and the web app call.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use serde::Serialize;
use web_time::Instant;

use super::dag::{graph, Node, NodeKind, SOURCES};
use super::error::{InputError, RunError};
use super::models::{ModelContext, MODELS};
use super::source;
use super::table::Table;

/// The exercise's six categories plus `Kitchen`, its own fix.
pub const DEFAULT_ACCEPTED_CATEGORIES: [&str; 7] = [
    "Apps & Games",
    "Beauty",
    "Books",
    "Clothing, Shoes & Accessories",
    "Kitchen",
    "Movies & TV",
    "Sports, Fitness & Outdoors",
];

/// A run's settings. Everything that makes a run reproducible is here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunConfig {
    /// The day ages and freshness are computed at.
    pub as_of: NaiveDate,
    /// The categories `customers` makes `<slug>_amount` columns for, in this order.
    pub accepted_categories: Vec<String>,
}

impl RunConfig {
    pub fn new(as_of: NaiveDate) -> Self {
        RunConfig {
            as_of,
            accepted_categories: DEFAULT_ACCEPTED_CATEGORIES.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// What a model did to the data that a user must see: rows removed, excluded or flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    DuplicateContactsRemoved,
    OrphanTransactionsExcluded,
    CategoriesOutsideAcceptedList,
}

/// A reported problem with the rows it concerns.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The unique id of the model that reported it.
    pub node: String,
    pub kind: FindingKind,
    pub message: String,
    pub rows: Table,
}

/// dbt's run statuses for a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Success,
}

/// One line of `run_results.json`.
#[derive(Clone, Debug, Serialize)]
pub struct NodeResult {
    pub unique_id: String,
    pub status: NodeStatus,
    pub rows: usize,
    /// Seconds.
    pub execution_time: f64,
    pub message: String,
}

/// A source file's bytes and the name to use in messages.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// The two exports, as bytes (the browser's case).
#[derive(Clone, Copy, Debug)]
pub struct SourceFiles<'a> {
    pub contacts: SourceFile<'a>,
    pub transactions: SourceFile<'a>,
}

/// The loaded sources, with how long each took to parse.
#[derive(Clone, Debug)]
pub struct Sources {
    pub contacts: Table,
    pub transactions: Table,
    /// Seconds spent parsing each, in [`SOURCES`] order.
    pub load_times: [f64; 2],
}

impl Sources {
    /// Parses both exports from readers (the CLI streams files through here).
    pub fn load(
        contacts: (&str, impl Read),
        transactions: (&str, impl Read),
    ) -> Result<Sources, InputError> {
        let start = Instant::now();
        let c = source::load(&SOURCES[0], contacts.0, contacts.1)?;
        let mid = Instant::now();
        let t = source::load(&SOURCES[1], transactions.0, transactions.1)?;
        let end = Instant::now();
        Ok(Sources {
            contacts: c,
            transactions: t,
            load_times: [(mid - start).as_secs_f64(), (end - mid).as_secs_f64()],
        })
    }

    pub fn from_bytes(files: SourceFiles<'_>) -> Result<Sources, InputError> {
        Sources::load(
            (files.contacts.name, files.contacts.bytes),
            (files.transactions.name, files.transactions.bytes),
        )
    }
}

/// One node after a run.
#[derive(Clone, Debug)]
pub struct NodeOutput {
    pub node: Node,
    pub table: Table,
    pub result: NodeResult,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub config: RunConfig,
    /// In run order.
    pub nodes: Vec<NodeOutput>,
    pub findings: Vec<Finding>,
    /// Seconds, sources and models together.
    pub elapsed_time: f64,
}

impl RunOutput {
    pub fn node(&self, unique_id: &str) -> Option<&NodeOutput> {
        self.nodes.iter().find(|n| n.node.unique_id == unique_id)
    }

    /// A model's table by its name (`customers`).
    pub fn model(&self, name: &str) -> Option<&Table> {
        self.node(&format!("model.c360.{name}")).map(|n| &n.table)
    }

    /// The models' outputs (not the sources), in run order.
    pub fn models(&self) -> impl Iterator<Item = &NodeOutput> {
        self.nodes.iter().filter(|n| n.node.kind == NodeKind::Model)
    }

    /// `run_results.json`, shaped like dbt's.
    pub fn run_results(&self) -> serde_json::Value {
        serde_json::json!({
            "metadata": {
                "generated_by": concat!("c360 ", env!("CARGO_PKG_VERSION")),
                "as_of": self.config.as_of.to_string(),
                "accepted_categories": self.config.accepted_categories,
            },
            "elapsed_time": self.elapsed_time,
            "results": self.nodes.iter().map(|n| &n.result).collect::<Vec<_>>(),
            "findings": self.findings.iter().map(|f| serde_json::json!({
                "node": f.node,
                "kind": f.kind,
                "message": f.message,
                "rows": f.rows.num_rows(),
            })).collect::<Vec<_>>(),
        })
    }
}

fn select_message(rows: usize, findings: &[Finding]) -> String {
    match findings {
        [] => format!("SELECT {rows}"),
        _ => format!(
            "SELECT {rows} ({})",
            findings.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
        ),
    }
}

/// Runs every model over the loaded sources, in DAG order.
pub fn run(sources: Sources, config: &RunConfig) -> Result<RunOutput, RunError> {
    let nodes = graph(config);
    let mut tables: HashMap<String, Table> = HashMap::new();
    let mut results: HashMap<String, NodeResult> = HashMap::new();
    let mut findings = Vec::new();
    let mut elapsed_time = sources.load_times.iter().sum::<f64>();

    for ((def, table), seconds) in
        SOURCES.iter().zip([sources.contacts, sources.transactions]).zip(sources.load_times)
    {
        let unique_id = def.unique_id();
        results.insert(
            unique_id.clone(),
            NodeResult {
                unique_id: unique_id.clone(),
                status: NodeStatus::Success,
                rows: table.num_rows(),
                execution_time: seconds,
                message: format!("LOAD {} from {}", table.num_rows(), def.file_name),
            },
        );
        tables.insert(unique_id, table);
    }

    for node in nodes.iter().filter(|n| n.kind == NodeKind::Model) {
        let model = MODELS
            .iter()
            .find(|m| m.unique_id() == node.unique_id)
            .expect("every model node comes from MODELS");
        let start = Instant::now();
        let mut ctx = ModelContext {
            tables: &tables,
            config,
            node: node.unique_id.clone(),
            findings: Vec::new(),
        };
        let table = model.run(&mut ctx)?;
        let node_findings = ctx.findings;
        let seconds = start.elapsed().as_secs_f64();
        elapsed_time += seconds;
        results.insert(
            node.unique_id.clone(),
            NodeResult {
                unique_id: node.unique_id.clone(),
                status: NodeStatus::Success,
                rows: table.num_rows(),
                execution_time: seconds,
                message: select_message(table.num_rows(), &node_findings),
            },
        );
        findings.extend(node_findings);
        tables.insert(node.unique_id.clone(), table);
    }

    let nodes = nodes
        .into_iter()
        .map(|node| NodeOutput {
            table: tables.remove(&node.unique_id).expect("every node ran"),
            result: results.remove(&node.unique_id).expect("every node has a result"),
            node,
        })
        .collect();
    Ok(RunOutput { config: config.clone(), nodes, findings, elapsed_time })
}

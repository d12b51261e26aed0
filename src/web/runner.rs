//! The one place the web app runs the engine, and the shape it keeps the result in.
//!
//! [`execute`] parses the two files and runs the DAG, synchronously, today on the page's
//! thread. When the engine moves to a Web Worker, this module becomes the worker's client and
//! nothing else in the app needs to know. The result's tables are moved (not copied) behind
//! `Arc`s so that views can share them cheaply.

use std::sync::Arc;

use crate::engine::models::ModelColumn;
use crate::engine::{self, Node, NodeResult, RunConfig, RunError, RunOutput, Sources, Table};

use super::inputs::Inputs;

/// One node after a successful run.
#[derive(Clone, Debug)]
pub struct NodeView {
    pub node: Node,
    /// The node's documented columns, shared with the table views that show them.
    pub docs: Arc<[ModelColumn]>,
    pub table: Arc<Table>,
    pub result: NodeResult,
}

/// A finding with its rows.
#[derive(Clone, Debug)]
pub struct FindingView {
    /// The unique id of the model that reported it.
    pub node: String,
    /// `kind` as the engine serialises it: `duplicate_contacts_removed`.
    pub slug: String,
    pub message: String,
    pub rows: Arc<Table>,
}

/// A successful run, ready to show.
#[derive(Clone, Debug)]
pub struct RunView {
    pub config: RunConfig,
    /// In run order.
    pub nodes: Vec<NodeView>,
    pub findings: Vec<FindingView>,
    /// Seconds, sources and models together.
    pub elapsed_time: f64,
}

impl RunView {
    pub fn node(&self, unique_id: &str) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.node.unique_id == unique_id)
    }

    /// How many findings a node reported.
    pub fn findings_of(&self, unique_id: &str) -> usize {
        self.findings.iter().filter(|f| f.node == unique_id).count()
    }
}

impl From<RunOutput> for RunView {
    fn from(output: RunOutput) -> RunView {
        RunView {
            config: output.config,
            nodes: output
                .nodes
                .into_iter()
                .map(|n| NodeView {
                    docs: n.node.columns.clone().into(),
                    node: n.node,
                    table: Arc::new(n.table),
                    result: n.result,
                })
                .collect(),
            findings: output
                .findings
                .into_iter()
                .map(|f| FindingView {
                    slug: f.kind.as_str().to_string(),
                    node: f.node,
                    message: f.message,
                    rows: Arc::new(f.rows),
                })
                .collect(),
            elapsed_time: output.elapsed_time,
        }
    }
}

/// The DAG's nodes for a configuration, without running anything: what the picture draws
/// when a run fails.
pub fn graph(config: &RunConfig) -> Vec<Node> {
    engine::graph(config)
}

/// Parses the inputs and runs every model.
pub fn execute(inputs: &Inputs, config: &RunConfig) -> Result<RunView, RunError> {
    let sources = Sources::from_bytes(inputs.files())?;
    Ok(engine::run(sources, config)?.into())
}

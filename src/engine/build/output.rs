//! What a run produced: each node's table and `run_results.json` line, the findings, the data
//! tests' and freshness results, and the order it all ran in. The build writes it; the shells
//! and the exports read it. Not how a run is planned or stepped (`plan.rs`, `step.rs`).

use serde::{Deserialize, Serialize};

use crate::engine::config::RunConfig;
use crate::engine::data_test::freshness::FreshnessResult;
use crate::engine::data_test::TestResult;
use crate::engine::models::dag::{Node, NodeKind};
use crate::engine::models::findings::Finding;
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

/// dbt's run statuses for a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Success,
    /// Not run: something upstream failed a test of severity `error`, or was skipped.
    Skipped,
}

impl NodeStatus {
    /// The serde name (`run_results.json`).
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Success => "success",
            NodeStatus::Skipped => "skipped",
        }
    }

    /// The word the CLI's log and the page's run summary print: `OK`, `SKIP`.
    pub fn word(self) -> &'static str {
        match self {
            NodeStatus::Success => "OK",
            NodeStatus::Skipped => "SKIP",
        }
    }
}

/// One line of `run_results.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeResult {
    pub unique_id: String,
    pub status: NodeStatus,
    pub rows: usize,
    /// Seconds.
    pub execution_time: f64,
    pub message: String,
}

/// One node after a run.
#[derive(Clone, Debug)]
pub struct NodeOutput {
    pub node: Node,
    pub table: Table,
    pub result: NodeResult,
    /// What the table was computed from (see [`Build`](super::Build)): equal
    /// fingerprints in two runs of one process mean equal results. Not written to
    /// `run_results.json`: a source's is derived from where its columns sit in memory.
    pub fingerprint: u64,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The configuration in force, with the accepted categories the schema and policies gave.
    pub config: RunConfig,
    /// In run order. A skipped node has an empty table.
    pub nodes: Vec<NodeOutput>,
    pub findings: Vec<Finding>,
    /// Data test results in the order they ran.
    pub tests: Vec<TestResult>,
    pub freshness: Vec<FreshnessResult>,
    /// The schema text after the policies edited it (categories added to the accepted
    /// list), when they did.
    pub edited_schema: Option<String>,
    /// Seconds, sources, models and tests together.
    pub elapsed_time: f64,
    /// Nodes and tests in the order they ran (indexes into `nodes` and `tests`).
    pub steps: Vec<Step>,
    /// Each test's fingerprint, in the order of `tests` (a node's is on its
    /// [`NodeOutput`]). Kept beside the results rather than in them, so that
    /// `run_results.json` and the results' serde form stay as they are.
    pub test_fingerprints: Vec<u64>,
    /// The unique ids of the nodes and tests taken unchanged from the previous run's output
    /// (for a source: the same table as in the previous run), in run order. Empty for a
    /// build without a previous output.
    pub reused: Vec<String>,
}

/// One step of a build, for a log in execution order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Node(usize),
    Test(usize),
}

impl RunOutput {
    pub fn node(&self, unique_id: &str) -> Option<&NodeOutput> {
        self.nodes.iter().find(|n| n.node.unique_id == unique_id)
    }

    /// A model's table by its name (`customers`).
    pub fn model(&self, name: &str) -> Option<&Table> {
        self.node(&unique_id::model(name)).map(|n| &n.table)
    }

    /// The models' outputs (not the sources), in run order.
    pub fn models(&self) -> impl Iterator<Item = &NodeOutput> {
        self.nodes.iter().filter(|n| n.node.kind == NodeKind::Model)
    }

    /// Whether a test of severity `error` failed or could not run (`c360 build` /
    /// `c360 test` exit 1).
    pub fn has_failures(&self) -> bool {
        self.tests.iter().any(TestResult::blocks)
    }

    /// A test result by its unique id.
    pub fn test(&self, unique_id: &str) -> Option<&TestResult> {
        self.tests.iter().find(|t| t.unique_id == unique_id)
    }

    /// A node's or a test's fingerprint by its unique id.
    pub fn fingerprint(&self, unique_id: &str) -> Option<u64> {
        self.node(unique_id).map(|n| n.fingerprint).or_else(|| {
            self.tests
                .iter()
                .zip(&self.test_fingerprints)
                .find(|(t, _)| t.unique_id == unique_id)
                .map(|(_, f)| *f)
        })
    }

    /// Whether a node or test was taken from the previous run's output.
    pub fn was_reused(&self, unique_id: &str) -> bool {
        self.reused.iter().any(|r| r == unique_id)
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
            "results": self.nodes.iter().map(|n| serde_json::to_value(&n.result).expect("plain data"))
                .chain(self.tests.iter().map(test_json))
                .collect::<Vec<_>>(),
            "freshness": self.freshness,
            "findings": self.findings.iter().map(|f| serde_json::json!({
                "node": f.node,
                "kind": f.kind,
                "message": f.message,
                "rows": f.rows.num_rows(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// One test's entry in `run_results.json`: dbt's fields plus the failing rows it kept.
fn test_json(t: &TestResult) -> serde_json::Value {
    let mut value = serde_json::to_value(t).expect("plain data");
    if let (Some(rows), Some(map)) = (&t.failing_rows, value.as_object_mut()) {
        map.insert("failing_rows".into(), rows.to_json_rows());
    }
    value
}

//! The one place the web app runs the engine, and the shape it keeps the result in.
//!
//! [`execute`] parses the two files and builds the project like `dbt build` (models and data
//! tests in DAG order, freshness on the side), synchronously, today on the page's thread. When
//! the engine moves to a Web Worker, this module becomes the worker's client and nothing else
//! in the app needs to know. The result's tables are moved (not copied) behind `Arc`s so that
//! views can share them cheaply.

use std::collections::HashSet;
use std::sync::Arc;

use c360::engine::data_test::{TestResult, TestStatus};
use c360::engine::freshness::FreshnessResult;
use c360::engine::models::ModelColumn;
use c360::engine::project::Step;
use c360::engine::{
    self, Node, NodeResult, NodeStatus, RunConfig, RunError, RunOutput, Schema, Sources, Table,
};

use super::inputs::Inputs;

/// dbt's test statuses in the order its summary line counts them.
pub const TEST_STATUSES: [TestStatus; 5] = [
    TestStatus::Pass,
    TestStatus::Warn,
    TestStatus::Fail,
    TestStatus::Error,
    TestStatus::Skipped,
];

/// The word dbt's log prints for a test status: `PASS`, `WARN`, `FAIL`, `ERROR`, `SKIP`.
pub fn status_word(status: TestStatus) -> &'static str {
    match status {
        TestStatus::Pass => "PASS",
        TestStatus::Warn => "WARN",
        TestStatus::Fail => "FAIL",
        TestStatus::Error => "ERROR",
        TestStatus::Skipped => "SKIP",
    }
}

/// The column a relationships test adds beside its failing rows.
pub const NEAREST_KEY_COLUMN: &str = "nearest_existing_key";

/// One node after a successful run.
#[derive(Clone, Debug)]
pub struct NodeView {
    pub node: Node,
    /// The node's documented columns, shared with the table views that show them.
    pub docs: Arc<[ModelColumn]>,
    /// Empty when the node was skipped.
    pub table: Arc<Table>,
    pub result: NodeResult,
}

impl NodeView {
    pub fn is_skipped(&self) -> bool {
        self.result.status == NodeStatus::Skipped
    }
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

/// A foreign key that matches nothing, and the existing key closest to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    pub value: String,
    pub nearest: Option<String>,
}

/// One data test's result.
#[derive(Clone, Debug)]
pub struct TestView {
    /// The engine's result; its `failing_rows` are moved to [`TestView::failing_rows`].
    pub result: TestResult,
    /// The unique id without `test.c360.`, as dbt's log prints it.
    pub name: String,
    /// The failing rows kept to show, when the test kept them.
    pub failing_rows: Option<Arc<Table>>,
}

impl TestView {
    fn new(mut result: TestResult) -> TestView {
        // The tested column leads, then the nearest existing key: what a reader looks for
        // first, and otherwise often scrolled out of view in a wide source row.
        let column = result.column_name.clone();
        let failing_rows = result.failing_rows.take().map(|mut rows| {
            rows.fields.sort_by_key(|f| {
                if Some(&f.name) == column.as_ref() {
                    0
                } else if f.name == NEAREST_KEY_COLUMN {
                    1
                } else {
                    2
                }
            });
            Arc::new(rows)
        });
        TestView {
            name: result
                .unique_id
                .strip_prefix("test.c360.")
                .unwrap_or(&result.unique_id)
                .to_string(),
            result,
            failing_rows,
        }
    }

    pub fn status(&self) -> TestStatus {
        self.result.status
    }

    /// The failing rows' columns to make stand out: the tested column and the nearest
    /// existing key, when the rows have them.
    pub fn key_columns(&self) -> Vec<String> {
        let Some(rows) = &self.failing_rows else {
            return Vec::new();
        };
        rows.column_names()
            .filter(|n| Some(*n) == self.result.column_name.as_deref() || *n == NEAREST_KEY_COLUMN)
            .map(str::to_string)
            .collect()
    }

    /// How many failing rows are shown out of how many there are: `Some((kept, total))` when
    /// the rows kept are fewer than all of them.
    pub fn rows_cut(&self) -> Option<(usize, usize)> {
        let kept = self.failing_rows.as_ref().map_or(0, |t| t.num_rows());
        (self.result.failing_rows_total > kept).then_some((kept, self.result.failing_rows_total))
    }

    /// For a relationships test: each failing key beside the nearest key that exists (the
    /// seeds' orphan is a one-character typo of a real contact id). Empty for other tests.
    pub fn near_misses(&self) -> Vec<NearMiss> {
        let (Some(rows), Some(column)) = (&self.failing_rows, &self.result.column_name) else {
            return Vec::new();
        };
        let names: Vec<&str> = rows.column_names().collect();
        let (Some(value_at), Some(nearest_at)) = (
            names.iter().position(|n| n == column),
            names.iter().position(|n| *n == NEAREST_KEY_COLUMN),
        ) else {
            return Vec::new();
        };
        (0..rows.num_rows())
            .map(|row| {
                let nearest = rows.value(row, nearest_at);
                NearMiss {
                    value: rows.value(row, value_at).to_string(),
                    nearest: (!nearest.is_null()).then(|| nearest.to_string()),
                }
            })
            .collect()
    }
}

/// How many tests ended in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub error: usize,
    pub skipped: usize,
}

impl StatusCounts {
    pub fn of<'a>(tests: impl IntoIterator<Item = &'a TestView>) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for t in tests {
            *counts.slot(t.status()) += 1;
        }
        counts
    }

    fn slot(&mut self, status: TestStatus) -> &mut usize {
        match status {
            TestStatus::Pass => &mut self.pass,
            TestStatus::Warn => &mut self.warn,
            TestStatus::Fail => &mut self.fail,
            TestStatus::Error => &mut self.error,
            TestStatus::Skipped => &mut self.skipped,
        }
    }

    pub fn get(&self, status: TestStatus) -> usize {
        let mut copy = *self;
        *copy.slot(status)
    }

    pub fn total(&self) -> usize {
        self.pass + self.warn + self.fail + self.error + self.skipped
    }

    /// dbt's summary: `PASS=17 WARN=2 FAIL=0 ERROR=0 SKIP=0`.
    pub fn summary(&self) -> String {
        TEST_STATUSES
            .iter()
            .map(|&s| format!("{}={}", status_word(s), self.get(s)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A successful run, ready to show.
#[derive(Clone, Debug)]
pub struct RunView {
    /// The configuration in force, with the accepted categories the schema and policies gave.
    pub config: RunConfig,
    /// In run order.
    pub nodes: Vec<NodeView>,
    pub findings: Vec<FindingView>,
    /// In the order they ran.
    pub tests: Vec<TestView>,
    pub freshness: Vec<FreshnessResult>,
    /// The schema text as a policy edited it (a category added to the accepted list).
    pub edited_schema: Option<String>,
    /// Nodes and tests in execution order.
    pub steps: Vec<Step>,
    /// Seconds, sources, models and tests together.
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

    pub fn test(&self, unique_id: &str) -> Option<&TestView> {
        self.tests.iter().find(|t| t.result.unique_id == unique_id)
    }

    /// The tests attached to a node (a generic test's model or source, the last model a
    /// singular test reads).
    pub fn tests_of<'a>(&'a self, unique_id: &'a str) -> impl Iterator<Item = &'a TestView> {
        self.tests
            .iter()
            .filter(move |t| t.result.attached_node.as_deref() == Some(unique_id))
    }

    pub fn test_counts(&self) -> StatusCounts {
        StatusCounts::of(&self.tests)
    }

    /// Why a skipped node was not built: the tests that stopped the build (failed, or could
    /// not run, at severity `error`) on the nodes upstream of it, wherever in its lineage.
    pub fn blocked_by(&self, unique_id: &str) -> Vec<&TestView> {
        let mut upstream: HashSet<&str> = HashSet::new();
        let mut stack = vec![unique_id];
        while let Some(id) = stack.pop() {
            if let Some(node) = self.node(id) {
                for parent in &node.node.depends_on {
                    if upstream.insert(parent) {
                        stack.push(parent);
                    }
                }
            }
        }
        self.tests
            .iter()
            .filter(|t| t.result.blocks())
            .filter(|t| {
                t.result
                    .attached_node
                    .as_deref()
                    .is_some_and(|n| upstream.contains(n))
            })
            .collect()
    }

    /// How many nodes were built and skipped.
    pub fn node_counts(&self) -> (usize, usize) {
        let skipped = self.nodes.iter().filter(|n| n.is_skipped()).count();
        (self.nodes.len() - skipped, skipped)
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
            tests: output.tests.into_iter().map(TestView::new).collect(),
            freshness: output.freshness,
            edited_schema: output.edited_schema,
            steps: output.steps,
            elapsed_time: output.elapsed_time,
        }
    }
}

/// The DAG's nodes for a configuration, without running anything: what the picture draws
/// when a run fails.
pub fn graph(config: &RunConfig) -> Vec<Node> {
    engine::graph(config)
}

/// Parses the inputs and builds every model and data test of `schema`.
pub fn execute(inputs: &Inputs, schema: &Schema, config: &RunConfig) -> Result<RunView, RunError> {
    let sources = Sources::from_bytes(inputs.files())?;
    Ok(engine::build(sources, schema, config)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const ORPHAN: &str = "519aa94f-9102-480d-88e1-56be06de57c9";
    const NEAREST: &str = "519a796f-9802-480d-88e1-56be06de57c9";
    const RELATIONSHIPS: &str =
        "test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts";

    fn demo(schema: &Schema) -> RunView {
        let config = RunConfig::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        execute(&Inputs::demo(), schema, &config).expect("the demo runs")
    }

    #[test]
    fn the_demo_builds_with_two_warnings() {
        let run = demo(&Schema::default_schema());
        let counts = run.test_counts();
        assert_eq!(counts.warn, 2);
        assert_eq!(counts.fail + counts.error + counts.skipped, 0);
        assert_eq!(counts.total(), run.tests.len());
        assert_eq!(
            counts.summary(),
            format!("PASS={} WARN=2 FAIL=0 ERROR=0 SKIP=0", counts.pass)
        );
        assert_eq!(run.node_counts(), (7, 0));
        assert_eq!(run.steps.len(), run.nodes.len() + run.tests.len());
        assert_eq!(
            run.tests_of("source.c360.salesforce.contacts").count(),
            2,
            "unique and not_null on the contacts' id"
        );
    }

    #[test]
    fn a_relationships_test_names_the_nearest_existing_key() {
        let run = demo(&Schema::default_schema());
        let test = run.test(RELATIONSHIPS).unwrap();
        assert_eq!(test.name, RELATIONSHIPS.trim_start_matches("test.c360."));
        let columns: Vec<&str> = test.failing_rows.as_ref().unwrap().column_names().collect();
        assert_eq!(&columns[..3], ["contact_id", NEAREST_KEY_COLUMN, "id"]);
        assert_eq!(test.key_columns(), ["contact_id", NEAREST_KEY_COLUMN]);
        assert_eq!(
            test.near_misses(),
            [NearMiss {
                value: ORPHAN.into(),
                nearest: Some(NEAREST.into())
            }]
        );
        let unique = run
            .test("test.c360.source_unique_salesforce_contacts_id")
            .unwrap();
        assert!(unique.near_misses().is_empty());
        assert_eq!(unique.result.failures, 1);
        assert_eq!(
            unique.rows_cut(),
            None,
            "both rows of the repeated id are kept"
        );
    }

    #[test]
    fn a_skipped_node_is_blocked_by_the_failed_tests_upstream() {
        // The source's `unique` back to severity error, as in the exercise.
        let text = c360::engine::schema::DEFAULT_SCHEMA.replacen(
            "- unique:\n                  config:\n                    severity: warn\n",
            "- unique\n",
            1,
        );
        let schema = c360::engine::schema::parse(&text).expect("valid");
        let run = demo(&schema);
        let customers = run.node("model.c360.customers").unwrap();
        assert!(customers.is_skipped());
        let blocking: Vec<&str> = run
            .blocked_by("model.c360.customers")
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(blocking, ["source_unique_salesforce_contacts_id"]);
        assert!(run
            .tests_of("model.c360.customers")
            .all(|t| t.status() == TestStatus::Skipped));
    }
}

//! A finished run as the page shows it, made from the worker's [`RunSummary`].
//!
//! The page never runs the engine and never holds a table: a run's summary has every node's
//! result and columns, every test's result and every finding, but no rows. The rows come a
//! page at a time from the worker ([`crate::state::grid`]).

use std::collections::HashSet;

use c360::engine::data_test::freshness::FreshnessResult;
use c360::engine::data_test::{TestResult, TestStatus};
use c360::engine::models::categories::CategoryCount;
use c360::engine::models::ModelColumn;
use c360::engine::source::mapping::MappingFile;
use c360::engine::source::SOURCES;
use c360::engine::value::table::ColumnInfo;
use c360::engine::value::unique_id;
use c360::engine::Step;
use c360::engine::{self, Node, NodeResult, NodeStatus, RunConfig};
pub use c360_worker::protocol::NearMiss;
use c360_worker::protocol::{RunSummary, Slot, SourceSpec, TableRef};

/// dbt's test statuses in the order its summary line counts them.
pub const TEST_STATUSES: [TestStatus; 5] = TestStatus::ALL;

/// The word dbt's log prints for a test status: the engine's [`TestStatus::word`].
pub fn status_word(status: TestStatus) -> &'static str {
    status.word()
}

/// One node after a successful run.
#[derive(Clone, Debug)]
pub struct NodeView {
    pub node: Node,
    /// The node's documented columns.
    pub docs: Vec<ModelColumn>,
    /// The table's columns as built; empty when the node was skipped.
    pub columns: Vec<ColumnInfo>,
    pub result: NodeResult,
    /// Taken from the previous run because nothing it reads changed.
    pub reused: bool,
}

impl NodeView {
    pub fn is_skipped(&self) -> bool {
        self.result.status == NodeStatus::Skipped
    }

    /// Its table, to ask the worker for pages of.
    pub fn table_ref(&self) -> TableRef {
        TableRef::Node {
            unique_id: self.node.unique_id.clone(),
        }
    }
}

/// A finding, without its rows.
#[derive(Clone, Debug)]
pub struct FindingView {
    /// Its position in the run's findings: how the worker finds its rows.
    pub index: usize,
    /// The unique id of the model that reported it.
    pub node: String,
    /// `kind` as the engine serialises it: `duplicate_contacts_removed`.
    pub slug: String,
    pub message: String,
    pub rows: usize,
}

/// One data test's result.
#[derive(Clone, Debug)]
pub struct TestView {
    /// The engine's result, without its failing rows (they stay in the worker).
    pub result: TestResult,
    /// The unique id without `test.c360.`, as dbt's log prints it.
    pub name: String,
    /// How many failing rows the worker kept to show, when the test keeps them.
    pub kept_rows: Option<usize>,
    /// The kept rows' columns, the tested column and the nearest existing key first.
    pub failing_columns: Vec<String>,
    near_misses: Vec<NearMiss>,
    pub reused: bool,
}

impl TestView {
    pub fn status(&self) -> TestStatus {
        self.result.status
    }

    /// The failing rows' table, when the test kept rows to show.
    pub fn failing_rows(&self) -> Option<TableRef> {
        self.kept_rows.map(|_| TableRef::FailingRows {
            unique_id: self.result.unique_id.clone(),
        })
    }

    /// The failing rows' columns to make stand out: the tested column and the nearest
    /// existing key, when the rows have them.
    pub fn key_columns(&self) -> Vec<String> {
        self.failing_columns
            .iter()
            .filter(|n| {
                Some(n.as_str()) == self.result.column_name.as_deref() || *n == NEAREST_KEY_COLUMN
            })
            .cloned()
            .collect()
    }

    /// How many failing rows are shown out of how many there are: `Some((kept, total))` when
    /// the rows kept are fewer than all of them.
    pub fn rows_cut(&self) -> Option<(usize, usize)> {
        let kept = self.kept_rows.unwrap_or(0);
        (self.result.failing_rows_total > kept).then_some((kept, self.result.failing_rows_total))
    }

    /// For a relationships test: each failing key beside the nearest key that exists (the
    /// seeds' orphan is a one-character typo of a real contact id). Empty for other tests.
    pub fn near_misses(&self) -> &[NearMiss] {
        &self.near_misses
    }
}

/// The column a relationships test adds beside its failing rows.
pub use c360_worker::session::NEAREST_KEY_COLUMN;

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
    /// The id of the request that made it: what page requests name.
    pub run: u64,
    /// The configuration in force, with the accepted categories the schema and policies gave.
    pub config: RunConfig,
    /// The files it read.
    pub sources: [SourceSpec; 2],
    /// The mapping it read them with.
    pub mapping: MappingFile,
    /// The categories the transactions hold, against the accepted list in force.
    pub categories: Vec<CategoryCount>,
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
    /// The worker's wasm memory after the run, in bytes.
    pub memory_bytes: u64,
}

impl RunView {
    /// Which files the run read and how: `Read contacts.csv (the demo's) and shop.csv
    /// (mapped: contact_id ← customer_id, amount ← price).`
    pub fn read_line(&self) -> String {
        let parts: Vec<String> = Slot::ALL
            .into_iter()
            .map(|slot| {
                let spec = &self.sources[slot.index()];
                let name = spec.name(slot);
                let how = match (spec, self.mapping.get(&SOURCES[slot.index()])) {
                    (SourceSpec::Demo, _) => "the demo's".to_string(),
                    (SourceSpec::Sample(s), _) => format!(
                        "a generated sample of {} contacts and {} transactions",
                        s.contacts, s.transactions
                    ),
                    (SourceSpec::File(_), None) => "its own headers".to_string(),
                    (SourceSpec::File(_), Some(m)) if m.columns.is_empty() => {
                        "mapped, no column renamed".to_string()
                    }
                    (SourceSpec::File(_), Some(m)) => format!(
                        "mapped: {}",
                        m.columns
                            .iter()
                            .map(|(column, header)| format!("{column} ← {header}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                format!("{name} ({how})")
            })
            .collect();
        format!("Read {}.", parts.join(" and "))
    }

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

impl From<RunSummary> for RunView {
    fn from(summary: RunSummary) -> RunView {
        RunView {
            run: summary.run,
            config: summary.config,
            sources: summary.sources,
            mapping: summary.mapping,
            categories: summary.categories,
            nodes: summary
                .nodes
                .into_iter()
                .map(|n| NodeView {
                    docs: n.node.columns.clone(),
                    node: n.node,
                    columns: n.columns,
                    result: n.result,
                    reused: n.reused,
                })
                .collect(),
            findings: summary
                .findings
                .into_iter()
                .enumerate()
                .map(|(index, f)| FindingView {
                    index,
                    node: f.node,
                    slug: f.slug,
                    message: f.message,
                    rows: f.rows,
                })
                .collect(),
            tests: summary
                .tests
                .into_iter()
                .map(|t| TestView {
                    name: unique_id::short(&t.result.unique_id).to_string(),
                    result: t.result,
                    kept_rows: t.kept_rows,
                    failing_columns: t.failing_columns,
                    near_misses: t.near_misses,
                    reused: t.reused,
                })
                .collect(),
            freshness: summary.freshness,
            edited_schema: summary.edited_schema,
            steps: summary.steps,
            elapsed_time: summary.elapsed_time,
            memory_bytes: summary.memory_bytes,
        }
    }
}

/// The DAG's nodes for a configuration, without running anything: what the picture draws
/// when a run fails.
pub fn graph(config: &RunConfig) -> Vec<Node> {
    engine::graph(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::inputs::Inputs;
    use c360::engine::Schema;
    use chrono::NaiveDate;

    const ORPHAN: &str = "519aa94f-9102-480d-88e1-56be06de57c9";
    const NEAREST: &str = "519a796f-9802-480d-88e1-56be06de57c9";
    const RELATIONSHIPS: &str =
        "test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts";

    fn demo(schema: &Schema) -> RunView {
        let config = RunConfig::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        crate::state::loopback::execute(&Inputs::demo(), &schema.text, &config)
            .expect("the demo runs")
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
        assert_eq!(run.node_counts(), (11, 0));
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
        assert_eq!(
            &test.failing_columns[..3],
            ["contact_id", NEAREST_KEY_COLUMN, "id"]
        );
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
        let text = c360::engine::data_test::schema::DEFAULT_SCHEMA.replacen(
            "- unique:\n                  config:\n                    severity: warn\n",
            "- unique\n",
            1,
        );
        let schema = c360::engine::data_test::schema::parse(&text).expect("valid");
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

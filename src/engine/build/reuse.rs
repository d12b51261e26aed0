//! What the previous output can give a build: every node's and test's fingerprint, taken
//! before anything runs, and the previous results whose fingerprints are unchanged. A node
//! or test that was skipped there has no result to give; whether it is skipped now is
//! decided as the build goes ([`super::Build`]).

use std::collections::HashMap;

use crate::engine::build::output::{NodeOutput, NodeResult, NodeStatus, RunOutput};
use crate::engine::data_test::{TestResult, TestStatus};
use crate::engine::models::dag::NodeKind;
use crate::engine::models::findings::Finding;
use crate::engine::value::table::Table;

use super::fingerprint;
use super::plan::{model_of, Plan};

/// A model's result in the previous output, to take instead of running it.
pub(super) struct Reusable {
    pub table: Table,
    pub result: NodeResult,
    pub findings: Vec<Finding>,
}

pub(super) struct Reuse {
    /// By node, in plan order.
    pub node_fingerprints: Vec<u64>,
    /// By test, in plan order.
    pub test_fingerprints: Vec<u64>,
    /// By node: a model's previous result, when its fingerprint is unchanged and it was
    /// built there.
    pub models: Vec<Option<Reusable>>,
    /// By node: whether a source is the previous run's table.
    pub unchanged_sources: Vec<bool>,
    /// By test: its previous result, when its fingerprint is unchanged and it ran there.
    pub tests: Vec<Option<TestResult>>,
}

impl Reuse {
    /// `sources`: the source tables by unique id.
    pub fn new(
        plan: &Plan,
        sources: &HashMap<String, Table>,
        previous: Option<&RunOutput>,
    ) -> Reuse {
        let previous_nodes: HashMap<&str, &NodeOutput> = previous
            .into_iter()
            .flat_map(|p| &p.nodes)
            .map(|n| (n.node.unique_id.as_str(), n))
            .collect();
        let mut fingerprint_of: HashMap<&str, u64> = HashMap::new();
        let mut node_fingerprints = Vec::with_capacity(plan.nodes.len());
        let mut previous_models = Vec::with_capacity(plan.nodes.len());
        let mut unchanged_sources = Vec::with_capacity(plan.nodes.len());
        for node in &plan.nodes {
            let id = node.unique_id.as_str();
            let before = previous_nodes.get(id).copied();
            let fp = match node.kind {
                NodeKind::Source => fingerprint::source(id, &sources[id], before),
                NodeKind::Model => {
                    let parents: Vec<Option<u64>> = node
                        .depends_on
                        .iter()
                        .map(|d| fingerprint_of.get(d.as_str()).copied())
                        .collect();
                    fingerprint::model(id, model_of(node).reads(), &plan.config, &parents)
                }
            };
            let same = before.filter(|b| b.fingerprint == fp);
            unchanged_sources.push(node.kind == NodeKind::Source && same.is_some());
            previous_models.push(
                same.filter(|b| {
                    node.kind == NodeKind::Model && b.result.status == NodeStatus::Success
                })
                .map(|b| Reusable {
                    table: b.table.clone(),
                    result: b.result.clone(),
                    findings: previous
                        .into_iter()
                        .flat_map(|p| &p.findings)
                        .filter(|f| f.node == id)
                        .cloned()
                        .collect(),
                }),
            );
            fingerprint_of.insert(id, fp);
            node_fingerprints.push(fp);
        }

        let previous_tests: HashMap<u64, &TestResult> = previous
            .into_iter()
            .flat_map(|p| p.test_fingerprints.iter().copied().zip(&p.tests))
            .filter(|(_, t)| t.status != TestStatus::Skipped)
            .collect();
        let mut test_fingerprints = Vec::with_capacity(plan.tests.len());
        let mut reusable_tests = Vec::with_capacity(plan.tests.len());
        for t in &plan.tests {
            let inputs: Vec<Option<u64>> = t
                .depends_on()
                .iter()
                .map(|d| fingerprint_of.get(d.as_str()).copied())
                .collect();
            let fp = fingerprint::test(t, &plan.config.accepted_categories, &inputs);
            let unique_id = t.unique_id();
            reusable_tests.push(
                previous_tests
                    .get(&fp)
                    .filter(|r| r.unique_id == unique_id)
                    .map(|r| (*r).clone()),
            );
            test_fingerprints.push(fp);
        }

        Reuse {
            node_fingerprints,
            test_fingerprints,
            models: previous_models,
            unchanged_sources,
            tests: reusable_tests,
        }
    }
}

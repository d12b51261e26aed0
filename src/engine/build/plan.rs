//! What a build will do, decided before anything runs: the settings in force (the schema's
//! accepted list, grown by the outside-categories policy), the schema text that policy
//! edited, the DAG, and every data test in the order `dbt build` runs it — macro tests
//! first, then each test right after the last node it reads.

use std::collections::HashMap;

use crate::engine::config::remediation::OutsideCategories;
use crate::engine::config::RunConfig;
use crate::engine::data_test::generic::{GenericKind, GenericTest};
use crate::engine::data_test::macros::{MacroTest, MACRO_TESTS};
use crate::engine::data_test::schema::Schema;
use crate::engine::data_test::singular::{SingularTest, SINGULAR_TESTS};
use crate::engine::data_test::TestResult;
use crate::engine::models::dag::{graph, Node};
use crate::engine::models::{Model, MODELS};
use crate::engine::source::Sources;
use crate::engine::value::column::{Column, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

use super::data_tests::{run_generic, run_macro, run_singular};

/// A test ready to run, whatever its kind.
pub(super) enum Planned {
    Macro(&'static MacroTest),
    Generic(Box<GenericTest>),
    Singular(&'static SingularTest),
}

impl Planned {
    pub fn unique_id(&self) -> String {
        match self {
            Planned::Macro(m) => unique_id::test(m.name),
            Planned::Generic(g) => g.unique_id.clone(),
            Planned::Singular(s) => unique_id::test(s.name),
        }
    }

    /// The nodes whose tables it reads (none for a macro test).
    pub fn depends_on(&self) -> Vec<String> {
        match self {
            Planned::Macro(_) => Vec::new(),
            Planned::Generic(g) => g.depends_on(),
            Planned::Singular(s) => s.depends_on.iter().map(|m| unique_id::model(m)).collect(),
        }
    }

    /// Moves a result of this test computed from an earlier schema file to where the test
    /// is written now (a result depends on the line only through this field).
    pub fn place(&self, result: &mut TestResult) {
        if let Planned::Generic(g) = self {
            result.line = Some(g.line);
        }
    }

    /// Runs it on `tables` with the accepted list in force.
    pub fn run(&self, tables: &HashMap<String, Table>, accepted: &[String]) -> TestResult {
        match self {
            Planned::Macro(m) => run_macro(m),
            Planned::Generic(g) => run_generic(g, tables),
            Planned::Singular(s) => run_singular(s, tables, accepted),
        }
    }
}

/// One step: a node (index into [`Plan::nodes`]) or a test (index into [`Plan::tests`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Todo {
    Node(usize),
    Test(usize),
}

pub(super) struct Plan {
    /// The settings in force, with the accepted list the schema and policies gave.
    pub config: RunConfig,
    /// The schema text after the outside-categories policy grew its accepted list.
    pub edited_schema: Option<String>,
    /// In run order.
    pub nodes: Vec<Node>,
    /// In run order: `Todo::Test(i)` comes before `Todo::Test(i + 1)`.
    pub tests: Vec<Planned>,
    pub order: Vec<Todo>,
}

impl Plan {
    pub fn new(sources: &Sources, schema: &Schema, config: &RunConfig) -> Plan {
        // The accepted list: the schema's, grown by the policy when it says so.
        let mut config = config.clone();
        if let Some(list) = &schema.accepted_categories {
            config.accepted_categories = list.clone();
        }
        let mut edited_schema = None;
        let mut tests: Vec<Planned> = schema
            .tests
            .iter()
            .cloned()
            .map(|t| Planned::Generic(Box::new(t)))
            .collect();
        if config.policies.outside_categories == OutsideCategories::AddToAcceptedList {
            let outside = outside_categories(sources, &config.accepted_categories);
            if !outside.is_empty() {
                edited_schema = schema.with_accepted_categories(&outside);
                config.accepted_categories.extend(outside);
                // The accepted-list test checks the grown list.
                let accepted_test = schema.accepted_values_test().map(|a| &a.unique_id);
                for t in &mut tests {
                    if let Planned::Generic(g) = t {
                        if Some(&g.unique_id) == accepted_test {
                            g.kind = GenericKind::AcceptedValues {
                                values: config.accepted_categories.clone(),
                                quote: true,
                            };
                        }
                    }
                }
            }
        }
        // Singular and macro tests belong to a build with tests; `run` (an empty schema) is
        // the models alone.
        let mut run_order: Vec<Planned> = Vec::new();
        if !schema.tests.is_empty() {
            tests.extend(SINGULAR_TESTS.iter().map(Planned::Singular));
            run_order.extend(MACRO_TESTS.iter().map(Planned::Macro));
        }

        let nodes = graph(&config);
        let position: HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.unique_id.as_str(), i))
            .collect();
        // Each test runs right after the last node it reads.
        let mut after: Vec<Vec<Planned>> = (0..nodes.len()).map(|_| Vec::new()).collect();
        for t in tests {
            let last = t
                .depends_on()
                .iter()
                .filter_map(|d| position.get(d.as_str()).copied())
                .max();
            if let Some(last) = last {
                after[last].push(t);
            }
        }
        let mut order: Vec<Todo> = (0..run_order.len()).map(Todo::Test).collect();
        for (index, tests) in after.into_iter().enumerate() {
            order.push(Todo::Node(index));
            for t in tests {
                order.push(Todo::Test(run_order.len()));
                run_order.push(t);
            }
        }
        Plan {
            config,
            edited_schema,
            nodes,
            tests: run_order,
            order,
        }
    }
}

/// The model a model node comes from.
pub(super) fn model_of(node: &Node) -> &'static dyn Model {
    *MODELS
        .iter()
        .find(|m| m.unique_id() == node.unique_id)
        .expect("every model node comes from MODELS")
}

/// Categories in the transactions source outside `accepted`, in order of first appearance.
fn outside_categories(sources: &Sources, accepted: &[String]) -> Vec<String> {
    let Some(Column::Text(categories)) = sources.transactions.column("category") else {
        return Vec::new();
    };
    let mut seen = vec![false; categories.pool.len()];
    let accepted = crate::engine::models::categories::set_of(accepted);
    let mut out = Vec::new();
    for &code in &categories.codes {
        if code == NULL_CODE || seen[code as usize] {
            continue;
        }
        seen[code as usize] = true;
        let name = categories.pool.get(code);
        if !accepted.contains(name) {
            out.push(name.to_string());
        }
    }
    out
}

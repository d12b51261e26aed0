//! Running the project the way `dbt build` does: macro tests, then each source's tests, then
//! each model followed by its tests, in DAG order. A test of severity `error` that fails
//! skips everything downstream of the node it tests (with the reason); `warn` lets the run
//! go on. Freshness is checked on the side and never skips anything. [`run`] is the models
//! alone, like `dbt run`.

use std::collections::{HashMap, HashSet};

use web_time::Instant;

use super::column::Column;
use super::dag::{graph, Node, NodeKind, SOURCES};
use super::data_test::generic::{GenericKind, GenericTest};
use super::data_test::macros::{self, MACRO_TESTS};
use super::data_test::singular::{Models, SINGULAR_TESTS};
use super::data_test::{
    status_for, Failing, Severity, TestConfig, TestResult, TestStatus, DEFAULT_SHOWN_ROWS,
};
use super::error::RunError;
use super::freshness;
use super::models::{ModelContext, MODELS};
use super::policy::OutsideCategories;
use super::project::{
    Finding, NodeOutput, NodeResult, NodeStatus, RunConfig, RunOutput, Sources, Step,
};
use super::schema::Schema;
use super::table::Table;

/// Runs the models only, with `config`'s accepted categories and no tests.
pub fn run(sources: Sources, config: &RunConfig) -> Result<RunOutput, RunError> {
    build(sources, &Schema::empty(), config)
}

/// Categories in the transactions source outside `accepted`, in order of first appearance.
fn outside_categories(sources: &Sources, accepted: &[String]) -> Vec<String> {
    let Some(Column::Text(categories)) = sources.transactions.column("category") else {
        return Vec::new();
    };
    let mut seen = vec![false; categories.pool.len()];
    let mut out = Vec::new();
    for &code in &categories.codes {
        if code == super::column::NULL_CODE || seen[code as usize] {
            continue;
        }
        seen[code as usize] = true;
        let name = categories.pool.get(code);
        if !accepted.iter().any(|a| a == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// A test ready to run, whatever its kind.
enum Planned<'a> {
    Generic(Box<GenericTest>),
    Singular(&'a super::data_test::singular::SingularTest),
}

impl Planned<'_> {
    fn depends_on(&self) -> Vec<String> {
        match self {
            Planned::Generic(t) => t.depends_on(),
            Planned::Singular(s) => s
                .depends_on
                .iter()
                .map(|m| format!("model.c360.{m}"))
                .collect(),
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// dbt's wording: "Got 1 result, configured to fail if != 0".
fn verdict(failures: usize, config: &TestConfig, status: TestStatus) -> String {
    match status {
        TestStatus::Fail => format!(
            "Got {}, configured to fail if {}",
            plural(failures, "result"),
            config.error_if
        ),
        TestStatus::Warn => format!(
            "Got {}, configured to warn if {}",
            plural(failures, "result"),
            config.warn_if
        ),
        _ => format!("Got {}", plural(failures, "result")),
    }
}

/// Keeps the failing rows to show: the tested rows plus any extra columns, capped.
fn kept_rows(table: &Table, failing: &Failing, config: &TestConfig) -> Option<Table> {
    if !config.store_failures {
        return None;
    }
    let cap = config
        .limit
        .unwrap_or(DEFAULT_SHOWN_ROWS)
        .min(failing.rows.len());
    let mut kept = table.take(&failing.rows[..cap]);
    if let Some(extra) = &failing.extra {
        let first: Vec<u32> = (0..cap as u32).collect();
        for f in &extra.take(&first).fields {
            kept.push_shared(f.name.clone(), f.column.clone());
        }
    }
    Some(kept)
}

fn describe(test: &GenericTest) -> String {
    let col = test.column.as_deref().unwrap_or("the row");
    match &test.kind {
        GenericKind::Unique => format!("{col} has no duplicate values"),
        GenericKind::NotNull => format!("{col} is never null"),
        GenericKind::AcceptedValues { values, .. } => {
            format!("{col} is one of {} accepted values", values.len())
        }
        GenericKind::Relationships { to, field } => {
            format!("every {col} exists as {field} in {to}")
        }
        GenericKind::AcceptedRange {
            min_value,
            max_value,
            ..
        } => format!(
            "{col} lies in [{}, {}]",
            min_value.as_deref().unwrap_or("-∞"),
            max_value.as_deref().unwrap_or("∞")
        ),
        GenericKind::ExpressionIsTrue { expression } => format!("{expression} holds for every row"),
    }
}

fn run_generic(test: &GenericTest, tables: &HashMap<String, Table>) -> TestResult {
    let start = Instant::now();
    let table = tables.get(&test.node);
    let parent = match &test.kind {
        GenericKind::Relationships { to, .. } => tables.get(to),
        _ => None,
    };
    let mut result = TestResult {
        unique_id: test.unique_id.clone(),
        test_kind: test.kind.name().into(),
        attached_node: Some(test.node.clone()),
        column_name: test.column.clone(),
        severity: test.config.severity,
        status: TestStatus::Error,
        failures: 0,
        rows_checked: 0,
        execution_time: 0.0,
        message: String::new(),
        description: describe(test),
        sql: test.sql(),
        failing_rows: None,
        failing_rows_total: 0,
        line: Some(test.line),
    };
    match table
        .ok_or_else(|| format!("{} is not available", test.node))
        .and_then(|t| test.failing(t, parent).map(|f| (t, f)))
    {
        Err(e) => result.message = e,
        Ok((t, (failing, checked))) => {
            let failures = test
                .config
                .limit
                .map_or(failing.failures, |l| failing.failures.min(l));
            result.status = status_for(failures as u64, &test.config);
            result.failures = failures;
            result.rows_checked = checked;
            result.message = verdict(failures, &test.config, result.status);
            result.failing_rows = kept_rows(t, &failing, &test.config);
            result.failing_rows_total = failing.rows.len();
        }
    }
    result.execution_time = start.elapsed().as_secs_f64();
    result
}

fn run_singular(
    test: &super::data_test::singular::SingularTest,
    tables: &HashMap<String, Table>,
    accepted: &[String],
) -> TestResult {
    let start = Instant::now();
    let get = |name: &str| tables.get(&format!("model.c360.{name}"));
    let models = Models {
        get: &get,
        accepted_categories: accepted,
    };
    let config = TestConfig::default();
    let mut result = TestResult {
        unique_id: format!("test.c360.{}", test.name),
        test_kind: "singular".into(),
        attached_node: test.depends_on.first().map(|m| format!("model.c360.{m}")),
        column_name: None,
        severity: Severity::Error,
        status: TestStatus::Error,
        failures: 0,
        rows_checked: 0,
        execution_time: 0.0,
        message: String::new(),
        description: test.description.into(),
        sql: (test.sql)(accepted),
        failing_rows: None,
        failing_rows_total: 0,
        line: None,
    };
    match (test.check)(&models) {
        Err(e) => result.message = e,
        Ok((failing, checked)) => {
            let failures = failing.num_rows();
            result.status = status_for(failures as u64, &config);
            result.failures = failures;
            result.rows_checked = checked;
            result.message = verdict(failures, &config, result.status);
            result.failing_rows_total = failures;
            result.failing_rows = Some(failing);
        }
    }
    result.execution_time = start.elapsed().as_secs_f64();
    result
}

fn run_macro(test: &macros::MacroTest) -> TestResult {
    let start = Instant::now();
    let (failing, cases) = macros::run(test);
    let config = TestConfig::default();
    let failures = failing.num_rows();
    let status = status_for(failures as u64, &config);
    TestResult {
        unique_id: format!("test.c360.{}", test.name),
        test_kind: "macro".into(),
        attached_node: None,
        column_name: None,
        severity: Severity::Error,
        status,
        failures,
        rows_checked: cases,
        execution_time: start.elapsed().as_secs_f64(),
        message: verdict(failures, &config, status),
        description: test.description.into(),
        sql: test.sql.into(),
        failing_rows: Some(failing),
        failing_rows_total: failures,
        line: None,
    }
}

fn skipped(result: &mut TestResult, reason: &str) {
    result.status = TestStatus::Skipped;
    result.message = reason.to_string();
}

/// Runs sources' tests, models and models' tests in DAG order, with `dbt build`'s skipping.
pub fn build(sources: Sources, schema: &Schema, config: &RunConfig) -> Result<RunOutput, RunError> {
    let started = Instant::now();
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
        let outside = outside_categories(&sources, &config.accepted_categories);
        if !outside.is_empty() {
            edited_schema = schema.with_accepted_categories(&outside);
            config.accepted_categories.extend(outside);
            // The accepted-list test checks the grown list.
            for t in &mut tests {
                if let Planned::Generic(g) = t {
                    if Some(&g.unique_id) == schema.accepted_values_test().map(|a| &a.unique_id) {
                        g.kind = GenericKind::AcceptedValues {
                            values: config.accepted_categories.clone(),
                            quote: true,
                        };
                    }
                }
            }
        }
    }
    if !schema.tests.is_empty() {
        tests.extend(SINGULAR_TESTS.iter().map(Planned::Singular));
    }

    let nodes = graph(&config);
    let position: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.unique_id.as_str(), i))
        .collect();
    // Each test runs right after the last node it reads.
    let mut tests_after: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, t) in tests.iter().enumerate() {
        let last = t
            .depends_on()
            .iter()
            .filter_map(|d| position.get(d.as_str()).copied())
            .max();
        if let Some(last) = last {
            tests_after[last].push(i);
        }
    }

    let mut tables: HashMap<String, Table> = HashMap::new();
    let mut results: HashMap<String, NodeResult> = HashMap::new();
    let mut findings: Vec<Finding> = Vec::new();
    // Macro tests belong to a build with tests; `run` (an empty schema) is the models alone.
    let mut test_results: Vec<TestResult> = if schema.tests.is_empty() {
        Vec::new()
    } else {
        MACRO_TESTS.iter().map(run_macro).collect()
    };
    let mut steps: Vec<Step> = (0..test_results.len()).map(Step::Test).collect();
    // Nodes that must not be built on, with the reason.
    let mut blocked: HashMap<String, String> = HashMap::new();
    let mut skipped_nodes: HashSet<String> = HashSet::new();
    let freshness_checks: Vec<_> = schema.freshness.clone();

    let Sources {
        contacts,
        transactions,
        load_times,
    } = sources;
    for (def, (table, seconds)) in SOURCES
        .iter()
        .zip([contacts, transactions].into_iter().zip(load_times))
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
    let freshness: Vec<_> = freshness_checks
        .iter()
        .filter_map(|f| {
            tables
                .get(&f.node)
                .map(|t| freshness::check(f, t, config.freshness_at))
        })
        .collect();

    for (index, node) in nodes.iter().enumerate() {
        steps.push(Step::Node(index));
        if node.kind == NodeKind::Model {
            let reason = node.depends_on.iter().find_map(|d| blocked.get(d).cloned());
            match reason {
                Some(reason) => {
                    skipped_nodes.insert(node.unique_id.clone());
                    blocked.insert(
                        node.unique_id.clone(),
                        format!("skipped: upstream {}", node.name),
                    );
                    results.insert(
                        node.unique_id.clone(),
                        NodeResult {
                            unique_id: node.unique_id.clone(),
                            status: NodeStatus::Skipped,
                            rows: 0,
                            execution_time: 0.0,
                            message: reason,
                        },
                    );
                }
                None => {
                    let (table, result, node_findings) = run_model(node, &tables, &config)?;
                    results.insert(node.unique_id.clone(), result);
                    findings.extend(node_findings);
                    tables.insert(node.unique_id.clone(), table);
                }
            }
        }
        for &t in &tests_after[index] {
            let planned = &tests[t];
            let skip_reason = planned
                .depends_on()
                .iter()
                .find(|d| skipped_nodes.contains(*d))
                .map(|d| {
                    format!(
                        "skipped: {} was not built",
                        d.rsplit('.').next().unwrap_or(d)
                    )
                });
            let mut result = match planned {
                Planned::Generic(g) => {
                    if let Some(reason) = &skip_reason {
                        let mut r = run_generic(g, &HashMap::new());
                        skipped(&mut r, reason);
                        r
                    } else {
                        run_generic(g, &tables)
                    }
                }
                Planned::Singular(s) => {
                    if let Some(reason) = &skip_reason {
                        let mut r = run_singular(s, &HashMap::new(), &config.accepted_categories);
                        skipped(&mut r, reason);
                        r
                    } else {
                        run_singular(s, &tables, &config.accepted_categories)
                    }
                }
            };
            if result.blocks() {
                if let Some(node) = &result.attached_node {
                    let name = result.unique_id.trim_start_matches("test.c360.");
                    blocked
                        .entry(node.clone())
                        .or_insert_with(|| format!("skipped: upstream test {name} failed"));
                }
            }
            if result.status == TestStatus::Skipped {
                result.failing_rows = None;
            }
            steps.push(Step::Test(test_results.len()));
            test_results.push(result);
        }
    }

    let nodes = nodes
        .into_iter()
        .map(|node| NodeOutput {
            table: tables.remove(&node.unique_id).unwrap_or_default(),
            result: results
                .remove(&node.unique_id)
                .expect("every node has a result"),
            node,
        })
        .collect();
    Ok(RunOutput {
        config,
        nodes,
        findings,
        tests: test_results,
        freshness,
        edited_schema,
        steps,
        elapsed_time: started.elapsed().as_secs_f64() + load_times.iter().sum::<f64>(),
    })
}

fn run_model(
    node: &Node,
    tables: &HashMap<String, Table>,
    config: &RunConfig,
) -> Result<(Table, NodeResult, Vec<Finding>), RunError> {
    let model = MODELS
        .iter()
        .find(|m| m.unique_id() == node.unique_id)
        .expect("every model node comes from MODELS");
    let start = Instant::now();
    let mut ctx = ModelContext {
        tables,
        config,
        node: node.unique_id.clone(),
        findings: Vec::new(),
    };
    let table = model.run(&mut ctx)?;
    let findings = ctx.findings;
    let message = match findings.as_slice() {
        [] => format!("SELECT {}", table.num_rows()),
        f => format!(
            "SELECT {} ({})",
            table.num_rows(),
            f.iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    let result = NodeResult {
        unique_id: node.unique_id.clone(),
        status: NodeStatus::Success,
        rows: table.num_rows(),
        execution_time: start.elapsed().as_secs_f64(),
        message,
    };
    Ok((table, result, findings))
}

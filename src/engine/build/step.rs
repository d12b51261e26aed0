//! [`Build`]: `dbt build` one step at a time, reusing what did not change since the
//! previous run.
//!
//! Everything a step needs is decided when the build is made: the plan (settings in force,
//! DAG, tests in run order), every node's and test's fingerprint, and which results the
//! previous output can give (same fingerprint, and not skipped there). A step then does only
//! what `dbt build` does at that point — skip, take the previous result, or compute — so a
//! shell can yield between steps. What is skipped is decided as the build goes, exactly as
//! in a build from scratch: a reused test that fails blocks its node's descendants too.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::engine::build::output::{NodeOutput, NodeResult, NodeStatus, RunOutput, Step};
use crate::engine::config::RunConfig;
use crate::engine::data_test::freshness::{self, FreshnessResult};
use crate::engine::data_test::schema::Schema;
use crate::engine::data_test::{TestResult, TestStatus};
use crate::engine::error::RunError;
use crate::engine::models::dag::{Node, NodeKind};
use crate::engine::models::findings::Finding;
use crate::engine::models::ModelContext;
use crate::engine::source::Sources;
use crate::engine::source::SOURCES;
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

use super::data_tests::skipped;
use super::plan::{model_of, Plan, Todo};
use super::reuse::Reuse;

/// What one step did, for a progress report ("step 3 of 21: stg_sf__contacts").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDone {
    /// The step's position, from 0: `index + 1` of `total` steps are done.
    pub index: usize,
    pub total: usize,
    /// Where its result is in the finished [`RunOutput`]: `Step::Node(i)` in `nodes`,
    /// `Step::Test(i)` in `tests`.
    pub step: Step,
    /// `model.c360.customers`, `test.c360.not_null_customers_id`.
    pub unique_id: String,
    /// The node's name (`customers`, `salesforce.contacts`) or the test's unique id without
    /// `test.c360.`.
    pub name: String,
    /// Whether the result was taken from the previous output rather than computed (for a
    /// source: whether it is the previous run's table).
    pub reused: bool,
}

/// `dbt build`, one step at a time: a step is one node (a source's load, or a model) or one
/// data test, in the order [`build`](super::build) runs them.
///
/// ```
/// use c360::engine::build::Build;
/// use c360::engine::{RunConfig, Schema, SourceFile, SourceFiles, Sources};
///
/// let contacts = "id,username,name,gender,address,mail,birthdate,_loaded_at_utc\n\
///                 c1,ann,Ann,F,1 Main St,ann@example.com,1990-01-02,2023-05-09 10:00:00\n";
/// let transactions = "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
///                     c1,t1,2023-04-15 09:57:19,12.5,1,Books,2023-05-09 10:00:00\n";
/// let sources = || {
///     Sources::from_bytes(SourceFiles {
///         contacts: SourceFile { name: "contacts.csv", bytes: contacts.as_bytes() },
///         transactions: SourceFile { name: "transactions.csv", bytes: transactions.as_bytes() },
///     })
///     .unwrap()
/// };
/// let loaded = sources();
/// let schema = Schema::default_schema();
/// let config = RunConfig::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
///
/// let mut build = Build::new(loaded.clone(), &schema, &config, None);
/// while let Some(done) = build.step() {
///     let done = done.unwrap();
///     println!("step {} of {}: {}", done.index + 1, done.total, done.name);
/// }
/// let first = build.finish().unwrap();
///
/// // A new as-of date: only the models that compute ages, and their tests, run again.
/// let later = config.with_as_of(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
/// let second = Build::new(loaded, &schema, &later, Some(&first)).finish().unwrap();
/// assert!(second.was_reused("model.c360.stg_sf__contacts"));
/// assert!(!second.was_reused("model.c360.customers"));
/// ```
pub struct Build {
    plan: Plan,
    /// The next step's position in `plan.order`.
    next: usize,
    /// Fingerprints, and what the previous output gives.
    reuse: Reuse,
    tables: HashMap<String, Table>,
    results: Vec<Option<NodeResult>>,
    findings: Vec<Finding>,
    test_results: Vec<TestResult>,
    freshness: Vec<FreshnessResult>,
    steps: Vec<Step>,
    reused: Vec<String>,
    /// Nodes that must not be built on, with the reason.
    blocked: HashMap<String, String>,
    skipped_nodes: HashSet<String>,
    load_times: [f64; 2],
    /// Seconds spent in `new`, `step` and `finish` (not between steps).
    busy: f64,
    /// The error that stopped the build.
    failed: Option<RunError>,
    /// Models already run ahead of their step, on a second thread ([`Build::finish`],
    /// natively): a model is a function of its parents alone, so its result is the one its
    /// step would compute. Its step takes it, or drops it when the model is skipped.
    ahead: HashMap<usize, ModelRun>,
}

/// What running a model gives: its table, its result and its findings.
type ModelRun = Result<(Table, NodeResult, Vec<Finding>), RunError>;

impl Build {
    /// Plans the build of `sources` with `schema`'s tests and `config`, and checks the
    /// sources' freshness. With `previous` (an unmodified output of an earlier build in
    /// this process), every node and test whose fingerprint is unchanged will be taken from
    /// it. To keep a source unchanged, pass its previous table again (a clone shares the
    /// columns); a newly loaded table is a change, even with the same bytes.
    pub fn new(
        sources: Sources,
        schema: &Schema,
        config: &RunConfig,
        previous: Option<&RunOutput>,
    ) -> Build {
        let start = Instant::now();
        let plan = Plan::new(&sources, schema, config);
        let Sources {
            contacts,
            transactions,
            load_times,
        } = sources;
        let mut tables: HashMap<String, Table> = HashMap::new();
        let mut results: Vec<Option<NodeResult>> = vec![None; plan.nodes.len()];
        for ((def, table), seconds) in SOURCES.iter().zip([contacts, transactions]).zip(load_times)
        {
            let unique_id = def.unique_id();
            let index = plan
                .nodes
                .iter()
                .position(|n| n.unique_id == unique_id)
                .expect("every source is a node");
            results[index] = Some(NodeResult {
                unique_id: unique_id.clone(),
                status: NodeStatus::Success,
                rows: table.num_rows(),
                execution_time: seconds,
                message: format!("LOAD {} from {}", table.num_rows(), def.file_name),
            });
            tables.insert(unique_id, table);
        }
        let freshness = schema
            .freshness
            .iter()
            .filter_map(|f| {
                tables
                    .get(&f.node)
                    .map(|t| freshness::check(f, t, plan.config.freshness_at))
            })
            .collect();

        let reuse = Reuse::new(&plan, &tables, previous);
        Build {
            next: 0,
            reuse,
            tables,
            results,
            findings: Vec::new(),
            test_results: Vec::with_capacity(plan.tests.len()),
            freshness,
            steps: Vec::with_capacity(plan.order.len()),
            reused: Vec::new(),
            blocked: HashMap::new(),
            skipped_nodes: HashSet::new(),
            load_times,
            busy: start.elapsed().as_secs_f64(),
            failed: None,
            ahead: HashMap::new(),
            plan,
        }
    }

    /// How many steps the build has: every node and every test.
    pub fn total(&self) -> usize {
        self.plan.order.len()
    }

    /// Runs the next step. `None` when every step has run, or after a step failed (that
    /// step returned the error; [`finish`](Build::finish) returns it again).
    pub fn step(&mut self) -> Option<Result<StepDone, RunError>> {
        if self.failed.is_some() {
            return None;
        }
        let todo = *self.plan.order.get(self.next)?;
        let start = Instant::now();
        let outcome = match todo {
            Todo::Node(i) => self.node(i),
            Todo::Test(t) => Ok(self.test(t)),
        };
        self.busy += start.elapsed().as_secs_f64();
        let reused = match outcome {
            Ok(reused) => reused,
            Err(e) => {
                self.failed = Some(e.clone());
                return Some(Err(e));
            }
        };
        let (step, unique_id, name) = match todo {
            Todo::Node(i) => {
                let node = &self.plan.nodes[i];
                (Step::Node(i), node.unique_id.clone(), node.name.clone())
            }
            Todo::Test(t) => {
                let id = self.test_results[t].unique_id.clone();
                let name = unique_id::short(&id).to_string();
                (Step::Test(t), id, name)
            }
        };
        if reused {
            self.reused.push(unique_id.clone());
        }
        self.steps.push(step);
        let done = StepDone {
            index: self.next,
            total: self.total(),
            step,
            unique_id,
            name,
            reused,
        };
        self.next += 1;
        Some(Ok(done))
    }

    /// Runs the steps left, if any, and returns everything the build produced, or the error
    /// that stopped it.
    ///
    /// Natively, with a second core, the next model to run and the next one after it whose
    /// parents are built run at the same time, one on each core (the worker, which steps,
    /// runs one at a time). The output is the same either way.
    pub fn finish(mut self) -> Result<RunOutput, RunError> {
        let pair = cfg!(not(target_arch = "wasm32"))
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        loop {
            if pair {
                self.run_pair_ahead();
            }
            match self.step() {
                Some(done) => {
                    done?;
                }
                None => break,
            }
        }
        if let Some(e) = self.failed {
            return Err(e);
        }
        let start = Instant::now();
        let mut tables = self.tables;
        let nodes = self
            .plan
            .nodes
            .into_iter()
            .zip(self.results)
            .zip(self.reuse.node_fingerprints)
            .map(|((node, result), fingerprint)| NodeOutput {
                table: tables.remove(&node.unique_id).unwrap_or_default(),
                result: result.expect("every node has a result"),
                fingerprint,
                node,
            })
            .collect();
        let busy = self.busy + start.elapsed().as_secs_f64();
        Ok(RunOutput {
            config: self.plan.config,
            nodes,
            findings: self.findings,
            tests: self.test_results,
            freshness: self.freshness,
            edited_schema: self.plan.edited_schema,
            steps: self.steps,
            elapsed_time: busy + self.load_times.iter().sum::<f64>(),
            test_fingerprints: self.reuse.test_fingerprints,
            reused: self.reused,
        })
    }

    /// A node's step: a source is already loaded; a model is skipped when a parent is
    /// blocked, else taken from the previous output or run. Returns whether it was reused.
    fn node(&mut self, index: usize) -> Result<bool, RunError> {
        let node = &self.plan.nodes[index];
        if node.kind == NodeKind::Source {
            return Ok(self.reuse.unchanged_sources[index]);
        }
        if let Some(reason) = node.depends_on.iter().find_map(|d| self.blocked.get(d)) {
            self.results[index] = Some(NodeResult {
                unique_id: node.unique_id.clone(),
                status: NodeStatus::Skipped,
                rows: 0,
                execution_time: 0.0,
                message: reason.clone(),
            });
            self.skipped_nodes.insert(node.unique_id.clone());
            self.blocked.insert(
                node.unique_id.clone(),
                format!("skipped: upstream {}", node.name),
            );
            return Ok(false);
        }
        let (table, result, findings, reused) = match self.reuse.models[index].take() {
            Some(r) => (r.table, r.result, r.findings, true),
            None => {
                let (table, result, findings) = match self.ahead.remove(&index) {
                    Some(ran) => ran?,
                    None => run_model(node, &self.tables, &self.plan.config)?,
                };
                (table, result, findings, false)
            }
        };
        self.results[index] = Some(result);
        self.findings.extend(findings);
        self.tables.insert(node.unique_id.clone(), table);
        Ok(reused)
    }

    /// The model of `index`, if its step would run it now: a model (not a source), not
    /// taken from the previous output, not run ahead already, every parent built and none
    /// blocked.
    fn runnable(&self, index: usize) -> Option<&Node> {
        let node = &self.plan.nodes[index];
        let ready = node.kind != NodeKind::Source
            && self.reuse.models[index].is_none()
            && !self.ahead.contains_key(&index)
            && self.results[index].is_none()
            && node
                .depends_on
                .iter()
                .all(|d| self.tables.contains_key(d) && !self.blocked.contains_key(d));
        ready.then_some(node)
    }

    /// When the next step is a model to run, and a later model's parents are all built, runs
    /// both at once, one on a second thread, and keeps the results for their steps.
    fn run_pair_ahead(&mut self) {
        let Some(&Todo::Node(first)) = self.plan.order.get(self.next) else {
            return;
        };
        if self.runnable(first).is_none() {
            return;
        }
        let Some(second) = self.plan.order[self.next + 1..]
            .iter()
            .filter_map(|t| match t {
                Todo::Node(j) => Some(*j),
                Todo::Test(_) => None,
            })
            .find(|&j| self.runnable(j).is_some())
        else {
            return;
        };
        let start = Instant::now();
        let (a, b) = (&self.plan.nodes[first], &self.plan.nodes[second]);
        let (tables, config) = (&self.tables, &self.plan.config);
        let (ran_first, ran_second) = std::thread::scope(|scope| {
            let other = scope.spawn(|| run_model(b, tables, config));
            let here = run_model(a, tables, config);
            let there = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (here, there)
        });
        self.ahead.insert(first, ran_first);
        self.ahead.insert(second, ran_second);
        self.busy += start.elapsed().as_secs_f64();
    }

    /// A test's step: skipped when a node it reads was not built, else taken from the
    /// previous output or run; a blocking result blocks its node. Returns whether it was
    /// reused.
    fn test(&mut self, index: usize) -> bool {
        debug_assert_eq!(index, self.test_results.len(), "tests run in plan order");
        let planned = &self.plan.tests[index];
        let accepted = &self.plan.config.accepted_categories;
        let skip_reason = planned
            .depends_on()
            .iter()
            .find(|d| self.skipped_nodes.contains(*d))
            .map(|d| format!("skipped: {} was not built", unique_id::name(d)));
        let (mut result, reused) = match skip_reason {
            Some(reason) => {
                let mut r = planned.run(&HashMap::new(), accepted);
                skipped(&mut r, &reason);
                (r, false)
            }
            None => match self.reuse.tests[index].take() {
                Some(mut r) => {
                    planned.place(&mut r);
                    (r, true)
                }
                None => (planned.run(&self.tables, accepted), false),
            },
        };
        if result.blocks() {
            if let Some(node) = &result.attached_node {
                let name = unique_id::short(&result.unique_id);
                self.blocked
                    .entry(node.clone())
                    .or_insert_with(|| format!("skipped: upstream test {name} failed"));
            }
        }
        if result.status == TestStatus::Skipped {
            result.failing_rows = None;
        }
        self.test_results.push(result);
        reused
    }
}

/// Runs a model on its parents' tables alone, with the settings it reads alone, so that its
/// fingerprint covers everything its output depends on.
fn run_model(
    node: &Node,
    tables: &HashMap<String, Table>,
    config: &RunConfig,
) -> Result<(Table, NodeResult, Vec<Finding>), RunError> {
    let model = model_of(node);
    let start = Instant::now();
    let parents: HashMap<String, Table> = node
        .depends_on
        .iter()
        .filter_map(|d| tables.get(d).map(|t| (d.clone(), t.clone())))
        .collect();
    let config = config.only(model.reads());
    let mut ctx = ModelContext {
        tables: &parents,
        config: &config,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::build::{build, demo_sources};
    use crate::engine::source::{SourceFile, SourceFiles};

    fn config() -> RunConfig {
        RunConfig::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
    }

    fn all_steps(build: &mut Build) -> Vec<StepDone> {
        std::iter::from_fn(|| build.step())
            .map(|s| s.expect("the demo builds"))
            .collect()
    }

    #[test]
    fn steps_report_every_node_and_test_in_run_order() {
        let schema = Schema::default_schema();
        let mut b = Build::new(demo_sources(), &schema, &config(), None);
        let total = b.total();
        let done = all_steps(&mut b);
        assert!(b.step().is_none(), "no step after the last");
        let out = b.finish().expect("the demo builds");

        assert_eq!(total, out.nodes.len() + out.tests.len());
        assert_eq!(done.len(), total);
        assert_eq!(out.steps, done.iter().map(|d| d.step).collect::<Vec<_>>());
        for (i, d) in done.iter().enumerate() {
            assert_eq!((d.index, d.total), (i, total));
            assert!(!d.reused, "nothing to reuse without a previous output");
            let (id, name) = match d.step {
                Step::Node(n) => (&out.nodes[n].node.unique_id, out.nodes[n].node.name.clone()),
                Step::Test(t) => (
                    &out.tests[t].unique_id,
                    out.tests[t].unique_id.replace("test.c360.", ""),
                ),
            };
            assert_eq!((&d.unique_id, &d.name), (id, &name));
        }
        assert!(out.reused.is_empty());
        assert_eq!(out.test_fingerprints.len(), out.tests.len());
    }

    /// A build's output without its timings.
    fn untimed(out: &RunOutput) -> Vec<String> {
        let mut lines: Vec<String> = out
            .nodes
            .iter()
            .map(|n| {
                format!(
                    "{} {:?} {} {}\n{}",
                    n.result.unique_id,
                    n.result.status,
                    n.result.rows,
                    n.result.message,
                    crate::engine::value::write::to_csv_string(&n.table)
                )
            })
            .collect();
        lines.extend(out.tests.iter().map(|t| {
            format!(
                "{} {:?} {} {}",
                t.unique_id, t.status, t.failures, t.message
            )
        }));
        lines.extend(out.findings.iter().map(|f| format!("{f:?}")));
        lines
    }

    #[test]
    fn models_run_ahead_in_pairs_give_what_one_step_at_a_time_gives() {
        // The demo's planted defects fail tests of severity error, so some models are
        // skipped: a model run ahead of a step that skips it must leave no trace.
        // Every test of the shipped schema at severity error: the demo's planted defects
        // then skip models downstream of them.
        let strict = crate::engine::data_test::schema::parse(
            &crate::engine::data_test::schema::DEFAULT_SCHEMA
                .replace("severity: warn", "severity: error"),
        )
        .expect("the shipped schema, stricter");
        for schema in [Schema::default_schema(), Schema::empty(), strict.clone()] {
            let mut stepped = Build::new(demo_sources(), &schema, &config(), None);
            all_steps(&mut stepped);
            let stepped = stepped.finish().expect("the demo builds");
            let paired = Build::new(demo_sources(), &schema, &config(), None)
                .finish()
                .expect("the demo builds");
            assert_eq!(untimed(&paired), untimed(&stepped));
            assert_eq!(paired.steps, stepped.steps);
        }
        let skipped = build(demo_sources(), &strict, &config())
            .unwrap()
            .nodes
            .iter()
            .filter(|n| n.result.status == NodeStatus::Skipped)
            .count();
        assert!(
            skipped > 0,
            "the demo skips a model, so the case above is exercised"
        );
    }

    #[test]
    fn finish_runs_the_steps_left() {
        let schema = Schema::default_schema();
        let mut b = Build::new(demo_sources(), &schema, &config(), None);
        b.step().expect("a first step").expect("it runs");
        let out = b.finish().expect("the demo builds");
        assert_eq!(out.steps.len(), out.nodes.len() + out.tests.len());
    }

    #[test]
    fn the_same_inputs_again_reuse_every_node_and_test() {
        let schema = Schema::default_schema();
        let sources = demo_sources();
        let first = build(sources.clone(), &schema, &config()).expect("the demo builds");
        let mut b = Build::new(sources, &schema, &config(), Some(&first));
        let done = all_steps(&mut b);
        assert!(done.iter().all(|d| d.reused), "{done:#?}");
        let second = b.finish().expect("the demo builds");
        let ids: Vec<&str> = first
            .steps
            .iter()
            .map(|s| match *s {
                Step::Node(n) => first.nodes[n].node.unique_id.as_str(),
                Step::Test(t) => first.tests[t].unique_id.as_str(),
            })
            .collect();
        assert_eq!(second.reused, ids);
        for (a, b) in first.nodes.iter().zip(&second.nodes) {
            assert_eq!(a.fingerprint, b.fingerprint);
            // Taken, not recomputed: the very same columns.
            for (x, y) in a.table.fields.iter().zip(&b.table.fields) {
                assert!(std::sync::Arc::ptr_eq(&x.column, &y.column));
            }
        }
        assert_eq!(first.test_fingerprints, second.test_fingerprints);
        assert_eq!(first.findings.len(), second.findings.len());
    }

    #[test]
    fn a_failed_step_stops_the_build_and_finish_returns_its_error() {
        let contacts = "id,username,name,gender,address,mail,birthdate,_loaded_at_utc\n\
                        c1,ann,Ann,F,1 Main St,ann@example.com,1990-01-02,2023-05-09 10:00:00\n";
        let big = "9000000000000000000";
        let transactions = format!(
            "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
             c1,t1,2023-04-15 09:57:19,{big},1,Books,2023-05-09 10:00:00\n\
             c1,t2,2023-04-15 09:57:19,{big},1,Books,2023-05-09 10:00:00\n"
        );
        let sources = Sources::from_bytes(SourceFiles {
            contacts: SourceFile {
                name: "contacts.csv",
                bytes: contacts.as_bytes(),
            },
            transactions: SourceFile {
                name: "transactions.csv",
                bytes: transactions.as_bytes(),
            },
        })
        .expect("valid exports");
        let mut b = Build::new(sources, &Schema::empty(), &config(), None);
        let error = loop {
            match b.step().expect("the overflow comes before the end") {
                Ok(_) => continue,
                Err(e) => break e,
            }
        };
        assert!(error.to_string().contains("too large"), "{error}");
        assert!(b.step().is_none(), "nothing runs after the error");
        assert_eq!(b.finish().err(), Some(error));
    }
}

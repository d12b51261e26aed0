//! What the project commands print and write: a dbt-like log, `run_results.json`, and the
//! exit status the tests decide.

use std::fs;
use std::path::Path;

use anyhow::Context;

use super::Failure;
use crate::engine::data_test::TestStatus;
use crate::engine::value::unique_id;
use crate::engine::{NodeKind, NodeStatus, RunOutput};

pub fn write_run_results(output: &RunOutput, dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("run_results.json");
    let json = serde_json::to_string_pretty(&output.run_results())?;
    fs::write(&path, json + "\n").with_context(|| format!("cannot write {}", path.display()))
}

fn line(index: usize, total: usize, status: &str, what: &str, detail: &str) {
    let label = format!("{index} of {total} {status} {what}");
    out!("{label:.<72} [{detail}]");
}

/// The log: nodes (when `models`) and tests in run order, then a summary line.
pub fn print_log(output: &RunOutput, models: bool) {
    out!(
        "Running with c360 {} as of {}",
        env!("CARGO_PKG_VERSION"),
        output.config.as_of
    );
    use crate::engine::build::output::Step;
    let steps: Vec<Step> = output
        .steps
        .iter()
        .copied()
        .filter(|s| models || matches!(s, Step::Test(_)))
        .collect();
    let total = steps.len();
    for (i, step) in steps.into_iter().enumerate() {
        let i = i + 1;
        match step {
            Step::Node(n) => {
                let node = &output.nodes[n];
                let kind = match node.node.kind {
                    NodeKind::Source => "source",
                    NodeKind::Model => "model",
                };
                let r = &node.result;
                let status = r.status.word();
                let detail = match r.status {
                    NodeStatus::Success => format!("{} rows in {:.3}s", r.rows, r.execution_time),
                    NodeStatus::Skipped => r.message.clone(),
                };
                line(
                    i,
                    total,
                    status,
                    &format!("{kind} {}", node.node.name),
                    &detail,
                );
            }
            Step::Test(t) => {
                let t = &output.tests[t];
                let status = t.status.word();
                let detail = match t.status {
                    TestStatus::Pass => format!("{:.3}s", t.execution_time),
                    TestStatus::Warn | TestStatus::Fail => t.failures.to_string(),
                    _ => t.message.clone(),
                };
                line(i, total, status, unique_id::short(&t.unique_id), &detail);
            }
        }
    }
    for f in &output.findings {
        out!("NOTE {}: {}", unique_id::short(&f.node), f.message);
    }
    for t in output.tests.iter().filter(|t| {
        matches!(
            t.status,
            TestStatus::Fail | TestStatus::Warn | TestStatus::Error
        )
    }) {
        out!(
            "\n{} {}: {}",
            t.status.word(),
            unique_id::short(&t.unique_id),
            t.message
        );
        if let Some(rows) = &t.failing_rows {
            let shown = rows.page(None, 0, 5);
            out!("  {}", rows.column_names().collect::<Vec<_>>().join(" | "));
            for row in shown {
                out!("  {}", row.join(" | "));
            }
            if t.failing_rows_total > 5 {
                out!("  … {} failing rows in all", t.failing_rows_total);
            }
        }
    }
    let count = |s: TestStatus| output.tests.iter().filter(|t| t.status == s).count();
    let skipped_models = output
        .models()
        .filter(|m| m.result.status == NodeStatus::Skipped)
        .count();
    out!(
        "\nDone in {:.3}s. PASS={} WARN={} FAIL={} ERROR={} SKIP={} (tests), models built={} skipped={}",
        output.elapsed_time,
        count(TestStatus::Pass),
        count(TestStatus::Warn),
        count(TestStatus::Fail),
        count(TestStatus::Error),
        count(TestStatus::Skipped),
        output.models().count() - skipped_models,
        skipped_models
    );
}

pub fn print_freshness(output: &RunOutput) {
    for f in &output.freshness {
        out!(
            "freshness of {}: {} — {}",
            unique_id::short(&f.unique_id),
            f.status.as_str().to_uppercase(),
            f.message
        );
    }
}

/// Exit 1 when a test of severity `error` failed or could not run.
pub fn exit_for_tests(output: &RunOutput) -> Result<(), Failure> {
    if output.has_failures() {
        Err(Failure::Checks)
    } else {
        Ok(())
    }
}

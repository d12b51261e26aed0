//! What the project commands print and write: a dbt-like log, `run_results.json`, and the
//! exit status the tests decide.

use std::fs;
use std::path::Path;

use anyhow::Context;

use super::Failure;
use crate::engine::data_test::TestStatus;
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
                let (status, detail) = match r.status {
                    NodeStatus::Success => {
                        ("OK", format!("{} rows in {:.3}s", r.rows, r.execution_time))
                    }
                    NodeStatus::Skipped => ("SKIP", r.message.clone()),
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
                let status = match t.status {
                    TestStatus::Pass => "PASS",
                    TestStatus::Warn => "WARN",
                    TestStatus::Fail => "FAIL",
                    TestStatus::Error => "ERROR",
                    TestStatus::Skipped => "SKIP",
                };
                let detail = match t.status {
                    TestStatus::Pass => format!("{:.3}s", t.execution_time),
                    TestStatus::Warn | TestStatus::Fail => t.failures.to_string(),
                    _ => t.message.clone(),
                };
                line(
                    i,
                    total,
                    status,
                    t.unique_id.trim_start_matches("test.c360."),
                    &detail,
                );
            }
        }
    }
    for f in &output.findings {
        out!(
            "NOTE {}: {}",
            f.node.trim_start_matches("model.c360."),
            f.message
        );
    }
    for t in output.tests.iter().filter(|t| {
        matches!(
            t.status,
            TestStatus::Fail | TestStatus::Warn | TestStatus::Error
        )
    }) {
        out!(
            "\n{} {}: {}",
            t.status.as_str().to_uppercase(),
            t.unique_id.trim_start_matches("test.c360."),
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
            f.unique_id.trim_start_matches("source.c360."),
            serde_json::to_value(f.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_uppercase))
                .unwrap_or_default(),
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

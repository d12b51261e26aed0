//! Running one data test: a generic test on its node's table, a singular test on the models
//! it reads, a macro test on its cases, each giving a [`TestResult`] with dbt's status and
//! message. Which tests run, in what order and whether they are skipped is the build's job
//! ([`super::Build`]).

use std::collections::HashMap;

use web_time::Instant;

use crate::engine::data_test::generic::{GenericKind, GenericTest};
use crate::engine::data_test::macros::{self, MacroTest};
use crate::engine::data_test::singular::{Models, SingularTest};
use crate::engine::data_test::{
    status_for, Failing, Severity, TestConfig, TestResult, TestStatus, DEFAULT_SHOWN_ROWS,
};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

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

pub(super) fn run_generic(test: &GenericTest, tables: &HashMap<String, Table>) -> TestResult {
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

pub(super) fn run_singular(
    test: &SingularTest,
    tables: &HashMap<String, Table>,
    accepted: &[String],
) -> TestResult {
    let start = Instant::now();
    // Only the models it declares: its fingerprint covers those and nothing else.
    let get = |name: &str| {
        test.depends_on
            .contains(&name)
            .then(|| tables.get(&unique_id::model(name)))
            .flatten()
    };
    let models = Models {
        get: &get,
        accepted_categories: accepted,
    };
    let config = TestConfig::default();
    let mut result = TestResult {
        unique_id: unique_id::test(test.name),
        test_kind: "singular".into(),
        attached_node: test.depends_on.first().map(|m| unique_id::model(m)),
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

pub(super) fn run_macro(test: &MacroTest) -> TestResult {
    let start = Instant::now();
    let (failing, cases) = macros::run(test);
    let config = TestConfig::default();
    let failures = failing.num_rows();
    let status = status_for(failures as u64, &config);
    TestResult {
        unique_id: unique_id::test(test.name),
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

pub(super) fn skipped(result: &mut TestResult, reason: &str) {
    result.status = TestStatus::Skipped;
    result.message = reason.to_string();
}

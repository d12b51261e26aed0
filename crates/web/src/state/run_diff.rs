//! What changed between two runs, in words: the answer a user needs after flipping a policy,
//! applying a schema or loading a file ("stg_sf__contacts 11 → 10 rows", "customers gains
//! kitchen_amount", "not_null_contacts_joined_with_transactions_id pass → fail").
//!
//! Compares the two [`RunView`]s node by node (built or skipped, row counts, columns,
//! findings), then test by test (status and failure counts, tests added or removed), then
//! the accepted category list. Values only: no timing, which changes every run.

use std::fmt;

use c360::engine::data_test::TestStatus;

use crate::state::format;
use crate::state::runner::{status_word, NodeView, RunView, TestView};

/// One difference between two runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The accepted category list grew or shrank.
    AcceptedCategories {
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// A node that was built is skipped now.
    NowSkipped { node: String, reason: String },
    /// A node that was skipped is built now.
    NowBuilt { node: String, rows: usize },
    /// A node built by both runs has another row count; `finding` is what it reports now,
    /// when that changed too.
    Rows {
        node: String,
        before: usize,
        after: usize,
        finding: Option<String>,
    },
    /// A node's columns changed.
    Columns {
        node: String,
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// A node reports something new (or in new words) with the same row count.
    Finding { node: String, message: String },
    /// A node no longer reports a finding.
    FindingGone { node: String, message: String },
    /// A test's status or failure count changed.
    Test {
        name: String,
        before: TestStatus,
        after: TestStatus,
        failures_before: usize,
        failures_after: usize,
    },
    /// Tests that only one of the runs has (the schema changed).
    Tests {
        added: Vec<String>,
        removed: Vec<String>,
    },
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn failures(n: usize) -> String {
    match n {
        1 => "1 failure".into(),
        n => format!("{} failures", format::count(n)),
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::AcceptedCategories { added, removed } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("gain {}", list(added)));
                }
                if !removed.is_empty() {
                    parts.push(format!("lose {}", list(removed)));
                }
                write!(f, "the accepted categories {}", parts.join(" and "))
            }
            Change::NowSkipped { node, reason } => write!(f, "{node} is skipped now ({reason})"),
            Change::NowBuilt { node, rows } => {
                write!(f, "{node} is built again: {}", format::rows(*rows))
            }
            Change::Rows {
                node,
                before,
                after,
                finding,
            } => {
                write!(
                    f,
                    "{node} {} → {}",
                    format::count(*before),
                    format::rows(*after)
                )?;
                match finding {
                    Some(message) => write!(f, "; {message}"),
                    None => Ok(()),
                }
            }
            Change::Columns {
                node,
                added,
                removed,
            } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("gains {}", list(added)));
                }
                if !removed.is_empty() {
                    parts.push(format!("loses {}", list(removed)));
                }
                write!(f, "{node} {}", parts.join(" and "))
            }
            Change::Finding { node, message } => write!(f, "{node}: {message}"),
            Change::FindingGone { node, message } => {
                write!(f, "{node} no longer reports: {message}")
            }
            Change::Test {
                name,
                before,
                after,
                failures_before,
                failures_after,
            } => {
                if before == after {
                    write!(
                        f,
                        "{name} still {}: {} → {}",
                        status_word(*after),
                        failures(*failures_before),
                        failures(*failures_after)
                    )
                } else {
                    write!(
                        f,
                        "{name} {} → {}",
                        status_word(*before),
                        status_word(*after)
                    )?;
                    match after {
                        TestStatus::Warn | TestStatus::Fail => {
                            write!(f, " ({})", failures(*failures_after))
                        }
                        _ => Ok(()),
                    }
                }
            }
            Change::Tests { added, removed } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("tests added: {}", list(added)));
                }
                if !removed.is_empty() {
                    parts.push(format!("tests removed: {}", list(removed)));
                }
                write!(f, "{}", parts.join("; "))
            }
        }
    }
}

impl Change {
    /// A word for styling and tests: `node`, `test`, `schema`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::AcceptedCategories { .. } | Change::Tests { .. } => "schema",
            Change::Test { .. } => "test",
            _ => "node",
        }
    }
}

/// Everything that differs between two runs, in the order a reader follows the DAG.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunDiff {
    pub changes: Vec<Change>,
}

/// A node's columns: its table's when it was built, its documented ones when it was skipped
/// (a skipped node has an empty table, but its definition still says what it would hold).
fn columns(node: &NodeView) -> Vec<String> {
    if node.is_skipped() {
        node.docs.iter().map(|c| c.name.clone()).collect()
    } else {
        node.columns.iter().map(|c| c.name.clone()).collect()
    }
}

fn findings(run: &RunView, node: &str) -> Vec<String> {
    run.findings
        .iter()
        .filter(|f| f.node == node)
        .map(|f| f.message.clone())
        .collect()
}

fn missing_from(items: &[String], other: &[String]) -> Vec<String> {
    items
        .iter()
        .filter(|i| !other.contains(i))
        .cloned()
        .collect()
}

fn test_change(before: &TestView, after: &TestView) -> Option<Change> {
    let (b, a) = (&before.result, &after.result);
    let counted = |s: TestStatus| matches!(s, TestStatus::Warn | TestStatus::Fail);
    let changed = b.status != a.status || (counted(a.status) && b.failures != a.failures);
    changed.then(|| Change::Test {
        name: after.name.clone(),
        before: b.status,
        after: a.status,
        failures_before: b.failures,
        failures_after: a.failures,
    })
}

impl RunDiff {
    /// What `after` changed compared with `before`.
    pub fn between(before: &RunView, after: &RunView) -> RunDiff {
        let mut changes = Vec::new();

        let (old, new) = (
            &before.config.accepted_categories,
            &after.config.accepted_categories,
        );
        let (added, removed) = (missing_from(new, old), missing_from(old, new));
        if !added.is_empty() || !removed.is_empty() {
            changes.push(Change::AcceptedCategories { added, removed });
        }

        for now in &after.nodes {
            let id = &now.node.unique_id;
            let Some(was) = before.node(id) else {
                continue;
            };
            let node = now.node.name.clone();
            let (found_before, found_after) = (findings(before, id), findings(after, id));
            let findings_changed = found_before != found_after;
            match (was.is_skipped(), now.is_skipped()) {
                (false, true) => changes.push(Change::NowSkipped {
                    node: node.clone(),
                    reason: now
                        .result
                        .message
                        .strip_prefix("skipped: ")
                        .unwrap_or(&now.result.message)
                        .to_string(),
                }),
                (true, false) => changes.push(Change::NowBuilt {
                    node: node.clone(),
                    rows: now.result.rows,
                }),
                (true, true) => {}
                (false, false) => {
                    let rows_changed = was.result.rows != now.result.rows;
                    if rows_changed {
                        changes.push(Change::Rows {
                            node: node.clone(),
                            before: was.result.rows,
                            after: now.result.rows,
                            finding: (findings_changed && !found_after.is_empty())
                                .then(|| found_after.join("; ")),
                        });
                    } else if findings_changed {
                        for message in missing_from(&found_after, &found_before) {
                            changes.push(Change::Finding {
                                node: node.clone(),
                                message,
                            });
                        }
                    }
                    if findings_changed && found_after.is_empty() {
                        for message in found_before {
                            changes.push(Change::FindingGone {
                                node: node.clone(),
                                message,
                            });
                        }
                    }
                }
            }
            let (cols_before, cols_after) = (columns(was), columns(now));
            let (added, removed) = (
                missing_from(&cols_after, &cols_before),
                missing_from(&cols_before, &cols_after),
            );
            if !added.is_empty() || !removed.is_empty() {
                changes.push(Change::Columns {
                    node,
                    added,
                    removed,
                });
            }
        }

        let mut added = Vec::new();
        for test in &after.tests {
            match before.test(&test.result.unique_id) {
                Some(was) => changes.extend(test_change(was, test)),
                None => added.push(test.name.clone()),
            }
        }
        let removed: Vec<String> = before
            .tests
            .iter()
            .filter(|t| after.test(&t.result.unique_id).is_none())
            .map(|t| t.name.clone())
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            changes.push(Change::Tests { added, removed });
        }
        RunDiff { changes }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Every change as a line of text.
    pub fn lines(&self) -> Vec<String> {
        self.changes.iter().map(Change::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::inputs::Inputs;
    use crate::state::loopback::execute;
    use c360::engine::config::remediation::{
        DuplicateContacts, OrphanTransactions, OutsideCategories,
    };
    use c360::engine::data_test::schema::{parse, DEFAULT_SCHEMA};
    use c360::engine::{RunConfig, Schema};
    use chrono::NaiveDate;

    fn config() -> RunConfig {
        RunConfig::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
    }

    fn run(schema: &Schema, config: &RunConfig) -> RunView {
        execute(&Inputs::demo(), &schema.text, config).unwrap()
    }

    fn lines(before: &RunView, after: &RunView) -> Vec<String> {
        RunDiff::between(before, after).lines()
    }

    #[test]
    fn the_same_run_changes_nothing() {
        let a = run(&Schema::default_schema(), &config());
        let b = run(&Schema::default_schema(), &config());
        assert!(RunDiff::between(&a, &b).is_empty());
    }

    #[test]
    fn dropping_every_duplicate_removes_rows_and_orphans_transactions() {
        let schema = Schema::default_schema();
        let before = run(&schema, &config());
        let mut drop_all = config();
        drop_all.policies.duplicate_contacts = DuplicateContacts::DropAll;
        let after = run(&schema, &drop_all);
        let lines = lines(&before, &after);
        assert_eq!(
            lines[0],
            "stg_sf__contacts 11 → 10 rows; 2 duplicate contact rows removed (policy: drop every \
             row of a repeated id)"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("contacts_joined_with_transactions 99 → 91 rows")),
            "{lines:#?}"
        );
    }

    #[test]
    fn keeping_orphans_adds_a_row_and_a_warning() {
        let schema = Schema::default_schema();
        let before = run(&schema, &config());
        let mut keep = config();
        keep.policies.orphan_transactions = OrphanTransactions::KeepWithNullContact;
        let lines = lines(&before, &run(&schema, &keep));
        assert!(lines[0].starts_with("contacts_joined_with_transactions 99 → 100 rows; "));
        assert!(
            lines.contains(
                &"not_null_contacts_joined_with_transactions_id PASS → WARN (1 failure)"
                    .to_string()
            ),
            "{lines:#?}"
        );
    }

    #[test]
    fn accepting_kitchen_gives_customers_its_column_even_when_skipped() {
        // The exercise's own setup: no Kitchen, and a category outside the list an error.
        let without_kitchen = include_str!("../../../../tests/data/schema/exercise_done_when.yml");
        let schema = parse(without_kitchen).unwrap();
        let before = run(&schema, &config());
        assert!(before.node("model.c360.customers").unwrap().is_skipped());
        let mut accept = config();
        accept.policies.outside_categories = OutsideCategories::AddToAcceptedList;
        let after = run(&schema, &accept);
        let lines = lines(&before, &after);
        assert_eq!(lines[0], "the accepted categories gain Kitchen");
        assert!(
            lines.contains(&"customers gains kitchen_amount".to_string()),
            "{lines:#?}"
        );
        assert!(lines.contains(&"stg_web__transactions is built again: 100 rows".to_string()));
        assert!(lines
            .contains(&"source_accepted_values_web_transactions_category FAIL → PASS".to_string()));
    }

    #[test]
    fn a_skipped_nodes_documented_columns_are_its_built_columns() {
        let run = run(&Schema::default_schema(), &config());
        for node in &run.nodes {
            let documented: Vec<&str> = node.docs.iter().map(|c| c.name.as_str()).collect();
            let built: Vec<&str> = node.columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(documented, built, "{}", node.node.unique_id);
        }
    }

    #[test]
    fn a_schema_without_a_test_removes_it() {
        let before = run(&Schema::default_schema(), &config());
        let fewer = DEFAULT_SCHEMA.replacen(
            "      - name: id\n        data_tests:\n          - unique\n          - not_null\n\n  - name: contacts_joined",
            "      - name: id\n        data_tests:\n          - not_null\n\n  - name: contacts_joined",
            1,
        );
        assert_ne!(fewer, DEFAULT_SCHEMA);
        let after = run(&parse(&fewer).unwrap(), &config());
        assert_eq!(
            lines(&before, &after),
            ["tests removed: unique_stg_sf__contacts_id"]
        );
    }
}

//! The project view: the DAG, the open node's table, the data tests, the ways to fix what they
//! find (policies, schema editor, categories), freshness, findings, the run log and the benchmark.

pub mod bench_panel;
pub mod categories_panel;
pub mod change_summary;
pub mod dag;
pub mod finding_card;
pub mod findings;
pub mod freshness_panel;
pub mod node_panel;
pub mod policies_panel;
pub mod run_summary;
pub mod schema_editor;
pub mod test_detail;
pub mod tests_panel;

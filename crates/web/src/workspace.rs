//! The app's state as one plain type: which files, which schema and settings, the last run's
//! result and what it changed, which node is open and how its table is sorted and paged,
//! which test is open.
//!
//! Components hold a `RwSignal<Workspace>` and only call its methods
//! (`ws.update(|w| w.set_as_of(day, now))`); every rule about what a change implies lives here.
//! Any change to the inputs, the schema or the settings re-runs the DAG at once, and a failed
//! run leaves no result behind: a stale table must never pass for the current one. Invalid
//! schema text is the exception by design: it never reaches the engine, so the results of the
//! last valid schema stay (and the page says so).

use std::ops::Deref;
use std::sync::Arc;

use chrono::NaiveDate;

use c360::engine::data_test::TestStatus;
use c360::engine::policy::{OutsideCategories, Policies};
use c360::engine::{Node, RunConfig, RunError, Schema};

use super::grid::{Grid, TableCommand};
use super::inputs::{Inputs, Slot, SourceInput};
use super::policy_switches::Switch;
use super::run_diff::RunDiff;
use super::runner::{self, NodeView, RunView};
use super::schema_state::{SchemaOrigin, SchemaState};

/// The node shown when the app opens: the customer 360 itself.
pub const DEFAULT_NODE: &str = "model.c360.customers";

/// A successful run, compared by identity: two handles are equal when they are the same run,
/// which is what a view needs to know to skip re-rendering.
#[derive(Clone, Debug)]
pub struct RunHandle(Arc<RunView>);

impl PartialEq for RunHandle {
    fn eq(&self, other: &RunHandle) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for RunHandle {
    type Target = RunView;

    fn deref(&self) -> &RunView {
        &self.0
    }
}

/// What the last re-run changed, and what made it run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastChange {
    /// In words: "Duplicate contact ids: drop every row of a repeated id".
    pub cause: String,
    pub diff: RunDiff,
}

/// Everything the page shows, and the rules for changing it.
#[derive(Clone, Debug)]
pub struct Workspace {
    inputs: Inputs,
    config: RunConfig,
    schema: SchemaState,
    /// The DAG's nodes, known even when the run fails.
    nodes: Vec<Node>,
    outcome: Result<RunHandle, RunError>,
    selected: String,
    /// The selected node's table view; `None` when the run failed or skipped the node.
    grid: Option<Grid>,
    /// A problem that did not change the inputs (an unreadable or unrecognised file): shown,
    /// but the current result stays valid.
    notice: Option<String>,
    /// What the last re-run changed; `None` before the first re-run and after a failed one.
    last_change: Option<LastChange>,
    /// The test panel shows only tests of this status, when set.
    test_filter: Option<TestStatus>,
    /// The test whose detail is open.
    open_test: Option<String>,
}

impl Workspace {
    /// The demo data and the shipped schema, run with `config`.
    pub fn demo(config: RunConfig) -> Workspace {
        let inputs = Inputs::demo();
        let schema = SchemaState::shipped();
        let mut workspace = Workspace {
            outcome: run(&inputs, schema.in_force(), &config),
            nodes: Vec::new(),
            inputs,
            config,
            schema,
            selected: DEFAULT_NODE.into(),
            grid: None,
            notice: None,
            last_change: None,
            test_filter: None,
            open_test: None,
        };
        workspace.show_outcome();
        workspace
    }

    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    pub fn policies(&self) -> &Policies {
        &self.config.policies
    }

    pub fn schema(&self) -> &SchemaState {
        &self.schema
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The last run: its result, or why there is none.
    pub fn outcome(&self) -> &Result<RunHandle, RunError> {
        &self.outcome
    }

    pub fn selected(&self) -> &str {
        &self.selected
    }

    pub fn selected_node(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| n.unique_id == self.selected)
    }

    pub fn grid(&self) -> Option<&Grid> {
        self.grid.as_ref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn last_change(&self) -> Option<&LastChange> {
        self.last_change.as_ref()
    }

    pub fn test_filter(&self) -> Option<TestStatus> {
        self.test_filter
    }

    pub fn open_test(&self) -> Option<&str> {
        self.open_test.as_deref()
    }

    /// Re-runs as of another day. `now` (milliseconds since the epoch) is the browser's clock:
    /// when the day is today, freshness is measured at that instant rather than at midnight.
    pub fn set_as_of(&mut self, as_of: NaiveDate, now: i64) {
        if as_of == self.config.as_of {
            return;
        }
        let today = RunConfig::at_instant(now);
        // Everything the engine derives from the day (the freshness instant) follows it; the
        // rest of the settings stay.
        self.config = if as_of == today.as_of {
            RunConfig {
                policies: self.config.policies,
                accepted_categories: self.config.accepted_categories.clone(),
                ..today
            }
        } else {
            self.config.with_as_of(as_of)
        };
        self.rerun(format!("As of {as_of}"));
    }

    /// Replaces some sources with the user's files and re-runs once.
    pub fn load(&mut self, files: Vec<(Slot, SourceInput)>) {
        self.load_with_schema(files, None);
    }

    /// Replaces some sources and, when given, the schema file (`(name, text)`) and re-runs
    /// once. An invalid schema file is shown with its errors and the last valid definitions
    /// stay in force.
    pub fn load_with_schema(
        &mut self,
        files: Vec<(Slot, SourceInput)>,
        schema: Option<(String, String)>,
    ) {
        let mut names: Vec<String> = files.iter().map(|(_, f)| f.name.clone()).collect();
        let sources_changed = !files.is_empty();
        for (slot, input) in files {
            self.inputs.set(slot, input);
        }
        let mut schema_changed = false;
        if let Some((name, text)) = schema {
            names.push(name.clone());
            schema_changed = self.schema.apply(text, SchemaOrigin::File(name));
        }
        if sources_changed || schema_changed {
            self.rerun(format!("Loaded {}", names.join(", ")));
        }
    }

    /// Goes back to the bundled demo files.
    pub fn use_demo(&mut self) {
        self.inputs = Inputs::demo();
        self.rerun("Back to the demo data");
    }

    /// Applies schema text typed in the editor: valid text re-runs the DAG with it; invalid
    /// text keeps its errors and leaves the results of the last valid schema on screen.
    pub fn apply_schema(&mut self, text: String) {
        if self.schema.apply(text, SchemaOrigin::Edited) {
            self.rerun("Applied the schema");
        }
    }

    /// Goes back to the shipped schema file.
    pub fn reset_schema(&mut self) {
        if self.schema.reset() {
            self.rerun("Reset to the shipped schema");
        }
    }

    /// Sets one remediation policy to a value (the engine's serde name) and re-runs.
    /// Switching "categories outside the accepted list" away from adding them undoes the
    /// schema edit that choice made.
    pub fn set_policy(&mut self, switch: Switch, value: &str) {
        let Some(policies) = switch.set(self.config.policies, value) else {
            return;
        };
        if policies == self.config.policies {
            return;
        }
        if policies.outside_categories != OutsideCategories::AddToAcceptedList {
            self.schema.undo_policy_edit();
        }
        self.config.policies = policies;
        self.rerun(format!(
            "{}: {}",
            switch.legend(),
            switch.current_label(&policies)
        ));
    }

    /// Reports a problem that left the inputs as they were.
    pub fn reject(&mut self, message: String) {
        self.notice = Some(message);
    }

    pub fn dismiss_notice(&mut self) {
        self.notice = None;
    }

    /// Opens a node's table at its first page, in file order.
    pub fn select(&mut self, unique_id: &str) {
        if unique_id == self.selected || !self.nodes.iter().any(|n| n.unique_id == unique_id) {
            return;
        }
        self.selected = unique_id.to_string();
        self.grid = match &self.outcome {
            Ok(run) => built(run, unique_id).map(|n| Grid::new(n.table.clone(), n.docs.clone())),
            Err(_) => None,
        };
    }

    /// Sorts or pages the open table.
    pub fn command(&mut self, command: TableCommand) {
        if let Some(grid) = &mut self.grid {
            grid.apply(command);
        }
    }

    /// Shows only the tests of one status, or all of them.
    pub fn set_test_filter(&mut self, filter: Option<TestStatus>) {
        self.test_filter = filter;
    }

    /// Opens a test's detail, or closes it when it is the open one.
    pub fn toggle_test(&mut self, unique_id: &str) {
        if self.open_test.as_deref() == Some(unique_id) {
            self.open_test = None;
        } else {
            self.show_test(unique_id);
        }
    }

    /// Opens a test's detail, clearing a filter that would hide it.
    pub fn show_test(&mut self, unique_id: &str) {
        let Ok(run) = &self.outcome else {
            return;
        };
        let Some(test) = run.test(unique_id) else {
            return;
        };
        if self.test_filter.is_some_and(|f| f != test.status()) {
            self.test_filter = None;
        }
        self.open_test = Some(unique_id.to_string());
    }

    /// Runs the DAG on the current inputs, schema and settings, and says what changed.
    fn rerun(&mut self, cause: impl Into<String>) {
        self.notice = None;
        let before = self.outcome.as_ref().ok().cloned();
        self.outcome = run(&self.inputs, self.schema.in_force(), &self.config);
        self.last_change = match (&before, &self.outcome) {
            (Some(before), Ok(after)) => Some(LastChange {
                cause: cause.into(),
                diff: RunDiff::between(before, after),
            }),
            _ => None,
        };
        self.show_outcome();
    }

    /// Points the views at the current outcome: takes a policy's schema edit, then the open
    /// node, its sort and its page carry over to a new result; a failure clears the table.
    fn show_outcome(&mut self) {
        match &self.outcome {
            Ok(run) => {
                if let Some(text) = &run.edited_schema {
                    self.schema.take_policy_edit(text);
                }
                self.nodes = run.nodes.iter().map(|n| n.node.clone()).collect();
            }
            Err(_) => {
                // The picture still shows the columns the schema's accepted list gives.
                let mut config = self.config.clone();
                if let Some(list) = &self.schema.in_force().accepted_categories {
                    config.accepted_categories = list.clone();
                }
                self.nodes = runner::graph(&config);
            }
        }
        if !self.nodes.iter().any(|n| n.unique_id == self.selected) {
            self.selected = self
                .nodes
                .last()
                .map(|n| n.unique_id.clone())
                .unwrap_or_default();
        }
        if let Ok(run) = &self.outcome {
            if self
                .open_test
                .as_deref()
                .is_some_and(|t| run.test(t).is_none())
            {
                self.open_test = None;
            }
        }
        let previous = self.grid.take();
        self.grid = match &self.outcome {
            Ok(run) => built(run, &self.selected).map(|n| match &previous {
                Some(grid) => grid.carry_over(n.table.clone(), n.docs.clone()),
                None => Grid::new(n.table.clone(), n.docs.clone()),
            }),
            Err(_) => None,
        };
    }
}

/// A node of the run that was built (a skipped node has no table to show).
fn built<'a>(run: &'a RunView, unique_id: &str) -> Option<&'a NodeView> {
    run.node(unique_id).filter(|n| !n.is_skipped())
}

fn run(inputs: &Inputs, schema: &Schema, config: &RunConfig) -> Result<RunHandle, RunError> {
    runner::execute(inputs, schema, config).map(|r| RunHandle(Arc::new(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Direction;

    /// The browser's clock in these tests: 2030-01-01 12:00 UTC, a day none of them runs as of.
    const NOW: i64 = 1_893_499_200_000;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn demo() -> Workspace {
        Workspace::demo(RunConfig::new(day(26)))
    }

    fn run(ws: &Workspace) -> RunHandle {
        ws.outcome().clone().expect("the run succeeds")
    }

    fn status(ws: &Workspace, test: &str) -> TestStatus {
        run(ws).test(&format!("test.c360.{test}")).unwrap().status()
    }

    /// The exercise's own setup: no Kitchen in the accepted list, duplicate contact ids an
    /// error.
    fn exercise_schema() -> String {
        c360::engine::schema::DEFAULT_SCHEMA
            .replace("                      - Kitchen\n", "")
            .replacen(
                "- unique:\n                  config:\n                    severity: warn\n",
                "- unique\n",
                1,
            )
    }

    fn bad_transactions() -> SourceInput {
        SourceInput::user(
            "transactions.csv",
            b"contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
              a,b,2023-01-01 00:00:00.000,\"12,5\",1,Books,2023-01-02 00:00:00.000\n"
                .to_vec(),
        )
    }

    #[test]
    fn opens_on_the_demo_customers() {
        let ws = demo();
        let run = ws.outcome().as_ref().expect("the demo runs");
        assert_eq!(run.nodes.len(), ws.nodes().len());
        assert_eq!(ws.selected(), DEFAULT_NODE);
        assert_eq!(ws.grid().unwrap().num_rows(), 10);
        assert!(ws.inputs().is_demo());
    }

    #[test]
    fn a_new_as_of_date_reruns_and_keeps_the_view() {
        let mut ws = demo();
        let age = ws
            .grid()
            .unwrap()
            .table()
            .column_names()
            .position(|c| c == "age")
            .unwrap();
        ws.command(TableCommand::SortBy(age));
        let before = ws.outcome().clone().unwrap();
        ws.set_as_of(day(27), NOW);
        let after = ws.outcome().clone().unwrap();
        assert!(before != after, "a new run");
        assert_eq!(after.config.as_of, day(27));
        assert_eq!(after.config, RunConfig::new(day(27)));
        assert_eq!(
            ws.grid().unwrap().direction(age),
            Some(Direction::Ascending)
        );
        ws.set_as_of(day(27), NOW);
        assert!(
            ws.outcome().clone().unwrap() == after,
            "the same day does not re-run"
        );
    }

    #[test]
    fn a_bad_file_leaves_no_result_and_the_demo_comes_back() {
        let mut ws = demo();
        ws.load(vec![(Slot::Transactions, bad_transactions())]);
        let error = ws.outcome().as_ref().unwrap_err().to_string();
        assert!(
            error.starts_with("transactions.csv line 2, column amount"),
            "{error}"
        );
        assert!(ws.grid().is_none());
        ws.select("model.c360.category");
        assert!(ws.grid().is_none(), "no table from any run");
        ws.use_demo();
        assert_eq!(ws.grid().unwrap().num_rows(), 7);
        assert_eq!(ws.selected(), "model.c360.category");
    }

    #[test]
    fn selecting_opens_a_node_at_its_first_page_and_ignores_unknown_ids() {
        let mut ws = demo();
        ws.select("source.c360.web.transactions");
        ws.command(TableCommand::NextPage);
        assert_eq!(ws.grid().unwrap().shown(), (51, 100));
        ws.select("model.c360.nope");
        assert_eq!(ws.selected(), "source.c360.web.transactions");
        ws.select("model.c360.customers");
        ws.select("source.c360.web.transactions");
        assert_eq!(ws.grid().unwrap().shown(), (1, 50));
    }

    #[test]
    fn a_rejected_file_is_reported_until_the_next_run() {
        let mut ws = demo();
        ws.reject("notes.csv: cannot tell which export this is".into());
        assert!(ws.notice().is_some());
        assert!(ws.outcome().is_ok(), "the result stays");
        ws.set_as_of(day(25), NOW);
        assert!(ws.notice().is_none());
    }

    #[test]
    fn today_measures_freshness_now_and_other_days_at_midnight() {
        let mut ws = demo();
        let now_day = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        ws.set_as_of(now_day, NOW);
        assert_eq!(run(&ws).config.freshness_at, NOW);
        ws.set_as_of(day(26), NOW);
        assert_eq!(run(&ws).config, RunConfig::new(day(26)));
    }

    #[test]
    fn invalid_schema_text_keeps_the_results_and_the_definitions() {
        let mut ws = demo();
        let before = run(&ws);
        ws.apply_schema("version: 2\nmodels:\n  - name: customers\n    columns: [oops\n".into());
        assert!(!ws.schema().errors().is_empty());
        assert!(run(&ws) == before, "no re-run");
        assert_eq!(
            ws.schema().in_force().text,
            c360::engine::schema::DEFAULT_SCHEMA
        );
    }

    #[test]
    fn the_exercise_schema_skips_every_model_until_a_policy_accepts_kitchen() {
        let mut ws = demo();
        ws.toggle_test("test.c360.source_unique_salesforce_contacts_id");
        ws.apply_schema(exercise_schema());
        assert!(ws.schema().errors().is_empty());
        assert_eq!(
            status(&ws, "source_unique_salesforce_contacts_id"),
            TestStatus::Fail
        );
        assert_eq!(
            status(&ws, "source_accepted_values_web_transactions_category"),
            TestStatus::Fail
        );
        assert!(run(&ws)
            .nodes
            .iter()
            .filter(|n| n.node.kind == c360::engine::NodeKind::Model)
            .all(|n| n.is_skipped()));
        assert!(ws.grid().is_none(), "a skipped node has no table");
        assert_eq!(
            ws.open_test(),
            Some("test.c360.source_unique_salesforce_contacts_id"),
            "the open test stays open"
        );

        ws.set_policy(Switch::OutsideCategories, "add_to_accepted_list");
        assert!(ws.schema().text().contains("- Kitchen"));
        assert_eq!(ws.schema().origin(), &SchemaOrigin::Policy);
        assert_eq!(
            status(&ws, "source_accepted_values_web_transactions_category"),
            TestStatus::Pass
        );
        let change = ws.last_change().unwrap();
        assert!(change
            .cause
            .starts_with("Categories outside the accepted list: add"));
        assert!(change
            .diff
            .lines()
            .contains(&"customers gains kitchen_amount".to_string()));

        // The source's unique back to a warning: customers is built, with its Kitchen column.
        let warned = ws.schema().text().replacen(
            "- unique\n",
            "- unique:\n                  config:\n                    severity: warn\n",
            1,
        );
        ws.apply_schema(warned);
        let customers = run(&ws);
        let customers = customers.node(DEFAULT_NODE).unwrap();
        assert!(!customers.is_skipped());
        assert!(customers.table.column("kitchen_amount").is_some());
        assert_eq!(ws.grid().unwrap().num_rows(), 10);

        // Switching back to counting them in other_amount undoes the policy's edit only when
        // the text is still the policy's.
        ws.set_policy(Switch::OutsideCategories, "count_in_other");
        assert!(
            ws.schema().text().contains("- Kitchen"),
            "the user's applied text stays"
        );
    }

    #[test]
    fn switching_a_policy_back_undoes_its_schema_edit() {
        let mut ws = demo();
        ws.apply_schema(exercise_schema());
        ws.set_policy(Switch::OutsideCategories, "add_to_accepted_list");
        assert!(ws.schema().text().contains("- Kitchen"));
        ws.set_policy(Switch::OutsideCategories, "count_in_other");
        assert_eq!(ws.schema().text(), exercise_schema());
        assert_eq!(
            status(&ws, "source_accepted_values_web_transactions_category"),
            TestStatus::Fail
        );
    }

    #[test]
    fn a_policy_says_what_it_changed() {
        let mut ws = demo();
        ws.set_policy(Switch::DuplicateContacts, "drop_all");
        let change = ws.last_change().unwrap().clone();
        assert_eq!(
            change.cause,
            "Duplicate contact ids: drop every row of a repeated id"
        );
        assert!(change.diff.lines()[0].starts_with("stg_sf__contacts 11 → 10 rows"));
        ws.set_policy(Switch::DuplicateContacts, "drop_all");
        assert_eq!(
            ws.last_change(),
            Some(&change),
            "the same choice does not re-run"
        );
        ws.set_policy(Switch::DuplicateContacts, "nonsense");
        assert_eq!(
            ws.policies().duplicate_contacts,
            c360::engine::policy::DuplicateContacts::DropAll
        );
    }

    #[test]
    fn a_schema_file_loads_with_the_sources() {
        let mut ws = demo();
        ws.load_with_schema(Vec::new(), Some(("mine.yml".into(), exercise_schema())));
        assert_eq!(ws.schema().origin(), &SchemaOrigin::File("mine.yml".into()));
        assert_eq!(
            status(&ws, "source_unique_salesforce_contacts_id"),
            TestStatus::Fail
        );
        assert_eq!(ws.last_change().unwrap().cause, "Loaded mine.yml");
        ws.reset_schema();
        assert_eq!(
            status(&ws, "source_unique_salesforce_contacts_id"),
            TestStatus::Warn
        );
    }

    #[test]
    fn the_test_filter_never_hides_the_test_opened_from_elsewhere() {
        let mut ws = demo();
        ws.set_test_filter(Some(TestStatus::Warn));
        ws.show_test("test.c360.unique_customers_id");
        assert_eq!(ws.test_filter(), None);
        assert_eq!(ws.open_test(), Some("test.c360.unique_customers_id"));
        ws.toggle_test("test.c360.unique_customers_id");
        assert_eq!(ws.open_test(), None);
        ws.show_test("test.c360.nope");
        assert_eq!(ws.open_test(), None);
    }
}

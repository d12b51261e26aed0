//! The app's state as one plain type: which files, which settings, the last run's result,
//! which node is open and how its table is sorted and paged.
//!
//! Components hold a `RwSignal<Workspace>` and only call its methods
//! (`ws.update(|w| w.set_as_of(day))`); every rule about what a change implies lives here.
//! Any change to the inputs or the settings re-runs the DAG at once, and a failed run leaves
//! no result behind: a stale table must never pass for the current one.

use std::ops::Deref;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::engine::{Node, RunConfig, RunError};

use super::grid::{Grid, TableCommand};
use super::inputs::{Inputs, Slot, SourceInput};
use super::runner::{self, RunView};

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

/// Everything the page shows, and the rules for changing it.
#[derive(Clone, Debug)]
pub struct Workspace {
    inputs: Inputs,
    config: RunConfig,
    /// The DAG's nodes, known even when the run fails.
    nodes: Vec<Node>,
    outcome: Result<RunHandle, RunError>,
    selected: String,
    /// The selected node's table view; `None` when the run failed.
    grid: Option<Grid>,
    /// A problem that did not change the inputs (an unreadable or unrecognised file): shown,
    /// but the current result stays valid.
    notice: Option<String>,
}

impl Workspace {
    /// The demo data, run as of `as_of`.
    pub fn demo(as_of: NaiveDate) -> Workspace {
        let config = RunConfig::new(as_of);
        let inputs = Inputs::demo();
        let mut workspace = Workspace {
            outcome: run(&inputs, &config),
            nodes: runner::graph(&config),
            inputs,
            config,
            selected: DEFAULT_NODE.into(),
            grid: None,
            notice: None,
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

    /// Re-runs as of another day.
    pub fn set_as_of(&mut self, as_of: NaiveDate) {
        if as_of != self.config.as_of {
            // Everything the engine derives from the day (the freshness instant) follows it;
            // the rest of the settings stay.
            let day = RunConfig::new(as_of);
            self.config.as_of = day.as_of;
            self.config.freshness_at = day.freshness_at;
            self.rerun();
        }
    }

    /// Replaces some sources with the user's files and re-runs once.
    pub fn load(&mut self, files: Vec<(Slot, SourceInput)>) {
        for (slot, input) in files {
            self.inputs.set(slot, input);
        }
        self.rerun();
    }

    /// Goes back to the bundled demo files.
    pub fn use_demo(&mut self) {
        self.inputs = Inputs::demo();
        self.rerun();
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
            Ok(run) => run
                .node(unique_id)
                .map(|n| Grid::new(n.table.clone(), n.docs.clone())),
            Err(_) => None,
        };
    }

    /// Sorts or pages the open table.
    pub fn command(&mut self, command: TableCommand) {
        if let Some(grid) = &mut self.grid {
            grid.apply(command);
        }
    }

    /// Runs the DAG on the current inputs and settings.
    fn rerun(&mut self) {
        self.notice = None;
        self.nodes = runner::graph(&self.config);
        self.outcome = run(&self.inputs, &self.config);
        self.show_outcome();
    }

    /// Points the open table at the current outcome. The open node, its sort and its page
    /// carry over to a new result; a failure clears the table.
    fn show_outcome(&mut self) {
        if !self.nodes.iter().any(|n| n.unique_id == self.selected) {
            self.selected = self
                .nodes
                .last()
                .map(|n| n.unique_id.clone())
                .unwrap_or_default();
        }
        let previous = self.grid.take();
        self.grid = match &self.outcome {
            Ok(run) => run.node(&self.selected).map(|n| match &previous {
                Some(grid) => grid.carry_over(n.table.clone(), n.docs.clone()),
                None => Grid::new(n.table.clone(), n.docs.clone()),
            }),
            Err(_) => None,
        };
    }
}

fn run(inputs: &Inputs, config: &RunConfig) -> Result<RunHandle, RunError> {
    runner::execute(inputs, config).map(|r| RunHandle(Arc::new(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::grid::Direction;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
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
        let ws = Workspace::demo(day(26));
        let run = ws.outcome().as_ref().expect("the demo runs");
        assert_eq!(run.nodes.len(), ws.nodes().len());
        assert_eq!(ws.selected(), DEFAULT_NODE);
        assert_eq!(ws.grid().unwrap().num_rows(), 10);
        assert!(ws.inputs().is_demo());
    }

    #[test]
    fn a_new_as_of_date_reruns_and_keeps_the_view() {
        let mut ws = Workspace::demo(day(26));
        let age = ws
            .grid()
            .unwrap()
            .table()
            .column_names()
            .position(|c| c == "age")
            .unwrap();
        ws.command(TableCommand::SortBy(age));
        let before = ws.outcome().clone().unwrap();
        ws.set_as_of(day(27));
        let after = ws.outcome().clone().unwrap();
        assert!(before != after, "a new run");
        assert_eq!(after.config.as_of, day(27));
        assert_eq!(after.config, RunConfig::new(day(27)));
        assert_eq!(
            ws.grid().unwrap().direction(age),
            Some(Direction::Ascending)
        );
        ws.set_as_of(day(27));
        assert!(
            ws.outcome().clone().unwrap() == after,
            "the same day does not re-run"
        );
    }

    #[test]
    fn a_bad_file_leaves_no_result_and_the_demo_comes_back() {
        let mut ws = Workspace::demo(day(26));
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
        let mut ws = Workspace::demo(day(26));
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
        let mut ws = Workspace::demo(day(26));
        ws.reject("notes.csv: cannot tell which export this is".into());
        assert!(ws.notice().is_some());
        assert!(ws.outcome().is_ok(), "the result stays");
        ws.set_as_of(day(25));
        assert!(ws.notice().is_none());
    }
}

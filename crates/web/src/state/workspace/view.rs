//! What the user is looking at: the open node and its table's sort and page, the tests'
//! filter and the open test, or a dashboard instead of the project — the route, in short.
//!
//! The view reads the [`Runs`] it shows (to open a node it must be in the DAG, a test in the
//! run) but never changes them; after a run ends it follows ([`View::after_run`]).

use c360::engine::data_test::TestStatus;
use c360::engine::Node;
use c360_worker::protocol::{PageRequest, TablePage};

use super::run::Runs;
use crate::state::grid::{Grid, TableCommand};
use crate::state::route::{Route, TableView, DEFAULT_NODE};
use crate::state::runner::{NodeView, RunView};

/// What the user is looking at, and the rules for changing it.
#[derive(Clone, Debug)]
pub struct View {
    selected: String,
    /// The selected node's table view; `None` when there is no run or it skipped the node.
    grid: Option<Grid>,
    /// The test panel shows only tests of this status, when set.
    test_filter: Option<TestStatus>,
    /// The test whose detail is open.
    open_test: Option<String>,
    /// How a URL asked to show the selected node's table, until a run gives it one.
    wanted_table: Option<TableView>,
    /// The test a URL asked to open, until a run has it.
    wanted_test: Option<String>,
    /// A dashboard on screen instead of the project, when one is.
    dashboard: Option<Route>,
}

impl Default for View {
    /// The project, on the customer 360 itself.
    fn default() -> View {
        View {
            selected: DEFAULT_NODE.into(),
            grid: None,
            test_filter: None,
            open_test: None,
            wanted_table: None,
            wanted_test: None,
            dashboard: None,
        }
    }
}

impl View {
    pub fn selected(&self) -> &str {
        &self.selected
    }

    pub fn selected_node<'a>(&self, runs: &'a Runs) -> Option<&'a Node> {
        runs.nodes().iter().find(|n| n.unique_id == self.selected)
    }

    pub fn grid(&self) -> Option<&Grid> {
        self.grid.as_ref()
    }

    pub fn test_filter(&self) -> Option<TestStatus> {
        self.test_filter
    }

    pub fn open_test(&self) -> Option<&str> {
        self.open_test.as_deref()
    }

    /// The view on screen, as its URL names it.
    pub fn route(&self) -> Route {
        match &self.dashboard {
            Some(dashboard) => dashboard.clone(),
            None => self.project_route(),
        }
    }

    /// The project's view (the one a dashboard returns to), as its URL names it.
    pub fn project_route(&self) -> Route {
        Route::Project {
            node: self.selected.clone(),
            table: match (&self.grid, &self.wanted_table) {
                (Some(grid), _) => grid.view(),
                (None, Some(wanted)) => wanted.clone(),
                (None, None) => TableView::default(),
            },
            test: self.open_test.clone().or_else(|| self.wanted_test.clone()),
        }
    }

    /// Goes to the view a URL names (opened cold, or by the back button). What the run in
    /// force cannot show yet — the table of a run still going, a test it lacks — is shown once
    /// a run has it; a node the DAG does not have is ignored.
    pub fn follow(&mut self, runs: &Runs, route: &Route) {
        if *route == self.route() {
            return;
        }
        let Route::Project { node, table, test } = route else {
            self.dashboard = Some(route.clone());
            return;
        };
        self.dashboard = None;
        if runs.nodes().iter().any(|n| &n.unique_id == node) {
            self.select(runs, node);
            match &mut self.grid {
                Some(grid) => {
                    grid.set_view(table);
                    self.wanted_table = None;
                }
                None => self.wanted_table = Some(table.clone()),
            }
        }
        match test {
            Some(test) if runs.run().is_some_and(|r| r.test(test).is_some()) => {
                self.show_test(runs, test);
                self.wanted_test = None;
            }
            Some(test) => self.wanted_test = Some(test.clone()),
            None => {
                self.open_test = None;
                self.wanted_test = None;
            }
        }
    }

    /// Opens a node's table at its first page, in file order (and the project, if a
    /// dashboard was on screen).
    pub fn select(&mut self, runs: &Runs, unique_id: &str) {
        self.dashboard = None;
        if unique_id == self.selected || !runs.nodes().iter().any(|n| n.unique_id == unique_id) {
            return;
        }
        self.selected = unique_id.to_string();
        self.wanted_table = None;
        self.grid = runs
            .run()
            .and_then(|run| built(&run, unique_id).map(|n| new_grid(run.run, n)));
    }

    /// Sorts or pages the open table.
    pub fn command(&mut self, command: TableCommand) {
        if let Some(grid) = &mut self.grid {
            grid.apply(command);
        }
    }

    /// The page the open table needs from the worker.
    pub fn page_request(&self) -> Option<PageRequest> {
        self.grid.as_ref().map(Grid::request)
    }

    /// Takes a page from the worker for the open table (refused unless it is the one asked).
    pub fn receive_page(&mut self, page: TablePage) {
        if let Some(grid) = &mut self.grid {
            grid.receive(page);
        }
    }

    /// Shows only the tests of one status, or all of them.
    pub fn set_test_filter(&mut self, filter: Option<TestStatus>) {
        self.test_filter = filter;
    }

    /// Opens a test's detail, or closes it when it is the open one.
    pub fn toggle_test(&mut self, runs: &Runs, unique_id: &str) {
        if self.open_test.as_deref() == Some(unique_id) {
            self.open_test = None;
        } else {
            self.show_test(runs, unique_id);
        }
    }

    /// Opens a test's detail, clearing a filter that would hide it.
    pub fn show_test(&mut self, runs: &Runs, unique_id: &str) {
        let Some(run) = runs.run() else {
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

    /// Follows a run that ended: the open node, its sort and its page carry over to a new
    /// result (a node the DAG lost gives way to its last one); a failure clears the table. What
    /// a URL asked for before there was a table or a test to show is shown now.
    pub fn after_run(&mut self, runs: &Runs) {
        let run = runs.run();
        if !runs.nodes().iter().any(|n| n.unique_id == self.selected) {
            self.selected = runs
                .nodes()
                .last()
                .map(|n| n.unique_id.clone())
                .unwrap_or_default();
        }
        if let Some(run) = &run {
            if self
                .open_test
                .as_deref()
                .is_some_and(|t| run.test(t).is_none())
            {
                self.open_test = None;
            }
        }
        let previous = self.grid.take();
        self.grid = run.as_ref().and_then(|run| {
            built(run, &self.selected).map(|n| match &previous {
                Some(grid) => {
                    grid.carry_over(run.run, n.docs.clone(), n.columns.clone(), n.result.rows)
                }
                None => new_grid(run.run, n),
            })
        });
        // What a URL asked for before there was a table or a test to show.
        if let (Some(grid), Some(wanted)) = (&mut self.grid, self.wanted_table.take()) {
            grid.set_view(&wanted);
        }
        if let Some(run) = &run {
            if let Some(test) = self.wanted_test.take() {
                if run.test(&test).is_some() {
                    self.show_test(runs, &test);
                }
            }
        }
    }
}

/// A node of the run that was built (a skipped node has no table to show).
fn built<'a>(run: &'a RunView, unique_id: &str) -> Option<&'a NodeView> {
    run.node(unique_id).filter(|n| !n.is_skipped())
}

fn new_grid(run: u64, node: &NodeView) -> Grid {
    Grid::new(
        run,
        node.table_ref(),
        node.docs.clone(),
        node.columns.clone(),
        node.result.rows,
    )
}

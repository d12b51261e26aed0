//! The app's state as one plain type: which files, which schema and settings, the run in
//! progress and the last run's result and what it changed, which node is open and how its
//! table is sorted and paged, which test is open.
//!
//! Components hold a `RwSignal<Workspace>` and only call its methods
//! (`ws.act(|w| w.set_as_of(day, now))`); every rule about what a change implies lives here.
//! The engine runs in the worker: a change to the inputs, the schema or the settings queues a
//! run request ([`Workspace::take_request`]) that the shell posts, and the worker's answers
//! come back through [`Workspace::receive`]. While a run is pending the page keeps showing the
//! last result. A newer change supersedes the pending run: an answer to any request but the
//! latest is ignored, so the results on screen are always one run's. A failed run leaves no
//! result behind: a stale table must never pass for the current one. A cancelled run leaves
//! the previous result and puts back the settings it was made with. Invalid schema text never
//! reaches the worker, so the results of the last valid schema stay (and the page says so).

use std::ops::Deref;
use std::sync::Arc;

use chrono::NaiveDate;

use c360::engine::data_test::TestStatus;
use c360::engine::mapping::MappingFile;
use c360::engine::policy::{OutsideCategories, Policies};
use c360::engine::{Node, RunConfig};
use c360_worker::protocol::{
    Done, Failure, PageRequest, Progress, Response, ResponseBody, RunRequest, Sample, TablePage,
};

use crate::state::grid::{Grid, TableCommand};
use crate::state::inputs::{Inputs, Slot, SourceInput};
use crate::state::mapping_review::{Remembered, Review};
use crate::state::policy_switches::Switch;
use crate::state::route::{Route, TableView};
use crate::state::run_diff::RunDiff;
use crate::state::runner::{self, NodeView, RunView};
use crate::state::schema_state::{SchemaOrigin, SchemaState};

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

/// A run asked for and not yet answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// The request's id, once the shell has posted it.
    pub id: Option<u64>,
    /// What made it run, in words.
    pub cause: String,
    /// When it was asked for (milliseconds, the page's clock).
    pub started_at: f64,
    /// The worker's latest word on how far it got.
    pub progress: Option<Progress>,
    /// The user asked to stop it.
    pub cancelling: bool,
}

/// Where the runs stand, in the words the page exposes (`data-c360-run`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    Running,
    Done,
    Failed,
    Cancelled,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
        }
    }
}

/// What a run is made with: the files, the run configuration, the schema and the column
/// mapping. The settings of the result on screen are put back when a newer run is cancelled,
/// and are what a saved session keeps.
#[derive(Clone, Debug)]
pub struct Settings {
    pub inputs: Inputs,
    pub config: RunConfig,
    pub schema: SchemaState,
}

/// Everything the page shows, and the rules for changing it.
#[derive(Clone, Debug)]
pub struct Workspace {
    inputs: Inputs,
    config: RunConfig,
    schema: SchemaState,
    /// The DAG's nodes, known even when the run fails.
    nodes: Vec<Node>,
    /// The last run's result, or why there is none; `None` before the first run ends.
    outcome: Option<Result<RunHandle, Failure>>,
    /// The settings of the result on screen.
    settled: Settings,
    /// The run asked for and not yet answered.
    pending: Option<Pending>,
    /// A run request for the shell to post.
    outbox: Option<RunRequest>,
    /// How many runs have ended with a result (the page exposes it for tests and benchmarks).
    runs_done: u64,
    /// How the last run that ended, ended.
    ended: Option<RunState>,
    selected: String,
    /// The selected node's table view; `None` when there is no run or it skipped the node.
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
    /// Files waiting for the user to confirm which export each is and how it is mapped.
    review: Option<Review>,
    /// Mappings the user confirmed, offered again for files with the same header.
    remembered: Vec<Remembered>,
    /// How a URL asked to show the selected node's table, until a run gives it one.
    wanted_table: Option<TableView>,
    /// The test a URL asked to open, until a run has it.
    wanted_test: Option<String>,
    /// A dashboard on screen instead of the project, when one is.
    dashboard: Option<Route>,
}

impl Workspace {
    /// The demo data and the shipped schema with `config`; the first run is queued.
    pub fn demo(config: RunConfig, now: f64) -> Workspace {
        Workspace::open(
            Settings {
                inputs: Inputs::demo(),
                config,
                schema: SchemaState::shipped(),
            },
            "Opened the demo data",
            now,
        )
    }

    /// A workspace on these settings (a restored session's, say); the first run is queued,
    /// with `cause` as what made it run.
    pub fn open(settings: Settings, cause: impl Into<String>, now: f64) -> Workspace {
        let Settings {
            inputs,
            config,
            schema,
        } = settings.clone();
        let mut workspace = Workspace {
            nodes: runner::graph(&config),
            settled: settings,
            inputs,
            config,
            schema,
            outcome: None,
            pending: None,
            outbox: None,
            runs_done: 0,
            ended: None,
            selected: DEFAULT_NODE.into(),
            grid: None,
            notice: None,
            last_change: None,
            test_filter: None,
            open_test: None,
            review: None,
            remembered: Vec::new(),
            wanted_table: None,
            wanted_test: None,
            dashboard: None,
        };
        workspace.rerun(cause, now);
        workspace
    }

    /// Starts over on the demo data, the shipped schema and `config`'s settings, as on a first
    /// visit (after the user's data was forgotten). The result on screen stays until the
    /// demo's run replaces it; the count of runs goes on.
    pub fn start_over(&mut self, config: RunConfig, now: f64) {
        self.inputs = Inputs::demo();
        self.config = config;
        self.schema = SchemaState::shipped();
        self.remembered.clear();
        self.review = None;
        self.rerun("Forgot your data: back to the demo", now);
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

    /// Which of the user's headers holds each column c360 needs (each source's file carries
    /// its own mapping: replacing one file keeps the other's).
    pub fn mapping(&self) -> MappingFile {
        self.inputs.mapping_file()
    }

    /// The settings of the result on screen (those of the last run that ended with one).
    pub fn settled(&self) -> &Settings {
        &self.settled
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The last run's result, when it has one.
    pub fn run(&self) -> Option<RunHandle> {
        self.outcome.as_ref().and_then(|o| o.as_ref().ok()).cloned()
    }

    /// Why the last run has no result, when it failed.
    pub fn failure(&self) -> Option<&Failure> {
        self.outcome.as_ref().and_then(|o| o.as_ref().err())
    }

    /// The run asked for and not yet answered.
    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_ref()
    }

    /// How many runs have ended with a result.
    pub fn runs_done(&self) -> u64 {
        self.runs_done
    }

    /// Whether a run is going, or how the last one ended.
    pub fn run_state(&self) -> RunState {
        if self.pending.is_some() {
            RunState::Running
        } else {
            self.ended.unwrap_or(RunState::Running)
        }
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
        self.rerun(format!("As of {as_of}"), now as f64);
    }

    /// Replaces some sources with the user's files and re-runs once.
    pub fn load(&mut self, files: Vec<(Slot, SourceInput)>, now: f64) {
        self.load_with_schema(files, None, now);
    }

    /// Replaces some sources and, when given, the schema file (`(name, text)`) and re-runs
    /// once. An invalid schema file is shown with its errors and the last valid definitions
    /// stay in force.
    pub fn load_with_schema(
        &mut self,
        files: Vec<(Slot, SourceInput)>,
        schema: Option<(String, String)>,
        now: f64,
    ) {
        let mut names: Vec<String> = files.iter().map(|(s, f)| f.name(*s)).collect();
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
            self.rerun(format!("Loaded {}", names.join(", ")), now);
        }
    }

    /// Files the user dropped or picked, inspected: loaded at once when every one is settled
    /// (the exercise's headers, or a remembered mapping), otherwise held for the user to
    /// confirm ([`Workspace::confirm_review`]).
    pub fn review_files(&mut self, review: Review, now: f64) {
        self.review = Some(review);
        if self.review.as_ref().is_some_and(Review::is_settled) {
            self.confirm_review(now);
        }
    }

    /// The files waiting for confirmation.
    pub fn review(&self) -> Option<&Review> {
        self.review.as_ref()
    }

    /// Changes the files waiting for confirmation (a source chosen, a header picked).
    pub fn edit_review(&mut self, edit: impl FnOnce(&mut Review)) {
        if let Some(review) = &mut self.review {
            edit(review);
            review.error = None;
        }
    }

    /// Loads the reviewed files with their mappings, in one run, and remembers the mappings
    /// for files with the same header. A review that cannot load (a column without a header,
    /// two files for one source) stays open and says why.
    pub fn confirm_review(&mut self, now: f64) {
        let Some(review) = &mut self.review else {
            return;
        };
        match review.inputs() {
            Ok(files) => {
                for memory in review.to_remember() {
                    self.remembered
                        .retain(|r| r.mapping.header != memory.mapping.header);
                    self.remembered.push(memory);
                }
                let schema = review.schema.take();
                self.review = None;
                self.load_with_schema(files, schema, now);
            }
            Err(why) => review.error = Some(why),
        }
    }

    /// Drops the files waiting for confirmation; the inputs stay as they were.
    pub fn cancel_review(&mut self) {
        self.review = None;
    }

    /// Takes mappings confirmed earlier (a restored session's), to offer for files with the
    /// same header.
    pub fn remember(&mut self, remembered: Vec<Remembered>) {
        self.remembered = remembered;
    }

    /// The mappings the user confirmed, newest last.
    pub fn remembered(&self) -> &[Remembered] {
        &self.remembered
    }

    /// Adds `categories` to the schema's accepted list (the `accepted_values` test on the
    /// transactions' category) and re-runs: `customers` gains a column for each.
    pub fn accept_categories(&mut self, categories: &[String], now: f64) {
        let Some(text) = self.schema.in_force().with_accepted_categories(categories) else {
            return;
        };
        if self.schema.apply(text, SchemaOrigin::Edited) {
            self.rerun(
                format!("Accepted the data's categories: {}", categories.join(", ")),
                now,
            );
        }
    }

    /// Loads a sample made in the worker by the generator: both sources, replacing the user's.
    pub fn use_sample(&mut self, sample: Sample, now: f64) {
        let input = SourceInput::sample(sample);
        if self.inputs.get(Slot::Contacts) == &input {
            return;
        }
        self.inputs.set(Slot::Contacts, input.clone());
        self.inputs.set(Slot::Transactions, input);
        self.rerun(
            format!("A generated sample of {} customers", sample.contacts),
            now,
        );
    }

    /// Goes back to the bundled demo files.
    pub fn use_demo(&mut self, now: f64) {
        self.inputs = Inputs::demo();
        self.rerun("Back to the demo data", now);
    }

    /// Applies schema text typed in the editor: valid text re-runs the DAG with it; invalid
    /// text keeps its errors and leaves the results of the last valid schema on screen.
    pub fn apply_schema(&mut self, text: String, now: f64) {
        if self.schema.apply(text, SchemaOrigin::Edited) {
            self.rerun("Applied the schema", now);
        }
    }

    /// Goes back to the shipped schema file.
    pub fn reset_schema(&mut self, now: f64) {
        if self.schema.reset() {
            self.rerun("Reset to the shipped schema", now);
        }
    }

    /// Sets one remediation policy to a value (the engine's serde name) and re-runs.
    /// Switching "categories outside the accepted list" away from adding them undoes the
    /// schema edit that choice made.
    pub fn set_policy(&mut self, switch: Switch, value: &str, now: f64) {
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
        self.rerun(
            format!("{}: {}", switch.legend(), switch.current_label(&policies)),
            now,
        );
    }

    /// Reports a problem that left the inputs as they were.
    pub fn reject(&mut self, message: String) {
        self.notice = Some(message);
    }

    pub fn dismiss_notice(&mut self) {
        self.notice = None;
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
    pub fn follow(&mut self, route: &Route) {
        if *route == self.route() {
            return;
        }
        let Route::Project { node, table, test } = route else {
            self.dashboard = Some(route.clone());
            return;
        };
        self.dashboard = None;
        if self.nodes.iter().any(|n| &n.unique_id == node) {
            self.select(node);
            match &mut self.grid {
                Some(grid) => {
                    grid.set_view(table);
                    self.wanted_table = None;
                }
                None => self.wanted_table = Some(table.clone()),
            }
        }
        match test {
            Some(test) if self.run().is_some_and(|r| r.test(test).is_some()) => {
                self.show_test(test);
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
    pub fn select(&mut self, unique_id: &str) {
        self.dashboard = None;
        if unique_id == self.selected || !self.nodes.iter().any(|n| n.unique_id == unique_id) {
            return;
        }
        self.selected = unique_id.to_string();
        self.wanted_table = None;
        self.grid = self
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
    pub fn toggle_test(&mut self, unique_id: &str) {
        if self.open_test.as_deref() == Some(unique_id) {
            self.open_test = None;
        } else {
            self.show_test(unique_id);
        }
    }

    /// Opens a test's detail, clearing a filter that would hide it.
    pub fn show_test(&mut self, unique_id: &str) {
        let Some(run) = self.run() else {
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

    /// The run request to post, once: the shell then says which id it went out with.
    pub fn take_request(&mut self) -> Option<RunRequest> {
        self.outbox.take()
    }

    /// The shell posted the pending run's request with this id.
    pub fn sent(&mut self, id: u64) {
        if let Some(pending) = &mut self.pending {
            pending.id = Some(id);
        }
    }

    /// Asks to stop the pending run: the id to cancel, when there is one.
    pub fn cancel(&mut self) -> Option<u64> {
        let pending = self.pending.as_mut()?;
        pending.cancelling = true;
        pending.id
    }

    /// Takes the worker's answer to a run. Answers to anything but the pending run's request
    /// (a superseded run finishing anyway, a late `Cancelled`) are ignored.
    pub fn receive(&mut self, response: Response) {
        let Some(pending) = &mut self.pending else {
            return;
        };
        if pending.id != Some(response.id) {
            return;
        }
        match response.body {
            ResponseBody::Progress(progress) => pending.progress = Some(progress),
            ResponseBody::Done(Done::Run(summary)) => {
                let cause = self.pending.take().map(|p| p.cause).unwrap_or_default();
                self.settle(Ok(RunHandle(Arc::new(RunView::from(*summary)))), cause);
            }
            ResponseBody::Failed(failure) => {
                let cause = self.pending.take().map(|p| p.cause).unwrap_or_default();
                self.settle(Err(failure), cause);
            }
            ResponseBody::Cancelled => {
                self.pending = None;
                self.ended = Some(RunState::Cancelled);
                let Settings {
                    inputs,
                    config,
                    schema,
                } = self.settled.clone();
                self.inputs = inputs;
                self.config = config;
                self.schema = schema;
            }
            ResponseBody::Ready | ResponseBody::Chunk { .. } | ResponseBody::Done(_) => {}
        }
    }

    /// Queues a run of the current inputs, schema and settings; it supersedes any pending one.
    fn rerun(&mut self, cause: impl Into<String>, now: f64) {
        self.notice = None;
        self.outbox = Some(RunRequest {
            sources: self.inputs.specs(),
            schema: self.schema.in_force().text.clone(),
            config: self.config.clone(),
            mapping: self.inputs.mapping_file(),
        });
        self.pending = Some(Pending {
            id: None,
            cause: cause.into(),
            started_at: now,
            progress: None,
            cancelling: false,
        });
    }

    /// Shows a run's result and says what it changed. Takes a policy's schema edit, then the
    /// open node, its sort and its page carry over to a new result; a failure clears the table.
    fn settle(&mut self, outcome: Result<RunHandle, Failure>, cause: String) {
        let before = self.run();
        self.last_change = match (&before, &outcome) {
            (Some(before), Ok(after)) => Some(LastChange {
                cause,
                diff: RunDiff::between(before, after),
            }),
            _ => None,
        };
        if outcome.is_ok() {
            self.runs_done += 1;
        }
        self.ended = Some(if outcome.is_ok() {
            RunState::Done
        } else {
            RunState::Failed
        });
        self.outcome = Some(outcome);
        let run = self.run();
        match &run {
            Some(run) => {
                if let Some(text) = &run.edited_schema {
                    self.schema.take_policy_edit(text);
                }
                self.nodes = run.nodes.iter().map(|n| n.node.clone()).collect();
            }
            None => {
                // The picture still shows the columns the schema's accepted list gives.
                let mut config = self.config.clone();
                if let Some(list) = &self.schema.in_force().accepted_categories {
                    config.accepted_categories = list.clone();
                }
                self.nodes = runner::graph(&config);
            }
        }
        self.settled = Settings {
            inputs: self.inputs.clone(),
            config: self.config.clone(),
            schema: self.schema.clone(),
        };
        if !self.nodes.iter().any(|n| n.unique_id == self.selected) {
            self.selected = self
                .nodes
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
                    self.show_test(&test);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::grid::Direction;
    use crate::state::loopback::Loopback;

    /// The browser's clock in these tests: 2030-01-01 12:00 UTC, a day none of them runs as of.
    const NOW: i64 = 1_893_499_200_000;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// The demo workspace after its first run, and the worker it talks to.
    fn demo() -> (Workspace, Loopback) {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.settle(&mut ws);
        (ws, lb)
    }

    fn run(ws: &Workspace) -> RunHandle {
        ws.run().expect("the run succeeds")
    }

    fn status(ws: &Workspace, test: &str) -> TestStatus {
        run(ws).test(&format!("test.c360.{test}")).unwrap().status()
    }

    /// The exercise's own setup: no Kitchen in the accepted list and an error outside it,
    /// duplicate contact ids an error.
    fn exercise_schema() -> String {
        c360::engine::schema::DEFAULT_SCHEMA
            .replace("                      - Kitchen\n", "")
            // The exercise's accepted-values test is an error (the shipped one warns).
            .replacen(
                "Outdoors\n                  config:\n                    severity: warn\n",
                "Outdoors\n                  config:\n                    severity: error\n",
                1,
            )
            .replacen(
                "- unique:\n                  config:\n                    severity: warn\n",
                "- unique\n",
                1,
            )
    }

    fn bad_transactions(lb: &mut Loopback) -> SourceInput {
        lb.file(
            "transactions.csv",
            b"contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
              a,b,2023-01-01 00:00:00.000,\"12,5\",1,Books,2023-01-02 00:00:00.000\n",
        )
    }

    #[test]
    fn a_url_opened_cold_shows_its_view_once_the_run_has_it() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        let route = Route::parse(
            "#/node/source.c360.web.transactions?sort=-amount&offset=50\
             &test=test.c360.source_unique_web_transactions_id",
        );
        // Before the first run: the node is selected, the rest waits for the run.
        ws.follow(&route);
        assert_eq!(ws.selected(), "source.c360.web.transactions");
        assert!(ws.grid().is_none());
        assert_eq!(ws.route(), route, "the URL stays what was asked");
        lb.settle(&mut ws);
        let grid = ws.grid().expect("the table");
        assert_eq!(grid.view().offset, 50);
        assert_eq!(
            grid.view().sort.map(|s| (s.column, s.direction)),
            Some(("amount".to_string(), Direction::Descending))
        );
        assert_eq!(
            ws.open_test(),
            Some("test.c360.source_unique_web_transactions_id")
        );
        assert_eq!(ws.route(), route);
    }

    #[test]
    fn following_a_route_changes_only_what_it_names_and_ignores_what_does_not_exist() {
        let (mut ws, _lb) = demo();
        let start = ws.route();
        assert_eq!(start, Route::default());
        ws.follow(&Route::parse("#/node/model.c360.category?sort=spend"));
        assert_eq!(ws.selected(), "model.c360.category");
        let Route::Project { table, .. } = ws.route() else {
            panic!("the project");
        };
        assert_eq!(table.sort, None, "no column spend: the sort is dropped");
        // A dashboard, then back: the project as it was.
        let project = ws.route();
        ws.follow(&Route::Segments);
        assert_eq!(ws.route(), Route::Segments);
        ws.follow(&project);
        assert_eq!(ws.route(), project);
        // The back button: the first view again.
        ws.follow(&start);
        assert_eq!(ws.route(), start);
        // An unknown node or test changes nothing but what it can.
        ws.follow(&Route::parse("#/node/model.c360.nope?test=test.c360.nope"));
        assert_eq!(ws.selected(), DEFAULT_NODE);
        assert_eq!(ws.open_test(), None);
        // A page past the end is the last page.
        ws.follow(&Route::parse(
            "#/node/source.c360.web.transactions?offset=5000",
        ));
        assert_eq!(ws.grid().unwrap().view().offset, 50);
    }

    #[test]
    fn a_generated_sample_replaces_both_sources_and_builds_the_dashboards_models() {
        let (mut ws, mut lb) = demo();
        let sample = Sample {
            contacts: 600,
            transactions: 6_000,
            seed: 3,
        };
        ws.use_sample(sample, 0.0);
        lb.settle(&mut ws);
        let run = run(&ws);
        assert!(!ws.inputs().is_demo());
        assert!(
            run.read_line()
                .contains("a generated sample of 600 contacts"),
            "{}",
            run.read_line()
        );
        let segments = run.node("model.c360.customer_segments").unwrap();
        assert!(segments.result.rows > 500, "{}", segments.result.rows);
        // The same sample again changes nothing.
        ws.use_sample(sample, 0.0);
        assert!(ws.take_request().is_none());
    }

    #[test]
    fn opens_on_the_demo_customers() {
        let (ws, _lb) = demo();
        let run = ws.run().expect("the demo runs");
        assert_eq!(run.nodes.len(), ws.nodes().len());
        assert_eq!(ws.selected(), DEFAULT_NODE);
        assert_eq!(ws.grid().unwrap().num_rows(), 10);
        assert!(ws.inputs().is_demo());
    }

    #[test]
    fn a_new_as_of_date_reruns_and_keeps_the_view() {
        let (mut ws, mut lb) = demo();
        let age = ws
            .grid()
            .unwrap()
            .headers()
            .iter()
            .position(|h| h.name == "age")
            .unwrap();
        ws.command(TableCommand::SortBy(age));
        let before = ws.run().unwrap();
        ws.set_as_of(day(27), NOW);
        lb.settle(&mut ws);
        let after = ws.run().unwrap();
        assert!(before != after, "a new run");
        assert_eq!(after.config.as_of, day(27));
        assert_eq!(after.config, RunConfig::new(day(27)));
        assert_eq!(
            ws.grid().unwrap().direction(age),
            Some(Direction::Ascending)
        );
        ws.set_as_of(day(27), NOW);
        lb.settle(&mut ws);
        assert!(ws.run().unwrap() == after, "the same day does not re-run");
    }

    #[test]
    fn a_bad_file_leaves_no_result_and_the_demo_comes_back() {
        let (mut ws, mut lb) = demo();
        ws.load(vec![(Slot::Transactions, bad_transactions(&mut lb))], 0.0);
        lb.settle(&mut ws);
        let error = ws.failure().unwrap().to_string();
        assert!(
            error.starts_with("transactions.csv line 2, column amount"),
            "{error}"
        );
        assert!(ws.grid().is_none());
        ws.select("model.c360.category");
        assert!(ws.grid().is_none(), "no table from any run");
        ws.use_demo(0.0);
        lb.settle(&mut ws);
        assert_eq!(ws.grid().unwrap().num_rows(), 7);
        assert_eq!(ws.selected(), "model.c360.category");
    }

    #[test]
    fn selecting_opens_a_node_at_its_first_page_and_ignores_unknown_ids() {
        let (mut ws, _lb) = demo();
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
        let (mut ws, mut lb) = demo();
        ws.reject("notes.csv: cannot tell which export this is".into());
        assert!(ws.notice().is_some());
        assert!(ws.run().is_some(), "the result stays");
        ws.set_as_of(day(25), NOW);
        lb.settle(&mut ws);
        assert!(ws.notice().is_none());
    }

    #[test]
    fn today_measures_freshness_now_and_other_days_at_midnight() {
        let (mut ws, mut lb) = demo();
        let now_day = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        ws.set_as_of(now_day, NOW);
        lb.settle(&mut ws);
        assert_eq!(run(&ws).config.freshness_at, NOW);
        ws.set_as_of(day(26), NOW);
        lb.settle(&mut ws);
        assert_eq!(run(&ws).config, RunConfig::new(day(26)));
    }

    #[test]
    fn invalid_schema_text_keeps_the_results_and_the_definitions() {
        let (mut ws, mut lb) = demo();
        let before = run(&ws);
        ws.apply_schema(
            "version: 2\nmodels:\n  - name: customers\n    columns: [oops\n".into(),
            0.0,
        );
        lb.settle(&mut ws);
        assert!(!ws.schema().errors().is_empty());
        assert!(run(&ws) == before, "no re-run");
        assert_eq!(
            ws.schema().in_force().text,
            c360::engine::schema::DEFAULT_SCHEMA
        );
    }

    #[test]
    fn the_exercise_schema_skips_every_model_until_a_policy_accepts_kitchen() {
        let (mut ws, mut lb) = demo();
        ws.toggle_test("test.c360.source_unique_salesforce_contacts_id");
        ws.apply_schema(exercise_schema(), 0.0);
        lb.settle(&mut ws);
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

        ws.set_policy(Switch::OutsideCategories, "add_to_accepted_list", 0.0);
        lb.settle(&mut ws);
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
        ws.apply_schema(warned, 0.0);
        lb.settle(&mut ws);
        let customers = run(&ws);
        let customers = customers.node(DEFAULT_NODE).unwrap();
        assert!(!customers.is_skipped());
        assert!(customers.columns.iter().any(|c| c.name == "kitchen_amount"));
        assert_eq!(ws.grid().unwrap().num_rows(), 10);

        // Switching back to counting them in other_amount undoes the policy's edit only when
        // the text is still the policy's.
        ws.set_policy(Switch::OutsideCategories, "count_in_other", 0.0);
        lb.settle(&mut ws);
        assert!(
            ws.schema().text().contains("- Kitchen"),
            "the user's applied text stays"
        );
    }

    #[test]
    fn switching_a_policy_back_undoes_its_schema_edit() {
        let (mut ws, mut lb) = demo();
        ws.apply_schema(exercise_schema(), 0.0);
        lb.settle(&mut ws);
        ws.set_policy(Switch::OutsideCategories, "add_to_accepted_list", 0.0);
        lb.settle(&mut ws);
        assert!(ws.schema().text().contains("- Kitchen"));
        ws.set_policy(Switch::OutsideCategories, "count_in_other", 0.0);
        lb.settle(&mut ws);
        assert_eq!(ws.schema().text(), exercise_schema());
        assert_eq!(
            status(&ws, "source_accepted_values_web_transactions_category"),
            TestStatus::Fail
        );
    }

    #[test]
    fn a_policy_says_what_it_changed() {
        let (mut ws, mut lb) = demo();
        ws.set_policy(Switch::DuplicateContacts, "drop_all", 0.0);
        lb.settle(&mut ws);
        let change = ws.last_change().unwrap().clone();
        assert_eq!(
            change.cause,
            "Duplicate contact ids: drop every row of a repeated id"
        );
        assert!(change.diff.lines()[0].starts_with("stg_sf__contacts 11 → 10 rows"));
        ws.set_policy(Switch::DuplicateContacts, "drop_all", 0.0);
        lb.settle(&mut ws);
        assert_eq!(
            ws.last_change(),
            Some(&change),
            "the same choice does not re-run"
        );
        ws.set_policy(Switch::DuplicateContacts, "nonsense", 0.0);
        lb.settle(&mut ws);
        assert_eq!(
            ws.policies().duplicate_contacts,
            c360::engine::policy::DuplicateContacts::DropAll
        );
    }

    #[test]
    fn a_schema_file_loads_with_the_sources() {
        let (mut ws, mut lb) = demo();
        ws.load_with_schema(
            Vec::new(),
            Some(("mine.yml".into(), exercise_schema())),
            0.0,
        );
        lb.settle(&mut ws);
        assert_eq!(ws.schema().origin(), &SchemaOrigin::File("mine.yml".into()));
        assert_eq!(
            status(&ws, "source_unique_salesforce_contacts_id"),
            TestStatus::Fail
        );
        assert_eq!(ws.last_change().unwrap().cause, "Loaded mine.yml");
        ws.reset_schema(0.0);
        lb.settle(&mut ws);
        assert_eq!(
            status(&ws, "source_unique_salesforce_contacts_id"),
            TestStatus::Warn
        );
    }

    #[test]
    fn the_test_filter_never_hides_the_test_opened_from_elsewhere() {
        let (mut ws, _lb) = demo();
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

#[cfg(test)]
mod pending {
    //! The run in progress: what the page shows meanwhile, supersession and cancelling.

    use super::*;
    use crate::state::loopback::Loopback;
    use c360_worker::protocol::{Done, Response, ResponseBody};
    use c360_worker::session::TaskStep;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// Runs a posted request to the end in the loopback's session and returns its answer.
    fn finish(lb: &mut Loopback, id: u64, request: RunRequest) -> Response {
        let mut task = lb.session.start(id, request).unwrap();
        loop {
            match task.step(&lb.session, &mut lb.files) {
                TaskStep::Progress(_) => {}
                TaskStep::Failed(f) => panic!("{f}"),
                TaskStep::Finished => break,
            }
        }
        let summary = lb
            .session
            .commit(task)
            .unwrap_or_else(|_| panic!("commits"));
        Response {
            id,
            body: ResponseBody::Done(Done::Run(Box::new(summary))),
        }
    }

    #[test]
    fn the_first_run_is_pending_until_the_worker_answers() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 5.0);
        assert!(ws.run().is_none() && ws.failure().is_none());
        let pending = ws.pending().unwrap();
        assert_eq!((pending.id, pending.started_at), (None, 5.0));
        let (id, request) = lb.post(&mut ws).unwrap();
        assert_eq!(ws.pending().unwrap().id, Some(id));
        assert!(ws.take_request().is_none(), "posted once");
        let answer = finish(&mut lb, id, request);
        ws.receive(answer);
        assert!(ws.pending().is_none());
        assert_eq!(ws.runs_done(), 1);
    }

    #[test]
    fn a_newer_change_supersedes_the_pending_run_and_its_answer_is_ignored() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.settle(&mut ws);
        ws.set_as_of(day(27), 0);
        let (old, old_request) = lb.post(&mut ws).unwrap();
        ws.set_as_of(day(28), 0);
        let (new, new_request) = lb.post(&mut ws).unwrap();
        // The superseded run finishes anyway (it was past its last yield): never shown.
        let late = finish(&mut lb, old, old_request);
        ws.receive(late);
        assert!(ws.pending().is_some());
        assert_eq!(
            ws.run().unwrap().config.as_of,
            day(26),
            "still the first run"
        );
        ws.receive(Response {
            id: old,
            body: ResponseBody::Cancelled,
        });
        assert!(
            ws.pending().is_some(),
            "a late Cancelled of the old run changes nothing"
        );
        let answer = finish(&mut lb, new, new_request);
        ws.receive(answer);
        assert!(ws.pending().is_none());
        assert_eq!(ws.run().unwrap().config.as_of, day(28));
        assert_eq!(ws.last_change().unwrap().cause, "As of 2026-11-28");
    }

    #[test]
    fn cancelling_keeps_the_result_and_puts_its_settings_back() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.settle(&mut ws);
        let before = ws.run().unwrap();
        ws.set_policy(Switch::DuplicateContacts, "drop_all", 0.0);
        let (id, _) = lb.post(&mut ws).unwrap();
        assert_eq!(ws.cancel(), Some(id));
        assert!(ws.pending().unwrap().cancelling);
        ws.receive(Response {
            id,
            body: ResponseBody::Cancelled,
        });
        assert!(ws.pending().is_none());
        assert_eq!(ws.run_state(), RunState::Cancelled);
        assert!(ws.run().unwrap() == before, "the same result, untouched");
        assert_eq!(
            *ws.policies(),
            before.config.policies,
            "the switch goes back"
        );
        assert!(ws.grid().is_some());
    }

    #[test]
    fn progress_is_kept_for_the_pending_run_only() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        let (id, _) = lb.post(&mut ws).unwrap();
        let progress = Progress::Step {
            index: 2,
            total: 30,
            name: "stg_sf__contacts".into(),
            reused: false,
        };
        ws.receive(Response {
            id: id + 7,
            body: ResponseBody::Progress(progress.clone()),
        });
        assert_eq!(ws.pending().unwrap().progress, None);
        ws.receive(Response {
            id,
            body: ResponseBody::Progress(progress.clone()),
        });
        assert_eq!(ws.pending().unwrap().progress, Some(progress));
    }
}

//! The app's state as plain types: which files, which schema and settings, the run in
//! progress and the last run's result and what it changed ([`Runs`]); which node is open and
//! how its table is sorted and paged, which test is open, which dashboard is on screen
//! ([`View`]). Every rule about what a change implies lives on them; components only call
//! their methods.
//!
//! They are two types because they change at different times and are read by different
//! components: a run's progress must not wake the open table, and paging a table must not
//! wake the run log. The page holds each in a signal of its own; the view reads the runs it
//! shows (untracked, when it acts) and follows a run that ended ([`View::after_run`]).
//!
//! [`Workspace`] is the two together, for code that drives a whole session at once: the
//! natively tested rules below, the saved session, the loopback worker.

use chrono::NaiveDate;

use c360::engine::config::remediation::Policies;
use c360::engine::data_test::TestStatus;
use c360::engine::source::mapping::MappingFile;
use c360::engine::{Node, RunConfig};
use c360_worker::protocol::{Failure, PageRequest, Response, RunRequest, Sample, TablePage};

use crate::state::grid::{Grid, TableCommand};
use crate::state::inputs::{Inputs, Slot, SourceInput};
use crate::state::mapping_review::{Remembered, Review};
use crate::state::policy_switches::Switch;
use crate::state::recovery::{Crash, CrashReport, Recovery};
use crate::state::route::Route;
use crate::state::schema_state::SchemaState;

mod run;
mod view;

pub use self::run::{LastChange, Pending, RunHandle, RunState, Runs, Settings};
pub use self::view::View;
pub use crate::state::route::DEFAULT_NODE;

/// The runs and the view together, with every rule of both: a run that ends moves the view.
#[derive(Clone, Debug)]
pub struct Workspace {
    runs: Runs,
    view: View,
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
        Workspace {
            runs: Runs::open(settings, cause, now),
            view: View::default(),
        }
    }

    /// The runs: what they are made with, the one pending, the last one's outcome.
    pub fn runs(&self) -> &Runs {
        &self.runs
    }

    /// What the user is looking at.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// The two, for the page to hold in a signal each.
    pub fn into_parts(self) -> (Runs, View) {
        (self.runs, self.view)
    }

    pub fn inputs(&self) -> &Inputs {
        self.runs.inputs()
    }

    pub fn config(&self) -> &RunConfig {
        self.runs.config()
    }

    pub fn policies(&self) -> &Policies {
        self.runs.policies()
    }

    pub fn schema(&self) -> &SchemaState {
        self.runs.schema()
    }

    pub fn mapping(&self) -> MappingFile {
        self.runs.mapping()
    }

    pub fn settled(&self) -> &Settings {
        self.runs.settled()
    }

    pub fn nodes(&self) -> &[Node] {
        self.runs.nodes()
    }

    pub fn run(&self) -> Option<RunHandle> {
        self.runs.run()
    }

    pub fn failure(&self) -> Option<&Failure> {
        self.runs.failure()
    }

    pub fn pending(&self) -> Option<&Pending> {
        self.runs.pending()
    }

    pub fn runs_done(&self) -> u64 {
        self.runs.runs_done()
    }

    pub fn run_state(&self) -> RunState {
        self.runs.run_state()
    }

    pub fn notice(&self) -> Option<&str> {
        self.runs.notice()
    }

    pub fn last_change(&self) -> Option<&LastChange> {
        self.runs.last_change()
    }

    pub fn crash(&self) -> Option<&CrashReport> {
        self.runs.crash()
    }

    pub fn is_stale(&self) -> bool {
        self.runs.is_stale()
    }

    pub fn worker_crashed(&mut self, crash: Crash, now: f64) -> Recovery {
        self.runs.worker_crashed(crash, now)
    }

    pub fn review(&self) -> Option<&Review> {
        self.runs.review()
    }

    pub fn remembered(&self) -> &[Remembered] {
        self.runs.remembered()
    }

    pub fn selected(&self) -> &str {
        self.view.selected()
    }

    pub fn grid(&self) -> Option<&Grid> {
        self.view.grid()
    }

    pub fn test_filter(&self) -> Option<TestStatus> {
        self.view.test_filter()
    }

    pub fn open_test(&self) -> Option<&str> {
        self.view.open_test()
    }

    pub fn route(&self) -> Route {
        self.view.route()
    }

    pub fn project_route(&self) -> Route {
        self.view.project_route()
    }

    pub fn page_request(&self) -> Option<PageRequest> {
        self.view.page_request()
    }

    pub fn start_over(&mut self, config: RunConfig, now: f64) {
        self.runs.start_over(config, now);
    }

    pub fn set_as_of(&mut self, as_of: NaiveDate, now: i64) {
        self.runs.set_as_of(as_of, now);
    }

    pub fn load(&mut self, files: Vec<(Slot, SourceInput)>, now: f64) {
        self.runs.load(files, now);
    }

    pub fn load_with_schema(
        &mut self,
        files: Vec<(Slot, SourceInput)>,
        schema: Option<(String, String)>,
        now: f64,
    ) {
        self.runs.load_with_schema(files, schema, now);
    }

    pub fn review_files(&mut self, review: Review, now: f64) {
        self.runs.review_files(review, now);
    }

    pub fn edit_review(&mut self, edit: impl FnOnce(&mut Review)) {
        self.runs.edit_review(edit);
    }

    pub fn confirm_review(&mut self, now: f64) {
        self.runs.confirm_review(now);
    }

    pub fn cancel_review(&mut self) {
        self.runs.cancel_review();
    }

    pub fn remember(&mut self, remembered: Vec<Remembered>) {
        self.runs.remember(remembered);
    }

    pub fn accept_categories(&mut self, categories: &[String], now: f64) {
        self.runs.accept_categories(categories, now);
    }

    pub fn use_sample(&mut self, sample: Sample, now: f64) {
        self.runs.use_sample(sample, now);
    }

    pub fn use_demo(&mut self, now: f64) {
        self.runs.use_demo(now);
    }

    pub fn apply_schema(&mut self, text: String, now: f64) {
        self.runs.apply_schema(text, now);
    }

    pub fn reset_schema(&mut self, now: f64) {
        self.runs.reset_schema(now);
    }

    pub fn set_policy(&mut self, switch: Switch, value: &str, now: f64) {
        self.runs.set_policy(switch, value, now);
    }

    pub fn reject(&mut self, message: String) {
        self.runs.reject(message);
    }

    pub fn dismiss_notice(&mut self) {
        self.runs.dismiss_notice();
    }

    pub fn sent(&mut self, id: u64) {
        self.runs.sent(id);
    }

    pub fn take_request(&mut self) -> Option<RunRequest> {
        self.runs.take_request()
    }

    pub fn cancel(&mut self) -> Option<u64> {
        self.runs.cancel()
    }

    pub fn command(&mut self, command: TableCommand) {
        self.view.command(command);
    }

    pub fn receive_page(&mut self, page: TablePage) {
        self.view.receive_page(page);
    }

    pub fn set_test_filter(&mut self, filter: Option<TestStatus>) {
        self.view.set_test_filter(filter);
    }

    pub fn selected_node(&self) -> Option<&Node> {
        self.view.selected_node(&self.runs)
    }

    pub fn follow(&mut self, route: &Route) {
        self.view.follow(&self.runs, route);
    }

    pub fn select(&mut self, unique_id: &str) {
        self.view.select(&self.runs, unique_id);
    }

    pub fn toggle_test(&mut self, unique_id: &str) {
        self.view.toggle_test(&self.runs, unique_id);
    }

    pub fn show_test(&mut self, unique_id: &str) {
        self.view.show_test(&self.runs, unique_id);
    }

    /// Takes the worker's answer to a run; the view follows a run that ended.
    pub fn receive(&mut self, response: Response) {
        if self.runs.receive(response) {
            self.view.after_run(&self.runs);
        }
    }
}

impl AsRef<Runs> for Workspace {
    fn as_ref(&self) -> &Runs {
        &self.runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::grid::Direction;
    use crate::state::loopback::Loopback;
    use crate::state::schema_state::SchemaOrigin;

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
    /// duplicate contact ids an error (the fixture the integration tests use too).
    fn exercise_schema() -> String {
        include_str!("../../../../../tests/data/schema/exercise_done_when.yml").to_string()
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
            c360::engine::data_test::schema::DEFAULT_SCHEMA
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
            c360::engine::config::remediation::DuplicateContacts::DropAll
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
    use c360_worker::protocol::{Done, Progress, Response, ResponseBody};
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

    /// A stand-in for the browser's word on a crash, with the requests still waiting.
    fn crash(waiting: &[&str]) -> Crash {
        Crash {
            message: "Uncaught RuntimeError: unreachable".into(),
            waiting: waiting.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn a_crash_mid_run_reruns_the_same_files_in_a_new_worker() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.settle(&mut ws);
        let before = ws.run().unwrap();
        let shop = lb.file("shop.csv", c360_worker::session::DEMO_TRANSACTIONS);
        ws.load(vec![(Slot::Transactions, shop.clone())], 0.0);
        let (id, _) = lb.post(&mut ws).unwrap();
        let step = Progress::Step {
            index: 4,
            total: 30,
            name: "stg_web__transactions".into(),
            reused: false,
        };
        ws.receive(Response {
            id,
            body: ResponseBody::Progress(step),
        });
        // The worker dies: a new one holds nothing.
        lb.session = c360_worker::session::Session::new();
        assert_eq!(ws.worker_crashed(crash(&[]), 1.0), Recovery::Rerun);
        let report = ws.crash().expect("reported");
        assert_eq!(
            report.during,
            "the run of “Loaded shop.csv”, after step 4 of 30 (stg_web__transactions)"
        );
        let pending = ws.pending().expect("a re-run is pending");
        assert!(pending.after_crash);
        assert_eq!(ws.inputs().get(Slot::Transactions), &shop, "the same file");
        // The client's own answer to the dead run changes nothing.
        ws.receive(Response {
            id,
            body: ResponseBody::Failed(Failure::WorkerStopped {
                message: "Uncaught RuntimeError: unreachable".into(),
            }),
        });
        assert!(ws.failure().is_none() && ws.run().unwrap() == before);
        lb.settle(&mut ws);
        let after = ws.run().expect("the re-run's result");
        assert!(after != before);
        assert!(!ws.is_stale());
        assert_eq!(ws.run_state(), RunState::Done);
        assert!(ws.grid().is_some(), "the table is back");
        assert!(ws.crash().is_some(), "what happened stays said");
        // The user's next change clears it.
        ws.set_as_of(day(27), 0);
        assert!(ws.crash().is_none());
    }

    #[test]
    fn a_crash_outside_a_run_reruns_the_result_on_screen() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.settle(&mut ws);
        lb.session = c360_worker::session::Session::new();
        assert_eq!(
            ws.worker_crashed(crash(&["a CSV download"]), 0.0),
            Recovery::Rerun
        );
        assert_eq!(ws.crash().unwrap().during, "a CSV download");
        let request = ws.take_request().expect("a re-run");
        assert_eq!(request.sources, ws.settled().inputs.specs());
    }

    #[test]
    fn a_second_crash_gives_up_and_keeps_the_last_result_marked_stale() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.settle(&mut ws);
        let before = ws.run().unwrap();
        ws.set_policy(Switch::DuplicateContacts, "drop_all", 0.0);
        lb.post(&mut ws).unwrap();
        assert_eq!(ws.worker_crashed(crash(&[]), 0.0), Recovery::Rerun);
        assert!(!ws.is_stale(), "not yet: a re-run is going");
        lb.post(&mut ws).unwrap();
        assert_eq!(ws.worker_crashed(crash(&[]), 0.0), Recovery::GiveUp);
        assert!(ws.pending().is_none(), "no third run");
        assert!(ws.take_request().is_none(), "nothing to post");
        assert_eq!(ws.run_state(), RunState::Crashed);
        assert!(ws.run().unwrap() == before, "the last result stays");
        assert!(ws.is_stale());
        assert!(ws.crash().unwrap().gave_up());
        assert_eq!(
            *ws.policies(),
            before.config.policies,
            "the settings of the result on screen come back"
        );
        // More crashes (a page asked of the new worker) never re-run.
        assert_eq!(
            ws.worker_crashed(crash(&["a page of a table"]), 0.0),
            Recovery::GiveUp
        );
        assert!(ws.take_request().is_none());
        // The user's next change runs again, with a fresh count.
        lb.session = c360_worker::session::Session::new();
        ws.use_demo(0.0);
        assert!(!ws.is_stale() && ws.crash().is_none());
        lb.settle(&mut ws);
        assert_eq!(ws.run_state(), RunState::Done);
        assert_eq!(ws.worker_crashed(crash(&[]), 0.0), Recovery::Rerun);
    }

    #[test]
    fn giving_up_before_any_result_has_nothing_stale() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::new(day(26)), 0.0);
        lb.post(&mut ws).unwrap();
        assert_eq!(ws.worker_crashed(crash(&[]), 0.0), Recovery::Rerun);
        lb.post(&mut ws).unwrap();
        assert_eq!(ws.worker_crashed(crash(&[]), 0.0), Recovery::GiveUp);
        assert!(ws.run().is_none());
        assert!(!ws.is_stale(), "no result to be stale");
        assert_eq!(ws.run_state(), RunState::Crashed);
    }
}

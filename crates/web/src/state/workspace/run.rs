//! The runs: what a run is made with (the files, the settings, the schema and the column
//! mapping), the run asked for and not yet answered, the request waiting to be posted, and
//! the last run's outcome and what it changed.
//!
//! A change to what a run is made with queues a run request ([`Runs::take_request`]) that the
//! shell posts, and the worker's answers come back through [`Runs::receive`]. While a run is
//! pending the page keeps showing the last result. A newer change supersedes the pending run:
//! an answer to any request but the latest is ignored, so the results on screen are always one
//! run's. A failed run leaves no result behind: a stale table must never pass for the current
//! one. A cancelled run leaves the previous result and puts back the settings it was made with.
//! Invalid schema text never reaches the worker, so the results of the last valid schema stay
//! (and the page says so). A worker that crashes is a different thing from a failed run: the
//! run is re-run in a new worker, or, when that crashes too, the last result stays, marked
//! stale ([`crate::state::recovery`] has the rules).
//!
//! What the user is looking at (the open node, its table, the open test) is the
//! [`View`](super::View)'s, which follows the runs.

use std::ops::Deref;
use std::sync::Arc;

use chrono::NaiveDate;

use c360::engine::config::remediation::{OutsideCategories, Policies};
use c360::engine::source::mapping::MappingFile;
use c360::engine::{Node, RunConfig};
use c360_worker::protocol::{Done, Failure, Progress, Response, ResponseBody, RunRequest, Sample};

use crate::state::inputs::{Inputs, Slot, SourceInput};
use crate::state::mapping_review::{Remembered, Review};
use crate::state::policy_switches::Switch;
use crate::state::recovery::{Crash, CrashReport, Recovery};
use crate::state::run_diff::RunDiff;
use crate::state::runner::{self, RunView};
use crate::state::schema_state::{SchemaOrigin, SchemaState};

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
    /// The page ran it again on its own, because the worker crashed.
    pub after_crash: bool,
}

/// Where the runs stand, in the words the page exposes (`data-c360-run`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    Running,
    Done,
    Failed,
    Cancelled,
    /// The worker crashed again and the page stopped re-running ([`Recovery::GiveUp`]).
    Crashed,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
            RunState::Crashed => "crashed",
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

/// The runs: what they are made with, the one pending, the last one's outcome.
#[derive(Clone, Debug)]
pub struct Runs {
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
    /// A problem that did not change the inputs (an unreadable or unrecognised file): shown,
    /// but the current result stays valid.
    notice: Option<String>,
    /// What the last re-run changed; `None` before the first re-run and after a failed one.
    last_change: Option<LastChange>,
    /// Files waiting for the user to confirm which export each is and how it is mapped.
    review: Option<Review>,
    /// Mappings the user confirmed, offered again for files with the same header.
    remembered: Vec<Remembered>,
    /// The worker's last crash, until the user's next change.
    crash: Option<CrashReport>,
    /// Crashes since the user's last change ([`Recovery::after`]).
    crashes: u32,
}

impl Runs {
    /// Runs on these settings (a restored session's, say); the first run is queued, with
    /// `cause` as what made it run.
    pub fn open(settings: Settings, cause: impl Into<String>, now: f64) -> Runs {
        let Settings {
            inputs,
            config,
            schema,
        } = settings.clone();
        let mut runs = Runs {
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
            notice: None,
            last_change: None,
            review: None,
            remembered: Vec::new(),
            crash: None,
            crashes: 0,
        };
        runs.rerun(cause, now);
        runs
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

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn last_change(&self) -> Option<&LastChange> {
        self.last_change.as_ref()
    }

    /// The worker's last crash and what the page did about it, until the user's next change.
    pub fn crash(&self) -> Option<&CrashReport> {
        self.crash.as_ref()
    }

    /// Whether the result on screen is stale: the worker crashed, the page gave up re-running,
    /// and the worker in place no longer holds that result's tables.
    pub fn is_stale(&self) -> bool {
        self.crash.as_ref().is_some_and(CrashReport::gave_up) && self.run().is_some()
    }

    /// The worker died (the client has answered its pending requests and will start a new
    /// worker with the next request). Re-runs from the files the page holds — the pending
    /// run's, or the result on screen's — unless the worker has crashed [`GIVE_UP_AFTER`]
    /// times since the user's last change: then the pending run is dropped, the settings of
    /// the result on screen come back, and that result stays, marked stale.
    ///
    /// [`GIVE_UP_AFTER`]: crate::state::recovery::GIVE_UP_AFTER
    pub fn worker_crashed(&mut self, crash: Crash, now: f64) -> Recovery {
        self.crashes += 1;
        let recovery = Recovery::after(self.crashes);
        let pending = self.pending.take();
        self.crash = Some(CrashReport::new(
            &crash,
            pending
                .as_ref()
                .map(|p| (p.cause.as_str(), p.progress.as_ref())),
            recovery,
        ));
        match recovery {
            Recovery::Rerun => {
                // The inputs are the pending run's, or (none pending) the result's.
                let (crash, crashes) = (self.crash.take(), self.crashes);
                self.rerun("Ran again after the worker crashed", now);
                (self.crash, self.crashes) = (crash, crashes);
                if let Some(p) = &mut self.pending {
                    p.after_crash = true;
                }
            }
            Recovery::GiveUp => {
                self.outbox = None;
                self.ended = Some(RunState::Crashed);
                self.restore_settled();
            }
        }
        recovery
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
    /// confirm ([`Runs::confirm_review`]).
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
    /// (a superseded run finishing anyway, a late `Cancelled`) are ignored. Says whether a run
    /// ended with a result or a failure, for the view to follow ([`View::after_run`]).
    ///
    /// [`View::after_run`]: super::View::after_run
    pub fn receive(&mut self, response: Response) -> bool {
        let Some(pending) = &mut self.pending else {
            return false;
        };
        if pending.id != Some(response.id) {
            return false;
        }
        match response.body {
            ResponseBody::Progress(progress) => pending.progress = Some(progress),
            ResponseBody::Done(Done::Run(summary)) => {
                let cause = self.pending.take().map(|p| p.cause).unwrap_or_default();
                self.settle(Ok(RunHandle(Arc::new(RunView::from(*summary)))), cause);
                return true;
            }
            // The client's own answer when the worker dies: `worker_crashed` decides what
            // follows, never a failed run that would take the result off the screen.
            ResponseBody::Failed(Failure::WorkerStopped { .. }) => {}
            ResponseBody::Failed(failure) => {
                let cause = self.pending.take().map(|p| p.cause).unwrap_or_default();
                self.settle(Err(failure), cause);
                return true;
            }
            ResponseBody::Cancelled => {
                self.pending = None;
                self.ended = Some(RunState::Cancelled);
                self.restore_settled();
            }
            ResponseBody::Ready | ResponseBody::Chunk { .. } | ResponseBody::Done(_) => {}
        }
        false
    }

    /// Puts back the settings of the result on screen.
    fn restore_settled(&mut self) {
        let Settings {
            inputs,
            config,
            schema,
        } = self.settled.clone();
        self.inputs = inputs;
        self.config = config;
        self.schema = schema;
    }

    /// Queues a run of the current inputs, schema and settings; it supersedes any pending one.
    /// A run the user asked for starts the count of crashes afresh.
    fn rerun(&mut self, cause: impl Into<String>, now: f64) {
        self.notice = None;
        self.crash = None;
        self.crashes = 0;
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
            after_crash: false,
        });
    }

    /// Shows a run's result and says what it changed, and takes a policy's schema edit (the
    /// view then follows: [`View::after_run`]).
    ///
    /// [`View::after_run`]: super::View::after_run
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
    }
}

impl AsRef<Runs> for Runs {
    fn as_ref(&self) -> &Runs {
        self
    }
}

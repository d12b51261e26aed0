//! The page's handles on its state. The workspace is held as two signals, [`Runs`] and
//! [`View`], so that a change to one does not wake what reads only the other (a run's
//! progress does not touch the open table; paging the table does not touch the run log).
//! A component is given a read-only signal of the half it reads and the handle of the
//! actions it may take, never the whole:
//!
//! - [`RunActions`]: change what a run is made with; the run the change queued is posted to
//!   the worker, and when the worker's answer ends it the view follows
//!   ([`View::after_run`]).
//! - [`ViewActions`]: open a node or a test, filter the tests, sort or page the table, go
//!   where a URL says. They read the runs (untracked) and never change them.

use leptos::prelude::*;

use c360::engine::data_test::TestStatus;
use c360_worker::protocol::{RequestBody, TablePage};

use crate::browser::client;
use crate::state::grid::TableCommand;
use crate::state::route::Route;
use crate::state::workspace::{Runs, View, Workspace};

/// The two signals, made once by the app from a [`Workspace`].
pub fn signals(ws: Workspace) -> (RwSignal<Runs>, RwSignal<View>) {
    let (runs, view) = ws.into_parts();
    (RwSignal::new(runs), RwSignal::new(view))
}

/// What a component may do to the runs.
#[derive(Clone, Copy)]
pub struct RunActions {
    runs: RwSignal<Runs>,
    view: RwSignal<View>,
}

impl RunActions {
    pub fn new(runs: RwSignal<Runs>, view: RwSignal<View>) -> RunActions {
        RunActions { runs, view }
    }

    /// Changes the runs, then posts the run the change queued, if any.
    pub fn act(&self, change: impl FnOnce(&mut Runs)) {
        self.runs.update(change);
        post_queued(self.runs, self.view);
    }

    /// Changes the runs in a way that queues no run (a notice, the mapping under review).
    pub fn update(&self, change: impl FnOnce(&mut Runs)) {
        self.runs.update(change);
    }

    /// Replaces the whole workspace (a restored session), then posts its first run.
    pub fn replace(&self, ws: Workspace) {
        let (runs, view) = ws.into_parts();
        self.view.set(view);
        self.runs.set(runs);
        post_queued(self.runs, self.view);
    }
}

/// Posts the run the runs queued, if any; its answers go back to the runs, and the view
/// follows a run that ended.
fn post_queued(runs: RwSignal<Runs>, view: RwSignal<View>) {
    let Some((request, tokens)) = runs
        .try_update(|w| w.take_request().map(|r| (r, w.inputs().tokens())))
        .flatten()
    else {
        return;
    };
    let id = client::send(RequestBody::Run(request), &tokens, move |response, _| {
        if runs.try_update(|w| w.receive(response)) == Some(true) {
            view.update(|v| runs.with_untracked(|r| v.after_run(r)));
        }
        post_queued(runs, view);
    });
    runs.update(|w| w.sent(id));
}

/// What a component may do to the view.
#[derive(Clone, Copy)]
pub struct ViewActions {
    view: RwSignal<View>,
    runs: ReadSignal<Runs>,
}

impl ViewActions {
    pub fn new(view: RwSignal<View>, runs: ReadSignal<Runs>) -> ViewActions {
        ViewActions { view, runs }
    }

    fn change(&self, change: impl FnOnce(&mut View, &Runs)) {
        let runs = self.runs;
        self.view.update(|v| runs.with_untracked(|r| change(v, r)));
    }

    /// Opens a node's table (and the project, if a dashboard was on screen).
    pub fn select(&self, unique_id: &str) {
        self.change(|v, r| v.select(r, unique_id));
    }

    /// Opens a test's detail, clearing a filter that would hide it.
    pub fn show_test(&self, unique_id: &str) {
        self.change(|v, r| v.show_test(r, unique_id));
    }

    /// Opens a test's detail, or closes it when it is the open one.
    pub fn toggle_test(&self, unique_id: &str) {
        self.change(|v, r| v.toggle_test(r, unique_id));
    }

    /// Shows only the tests of one status, or all of them.
    pub fn set_test_filter(&self, filter: Option<TestStatus>) {
        self.view.update(|v| v.set_test_filter(filter));
    }

    /// Sorts or pages the open table.
    pub fn command(&self, command: TableCommand) {
        self.view.update(|v| v.command(command));
    }

    /// Takes a page from the worker for the open table.
    pub fn receive_page(&self, page: TablePage) {
        self.view.update(|v| v.receive_page(page));
    }

    /// Goes to the view a URL names.
    pub fn follow(&self, route: &Route) {
        self.change(|v, r| v.follow(r, route));
    }
}

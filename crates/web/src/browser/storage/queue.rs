//! The page's handle on the storage: every write and the Forget queued and done one at a time,
//! in order, and what is kept as a signal for views.

use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use web_sys::File;

use crate::state::inputs::Slot;
use crate::state::saved_session::{
    AfterRun, Keeping, RestoreError, SavedFile, SavedSession, StorageProblem,
};

use super::operations::{
    delete_everything, not_kept, read_everything, remove_session, write_file, write_session, Found,
    Restored,
};

type Job = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    static QUEUE: RefCell<VecDeque<Job>> = const { RefCell::new(VecDeque::new()) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    /// The keys of files whose write failed: a record naming one is not written.
    static UNSTORED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Runs `job` after every job queued before it.
fn enqueue(job: impl Future<Output = ()> + 'static) {
    QUEUE.with_borrow_mut(|q| q.push_back(Box::pin(job)));
    if DRAINING.replace(true) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        while let Some(job) = QUEUE.with_borrow_mut(|q| q.pop_front()) {
            job.await;
        }
        DRAINING.set(false);
    });
}

/// The page's handle on what c360 keeps in this browser.
#[derive(Clone, Copy)]
pub struct Keeper(RwSignal<Keeping>);

impl Default for Keeper {
    fn default() -> Keeper {
        Keeper(RwSignal::new(Keeping::default()))
    }
}

impl Keeper {
    /// What is kept, for views.
    pub fn state(&self) -> RwSignal<Keeping> {
        self.0
    }

    /// Looks for a kept session: its record and files, when there is one and it is whole.
    /// A session that cannot be read back is reported, and `None` returned.
    pub async fn restore(&self) -> Option<Restored> {
        let found = read_everything().await;
        let state = self.0;
        match found {
            Err(failure) => {
                state.update(|k| {
                    k.problem = Some(StorageProblem::NotRestored(RestoreError::Storage {
                        message: failure.to_string(),
                    }))
                });
                None
            }
            Ok(Found { anything, session }) => {
                state.update(|k| k.kept = anything);
                match session? {
                    Ok((saved, files)) => {
                        let notice = saved.notice(js_sys::Date::now() as i64);
                        state.update(|k| {
                            k.restored = Some(notice);
                            k.last = Some(saved.clone());
                        });
                        Some((saved, files))
                    }
                    Err(why) => {
                        state.update(|k| k.problem = Some(StorageProblem::NotRestored(why)));
                        None
                    }
                }
            }
        }
    }

    /// Stores a file the user loaded.
    pub fn keep_file(&self, saved: SavedFile, file: File) {
        let state = self.0;
        enqueue(async move {
            let key = saved.key();
            let result = write_file(&key, &file).await;
            state.update(|k| k.kept = true);
            match result {
                Ok(()) => {
                    UNSTORED.with_borrow_mut(|u| u.remove(&key));
                }
                Err(failure) => {
                    UNSTORED.with_borrow_mut(|u| u.insert(key));
                    let problem = not_kept(&saved.name, Some(saved.size), &failure).await;
                    state.update(|k| k.problem = Some(problem));
                }
            }
        });
    }

    /// Keeps the settings of run number `seq` (or forgets, or does nothing: see
    /// [`Keeping::after_run`]).
    pub fn after_run(&self, session: SavedSession, seq: u64) {
        let state = self.0;
        let caught_up = move || state.update(|k| k.caught_up = k.caught_up.max(seq));
        match state.with_untracked(|k| k.after_run(session)) {
            AfterRun::Nothing => caught_up(),
            AfterRun::Forget => enqueue(async move {
                forget_now(state).await;
                caught_up();
            }),
            AfterRun::Keep(session) => enqueue(async move {
                let unstored = UNSTORED.with_borrow(|u| {
                    session
                        .files
                        .iter()
                        .find(|f| u.contains(&f.key()))
                        .map(|f| f.name.clone())
                });
                if let Some(name) = unstored {
                    // The problem is already shown (the file's write failed); an older record
                    // must not come back on reload either.
                    if let Err(failure) = remove_session().await {
                        let problem =
                            not_kept(&format!("the session without {name}"), None, &failure).await;
                        state.update(|k| k.problem = Some(problem));
                    }
                    state.update(|k| k.last = None);
                } else {
                    let result = write_session(&session).await;
                    state.update(|k| k.kept = true);
                    match result {
                        Ok(()) => state.update(|k| k.last = Some(session)),
                        Err(failure) => {
                            let problem = not_kept("the session's settings", None, &failure).await;
                            state.update(|k| {
                                k.last = None;
                                k.problem = Some(problem);
                            });
                        }
                    }
                }
                caught_up();
            }),
        }
    }

    /// Deletes everything kept, after whatever writes are queued.
    pub fn forget(&self) {
        let state = self.0;
        state.update(|k| k.forgetting = true);
        enqueue(forget_now(state));
    }
}

async fn forget_now(state: RwSignal<Keeping>) {
    let result = delete_everything().await;
    UNSTORED.with_borrow_mut(HashSet::clear);
    state.update(|k| {
        k.forgetting = false;
        match result {
            Ok(()) => {
                k.kept = false;
                k.restored = None;
                k.last = None;
            }
            Err(failure) => {
                k.problem = Some(StorageProblem::NotForgotten(format!(
                    "The browser refused to delete it: {failure}"
                )))
            }
        }
    });
}

/// The sources restored files become, each `File` kept by `keep` (which gives its token).
pub fn restored_inputs(
    files: Vec<(SavedFile, File)>,
    keep: impl Fn(File) -> u64,
) -> Vec<(Slot, crate::state::inputs::SourceInput)> {
    files
        .into_iter()
        .map(|(saved, file)| (saved.slot, saved.input(keep(file))))
        .collect()
}

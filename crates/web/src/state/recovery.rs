//! What the page does when its worker dies: the rules, as plain Rust, natively tested.
//!
//! The worker is wasm32 with `panic = "abort"`: a bug, or an allocation its memory cannot
//! hold, is a trap that leaves it unable to answer. The page's client sees the worker's
//! `error` (or `messageerror`), answers every request still waiting with
//! `Failure::WorkerStopped` and drops the worker; the next request starts a new one. Here is
//! what the runs do next (`Runs::worker_crashed` in `state/workspace`):
//!
//! - **Re-run** from the files the page still holds (the `File` handles, the demo, the
//!   sample: [`Inputs`](super::inputs::Inputs) names them all), so that the new worker has
//!   the tables the page shows. The run that was pending, if any, is the one re-run.
//! - **Give up** when the worker has crashed [`GIVE_UP_AFTER`] times since the user last
//!   changed anything: the re-run crashed too (the same input kills it again), or something
//!   right after it did. Never a loop: only the user's next change (a file, a setting, the
//!   demo) runs again. The last result stays on screen, marked **stale**: its summary, tests
//!   and the rows already shown are what they were, but the new worker does not hold its
//!   tables, so they can no longer be paged or downloaded.
//!
//! What it is not: the browser glue (listening, terminating, starting a worker) is
//! `browser/client.rs`'s; the message is drawn by `app/error_alert.rs`.

use c360_worker::protocol::Progress;

/// Crashes since the user's last change after which the page stops re-running: the first is
/// re-run, the second (the re-run's, or one right after it) is not.
pub const GIVE_UP_AFTER: u32 = 2;

/// A crash of the worker, as the page's client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crash {
    /// The browser's word on it: `Uncaught RuntimeError: unreachable`.
    pub message: String,
    /// What else was waiting for an answer, in words (`RequestBody::describe`), oldest first.
    pub waiting: Vec<String>,
}

/// What the page does after a crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// Start a new worker and run again from the files the page holds.
    Rerun,
    /// Stop: keep the last result, marked stale, and wait for the user.
    GiveUp,
}

impl Recovery {
    /// The rule: re-run until the worker has crashed [`GIVE_UP_AFTER`] times since the user's
    /// last change (`crashes` counts this one).
    pub fn after(crashes: u32) -> Recovery {
        if crashes >= GIVE_UP_AFTER {
            Recovery::GiveUp
        } else {
            Recovery::Rerun
        }
    }
}

/// The page's report of the last crash, shown until the user's next change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrashReport {
    /// What the worker was doing, in words: "the run of “Loaded shop.csv”, while parsing
    /// shop.csv (1,048,576 of 9,437,184 bytes)".
    pub during: String,
    /// The browser's word on it.
    pub message: String,
    /// What the page did.
    pub recovery: Recovery,
}

impl CrashReport {
    /// A report of `crash`, during the run of `run` (its cause and its last progress) when
    /// one was pending.
    pub fn new(
        crash: &Crash,
        run: Option<(&str, Option<&Progress>)>,
        recovery: Recovery,
    ) -> CrashReport {
        CrashReport {
            during: during(run, &crash.waiting),
            message: crash.message.clone(),
            recovery,
        }
    }

    pub fn gave_up(&self) -> bool {
        self.recovery == Recovery::GiveUp
    }

    /// The heading: what happened.
    pub fn title(&self) -> &'static str {
        match self.recovery {
            Recovery::Rerun => "The engine's worker crashed and was restarted",
            Recovery::GiveUp => "The engine's worker crashed again: c360 stopped re-running",
        }
    }

    /// What happened and what the page did, in a sentence or two.
    pub fn explanation(&self, has_result: bool) -> String {
        let what = format!(
            "The worker that runs the DAG stopped during {} ({}).",
            self.during, self.message
        );
        match self.recovery {
            Recovery::Rerun => format!(
                "{what} c360 started a new worker and ran the DAG again from the files this \
                 page still holds; nothing was lost."
            ),
            Recovery::GiveUp if has_result => format!(
                "{what} It crashed on the re-run too, so c360 does not try again on its own. \
                 The results below are from before the crash and are stale: their tables can \
                 no longer be paged or downloaded. Choose other files, change a setting, or \
                 go back to the demo data to run again; reloading the page starts afresh."
            ),
            Recovery::GiveUp => format!(
                "{what} It crashed on the re-run too, so c360 does not try again on its own, \
                 and there is no result to show. Choose other files, change a setting, or go \
                 back to the demo data to run again; reloading the page starts afresh."
            ),
        }
    }
}

/// What the worker was doing: the pending run (its cause and its last progress) first, else
/// what else was waiting, else nothing.
pub fn during(run: Option<(&str, Option<&Progress>)>, waiting: &[String]) -> String {
    if let Some((cause, progress)) = run {
        let at = match progress {
            None => "before it reported any progress".to_string(),
            Some(Progress::Parsing {
                file,
                bytes_read,
                total_bytes,
                rows,
            }) => format!(
                "while parsing {file} ({} of {} bytes read, {} rows)",
                crate::state::format::count(*bytes_read as usize),
                crate::state::format::count(*total_bytes as usize),
                crate::state::format::count(*rows)
            ),
            Some(Progress::Step {
                index, total, name, ..
            }) => format!("after step {index} of {total} ({name})"),
        };
        return format!("the run of “{cause}”, {at}");
    }
    match waiting {
        [] => "no request (it was idle)".to_string(),
        [one] => one.clone(),
        many => many.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crash(waiting: &[&str]) -> Crash {
        Crash {
            message: "Uncaught RuntimeError: unreachable".into(),
            waiting: waiting.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn the_first_crash_reruns_and_the_second_gives_up() {
        assert_eq!(Recovery::after(1), Recovery::Rerun);
        assert_eq!(Recovery::after(2), Recovery::GiveUp);
        assert_eq!(Recovery::after(3), Recovery::GiveUp, "never a loop");
    }

    #[test]
    fn a_crash_during_a_run_names_its_cause_and_its_last_step() {
        let parsing = Progress::Parsing {
            file: "shop.csv".into(),
            bytes_read: 1_048_576,
            total_bytes: 9_437_184,
            rows: 12_000,
        };
        let report = CrashReport::new(
            &crash(&["a page of a table"]),
            Some(("Loaded shop.csv", Some(&parsing))),
            Recovery::Rerun,
        );
        assert_eq!(
            report.during,
            "the run of “Loaded shop.csv”, while parsing shop.csv (1,048,576 of 9,437,184 \
             bytes read, 12,000 rows)"
        );
        let step = Progress::Step {
            index: 5,
            total: 30,
            name: "category_spend".into(),
            reused: false,
        };
        assert_eq!(
            during(Some(("As of 2026-11-27", Some(&step))), &[]),
            "the run of “As of 2026-11-27”, after step 5 of 30 (category_spend)"
        );
        assert_eq!(
            during(Some(("Opened the demo data", None)), &[]),
            "the run of “Opened the demo data”, before it reported any progress"
        );
    }

    #[test]
    fn a_crash_outside_a_run_names_what_was_waiting() {
        assert_eq!(during(None, &["a CSV download".into()]), "a CSV download");
        assert_eq!(
            during(None, &["a CSV download".into(), "a page of a table".into()]),
            "a CSV download, a page of a table"
        );
        assert_eq!(during(None, &[]), "no request (it was idle)");
    }

    #[test]
    fn the_message_says_what_was_done_and_whether_the_results_are_stale() {
        let rerun = CrashReport::new(&crash(&[]), None, Recovery::Rerun);
        assert!(!rerun.gave_up());
        let text = rerun.explanation(true);
        assert!(
            text.contains("Uncaught RuntimeError: unreachable"),
            "{text}"
        );
        assert!(text.contains("started a new worker"), "{text}");
        assert!(!text.contains("stale"), "{text}");

        let gave_up = CrashReport::new(&crash(&[]), None, Recovery::GiveUp);
        assert!(gave_up.gave_up());
        let text = gave_up.explanation(true);
        assert!(text.contains("stale"), "{text}");
        assert!(text.contains("does not try again"), "{text}");
        let text = gave_up.explanation(false);
        assert!(!text.contains("stale"), "no result, nothing stale: {text}");
        assert!(text.contains("no result"), "{text}");
        assert_ne!(rerun.title(), gave_up.title());
    }
}

//! The run in progress: what made it run, a bar with how far it got (bytes read of the file
//! and rows so far while parsing, then node i of n), the time it has taken, and Cancel.
//!
//! The previous result stays on screen below it until the new one is complete.

use leptos::prelude::*;

use c360_worker::protocol::Progress;

use crate::browser::client;
use crate::browser::handles::RunActions;
use crate::state::format;
use crate::state::workspace::Runs;

/// The bar's fraction done and its line of text.
fn describe(progress: Option<&Progress>) -> (f64, String) {
    match progress {
        None => (0.0, "Starting…".into()),
        Some(Progress::Parsing {
            file,
            bytes_read,
            total_bytes,
            rows,
        }) => (
            if *total_bytes == 0 {
                1.0
            } else {
                *bytes_read as f64 / *total_bytes as f64
            },
            format!(
                "Reading {file}: {} of {}, {}",
                format::bytes(*bytes_read as usize),
                format::bytes(*total_bytes as usize),
                format::rows(*rows)
            ),
        ),
        Some(Progress::Step {
            index,
            total,
            name,
            reused,
        }) => (
            if *total == 0 {
                1.0
            } else {
                *index as f64 / *total as f64
            },
            format!(
                "Step {index} of {total}: {name}{}",
                if *reused { " (unchanged, reused)" } else { "" }
            ),
        ),
    }
}

#[component]
pub fn RunProgress(
    /// The runs, whose pending run is shown.
    runs: ReadSignal<Runs>,
    /// Cancels it.
    run_actions: RunActions,
) -> impl IntoView {
    // The clock the elapsed time is read from, ticking while a run is pending.
    let now = RwSignal::new(js_sys::Date::now());
    let pending = Memo::new(move |_| runs.with(|w| w.pending().cloned()));
    let ticker = StoredValue::new_local(None::<leptos::leptos_dom::helpers::IntervalHandle>);
    Effect::new(move |_| {
        let running = pending.with(Option::is_some);
        let handle = ticker.get_value();
        match (running, handle) {
            (true, None) => {
                let handle = set_interval_with_handle(
                    move || now.set(js_sys::Date::now()),
                    std::time::Duration::from_millis(100),
                )
                .ok();
                ticker.set_value(handle);
            }
            (false, Some(handle)) => {
                handle.clear();
                ticker.set_value(None);
            }
            _ => {}
        }
    });
    let cancel = move |_| {
        run_actions.act(|w| {
            if let Some(id) = w.cancel() {
                client::cancel(id);
            }
        })
    };
    move || {
        pending.get().map(|p| {
            let (fraction, text) = describe(p.progress.as_ref());
            let percent = format!("{:.0}", (fraction * 100.0).clamp(0.0, 100.0));
            let elapsed = move || format::duration(((now.get() - p.started_at) / 1000.0).max(0.0));
            view! {
                <section class="c360-progress" role="status" aria-live="polite" data-testid="run-progress">
                    <p class="c360-progress__cause">{p.cause.clone()}</p>
                    <progress
                        class="c360-progress__bar"
                        max="100"
                        value=percent.clone()
                        data-testid="progress-bar"
                        aria-label="Run progress"
                    >
                        {format!("{percent}%")}
                    </progress>
                    <p class="c360-progress__text">
                        <span data-testid="progress-text">{text}</span>
                        " · "
                        <span data-testid="progress-elapsed">{elapsed}</span>
                    </p>
                    <button
                        type="button"
                        class="c360-button"
                        data-testid="cancel-run"
                        disabled=p.cancelling || p.id.is_none()
                        on:click=cancel
                    >
                        {if p.cancelling { "Cancelling…" } else { "Cancel" }}
                    </button>
                </section>
            }
        })
    }
}

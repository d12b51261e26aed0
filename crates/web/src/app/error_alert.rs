//! What went wrong, in words: a run that failed on the input (which file, line, column,
//! what was expected and found), a file that could not be read or recognised, or schema text
//! that does not parse (whose results are then those of the last valid schema), or a worker
//! that crashed (what it was doing, and whether the page ran again or the results are stale).

use leptos::prelude::*;

use crate::browser::handles::RunActions;
use crate::state::workspace::Runs;

#[component]
pub fn ErrorAlert(
    /// The runs, whose failure or rejected file is reported.
    runs: ReadSignal<Runs>,
    /// Dismisses the notice.
    run_actions: RunActions,
) -> impl IntoView {
    let run_error = move || runs.with(|w| w.failure().map(|e| e.to_string()));
    // The file's own lines the error is about, numbered as an editor numbers them.
    let excerpt = move || {
        runs.with(|w| w.failure().and_then(|f| f.excerpt()).cloned())
            .map(|excerpt| {
                let lines = excerpt
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(i, text)| {
                        let number = excerpt.first_line + i as u64;
                        view! {
                            <span class="c360-excerpt__line" data-line=number>
                                <span class="c360-excerpt__number" aria-hidden="true">{number}</span>
                                {text.clone()}
                            </span>
                        }
                    })
                    .collect_view();
                let label = match excerpt.lines.len() {
                    1 => format!("Line {} of the file", excerpt.first_line),
                    n => format!(
                        "Lines {} to {} of the file",
                        excerpt.first_line,
                        excerpt.first_line + n as u64 - 1
                    ),
                };
                view! {
                    <figure class="c360-excerpt">
                        <figcaption class="c360-excerpt__caption">{label}</figcaption>
                        <pre class="c360-excerpt__text" data-testid="error-excerpt">{lines}</pre>
                    </figure>
                }
            })
    };
    // A crashed worker: what it was doing, what the page did, whether the results are stale.
    let crash = move || {
        runs.with(|w| {
            w.crash().map(|report| {
                (
                    report.title(),
                    report.explanation(w.run().is_some()),
                    report.gave_up(),
                )
            })
        })
    };
    let notice = move || runs.with(|w| w.notice().map(str::to_string));
    let schema_problems = move || runs.with(|w| w.schema().errors().len());
    view! {
        {move || run_error().map(|message| view! {
            <div class="c360-error" role="alert" data-testid="run-error">
                <h2 class="c360-error__title">"The DAG could not run"</h2>
                <p class="c360-error__message">{message}</p>
                {excerpt}
                <p class="c360-error__next">
                    "No result is shown: nothing on this page comes from an earlier run. Fix the \
                     file and choose it again, or go back to the demo data."
                </p>
            </div>
        })}
        {move || crash().map(|(title, message, gave_up)| view! {
            <div
                class="c360-error c360-error--crash"
                role="alert"
                data-testid="worker-crash"
                data-c360-gave-up=gave_up.to_string()
            >
                <h2 class="c360-error__title">{title}</h2>
                <p class="c360-error__message">{message}</p>
            </div>
        })}
        {move || notice().map(|message| view! {
            <div class="c360-error c360-error--notice" role="alert" data-testid="file-error">
                <h2 class="c360-error__title">"That file was not loaded"</h2>
                <p class="c360-error__message">{message}</p>
                <p class="c360-error__next">"The data and results below are unchanged."</p>
                <button
                    type="button"
                    class="c360-button c360-button--quiet"
                    on:click=move |_| run_actions.update(|w| w.dismiss_notice())
                >
                    "Dismiss"
                </button>
            </div>
        })}
        {move || (schema_problems() > 0).then(|| view! {
            <div class="c360-error c360-error--notice" role="alert" data-testid="schema-banner">
                <h2 class="c360-error__title">
                    {match schema_problems() {
                        1 => "The schema has 1 problem".to_string(),
                        n => format!("The schema has {n} problems"),
                    }}
                </h2>
                <p class="c360-error__next">
                    "Showing results of the last valid schema: the tests and tables below come                      from it, not from the text in the editor. "
                    <a href="#c360-schema">"Go to the editor"</a>
                </p>
            </div>
        })}
    }
}

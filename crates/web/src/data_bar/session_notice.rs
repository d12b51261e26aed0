//! What c360 keeps in this browser, said on the page: the notice of a restored session (how
//! old it is, which files) with **Forget my data**, the same button in the data bar whenever
//! something is kept, and an alert when the session could not be kept, restored or forgotten.

use leptos::prelude::*;

use c360::engine::RunConfig;

use crate::browser::handles::RunActions;
use crate::browser::storage::Keeper;
use crate::data_bar::as_of::now_millis;

/// Deletes what is kept and starts over on the demo, as on a first visit.
fn forget(keeper: Keeper, run_actions: RunActions) {
    keeper.forget();
    let now = now_millis();
    run_actions.act(|w| w.start_over(RunConfig::at_instant(now), now as f64));
}

#[component]
pub fn ForgetButton(
    /// What is kept, and the way to delete it.
    keeper: Keeper,
    /// Starts over on the demo.
    run_actions: RunActions,
) -> impl IntoView {
    let forgetting = move || keeper.state().with(|k| k.forgetting);
    view! {
        <button
            type="button"
            class="c360-button"
            data-testid="forget-data"
            disabled=forgetting
            title="Delete the files and settings c360 keeps in this browser, and go back to the demo"
            on:click=move |_| forget(keeper, run_actions)
        >
            "Forget my data"
        </button>
    }
}

#[component]
pub fn SessionNotice(
    /// What is kept: the restored session's notice and any storage problem.
    keeper: Keeper,
    /// Starts over on the demo when Forget is pressed.
    run_actions: RunActions,
) -> impl IntoView {
    let state = keeper.state();
    let restored = move || state.with(|k| k.restored.clone());
    let problem = move || state.with(|k| k.problem.clone());
    view! {
        {move || restored().map(|notice| view! {
            <div class="c360-session" role="status" data-testid="session-notice">
                <p class="c360-session__text">
                    {notice}
                    ". Your files and settings are kept in this browser only."
                </p>
                <div class="c360-session__actions">
                    <ForgetButton keeper=keeper run_actions=run_actions/>
                    <button
                        type="button"
                        class="c360-button c360-button--quiet"
                        on:click=move |_| state.update(|k| k.restored = None)
                    >
                        "Dismiss"
                    </button>
                </div>
            </div>
        })}
        {move || problem().map(|problem| view! {
            <div class="c360-error c360-error--notice" role="alert" data-testid="storage-error">
                <h2 class="c360-error__title">{problem.title()}</h2>
                <p class="c360-error__message">{problem.message()}</p>
                <button
                    type="button"
                    class="c360-button c360-button--quiet"
                    on:click=move |_| state.update(|k| k.problem = None)
                >
                    "Dismiss"
                </button>
            </div>
        })}
    }
}

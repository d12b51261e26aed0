//! The remediation policies: one radio group per policy (duplicate contact ids, transactions
//! of unknown contacts, categories outside the accepted list). Choosing an option re-runs the
//! DAG at once; the summary under the switches says what the re-run changed.

use leptos::prelude::*;

use crate::browser::handles::RunActions;
use crate::project::change_summary::ChangeSummary;
use crate::state::policy_switches::Switch;
use crate::state::workspace::{RunHandle, Runs};

/// One policy's radio group.
fn switch_group(runs: ReadSignal<Runs>, run_actions: RunActions, switch: Switch) -> impl IntoView {
    let name = switch.name();
    let help_id = format!("c360-policy-{name}-help");
    let described_by = help_id.clone();
    let choices = switch
        .choices()
        .into_iter()
        .map(|choice| {
            let value = choice.value.clone();
            let checked = {
                let value = value.clone();
                move || runs.with(|w| switch.current(w.policies()) == value)
            };
            let on_change = {
                let value = value.clone();
                move |_| run_actions.act(|w| w.set_policy(switch, &value, js_sys::Date::now()))
            };
            view! {
                <label class="c360-policy__choice">
                    <input
                        type="radio"
                        class="c360-policy__radio"
                        name=name
                        value=value
                        prop:checked=checked
                        on:change=on_change
                    />
                    <span class="c360-policy__label">{choice.label}</span>
                    {choice.default.then(|| view! {
                        <span class="c360-policy__default">"default"</span>
                    })}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="c360-policy" id=format!("c360-policy-{name}") aria-describedby=described_by>
            <legend class="c360-policy__legend">{switch.legend()}</legend>
            <p class="c360-policy__help" id=help_id>{switch.help()}</p>
            <div class="c360-policy__choices">{choices}</div>
        </fieldset>
    }
}

#[component]
pub fn PoliciesPanel(
    /// The runs, whose policies the switches show.
    runs: ReadSignal<Runs>,
    /// Sets a policy (and re-runs).
    run_actions: RunActions,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    view! {
        <section
            class="c360-panel c360-policies"
            aria-labelledby="c360-policies-title"
            data-testid="policies"
        >
            <div class="c360-panel__head">
                <h2 id="c360-policies-title" class="c360-panel__title">"Remediation policies"</h2>
                <p class="c360-panel__sub">
                    "Fix what the source tests find: each switch re-runs the DAG and says what it \
                     changed."
                </p>
            </div>
            <div class="c360-policies__switches">
                {Switch::ALL.into_iter().map(|s| switch_group(runs, run_actions, s)).collect_view()}
            </div>
            <ChangeSummary runs=runs run=run/>
        </section>
    }
}

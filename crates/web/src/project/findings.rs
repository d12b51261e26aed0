//! The findings: what the models did to the data that a user must know about (duplicate
//! contacts removed, orphan transactions excluded, categories outside the accepted list),
//! each with the rows concerned.

use leptos::prelude::*;

use crate::browser::handles::ViewActions;
use crate::project::finding_card::FindingCard;
use crate::state::workspace::RunHandle;

#[component]
pub fn FindingsPanel(
    /// Opens the node a finding comes from.
    view_actions: ViewActions,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let count = move || run.with(|r| r.as_ref().map(|r| format!("({})", r.findings.len())));
    let cards = move || {
        match run.get() {
            None => {
                view! { <p class="c360-panel__empty">"No findings: the run failed."</p> }.into_any()
            }
            Some(run) if run.findings.is_empty() => {
                let message =
                    match run.node_counts().1 {
                        0 => "No findings: no rows were removed, excluded or flagged.".to_string(),
                        n => format!(
                    "No findings: {} skipped, and only a model that is built reports what it \
                     removed, excluded or flagged.",
                    if n == 1 { "1 model was".to_string() } else { format!("{n} models were") }
                ),
                    };
                view! { <p class="c360-panel__empty">{message}</p> }.into_any()
            }
            Some(run) => run
                .findings
                .iter()
                .map(|f| {
                    let docs = run
                        .node(&f.node)
                        .map(|n| n.docs.clone())
                        .unwrap_or_default();
                    view! { <FindingCard view_actions=view_actions finding=f.clone() docs=docs run=run.run/> }
                })
                .collect_view()
                .into_any(),
        }
    };
    view! {
        <section
            class="c360-panel c360-findings"
            aria-labelledby="c360-findings-title"
            data-testid="findings"
        >
            <div class="c360-panel__head">
                <h2 id="c360-findings-title" class="c360-panel__title">"Findings " {count}</h2>
                <p class="c360-panel__sub">
                    "Rows the models removed, excluded or flagged, and why."
                </p>
            </div>
            <div class="c360-findings__list">{cards}</div>
        </section>
    }
}

//! The dashboards' figures for the run on screen, asked of the worker after each run (a few
//! hundred numbers; the rows stay in the worker).

use leptos::prelude::*;

use c360_worker::dashboard::Dashboard;
use c360_worker::protocol::{Done, RequestBody, ResponseBody};

use crate::browser::client;
use crate::state::workspace::RunHandle;

/// The figures of the run on screen, or why there are none.
#[derive(Clone, Debug, PartialEq)]
pub enum Figures {
    /// No run has a result, or its figures are on their way.
    Waiting,
    Ready(Box<Dashboard>),
    /// The run's result has no dashboards (a model they read was skipped).
    Missing(String),
}

/// A dashboard's body: `draw` of the figures, or what stands in for them (`what` names the
/// page's subject: "No segments for this run: …").
pub fn body<V: IntoView + 'static>(
    figures: RwSignal<Figures>,
    what: &'static str,
    draw: impl Fn(&Dashboard) -> V + 'static,
) -> impl Fn() -> AnyView {
    move || {
        match figures.get() {
        Figures::Waiting => {
            view! { <p class="c360-panel__empty">"Waiting for the run…"</p> }.into_any()
        }
        Figures::Missing(why) => view! {
            <p class="c360-panel__empty" role="status">{format!("No {what} for this run: {why}")}</p>
        }
        .into_any(),
        Figures::Ready(d) => draw(&d).into_any(),
    }
    }
}

/// Asks the worker for the figures of each new run.
pub fn figures(run: Memo<Option<RunHandle>>) -> RwSignal<Figures> {
    let figures = RwSignal::new(Figures::Waiting);
    Effect::new(move |_| {
        let Some(id) = run.with(|r| r.as_ref().map(|r| r.run)) else {
            figures.set(Figures::Waiting);
            return;
        };
        leptos::task::spawn_local(async move {
            let response = client::ask(RequestBody::Dashboard { run: id }, &[]).await;
            // A newer run's figures may already be here: keep only this run's if it is current.
            if run.with_untracked(|r| r.as_ref().map(|r| r.run)) != Some(id) {
                return;
            }
            figures.set(match response.body {
                ResponseBody::Done(Done::Dashboard(d)) => Figures::Ready(d),
                ResponseBody::Failed(f) => Figures::Missing(f.to_string()),
                other => Figures::Missing(format!("the worker answered {other:?}")),
            });
        });
    });
    figures
}

//! The data bar: which file each source reads, a picker per source, and the way back to the
//! demo data.

use leptos::prelude::*;

use super::file_loading::{reading_names, PickedFile};
use super::inputs::Slot;
use super::source_picker::SourcePicker;
use super::workspace::Workspace;

#[component]
pub fn SourcesPanel(
    /// The workspace whose inputs are shown and replaced.
    ws: RwSignal<Workspace>,
    /// Reads and loads picked files.
    load: Action<Vec<PickedFile>, ()>,
) -> impl IntoView {
    let is_demo = move || ws.with(|w| w.inputs().is_demo());
    let reading =
        move || {
            load.input().with(|files| files.as_deref().map(reading_names)).map(|names| {
            view! { <p class="c360-sources__reading" role="status">"Reading " {names} "…"</p> }
        })
        };
    view! {
        <div class="c360-sources">
            <h2 class="c360-bar__heading">"Data"</h2>
            <ul class="c360-sources__list">
                {Slot::ALL
                    .into_iter()
                    .map(|slot| view! { <SourcePicker ws=ws source=slot load=load/> })
                    .collect_view()}
            </ul>
            <div class="c360-sources__actions">
                <button
                    type="button"
                    class="c360-button"
                    data-testid="use-demo"
                    disabled=is_demo
                    on:click=move |_| ws.update(|w| w.use_demo())
                >
                    "Back to demo data"
                </button>
                <span class="c360-sources__hint">"or drop CSV files (or a schema.yml) anywhere on this page"</span>
            </div>
            {reading}
        </div>
    }
}

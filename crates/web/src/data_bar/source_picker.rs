//! One source's line in the data bar: its dbt name, the file it reads now, and a file picker
//! to replace that file.

use leptos::prelude::*;
use web_sys::HtmlInputElement;

use crate::browser::file_loading::{PickedFile, Target};
use crate::state::format;
use crate::state::inputs::{self, Slot};
use crate::state::workspace::Runs;

#[component]
pub fn SourcePicker(
    /// The runs, whose input for `slot` is shown.
    runs: ReadSignal<Runs>,
    /// Which source this picker loads.
    source: Slot,
    /// Reads and loads the picked file.
    load: Action<Vec<PickedFile>, ()>,
) -> impl IntoView {
    let slot = source;
    let def = inputs::def(slot);
    let input_id = format!("c360-{}", inputs::test_id(slot));
    let current = move || {
        runs.with(|w| {
            let input = w.inputs().get(slot);
            let origin = match input.size() {
                None => "demo".to_string(),
                Some(size) => format!("yours, {}", format::bytes(size as usize)),
            };
            (input.name(slot), origin)
        })
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|list| list.item(0));
        // Cleared so that choosing the same file again (after fixing it) loads it again.
        input.set_value("");
        if let Some(file) = file {
            load.dispatch_local(vec![PickedFile {
                target: Target::Source(slot),
                file,
            }]);
        }
    };
    // The input comes first so that CSS can show its keyboard focus on the label after it.
    view! {
        <li class="c360-source">
            <span class="c360-source__name">{format!("{}.{}", def.source_name, def.name)}</span>
            <span class="c360-source__file">
                {move || current().0}
                <span class="c360-source__origin">{move || current().1}</span>
            </span>
            <input
                id=input_id.clone()
                class="c360-visually-hidden"
                type="file"
                accept=".csv,text/csv"
                data-testid=inputs::test_id(slot)
                on:change=on_change
            />
            <label class="c360-button c360-button--file" for=input_id>
                "Choose " {inputs::file_name(slot)} "…"
            </label>
        </li>
    }
}

//! One source's line in the data bar: its dbt name, the file it reads now, and a file picker
//! to replace that file.

use leptos::prelude::*;
use web_sys::HtmlInputElement;

use super::file_loading::{PickedFile, Target};
use super::format;
use super::inputs::{Origin, Slot};
use super::workspace::Workspace;

#[component]
pub fn SourcePicker(
    /// The workspace whose input for `slot` is shown and replaced.
    ws: RwSignal<Workspace>,
    /// Which source this picker loads.
    source: Slot,
    /// Reads and loads the picked file.
    load: Action<Vec<PickedFile>, ()>,
) -> impl IntoView {
    let slot = source;
    let def = slot.def();
    let input_id = format!("c360-{}", slot.test_id());
    let current = move || {
        ws.with(|w| {
            let input = w.inputs().get(slot);
            let origin = match input.origin {
                Origin::Demo => "demo".to_string(),
                Origin::User => format!("yours, {}", format::bytes(input.bytes.len())),
            };
            (input.name.clone(), origin)
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
                data-testid=slot.test_id()
                on:change=on_change
            />
            <label class="c360-button c360-button--file" for=input_id>
                "Choose " {slot.file_name()} "…"
            </label>
        </li>
    }
}

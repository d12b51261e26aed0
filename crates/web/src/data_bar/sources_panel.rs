//! The data bar: which file each source reads, a picker per source, the way back to the
//! demo data, and **Forget my data** whenever c360 keeps something in this browser (and the
//! restored session's notice, which has its own, is not shown).

use leptos::prelude::*;

use c360_worker::protocol::Sample;

use crate::browser::file_loading::{reading_names, PickedFile, Target};
use crate::browser::handles::RunActions;
use crate::browser::storage::Keeper;
use crate::data_bar::session_notice::ForgetButton;
use crate::data_bar::source_picker::SourcePicker;
use crate::state::format;
use crate::state::inputs::Slot;
use crate::state::workspace::Runs;

#[component]
pub fn SourcesPanel(
    /// The runs, whose inputs are shown.
    runs: ReadSignal<Runs>,
    /// Goes back to the demo or to a generated sample.
    run_actions: RunActions,
    /// Reads and loads picked files.
    load: Action<Vec<PickedFile>, ()>,
    /// What c360 keeps in this browser.
    keeper: Keeper,
) -> impl IntoView {
    let offer_forget = move || keeper.state().with(|k| k.kept && k.restored.is_none());
    let is_demo = move || runs.with(|w| w.inputs().is_demo());
    let reading =
        move || {
            load.input().with(|files| files.as_deref().map(reading_names)).map(|names| {
            view! { <p class="c360-sources__reading" role="status">"Reading " {names} "…"</p> }
        })
        };
    // Several files at once: each is told apart by its header, as a drop is.
    let on_files = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files: Vec<PickedFile> = input
            .files()
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i))
                    .map(|file| PickedFile {
                        target: Target::Unknown,
                        file,
                    })
                    .collect()
            })
            .unwrap_or_default();
        input.set_value("");
        if !files.is_empty() {
            load.dispatch_local(files);
        }
    };
    view! {
        <div class="c360-sources">
            <h2 class="c360-bar__heading">"Data"</h2>
            <ul class="c360-sources__list">
                {Slot::ALL
                    .into_iter()
                    .map(|slot| view! { <SourcePicker runs=runs source=slot load=load/> })
                    .collect_view()}
            </ul>
            <div class="c360-sources__actions">
                <button
                    type="button"
                    class="c360-button"
                    data-testid="use-demo"
                    disabled=is_demo
                    on:click=move |_| run_actions.act(|w| w.use_demo(js_sys::Date::now()))
                >
                    "Back to demo data"
                </button>
                <button
                    type="button"
                    class="c360-button"
                    data-testid="use-sample"
                    title="Made in this tab by c360's generator: tastes by age and gender, repeat purchases, 18 months of activity, a few dormant customers, and the exercise's planted defects"
                    on:click=move |_| run_actions.act(|w| w.use_sample(Sample::OFFERED, js_sys::Date::now()))
                >
                    {format!("Try a sample of {} customers", format::count(Sample::OFFERED.contacts))}
                </button>
                <input
                    id="c360-files-input"
                    class="c360-visually-hidden"
                    type="file"
                    multiple=true
                    accept=".csv,text/csv,.yml,.yaml"
                    data-testid="files-input"
                    on:change=on_files
                />
                <label class="c360-button c360-button--file" for="c360-files-input">
                    "Choose both exports…"
                </label>
                <span class="c360-sources__hint">"or drop CSV files (or a schema.yml) anywhere on this page"</span>
                {move || offer_forget().then(|| view! { <ForgetButton keeper=keeper run_actions=run_actions/> })}
            </div>
            {reading}
        </div>
    }
}

//! The schema editor: the data tests' YAML in a text area with line numbers, applied with a
//! button or Ctrl+Enter. Problems are listed as "line L, column C: message" (clicking one
//! puts the caret on that line and marks the line in the gutter); while the text is invalid a
//! banner says the results are those of the last valid schema. The shipped file comes back
//! with Reset; the text downloads as `schema.yml`; a `.yml` file can be chosen or dropped.
//!
//! What the user types stays in this component until it is applied, so typing never touches
//! the workspace (or re-renders the tables). A new text from elsewhere (a reset, a dropped
//! file, a policy's edit) comes with a new schema revision and replaces it.

use std::collections::HashSet;

use leptos::ev::KeyboardEvent;
use leptos::html::{Div, Textarea};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};

use c360::engine::data_test::generic::GenericKind;

use crate::browser::download::download_text;
use crate::browser::file_loading::{PickedFile, Target};
use crate::browser::handles::RunActions;
use crate::state::schema_state::{SchemaOrigin, SCHEMA_FILE_NAME};
use crate::state::text_position::{caret_offset, line_count};
use crate::state::workspace::Runs;

/// The text area's element id: other views put the caret on a line through it.
const EDITOR_ID: &str = "c360-schema-editor";
/// The CSS line height, used when the computed one cannot be read.
const FALLBACK_LINE_HEIGHT: f64 = 20.0;

/// Puts the editor's caret at 1-based `line` and `column`, scrolls the line into view and
/// focuses the editor (for an error in the list, or a test's "defined at" line).
pub fn show_schema_line(line: usize, column: usize) {
    let textarea = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(EDITOR_ID))
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    if let Some(textarea) = textarea {
        go_to(&textarea, line, column);
    }
}

fn line_height(element: &HtmlTextAreaElement) -> f64 {
    web_sys::window()
        .and_then(|w| w.get_computed_style(element).ok().flatten())
        .and_then(|style| style.get_property_value("line-height").ok())
        .and_then(|value| value.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(FALLBACK_LINE_HEIGHT)
}

fn go_to(textarea: &HtmlTextAreaElement, line: usize, column: usize) {
    let offset = caret_offset(&textarea.value(), line, column);
    textarea.scroll_into_view_with_bool(false);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(offset, offset);
    // A third of the way down the box, so the lines around it show too.
    let top = line.saturating_sub(1) as f64 * line_height(textarea)
        - f64::from(textarea.client_height()) / 3.0;
    textarea.set_scroll_top(top.max(0.0) as i32);
}

#[component]
pub fn SchemaEditor(
    /// The runs, whose schema is shown.
    runs: ReadSignal<Runs>,
    /// Applies or resets the schema (and re-runs).
    run_actions: RunActions,
    /// Reads and loads a chosen schema file.
    load: Action<Vec<PickedFile>, ()>,
) -> impl IntoView {
    let applied =
        Memo::new(move |_| runs.with(|w| (w.schema().revision(), w.schema().text().to_string())));
    // What the user typed, and over which revision: a newer revision discards it.
    let draft = RwSignal::new((u64::MAX, String::new()));
    let text = Memo::new(move |_| {
        applied.with(|(revision, applied)| {
            draft.with(|(over, typed)| {
                if over == revision {
                    typed.clone()
                } else {
                    applied.clone()
                }
            })
        })
    });
    let dirty = Memo::new(move |_| applied.with(|(_, a)| text.with(|t| t != a)));
    let errors = Memo::new(move |_| runs.with(|w| w.schema().errors().to_vec()));
    let error_lines =
        Memo::new(move |_| errors.with(|e| e.iter().map(|e| e.line).collect::<HashSet<usize>>()));
    let summary = Memo::new(move |_| {
        runs.with(|w| {
            let schema = w.schema().in_force();
            let origin = match w.schema().origin() {
                SchemaOrigin::Shipped => format!("{SCHEMA_FILE_NAME} as shipped"),
                SchemaOrigin::File(name) => format!("{name}, your file"),
                SchemaOrigin::Edited => "your edit".to_string(),
                SchemaOrigin::Policy => "edited by the categories policy".to_string(),
            };
            let categories = schema
                .accepted_categories
                .as_ref()
                .map_or(String::new(), |c| {
                    format!(", {} accepted categories", c.len())
                });
            format!(
                "In force: {origin}: {} generic tests, freshness on {} source{}{categories}.",
                schema.tests.len(),
                schema.freshness.len(),
                if schema.freshness.len() == 1 { "" } else { "s" },
            )
        })
    });

    let textarea: NodeRef<Textarea> = NodeRef::new();
    let gutter: NodeRef<Div> = NodeRef::new();
    let apply = move || {
        if let Some(element) = textarea.get() {
            let value = element.value();
            run_actions.act(|w| w.apply_schema(value, js_sys::Date::now()));
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let revision = applied.with(|(r, _)| *r);
        draft.set((revision, value));
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key() == "Enter" {
            ev.prevent_default();
            apply();
        }
    };
    let on_scroll = move |_| {
        if let (Some(area), Some(numbers)) = (textarea.get(), gutter.get()) {
            numbers.set_scroll_top(area.scroll_top());
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|list| list.item(0));
        input.set_value("");
        if let Some(file) = file {
            load.dispatch_local(vec![PickedFile {
                target: Target::Schema,
                file,
            }]);
        }
    };

    let numbers = move || {
        let marked = !dirty.get();
        let lines = text.with(|t| line_count(t));
        error_lines.with(|bad| {
            (1..=lines)
                .map(|n| {
                    let error = marked && bad.contains(&n);
                    view! {
                        <div
                            class="c360-editor__number"
                            class=("c360-editor__number--error", error)
                        >
                            {n}
                        </div>
                    }
                })
                .collect_view()
        })
    };

    let banner = move || {
        errors.with(|list| {
            (!list.is_empty()).then(|| {
                let n = list.len();
                let items = list
                    .iter()
                    .map(|e| {
                        let (line, column) = (e.line, e.column);
                        view! {
                            <li data-line=line.to_string() data-column=column.to_string()>
                                <button
                                    type="button"
                                    class="c360-editor__error"
                                    on:click=move |_| show_schema_line(line, column)
                                >
                                    <span class="c360-editor__where">
                                        {format!("line {line}, column {column}:")}
                                    </span>
                                    " "
                                    {e.message.clone()}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="c360-editor__banner" role="alert" data-testid="schema-invalid">
                        <p class="c360-editor__banner-title">
                            {if n == 1 {
                                "The schema has 1 problem: showing results of the last valid \
                                 schema."
                                    .to_string()
                            } else {
                                format!(
                                    "The schema has {n} problems: showing results of the last \
                                     valid schema."
                                )
                            }}
                        </p>
                        <ul class="c360-editor__errors" data-testid="schema-errors">{items}</ul>
                    </div>
                }
            })
        })
    };

    view! {
        <section
            class="c360-panel c360-editor"
            id="c360-schema"
            aria-labelledby="c360-schema-title"
            data-testid="schema"
        >
            <div class="c360-panel__head">
                <h2 id="c360-schema-title" class="c360-panel__title">"Schema: the data tests"</h2>
                <p class="c360-panel__sub">
                    "dbt's own schema file. Edit it and apply, or drop a schema.yml on the page."
                </p>
            </div>
            <div class="c360-editor__toolbar">
                <button
                    type="button"
                    class="c360-button c360-button--primary"
                    data-testid="schema-apply"
                    aria-keyshortcuts="Control+Enter"
                    on:click=move |_| apply()
                >
                    "Apply"
                </button>
                <button
                    type="button"
                    class="c360-button"
                    data-testid="schema-reset"
                    on:click=move |_| run_actions.act(|w| w.reset_schema(js_sys::Date::now()))
                >
                    "Reset to the shipped schema"
                </button>
                <button
                    type="button"
                    class="c360-button"
                    data-testid="schema-download"
                    on:click=move |_| {
                        download_text(SCHEMA_FILE_NAME, "application/yaml;charset=utf-8", &text.get())
                    }
                >
                    "Download " {SCHEMA_FILE_NAME}
                </button>
                <input
                    id="c360-schema-file"
                    class="c360-visually-hidden"
                    type="file"
                    accept=".yml,.yaml,application/yaml,text/yaml"
                    data-testid="schema-file"
                    on:change=on_pick
                />
                <label class="c360-button c360-button--file" for="c360-schema-file">
                    "Choose a schema file…"
                </label>
                <span
                    class="c360-editor__dirty"
                    role="status"
                    data-testid="schema-dirty"
                >
                    {move || dirty.get().then_some("Not applied yet: Apply or Ctrl+Enter")}
                </span>
            </div>
            {banner}
            <div class="c360-editor__frame" class=("c360-editor__frame--invalid", move || errors.with(|e| !e.is_empty()))>
                <div class="c360-editor__gutter" node_ref=gutter aria-hidden="true">
                    {numbers}
                </div>
                <label for=EDITOR_ID class="c360-visually-hidden">"Schema YAML"</label>
                <textarea
                    id=EDITOR_ID
                    class="c360-editor__text"
                    data-testid="schema-editor"
                    node_ref=textarea
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    aria-describedby="c360-schema-help c360-schema-summary"
                    aria-invalid=move || if errors.with(|e| e.is_empty()) { "false" } else { "true" }
                    prop:value=move || applied.with(|(_, t)| t.clone())
                    on:input=on_input
                    on:keydown=on_keydown
                    on:scroll=on_scroll
                ></textarea>
            </div>
            <p id="c360-schema-summary" class="c360-editor__summary">{summary}</p>
            <p id="c360-schema-help" class="c360-editor__help">
                "Ctrl+Enter applies. Generic tests: "
                {GenericKind::NAMES.join(", ")}
                ", each with "
                <code>"config:"</code>
                " (severity, warn_if, error_if, where, limit, store_failures). The "
                <code>"accepted_values"</code>
                " test on web.transactions.category is the accepted category list: customers \
                 gets one <category>_amount column per value."
            </p>
        </section>
    }
}

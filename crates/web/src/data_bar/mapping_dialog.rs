//! The column-mapping review: for each file that does not name the required columns as the
//! exercise does, which export it is, how it was read (encoding, delimiter — which the user
//! may override), and which of its headers holds each required column, proposed by name and
//! by the values' shapes, with the confidence and a few sample values. The user confirms or
//! edits, saves the mapping as the JSON file `c360 … --mapping PATH` takes, or loads one.

use leptos::prelude::*;

use c360::engine::source::decode::{TextEncoding, DELIMITERS};
use c360::engine::source::mapping::{Evidence, MappingFile};
use c360::engine::value::decimal::SEPARATORS;
use c360::engine::DataType;

use crate::browser::download::download_text;
use crate::browser::file_loading::{inspect, keep_files};
use crate::browser::handles::RunActions;
use crate::browser::picked_text::read_picked;
use crate::browser::storage::Keeper;
use crate::state::inputs::{self, Slot};
use crate::state::mapping_review::Draft;
use crate::state::workspace::Runs;

/// An encoding as the user knows it.
fn encoding_name(encoding: TextEncoding) -> &'static str {
    match encoding {
        TextEncoding::Utf8 => "UTF-8",
        TextEncoding::Utf16Le => "UTF-16 (little-endian)",
        TextEncoding::Utf16Be => "UTF-16 (big-endian)",
        TextEncoding::Windows1252 => "Windows-1252",
    }
}

/// A delimiter as the user knows it.
fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "commas",
        b';' => "semicolons",
        b'\t' => "tabs",
        b'|' => "pipes",
        _ => "another character",
    }
}

fn evidence_words(evidence: Option<Evidence>) -> &'static str {
    match evidence {
        Some(Evidence::Name) => "same name",
        Some(Evidence::Synonym) => "a usual name for it",
        Some(Evidence::Similar) => "a similar name",
        Some(Evidence::Shape) => "values of its shape",
        None => "nothing matched",
    }
}

#[component]
pub fn MappingDialog(
    /// The runs, whose files under review are shown.
    runs: ReadSignal<Runs>,
    /// Edits, confirms or drops the review.
    run_actions: RunActions,
    /// Stores the files once they load.
    keeper: Keeper,
) -> impl IntoView {
    let open = move || runs.with(|w| w.review().is_some());
    let tokens = move || {
        runs.with(|w| {
            w.review()
                .map(|r| r.drafts.iter().map(|d| d.file().token).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let error = move || runs.with(|w| w.review().and_then(|r| r.error.clone()));
    let complete = move || {
        runs.with(|w| {
            w.review()
                .is_some_and(|r| r.drafts.iter().all(|d| d.mapping().is_ok()))
        })
    };
    let save = move |_| {
        let json = runs.with(|w| w.review().map(|r| r.mapping_file().to_json()));
        if let Some(json) = json {
            download_text("c360-mapping.json", "application/json", &json);
        }
    };
    let load_error = RwSignal::new(None::<String>);
    let on_mapping_file = move |ev: leptos::ev::Event| {
        read_picked(&ev, move |name, text| {
            match text.and_then(|t| MappingFile::from_json(&t).map_err(|e| format!("{name}: {e}")))
            {
                Ok(mapping) => {
                    let mut applied = 0;
                    run_actions.update(|w| w.edit_review(|r| applied = r.apply_file(&mapping)));
                    load_error.set((applied == 0).then(|| {
                        format!("{name}: no mapping in it fits the headers of these files")
                    }));
                }
                Err(why) => load_error.set(Some(why)),
            }
        });
    };
    view! {
        <Show when=open>
            <section
                class="c360-panel c360-mapping"
                role="dialog"
                aria-labelledby="c360-mapping-title"
                data-testid="mapping-dialog"
            >
                <div class="c360-panel__head">
                    <h2 class="c360-panel__title" id="c360-mapping-title">"Map your columns"</h2>
                    <p class="c360-panel__sub">
                        "c360 proposed which of your headers holds each column the models read. \
                         Check it, change what is wrong, then load."
                    </p>
                </div>
                <For each=tokens key=|t| *t let:token>
                    <DraftView runs=runs run_actions=run_actions token=token/>
                </For>
                {move || error().map(|e| view! {
                    <p class="c360-mapping__error" role="alert">{e}</p>
                })}
                {move || load_error.get().map(|e| view! {
                    <p class="c360-mapping__error" role="alert">{e}</p>
                })}
                <div class="c360-mapping__actions">
                    <button
                        type="button"
                        class="c360-button c360-button--primary"
                        data-testid="confirm-mapping"
                        disabled=move || !complete()
                        on:click=move |_| {
                            runs.with_untracked(|w| w.review().map(|r| keep_files(keeper, r)));
                            run_actions.act(|w| w.confirm_review(js_sys::Date::now()))
                        }
                    >
                        "Load with this mapping"
                    </button>
                    <button
                        type="button"
                        class="c360-button"
                        data-testid="save-mapping"
                        disabled=move || !complete()
                        on:click=save
                    >
                        "Save mapping as JSON"
                    </button>
                    <input
                        id="c360-mapping-file"
                        class="c360-visually-hidden"
                        type="file"
                        accept=".json,application/json"
                        data-testid="mapping-file"
                        on:change=on_mapping_file
                    />
                    <label class="c360-button c360-button--file" for="c360-mapping-file">
                        "Load a mapping file…"
                    </label>
                    <button
                        type="button"
                        class="c360-button c360-button--quiet"
                        data-testid="cancel-mapping"
                        on:click=move |_| run_actions.update(|w| w.cancel_review())
                    >
                        "Cancel"
                    </button>
                </div>
                <p class="c360-mapping__hint">
                    "The CLI reads the same file: "
                    <code>"c360 build --mapping c360-mapping.json …"</code>
                </p>
            </section>
        </Show>
    }
}

/// One file's part of the review.
#[component]
fn DraftView(
    /// The runs, whose review holds this file.
    runs: ReadSignal<Runs>,
    /// Edits this file's part of the review.
    run_actions: RunActions,
    /// The kept file's token.
    token: u64,
) -> impl IntoView {
    let draft = move || {
        runs.with(|w| {
            w.review()
                .and_then(|r| r.drafts.iter().find(|d| d.file().token == token).cloned())
        })
    };
    let edit = move |change: Box<dyn FnOnce(&mut Draft)>| {
        run_actions.update(|w| {
            w.edit_review(|r| {
                if let Some(d) = r.draft_mut(token) {
                    change(d);
                }
            })
        })
    };
    let reinspect_error = RwSignal::new(None::<String>);
    let on_delimiter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let Some(file) = draft().map(|d| d.file().clone()) else {
            return;
        };
        let delimiter = match value.as_str() {
            "sniff" => None,
            "\\t" => Some('\t'),
            other => other.chars().next(),
        };
        leptos::task::spawn_local(async move {
            match inspect(file, delimiter).await {
                Ok(inspection) => {
                    reinspect_error.set(None);
                    edit(Box::new(move |d| d.reinspect(inspection, delimiter)));
                }
                Err(e) => reinspect_error.set(Some(e)),
            }
        });
    };
    move || {
        let Some(d) = draft() else {
            return ().into_any();
        };
        let head = &d.inspection.head;
        let name = d.file().name.clone();
        let read_as = format!(
            "Read as {}, separated by {}{}.",
            encoding_name(head.encoding),
            delimiter_name(head.delimiter),
            if d.delimiter.is_some() {
                " (your choice)"
            } else {
                ""
            }
        );
        let slot_choice = Slot::ALL
            .into_iter()
            .map(|slot| {
                let checked = d.slot == Some(slot);
                view! {
                    <label class="c360-mapping__kind">
                        <input
                            type="radio"
                            name=format!("c360-kind-{token}")
                            value=inputs::def(slot).name
                            data-testid="export-kind"
                            prop:checked=checked
                            on:change=move |_| edit(Box::new(move |d| d.set_slot(slot)))
                        />
                        {format!(
                            "{} ({}.{})",
                            inputs::file_name(slot),
                            inputs::def(slot).source_name,
                            inputs::def(slot).name
                        )}
                    </label>
                }
            })
            .collect_view();
        let delimiter_value = match d.delimiter {
            None => "sniff".to_string(),
            Some('\t') => "\\t".to_string(),
            Some(c) => c.to_string(),
        };
        let delimiter_options = std::iter::once(("sniff".to_string(), "as sniffed".to_string()))
            .chain(DELIMITERS.iter().map(|&b| {
                let value = if b == b'\t' {
                    "\\t".to_string()
                } else {
                    (b as char).to_string()
                };
                (value, delimiter_name(b).to_string())
            }))
            .map(|(value, label)| {
                let selected = value == delimiter_value;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view();
        let rows = d.slot.map(|slot| {
            let proposal = d.inspection.proposal(slot).clone();
            let header = head.header.clone();
            let samples = head.rows.clone();
            proposal
                .columns
                .iter()
                .map(|pc| {
                    let column = pc.column.clone();
                    let chosen = d.header_of(&column).map(str::to_string);
                    let proposed = pc.header == chosen && chosen.is_some();
                    let confidence = if proposed {
                        format!(
                            "{:.0}% — {}",
                            pc.confidence * 100.0,
                            evidence_words(pc.evidence)
                        )
                    } else if chosen.is_some() {
                        "your choice".to_string()
                    } else if pc.candidates.is_empty() {
                        "no header of this file is close".to_string()
                    } else {
                        format!("closest: {}", pc.candidates.join(", "))
                    };
                    let sample = chosen
                        .as_ref()
                        .and_then(|h| header.iter().position(|x| x == h))
                        .map(|i| {
                            samples
                                .iter()
                                .filter_map(|r| r.get(i))
                                .filter(|v| !v.is_empty())
                                .take(3)
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(" · ")
                        })
                        .unwrap_or_default();
                    let options = std::iter::once((String::new(), "— not in this file —".into()))
                        .chain(header.iter().map(|h| (h.clone(), h.clone())))
                        .map(|(value, label)| {
                            let selected = Some(&value) == chosen.as_ref()
                                || (value.is_empty() && chosen.is_none());
                            view! { <option value=value selected=selected>{label}</option> }
                        })
                        .collect_view();
                    let missing = chosen.is_none();
                    let select_column = column.clone();
                    view! {
                        <tr class:c360-mapping__missing=missing data-column=column.clone()>
                            <th scope="row"><code>{column.clone()}</code></th>
                            <td>
                                <select
                                    class="c360-mapping__select"
                                    aria-label=format!("Header that holds {column}")
                                    data-testid="mapping-header"
                                    on:change=move |ev| {
                                        let value = event_target_value(&ev);
                                        let column = select_column.clone();
                                        let header = (!value.is_empty()).then_some(value);
                                        edit(Box::new(move |d| d.set_header(&column, header)));
                                    }
                                >
                                    {options}
                                </select>
                            </td>
                            <td class="c360-mapping__confidence">{confidence}</td>
                            <td class="c360-mapping__sample">{sample}</td>
                        </tr>
                    }
                })
                .collect_view()
        });
        // How the decimal columns' numbers are written: plain unless the user says otherwise.
        let formats = d.slot.map(|slot| {
            inputs::def(slot)
                .columns
                .iter()
                .filter(|c| c.data_type == DataType::Decimal)
                .map(|c| {
                    let column = c.name.to_string();
                    let current = d.formats.get(&column).cloned().unwrap_or_default();
                    let symbol = current.currency_symbol.clone().unwrap_or_default();
                    let separator = current.thousands_separator;
                    let (for_symbol, for_separator) = (column.clone(), column.clone());
                    let current_for_separator = current.clone();
                    let on_symbol = move |ev: leptos::ev::Event| {
                        let value = event_target_value(&ev).trim().to_string();
                        let column = for_symbol.clone();
                        let mut format = current.clone();
                        format.currency_symbol = (!value.is_empty()).then_some(value);
                        edit(Box::new(move |d| d.set_format(&column, Some(format))));
                    };
                    let on_separator = move |ev: leptos::ev::Event| {
                        let value = event_target_value(&ev);
                        let column = for_separator.clone();
                        let mut format = current_for_separator.clone();
                        format.thousands_separator = value.chars().next();
                        edit(Box::new(move |d| d.set_format(&column, Some(format))));
                    };
                    let separators = std::iter::once((String::new(), "none".to_string()))
                        .chain(SEPARATORS.iter().map(|&c| {
                            let label = match c {
                                ' ' => "space".to_string(),
                                '\u{a0}' => "no-break space".to_string(),
                                '\u{202f}' => "narrow no-break space".to_string(),
                                c => format!("{c}"),
                            };
                            (c.to_string(), label)
                        }))
                        .map(|(value, label)| {
                            let selected = value.chars().next() == separator;
                            view! { <option value=value selected=selected>{label}</option> }
                        })
                        .collect_view();
                    view! {
                        <p class="c360-mapping__format" data-format=column.clone()>
                            <code>{column.clone()}</code>
                            " is written with "
                            <label>
                                "currency symbol "
                                <input
                                    type="text"
                                    size="4"
                                    class="c360-mapping__symbol"
                                    data-testid="currency-symbol"
                                    prop:value=symbol
                                    on:change=on_symbol
                                />
                            </label>
                            " and "
                            <label>
                                "thousands separator "
                                <select data-testid="thousands-separator" on:change=on_separator>
                                    {separators}
                                </select>
                            </label>
                            " (the decimal point is a dot)."
                        </p>
                    }
                })
                .collect_view()
        });
        let problem = d.mapping().err().map(|e| e.to_string());
        let remembered = d
            .remembered
            .then_some("Mapped as you mapped a file with this header before.");
        let key = name.clone();
        view! {
            <div class="c360-mapping__file" data-testid="mapping-file-draft" data-file=key>
                <h3 class="c360-mapping__name">{name}</h3>
                <p class="c360-mapping__read">
                    {read_as}
                    " "
                    <label>
                        "Delimiter: "
                        <select data-testid="delimiter" on:change=on_delimiter>
                            {delimiter_options}
                        </select>
                    </label>
                </p>
                {move || reinspect_error.get().map(|e| view! {
                    <p class="c360-mapping__error" role="alert">{e}</p>
                })}
                <fieldset class="c360-mapping__kinds">
                    <legend>"Which export is this?"</legend>
                    {slot_choice}
                </fieldset>
                {remembered.map(|r| view! { <p class="c360-mapping__remembered">{r}</p> })}
                {rows.map(|rows| view! {
                    <table class="c360-table c360-mapping__table">
                        <thead>
                            <tr>
                                <th scope="col">"Column the models read"</th>
                                <th scope="col">"Your header"</th>
                                <th scope="col">"Why"</th>
                                <th scope="col">"First values"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                })}
                {formats}
                {problem.map(|p| view! {
                    <p class="c360-mapping__problem" data-testid="mapping-problem">{p}</p>
                })}
            </div>
        }
        .into_any()
    }
}

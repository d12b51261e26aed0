//! The partner export: a dataset of the run masked for sharing — every column's policy
//! visible and editable, identities as keyed pseudonyms, k-anonymity over the
//! quasi-identifiers with its report, and the CSV downloaded together with its manifest.
//!
//! Every change to the policy file is checked by the worker (`ExportCheck`, no key needed),
//! so the report is always of the policies on screen; the export itself (`Export`) is made
//! in the worker and streamed here. The policy file is the JSON `c360 export --policy`
//! reads: it can be saved and loaded. The key is this page's only: see `export/key.rs`.

use leptos::prelude::*;

use c360::engine::export::manifest::Manifest;
use c360::engine::export::{Dataset, PolicyFile, SmallClasses};
use c360_worker::protocol::{Done, RequestBody, ResponseBody};

use crate::browser::client;
use crate::browser::download::{download_export, download_text, ExportProgress};
use crate::browser::picked_text::read_picked;
use crate::export::columns::ExportColumns;
use crate::export::key::ExportKey;
use crate::export::report::report;
use crate::state::export_edit::{check_key, for_dataset, policy_file_name};
use crate::state::format;
use crate::state::workspace::RunHandle;

#[component]
pub fn ExportPage(
    /// The last successful run, whose dataset is exported.
    run: Memo<Option<RunHandle>>,
    /// The policy file being edited (kept by the app, so it survives a visit elsewhere).
    policy: RwSignal<PolicyFile>,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let check = RwSignal::new(None::<Result<Manifest, String>>);
    // The last export's progress, or its end: what the status line says.
    let status = RwSignal::new(None::<ExportProgress>);
    let run_id = Memo::new(move |_| run.with(|r| r.as_ref().map(|r| r.run)));
    // Check the policies on screen: an answer is taken only if they are still the same.
    Effect::new(move |_| {
        let (Some(run), file) = (run_id.get(), policy.get()) else {
            check.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            let response = client::ask(
                RequestBody::ExportCheck {
                    run,
                    policy: file.clone(),
                },
                &[],
            )
            .await;
            if policy.with_untracked(|p| *p != file) || run_id.get_untracked() != Some(run) {
                return;
            }
            check.set(Some(match response.body {
                ResponseBody::Done(Done::ExportCheck(m)) => Ok(*m),
                ResponseBody::Failed(f) => Err(f.to_string()),
                other => Err(format!("the worker answered {other:?}")),
            }));
        });
    });
    // The columns stay those of the last good check while a bad one is on screen.
    let last_good = RwSignal::new(None::<Manifest>);
    Effect::new(move |_| {
        if let Some(Ok(m)) = check.get() {
            last_good.set(Some(m));
        }
    });
    let columns = Memo::new(move |_| {
        last_good
            .get()
            .filter(|m| policy.with(|p| p.dataset == m.dataset))
    });
    let manifest = Memo::new(move |_| check.get().and_then(|c| c.ok()));

    let on_dataset = move |ev: leptos::ev::Event| {
        if let Some(d) = Dataset::from_model_name(&event_target_value(&ev)) {
            policy.update(|p| *p = for_dataset(p, d));
        }
    };
    let on_k = move |ev: leptos::ev::Event| {
        if let Ok(k) = event_target_value(&ev).parse::<usize>() {
            if k >= 1 {
                policy.update(|p| p.k = k);
            }
        }
    };
    let small_classes = move |choice: SmallClasses| {
        let on_change = move |_| {
            policy.update(|p| {
                p.small_classes = choice;
                if choice != SmallClasses::Keep {
                    p.allow_below_k = false;
                }
            })
        };
        view! {
            <label class="c360-policy__choice">
                <input
                    type="radio"
                    class="c360-policy__radio"
                    name="c360-export-small-classes"
                    data-testid="export-small-classes"
                    value=choice.slug()
                    prop:checked=move || policy.with(|p| p.small_classes == choice)
                    on:change=on_change
                />
                <span class="c360-policy__label">{choice.label()}</span>
            </label>
        }
    };
    let below_k = move || manifest.with(|m| m.as_ref().is_some_and(|m| m.k_anonymity.below_k));
    let key_ok = move || check_key(&key.get()).is_ok();
    let exporting = move || matches!(status.get(), Some(ExportProgress::Receiving(_)));
    let can_export = move || {
        run_id.get().is_some()
            && manifest.with(|m| m.is_some())
            && key_ok()
            && (!below_k() || policy.with(|p| p.allow_below_k))
            && !exporting()
    };
    let export_label = move || {
        let achieved = manifest.with(|m| m.as_ref().and_then(|m| m.k_anonymity.k_achieved));
        let name = policy.with(|p| p.dataset.model_name());
        match achieved {
            Some(k) => format!("Export {name} (k = {k})"),
            None => format!("Export {name} (no rows)"),
        }
    };
    let on_export = move |_| {
        let Some(run) = run_id.get_untracked() else {
            return;
        };
        status.set(Some(ExportProgress::Receiving(0)));
        download_export(run, policy.get_untracked(), key.get_untracked(), move |p| {
            status.set(Some(p))
        });
    };
    let save_policy = move |_| {
        let file = policy.get_untracked();
        download_text(
            &policy_file_name(file.dataset),
            "application/json",
            &file.to_json(),
        );
    };
    let load_error = RwSignal::new(None::<String>);
    let on_load = move |ev: leptos::ev::Event| {
        read_picked(&ev, move |name, text| {
            match text.and_then(|t| PolicyFile::from_json(&t).map_err(|e| format!("{name}: {e}"))) {
                Ok(file) => {
                    load_error.set(None);
                    policy.set(file);
                }
                Err(why) => load_error.set(Some(why)),
            }
        });
    };
    let status_line = move || match status.get() {
        None => None,
        Some(ExportProgress::Receiving(bytes)) => Some(format!(
            "Exporting in the worker… {} received",
            format::bytes(bytes as usize)
        )),
        Some(ExportProgress::Saved(m)) => Some(format!(
            "Saved {} ({} rows) and {}. Send both; keep the key.",
            m.file,
            format::count(m.exported_rows),
            m.dataset.manifest_file_name()
        )),
        Some(ExportProgress::Failed(why)) => Some(format!("No export: {why}")),
    };

    view! {
        <section class="c360-panel c360-export" aria-labelledby="c360-export-title" data-testid="export-page">
            <div class="c360-panel__head">
                <h2 id="c360-export-title" class="c360-panel__title">"Partner export"</h2>
                <p class="c360-panel__sub">
                    "A masked file to share: identities become keyed pseudonyms, quasi-identifiers \
                     are generalised until every combination is shared by at least k people, and a \
                     manifest records exactly what was done. It is made in this tab; nothing is uploaded."
                </p>
            </div>
            <Show
                when=move || run_id.get().is_some()
                fallback=|| view! { <p class="c360-panel__empty" role="status">"Waiting for a successful run of the project."</p> }
            >
                <div class="c360-export__settings">
                    <label>
                        "Dataset "
                        <select data-testid="export-dataset" on:change=on_dataset>
                            {Dataset::ALL
                                .into_iter()
                                .map(|d| view! {
                                    <option
                                        value=d.model_name()
                                        selected=move || policy.with(|p| p.dataset == d)
                                    >
                                        {d.model_name()}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "k "
                        <input
                            type="number"
                            min="1"
                            data-testid="export-k"
                            prop:value=move || policy.with(|p| p.k.to_string())
                            on:change=on_k
                        />
                    </label>
                    <button type="button" class="c360-button c360-button--quiet" data-testid="save-policy" on:click=save_policy>
                        "Save policy"
                    </button>
                    <label class="c360-button c360-button--quiet c360-button--file">
                        "Load policy…"
                        <input type="file" accept=".json,application/json" class="c360-visually-hidden" data-testid="load-policy" on:change=on_load/>
                    </label>
                </div>
                {move || load_error.get().map(|e| view! { <p class="c360-export__problem" role="alert" data-testid="policy-problem">{e}</p> })}
                <ExportColumns policy=policy checked=columns/>
                <fieldset class="c360-policy">
                    <legend class="c360-policy__legend">"Rows in classes smaller than k"</legend>
                    <div class="c360-policy__choices">
                        {SmallClasses::ALL.into_iter().map(small_classes).collect_view()}
                    </div>
                </fieldset>
                {move || match check.get() {
                    None => view! { <p class="c360-panel__empty" role="status">"Checking the policies…"</p> }.into_any(),
                    Some(Err(why)) => view! {
                        <p class="c360-export__problem" role="alert" data-testid="export-problem">{why}</p>
                    }.into_any(),
                    Some(Ok(m)) => report(&m).into_any(),
                }}
                <Show when=below_k>
                    <label class="c360-export__confirm">
                        <input
                            type="checkbox"
                            data-testid="confirm-below-k"
                            prop:checked=move || policy.with(|p| p.allow_below_k)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                policy.update(|p| p.allow_below_k = on);
                            }
                        />
                        " I confirm this export below k; the manifest records it."
                    </label>
                </Show>
                <ExportKey key=key/>
                <button
                    type="button"
                    class="c360-button"
                    data-testid="export-download"
                    disabled=move || !can_export()
                    on:click=on_export
                >
                    {export_label}
                </button>
                <p class="c360-export__status" role="status" aria-live="polite" data-testid="export-status">{status_line}</p>
            </Show>
        </section>
    }
}

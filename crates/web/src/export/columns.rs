//! The masked export's columns: each with its type, its classification (as c360 guessed it
//! from the name, shown so the user can disagree), its policy — a menu of the policies that
//! fit the column — and whether it is a quasi-identifier the k-anonymity check groups by.
//!
//! The rows come from the worker's last check of the policy file, so they are the dataset's
//! real columns; a change edits the policy file, which is checked again.

use leptos::prelude::*;

use c360::engine::export::manifest::{Manifest, ManifestColumn};
use c360::engine::export::{Policy, PolicyFile};

use crate::state::export_edit::{chosen, menu, set_policy, set_quasi_identifier};

fn row(
    column: ManifestColumn,
    policy: RwSignal<PolicyFile>,
    in_force: Vec<String>,
) -> impl IntoView {
    let current = policy.with_untracked(|f| chosen(f, &column));
    let options = menu(&column, &current);
    let selected = options.iter().position(|p| *p == current).unwrap_or(0);
    let name = column.name.clone();
    let on_policy = {
        let options = options.clone();
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            let Ok(i) = event_target_value(&ev).parse::<usize>() else {
                return;
            };
            if let Some(p) = options.get(i).cloned() {
                policy.update(|f| set_policy(f, &name, p));
            }
        }
    };
    let on_qi = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            policy.update(|f| set_quasi_identifier(f, &in_force, &name, on));
        }
    };
    let is_default = column.default_policy;
    let label_id = format!("c360-export-col-{}", column.name);
    let exported = match column.exported_type {
        Some(t) => t.sql_name().to_string(),
        None => "dropped".to_string(),
    };
    let generalised_to = (column.policy != current).then(|| column.policy.label());
    view! {
        <tr data-column=column.name.clone() data-policy=current.label()>
            <th scope="row" id=label_id.clone()><code>{column.name.clone()}</code></th>
            <td>{column.data_type.sql_name()}</td>
            <td data-testid="export-classification">{column.classification.label()}</td>
            <td>
                <select
                    data-testid="export-policy"
                    aria-labelledby=label_id.clone()
                    on:change=on_policy
                >
                    {options
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            view! {
                                <option value=i.to_string() selected=i == selected>
                                    {p.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                {is_default.then(|| view! { <span class="c360-policy__default">"default"</span> })}
                {generalised_to.map(|to| view! {
                    <span class="c360-export__note">"generalised further to " {to}</span>
                })}
            </td>
            <td>
                <input
                    type="checkbox"
                    data-testid="export-qi"
                    aria-label=format!("{} is a quasi-identifier", column.name)
                    prop:checked=column.quasi_identifier
                    disabled=current == Policy::Drop
                    on:change=on_qi
                />
            </td>
            <td data-testid="export-exported-as">{exported}</td>
            <td class="c360-log__number">
                {(column.not_generalisable > 0).then(|| column.not_generalisable.to_string())}
            </td>
        </tr>
    }
}

#[component]
pub fn ExportColumns(
    /// The policy file the menus edit.
    policy: RwSignal<PolicyFile>,
    /// The last successful check, whose columns these are.
    checked: Memo<Option<Manifest>>,
) -> impl IntoView {
    let rows = move || {
        checked.get().map(|m| {
            let in_force = m.k_anonymity.quasi_identifiers.clone();
            m.columns
                .into_iter()
                .map(|c| row(c, policy, in_force.clone()))
                .collect_view()
        })
    };
    view! {
        <div class="c360-table-scroll">
            <table class="c360-table c360-export__columns" data-testid="export-columns">
                <caption class="c360-visually-hidden">"Columns, their classification and policy"</caption>
                <thead>
                    <tr>
                        <th scope="col">"column"</th>
                        <th scope="col">"type"</th>
                        <th scope="col">"classification"</th>
                        <th scope="col">"policy"</th>
                        <th scope="col">"quasi-identifier"</th>
                        <th scope="col">"exported as"</th>
                        <th scope="col">"not generalisable"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

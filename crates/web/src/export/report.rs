//! The k-anonymity report a reviewer asks for, from the worker's check of the policies: the
//! quasi-identifiers, k asked for and achieved, the smallest class and the rows in classes
//! smaller than k, the highest and average re-identification risk (1 / class size) before
//! and after, each further generalisation, and every suppressed class with its rows —
//! counted and listed, never silent.

use leptos::prelude::*;

use c360::engine::export::k_anonymity::Risk;
use c360::engine::export::manifest::Manifest;

use crate::state::format;

/// Classes listed before "and N more".
const LISTED: usize = 50;

fn risk(r: f64) -> String {
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r:.3} (1 in {:.1})", 1.0 / r)
    }
}

fn smallest(r: &Risk) -> String {
    r.smallest_class
        .map_or_else(|| "none (no rows)".into(), format::count)
}

fn figure(name: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="c360-profile__fact" data-figure=name>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// The report of `m`.
pub fn report(m: &Manifest) -> impl IntoView {
    let k = &m.k_anonymity;
    let counts = if k.class_size_counts == "rows" {
        "rows"
    } else {
        "people (distinct id)"
    };
    let verdict = match (k.k_achieved, k.below_k) {
        (None, _) => "No row is exported: every class is smaller than k.".to_string(),
        (Some(a), false) => format!(
            "The export is {a}-anonymous over {}: every combination of them is shared by at \
             least {a} {counts}.",
            if k.quasi_identifiers.is_empty() {
                "no quasi-identifier".into()
            } else {
                k.quasi_identifiers.join(", ")
            }
        ),
        (Some(a), true) => format!(
            "Below k: the export is only {a}-anonymous, short of the k = {} asked for. Suppress \
             or generalise further, lower k, or confirm the export below k.",
            k.k_requested
        ),
    };
    let steps = k
        .generalised
        .iter()
        .map(|s| {
            view! {
                <li data-column=s.column.clone()>
                    <code>{s.column.clone()}</code> ": " {s.from.label()} " → " {s.to.label()}
                </li>
            }
        })
        .collect_view();
    let header = k
        .quasi_identifiers
        .iter()
        .map(|q| view! { <th scope="col">{q.clone()}</th> })
        .collect_view();
    let classes = k
        .suppressed_classes
        .iter()
        .take(LISTED)
        .map(|c| {
            let cells = c
                .values
                .iter()
                .map(|v| view! { <td>{v.clone().unwrap_or_else(|| "(empty)".into())}</td> })
                .collect_view();
            view! {
                <tr>
                    {cells}
                    <td class="c360-log__number">{format::count(c.size)}</td>
                    <td class="c360-log__number">{format::count(c.rows)}</td>
                </tr>
            }
        })
        .collect_view();
    let more = k.suppressed_classes.len().saturating_sub(LISTED);
    view! {
        <div class="c360-export__report" data-testid="export-report" data-below-k=k.below_k.to_string()>
            <p class="c360-export__verdict" role="status" data-testid="export-verdict">{verdict}</p>
            <dl class="c360-profile__facts">
                {figure("source_rows", "Rows in the dataset", format::count(m.source_rows))}
                {figure("exported_rows", "Rows exported", format::count(m.exported_rows))}
                {figure("rows_suppressed", "Rows suppressed", format::count(k.rows_suppressed))}
                {figure("classes_suppressed", "Classes suppressed", format::count(k.suppressed_classes.len()))}
                {figure("k_requested", "k asked for", format::count(k.k_requested))}
                {figure("k_achieved", "k achieved (smallest class)", smallest(&k.after))}
                {figure("smallest_before", "Smallest class before", smallest(&k.before))}
                {figure("small_rows_before", "Rows in classes below k, before", format::count(k.before.rows_in_small_classes))}
                {figure("highest_risk_before", "Highest record risk, before", risk(k.before.highest_record_risk))}
                {figure("highest_risk", "Highest record risk, exported", risk(k.after.highest_record_risk))}
                {figure("average_risk_before", "Average record risk, before", risk(k.before.average_record_risk))}
                {figure("average_risk", "Average record risk, exported", risk(k.after.average_record_risk))}
            </dl>
            <p class="c360-panel__sub">
                "A class is the rows that share every quasi-identifier; its size counts " {counts}
                ". A record's risk is 1 / its class's size."
            </p>
            {(!k.generalised.is_empty()).then(|| view! {
                <h3>"Generalised further"</h3>
                <ul data-testid="export-generalised">{steps}</ul>
            })}
            {(!k.suppressed_classes.is_empty()).then(|| view! {
                <h3>{format!("Suppressed classes ({})", format::count(k.suppressed_classes.len()))}</h3>
                <div class="c360-table-scroll">
                    <table class="c360-table" data-testid="export-suppressed">
                        <thead>
                            <tr>
                                {header}
                                <th scope="col">"people"</th>
                                <th scope="col">"rows"</th>
                            </tr>
                        </thead>
                        <tbody>{classes}</tbody>
                    </table>
                </div>
                {(more > 0).then(|| view! {
                    <p class="c360-panel__sub">{format!("and {} more, listed in the manifest", format::count(more))}</p>
                })}
            })}
        </div>
    }
}

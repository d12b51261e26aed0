//! A customer's profile — the "360" itself — and the search that finds one by id, e-mail or
//! name as the user types (the search runs in the worker). The profile shows the contact,
//! their RFM scores and segment, their spend per category, their purchases in time order and
//! their three recommendations with the reasons.

use leptos::prelude::*;

use c360_worker::profile::{Match, Profile};
use c360_worker::protocol::{Done, RequestBody, ResponseBody};

use crate::browser::client;
use crate::charts::bar::{Bar, BarChart};
use crate::state::format;
use crate::state::route::Route;
use crate::state::workspace::RunHandle;

fn customer_link(id: &str) -> String {
    Route::Customer {
        id: Some(id.to_string()),
    }
    .fragment()
}

fn facts(rows: &[(String, Option<String>)], test_id: &'static str) -> impl IntoView {
    let items = rows
        .iter()
        .map(|(k, v)| {
            view! {
                <div class="c360-profile__fact" data-field=k.clone()>
                    <dt>{k.clone()}</dt>
                    <dd>{v.clone().unwrap_or_else(|| "null".into())}</dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl class="c360-profile__facts" data-testid=test_id>{items}</dl> }
}

fn show(p: &Profile) -> impl IntoView {
    let spend = p
        .spend
        .iter()
        .map(|(c, d)| Bar {
            label: c.clone(),
            value: d.to_f64(),
            text: format::group_digits(&d.to_string()),
            href: None,
        })
        .collect();
    let recommendations = p
        .recommendations
        .iter()
        .map(|r| {
            view! {
                <li data-category=r.category.clone().unwrap_or_default()>
                    <strong>{r.category.clone().unwrap_or_default()}</strong>
                    " (score " {r.score.clone().unwrap_or_default()} "): "
                    {r.reason.clone().unwrap_or_default()}
                </li>
            }
        })
        .collect_view();
    let purchases = p
        .purchases
        .iter()
        .map(|t| {
            view! {
                <tr>
                    <td>{t.transaction_date.clone().unwrap_or_default()}</td>
                    <td>{t.category.clone().unwrap_or_default()}</td>
                    <td class="c360-log__number">{t.amount.clone().unwrap_or_default()}</td>
                    <td class="c360-log__number">{t.item_count.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let count = p.purchases.len();
    view! {
        <div class="c360-profile" data-testid="profile" data-customer=p.id.clone()>
            <h3>"Contact"</h3>
            {facts(&p.contact, "profile-contact")}
            <h3>"Segment and RFM scores"</h3>
            {match &p.segment {
                Some(rows) => facts(rows, "profile-segment").into_any(),
                None => view! { <p class="c360-panel__empty">"No purchase: not a customer yet."</p> }.into_any(),
            }}
            <h3>"Next best categories"</h3>
            <ol class="c360-profile__recs" data-testid="profile-recommendations">{recommendations}</ol>
            <BarChart title="Spend per category".into() label_title="category".into() unit="spend ($)".into() bars=spend test_id="profile-spend"/>
            <h3>{format!("Purchases, oldest first ({count})")}</h3>
            <div class="c360-table-scroll">
                <table class="c360-table" data-testid="profile-purchases">
                    <thead>
                        <tr>
                            <th scope="col">"transaction_date"</th>
                            <th scope="col">"category"</th>
                            <th scope="col">"amount"</th>
                            <th scope="col">"item_count"</th>
                        </tr>
                    </thead>
                    <tbody>{purchases}</tbody>
                </table>
            </div>
        </div>
    }
}

#[component]
pub fn ProfilePage(
    /// The contact to show, from the URL.
    id: Memo<Option<String>>,
    /// The last successful run, whose customers are searched and shown.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<Match>::new());
    let profile = RwSignal::new(None::<Result<Profile, String>>);
    let run_id = Memo::new(move |_| run.with(|r| r.as_ref().map(|r| r.run)));
    // Search as the user types: each answer is taken only if the text is still the same.
    Effect::new(move |_| {
        let (Some(run), query) = (run_id.get(), text.get()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let response = client::ask(
                RequestBody::Search {
                    run,
                    text: query.clone(),
                },
                &[],
            )
            .await;
            if text.get_untracked() == query {
                if let ResponseBody::Done(Done::Search(m)) = response.body {
                    found.set(m);
                }
            }
        });
    });
    Effect::new(move |_| {
        let (Some(run), Some(contact)) = (run_id.get(), id.get()) else {
            profile.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            let response = client::ask(
                RequestBody::Profile {
                    run,
                    id: contact.clone(),
                },
                &[],
            )
            .await;
            if id.get_untracked().as_deref() != Some(contact.as_str()) {
                return;
            }
            profile.set(Some(match response.body {
                ResponseBody::Done(Done::Profile(p)) => Ok(*p),
                ResponseBody::Failed(_) => {
                    Err(format!("No contact has the id {contact} in this run."))
                }
                other => Err(format!("the worker answered {other:?}")),
            }));
        });
    });
    let results = move || {
        found
            .get()
            .into_iter()
            .map(|m| {
                let label = format!(
                    "{} — {} — {}",
                    m.name.clone().unwrap_or_else(|| "(no name)".into()),
                    m.email.clone().unwrap_or_default(),
                    m.id
                );
                view! { <li><a href=customer_link(&m.id) data-match=m.id.clone()>{label}</a></li> }
            })
            .collect_view()
    };
    view! {
        <section class="c360-panel" aria-labelledby="c360-profile-title" data-testid="profile-page">
            <div class="c360-panel__head">
                <h2 id="c360-profile-title" class="c360-panel__title">"Customers"</h2>
                <p class="c360-panel__sub">"Find a contact by id, e-mail or name."</p>
            </div>
            <label class="c360-profile__search">
                "Search "
                <input
                    type="search"
                    data-testid="customer-search"
                    placeholder="id, e-mail or name"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
            </label>
            <ul class="c360-profile__results" data-testid="customer-results" aria-live="polite">{results}</ul>
            {move || match profile.get() {
                Some(Ok(p)) => show(&p).into_any(),
                Some(Err(why)) => view! { <p class="c360-panel__empty" role="status">{why}</p> }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

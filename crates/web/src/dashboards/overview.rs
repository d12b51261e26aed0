//! The overview: the customer view's figures, each a link to the model it is computed from
//! (the revenue is the sum of `customers.total_expense`), with the data tests' health and the
//! sources' freshness.

use leptos::prelude::*;

use c360::engine::data_test::freshness::FreshnessStatus;
use c360::engine::value::unique_id;
use c360_worker::dashboard::{Dashboard, Figure};

use crate::dashboards::data::{self, Figures};
use crate::state::format;
use crate::state::route::Route;
use crate::state::workspace::RunHandle;

fn node_link(unique_id: &str) -> String {
    Route::to_node(unique_id).fragment()
}

fn card(label: &'static str, value: String, figure: Figure, id: &'static str) -> impl IntoView {
    let model = figure.model();
    let name = model.rsplit('.').next().unwrap_or(model).to_string();
    view! {
        <a class="c360-figure" href=node_link(model) data-figure=id data-model=model>
            <span class="c360-figure__label">{label}</span>
            <span class="c360-figure__value" data-testid=format!("figure-{id}")>{value}</span>
            <span class="c360-figure__source">"from " <code>{name}</code></span>
        </a>
    }
}

#[component]
pub fn OverviewPage(
    /// The dashboards' figures for the run on screen (asked of the worker after each run).
    figures: RwSignal<Figures>,
    /// The last successful run, for the data tests' health and the sources' freshness.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let body = data::body(figures, "overview", move |d: &Dashboard| {
        let o = &d.overview;
        let health = run
            .with(|r| r.as_ref().map(|r| r.test_counts().summary()))
            .unwrap_or_default();
        let stale = run
            .with(|r| {
                r.as_ref().map(|r| {
                    r.freshness
                        .iter()
                        .map(|f| {
                            let status = match f.status {
                                FreshnessStatus::Pass => "fresh",
                                FreshnessStatus::Warn => "warn",
                                FreshnessStatus::Error => "stale (error)",
                                FreshnessStatus::RuntimeError => "could not be checked",
                            };
                            let source = unique_id::short(&f.unique_id);
                            format!("{source} {status}")
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            })
            .unwrap_or_default();
        let range = match (&o.first_purchase, &o.last_purchase) {
            (Some(a), Some(b)) => format!("{} – {}", &a[..10.min(a.len())], &b[..10.min(b.len())]),
            _ => "no purchases".to_string(),
        };
        view! {
            <div class="c360-figures">
                {card("Customers", format::count(o.customers), Figure::Customers, "customers")}
                {card(
                    "Contacts without purchases",
                    format::count(o.contacts_without_purchases),
                    Figure::ContactsWithoutPurchases,
                    "contacts-without-purchases",
                )}
                {card("Revenue", format::group_digits(&o.revenue.to_string()), Figure::Revenue, "revenue")}
                {card(
                    "Average order value",
                    o.average_order_value.map_or("–".into(), |v| format::group_digits(&v.to_string())),
                    Figure::AverageOrderValue,
                    "average-order-value",
                )}
                {card(
                    "Transactions per customer",
                    o.transactions_per_customer.map_or("–".into(), |v| format!("{v:.2}")),
                    Figure::TransactionsPerCustomer,
                    "transactions-per-customer",
                )}
                {card("Purchases from – to", range, Figure::DateRange, "date-range")}
            </div>
            <p class="c360-overview__health" data-testid="overview-health">
                <a href=node_link(unique_id::CUSTOMERS)>"Data tests"</a> ": " {health}
            </p>
            <p class="c360-overview__health" data-testid="overview-freshness">
                "Freshness: " {stale}
            </p>
        }
    });
    view! {
        <section class="c360-panel" aria-labelledby="c360-overview-title" data-testid="overview-page">
            <div class="c360-panel__head">
                <h2 id="c360-overview-title" class="c360-panel__title">"Overview"</h2>
                <p class="c360-panel__sub">"Each figure links to the model it is computed from."</p>
            </div>
            {body}
        </section>
    }
}

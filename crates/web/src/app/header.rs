//! The page header: the product's name and what it does, in one line.

use leptos::prelude::*;

#[component]
pub fn AppHeader() -> impl IntoView {
    view! {
        <header class="c360-header">
            <div class="c360-header__inner">
                <h1 class="c360-header__title">
                    <span class="c360-header__logo" aria-hidden="true">"◎"</span>
                    "c360"
                </h1>
                <p class="c360-header__tagline">
                    "Customer 360 in the browser: a dbt-style DAG over a CRM contacts export and a "
                    "web transactions export, run entirely in this browser tab."
                </p>
            </div>
        </header>
    }
}

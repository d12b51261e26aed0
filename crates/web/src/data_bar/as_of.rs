//! The as-of date: the day ages and source freshness are computed at. Changing it re-runs
//! the DAG. Today means now: freshness is then measured at the browser's current time.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::browser::handles::RunActions;
use crate::state::workspace::Runs;

/// The browser's clock: milliseconds since the epoch.
pub fn now_millis() -> i64 {
    js_sys::Date::now() as i64
}

/// Today's date in UTC, from the browser's clock: the default as-of date.
pub fn today_utc() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_utc_full_year() as i32,
        now.get_utc_month() + 1,
        now.get_utc_date(),
    )
    .unwrap_or_default()
}

#[component]
pub fn AsOfControl(
    /// The runs, for the as-of date they are made with.
    runs: ReadSignal<Runs>,
    /// Re-runs as of another day.
    run_actions: RunActions,
) -> impl IntoView {
    let value = move || runs.with(|w| w.config().as_of.format("%Y-%m-%d").to_string());
    let on_change = move |ev: leptos::ev::Event| {
        // A date input reports "" while the date typed so far is incomplete: keep the last one.
        if let Ok(day) = NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d") {
            run_actions.act(|w| w.set_as_of(day, now_millis()));
        }
    };
    view! {
        <div class="c360-as-of">
            <h2 class="c360-bar__heading">
                <label for="c360-as-of">"As of"</label>
            </h2>
            <div class="c360-as-of__row">
            <input
                id="c360-as-of"
                class="c360-as-of__input"
                type="date"
                required
                data-testid="as-of"
                aria-describedby="c360-as-of-help"
                prop:value=value
                on:change=on_change
            />
            <button
                type="button"
                class="c360-button c360-button--quiet"
                data-testid="as-of-today"
                on:click=move |_| run_actions.act(|w| w.set_as_of(today_utc(), now_millis()))
            >
                "Today"
            </button>
            </div>
            <p id="c360-as-of-help" class="c360-as-of__help">
                "The day ages and freshness are computed at (UTC). Changing it re-runs the models that read it (the marts compute ages)."
            </p>
        </div>
    }
}

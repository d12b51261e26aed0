//! Source freshness, as `dbt source freshness` reports it: each source's newest load time
//! against the as-of instant, its thresholds and its status in words, and when to run the
//! check (the exercise's third question). Freshness never blocks the models.

use leptos::prelude::*;

use c360::engine::data_test::freshness::{FreshnessResult, WHEN_TO_RUN};
use c360::engine::value::time::start_of_day_millis;
use c360::engine::value::unique_id;

use crate::state::workspace::{RunHandle, Runs};

/// One source's check.
fn source_card(result: FreshnessResult, instant: &'static str) -> impl IntoView {
    let slug = result.status.as_str();
    let fact = |term: &'static str, value: Option<String>| {
        value.map(|v| {
            view! {
                <div class="c360-freshness__fact">
                    <dt>{term}</dt>
                    <dd>{v}</dd>
                </div>
            }
        })
    };
    view! {
        <article
            class=format!("c360-freshness__source c360-freshness__source--{slug}")
            data-freshness=result.unique_id.clone()
            data-status=slug
        >
            <header class="c360-freshness__head">
                <span class=format!("c360-status c360-status--{slug}")>
                    {result.status.word()}
                </span>
                <code class="c360-freshness__name">{unique_id::short(&result.unique_id).to_string()}</code>
            </header>
            <p class="c360-freshness__message" data-testid="freshness-message">
                {result.message.clone()}
            </p>
            <dl class="c360-freshness__facts">
                {fact("loaded_at_field", Some(result.loaded_at_field.clone()))}
                {fact("max loaded at", result.max_loaded_at.clone().map(|t| format!("{t} UTC")))}
                {fact("compared against", Some(format!("{} UTC ({instant})", result.snapshotted_at)))}
                {fact("warn after", result.warn_after.clone())}
                {fact("error after", result.error_after.clone())}
            </dl>
        </article>
    }
}

#[component]
pub fn FreshnessPanel(
    /// The runs, for the as-of date when the run failed.
    runs: ReadSignal<Runs>,
    /// The last successful run; `None` after a failed run.
    run: Memo<Option<RunHandle>>,
) -> impl IntoView {
    let sources = move || match run.get() {
        None => view! {
            <p class="c360-panel__empty">
                {move || format!(
                    "Not checked: the run as of {} failed.",
                    runs.with(|w| w.config().as_of)
                )}
            </p>
        }
        .into_any(),
        Some(run) if run.freshness.is_empty() => view! {
            <p class="c360-panel__empty">
                "No source declares freshness in the schema (a table's "
                <code>"freshness:"</code>
                " with "
                <code>"loaded_at_field"</code>
                ")."
            </p>
        }
        .into_any(),
        Some(run) => {
            let instant = if run.config.freshness_at == start_of_day_millis(run.config.as_of) {
                "the start of the as-of day"
            } else {
                "now: the as-of day is today"
            };
            run.freshness
                .iter()
                .cloned()
                .map(|f| source_card(f, instant))
                .collect_view()
                .into_any()
        }
    };
    view! {
        <section
            class="c360-panel c360-freshness"
            aria-labelledby="c360-freshness-title"
            data-testid="freshness"
        >
            <div class="c360-panel__head">
                <h2 id="c360-freshness-title" class="c360-panel__title">"Source freshness"</h2>
                <p class="c360-panel__sub">
                    "Is the data recent enough to trust? The newest load time against the as-of \
                     instant, like "
                    <code>"dbt source freshness"</code>
                    "."
                </p>
            </div>
            <div class="c360-freshness__sources">{sources}</div>
            <p class="c360-freshness__never">
                <strong>"Freshness never blocks the models."</strong>
                " A stale source is reported here; the DAG still runs and only the data tests \
                 decide what is skipped."
            </p>
            <h3 class="c360-freshness__heading">"How and when to check"</h3>
            <p class="c360-freshness__how">
                "\"Transactions not older than 1 day\" is "
                <code>"warn_after: {count: 1, period: day}"</code>
                " on web.transactions, measured on "
                <code>"loaded_at_field: _loaded_at_utc"</code>
                " (when the row was loaded, not when it was bought). "
                {WHEN_TO_RUN}
            </p>
        </section>
    }
}

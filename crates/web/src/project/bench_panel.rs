//! The benchmark panel, folded away at the foot of the page: pick a size, run the engine's
//! benchmark ([`engine::bench::run`], the function `cargo bench --bench build` runs) in this
//! page, and read each step's time and its ratio to the peer, with the browser it ran in and
//! the text to paste beside a native run.
//!
//! It is not part of the workflow: it measures the engine on generated data and leaves the
//! workspace alone. The benchmark runs in the worker, like every run: the page stays
//! responsive, and the worker answers the page's other requests once it is done.
//!
//! [`engine::bench::run`]: c360::engine::bench::run

use leptos::html::Pre;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use c360::engine::bench::BenchReport;
use c360_worker::protocol::{Done, RequestBody, ResponseBody};

use crate::browser::client;
use crate::state::browser_bench::{ratio, BenchSettings, BenchSize, BrowserBench, Copied, Runs};
use crate::state::format;

/// The browser's `navigator.userAgent`, so that a pasted result says where it ran.
fn user_agent() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default()
}

/// Runs the benchmark in the worker and waits for its report.
async fn run_in_worker(settings: BenchSettings) -> BrowserBench {
    let started = web_time::Instant::now();
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        client::send(
            RequestBody::Bench {
                contacts: settings.size.contacts(),
                transactions: settings.size.transactions(),
                runs: settings.runs.count(),
            },
            &[],
            move |response, _| {
                if let ResponseBody::Done(Done::Bench(report)) = response.body {
                    let json = serde_json::to_string(&report).unwrap_or_default();
                    let _ = resolve.call1(&JsValue::NULL, &json.into());
                }
            },
        );
    });
    let json = JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let report: BenchReport =
        serde_json::from_str(&json).expect("the worker sends the engine's report");
    BrowserBench {
        settings,
        report,
        user_agent: user_agent(),
        wall_seconds: started.elapsed().as_secs_f64(),
    }
}

/// Puts `text` on the clipboard or, when the page may not (no clipboard outside a secure
/// context, or the browser refuses), selects it in `pre` for the user to copy.
async fn copy_text(text: String, pre: NodeRef<Pre>) -> Copied {
    if write_to_clipboard(&text).await {
        return Copied::ToClipboard;
    }
    let selection = web_sys::window().and_then(|w| w.get_selection().ok().flatten());
    if let (Some(selection), Some(pre)) = (selection, pre.get_untracked()) {
        let _ = selection.select_all_children(&pre);
    }
    Copied::Selected
}

async fn write_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // `navigator.clipboard` is undefined outside a secure context (plain http from another
    // host): calling it would throw.
    let clipboard = window.navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// The result: the table of steps, the native command to compare with, and the text to copy.
fn result_view(
    result: BrowserBench,
    copy: Action<String, Copied>,
    pre: NodeRef<Pre>,
) -> impl IntoView {
    let report = &result.report;
    let text = result.as_text();
    let rows = report
        .timings
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let class = if i == 0 {
                "c360-bench__row c360-bench__row--peer"
            } else {
                "c360-bench__row"
            };
            view! {
                <tr
                    class=class
                    data-bench-step=t.name.clone()
                    data-seconds=t.seconds.to_string()
                    data-ratio=format!("{:.2}", t.ratio_to_peer)
                >
                    <th scope="row" class="c360-bench__step">{t.name.clone()}</th>
                    <td class="c360-bench__number">{format::duration(t.seconds)}</td>
                    <td class="c360-bench__number">{ratio(t.ratio_to_peer)}</td>
                </tr>
            }
        })
        .collect_view();
    let size = format!(
        "{} contacts and {} transactions: {} of CSV, generated in memory; {} per step.",
        format::count(report.contacts),
        format::count(report.transactions),
        format::bytes((report.megabytes * 1e6).round() as usize),
        result.settings.runs.label(),
    );
    let on_copy = {
        let text = text.clone();
        move |_| {
            copy.dispatch(text.clone());
        }
    };
    view! {
        <div class="c360-bench__result" data-testid="bench-result">
            <p class="c360-bench__size" data-testid="bench-data">{size}</p>
            <div class="c360-table-scroll">
                <table class="c360-bench__table">
                    <thead>
                        <tr>
                            <th scope="col">"step"</th>
                            <th scope="col" class="c360-bench__number">"time"</th>
                            <th scope="col" class="c360-bench__number">"ratio to peer"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="c360-bench__native">
                "The same size natively: "
                <code data-testid="bench-native">{result.settings.native_command()}</code>
            </p>
            <div class="c360-bench__copy">
                <button
                    type="button"
                    class="c360-button"
                    data-testid="bench-copy"
                    on:click=on_copy
                >
                    "Copy as text"
                </button>
                <span class="c360-bench__copied" role="status" data-testid="bench-copy-status">
                    {move || copy.value().get().map(Copied::message)}
                </span>
            </div>
            <pre class="c360-bench__text" data-testid="bench-text" node_ref=pre>{text}</pre>
        </div>
    }
}

#[component]
pub fn BenchPanel() -> impl IntoView {
    let size = RwSignal::new(BenchSize::default());
    let runs = RwSignal::new(Runs::default());
    let bench = Action::new_unsync_local(|settings: &BenchSettings| run_in_worker(*settings));
    let pre: NodeRef<Pre> = NodeRef::new();
    let copy = Action::new_unsync_local(move |text: &String| copy_text(text.clone(), pre));
    let running = bench.pending();
    let value = bench.value();

    let on_run = move |_| {
        copy.clear();
        bench.dispatch(BenchSettings {
            size: size.get_untracked(),
            runs: runs.get_untracked(),
        });
    };
    let size_options = BenchSize::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.value() selected=s == BenchSize::default()>{s.label()}</option>
            }
        })
        .collect_view();
    let runs_options = Runs::ALL
        .into_iter()
        .map(|r| {
            view! {
                <option value=r.count().to_string() selected=r == Runs::default()>
                    {r.label()}
                </option>
            }
        })
        .collect_view();
    let status = move || {
        if running.get() {
            "Running in the worker… the page stays responsive; runs of your data wait until it \
             finishes."
                .to_string()
        } else {
            value
                .with(|v| {
                    v.as_ref().map(|b| {
                        format!(
                            "Done in {} (generating the data, then every step), in the \
                             worker.",
                            format::duration(b.wall_seconds)
                        )
                    })
                })
                .unwrap_or_default()
        }
    };
    // A result shows only once its run is over: while another runs, the old one is not current.
    let result = move || {
        if running.get() {
            None
        } else {
            value.get().map(|b| result_view(b, copy, pre))
        }
    };

    view! {
        <details class="c360-panel c360-bench" data-testid="bench">
            <summary class="c360-bench__summary">
                <h2 class="c360-panel__title c360-bench__title">"Benchmark"</h2>
                <span class="c360-panel__sub">
                    "How fast the engine runs in this browser, as a ratio to a peer measured in \
                     the same run."
                </span>
            </summary>
            <p class="c360-bench__about">
                "Generates contacts and transactions in memory, then times the peer (the "
                <code>"csv"</code>
                " crate only tokenising both files), c360's typed load, the load plus every \
                 model, and the whole build with the data tests. Native figures come from "
                <code>"cargo bench --bench build"</code>
                ", which runs this same function: compare the ratios, not the seconds, since \
                 each run measures its own peer on its own machine."
            </p>
            <div class="c360-bench__controls">
                <label class="c360-bench__field">
                    <span class="c360-bench__label">"Size"</span>
                    <select
                        class="c360-bench__select"
                        data-testid="bench-size"
                        disabled=move || running.get()
                        on:change=move |ev| {
                            if let Some(s) = BenchSize::from_value(&event_target_value(&ev)) {
                                size.set(s);
                            }
                        }
                    >
                        {size_options}
                    </select>
                </label>
                <label class="c360-bench__field">
                    <span class="c360-bench__label">"Runs"</span>
                    <select
                        class="c360-bench__select"
                        data-testid="bench-runs"
                        disabled=move || running.get()
                        on:change=move |ev| {
                            if let Some(r) = Runs::from_value(&event_target_value(&ev)) {
                                runs.set(r);
                            }
                        }
                    >
                        {runs_options}
                    </select>
                </label>
                <button
                    type="button"
                    class="c360-button c360-button--primary"
                    data-testid="bench-run"
                    disabled=move || running.get()
                    on:click=on_run
                >
                    "Run benchmark"
                </button>
            </div>
            <p class="c360-bench__warning">
                <strong>"The benchmark runs in the worker, as the models do."</strong>
                " A moment at 1k / 10k; at 100k / 1M, best of 3, some 10 to 30 seconds \
                 depending on the machine, and about 700 MB of memory, which the worker keeps \
                 until the page is reloaded."
            </p>
            <p class="c360-bench__browser">
                "Browser: "
                <code data-testid="bench-user-agent">{user_agent()}</code>
            </p>
            <p
                class="c360-bench__status"
                role="status"
                data-testid="bench-status"
                data-state=move || if running.get() { "running" } else { "idle" }
            >
                {status}
            </p>
            {result}
        </details>
    }
}

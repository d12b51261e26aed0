//! Content mounted in a task of its own, just after the one that made the page: a dashboard
//! wraps its heavier charts in `Later`, so that each is built in a separate task (the browser
//! runs every timer callback as its own task) and none holds the page's thread past 50 ms,
//! however many charts the page has.

use std::time::Duration;

use leptos::prelude::*;

#[component]
pub fn Later(
    /// The content, mounted a task after the page that holds it.
    children: ChildrenFn,
) -> impl IntoView {
    let ready = RwSignal::new(false);
    // `try_set`: the page may be gone (the user moved on) before the timer fires.
    set_timeout(
        move || {
            ready.try_set(true);
        },
        Duration::ZERO,
    );
    view! { <Show when=move || ready.get()>{children()}</Show> }
}

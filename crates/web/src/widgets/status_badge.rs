//! A test's status as dbt's log prints it (`PASS`, `WARN`, `FAIL`, `ERROR`, `SKIP`), in its
//! colour.

use leptos::prelude::*;

use c360::engine::data_test::TestStatus;

use crate::state::runner::status_word;

#[component]
pub fn StatusBadge(
    /// The status to show.
    status: TestStatus,
) -> impl IntoView {
    view! {
        <span class=format!("c360-status c360-status--{}", status.as_str())>
            {status_word(status)}
        </span>
    }
}

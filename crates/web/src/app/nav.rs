//! The views, as links: each is a URL (see `state/route.rs`), so the back button and a shared
//! link work like any page's.

use leptos::prelude::*;

use crate::state::route::Route;
use crate::state::workspace::View;

#[component]
pub fn Nav(
    /// The view, whose route is the current link.
    view: ReadSignal<View>,
) -> impl IntoView {
    let current = Memo::new(move |_| view.with(|w| w.route()));
    let link = move |label: &'static str, target: Route, test_id: &'static str| {
        let href = target.fragment();
        let here = {
            let target = target.clone();
            move || {
                let now = current.get();
                match (&now, &target) {
                    (Route::Project { .. }, Route::Project { .. }) => true,
                    (Route::Customer { .. }, Route::Customer { .. }) => true,
                    (a, b) => a == b,
                }
            }
        };
        view! {
            <a
                class="c360-nav__link"
                class:c360-nav__link--current=here.clone()
                aria-current=move || here().then_some("page")
                href=href
                data-testid=test_id
            >
                {label}
            </a>
        }
    };
    let project = move || view.with(|w| w.project_route());
    view! {
        <nav class="c360-nav" aria-label="Views">
            {move || link("Project", project(), "nav-project")}
            {link("Overview", Route::Overview, "nav-overview")}
            {link("Segments", Route::Segments, "nav-segments")}
            {link("Category spend", Route::Categories, "nav-categories")}
            {link("Recommendations", Route::Recommendations, "nav-recommendations")}
            {link("Customers", Route::Customer { id: None }, "nav-customers")}
            {link("Partner export", Route::Export, "nav-export")}
        </nav>
    }
}

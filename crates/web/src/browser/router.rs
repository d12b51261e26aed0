//! The address bar and the workspace, kept in step (see `state/route.rs` for why the route lives in
//! the fragment).
//!
//! On load the fragment is followed: a deep link opens its view once the data is loaded. Then
//! every change of view writes the fragment: going elsewhere (another node, a test opened or
//! closed) pushes a history entry, so that the back button returns; re-sorting or paging the
//! same table replaces the entry. The back and forward buttons, and a fragment typed by hand,
//! are followed in turn (`popstate`, `hashchange`); following a route that is already on
//! screen does nothing, so the two directions cannot chase each other.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::handles::ViewActions;
use crate::state::route::Route;
use crate::state::workspace::View;

fn fragment() -> String {
    window().location().hash().unwrap_or_default()
}

/// Follows the address bar's fragment now and whenever the user navigates, and writes the
/// view on screen back into it.
pub fn start(view: ReadSignal<View>, view_actions: ViewActions) {
    view_actions.follow(&Route::parse(&fragment()));

    let follow = Closure::<dyn Fn()>::new(move || {
        let route = Route::parse(&fragment());
        view_actions.follow(&route);
    });
    let window = window();
    for event in ["popstate", "hashchange"] {
        let _ = window.add_event_listener_with_callback(event, follow.as_ref().unchecked_ref());
    }
    follow.forget();

    // The view on screen, as a route: written into the address when it changes.
    let route = Memo::new(move |_| view.with(|w| w.route()));
    Effect::new(move |previous: Option<Route>| {
        let next = route.get();
        let written = Route::parse(&fragment());
        if next.fragment() != fragment() && written != next {
            if let Ok(history) = window.history() {
                let url = next.fragment();
                let _ = if previous.is_some() && written.is_elsewhere(&next) {
                    history.push_state_with_url(&JsValue::NULL, "", Some(&url))
                } else {
                    history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
                };
            }
        }
        next
    });
}

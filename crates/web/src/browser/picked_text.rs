//! Reading a small text file the user picked in an `<input type="file">` — a mapping file, a
//! policy file — as text. The input is cleared at once, so that picking the same file again
//! (after editing it) reads it again.

use leptos::prelude::*;

/// Reads the file picked in `ev`'s input, then calls `then` with its name and its text, or
/// with the message to show when the browser refuses to read it. Nothing happens when no
/// file was picked.
pub fn read_picked(
    ev: &leptos::ev::Event,
    then: impl FnOnce(String, Result<String, String>) + 'static,
) {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let Some(file) = input.files().and_then(|l| l.item(0)) else {
        return;
    };
    input.set_value("");
    leptos::task::spawn_local(async move {
        let name = file.name();
        let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(t) => Ok(t.as_string().unwrap_or_default()),
            Err(_) => Err(format!("{name}: the browser refused to read it")),
        };
        then(name, text);
    });
}

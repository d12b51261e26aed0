//! The pseudonym key: typed, or generated from the browser's CSPRNG
//! (`crypto.getRandomValues`, through the engine's [`Key::generate`]) and shown once, to copy.
//!
//! The key lives in this page's memory only: it is not saved with the session, not put in
//! the address, not written to the manifest. The same key makes exports that join on their
//! pseudonyms; without it no one — c360 included — can make another export that joins.

use leptos::prelude::*;

use c360::engine::export::Key;

use crate::state::export_edit::check_key;

#[component]
pub fn ExportKey(
    /// The secret, as typed or generated.
    key: RwSignal<String>,
) -> impl IntoView {
    // The key just generated, shown until the user types or generates again.
    let generated = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let generate = move |_| match Key::generate() {
        Ok(k) => {
            key.set(k.secret().to_string());
            generated.set(Some(k.secret().to_string()));
            error.set(None);
        }
        Err(e) => error.set(Some(e.to_string())),
    };
    let problem = move || {
        let secret = key.get();
        if secret.is_empty() {
            return Some("Type a secret of at least 16 characters, or generate one.".to_string());
        }
        error.get().or_else(|| check_key(&secret).err())
    };
    view! {
        <div class="c360-export__key" role="group" aria-labelledby="c360-export-key-title">
            <h3 id="c360-export-key-title">"Pseudonym key"</h3>
            <p class="c360-panel__sub" id="c360-export-key-help">
                "Pseudonyms are HMAC-SHA-256 of each value under this secret. Keep it to make \
                 another export that joins to this one; never send it with the data. c360 keeps \
                 it only while this page is open."
            </p>
            <div class="c360-export__key-row">
                // Not a password to keep: `autocomplete="off"` and the marks the password
                // managers honour (1Password, LastPass, Bitwarden, Dashlane) keep them from
                // offering to save it, and it is in no <form> a manager would watch.
                // `type="password"` only keeps it off the screen.
                <input
                    type="password"
                    autocomplete="off"
                    data-1p-ignore=""
                    data-lpignore="true"
                    data-bwignore=""
                    data-form-type="other"
                    spellcheck="false"
                    data-testid="export-key"
                    aria-label="Pseudonym key"
                    aria-describedby="c360-export-key-help c360-export-key-problem"
                    prop:value=move || key.get()
                    on:input=move |ev| {
                        generated.set(None);
                        key.set(event_target_value(&ev));
                    }
                />
                <button
                    type="button"
                    class="c360-button"
                    data-testid="generate-key"
                    on:click=generate
                >
                    "Generate a key"
                </button>
            </div>
            {move || generated.get().map(|k| view! {
                <p class="c360-export__generated" role="status">
                    "Your new key, shown this once — copy it somewhere safe now: "
                    <output data-testid="generated-key"><code>{k}</code></output>
                </p>
            })}
            <p class="c360-export__problem" id="c360-export-key-problem" data-testid="export-key-problem">
                {problem}
            </p>
        </div>
    }
}

//! The whole page as a drop target for the CSV exports and a dbt schema file, with an overlay
//! while files are dragged over it. A `.yml` or `.yaml` file is the schema; which export a
//! CSV file is gets worked out from its header.

use leptos::ev::DragEvent;
use leptos::prelude::*;

use crate::browser::file_loading::{PickedFile, Target};

/// The files a drag carries, if any.
fn dropped_files(event: &DragEvent) -> Vec<PickedFile> {
    let Some(list) = event.data_transfer().and_then(|t| t.files()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|file| PickedFile {
            target: Target::Unknown,
            file,
        })
        .collect()
}

/// Whether a drag carries files (not text or a link from the page itself).
fn carries_files(event: &DragEvent) -> bool {
    event
        .data_transfer()
        .map(|t| {
            t.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
        .unwrap_or(false)
}

#[component]
pub fn DropTarget(
    /// Reads and loads the dropped files.
    load: Action<Vec<PickedFile>, ()>,
    /// The page.
    children: Children,
) -> impl IntoView {
    // dragenter and dragleave fire for every child crossed: count them to know when the drag
    // has really left the page.
    let depth = RwSignal::new(0u32);
    view! {
        <div
            class="c360-app"
            class=("c360-app--dragging", move || depth.get() > 0)
            on:dragenter=move |ev: DragEvent| {
                if carries_files(&ev) {
                    ev.prevent_default();
                    depth.update(|d| *d += 1);
                }
            }
            on:dragover=move |ev: DragEvent| {
                if carries_files(&ev) {
                    ev.prevent_default();
                }
            }
            on:dragleave=move |_: DragEvent| depth.update(|d| *d = d.saturating_sub(1))
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                depth.set(0);
                let files = dropped_files(&ev);
                if !files.is_empty() {
                    load.dispatch_local(files);
                }
            }
        >
            {children()}
            <div class="c360-drop-overlay" aria-hidden="true">
                <p class="c360-drop-overlay__text">
                    "Drop contacts.csv, transactions.csv or a dbt schema.yml to run the DAG with them"
                </p>
            </div>
        </div>
    }
}

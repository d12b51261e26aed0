//! Reading the user's files: from a picker or a drop, into the workspace.
//!
//! Reading is the app's only asynchronous work (the browser hands over a file's bytes as a
//! promise). It runs as an [`Action`], so views can show that a read is pending; when every
//! file is read the workspace loads them all and re-runs once.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::inputs::{Slot, SourceInput};
use super::workspace::Workspace;

/// A file the user chose, and the source it was chosen for: `None` when it was dropped and its
/// contents must say which export it is.
#[derive(Clone, Debug)]
pub struct PickedFile {
    pub slot: Option<Slot>,
    pub file: web_sys::File,
}

/// The action that reads picked files and loads them into `ws`.
pub fn file_loader(ws: RwSignal<Workspace>) -> Action<Vec<PickedFile>, ()> {
    Action::new_unsync_local(move |files: &Vec<PickedFile>| {
        let files = files.clone();
        async move {
            match read_all(files).await {
                Ok(loaded) => ws.update(|w| w.load(loaded)),
                Err(message) => ws.update(|w| w.reject(message)),
            }
        }
    })
}

/// The names of the files being read, for a progress line.
pub fn reading_names(files: &[PickedFile]) -> String {
    files
        .iter()
        .map(|f| f.file.name())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn read_all(files: Vec<PickedFile>) -> Result<Vec<(Slot, SourceInput)>, String> {
    let mut loaded: Vec<(Slot, SourceInput)> = Vec::new();
    for picked in files {
        let name = picked.file.name();
        let bytes = read_bytes(&picked.file)
            .await
            .map_err(|why| format!("{name}: cannot read the file: {why}"))?;
        let slot = picked
            .slot
            .or_else(|| Slot::identify(&name, &bytes))
            .ok_or_else(|| {
                format!(
                "{name}: cannot tell which export this is. Its header has neither the columns of \
                 {} ({}) nor those of {} ({}). Choose it with one of the file pickers to load it \
                 anyway and see what is missing.",
                Slot::Contacts.file_name(),
                column_list(Slot::Contacts),
                Slot::Transactions.file_name(),
                column_list(Slot::Transactions),
            )
            })?;
        if let Some((_, other)) = loaded.iter().find(|(s, _)| *s == slot) {
            return Err(format!(
                "{name} and {} are both {} exports; drop one of each at most.",
                other.name,
                slot.file_name()
            ));
        }
        loaded.push((slot, SourceInput::user(name, bytes)));
    }
    Ok(loaded)
}

fn column_list(slot: Slot) -> String {
    slot.def()
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file's bytes, through the browser's `Blob.arrayBuffer()`.
async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| {
        e.as_string()
            .or_else(|| {
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| "the browser refused to read it".into())
    })?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

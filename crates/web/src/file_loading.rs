//! Reading the user's files: from a picker or a drop, into the workspace.
//!
//! Reading is the app's only asynchronous work (the browser hands over a file's bytes as a
//! promise). It runs as an [`Action`], so views can show that a read is pending; when every
//! file is read the workspace loads them all (the CSV exports and a dbt schema file) and
//! re-runs once.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::inputs::{Slot, SourceInput};
use super::workspace::Workspace;

/// What a file was chosen as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Dropped: its name (`.yml`, `.yaml`) or its header must say what it is.
    Unknown,
    /// Chosen with a source's picker.
    Source(Slot),
    /// Chosen with the schema editor's picker.
    Schema,
}

/// A file the user chose, and what it was chosen as.
#[derive(Clone, Debug)]
pub struct PickedFile {
    pub target: Target,
    pub file: web_sys::File,
}

/// Everything read from one pick or drop.
#[derive(Default)]
struct Loaded {
    sources: Vec<(Slot, SourceInput)>,
    /// A schema file's name and text.
    schema: Option<(String, String)>,
}

/// The action that reads picked files and loads them into `ws`.
pub fn file_loader(ws: RwSignal<Workspace>) -> Action<Vec<PickedFile>, ()> {
    Action::new_unsync_local(move |files: &Vec<PickedFile>| {
        let files = files.clone();
        async move {
            match read_all(files).await {
                Ok(loaded) => ws.update(|w| w.load_with_schema(loaded.sources, loaded.schema)),
                Err(message) => ws.update(|w| w.reject(message)),
            }
        }
    })
}

/// Whether a file's name says it is a dbt schema file.
fn is_schema_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// The names of the files being read, for a progress line.
pub fn reading_names(files: &[PickedFile]) -> String {
    files
        .iter()
        .map(|f| f.file.name())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn read_all(files: Vec<PickedFile>) -> Result<Loaded, String> {
    let mut loaded = Loaded::default();
    for picked in files {
        let name = picked.file.name();
        let bytes = read_bytes(&picked.file)
            .await
            .map_err(|why| format!("{name}: cannot read the file: {why}"))?;
        let slot = match picked.target {
            Target::Schema => None,
            Target::Source(slot) => Some(slot),
            Target::Unknown if is_schema_file(&name) => None,
            Target::Unknown => Some(Slot::identify(&name, &bytes).ok_or_else(|| {
                format!(
                    "{name}: cannot tell which export this is. Its header has neither the \
                     columns of {} ({}) nor those of {} ({}), and its name does not end in \
                     .yml or .yaml like a dbt schema file. Choose it with one of the file \
                     pickers to load it anyway and see what is missing.",
                    Slot::Contacts.file_name(),
                    column_list(Slot::Contacts),
                    Slot::Transactions.file_name(),
                    column_list(Slot::Transactions),
                )
            })?),
        };
        let Some(slot) = slot else {
            if let Some((other, _)) = &loaded.schema {
                return Err(format!(
                    "{name} and {other} are both schema files; drop one at most."
                ));
            }
            let text = String::from_utf8(bytes).map_err(|e| {
                format!(
                    "{name}: a schema file must be UTF-8 text; byte {} is not",
                    e.utf8_error().valid_up_to() + 1
                )
            })?;
            loaded.schema = Some((name, text));
            continue;
        };
        if let Some((_, other)) = loaded.sources.iter().find(|(s, _)| *s == slot) {
            return Err(format!(
                "{name} and {} are both {} exports; drop one of each at most.",
                other.name,
                slot.file_name()
            ));
        }
        loaded.sources.push((slot, SourceInput::user(name, bytes)));
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

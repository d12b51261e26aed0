//! Reading the user's files: from a picker or a drop, into the workspace.
//!
//! The page reads only what it must to tell which export a file is: its first bytes (a
//! schema file, which is small, whole). The file itself goes to the worker, which reads it in
//! chunks. The reading runs as an [`Action`], so views can show that it is pending; then the
//! workspace loads every file at once (the CSV exports and a dbt schema file) and re-runs once.
//! Each export is also stored in the browser, once, for a reload to restore the session.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::client::{self, Act};
use super::inputs::{self, Slot, SourceInput, HEADER_BYTES};
use super::saved_session::SavedFile;
use super::storage::Keeper;
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
    /// The exports' `File`s, to store.
    files: Vec<(SavedFile, web_sys::File)>,
    /// A schema file's name and text.
    schema: Option<(String, String)>,
}

/// The action that reads picked files, loads them into `ws` and has `keeper` store them.
pub fn file_loader(ws: RwSignal<Workspace>, keeper: Keeper) -> Action<Vec<PickedFile>, ()> {
    Action::new_unsync_local(move |files: &Vec<PickedFile>| {
        let files = files.clone();
        async move {
            match read_all(files).await {
                Ok(loaded) => {
                    for (saved, file) in loaded.files {
                        keeper.keep_file(saved, file);
                    }
                    ws.act(|w| {
                        w.load_with_schema(loaded.sources, loaded.schema, js_sys::Date::now())
                    })
                }
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
        let whole = picked.target == Target::Schema
            || (picked.target == Target::Unknown && is_schema_file(&name));
        let bytes = read_bytes(&picked.file, (!whole).then_some(HEADER_BYTES))
            .await
            .map_err(|why| format!("{name}: cannot read the file: {why}"))?;
        let slot = match picked.target {
            Target::Schema => None,
            Target::Source(slot) => Some(slot),
            Target::Unknown if is_schema_file(&name) => None,
            Target::Unknown => Some(inputs::identify(&name, &bytes).ok_or_else(|| {
                format!(
                    "{name}: cannot tell which export this is. Its header has neither the \
                     columns of {} ({}) nor those of {} ({}), and its name does not end in \
                     .yml or .yaml like a dbt schema file. Choose it with one of the file \
                     pickers to load it anyway and see what is missing.",
                    inputs::file_name(Slot::Contacts),
                    column_list(Slot::Contacts),
                    inputs::file_name(Slot::Transactions),
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
                other.name(slot),
                inputs::file_name(slot)
            ));
        }
        let size = picked.file.size() as u64;
        let modified = picked.file.last_modified() as i64;
        let file = picked.file.clone();
        let token = client::keep_file(picked.file);
        let input = SourceInput::user(token, name, size).modified_at(modified);
        loaded
            .files
            .extend(SavedFile::of(slot, &input).map(|s| (s, file)));
        loaded.sources.push((slot, input));
    }
    Ok(loaded)
}

fn column_list(slot: Slot) -> String {
    inputs::def(slot)
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file's bytes (its first `limit` bytes, when given), through `Blob.arrayBuffer()`.
async fn read_bytes(file: &web_sys::File, limit: Option<usize>) -> Result<Vec<u8>, String> {
    let blob: web_sys::Blob = match limit {
        Some(limit) => file
            .slice_with_f64_and_f64(0.0, limit as f64)
            .map_err(|_| "the browser refused to read it".to_string())?,
        None => file.clone().into(),
    };
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|e| {
        e.as_string()
            .or_else(|| {
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| "the browser refused to read it".into())
    })?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

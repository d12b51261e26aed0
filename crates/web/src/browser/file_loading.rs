//! Reading the user's files: from a picker or a drop, into the workspace.
//!
//! The page reads only a schema file (small, whole). A CSV goes to the worker, which
//! inspects its start — encoding, delimiter, header, which export it is, a proposed column
//! mapping — and later reads it in chunks. The reading runs as an [`Action`], so views can
//! show that it is pending; then the workspace loads every file at once (the CSV exports and
//! a dbt schema file) and re-runs once, or first asks the user to confirm the mappings.
//! Each export that loads is also stored in the browser, once, for a reload to restore
//! the session.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use c360_worker::protocol::{Done, FileRef, Inspection, RequestBody, ResponseBody};

use crate::browser::client;
use crate::browser::handles::RunActions;
use crate::browser::storage::Keeper;
use crate::state::inputs::Slot;
use crate::state::mapping_review::{Draft, Remembered, Review};
use crate::state::saved_session::SavedFile;
use crate::state::workspace::Runs;

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

/// The action that reads picked files and loads them into the runs: each CSV is inspected by
/// the worker (encoding, delimiter, header, a proposed mapping), then loaded at once or held
/// for the user to confirm ([`Runs::review_files`]); `keeper` stores what loads.
pub fn file_loader(
    runs: ReadSignal<Runs>,
    run_actions: RunActions,
    keeper: Keeper,
) -> Action<Vec<PickedFile>, ()> {
    Action::new_unsync_local(move |files: &Vec<PickedFile>| {
        let files = files.clone();
        async move {
            let remembered = runs.with_untracked(|w| w.remembered().to_vec());
            match read_all(files, &remembered).await {
                Ok(review) => {
                    if review.is_settled() {
                        keep_files(keeper, &review);
                    }
                    run_actions.act(|w| w.review_files(review, js_sys::Date::now()))
                }
                Err(message) => run_actions.update(|w| w.reject(message)),
            }
        }
    })
}

/// Has `keeper` store the files of a review that is about to load.
pub fn keep_files(keeper: Keeper, review: &Review) {
    let Ok(inputs) = review.inputs() else {
        return;
    };
    for (slot, input) in inputs {
        let token = match &input.spec {
            c360_worker::protocol::SourceSpec::File(f) => f.token,
            c360_worker::protocol::SourceSpec::Demo
            | c360_worker::protocol::SourceSpec::Sample(_) => continue,
        };
        if let (Some(saved), Some(file)) = (SavedFile::of(slot, &input), client::file(token)) {
            keeper.keep_file(saved, file);
        }
    }
}

/// Asks the worker to inspect a kept file, reading it with `delimiter` when given.
pub async fn inspect(file: FileRef, delimiter: Option<char>) -> Result<Inspection, String> {
    let token = file.token;
    let response = client::ask(RequestBody::Inspect { file, delimiter }, &[token]).await;
    match response.body {
        ResponseBody::Done(Done::Inspect(inspection)) => Ok(*inspection),
        ResponseBody::Failed(failure) => Err(failure.to_string()),
        other => Err(format!("the worker answered {other:?}")),
    }
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

async fn read_all(files: Vec<PickedFile>, remembered: &[Remembered]) -> Result<Review, String> {
    let mut review = Review::default();
    for picked in files {
        let name = picked.file.name();
        // A CSV export (and the source its picker chose, if any), or a schema file.
        let export = match picked.target {
            Target::Schema => None,
            Target::Source(slot) => Some(Some(slot)),
            Target::Unknown if is_schema_file(&name) => None,
            Target::Unknown => Some(None),
        };
        if let Some(forced) = export {
            let size = picked.file.size() as u64;
            let modified = picked.file.last_modified() as i64;
            let token = client::keep_file(picked.file);
            let file = FileRef { token, name, size };
            let inspection = inspect(file, None).await?;
            let mut draft = Draft::new(inspection, forced, remembered);
            draft.modified = Some(modified);
            review.drafts.push(draft);
            continue;
        }
        if let Some((other, _)) = &review.schema {
            return Err(format!(
                "{name} and {other} are both schema files; drop one at most."
            ));
        }
        let bytes = read_bytes(&picked.file)
            .await
            .map_err(|why| format!("{name}: cannot read the file: {why}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{name}: a schema file must be UTF-8 text; byte {} is not",
                e.utf8_error().valid_up_to() + 1
            )
        })?;
        review.schema = Some((name, text));
    }
    Ok(review)
}

/// A (schema) file's bytes, through `Blob.arrayBuffer()`.
async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let blob: web_sys::Blob = file.clone().into();
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

//! Saving a table as a CSV file, a masked export and its manifest, or the schema as YAML: a
//! `blob:` URL, never a request.
//!
//! A table's CSV is written by the worker, exactly as `c360 build` writes it, and comes in
//! chunks (transferred, not copied); the page only appends them to one `Blob`, as they come.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use c360::engine::export::{Manifest, PolicyFile};
use c360_worker::protocol::{Done, RequestBody, ResponseBody, Secret, TableRef};

use crate::browser::client;

/// Offers a table of the run `run` for download as `file_name`.
pub fn download_table(run: u64, table: TableRef, file_name: String) {
    let mut file = Gathered::new();
    client::send(
        RequestBody::Download { run, table },
        &[],
        move |response, bytes: Option<Uint8Array>| match response.body {
            ResponseBody::Chunk { .. } => {
                if let Some(bytes) = bytes {
                    file.push(&bytes);
                }
            }
            ResponseBody::Done(Done::Download { .. }) => {
                let _ = file.save(&file_name, "text/csv;charset=utf-8");
            }
            ResponseBody::Failed(failure) => {
                web_sys::console::error_1(&format!("c360: download failed: {failure}").into());
            }
            _ => {}
        },
    );
}

/// How a masked export is going.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportProgress {
    /// Bytes of CSV received so far.
    Receiving(u64),
    /// Both files were offered for download.
    Saved(Box<Manifest>),
    Failed(String),
}

/// Makes the masked export `policy` describes of the run `run` under `key`, and offers its
/// CSV and its manifest for download together, under the names the CLI writes. The CSV's
/// pieces are gathered as they come (transferred from the worker, never copied into one
/// string) and become one `Blob`.
pub fn download_export(
    run: u64,
    policy: PolicyFile,
    key: String,
    on_progress: impl Fn(ExportProgress) + 'static,
) -> u64 {
    let mut file = Gathered::new();
    client::send(
        RequestBody::Export {
            run,
            policy,
            key: Secret(key),
        },
        &[],
        move |response, bytes: Option<Uint8Array>| match response.body {
            ResponseBody::Chunk { sent, .. } => {
                if let Some(bytes) = bytes {
                    file.push(&bytes);
                }
                on_progress(ExportProgress::Receiving(sent));
            }
            ResponseBody::Done(Done::Export { manifest, .. }) => {
                let csv = file.save(&manifest.file, "text/csv;charset=utf-8");
                let json = save(
                    &manifest.dataset.manifest_file_name(),
                    "application/json",
                    &Array::of1(&JsValue::from_str(&manifest.to_json())),
                );
                on_progress(match (csv, json) {
                    (Some(()), Some(())) => ExportProgress::Saved(manifest),
                    _ => ExportProgress::Failed("the browser refused to save the files".into()),
                });
            }
            ResponseBody::Failed(failure) => {
                on_progress(ExportProgress::Failed(failure.to_string()))
            }
            ResponseBody::Cancelled => on_progress(ExportProgress::Failed("cancelled".into())),
            _ => {}
        },
    )
}

/// A file arriving in pieces, held once: each piece is appended to a `Blob` made of the
/// blob so far and the piece (a browser composes blobs by reference, without copying what
/// they hold), so the piece itself can go as soon as it is appended, and a large download is
/// never in memory twice — neither as pieces and a blob, nor as one string.
struct Gathered {
    blob: Option<web_sys::Blob>,
}

impl Gathered {
    fn new() -> Gathered {
        Gathered { blob: None }
    }

    fn push(&mut self, bytes: &Uint8Array) {
        let parts = match self.blob.take() {
            Some(blob) => Array::of2(&blob, bytes),
            None => Array::of1(bytes),
        };
        self.blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok();
    }

    /// Offers what arrived as `file_name`, of type `mime`, and lets it go.
    fn save(&mut self, file_name: &str, mime: &str) -> Option<()> {
        let parts = match self.blob.take() {
            Some(blob) => Array::of1(&blob),
            None => Array::new(),
        };
        save(file_name, mime, &parts)
    }
}

/// Offers `text` for download as `file_name`, of media type `mime`.
pub fn download_text(file_name: &str, mime: &str, text: &str) {
    // Failing here means the browser lacks Blob or object URLs: nothing useful to report.
    let _ = save(file_name, mime, &Array::of1(&JsValue::from_str(text)));
}

fn save(file_name: &str, mime: &str, parts: &Array) -> Option<()> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

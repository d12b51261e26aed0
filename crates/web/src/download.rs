//! Saving a table as a CSV file, or the schema as YAML, from the page's memory: a `blob:`
//! URL, never a request.

use wasm_bindgen::JsCast;

use c360::engine::write::to_csv_string;
use c360::engine::Table;

/// Offers `table` for download as `file_name`, written exactly as `c360 build` writes it.
pub fn download_csv(file_name: &str, table: &Table) {
    download_text(file_name, "text/csv;charset=utf-8", &to_csv_string(table));
}

/// Offers `text` for download as `file_name`, of media type `mime`.
pub fn download_text(file_name: &str, mime: &str, text: &str) {
    // Failing here means the browser lacks Blob or object URLs: nothing useful to report.
    let _ = save(file_name, mime, text);
}

fn save(file_name: &str, mime: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

//! The entries as files of the `c360` directory of the origin private file system.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemWritableFileStream,
};

use super::{get, wait, JsFailure, Result, NAME};

/// The OPFS root, when the browser has OPFS and lets the page write to it from the page's
/// thread (`createWritable`; some browsers offer OPFS writes only to workers).
pub(super) async fn opfs_root() -> Option<FileSystemDirectoryHandle> {
    let storage = get(&web_sys::window()?.navigator(), "storage");
    if storage.is_undefined() || !get(&storage, "getDirectory").is_function() {
        return None;
    }
    let handle = get(&js_sys::global(), "FileSystemFileHandle");
    if handle.is_undefined() || !get(&get(&handle, "prototype"), "createWritable").is_function() {
        return None;
    }
    let storage: web_sys::StorageManager = storage.unchecked_into();
    wait(storage.get_directory()).await.ok()?.dyn_into().ok()
}

pub(super) async fn opfs_dir(
    root: &FileSystemDirectoryHandle,
    create: bool,
) -> Result<Option<FileSystemDirectoryHandle>> {
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(create);
    match wait(root.get_directory_handle_with_options(NAME, &options)).await {
        Ok(dir) => Ok(Some(dir.unchecked_into())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) async fn opfs_write(
    dir: &FileSystemDirectoryHandle,
    key: &str,
    data: &JsValue,
) -> Result<()> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: FileSystemFileHandle = wait(dir.get_file_handle_with_options(key, &options))
        .await?
        .unchecked_into();
    let stream: FileSystemWritableFileStream =
        wait(handle.create_writable()).await?.unchecked_into();
    let written = match data.dyn_ref::<Blob>() {
        Some(blob) => stream.write_with_blob(blob),
        None => stream.write_with_str(&data.as_string().unwrap_or_default()),
    }
    .map_err(|e| JsFailure::of(&e));
    let written = match written {
        Ok(promise) => wait(promise).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match written {
        Ok(()) => wait(stream.close()).await.map(|_| ()),
        Err(e) => {
            // Nothing of a failed write is kept: the stream's swap file is discarded, and the
            // entry (empty: the bytes go to the swap file until `close`) is removed when the
            // browser has released its lock; if it has not yet, the next record written (which
            // deletes every entry it does not name) or Forget removes it.
            let _ = wait(stream.abort()).await;
            let _ = wait(dir.remove_entry(key)).await;
            Err(e)
        }
    }
}

pub(super) async fn opfs_read(dir: &FileSystemDirectoryHandle, key: &str) -> Result<Option<File>> {
    match wait(dir.get_file_handle(key)).await {
        Ok(handle) => {
            let handle: FileSystemFileHandle = handle.unchecked_into();
            Ok(Some(wait(handle.get_file()).await?.unchecked_into()))
        }
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub(super) async fn opfs_keys(dir: &FileSystemDirectoryHandle) -> Result<Vec<String>> {
    let keys = dir.keys();
    let mut out = Vec::new();
    loop {
        let next = wait(keys.next().map_err(|e| JsFailure::of(&e))?).await?;
        if get(&next, "done").is_truthy() {
            return Ok(out);
        }
        if let Some(key) = get(&next, "value").as_string() {
            out.push(key);
        }
    }
}

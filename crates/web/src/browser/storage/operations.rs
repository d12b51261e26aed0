//! What the queue does, on whichever backend the browser has: store a file, write or remove
//! the record, delete everything, read everything back.

use std::collections::HashSet;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, FilePropertyBag, FileSystemRemoveOptions};

use crate::state::format;
use crate::state::saved_session::{RestoreError, SavedFile, SavedSession, StorageProblem};

use super::idb::{idb_exists, idb_factory, idb_keys, idb_open, idb_read, idb_write, request};
use super::opfs::{opfs_dir, opfs_keys, opfs_read, opfs_root, opfs_write};
use super::{backend, get, wait, Backend, JsFailure, Result, NAME, SESSION};

/// Stores one of the user's files under `key`, unless it is stored already (the same key is
/// the same file: rewriting it would only make the `File`s read from it unreadable).
pub(super) async fn write_file(key: &str, file: &File) -> Result<()> {
    let whole = |stored: Option<f64>| stored == Some(file.size());
    match backend().await? {
        Backend::Opfs(root) => {
            let dir = opfs_dir(&root, true)
                .await?
                .ok_or_else(|| JsFailure::new("no c360 directory"))?;
            if whole(opfs_read(&dir, key).await?.map(|f| f.size())) {
                return Ok(());
            }
            opfs_write(&dir, key, file).await
        }
        Backend::Idb(factory) => {
            let db = idb_open(&factory).await?;
            let written = match idb_read(&db, key).await {
                Ok(stored) if whole(stored.dyn_ref::<Blob>().map(Blob::size)) => Ok(()),
                Ok(_) => idb_write(&db, &[(key, file)], &[]).await,
                Err(e) => Err(e),
            };
            db.close();
            written
        }
    }
}

/// Writes the record and deletes every stored file it does not name.
pub(super) async fn write_session(session: &SavedSession) -> Result<()> {
    let json = JsValue::from_str(&session.to_json());
    let keep: HashSet<String> = session.keys().into_iter().collect();
    let stale = |keys: Vec<String>| -> Vec<String> {
        keys.into_iter()
            .filter(|k| k != SESSION && !keep.contains(k))
            .collect()
    };
    match backend().await? {
        Backend::Opfs(root) => {
            let dir = opfs_dir(&root, true)
                .await?
                .ok_or_else(|| JsFailure::new("no c360 directory"))?;
            opfs_write(&dir, SESSION, &json).await?;
            for key in stale(opfs_keys(&dir).await?) {
                wait(dir.remove_entry(&key)).await?;
            }
            Ok(())
        }
        Backend::Idb(factory) => {
            let db = idb_open(&factory).await?;
            let written = match idb_keys(&db).await {
                Ok(keys) => idb_write(&db, &[(SESSION, &json)], &stale(keys)).await,
                Err(e) => Err(e),
            };
            db.close();
            written
        }
    }
}

/// Removes the record (a file it names could not be stored).
pub(super) async fn remove_session() -> Result<()> {
    // Without storage there is no record to remove.
    let Ok(backend) = backend().await else {
        return Ok(());
    };
    match backend {
        Backend::Opfs(root) => match opfs_dir(&root, false).await? {
            Some(dir) => match wait(dir.remove_entry(SESSION)).await {
                Err(e) if !e.is_not_found() => Err(e),
                _ => Ok(()),
            },
            None => Ok(()),
        },
        Backend::Idb(factory) => {
            if !idb_exists(&factory).await? {
                return Ok(());
            }
            let db = idb_open(&factory).await?;
            let removed = idb_write(&db, &[], &[SESSION.to_string()]).await;
            db.close();
            removed
        }
    }
}

/// Deletes everything c360 stored: the OPFS directory, the IndexedDB database (whichever was
/// used: both are deleted) and any `c360` key of localStorage.
pub(super) async fn delete_everything() -> Result<()> {
    if let Some(root) = opfs_root().await {
        let options = FileSystemRemoveOptions::new();
        options.set_recursive(true);
        match wait(root.remove_entry_with_options(NAME, &options)).await {
            Err(e) if !e.is_not_found() => return Err(e),
            _ => {}
        }
    }
    if let Ok(factory) = idb_factory() {
        let delete = factory
            .delete_database(NAME)
            .map_err(|e| JsFailure::of(&e))?;
        delete.set_onblocked(Some(
            Closure::once_into_js(move || {
                web_sys::console::warn_1(
                    &"c360: deleting the database waits for another c360 tab to close it".into(),
                );
            })
            .unchecked_ref(),
        ));
        request(&delete).await?;
    }
    if let Some(local) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let keys: Vec<String> = (0..local.length().unwrap_or(0))
            .filter_map(|i| local.key(i).ok().flatten())
            .filter(|k| k.starts_with(NAME))
            .collect();
        for key in keys {
            local.remove_item(&key).map_err(|e| JsFailure::of(&e))?;
        }
    }
    Ok(())
}

/// A kept session: its record, and each file it names with the stored bytes.
pub type Restored = (SavedSession, Vec<(SavedFile, File)>);

/// What storage holds: whether anything at all, and the record with its files.
pub(super) struct Found {
    pub(super) anything: bool,
    pub(super) session: Option<std::result::Result<Restored, RestoreError>>,
}

pub(super) async fn read_everything() -> Result<Found> {
    let nothing = Found {
        anything: false,
        session: None,
    };
    let restore_error = |e: JsFailure| RestoreError::Storage {
        message: e.to_string(),
    };
    // A browser with no storage at all can have kept nothing: a first visit, not a failure
    // (a write, if one is tried, says why it failed).
    let Ok(backend) = backend().await else {
        return Ok(nothing);
    };
    match backend {
        Backend::Opfs(root) => {
            let Some(dir) = opfs_dir(&root, false).await? else {
                return Ok(nothing);
            };
            let anything = !opfs_keys(&dir).await?.is_empty();
            let Some(record) = opfs_read(&dir, SESSION).await? else {
                return Ok(Found {
                    anything,
                    session: None,
                });
            };
            let session = async {
                let text = wait(record.text()).await.map_err(restore_error)?;
                let saved = SavedSession::from_json(&text.as_string().unwrap_or_default())?;
                let mut files = Vec::new();
                for file in &saved.files {
                    let stored = opfs_read(&dir, &file.key()).await.map_err(restore_error)?;
                    file.check(stored.as_ref().map(|f| f.size() as u64))?;
                    if let Some(stored) = stored {
                        files.push((file.clone(), named(&stored, file).map_err(restore_error)?));
                    }
                }
                Ok((saved, files))
            }
            .await;
            Ok(Found {
                anything,
                session: Some(session),
            })
        }
        Backend::Idb(factory) => {
            if !idb_exists(&factory).await? {
                return Ok(nothing);
            }
            let db = idb_open(&factory).await?;
            let found = async {
                let anything = !idb_keys(&db).await?.is_empty();
                let record = idb_read(&db, SESSION).await?;
                let Some(text) = record.as_string() else {
                    return Ok(Found {
                        anything,
                        session: None,
                    });
                };
                let session = async {
                    let saved = SavedSession::from_json(&text)?;
                    let mut files = Vec::new();
                    for file in &saved.files {
                        let stored = idb_read(&db, &file.key()).await.map_err(restore_error)?;
                        let stored = stored.dyn_into::<Blob>().ok();
                        file.check(stored.as_ref().map(|b| b.size() as u64))?;
                        if let Some(blob) = stored {
                            files.push((file.clone(), named(&blob, file).map_err(restore_error)?));
                        }
                    }
                    Ok((saved, files))
                }
                .await;
                Ok(Found {
                    anything,
                    session: Some(session),
                })
            }
            .await;
            db.close();
            found
        }
    }
}

/// The stored bytes as a `File` of the user's name and modification time (a `File` made of
/// a `Blob` references its bytes; nothing is copied).
pub(super) fn named(blob: &Blob, file: &SavedFile) -> Result<File> {
    let options = FilePropertyBag::new();
    options.set_last_modified(file.last_modified as f64);
    File::new_with_blob_sequence_and_options(&Array::of1(blob), &file.name, &options)
        .map_err(|e| JsFailure::of(&e))
}

/// How full the site's storage is, in words, when the browser says.
pub(super) async fn usage() -> Option<String> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate = wait(storage.estimate().ok()?).await.ok()?;
    let used = get(&estimate, "usage").as_f64()?;
    let quota = get(&estimate, "quota").as_f64()?;
    Some(format!(
        "this site uses {} of the {} the browser allows it",
        format::bytes(used as usize),
        format::bytes(quota as usize)
    ))
}

/// A failed write in words: what was being stored, and why it failed.
pub(super) async fn not_kept(what: &str, size: Option<u64>, failure: &JsFailure) -> StorageProblem {
    let needed = size
        .map(|s| format!(" ({})", format::bytes(s as usize)))
        .unwrap_or_default();
    let message = if failure.name == "QuotaExceededError" {
        let usage = usage().await.map(|u| format!("; {u}")).unwrap_or_default();
        format!(
            "The browser's storage quota for this site is exceeded: storing {what}{needed} \
             failed ({failure}){usage}"
        )
    } else {
        format!("Storing {what}{needed} failed: {failure}")
    };
    StorageProblem::NotKept(message)
}

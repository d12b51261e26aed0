//! Where a session is kept in the browser: the origin private file system (OPFS) when the
//! browser has it, IndexedDB where it does not. Both hold the same entries: `session.json`
//! (the [`SavedSession`] record) and each of the user's files under its [`SavedFile::key`],
//! written once when it is loaded. In OPFS they are files of a `c360` directory; in IndexedDB,
//! values (a `File` is structured-clonable) of the `entries` store of the `c360` database.
//!
//! Every write and the Forget are queued and done one at a time, in order, so a record is
//! never written before the files it names and a Forget deletes everything written before
//! it. A failed write (the quota, most often) is reported through [`Keeping::problem`],
//! never dropped; a record naming a file that could not be stored is not written (and an
//! older record is removed), so a reload never restores a session with a file missing.
//!
//! This module is the storage only; what to keep and when is [`crate::state::saved_session`]'s.
//!
//! Four parts, from the browser up: [`opfs`] and [`idb`], the two backends; [`operations`], what
//! is done on whichever the browser has (store a file, write or remove the record, delete or read
//! everything); [`queue`], the [`Keeper`] that runs them one at a time. This file holds what they
//! share: the names, the browser's refusals ([`JsFailure`]) and the choice of backend.
//!
//! [`SavedSession`]: crate::state::saved_session::SavedSession
//! [`SavedFile::key`]: crate::state::saved_session::SavedFile::key
//! [`Keeping::problem`]: crate::state::saved_session::Keeping::problem

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FileSystemDirectoryHandle, IdbFactory};

mod idb;
mod operations;
mod opfs;
mod queue;

use self::idb::idb_factory;
use self::opfs::opfs_root;
pub use self::queue::{restored_inputs, Keeper};

/// The OPFS directory and the IndexedDB database.
const NAME: &str = "c360";
/// The IndexedDB object store.
const STORE: &str = "entries";
/// The record's entry.
const SESSION: &str = "session.json";

/// Why the browser refused a storage operation, as it said it.
#[derive(Clone, Debug)]
struct JsFailure {
    /// The `DOMException`'s name: `QuotaExceededError`, `NotFoundError` …
    name: String,
    message: String,
}

impl JsFailure {
    fn of(value: &JsValue) -> JsFailure {
        let text = |key: &str| {
            Reflect::get(value, &key.into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let (name, message) = (text("name"), text("message"));
        if name.is_empty() && message.is_empty() {
            let message = value.as_string().unwrap_or_else(|| format!("{value:?}"));
            JsFailure {
                name: "Error".into(),
                message,
            }
        } else {
            JsFailure { name, message }
        }
    }

    fn new(message: impl Into<String>) -> JsFailure {
        JsFailure {
            name: "Error".into(),
            message: message.into(),
        }
    }

    fn is_not_found(&self) -> bool {
        self.name == "NotFoundError"
    }
}

impl std::fmt::Display for JsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.name)
        } else {
            write!(f, "{}: {}", self.name, self.message)
        }
    }
}

type Result<T> = std::result::Result<T, JsFailure>;

async fn wait(promise: Promise) -> Result<JsValue> {
    JsFuture::from(promise).await.map_err(|e| JsFailure::of(&e))
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Where the entries are.
enum Backend {
    /// The OPFS root (the `c360` directory is under it).
    Opfs(FileSystemDirectoryHandle),
    /// IndexedDB.
    Idb(IdbFactory),
}
async fn backend() -> Result<Backend> {
    match opfs_root().await {
        Some(root) => Ok(Backend::Opfs(root)),
        None => Ok(Backend::Idb(idb_factory()?)),
    }
}

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

use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

use js_sys::{Array, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, File, FilePropertyBag, FileSystemDirectoryHandle, FileSystemFileHandle,
    FileSystemGetDirectoryOptions, FileSystemGetFileOptions, FileSystemRemoveOptions,
    FileSystemWritableFileStream, IdbDatabase, IdbFactory, IdbObjectStore, IdbOpenDbRequest,
    IdbRequest, IdbTransaction, IdbTransactionMode,
};

use crate::state::format;
use crate::state::inputs::Slot;
use crate::state::saved_session::{
    AfterRun, Keeping, RestoreError, SavedFile, SavedSession, StorageProblem,
};

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

/// The OPFS root, when the browser has OPFS and lets the page write to it from the page's
/// thread (`createWritable`; some browsers offer OPFS writes only to workers).
async fn opfs_root() -> Option<FileSystemDirectoryHandle> {
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

fn idb_factory() -> Result<IdbFactory> {
    web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| {
            JsFailure::new("this browser has neither the origin private file system nor IndexedDB")
        })
}

async fn backend() -> Result<Backend> {
    match opfs_root().await {
        Some(root) => Ok(Backend::Opfs(root)),
        None => Ok(Backend::Idb(idb_factory()?)),
    }
}

// ---- OPFS ----

async fn opfs_dir(
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

async fn opfs_write(dir: &FileSystemDirectoryHandle, key: &str, data: &JsValue) -> Result<()> {
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

async fn opfs_read(dir: &FileSystemDirectoryHandle, key: &str) -> Result<Option<File>> {
    match wait(dir.get_file_handle(key)).await {
        Ok(handle) => {
            let handle: FileSystemFileHandle = handle.unchecked_into();
            Ok(Some(wait(handle.get_file()).await?.unchecked_into()))
        }
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

async fn opfs_keys(dir: &FileSystemDirectoryHandle) -> Result<Vec<String>> {
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

// ---- IndexedDB ----

/// A request's result, or its error, as a future.
async fn request(req: &IdbRequest) -> Result<JsValue> {
    let req = req.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let done = req.clone();
        req.set_onsuccess(Some(
            Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
            })
            .unchecked_ref(),
        ));
        let failed = req.clone();
        req.set_onerror(Some(
            Closure::once_into_js(move || {
                let _ = reject.call1(&JsValue::NULL, &get(&failed, "error"));
            })
            .unchecked_ref(),
        ));
    });
    wait(promise).await
}

/// A read-write transaction's end: complete, or why it aborted (a `QuotaExceededError`
/// arrives here).
async fn committed(tx: &IdbTransaction) -> Result<()> {
    let tx = tx.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(
            Closure::once_into_js(move || {
                let _ = resolve.call0(&JsValue::NULL);
            })
            .unchecked_ref(),
        ));
        let aborted = tx.clone();
        tx.set_onabort(Some(
            Closure::once_into_js(move || {
                let error = get(&aborted, "error");
                let error = if error.is_null() || error.is_undefined() {
                    JsValue::from_str("the transaction was aborted")
                } else {
                    error
                };
                let _ = reject.call1(&JsValue::NULL, &error);
            })
            .unchecked_ref(),
        ));
    });
    wait(promise).await.map(|_| ())
}

/// Whether the database exists, where the browser can say (`indexedDB.databases()`), so
/// that looking for a session never creates one.
async fn idb_exists(factory: &IdbFactory) -> Result<bool> {
    let databases = get(factory, "databases");
    let Some(databases) = databases.dyn_ref::<js_sys::Function>() else {
        return Ok(true);
    };
    let list = databases.call0(factory).map_err(|e| JsFailure::of(&e))?;
    let list = wait(list.unchecked_into()).await?;
    Ok(Array::from(&list)
        .iter()
        .any(|db| get(&db, "name").as_string().as_deref() == Some(NAME)))
}

async fn idb_open(factory: &IdbFactory) -> Result<IdbDatabase> {
    let open: IdbOpenDbRequest = factory
        .open_with_u32(NAME, 1)
        .map_err(|e| JsFailure::of(&e))?;
    let upgrading = open.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result() {
            let _ = db
                .unchecked_into::<IdbDatabase>()
                .create_object_store(STORE);
        }
    });
    open.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(request(&open).await?.unchecked_into())
}

fn idb_store(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore)> {
    let tx = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(|e| JsFailure::of(&e))?;
    let store = tx.object_store(STORE).map_err(|e| JsFailure::of(&e))?;
    Ok((tx, store))
}

async fn idb_read(db: &IdbDatabase, key: &str) -> Result<JsValue> {
    let (_, store) = idb_store(db, IdbTransactionMode::Readonly)?;
    request(&store.get(&key.into()).map_err(|e| JsFailure::of(&e))?).await
}

async fn idb_keys(db: &IdbDatabase) -> Result<Vec<String>> {
    let (_, store) = idb_store(db, IdbTransactionMode::Readonly)?;
    let keys = request(&store.get_all_keys().map_err(|e| JsFailure::of(&e))?).await?;
    Ok(Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .collect())
}

/// Puts entries and deletes others, in one transaction.
async fn idb_write(db: &IdbDatabase, put: &[(&str, &JsValue)], delete: &[String]) -> Result<()> {
    let (tx, store) = idb_store(db, IdbTransactionMode::Readwrite)?;
    for (key, value) in put {
        store
            .put_with_key(value, &(*key).into())
            .map_err(|e| JsFailure::of(&e))?;
    }
    for key in delete {
        store.delete(&key.into()).map_err(|e| JsFailure::of(&e))?;
    }
    committed(&tx).await
}

// ---- The operations ----

/// Stores one of the user's files under `key`, unless it is stored already (the same key is
/// the same file: rewriting it would only make the `File`s read from it unreadable).
async fn write_file(key: &str, file: &File) -> Result<()> {
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
async fn write_session(session: &SavedSession) -> Result<()> {
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
async fn remove_session() -> Result<()> {
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
async fn delete_everything() -> Result<()> {
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
struct Found {
    anything: bool,
    session: Option<std::result::Result<Restored, RestoreError>>,
}

async fn read_everything() -> Result<Found> {
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
fn named(blob: &Blob, file: &SavedFile) -> Result<File> {
    let options = FilePropertyBag::new();
    options.set_last_modified(file.last_modified as f64);
    File::new_with_blob_sequence_and_options(&Array::of1(blob), &file.name, &options)
        .map_err(|e| JsFailure::of(&e))
}

/// How full the site's storage is, in words, when the browser says.
async fn usage() -> Option<String> {
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
async fn not_kept(what: &str, size: Option<u64>, failure: &JsFailure) -> StorageProblem {
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

// ---- The queue ----

type Job = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    static QUEUE: RefCell<VecDeque<Job>> = const { RefCell::new(VecDeque::new()) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    /// The keys of files whose write failed: a record naming one is not written.
    static UNSTORED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Runs `job` after every job queued before it.
fn enqueue(job: impl Future<Output = ()> + 'static) {
    QUEUE.with_borrow_mut(|q| q.push_back(Box::pin(job)));
    if DRAINING.replace(true) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        while let Some(job) = QUEUE.with_borrow_mut(|q| q.pop_front()) {
            job.await;
        }
        DRAINING.set(false);
    });
}

/// The page's handle on what c360 keeps in this browser.
#[derive(Clone, Copy)]
pub struct Keeper(RwSignal<Keeping>);

impl Default for Keeper {
    fn default() -> Keeper {
        Keeper(RwSignal::new(Keeping::default()))
    }
}

impl Keeper {
    /// What is kept, for views.
    pub fn state(&self) -> RwSignal<Keeping> {
        self.0
    }

    /// Looks for a kept session: its record and files, when there is one and it is whole.
    /// A session that cannot be read back is reported, and `None` returned.
    pub async fn restore(&self) -> Option<Restored> {
        let found = read_everything().await;
        let state = self.0;
        match found {
            Err(failure) => {
                state.update(|k| {
                    k.problem = Some(StorageProblem::NotRestored(RestoreError::Storage {
                        message: failure.to_string(),
                    }))
                });
                None
            }
            Ok(Found { anything, session }) => {
                state.update(|k| k.kept = anything);
                match session? {
                    Ok((saved, files)) => {
                        let notice = saved.notice(js_sys::Date::now() as i64);
                        state.update(|k| {
                            k.restored = Some(notice);
                            k.last = Some(saved.clone());
                        });
                        Some((saved, files))
                    }
                    Err(why) => {
                        state.update(|k| k.problem = Some(StorageProblem::NotRestored(why)));
                        None
                    }
                }
            }
        }
    }

    /// Stores a file the user loaded.
    pub fn keep_file(&self, saved: SavedFile, file: File) {
        let state = self.0;
        enqueue(async move {
            let key = saved.key();
            let result = write_file(&key, &file).await;
            state.update(|k| k.kept = true);
            match result {
                Ok(()) => {
                    UNSTORED.with_borrow_mut(|u| u.remove(&key));
                }
                Err(failure) => {
                    UNSTORED.with_borrow_mut(|u| u.insert(key));
                    let problem = not_kept(&saved.name, Some(saved.size), &failure).await;
                    state.update(|k| k.problem = Some(problem));
                }
            }
        });
    }

    /// Keeps the settings of run number `seq` (or forgets, or does nothing: see
    /// [`Keeping::after_run`]).
    pub fn after_run(&self, session: SavedSession, seq: u64) {
        let state = self.0;
        let caught_up = move || state.update(|k| k.caught_up = k.caught_up.max(seq));
        match state.with_untracked(|k| k.after_run(session)) {
            AfterRun::Nothing => caught_up(),
            AfterRun::Forget => enqueue(async move {
                forget_now(state).await;
                caught_up();
            }),
            AfterRun::Keep(session) => enqueue(async move {
                let unstored = UNSTORED.with_borrow(|u| {
                    session
                        .files
                        .iter()
                        .find(|f| u.contains(&f.key()))
                        .map(|f| f.name.clone())
                });
                if let Some(name) = unstored {
                    // The problem is already shown (the file's write failed); an older record
                    // must not come back on reload either.
                    if let Err(failure) = remove_session().await {
                        let problem =
                            not_kept(&format!("the session without {name}"), None, &failure).await;
                        state.update(|k| k.problem = Some(problem));
                    }
                    state.update(|k| k.last = None);
                } else {
                    let result = write_session(&session).await;
                    state.update(|k| k.kept = true);
                    match result {
                        Ok(()) => state.update(|k| k.last = Some(session)),
                        Err(failure) => {
                            let problem = not_kept("the session's settings", None, &failure).await;
                            state.update(|k| {
                                k.last = None;
                                k.problem = Some(problem);
                            });
                        }
                    }
                }
                caught_up();
            }),
        }
    }

    /// Deletes everything kept, after whatever writes are queued.
    pub fn forget(&self) {
        let state = self.0;
        state.update(|k| k.forgetting = true);
        enqueue(forget_now(state));
    }
}

async fn forget_now(state: RwSignal<Keeping>) {
    let result = delete_everything().await;
    UNSTORED.with_borrow_mut(HashSet::clear);
    state.update(|k| {
        k.forgetting = false;
        match result {
            Ok(()) => {
                k.kept = false;
                k.restored = None;
                k.last = None;
            }
            Err(failure) => {
                k.problem = Some(StorageProblem::NotForgotten(format!(
                    "The browser refused to delete it: {failure}"
                )))
            }
        }
    });
}

/// The sources restored files become, each `File` kept by `keep` (which gives its token).
pub fn restored_inputs(
    files: Vec<(SavedFile, File)>,
    keep: impl Fn(File) -> u64,
) -> Vec<(Slot, crate::state::inputs::SourceInput)> {
    files
        .into_iter()
        .map(|(saved, file)| (saved.slot, saved.input(keep(file))))
        .collect()
}

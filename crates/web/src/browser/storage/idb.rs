//! The entries as values of the `entries` store of the `c360` IndexedDB database (where the
//! browser has no OPFS the page may write to).

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    IdbDatabase, IdbFactory, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

use super::{get, wait, JsFailure, Result, NAME, STORE};

pub(super) fn idb_factory() -> Result<IdbFactory> {
    web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| {
            JsFailure::new("this browser has neither the origin private file system nor IndexedDB")
        })
}

/// A request's result, or its error, as a future.
pub(super) async fn request(req: &IdbRequest) -> Result<JsValue> {
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
pub(super) async fn committed(tx: &IdbTransaction) -> Result<()> {
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
pub(super) async fn idb_exists(factory: &IdbFactory) -> Result<bool> {
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

pub(super) async fn idb_open(factory: &IdbFactory) -> Result<IdbDatabase> {
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

pub(super) fn idb_store(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore)> {
    let tx = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(|e| JsFailure::of(&e))?;
    let store = tx.object_store(STORE).map_err(|e| JsFailure::of(&e))?;
    Ok((tx, store))
}

pub(super) async fn idb_read(db: &IdbDatabase, key: &str) -> Result<JsValue> {
    let (_, store) = idb_store(db, IdbTransactionMode::Readonly)?;
    request(&store.get(&key.into()).map_err(|e| JsFailure::of(&e))?).await
}

pub(super) async fn idb_keys(db: &IdbDatabase) -> Result<Vec<String>> {
    let (_, store) = idb_store(db, IdbTransactionMode::Readonly)?;
    let keys = request(&store.get_all_keys().map_err(|e| JsFailure::of(&e))?).await?;
    Ok(Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .collect())
}

/// Puts entries and deletes others, in one transaction.
pub(super) async fn idb_write(
    db: &IdbDatabase,
    put: &[(&str, &JsValue)],
    delete: &[String],
) -> Result<()> {
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

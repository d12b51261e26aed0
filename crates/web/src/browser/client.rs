//! The page's side of the worker: it starts the worker, queues what the page sends until the
//! worker says `Ready` (a message posted to a wasm worker before its module has loaded is
//! lost), gives every request an id and hands each answer to the callback of its request.
//!
//! The user's `File`s stay here, under a token, until a request names them: then they are
//! posted beside the JSON (a `File` is a handle; posting it copies no bytes).
//!
//! How a change to the runs posts the run it queued is `handles.rs`'s (it sends through here).

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, MessageEvent, Worker};

use c360_worker::protocol::{PageRequest, Request, RequestBody, Response, ResponseBody, TablePage};

/// What a request's answers go to: every one, with a download chunk's bytes.
type Handler = Box<dyn FnMut(Response, Option<Uint8Array>)>;

struct Client {
    worker: Worker,
    ready: bool,
    /// Messages posted before `Ready`.
    queue: Vec<JsValue>,
    next_id: u64,
    handlers: HashMap<u64, Handler>,
    files: HashMap<u64, File>,
    next_token: u64,
    /// Where answers that belong to no request go (the worker's `Ready`, its complaint about
    /// an unreadable message).
    on_unrequested: Option<Box<dyn Fn(Response)>>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// The worker's script, loaded from the site's own files: Trunk writes `c360-worker.js` (the
/// wasm-bindgen glue, no-modules target) and `c360-worker_bg.wasm` beside `index.html`.
fn spawn_worker() -> Result<Worker, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let base = document.base_uri()?.unwrap_or_default();
    let script = web_sys::Url::new_with_base("c360-worker.js", &base)?.href();
    let wasm = web_sys::Url::new_with_base("c360-worker_bg.wasm", &base)?.href();
    let source = format!("importScripts({script:?});wasm_bindgen({{ module_or_path: {wasm:?} }});");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&source.into()), &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    Worker::new(&url)
}

/// Starts the worker. `on_unrequested` gets `Ready` and any answer without a request.
pub fn start(on_unrequested: impl Fn(Response) + 'static) -> Result<(), String> {
    let worker = spawn_worker().map_err(|e| format!("{e:?}"))?;
    let onmessage = Closure::<dyn Fn(MessageEvent)>::new(receive);
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    CLIENT.with_borrow_mut(|c| {
        *c = Some(Client {
            worker,
            ready: false,
            queue: Vec::new(),
            next_id: 1,
            handlers: HashMap::new(),
            files: HashMap::new(),
            next_token: 1,
            on_unrequested: Some(Box::new(on_unrequested)),
        })
    });
    Ok(())
}

fn receive(event: MessageEvent) {
    let data = event.data();
    let Some(json) = Reflect::get(&data, &"json".into())
        .ok()
        .and_then(|j| j.as_string())
    else {
        return;
    };
    let bytes = Reflect::get(&data, &"bytes".into())
        .ok()
        .and_then(|b| b.dyn_into::<Uint8Array>().ok());
    let response = match Response::from_json(&json) {
        Ok(r) => r,
        Err(e) => {
            web_sys::console::error_1(
                &format!("c360: unreadable message from the worker: {e}").into(),
            );
            return;
        }
    };
    if matches!(response.body, ResponseBody::Ready) {
        let queued = CLIENT.with_borrow_mut(|c| {
            let c = c.as_mut()?;
            c.ready = true;
            Some((c.worker.clone(), std::mem::take(&mut c.queue)))
        });
        if let Some((worker, queued)) = queued {
            for message in queued {
                let _ = worker.post_message(&message);
            }
        }
    }
    // The handler runs outside the borrow: it may send requests of its own.
    let id = response.id;
    let is_final = response.is_final();
    let handler = CLIENT.with_borrow_mut(|c| c.as_mut()?.handlers.remove(&id));
    match handler {
        Some(mut handler) => {
            handler(response, bytes);
            if !is_final {
                CLIENT.with_borrow_mut(|c| {
                    if let Some(c) = c.as_mut() {
                        c.handlers.entry(id).or_insert(handler);
                    }
                });
            }
        }
        None => {
            let unrequested = CLIENT.with_borrow_mut(|c| c.as_mut()?.on_unrequested.take());
            if let Some(on) = unrequested {
                on(response);
                CLIENT.with_borrow_mut(|c| {
                    if let Some(c) = c.as_mut() {
                        c.on_unrequested = Some(on);
                    }
                });
            }
        }
    }
}

/// Keeps a file the user chose; requests name it by the token returned.
pub fn keep_file(file: File) -> u64 {
    CLIENT.with_borrow_mut(|c| {
        let Some(c) = c.as_mut() else {
            return 0;
        };
        let token = c.next_token;
        c.next_token += 1;
        c.files.insert(token, file);
        token
    })
}

/// Sends a request (with the files of these tokens); `handler` gets every answer to it.
pub fn send(
    body: RequestBody,
    tokens: &[u64],
    handler: impl FnMut(Response, Option<Uint8Array>) + 'static,
) -> u64 {
    CLIENT.with_borrow_mut(|c| {
        let Some(c) = c.as_mut() else {
            return 0;
        };
        let id = c.next_id;
        c.next_id += 1;
        c.handlers.insert(id, Box::new(handler));
        let message = Object::new();
        let _ = Reflect::set(
            &message,
            &"json".into(),
            &Request { id, body }.to_json().into(),
        );
        let files = Array::new();
        for token in tokens {
            if let Some(file) = c.files.get(token) {
                files.push(&Array::of2(&(*token as f64).into(), file));
            }
        }
        let _ = Reflect::set(&message, &"files".into(), &files);
        if c.ready {
            let _ = c.worker.post_message(&message);
        } else {
            c.queue.push(message.into());
        }
        id
    })
}

/// Sends a request that gets one answer, and waits for it.
pub async fn ask(body: RequestBody, tokens: &[u64]) -> Response {
    let answer: std::rc::Rc<RefCell<Option<Response>>> = Default::default();
    let slot = answer.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let slot = slot.clone();
        send(body.clone(), tokens, move |response, _| {
            if response.is_final() {
                *slot.borrow_mut() = Some(response);
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    let response = answer.borrow_mut().take();
    response.unwrap_or(Response {
        id: 0,
        body: ResponseBody::Failed(c360_worker::protocol::Failure::BadRequest {
            message: "the worker is not running".into(),
        }),
    })
}

/// The `File` kept under a token.
pub fn file(token: u64) -> Option<File> {
    CLIENT.with_borrow(|c| c.as_ref()?.files.get(&token).cloned())
}

/// Asks the worker to stop a request.
pub fn cancel(request: u64) {
    send(RequestBody::Cancel { request }, &[], |_, _| {});
}

/// Asks for one page of a table; `on_page` gets it (a refused page is dropped: the view asks
/// again when it next changes).
pub fn page(request: PageRequest, on_page: impl Fn(TablePage) + 'static) {
    send(RequestBody::Page(request), &[], move |response, _| {
        if let ResponseBody::Done(c360_worker::protocol::Done::Page(page)) = response.body {
            on_page(page);
        }
    });
}

//! The page's side of the worker: it starts the worker, queues what the page sends until the
//! worker says `Ready` (a message posted to a wasm worker before its module has loaded is
//! lost), gives every request an id and hands each answer to the callback of its request.
//!
//! The user's `File`s stay here, under a token, until a request names them: then they are
//! posted beside the JSON (a `File` is a handle; posting it copies no bytes).
//!
//! How a change to the runs posts the run it queued is `handles.rs`'s (it sends through here).
//!
//! # When the worker dies
//!
//! A wasm trap (`panic = "abort"`, memory it cannot get) leaves the worker unable to answer.
//! The browser says so with the worker's `error` event (an uncaught exception in it, the trap
//! included) or `messageerror` (a message that cannot be read); a wasm module that fails to
//! load is turned into an `error` too (the bootstrap re-throws it). On either, the client
//! terminates the worker, tells the page (`on_crash`, with what was waiting: the runs decide
//! what follows, [`crate::state::recovery`]) and then answers every request still waiting
//! with `Failure::WorkerStopped`, so that nothing waits for ever. The next request starts a
//! new worker and posts again the files it names: the `File` handles stay here.
//!
//! # The test-only crash
//!
//! Opened with `c360-test-crash` in its address's query (`/?c360-test-crash`), and only then,
//! the page installs `window.__c360_test_crash(times)`: it sends the worker the protocol's
//! `Crash` request now, and after each of the next `times - 1` run requests (so that the
//! re-run crashes too). A hook on a flag, not a button: normal use never sends it, and a
//! browser test can crash the worker at the moment it chooses.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, File, MessageEvent, Worker};

use c360_worker::protocol::{
    Failure, PageRequest, Request, RequestBody, Response, ResponseBody, TablePage,
};

use crate::state::recovery::Crash;

/// What a request's answers go to: every one, with a download chunk's bytes.
type Handler = Box<dyn FnMut(Response, Option<Uint8Array>)>;

/// A worker and its listeners (dropped with it).
struct Running {
    worker: Worker,
    _listeners: [Closure<dyn Fn(Event)>; 3],
}

struct Client {
    /// `None` after a crash, until the next request starts a new one.
    running: Option<Running>,
    /// Which worker is the current one: events of a terminated one are ignored.
    generation: u64,
    ready: bool,
    /// Messages posted before `Ready`.
    queue: Vec<JsValue>,
    next_id: u64,
    /// What each request waiting for an answer is, in words, and where its answers go.
    handlers: HashMap<u64, (&'static str, Handler)>,
    files: HashMap<u64, File>,
    next_token: u64,
    /// Where answers that belong to no request go (the worker's `Ready`, its complaint about
    /// an unreadable message).
    on_unrequested: Option<Box<dyn Fn(Response)>>,
    /// Told when the worker dies, before its waiting requests are failed.
    on_crash: Option<Box<dyn Fn(Crash)>>,
    /// Test-only: crashes still to cause after run requests (see the module's docs).
    test_crashes: u32,
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
    // A module that fails to load is an uncaught error in the worker, so that the page hears
    // of it as of any other crash.
    let source = format!(
        "importScripts({script:?});wasm_bindgen({{ module_or_path: {wasm:?} }})\
         .catch(e => setTimeout(() => {{ throw e; }}));"
    );
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&source.into()), &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    Worker::new(&url)
}

/// A new worker, listened to: its answers, its crash.
fn run_worker(generation: u64) -> Result<Running, JsValue> {
    let worker = spawn_worker()?;
    let onmessage = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        if current(generation) {
            receive(event.unchecked_into());
        }
    });
    let onerror = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        // Handled here: not also reported as the page's own uncaught error.
        event.prevent_default();
        let message = event
            .dyn_ref::<ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "the worker failed without a message".to_string());
        crashed(generation, message);
    });
    let onmessageerror = Closure::<dyn Fn(Event)>::new(move |_| {
        crashed(
            generation,
            "a message from the worker could not be read".to_string(),
        );
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(onmessageerror.as_ref().unchecked_ref()));
    Ok(Running {
        worker,
        _listeners: [onmessage, onerror, onmessageerror],
    })
}

fn current(generation: u64) -> bool {
    CLIENT.with_borrow(|c| c.as_ref().is_some_and(|c| c.generation == generation))
}

/// Starts the worker. `on_unrequested` gets `Ready` and any answer without a request;
/// `on_crash` is told when the worker dies (its waiting requests are then failed).
pub fn start(
    on_unrequested: impl Fn(Response) + 'static,
    on_crash: impl Fn(Crash) + 'static,
) -> Result<(), String> {
    let running = run_worker(1).map_err(|e| format!("{e:?}"))?;
    CLIENT.with_borrow_mut(|c| {
        *c = Some(Client {
            running: Some(running),
            generation: 1,
            ready: false,
            queue: Vec::new(),
            next_id: 1,
            handlers: HashMap::new(),
            files: HashMap::new(),
            next_token: 1,
            on_unrequested: Some(Box::new(on_unrequested)),
            on_crash: Some(Box::new(on_crash)),
            test_crashes: 0,
        })
    });
    install_test_crash();
    Ok(())
}

/// The worker of `generation` died: drop it, tell the page, fail what waited for it.
fn crashed(generation: u64, message: String) {
    let taken = CLIENT.with_borrow_mut(|c| {
        // Once per worker: a dead worker's later events (a second error queued before it was
        // terminated) are not another crash.
        let c = c
            .as_mut()
            .filter(|c| c.generation == generation && c.running.is_some())?;
        let running = c.running.take();
        c.ready = false;
        c.queue.clear();
        let mut waiting: Vec<_> = c.handlers.drain().collect();
        waiting.sort_by_key(|(id, _)| *id);
        Some((running, waiting, c.on_crash.take()))
    });
    let Some((running, waiting, on_crash)) = taken else {
        return;
    };
    if let Some(running) = running {
        running.worker.terminate();
        // Its listeners are not dropped: this runs inside one of them. A few bytes per crash.
        std::mem::forget(running);
    }
    web_sys::console::warn_1(&format!("c360: the worker crashed: {message}").into());
    if let Some(on_crash) = on_crash {
        on_crash(Crash {
            message: message.clone(),
            waiting: waiting
                .iter()
                .map(|(_, (what, _))| what.to_string())
                .collect(),
        });
        CLIENT.with_borrow_mut(|c| {
            if let Some(c) = c.as_mut() {
                c.on_crash = Some(on_crash);
            }
        });
    }
    for (id, (_, mut handler)) in waiting {
        handler(
            Response {
                id,
                body: ResponseBody::Failed(Failure::WorkerStopped {
                    message: message.clone(),
                }),
            },
            None,
        );
    }
}

/// Test-only: installs `window.__c360_test_crash(times)` when the page's address has the
/// `c360-test-crash` flag (see the module's docs).
fn install_test_crash() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let flagged = window.location().search().is_ok_and(|q| {
        q.trim_start_matches('?')
            .split('&')
            .any(|p| p == "c360-test-crash")
    });
    if !flagged {
        return;
    }
    let hook = Closure::<dyn Fn(JsValue)>::new(|times: JsValue| {
        let times = times.as_f64().map_or(1, |t| t.max(1.0) as u32);
        CLIENT.with_borrow_mut(|c| {
            if let Some(c) = c.as_mut() {
                c.test_crashes = times - 1;
            }
        });
        send(RequestBody::Crash, &[], |_, _| {});
    });
    let _ = Reflect::set(&window, &"__c360_test_crash".into(), hook.as_ref());
    hook.forget();
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
            let worker = c.running.as_ref()?.worker.clone();
            Some((worker, std::mem::take(&mut c.queue)))
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
        Some((what, mut handler)) => {
            handler(response, bytes);
            if !is_final {
                CLIENT.with_borrow_mut(|c| {
                    if let Some(c) = c.as_mut() {
                        c.handlers.entry(id).or_insert((what, handler));
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
    let is_run = matches!(body, RequestBody::Run(_));
    let sent = CLIENT.with_borrow_mut(|c| {
        let c = c.as_mut()?;
        let id = c.next_id;
        c.next_id += 1;
        c.handlers.insert(id, (body.describe(), Box::new(handler)));
        if c.running.is_none() {
            // The last worker crashed: this request starts a new one.
            c.generation += 1;
            match run_worker(c.generation) {
                Ok(running) => c.running = Some(running),
                Err(e) => return Some((id, Err(format!("{e:?}")))),
            }
        }
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
        c.post(message.into());
        // Test-only: the re-run crashes too (see the module's docs).
        if is_run && c.test_crashes > 0 {
            c.test_crashes -= 1;
            let crash_id = c.next_id;
            c.next_id += 1;
            c.handlers.insert(
                crash_id,
                (RequestBody::Crash.describe(), Box::new(|_, _| {})),
            );
            let message = Object::new();
            let json = Request {
                id: crash_id,
                body: RequestBody::Crash,
            }
            .to_json();
            let _ = Reflect::set(&message, &"json".into(), &json.into());
            c.post(message.into());
        }
        Some((id, Ok(())))
    });
    match sent {
        None => 0,
        Some((id, Ok(()))) => id,
        Some((id, Err(e))) => {
            // No worker could be started: this request fails at once, as a request the worker
            // could not take (not as a crash, which would start another).
            let handler = CLIENT.with_borrow_mut(|c| c.as_mut()?.handlers.remove(&id));
            if let Some((_, mut handler)) = handler {
                let body = ResponseBody::Failed(Failure::BadRequest {
                    message: format!("c360 could not start a new worker: {e}"),
                });
                handler(Response { id, body }, None);
            }
            id
        }
    }
}

impl Client {
    /// Posts a message now, or once the worker says `Ready`.
    fn post(&mut self, message: JsValue) {
        match &self.running {
            Some(running) if self.ready => {
                let _ = running.worker.post_message(&message);
            }
            _ => self.queue.push(message),
        }
    }
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

//! The worker's thin shell: `postMessage` in and out, the user's `File`s read in chunks with
//! `FileReaderSync` over `Blob.slice` (never copied whole), and a loop that does one step of
//! the current task at a time and yields to the event loop in between, so that a cancel or a
//! newer request is seen within one step.
//!
//! A message from the page is `{ json, files }`: the [`Request`] as JSON and `[token, File]`
//! pairs for the files it names. A message to the page is `{ json, bytes? }`: the
//! [`Response`] as JSON, and for a download's chunk its bytes, transferred, not copied.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageChannel, MessageEvent};
use web_time::Instant;

use crate::protocol::{
    Done, Failure, FileRef, Request, RequestBody, Response, ResponseBody, READY_ID,
};
use crate::session::{Download, FileAccess, Read, RunTask, Session, TaskStep};

/// How long the loop works before it yields: short enough that a message waits at most this
/// (plus one step) to be seen.
const SLICE_MS: u128 = 12;

/// The files the page has posted, by token, and the pieces of them read ahead.
#[derive(Default)]
struct Files {
    handles: HashMap<u64, File>,
    /// Pieces already read, waiting for the step that parses them.
    ready: HashMap<Read, Vec<u8>>,
    /// Pieces being read in the background (`Blob.arrayBuffer()`), at most a couple.
    reading: Vec<(Read, js_sys::Promise)>,
}

impl Files {
    fn slice(&self, read: &Read) -> Result<web_sys::Blob, String> {
        let handle = self
            .handles
            .get(&read.file.token)
            .ok_or_else(|| "the page did not pass this file to the worker".to_string())?;
        let end = read.offset + read.len as u64;
        handle
            .slice_with_f64_and_f64(read.offset as f64, end as f64)
            .map_err(describe)
    }

    /// Starts reading a piece in the background, unless it is read or being read.
    fn read_ahead(&mut self, read: Read) {
        if self.ready.contains_key(&read) || self.reading.iter().any(|(r, _)| *r == read) {
            return;
        }
        if let Ok(blob) = self.slice(&read) {
            self.reading.push((read, blob.array_buffer()));
        }
    }

    /// The promise of a piece being read, taken out of the list.
    fn take_reading(&mut self, read: &Read) -> Option<js_sys::Promise> {
        let at = self.reading.iter().position(|(r, _)| r == read)?;
        Some(self.reading.remove(at).1)
    }
}

impl FileAccess for Files {
    fn read(&mut self, file: &FileRef, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let read = Read {
            file: file.clone(),
            offset,
            len,
        };
        if let Some(bytes) = self.ready.remove(&read) {
            return Ok(bytes);
        }
        // Not read ahead (or that read failed): read it now, synchronously.
        let blob = self.slice(&read)?;
        let reader = FileReaderSync::new().map_err(describe)?;
        let buffer = reader.read_as_array_buffer(&blob).map_err(describe)?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    session: Session,
    files: Files,
    inbox: VecDeque<Request>,
    run: Option<RunTask>,
    downloads: VecDeque<(u64, Download)>,
    /// Whether the loop is going (it stops when there is nothing to do).
    looping: bool,
}

impl Worker {
    fn post(&self, response: Response, bytes: Option<Vec<u8>>) {
        let message = Object::new();
        let _ = Reflect::set(&message, &"json".into(), &response.to_json().into());
        let transfer = Array::new();
        if let Some(bytes) = bytes {
            let array = Uint8Array::from(bytes.as_slice());
            transfer.push(&array.buffer());
            let _ = Reflect::set(&message, &"bytes".into(), &array);
        }
        let _ = self.scope.post_message_with_transfer(&message, &transfer);
    }

    fn answer(&self, id: u64, body: ResponseBody) {
        self.post(Response { id, body }, None);
    }

    /// Handles one request: quick ones at once, long ones become the current task.
    fn handle(&mut self, request: Request) {
        let id = request.id;
        match request.body {
            RequestBody::Run(run) => {
                if let Some(old) = self.run.take() {
                    self.answer(old.id, ResponseBody::Cancelled);
                }
                match self.session.start(id, run) {
                    Ok(task) => self.run = Some(task),
                    Err(failure) => self.answer(id, ResponseBody::Failed(failure)),
                }
            }
            RequestBody::Cancel { request } => {
                if self.run.as_ref().is_some_and(|t| t.id == request) {
                    self.run = None;
                    self.answer(request, ResponseBody::Cancelled);
                } else if let Some(at) = self.downloads.iter().position(|(d, _)| *d == request) {
                    self.downloads.remove(at);
                    self.answer(request, ResponseBody::Cancelled);
                }
            }
            RequestBody::Page(page) => {
                let body = match self.session.page(&page) {
                    Ok(page) => ResponseBody::Done(Done::Page(page)),
                    Err(failure) => ResponseBody::Failed(failure),
                };
                self.answer(id, body);
            }
            RequestBody::Download { run, table } => match self.session.download(run, &table) {
                Ok(download) => self.downloads.push_back((id, download)),
                Err(failure) => self.answer(id, ResponseBody::Failed(failure)),
            },
            RequestBody::ExportCheck { run, policy } => {
                let body = match self
                    .session
                    .export_check(run, &policy, js_sys::Date::now() as i64)
                {
                    Ok(m) => ResponseBody::Done(Done::ExportCheck(Box::new(m))),
                    Err(failure) => ResponseBody::Failed(failure),
                };
                self.answer(id, body);
            }
            RequestBody::Export { run, policy, key } => {
                match self
                    .session
                    .export(run, &policy, &key, js_sys::Date::now() as i64)
                {
                    Ok(download) => self.downloads.push_back((id, download)),
                    Err(failure) => self.answer(id, ResponseBody::Failed(failure)),
                }
            }
            RequestBody::Inspect { file, delimiter } => {
                let body = match crate::session::inspect(&file, delimiter, &mut self.files) {
                    Ok(inspection) => ResponseBody::Done(Done::Inspect(Box::new(inspection))),
                    Err(failure) => ResponseBody::Failed(failure),
                };
                self.answer(id, body);
            }
            RequestBody::Dashboard { run } => {
                let body = match self.session.dashboard(run) {
                    Ok(d) => ResponseBody::Done(Done::Dashboard(Box::new(d))),
                    Err(failure) => ResponseBody::Failed(failure),
                };
                self.answer(id, body);
            }
            RequestBody::Search { run, text } => {
                let body = match self.session.search(run, &text) {
                    Ok(found) => ResponseBody::Done(Done::Search(found)),
                    Err(failure) => ResponseBody::Failed(failure),
                };
                self.answer(id, body);
            }
            RequestBody::Profile { run, id: contact } => {
                let body = match self.session.profile(run, &contact) {
                    Ok(p) => ResponseBody::Done(Done::Profile(Box::new(p))),
                    Err(failure) => ResponseBody::Failed(failure),
                };
                self.answer(id, body);
            }
            RequestBody::Bench {
                contacts,
                transactions,
                runs,
            } => {
                let report = c360::engine::bench::run(contacts, transactions, runs);
                self.answer(id, ResponseBody::Done(Done::Bench(report)));
            }
            // `receive` aborts before a crash reaches the inbox; handled here as well, so
            // that the match stays exhaustive and a crash queued by any path still crashes.
            RequestBody::Crash => crash(),
        }
    }

    /// One step of the current work; `false` when there is none.
    fn step(&mut self) -> bool {
        if let Some(mut task) = self.run.take() {
            let id = task.id;
            match task.step(&self.session, &mut self.files) {
                TaskStep::Progress(progress) => {
                    self.run = Some(task);
                    self.answer(id, ResponseBody::Progress(progress));
                }
                TaskStep::Failed(failure) => self.answer(id, ResponseBody::Failed(failure)),
                TaskStep::Finished => match self.session.commit(task) {
                    Ok(mut summary) => {
                        summary.memory_bytes = wasm_memory_bytes();
                        self.answer(id, ResponseBody::Done(Done::Run(Box::new(summary))));
                    }
                    Err(task) => self.run = Some(*task),
                },
            }
            return true;
        }
        if let Some((id, mut download)) = self.downloads.pop_front() {
            match download.next_chunk() {
                Some((bytes, sent)) => {
                    self.post(
                        Response {
                            id,
                            body: ResponseBody::Chunk {
                                bytes: Vec::new(),
                                sent,
                            },
                        },
                        Some(bytes),
                    );
                    self.downloads.push_back((id, download));
                }
                None => self.answer(id, ResponseBody::Done(download.done())),
            }
            return true;
        }
        false
    }
}

fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as u64
}

/// Resolves on the next turn of the event loop, after the messages already queued: a
/// `MessageChannel` message, which (unlike `setTimeout`) is never clamped to 4 ms.
async fn yield_to_events() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(channel) = MessageChannel::new() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        channel.port1().set_onmessage(Some(&resolve));
        let _ = channel.port2().post_message(&JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Makes sure the piece of a file the run's next step parses is read, waiting for it if it is
/// still being read in the background, and starts reading the piece after it: the browser
/// reads the file while the worker parses.
async fn read_ahead(worker: &Rc<RefCell<Worker>>) {
    let pending = {
        let mut w = worker.borrow_mut();
        let Some(read) = w.run.as_ref().and_then(RunTask::next_read) else {
            return;
        };
        if let Some(after) = read.next() {
            w.files.read_ahead(after);
        }
        if w.files.ready.contains_key(&read) {
            return;
        }
        w.files.read_ahead(read.clone());
        w.files.take_reading(&read).map(|p| (read, p))
    };
    let Some((read, promise)) = pending else {
        return;
    };
    // A failed read is left to the step, whose synchronous read reports the error.
    if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(promise).await {
        let bytes = Uint8Array::new(&buffer).to_vec();
        worker.borrow_mut().files.ready.insert(read, bytes);
    }
}

/// Works until there is nothing left to do, yielding every [`SLICE_MS`].
async fn run_loop(worker: Rc<RefCell<Worker>>) {
    loop {
        let slice = Instant::now();
        loop {
            read_ahead(&worker).await;
            let mut w = worker.borrow_mut();
            while let Some(request) = w.inbox.pop_front() {
                w.handle(request);
            }
            if !w.step() {
                w.looping = false;
                // Nothing left to read ahead for.
                w.files.ready.clear();
                w.files.reading.clear();
                return;
            }
            if slice.elapsed().as_millis() >= SLICE_MS {
                break;
            }
        }
        yield_to_events().await;
    }
}

/// Reads one message from the page: its request, and the files it passes.
fn receive(worker: &Rc<RefCell<Worker>>, event: MessageEvent) {
    let data = event.data();
    let json = Reflect::get(&data, &"json".into())
        .ok()
        .and_then(|j| j.as_string())
        .unwrap_or_default();
    let mut w = worker.borrow_mut();
    if let Ok(files) = Reflect::get(&data, &"files".into()) {
        if let Ok(files) = files.dyn_into::<Array>() {
            for pair in files.iter() {
                let pair = Array::from(&pair);
                if let (Some(token), Ok(file)) = (pair.get(0).as_f64(), pair.get(1).dyn_into()) {
                    w.files.handles.insert(token as u64, file);
                }
            }
        }
    }
    match Request::from_json(&json) {
        // At once, in the message's own handler: the trap is then the browser's uncaught
        // error of this event, which reaches the page's `onerror` like any real crash.
        Ok(Request {
            body: RequestBody::Crash,
            ..
        }) => {
            // Not inside the borrow, so that what the dying worker still runs does not panic
            // on it too.
            drop(w);
            crash()
        }
        Ok(request) => w.inbox.push_back(request),
        Err(e) => {
            // Without a readable id the answer goes to id 0, where the page shows it.
            w.answer(
                READY_ID,
                ResponseBody::Failed(Failure::BadRequest {
                    message: e.to_string(),
                }),
            );
            return;
        }
    }
    if !w.looping {
        w.looping = true;
        drop(w);
        wasm_bindgen_futures::spawn_local(run_loop(worker.clone()));
    }
}

/// Dies as a `panic = "abort"` or a failed allocation does: `abort` is a wasm `unreachable`
/// trap on wasm32. Only the test-only [`RequestBody::Crash`] calls it.
fn crash() -> ! {
    std::process::abort()
}

/// Starts the worker: listens, then says `Ready`.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let worker = Rc::new(RefCell::new(Worker {
        scope: scope.clone(),
        session: Session::new(),
        files: Files::default(),
        inbox: VecDeque::new(),
        run: None,
        downloads: VecDeque::new(),
        looping: false,
    }));
    let listener = worker.clone();
    let onmessage = Closure::<dyn Fn(MessageEvent)>::new(move |event| receive(&listener, event));
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    worker.borrow().answer(READY_ID, ResponseBody::Ready);
}

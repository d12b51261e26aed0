//! Native only: a second thread that builds some of a file's columns from the same bytes.
//!
//! The loader's own thread splits the records (it must, to know where a block of whole
//! records ends), writes down where each field is (a [`Layout`]), builds its share of the
//! columns and hands each block of bytes on with its layout; the worker reads the same fields
//! there and builds the other columns, then hands the buffers back for reuse. Splitting the
//! work by column, not by row, needs no merge afterwards: each column is built in file order
//! by one thread, so interned codes come out exactly as a single thread assigns them.
//! Whichever thread finds the first bad field in file order (by row, then by column) reports
//! it. Not for wasm32, which has no threads here: there the loader builds every column.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::{bad_value, FieldError, Part};
use crate::engine::source::builder::Builder;
use crate::engine::source::error::InputError;
use crate::engine::source::excerpt::Excerpt;
use crate::engine::source::record::{
    count_newlines, Fields, Layout, Read as Record, Scan, Tokenizer,
};

/// Below this many bytes a file is parsed on one thread: a thread is not worth starting.
pub(super) const PARALLEL_FROM: u64 = 1 << 20;

/// Blocks waiting for the worker at most (each about one read, 1 MiB).
const IN_FLIGHT: usize = 4;

/// Whether a second thread would run on a core of its own.
pub(super) fn has_two_cores() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// A rough relative cost of building one field of a column, from profiles of the large
/// generated exports under two different shares (splitting the records and reading the
/// input is 22, all of a transaction about 100). Interning is memory-bound when most values
/// are new or the dictionary is large (an id column costs a third of the load) and cheap for
/// a handful of repeated values (a category): the share of distinct values among the rows
/// so far tells which.
fn cost(builder: &mut Builder) -> u32 {
    match builder {
        Builder::Text(b) if b.interns() => 5 + (28.0 * b.distinct_share()).round() as u32,
        Builder::Text(_) => 4,
        Builder::Decimal { .. }
        | Builder::FormattedDecimal(_)
        | Builder::Date(_)
        | Builder::Timestamp(_) => 3,
        Builder::Integer(_) | Builder::Boolean(_) => 1,
    }
}

/// What splitting the records and reading the input cost the loader's thread, in the units
/// of [`cost`].
const SPLITTING: u32 = 22;

/// The columns as a share for this thread and one for the worker, of about equal cost.
type Share = Vec<(usize, Builder)>;

/// Splits the columns in two shares of about equal cost: (this thread's, the worker's).
pub(super) fn share(builders: Share) -> (Share, Share) {
    let mut builders: Vec<(u32, usize, Builder)> = builders
        .into_iter()
        .map(|(field, mut b)| (cost(&mut b), field, b))
        .collect();
    builders.sort_by_key(|&(c, field, _)| (std::cmp::Reverse(c), field));
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let (mut my_cost, mut their_cost) = (SPLITTING, 0);
    for (c, field, builder) in builders {
        if their_cost < my_cost {
            their_cost += c;
            theirs.push((field, builder));
        } else {
            my_cost += c;
            mine.push((field, builder));
        }
    }
    mine.sort_by_key(|(field, _)| *field);
    theirs.sort_by_key(|(field, _)| *field);
    (mine, theirs)
}

/// What the worker is sent: first its columns, then blocks of whole records.
enum Message {
    Start(Part),
    Block {
        bytes: Vec<u8>,
        /// Where the records' fields are, when they could be written down.
        layout: Option<Layout>,
        /// The line `bytes[0]` is on.
        line: u64,
        /// The row number of the first record.
        first_row: usize,
    },
}

/// A block handed on with `finish`: bytes, layout, line and first row as in a message.
pub(super) type LastBlock = (Vec<u8>, Option<Layout>, u64, usize);

/// The worker's first error, keyed by (row, 1 + field) like the loader's, with its lines.
pub(super) type KeyedError = ((usize, usize), InputError, Excerpt);

/// A block's buffers, handed back for reuse: fresh memory costs a page fault per page.
type Spare = (Vec<u8>, Option<Layout>);

/// The worker thread and the way to it.
pub(super) struct Worker {
    messages: SyncSender<Message>,
    spares: Receiver<Spare>,
    thread: JoinHandle<(Part, Option<KeyedError>)>,
    failed: Arc<AtomicBool>,
}

impl Worker {
    /// Starts the thread (it waits for its columns), or `None` if none can be had.
    pub(super) fn spawn(file: String, header: Vec<String>) -> Option<Worker> {
        let (messages, incoming) = sync_channel::<Message>(IN_FLIGHT);
        let (give_back, spares) = sync_channel::<Spare>(IN_FLIGHT);
        let failed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&failed);
        let thread = std::thread::Builder::new()
            .name("c360-parse".into())
            .spawn(move || {
                let mut part = Part {
                    builders: Vec::new(),
                };
                let width = header.len();
                let mut tok = Tokenizer::default();
                let mut error: Option<KeyedError> = None;
                for message in incoming {
                    let (bytes, layout, line, mut row) = match message {
                        Message::Start(p) => {
                            part = p;
                            continue;
                        }
                        Message::Block { .. } if error.is_some() => continue,
                        Message::Block {
                            bytes,
                            layout,
                            line,
                            first_row,
                        } => (bytes, layout, line, first_row),
                    };
                    let fail = |record: &dyn Fields, start: usize, row, e: FieldError| {
                        let line = line + count_newlines(&bytes[..start]);
                        let found = record.field(e.field);
                        let bad = bad_value(&file, line, &header[e.field], found, e.why);
                        let excerpt = Excerpt::of_record(&bytes, start, line);
                        flag.store(true, Ordering::Release);
                        Some(((row, e.field + 1), bad, excerpt))
                    };
                    if let Some(laid_out) = &layout {
                        for record in laid_out.records(&bytes, width) {
                            if let Err(e) = part.push_record(&record) {
                                error = fail(&record, record.start(), row, e);
                                break;
                            }
                            row += 1;
                        }
                        // Dropped when the loader has enough spares already.
                        let _ = give_back.try_send((bytes, layout));
                        continue;
                    }
                    // No layout (a block too large for one): split the records here.
                    let mut pos = 0;
                    while let Scan::Record { start, end } = tok.next(&bytes, pos, true) {
                        if tok.len() != width {
                            break; // the loader's thread reports it
                        }
                        let record = Record(&tok, &bytes);
                        if let Err(e) = part.push_record(&record) {
                            error = fail(&record, start, row, e);
                            break;
                        }
                        row += 1;
                        pos = end;
                    }
                }
                (part, error)
            })
            .ok()?;
        Some(Worker {
            messages,
            spares,
            thread,
            failed,
        })
    }

    /// A block's buffers the worker is done with, if any, to reuse.
    pub(super) fn spare(&self) -> Option<Spare> {
        self.spares.try_recv().ok()
    }

    /// Hands the worker its columns.
    pub(super) fn start(&self, part: Part) {
        // A worker that is gone has panicked: `finish` reports it.
        let _ = self.messages.send(Message::Start(part));
    }

    /// Hands on a block of whole records; `false` once the worker has found a bad field.
    pub(super) fn send(
        &mut self,
        bytes: Vec<u8>,
        layout: Option<Layout>,
        line: u64,
        first_row: usize,
    ) -> bool {
        if self.failed.load(Ordering::Acquire) {
            return false;
        }
        let message = Message::Block {
            bytes,
            layout,
            line,
            first_row,
        };
        // A worker that is gone has panicked: `finish` reports it.
        let _ = self.messages.send(message);
        true
    }

    /// Hands on the `last` block, if any, waits for the worker and takes its columns back,
    /// with its first error.
    pub(super) fn finish(self, last: Option<LastBlock>) -> (Part, Option<KeyedError>) {
        if let Some((bytes, layout, line, first_row)) = last {
            let _ = self.messages.send(Message::Block {
                bytes,
                layout,
                line,
                first_row,
            });
        }
        drop(self.messages);
        match self.thread.join() {
            Ok(outcome) => outcome,
            // A bug, not bad input: surface it as the single-threaded loader would.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

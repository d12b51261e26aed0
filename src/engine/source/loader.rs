//! The loader: reads one source from CSV bytes pushed in chunks into a typed [`Table`].
//! What it reads (the definitions) is in `def.rs`, what it shows of a failure in
//! `excerpt.rs`; both sources together are read by `sources.rs`.

use std::io::Read;

use super::builder::{Builder, Rejected};
use super::def::{first_duplicate, SourceDef};
use super::excerpt::{Excerpt, LoadFailure};
#[cfg(not(target_arch = "wasm32"))]
use super::record::Layout;
use super::record::{count_newlines, header_name, Fields, Read as Record, Scan, Tokenizer};
use crate::engine::source::decode::{Front, TextEncoding, Unreadable, SNIFF_BYTES};
use crate::engine::source::error::InputError;
use crate::engine::source::mapping::Mapping;
use crate::engine::value::column::DataType;
use crate::engine::value::table::Table;

#[cfg(not(target_arch = "wasm32"))]
mod parallel;

/// How much [`load`] reads at a time.
const READ_SIZE: usize = 1 << 20;

/// Bytes that must be waiting before the loader looks for records again after finding none
/// complete: a long record arriving a few bytes at a time is then re-scanned a logarithmic
/// number of times, not once per chunk.
const MIN_SCAN: usize = 64 << 10;

/// The longest record (the header too) the loader reads: 1 MiB, a thousand times the longest
/// row an export of these sources has. Past it the file is not one the loader can read — a
/// quote left open that swallows the rest of the file, or a file of one endless line — and
/// saying so early bounds what is held in memory (about twice this) instead of buffering the
/// whole file into one field.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Builders for some of a file's columns, each with the index of its field in a record.
struct Part {
    builders: Vec<(usize, Builder)>,
}

/// A field that was rejected: its index in the record and why.
struct FieldError {
    field: usize,
    why: Rejected,
}

impl Part {
    /// Adds a record to every column of this part.
    #[inline]
    fn push_record(&mut self, record: &impl Fields) -> Result<(), FieldError> {
        for (field, builder) in &mut self.builders {
            if let Err(why) = builder.push(record.field(*field).trim_ascii()) {
                return Err(FieldError { field: *field, why });
            }
        }
        Ok(())
    }
}

/// The header, once read, and the columns being built.
struct Columns {
    /// The file's column names, trimmed, in file order.
    header: Vec<String>,
    /// For each file column, its position in the definition (`usize::MAX` for extras).
    slots: Vec<usize>,
    /// The columns this thread builds (all of them unless a worker builds some).
    part: Part,
    #[cfg(not(target_arch = "wasm32"))]
    worker: Option<parallel::Worker>,
}

/// Reads one source from CSV bytes pushed in chunks: split anywhere (mid-record, mid-quote,
/// mid-character, inside a UTF-16 code unit or surrogate pair, between the `\r` and `\n` of a
/// line end, inside the byte-order mark), the same bytes give the same table or the same
/// error. Nothing is parsed before the encoding and delimiter are decided from the first
/// [`SNIFF_BYTES`] (or the whole file, if shorter): see [`decode`](super::decode).
///
/// ```
/// use c360::engine::source::{SourceLoader, TRANSACTIONS};
///
/// let csv = "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
///            c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875\n";
/// let mut loader = SourceLoader::new(&TRANSACTIONS, "transactions.csv");
/// for chunk in csv.as_bytes().chunks(7) {
///     loader.feed(chunk)?;
/// }
/// assert_eq!(loader.bytes_read(), csv.len() as u64);
/// let table = loader.finish()?;
/// assert_eq!(table.num_rows(), 1);
/// assert_eq!(table.column("amount").unwrap().get(0).to_string(), "66.3");
/// # Ok::<(), c360::engine::InputError>(())
/// ```
pub struct SourceLoader {
    def: SourceDef,
    file: String,
    /// Decodes what is fed into `buf`.
    front: Front,
    /// Text decoded and not yet parsed: the start of a record, at a record boundary (while
    /// the front stage sniffs, the bytes fed, not decoded yet).
    buf: Vec<u8>,
    /// Set when the text stops being readable where `buf` ends: an error there.
    stopped: Option<Unreadable>,
    /// A chunk read from a reader that is not passed through.
    raw: Vec<u8>,
    /// Parse again once `buf` holds this many bytes.
    scan_at: usize,
    bytes_read: u64,
    /// The 1-based line `buf[0]` is on.
    line: u64,
    tok: Tokenizer,
    /// Where the fields of the records in `buf` are, for the worker.
    #[cfg(not(target_arch = "wasm32"))]
    layout: Layout,
    columns: Option<Columns>,
    rows: usize,
    /// The first error; the loader stops at it and reports it again.
    error: Option<InputError>,
    /// The lines the first error is about.
    excerpt: Option<Excerpt>,
    /// Which of the file's headers hold the required columns, when they are not named so.
    mapping: Option<Mapping>,
}

impl SourceLoader {
    /// A loader for `def`; `file_name` names the file in error messages.
    pub fn new(def: &SourceDef, file_name: &str) -> Self {
        SourceLoader {
            def: *def,
            file: file_name.to_string(),
            front: Front::new(None),
            buf: Vec::new(),
            stopped: None,
            raw: Vec::new(),
            scan_at: 0,
            bytes_read: 0,
            line: 1,
            tok: Tokenizer::default(),
            #[cfg(not(target_arch = "wasm32"))]
            layout: Layout::default(),
            columns: None,
            rows: 0,
            error: None,
            excerpt: None,
            mapping: None,
        }
    }

    /// Reads the required columns from the headers `mapping` names (see
    /// [`mapping`](super::mapping)): the header is renamed before the columns are set up, and a
    /// mapping that does not fit the header is [`InputError::Mapping`]. A delimiter the
    /// mapping sets is used instead of the sniffed one.
    pub fn with_mapping(mut self, mapping: Option<Mapping>) -> Self {
        self.front = Front::new(mapping.as_ref().and_then(|m| m.delimiter));
        self.mapping = mapping;
        self
    }

    /// The lines of the file the error [`SourceLoader::feed`] returned is about, when it is
    /// about some (an error in the header or a record, or a NUL byte); for an error
    /// [`SourceLoader::finish`] finds, see [`SourceLoader::finish_with_excerpt`].
    ///
    /// ```
    /// use c360::engine::source::{SourceLoader, CONTACTS};
    ///
    /// let csv = "id,username,name,gender,address,mail,birthdate,_loaded_at_utc\n\
    ///            c1,u,\"Ann\nLee\",F,a,m,1990-02-30,2023-05-09 10:05:28\n";
    /// let mut loader = SourceLoader::new(&CONTACTS, "contacts.csv");
    /// // Held until the end: the file is shorter than the encoding's sniff.
    /// loader.feed(csv.as_bytes())?;
    /// let failure = loader.finish_with_excerpt().unwrap_err();
    /// assert!(failure.error.to_string().contains("line 2, column birthdate"));
    /// let excerpt = failure.excerpt.unwrap();
    /// assert_eq!(excerpt.first_line, 2);
    /// assert_eq!(excerpt.lines, ["c1,u,\"Ann", "Lee\",F,a,m,1990-02-30,2023-05-09 10:05:28"]);
    /// # Ok::<(), c360::engine::InputError>(())
    /// ```
    pub fn excerpt(&self) -> Option<&Excerpt> {
        self.error.as_ref().and(self.excerpt.as_ref())
    }

    /// The encoding and delimiter the file is read with, once decided (after the first
    /// [`SNIFF_BYTES`], or at the end of a shorter file).
    pub fn decided(&self) -> Option<(TextEncoding, u8)> {
        self.front.decided()
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Rows parsed so far (a record still arriving is not counted).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Takes the next chunk of the file. An error is final: later calls return it again.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), InputError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        self.bytes_read += chunk.len() as u64;
        if self.front.sniffing() {
            self.buf.extend_from_slice(chunk);
            if self.buf.len() < SNIFF_BYTES {
                return Ok(());
            }
            return self.start_front(false);
        }
        let from = self.buf.len();
        let stopped = if self.front.passes_through() {
            self.buf.extend_from_slice(chunk);
            None
        } else {
            self.front.push(chunk, &mut self.buf)
        };
        self.decoded(from, stopped);
        self.received()
    }

    /// Decides the encoding and the delimiter from the bytes held, and decodes them;
    /// `complete` when the file has ended.
    fn start_front(&mut self, complete: bool) -> Result<(), InputError> {
        let head = std::mem::take(&mut self.buf);
        match self.front.start(head, complete, &mut self.buf) {
            Ok(stopped) => self.decoded(0, stopped),
            Err(found) => {
                let e = InputError::Encoding {
                    file: self.file.clone(),
                    line: None,
                    found,
                };
                self.error = Some(e.clone());
                self.buf = Vec::new();
                return Err(e);
            }
        }
        if complete {
            return Ok(());
        }
        self.received()
    }

    /// Text was decoded onto `buf` from `from` on, up to where it `stopped` being readable,
    /// if it did: the text stops at a NUL too, which no export holds.
    fn decoded(&mut self, from: usize, stopped: Option<Unreadable>) {
        if self.stopped.is_some() {
            return;
        }
        if let Some(nul) = memchr::memchr(0, &self.buf[from..]) {
            self.buf.truncate(from + nul);
            let (encoding, _) = self.front.decided().expect("decoding has started");
            self.stopped = Some(Unreadable::Nul { encoding });
        } else {
            self.stopped = stopped;
        }
    }

    /// Parses what has arrived if there is enough of it, or if the text stops there.
    fn received(&mut self) -> Result<(), InputError> {
        if self.buf.len() >= self.scan_at || self.stopped.is_some() {
            self.parse(false)?;
        }
        Ok(())
    }

    /// Reads the next chunk of the file from `reader` straight into the loader's buffer (no
    /// copy through a chunk of its own): the number of bytes read, 0 at the end.
    fn read_from(&mut self, reader: &mut impl Read) -> Result<usize, ReadError> {
        if let Some(e) = &self.error {
            return Err(ReadError::Input(e.clone()));
        }
        if self.front.sniffing() || !self.front.passes_through() {
            // Read into a chunk of its own, then decode it onto the buffer.
            let mut raw = std::mem::take(&mut self.raw);
            raw.resize(READ_SIZE, 0);
            let read = reader.read(&mut raw);
            let n = read.as_ref().map_or(0, |&n| n.min(READ_SIZE));
            let fed = read
                .map_err(ReadError::Io)
                .and_then(|_| self.feed(&raw[..n]).map_err(ReadError::Input));
            self.raw = raw;
            return fed.map(|()| n);
        }
        let len = self.buf.len();
        self.buf.resize(len + READ_SIZE, 0);
        let read = reader.read(&mut self.buf[len..]);
        // A reader that claims more than the room it was given is believed only that far.
        let n = read.as_ref().map_or(0, |&n| n.min(READ_SIZE));
        self.buf.truncate(len + n);
        read.map_err(ReadError::Io)?;
        self.bytes_read += n as u64;
        self.decoded(len, None);
        self.received().map_err(ReadError::Input)?;
        Ok(n)
    }

    /// Parses what has arrived, as [`SourceLoader::feed`] would once enough has: so that
    /// an error in bytes already read is reported before a later read failure.
    fn parse_pending(&mut self) -> Result<(), InputError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None if self.front.sniffing() => Ok(()),
            None => self.parse(false),
        }
    }

    /// The table: the file has ended.
    pub fn finish(self) -> Result<Table, InputError> {
        self.finish_with_excerpt().map_err(|f| f.error)
    }

    /// [`SourceLoader::finish`], with the lines of the file an error is about, if any (see
    /// [`SourceLoader::excerpt`]). The error is the one `finish` gives.
    /// Boxed: it is large, and rare.
    pub fn finish_with_excerpt(mut self) -> Result<Table, Box<LoadFailure>> {
        match self.finish_parsing() {
            Ok(table) => Ok(table),
            Err(error) => Err(Box::new(LoadFailure {
                error,
                excerpt: self.excerpt.take(),
            })),
        }
    }

    fn finish_parsing(&mut self) -> Result<Table, InputError> {
        if let Some(e) = self.error.clone() {
            return Err(e);
        }
        if self.front.sniffing() {
            self.start_front(true)?;
        } else {
            let from = self.buf.len();
            let stopped = self.front.finish(&mut self.buf);
            self.decoded(from, stopped);
        }
        self.parse(true)?;
        let Some(columns) = self.columns.take() else {
            return Err(InputError::Empty {
                file: self.file.clone(),
            });
        };
        let Columns {
            header,
            slots,
            part,
            #[cfg(not(target_arch = "wasm32"))]
            worker,
        } = columns;
        let mut builders: Vec<Option<Builder>> = (0..header.len()).map(|_| None).collect();
        for (field, builder) in part.builders {
            builders[field] = Some(builder);
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(worker) = worker {
            // Every record was checked and sent; a worker error would have stopped `parse`.
            let (part, error) = worker.finish(None);
            if let Some((_, e, excerpt)) = error {
                self.excerpt = Some(excerpt);
                return Err(e);
            }
            for (field, builder) in part.builders {
                builders[field] = Some(builder);
            }
        }
        // Required columns first, in the definition's order, then extras in file order.
        let mut order: Vec<usize> = (0..header.len()).collect();
        order.sort_by_key(|&i| slots[i]);
        let mut names: Vec<Option<String>> = header.into_iter().map(Some).collect();
        let mut table = Table::new();
        for i in order {
            if let (Some(name), Some(builder)) = (names[i].take(), builders[i].take()) {
                table.push(name, builder.finish());
            }
        }
        Ok(table)
    }

    /// Parses every complete record in `buf` (with `eof`, the rest too).
    fn parse(&mut self, eof: bool) -> Result<(), InputError> {
        let result = self.parse_records(eof);
        if let Err(e) = &result {
            self.error = Some(e.clone());
            self.buf = Vec::new();
        }
        result
    }

    fn parse_records(&mut self, eof: bool) -> Result<(), InputError> {
        // Text that stops being readable is parsed as far as it goes, as if more were coming,
        // then the error is where it stops: so an error before it in the file comes first.
        let stopped = self.stopped;
        let eof = eof && stopped.is_none();
        if self.columns.is_none() {
            match self.tok.next(&self.buf, 0, eof) {
                Scan::Incomplete if stopped.is_none() => return self.wait(),
                Scan::Incomplete => {
                    let (e, excerpt) = self.stopped_here(0);
                    self.excerpt = Some(excerpt);
                    return Err(e);
                }
                Scan::End => {
                    return Err(InputError::Empty {
                        file: self.file.clone(),
                    })
                }
                Scan::Record { start, end } => {
                    let line = self.line + count_newlines(&self.buf[..start]);
                    if let Some(e) = self.record_error(line, end - start) {
                        self.excerpt = Some(Excerpt::of_record(&self.buf, start, self.line));
                        return Err(e);
                    }
                    if let Err(e) = self.read_header() {
                        self.excerpt = Some(Excerpt::of_record(&self.buf, start, self.line));
                        return Err(e);
                    }
                    // From here on `buf` holds only data records (a worker's blocks too).
                    self.line += count_newlines(&self.buf[..end]);
                    self.buf.drain(..end);
                }
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.maybe_start_worker();
        let Some(columns) = &mut self.columns else {
            unreachable!("the header was read above");
        };
        let width = columns.header.len();
        let block_rows = self.rows;
        let mut pos = 0;
        // The first error: where this thread's share of the bytes ends, and the error keyed
        // by (row, 0 for the record or 1 + the field) to compare with the worker's.
        let mut failed: Option<(usize, (usize, usize), InputError, usize)> = None;
        while let Scan::Record { start, end } = self.tok.next(&self.buf, pos, eof) {
            let line = || self.line + count_newlines(&self.buf[..start]);
            if self.tok.unclosed || end - start > MAX_RECORD_BYTES {
                let e = self
                    .record_error(line(), end - start)
                    .expect("an unclosed or long record is an error");
                failed = Some((pos, (self.rows, 0), e, start));
                break;
            }
            if self.tok.len() != width {
                let found = self.tok.len();
                let e = InputError::Malformed {
                    file: self.file.clone(),
                    line: self.line + count_newlines(&self.buf[..start]),
                    message: format!(
                        "expected {width} fields as in the header, found {found} \
                         (is a field with a comma missing its quotes?)"
                    ),
                };
                failed = Some((pos, (self.rows, 0), e, start));
                break;
            }
            #[cfg(not(target_arch = "wasm32"))]
            if columns.worker.is_some() {
                self.layout.push(&self.tok, start);
            }
            if let Err(FieldError { field, why }) =
                columns.part.push_record(&Record(&self.tok, &self.buf))
            {
                let e = bad_value(
                    &self.file,
                    self.line + count_newlines(&self.buf[..start]),
                    &columns.header[field],
                    self.tok.field(&self.buf, field),
                    why,
                );
                failed = Some((end, (self.rows, field + 1), e, start));
                break;
            }
            self.rows += 1;
            pos = end;
        }
        if let Some((end, key, e, start)) = failed {
            let line = self.line + count_newlines(&self.buf[..start]);
            let excerpt = Excerpt::of_record(&self.buf, start, line);
            return Err(self.first_error(end, block_rows, key, (e, excerpt)));
        }
        if stopped.is_some() {
            let mine = self.stopped_here(pos);
            return Err(self.first_error(pos, block_rows, (self.rows, 0), mine));
        }
        self.consumed(pos, block_rows)?;
        self.wait()
    }

    /// The error where the text stops being readable, at the end of `buf`, whose last
    /// record starts at `from`; and that record's lines, as far as they go.
    fn stopped_here(&self, from: usize) -> (InputError, Excerpt) {
        let e = InputError::Encoding {
            file: self.file.clone(),
            line: Some(self.line + count_newlines(&self.buf)),
            found: self.stopped.expect("the text stops"),
        };
        let line = self.line + count_newlines(&self.buf[..from]);
        (e, Excerpt::of_record(&self.buf, from, line))
    }

    /// Why the record on `line`, of `len` bytes, which the tokenizer just read, cannot be
    /// read: it ends inside a quoted field because the file does, or it is too long.
    fn record_error(&self, line: u64, len: usize) -> Option<InputError> {
        let message = if self.tok.unclosed {
            "a quoted field opened in the record starting on this line is never closed: the \
             file ends inside it (a stray \" or a truncated file?)"
                .to_string()
        } else if len > MAX_RECORD_BYTES {
            too_long()
        } else {
            return None;
        };
        Some(InputError::Malformed {
            file: self.file.clone(),
            line,
            message,
        })
    }

    /// Waits for more bytes before looking again at `buf`, which holds no whole record yet:
    /// unless the record already holds more than [`MAX_RECORD_BYTES`].
    fn wait(&mut self) -> Result<(), InputError> {
        if self.buf.len() > MAX_RECORD_BYTES {
            let blank = self.buf.iter().take_while(|&&b| b == b'\n').count();
            if self.buf.len() - blank > MAX_RECORD_BYTES {
                let e = InputError::Malformed {
                    file: self.file.clone(),
                    line: self.line + blank as u64,
                    message: too_long(),
                };
                // A bad field the worker found in the records before is the first error.
                let excerpt = Excerpt::of_record(&self.buf, blank, self.line + blank as u64);
                return Err(self.first_error(0, self.rows, (self.rows, 0), (e, excerpt)));
            }
        }
        let pending = self.buf.len();
        self.scan_at = (2 * pending).max(pending + MIN_SCAN);
        Ok(())
    }

    /// Drops `buf[..pos]`, parsed: hands it to the worker, if any, for its columns.
    fn consumed(&mut self, pos: usize, block_rows: usize) -> Result<(), InputError> {
        let lines = count_newlines(&self.buf[..pos]);
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(columns) = self.columns.as_mut() {
            if let Some(worker) = columns.worker.as_mut() {
                let (mut rest, spare_layout) = worker.spare().unwrap_or_default();
                rest.clear();
                rest.extend_from_slice(&self.buf[pos..]);
                let mut block = std::mem::replace(&mut self.buf, rest);
                block.truncate(pos);
                let line = self.line;
                self.line += lines;
                let mut next_layout = spare_layout.unwrap_or_default();
                next_layout.clear();
                let layout = std::mem::replace(&mut self.layout, next_layout).usable();
                if !worker.send(block, layout, line, block_rows) {
                    // The worker found a bad field: it is the first, this thread found none.
                    if let Some(worker) = columns.worker.take() {
                        if let (_, Some((_, e, excerpt))) = worker.finish(None) {
                            self.excerpt = Some(excerpt);
                            return Err(e);
                        }
                    }
                }
                return Ok(());
            }
        }
        let _ = block_rows;
        self.line += lines;
        self.buf.drain(..pos);
        Ok(())
    }

    /// The error to report when this thread found `mine` (keyed by row and field) in the
    /// records before `end`: the worker's, if it found one earlier in the file. Its excerpt
    /// is kept.
    fn first_error(
        &mut self,
        end: usize,
        block_rows: usize,
        key: (usize, usize),
        mine: (InputError, Excerpt),
    ) -> InputError {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(worker) = self.columns.as_mut().and_then(|c| c.worker.take()) {
            let block = self.buf[..end].to_vec();
            let layout = std::mem::take(&mut self.layout).usable();
            let (_, theirs) = worker.finish(Some((block, layout, self.line, block_rows)));
            if let Some((their_key, e, excerpt)) = theirs {
                if their_key < key {
                    self.excerpt = Some(excerpt);
                    return e;
                }
            }
        }
        let _ = (end, block_rows, key);
        self.excerpt = Some(mine.1);
        mine.0
    }

    /// Natively, once the file is large enough to pay for a thread, hands about half of
    /// the columns to a worker that builds them from the same bytes.
    #[cfg(not(target_arch = "wasm32"))]
    fn maybe_start_worker(&mut self) {
        let Some(columns) = &mut self.columns else {
            return;
        };
        // The first rows tell how costly each column is (see `parallel::share`).
        if columns.worker.is_some()
            || self.rows == 0
            || self.bytes_read < parallel::PARALLEL_FROM
            || columns.part.builders.len() < 2
            || !parallel::has_two_cores()
        {
            return;
        }
        let Some(worker) = parallel::Worker::spawn(self.file.clone(), columns.header.clone())
        else {
            return; // no thread to be had: build every column here
        };
        let (mine, theirs) = parallel::share(std::mem::take(&mut columns.part.builders));
        columns.part.builders = mine;
        worker.start(Part { builders: theirs });
        columns.worker = Some(worker);
    }

    /// Reads the header the tokenizer holds and sets up the columns.
    fn read_header(&mut self) -> Result<(), InputError> {
        let file = || self.file.clone();
        let header: Vec<String> = (0..self.tok.len())
            .map(|i| header_name(self.tok.field(&self.buf, i)))
            .collect();
        if header.is_empty() || header.iter().all(String::is_empty) {
            return Err(InputError::Empty { file: file() });
        }
        if let Some(name) = first_duplicate(&header) {
            return Err(InputError::DuplicateColumn {
                file: file(),
                column: name.clone(),
            });
        }
        let header = match &self.mapping {
            Some(mapping) => {
                mapping
                    .apply(&self.def, &header)
                    .map_err(|e| InputError::Mapping {
                        file: file(),
                        error: Box::new(e.in_file(&self.file)),
                    })?
            }
            None => header,
        };
        let missing: Vec<String> = self
            .def
            .columns
            .iter()
            .filter(|c| !header.iter().any(|h| h == c.name))
            .map(|c| c.name.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(InputError::MissingColumns {
                file: file(),
                missing,
                found: header,
            });
        }
        // One builder per file column: typed for the columns the models need, text for extras.
        let mut slots = Vec::new();
        let mut builders = Vec::new();
        for (field, name) in header.iter().enumerate() {
            let (slot, builder) = match self.def.columns.iter().position(|c| c.name == name) {
                Some(i) => {
                    let c = &self.def.columns[i];
                    // `Mapping::apply` checked that only decimal columns have a format.
                    let format = self.mapping.as_ref().and_then(|m| m.format_of(c.name));
                    let builder = match format {
                        Some(format) if c.data_type == DataType::Decimal => {
                            Builder::formatted_decimal(format.clone())
                        }
                        _ => Builder::new(c.data_type, c.intern),
                    };
                    (i, builder)
                }
                None => (usize::MAX, Builder::new(DataType::Text, false)),
            };
            slots.push(slot);
            builders.push((field, builder));
        }
        self.columns = Some(Columns {
            header,
            slots,
            part: Part { builders },
            #[cfg(not(target_arch = "wasm32"))]
            worker: None,
        });
        Ok(())
    }
}

/// What a record longer than [`MAX_RECORD_BYTES`] is told.
fn too_long() -> String {
    format!(
        "the record starting on this line is longer than {} MiB, the most c360 reads in one \
         record (a quote left open, or not a line-based CSV file?)",
        MAX_RECORD_BYTES >> 20
    )
}

/// The error for a field its column's builder rejected.
fn bad_value(file: &str, line: u64, column: &str, field: &[u8], why: Rejected) -> InputError {
    InputError::BadValue {
        file: file.into(),
        line,
        column: column.into(),
        expected: why.0,
        found: String::from_utf8_lossy(field.trim_ascii()).into_owned(),
    }
}

/// Reads one source from CSV bytes. `file` names it in error messages.
pub fn load_bytes(def: &SourceDef, file: &str, bytes: &[u8]) -> Result<Table, InputError> {
    let mut loader = SourceLoader::new(def, file);
    for chunk in bytes.chunks(READ_SIZE) {
        loader.feed(chunk)?;
    }
    loader.finish()
}

/// Reads one source from any reader, 1 MiB at a time (a file is streamed, never read whole
/// into memory).
///
/// Every field is trimmed of surrounding ASCII whitespace, quoted or not (as `csv`'s
/// `Trim::All` does): in exports, spaces around a value are noise, never data.
pub fn load(def: &SourceDef, file: &str, reader: impl Read) -> Result<Table, InputError> {
    load_mapped(def, file, reader, None)
}

/// [`load`], reading the required columns from the headers `mapping` names (and with its
/// delimiter, if it sets one).
pub fn load_mapped(
    def: &SourceDef,
    file: &str,
    mut reader: impl Read,
    mapping: Option<&Mapping>,
) -> Result<Table, InputError> {
    let mut loader = SourceLoader::new(def, file).with_mapping(mapping.cloned());
    loop {
        match loader.read_from(&mut reader) {
            Ok(0) => break,
            Ok(_) => {}
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(ReadError::Io(e)) => {
                loader.parse_pending()?;
                return Err(InputError::Io {
                    file: file.into(),
                    message: e.to_string(),
                });
            }
            Err(ReadError::Input(e)) => return Err(e),
        }
    }
    loader.finish()
}

/// Why [`SourceLoader::read_from`] stopped.
enum ReadError {
    Io(std::io::Error),
    Input(InputError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::source::TRANSACTIONS;
    use crate::engine::value::column::Value;

    const HEADER: &str = "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc";

    fn transactions(body: &str) -> Result<Table, InputError> {
        load_bytes(
            &TRANSACTIONS,
            "transactions.csv",
            format!("{HEADER}\n{body}").as_bytes(),
        )
    }

    #[test]
    fn parses_typed_columns() {
        let t = transactions("c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875")
            .unwrap();
        assert_eq!(t.num_rows(), 1);
        assert_eq!(t.column("amount").unwrap().get(0).to_string(), "66.3");
        assert_eq!(t.column("item_count").unwrap().get(0), Value::Integer(1));
        assert_eq!(
            t.column("transaction_date").unwrap().get(0).to_string(),
            "2023-04-15 09:57:19.000"
        );
    }

    #[test]
    fn bad_decimal_names_line_column_and_value() {
        let err = transactions(
            "c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875\n\
             c1,t2,2023-04-15 09:57:19.000,\"12,5\",1,Books,2023-05-09 10:05:28.875",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "transactions.csv line 3, column amount: expected a decimal number such as 12.5, found \"12,5\""
        );
    }

    #[test]
    fn rows_counts_the_whole_records_fed_so_far() {
        let mut loader = SourceLoader::new(&TRANSACTIONS, "transactions.csv");
        let row = "c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875";
        let rows = SNIFF_BYTES / row.len() + 1;
        let whole = format!("{HEADER}\n{}", format!("{row}\n").repeat(rows));
        loader.feed(&whole.as_bytes()[..100]).unwrap();
        assert_eq!(loader.rows(), 0, "nothing is parsed before the sniff");
        assert_eq!(loader.decided(), None);
        loader
            .feed(format!("{}{}", &whole[100..], &row[..20]).as_bytes())
            .unwrap();
        assert_eq!(loader.decided(), Some((TextEncoding::Utf8, b',')));
        assert_eq!(loader.rows(), rows, "the last record has not arrived whole");
        loader.feed(&row.as_bytes()[20..]).unwrap();
        let t = loader.finish().unwrap();
        assert_eq!(t.num_rows(), rows + 1);
    }

    /// `bytes` fed in pieces of `step`, finished with the excerpt.
    fn failure(bytes: &[u8], step: usize) -> LoadFailure {
        let mut loader = SourceLoader::new(&TRANSACTIONS, "transactions.csv");
        for piece in bytes.chunks(step) {
            if let Err(error) = loader.feed(piece) {
                let excerpt = loader.excerpt().cloned();
                assert_eq!(loader.finish_with_excerpt().unwrap_err().excerpt, excerpt);
                return LoadFailure { error, excerpt };
            }
        }
        *loader.finish_with_excerpt().unwrap_err()
    }

    #[test]
    fn an_error_comes_with_the_lines_of_its_record() {
        let row = "c1,t1,2023-04-15 09:57:19.000,66.3,1,Books,2023-05-09 10:05:28.875";
        let long = "x".repeat(300);
        let bad = format!(
            "{HEADER}\n{row}\r\n\nc1,t2,2023-04-15 09:57:19.000,1.5x,1,\"a\r\nb\nc\nd\",{long}\n{row}\n"
        );
        for step in [1, 7, 1 << 20] {
            let f = failure(bad.as_bytes(), step);
            assert!(
                matches!(f.error, InputError::BadValue { line: 4, .. }),
                "{:?}",
                f.error
            );
            let excerpt = f.excerpt.expect("an excerpt");
            assert_eq!(excerpt.first_line, 4);
            assert_eq!(
                excerpt.lines,
                ["c1,t2,2023-04-15 09:57:19.000,1.5x,1,\"a", "b", "c"]
            );
        }
        // A long line is cut, and a short row is shown.
        let short = format!("{HEADER}\n{row}\nc1,{long}\n");
        let f = failure(short.as_bytes(), 5);
        assert!(matches!(f.error, InputError::Malformed { line: 3, .. }));
        let lines = f.excerpt.unwrap().lines;
        assert_eq!(lines, [format!("c1,{}…", &long[..197])]);
        assert_eq!(lines[0].chars().count(), 201);
        // An error in the header shows the header.
        let f = failure(b"id,name\nc1,x\n", 3);
        assert!(matches!(f.error, InputError::MissingColumns { .. }));
        assert_eq!(
            f.excerpt,
            Some(Excerpt {
                first_line: 1,
                lines: vec!["id,name".into()]
            })
        );
        // A NUL shows its line as far as the NUL.
        let f = failure(format!("{HEADER}\n{row}\nc1,t\0x\n").as_bytes(), 2);
        assert_eq!(
            f.error.to_string().split(';').next().unwrap(),
            "transactions.csv line 3: a NUL byte (0x00) in text read as UTF-8"
        );
        assert_eq!(f.excerpt.unwrap().lines, ["c1,t"]);
        // An empty file has no lines to show.
        assert_eq!(failure(b"\n\n", 1).excerpt, None);
    }

    #[test]
    fn the_loader_decodes_and_refuses_what_it_cannot_read() {
        let row = "c1,t1,2023-04-15 09:57:19.000,66.3,1,Caf\u{e9},2023-05-09 10:05:28.875";
        let text = format!("{HEADER}\n{row}\n").replace(',', ";");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        for step in [1, 3, 1 << 20] {
            let mut loader = SourceLoader::new(&TRANSACTIONS, "transactions.csv");
            for piece in utf16.chunks(step) {
                loader.feed(piece).unwrap();
            }
            let t = loader.finish().unwrap();
            assert_eq!(
                t.column("category").unwrap().get(0).to_string(),
                "Caf\u{e9}"
            );
        }
        let utf32 = b"\xFF\xFE\x00\x00c\x00\x00\x00";
        let e = load_bytes(&TRANSACTIONS, "t.csv", utf32).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv: the file starts with a UTF-32 (little-endian) byte-order mark; c360 reads \
             UTF-8, UTF-16 with a byte-order mark, or Windows-1252: save the file as CSV UTF-8"
        );
    }

    #[test]
    fn decimal_scale_grows_to_the_most_places_seen() {
        let t = transactions(
            "c,t1,2023-04-15 09:57:19,66.3,1,B,2023-05-09 10:05:28\n\
             c,t2,2023-04-15 09:57:19,1.25,1,B,2023-05-09 10:05:28",
        )
        .unwrap();
        let amount = t.column("amount").unwrap();
        assert_eq!(amount.get(0).to_string(), "66.30");
        assert_eq!(amount.get(1).to_string(), "1.25");
    }
}

//! Sources: the exercise's two raw exports, read from CSV bytes into typed tables.
//!
//! A source definition names the columns the models need and their types. Ingestion is
//! push-based: a [`SourceLoader`] is fed the file's bytes in chunks of any size, split
//! anywhere (the CLI reads a file 1 MiB at a time, the web worker feeds what the browser hands
//! it), splits them into records by the `csv` crate's rules and parses each field straight
//! into a typed column buffer — no per-row `String`s — interning repeated text (ids,
//! categories). Natively, a large file is parsed on two cores: a second thread builds some of
//! the columns from the same bytes (the engine stays single-threaded on wasm32).
//!
//! It accepts what real exports look like: a UTF-8 BOM, CRLF or LF, a missing final newline,
//! quoted fields holding commas, quotes and newlines, whitespace around fields, columns in any
//! order, and extra columns (kept as text, ignored by the models). Anything else is a typed
//! [`InputError`] naming the file, line, column and value; there is never a partial table.

use std::io::Read;

use serde::Serialize;

use super::column::DataType;
use super::error::InputError;
use super::mapping::Mapping;
use super::table::Table;

mod builder;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
mod record;

use builder::{Builder, Rejected};
use record::{count_newlines, Fields, Read as Record, Scan, Tokenizer};

/// One column a source must have.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SourceColumn {
    pub name: &'static str,
    pub data_type: DataType,
    /// Whether to intern: values that repeat (categories, referenced ids) are stored once, and
    /// keys (ids) become integer codes that `unique`, joins and grouping use directly.
    #[serde(skip)]
    pub intern: bool,
    pub description: &'static str,
}

/// A dbt source table: `source('salesforce', 'contacts')`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SourceDef {
    pub source_name: &'static str,
    pub name: &'static str,
    /// The file name users know it by, used in messages.
    pub file_name: &'static str,
    pub columns: &'static [SourceColumn],
}

impl SourceDef {
    pub fn unique_id(&self) -> String {
        format!("source.c360.{}.{}", self.source_name, self.name)
    }
}

const fn col(
    name: &'static str,
    data_type: DataType,
    intern: bool,
    description: &'static str,
) -> SourceColumn {
    SourceColumn {
        name,
        data_type,
        intern,
        description,
    }
}

/// `salesforce.contacts`: the CRM contacts export.
pub const CONTACTS: SourceDef = SourceDef {
    source_name: "salesforce",
    name: "contacts",
    file_name: "contacts.csv",
    columns: &[
        col(
            "id",
            DataType::Text,
            true,
            "Contact id (a UUID); should be unique",
        ),
        col("username", DataType::Text, false, "Login name"),
        col("name", DataType::Text, false, "Full name"),
        col("gender", DataType::Text, true, "F or M"),
        col(
            "address",
            DataType::Text,
            false,
            "Street, suburb, state, postcode",
        ),
        col("mail", DataType::Text, false, "E-mail address"),
        col("birthdate", DataType::Date, false, "Date of birth"),
        col(
            "_loaded_at_utc",
            DataType::Timestamp,
            false,
            "When the row was loaded (UTC)",
        ),
    ],
};

/// `web.transactions`: the web shop's transactions export.
pub const TRANSACTIONS: SourceDef = SourceDef {
    source_name: "web",
    name: "transactions",
    file_name: "transactions.csv",
    columns: &[
        col(
            "contact_id",
            DataType::Text,
            true,
            "The buying contact's id",
        ),
        col(
            "id",
            DataType::Text,
            true,
            "Transaction id; should be unique",
        ),
        col(
            "transaction_date",
            DataType::Timestamp,
            false,
            "When it happened (UTC)",
        ),
        col("amount", DataType::Decimal, false, "Amount spent, exact"),
        col("item_count", DataType::Integer, false, "Number of items"),
        col("category", DataType::Text, true, "Product category"),
        col(
            "_loaded_at_utc",
            DataType::Timestamp,
            false,
            "When the row was loaded (UTC)",
        ),
    ],
};

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

/// The UTF-8 byte-order mark some exporters (Excel) put first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

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
/// mid-character, between the `\r` and `\n` of a line end, inside the byte-order mark), the
/// same bytes give the same table or the same error.
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
    /// Bytes received and not yet parsed: the start of a record, at a record boundary.
    buf: Vec<u8>,
    /// Parse again once `buf` holds this many bytes.
    scan_at: usize,
    bytes_read: u64,
    /// The 1-based line `buf[0]` is on.
    line: u64,
    /// Whether the start of the file was checked for a byte-order mark.
    bom_checked: bool,
    tok: Tokenizer,
    /// Where the fields of the records in `buf` are, for the worker.
    #[cfg(not(target_arch = "wasm32"))]
    layout: record::Layout,
    columns: Option<Columns>,
    rows: usize,
    /// The first error; the loader stops at it and reports it again.
    error: Option<InputError>,
    /// Which of the file's headers hold the required columns, when they are not named so.
    mapping: Option<Mapping>,
}

impl SourceLoader {
    /// A loader for `def`; `file_name` names the file in error messages.
    pub fn new(def: &SourceDef, file_name: &str) -> Self {
        SourceLoader {
            def: *def,
            file: file_name.to_string(),
            buf: Vec::new(),
            scan_at: 0,
            bytes_read: 0,
            line: 1,
            bom_checked: false,
            tok: Tokenizer::default(),
            #[cfg(not(target_arch = "wasm32"))]
            layout: record::Layout::default(),
            columns: None,
            rows: 0,
            error: None,
            mapping: None,
        }
    }

    /// Reads the required columns from the headers `mapping` names (see
    /// [`crate::engine::mapping`]): the header is renamed before the columns are set up, and a
    /// mapping that does not fit the header is [`InputError::Mapping`].
    pub fn with_mapping(mut self, mapping: Option<Mapping>) -> Self {
        self.mapping = mapping;
        self
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
        self.buf.extend_from_slice(chunk);
        self.received()
    }

    /// Parses what has arrived if there is enough of it.
    fn received(&mut self) -> Result<(), InputError> {
        if self.buf.len() >= self.scan_at {
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
        let len = self.buf.len();
        self.buf.resize(len + READ_SIZE, 0);
        let read = reader.read(&mut self.buf[len..]);
        // A reader that claims more than the room it was given is believed only that far.
        let n = read.as_ref().map_or(0, |&n| n.min(READ_SIZE));
        self.buf.truncate(len + n);
        read.map_err(ReadError::Io)?;
        self.bytes_read += n as u64;
        self.received().map_err(ReadError::Input)?;
        Ok(n)
    }

    /// Parses what has arrived, as [`SourceLoader::feed`] would once enough has: so that
    /// an error in bytes already read is reported before a later read failure.
    fn parse_pending(&mut self) -> Result<(), InputError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => self.parse(false),
        }
    }

    /// The table: the file has ended.
    pub fn finish(mut self) -> Result<Table, InputError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.parse(true)?;
        let Some(columns) = self.columns.take() else {
            return Err(InputError::Empty { file: self.file });
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
            if let Some((_, e)) = error {
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
        if !self.bom_checked {
            if self.buf.len() < BOM.len() && !eof && BOM.starts_with(&self.buf) {
                return Ok(());
            }
            if self.buf.starts_with(BOM) {
                self.buf.drain(..BOM.len());
            }
            self.bom_checked = true;
        }
        if self.columns.is_none() {
            match self.tok.next(&self.buf, 0, eof) {
                Scan::Incomplete => return self.wait(),
                Scan::End => {
                    return Err(InputError::Empty {
                        file: self.file.clone(),
                    })
                }
                Scan::Record { start, end } => {
                    let line = self.line + count_newlines(&self.buf[..start]);
                    if let Some(e) = self.record_error(line, end - start) {
                        return Err(e);
                    }
                    self.read_header()?;
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
        let mut failed: Option<(usize, (usize, usize), InputError)> = None;
        while let Scan::Record { start, end } = self.tok.next(&self.buf, pos, eof) {
            let line = || self.line + count_newlines(&self.buf[..start]);
            if self.tok.unclosed || end - start > MAX_RECORD_BYTES {
                let e = self
                    .record_error(line(), end - start)
                    .expect("an unclosed or long record is an error");
                failed = Some((pos, (self.rows, 0), e));
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
                failed = Some((pos, (self.rows, 0), e));
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
                failed = Some((end, (self.rows, field + 1), e));
                break;
            }
            self.rows += 1;
            pos = end;
        }
        if let Some((end, key, e)) = failed {
            return Err(self.first_error(end, block_rows, key, e));
        }
        self.consumed(pos, block_rows)?;
        self.wait()
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
                return Err(self.first_error(0, self.rows, (self.rows, 0), e));
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
                        if let (_, Some((_, e))) = worker.finish(None) {
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
    /// records before `end`: the worker's, if it found one earlier in the file.
    fn first_error(
        &mut self,
        end: usize,
        block_rows: usize,
        key: (usize, usize),
        mine: InputError,
    ) -> InputError {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(worker) = self.columns.as_mut().and_then(|c| c.worker.take()) {
            let block = self.buf[..end].to_vec();
            let layout = std::mem::take(&mut self.layout).usable();
            let (_, theirs) = worker.finish(Some((block, layout, self.line, block_rows)));
            if let Some((their_key, e)) = theirs {
                if their_key < key {
                    return e;
                }
            }
        }
        let _ = (end, block_rows, key);
        mine
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
            .map(|i| {
                String::from_utf8_lossy(self.tok.field(&self.buf, i))
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        if header.is_empty() || header.iter().all(String::is_empty) {
            return Err(InputError::Empty { file: file() });
        }
        for (i, name) in header.iter().enumerate() {
            if header[..i].contains(name) {
                return Err(InputError::DuplicateColumn {
                    file: file(),
                    column: name.clone(),
                });
            }
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

/// [`load`], reading the required columns from the headers `mapping` names.
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
    use crate::engine::column::Value;

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
        loader
            .feed(format!("{HEADER}\n{row}\n{row}\n{}", &row[..20]).as_bytes())
            .unwrap();
        assert_eq!(loader.rows(), 2, "the third record has not arrived whole");
        loader.feed(&row.as_bytes()[20..]).unwrap();
        let t = loader.finish().unwrap();
        assert_eq!(t.num_rows(), 3);
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

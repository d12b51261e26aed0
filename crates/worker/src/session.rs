//! What the worker keeps between requests, and how it answers them — with no browser in it,
//! so that every rule is tested natively.
//!
//! The [`Session`] holds the run in force: the parsed sources and every node's table. A run
//! request becomes a [`RunTask`] that the shell steps one piece at a time (a chunk of a file,
//! one node or test), posting its progress and yielding to the event loop in between so that
//! a cancel or a newer run can arrive. A task works on its own copy of what it builds and
//! touches the session only when it is [committed](Session::commit): a cancelled or failed
//! task leaves the previous results exactly as they were, and the page never sees a mix.
//!
//! What a change re-does is the engine's to decide ([`c360::engine::build::Build`] reuses
//! every node and test whose inputs are unchanged); the session's part is the sources: a
//! source whose spec is unchanged is not read again.

use std::collections::HashMap;
use std::sync::Arc;

use c360::engine::build::{Build, StepDone};
use c360::engine::export::{self, csv::CsvChunks, Key, Manifest, PolicyFile};
use c360::engine::models::categories::{self, CategoryCount};
use c360::engine::source::decode::Delimiter;
use c360::engine::source::mapping::{propose, recognise, Mapping};
use c360::engine::source::SOURCES;
use c360::engine::source::{LoadFailure, SourceLoader};
use c360::engine::value::unique_id;
use c360::engine::{RunOutput, Schema, Sources, Table};
use web_time::Instant;

use crate::capacity;
use crate::dashboard::Dashboard;
use crate::profile::{Match, Profile, SearchIndex};
use crate::protocol::Failure;
use crate::protocol::{
    Direction, Done, FileRef, Filter, FindingSummary, Inspection, NearMiss, NodeSummary,
    PageRequest, Progress, RunRequest, RunSummary, Sample, Secret, Slot, Sort, SourceSpec,
    TablePage, TableRef, TestSummary,
};

/// The demo CRM export, bundled so the app works offline.
pub const DEMO_CONTACTS: &[u8] = include_bytes!("../../../seeds/contacts.csv");
/// The demo web-shop export.
pub const DEMO_TRANSACTIONS: &[u8] = include_bytes!("../../../seeds/transactions.csv");

/// How much of a file one step reads: large enough that the per-read cost vanishes, small
/// enough that a step (parsing its slice, some 100 ms for 4 MiB in Chromium on a 2-core
/// machine) stays well below the 200 ms a cancel may take. The shell reads the next slice
/// while this one is parsed, so smaller slices cost no reading time.
pub const CHUNK_BYTES: usize = 4 << 20;

/// Refuses, from their sizes alone, files that the worker could not hold, before a byte of
/// them is read: a run that would fail when the memory runs out would take the worker down
/// with it.
pub fn check_capacity(sources: &[SourceSpec]) -> Result<(), Failure> {
    let bytes: u64 = sources
        .iter()
        .map(|spec| match spec {
            SourceSpec::File(file) => file.size,
            _ => 0,
        })
        .fold(0, u64::saturating_add);
    if bytes > capacity::CAPACITY_BYTES {
        return Err(Failure::TooLarge {
            bytes,
            limit: capacity::CAPACITY_BYTES,
        });
    }
    Ok(())
}

/// A piece of a user's file that a run task is about to read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Read {
    pub file: FileRef,
    pub offset: u64,
    pub len: usize,
}

impl Read {
    /// The piece after this one, if the file goes on.
    pub fn next(&self) -> Option<Read> {
        let offset = self.offset + self.len as u64;
        (offset < self.file.size).then(|| Read {
            file: self.file.clone(),
            offset,
            len: chunk_len(&self.file, offset),
        })
    }
}

fn chunk_len(file: &FileRef, offset: u64) -> usize {
    CHUNK_BYTES.min((file.size - offset.min(file.size)) as usize)
}

/// How much of a file an inspection reads: what the loader sniffs the encoding and the
/// delimiter from.
pub const INSPECT_BYTES: usize = c360::engine::source::decode::SNIFF_BYTES;

/// Looks at the start of a user's file: how the loader will read it (`delimiter` instead of
/// the sniffed one, when given), and which header of it may hold each source's columns.
pub fn inspect(
    file: &FileRef,
    delimiter: Option<char>,
    files: &mut dyn FileAccess,
) -> Result<Inspection, Failure> {
    let len = INSPECT_BYTES.min(file.size as usize);
    let start = files.read(file, 0, len).map_err(|message| {
        Failure::Run(
            c360::engine::InputError::Io {
                file: file.name.clone(),
                message,
            }
            .into(),
        )
    })?;
    let complete = start.len() as u64 >= file.size;
    let delimiter = match delimiter {
        Some(d) => Some(
            u8::try_from(d)
                .ok()
                .and_then(Delimiter::new)
                .ok_or_else(|| Failure::BadRequest {
                    message: format!(
                        "{d:?} is not a delimiter c360 reads ({})",
                        Delimiter::valid().join(", ")
                    ),
                })?,
        ),
        None => None,
    };
    let head = c360::engine::source::decode::inspect(&file.name, &start, complete, delimiter)
        .map_err(|e| Failure::Run(e.into()))?;
    let proposals = Slot::ALL.map(|slot| {
        let mut proposal = propose(&SOURCES[slot.index()], &head.header, &head.rows);
        proposal.file = file.name.clone();
        proposal
    });
    let recognised = recognise(&proposals).map(|i| Slot::ALL[i]);
    Ok(Inspection {
        file: file.clone(),
        head,
        proposals,
        recognised,
    })
}

/// The column a relationships test adds beside its failing rows.
pub const NEAREST_KEY_COLUMN: &str = "nearest_existing_key";

/// Reads pieces of the user's files: `File` + `Blob.slice` in the worker, byte slices in tests.
pub trait FileAccess {
    /// Up to `len` bytes of the file with this token, from `offset`.
    fn read(&mut self, file: &FileRef, offset: u64, len: usize) -> Result<Vec<u8>, String>;
}

/// A source as parsed, and which spec it was parsed from.
#[derive(Clone, Debug)]
struct Loaded {
    spec: SourceSpec,
    /// The mapping it was read with.
    mapping: Option<Mapping>,
    table: Table,
    seconds: f64,
}

/// The run in force.
struct Committed {
    summary: RunSummary,
    output: RunOutput,
    sources: [Loaded; 2],
}

/// A row order's key: which table, sorted and filtered how.
type OrderKey = (TableRef, Option<Sort>, Option<Filter>);

/// What the worker keeps: the run in force and the sort orders asked of it.
#[derive(Default)]
pub struct Session {
    committed: Option<Committed>,
    /// Row orders already computed for the run in force, by table, sort and filter.
    orders: HashMap<OrderKey, Arc<[u32]>>,
    /// The contacts of the run in force, ready to search (made at its first search).
    search_index: Option<SearchIndex>,
}

/// One step of a run task.
#[derive(Debug)]
pub enum TaskStep {
    Progress(Progress),
    /// The run is complete: [`Session::commit`] it.
    Finished,
    Failed(Failure),
}

enum Phase {
    /// Reading the source in this slot (index into `Slot::ALL`).
    Parsing {
        slot: usize,
        loader: Option<Box<SourceLoader>>,
        offset: u64,
        started: Instant,
    },
    Building(Box<Build>),
    Finished(Box<RunOutput>),
    /// A step failed: stepping again gives the same failure, never a build of half the input.
    Failed(Failure),
    /// Between two phases, while a step runs.
    Stepping,
}

/// A run in progress. It owns what it builds until it is committed.
pub struct RunTask {
    pub id: u64,
    request: RunRequest,
    schema: Schema,
    loaded: [Option<Loaded>; 2],
    phase: Phase,
    /// The transactions' categories, counted once the build has finished.
    categories: Vec<CategoryCount>,
    /// A generated sample's bytes, made once for both of its sources.
    sample: Option<(Sample, [Vec<u8>; 2])>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// The id of the run in force.
    pub fn run_id(&self) -> Option<u64> {
        self.committed.as_ref().map(|c| c.summary.run)
    }

    /// Starts a run: checks the schema and takes over every source whose spec is unchanged.
    pub fn start(&self, id: u64, request: RunRequest) -> Result<RunTask, Failure> {
        check_capacity(&request.sources)?;
        let schema = c360::engine::data_test::schema::parse(&request.schema).map_err(|errors| {
            Failure::Schema {
                message: errors.to_string(),
            }
        })?;
        let loaded: [Option<Loaded>; 2] = std::array::from_fn(|i| {
            self.committed
                .as_ref()
                .map(|c| &c.sources[i])
                .filter(|l| {
                    l.spec == request.sources[i]
                        && l.mapping.as_ref() == request.mapping.get(&SOURCES[i])
                })
                .cloned()
        });
        let mut task = RunTask {
            id,
            request,
            schema,
            loaded,
            phase: Phase::Stepping,
            categories: Vec::new(),
            sample: None,
        };
        task.phase = task.next_parse(0);
        Ok(task)
    }

    /// Makes a finished task the run in force and returns its summary; a task that has not
    /// finished is handed back.
    pub fn commit(&mut self, task: RunTask) -> Result<RunSummary, Box<RunTask>> {
        let Phase::Finished(output) = task.phase else {
            return Err(Box::new(task));
        };
        let mut output = *output;
        let sources = task
            .loaded
            .map(|l| l.expect("a finished run has parsed both sources"));
        for test in &mut output.tests {
            order_failing_columns(test);
        }
        let summary = summarize(task.id, &task.request, &output, task.categories);
        self.orders.clear();
        self.search_index = None;
        self.committed = Some(Committed {
            summary: summary.clone(),
            output,
            sources,
        });
        Ok(summary)
    }

    /// The summary of the run in force.
    pub fn summary(&self) -> Option<&RunSummary> {
        self.committed.as_ref().map(|c| &c.summary)
    }

    /// A table of the run in force.
    fn table(&self, run: u64, table: &TableRef) -> Result<&Table, Failure> {
        let missing = || Failure::NoSuchTable {
            run,
            table: table.clone(),
        };
        let committed = self
            .committed
            .as_ref()
            .filter(|c| c.summary.run == run)
            .ok_or_else(missing)?;
        let output = &committed.output;
        match table {
            TableRef::Node { unique_id } => output
                .node(unique_id)
                .filter(|n| n.result.status == c360::engine::NodeStatus::Success)
                .map(|n| &n.table),
            TableRef::FailingRows { unique_id } => {
                output.test(unique_id).and_then(|t| t.failing_rows.as_ref())
            }
            TableRef::Finding { index } => output.findings.get(*index).map(|f| &f.rows),
        }
        .ok_or_else(missing)
    }

    /// One page of a table of the run in force, sorted and filtered as asked.
    pub fn page(&mut self, request: &PageRequest) -> Result<TablePage, Failure> {
        let table = self.table(request.run, &request.table)?;
        let column = |name: &str| table.column_names().position(|n| n == name);
        // A sort or filter on a column the table no longer has (after a re-run) is dropped.
        let sort = request.sort.clone().filter(|s| column(&s.column).is_some());
        let filter = request
            .filter
            .clone()
            .filter(|f| column(&f.column).is_some());
        let key = (request.table.clone(), sort.clone(), filter.clone());
        let order = match self.orders.get(&key) {
            Some(order) => order.clone(),
            None => {
                let order: Arc<[u32]> = row_order(table, sort.as_ref(), filter.as_ref()).into();
                self.orders.insert(key, order.clone());
                order
            }
        };
        let table = self.table(request.run, &request.table)?;
        Ok(page_of(table, request, &order, sort, filter))
    }

    /// The dashboards of the run in force; refused for another run, and for a run whose
    /// models a dashboard reads were skipped.
    pub fn dashboard(&self, run: u64) -> Result<Dashboard, Failure> {
        let committed = self
            .committed
            .as_ref()
            .filter(|c| c.summary.run == run)
            .ok_or_else(|| Failure::NoSuchTable {
                run,
                table: TableRef::Node {
                    unique_id: unique_id::CUSTOMER_SEGMENTS.into(),
                },
            })?;
        crate::dashboard::dashboard(run, &committed.output).ok_or_else(|| Failure::NoSuchTable {
            run,
            table: TableRef::Node {
                unique_id: unique_id::CUSTOMER_SEGMENTS.into(),
            },
        })
    }

    /// The contacts of the run in force that a search finds.
    pub fn search(&mut self, run: u64, text: &str) -> Result<Vec<Match>, Failure> {
        let output = self.output_of(run)?;
        if self.search_index.is_none() {
            self.search_index = SearchIndex::new(output);
        }
        let output = self.output_of(run)?;
        Ok(match &self.search_index {
            Some(index) => crate::profile::search(output, index, text),
            None => Vec::new(),
        })
    }

    /// One contact's profile in the run in force; refused for an id no contact has.
    pub fn profile(&self, run: u64, id: &str) -> Result<Profile, Failure> {
        crate::profile::profile(self.output_of(run)?, id).ok_or_else(|| Failure::NoSuchTable {
            run,
            table: TableRef::Node {
                unique_id: format!("{} (no contact {id})", unique_id::STG_SF__CONTACTS),
            },
        })
    }

    /// The output of the run in force, when it is `run`.
    fn output_of(&self, run: u64) -> Result<&RunOutput, Failure> {
        self.committed
            .as_ref()
            .filter(|c| c.summary.run == run)
            .map(|c| &c.output)
            .ok_or_else(|| Failure::NoSuchTable {
                run,
                table: TableRef::Node {
                    unique_id: unique_id::STG_SF__CONTACTS.into(),
                },
            })
    }

    /// A table of the run in force as CSV, to send in pieces.
    pub fn download(&self, run: u64, table: &TableRef) -> Result<Download, Failure> {
        Ok(Download {
            source: Source::Table {
                table: self.table(run, table)?.clone(),
                next_row: 0,
            },
            sent: 0,
        })
    }

    /// What the masked export `policy` describes would be, for the run in force `run`;
    /// `now_millis` is the manifest's creation time.
    pub fn export_check(
        &self,
        run: u64,
        policy: &PolicyFile,
        now_millis: i64,
    ) -> Result<Manifest, Failure> {
        export::check(self.output_of(run)?, policy, now_millis).map_err(Failure::Export)
    }

    /// The masked export of the run in force `run`, as CSV to send in pieces, its manifest
    /// at the end. The key is dropped when this returns: the pieces are made from the masked
    /// table, which holds only pseudonyms.
    pub fn export(
        &self,
        run: u64,
        policy: &PolicyFile,
        key: &Secret,
        now_millis: i64,
    ) -> Result<Download, Failure> {
        let key = Key::from_secret(&key.0).map_err(Failure::Key)?;
        let made = export::export(self.output_of(run)?, policy, &key, now_millis)
            .map_err(Failure::Export)?;
        Ok(Download {
            source: Source::Export {
                rows: made.table.num_rows(),
                chunks: CsvChunks::new(made.table, Download::ROWS),
                manifest: Box::new(made.manifest),
            },
            sent: 0,
        })
    }
}

/// What a download writes.
enum Source {
    /// A table, as `c360 build` writes it but guarded against formulas: the user opens it
    /// in a spreadsheet.
    Table { table: Table, next_row: usize },
    /// A masked export, guarded against formulas, and its manifest.
    Export {
        chunks: CsvChunks<Table>,
        rows: usize,
        manifest: Box<Manifest>,
    },
}

/// A download in progress: a table (its columns shared, not copied) and how far it got.
pub struct Download {
    source: Source,
    sent: u64,
}

impl Download {
    /// Rows per piece: a piece is formatted in one step, which must stay short.
    const ROWS: usize = 20_000;

    /// The next piece of CSV (the header with the first), or `None` when all is sent.
    pub fn next_chunk(&mut self) -> Option<(Vec<u8>, u64)> {
        let bytes = match &mut self.source {
            Source::Table { table, next_row } => {
                let rows = table.num_rows();
                if *next_row >= rows && (self.sent > 0 || rows > 0) {
                    return None;
                }
                let end = (*next_row + Self::ROWS).min(rows);
                let part: Vec<u32> = (*next_row as u32..end as u32).collect();
                let mut bytes = Vec::new();
                let guard = c360::engine::value::write::Guard::Formulas;
                c360::engine::value::write::write_csv_with(&table.take(&part), &mut bytes, guard)
                    .expect("writing to memory cannot fail");
                if *next_row > 0 {
                    // Every piece after the first without its header line.
                    let header_end = bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
                    bytes.drain(..header_end);
                }
                *next_row = end.max(1);
                bytes
            }
            Source::Export { chunks, .. } => chunks.next()?,
        };
        self.sent += bytes.len() as u64;
        Some((bytes, self.sent))
    }

    /// The answer that ends the download, once every piece is sent.
    pub fn done(self) -> Done {
        match self.source {
            Source::Table { table, .. } => Done::Download {
                bytes: self.sent,
                rows: table.num_rows(),
            },
            Source::Export { manifest, .. } => Done::Export {
                manifest,
                bytes: self.sent,
            },
        }
    }

    pub fn bytes_sent(&self) -> u64 {
        self.sent
    }

    /// The rows it writes.
    pub fn rows(&self) -> usize {
        match &self.source {
            Source::Table { table, .. } => table.num_rows(),
            Source::Export { rows, .. } => *rows,
        }
    }
}

/// The page `request` asks for of `table`, whose rows in the asked order are `order`
/// ([`row_order`]); `sort` and `filter` are what of the request applies to this table.
pub fn page_of(
    table: &Table,
    request: &PageRequest,
    order: &[u32],
    sort: Option<Sort>,
    filter: Option<Filter>,
) -> TablePage {
    let end = request
        .offset
        .saturating_add(request.limit)
        .min(order.len());
    let start = request.offset.min(end);
    let rows = order[start..end]
        .iter()
        .map(|&row| {
            (0..table.num_columns())
                .map(|c| {
                    let value = table.value(row as usize, c);
                    (!value.is_null()).then(|| value.to_string())
                })
                .collect()
        })
        .collect();
    TablePage {
        run: request.run,
        table: request.table.clone(),
        columns: table.schema(),
        total_rows: table.num_rows(),
        matching_rows: order.len(),
        offset: start,
        rows,
        sort,
        filter,
    }
}

/// Row numbers in the order a page shows them: the rows passing `filter`, sorted by `sort`
/// (stable, nulls last), or in file order.
pub fn row_order(table: &Table, sort: Option<&Sort>, filter: Option<&Filter>) -> Vec<u32> {
    let index = |name: &str| table.column_names().position(|n| n == name);
    let mut order: Vec<u32> = match sort.and_then(|s| index(&s.column).map(|i| (i, s))) {
        Some((column, s)) => table.sorted_order(column, s.direction == Direction::Descending),
        None => (0..table.num_rows() as u32).collect(),
    };
    if let Some((column, f)) = filter.and_then(|f| index(&f.column).map(|i| (i, f))) {
        let mut cell = String::new();
        order.retain(|&row| {
            cell.clear();
            table.value(row as usize, column).write_to(&mut cell);
            cell == f.value
        });
    }
    order
}

impl RunTask {
    /// The phase that reads the first source from `slot` on that is not yet parsed, or the
    /// build when both are.
    fn next_parse(&mut self, from: usize) -> Phase {
        match (from..2).find(|&i| self.loaded[i].is_none()) {
            Some(slot) => Phase::Parsing {
                slot,
                loader: None,
                offset: 0,
                started: Instant::now(),
            },
            None => Phase::Stepping,
        }
    }

    /// The piece of a user's file the next step reads, if it reads one: the shell fetches it
    /// (and the one after) ahead, so that reading overlaps parsing.
    pub fn next_read(&self) -> Option<Read> {
        let Phase::Parsing { slot, offset, .. } = &self.phase else {
            return None;
        };
        match &self.request.sources[*slot] {
            SourceSpec::File(file) => Some(Read {
                file: file.clone(),
                offset: *offset,
                len: chunk_len(file, *offset),
            }),
            SourceSpec::Demo | SourceSpec::Sample(_) => None,
        }
    }

    /// Does one piece of the run: reads one chunk of a file, or runs one node or test.
    pub fn step(&mut self, session: &Session, files: &mut dyn FileAccess) -> TaskStep {
        let step = self.next_step(session, files);
        if let TaskStep::Failed(failure) = &step {
            self.phase = Phase::Failed(failure.clone());
        }
        step
    }

    fn next_step(&mut self, session: &Session, files: &mut dyn FileAccess) -> TaskStep {
        match std::mem::replace(&mut self.phase, Phase::Stepping) {
            Phase::Parsing {
                slot,
                loader,
                offset,
                started,
            } => self.parse_step(files, slot, loader, offset, started),
            Phase::Building(mut build) => match build.step() {
                Some(Ok(done)) => {
                    let progress = step_progress(&done);
                    self.phase = Phase::Building(build);
                    TaskStep::Progress(progress)
                }
                Some(Err(e)) => TaskStep::Failed(Failure::Run(e)),
                None => match build.finish() {
                    Ok(output) => {
                        let transactions = &self.loaded[Slot::Transactions.index()]
                            .as_ref()
                            .expect("a build reads both sources")
                            .table;
                        match categories::found(transactions, &output.config.accepted_categories) {
                            Ok(found) => self.categories = found,
                            Err(e) => return TaskStep::Failed(Failure::Run(e.into())),
                        }
                        self.phase = Phase::Finished(Box::new(output));
                        TaskStep::Finished
                    }
                    Err(e) => TaskStep::Failed(Failure::Run(e)),
                },
            },
            Phase::Finished(output) => {
                self.phase = Phase::Finished(output);
                TaskStep::Finished
            }
            Phase::Failed(failure) => TaskStep::Failed(failure),
            Phase::Stepping => self.start_build(session),
        }
    }

    fn parse_step(
        &mut self,
        files: &mut dyn FileAccess,
        slot: usize,
        loader: Option<Box<SourceLoader>>,
        offset: u64,
        started: Instant,
    ) -> TaskStep {
        let spec = self.request.sources[slot].clone();
        let name = spec.name(Slot::ALL[slot]);
        let mapping = self.request.mapping.get(&SOURCES[slot]).cloned();
        let mut loader = loader.unwrap_or_else(|| {
            Box::new(SourceLoader::new(&SOURCES[slot], &name).with_mapping(mapping.clone()))
        });
        let (chunk, total) = match &spec {
            SourceSpec::Demo => {
                let bytes = [DEMO_CONTACTS, DEMO_TRANSACTIONS][slot];
                let from = (offset as usize).min(bytes.len());
                let to = (from + CHUNK_BYTES).min(bytes.len());
                (Ok(bytes[from..to].to_vec()), bytes.len() as u64)
            }
            SourceSpec::File(file) => {
                (files.read(file, offset, chunk_len(file, offset)), file.size)
            }
            SourceSpec::Sample(sample) => {
                if self.sample.as_ref().is_none_or(|(s, _)| s != sample) {
                    match sample.generate() {
                        Ok(bytes) => self.sample = Some((*sample, bytes)),
                        Err(message) => {
                            return TaskStep::Failed(Failure::BadRequest {
                                message: format!("the sample cannot be made: {message}"),
                            })
                        }
                    }
                }
                let bytes = &self.sample.as_ref().expect("made above").1[slot];
                let from = (offset as usize).min(bytes.len());
                let to = (from + CHUNK_BYTES).min(bytes.len());
                (Ok(bytes[from..to].to_vec()), bytes.len() as u64)
            }
        };
        let chunk = match chunk {
            Ok(c) => c,
            Err(message) => {
                return TaskStep::Failed(Failure::Run(
                    c360::engine::InputError::Io {
                        file: name,
                        message,
                    }
                    .into(),
                ))
            }
        };
        let offset = offset + chunk.len() as u64;
        if !chunk.is_empty() {
            if let Err(e) = loader.feed(&chunk) {
                return TaskStep::Failed(Failure::Input {
                    error: e.into(),
                    excerpt: loader.excerpt().cloned().map(Box::new),
                });
            }
        }
        let progress = Progress::Parsing {
            file: name,
            bytes_read: offset,
            total_bytes: total,
            rows: loader.rows(),
        };
        if !chunk.is_empty() && offset < total {
            self.phase = Phase::Parsing {
                slot,
                loader: Some(loader),
                offset,
                started,
            };
            return TaskStep::Progress(progress);
        }
        match loader.finish_with_excerpt() {
            Ok(table) => {
                self.loaded[slot] = Some(Loaded {
                    spec,
                    mapping,
                    table,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
            Err(failure) => {
                let LoadFailure { error, excerpt } = *failure;
                return TaskStep::Failed(Failure::Input {
                    error: error.into(),
                    excerpt: excerpt.map(Box::new),
                });
            }
        }
        self.phase = self.next_parse(slot + 1);
        TaskStep::Progress(progress)
    }

    /// Starts the build once both sources are parsed (its first step comes next).
    fn start_build(&mut self, session: &Session) -> TaskStep {
        let [contacts, transactions] = self
            .loaded
            .clone()
            .map(|l| l.expect("both sources are parsed before the build"));
        let sources = Sources {
            load_times: [contacts.seconds, transactions.seconds],
            contacts: contacts.table,
            transactions: transactions.table,
        };
        let previous = session.committed.as_ref().map(|c| &c.output);
        let build = Build::new(sources, &self.schema, &self.request.config, previous);
        let progress = Progress::Step {
            index: 0,
            total: build.total(),
            name: "start".into(),
            reused: false,
        };
        self.phase = Phase::Building(Box::new(build));
        TaskStep::Progress(progress)
    }
}

fn step_progress(done: &StepDone) -> Progress {
    Progress::Step {
        index: done.index + 1,
        total: done.total,
        name: done.name.clone(),
        reused: done.reused,
    }
}

/// The tested column leads the failing rows, then the nearest existing key: what a reader
/// looks for first, and otherwise often scrolled out of view in a wide source row.
fn order_failing_columns(test: &mut c360::engine::data_test::TestResult) {
    let column = test.column_name.clone();
    if let Some(rows) = &mut test.failing_rows {
        rows.fields.sort_by_key(|f| {
            if Some(&f.name) == column.as_ref() {
                0
            } else if f.name == NEAREST_KEY_COLUMN {
                1
            } else {
                2
            }
        });
    }
}

/// For a relationships test: each failing key beside the nearest key that exists.
fn near_misses(test: &c360::engine::data_test::TestResult) -> Vec<NearMiss> {
    let (Some(rows), Some(column)) = (&test.failing_rows, &test.column_name) else {
        return Vec::new();
    };
    let names: Vec<&str> = rows.column_names().collect();
    let (Some(value_at), Some(nearest_at)) = (
        names.iter().position(|n| n == column),
        names.iter().position(|n| *n == NEAREST_KEY_COLUMN),
    ) else {
        return Vec::new();
    };
    (0..rows.num_rows())
        .map(|row| {
            let nearest = rows.value(row, nearest_at);
            NearMiss {
                value: rows.value(row, value_at).to_string(),
                nearest: (!nearest.is_null()).then(|| nearest.to_string()),
            }
        })
        .collect()
}

fn summarize(
    run: u64,
    request: &RunRequest,
    output: &RunOutput,
    categories: Vec<CategoryCount>,
) -> RunSummary {
    let reused = |id: &str| output.was_reused(id);
    RunSummary {
        run,
        config: output.config.clone(),
        sources: request.sources.clone(),
        mapping: request.mapping.clone(),
        categories,
        nodes: output
            .nodes
            .iter()
            .map(|n| NodeSummary {
                node: n.node.clone(),
                result: n.result.clone(),
                columns: n.table.schema(),
                reused: reused(&n.node.unique_id),
            })
            .collect(),
        findings: output
            .findings
            .iter()
            .map(|f| FindingSummary {
                node: f.node.clone(),
                slug: f.kind.as_str().to_string(),
                message: f.message.clone(),
                rows: f.rows.num_rows(),
            })
            .collect(),
        tests: output
            .tests
            .iter()
            .map(|t| {
                let mut result = t.clone();
                result.failing_rows = None;
                TestSummary {
                    kept_rows: t.failing_rows.as_ref().map(Table::num_rows),
                    failing_columns: t
                        .failing_rows
                        .as_ref()
                        .map(|r| r.column_names().map(str::to_string).collect())
                        .unwrap_or_default(),
                    near_misses: near_misses(t),
                    reused: reused(&t.unique_id),
                    result,
                }
            })
            .collect(),
        freshness: output.freshness.clone(),
        edited_schema: output.edited_schema.clone(),
        steps: output.steps.clone(),
        elapsed_time: output.elapsed_time,
        memory_bytes: 0,
    }
}

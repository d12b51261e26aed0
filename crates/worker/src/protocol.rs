//! The messages between the page and the worker: what the page asks, what the worker answers.
//!
//! Every [`Request`] carries an id that the page chooses; every [`Response`] to it carries the
//! same id. The worker says [`ResponseBody::Ready`] first, once its wasm has loaded (a message
//! posted to a wasm worker before that is lost, so the page queues what it sends until then).
//! A long request then gets any number of [`ResponseBody::Progress`] and ends with exactly one
//! of `Done`, `Failed` or `Cancelled`.
//!
//! The page never holds a whole table: it asks for what it shows — a page of a node's table,
//! sorted and filtered, a test's failing rows, a finding's rows — and downloads come back in
//! chunks. The messages are JSON (serde), so that the same types round-trip in native tests;
//! the user's `File` objects, which cannot be serialised, travel beside the JSON and are
//! referred to by [`FileRef::token`].
//!
//! This module depends on the engine's types; the engine knows nothing of it.

use crate::dashboard::Dashboard;
use crate::profile::{Match, Profile};
use c360::engine::bench::{BenchReport, Timing};
use c360::engine::data_test::freshness::FreshnessResult;
use c360::engine::data_test::TestResult;
use c360::engine::export::{ExportError, KeyError, Manifest, PolicyFile};
use c360::engine::models::categories::CategoryCount;
use c360::engine::models::ModelColumn;
use c360::engine::source::decode::Head;
use c360::engine::source::mapping::{MappingFile, Proposal};
use c360::engine::source::Excerpt;
use c360::engine::value::table::ColumnInfo;
use c360::engine::Step;
use c360::engine::{Node, NodeResult, RunConfig, RunError};
use serde::{Deserialize, Serialize};

/// The id of the worker's unprompted `Ready`.
pub const READY_ID: u64 = 0;

/// One of the project's two sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Contacts,
    Transactions,
}

impl Slot {
    /// Both slots, in the engine's load order.
    pub const ALL: [Slot; 2] = [Slot::Contacts, Slot::Transactions];

    /// The position in the engine's `SOURCES`.
    pub fn index(self) -> usize {
        match self {
            Slot::Contacts => 0,
            Slot::Transactions => 1,
        }
    }
}

/// A file the user chose, as the page knows it. The `File` itself is posted beside the
/// message, under its token.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileRef {
    /// Unique per file the page was given: the same token is the same bytes.
    pub token: u64,
    pub name: String,
    pub size: u64,
}

/// Where a source's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceSpec {
    /// The bundled demo export (compiled into the worker).
    Demo,
    File(FileRef),
    /// A larger sample, made in the worker by `c360 generate`'s realistic generator, so that
    /// the dashboards have something to show.
    Sample(Sample),
}

/// A generated sample: both exports of `contacts` contacts and `transactions` transactions,
/// the same bytes for the same seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sample {
    pub contacts: usize,
    pub transactions: usize,
    pub seed: u64,
}

impl Sample {
    /// What the app offers: 5,000 customers, ten purchases each on average.
    pub const OFFERED: Sample = Sample {
        contacts: 5_000,
        transactions: 50_000,
        seed: 7,
    };

    /// Both exports' bytes, in [`Slot::ALL`] order.
    pub fn generate(&self) -> Result<[Vec<u8>; 2], String> {
        let options = c360::engine::generate::GenerateOptions {
            contacts: self.contacts,
            transactions: self.transactions,
            seed: self.seed,
            plant_defects: true,
            shape: Default::default(),
        };
        let (mut contacts, mut transactions) = (Vec::new(), Vec::new());
        c360::engine::generate::generate(&options, &mut contacts, &mut transactions)
            .map_err(|e| e.to_string())?;
        Ok([contacts, transactions])
    }
}

impl SourceSpec {
    /// The name used in messages: the user's file name, or the demo's `contacts.csv`.
    pub fn name(&self, slot: Slot) -> String {
        match self {
            SourceSpec::Demo => c360::engine::source::SOURCES[slot.index()]
                .file_name
                .to_string(),
            SourceSpec::File(f) => f.name.clone(),
            SourceSpec::Sample(s) => format!(
                "sample-{}",
                c360::engine::source::SOURCES[slot.index()].file_name
            )
            .replace(".csv", &format!("-{}.csv", s.seed)),
        }
    }
}

/// Everything a run reads: the worker re-parses only the sources whose spec changed and
/// re-runs only the nodes and tests the change reaches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    /// In [`Slot::ALL`] order.
    pub sources: [SourceSpec; 2],
    /// The schema file's text (already validated by the page: invalid text never runs).
    pub schema: String,
    pub config: RunConfig,
    /// Which header of each file holds each required column (the `--mapping` file's JSON).
    /// A source it leaves out is read as it is.
    #[serde(default)]
    pub mapping: MappingFile,
}

/// Which table a page or a download is of. Every one belongs to the run in force.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableRef {
    /// A source's or model's table, by unique id.
    Node { unique_id: String },
    /// The failing rows a data test kept, by the test's unique id.
    FailingRows { unique_id: String },
    /// The rows of a node's `index`-th finding (in the run's list of findings).
    Finding { index: usize },
}

/// A sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ascending,
    Descending,
}

/// Which column the rows are ordered by. Kept by name so that it survives a re-run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sort {
    pub column: String,
    pub direction: Direction,
}

/// Only the rows whose `column` shows exactly `value` (nulls show as the empty string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filter {
    pub column: String,
    pub value: String,
}

/// One page of a table, as the page asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// The run the page is showing; a page of any other run is refused.
    pub run: u64,
    pub table: TableRef,
    pub sort: Option<Sort>,
    pub filter: Option<Filter>,
    pub offset: usize,
    pub limit: usize,
}

/// What the page asks the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub body: RequestBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestBody {
    /// Builds the project like `dbt build`. A run supersedes any run still going: that one is
    /// cancelled and its result never shown.
    Run(RunRequest),
    /// Stops the request with this id, if it is still going. Its `Cancelled` answers it.
    Cancel {
        request: u64,
    },
    Page(PageRequest),
    /// A table as CSV, in chunks ([`ResponseBody::Chunk`]) and then `Done`.
    Download {
        run: u64,
        table: TableRef,
    },
    /// A look at the start of a user's file before it is loaded: its encoding, delimiter,
    /// header and first rows, and a mapping proposed for each source.
    Inspect {
        file: FileRef,
        /// The delimiter the user chose, instead of the sniffed one.
        #[serde(default)]
        delimiter: Option<char>,
    },
    /// The dashboards' figures of the run in force, aggregated in the worker.
    Dashboard {
        run: u64,
    },
    /// The contacts whose id, e-mail or name contains `text`, as the user types it.
    Search {
        run: u64,
        text: String,
    },
    /// Everything the run in force knows of one contact.
    Profile {
        run: u64,
        id: String,
    },
    /// What the masked export `policy` describes would be, without a key: every column's
    /// classification and policy and the k-anonymity report (`engine::export::check`).
    ExportCheck {
        run: u64,
        policy: PolicyFile,
    },
    /// The masked export for a partner: its CSV in chunks ([`ResponseBody::Chunk`]), then
    /// `Done::Export` with the manifest. The key is used for this request and kept nowhere.
    Export {
        run: u64,
        policy: PolicyFile,
        key: Secret,
    },
    /// The engine's benchmark (`engine::bench::run`), in the worker.
    Bench {
        contacts: usize,
        transactions: usize,
        runs: usize,
    },
    /// For tests only: the worker aborts at once (`std::process::abort`, a wasm `unreachable`
    /// trap, as a `panic = "abort"` or an allocation the wasm memory cannot hold would), so
    /// that the page's recovery from a dead worker can be tried in a real browser. It is never
    /// answered. The page sends it only through a hook it installs when opened with the
    /// test-only `c360-test-crash` flag in its address (see the page's `browser/client.rs`).
    Crash,
}

impl RequestBody {
    /// What the request is for, in words for a message about it ("a page of a table").
    pub fn describe(&self) -> &'static str {
        match self {
            RequestBody::Run(_) => "a run of the DAG",
            RequestBody::Cancel { .. } => "cancelling a request",
            RequestBody::Page(_) => "a page of a table",
            RequestBody::Download { .. } => "a CSV download",
            RequestBody::Inspect { .. } => "a look at a file you chose",
            RequestBody::Dashboard { .. } => "the dashboards' figures",
            RequestBody::Search { .. } => "a search of the contacts",
            RequestBody::Profile { .. } => "a customer's profile",
            RequestBody::ExportCheck { .. } => "checking the masked export",
            RequestBody::Export { .. } => "the masked export",
            RequestBody::Bench { .. } => "the benchmark",
            RequestBody::Crash => "a test's deliberate crash",
        }
    }
}

/// The pseudonym key as the user typed or generated it. Its `Debug` hides it, so that no log
/// of a request shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Response {
    /// The request's id; [`READY_ID`] for `Ready`.
    pub id: u64,
    pub body: ResponseBody,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseBody {
    /// The worker's wasm is loaded: requests sent from now on are handled.
    Ready,
    Progress(Progress),
    /// A piece of a download, in order. The bytes travel beside the JSON (a transferred
    /// `ArrayBuffer`) in the browser; natively, here.
    Chunk {
        #[serde(skip)]
        bytes: Vec<u8>,
        /// Bytes sent so far, this chunk included.
        sent: u64,
    },
    Done(Done),
    Failed(Failure),
    Cancelled,
}

/// How far a run has got.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// Parsing a source file.
    Parsing {
        file: String,
        bytes_read: u64,
        total_bytes: u64,
        rows: usize,
    },
    /// Node or test `index` (1-based) of `total` has run.
    Step {
        index: usize,
        total: usize,
        name: String,
        /// Taken from the previous run, because nothing it reads changed.
        reused: bool,
    },
}

/// The end of a request.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    Run(Box<RunSummary>),
    Page(TablePage),
    Inspect(Box<Inspection>),
    Dashboard(Box<Dashboard>),
    Search(Vec<Match>),
    Profile(Box<Profile>),
    /// A download's last chunk has been sent.
    Download {
        bytes: u64,
        rows: usize,
    },
    ExportCheck(Box<Manifest>),
    /// A masked export's last chunk has been sent: the manifest to save beside it.
    Export {
        manifest: Box<Manifest>,
        bytes: u64,
    },
    /// A ratio the engine could not compute (NaN) travels as `null` and reads back as NaN.
    Bench(#[serde(deserialize_with = "read_bench")] BenchReport),
}

/// Reads a [`BenchReport`] whose ratios may be `null`. JSON has no NaN, so serde_json writes
/// the NaN the engine gives when the peer is too fast for the timer (a browser rounds to
/// 0.1 ms) as `null` — and the engine's own `Deserialize` then refuses the whole message.
fn read_bench<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BenchReport, D::Error> {
    #[derive(Deserialize)]
    struct Report {
        contacts: usize,
        transactions: usize,
        megabytes: f64,
        runs: usize,
        timings: Vec<TimingIn>,
    }
    #[derive(Deserialize)]
    struct TimingIn {
        name: String,
        seconds: f64,
        ratio_to_peer: Option<f64>,
    }
    let r = Report::deserialize(d)?;
    // Struct literals: a field added to the engine's types fails to compile here.
    Ok(BenchReport {
        contacts: r.contacts,
        transactions: r.transactions,
        megabytes: r.megabytes,
        runs: r.runs,
        timings: r
            .timings
            .into_iter()
            .map(|t| Timing {
                name: t.name,
                seconds: t.seconds,
                ratio_to_peer: t.ratio_to_peer.unwrap_or(f64::NAN),
            })
            .collect(),
    })
}

/// Why a request produced nothing.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// A model failed, or a file could not be read: the same typed error the CLI prints.
    Run(RunError),
    /// A source file could not be parsed: the same typed error the CLI prints, and the
    /// lines of the file it is about, to show beside it.
    Input {
        error: RunError,
        excerpt: Option<Box<Excerpt>>,
    },
    /// The schema text did not parse (the page validates first, so this is a bug's sign).
    Schema { message: String },
    /// A page or download of a run that is no longer in force, or of a table it lacks.
    NoSuchTable { run: u64, table: TableRef },
    /// The masked export cannot be made as asked (a policy that does not fit, below k
    /// without a confirmation, the dataset not built).
    Export(ExportError),
    /// The pseudonym key cannot be used.
    Key(KeyError),
    /// A request the worker cannot read.
    BadRequest { message: String },
    /// The worker stopped before it answered (a crash: a wasm trap such as an abort or memory
    /// it could not get, or a message it could not take). The worker never sends this: the
    /// page answers its own pending requests with it when the worker dies, so that none waits
    /// for ever. `message` is the browser's word on the crash.
    WorkerStopped { message: String },
    /// The files chosen are larger than the worker can hold (`capacity::CAPACITY_BYTES`):
    /// refused from their sizes, before a byte is read.
    TooLarge { bytes: u64, limit: u64 },
}

impl Failure {
    /// The engine's typed error, when the run's input or a model failed.
    pub fn run_error(&self) -> Option<&RunError> {
        match self {
            Failure::Run(e) | Failure::Input { error: e, .. } => Some(e),
            _ => None,
        }
    }

    /// The lines of the file a parse failed at.
    pub fn excerpt(&self) -> Option<&Excerpt> {
        match self {
            Failure::Input { excerpt, .. } => excerpt.as_deref(),
            _ => None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Run(e) | Failure::Input { error: e, .. } => e.fmt(f),
            Failure::Schema { message } => write!(f, "the schema file is invalid: {message}"),
            Failure::NoSuchTable { run, table } => {
                write!(
                    f,
                    "run {run} has no table {table:?} (a newer run replaced it)"
                )
            }
            Failure::Export(e) => e.fmt(f),
            Failure::Key(e) => e.fmt(f),
            Failure::BadRequest { message } => write!(f, "bad request: {message}"),
            Failure::WorkerStopped { message } => write!(
                f,
                "the worker stopped before it answered ({message}); c360 starts a new one"
            ),
            Failure::TooLarge { bytes, limit } => write!(
                f,
                "your files are {} MB together, more than this browser tab can hold (about {} MB \
                 of CSV: a run needs some {}.{} bytes of memory per byte of CSV, and a browser \
                 gives a WebAssembly worker at most 4 GiB). Nothing was read. Build the same \
                 project with the command line instead: c360 build --contacts CONTACTS.csv \
                 --transactions TRANSACTIONS.csv",
                bytes / 1_000_000,
                limit / 1_000_000,
                crate::capacity::MEMORY_PER_CSV_BYTE_TENTHS / 10,
                crate::capacity::MEMORY_PER_CSV_BYTE_TENTHS % 10,
            ),
        }
    }
}

/// One node of a finished run, without its rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeSummary {
    pub node: Node,
    pub result: NodeResult,
    /// The table's columns as built (a skipped node has none).
    pub columns: Vec<ColumnInfo>,
    /// Taken from the previous run, because nothing it reads changed.
    pub reused: bool,
}

impl NodeSummary {
    pub fn is_skipped(&self) -> bool {
        self.result.status == c360::engine::NodeStatus::Skipped
    }

    /// The documented columns, for the table's header.
    pub fn docs(&self) -> &[ModelColumn] {
        &self.node.columns
    }
}

/// A finding, without its rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FindingSummary {
    /// The unique id of the model that reported it.
    pub node: String,
    /// `kind` as the engine serialises it: `duplicate_contacts_removed`.
    pub slug: String,
    pub message: String,
    pub rows: usize,
}

/// A foreign key that matches nothing, and the existing key closest to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearMiss {
    pub value: String,
    pub nearest: Option<String>,
}

/// One data test's result, without its failing rows (ask for [`TableRef::FailingRows`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TestSummary {
    pub result: TestResult,
    /// How many failing rows were kept to show (`None` when the test keeps none).
    pub kept_rows: Option<usize>,
    /// The kept rows' columns, the tested column and the nearest existing key first.
    pub failing_columns: Vec<String>,
    /// For a relationships test: each failing key beside the nearest key that exists.
    pub near_misses: Vec<NearMiss>,
    pub reused: bool,
}

/// A finished run, everything the page shows but the rows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunSummary {
    /// The id of the request that made it: pages and downloads name it.
    pub run: u64,
    /// The configuration in force, with the accepted categories the schema and policies gave.
    pub config: RunConfig,
    /// Which files it read, in [`Slot::ALL`] order.
    pub sources: [SourceSpec; 2],
    /// The mapping it read them with.
    pub mapping: MappingFile,
    /// The categories the transactions export holds, against the accepted list in force.
    pub categories: Vec<CategoryCount>,
    /// In run order.
    pub nodes: Vec<NodeSummary>,
    pub findings: Vec<FindingSummary>,
    /// In the order they ran.
    pub tests: Vec<TestSummary>,
    pub freshness: Vec<FreshnessResult>,
    /// The schema text as a policy edited it (a category added to the accepted list).
    pub edited_schema: Option<String>,
    /// Nodes and tests in execution order.
    pub steps: Vec<Step>,
    /// Seconds, sources, models and tests together, as the engine measured them.
    pub elapsed_time: f64,
    /// The worker's wasm memory after the run, in bytes (0 natively).
    pub memory_bytes: u64,
}

/// What the start of a user's file says about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub file: FileRef,
    /// Its encoding, delimiter, header and first rows, as the loader will read them.
    pub head: Head,
    /// A mapping proposed for each source, in [`Slot::ALL`] order.
    pub proposals: [Proposal; 2],
    /// The source whose export the header says it is, if it says.
    pub recognised: Option<Slot>,
}

impl Inspection {
    /// The proposal for `slot`.
    pub fn proposal(&self, slot: Slot) -> &Proposal {
        &self.proposals[slot.index()]
    }
}

/// One page of a table's rows, formatted as the engine writes them (nulls as `None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TablePage {
    pub run: u64,
    pub table: TableRef,
    pub columns: Vec<ColumnInfo>,
    /// Rows in the table.
    pub total_rows: usize,
    /// Rows that pass the filter (all of them without one).
    pub matching_rows: usize,
    /// The first row's position among the matching rows, after sorting.
    pub offset: usize,
    pub rows: Vec<Vec<Option<String>>>,
    /// The sort and filter the rows are in (as asked, when the columns exist).
    pub sort: Option<Sort>,
    pub filter: Option<Filter>,
}

impl Request {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("requests are plain data")
    }

    pub fn from_json(text: &str) -> Result<Request, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl Response {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("responses are plain data")
    }

    pub fn from_json(text: &str) -> Result<Response, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Whether this ends its request.
    pub fn is_final(&self) -> bool {
        matches!(
            self.body,
            ResponseBody::Done(_) | ResponseBody::Failed(_) | ResponseBody::Cancelled
        )
    }
}

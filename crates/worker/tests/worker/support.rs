//! What every module needs: the demo's run request, a fake of the user's files that records
//! every read, a task stepped to its end and committed as the shell does, and the engine's
//! own build of the same bytes to compare with.

use std::collections::HashMap;
use std::sync::OnceLock;

use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::generate::{generate, GenerateOptions, Shape};
use c360::engine::source::mapping::MappingFile;
use c360::engine::{
    build, RunConfig, RunError, RunOutput, Schema, SourceFile, SourceFiles, Sources,
};
use c360_worker::protocol::{Failure, FileRef, Progress, RunRequest, RunSummary, SourceSpec};
use c360_worker::session::{
    FileAccess, RunTask, Session, TaskStep, DEMO_CONTACTS, DEMO_TRANSACTIONS,
};
use chrono::NaiveDate;

/// The demo's load day: ages as of the load.
pub const AS_OF: &str = "2023-05-09";

pub const CONTACTS_ID: &str = "source.c360.salesforce.contacts";
pub const TRANSACTIONS_ID: &str = "source.c360.web.transactions";

pub fn date(text: &str) -> NaiveDate {
    text.parse().expect("a YYYY-MM-DD date")
}

/// A model's unique id.
pub fn model(name: &str) -> String {
    format!("model.c360.{name}")
}

pub fn demo_config() -> RunConfig {
    RunConfig::new(date(AS_OF))
}

/// What the page asks first: both demo exports, the shipped schema, the load day.
pub fn demo_request() -> RunRequest {
    RunRequest {
        sources: [SourceSpec::Demo, SourceSpec::Demo],
        schema: DEFAULT_SCHEMA.to_string(),
        config: demo_config(),
        mapping: MappingFile::new(),
    }
}

/// The same request with other sources.
pub fn request_with(sources: [SourceSpec; 2]) -> RunRequest {
    RunRequest {
        sources,
        ..demo_request()
    }
}

/// One call the session made to read a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub token: u64,
    pub offset: u64,
    pub len: usize,
    /// How many bytes the fake gave back.
    pub returned: usize,
}

/// The user's files as byte slices, with every read recorded. `max_read` makes the fake
/// return fewer bytes than asked, as a reader may.
#[derive(Default)]
pub struct Files {
    bytes: HashMap<u64, Vec<u8>>,
    pub reads: Vec<Read>,
    pub max_read: Option<usize>,
}

impl Files {
    /// A file the user chose, with a token of its own.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> SourceSpec {
        let token = 100 + self.bytes.len() as u64;
        self.bytes.insert(token, bytes.to_vec());
        SourceSpec::File(FileRef {
            token,
            name: name.to_string(),
            size: bytes.len() as u64,
        })
    }

    /// The reads of one file, in order.
    pub fn reads_of(&self, spec: &SourceSpec) -> Vec<Read> {
        let SourceSpec::File(file) = spec else {
            return Vec::new();
        };
        self.reads
            .iter()
            .filter(|r| r.token == file.token)
            .cloned()
            .collect()
    }
}

impl FileAccess for Files {
    fn read(&mut self, file: &FileRef, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let bytes = self
            .bytes
            .get(&file.token)
            .ok_or_else(|| format!("no file with token {}", file.token))?;
        let len = self.max_read.map_or(len, |max| len.min(max));
        let from = (offset as usize).min(bytes.len());
        let to = from.saturating_add(len).min(bytes.len());
        self.reads.push(Read {
            token: file.token,
            offset,
            len,
            returned: to - from,
        });
        Ok(bytes[from..to].to_vec())
    }
}

/// A run's summary and every progress report it made.
pub struct Run {
    pub summary: RunSummary,
    pub progress: Vec<Progress>,
}

/// Steps a task until it finishes or fails, as the shell's loop does (with a bound, so that
/// a task that never ends fails the test instead of hanging it).
pub fn step_to_end(
    task: &mut RunTask,
    session: &Session,
    files: &mut Files,
) -> Result<Vec<Progress>, Failure> {
    let mut progress = Vec::new();
    for _ in 0..100_000 {
        match task.step(session, files) {
            TaskStep::Progress(p) => progress.push(p),
            TaskStep::Finished => return Ok(progress),
            TaskStep::Failed(failure) => return Err(failure),
        }
    }
    panic!("the task did not finish in 100,000 steps");
}

/// Starts, steps and commits a run, as the shell does.
pub fn run(
    session: &mut Session,
    files: &mut Files,
    id: u64,
    request: RunRequest,
) -> Result<Run, Failure> {
    let mut task = session.start(id, request)?;
    let progress = step_to_end(&mut task, session, files)?;
    let summary = session
        .commit(task)
        .unwrap_or_else(|_| panic!("a finished task commits"));
    Ok(Run { summary, progress })
}

/// The names of the files a run parsed, in order, each once.
pub fn parsed_files(progress: &[Progress]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for p in progress {
        if let Progress::Parsing { file, .. } = p {
            if files.last() != Some(file) {
                files.push(file.clone());
            }
        }
    }
    files
}

/// The engine's `build` of these two files, as the CLI runs it.
pub fn engine_build(
    contacts: (&str, &[u8]),
    transactions: (&str, &[u8]),
    schema: &str,
    config: &RunConfig,
) -> Result<RunOutput, RunError> {
    let sources = Sources::from_bytes(SourceFiles {
        contacts: SourceFile {
            name: contacts.0,
            bytes: contacts.1,
        },
        transactions: SourceFile {
            name: transactions.0,
            bytes: transactions.1,
        },
    })?;
    let schema = c360::engine::data_test::schema::parse(schema).expect("a valid schema");
    build(sources, &schema, config)
}

/// The engine's build of the demo exports with the shipped schema, as of the load day.
pub fn demo_output() -> RunOutput {
    let sources = Sources::from_bytes(SourceFiles {
        contacts: SourceFile {
            name: "contacts.csv",
            bytes: DEMO_CONTACTS,
        },
        transactions: SourceFile {
            name: "transactions.csv",
            bytes: DEMO_TRANSACTIONS,
        },
    })
    .expect("the demo exports are valid");
    build(sources, &Schema::default_schema(), &demo_config()).expect("the demo builds")
}

/// Generated exports, larger than one chunk of the session's reads (transactions) and
/// than one piece of a download.
pub struct Generated {
    pub contacts: Vec<u8>,
    pub transactions: Vec<u8>,
}

/// How many transactions [`generated`] makes: enough (about 150 bytes each) for the file to
/// span two chunks of the session's reads or more.
pub const GENERATED_TRANSACTIONS: usize = 2 * c360_worker::session::CHUNK_BYTES / 150;

/// 2,000 contacts and [`GENERATED_TRANSACTIONS`], defects planted: made once per test binary.
pub fn generated() -> &'static Generated {
    static GENERATED: OnceLock<Generated> = OnceLock::new();
    GENERATED.get_or_init(|| {
        let options = GenerateOptions {
            contacts: 2_000,
            transactions: GENERATED_TRANSACTIONS,
            seed: 7,
            plant_defects: true,
            // The exercise's shape, which these tests' expectations were written against.
            shape: Shape::Exercise,
        };
        let (mut contacts, mut transactions) = (Vec::new(), Vec::new());
        generate(&options, &mut contacts, &mut transactions).expect("in memory");
        Generated {
            contacts,
            transactions,
        }
    })
}

/// Each node's unique id, status and row count, in run order.
pub fn node_rows(summary: &RunSummary) -> Vec<(String, c360::engine::NodeStatus, usize)> {
    summary
        .nodes
        .iter()
        .map(|n| (n.node.unique_id.clone(), n.result.status, n.result.rows))
        .collect()
}

/// The same of the engine's output.
pub fn output_node_rows(output: &RunOutput) -> Vec<(String, c360::engine::NodeStatus, usize)> {
    output
        .nodes
        .iter()
        .map(|n| (n.node.unique_id.clone(), n.result.status, n.result.rows))
        .collect()
}

/// Which nodes the run says it reused, by unique id.
pub fn reused_nodes(summary: &RunSummary) -> Vec<(String, bool)> {
    summary
        .nodes
        .iter()
        .map(|n| (n.node.unique_id.clone(), n.reused))
        .collect()
}

//! The worker crate's native tests: one test binary, one module per area (the layout of the
//! root crate's `tests/tests.rs`).
//!
//! They drive the [`Session`](c360_worker::session::Session) the way the wasm shell does —
//! start a task, step it, commit it, ask for pages and downloads — with the user's files as
//! byte slices behind a recording `FileAccess`, and compare what it answers with what the
//! engine gives for the same input (`c360::engine::build`, `write::to_csv_string`), so that
//! the page and the CLI cannot disagree. The modules live in `tests/worker/` and are pulled in
//! with `#[path]`, as in the root crate: a crate root's modules are looked up beside it.

// Shared helpers: the demo request, a recording fake of the user's files, running a task to
// its end, the engine's own build of the same input, generated exports.
#[path = "worker/support.rs"]
mod support;

// The protocol: every request and response kind round-trips through JSON, and a failed run
// carries the very `RunError` the engine (and so the CLI) gives for the same bad file.
#[path = "worker/protocol.rs"]
mod protocol;

// The session's runs: a run equals the engine's build; unchanged sources are not parsed
// again and unchanged nodes are reused; files are read in bounded chunks with progress; a
// dropped, superseded or failed task leaves the run in force exactly as it was.
#[path = "worker/session.rs"]
mod session;

// Pages: sorting with nulls last, exact-match filters, offsets past the end, stale sorts and
// filters dropped, refused tables, failing rows and findings.
#[path = "worker/pages.rs"]
mod pages;

// Downloads: the chunks put together are the engine's CSV of the same table, for a table of
// several chunks and for an empty one.
#[path = "worker/downloads.rs"]
mod downloads;

// Mapped files: a file with other headers, read with a mapping, builds what the exercise's
// headers build; a new mapping re-reads only its file; the summary says which mapping was
// used and which categories the data holds.
#[path = "worker/mapping.rs"]
mod mapping;

// The dashboards: every figure is the aggregate of the model it names, recounted here from
// the model's own table; every customer is in one segment and one R×F cell.
#[path = "worker/dashboard.rs"]
mod dashboard;

// The masked export: the streamed pieces are the engine's export, the manifest comes last,
// and the key is in no message.
#[path = "worker/export.rs"]
mod export;

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
//! It accepts what real exports look like: UTF-8 (with a BOM or not), UTF-16 with a BOM or
//! Windows-1252, separated by commas, semicolons, tabs or pipes (decoded and rewritten to
//! comma-separated UTF-8 by the front stage of [`decode`], inside the loader, so that every
//! shell reads a file the same way), CRLF or LF, a missing final newline,
//! quoted fields holding commas, quotes and newlines, whitespace around fields, columns in any
//! order, and extra columns (kept as text, ignored by the models). Anything else is a typed
//! [`InputError`](crate::engine::InputError) naming the file, line, column and value, with the lines it is about
//! ([`SourceLoader::excerpt`]); there is never a partial table.
//!
//! The folder's modules, from the leaf up: [`def`] (the two sources and their columns),
//! [`excerpt`] (the lines a failure is about), the loader (`SourceLoader`, one file) with its
//! tokenizer (`record`) and typed column builders (`builder`), and [`sources`] (both files of a
//! run, timed). Beside the loader, in this folder, the decoding front stage ([`decode`]) and the
//! column mapping ([`mapping`]): they are what the loader is told, not how it reads.

mod builder;
pub mod decode;
pub mod def;
pub mod error;
pub mod excerpt;
mod loader;
pub mod mapping;
pub(crate) mod record;
pub mod sources;

pub use def::{first_duplicate, SourceColumn, SourceDef, CONTACTS, SOURCES, TRANSACTIONS};
pub use excerpt::{Excerpt, LoadFailure};
pub use loader::{load, load_bytes, load_mapped, SourceLoader, MAX_RECORD_BYTES};
pub use sources::{SourceFile, SourceFiles, Sources};

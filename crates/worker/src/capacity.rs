//! How much CSV a run in the worker may be started on, decided from the files' sizes before a
//! byte of them is read: a run that ran out of wasm memory would take the worker down with it.
//! The command line has no such limit, and the refusal says so. The figures only: the
//! session checks a run's files against them (`session::check_capacity`), and the protocol's
//! `Failure::TooLarge` states them.

/// The most memory a wasm32 module can address, and so the worker: 4 GiB.
pub const WASM_MEMORY_BYTES: u64 = 4 << 30;

/// Bytes of the worker's memory a run takes per byte of CSV, in tenths: 3.5. `scripts/bench`
/// measured 3.13 (490 MiB of wasm memory after a first run, a policy switch and an as-of
/// change on 156.7 MiB of CSV: 100,000 contacts, 1,000,000 transactions, 2026-12-01), rounded
/// up for files whose text is less repetitive than the generator's.
pub const MEMORY_PER_CSV_BYTE_TENTHS: u64 = 35;

/// The most CSV, both files together, a run in the worker is started on (about 1.2 GB); the
/// command line, which has no such limit, is the way past it.
pub const CAPACITY_BYTES: u64 = WASM_MEMORY_BYTES * 10 / MEMORY_PER_CSV_BYTE_TENTHS;

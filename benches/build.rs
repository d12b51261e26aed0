//! `cargo bench --bench build`: `c360 build`'s engine on generated data, natively.
//!
//! Generates N contacts / M transactions in memory (defaults 100k / 1M; override with
//! `C360_BENCH_CONTACTS` / `C360_BENCH_TRANSACTIONS`), then times, best of a few runs:
//! - peer: the `csv` crate merely tokenising both files into `ByteRecord`s (no typing);
//! - c360 load: parsing both files into typed columns;
//! - c360 build: load plus every model.
//!
//! Each is reported as a ratio to the peer, measured in the same run.

use std::time::Instant;

use c360::engine::generate::{generate, GenerateOptions};
use c360::engine::{run, RunConfig, SourceFile, SourceFiles, Sources};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn tokenise(bytes: &[u8]) -> usize {
    let mut reader = csv::Reader::from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut fields = 0;
    while reader.read_byte_record(&mut record).expect("valid CSV") {
        fields += record.len();
    }
    fields
}

fn main() {
    // `cargo bench` passes `--bench`: the full size. `cargo test --all-targets` runs this
    // binary without it: a small smoke run that only proves the path works.
    let full = std::env::args().any(|a| a == "--bench");
    let contacts = env("C360_BENCH_CONTACTS", if full { 100_000 } else { 1_000 });
    let transactions = env("C360_BENCH_TRANSACTIONS", if full { 1_000_000 } else { 10_000 });
    let runs = env("C360_BENCH_RUNS", if full { 3 } else { 1 });
    let options = GenerateOptions {
        contacts,
        transactions,
        seed: 42,
        plant_defects: true,
    };
    let (mut c, mut t) = (Vec::new(), Vec::new());
    generate(&options, &mut c, &mut t).expect("generating into memory");
    let mb = (c.len() + t.len()) as f64 / 1e6;
    let files = SourceFiles {
        contacts: SourceFile {
            name: "contacts.csv",
            bytes: &c,
        },
        transactions: SourceFile {
            name: "transactions.csv",
            bytes: &t,
        },
    };
    let config = RunConfig::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date"));

    let peer = best(runs, || tokenise(&c) + tokenise(&t));
    let load = best(runs, || Sources::from_bytes(files).expect("valid input"));
    let build = best(runs, || {
        run(Sources::from_bytes(files).expect("valid input"), &config).expect("a run")
    });
    println!("c360 bench: {contacts} contacts, {transactions} transactions, {mb:.1} MB of CSV, best of {runs}");
    println!("  peer  csv tokenise only   {:>8.3} s   1.00x", peer);
    println!(
        "  c360  load (typed)        {:>8.3} s   {:.2}x peer",
        load,
        load / peer
    );
    println!(
        "  c360  build (load + DAG)  {:>8.3} s   {:.2}x peer",
        build,
        build / peer
    );
}

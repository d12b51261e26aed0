//! `cargo bench --bench build`: the engine on generated data, natively — the same benchmark
//! the app's benchmark panel runs in the browser ([`c360::engine::bench`]).
//!
//! Defaults: 100k contacts / 1M transactions, best of 3; override with
//! `C360_BENCH_CONTACTS`, `C360_BENCH_TRANSACTIONS`, `C360_BENCH_RUNS`. Every figure is a
//! ratio to a peer measured in the same run (the `csv` crate tokenising the same bytes).
//! Natively it also times the typed load from files (the CLI's path, 1 MiB reads of files
//! the system has cached), which should be no slower than from memory.

use std::fs::File;

use c360::engine::bench::{best, exports, LOAD_STEP};
use c360::engine::Sources;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`: the full size. `cargo test --all-targets` runs this
    // binary without it: a small smoke run that only proves the path works.
    let full = std::env::args().any(|a| a == "--bench");
    let contacts = env("C360_BENCH_CONTACTS", if full { 100_000 } else { 1_000 });
    let transactions = env(
        "C360_BENCH_TRANSACTIONS",
        if full { 1_000_000 } else { 10_000 },
    );
    let runs = env("C360_BENCH_RUNS", if full { 3 } else { 1 });
    let mut report = c360::engine::bench::run(contacts, transactions, runs);

    let dir = std::env::temp_dir().join(format!("c360-bench-{}", std::process::id()));
    let (c, t) = exports(contacts, transactions);
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join("contacts.csv"), &c))
        .and_then(|()| std::fs::write(dir.join("transactions.csv"), &t));
    match written {
        Ok(()) => {
            let open = |name: &str| File::open(dir.join(name)).expect("the file just written");
            let seconds = best(runs, || {
                Sources::load(
                    ("contacts.csv", open("contacts.csv")),
                    ("transactions.csv", open("transactions.csv")),
                )
                .expect("generated input is valid")
            });
            report.insert_after(LOAD_STEP, "c360 load from files", seconds);
        }
        Err(e) => eprintln!("not timing the load from files: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    print!("{report}");
}

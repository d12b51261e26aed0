//! `cargo bench --bench build`: the engine on generated data, natively — the same benchmark
//! the app's benchmark panel runs in the browser ([`c360::engine::bench`]).
//!
//! Defaults: 100k contacts / 1M transactions, best of 3; override with
//! `C360_BENCH_CONTACTS`, `C360_BENCH_TRANSACTIONS`, `C360_BENCH_RUNS`. Every figure is a
//! ratio to a peer measured in the same run (the `csv` crate tokenising the same bytes).

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
    print!("{}", c360::engine::bench::run(contacts, transactions, runs));
}

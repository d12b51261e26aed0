//! The benchmark both shells run: `cargo bench --bench build` natively and the app's
//! benchmark panel in the browser, so the two figures compare like with like.
//!
//! It generates N contacts / M transactions in memory, then times (best of a few runs) a
//! peer — the `csv` crate merely tokenising both files, no typing — then c360's typed load,
//! then the load plus every model, and the load plus models plus data tests (`build` with the
//! shipped schema). Each figure is reported as a ratio to the peer measured in the same run,
//! so machines and browsers of different speed still compare. Natively the typed load runs
//! on two cores (a second thread builds half of the columns); in the browser it runs on one.

use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::generate::{generate, GenerateOptions, Shape};
use super::source::{SourceFile, SourceFiles, Sources, SOURCES};
use crate::engine::config::RunConfig;
use crate::engine::data_test::schema::Schema;

/// One measured step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub name: String,
    /// Best of the runs, in seconds.
    pub seconds: f64,
    /// `seconds` divided by the peer's.
    pub ratio_to_peer: f64,
}

/// A benchmark's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    pub contacts: usize,
    pub transactions: usize,
    pub megabytes: f64,
    pub runs: usize,
    /// The peer first, then c360's steps.
    pub timings: Vec<Timing>,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "c360 bench: {} contacts, {} transactions, {:.1} MB of CSV, best of {}",
            self.contacts, self.transactions, self.megabytes, self.runs
        )?;
        for t in &self.timings {
            writeln!(
                f,
                "  {:<34} {:>8.3} s   {:>5.2}x peer",
                t.name, t.seconds, t.ratio_to_peer
            )?;
        }
        Ok(())
    }
}

/// The best of `runs` timings of `f`, in seconds.
pub fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..runs.max(1))
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
    while let Ok(true) = reader.read_byte_record(&mut record) {
        fields += record.len();
    }
    fields
}

/// The exports the benchmark runs on: `contacts.csv` and `transactions.csv` of the given
/// size, always the same bytes.
pub fn exports(contacts: usize, transactions: usize) -> (Vec<u8>, Vec<u8>) {
    let options = GenerateOptions {
        contacts,
        transactions,
        seed: 42,
        plant_defects: true,
        shape: Shape::Realistic,
    };
    let (mut c, mut t) = (Vec::new(), Vec::new());
    generate(&options, &mut c, &mut t).expect("generating into memory cannot fail");
    (c, t)
}

impl BenchReport {
    /// Adds a step measured outside [`run`] (the native benchmark's reading of files),
    /// after the step named `after`, with its ratio to this report's peer.
    pub fn insert_after(&mut self, after: &str, name: &str, seconds: f64) {
        let peer = self.timings.first().map_or(f64::NAN, |t| t.seconds);
        let at = self
            .timings
            .iter()
            .position(|t| t.name == after)
            .map_or(self.timings.len(), |i| i + 1);
        self.timings.insert(
            at,
            Timing {
                name: name.to_string(),
                seconds,
                ratio_to_peer: if peer > 0.0 { seconds / peer } else { f64::NAN },
            },
        );
    }
}

/// The name of the typed-load step, for [`BenchReport::insert_after`].
pub const LOAD_STEP: &str = "c360 load (typed columns)";

/// Runs the benchmark on generated data of the given size.
pub fn run(contacts: usize, transactions: usize, runs: usize) -> BenchReport {
    let (c, t) = exports(contacts, transactions);
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
    let schema = Schema::default_schema();
    // The typed load the worker does too: the loader over the bytes (its front stage passes
    // the generated comma-separated UTF-8 through).
    let load = || {
        let contacts = super::source::load(&SOURCES[0], files.contacts.name, files.contacts.bytes);
        let transactions = super::source::load(
            &SOURCES[1],
            files.transactions.name,
            files.transactions.bytes,
        );
        Sources {
            contacts: contacts.expect("generated input is valid"),
            transactions: transactions.expect("generated input is valid"),
            load_times: [0.0; 2],
        }
    };

    let peer = best(runs, || tokenise(&c) + tokenise(&t));
    let steps: [(&'static str, f64); 4] = [
        ("peer: csv tokenise only", peer),
        (LOAD_STEP, best(runs, load)),
        (
            "c360 run (load + models)",
            best(runs, || super::run(load(), &config).expect("a run")),
        ),
        (
            "c360 build (load + models + tests)",
            best(runs, || {
                super::build(load(), &schema, &config).expect("a build")
            }),
        ),
    ];
    BenchReport {
        contacts,
        transactions,
        megabytes: (c.len() + t.len()) as f64 / 1e6,
        runs,
        timings: steps
            .into_iter()
            .map(|(name, seconds)| Timing {
                name: name.to_string(),
                seconds,
                // A timer too coarse to see the peer (a browser rounds to 0.1 ms) gives no ratio.
                ratio_to_peer: if peer > 0.0 { seconds / peer } else { f64::NAN },
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_every_step_against_the_peer() {
        let report = super::run(50, 500, 1);
        assert_eq!(report.timings.len(), 4);
        assert_eq!(report.timings[0].ratio_to_peer, 1.0);
        assert!(report.timings.iter().all(|t| t.seconds > 0.0));
        assert!(report.to_string().contains("500 transactions"));
    }

    #[test]
    fn a_step_measured_outside_goes_after_the_one_named() {
        let mut report = super::run(20, 100, 1);
        let peer = report.timings[0].seconds;
        report.insert_after(super::LOAD_STEP, "from files", 2.0 * peer);
        assert_eq!(report.timings[2].name, "from files");
        assert!((report.timings[2].ratio_to_peer - 2.0).abs() < 1e-9);
        assert_eq!(report.timings.len(), 5);
    }
}

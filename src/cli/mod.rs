//! The `c360` command line: a thin shell over the engine, one module per command.
//!
//! Exit status: 0 on success; 1 when a data test of severity `error` failed (`build`, `test`)
//! or a source is past `error_after` (`freshness`); 2 on unreadable or invalid input, an
//! invalid schema file or bad usage (the message on stderr, nothing written).

use std::process::ExitCode;

/// `println!` that stops quietly when stdout is closed (`c360 build … | head`) instead of
/// panicking on the broken pipe.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

mod build;
mod export;
mod freshness;
mod generate;
mod project_args;
mod report;
mod test;

#[derive(Parser)]
#[command(
    name = "c360",
    version,
    about = "Customer 360: the exercise's dbt DAG over two CSV exports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every model and data test like `dbt build`; write the marts' CSVs (every
    /// model's with --all-models) plus run_results.json.
    Build(build::Args),
    /// Run the data tests only (`dbt test`); write run_results.json.
    Test(test::Args),
    /// Check the sources' freshness only (`dbt source freshness`); write sources.json.
    Freshness(freshness::Args),
    /// Write deterministic demo contacts.csv and transactions.csv.
    Generate(generate::Args),
    /// Build, then write one dataset masked for a partner (keyed pseudonyms, k-anonymity)
    /// and its manifest.
    Export(export::Args),
}

/// Failure kinds, each with its exit status.
pub(crate) enum Failure {
    /// Unreadable or invalid input, or bad usage: exit 2.
    Input(anyhow::Error),
    /// A test of severity `error` failed, or a source is stale past `error_after`: exit 1.
    Checks,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Test(args) => test::run(args),
        Command::Freshness(args) => freshness::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Export(args) => export::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(Failure::Checks) => ExitCode::from(1),
    }
}

/// Parses `YYYY-MM-DD` for `--as-of`.
pub(crate) fn parse_day(text: &str) -> Result<NaiveDate, String> {
    crate::engine::value::time::parse_date(text.as_bytes())
        .map_err(|_| format!("expected a date YYYY-MM-DD, found {text:?}"))
}

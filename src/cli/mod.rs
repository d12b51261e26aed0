//! The `c360` command line: a thin shell over the engine, one module per command.
//!
//! Exit status: 0 on success, 2 on unreadable or invalid input or bad usage (the message on
//! stderr, nothing written).

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

mod build;
mod generate;

#[derive(Parser)]
#[command(name = "c360", version, about = "Customer 360: the exercise's dbt DAG over two CSV exports")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every model and write one CSV per model plus run_results.json.
    Build(build::Args),
    /// Write deterministic demo contacts.csv and transactions.csv.
    Generate(generate::Args),
}

/// Failure kinds, each with its exit status.
pub(crate) enum Failure {
    /// Unreadable or invalid input, or bad usage: exit 2.
    Input(anyhow::Error),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Generate(args) => generate::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Parses `YYYY-MM-DD` for `--as-of`.
pub(crate) fn parse_day(text: &str) -> Result<NaiveDate, String> {
    crate::engine::time::parse_date(text.as_bytes())
        .map_err(|_| format!("expected a date YYYY-MM-DD, found {text:?}"))
}

/// Today in UTC, the default as-of date.
pub(crate) fn today_utc() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chrono::DateTime::from_timestamp(secs, 0).map_or(NaiveDate::MIN, |t| t.date_naive())
}

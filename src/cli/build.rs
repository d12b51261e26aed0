//! `c360 build`: load both exports, run the DAG, write `DIR/<model>.csv` and
//! `DIR/run_results.json`, print a dbt-like summary.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;

use super::{parse_day, today_utc, Failure};
use crate::engine::write::write_csv;
use crate::engine::{project, RunConfig, RunOutput, Sources};

#[derive(clap::Args)]
pub struct Args {
    /// The contacts export (salesforce.contacts).
    #[arg(long, value_name = "PATH")]
    contacts: PathBuf,
    /// The transactions export (web.transactions).
    #[arg(long, value_name = "PATH")]
    transactions: PathBuf,
    /// The day ages are computed at [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    as_of: Option<NaiveDate>,
    /// Where to write the model CSVs and run_results.json.
    #[arg(long, value_name = "DIR", default_value = "c360-out")]
    out: PathBuf,
}

fn open(path: &PathBuf) -> Result<(String, File), Failure> {
    let file = File::open(path)
        .with_context(|| format!("{}: cannot open the file", path.display()))
        .map_err(Failure::Input)?;
    Ok((path.display().to_string(), file))
}

pub fn run_build(args: &Args) -> Result<RunOutput, Failure> {
    let config = RunConfig::new(args.as_of.unwrap_or_else(today_utc));
    let (contacts_name, contacts) = open(&args.contacts)?;
    let (transactions_name, transactions) = open(&args.transactions)?;
    let sources = Sources::load((&contacts_name, contacts), (&transactions_name, transactions))
        .map_err(|e| Failure::Input(e.into()))?;
    project::run(sources, &config).map_err(|e| Failure::Input(e.into()))
}

pub fn run(args: Args) -> Result<(), Failure> {
    let output = run_build(&args)?;
    write(&output, &args.out).map_err(Failure::Input)?;
    print_summary(&output, &args.out);
    Ok(())
}

fn write(output: &RunOutput, dir: &PathBuf) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for node in output.models() {
        let path = dir.join(format!("{}.csv", node.node.name));
        let file = File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        write_csv(&node.table, BufWriter::new(file))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let path = dir.join("run_results.json");
    let json = serde_json::to_string_pretty(&output.run_results())?;
    fs::write(&path, json + "\n").with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn print_summary(output: &RunOutput, dir: &std::path::Path) {
    println!("Running with c360 {} as of {}", env!("CARGO_PKG_VERSION"), output.config.as_of);
    let total = output.nodes.len();
    for (i, node) in output.nodes.iter().enumerate() {
        let r = &node.result;
        let what = match node.node.kind {
            crate::engine::NodeKind::Source => "source",
            crate::engine::NodeKind::Model => "model",
        };
        let label = format!("{} of {total} OK {what} {}", i + 1, node.node.name);
        println!("{label:.<60} [{} rows in {:.3}s]", r.rows, r.execution_time);
    }
    for finding in &output.findings {
        println!("WARN {}: {}", finding.node, finding.message);
    }
    println!(
        "Done in {:.3}s. {} nodes OK. Wrote {} model CSVs and run_results.json to {}",
        output.elapsed_time,
        total,
        output.models().count(),
        dir.display()
    );
}

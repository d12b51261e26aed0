//! `c360 build`: load both exports, run the DAG and its data tests like `dbt build`, write
//! `DIR/<model>.csv` and `DIR/run_results.json`, print a dbt-like log.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::project_args::ProjectArgs;
use super::report;
use super::Failure;
use crate::engine::write::write_csv;
use crate::engine::RunOutput;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where to write the model CSVs and run_results.json.
    #[arg(long, value_name = "DIR", default_value = "c360-out")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let output = args.project.build()?;
    write(&output, &args.out).map_err(Failure::Input)?;
    report::print_log(&output, true);
    report::print_freshness(&output);
    out!(
        "Wrote {} model CSVs and run_results.json to {}",
        output
            .models()
            .filter(|m| m.result.status == crate::engine::NodeStatus::Success)
            .count(),
        args.out.display()
    );
    report::exit_for_tests(&output)
}

fn write(output: &RunOutput, dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for node in output.models() {
        let path = dir.join(format!("{}.csv", node.node.name));
        if node.result.status != crate::engine::NodeStatus::Success {
            // A skipped model leaves no stale file from an earlier build behind.
            let _ = fs::remove_file(&path);
            continue;
        }
        let file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        write_csv(&node.table, BufWriter::new(file))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(schema) = &output.edited_schema {
        // The policy grew the accepted list: keep the schema that produced these results.
        let path = dir.join("schema.yml");
        fs::write(&path, schema).with_context(|| format!("cannot write {}", path.display()))?;
    }
    report::write_run_results(output, dir)
}

//! `c360 build`: load both exports, run the DAG and its data tests like `dbt build`, write
//! the marts' `DIR/<model>.csv` (every model's with `--all-models`) and
//! `DIR/run_results.json`, print a dbt-like log.
//!
//! Like dbt materialising staging and intermediate models as views, only the marts are
//! written by default: the other models are computed and tested all the same, and writing
//! them (the joined model alone is larger than both exports) took most of a large build.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::project_args::ProjectArgs;
use super::report;
use super::Failure;
use crate::engine::models::Layer;
use crate::engine::value::write::write_csv;
use crate::engine::{NodeStatus, RunOutput};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where to write the model CSVs and run_results.json.
    #[arg(long, value_name = "DIR", default_value = "c360-out")]
    out: PathBuf,
    /// Write every model's CSV, staging and intermediate too [default: only the marts:
    /// customers, category, customer_segments, category_spend, recommendations and
    /// recommendation_evaluation].
    #[arg(long)]
    all_models: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let output = args.project.build()?;
    let written = write(&output, &args.out, args.all_models).map_err(Failure::Input)?;
    report::print_log(&output, true);
    report::print_freshness(&output);
    out!(
        "Wrote {written} model CSV{} and run_results.json to {}{}",
        if written == 1 { "" } else { "s" },
        args.out.display(),
        if args.all_models {
            ""
        } else {
            " (the marts; --all-models writes every model)"
        }
    );
    let status = report::exit_for_tests(&output);
    // The process ends here: the OS takes the run's few hundred megabytes back at once,
    // faster than freeing its many columns one by one.
    std::mem::forget(output);
    status
}

/// Writes the models' CSVs (the marts, or all with `all_models`) and run_results.json;
/// returns how many CSVs it wrote.
fn write(output: &RunOutput, dir: &Path, all_models: bool) -> anyhow::Result<usize> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0;
    for node in output.models() {
        let path = dir.join(format!("{}.csv", node.node.name));
        let materialised = all_models || node.node.layer == Layer::Mart;
        if !materialised || node.result.status != NodeStatus::Success {
            // A skipped or unwritten model leaves no stale file from an earlier build behind.
            let _ = fs::remove_file(&path);
            continue;
        }
        let file =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        write_csv(&node.table, file).with_context(|| format!("cannot write {}", path.display()))?;
        written += 1;
    }
    if let Some(schema) = &output.edited_schema {
        // The policy grew the accepted list: keep the schema that produced these results.
        let path = dir.join("schema.yml");
        fs::write(&path, schema).with_context(|| format!("cannot write {}", path.display()))?;
    }
    report::write_run_results(output, dir)?;
    Ok(written)
}

//! `c360 freshness`: `dbt source freshness` — check the sources' load times alone; exit 1
//! when any source is past `error_after`.

use std::fs;
use std::path::PathBuf;

use anyhow::Context;

use super::project_args::ProjectArgs;
use super::report;
use super::Failure;
use crate::engine::data_test::freshness::{FreshnessStatus, WHEN_TO_RUN};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where to write sources.json.
    #[arg(long, value_name = "DIR", default_value = "c360-out")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let output = args.project.build()?;
    let write = || -> anyhow::Result<()> {
        fs::create_dir_all(&args.out)
            .with_context(|| format!("cannot create {}", args.out.display()))?;
        let path = args.out.join("sources.json");
        let json = serde_json::json!({ "results": output.freshness });
        fs::write(&path, serde_json::to_string_pretty(&json)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    };
    write().map_err(Failure::Input)?;
    if output.freshness.is_empty() {
        out!("No source has a freshness check in the schema.");
    }
    report::print_freshness(&output);
    out!("\n{WHEN_TO_RUN}");
    if output.freshness.iter().any(|f| {
        matches!(
            f.status,
            FreshnessStatus::Error | FreshnessStatus::RuntimeError
        )
    }) {
        Err(Failure::Checks)
    } else {
        Ok(())
    }
}

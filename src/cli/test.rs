//! `c360 test`: run only the data tests (the models they read are computed, not written) and
//! write `DIR/run_results.json`.

use std::path::PathBuf;

use super::project_args::ProjectArgs;
use super::report;
use super::Failure;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where to write run_results.json.
    #[arg(long, value_name = "DIR", default_value = "c360-out")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let output = args.project.build()?;
    report::write_run_results(&output, &args.out).map_err(Failure::Input)?;
    report::print_log(&output, false);
    let status = report::exit_for_tests(&output);
    // As `c360 build` does: the process ends here, and the OS frees the run at once.
    std::mem::forget(output);
    status
}

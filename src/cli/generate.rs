//! `c360 generate`: deterministic demo exports in exactly the sources' format.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::Context;

use super::Failure;
use crate::engine::generate::{generate, GenerateError, GenerateOptions, Shape, MIN_TO_PLANT};

#[derive(clap::Args)]
pub struct Args {
    /// How many contacts to write (before planted defects).
    #[arg(long, value_name = "N")]
    contacts: usize,
    /// How many transactions to write.
    #[arg(long, value_name = "M")]
    transactions: usize,
    /// The random seed: the same seed gives the same files.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Where to write contacts.csv and transactions.csv.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Leave out the exercise's deliberate defects (duplicate id, Kitchen, orphan, no-buyer).
    #[arg(long)]
    no_defects: bool,
    /// How transactions are drawn: `realistic` (customers with their own tastes, repeat
    /// purchases and dormant spells over 18 months) or `exercise` (each one's buyer and
    /// category at random over 30 days, as the bundled seeds/ were made).
    #[arg(long, value_enum, default_value_t)]
    shape: Shape,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let options = GenerateOptions {
        contacts: args.contacts,
        transactions: args.transactions,
        seed: args.seed,
        plant_defects: !args.no_defects,
        shape: args.shape,
    };
    // Impossible options are bad usage, named by their flags, before anything is written.
    options.check().map_err(|e| Failure::Input(usage(&e)))?;
    let result = (|| -> anyhow::Result<()> {
        fs::create_dir_all(&args.out)
            .with_context(|| format!("cannot create {}", args.out.display()))?;
        let create = |name: &str| -> anyhow::Result<BufWriter<File>> {
            let path = args.out.join(name);
            Ok(BufWriter::new(File::create(&path).with_context(|| {
                format!("cannot write {}", path.display())
            })?))
        };
        let summary = generate(
            &options,
            create("contacts.csv")?,
            create("transactions.csv")?,
        )?;
        out!("{summary}");
        Ok(())
    })();
    result.map_err(Failure::Input)
}

/// The check's reason in the command line's words: the flags and what they allow.
fn usage(e: &GenerateError) -> anyhow::Error {
    match e {
        GenerateError::NoContactForTransactions { transactions } => anyhow::anyhow!(
            "--transactions {transactions} needs at least one contact to buy them, but \
             --contacts is 0: give --contacts 1 or more, or --transactions 0"
        ),
        GenerateError::TooFewToPlantDefects { option, given } => anyhow::anyhow!(
            "--{option} {given} is too few to plant the exercise's four defects: give \
             --{option} {MIN_TO_PLANT} or more, or pass --no-defects"
        ),
    }
}

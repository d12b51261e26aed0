//! `c360 export`: build the project, then write one dataset masked for a partner,
//! `DIR/<dataset>.masked.csv`, and its manifest, `DIR/<dataset>.manifest.json` (the engine's
//! [`crate::engine::export`]).
//!
//! The key comes from an environment variable named by `--key-env`, never from the command
//! line (where `ps` and shell history would keep it); without one the command refuses,
//! exit 2, saying how to make one. Everything is checked and computed before anything is
//! written, so a refused export writes nothing.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use clap::ValueEnum;

use super::project_args::ProjectArgs;
use super::Failure;
use crate::engine::export::{self, Dataset, Export, ExportError, Key, PolicyFile, SmallClasses};
use crate::engine::value::unique_id;

#[derive(Clone, Copy, ValueEnum)]
pub enum DatasetArg {
    Customers,
    #[value(name = "contacts_joined_with_transactions")]
    ContactsJoinedWithTransactions,
    #[value(name = "stg_sf__contacts")]
    StgSfContacts,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SmallClassesArg {
    Suppress,
    Generalise,
    Keep,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    project: ProjectArgs,
    /// The model to export.
    #[arg(long, value_enum)]
    dataset: DatasetArg,
    /// A policy file (the JSON the app saves) [default: c360's default policy per column].
    #[arg(long, value_name = "POLICY.json")]
    policy: Option<PathBuf>,
    /// The k of k-anonymity [default: the policy file's, or 5].
    #[arg(long)]
    k: Option<usize>,
    /// Rows in classes smaller than k: suppressed, generalised further (then suppressed), or
    /// kept (only with --allow-below-k) [default: the policy file's, or generalise].
    #[arg(long, value_enum)]
    small_classes: Option<SmallClassesArg>,
    /// Confirm an export below k (recorded in the manifest).
    #[arg(long)]
    allow_below_k: bool,
    /// The environment variable holding the pseudonym key (at least 16 characters).
    #[arg(long, value_name = "VAR")]
    key_env: Option<String>,
    /// Where to write the CSV and the manifest.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

const KEY_HINT: &str = "put a secret of at least 16 characters in an environment variable and \
     name it with --key-env, for example: export C360_KEY=\"$(openssl rand -hex 32)\" then \
     --key-env C360_KEY. Keep the secret to make exports that join to this one; never send it \
     with the data";

fn key(var: Option<&str>) -> Result<Key, Failure> {
    let Some(var) = var else {
        return Err(Failure::Input(anyhow!("no pseudonym key: {KEY_HINT}")));
    };
    let secret = std::env::var(var).map_err(|e| {
        Failure::Input(anyhow!(
            "no pseudonym key: the environment variable {var} is {}: {KEY_HINT}",
            match e {
                std::env::VarError::NotPresent => "not set",
                std::env::VarError::NotUnicode(_) => "not UTF-8",
            }
        ))
    })?;
    Key::from_secret(&secret).map_err(|e| Failure::Input(anyhow!("{var}: {e}")))
}

impl Args {
    fn policy(&self) -> Result<PolicyFile, Failure> {
        let dataset = match self.dataset {
            DatasetArg::Customers => Dataset::Customers,
            DatasetArg::ContactsJoinedWithTransactions => Dataset::ContactsJoinedWithTransactions,
            DatasetArg::StgSfContacts => Dataset::StgSfContacts,
        };
        let mut file = match &self.policy {
            None => PolicyFile::defaults(dataset),
            Some(path) => {
                let text = fs::read_to_string(path)
                    .with_context(|| format!("{}: cannot read the policy file", path.display()))
                    .map_err(Failure::Input)?;
                let file = PolicyFile::from_json(&text)
                    .and_then(|f| f.expect_dataset(dataset).map(|()| f))
                    .map_err(|e| Failure::Input(anyhow!("{}: {e}", path.display())))?;
                file
            }
        };
        if let Some(k) = self.k {
            if k == 0 {
                return Err(Failure::Input(anyhow!(
                    "--k must be at least 1 (5 is usual), found 0"
                )));
            }
            file.k = k;
        }
        if let Some(s) = self.small_classes {
            file.small_classes = match s {
                SmallClassesArg::Suppress => SmallClasses::Suppress,
                SmallClassesArg::Generalise => SmallClasses::Generalise,
                SmallClassesArg::Keep => SmallClasses::Keep,
            };
        }
        file.allow_below_k |= self.allow_below_k;
        Ok(file)
    }
}

pub fn run(args: Args) -> Result<(), Failure> {
    // The key and the policy file are checked before the build, which takes the time.
    let key = key(args.key_env.as_deref())?;
    let file = args.policy()?;
    let output = args.project.build()?;
    let made = export::export(&output, &file, &key, now_millis());
    if made.is_ok() && output.has_failures() {
        eprintln!(
            "warning: a data test of severity error failed elsewhere in the DAG (c360 build \
             shows which); {} was built and is exported",
            output
                .node(&unique_id::model(file.dataset.model_name()))
                .map_or("the dataset", |n| n.node.name.as_str())
        );
    }
    std::mem::forget(output);
    let made = match made {
        Ok(made) => made,
        Err(e @ ExportError::DatasetNotBuilt { .. }) => {
            eprintln!("error: {e}");
            return Err(Failure::Checks);
        }
        Err(e) => {
            let place = match (&e, &args.policy) {
                (ExportError::Policy(_), Some(path)) => format!("{}: ", path.display()),
                _ => String::new(),
            };
            return Err(Failure::Input(anyhow!("{place}{e}")));
        }
    };
    let (csv, manifest) = write(&made, &args.out).map_err(Failure::Input)?;
    let m = &made.manifest;
    let k = &m.k_anonymity;
    out!(
        "Exported {} of {} rows of {} to {} and {}",
        m.exported_rows,
        m.source_rows,
        m.dataset.model_name(),
        csv.display(),
        manifest.display()
    );
    out!(
        "k-anonymity over {}: k = {} requested, {} achieved; {} rows suppressed in {} classes; \
         highest record risk {:.3}, average {:.3}",
        if k.quasi_identifiers.is_empty() {
            "no quasi-identifiers".to_string()
        } else {
            k.quasi_identifiers.join(", ")
        },
        k.k_requested,
        k.k_achieved
            .map_or_else(|| "none (no rows)".to_string(), |a| a.to_string()),
        k.rows_suppressed,
        k.suppressed_classes.len(),
        k.after.highest_record_risk,
        k.after.average_record_risk
    );
    for step in &k.generalised {
        out!(
            "generalised {}: {} → {}",
            step.column,
            step.from.label(),
            step.to.label()
        );
    }
    if k.below_k {
        out!("BELOW k: exported as confirmed with --allow-below-k (recorded in the manifest)");
    }
    Ok(())
}

/// Writes the CSV and the manifest; returns their paths.
fn write(made: &Export, dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let csv = dir.join(made.manifest.dataset.csv_file_name());
    let file = File::create(&csv).with_context(|| format!("cannot write {}", csv.display()))?;
    made.write_csv(file)
        .with_context(|| format!("cannot write {}", csv.display()))?;
    let manifest = dir.join(made.manifest.dataset.manifest_file_name());
    fs::write(&manifest, made.manifest_json())
        .with_context(|| format!("cannot write {}", manifest.display()))?;
    Ok((csv, manifest))
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

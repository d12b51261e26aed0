//! The arguments every project command shares: the two exports, the as-of date, the schema
//! file, the column mapping and the remediation policies — and loading them into a build.
//! The policies' flag values are the engine's
//! ([`Remedy::flag`](crate::engine::config::remediation::Remedy::flag)), not spelled here.

use std::fs::File;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;

use super::{parse_day, Failure};
use crate::engine::config::remediation::{
    DuplicateContacts, OrphanTransactions, OutsideCategories, Policies,
};
use crate::engine::data_test::schema::{self, Schema};
use crate::engine::source::mapping::MappingFile;
use crate::engine::{build, RunConfig, RunOutput, Sources};

#[derive(clap::Args)]
pub struct ProjectArgs {
    /// The contacts export (salesforce.contacts).
    #[arg(long, value_name = "PATH")]
    pub contacts: PathBuf,
    /// The transactions export (web.transactions).
    #[arg(long, value_name = "PATH")]
    pub transactions: PathBuf,
    /// The day ages and freshness are computed at [default: now, UTC].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// A dbt schema file with the data tests [default: the shipped one].
    #[arg(long, value_name = "PATH")]
    pub schema: Option<PathBuf>,
    /// A column-mapping JSON file (the app saves it): which of your headers holds each
    /// column c360 needs [default: the exports' own names].
    #[arg(long, value_name = "PATH")]
    pub mapping: Option<PathBuf>,
    /// Duplicate contact ids: which row stg_sf__contacts keeps.
    #[arg(long, value_enum, default_value_t)]
    pub duplicates: DuplicateContacts,
    /// Transactions of unknown contacts: excluded (inner join) or kept with null contact fields.
    #[arg(long, value_enum, default_value_t)]
    pub orphans: OrphanTransactions,
    /// Categories outside the accepted list: counted in other_amount, or accepted.
    #[arg(long, value_enum, default_value_t)]
    pub outside_categories: OutsideCategories,
}

impl ProjectArgs {
    fn config(&self) -> RunConfig {
        let mut config = match self.as_of {
            Some(day) => RunConfig::new(day),
            None => RunConfig::at_instant(now_millis()),
        };
        config.policies = Policies {
            duplicate_contacts: self.duplicates,
            orphan_transactions: self.orphans,
            outside_categories: self.outside_categories,
        };
        config
    }

    fn schema(&self) -> Result<Schema, Failure> {
        let Some(path) = &self.schema else {
            return Ok(Schema::default_schema());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the schema file", path.display()))
            .map_err(Failure::Input)?;
        schema::parse(&text).map_err(|e| Failure::Input(anyhow::anyhow!("{}: {e}", path.display())))
    }

    fn mapping(&self) -> Result<MappingFile, Failure> {
        let Some(path) = &self.mapping else {
            return Ok(MappingFile::new());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the mapping file", path.display()))
            .map_err(Failure::Input)?;
        MappingFile::from_json(&text)
            .map_err(|e| Failure::Input(anyhow::anyhow!("{}: {e}", path.display())))
    }

    /// Loads both exports, the schema and the mapping, and builds.
    pub fn build(&self) -> Result<RunOutput, Failure> {
        let schema = self.schema()?;
        let mapping = self.mapping()?;
        let open = |path: &PathBuf| -> Result<(String, File), Failure> {
            let file = File::open(path)
                .with_context(|| format!("{}: cannot open the file", path.display()))
                .map_err(Failure::Input)?;
            Ok((path.display().to_string(), file))
        };
        let (contacts_name, contacts) = open(&self.contacts)?;
        let (transactions_name, transactions) = open(&self.transactions)?;
        let sources = Sources::load_mapped(
            (&contacts_name, contacts),
            (&transactions_name, transactions),
            &mapping,
        )
        .map_err(|e| Failure::Input(e.into()))?;
        build(sources, &schema, &self.config()).map_err(|e| Failure::Input(e.into()))
    }
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

//! The exercise's dbt models, one file each.
//!
//! A model is a small declarative description — its name, layer, what it `ref`s, its
//! columns — plus a `run` that computes its table from its parents. The runner
//! ([`crate::engine::project::run`]) orders models by `depends_on`, so a new model (segments,
//! recommendations) plugs into the same DAG by being added to [`MODELS`].

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::column::DataType;
use super::error::ModelError;
use super::project::{ConfigPart, Finding, RunConfig};
use super::table::Table;

pub mod category;
pub mod contacts_joined_with_transactions;
pub mod customers;
#[allow(non_snake_case)] // dbt model names: one file per model, named as the model
pub mod stg_sf__contacts;
#[allow(non_snake_case)]
pub mod stg_web__transactions;

/// Where a node sits in the DAG picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Source,
    Staging,
    Intermediate,
    Mart,
}

/// A documented model column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelColumn {
    pub name: String,
    pub data_type: DataType,
    pub description: String,
}

/// A dbt model.
pub trait Model: Sync {
    fn name(&self) -> &'static str;
    fn layer(&self) -> Layer;
    fn description(&self) -> &'static str;
    /// The unique ids of the nodes this model reads (`source.c360.web.transactions`,
    /// `model.c360.stg_sf__contacts`).
    fn depends_on(&self) -> &'static [&'static str];
    /// The parts of the run's configuration its output depends on. It runs with those
    /// alone ([`RunConfig::only`]), and a build re-runs it when one of them, or a parent,
    /// changed; otherwise it takes the previous run's table and findings.
    fn reads(&self) -> &'static [ConfigPart];
    /// The model's columns, as they depend on the run's configuration.
    fn columns(&self, config: &RunConfig) -> Vec<ModelColumn>;
    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError>;

    fn unique_id(&self) -> String {
        format!("model.c360.{}", self.name())
    }
}

/// Every model, in no particular order; the runner sorts them.
pub static MODELS: &[&dyn Model] = &[
    &stg_sf__contacts::StgSfContacts,
    &stg_web__transactions::StgWebTransactions,
    &contacts_joined_with_transactions::ContactsJoinedWithTransactions,
    &customers::Customers,
    &category::Category,
];

/// What a model sees while it runs: its parents' tables, the run's settings, and a place to
/// report what it did to the data.
pub struct ModelContext<'a> {
    /// The tables of the model's `depends_on`, and no others.
    pub(crate) tables: &'a HashMap<String, Table>,
    /// The parts of the settings the model [`reads`](Model::reads); the others hold
    /// placeholders.
    pub config: &'a RunConfig,
    pub(crate) node: String,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> ModelContext<'a> {
    /// `{{ ref('name') }}`: a parent model's table.
    pub fn model(&self, name: &str) -> &'a Table {
        self.tables
            .get(&format!("model.c360.{name}"))
            .unwrap_or_else(|| panic!("model {name} ran before its parents"))
    }

    /// `{{ source('source', 'table') }}`.
    pub fn source(&self, source: &str, table: &str) -> &'a Table {
        self.tables
            .get(&format!("source.c360.{source}.{table}"))
            .unwrap_or_else(|| panic!("source {source}.{table} is not loaded"))
    }

    pub fn as_of(&self) -> NaiveDate {
        self.config.as_of
    }

    /// Reports rows that this model removed, excluded or flagged.
    pub fn report(&mut self, kind: super::project::FindingKind, message: String, rows: Table) {
        self.findings.push(Finding {
            node: self.node.clone(),
            kind,
            message,
            rows,
        });
    }
}

/// A column list from `(name, type, description)` triples.
pub(crate) fn columns(list: &[(&str, DataType, &str)]) -> Vec<ModelColumn> {
    list.iter()
        .map(|(n, t, d)| ModelColumn {
            name: (*n).into(),
            data_type: *t,
            description: (*d).into(),
        })
        .collect()
}

//! The exercise's dbt models, one file each.
//!
//! A model is a small declarative description — its name, layer, what it `ref`s, its
//! columns — plus a `run` that computes its table from its parents. The runner
//! (`engine::build::Build`) orders models by `depends_on`, so a new model (segments,
//! recommendations) plugs into the same DAG by being added to [`MODELS`].
//!
//! Beside the models, in this folder, what only models and the runner use: the [`dag`] that
//! orders them, the [`findings`] a model reports, and the domain logic models call —
//! [`segment`] (the RFM segments), [`recommend`] (the next-best-category method) and
//! [`categories`] (the categories an export holds against the accepted list).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use self::findings::Finding;
use super::error::ModelError;
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::value::column::DataType;
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

pub mod categories;
pub mod category;
pub mod category_spend;
mod codes;
pub mod contacts_joined_with_transactions;
pub mod customer_segments;
pub mod customers;
pub mod dag;
pub mod findings;
pub mod recommend;
pub mod recommendation_evaluation;
pub mod recommendations;
pub mod segment;
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
        unique_id::model(self.name())
    }
}

/// Every model, in no particular order; the runner sorts them.
pub static MODELS: &[&dyn Model] = &[
    &stg_sf__contacts::StgSfContacts,
    &stg_web__transactions::StgWebTransactions,
    &contacts_joined_with_transactions::ContactsJoinedWithTransactions,
    &customers::Customers,
    &category::Category,
    &customer_segments::CustomerSegments,
    &category_spend::CategorySpend,
    &recommendations::Recommendations,
    &recommendation_evaluation::RecommendationEvaluation,
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
            .get(&unique_id::model(name))
            .unwrap_or_else(|| panic!("model {name} ran before its parents"))
    }

    /// `{{ source('source', 'table') }}`.
    pub fn source(&self, source: &str, table: &str) -> &'a Table {
        self.tables
            .get(&unique_id::source(source, table))
            .unwrap_or_else(|| panic!("source {source}.{table} is not loaded"))
    }

    pub fn as_of(&self) -> NaiveDate {
        self.config.as_of
    }

    /// Reports rows that this model removed, excluded or flagged.
    pub fn report(&mut self, kind: self::findings::FindingKind, message: String, rows: Table) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::build::output::RunOutput;
    use crate::engine::config::remediation::{
        DuplicateContacts, OrphanTransactions, OutsideCategories,
    };

    fn demo(config: &RunConfig) -> RunOutput {
        crate::engine::build::run(crate::engine::build::demo_sources(), config)
            .expect("the demo runs")
    }

    /// `base` with `part` alone changed, in a way the demo data shows.
    fn varied(base: &RunConfig, part: ConfigPart) -> RunConfig {
        let mut config = base.clone();
        let policies = &mut config.policies;
        match part {
            ConfigPart::AsOf => config.as_of = NaiveDate::from_ymd_opt(1999, 3, 1).unwrap(),
            ConfigPart::FreshnessAt => config.freshness_at = 0,
            ConfigPart::AcceptedCategories => {
                config.accepted_categories.retain(|c| c != "Kitchen");
                config.accepted_categories.reverse();
            }
            ConfigPart::DuplicateContacts => {
                policies.duplicate_contacts = DuplicateContacts::DropAll
            }
            ConfigPart::OrphanTransactions => {
                policies.orphan_transactions = OrphanTransactions::KeepWithNullContact
            }
            ConfigPart::OutsideCategories => {
                policies.outside_categories = OutsideCategories::AddToAcceptedList
            }
        }
        config
    }

    fn text(table: &Table) -> Vec<Vec<String>> {
        let mut rows = vec![table.column_names().map(String::from).collect()];
        rows.extend(table.page(None, 0, table.num_rows()));
        rows
    }

    type Output = (Vec<Vec<String>>, Vec<(String, Vec<Vec<String>>)>);

    /// One model run on the demo's tables with the whole of `config`, not only the parts it
    /// declares (as the build would): its table and its findings, as text.
    fn output(model: &dyn Model, tables: &RunOutput, config: &RunConfig) -> Output {
        let tables: HashMap<String, Table> = tables
            .nodes
            .iter()
            .map(|n| (n.node.unique_id.clone(), n.table.clone()))
            .collect();
        let mut ctx = ModelContext {
            tables: &tables,
            config,
            node: model.unique_id(),
            findings: Vec::new(),
        };
        let table = model.run(&mut ctx).expect("the demo's models run");
        let findings = ctx
            .findings
            .iter()
            .map(|f| (f.message.clone(), text(&f.rows)))
            .collect();
        (text(&table), findings)
    }

    #[test]
    fn each_model_reads_exactly_the_settings_it_declares() {
        let base = RunConfig::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        let tables = demo(&base);
        for &model in MODELS {
            let before = output(model, &tables, &base);
            for part in ConfigPart::ALL {
                let after = output(model, &tables, &varied(&base, part));
                if model.reads().contains(&part) {
                    assert_ne!(
                        before,
                        after,
                        "{} declares {part:?}, but its output on the demo data ignores it",
                        model.name()
                    );
                } else {
                    assert_eq!(
                        before,
                        after,
                        "{} reads {part:?} without declaring it",
                        model.name()
                    );
                }
            }
        }
    }

    #[test]
    fn a_model_runs_with_placeholders_for_what_it_does_not_declare() {
        let base = RunConfig::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        for part in ConfigPart::ALL {
            let other = varied(&base, part);
            assert_ne!(base, other);
            assert_eq!(base.only(&[]), other.only(&[]), "{part:?}");
            let rest: Vec<ConfigPart> =
                ConfigPart::ALL.into_iter().filter(|p| *p != part).collect();
            assert_eq!(base.only(&rest), other.only(&rest), "{part:?}");
            assert_ne!(base.only(&[part]), other.only(&[part]), "{part:?}");
        }
        assert_eq!(base.only(&ConfigPart::ALL), base);
    }
}

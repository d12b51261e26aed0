//! `stg_web__transactions`: the transactions source, renamed and typed.

use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::value::column::DataType;
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

pub struct StgWebTransactions;

const COLUMNS: &[&str] = &[
    "id",
    "contact_id",
    "transaction_date",
    "amount",
    "item_count",
    "category",
    "_loaded_at_utc",
];

impl Model for StgWebTransactions {
    fn name(&self) -> &'static str {
        "stg_web__transactions"
    }

    fn layer(&self) -> Layer {
        Layer::Staging
    }

    fn description(&self) -> &'static str {
        "Web transactions, typed: UTC timestamps to the millisecond, exact decimal amounts."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::WEB_TRANSACTIONS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // A typed pass-through: nothing of the settings.
        &[]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            ("id", DataType::Text, "Transaction id"),
            ("contact_id", DataType::Text, "The buying contact's id"),
            (
                "transaction_date",
                DataType::Timestamp,
                "When it happened (UTC, milliseconds)",
            ),
            ("amount", DataType::Decimal, "Amount spent (exact decimal)"),
            ("item_count", DataType::Integer, "Number of items"),
            ("category", DataType::Text, "Product category"),
            (
                "_loaded_at_utc",
                DataType::Timestamp,
                "When the row was loaded (UTC)",
            ),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        let source = ctx.source("web", "transactions");
        let mut table = Table::new();
        for name in COLUMNS {
            // A typed pass-through: the columns are shared with the source, not copied.
            let column = source
                .shared(name)
                .expect("the loader checked required columns");
            table.push_shared(*name, column.clone());
        }
        Ok(table)
    }
}

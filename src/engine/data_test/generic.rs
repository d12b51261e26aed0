//! A generic test as a schema file attaches it: a kind, the node and column it tests, its
//! arguments and its config. Running one selects the failing rows through the kind's module.

use serde::Serialize;

use super::arguments::{Arguments, Reported};
use super::condition::Condition;
pub use super::GenericKind;
use super::{
    accepted_range, accepted_values, expression_is_true, not_null, relationships, unique, Failing,
    TestConfig,
};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id::{self, UniqueId};

/// The arguments the generic test `name` takes besides `column_name`, in the order messages
/// list them (a name the parser does not know is read as `expression_is_true`).
pub fn signature(name: &str) -> &'static [&'static str] {
    match name {
        "unique" => super::unique::ARGUMENTS,
        "not_null" => super::not_null::ARGUMENTS,
        "accepted_values" => super::accepted_values::ARGUMENTS,
        "relationships" => super::relationships::ARGUMENTS,
        "accepted_range" => super::accepted_range::ARGUMENTS,
        _ => super::expression_is_true::ARGUMENTS,
    }
}

/// The generic test `name` from its arguments; `column` is the column it tests, if any.
pub fn parse_arguments(
    name: &str,
    args: &mut impl Arguments,
    column: Option<&str>,
) -> Result<GenericKind, Reported> {
    match name {
        "unique" => Ok(super::unique::parse_arguments()),
        "not_null" => Ok(super::not_null::parse_arguments()),
        "accepted_values" => super::accepted_values::parse_arguments(args),
        "relationships" => super::relationships::parse_arguments(args),
        "accepted_range" => super::accepted_range::parse_arguments(args),
        _ => super::expression_is_true::parse_arguments(args, column),
    }
}

impl GenericKind {
    /// dbt's name for the test.
    pub fn name(&self) -> &'static str {
        match self {
            GenericKind::Unique => "unique",
            GenericKind::NotNull => "not_null",
            GenericKind::AcceptedValues { .. } => "accepted_values",
            GenericKind::Relationships { .. } => "relationships",
            GenericKind::AcceptedRange { .. } => "accepted_range",
            GenericKind::ExpressionIsTrue { .. } => "expression_is_true",
        }
    }

    /// Every generic test c360 knows, for error messages.
    pub const NAMES: [&'static str; 6] = [
        "unique",
        "not_null",
        "accepted_values",
        "relationships",
        "accepted_range",
        "expression_is_true",
    ];
}

/// One generic test from a schema file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GenericTest {
    pub unique_id: String,
    pub kind: GenericKind,
    /// The tested node's unique id.
    pub node: String,
    pub column: Option<String>,
    pub config: TestConfig,
    /// The line in the schema file where the test is defined.
    pub line: usize,
}

/// `{{ source('web', 'transactions') }}` or `{{ ref('customers') }}` for a unique id.
pub fn relation(unique_id: &str) -> String {
    match unique_id::parse(unique_id) {
        Some(UniqueId::Source {
            source_name: source,
            table,
        }) => format!("{{{{ source('{source}', '{table}') }}}}"),
        _ => format!("{{{{ ref('{}') }}}}", unique_id::name(unique_id)),
    }
}

impl GenericTest {
    /// The nodes whose tables the test reads.
    pub fn depends_on(&self) -> Vec<String> {
        let mut nodes = vec![self.node.clone()];
        if let GenericKind::Relationships { to, .. } = &self.kind {
            if to != &self.node {
                nodes.push(to.clone());
            }
        }
        nodes
    }

    /// The equivalent dbt SQL that selects the failing rows.
    pub fn sql(&self) -> String {
        let rel = relation(&self.node);
        let col = self.column.as_deref().unwrap_or("*");
        let filter = self
            .config
            .where_
            .as_ref()
            .map_or(String::new(), |w| format!(" and ({w})"));
        let mut sql = match &self.kind {
            GenericKind::Unique => unique::sql(&rel, col, &filter),
            GenericKind::NotNull => not_null::sql(&rel, col, &filter),
            GenericKind::AcceptedValues { values, quote } => {
                accepted_values::sql(&rel, col, values, *quote, &filter)
            }
            GenericKind::Relationships { to, field } => {
                relationships::sql(&rel, col, &relation(to), field, &filter)
            }
            GenericKind::AcceptedRange {
                min_value,
                max_value,
                inclusive,
            } => accepted_range::sql(
                &rel,
                col,
                min_value.as_deref(),
                max_value.as_deref(),
                *inclusive,
                &filter,
            ),
            GenericKind::ExpressionIsTrue { expression } => {
                expression_is_true::sql(&rel, expression, &filter)
            }
        };
        if let Some(limit) = self.config.limit {
            sql.push_str(&format!("\nlimit {limit}"));
        }
        sql
    }

    /// Selects the failing rows of `table` (and, for relationships, checks `parent`).
    pub fn failing(
        &self,
        table: &Table,
        parent: Option<&Table>,
    ) -> Result<(Failing, usize), String> {
        let rows: Vec<u32> = match &self.config.where_ {
            Some(w) => w.rows(table).map_err(|e| format!("where: {e}"))?,
            None => (0..table.num_rows() as u32).collect(),
        };
        let column = || {
            let name = self.column.as_deref().ok_or("this test needs a column")?;
            table
                .column(name)
                .ok_or_else(|| format!("no column named {name}"))
        };
        let failing = match &self.kind {
            GenericKind::Unique => unique::failing(column()?, &rows),
            GenericKind::NotNull => not_null::failing(column()?, &rows),
            GenericKind::AcceptedValues { values, quote } => {
                accepted_values::failing(column()?, &rows, values, *quote)
            }
            GenericKind::Relationships { field, .. } => {
                let parent = parent.ok_or("the parent table is not available")?;
                let to = parent
                    .column(field)
                    .ok_or_else(|| format!("the parent has no column named {field}"))?;
                relationships::failing(column()?, &rows, to)
            }
            GenericKind::AcceptedRange {
                min_value,
                max_value,
                inclusive,
            } => accepted_range::failing(
                column()?,
                &rows,
                min_value.as_deref(),
                max_value.as_deref(),
                *inclusive,
            )?,
            GenericKind::ExpressionIsTrue { expression } => {
                let condition = Condition::parse(expression)?;
                expression_is_true::failing(table, &rows, &condition)?
            }
        };
        Ok((failing, rows.len()))
    }
}

//! Test definitions in dbt's own schema-file format (`version: 2`, `sources:`, `models:`),
//! parsed with spans so every problem names its line.
//!
//! Accepted: `data_tests:` and the older `tests:`; test arguments inline or under
//! `arguments:`; config under `config:` or inline (older dbt); `dbt_utils.` prefixes on
//! `accepted_range` and `expression_is_true`; source- or table-level `freshness` with
//! `loaded_at_field`. The `accepted_values` test on `web.transactions.category` is the
//! accepted category list: `customers` makes its `<slug>_amount` columns from it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::data_test::generic::{GenericKind, GenericTest};
use crate::engine::value::time::DAY_MILLIS;
use crate::engine::value::unique_id;

mod edit;
mod parse;

pub use parse::parse;

/// The shipped definitions.
pub const DEFAULT_SCHEMA: &str = include_str!("schema.yml");

/// dbt's freshness periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Minute,
    Hour,
    Day,
}

impl Period {
    pub fn millis(self) -> i64 {
        match self {
            Period::Minute => 60_000,
            Period::Hour => 3_600_000,
            Period::Day => DAY_MILLIS,
        }
    }
}

/// `warn_after` / `error_after`: `{count: 1, period: day}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshnessThreshold {
    pub count: u32,
    pub period: Period,
}

impl FreshnessThreshold {
    pub fn millis(self) -> i64 {
        i64::from(self.count) * self.period.millis()
    }
}

impl fmt::Display for FreshnessThreshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.period {
            Period::Minute => "minute",
            Period::Hour => "hour",
            Period::Day => "day",
        };
        write!(
            f,
            "{} {unit}{}",
            self.count,
            if self.count == 1 { "" } else { "s" }
        )
    }
}

/// A source table's freshness check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshnessDef {
    /// `source.c360.web.transactions`.
    pub node: String,
    pub loaded_at_field: String,
    pub warn_after: Option<FreshnessThreshold>,
    pub error_after: Option<FreshnessThreshold>,
    pub line: usize,
}

/// Where the accepted category list sits in the text, for edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ValuesSpan {
    /// The `values:` sequence is `[...]` (flow style) or `- ...` lines (block style).
    pub flow: bool,
    /// 1-based line of the last item (block) or of the closing `]` (flow).
    pub last_line: usize,
    /// 1-based character column of the last item (block) or of the closing `]` (flow).
    pub last_column: usize,
    /// Flow style: the character offset of the closing `]` in the text.
    pub close: usize,
}

/// A parsed, validated schema file.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The text it was parsed from.
    pub text: String,
    pub tests: Vec<GenericTest>,
    pub freshness: Vec<FreshnessDef>,
    /// The accepted categories, when the file defines them.
    pub accepted_categories: Option<Vec<String>>,
    pub(crate) accepted_span: Option<ValuesSpan>,
}

impl Schema {
    /// The shipped definitions.
    pub fn default_schema() -> Schema {
        parse(DEFAULT_SCHEMA).expect("the shipped schema is valid")
    }

    /// No tests, no freshness: what `run` (models only) uses.
    pub fn empty() -> Schema {
        Schema {
            text: String::new(),
            tests: Vec::new(),
            freshness: Vec::new(),
            accepted_categories: None,
            accepted_span: None,
        }
    }

    /// The test on `web.transactions.category` that holds the accepted list.
    pub fn accepted_values_test(&self) -> Option<&GenericTest> {
        self.tests.iter().find(|t| {
            t.node == unique_id::WEB_TRANSACTIONS
                && t.column.as_deref() == Some("category")
                && matches!(t.kind, GenericKind::AcceptedValues { .. })
        })
    }
}

/// One problem in a schema file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaError {
    /// 1-based; 0 when the problem has no place (an empty file).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Every problem found in a schema file, in line order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaErrors(pub Vec<SchemaError>);

impl fmt::Display for SchemaErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "the schema file has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaErrors {}

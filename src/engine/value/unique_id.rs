//! dbt's `unique_id`s, in one place: `model.c360.customers`, `source.c360.web.transactions`,
//! `test.c360.unique_customers_id`. Every shell (the CLI, the worker, the page) builds, parses
//! and shortens ids here rather than with its own `format!` or `strip_prefix`.
//!
//! A leaf: it knows the ids' shape and the models' ids, not the nodes themselves (that is
//! `engine::models::dag`) nor what a run did with them.

/// The dbt project's name, the second part of every id.
pub const PROJECT: &str = "c360";

/// What every model's id starts with.
pub const MODEL_PREFIX: &str = "model.c360.";
/// What every source table's id starts with.
pub const SOURCE_PREFIX: &str = "source.c360.";
/// What every data test's id starts with.
pub const TEST_PREFIX: &str = "test.c360.";

/// `source('salesforce', 'contacts')`.
pub const SALESFORCE_CONTACTS: &str = "source.c360.salesforce.contacts";
/// `source('web', 'transactions')`.
pub const WEB_TRANSACTIONS: &str = "source.c360.web.transactions";

/// `ref('stg_sf__contacts')`.
pub const STG_SF__CONTACTS: &str = "model.c360.stg_sf__contacts";
/// `ref('stg_web__transactions')`.
pub const STG_WEB__TRANSACTIONS: &str = "model.c360.stg_web__transactions";
/// `ref('contacts_joined_with_transactions')`.
pub const CONTACTS_JOINED_WITH_TRANSACTIONS: &str = "model.c360.contacts_joined_with_transactions";
/// `ref('customers')`.
pub const CUSTOMERS: &str = "model.c360.customers";
/// `ref('category')`.
pub const CATEGORY: &str = "model.c360.category";
/// `ref('customer_segments')`.
pub const CUSTOMER_SEGMENTS: &str = "model.c360.customer_segments";
/// `ref('category_spend')`.
pub const CATEGORY_SPEND: &str = "model.c360.category_spend";
/// `ref('recommendations')`.
pub const RECOMMENDATIONS: &str = "model.c360.recommendations";
/// `ref('recommendation_evaluation')`.
pub const RECOMMENDATION_EVALUATION: &str = "model.c360.recommendation_evaluation";

/// A model's id: `customers` → `model.c360.customers`.
pub fn model(name: &str) -> String {
    format!("{MODEL_PREFIX}{name}")
}

/// A source table's id: `("web", "transactions")` → `source.c360.web.transactions`.
pub fn source(source_name: &str, table: &str) -> String {
    format!("{SOURCE_PREFIX}{source_name}.{table}")
}

/// A data test's id: `unique_customers_id` → `test.c360.unique_customers_id`.
pub fn test(name: &str) -> String {
    format!("{TEST_PREFIX}{name}")
}

/// The id a dbt relation names: `source('a', 'b')` → `source.c360.a.b`, `ref('m')` →
/// `model.c360.m` (quotes single or double, spaces around arguments ignored); `None` for
/// anything else.
pub fn from_relation(text: &str) -> Option<String> {
    let t = text.trim();
    let args = |inner: &str| -> Vec<String> {
        inner
            .split(',')
            .map(|a| a.trim().trim_matches(['\'', '"']).to_string())
            .collect()
    };
    if let Some(inner) = t.strip_prefix("source(").and_then(|r| r.strip_suffix(')')) {
        match args(inner).as_slice() {
            [s, t] if !s.is_empty() && !t.is_empty() => Some(source(s, t)),
            _ => None,
        }
    } else if let Some(inner) = t.strip_prefix("ref(").and_then(|r| r.strip_suffix(')')) {
        match args(inner).as_slice() {
            [m] if !m.is_empty() => Some(model(m)),
            _ => None,
        }
    } else {
        None
    }
}

/// An id read back into its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UniqueId<'a> {
    Source {
        source_name: &'a str,
        table: &'a str,
    },
    Model(&'a str),
    Test(&'a str),
}

/// The parts of an id this project makes; `None` for anything else.
///
/// ```
/// use c360::engine::value::unique_id::{parse, UniqueId};
///
/// assert_eq!(
///     parse("source.c360.web.transactions"),
///     Some(UniqueId::Source { source_name: "web", table: "transactions" })
/// );
/// assert_eq!(parse("model.c360.customers"), Some(UniqueId::Model("customers")));
/// assert_eq!(parse("seed.c360.x"), None);
/// ```
pub fn parse(unique_id: &str) -> Option<UniqueId<'_>> {
    if let Some(rest) = unique_id.strip_prefix(SOURCE_PREFIX) {
        let (source_name, table) = rest.split_once('.')?;
        Some(UniqueId::Source { source_name, table })
    } else if let Some(name) = unique_id.strip_prefix(MODEL_PREFIX) {
        Some(UniqueId::Model(name))
    } else {
        unique_id.strip_prefix(TEST_PREFIX).map(UniqueId::Test)
    }
}

/// An id as people read it in messages and on the page: `web.transactions` for a source
/// table, the name for a model or a test; any other text as it is.
pub fn short(unique_id: &str) -> &str {
    [SOURCE_PREFIX, MODEL_PREFIX, TEST_PREFIX]
        .iter()
        .find_map(|p| unique_id.strip_prefix(p))
        .unwrap_or(unique_id)
}

/// The resource's own name, dbt's `name`: the id's last part (`transactions` for a source
/// table, `customers` for a model).
pub fn name(unique_id: &str) -> &str {
    unique_id.rsplit('.').next().unwrap_or(unique_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_are_the_ids_the_builders_make() {
        use crate::engine::models::MODELS;
        use crate::engine::source::{CONTACTS, TRANSACTIONS};
        let ids: Vec<String> = MODELS.iter().map(|m| model(m.name())).collect();
        assert_eq!(
            ids,
            [
                STG_SF__CONTACTS,
                STG_WEB__TRANSACTIONS,
                CONTACTS_JOINED_WITH_TRANSACTIONS,
                CUSTOMERS,
                CATEGORY,
                CUSTOMER_SEGMENTS,
                CATEGORY_SPEND,
                RECOMMENDATIONS,
                RECOMMENDATION_EVALUATION,
            ]
        );
        assert_eq!(CONTACTS.unique_id(), SALESFORCE_CONTACTS);
        assert_eq!(TRANSACTIONS.unique_id(), WEB_TRANSACTIONS);
        assert!(MODEL_PREFIX.contains(PROJECT));
    }

    #[test]
    fn ids_round_trip_and_shorten() {
        assert_eq!(
            parse(&source("web", "transactions")),
            Some(UniqueId::Source {
                source_name: "web",
                table: "transactions"
            })
        );
        assert_eq!(parse(&test("t")), Some(UniqueId::Test("t")));
        assert_eq!(short(WEB_TRANSACTIONS), "web.transactions");
        assert_eq!(short(CUSTOMERS), "customers");
        assert_eq!(short("test.c360.not_null_x"), "not_null_x");
        assert_eq!(short("other"), "other");
        assert_eq!(name(WEB_TRANSACTIONS), "transactions");
    }
}

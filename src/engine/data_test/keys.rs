//! Hashable keys for any cell, so `unique` and `relationships` work on every column type.

use crate::engine::value::column::Value;

/// A cell as a hash key (decimals of one column share a scale, so units compare).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    Text(&'a str),
    Int(i64),
    Date(chrono::NaiveDate),
    Bool(bool),
}

pub fn key<'a>(value: Value<'a>) -> Option<Key<'a>> {
    Some(match value {
        Value::Null => return None,
        Value::Text(s) => Key::Text(s),
        Value::Integer(i) | Value::Timestamp(i) => Key::Int(i),
        Value::Decimal(d) => Key::Int(d.units),
        Value::Date(d) => Key::Date(d),
        Value::Boolean(b) => Key::Bool(b),
    })
}

//! A named set of equally long typed columns: one source, model or list of failing rows.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::column::{Column, DataType, TextColumn, Value};

/// One named column of a table. Columns are shared: a model that passes a column through
/// (a rename, a staging copy) shares it instead of copying it.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub column: Arc<Column>,
}

/// A column's name and type: what a table header shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: DataType,
}

/// A typed columnar table.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub fields: Vec<Field>,
}

impl Table {
    pub fn new() -> Self {
        Table::default()
    }

    /// Adds a column. All columns of a table have the same length.
    pub fn push(&mut self, name: impl Into<String>, column: Column) {
        debug_assert!(
            self.fields.is_empty() || self.num_rows() == column.len(),
            "column lengths differ"
        );
        self.fields.push(Field {
            name: name.into(),
            column: Arc::new(column),
        });
    }

    /// Adds a column shared with another table (no copy).
    pub fn push_shared(&mut self, name: impl Into<String>, column: Arc<Column>) {
        debug_assert!(
            self.fields.is_empty() || self.num_rows() == column.len(),
            "column lengths differ"
        );
        self.fields.push(Field {
            name: name.into(),
            column,
        });
    }

    /// A column as its shared handle, to pass it on to another table without copying.
    pub fn shared(&self, name: &str) -> Option<&Arc<Column>> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.column)
    }

    /// The same table with one more column.
    pub fn with(mut self, name: impl Into<String>, column: Column) -> Self {
        self.push(name, column);
        self
    }

    pub fn num_rows(&self) -> usize {
        self.fields.first().map_or(0, |f| f.column.len())
    }

    pub fn num_columns(&self) -> usize {
        self.fields.len()
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| &*f.column)
    }

    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    pub fn schema(&self) -> Vec<ColumnInfo> {
        self.fields
            .iter()
            .map(|f| ColumnInfo {
                name: f.name.clone(),
                data_type: f.column.data_type(),
            })
            .collect()
    }

    /// A column a model knows exists with a given type, as its typed storage. A missing
    /// column or another type is a bug in the model graph, not bad input: it panics naming
    /// the column.
    fn typed<'a, T>(&'a self, name: &str, want: &str, pick: impl Fn(&'a Column) -> Option<T>) -> T {
        let column = self
            .column(name)
            .unwrap_or_else(|| panic!("no column named {name}"));
        pick(column).unwrap_or_else(|| panic!("column {name} is not {want}"))
    }

    /// A text column's dictionary-encoded storage.
    pub fn text(&self, name: &str) -> &TextColumn {
        self.typed(name, "text", |c| match c {
            Column::Text(t) => Some(t),
            _ => None,
        })
    }

    /// A decimal column's units and scale.
    pub fn decimals(&self, name: &str) -> (&[Option<i64>], u8) {
        self.typed(name, "numeric", |c| match c {
            Column::Decimal { values, scale } => Some((values.as_slice(), *scale)),
            _ => None,
        })
    }

    pub fn integers(&self, name: &str) -> &[Option<i64>] {
        self.typed(name, "integer", |c| match c {
            Column::Integer(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    pub fn dates(&self, name: &str) -> &[Option<chrono::NaiveDate>] {
        self.typed(name, "a date", |c| match c {
            Column::Date(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// Milliseconds since the epoch, UTC.
    pub fn timestamps(&self, name: &str) -> &[Option<i64>] {
        self.typed(name, "a timestamp", |c| match c {
            Column::Timestamp(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    pub fn value(&self, row: usize, column: usize) -> Value<'_> {
        self.fields[column].column.get(row)
    }

    /// The rows at `rows`, in that order.
    pub fn take(&self, rows: &[u32]) -> Table {
        Table {
            fields: self
                .fields
                .iter()
                .map(|f| Field {
                    name: f.name.clone(),
                    column: Arc::new(f.column.gather(rows)),
                })
                .collect(),
        }
    }

    /// Row numbers ordered by one column (stable; nulls last in either direction).
    pub fn sorted_order(&self, column: usize, descending: bool) -> Vec<u32> {
        let col = &self.fields[column].column;
        let mut order: Vec<u32> = (0..self.num_rows() as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            let ord = col.compare_rows(a, b);
            if descending && !col.is_null(a) && !col.is_null(b) {
                ord.reverse()
            } else {
                ord
            }
        });
        order
    }

    /// The rows as JSON objects of text cells (nulls as JSON null), in file order.
    pub fn to_json_rows(&self) -> serde_json::Value {
        let rows = (0..self.num_rows())
            .map(|r| {
                let mut object = serde_json::Map::new();
                for f in &self.fields {
                    let v = f.column.get(r);
                    let cell = if v.is_null() {
                        serde_json::Value::Null
                    } else {
                        v.to_string().into()
                    };
                    object.insert(f.name.clone(), cell);
                }
                serde_json::Value::Object(object)
            })
            .collect();
        serde_json::Value::Array(rows)
    }

    /// One page of rows as text, in `order` (or file order), for a table view.
    pub fn page(&self, order: Option<&[u32]>, offset: usize, limit: usize) -> Vec<Vec<String>> {
        let end = (offset + limit).min(self.num_rows());
        (offset.min(end)..end)
            .map(|i| {
                let row = order.map_or(i, |o| o[i] as usize);
                self.fields
                    .iter()
                    .map(|f| f.column.get(row).to_string())
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::column::TextColumn;

    fn sample() -> Table {
        Table::new()
            .with(
                "name",
                Column::Text(TextColumn::from_values([Some("b"), None, Some("a")])),
            )
            .with("n", Column::Integer(vec![Some(2), Some(3), None]))
    }

    #[test]
    fn sorts_with_nulls_last_both_ways() {
        let t = sample();
        assert_eq!(t.sorted_order(0, false), vec![2, 0, 1]);
        assert_eq!(t.sorted_order(0, true), vec![0, 2, 1]);
        assert_eq!(t.sorted_order(1, true), vec![1, 0, 2]);
    }

    #[test]
    fn pages_in_order() {
        let t = sample();
        let order = t.sorted_order(1, false);
        assert_eq!(
            t.page(Some(&order), 1, 5),
            vec![vec!["", "3"], vec!["a", ""]]
        );
        assert!(t.page(None, 10, 5).is_empty());
    }
}

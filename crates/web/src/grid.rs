//! A table as the table view shows it: its documented columns, one sort, one page.
//!
//! This is the only place the web app reads a [`Table`] for display, and it only ever asks
//! the engine for one page of rows at a time, so a table of millions of rows costs one sort
//! order and fifty rendered rows. A `Grid` carries the table it was sorted for, so its sort
//! order can never point into a different table.

use std::sync::Arc;

use c360::engine::models::ModelColumn;
use c360::engine::Table;

use super::format::group_digits;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

/// A sort direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// Which column the rows are ordered by. Kept by name so that it survives a re-run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: String,
    pub direction: Direction,
}

/// What a user can do to a table view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableCommand {
    /// Sorts by the column at this index: ascending first, then flipping.
    SortBy(usize),
    FirstPage,
    PreviousPage,
    NextPage,
    LastPage,
}

/// One header cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    /// The SQL type name: `integer`, `numeric`, `text`.
    pub type_name: &'static str,
    pub numeric: bool,
    /// The column's documentation, when the node documents it.
    pub description: Option<String>,
}

/// One body cell, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The engine's text, with thousands separators for numbers.
    pub text: String,
    pub null: bool,
}

/// A table, its column docs, and how it is sorted and paged.
#[derive(Clone, Debug)]
pub struct Grid {
    table: Arc<Table>,
    docs: Arc<[ModelColumn]>,
    sort: Option<Sort>,
    /// Row numbers in sort order; `None` is file order.
    order: Option<Arc<[u32]>>,
    offset: usize,
}

impl Grid {
    /// A view of `table` in file order at its first page.
    pub fn new(table: Arc<Table>, docs: Arc<[ModelColumn]>) -> Grid {
        Grid {
            table,
            docs,
            sort: None,
            order: None,
            offset: 0,
        }
    }

    /// A view of a new version of the same table (after a re-run) that keeps this view's sort,
    /// when the column still exists, and its page, when the table is still that long.
    pub fn carry_over(&self, table: Arc<Table>, docs: Arc<[ModelColumn]>) -> Grid {
        let mut grid = Grid::new(table, docs);
        if let Some(sort) = &self.sort {
            let index = grid.table.column_names().position(|n| n == sort.column);
            if let Some(index) = index {
                grid.set_sort(index, sort.direction);
            }
        }
        grid.offset = self.offset.min(grid.last_offset());
        grid
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    pub fn num_rows(&self) -> usize {
        self.table.num_rows()
    }

    pub fn apply(&mut self, command: TableCommand) {
        match command {
            TableCommand::SortBy(column) => self.sort_by(column),
            TableCommand::FirstPage => self.offset = 0,
            TableCommand::PreviousPage => self.offset = self.offset.saturating_sub(PAGE_SIZE),
            TableCommand::NextPage => {
                self.offset = (self.offset + PAGE_SIZE).min(self.last_offset())
            }
            TableCommand::LastPage => self.offset = self.last_offset(),
        }
    }

    /// Sorts by a column, ascending, or flips the direction if it is already the sort column.
    /// Goes back to the first page: the rows there are no longer the ones that were shown.
    pub fn sort_by(&mut self, column: usize) {
        let Some(name) = self.table.column_names().nth(column) else {
            return;
        };
        let direction = match &self.sort {
            Some(s) if s.column == name && s.direction == Direction::Ascending => {
                Direction::Descending
            }
            _ => Direction::Ascending,
        };
        self.set_sort(column, direction);
        self.offset = 0;
    }

    fn set_sort(&mut self, column: usize, direction: Direction) {
        let descending = direction == Direction::Descending;
        self.order = Some(self.table.sorted_order(column, descending).into());
        self.sort = Some(Sort {
            column: self.table.fields[column].name.clone(),
            direction,
        });
    }

    fn last_offset(&self) -> usize {
        self.num_rows().saturating_sub(1) / PAGE_SIZE * PAGE_SIZE
    }

    pub fn headers(&self) -> Vec<Header> {
        self.table
            .schema()
            .into_iter()
            .map(|info| Header {
                description: self
                    .docs
                    .iter()
                    .find(|d| d.name == info.name)
                    .map(|d| d.description.clone())
                    .filter(|d| !d.is_empty()),
                type_name: info.data_type.sql_name(),
                numeric: info.data_type.is_numeric(),
                name: info.name,
            })
            .collect()
    }

    /// The direction rows are sorted in by the column at `index`, if they are sorted by it.
    pub fn direction(&self, index: usize) -> Option<Direction> {
        let name = self.table.column_names().nth(index)?;
        self.sort
            .as_ref()
            .filter(|s| s.column == name)
            .map(|s| s.direction)
    }

    /// The current page's rows.
    pub fn rows(&self) -> Vec<Vec<Cell>> {
        let numeric: Vec<bool> = self
            .table
            .fields
            .iter()
            .map(|f| f.column.data_type().is_numeric())
            .collect();
        let order = self.order.as_deref();
        let texts = self.table.page(order, self.offset, PAGE_SIZE);
        texts
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let position = self.offset + i;
                let row_number = order.map_or(position, |o| o[position] as usize);
                row.into_iter()
                    .enumerate()
                    .map(|(column, text)| {
                        // `page` writes null as the empty string, like CSV; ask which it was.
                        let null = self.table.value(row_number, column).is_null();
                        let text = if numeric[column] {
                            group_digits(&text)
                        } else {
                            text
                        };
                        Cell { text, null }
                    })
                    .collect()
            })
            .collect()
    }

    /// The 1-based numbers of the first and last rows shown (`0, 0` for an empty table).
    pub fn shown(&self) -> (usize, usize) {
        let end = (self.offset + PAGE_SIZE).min(self.num_rows());
        if end == 0 {
            (0, 0)
        } else {
            (self.offset + 1, end)
        }
    }

    pub fn has_previous(&self) -> bool {
        self.offset > 0
    }

    pub fn has_next(&self) -> bool {
        self.offset + PAGE_SIZE < self.num_rows()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use c360::engine::column::{Column, TextColumn};
    use c360::engine::DataType;

    /// `n` rows: `id` 0..n as text, `amount` descending exact decimals with every 7th null.
    fn table(n: usize) -> Arc<Table> {
        let ids: Vec<String> = (0..n).map(|i| format!("row{i:04}")).collect();
        let amounts = (0..n)
            .map(|i| (i % 7 != 3).then(|| (n - i) as i64 * 123_456))
            .collect();
        Arc::new(
            Table::new()
                .with(
                    "id",
                    Column::Text(TextColumn::from_values(
                        ids.iter().map(|s| Some(s.as_str())),
                    )),
                )
                .with(
                    "amount",
                    Column::Decimal {
                        values: amounts,
                        scale: 2,
                    },
                ),
        )
    }

    fn docs() -> Arc<[ModelColumn]> {
        vec![ModelColumn {
            name: "amount".into(),
            data_type: DataType::Decimal,
            description: "Spend, exact".into(),
        }]
        .into()
    }

    fn first_ids(grid: &Grid) -> Vec<String> {
        grid.rows()
            .iter()
            .take(3)
            .map(|r| r[0].text.clone())
            .collect()
    }

    #[test]
    fn pages_fifty_rows_at_a_time() {
        let mut grid = Grid::new(table(120), docs());
        assert_eq!(grid.rows().len(), PAGE_SIZE);
        assert_eq!(grid.shown(), (1, 50));
        assert!(!grid.has_previous() && grid.has_next());
        grid.apply(TableCommand::NextPage);
        assert_eq!(grid.shown(), (51, 100));
        grid.apply(TableCommand::LastPage);
        assert_eq!(grid.shown(), (101, 120));
        assert_eq!(grid.rows().len(), 20);
        assert!(!grid.has_next());
        grid.apply(TableCommand::NextPage);
        assert_eq!(
            grid.shown(),
            (101, 120),
            "next on the last page stays there"
        );
        grid.apply(TableCommand::PreviousPage);
        grid.apply(TableCommand::PreviousPage);
        grid.apply(TableCommand::PreviousPage);
        assert_eq!(grid.shown(), (1, 50));
    }

    #[test]
    fn an_empty_table_shows_no_rows() {
        let mut grid = Grid::new(table(0), docs());
        grid.apply(TableCommand::LastPage);
        assert_eq!(grid.shown(), (0, 0));
        assert!(grid.rows().is_empty());
        assert!(!grid.has_previous() && !grid.has_next());
    }

    #[test]
    fn sorts_ascending_then_descending_and_back_to_the_first_page() {
        let mut grid = Grid::new(table(120), docs());
        grid.apply(TableCommand::LastPage);
        grid.apply(TableCommand::SortBy(1));
        assert_eq!(grid.shown(), (1, 50));
        assert_eq!(grid.direction(1), Some(Direction::Ascending));
        assert_eq!(grid.direction(0), None);
        assert_eq!(first_ids(&grid), ["row0119", "row0118", "row0117"]);
        grid.apply(TableCommand::SortBy(1));
        assert_eq!(grid.direction(1), Some(Direction::Descending));
        assert_eq!(first_ids(&grid), ["row0000", "row0001", "row0002"]);
        // Nulls last either way.
        grid.apply(TableCommand::LastPage);
        assert!(grid.rows().last().unwrap()[1].null);
    }

    #[test]
    fn cells_group_numbers_and_flag_nulls() {
        let grid = Grid::new(table(120), docs());
        let rows = grid.rows();
        assert_eq!(
            rows[0][1],
            Cell {
                text: "148,147.20".into(),
                null: false
            }
        );
        assert_eq!(
            rows[3][1],
            Cell {
                text: String::new(),
                null: true
            }
        );
        assert_eq!(
            rows[0][0],
            Cell {
                text: "row0000".into(),
                null: false
            }
        );
    }

    #[test]
    fn headers_carry_types_and_docs() {
        let headers = Grid::new(table(3), docs()).headers();
        assert_eq!(headers[0].type_name, "text");
        assert!(!headers[0].numeric);
        assert_eq!(headers[0].description, None);
        assert_eq!(headers[1].type_name, "numeric");
        assert!(headers[1].numeric);
        assert_eq!(headers[1].description.as_deref(), Some("Spend, exact"));
    }

    #[test]
    fn a_rerun_keeps_the_sort_and_the_page_that_still_exists() {
        let mut grid = Grid::new(table(120), docs());
        grid.apply(TableCommand::SortBy(1));
        grid.apply(TableCommand::SortBy(1));
        grid.apply(TableCommand::LastPage);
        let shorter = grid.carry_over(table(60), docs());
        assert_eq!(shorter.direction(1), Some(Direction::Descending));
        assert_eq!(shorter.shown(), (51, 60));
        let without_column = grid.carry_over(
            Arc::new(Table::new().with("other", Column::Integer(vec![Some(1)]))),
            docs(),
        );
        assert_eq!(without_column.direction(0), None);
        assert_eq!(without_column.shown(), (1, 1));
    }
}

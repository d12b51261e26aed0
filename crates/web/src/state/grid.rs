//! A table as the table view shows it: its documented columns, one sort, one page.
//!
//! The page never holds a table: a `Grid` knows which table of which run it shows, how it is
//! sorted, filtered and paged, and the one page of rows the worker last sent for exactly that
//! ([`Grid::request`] is what to ask for, [`Grid::receive`] takes the answer). A page for
//! another run, table, sort or offset is refused, so the rows on screen are always the ones
//! the header and pager describe, from the run in force.

use c360::engine::models::ModelColumn;
use c360::engine::value::table::ColumnInfo;
pub use c360_worker::protocol::{Direction, Filter, Sort};
use c360_worker::protocol::{PageRequest, TablePage, TableRef};

use crate::state::format::group_digits;
use crate::state::route::TableView;

/// Rows per page.
pub const PAGE_SIZE: usize = 50;

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

/// A table of a run, how it is sorted, filtered and paged, and the page of it last received.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    run: u64,
    table: TableRef,
    docs: Vec<ModelColumn>,
    columns: Vec<ColumnInfo>,
    /// Rows in the table, as the run's summary counts them.
    rows: usize,
    sort: Option<Sort>,
    filter: Option<Filter>,
    offset: usize,
    page: Option<TablePage>,
}

impl Grid {
    /// A view of a table of `run`, in file order at its first page, with nothing received yet.
    pub fn new(
        run: u64,
        table: TableRef,
        docs: Vec<ModelColumn>,
        columns: Vec<ColumnInfo>,
        rows: usize,
    ) -> Grid {
        Grid {
            run,
            table,
            docs,
            columns,
            rows,
            sort: None,
            filter: None,
            offset: 0,
            page: None,
        }
    }

    /// A view of a new version of the same table (after a re-run) that keeps this view's sort
    /// and filter, when their columns still exist, and its page, when the table is still that
    /// long.
    pub fn carry_over(
        &self,
        run: u64,
        docs: Vec<ModelColumn>,
        columns: Vec<ColumnInfo>,
        rows: usize,
    ) -> Grid {
        let has = |name: &str| columns.iter().any(|c| c.name == name);
        let mut grid = Grid {
            sort: self.sort.clone().filter(|s| has(&s.column)),
            filter: self.filter.clone().filter(|f| has(&f.column)),
            ..Grid::new(run, self.table.clone(), docs, columns, rows)
        };
        grid.offset = if grid.filter.is_some() {
            0
        } else {
            self.offset.min(grid.last_offset())
        };
        grid
    }

    pub fn run(&self) -> u64 {
        self.run
    }

    pub fn table(&self) -> &TableRef {
        &self.table
    }

    /// The page to ask the worker for, to show what this view says it shows.
    pub fn request(&self) -> PageRequest {
        PageRequest {
            run: self.run,
            table: self.table.clone(),
            sort: self.sort.clone(),
            filter: self.filter.clone(),
            offset: self.offset,
            limit: PAGE_SIZE,
        }
    }

    /// Takes a page from the worker when it is the one this view asks for now; returns
    /// whether it was.
    pub fn receive(&mut self, page: TablePage) -> bool {
        let wanted = page.run == self.run
            && page.table == self.table
            && page.sort == self.sort
            && page.filter == self.filter
            && page.offset == self.offset;
        if wanted {
            self.columns = page.columns.clone();
            self.page = Some(page);
        }
        wanted
    }

    /// Whether the rows shown are not yet the ones asked for.
    pub fn is_loading(&self) -> bool {
        self.page.as_ref().is_none_or(|p| {
            p.offset != self.offset || p.sort != self.sort || p.filter != self.filter
        })
    }

    /// Rows that pass the filter (all of them without one).
    pub fn num_rows(&self) -> usize {
        match &self.page {
            Some(page) if page.filter == self.filter => page.matching_rows,
            _ if self.filter.is_none() => self.rows,
            _ => 0,
        }
    }

    /// Rows in the table, filter or not.
    pub fn total_rows(&self) -> usize {
        self.rows
    }

    pub fn num_columns(&self) -> usize {
        self.columns.len()
    }

    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    /// Shows only the rows whose `column` shows `value`, or every row.
    /// How the table is shown, for its URL.
    pub fn view(&self) -> TableView {
        TableView {
            sort: self.sort.clone(),
            filter: self.filter.clone(),
            offset: self.offset,
        }
    }

    /// Shows the table as a URL says: the sort and filter when their columns exist, the page
    /// as a multiple of the page size within the table.
    pub fn set_view(&mut self, view: &TableView) {
        let has = |name: &str| self.columns.iter().any(|c| c.name == name);
        self.sort = view.sort.clone().filter(|s| has(&s.column));
        self.filter = view.filter.clone().filter(|f| has(&f.column));
        self.offset = (view.offset / PAGE_SIZE * PAGE_SIZE).min(self.last_offset());
    }

    pub fn set_filter(&mut self, filter: Option<Filter>) {
        if filter != self.filter {
            self.filter = filter;
            self.offset = 0;
        }
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
        let Some(name) = self.columns.get(column).map(|c| c.name.clone()) else {
            return;
        };
        let direction = match &self.sort {
            Some(s) if s.column == name && s.direction == Direction::Ascending => {
                Direction::Descending
            }
            _ => Direction::Ascending,
        };
        self.sort = Some(Sort {
            column: name,
            direction,
        });
        self.offset = 0;
    }

    fn last_offset(&self) -> usize {
        self.num_rows().saturating_sub(1) / PAGE_SIZE * PAGE_SIZE
    }

    pub fn headers(&self) -> Vec<Header> {
        self.columns
            .iter()
            .map(|info| Header {
                description: self
                    .docs
                    .iter()
                    .find(|d| d.name == info.name)
                    .map(|d| d.description.clone())
                    .filter(|d| !d.is_empty()),
                type_name: info.data_type.sql_name(),
                numeric: info.data_type.is_numeric(),
                name: info.name.clone(),
            })
            .collect()
    }

    /// The direction rows are sorted in by the column at `index`, if they are sorted by it.
    pub fn direction(&self, index: usize) -> Option<Direction> {
        let name = &self.columns.get(index)?.name;
        self.sort
            .as_ref()
            .filter(|s| &s.column == name)
            .map(|s| s.direction)
    }

    /// The rows of the page received, while it is the page asked for (a page being sorted or
    /// turned keeps showing the last one of the same run until the new one comes).
    pub fn rows(&self) -> Vec<Vec<Cell>> {
        let Some(page) = &self.page else {
            return Vec::new();
        };
        let numeric: Vec<bool> = page
            .columns
            .iter()
            .map(|c| c.data_type.is_numeric())
            .collect();
        page.rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&numeric)
                    .map(|(cell, &numeric)| match cell {
                        None => Cell {
                            text: String::new(),
                            null: true,
                        },
                        Some(text) => Cell {
                            text: if numeric {
                                group_digits(text)
                            } else {
                                text.clone()
                            },
                            null: false,
                        },
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
    use c360::engine::value::column::{Column, TextColumn};
    use c360::engine::{DataType, Table};
    use c360_worker::session::{page_of, row_order};
    use std::sync::Arc;

    /// Answers the grid's request from `table`, as the worker would.
    fn serve(grid: &mut Grid, table: &Table) {
        let request = grid.request();
        let sort = request.sort.clone();
        let filter = request.filter.clone();
        let order = row_order(table, sort.as_ref(), filter.as_ref());
        assert!(grid.receive(page_of(table, &request, &order, sort, filter)));
    }

    /// A grid of `table`, as a run's node shows it, with its first page received.
    fn grid_of(table: &Arc<Table>, docs: Vec<ModelColumn>) -> Grid {
        let mut grid = Grid::new(
            1,
            TableRef::Node {
                unique_id: "model.c360.t".into(),
            },
            docs,
            table.schema(),
            table.num_rows(),
        );
        serve(&mut grid, table);
        grid
    }

    /// Applies a command and answers the request it makes.
    fn act(grid: &mut Grid, table: &Table, command: TableCommand) {
        grid.apply(command);
        serve(grid, table);
    }

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

    fn docs() -> Vec<ModelColumn> {
        vec![ModelColumn {
            name: "amount".into(),
            data_type: DataType::Decimal,
            description: "Spend, exact".into(),
        }]
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
        let t = table(120);
        let mut grid = grid_of(&t, docs());
        assert_eq!(grid.rows().len(), PAGE_SIZE);
        assert_eq!(grid.shown(), (1, 50));
        assert!(!grid.has_previous() && grid.has_next());
        act(&mut grid, &t, TableCommand::NextPage);
        assert_eq!(grid.shown(), (51, 100));
        act(&mut grid, &t, TableCommand::LastPage);
        assert_eq!(grid.shown(), (101, 120));
        assert_eq!(grid.rows().len(), 20);
        assert!(!grid.has_next());
        act(&mut grid, &t, TableCommand::NextPage);
        assert_eq!(
            grid.shown(),
            (101, 120),
            "next on the last page stays there"
        );
        act(&mut grid, &t, TableCommand::PreviousPage);
        act(&mut grid, &t, TableCommand::PreviousPage);
        act(&mut grid, &t, TableCommand::PreviousPage);
        assert_eq!(grid.shown(), (1, 50));
    }

    #[test]
    fn an_empty_table_shows_no_rows() {
        let t = table(0);
        let mut grid = grid_of(&t, docs());
        act(&mut grid, &t, TableCommand::LastPage);
        assert_eq!(grid.shown(), (0, 0));
        assert!(grid.rows().is_empty());
        assert!(!grid.has_previous() && !grid.has_next());
    }

    #[test]
    fn sorts_ascending_then_descending_and_back_to_the_first_page() {
        let t = table(120);
        let mut grid = grid_of(&t, docs());
        act(&mut grid, &t, TableCommand::LastPage);
        act(&mut grid, &t, TableCommand::SortBy(1));
        assert_eq!(grid.shown(), (1, 50));
        assert_eq!(grid.direction(1), Some(Direction::Ascending));
        assert_eq!(grid.direction(0), None);
        assert_eq!(first_ids(&grid), ["row0119", "row0118", "row0117"]);
        act(&mut grid, &t, TableCommand::SortBy(1));
        assert_eq!(grid.direction(1), Some(Direction::Descending));
        assert_eq!(first_ids(&grid), ["row0000", "row0001", "row0002"]);
        // Nulls last either way.
        act(&mut grid, &t, TableCommand::LastPage);
        assert!(grid.rows().last().unwrap()[1].null);
    }

    #[test]
    fn cells_group_numbers_and_flag_nulls() {
        let grid = grid_of(&table(120), docs());
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
        let headers = grid_of(&table(3), docs()).headers();
        assert_eq!(headers[0].type_name, "text");
        assert!(!headers[0].numeric);
        assert_eq!(headers[0].description, None);
        assert_eq!(headers[1].type_name, "numeric");
        assert!(headers[1].numeric);
        assert_eq!(headers[1].description.as_deref(), Some("Spend, exact"));
    }

    #[test]
    fn a_rerun_keeps_the_sort_and_the_page_that_still_exists() {
        let t = table(120);
        let mut grid = grid_of(&t, docs());
        act(&mut grid, &t, TableCommand::SortBy(1));
        act(&mut grid, &t, TableCommand::SortBy(1));
        act(&mut grid, &t, TableCommand::LastPage);
        let short = table(60);
        let mut shorter = grid.carry_over(2, docs(), short.schema(), 60);
        assert_eq!(shorter.direction(1), Some(Direction::Descending));
        assert_eq!(shorter.shown(), (51, 60));
        assert!(shorter.rows().is_empty(), "no rows of the previous run");
        serve(&mut shorter, &short);
        assert_eq!(shorter.rows().len(), 10);
        let other = Table::new().with("other", Column::Integer(vec![Some(1)]));
        let without_column = grid.carry_over(3, docs(), other.schema(), 1);
        assert_eq!(without_column.direction(0), None);
        assert_eq!(without_column.shown(), (1, 1));
    }
}

#[cfg(test)]
mod stale_pages {
    use super::*;
    use c360::engine::DataType;

    fn page(run: u64, offset: usize) -> TablePage {
        TablePage {
            run,
            table: TableRef::Finding { index: 0 },
            columns: vec![ColumnInfo {
                name: "n".into(),
                data_type: DataType::Integer,
            }],
            total_rows: 200,
            matching_rows: 200,
            offset,
            rows: vec![vec![Some(offset.to_string())]],
            sort: None,
            filter: None,
        }
    }

    #[test]
    fn a_page_of_another_run_or_offset_is_refused() {
        let mut grid = Grid::new(
            2,
            TableRef::Finding { index: 0 },
            Vec::new(),
            Vec::new(),
            200,
        );
        assert!(grid.is_loading());
        assert!(!grid.receive(page(1, 0)), "an older run's page");
        grid.apply(TableCommand::NextPage);
        assert!(
            !grid.receive(page(2, 0)),
            "the page before the one asked for"
        );
        assert!(grid.receive(page(2, 50)));
        assert!(!grid.is_loading());
        assert_eq!(grid.rows()[0][0].text, "50");
    }

    #[test]
    fn a_filter_goes_back_to_the_first_page_and_counts_matching_rows() {
        let mut grid = Grid::new(
            2,
            TableRef::Finding { index: 0 },
            Vec::new(),
            Vec::new(),
            200,
        );
        grid.apply(TableCommand::NextPage);
        let filter = Filter {
            column: "n".into(),
            value: "7".into(),
        };
        grid.set_filter(Some(filter.clone()));
        assert_eq!(grid.request().offset, 0);
        assert_eq!(grid.num_rows(), 0, "unknown until the worker says");
        let mut answer = page(2, 0);
        answer.filter = Some(filter);
        answer.matching_rows = 1;
        assert!(grid.receive(answer));
        assert_eq!(grid.num_rows(), 1);
        assert_eq!(grid.total_rows(), 200);
    }
}

//! The export's CSV: RFC 4180 (a header, `,` between fields, `\n` after each record, a field
//! quoted when it holds `,`, `"`, `\r` or `\n`, quotes doubled) with the OWASP guard against
//! CSV injection (the one CSV writer's [`Guard::Formulas`]): a text cell that begins with `=`,
//! `+`, `-`, `@` or their full-width forms (`＝ ＋ － ＠`), with whitespace and then one of them,
//! or with a tab or a carriage return is prefixed with `'`, so a spreadsheet shows it instead
//! of running it as a formula.
//! Numeric columns are not text and stay numbers, negative amounts included (`-5.0`).
//!
//! It is written in chunks of rows ([`CsvChunks`]), so a shell can stream a large export
//! (the worker sends each chunk as it is made) without holding the file twice.

use std::borrow::Borrow;
use std::io::Write;

use crate::engine::value::column::{Column, Value, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::write::{end_record, push_field, push_text, starts_formula};
use crate::engine::value::write::{Guard, RowPrefetch};

/// Rows per chunk when none is asked for.
pub const CHUNK_ROWS: usize = 65_536;

/// Whether a text cell would start a formula in a spreadsheet.
pub fn needs_guard(cell: &str) -> bool {
    starts_formula(cell.as_bytes())
}

/// Appends one field, guarded when `text` and quoted when needed (the one CSV writer's
/// fields).
fn field(out: &mut Vec<u8>, cell: &[u8], text: bool) {
    if text {
        push_text(out, cell, Guard::Formulas);
    } else {
        push_field(out, b"", cell);
    }
}

/// The CSV of a table, chunk by chunk: the header and the first rows, then the next rows.
/// It borrows the table (`CsvChunks<&Table>`) or owns it (`CsvChunks<Table>`, whose columns
/// are shared, not copied), so that a shell can keep a stream going between its events.
pub struct CsvChunks<T: Borrow<Table>> {
    table: T,
    next_row: usize,
    rows_per_chunk: usize,
    header_done: bool,
    cell: String,
}

impl<T: Borrow<Table>> CsvChunks<T> {
    pub fn new(table: T, rows_per_chunk: usize) -> Self {
        CsvChunks {
            table,
            next_row: 0,
            rows_per_chunk: rows_per_chunk.max(1),
            header_done: false,
            cell: String::new(),
        }
    }
}

impl<T: Borrow<Table>> Iterator for CsvChunks<T> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        let table = self.table.borrow();
        let rows = table.num_rows();
        if self.header_done && self.next_row >= rows {
            return None;
        }
        let mut out = Vec::new();
        if !self.header_done {
            for (i, name) in table.column_names().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                field(&mut out, name.as_bytes(), true);
            }
            end_record(&mut out, 0);
            self.header_done = true;
        }
        let end = (self.next_row + self.rows_per_chunk).min(rows);
        let columns: Vec<&Column> = table.fields.iter().map(|f| &*f.column).collect();
        let prefetch = RowPrefetch::new(&columns, rows);
        for row in self.next_row..end {
            prefetch.before(row);
            let start = out.len();
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match column {
                    Column::Text(t) => {
                        if t.codes[row] != NULL_CODE {
                            field(&mut out, t.pool.get_bytes(t.codes[row]), true);
                        }
                    }
                    _ => match column.get(row) {
                        Value::Null => {}
                        value => {
                            self.cell.clear();
                            value.write_to(&mut self.cell);
                            field(&mut out, self.cell.as_bytes(), false);
                        }
                    },
                }
            }
            end_record(&mut out, start);
        }
        self.next_row = end;
        Some(out)
    }
}

/// Writes `table` as guarded CSV to `out`, a chunk at a time.
pub fn write_csv(table: &Table, mut out: impl Write) -> std::io::Result<()> {
    for chunk in CsvChunks::new(table, CHUNK_ROWS) {
        out.write_all(&chunk)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::column::TextColumn;

    fn csv(table: &Table, rows_per_chunk: usize) -> String {
        String::from_utf8(CsvChunks::new(table, rows_per_chunk).flatten().collect()).unwrap()
    }

    #[test]
    fn formulas_are_guarded_and_numbers_are_not() {
        let t = Table::new()
            .with(
                "note",
                Column::Text(TextColumn::from_values([
                    Some("=1+1"),
                    Some("+61 400"),
                    Some("-5"),
                    Some("@SUM(A1)"),
                    Some("\tx"),
                    Some("\rx"),
                    Some("=HYPERLINK(\"http://x\",\"a,b\")"),
                    Some("a=b"),
                    None,
                ])),
            )
            .with(
                "amount",
                Column::Decimal {
                    values: vec![
                        Some(-50),
                        Some(5),
                        None,
                        Some(0),
                        Some(-1),
                        Some(1),
                        Some(2),
                        Some(3),
                        Some(4),
                    ],
                    scale: 1,
                },
            );
        assert_eq!(
            csv(&t, 4),
            "note,amount\n'=1+1,-5.0\n'+61 400,0.5\n'-5,\n'@SUM(A1),0.0\n'\tx,-0.1\n\"'\rx\",0.1\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",0.2\na=b,0.3\n,0.4\n"
        );
    }

    #[test]
    fn chunks_join_to_the_whole_and_read_back() {
        let names = ["Zoë Ng", "José, Jr.", "", "\"q\"", "line\nbreak", "李小龙"];
        let t = Table::new().with(
            "name",
            Column::Text(TextColumn::from_values(names.iter().map(|n| Some(*n)))),
        );
        let whole = csv(&t, 1000);
        assert_eq!(csv(&t, 1), whole);
        let mut reader = ::csv::Reader::from_reader(whole.as_bytes());
        let read: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(read, names);
        let mut bytes = Vec::new();
        write_csv(&t, &mut bytes).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), whole);
    }

    #[test]
    fn an_empty_table_is_its_header() {
        let t = Table::new().with("id", Column::Text(TextColumn::from_values([])));
        assert_eq!(csv(&t, 10), "id\n");
        assert_eq!(CsvChunks::new(&t, 10).count(), 1);
    }
}

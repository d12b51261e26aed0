//! The one CSV writer: any table out as RFC 4180 CSV (a header row, quotes only where a
//! field needs them, nulls as empty fields, exact decimals, `YYYY-MM-DD HH:MM:SS.mmm`).
//! The guard against CSV injection is an option of the writer ([`Guard`]): the masked export
//! (`export::csv`, which writes its fields with this module's `push_text` and `end_record`)
//! and the page's downloads guard; `c360 build`'s files are raw data for pipelines.
//!
//! It writes the same bytes as the `csv` crate's writer with `QuoteStyle::Necessary` (a
//! field is quoted when it holds a comma, a quote, `\r` or `\n`; a record that would be empty
//! is written as `""`), but column by column type straight into one buffer: no `String` per
//! cell, integers and decimals formatted with `itoa`, a timestamp's date part formatted once
//! per day rather than once per cell, and the strings of rows ahead prefetched.

use std::io::Write;

use super::column::{Column, TextColumn, NULL_CODE};
use super::table::Table;
use super::time::DAY_MILLIS;

/// How many days' dates the writer keeps formatted.
const DAYS: usize = 64;

/// How many rows ahead the writer prefetches text.
const AHEAD: usize = 32;

/// Prefetching for a writer that reads a table's rows in order: their strings sit anywhere
/// in the text columns' pools, so before each row it asks where a string of a row
/// [`AHEAD`] rows on lies, and for the bytes of one half as far on, so the cache misses
/// overlap. The build's writer and the export's use it.
pub(crate) struct RowPrefetch<'a> {
    texts: Vec<&'a TextColumn>,
    rows: usize,
}

impl<'a> RowPrefetch<'a> {
    pub(crate) fn new(columns: &[&'a Column], rows: usize) -> Self {
        let texts = columns
            .iter()
            .filter_map(|c| match c {
                Column::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        RowPrefetch { texts, rows }
    }

    /// Call before writing `row`.
    #[inline]
    pub(crate) fn before(&self, row: usize) {
        if row + AHEAD < self.rows {
            for t in &self.texts {
                t.pool.prefetch_offsets(t.codes[row + AHEAD]);
            }
        }
        if row + AHEAD / 2 < self.rows {
            for t in &self.texts {
                t.pool.prefetch_bytes(t.codes[row + AHEAD / 2]);
            }
        }
    }
}

/// Bytes buffered before a write to the output.
const FLUSH_AT: usize = 1 << 20;

/// Whether a byte forces the field holding it to be quoted.
const fn special_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    table[b',' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\r' as usize] = true;
    table[b'\n' as usize] = true;
    table
}

const SPECIAL: [bool; 256] = special_bytes();

/// Whether text cells that a spreadsheet would run as a formula are written as text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Guard {
    /// Every cell as it is: data for pipelines (`c360 build`'s files).
    #[default]
    Raw,
    /// OWASP's CSV-injection guard: a text cell (or header) that [`starts_formula`] is
    /// prefixed with `'`, so a spreadsheet shows it instead of running it. Numbers stay
    /// numbers (a negative amount is not text).
    Formulas,
}

/// The characters a spreadsheet starts a formula with: `=`, `+`, `-`, `@`, and their
/// full-width and small forms (`＝ ＋ － ＠`, `﹦ ﹢ ﹣`), which spreadsheets read as the same.
const FORMULA_STARTS: [char; 11] = [
    '=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}', '\u{fe66}', '\u{fe62}',
    '\u{fe63}',
];

/// Whether a text cell would start a formula in a spreadsheet: it begins with a tab, a
/// carriage return or a formula character ([`FORMULA_STARTS`]), or with whitespace and then
/// one (` =1+1`), as OWASP's CSV-injection guidance lists.
pub fn starts_formula(cell: &[u8]) -> bool {
    match cell.first() {
        None => false,
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => true,
        Some(b) if b.is_ascii_alphanumeric() => false,
        Some(_) => {
            let text = match std::str::from_utf8(cell) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&cell[..e.valid_up_to()]).unwrap_or_default(),
            };
            text.trim_start_matches(char::is_whitespace)
                .starts_with(FORMULA_STARTS)
        }
    }
}

/// Appends one text field (a cell or a header) to `buf`, guarded as `guard` says.
#[inline]
pub(crate) fn push_text(buf: &mut Vec<u8>, bytes: &[u8], guard: Guard) {
    let prefix: &[u8] = if guard == Guard::Formulas && starts_formula(bytes) {
        b"'"
    } else {
        b""
    };
    push_field(buf, prefix, bytes);
}

/// Appends one field to `buf`, after `prefix`: quoted (quotes doubled) when the field holds
/// a comma, a quote, `\r` or `\n`. `prefix` (the export's `'` guard) must hold none of those.
#[inline]
pub(crate) fn push_field(buf: &mut Vec<u8>, prefix: &[u8], bytes: &[u8]) {
    debug_assert!(!prefix.iter().any(|&b| SPECIAL[b as usize]));
    if !bytes.iter().any(|&b| SPECIAL[b as usize]) {
        buf.extend_from_slice(prefix);
        buf.extend_from_slice(bytes);
        return;
    }
    buf.push(b'"');
    buf.extend_from_slice(prefix);
    // Each piece ends with a quote (but the last), which is doubled.
    for piece in bytes.split_inclusive(|&b| b == b'"') {
        buf.extend_from_slice(piece);
        if piece.last() == Some(&b'"') {
            buf.push(b'"');
        }
    }
    buf.push(b'"');
}

/// Ends the record that began at `record_start` in `buf`: a record that would be empty is
/// written as `""`, since an empty line would be no record at all when read back.
#[inline]
pub(crate) fn end_record(buf: &mut Vec<u8>, record_start: usize) {
    if buf.len() == record_start {
        buf.extend_from_slice(b"\"\"");
    }
    buf.push(b'\n');
}

/// `YYYY-MM-DD` of the day `days` after 1970-01-01, for years 0 to 9999 (Howard Hinnant's
/// `civil_from_days`).
fn date_text(days: i64) -> Option<[u8; 10]> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let digit = |v: i64| b'0' + (v % 10) as u8;
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// One output buffer and what the current record has written.
struct Out<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Bytes of the current record so far (fields and delimiters).
    record_start: usize,
    /// A reusable cell for the rare types formatted through [`super::column::Value`].
    cell: String,
    /// The date parts of recent timestamps by day number (modulo the size): exports span a
    /// few days, in any order.
    days: [(i64, [u8; 10]); DAYS],
    itoa: itoa::Buffer,
    guard: Guard,
}

impl<W: Write> Out<W> {
    #[inline]
    fn field(&mut self, bytes: &[u8]) {
        push_field(&mut self.buf, b"", bytes);
    }

    /// A text cell or a header: the only fields the guard applies to.
    #[inline]
    fn text(&mut self, bytes: &[u8]) {
        push_text(&mut self.buf, bytes, self.guard);
    }

    #[inline]
    fn delimiter(&mut self) {
        self.buf.push(b',');
    }

    fn end_record(&mut self) -> std::io::Result<()> {
        end_record(&mut self.buf, self.record_start);
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.record_start = self.buf.len();
        Ok(())
    }

    #[inline]
    fn integer(&mut self, value: i64) {
        let digits = self.itoa.format(value);
        self.buf.extend_from_slice(digits.as_bytes());
    }

    /// `units / 10^scale` with exactly `scale` places and at least one digit before the point.
    #[inline]
    fn decimal(&mut self, units: i64, scale: u8) {
        if units < 0 {
            self.buf.push(b'-');
        }
        let digits = self.itoa.format(units.unsigned_abs()).as_bytes();
        let scale = usize::from(scale);
        if scale == 0 {
            self.buf.extend_from_slice(digits);
        } else if digits.len() > scale {
            let (whole, fraction) = digits.split_at(digits.len() - scale);
            self.buf.extend_from_slice(whole);
            self.buf.push(b'.');
            self.buf.extend_from_slice(fraction);
        } else {
            self.buf.extend_from_slice(b"0.");
            self.buf
                .extend(std::iter::repeat_n(b'0', scale - digits.len()));
            self.buf.extend_from_slice(digits);
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm`, the date part by arithmetic (chrono's calendar, which the
    /// tests check it against) for years 0 to 9999, as the value formats itself otherwise.
    #[inline]
    fn timestamp(&mut self, millis: i64) {
        let day = millis.div_euclid(DAY_MILLIS);
        let slot = day.rem_euclid(DAYS as i64) as usize;
        let date = match self.days[slot] {
            (d, text) if d == day => text,
            _ => match date_text(day) {
                Some(text) => {
                    self.days[slot] = (day, text);
                    text
                }
                None => {
                    let mut cell = std::mem::take(&mut self.cell);
                    cell.clear();
                    super::column::Value::Timestamp(millis).write_to(&mut cell);
                    self.field(cell.as_bytes());
                    self.cell = cell;
                    return;
                }
            },
        };
        let ms = millis.rem_euclid(DAY_MILLIS);
        let (secs, ms) = (ms / 1000, ms % 1000);
        let two = |v: i64| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
        self.buf.extend_from_slice(&date);
        self.buf.push(b' ');
        self.buf.extend_from_slice(&two(secs / 3600));
        self.buf.push(b':');
        self.buf.extend_from_slice(&two(secs / 60 % 60));
        self.buf.push(b':');
        self.buf.extend_from_slice(&two(secs % 60));
        self.buf.push(b'.');
        self.buf.extend_from_slice(&[
            b'0' + (ms / 100) as u8,
            b'0' + (ms / 10 % 10) as u8,
            b'0' + (ms % 10) as u8,
        ]);
    }

    /// One cell of `column`.
    #[inline]
    fn cell(&mut self, column: &Column, row: usize) {
        match column {
            Column::Text(t) => match t.codes[row] {
                NULL_CODE => {}
                code => self.text(t.pool.get_bytes(code)),
            },
            Column::Integer(v) => {
                if let Some(i) = v[row] {
                    self.integer(i);
                }
            }
            Column::Decimal { values, scale } => {
                if let Some(u) = values[row] {
                    self.decimal(u, *scale);
                }
            }
            Column::Timestamp(v) => {
                if let Some(t) = v[row] {
                    self.timestamp(t);
                }
            }
            Column::Date(_) | Column::Boolean(_) => {
                let mut cell = std::mem::take(&mut self.cell);
                cell.clear();
                column.get(row).write_to(&mut cell);
                self.field(cell.as_bytes());
                self.cell = cell;
            }
        }
    }
}

/// Writes `table` as CSV, raw (as `c360 build` writes its files). The output is written in
/// large pieces; it need not be buffered.
pub fn write_csv(table: &Table, out: impl Write) -> std::io::Result<()> {
    write_csv_with(table, out, Guard::Raw)
}

/// Writes `table` as CSV with its text cells guarded as `guard` says.
pub fn write_csv_with(table: &Table, out: impl Write, guard: Guard) -> std::io::Result<()> {
    let mut out = Out {
        out,
        buf: Vec::with_capacity(FLUSH_AT + (64 << 10)),
        record_start: 0,
        cell: String::new(),
        // No day is `i64::MIN` milliseconds' day, so no slot matches before it is filled.
        days: [(i64::MIN, [0; 10]); DAYS],
        itoa: itoa::Buffer::new(),
        guard,
    };
    for (i, name) in table.column_names().enumerate() {
        if i > 0 {
            out.delimiter();
        }
        out.text(name.as_bytes());
    }
    out.end_record()?;
    let columns: Vec<&Column> = table.fields.iter().map(|f| &*f.column).collect();
    let rows = table.num_rows();
    let prefetch = RowPrefetch::new(&columns, rows);
    for row in 0..rows {
        prefetch.before(row);
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                out.delimiter();
            }
            out.cell(column, row);
        }
        out.end_record()?;
    }
    out.out.write_all(&out.buf)?;
    out.out.flush()
}

/// `table` as CSV text, raw.
pub fn to_csv_string(table: &Table) -> String {
    to_csv_string_with(table, Guard::Raw)
}

/// `table` as CSV text, its text cells guarded as `guard` says.
pub fn to_csv_string_with(table: &Table, guard: Guard) -> String {
    let mut bytes = Vec::new();
    write_csv_with(table, &mut bytes, guard).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("every cell is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_knows_look_alikes_and_whitespace_and_is_off_by_default() {
        for cell in [
            "=1+1",
            "+61",
            "-5",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1+1",
            "＋1",
            "－1",
            "＠A",
            "﹦1",
            " =1+1",
            "\u{a0}\u{3000}＝1",
            "\n-1",
        ] {
            assert!(starts_formula(cell.as_bytes()), "{cell:?}");
        }
        for cell in ["", "a=b", "Books", " plain", "1-2", "é=", "\u{2212}1"] {
            assert!(!starts_formula(cell.as_bytes()), "{cell:?}");
        }
        let t = Table::new().with(
            "=h",
            Column::Text(TextColumn::from_values([Some("＝1+1"), Some("ok")])),
        );
        assert_eq!(to_csv_string(&t), "=h\n＝1+1\nok\n");
        assert_eq!(to_csv_string_with(&t, Guard::Formulas), "'=h\n'＝1+1\nok\n");
    }
    use crate::engine::value::column::TextColumn;

    /// The `csv` crate's writer on the same cells: the bytes to match.
    fn csv_crate(table: &Table) -> String {
        let mut writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(Vec::new());
        writer.write_record(table.column_names()).unwrap();
        for row in 0..table.num_rows() {
            let cells: Vec<String> = (0..table.num_columns())
                .map(|c| table.value(row, c).to_string())
                .collect();
            writer.write_record(&cells).unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn quotes_only_where_needed() {
        let t = Table::new()
            .with(
                "category",
                Column::Text(TextColumn::from_values([
                    Some("Sports, Fitness"),
                    None,
                    Some("say \"hi\""),
                ])),
            )
            .with(
                "amount",
                Column::Decimal {
                    values: vec![Some(3519), Some(5), None],
                    scale: 1,
                },
            );
        assert_eq!(
            to_csv_string(&t),
            "category,amount\n\"Sports, Fitness\",351.9\n,0.5\n\"say \"\"hi\"\"\",\n"
        );
    }

    #[test]
    fn writes_what_the_csv_crate_writes() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        let text = [
            Some("plain"),
            Some("a\r\nb"),
            Some(""),
            None,
            Some("tab\there"),
            Some("ünï\"cödé"),
            Some(" padded "),
        ];
        let n = text.len();
        let t = Table::new()
            .with("text", Column::Text(TextColumn::from_values(text)))
            .with(
                "integer",
                Column::Integer(vec![
                    Some(0),
                    Some(-7),
                    Some(i64::MIN),
                    Some(i64::MAX),
                    None,
                    Some(42),
                    Some(10),
                ]),
            )
            .with(
                "decimal",
                Column::Decimal {
                    values: vec![
                        Some(0),
                        Some(-5),
                        Some(123_456),
                        Some(i64::MIN),
                        None,
                        Some(-100_000),
                        Some(7),
                    ],
                    scale: 4,
                },
            )
            .with(
                "whole",
                Column::Decimal {
                    values: vec![Some(0), Some(-5), Some(12), None, Some(9), Some(1), Some(2)],
                    scale: 0,
                },
            )
            .with(
                "timestamp",
                Column::Timestamp(vec![
                    Some(0),
                    Some(-1),
                    Some(1_683_626_728_875),
                    Some(1_683_626_728_876),
                    None,
                    Some(i64::MAX),
                    Some(-62_135_596_800_001),
                ]),
            )
            .with(
                "date",
                Column::Date(vec![
                    day(1990, 1, 31),
                    None,
                    day(2024, 2, 29),
                    day(1, 1, 1),
                    day(9999, 12, 31),
                    day(-5, 3, 1),
                    day(10_000, 1, 1),
                ]),
            )
            .with(
                "boolean",
                Column::Boolean(vec![
                    Some(true),
                    Some(false),
                    None,
                    Some(true),
                    None,
                    None,
                    Some(false),
                ]),
            );
        assert_eq!(t.num_rows(), n);
        assert_eq!(to_csv_string(&t), csv_crate(&t));
    }

    #[test]
    fn dates_by_arithmetic_are_chronos() {
        use chrono::Datelike;
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let first = chrono::NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        let mut day = first;
        while day <= last {
            let n = (day - epoch).num_days();
            let want = day.format("%Y-%m-%d").to_string();
            assert_eq!(
                date_text(n).map(|t| t.to_vec()),
                Some(want.into_bytes()),
                "{day}"
            );
            // Every day of the years around the edges and the turns of centuries, every
            // eleventh day elsewhere.
            let edge =
                matches!(day.year() % 100, 99 | 0 | 1) || day.year() >= 9998 || day.year() < 2;
            day += chrono::Duration::days(if edge { 1 } else { 11 });
        }
        let before = (first - epoch).num_days() - 1;
        assert_eq!(date_text(before), None);
        assert_eq!(date_text((last - epoch).num_days() + 1), None);
        assert_eq!(date_text(i64::MAX), None);
        assert_eq!(date_text(i64::MIN / 86_400_000), None);
    }

    #[test]
    fn a_record_that_would_be_empty_is_quoted() {
        let one = Table::new().with(
            "",
            Column::Text(TextColumn::from_values([None, Some(""), Some("x")])),
        );
        assert_eq!(to_csv_string(&one), "\"\"\n\"\"\n\"\"\nx\n");
        assert_eq!(to_csv_string(&one), csv_crate(&one));
        assert_eq!(to_csv_string(&Table::new()), csv_crate(&Table::new()));
    }
}

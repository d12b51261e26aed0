//! The one CSV writer: any table out as RFC 4180 CSV (a header row, quotes only where a
//! field needs them, nulls as empty fields, exact decimals, `YYYY-MM-DD HH:MM:SS.mmm`).

use std::io::Write;

use super::table::Table;

/// Writes `table` as CSV.
pub fn write_csv(table: &Table, out: impl Write) -> csv::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    writer.write_record(table.column_names())?;
    let mut cells: Vec<String> = vec![String::new(); table.num_columns()];
    for row in 0..table.num_rows() {
        for (cell, field) in cells.iter_mut().zip(&table.fields) {
            cell.clear();
            field.column.get(row).write_to(cell);
        }
        writer.write_record(&cells)?;
    }
    writer.flush()?;
    Ok(())
}

/// `table` as CSV text.
pub fn to_csv_string(table: &Table) -> String {
    let mut bytes = Vec::new();
    write_csv(table, &mut bytes).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("every cell is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::column::{Column, TextColumn};

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
}

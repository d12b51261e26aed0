//! c360 against an independent oracle: the exercise's solved dbt models run as plain SQL on a
//! real PostgreSQL (`scripts/oracle/models.sql`, run by `scripts/oracle/run`), whose outputs are
//! committed under `tests/golden/postgres/`. Rows are compared as sets, columns by name and
//! order, numbers by value (`621.7` equals `621.70`), everything else as text.
//!
//! Three input pairs: the demo seeds, an edge-case pair (`tests/data/edge/`: leap-day and
//! future births, duplicate ids with later, equal and null load times, null ids, orphans,
//! unknown and null categories, negative and null amounts, quoted newlines), and the exercise's
//! original files, read from `$C360_EXERCISE_DIR` or `../shared/exercise` and never copied here.

use std::collections::BTreeMap;

use crate::util::*;

/// The as-of date the edge pair was run at: 1 March of a non-leap year, when someone born on
/// 29 February turns older.
pub const EDGE_AS_OF: &str = "2027-03-01";

fn postgres(pair: &str, model: &str) -> Csv {
    Csv::read(
        repo()
            .join("tests/golden/postgres")
            .join(pair)
            .join(format!("{model}.csv")),
    )
}

/// Whether a column holds numbers, by the models' naming (the same for c360 and Postgres).
fn numeric(column: &str) -> bool {
    matches!(column, "amount" | "item_count" | "age")
        || column.ends_with("_amount")
        || ["total_", "average_", "count_"]
            .iter()
            .any(|p| column.starts_with(p))
}

/// A cell as compared: numbers in their shortest exact form, text as is.
fn canonical(column: &str, cell: &str) -> String {
    if !numeric(column) || cell.is_empty() {
        return cell.to_string();
    }
    let Some(mut d) = Dec::parse(cell) else {
        return format!("<not a number: {cell:?}>");
    };
    while d.scale > 0 && d.units % 10 == 0 {
        d = Dec {
            units: d.units / 10,
            scale: d.scale - 1,
        };
    }
    d.to_string()
}

/// Why `ours` and `theirs` differ, if they do: header, then rows compared as multisets, with
/// the differing cells of rows that share their first column.
pub fn differences(ours: &Csv, theirs: &Csv) -> Option<String> {
    if ours.header != theirs.header {
        return Some(format!(
            "columns differ:\n  c360:     {:?}\n  postgres: {:?}",
            ours.header, theirs.header
        ));
    }
    let canon = |csv: &Csv| {
        let mut rows: Vec<Vec<String>> = csv
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&csv.header)
                    .map(|(cell, column)| canonical(column, cell))
                    .collect()
            })
            .collect();
        rows.sort();
        rows
    };
    let (mut only_ours, mut only_theirs) = (canon(ours), canon(theirs));
    let both: Vec<Vec<String>> = only_ours
        .iter()
        .filter(|r| only_theirs.contains(r))
        .cloned()
        .collect();
    for row in &both {
        if let (Some(i), Some(j)) = (
            only_ours.iter().position(|r| r == row),
            only_theirs.iter().position(|r| r == row),
        ) {
            only_ours.remove(i);
            only_theirs.remove(j);
        }
    }
    if only_ours.is_empty() && only_theirs.is_empty() {
        return None;
    }
    let mut report = format!(
        "{} of c360's {} rows are not in Postgres's {} rows:\n",
        only_ours.len(),
        ours.rows.len(),
        theirs.rows.len()
    );
    let by_key: BTreeMap<&str, &Vec<String>> =
        only_theirs.iter().map(|r| (r[0].as_str(), r)).collect();
    for row in &only_ours {
        match by_key.get(row[0].as_str()) {
            Some(other) => {
                let cells: Vec<String> = ours
                    .header
                    .iter()
                    .zip(row.iter().zip(other.iter()))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(column, (a, b))| format!("{column}: c360 {a:?}, postgres {b:?}"))
                    .collect();
                report += &format!(
                    "  {} = {:?}: {}\n",
                    ours.header[0],
                    row[0],
                    cells.join("; ")
                );
            }
            None => report += &format!("  only in c360: {row:?}\n"),
        }
    }
    let ours_keys: Vec<&str> = only_ours.iter().map(|r| r[0].as_str()).collect();
    for row in only_theirs
        .iter()
        .filter(|r| !ours_keys.contains(&r[0].as_str()))
    {
        report += &format!("  only in postgres: {row:?}\n");
    }
    Some(report)
}

/// Compares models of a run with the committed Postgres outputs of `pair`; panics listing
/// every difference.
fn assert_models_match(pair: &str, output: &c360::engine::RunOutput, models: &[&str]) {
    let mut failures = Vec::new();
    for name in models {
        if let Some(d) = differences(&model(output, name), &postgres(pair, name)) {
            failures.push(format!("model {name} ({pair}): {d}"));
        }
    }
    assert!(
        failures.is_empty(),
        "c360 and PostgreSQL disagree:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_comparison_can_fail() {
    let pg = postgres("seeds", "customers");
    assert_eq!(differences(&pg, &pg), None);

    // Same values, other spellings and order: equal.
    let mut respelled = pg.clone();
    respelled.rows.reverse();
    let total = respelled.index("total_expense");
    let cell = &mut respelled.rows[0][total];
    *cell = if cell.contains('.') {
        format!("{cell}00")
    } else {
        format!("{cell}.00")
    };
    assert_eq!(differences(&respelled, &pg), None);

    // One cent more, a text change, a missing row, a renamed column: all caught.
    let mut cent = pg.clone();
    cent.rows[3][total] = dec(&cent.rows[3][total]).add(dec("0.01")).to_string();
    let report = differences(&cent, &pg).expect("a cent is a difference");
    assert!(report.contains("total_expense: c360"), "{report}");
    let mut gender = pg.clone();
    gender.rows[0][1] = "f".into();
    assert!(differences(&gender, &pg).is_some());
    let mut fewer = pg.clone();
    fewer.rows.pop();
    assert!(differences(&fewer, &pg).is_some());
    let mut renamed = pg.clone();
    renamed.header[2] = "age_years".into();
    assert!(differences(&renamed, &pg).is_some());
}

#[test]
fn the_seeds_match_postgres() {
    let out = build_files(
        &repo().join("seeds/contacts.csv"),
        &repo().join("seeds/transactions.csv"),
        GOLDEN_AS_OF,
    );
    assert_models_match("seeds", &out, &MODELS);
}

#[test]
fn the_edge_cases_match_postgres() {
    let data = repo().join("tests/data/edge");
    let out = build_files(
        &data.join("contacts.csv"),
        &data.join("transactions.csv"),
        EDGE_AS_OF,
    );
    assert_models_match("edge", &out, &MODELS);
}

/// The "done when": on the exercise's original files, as of 2026-11-26, `customers`
/// has 9 rows equal to what dbt on Postgres computes for the solved models.
#[test]
fn the_exercise_matches_postgres() {
    let Some(dir) = exercise_dir() else { return };
    let out = build_files(
        &dir.join("contacts.csv"),
        &dir.join("transactions.csv"),
        GOLDEN_AS_OF,
    );
    let customers = model(&out, "customers");
    assert_eq!(customers.rows.len(), 9, "{customers:?}");
    assert_models_match("exercise", &out, &["customers", "category"]);

    // The duplicated id resolved to its first row (Joseph Dean, M, born 1989-01-30), Kitchen
    // accepted, the orphan excluded.
    let joseph = customers.row("id", "3458a748-e9bb-47bc-a3f2-c9bf9c6316b9");
    assert_eq!((joseph.get("gender"), joseph.get("age")), ("M", "37"));
    assert_eq!(Dec::sum(customers.column("kitchen_amount")), dec("20.5"));
    let stg = model(&out, "stg_web__transactions");
    let joined = model(&out, "contacts_joined_with_transactions");
    assert_eq!(
        stg.rows.len() - joined.rows.len(),
        1,
        "one orphan transaction"
    );
}

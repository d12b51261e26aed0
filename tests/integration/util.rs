//! Helpers shared by the integration tests: sources written from rows, the engine run on them,
//! CSV read back as text cells, and an exact decimal of the tests' own (so that checks on
//! money do not lean on the engine's `Decimal`).

#![allow(dead_code)] // each test module uses its own subset

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use c360::engine::source::{load_bytes, CONTACTS, TRANSACTIONS};
use c360::engine::value::write::to_csv_string;
use c360::engine::{
    run, InputError, RunConfig, RunError, RunOutput, SourceFile, SourceFiles, Sources, Table,
};
use chrono::NaiveDate;

/// The as-of date of every committed golden output.
pub const GOLDEN_AS_OF: &str = "2026-11-26";

/// The exercise's five models, in run order: the ones PostgreSQL's oracle also computes.
pub const MODELS: [&str; 5] = [
    "stg_sf__contacts",
    "stg_web__transactions",
    "contacts_joined_with_transactions",
    "customers",
    "category",
];

/// The dashboards' marts after them (issue #8), in run order: c360's own, with goldens but no
/// Postgres oracle.
pub const DASHBOARD_MODELS: [&str; 4] = [
    "customer_segments",
    "category_spend",
    "recommendations",
    "recommendation_evaluation",
];

/// Every model, in run order.
pub fn all_models() -> impl Iterator<Item = &'static str> {
    MODELS.into_iter().chain(DASHBOARD_MODELS)
}

/// The accepted categories, in `customers`' column order, with their columns.
pub const CATEGORY_COLUMNS: [(&str, &str); 7] = [
    ("Apps & Games", "apps_and_games_amount"),
    ("Beauty", "beauty_amount"),
    ("Books", "books_amount"),
    (
        "Clothing, Shoes & Accessories",
        "clothing_shoes_and_accessories_amount",
    ),
    ("Kitchen", "kitchen_amount"),
    ("Movies & TV", "movies_and_tv_amount"),
    (
        "Sports, Fitness & Outdoors",
        "sports_fitness_and_outdoors_amount",
    ),
];

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// --- Sources from rows -------------------------------------------------------------------

pub const CONTACTS_HEADER: &str = "id,username,name,gender,address,mail,birthdate,_loaded_at_utc";
pub const TRANSACTIONS_HEADER: &str =
    "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc";
pub const LOADED_AT: &str = "2023-05-09 10:05:28.875";

/// One CSV field, quoted when it has to be.
pub fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn line(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// A contacts row with made-up name, address and mail.
pub fn contact(id: &str, gender: &str, birthdate: &str) -> String {
    contact_loaded(id, gender, birthdate, LOADED_AT)
}

/// A contacts row with its `_loaded_at_utc`.
pub fn contact_loaded(id: &str, gender: &str, birthdate: &str, loaded_at: &str) -> String {
    let user = format!("user_{id}");
    let mail = format!("{user}@example.com");
    line(&[
        id,
        &user,
        &format!("Name {id}"),
        gender,
        "1 Main St, Sydney, NSW, 2000",
        &mail,
        birthdate,
        loaded_at,
    ])
}

/// A transactions row of one item on 2023-04-15.
pub fn transaction(contact_id: &str, id: &str, amount: &str, category: &str) -> String {
    transaction_at(contact_id, id, "2023-04-15 09:57:19.000", amount, category)
}

/// A transactions row of one item at `when`.
pub fn transaction_at(
    contact_id: &str,
    id: &str,
    when: &str,
    amount: &str,
    category: &str,
) -> String {
    line(&[contact_id, id, when, amount, "1", category, LOADED_AT])
}

/// A transactions row of `items` items on 2023-04-15.
pub fn transaction_of_items(
    contact_id: &str,
    id: &str,
    amount: &str,
    items: &str,
    category: &str,
) -> String {
    line(&[
        contact_id,
        id,
        "2023-04-15 09:57:19.000",
        amount,
        items,
        category,
        LOADED_AT,
    ])
}

pub fn contacts_csv(rows: &[String]) -> String {
    with_header(CONTACTS_HEADER, rows)
}

pub fn transactions_csv(rows: &[String]) -> String {
    with_header(TRANSACTIONS_HEADER, rows)
}

fn with_header(header: &str, rows: &[String]) -> String {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

// --- The engine ----------------------------------------------------------------------------

pub fn load_contacts(bytes: impl AsRef<[u8]>) -> Result<Table, InputError> {
    load_bytes(&CONTACTS, "contacts.csv", bytes.as_ref())
}

pub fn load_transactions(bytes: impl AsRef<[u8]>) -> Result<Table, InputError> {
    load_bytes(&TRANSACTIONS, "transactions.csv", bytes.as_ref())
}

/// Both exports from bytes, named `contacts.csv` and `transactions.csv` in messages.
pub fn try_sources(contacts: &[u8], transactions: &[u8]) -> Result<Sources, InputError> {
    Sources::from_bytes(SourceFiles {
        contacts: SourceFile {
            name: "contacts.csv",
            bytes: contacts,
        },
        transactions: SourceFile {
            name: "transactions.csv",
            bytes: transactions,
        },
    })
}

/// Both exports from bytes; panics with the error's message if they don't load.
pub fn sources(contacts: impl AsRef<[u8]>, transactions: impl AsRef<[u8]>) -> Sources {
    try_sources(contacts.as_ref(), transactions.as_ref()).unwrap_or_else(|e| panic!("{e}"))
}

pub fn try_build(contacts: &[u8], transactions: &[u8], as_of: &str) -> Result<RunOutput, RunError> {
    run(
        try_sources(contacts, transactions)?,
        &RunConfig::new(date(as_of)),
    )
}

/// Runs the project; panics with the error's message if it fails.
pub fn build(contacts: impl AsRef<[u8]>, transactions: impl AsRef<[u8]>, as_of: &str) -> RunOutput {
    try_build(contacts.as_ref(), transactions.as_ref(), as_of).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the project on files.
pub fn build_files(contacts: &Path, transactions: &Path, as_of: &str) -> RunOutput {
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    build(read(contacts), read(transactions), as_of)
}

/// A model's table, as CSV cells.
pub fn model(output: &RunOutput, name: &str) -> Csv {
    Csv::of(
        output
            .model(name)
            .unwrap_or_else(|| panic!("no model {name}")),
    )
}

// --- CSV as text ---------------------------------------------------------------------------

/// A CSV file's header and rows as text cells (an empty field, quoted or not, is "").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn parse(text: &str) -> Csv {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                r.expect("a well-formed record")
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    pub fn read(path: impl AsRef<Path>) -> Csv {
        Csv::parse(&read(path))
    }

    pub fn of(table: &Table) -> Csv {
        Csv::parse(&to_csv_string(table))
    }

    pub fn index(&self, column: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column} in {:?}", self.header))
    }

    /// One column's cells, in row order.
    pub fn column(&self, column: &str) -> Vec<&str> {
        let i = self.index(column);
        self.rows.iter().map(|r| r[i].as_str()).collect()
    }

    /// The row whose `key` column is `value`; panics unless there is exactly one.
    pub fn row(&self, key: &str, value: &str) -> Row<'_> {
        let i = self.index(key);
        let found: Vec<&Vec<String>> = self.rows.iter().filter(|r| r[i] == value).collect();
        assert_eq!(found.len(), 1, "rows with {key} = {value:?} in {self:?}");
        Row {
            csv: self,
            cells: found[0],
        }
    }

    pub fn has_row(&self, key: &str, value: &str) -> bool {
        let i = self.index(key);
        self.rows.iter().any(|r| r[i] == value)
    }
}

/// One row of a [`Csv`], read by column name.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    csv: &'a Csv,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    pub fn get(&self, column: &str) -> &'a str {
        &self.cells[self.csv.index(column)]
    }

    pub fn dec(&self, column: &str) -> Dec {
        let cell = self.get(column);
        Dec::parse(cell).unwrap_or_else(|| panic!("column {column}: {cell:?} is not a decimal"))
    }
}

impl fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let map: BTreeMap<&str, &str> = self
            .csv
            .header
            .iter()
            .map(String::as_str)
            .zip(self.cells.iter().map(String::as_str))
            .collect();
        map.fmt(f)
    }
}

// --- Exact decimals, the tests' own ----------------------------------------------------------

/// An exact decimal `units / 10^scale`, parsed from text, compared by value (`1.50 == 1.5`).
#[derive(Clone, Copy, Debug)]
pub struct Dec {
    pub units: i128,
    pub scale: u32,
}

impl Dec {
    pub const ZERO: Dec = Dec { units: 0, scale: 0 };

    /// `-?digits(.digits)?`, or `None`.
    pub fn parse(text: &str) -> Option<Dec> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || body.ends_with('.') {
            return None;
        }
        let units: i128 = format!("{whole}{fraction}").parse().ok()?;
        Some(Dec {
            units: if negative { -units } else { units },
            scale: fraction.len() as u32,
        })
    }

    fn at_scale(self, scale: u32) -> i128 {
        self.units * 10i128.pow(scale - self.scale)
    }

    pub fn add(self, other: Dec) -> Dec {
        let scale = self.scale.max(other.scale);
        Dec {
            units: self.at_scale(scale) + other.at_scale(scale),
            scale,
        }
    }

    pub fn sum<'a>(values: impl IntoIterator<Item = &'a str>) -> Dec {
        values.into_iter().fold(Dec::ZERO, |acc, v| {
            acc.add(Dec::parse(v).unwrap_or_else(|| panic!("{v:?} is not a decimal")))
        })
    }
}

impl PartialEq for Dec {
    fn eq(&self, other: &Dec) -> bool {
        let scale = self.scale.max(other.scale);
        self.at_scale(scale) == other.at_scale(scale)
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let magnitude = self.units.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{magnitude}");
        }
        let factor = 10u128.pow(self.scale);
        write!(
            f,
            "{sign}{}.{:0w$}",
            magnitude / factor,
            magnitude % factor,
            w = self.scale as usize
        )
    }
}

/// Shorthand: a decimal from text that must be one.
pub fn dec(text: &str) -> Dec {
    Dec::parse(text).unwrap_or_else(|| panic!("{text:?} is not a decimal"))
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Where the exercise's original files are: `$C360_EXERCISE_DIR` or `../shared/exercise`.
/// `None` (with a note on stderr) when they are absent, unless `C360_REQUIRE_EXERCISE=1`.
pub fn exercise_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("C360_EXERCISE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => repo().join("../shared/exercise"),
    };
    if dir.join("contacts.csv").is_file() && dir.join("transactions.csv").is_file() {
        return Some(dir);
    }
    let note = format!(
        "the exercise's files are not at {} (set C360_EXERCISE_DIR to the folder holding \
         contacts.csv and transactions.csv)",
        dir.display()
    );
    if std::env::var("C360_REQUIRE_EXERCISE").as_deref() == Ok("1") {
        panic!("C360_REQUIRE_EXERCISE=1 but {note}");
    }
    eprintln!("note: skipping a test on the exercise's own data: {note}");
    None
}

//! The demo data generator: deterministic `contacts.csv` and `transactions.csv` in exactly
//! the sources' format, optionally with the exercise's deliberate defects planted.
//!
//! Same options and seed, same bytes, on every platform (a PCG generator from `rand_pcg`,
//! integer draws only). The files look like the exercise's exports: Australian-style
//! addresses (`..., SUBURB, STATE, POSTCODE`), e-mails at a few common domains, birth dates
//! 1950–2007, amounts with one decimal place, and mixed quoting (most ids quoted, some not;
//! every field with a comma quoted). Two [`Shape`]s of transactions:
//! - [`Shape::Realistic`] (the default): purchases spread over the 18 months before the
//!   load, by customers with their own category tastes (correlated with age and gender),
//!   heavy-tailed activity, repeat purchases, and a few dormant customers — data worth
//!   segmenting and recommending on (see [`realistic`]);
//! - [`Shape::Exercise`]: the exercise's own shape, each transaction's buyer and category
//!   drawn independently over the 30 days before the load. The bundled demo `seeds/` are
//!   this shape (`--shape exercise`), byte for byte.
//!
//! Defects, when planted (they need at least [`MIN_TO_PLANT`] contacts and as many
//! transactions; fewer is a [`GenerateError`], as are transactions without a contact):
//! - the last contact row reuses the previous row's id for a different person;
//! - one transaction is in `Kitchen`, outside the exercise's original six categories;
//! - one transaction's `contact_id` is a near-miss typo of a real id;
//! - one contact has no transactions.

use std::fmt;
use std::io::{self, Write};

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::engine::value::time::{format_timestamp, parse_timestamp, start_of_day_millis};

pub mod realistic;

/// How the transactions are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// Tastes, repeat purchases and activity over 18 months ([`realistic`]).
    #[default]
    Realistic,
    /// The exercise's: buyer and category drawn independently over 30 days.
    Exercise,
}

impl Shape {
    pub const ALL: [Shape; 2] = [Shape::Realistic, Shape::Exercise];

    /// Its name, as `c360 generate --shape` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Realistic => "realistic",
            Shape::Exercise => "exercise",
        }
    }
}

/// `c360 generate --shape`: implemented, not derived, so that the variants' doc comments do
/// not become the flag's help.
#[cfg(feature = "cli")]
impl clap::ValueEnum for Shape {
    fn value_variants<'a>() -> &'a [Self] {
        &Shape::ALL
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    pub contacts: usize,
    pub transactions: usize,
    pub seed: u64,
    pub plant_defects: bool,
    pub shape: Shape,
}

/// The fewest contacts, and the fewest transactions, the defects can be planted in: a
/// duplicate needs two rows, and one buyer must remain besides the contact who buys nothing;
/// the Kitchen sale and the orphan are two different transactions.
pub const MIN_TO_PLANT: usize = 3;

/// Options that cannot be generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenerateError {
    /// Occurs when transactions are asked for but there is no contact to buy them.
    NoContactForTransactions { transactions: usize },
    /// Occurs when the defects are to be planted in fewer than [`MIN_TO_PLANT`] contacts or
    /// transactions. `option` is `contacts` or `transactions`.
    TooFewToPlantDefects { option: &'static str, given: usize },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::NoContactForTransactions { transactions } => write!(
                f,
                "{transactions} transactions need at least one contact to buy them: with 0 \
                 contacts, transactions must be 0"
            ),
            GenerateError::TooFewToPlantDefects { option, given } => write!(
                f,
                "{given} {option} are too few to plant the exercise's defects: at least \
                 {MIN_TO_PLANT} are needed, or generate without defects"
            ),
        }
    }
}

impl std::error::Error for GenerateError {}

impl GenerateOptions {
    /// Whether these options can be generated: the first impossible one, if any.
    pub fn check(&self) -> Result<(), GenerateError> {
        if self.contacts == 0 && self.transactions > 0 {
            return Err(GenerateError::NoContactForTransactions {
                transactions: self.transactions,
            });
        }
        if self.plant_defects {
            for (option, given) in [
                ("contacts", self.contacts),
                ("transactions", self.transactions),
            ] {
                if given < MIN_TO_PLANT {
                    return Err(GenerateError::TooFewToPlantDefects { option, given });
                }
            }
        }
        Ok(())
    }
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateSummary {
    pub contacts: usize,
    pub transactions: usize,
    pub defects: Vec<String>,
}

impl fmt::Display for GenerateSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wrote {} contacts and {} transactions",
            self.contacts, self.transactions
        )?;
        if self.defects.is_empty() {
            write!(f, " (no planted defects)")
        } else {
            write!(f, "; planted defects:\n  - {}", self.defects.join("\n  - "))
        }
    }
}

/// The load time written in every `_loaded_at_utc` (the exercise's own).
pub const LOADED_AT: &str = "2023-05-09 10:05:28.875";

/// The exercise's original six categories, with relative weights.
const CATEGORIES: &[(&str, u32)] = &[
    ("Apps & Games", 20),
    ("Beauty", 18),
    ("Books", 13),
    ("Clothing, Shoes & Accessories", 12),
    ("Movies & TV", 24),
    ("Sports, Fitness & Outdoors", 13),
];

const FEMALE: &[&str] = &[
    "Mary",
    "Lisa",
    "Katherine",
    "Christine",
    "Alyssa",
    "Emma",
    "Olivia",
    "Charlotte",
    "Amelia",
    "Isla",
    "Mia",
    "Grace",
    "Chloe",
    "Sophie",
    "Ruby",
    "Zoe",
    "Hannah",
    "Priya",
    "Mei",
    "Aisha",
];
const MALE: &[&str] = &[
    "Adeep", "Steve", "John", "Adrian", "Joseph", "Mo", "Jack", "Oliver", "William", "Noah",
    "Thomas", "James", "Lucas", "Henry", "Ethan", "Liam", "Arjun", "Wei", "Omar", "Mateo",
];
const SURNAMES: &[&str] = &[
    "Davis", "Brown", "Rego", "Stephen", "Johnson", "Bell", "Luo", "Fischer", "Dean", "Salah",
    "Smith", "Jones", "Williams", "Taylor", "Wilson", "Nguyen", "Martin", "Anderson", "White",
    "Thompson", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Singh", "Chen",
    "Murphy",
];
const STREET_TYPES: &[&str] = &[
    "Turn",
    "Meander",
    "Link",
    "Triangle",
    "Ronde",
    "Towers",
    "Interchange",
    "Footway",
    "End",
    "Gully",
    "Lane",
    "Street",
    "Road",
    "Avenue",
    "Crescent",
    "Parade",
    "Circuit",
    "Close",
];
const SUBURB_PREFIXES: &[&str] = &[
    "", "", "", "East ", "West ", "North ", "South ", "Port ", "Lake ",
];
const SUBURB_SUFFIXES: &[&str] = &[
    "town", "land", "fort", "view", "mouth", "ville", "bury", "stad", "port", "haven", "side",
];
/// States with plausible postcode ranges.
const STATES: &[(&str, u32, u32)] = &[
    ("NSW", 2000, 2999),
    ("VIC", 3000, 3999),
    ("QLD", 4000, 4999),
    ("SA", 5000, 5799),
    ("WA", 6000, 6797),
    ("TAS", 7000, 7799),
    ("NT", 800, 899),
    ("ACT", 2600, 2618),
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "yahoo.com",
    "outlook.com",
    "bigpond.com",
    "icloud.com",
];

fn pick<'a, T>(rng: &mut Pcg64, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn uuid(rng: &mut Pcg64) -> String {
    let b: [u8; 16] = rng.random();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    // A version-4, variant-1 UUID, as the CRM exports.
    let variant = ["8", "9", "a", "b"][usize::from(b[8] & 3)];
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        variant,
        &hex[17..20],
        &hex[20..32]
    )
}

/// Writes one CSV field: quoted when it must be or when `quote` asks.
fn field(out: &mut Vec<u8>, value: &str, quote: bool) {
    if quote || value.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

struct Contact {
    id: String,
    username: String,
    name: String,
    gender: &'static str,
    address: String,
    mail: String,
    birthdate: NaiveDate,
}

fn contact(rng: &mut Pcg64) -> Contact {
    let female = rng.random_bool(0.5);
    let first = *pick(rng, if female { FEMALE } else { MALE });
    let last = *pick(rng, SURNAMES);
    let (f, l) = (first.to_lowercase(), last.to_lowercase());
    let username = match rng.random_range(0..4) {
        0 => format!("{l}{f}"),
        1 => format!("{}{l}", &f[..1]),
        2 => format!("{f}{}", rng.random_range(10..100)),
        _ => format!("{f}.{l}"),
    };
    let number = match rng.random_range(0..5) {
        0 => format!("{}/{}", rng.random_range(1..999), rng.random_range(1..300)),
        1 => format!(
            "Level {} {}",
            rng.random_range(1..30),
            rng.random_range(1..300)
        ),
        _ => rng.random_range(1..999).to_string(),
    };
    let street = format!("{} {}", pick(rng, FEMALE), pick(rng, STREET_TYPES));
    let suburb = format!(
        "{}{}{}",
        pick(rng, SUBURB_PREFIXES),
        pick(rng, SURNAMES),
        pick(rng, SUBURB_SUFFIXES)
    );
    let (state, low, high) = *pick(rng, STATES);
    let postcode = rng.random_range(low..=high);
    let start = NaiveDate::from_ymd_opt(1950, 1, 1).expect("a date");
    let end = NaiveDate::from_ymd_opt(2007, 12, 31).expect("a date");
    let birthdate = start + Duration::days(rng.random_range(0..=(end - start).num_days()));
    Contact {
        id: uuid(rng),
        mail: format!("{username}@{}", pick(rng, DOMAINS)),
        username,
        name: format!("{first} {last}"),
        gender: if female { "F" } else { "M" },
        address: format!("{number} {street}, {suburb}, {state}, {postcode:04}"),
        birthdate,
    }
}

/// A near-miss typo of a hex id: a few hex digits changed, the shape kept.
fn typo(rng: &mut Pcg64, id: &str) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    let hex: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] != '-').collect();
    for _ in 0..3 {
        let i = *pick(rng, &hex);
        let c = chars[i];
        let mut replacement = c;
        while replacement == c {
            replacement = *pick(rng, &"0123456789abcdef".chars().collect::<Vec<_>>());
        }
        chars[i] = replacement;
    }
    chars.into_iter().collect()
}

/// Generates both files. Writers are flushed; rows are produced in streaming fashion so
/// millions of transactions need little memory.
///
/// Options that fail [`GenerateOptions::check`] are an [`io::ErrorKind::InvalidInput`] error
/// wrapping the [`GenerateError`], and nothing is written; check them first to tell the two
/// apart.
pub fn generate(
    options: &GenerateOptions,
    mut contacts_out: impl Write,
    mut transactions_out: impl Write,
) -> io::Result<GenerateSummary> {
    options
        .check()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let mut rng = Pcg64::seed_from_u64(options.seed);
    let plant = options.plant_defects;
    let mut defects = Vec::new();

    let mut people: Vec<Contact> = (0..options.contacts).map(|_| contact(&mut rng)).collect();
    if plant {
        let n = people.len();
        people[n - 1].id = people[n - 2].id.clone();
        defects.push(format!(
            "contact rows {} and {} share id {} ({} and {})",
            n - 1,
            n,
            people[n - 1].id,
            people[n - 2].name,
            people[n - 1].name
        ));
    }

    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(
        b"\"id\",\"username\",\"name\",\"gender\",\"address\",\"mail\",\"birthdate\",\"_loaded_at_utc\"\n",
    );
    for p in &people {
        field(&mut buf, &p.id, rng.random_bool(0.8));
        for value in [
            &p.username,
            &p.name,
            &p.gender.to_string(),
            &p.address,
            &p.mail,
        ] {
            buf.push(b',');
            field(&mut buf, value, false);
        }
        buf.push(b',');
        field(&mut buf, &p.birthdate.format("%Y-%m-%d").to_string(), false);
        buf.push(b',');
        field(&mut buf, LOADED_AT, false);
        buf.push(b'\n');
        if buf.len() > 1 << 16 {
            contacts_out.write_all(&buf)?;
            buf.clear();
        }
    }
    contacts_out.write_all(&buf)?;
    contacts_out.flush()?;
    buf.clear();

    // Buyers: every distinct id (the planted duplicate is the last row) but one, the
    // contact with no transactions, when planted.
    let mut buyers: Vec<&str> = people.iter().map(|p| p.id.as_str()).collect();
    let mut buyer_people: Vec<&Contact> = people.iter().collect();
    if plant {
        buyers.pop();
        buyer_people.pop();
    }
    if plant && buyers.len() > 1 {
        let idle = buyers.remove(0);
        buyer_people.remove(0);
        let name = &people
            .iter()
            .find(|p| p.id == idle)
            .expect("a contact")
            .name;
        defects.push(format!("contact {idle} ({name}) has no transactions"));
    }
    let (kitchen_row, typo_row) = if plant {
        let k = rng.random_range(0..options.transactions);
        let mut t = rng.random_range(0..options.transactions);
        while t == k {
            t = rng.random_range(0..options.transactions);
        }
        (Some(k), Some(t))
    } else {
        (None, None)
    };

    let loaded = parse_timestamp(LOADED_AT.as_bytes()).expect("a valid constant");
    let window_start = start_of_day_millis(
        chrono::DateTime::from_timestamp_millis(loaded)
            .expect("in range")
            .date_naive()
            - Duration::days(30),
    );
    let weights: u32 = CATEGORIES.iter().map(|c| c.1).sum();
    let habits = (options.shape == Shape::Realistic && !buyer_people.is_empty()).then(|| {
        let year = chrono::DateTime::from_timestamp_millis(loaded)
            .expect("in range")
            .date_naive();
        realistic::buyers(
            &mut rng,
            &buyer_people,
            loaded,
            chrono::Datelike::year(&year),
        )
    });
    buf.extend_from_slice(
        b"\"contact_id\",\"id\",\"transaction_date\",\"amount\",\"item_count\",\"category\",\"_loaded_at_utc\"\n",
    );
    for row in 0..options.transactions {
        let mut typo_of = |rng: &mut Pcg64, contact_id: String| {
            if Some(row) != typo_row {
                return contact_id;
            }
            let typoed = typo(rng, &contact_id);
            defects.push(format!(
                "transaction line {} has contact_id {typoed}, a near-miss of {contact_id}",
                row + 2
            ));
            typoed
        };
        let (contact_id, when, amount, mut category) = match &habits {
            Some((habits, cumulative)) => {
                let (b, c, when, amount) = realistic::transaction(&mut rng, habits, cumulative);
                let contact_id = typo_of(&mut rng, buyers[b].to_string());
                (contact_id, when, amount, CATEGORIES[c].0)
            }
            None => {
                // The exercise's shape: the draws in this order, as the seeds were made.
                let contact_id = (*pick(&mut rng, &buyers)).to_string();
                let contact_id = typo_of(&mut rng, contact_id);
                let when = rng.random_range(window_start..loaded) / 1000 * 1000;
                let amount = rng.random_range(10..1000u32);
                let mut roll = rng.random_range(0..weights);
                let mut category = CATEGORIES[0].0;
                for (name, w) in CATEGORIES {
                    if roll < *w {
                        category = name;
                        break;
                    }
                    roll -= w;
                }
                (contact_id, when, amount, category)
            }
        };
        if Some(row) == kitchen_row {
            category = "Kitchen";
            defects.push(format!("transaction line {} is in Kitchen", row + 2));
        }
        field(&mut buf, &contact_id, true);
        buf.push(b',');
        field(&mut buf, &uuid(&mut rng), rng.random_bool(0.8));
        buf.push(b',');
        field(&mut buf, &format_timestamp(when), false);
        buf.push(b',');
        field(&mut buf, &format!("{}.{}", amount / 10, amount % 10), false);
        buf.push(b',');
        field(&mut buf, &rng.random_range(1..=5u32).to_string(), false);
        buf.push(b',');
        field(&mut buf, category, false);
        buf.push(b',');
        field(&mut buf, LOADED_AT, false);
        buf.push(b'\n');
        if buf.len() > 1 << 16 {
            transactions_out.write_all(&buf)?;
            buf.clear();
        }
    }
    transactions_out.write_all(&buf)?;
    transactions_out.flush()?;

    Ok(GenerateSummary {
        contacts: options.contacts,
        transactions: options.transactions,
        defects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(options: &GenerateOptions) -> (String, String, GenerateSummary) {
        let (mut c, mut t) = (Vec::new(), Vec::new());
        let summary = generate(options, &mut c, &mut t).unwrap();
        (
            String::from_utf8(c).unwrap(),
            String::from_utf8(t).unwrap(),
            summary,
        )
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let o = GenerateOptions {
            contacts: 20,
            transactions: 200,
            seed: 7,
            plant_defects: true,
            shape: Shape::Exercise,
        };
        assert_eq!(run(&o).0, run(&o).0);
        assert_eq!(run(&o).1, run(&o).1);
        let other = GenerateOptions {
            seed: 8,
            ..o.clone()
        };
        assert_ne!(run(&o).1, run(&other).1);
    }

    #[test]
    fn plants_the_four_defects() {
        let o = GenerateOptions {
            contacts: 12,
            transactions: 100,
            seed: 1,
            plant_defects: true,
            shape: Shape::Exercise,
        };
        let (contacts, transactions, summary) = run(&o);
        assert_eq!(summary.defects.len(), 4, "{summary}");
        assert_eq!(contacts.lines().count(), 13);
        assert_eq!(transactions.lines().count(), 101);
        assert_eq!(transactions.matches(",Kitchen,").count(), 1);
    }

    #[test]
    fn without_defects_ids_are_unique_and_all_buy() {
        let o = GenerateOptions {
            contacts: 5,
            transactions: 500,
            seed: 3,
            plant_defects: false,
            shape: Shape::Exercise,
        };
        let (contacts, transactions, summary) = run(&o);
        assert!(summary.defects.is_empty());
        assert!(!transactions.contains("Kitchen"));
        let ids: std::collections::HashSet<&str> = contacts
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().trim_matches('"'))
            .collect();
        assert_eq!(ids.len(), 5);
    }

    fn options(contacts: usize, transactions: usize, plant_defects: bool) -> GenerateOptions {
        GenerateOptions {
            contacts,
            transactions,
            seed: 1,
            plant_defects,
            shape: Shape::Exercise,
        }
    }

    fn refused(o: &GenerateOptions) -> GenerateError {
        let (mut c, mut t) = (Vec::new(), Vec::new());
        let e = generate(o, &mut c, &mut t).expect_err("impossible options");
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(c.is_empty() && t.is_empty(), "nothing written");
        let inner = e.into_inner().expect("the reason");
        inner.downcast_ref::<GenerateError>().cloned().unwrap()
    }

    #[test]
    fn transactions_without_contacts_are_refused_not_a_panic() {
        for plant in [false, true] {
            assert_eq!(
                refused(&options(0, 1, plant)),
                GenerateError::NoContactForTransactions { transactions: 1 }
            );
        }
        // Nothing at all is possible: two header-only files.
        let (contacts, transactions, summary) = run(&options(0, 0, false));
        assert_eq!(
            (contacts.lines().count(), transactions.lines().count()),
            (1, 1)
        );
        assert_eq!((summary.contacts, summary.transactions), (0, 0));
    }

    #[test]
    fn planting_in_too_few_rows_is_refused_and_the_fewest_plant_all_four() {
        for (c, t, option, given) in [
            (2, 100, "contacts", 2),
            (1, 1, "contacts", 1),
            (12, 2, "transactions", 2),
            (12, 0, "transactions", 0),
        ] {
            assert_eq!(
                refused(&options(c, t, true)),
                GenerateError::TooFewToPlantDefects { option, given },
                "{c} {t}"
            );
            assert!(
                options(c, t, false).check().is_ok(),
                "{c} {t} without defects"
            );
        }
        for seed in 0..20 {
            let o = GenerateOptions {
                seed,
                ..options(MIN_TO_PLANT, MIN_TO_PLANT, true)
            };
            let (_, transactions, summary) = run(&o);
            assert_eq!(summary.defects.len(), 4, "{summary}");
            assert_eq!(transactions.matches(",Kitchen,").count(), 1);
        }
        let (_, transactions, summary) = run(&options(1, 7, false));
        assert!(summary.defects.is_empty());
        assert_eq!(transactions.lines().count(), 8);
    }

    #[test]
    fn the_same_seed_gives_the_same_realistic_bytes() {
        let o = GenerateOptions {
            shape: Shape::Realistic,
            ..options(50, 500, true)
        };
        assert_eq!(run(&o).1, run(&o).1);
        let (_, transactions, summary) = run(&o);
        assert_eq!(summary.defects.len(), 4, "{summary}");
        assert_eq!(transactions.matches(",Kitchen,").count(), 1);
        let exercise = run(&options(50, 500, true)).1;
        assert_ne!(transactions, exercise, "the shapes differ");
        for (c, t) in [(MIN_TO_PLANT, MIN_TO_PLANT), (1, 5)] {
            let o = GenerateOptions {
                shape: Shape::Realistic,
                ..options(c, t, c >= MIN_TO_PLANT)
            };
            assert_eq!(run(&o).1.lines().count(), t + 1);
        }
    }

    /// What the realistic shape plants, seen through the models: a year and more of
    /// activity, dormant customers, repeat purchases, and tastes that co-occur — enough for
    /// c360's recommender to beat personal most-frequent on the categories new to a customer.
    #[test]
    fn the_realistic_shape_has_structure_the_models_find() {
        use crate::engine::config::RunConfig;
        use crate::engine::source::{SourceFile, SourceFiles, Sources};
        let o = GenerateOptions {
            shape: Shape::Realistic,
            ..options(2_000, 20_000, true)
        };
        let (contacts, transactions, _) = run(&o);
        let sources = Sources::from_bytes(SourceFiles {
            contacts: SourceFile {
                name: "contacts.csv",
                bytes: contacts.as_bytes(),
            },
            transactions: SourceFile {
                name: "transactions.csv",
                bytes: transactions.as_bytes(),
            },
        })
        .unwrap();
        let as_of = NaiveDate::from_ymd_opt(2023, 5, 9).unwrap();
        let out = crate::engine::build::run(sources, &RunConfig::new(as_of)).unwrap();

        let segments = out.model("customer_segments").unwrap();
        let recency = segments.integers("recency_days");
        let dormant = recency.iter().flatten().filter(|&&r| r > 150).count();
        let share = dormant as f64 / recency.len() as f64;
        // The planted dormant 8 %, and the light buyers whose few purchases came early.
        assert!(
            (0.08..0.4).contains(&share),
            "share quiet for 150 days: {share}"
        );
        let customers = out.model("customers").unwrap();
        let first = customers.timestamps("first_purchase_date");
        let earliest = first.iter().flatten().min().unwrap();
        let loaded = parse_timestamp(LOADED_AT.as_bytes()).unwrap();
        assert!(
            loaded - earliest > 365 * 86_400_000,
            "a year or more of activity"
        );

        let eval = out.model("recommendation_evaluation").unwrap();
        let methods = eval.text("method");
        let row = |m: &str| {
            (0..eval.num_rows())
                .find(|&r| methods.get(r) == Some(m))
                .unwrap()
        };
        let explore = eval.integers("explore_hits_at_3");
        let (repeat_cases, explore_cases) = (
            eval.integers("repeat_cases")[0].unwrap(),
            eval.integers("explore_cases")[0].unwrap(),
        );
        assert!(repeat_cases > explore_cases, "repeat purchasing dominates");
        let (model, personal) = (
            explore[row("c360")].unwrap(),
            explore[row("personal_most_frequent")].unwrap(),
        );
        assert!(
            model > personal,
            "explore hits: c360 {model}, personal most-frequent {personal}"
        );
        // Personal tastes beat one list for everyone.
        let hits = eval.integers("hits_at_3");
        assert!(hits[row("c360")] >= hits[row("global_popularity")]);
    }
}

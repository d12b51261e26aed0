//! Age: completed years at the as-of date, equal to PostgreSQL's
//! `date_part('year', age(as_of, birth_date))`. A birthday counts on its day, someone born on
//! 29 February turns older on 1 March in a non-leap year, and a birth after the as-of date has
//! no age (null) rather than a negative or zero one.

use c360::engine::value::time::age_in_years;

use crate::util::*;

/// `(birth, as_of, age)`. Every age was computed by PostgreSQL 15 with
/// `date_part('year', age(as_of::date, birth::date))`.
const POSTGRES_AGES: &[(&str, &str, u32)] = &[
    ("2000-02-29", "2023-02-28", 22),
    ("2000-02-29", "2023-03-01", 23),
    ("2000-02-29", "2024-02-28", 23),
    ("2000-02-29", "2024-02-29", 24),
    ("1996-02-29", "2025-02-28", 28),
    ("1996-02-29", "2025-03-01", 29),
    ("2004-02-29", "2005-02-28", 0),
    ("2004-02-29", "2005-03-01", 1),
    ("1990-06-15", "2026-06-15", 36),
    ("1990-06-15", "2026-06-14", 35),
    ("2026-11-26", "2026-11-26", 0),
    ("1999-12-31", "2000-01-01", 0),
    ("1900-03-01", "2026-02-28", 125),
    ("2000-03-01", "2001-02-28", 0),
    ("2000-02-28", "2001-02-28", 1),
    ("1973-12-10", "2026-11-26", 52),
];

#[test]
fn ages_match_postgres() {
    for &(birth, as_of, age) in POSTGRES_AGES {
        assert_eq!(
            age_in_years(date(birth), date(as_of)),
            Ok(age),
            "born {birth}, as of {as_of}"
        );
    }
}

#[test]
fn a_birth_after_the_as_of_date_has_no_age() {
    // Postgres says 0 for a birth one day later (age is "-1 days"); c360's rule is no age.
    assert!(age_in_years(date("2026-11-27"), date("2026-11-26")).is_err());
    assert!(age_in_years(date("2030-01-01"), date("2026-11-26")).is_err());
}

/// The same rules seen through the `customers` model, and its null age.
#[test]
fn customers_ages_follow_the_as_of_date() {
    let contacts = contacts_csv(&[
        contact("leap", "F", "2000-02-29"),
        contact("birthday", "M", "2000-03-01"),
        contact("tomorrow", "F", "2000-03-02"),
        contact("unborn", "M", "2027-03-02"),
        contact("newborn", "F", "2027-03-01"),
        contact("unknown", "F", ""),
    ]);
    let ids = [
        "leap", "birthday", "tomorrow", "unborn", "newborn", "unknown",
    ];
    let transactions = transactions_csv(
        &ids.iter()
            .map(|id| transaction(id, &format!("t-{id}"), "1.0", "Books"))
            .collect::<Vec<_>>(),
    );

    let at = |as_of: &str| {
        let customers = model(&build(&contacts, &transactions, as_of), "customers");
        ids.map(|id| customers.row("id", id).get("age").to_string())
    };
    assert_eq!(at("2027-02-28"), ["26", "26", "26", "", "", ""]);
    assert_eq!(at("2027-03-01"), ["27", "27", "26", "", "0", ""]);
    assert_eq!(at("2027-03-02"), ["27", "27", "27", "0", "0", ""]);
    assert_eq!(at("2028-02-29"), ["28", "27", "27", "0", "0", ""]);
}

/// Unknown ages count as customers in `category` but are not averaged.
#[test]
fn category_averages_only_known_ages() {
    let contacts = contacts_csv(&[
        contact("a", "F", "2000-01-01"),
        contact("b", "F", "1990-01-01"),
        contact("c", "F", "2030-01-01"),
        contact("d", "F", ""),
    ]);
    let transactions = transactions_csv(&[
        transaction("a", "t1", "1", "Books"),
        transaction("b", "t2", "1", "Books"),
        transaction("c", "t3", "1", "Books"),
        transaction("d", "t4", "1", "Books"),
        transaction("a", "t5", "1", "Books"),
    ]);
    let category = model(&build(contacts, transactions, GOLDEN_AS_OF), "category");
    let books = category.row("category", "Books");
    assert_eq!(books.get("count_unique_female_customers"), "4");
    assert_eq!(
        books.get("average_age_female_customers"),
        "31.00",
        "(26 + 36) / 2, once each"
    );
    assert_eq!(books.get("average_age_male_customers"), "");
}

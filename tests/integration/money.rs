//! Money is exact: amounts are summed and averaged as decimals and printed like `351.9`, with
//! no binary-float noise (`351.90000000000003`) anywhere in a model or a written CSV.

use crate::util::*;

fn customers_for(amounts: &[(&str, &str)]) -> Csv {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let rows: Vec<String> = amounts
        .iter()
        .enumerate()
        .map(|(i, (amount, category))| transaction("c1", &format!("t{i}"), amount, category))
        .collect();
    model(
        &build(contacts, transactions_csv(&rows), GOLDEN_AS_OF),
        "customers",
    )
}

/// One of the exercise's customers: these amounts add up to 351.90000000000003 in f64.
#[test]
fn sums_print_exactly() {
    let amounts = ["66.6", "85.5", "49.5", "100.0", "21.0", "29.3"];
    let float: f64 = amounts.iter().map(|a| a.parse::<f64>().unwrap()).sum();
    assert_ne!(
        float.to_string(),
        "351.9",
        "the float noise this test guards against"
    );
    let categories = ["Books", "Books", "Beauty", "Beauty", "Beauty", "Beauty"];
    let c = customers_for(&amounts.into_iter().zip(categories).collect::<Vec<_>>());
    let row = c.row("id", "c1");
    assert_eq!(row.get("total_expense"), "351.9");
    assert_eq!(row.get("books_amount"), "152.1");
    assert_eq!(row.get("beauty_amount"), "199.8");
}

#[test]
fn tenths_summed_a_thousand_times_stay_exact() {
    let amounts: Vec<(&str, &str)> = (0..1000).map(|_| ("0.1", "Books")).collect();
    let c = customers_for(&amounts);
    assert_eq!(c.row("id", "c1").get("total_expense"), "100.0");
}

#[test]
fn sums_keep_the_most_decimal_places_seen() {
    let c = customers_for(&[("10", "Books"), ("0.125", "Books"), ("-2.5", "Beauty")]);
    let row = c.row("id", "c1");
    assert_eq!(row.get("total_expense"), "7.625");
    assert_eq!(row.get("books_amount"), "10.125");
    assert_eq!(row.get("beauty_amount"), "-2.500");
    assert_eq!(row.get("kitchen_amount"), "0.000");
}

#[test]
fn large_amounts_stay_exact() {
    // 2^53 + 1 is the first integer an f64 cannot hold.
    let c = customers_for(&[
        ("9007199254740992", "Books"),
        ("1", "Books"),
        ("0.01", "Books"),
    ]);
    assert_eq!(
        c.row("id", "c1").get("total_expense"),
        "9007199254740993.01"
    );
}

#[test]
fn a_sum_too_large_for_the_engine_is_an_error_not_a_wrong_number() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let big = "9000000000000000000";
    let transactions = transactions_csv(&[
        transaction("c1", "t1", big, "Books"),
        transaction("c1", "t2", big, "Books"),
    ]);
    match try_build(contacts.as_bytes(), transactions.as_bytes(), GOLDEN_AS_OF) {
        Err(e) => assert!(e.to_string().contains("too large"), "{e}"),
        Ok(out) => {
            // Or the engine holds it exactly; anything else is wrong.
            let c = model(&out, "customers");
            assert_eq!(
                c.row("id", "c1").dec("total_expense"),
                dec("18000000000000000000")
            );
        }
    }
}

#[test]
fn averages_round_half_away_from_zero_to_two_places() {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[
        // Books: (0.01 + 0.02) / 2 = 0.015 -> 0.02 (half away from zero, not to even).
        transaction("c1", "t1", "0.01", "Books"),
        transaction("c1", "t2", "0.02", "Books"),
        // Beauty: (-0.01 + -0.02) / 2 = -0.015 -> -0.02.
        transaction("c1", "t3", "-0.01", "Beauty"),
        transaction("c1", "t4", "-0.02", "Beauty"),
        // Kitchen: 10 / 3 = 3.333.. -> 3.33; 20 / 3 -> 6.67 on Movies & TV.
        transaction("c1", "t5", "10", "Kitchen"),
        transaction("c1", "t6", "0", "Kitchen"),
        transaction("c1", "t7", "0", "Kitchen"),
        transaction("c1", "t8", "20", "Movies & TV"),
        transaction("c1", "t9", "0", "Movies & TV"),
        transaction("c1", "t10", "0", "Movies & TV"),
    ]);
    let category = model(&build(contacts, transactions, GOLDEN_AS_OF), "category");
    let average = |c: &str| {
        category
            .row("category", c)
            .get("average_amount")
            .to_string()
    };
    assert_eq!(average("Books"), "0.02");
    assert_eq!(average("Beauty"), "-0.02");
    assert_eq!(average("Kitchen"), "3.33");
    assert_eq!(average("Movies & TV"), "6.67");
    assert_eq!(
        category.row("category", "Books").get("total_amount"),
        "0.03"
    );
}

#[test]
fn no_written_number_has_float_noise() {
    let out = build_files(
        &repo().join("seeds/contacts.csv"),
        &repo().join("seeds/transactions.csv"),
        GOLDEN_AS_OF,
    );
    for name in ["customers", "category", "contacts_joined_with_transactions"] {
        let csv = model(&out, name);
        for (column, values) in csv.header.iter().map(|h| (h, csv.column(h))) {
            if column.contains("amount")
                || column.contains("expense")
                || column.starts_with("average")
            {
                for v in values.iter().filter(|v| !v.is_empty()) {
                    let places = v.split_once('.').map_or(0, |(_, f)| f.len());
                    assert!(
                        places <= 2 && Dec::parse(v).is_some(),
                        "{name}.{column}: {v:?}"
                    );
                }
            }
        }
    }
}

// --- Sums and averages at the edges of 64 bits -----------------------------------------------

/// A transactions row of c1's with `items` items.
fn transaction_of(id: &str, amount: &str, items: &str, category: &str) -> String {
    transaction_of_items("c1", id, amount, items, category)
}

fn build_rows(rows: &[String]) -> Result<c360::engine::RunOutput, c360::engine::RunError> {
    let contacts = contacts_csv(&[contact("c1", "F", "1990-01-01")]);
    try_build(
        contacts.as_bytes(),
        transactions_csv(rows).as_bytes(),
        GOLDEN_AS_OF,
    )
}

fn overflow_in(rows: &[String]) -> (String, String) {
    match build_rows(rows) {
        Err(c360::engine::RunError::Model(c360::engine::error::ModelError::Overflow {
            model,
            column,
        })) => (model, column),
        Err(e) => panic!("expected an overflow, got {e:?}"),
        Ok(out) => panic!(
            "expected an overflow, got category:\n{}",
            c360::engine::value::write::to_csv_string(out.model("category").unwrap())
        ),
    }
}

const I64_MAX: &str = "9223372036854775807";
const I64_MIN: &str = "-9223372036854775808";

#[test]
fn an_item_count_sum_too_large_is_an_overflow_error_naming_the_column() {
    let rows = [
        transaction_of("t1", "1", I64_MAX, "Books"),
        transaction_of("t2", "1", "1", "Books"),
    ];
    assert_eq!(
        overflow_in(&rows),
        ("category".to_string(), "total_item_count".to_string())
    );
    let rows = [
        transaction_of("t1", "1", I64_MIN, "Books"),
        transaction_of("t2", "1", "-1", "Books"),
    ];
    assert_eq!(
        overflow_in(&rows),
        ("category".to_string(), "total_item_count".to_string())
    );
    let e = build_rows(&rows).unwrap_err().to_string();
    assert!(
        e.contains("category") && e.contains("total_item_count") && e.contains("too large"),
        "{e}"
    );
}

#[test]
fn extreme_item_counts_that_cancel_sum_exactly() {
    // i64::MAX + i64::MIN + 1 = 0: the running sum leaves i64 on the way but the total fits.
    let rows = [
        transaction_of("t1", "1", I64_MAX, "Books"),
        transaction_of("t2", "1", I64_MIN, "Books"),
        transaction_of("t3", "1", "1", "Books"),
    ];
    let category = model(&build_rows(&rows).unwrap(), "category");
    let books = category.row("category", "Books");
    assert_eq!(books.get("total_item_count"), "0");
    assert_eq!(books.get("average_item_count"), "0.00");
}

#[test]
fn an_average_too_large_is_an_overflow_error_not_a_null() {
    // One transaction of i64::MAX items: the total fits, its average at two places does not.
    let rows = [transaction_of("t1", "1", I64_MAX, "Books")];
    assert_eq!(
        overflow_in(&rows),
        ("category".to_string(), "average_item_count".to_string())
    );
    // One whole amount of i64::MAX units: total_expense fits, the average amount does not.
    let rows = [transaction_of("t1", I64_MAX, "1", "Books")];
    assert_eq!(
        overflow_in(&rows),
        ("category".to_string(), "average_amount".to_string())
    );
    // The largest that still fits at two places is a number, not an error.
    let fits = (i64::MAX / 100).to_string();
    let rows = [transaction_of("t1", &fits, &fits, "Books")];
    let category = model(&build_rows(&rows).unwrap(), "category");
    let books = category.row("category", "Books");
    assert_eq!(books.get("average_amount"), format!("{fits}.00"));
    assert_eq!(books.get("average_item_count"), format!("{fits}.00"));
}

#[test]
fn a_customers_spend_too_large_is_an_overflow_error_naming_total_expense() {
    // Each amount fits in i64 units; their sum for the one customer does not.
    let half = (i64::MAX / 2 + 1).to_string();
    let rows = [
        transaction_of("t1", &half, "1", "Books"),
        transaction_of("t2", &half, "1", "Kitchen"),
    ];
    assert_eq!(
        overflow_in(&rows),
        ("customers".to_string(), "total_expense".to_string())
    );
    // -2^62 twice is i64::MIN exactly, which fits; one unit more does not.
    let negative = format!("-{half}");
    let more = format!("-{}", i64::MAX / 2 + 2);
    let rows = [
        transaction_of("t1", &negative, "1", "Books"),
        transaction_of("t2", &more, "1", "Books"),
    ];
    assert_eq!(
        overflow_in(&rows),
        ("customers".to_string(), "total_expense".to_string())
    );
    // Amounts that cancel on the way sum exactly.
    let rows = [
        transaction_of("t1", &half, "1", "Books"),
        transaction_of("t2", &negative, "1", "Books"),
        transaction_of("t3", "5", "1", "Books"),
    ];
    let customers = model(&build_rows(&rows).unwrap(), "customers");
    assert_eq!(customers.row("id", "c1").get("total_expense"), "5");
}

/// A column keeps one scale: a later value with more places rescales the earlier ones, and
/// when one of them no longer fits, the value that made it so is the one named.
#[test]
fn a_scale_that_no_longer_fits_the_column_is_a_bad_value_at_the_line_that_raised_it() {
    let big = (i64::MAX / 10).to_string();
    let rows = [
        transaction_of("t1", &big, "1", "Books"),
        transaction_of("t2", "1.5", "1", "Books"),
        transaction_of("t3", "1.25", "1", "Books"),
    ];
    let err = load_transactions(transactions_csv(&rows)).unwrap_err();
    match &err {
        c360::engine::InputError::BadValue {
            file,
            line,
            column,
            expected,
            found,
        } => {
            assert_eq!(
                (file.as_str(), *line, column.as_str()),
                ("transactions.csv", 4, "amount")
            );
            assert_eq!(found, "1.25");
            assert!(expected.contains("sane size"), "{expected}");
        }
        other => panic!("{other:?}"),
    }
}

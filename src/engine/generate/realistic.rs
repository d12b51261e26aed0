//! The realistic shape's transactions: data with something in it to find.
//!
//! Each buying contact gets, once, from the seed:
//! - a **taste**: a blend of two of [`PERSONAS`] (70 % a primary, 30 % a secondary, plus a
//!   little noise), the primary drawn with odds that depend on gender and age (women lean
//!   to beauty and clothing, men to games; the young to games and sport, the over-55s to
//!   books). Every purchase's category is drawn from the taste, so customers repeat their
//!   favourite categories and categories of one persona are bought by the same people —
//!   the co-occurrence a recommender can learn;
//! - an **activity** weight, heavy-tailed (`⌊1000 / u⌋` for `u` uniform in 1–1000, capped at
//!   [`MAX_ACTIVITY`]): most customers buy a few times, a few buy a lot;
//! - an **active window** inside the [`SPAN_DAYS`] before the load: active customers' last
//!   possible day is up to two months before it, and [`DORMANT_PER_MILLE`] of them are
//!   dormant, their window ending at least [`DORMANT_GAP_DAYS`] before the load.
//!
//! A transaction picks its buyer by activity, its category by the buyer's taste, its time
//! uniformly in the buyer's window, and its amount in its category's price range. Only
//! `+ − × ÷` on integers go into the draws, so the same seed gives the same bytes on every
//! platform.

use rand::Rng;
use rand_pcg::Pcg64;

use super::{Contact, CATEGORIES};
use crate::engine::value::time::DAY_MILLIS;

/// How far back purchases go, in days before the load.
pub const SPAN_DAYS: i64 = 540;

/// Customers (per thousand) whose activity stopped long before the load.
pub const DORMANT_PER_MILLE: u32 = 80;

/// A dormant customer's last possible purchase is at least this many days before the load.
pub const DORMANT_GAP_DAYS: i64 = 150;

/// The largest activity weight (the smallest is 1).
pub const MAX_ACTIVITY: u64 = 40;

/// A persona's weights over `CATEGORIES` (Apps & Games, Beauty, Books, Clothing, Movies &
/// TV, Sports), and its name.
pub const PERSONAS: [(&str, [u32; 6]); 5] = [
    ("gamer", [10, 0, 1, 1, 6, 1]),
    ("style", [1, 10, 1, 8, 1, 1]),
    ("reader", [0, 2, 10, 0, 5, 1]),
    ("active", [1, 1, 0, 5, 1, 10]),
    ("homebody", [2, 1, 4, 1, 10, 0]),
];

/// Each category's price range, in tenths of a dollar (half-open).
const PRICES: [(u32, u32); 6] = [
    (10, 600),
    (80, 1500),
    (60, 600),
    (150, 2500),
    (30, 400),
    (120, 3000),
];

/// One buyer's drawn habits.
pub(super) struct Buyer {
    /// Cumulative category weights.
    taste: [u32; 6],
    /// The active window, in milliseconds since the epoch: `[from, to)`.
    from: i64,
    to: i64,
}

/// The odds of each persona being a contact's primary one.
fn persona_odds(gender: &str, age: i32) -> [u32; 5] {
    let mut odds = [10u32; 5];
    if gender == "F" {
        odds[1] *= 3;
        odds[0] /= 2;
    } else {
        odds[0] *= 2;
        odds[3] = odds[3] * 3 / 2;
    }
    if age < 30 {
        odds[0] *= 2;
        odds[3] = odds[3] * 3 / 2;
    } else if age >= 55 {
        odds[2] = odds[2] * 5 / 2;
        odds[4] *= 2;
        odds[0] = odds[0] * 3 / 10;
    }
    odds
}

fn weighted(rng: &mut Pcg64, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

/// Draws every buyer's habits, and the cumulative activity weights to pick buyers by.
pub(super) fn buyers(
    rng: &mut Pcg64,
    people: &[&Contact],
    loaded: i64,
    load_year: i32,
) -> (Vec<Buyer>, Vec<u64>) {
    let end_day = loaded.div_euclid(DAY_MILLIS);
    let mut cumulative = Vec::with_capacity(people.len());
    let mut sum = 0u64;
    let list = people
        .iter()
        .map(|p| {
            let age = load_year - chrono::Datelike::year(&p.birthdate);
            let primary = weighted(rng, &persona_odds(p.gender, age));
            let secondary = rng.random_range(0..PERSONAS.len());
            let mut taste = [0u32; 6];
            let mut running = 0;
            for (c, slot) in taste.iter_mut().enumerate() {
                running += 7 * PERSONAS[primary].1[c]
                    + 3 * PERSONAS[secondary].1[c]
                    + rng.random_range(0..3);
                *slot = running;
            }
            let activity = (1000 / rng.random_range(1..=1000u64)).clamp(1, MAX_ACTIVITY);
            sum += activity;
            cumulative.push(sum);
            let dormant = rng.random_range(0..1000) < DORMANT_PER_MILLE;
            let last = if dormant {
                end_day - DORMANT_GAP_DAYS - rng.random_range(0..SPAN_DAYS - DORMANT_GAP_DAYS - 30)
            } else {
                end_day - rng.random_range(0..60)
            };
            let first_earliest = end_day - SPAN_DAYS;
            let first = rng.random_range(first_earliest..=last - 30);
            Buyer {
                taste,
                from: first * DAY_MILLIS,
                // The last day counts whole, but never past the load.
                to: ((last + 1) * DAY_MILLIS).min(loaded),
            }
        })
        .collect();
    (list, cumulative)
}

/// One transaction's buyer (an index into the buyers), category (an index into
/// [`CATEGORIES`]), time (whole seconds) and amount in tenths.
pub(super) fn transaction(
    rng: &mut Pcg64,
    buyers: &[Buyer],
    cumulative: &[u64],
) -> (usize, usize, i64, u32) {
    let total = *cumulative.last().expect("at least one buyer");
    let roll = rng.random_range(0..total);
    let b = cumulative.partition_point(|&c| c <= roll);
    let buyer = &buyers[b];
    let roll = rng.random_range(0..buyer.taste[5]);
    let category = buyer.taste.partition_point(|&c| c <= roll);
    let when = rng.random_range(buyer.from..buyer.to) / 1000 * 1000;
    let (lo, hi) = PRICES[category];
    let amount = rng.random_range(lo..hi);
    debug_assert!(CATEGORIES.len() == PRICES.len());
    (b, category, when, amount)
}

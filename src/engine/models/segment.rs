//! Customer segmentation: RFM quintile scores, the R×F segment map, age bands and the
//! Australian state and postcode of an address.
//!
//! Plain functions over plain values, so that `customer_segments` is a thin model and every
//! rule here is tested on hand-computed cases. Nothing here reads a table.

use std::cmp::Ordering;
use std::ops::RangeInclusive;

/// The quintile score (1–5) of each of `n` customers ranked from worst to best.
///
/// Scores are rank-based, not value-based: customers are put in a total order (the caller
/// sorts by value, ties broken by id — see [`rank_scores`]), and the customer at rank `p`
/// (0-based) of `n` scores `⌊(2p + 1) · 5 / 2n⌋ + 1`, the quintile its rank's midpoint falls
/// in. That is SQL's `ntile(5)` when `n` is a multiple of five, gives every score to any
/// population of five or more (ties included: tied customers are spread by id), and puts a
/// lone customer in the middle (3) rather than at the bottom.
pub fn quintile(rank: usize, n: usize) -> u8 {
    debug_assert!(rank < n);
    // u128: (2p + 1) · 5 cannot overflow whatever the population.
    let score = (2 * rank as u128 + 1) * 5 / (2 * n as u128) + 1;
    score.min(5) as u8
}

/// Each item's quintile score, ranking items from worst to best by `worse_first` (a total
/// order the caller makes deterministic, e.g. by value then id).
pub fn rank_scores(n: usize, worse_first: impl Fn(usize, usize) -> Ordering) -> Vec<u8> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| worse_first(a, b));
    let mut scores = vec![0u8; n];
    for (rank, &item) in order.iter().enumerate() {
        scores[item] = quintile(rank, n);
    }
    scores
}

/// [`rank_scores`] with `worse_first` comparing `keys`: the same scores, a stable sort of
/// each item's key being a sort of (key, item) pairs, which compares plain values instead
/// of calling a closure.
pub fn rank_scores_by_key<K: Ord>(keys: Vec<K>) -> Vec<u8> {
    let n = keys.len();
    let mut order: Vec<(K, usize)> = keys.into_iter().zip(0..n).collect();
    order.sort_unstable();
    let mut scores = vec![0u8; n];
    for (rank, (_, item)) in order.iter().enumerate() {
        scores[*item] = quintile(rank, n);
    }
    scores
}

/// One named segment of the R×F map: the recency and frequency scores it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentRule {
    pub name: &'static str,
    pub recency: RangeInclusive<u8>,
    pub frequency: RangeInclusive<u8>,
    /// What the segment means, for a person.
    pub description: &'static str,
}

/// The widely used R×F segment map. Every (R, F) pair of 1–5 × 1–5 is in exactly one rule
/// (a unit test checks it), so no customer is left without a segment.
pub const SEGMENTS: [SegmentRule; 10] = [
    SegmentRule {
        name: "champions",
        recency: 5..=5,
        frequency: 4..=5,
        description: "Bought recently and often",
    },
    SegmentRule {
        name: "loyal_customers",
        recency: 3..=4,
        frequency: 4..=5,
        description: "Buy often, fairly recently",
    },
    SegmentRule {
        name: "potential_loyalists",
        recency: 4..=5,
        frequency: 2..=3,
        description: "Recent, with a few purchases",
    },
    SegmentRule {
        name: "new_customers",
        recency: 5..=5,
        frequency: 1..=1,
        description: "Bought very recently, once or little",
    },
    SegmentRule {
        name: "promising",
        recency: 4..=4,
        frequency: 1..=1,
        description: "Recent, but little so far",
    },
    SegmentRule {
        name: "need_attention",
        recency: 3..=3,
        frequency: 3..=3,
        description: "Middling recency and frequency",
    },
    SegmentRule {
        name: "about_to_sleep",
        recency: 3..=3,
        frequency: 1..=2,
        description: "Fading, and never bought much",
    },
    SegmentRule {
        name: "at_risk",
        recency: 1..=2,
        frequency: 3..=4,
        description: "Bought often, but long ago",
    },
    SegmentRule {
        name: "cant_lose",
        recency: 1..=2,
        frequency: 5..=5,
        description: "Were among the most frequent, gone quiet",
    },
    SegmentRule {
        name: "hibernating",
        recency: 1..=2,
        frequency: 1..=2,
        description: "Long ago, and little",
    },
];

/// The segments' names, in [`SEGMENTS`] order (best first): the values of
/// `customer_segments.segment` and the order the dashboards list them in.
pub const SEGMENT_NAMES: [&str; SEGMENTS.len()] = {
    let mut names = [""; SEGMENTS.len()];
    let mut i = 0;
    while i < SEGMENTS.len() {
        names[i] = SEGMENTS[i].name;
        i += 1;
    }
    names
};

/// The segment of an R and an F score (each 1–5).
pub fn segment(r: u8, f: u8) -> &'static str {
    SEGMENTS
        .iter()
        .find(|s| s.recency.contains(&r) && s.frequency.contains(&f))
        .map_or("hibernating", |s| s.name)
}

/// The age bands, youngest first, then `unknown`.
///
/// `under 18` is not in the usual marketing bands (which start at 18) but the data has
/// minors in it (the generator's birth dates run to 2007): putting them in `unknown` would
/// hide a known age, and in `18-24` would misstate it.
pub const AGE_BANDS: [&str; 8] = [
    "under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown",
];

/// The band of an age in completed years (null: `unknown`).
pub fn age_band(age: Option<i64>) -> &'static str {
    match age {
        None => "unknown",
        Some(a) if a < 18 => "under 18",
        Some(a) if a < 25 => "18-24",
        Some(a) if a < 35 => "25-34",
        Some(a) if a < 45 => "35-44",
        Some(a) if a < 55 => "45-54",
        Some(a) if a < 65 => "55-64",
        Some(_) => "65+",
    }
}

/// The Australian states and territories, as addresses abbreviate them.
pub const STATES: [&str; 8] = ["ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"];

/// What an address, a state or a postcode is when it cannot be read.
pub const UNKNOWN: &str = "unknown";

/// The state and postcode at the end of an Australian address: `…, SUBURB, STATE,
/// POSTCODE` (as the CRM exports them), or `… SUBURB STATE POSTCODE` (as people write
/// them). The last two words, split at commas and spaces, must be a state or territory
/// (any case; returned upper case) and a four-digit postcode; otherwise the address is
/// unparseable (`None`): one of the two alone would be a guess.
pub fn parse_address(address: &str) -> Option<(&'static str, &str)> {
    let mut words = address
        .rsplit(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let postcode = words.next()?;
    let state = words.next()?;
    let is_postcode = postcode.len() == 4 && postcode.bytes().all(|b| b.is_ascii_digit());
    let state = STATES.iter().find(|s| s.eq_ignore_ascii_case(state))?;
    is_postcode.then_some((*state, postcode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rf_pair_is_in_exactly_one_segment() {
        for r in 1..=5 {
            for f in 1..=5 {
                let covering: Vec<&str> = SEGMENTS
                    .iter()
                    .filter(|s| s.recency.contains(&r) && s.frequency.contains(&f))
                    .map(|s| s.name)
                    .collect();
                assert_eq!(covering.len(), 1, "R{r} F{f}: {covering:?}");
                assert_eq!(segment(r, f), covering[0]);
            }
        }
    }

    #[test]
    fn the_map_gives_the_issues_segments() {
        for (r, f, name) in [
            (5, 5, "champions"),
            (5, 4, "champions"),
            (4, 5, "loyal_customers"),
            (3, 4, "loyal_customers"),
            (5, 2, "potential_loyalists"),
            (4, 3, "potential_loyalists"),
            (5, 1, "new_customers"),
            (4, 1, "promising"),
            (3, 3, "need_attention"),
            (3, 2, "about_to_sleep"),
            (3, 1, "about_to_sleep"),
            (2, 4, "at_risk"),
            (1, 3, "at_risk"),
            (1, 5, "cant_lose"),
            (2, 5, "cant_lose"),
            (1, 1, "hibernating"),
            (2, 2, "hibernating"),
        ] {
            assert_eq!(segment(r, f), name, "R{r} F{f}");
        }
    }

    #[test]
    fn quintiles_by_rank_midpoint() {
        // Five customers: one of each score.
        assert_eq!(
            (0..5).map(|p| quintile(p, 5)).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        // Ten: two of each (ntile(5)).
        assert_eq!(
            (0..10).map(|p| quintile(p, 10)).collect::<Vec<_>>(),
            [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        // One customer is in the middle; two are at 2 and 4; three at 1, 3, 5.
        assert_eq!(quintile(0, 1), 3);
        assert_eq!([quintile(0, 2), quintile(1, 2)], [2, 4]);
        assert_eq!([quintile(0, 3), quintile(1, 3), quintile(2, 3)], [1, 3, 5]);
        // Seven: (2p+1)·5/14 → 0.36, 1.07, 1.79, 2.5, 3.21, 3.93, 4.64.
        assert_eq!(
            (0..7).map(|p| quintile(p, 7)).collect::<Vec<_>>(),
            [1, 2, 2, 3, 4, 4, 5]
        );
    }

    #[test]
    fn ties_are_spread_by_the_tie_break_and_all_equal_still_gives_every_score() {
        // Values 10, 10, 10, 20, 30, 30 with ids f, e, d, c, b, a: ranked by value then id,
        // the order is d e f c a b.
        let values = [10, 10, 10, 20, 30, 30];
        let ids = ["f", "e", "d", "c", "b", "a"];
        let scores = rank_scores(6, |a, b| values[a].cmp(&values[b]).then(ids[a].cmp(ids[b])));
        // Six ranks: 1 2 3 3 4 5, given to d e f c a b.
        assert_eq!(scores, [3, 2, 1, 3, 5, 4]);
        // All equal: every score still appears, by id.
        let ids = ["e", "d", "c", "b", "a"];
        let scores = rank_scores(5, |a, b| ids[a].cmp(ids[b]));
        assert_eq!(scores, [5, 4, 3, 2, 1]);
    }

    #[test]
    fn ranking_by_key_is_ranking_by_comparing_keys() {
        // Ties included: both keep the items' order among equal keys.
        let keys = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
        assert_eq!(
            rank_scores_by_key(keys.to_vec()),
            rank_scores(keys.len(), |a, b| keys[a].cmp(&keys[b]))
        );
        assert!(rank_scores_by_key(Vec::<u8>::new()).is_empty());
    }

    #[test]
    fn age_bands_at_their_edges() {
        for (age, band) in [
            (None, "unknown"),
            (Some(0), "under 18"),
            (Some(17), "under 18"),
            (Some(18), "18-24"),
            (Some(24), "18-24"),
            (Some(25), "25-34"),
            (Some(44), "35-44"),
            (Some(45), "45-54"),
            (Some(64), "55-64"),
            (Some(65), "65+"),
            (Some(120), "65+"),
        ] {
            assert_eq!(age_band(age), band, "{age:?}");
            assert!(AGE_BANDS.contains(&band));
        }
    }

    #[test]
    fn state_and_postcode_from_the_end_of_the_address() {
        for (address, parsed) in [
            (
                "Level 3 26 Mary Lane, Port Smithtown, NSW, 2000",
                Some(("NSW", "2000")),
            ),
            ("12/4 Emma Street, Darwin, NT, 0800", Some(("NT", "0800"))),
            ("1 Main Rd, Hobart TAS 7000", Some(("TAS", "7000"))),
            ("1 Main Rd, Perth, wa, 6000 ", Some(("WA", "6000"))),
            ("1 Main Rd, Perth, WA, 600", None),
            ("1 Main Rd, Perth, WA, 60000", None),
            ("1 Main Rd, Perth, XX, 6000", None),
            ("1 Main Rd, Perth, WA", None),
            ("PO Box 12, Canberra", None),
            ("2000", None),
            ("", None),
            ("10 Downing Street, London, SW1A 2AA", None),
        ] {
            assert_eq!(parse_address(address), parsed, "{address:?}");
        }
    }
}

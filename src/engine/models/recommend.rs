//! The next-best-category recommender, its two baselines and their offline evaluation.
//!
//! Plain data in, plain data out: customers' histories (category and time of each purchase)
//! go in; a [`Fit`] of the whole population's co-occurrence, per-customer scores and an
//! [`Evaluation`] per [`Method`] come out. The `recommendations` and
//! `recommendation_evaluation` models are thin shells over this module; the formula is
//! [`FORMULA`], which the app shows as it is.
//!
//! Everything is deterministic: counts are integers, scores are `f64` built only from
//! `+ − × ÷` (no `exp`, `log` or `pow`, whose last bit may differ between platforms), and
//! every ordering breaks ties by category name.

use std::cmp::Ordering;

use crate::engine::value::time::DAY_MILLIS;

/// A recency weight of ½ for a category last bought this many days before the customer's
/// latest purchase (the weight is `H / (H + days)`).
pub const RECENCY_DAYS: f64 = 90.0;

/// Purchases a history needs before it counts as much as the population (`λ = N / (N + M)`).
pub const HISTORY_PRIOR: f64 = 3.0;

/// Pseudo-purchases that pull a lift towards 1 when its evidence is thin.
pub const LIFT_PRIOR: f64 = 10.0;

/// At most this many categories are recommended: the most bought ones (ties by name).
/// A catalogue's long tail beyond them is neither recommended nor used as evidence, which
/// keeps the lift matrix and the scoring of every customer small.
pub const MAX_CATEGORIES: usize = 256;

/// A lift below this is not given as a reason ("1.0× more often" explains nothing).
const REASON_LIFT: f64 = 1.1;

/// The score, as the app shows it.
pub const FORMULA: &str = "\
score(c) = λ · repeat(c) + (1 − λ) · explore(c), for each category c and a customer with \
N purchases:
  λ = N / (N + 3): a thin history leans on the population, a long one on itself;
  repeat(c) = n(c) · w(c) / Σ n(c') · w(c'): the customer's own share of purchases in c, \
each category weighted by recency, w(c) = 90 / (90 + days from the customer's last \
purchase of c to their latest purchase);
  explore(c) = popularity(c) · mean lift(i → c) over the other categories i they bought, \
weighted by n(i) (1 with none: popularity alone);
  popularity(c) = c's share of all purchases;
  lift(i → c) = how much more often customers who bought i buy c, among their purchases \
outside i, than all customers do among theirs outside i, shrunk towards 1 by 10 \
pseudo-purchases: (S(i,c) + 10·q) / ((D(i) + 10)·q), where S(i,c) counts c purchases by \
buyers of i, D(i) those buyers' purchases outside i, and q = c's share of all purchases \
outside i.
Ties go to the category name. Without any purchase, the score is popularity.";

/// One purchase of a history: a category (an index into the recommender's categories) and
/// when (milliseconds since the epoch, UTC; `None` when unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Purchase {
    pub category: u32,
    pub at: Option<i64>,
}

/// Every customer's purchases, in the order they were given (the joined model's row order),
/// stored back to back.
#[derive(Clone, Debug, Default)]
pub struct Histories {
    /// Customer `u`'s purchases are `purchases[offsets[u]..offsets[u + 1]]`.
    pub offsets: Vec<usize>,
    pub purchases: Vec<Purchase>,
}

impl Histories {
    /// Histories from one list per customer (tests and small callers).
    pub fn from_lists(lists: &[Vec<Purchase>]) -> Histories {
        let mut h = Histories {
            offsets: vec![0],
            purchases: Vec::new(),
        };
        for list in lists {
            h.purchases.extend_from_slice(list);
            h.offsets.push(h.purchases.len());
        }
        h
    }

    pub fn customers(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn of(&self, customer: usize) -> &[Purchase] {
        &self.purchases[self.offsets[customer]..self.offsets[customer + 1]]
    }
}

/// A category a customer bought: how often, and when last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bought {
    pub category: u32,
    pub count: u64,
    pub last: Option<i64>,
}

/// One customer's history summed up: per category bought (in category order), how many
/// purchases, and the latest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub bought: Vec<Bought>,
    pub total: u64,
    pub latest: Option<i64>,
}

impl Profile {
    /// The profile of `purchases`, skipping the one at `except` (a held-out purchase).
    pub fn of(purchases: &[Purchase], except: Option<usize>) -> Profile {
        let mut bought: Vec<Bought> = Vec::new();
        let mut latest = None;
        for (i, p) in purchases.iter().enumerate() {
            if Some(i) == except {
                continue;
            }
            latest = latest.max(p.at);
            match bought.iter_mut().find(|b| b.category == p.category) {
                Some(b) => {
                    b.count += 1;
                    b.last = b.last.max(p.at);
                }
                None => bought.push(Bought {
                    category: p.category,
                    count: 1,
                    last: p.at,
                }),
            }
        }
        bought.sort_by_key(|b| b.category);
        let total = bought.iter().map(|b| b.count).sum();
        Profile {
            bought,
            total,
            latest,
        }
    }

    fn count(&self, category: u32) -> u64 {
        self.bought
            .iter()
            .find(|b| b.category == category)
            .map_or(0, |b| b.count)
    }
}

/// What the whole population's histories say: how often each category is bought, and the
/// lift of every ordered pair.
#[derive(Clone, Debug)]
pub struct Fit {
    categories: usize,
    /// `n(c)`: purchases per category.
    pub purchases: Vec<u64>,
    /// `Σ n(c)`.
    pub total: u64,
    /// `lift(i → c)` at `i · categories + c`; 1 on the diagonal and wherever undefined.
    lift: Vec<f64>,
}

impl Fit {
    /// Fits the population's profiles over `categories` categories.
    pub fn new<'a>(categories: usize, profiles: impl IntoIterator<Item = &'a Profile>) -> Fit {
        let k = categories;
        let mut purchases = vec![0u64; k];
        // S(i, c): purchases of c by buyers of i; T(i): all purchases of buyers of i.
        let mut s = vec![0u64; k * k];
        let mut t = vec![0u64; k];
        for p in profiles {
            for b in &p.bought {
                let i = b.category as usize;
                purchases[i] += b.count;
                t[i] += p.total;
                for c in &p.bought {
                    s[i * k + c.category as usize] += c.count;
                }
            }
        }
        let total: u64 = purchases.iter().sum();
        let mut lift = vec![1.0; k * k];
        for i in 0..k {
            // Purchases outside i: by i's buyers (D), and by everyone (G).
            let d = (t[i] - s[i * k + i]) as f64;
            let g = (total - purchases[i]) as f64;
            if g == 0.0 {
                continue;
            }
            for c in (0..k).filter(|&c| c != i && purchases[c] > 0) {
                let q = purchases[c] as f64 / g;
                lift[i * k + c] = (s[i * k + c] as f64 + LIFT_PRIOR * q) / ((d + LIFT_PRIOR) * q);
            }
        }
        Fit {
            categories: k,
            purchases,
            total,
            lift,
        }
    }

    pub fn categories(&self) -> usize {
        self.categories
    }

    /// `lift(i → c)`.
    pub fn lift(&self, i: u32, c: u32) -> f64 {
        self.lift[i as usize * self.categories + c as usize]
    }

    /// `c`'s share of all purchases (uniform when there are none at all).
    pub fn popularity(&self, c: u32) -> f64 {
        if self.total == 0 {
            1.0 / self.categories as f64
        } else {
            self.purchases[c as usize] as f64 / self.total as f64
        }
    }

    /// Every category's score for one customer, best first (ties by category, i.e. name).
    pub fn score(&self, profile: &Profile) -> Vec<Scored> {
        let mut scored = Vec::with_capacity(self.categories);
        self.score_into(profile, &mut scored);
        scored
    }

    /// [`score`](Fit::score) into `scored` (cleared first), so that a caller scoring every
    /// customer reuses one buffer.
    pub fn score_into(&self, profile: &Profile, scored: &mut Vec<Scored>) {
        let n = profile.total as f64;
        let lambda = n / (n + HISTORY_PRIOR);
        let weight = |last: Option<i64>| match (last, profile.latest) {
            (Some(t), Some(latest)) => {
                let days = ((latest - t) / DAY_MILLIS) as f64;
                RECENCY_DAYS / (RECENCY_DAYS + days)
            }
            // An unknown date weighs as a purchase one half-weight period old.
            _ => 0.5,
        };
        let weighted = |b: &Bought| b.count as f64 * weight(b.last);
        let weight_sum: f64 = profile.bought.iter().map(weighted).sum();
        scored.clear();
        scored.extend((0..self.categories as u32).map(|c| {
            let at = profile.bought.iter().find(|b| b.category == c);
            let repeat = match at {
                Some(b) if weight_sum > 0.0 => weighted(b) / weight_sum,
                _ => 0.0,
            };
            let lifts = &self.lift[..];
            let (mut lifted, mut others) = (0.0, 0u64);
            let mut because: Option<(u32, f64, f64)> = None;
            for b in profile.bought.iter().filter(|b| b.category != c) {
                let l = lifts[b.category as usize * self.categories + c as usize];
                lifted += b.count as f64 * l;
                others += b.count;
                let strength = b.count as f64 * l;
                if because.is_none_or(|(_, _, s)| strength > s) {
                    because = Some((b.category, l, strength));
                }
            }
            let mean_lift = if others == 0 {
                1.0
            } else {
                lifted / others as f64
            };
            let explore = self.popularity(c) * mean_lift;
            Scored {
                category: c,
                score: lambda * repeat + (1.0 - lambda) * explore,
                repeat: lambda * repeat,
                explore: (1.0 - lambda) * explore,
                because: because.map(|(i, l, _)| (i, l)),
            }
        }));
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.category.cmp(&b.category))
        });
    }
}

/// One category's score for one customer, and its two parts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub category: u32,
    pub score: f64,
    /// `λ · repeat(c)`.
    pub repeat: f64,
    /// `(1 − λ) · explore(c)`.
    pub explore: f64,
    /// The other category bought that lifts `c` most (weighted by how often it was
    /// bought), with its lift.
    pub because: Option<(u32, f64)>,
}

/// Why a category is recommended, in the app's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReasonKind {
    /// The customer's own purchases of it carry the score.
    Repeat,
    /// Another category they bought lifts it.
    CoOccurrence,
    /// Neither: it is popular.
    Popular,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Repeat => "repeat",
            ReasonKind::CoOccurrence => "co_occurrence",
            ReasonKind::Popular => "popular",
        }
    }
}

/// What the text of a reason is made from, and nothing more: equal reasons read the same,
/// so a model writing a reason per row makes each distinct text once. Dates are UTC days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// "bought Books 4×, last on 2023-05-01" (without the date when unknown).
    Bought {
        category: u32,
        count: u64,
        last_day: Option<i64>,
    },
    /// "bought Books 4×; customers who buy Books buy Beauty 1.8× more often than average".
    Lifted {
        by: u32,
        count: u64,
        /// The lift's `f64` bits.
        lift: u64,
        category: u32,
    },
    /// "popular: 12.5% of all purchases are Books".
    Popular { category: u32 },
}

/// The reason for one scored category, readable: "bought Books 4×; customers who buy Books
/// buy Beauty 1.8× more often than average".
pub fn reason(fit: &Fit, profile: &Profile, s: &Scored, names: &[String]) -> (ReasonKind, String) {
    let (kind, r) = reason_of(profile, s);
    (kind, r.text(fit, names))
}

/// The kind of [`reason`] and what its text says.
pub fn reason_of(profile: &Profile, s: &Scored) -> (ReasonKind, Reason) {
    let found = profile.bought.iter().find(|b| b.category == s.category);
    let count = found.map_or(0, |b| b.count);
    let bought = || Reason::Bought {
        category: s.category,
        count,
        last_day: found.and_then(|b| b.last).map(|t| t.div_euclid(DAY_MILLIS)),
    };
    if count > 0 && s.repeat >= s.explore {
        return (ReasonKind::Repeat, bought());
    }
    if let Some((i, lift)) = s.because.filter(|&(_, l)| l >= REASON_LIFT) {
        return (
            ReasonKind::CoOccurrence,
            Reason::Lifted {
                by: i,
                count: profile.count(i),
                lift: lift.to_bits(),
                category: s.category,
            },
        );
    }
    if count > 0 {
        return (ReasonKind::Repeat, bought());
    }
    (
        ReasonKind::Popular,
        Reason::Popular {
            category: s.category,
        },
    )
}

impl Reason {
    /// The reason in words.
    pub fn text(&self, fit: &Fit, names: &[String]) -> String {
        let name = |c: u32| names[c as usize].as_str();
        match *self {
            Reason::Bought {
                category,
                count,
                last_day: Some(last),
            } => {
                // A day beyond i64 milliseconds is beyond any date: no date, as `day` gives.
                let date = last.checked_mul(DAY_MILLIS).map_or_else(String::new, day);
                format!("bought {} {count}×, last on {date}", name(category))
            }
            Reason::Bought {
                category, count, ..
            } => format!("bought {} {count}×", name(category)),
            Reason::Lifted {
                by,
                count,
                lift,
                category,
            } => {
                let lift = f64::from_bits(lift);
                format!(
                    "bought {} {count}×; customers who buy {} buy {} {lift:.1}× more often \
                     than average",
                    name(by),
                    name(by),
                    name(category)
                )
            }
            Reason::Popular { category } => format!(
                "popular: {:.1}% of all purchases are {}",
                fit.popularity(category) * 100.0,
                name(category)
            ),
        }
    }
}

fn day(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map_or_else(String::new, |t| t.date_naive().to_string())
}

/// A way of ranking categories for a customer: c360's model, or a baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    C360,
    /// The customer's own most bought categories (ties: the more recent, then the more
    /// popular), then the rest by popularity.
    PersonalMostFrequent,
    /// The same list for everyone: categories by purchases.
    GlobalPopularity,
}

impl Method {
    pub const ALL: [Method; 3] = [
        Method::C360,
        Method::PersonalMostFrequent,
        Method::GlobalPopularity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::C360 => "c360",
            Method::PersonalMostFrequent => "personal_most_frequent",
            Method::GlobalPopularity => "global_popularity",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Method::C360 => {
                "c360's model: co-occurrence lift blended with the customer's own frequency \
                 and recency"
            }
            Method::PersonalMostFrequent => {
                "Baseline: the customer's most bought categories, then the most popular"
            }
            Method::GlobalPopularity => "Baseline: the most bought categories, for everyone",
        }
    }

    /// Every category, best first, for `profile`.
    pub fn rank(self, fit: &Fit, profile: &Profile) -> Vec<u32> {
        let by_popularity = |a: &u32, b: &u32| {
            fit.purchases[*b as usize]
                .cmp(&fit.purchases[*a as usize])
                .then(a.cmp(b))
        };
        let mut all: Vec<u32> = (0..fit.categories() as u32).collect();
        match self {
            Method::C360 => fit.score(profile).iter().map(|s| s.category).collect(),
            Method::GlobalPopularity => {
                all.sort_by(by_popularity);
                all
            }
            Method::PersonalMostFrequent => {
                let own = |c: u32| profile.bought.iter().find(|b| b.category == c);
                all.sort_by(|a, b| match (own(*a), own(*b)) {
                    (Some(x), Some(y)) => y
                        .count
                        .cmp(&x.count)
                        .then(y.last.cmp(&x.last))
                        .then_with(|| by_popularity(a, b)),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => by_popularity(a, b),
                });
                all
            }
        }
    }
}

/// [`Method::rank`] for one customer after another: the popularity order made once, the
/// lists in reused buffers.
struct Ranker<'a> {
    fit: &'a Fit,
    /// Every category by purchases, then name: global popularity's list.
    by_popularity: Vec<u32>,
    scored: Vec<Scored>,
    list: Vec<u32>,
}

impl<'a> Ranker<'a> {
    fn new(fit: &'a Fit) -> Ranker<'a> {
        Ranker {
            fit,
            by_popularity: Method::GlobalPopularity.rank(fit, &Profile::default()),
            scored: Vec::with_capacity(fit.categories()),
            list: Vec::with_capacity(fit.categories()),
        }
    }

    /// `method.rank(fit, profile)`.
    fn rank(&mut self, method: Method, profile: &Profile) -> &[u32] {
        match method {
            Method::GlobalPopularity => &self.by_popularity,
            Method::C360 => {
                self.fit.score_into(profile, &mut self.scored);
                self.list.clear();
                self.list.extend(self.scored.iter().map(|s| s.category));
                &self.list
            }
            Method::PersonalMostFrequent => {
                // Their own categories first, in `rank`'s order for two bought ones; then
                // the others, which `rank` orders by popularity.
                let purchases = &self.fit.purchases;
                let mut own: Vec<&Bought> = profile.bought.iter().collect();
                own.sort_by(|x, y| {
                    y.count
                        .cmp(&x.count)
                        .then(y.last.cmp(&x.last))
                        .then_with(|| {
                            purchases[y.category as usize]
                                .cmp(&purchases[x.category as usize])
                                .then(x.category.cmp(&y.category))
                        })
                });
                self.list.clear();
                self.list.extend(own.iter().map(|b| b.category));
                let bought = |c: u32| profile.bought.iter().any(|b| b.category == c);
                self.list
                    .extend(self.by_popularity.iter().filter(|&&c| !bought(c)));
                &self.list
            }
        }
    }
}

/// How one method did on the held-out purchases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub method: Method,
    /// Customers with at least two purchases: each one's last is held out.
    pub customers: u64,
    /// Held-out categories ranked first, second and third.
    pub at_rank: [u64; 3],
    /// Distinct categories in any evaluated customer's top 3.
    pub categories_recommended: u64,
    /// The full category set.
    pub categories: u64,
    /// Held-out purchases in a category the customer had bought before, and how many of
    /// those were in the top 3.
    pub repeat_cases: u64,
    pub repeat_hits_at_3: u64,
    /// Held-out purchases in a category new to the customer, and the top-3 hits among them.
    pub explore_cases: u64,
    pub explore_hits_at_3: u64,
}

/// `1 / log2(rank + 1)` for ranks 1, 2 and 3, as constants (no platform's `log2`).
pub const NDCG_GAINS: [f64; 3] = [1.0, 0.630_929_753_571_457_4, 0.5];

impl Evaluation {
    pub fn hits_at_1(&self) -> u64 {
        self.at_rank[0]
    }

    pub fn hits_at_3(&self) -> u64 {
        self.at_rank.iter().sum()
    }

    /// NDCG@3 with one relevant category per customer (so the ideal DCG is 1): the mean of
    /// the held-out category's gain, 0 outside the top 3; `None` with no customer.
    pub fn ndcg_at_3(&self) -> Option<f64> {
        (self.customers > 0).then(|| {
            let dcg: f64 = self
                .at_rank
                .iter()
                .zip(NDCG_GAINS)
                .map(|(&n, g)| n as f64 * g)
                .sum();
            dcg / self.customers as f64
        })
    }
}

/// The held-out purchase of a history: the last by time, an unknown time counting as the
/// oldest, ties going to the later in the given order. `None` with fewer than two purchases.
pub fn held_out(purchases: &[Purchase]) -> Option<usize> {
    if purchases.len() < 2 {
        return None;
    }
    (0..purchases.len()).max_by_key(|&i| (purchases[i].at, i))
}

/// The offline evaluation: each customer with at least two purchases has the last held out;
/// the fit is made on every other purchase (those of customers with one purchase included);
/// each method ranks the full category set for each such customer from the rest of their
/// history, and is scored on where the held-out category lands.
pub fn evaluate(histories: &Histories, categories: usize) -> Vec<Evaluation> {
    let n = histories.customers();
    let held: Vec<Option<usize>> = (0..n).map(|u| held_out(histories.of(u))).collect();
    let profiles: Vec<Profile> = (0..n)
        .map(|u| Profile::of(histories.of(u), held[u]))
        .collect();
    let fit = Fit::new(categories, &profiles);
    let mut ranker = Ranker::new(&fit);
    Method::ALL
        .iter()
        .map(|&method| {
            let mut e = Evaluation {
                method,
                customers: 0,
                at_rank: [0; 3],
                categories_recommended: 0,
                categories: categories as u64,
                repeat_cases: 0,
                repeat_hits_at_3: 0,
                explore_cases: 0,
                explore_hits_at_3: 0,
            };
            let mut recommended = vec![false; categories];
            for u in 0..n {
                let Some(h) = held[u] else { continue };
                let target = histories.of(u)[h].category;
                let ranked = ranker.rank(method, &profiles[u]);
                let top = &ranked[..ranked.len().min(3)];
                for &c in top {
                    recommended[c as usize] = true;
                }
                e.customers += 1;
                let hit = top.iter().position(|&c| c == target);
                if let Some(r) = hit {
                    e.at_rank[r] += 1;
                }
                if profiles[u].count(target) > 0 {
                    e.repeat_cases += 1;
                    e.repeat_hits_at_3 += u64::from(hit.is_some());
                } else {
                    e.explore_cases += 1;
                    e.explore_hits_at_3 += u64::from(hit.is_some());
                }
            }
            e.categories_recommended = recommended.iter().filter(|&&r| r).count() as u64;
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = DAY_MILLIS;

    fn p(category: u32, day: i64) -> Purchase {
        Purchase {
            category,
            at: Some(day * DAY),
        }
    }

    fn names() -> Vec<String> {
        ["Beauty", "Books", "Movies"].map(String::from).to_vec()
    }

    /// Three categories (0 Beauty, 1 Books, 2 Movies) and four customers:
    /// a: Books ×2, Beauty; b: Books, Beauty; c: Movies ×3; d: Movies, Books.
    fn population() -> Vec<Profile> {
        [
            vec![p(1, 0), p(1, 10), p(0, 20)],
            vec![p(1, 0), p(0, 1)],
            vec![p(2, 0), p(2, 1), p(2, 2)],
            vec![p(2, 0), p(1, 5)],
        ]
        .iter()
        .map(|h| Profile::of(h, None))
        .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn lift_by_hand() {
        let fit = Fit::new(3, &population());
        assert_eq!(fit.purchases, [2, 4, 4]);
        assert_eq!(fit.total, 10);
        // Books (1) → Beauty (0): Books buyers a, b, d bought 1 + 1 + 1 = 3 things besides
        // Books, 2 of them Beauty: S = 2, D = 3. Outside Books, all purchases are 6, 2 of
        // them Beauty: q = 1/3. lift = (2 + 10/3) / (13 · 1/3) = 16/13.
        assert!(close(fit.lift(1, 0), 16.0 / 13.0), "{}", fit.lift(1, 0));
        // Books → Movies: S = 1 (d), D = 3, q = 4/6: (1 + 20/3) / (13 · 2/3) = 23/26.
        assert!(close(fit.lift(1, 2), 23.0 / 26.0));
        // Movies (2) → Beauty: Movies buyers c, d bought 1 thing besides Movies (Books):
        // S = 0, D = 1, q = 2/6: (0 + 10/3) / (11/3) = 10/11.
        assert!(close(fit.lift(2, 0), 10.0 / 11.0));
        assert_eq!(fit.lift(1, 1), 1.0);
    }

    #[test]
    fn scores_by_hand() {
        let fit = Fit::new(3, &population());
        // A customer who bought Books twice, on days 0 and 90: N = 2, λ = 2/5.
        let profile = Profile::of(&[p(1, 0), p(1, 90)], None);
        let scored = fit.score(&profile);
        let of = |c: u32| *scored.iter().find(|s| s.category == c).unwrap();
        // Books: repeat share 1 → 2/5 · 1; explore: popularity 4/10, no other category, lift 1.
        assert!(close(of(1).score, 0.4 + 0.6 * 0.4));
        // Beauty: no repeat; explore = 2/10 · lift(Books → Beauty) = 0.2 · 16/13.
        assert!(close(of(0).score, 0.6 * 0.2 * 16.0 / 13.0));
        // Movies: 0.6 · 4/10 · 23/26.
        assert!(close(of(2).score, 0.6 * 0.4 * 23.0 / 26.0));
        assert_eq!(
            scored.iter().map(|s| s.category).collect::<Vec<_>>(),
            [1, 2, 0]
        );
        let (kind, text) = reason(&fit, &profile, &of(1), &names());
        assert_eq!(kind, ReasonKind::Repeat);
        assert_eq!(text, "bought Books 2×, last on 1970-04-01");
        // Beauty's lift 1.23 is above the reason threshold; Movies' 0.88 is not.
        let (kind, text) = reason(&fit, &profile, &of(0), &names());
        assert_eq!(kind, ReasonKind::CoOccurrence);
        assert_eq!(
            text,
            "bought Books 2×; customers who buy Books buy Beauty 1.2× more often than average"
        );
        let (kind, text) = reason(&fit, &profile, &of(2), &names());
        assert_eq!(kind, ReasonKind::Popular);
        assert_eq!(text, "popular: 40.0% of all purchases are Movies");
    }

    #[test]
    fn recency_weighs_the_repeat_share() {
        let fit = Fit::new(3, &population());
        // Beauty on day 0, Books on day 90: w(Beauty) = 90/180 = ½, w(Books) = 1.
        let profile = Profile::of(&[p(0, 0), p(1, 90)], None);
        let scored = fit.score(&profile);
        let of = |c: u32| *scored.iter().find(|s| s.category == c).unwrap();
        assert!(close(of(1).repeat, 0.4 * (1.0 / 1.5)));
        assert!(close(of(0).repeat, 0.4 * (0.5 / 1.5)));
    }

    #[test]
    fn no_history_is_popularity_alone() {
        let fit = Fit::new(3, &population());
        let scored = fit.score(&Profile::default());
        // Books and Movies tie at 0.4: the name breaks it.
        assert_eq!(
            scored.iter().map(|s| s.category).collect::<Vec<_>>(),
            [1, 2, 0]
        );
        assert!(close(scored[0].score, 0.4) && close(scored[2].score, 0.2));
    }

    #[test]
    fn the_held_out_purchase_is_the_last_by_time() {
        assert_eq!(held_out(&[p(0, 5)]), None);
        assert_eq!(held_out(&[p(0, 5), p(1, 3)]), Some(0));
        // Equal times: the later row; an unknown time is the oldest.
        assert_eq!(held_out(&[p(0, 5), p(1, 5)]), Some(1));
        let unknown = Purchase {
            category: 2,
            at: None,
        };
        assert_eq!(held_out(&[p(0, 1), unknown]), Some(0));
    }

    #[test]
    fn evaluation_and_both_baselines_by_hand() {
        // Categories 0 Beauty, 1 Books, 2 Movies.
        // u0: Books, Books, then Beauty (held out: explore).
        // u1: Movies, Books, then Movies (held out: repeat).
        // u2: Movies, Movies, then Movies (held out: repeat).
        // u3: Books only (not evaluated, but in the fit).
        let histories = Histories::from_lists(&[
            vec![p(1, 0), p(1, 1), p(0, 2)],
            vec![p(2, 0), p(1, 1), p(2, 2)],
            vec![p(2, 0), p(2, 1), p(2, 2)],
            vec![p(1, 0)],
        ]);
        let e = evaluate(&histories, 3);
        // Training purchases: Books 2 + 1 + 1 = 4, Movies 1 + 2 = 3, Beauty 0.
        let popularity = &e[2];
        assert_eq!(popularity.method, Method::GlobalPopularity);
        // Everyone gets Books, Movies, Beauty: u0's Beauty is third, u1's and u2's Movies
        // second.
        assert_eq!(popularity.customers, 3);
        assert_eq!(popularity.at_rank, [0, 2, 1]);
        assert_eq!(
            (popularity.repeat_cases, popularity.repeat_hits_at_3),
            (2, 2)
        );
        assert_eq!(
            (popularity.explore_cases, popularity.explore_hits_at_3),
            (1, 1)
        );
        assert_eq!(popularity.categories_recommended, 3);
        let ndcg = popularity.ndcg_at_3().unwrap();
        assert!(close(ndcg, (2.0 * NDCG_GAINS[1] + 0.5) / 3.0), "{ndcg}");

        let personal = &e[1];
        assert_eq!(personal.method, Method::PersonalMostFrequent);
        // u0: Books (own), then Movies, Beauty by popularity: Beauty third.
        // u1: Movies and Books once each; Books is the more recent: Books, Movies: second.
        // u2: Movies first: a hit at 1.
        assert_eq!(personal.at_rank, [1, 1, 1]);
        assert_eq!(personal.hits_at_1(), 1);
        assert_eq!(personal.hits_at_3(), 3);

        let model = &e[0];
        assert_eq!(model.method, Method::C360);
        assert_eq!(model.customers, 3);
        // Every lift is 1 here (S = D for Books → Movies and Movies → Books, q = 1).
        // u0 (Books ×2): Beauty has no purchases in the fit, so it scores 0: third.
        // u1: λ = 2/5; repeat Movies 0.4 · 90/181 + explore 0.6 · 3/7 = 0.456 against Books
        // 0.4 · 91/181 + 0.6 · 4/7 = 0.544: Movies second.
        // u2 (Movies ×2): Movies first.
        assert_eq!(model.at_rank, [1, 1, 1]);
        assert_eq!((model.repeat_cases, model.explore_cases), (2, 1));
    }

    #[test]
    fn the_evaluations_ranker_ranks_as_each_method_does() {
        let population = population();
        let fit = Fit::new(3, &population);
        let mut ranker = Ranker::new(&fit);
        let mut profiles = population.clone();
        profiles.push(Profile::default());
        // Equal counts, then equal counts and dates: the tie-breaks.
        profiles.push(Profile::of(&[p(2, 0), p(0, 1)], None));
        profiles.push(Profile::of(&[p(2, 1), p(0, 1), p(1, 1)], None));
        for profile in &profiles {
            for method in Method::ALL {
                assert_eq!(
                    ranker.rank(method, profile),
                    method.rank(&fit, profile),
                    "{method:?} {profile:?}"
                );
            }
        }
    }

    #[test]
    fn a_one_category_history_and_an_empty_population_still_rank() {
        let histories = Histories::from_lists(&[vec![p(0, 0), p(0, 1)]]);
        let e = evaluate(&histories, 1);
        for m in &e {
            assert_eq!((m.customers, m.at_rank), (1, [1, 0, 0]), "{:?}", m.method);
        }
        let empty = evaluate(&Histories::from_lists(&[]), 3);
        assert!(empty
            .iter()
            .all(|m| m.customers == 0 && m.ndcg_at_3().is_none()));
    }
}

//! The run's configuration: the as-of day, the instant freshness is measured at, the
//! accepted categories and the remediation switches ([`remediation`], the three policies), and
//! the parts a model may declare it reads ([`ConfigPart`]). Plain settings: not the schema file
//! (`engine::data_test::schema`), not what a run produced (`engine::build::output`).

use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use self::remediation::Policies;
use crate::engine::value::time::start_of_day_millis;

pub mod remediation;

/// The exercise's six categories plus `Kitchen`, its own fix.
pub const DEFAULT_ACCEPTED_CATEGORIES: [&str; 7] = [
    "Apps & Games",
    "Beauty",
    "Books",
    "Clothing, Shoes & Accessories",
    "Kitchen",
    "Movies & TV",
    "Sports, Fitness & Outdoors",
];

/// A run's settings. Everything that makes a run reproducible is here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    /// The day ages are computed at.
    pub as_of: NaiveDate,
    /// The instant source freshness is measured at (milliseconds since the epoch, UTC):
    /// the start of the as-of day, or the current time when the as-of day is today.
    pub freshness_at: i64,
    /// The categories `customers` makes `<slug>_amount` columns for, in this order.
    pub accepted_categories: Vec<String>,
    /// How the staging and join layers remediate duplicate ids, orphans and unknown categories.
    pub policies: Policies,
}

impl RunConfig {
    /// Defaults as of the start of `as_of` (UTC).
    pub fn new(as_of: NaiveDate) -> Self {
        RunConfig {
            as_of,
            freshness_at: start_of_day_millis(as_of),
            accepted_categories: DEFAULT_ACCEPTED_CATEGORIES
                .iter()
                .map(|c| c.to_string())
                .collect(),
            policies: Policies::default(),
        }
    }

    /// The same settings as of another day (freshness measured from its start).
    pub fn with_as_of(&self, as_of: NaiveDate) -> Self {
        RunConfig {
            as_of,
            freshness_at: start_of_day_millis(as_of),
            ..self.clone()
        }
    }

    /// Defaults as of an instant (the shells pass the current time for "today").
    pub fn at_instant(now_millis: i64) -> Self {
        let as_of = chrono::DateTime::from_timestamp_millis(now_millis)
            .map_or(NaiveDate::MIN, |t| t.date_naive());
        RunConfig {
            freshness_at: now_millis,
            ..RunConfig::new(as_of)
        }
    }
}

/// One part of a [`RunConfig`]. Each model declares the parts it reads
/// (`Model::reads` in `engine::models`), so that a build knows which models a
/// change of configuration affects, and runs each model with those parts only
/// ([`RunConfig::only`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigPart {
    /// `as_of`: the day ages are computed at.
    AsOf,
    /// `freshness_at`: read by the freshness check, which is not a model.
    FreshnessAt,
    /// `accepted_categories`, as the schema file and the outside-categories policy left it.
    AcceptedCategories,
    /// `policies.duplicate_contacts`.
    DuplicateContacts,
    /// `policies.orphan_transactions`.
    OrphanTransactions,
    /// `policies.outside_categories`. The build applies it to the accepted list before any
    /// model runs, so a model sees its effect through [`ConfigPart::AcceptedCategories`].
    OutsideCategories,
}

impl ConfigPart {
    /// Every part, in declaration order.
    pub const ALL: [ConfigPart; 6] = [
        ConfigPart::AsOf,
        ConfigPart::FreshnessAt,
        ConfigPart::AcceptedCategories,
        ConfigPart::DuplicateContacts,
        ConfigPart::OrphanTransactions,
        ConfigPart::OutsideCategories,
    ];
}

impl RunConfig {
    /// Feeds one part's value to `state`, for a fingerprint of what a model read.
    pub(crate) fn hash_part(&self, part: ConfigPart, state: &mut impl Hasher) {
        part.hash(state);
        let p = &self.policies;
        match part {
            ConfigPart::AsOf => self.as_of.hash(state),
            ConfigPart::FreshnessAt => self.freshness_at.hash(state),
            ConfigPart::AcceptedCategories => self.accepted_categories.hash(state),
            ConfigPart::DuplicateContacts => {
                std::mem::discriminant(&p.duplicate_contacts).hash(state)
            }
            ConfigPart::OrphanTransactions => {
                std::mem::discriminant(&p.orphan_transactions).hash(state)
            }
            ConfigPart::OutsideCategories => {
                std::mem::discriminant(&p.outside_categories).hash(state)
            }
        }
    }

    /// These settings with only `parts` kept: every other part holds a fixed placeholder
    /// (the epoch's first day, no accepted categories, the default policies), whatever this
    /// configuration says. A model runs with `only(model.reads())`, so its output cannot
    /// depend on a part it does not declare — which is what lets a build reuse it when only
    /// other parts change. A model that forgets a declaration sees the placeholder and gets
    /// visibly wrong output (null ages, no category columns) instead of stale output.
    pub fn only(&self, parts: &[ConfigPart]) -> RunConfig {
        // Destructured in full so that a new setting cannot be added without a part here.
        let RunConfig {
            as_of,
            freshness_at,
            accepted_categories,
            policies:
                Policies {
                    duplicate_contacts,
                    orphan_transactions,
                    outside_categories,
                },
        } = self.clone();
        fn pick<T>(keep: bool, value: T, placeholder: T) -> T {
            if keep {
                value
            } else {
                placeholder
            }
        }
        let keep = |part| parts.contains(&part);
        let placeholder = Policies::default();
        RunConfig {
            as_of: pick(keep(ConfigPart::AsOf), as_of, NaiveDate::MIN),
            freshness_at: pick(keep(ConfigPart::FreshnessAt), freshness_at, 0),
            accepted_categories: pick(
                keep(ConfigPart::AcceptedCategories),
                accepted_categories,
                Vec::new(),
            ),
            policies: Policies {
                duplicate_contacts: pick(
                    keep(ConfigPart::DuplicateContacts),
                    duplicate_contacts,
                    placeholder.duplicate_contacts,
                ),
                orphan_transactions: pick(
                    keep(ConfigPart::OrphanTransactions),
                    orphan_transactions,
                    placeholder.orphan_transactions,
                ),
                outside_categories: pick(
                    keep(ConfigPart::OutsideCategories),
                    outside_categories,
                    placeholder.outside_categories,
                ),
            },
        }
    }
}

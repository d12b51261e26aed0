//! Per-column policies and the policy file: the JSON the app saves and loads and
//! `c360 export --policy` reads.
//!
//! ```json
//! {
//!   "version": 1,
//!   "dataset": "customers",
//!   "columns": {
//!     "id": { "policy": "pseudonymise" },
//!     "age": { "policy": "generalise", "to": "age_band", "width": 5 },
//!     "total_expense": { "policy": "generalise", "to": "round", "places": 0 },
//!     "first_purchase_date": { "policy": "generalise", "to": "week" }
//!   },
//!   "quasi_identifiers": ["age", "gender"],
//!   "k": 5,
//!   "small_classes": "suppress",
//!   "allow_below_k": false,
//!   "pseudonym_length": 16
//! }
//! ```
//!
//! Every field but `version` and `dataset` may be left out: a column not listed gets its
//! default ([`default_policy`]), the quasi-identifiers default to the
//! dataset's age, gender and location columns that are exported, `k` to 5, `small_classes`
//! to `generalise`, the length to 16 hex digits. A file that names a column the dataset does
//! not have, or a policy that cannot apply to a column's type, is a [`PolicyError`] naming
//! the column and the valid choices; nothing is exported.
//!
//! The policies: `keep`; `drop` (the column is left out); `redact` (every non-empty value
//! becomes `token`, default `REDACTED`); `mask` (the first `keep` characters, then `***`);
//! `pseudonymise` ([`super::pseudonym`]); `generalise` `to` one of `age_band` (`width`
//! years, of an age or a birth date at the as-of date), `year_of_birth`, `email_domain`,
//! `state`, `postcode` (the first `digits`, 1 to 3), `round` (an amount to `places`
//! decimals, half away from zero), `day` or `week` (a timestamp or date to its day, or the
//! Monday of its week). Empty values stay empty under every policy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::classify::{classify, is_id, Classification, QuasiKind};
use super::error::PolicyError;
use super::pseudonym::{DEFAULT_LENGTH, MAX_LENGTH, MIN_LENGTH};
use super::Dataset;
use crate::engine::value::column::DataType;
use crate::engine::value::table::Table;

/// The policy file format this c360 reads and writes.
pub const VERSION: u32 = 1;

/// What happens to one column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum Policy {
    Keep,
    Drop,
    Redact {
        #[serde(default = "default_token")]
        token: String,
    },
    Mask {
        keep: usize,
    },
    Pseudonymise,
    Generalise(Generalisation),
}

fn default_token() -> String {
    "REDACTED".into()
}

/// How a `generalise` policy coarsens a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case", deny_unknown_fields)]
pub enum Generalisation {
    AgeBand { width: u32 },
    YearOfBirth,
    EmailDomain,
    State,
    Postcode { digits: u8 },
    Round { places: u8 },
    Day,
    Week,
}

impl Policy {
    /// The policy in words, for messages.
    pub fn label(&self) -> String {
        match self {
            Policy::Keep => "keep".into(),
            Policy::Drop => "drop".into(),
            Policy::Redact { token } => format!("redact (every value {token})"),
            Policy::Mask { keep } => format!("mask (first {keep} characters)"),
            Policy::Pseudonymise => "pseudonymise".into(),
            Policy::Generalise(g) => format!("generalise to {}", g.label()),
        }
    }
}

impl Generalisation {
    pub fn label(&self) -> String {
        match self {
            Generalisation::AgeBand { width } => format!("{width}-year age bands"),
            Generalisation::YearOfBirth => "year of birth".into(),
            Generalisation::EmailDomain => "the e-mail's domain".into(),
            Generalisation::State => "state".into(),
            Generalisation::Postcode { digits } => format!("postcode's first {digits} digits"),
            Generalisation::Round { places } => format!("{places} decimal places"),
            Generalisation::Day => "day".into(),
            Generalisation::Week => "week (its Monday)".into(),
        }
    }

    /// The columns it applies to, in words, or `None` when the column `name` of `data_type`
    /// is one of them and the parameter is in range. An age band needs an age: an integer
    /// column the export classifies as one (`age`), not any integer (`item_count`).
    fn misfit(&self, name: &str, data_type: DataType) -> Option<&'static str> {
        use DataType as T;
        let fits = match self {
            Generalisation::AgeBand { width } => {
                if !(1..=100).contains(width) {
                    return Some("an age band is 1 to 100 years wide");
                }
                let age = classify(name) == Classification::QuasiIdentifier(QuasiKind::Age);
                data_type == T::Date || (data_type == T::Integer && age)
            }
            Generalisation::YearOfBirth => data_type == T::Date,
            Generalisation::EmailDomain | Generalisation::State => data_type == T::Text,
            Generalisation::Postcode { digits } => {
                if !(1..=3).contains(digits) {
                    return Some("a truncated postcode keeps 1 to 3 digits");
                }
                data_type == T::Text
            }
            Generalisation::Round { places } => {
                if *places > 18 {
                    return Some("rounding keeps 0 to 18 places");
                }
                data_type == T::Decimal
            }
            Generalisation::Day | Generalisation::Week => {
                matches!(data_type, T::Timestamp | T::Date)
            }
        };
        if fits {
            return None;
        }
        Some(match self {
            Generalisation::AgeBand { .. } => {
                "age bands apply to an integer age (a column named age) or a date of birth"
            }
            Generalisation::YearOfBirth => "year of birth applies to a date",
            Generalisation::EmailDomain => "the e-mail domain applies to text",
            Generalisation::State | Generalisation::Postcode { .. } => {
                "state and postcode apply to an address (text)"
            }
            Generalisation::Round { .. } => "rounding applies to numeric (decimal) columns",
            Generalisation::Day | Generalisation::Week => {
                "day and week apply to timestamps and dates"
            }
        })
    }
}

/// What to do about rows in equivalence classes smaller than k.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmallClasses {
    /// Leave those rows out, counted and listed by class in the manifest.
    Suppress,
    /// Coarsen the quasi-identifiers (wider age bands, coarser location, at the top `*`)
    /// until at most 1% of the rows are in small classes ([`super::SUPPRESSION_LIMIT`]), then
    /// suppress those, counted and listed. The default: it keeps the most rows k-anonymous.
    #[default]
    Generalise,
    /// Change nothing: the export is made only if it is k-anonymous, or with `allow_below_k`.
    Keep,
}

impl SmallClasses {
    pub const ALL: [SmallClasses; 3] = [
        SmallClasses::Suppress,
        SmallClasses::Generalise,
        SmallClasses::Keep,
    ];

    /// The name the policy file and `c360 export --small-classes` use.
    pub fn slug(self) -> &'static str {
        match self {
            SmallClasses::Suppress => "suppress",
            SmallClasses::Generalise => "generalise",
            SmallClasses::Keep => "keep",
        }
    }

    /// The choice in words.
    pub fn label(self) -> &'static str {
        match self {
            SmallClasses::Suppress => "Suppress the rows in classes smaller than k",
            SmallClasses::Generalise => {
                "Generalise further (wider age bands, coarser location) until at most 1% of rows \
                 are left, then suppress those"
            }
            SmallClasses::Keep => "Keep every row (below k only with an explicit confirmation)",
        }
    }
}

/// The policy file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub version: u32,
    pub dataset: Dataset,
    /// Policies by column name; a column not listed gets its default.
    #[serde(default)]
    pub columns: BTreeMap<String, Policy>,
    /// The columns whose combination is checked for k-anonymity [default: the exported age,
    /// gender and location columns].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quasi_identifiers: Option<Vec<String>>,
    #[serde(default = "default_k")]
    pub k: usize,
    #[serde(default)]
    pub small_classes: SmallClasses,
    /// The user's explicit confirmation of an export below k, recorded in the manifest.
    #[serde(default)]
    pub allow_below_k: bool,
    /// Hex digits per pseudonym.
    #[serde(default = "default_length")]
    pub pseudonym_length: usize,
}

fn default_k() -> usize {
    5
}

fn default_length() -> usize {
    DEFAULT_LENGTH
}

/// One column's resolved policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnPlan {
    pub name: String,
    pub data_type: DataType,
    pub classification: Classification,
    pub policy: Policy,
    /// Whether the policy is the default (not listed in the file).
    pub default: bool,
}

/// Every column's policy and the quasi-identifiers (indices into `columns`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub columns: Vec<ColumnPlan>,
    pub quasi_identifiers: Vec<usize>,
}

impl PolicyFile {
    /// The defaults for `dataset`: no column listed.
    pub fn defaults(dataset: Dataset) -> PolicyFile {
        PolicyFile {
            version: VERSION,
            dataset,
            columns: BTreeMap::new(),
            quasi_identifiers: None,
            k: default_k(),
            small_classes: SmallClasses::default(),
            allow_below_k: false,
            pseudonym_length: DEFAULT_LENGTH,
        }
    }

    /// Reads a policy file; checks its version, `k` and length (the columns are checked
    /// against the dataset by [`PolicyFile::resolve`]).
    pub fn from_json(text: &str) -> Result<PolicyFile, PolicyError> {
        let file: PolicyFile = serde_json::from_str(text).map_err(|e| PolicyError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if file.version != VERSION {
            return Err(PolicyError::UnsupportedVersion {
                found: file.version,
                supported: VERSION,
            });
        }
        file.check()?;
        Ok(file)
    }

    /// The file as the app saves it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy file serialises") + "\n"
    }

    fn check(&self) -> Result<(), PolicyError> {
        if self.k == 0 {
            return Err(PolicyError::BadK { found: 0 });
        }
        if !(MIN_LENGTH..=MAX_LENGTH).contains(&self.pseudonym_length) {
            return Err(PolicyError::BadPseudonymLength {
                found: self.pseudonym_length,
                min: MIN_LENGTH,
                max: MAX_LENGTH,
            });
        }
        Ok(())
    }

    /// Every column of `table` with its policy, and the quasi-identifiers; a column named in
    /// the file that `table` lacks, or a policy that does not fit its column, is an error.
    pub fn resolve(&self, table: &Table) -> Result<Plan, PolicyError> {
        self.check()?;
        let valid = || table.column_names().map(String::from).collect::<Vec<_>>();
        let dataset = self.dataset.model_name().to_string();
        if let Some(column) = self
            .columns
            .keys()
            .find(|c| table.column(c.as_str()).is_none())
        {
            return Err(PolicyError::UnknownColumn {
                column: column.clone(),
                dataset,
                valid: valid(),
            });
        }
        let mut columns = Vec::with_capacity(table.num_columns());
        for info in table.schema() {
            let (policy, default) = match self.columns.get(&info.name) {
                Some(p) => (p.clone(), false),
                None => (default_policy(&info.name, info.data_type), true),
            };
            if let Policy::Generalise(g) = &policy {
                if let Some(expected) = g.misfit(&info.name, info.data_type) {
                    return Err(PolicyError::NotApplicable {
                        column: info.name.clone(),
                        data_type: info.data_type.sql_name().into(),
                        policy: policy.label(),
                        expected: expected.into(),
                        valid: table
                            .schema()
                            .into_iter()
                            .filter(|c| g.misfit(&c.name, c.data_type).is_none())
                            .map(|c| c.name)
                            .collect(),
                    });
                }
            }
            columns.push(ColumnPlan {
                classification: classify(&info.name),
                name: info.name,
                data_type: info.data_type,
                policy,
                default,
            });
        }
        let quasi_identifiers = match &self.quasi_identifiers {
            None => columns
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    matches!(c.classification, Classification::QuasiIdentifier(_))
                        && c.policy != Policy::Drop
                })
                .map(|(i, _)| i)
                .collect(),
            Some(names) => {
                let mut indices = Vec::with_capacity(names.len());
                for name in names {
                    let Some(i) = columns.iter().position(|c| &c.name == name) else {
                        return Err(PolicyError::UnknownQuasiIdentifier {
                            column: name.clone(),
                            dataset,
                            valid: valid(),
                        });
                    };
                    if columns[i].policy == Policy::Drop {
                        return Err(PolicyError::QuasiIdentifierDropped {
                            column: name.clone(),
                        });
                    }
                    if !indices.contains(&i) {
                        indices.push(i);
                    }
                }
                indices
            }
        };
        Ok(Plan {
            columns,
            quasi_identifiers,
        })
    }
}

/// The policies the app offers for a column of `data_type` classified as `classification`,
/// coarsest protection last: every policy with the parameters people usually pick, and only
/// the generalisations that fit (age bands for an age or a birth date, the e-mail's domain
/// for an e-mail, state and postcode for an address, rounding for amounts, day and week for
/// dates and timestamps). A policy file may hold others (a mask of 7 characters); the app
/// shows those too.
pub fn choices(data_type: DataType, classification: Classification) -> Vec<Policy> {
    use Generalisation as G;
    let mut out = vec![Policy::Keep, Policy::Drop, Policy::Pseudonymise];
    out.push(Policy::Redact {
        token: default_token(),
    });
    out.extend([1, 3].map(|keep| Policy::Mask { keep }));
    let generalisations: Vec<G> = match (classification, data_type) {
        (Classification::QuasiIdentifier(QuasiKind::Age), DataType::Integer) => {
            vec![
                G::AgeBand { width: 5 },
                G::AgeBand { width: 10 },
                G::AgeBand { width: 20 },
            ]
        }
        (Classification::QuasiIdentifier(QuasiKind::Age), DataType::Date) => vec![
            G::AgeBand { width: 5 },
            G::AgeBand { width: 10 },
            G::AgeBand { width: 20 },
            G::YearOfBirth,
        ],
        (Classification::Email, DataType::Text) => vec![G::EmailDomain],
        (Classification::QuasiIdentifier(QuasiKind::Location), DataType::Text) => vec![
            G::State,
            G::Postcode { digits: 3 },
            G::Postcode { digits: 2 },
        ],
        (_, DataType::Decimal) => (0..=1).map(|places| G::Round { places }).collect(),
        (_, DataType::Timestamp | DataType::Date) => vec![G::Day, G::Week],
        _ => Vec::new(),
    };
    out.extend(generalisations.into_iter().map(Policy::Generalise));
    out
}

/// The next coarser policy of a quasi-identifier, for `small_classes: generalise`: wider age
/// bands (5, 10, 20 years), a shorter postcode then the state, a day then a week, and at the
/// top of the age, location and gender ladders every value as `*` ([`top`]).
pub fn coarser(policy: &Policy, data_type: DataType, kind: Option<QuasiKind>) -> Option<Policy> {
    use Generalisation as G;
    let next = match policy {
        Policy::Generalise(G::AgeBand { width }) => {
            match [5, 10, 20].into_iter().find(|w| w > width) {
                Some(width) => G::AgeBand { width },
                None => return Some(top()),
            }
        }
        Policy::Generalise(G::YearOfBirth) => G::AgeBand { width: 5 },
        Policy::Generalise(G::Postcode { digits }) if *digits > 2 => G::Postcode { digits: 2 },
        Policy::Generalise(G::Postcode { .. }) => G::State,
        Policy::Generalise(G::State) => return Some(top()),
        Policy::Generalise(G::Day) => G::Week,
        Policy::Keep => match (kind, data_type) {
            (Some(QuasiKind::Age), DataType::Integer | DataType::Date) => G::AgeBand { width: 5 },
            (Some(QuasiKind::Location), DataType::Text) => G::Postcode { digits: 3 },
            (Some(QuasiKind::Gender), _) => return Some(top()),
            (_, DataType::Timestamp | DataType::Date) => G::Day,
            _ => return None,
        },
        _ => return None,
    };
    Some(Policy::Generalise(next))
}

/// The top of every quasi-identifier's ladder: each value replaced by `*` (empty values stay
/// empty), so the column no longer tells anyone apart.
pub fn top() -> Policy {
    Policy::Redact {
        token: TOP_TOKEN.into(),
    }
}

/// What [`top`] writes in place of every value.
pub const TOP_TOKEN: &str = "*";

/// The default policy of a column: ids pseudonymised, names and logins dropped, e-mails
/// pseudonymised, ages in 10-year bands, gender kept, addresses reduced to the state, the
/// rest kept.
pub fn default_policy(name: &str, data_type: DataType) -> Policy {
    match classify(name) {
        Classification::DirectIdentifier if is_id(&name.to_ascii_lowercase()) => {
            Policy::Pseudonymise
        }
        Classification::DirectIdentifier => Policy::Drop,
        Classification::Email => Policy::Pseudonymise,
        Classification::QuasiIdentifier(QuasiKind::Age) => match data_type {
            DataType::Integer | DataType::Date => {
                Policy::Generalise(Generalisation::AgeBand { width: 10 })
            }
            // An age stored as text cannot be banded: drop it rather than leak it.
            _ => Policy::Drop,
        },
        Classification::QuasiIdentifier(QuasiKind::Gender) => Policy::Keep,
        Classification::QuasiIdentifier(QuasiKind::Location) => match data_type {
            DataType::Text => Policy::Generalise(Generalisation::State),
            _ => Policy::Drop,
        },
        Classification::Attribute => Policy::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_reads_and_round_trips() {
        let doc = include_str!("policy.rs");
        let start = doc.find("//! ```json\n").unwrap() + 12;
        let end = start + doc[start..].find("//! ```").unwrap();
        let json: String = doc[start..end]
            .lines()
            .map(|l| l.trim_start_matches("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let file = PolicyFile::from_json(&json).unwrap();
        assert_eq!(
            file.columns["age"],
            Policy::Generalise(Generalisation::AgeBand { width: 5 })
        );
        assert_eq!(
            file.columns["first_purchase_date"],
            Policy::Generalise(Generalisation::Week)
        );
        assert_eq!(PolicyFile::from_json(&file.to_json()).unwrap(), file);
        let text = file.to_json();
        assert!(text.contains(r#""to": "age_band""#), "{text}");
    }

    #[test]
    fn every_policy_round_trips() {
        let mut file = PolicyFile::defaults(Dataset::Customers);
        let policies = [
            Policy::Keep,
            Policy::Drop,
            Policy::Redact { token: "X".into() },
            Policy::Mask { keep: 2 },
            Policy::Pseudonymise,
            Policy::Generalise(Generalisation::YearOfBirth),
            Policy::Generalise(Generalisation::EmailDomain),
            Policy::Generalise(Generalisation::State),
            Policy::Generalise(Generalisation::Postcode { digits: 3 }),
            Policy::Generalise(Generalisation::Round { places: 0 }),
            Policy::Generalise(Generalisation::Day),
        ];
        for (i, p) in policies.into_iter().enumerate() {
            file.columns.insert(format!("c{i}"), p);
        }
        assert_eq!(PolicyFile::from_json(&file.to_json()).unwrap(), file);
    }

    #[test]
    fn bad_files_are_typed_errors() {
        let err = |text: &str| PolicyFile::from_json(text).unwrap_err();
        assert!(matches!(err("{"), PolicyError::Json { line: 1, .. }));
        assert!(matches!(
            err(r#"{"version": 1, "dataset": "customers", "columns": {"id": {"policy": "hash"}}}"#),
            PolicyError::Json { .. }
        ));
        assert!(matches!(
            err(r#"{"version": 1, "dataset": "nope"}"#),
            PolicyError::Json { .. }
        ));
        assert!(matches!(
            err(r#"{"version": 1, "dataset": "customers", "kk": 5}"#),
            PolicyError::Json { .. }
        ));
        assert_eq!(
            err(r#"{"version": 2, "dataset": "customers"}"#),
            PolicyError::UnsupportedVersion {
                found: 2,
                supported: 1
            }
        );
        assert_eq!(
            err(r#"{"version": 1, "dataset": "customers", "k": 0}"#),
            PolicyError::BadK { found: 0 }
        );
        assert_eq!(
            err(r#"{"version": 1, "dataset": "customers", "pseudonym_length": 8}"#),
            PolicyError::BadPseudonymLength {
                found: 8,
                min: 16,
                max: 64
            }
        );
    }

    #[test]
    fn the_offered_policies_fit_their_columns() {
        use Classification as C;
        let cases = [
            (DataType::Date, C::QuasiIdentifier(QuasiKind::Age)),
            (DataType::Integer, C::QuasiIdentifier(QuasiKind::Age)),
            (DataType::Text, C::QuasiIdentifier(QuasiKind::Location)),
            (DataType::Text, C::Email),
            (DataType::Decimal, C::Attribute),
            (DataType::Timestamp, C::Attribute),
            (DataType::Text, C::DirectIdentifier),
        ];
        for (data_type, classification) in cases {
            let offered = choices(data_type, classification);
            let name = match classification {
                C::QuasiIdentifier(QuasiKind::Age) => "birth_date",
                C::QuasiIdentifier(QuasiKind::Location) => "address",
                C::Email => "email_address",
                C::DirectIdentifier => "id",
                _ => "amount",
            };
            for p in &offered {
                if let Policy::Generalise(g) = p {
                    assert_eq!(g.misfit(name, data_type), None, "{p:?} on {data_type:?}");
                }
            }
            // The default is always on the menu.
            let default = default_policy(name, data_type);
            assert!(offered.contains(&default), "{default:?} for {name}");
        }
        assert!(choices(DataType::Text, C::Email)
            .contains(&Policy::Generalise(Generalisation::EmailDomain)));
        assert!(!choices(DataType::Text, C::Attribute)
            .iter()
            .any(|p| matches!(p, Policy::Generalise(_))));
    }

    #[test]
    fn small_classes_slugs_are_the_files() {
        for s in SmallClasses::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.slug()));
        }
    }

    #[test]
    fn the_ladders_climb_and_stop() {
        let g = |g| Policy::Generalise(g);
        use Generalisation as G;
        let mut p = g(G::YearOfBirth);
        let mut seen = vec![];
        while let Some(next) = coarser(&p, DataType::Date, Some(QuasiKind::Age)) {
            seen.push(next.clone());
            p = next;
        }
        let mut want = [5, 10, 20].map(|width| g(G::AgeBand { width })).to_vec();
        want.push(top());
        assert_eq!(seen, want);
        assert_eq!(
            coarser(&g(G::Postcode { digits: 3 }), DataType::Text, None),
            Some(g(G::Postcode { digits: 2 }))
        );
        assert_eq!(
            coarser(&g(G::Postcode { digits: 2 }), DataType::Text, None),
            Some(g(G::State))
        );
        assert_eq!(coarser(&g(G::State), DataType::Text, None), Some(top()));
        assert_eq!(coarser(&top(), DataType::Text, None), None);
        assert_eq!(
            coarser(&Policy::Keep, DataType::Text, Some(QuasiKind::Gender)),
            Some(top())
        );
    }

    #[test]
    fn the_exercises_columns_get_the_issues_defaults() {
        let cases = [
            ("id", DataType::Text, Policy::Pseudonymise),
            ("contact_id", DataType::Text, Policy::Pseudonymise),
            ("transaction_id", DataType::Text, Policy::Pseudonymise),
            ("name", DataType::Text, Policy::Drop),
            ("user_name", DataType::Text, Policy::Drop),
            ("email_address", DataType::Text, Policy::Pseudonymise),
            (
                "birth_date",
                DataType::Date,
                Policy::Generalise(Generalisation::AgeBand { width: 10 }),
            ),
            (
                "age",
                DataType::Integer,
                Policy::Generalise(Generalisation::AgeBand { width: 10 }),
            ),
            ("gender", DataType::Text, Policy::Keep),
            (
                "address",
                DataType::Text,
                Policy::Generalise(Generalisation::State),
            ),
            ("total_expense", DataType::Decimal, Policy::Keep),
            ("segment", DataType::Text, Policy::Keep),
        ];
        for (name, data_type, want) in cases {
            assert_eq!(default_policy(name, data_type), want, "{name}");
        }
    }
}

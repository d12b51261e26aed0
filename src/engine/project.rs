//! Running the project: load the sources, run every model in DAG order, collect each node's
//! table, result and findings. This is what `c360 build` and the web app call.

use std::hash::{Hash, Hasher};
use std::io::Read;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::dag::{Node, NodeKind, SOURCES};
use super::data_test::TestResult;
use super::error::InputError;
use super::freshness::FreshnessResult;
use super::mapping::MappingFile;
use super::policy::Policies;
use super::source;
use super::table::Table;
use super::time::start_of_day_millis;

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
/// ([`Model::reads`](super::models::Model::reads)), so that a build knows which models a
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

/// What a model did to the data that a user must see: rows removed, excluded or flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// `stg_sf__contacts` removed rows that repeat a contact id.
    DuplicateContactsRemoved,
    /// `contacts_joined_with_transactions` found transactions of unknown contacts (excluded
    /// or kept with null contact columns, by policy).
    OrphanTransactions,
    /// `customers` counted transactions outside the accepted categories in `other_amount`.
    CategoriesOutsideAcceptedList,
    /// `customer_segments` could not read a state and postcode from customers' addresses
    /// (they are `unknown`).
    UnparseableAddresses,
}

impl FindingKind {
    /// The snake_case name used in `run_results.json` and the page's `data-finding`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::DuplicateContactsRemoved => "duplicate_contacts_removed",
            FindingKind::OrphanTransactions => "orphan_transactions",
            FindingKind::CategoriesOutsideAcceptedList => "categories_outside_accepted_list",
            FindingKind::UnparseableAddresses => "unparseable_addresses",
        }
    }
}

/// A reported problem with the rows it concerns.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The unique id of the model that reported it.
    pub node: String,
    pub kind: FindingKind,
    pub message: String,
    pub rows: Table,
}

/// dbt's run statuses for a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Success,
    /// Not run: something upstream failed a test of severity `error`, or was skipped.
    Skipped,
}

/// One line of `run_results.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeResult {
    pub unique_id: String,
    pub status: NodeStatus,
    pub rows: usize,
    /// Seconds.
    pub execution_time: f64,
    pub message: String,
}

/// A source file's bytes and the name to use in messages.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// The two exports, as bytes (the browser's case).
#[derive(Clone, Copy, Debug)]
pub struct SourceFiles<'a> {
    pub contacts: SourceFile<'a>,
    pub transactions: SourceFile<'a>,
}

/// The loaded sources, with how long each took to parse.
#[derive(Clone, Debug)]
pub struct Sources {
    pub contacts: Table,
    pub transactions: Table,
    /// Seconds spent parsing each, in [`SOURCES`] order.
    pub load_times: [f64; 2],
}

impl Sources {
    /// Parses both exports from readers (the CLI streams files through here).
    pub fn load(
        contacts: (&str, impl Read),
        transactions: (&str, impl Read),
    ) -> Result<Sources, InputError> {
        Sources::load_mapped(contacts, transactions, &MappingFile::new())
    }

    /// [`Sources::load`], reading each source's required columns from the headers `mapping`
    /// names for it (a source it leaves out is read as it is). Files in UTF-16 or
    /// Windows-1252, or separated by semicolons, tabs or pipes, are decoded and rewritten
    /// to comma-separated UTF-8 by the loader's front stage ([`crate::engine::decode`]).
    pub fn load_mapped(
        contacts: (&str, impl Read),
        transactions: (&str, impl Read),
        mapping: &MappingFile,
    ) -> Result<Sources, InputError> {
        let start = Instant::now();
        let c = source::load_mapped(
            &SOURCES[0],
            contacts.0,
            contacts.1,
            mapping.get(&SOURCES[0]),
        )?;
        let mid = Instant::now();
        let t = source::load_mapped(
            &SOURCES[1],
            transactions.0,
            transactions.1,
            mapping.get(&SOURCES[1]),
        )?;
        let end = Instant::now();
        Ok(Sources {
            contacts: c,
            transactions: t,
            load_times: [(mid - start).as_secs_f64(), (end - mid).as_secs_f64()],
        })
    }

    pub fn from_bytes(files: SourceFiles<'_>) -> Result<Sources, InputError> {
        Sources::load(
            (files.contacts.name, files.contacts.bytes),
            (files.transactions.name, files.transactions.bytes),
        )
    }
}

/// One node after a run.
#[derive(Clone, Debug)]
pub struct NodeOutput {
    pub node: Node,
    pub table: Table,
    pub result: NodeResult,
    /// What the table was computed from (see [`crate::engine::build::Build`]): equal
    /// fingerprints in two runs of one process mean equal results. Not written to
    /// `run_results.json`: a source's is derived from where its columns sit in memory.
    pub fingerprint: u64,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// The configuration in force, with the accepted categories the schema and policies gave.
    pub config: RunConfig,
    /// In run order. A skipped node has an empty table.
    pub nodes: Vec<NodeOutput>,
    pub findings: Vec<Finding>,
    /// Data test results in the order they ran.
    pub tests: Vec<TestResult>,
    pub freshness: Vec<FreshnessResult>,
    /// The schema text after the policies edited it (categories added to the accepted
    /// list), when they did.
    pub edited_schema: Option<String>,
    /// Seconds, sources, models and tests together.
    pub elapsed_time: f64,
    /// Nodes and tests in the order they ran (indexes into `nodes` and `tests`).
    pub steps: Vec<Step>,
    /// Each test's fingerprint, in the order of `tests` (a node's is on its
    /// [`NodeOutput`]). Kept beside the results rather than in them, so that
    /// `run_results.json` and the results' serde form stay as they are.
    pub test_fingerprints: Vec<u64>,
    /// The unique ids of the nodes and tests taken unchanged from the previous run's output
    /// (for a source: the same table as in the previous run), in run order. Empty for a
    /// build without a previous output.
    pub reused: Vec<String>,
}

/// One step of a build, for a log in execution order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Node(usize),
    Test(usize),
}

impl RunOutput {
    pub fn node(&self, unique_id: &str) -> Option<&NodeOutput> {
        self.nodes.iter().find(|n| n.node.unique_id == unique_id)
    }

    /// A model's table by its name (`customers`).
    pub fn model(&self, name: &str) -> Option<&Table> {
        self.node(&format!("model.c360.{name}")).map(|n| &n.table)
    }

    /// The models' outputs (not the sources), in run order.
    pub fn models(&self) -> impl Iterator<Item = &NodeOutput> {
        self.nodes.iter().filter(|n| n.node.kind == NodeKind::Model)
    }

    /// Whether a test of severity `error` failed or could not run (`c360 build` /
    /// `c360 test` exit 1).
    pub fn has_failures(&self) -> bool {
        self.tests.iter().any(TestResult::blocks)
    }

    /// A test result by its unique id.
    pub fn test(&self, unique_id: &str) -> Option<&TestResult> {
        self.tests.iter().find(|t| t.unique_id == unique_id)
    }

    /// A node's or a test's fingerprint by its unique id.
    pub fn fingerprint(&self, unique_id: &str) -> Option<u64> {
        self.node(unique_id).map(|n| n.fingerprint).or_else(|| {
            self.tests
                .iter()
                .zip(&self.test_fingerprints)
                .find(|(t, _)| t.unique_id == unique_id)
                .map(|(_, f)| *f)
        })
    }

    /// Whether a node or test was taken from the previous run's output.
    pub fn was_reused(&self, unique_id: &str) -> bool {
        self.reused.iter().any(|r| r == unique_id)
    }

    /// `run_results.json`, shaped like dbt's.
    pub fn run_results(&self) -> serde_json::Value {
        serde_json::json!({
            "metadata": {
                "generated_by": concat!("c360 ", env!("CARGO_PKG_VERSION")),
                "as_of": self.config.as_of.to_string(),
                "accepted_categories": self.config.accepted_categories,
            },
            "elapsed_time": self.elapsed_time,
            "results": self.nodes.iter().map(|n| serde_json::to_value(&n.result).expect("plain data"))
                .chain(self.tests.iter().map(test_json))
                .collect::<Vec<_>>(),
            "freshness": self.freshness,
            "findings": self.findings.iter().map(|f| serde_json::json!({
                "node": f.node,
                "kind": f.kind,
                "message": f.message,
                "rows": f.rows.num_rows(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// One test's entry in `run_results.json`: dbt's fields plus the failing rows it kept.
fn test_json(t: &TestResult) -> serde_json::Value {
    let mut value = serde_json::to_value(t).expect("plain data");
    if let (Some(rows), Some(map)) = (&t.failing_rows, value.as_object_mut()) {
        map.insert("failing_rows".into(), rows.to_json_rows());
    }
    value
}

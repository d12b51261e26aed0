//! The PII-masked export for partners: one dataset of a run, every column through its
//! policy, identities as keyed pseudonyms, k-anonymity over the quasi-identifiers, and a
//! manifest of exactly what was done.
//!
//! [`export`] takes a built [`RunOutput`], a [`PolicyFile`] (the defaults, or the JSON the
//! app saves) and the user's [`Key`], and gives an [`Export`]: the masked table, written as
//! guarded CSV a chunk at a time ([`csv`]), and its [`Manifest`]. Nothing here reads or
//! writes files or knows about the browser: the CLI and the worker write the two files.
//!
//! The steps: the policy file is resolved against the dataset's columns ([`policy`]; each
//! column's default comes from its name, [`classify`]); each column is masked (`apply`,
//! [`pseudonym`], [`generalise`]); the equivalence classes of the quasi-identifiers are
//! counted ([`k_anonymity`]); classes smaller than k are suppressed, generalised further then
//! suppressed, or kept only with the user's explicit `allow_below_k`; the figures before and
//! after go in the [`manifest`].
//!
//! It is not anonymisation by itself: k-anonymity protects against linking by the
//! quasi-identifiers named, not by every column (a rare amount can still single someone out),
//! and pseudonyms are only as safe as the key.

mod apply;
pub mod classify;
pub mod csv;
pub mod error;
pub mod generalise;
pub mod k_anonymity;
pub mod manifest;
pub mod policy;
pub mod pseudonym;

use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

pub use error::{ExportError, KeyError, PolicyError};
pub use manifest::Manifest;
pub use policy::{Generalisation, Policy, PolicyFile, SmallClasses};
pub use pseudonym::Key;

use self::apply::{apply, Context, Masked};
use self::classify::Classification;
use self::k_anonymity::{classes, Classes};
use self::manifest::{
    GeneralisationStep, KAnonymity, ManifestColumn, PseudonymInfo, SuppressedClass,
};
use self::policy::{coarser, Plan};
use self::pseudonym::Pseudonymiser;
use crate::engine::build::output::{NodeStatus, RunOutput};
use crate::engine::value::column::{Column, DataType};
use crate::engine::value::table::Table;
use crate::engine::value::unique_id;

/// A dataset that can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dataset {
    /// The customers, with their segment and their next best categories.
    #[serde(rename = "customers")]
    Customers,
    /// The joined transactions: every transaction with its contact's columns.
    #[serde(rename = "contacts_joined_with_transactions")]
    ContactsJoinedWithTransactions,
    /// The staged contacts.
    #[serde(rename = "stg_sf__contacts")]
    StgSfContacts,
}

impl Dataset {
    pub const ALL: [Dataset; 3] = [
        Dataset::Customers,
        Dataset::ContactsJoinedWithTransactions,
        Dataset::StgSfContacts,
    ];

    /// The model it is (`customers`).
    pub fn model_name(self) -> &'static str {
        match self {
            Dataset::Customers => "customers",
            Dataset::ContactsJoinedWithTransactions => "contacts_joined_with_transactions",
            Dataset::StgSfContacts => "stg_sf__contacts",
        }
    }

    pub fn from_model_name(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.model_name() == name)
    }

    /// The exported CSV's file name (`customers.masked.csv`).
    pub fn csv_file_name(self) -> String {
        format!("{}.masked.csv", self.model_name())
    }

    /// The manifest's file name (`customers.manifest.json`).
    pub fn manifest_file_name(self) -> String {
        format!("{}.manifest.json", self.model_name())
    }
}

/// The share of rows that `small_classes: generalise` may leave to suppression rather than
/// coarsen every row for: 1%, so that a few rare people (the one 90-year-old in a postcode)
/// are suppressed instead of widening everyone's age band, as statistical disclosure tools
/// do with their suppression limit.
pub const SUPPRESSION_LIMIT: f64 = 0.01;

/// The most rows `small_classes: generalise` suppresses rather than generalise further.
pub fn suppression_limit(rows: usize) -> usize {
    (rows as f64 * SUPPRESSION_LIMIT).floor() as usize
}

/// The column whose distinct values are the people a class counts.
const ENTITY: &str = "id";

/// A masked export: the table to write and its manifest.
#[derive(Clone, Debug)]
pub struct Export {
    pub table: Table,
    pub manifest: Manifest,
}

impl Export {
    /// The CSV in chunks of `rows_per_chunk` rows (the first chunk starts with the header).
    pub fn csv_chunks(&self, rows_per_chunk: usize) -> csv::CsvChunks<&Table> {
        csv::CsvChunks::new(&self.table, rows_per_chunk)
    }

    /// Writes the CSV.
    pub fn write_csv(&self, out: impl std::io::Write) -> std::io::Result<()> {
        csv::write_csv(&self.table, out)
    }

    /// The manifest as pretty JSON.
    pub fn manifest_json(&self) -> String {
        self.manifest.to_json()
    }
}

impl PolicyFile {
    /// Checks that the file is for `dataset`.
    pub fn expect_dataset(&self, dataset: Dataset) -> Result<(), PolicyError> {
        if self.dataset == dataset {
            return Ok(());
        }
        Err(PolicyError::DatasetMismatch {
            file: self.dataset.model_name().into(),
            exported: dataset.model_name().into(),
        })
    }
}

/// The segment columns of `customer_segments` a partner can use (the scores and the named
/// segment; its age, gender and location repeat or refine the quasi-identifiers, so they
/// are not added).
pub const SEGMENT_COLUMNS: [&str; 6] = [
    "recency_days",
    "frequency",
    "r_score",
    "f_score",
    "m_score",
    "segment",
];

/// The `customers` dataset as exported: each customer with their segment columns and their
/// three next best categories (`next_best_category_1` to `_3`, from `recommendations`), so a
/// partner gets the single customer view in one file. A customer missing from either model
/// gets empty cells.
fn with_segments_and_recommendations(
    customers: &Table,
    segments: &Table,
    recommendations: &Table,
) -> Table {
    let ids = customers.text(ENTITY);
    let index = |table: &Table, column: &str| -> FxHashMap<String, Vec<u32>> {
        let mut map: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let text = table.text(column);
        for row in 0..table.num_rows() {
            if let Some(id) = text.get(row) {
                map.entry(id.to_string()).or_default().push(row as u32);
            }
        }
        map
    };
    let by_id = index(segments, ENTITY);
    let rows: Vec<Option<u32>> = (0..customers.num_rows())
        .map(|r| ids.get(r).and_then(|id| by_id.get(id)).map(|rows| rows[0]))
        .collect();
    let mut out = customers.clone();
    for name in SEGMENT_COLUMNS {
        if let Some(column) = segments.column(name) {
            out.push(name, column.gather_optional(&rows));
        }
    }
    let ranks = recommendations.integers("rank");
    let categories = recommendations.column("category");
    let by_customer = index(recommendations, "customer_id");
    for rank in 1..=3i64 {
        let rows: Vec<Option<u32>> = (0..customers.num_rows())
            .map(|r| {
                let mine = ids.get(r).and_then(|id| by_customer.get(id))?;
                mine.iter()
                    .copied()
                    .find(|&row| ranks[row as usize] == Some(rank))
            })
            .collect();
        if let Some(categories) = categories {
            out.push(
                format!("next_best_category_{rank}"),
                categories.gather_optional(&rows),
            );
        }
    }
    out
}

/// One step up a quasi-identifier's ladder, as tried: the column (an index into the plan),
/// its coarser policy and masked values, the classes they make, and what it costs: the rows
/// still in small classes, then whether it blanks the column.
struct Step {
    qi: usize,
    next: Policy,
    candidate: Masked,
    tried: Classes,
    cost: (usize, bool),
}

/// The quasi-identifiers' masked columns, with `replace` standing in for one of them.
fn qi_columns<'a>(
    plan: &Plan,
    masked: &'a [Masked],
    replace: Option<(usize, &'a Masked)>,
) -> Vec<&'a Column> {
    plan.quasi_identifiers
        .iter()
        .map(|&i| {
            let m = match replace {
                Some((j, m)) if j == i => m,
                _ => &masked[i],
            };
            m.column
                .as_deref()
                .expect("the plan refuses a dropped quasi-identifier")
        })
        .collect()
}

/// Masks the dataset `file.dataset` of `output` by `file`'s policies under `key`;
/// `created_at_millis` (the shell's clock) goes in the manifest.
pub fn export(
    output: &RunOutput,
    file: &PolicyFile,
    key: &Key,
    created_at_millis: i64,
) -> Result<Export, ExportError> {
    let pseudonymiser = Pseudonymiser::new(key, file.pseudonym_length);
    mask(output, file, Some(&pseudonymiser), created_at_millis)
}

/// What [`export`] would do, without a key: the manifest of the export `file` describes —
/// every column's classification and policy, the k-anonymity figures, the further
/// generalisation and the suppressed classes — so that the user can adjust the policies
/// before choosing a key. No pseudonym is made (they do not change the classes), and an
/// export below k is reported (`below_k`) rather than refused.
pub fn check(
    output: &RunOutput,
    file: &PolicyFile,
    created_at_millis: i64,
) -> Result<Manifest, ExportError> {
    mask(output, file, None, created_at_millis).map(|e| e.manifest)
}

/// [`export`], or with no pseudonymiser [`check`].
fn mask(
    output: &RunOutput,
    file: &PolicyFile,
    pseudonymiser: Option<&Pseudonymiser>,
    created_at_millis: i64,
) -> Result<Export, ExportError> {
    let dataset = file.dataset;
    let not_built = |reason: String| ExportError::DatasetNotBuilt {
        dataset: dataset.model_name().into(),
        reason,
    };
    let built = |name: &str| {
        let node = output
            .node(&unique_id::model(name))
            .ok_or_else(|| not_built(format!("the run has no model {name}")))?;
        if node.result.status != NodeStatus::Success {
            return Err(not_built(format!("{name}: {}", node.result.message)));
        }
        Ok(&node.table)
    };
    let joined;
    let table = match dataset {
        Dataset::Customers => {
            joined = with_segments_and_recommendations(
                built("customers")?,
                built("customer_segments")?,
                built("recommendations")?,
            );
            &joined
        }
        _ => built(dataset.model_name())?,
    };
    let mut plan = file.resolve(table)?;
    let ctx = Context {
        pseudonymiser,
        as_of: output.config.as_of,
    };
    let source = |name: &str| {
        table
            .shared(name)
            .expect("the plan's columns are the table's")
    };
    let mut masked: Vec<Masked> = plan
        .columns
        .iter()
        .map(|c| apply(&c.name, source(&c.name), &c.policy, &ctx))
        .collect::<Result<_, _>>()?;

    let k = file.k;
    let rows = table.num_rows();
    let entity = table.column(ENTITY);
    let mut current: Classes = classes(&qi_columns(&plan, &masked, None), entity, rows);
    let before = current.risk(k);
    let mut generalised = Vec::new();
    let limit = suppression_limit(rows);
    if file.small_classes == SmallClasses::Generalise {
        // Greedy: coarsen whichever quasi-identifier leaves the fewest rows in small classes
        // (on a tie, one that keeps some of its values over one that blanks them all), until
        // at most `limit` rows are in small classes — those are then suppressed — or every
        // one is as coarse as it goes.
        while current.risk(k).rows_in_small_classes > limit {
            let mut best: Option<Step> = None;
            for &qi in &plan.quasi_identifiers {
                let column = &plan.columns[qi];
                let kind = match column.classification {
                    Classification::QuasiIdentifier(kind) => Some(kind),
                    _ => None,
                };
                let Some(next) = coarser(&column.policy, column.data_type, kind) else {
                    continue;
                };
                let candidate = apply(&column.name, source(&column.name), &next, &ctx)?;
                let tried = classes(
                    &qi_columns(&plan, &masked, Some((qi, &candidate))),
                    entity,
                    rows,
                );
                let cost = (tried.risk(k).rows_in_small_classes, next == policy::top());
                if best.as_ref().is_none_or(|b| cost < b.cost) {
                    best = Some(Step {
                        qi,
                        next,
                        candidate,
                        tried,
                        cost,
                    });
                }
            }
            let Some(Step {
                qi,
                next,
                candidate,
                tried,
                ..
            }) = best
            else {
                break;
            };
            let column = &mut plan.columns[qi];
            generalised.push(GeneralisationStep {
                column: column.name.clone(),
                from: std::mem::replace(&mut column.policy, next.clone()),
                to: next,
            });
            masked[qi] = candidate;
            current = tried;
        }
    }

    let small = current.small(k);
    let qi_names: Vec<String> = plan
        .quasi_identifiers
        .iter()
        .map(|&i| plan.columns[i].name.clone())
        .collect();
    let (kept, suppressed_classes) = match file.small_classes {
        SmallClasses::Suppress | SmallClasses::Generalise => {
            let qis = qi_columns(&plan, &masked, None);
            let listed = small
                .iter()
                .map(|&c| {
                    let row = current.first_row[c as usize] as usize;
                    SuppressedClass {
                        values: qis
                            .iter()
                            .map(|col| {
                                let v = col.get(row);
                                (!v.is_null()).then(|| v.to_string())
                            })
                            .collect(),
                        rows: current.rows[c as usize] as usize,
                        size: current.size[c as usize] as usize,
                    }
                })
                .collect();
            (current.kept_rows(k), listed)
        }
        SmallClasses::Keep => {
            let risk = current.risk(k);
            if risk.rows_in_small_classes > 0 && !file.allow_below_k && pseudonymiser.is_some() {
                return Err(ExportError::BelowK {
                    requested: k,
                    achieved: risk.smallest_class,
                    rows_in_small_classes: risk.rows_in_small_classes,
                });
            }
            ((0..rows as u32).collect(), Vec::new())
        }
    };

    let all = kept.len() == rows;
    let mut out = Table::new();
    for (plan_column, m) in plan.columns.iter().zip(&masked) {
        if let Some(column) = &m.column {
            if all {
                out.push_shared(plan_column.name.clone(), Arc::clone(column));
            } else {
                out.push(plan_column.name.clone(), column.gather(&kept));
            }
        }
    }
    let kept_entity = entity.map(|e| if all { e.clone() } else { e.gather(&kept) });
    let exported_qis: Vec<&Column> = qi_names
        .iter()
        .map(|n| out.column(n).expect("quasi-identifiers are exported"))
        .collect();
    let after = classes(&exported_qis, kept_entity.as_ref(), kept.len()).risk(k);

    let pseudonymised: Vec<String> = plan
        .columns
        .iter()
        .filter(|c| c.policy == Policy::Pseudonymise)
        .map(|c| c.name.clone())
        .collect();
    let columns = plan
        .columns
        .iter()
        .zip(&masked)
        .enumerate()
        .map(|(i, (c, m))| ManifestColumn {
            name: c.name.clone(),
            data_type: c.data_type,
            classification: c.classification,
            policy: c.policy.clone(),
            default_policy: c.default,
            exported: m.column.is_some(),
            exported_type: m.column.as_ref().map(|column| match c.policy {
                Policy::Pseudonymise => DataType::Text,
                _ => column.data_type(),
            }),
            quasi_identifier: plan.quasi_identifiers.contains(&i),
            not_generalisable: m.unparsed,
        })
        .collect();
    let manifest = Manifest {
        c360_version: env!("CARGO_PKG_VERSION").into(),
        created_at: chrono::DateTime::from_timestamp_millis(created_at_millis)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        as_of: output.config.as_of,
        dataset,
        file: dataset.csv_file_name(),
        source_rows: rows,
        exported_rows: kept.len(),
        columns,
        pseudonym: PseudonymInfo {
            algorithm: pseudonym::ALGORITHM.into(),
            encoding: "hex (lowercase), truncated".into(),
            length: file.pseudonym_length,
            bits: 4 * file.pseudonym_length,
            collision_bound: pseudonym::collision_bound(file.pseudonym_length),
            key: "the user's secret; not recorded anywhere".into(),
            columns: pseudonymised,
        },
        k_anonymity: KAnonymity {
            quasi_identifiers: qi_names,
            class_size_counts: if entity.is_some() {
                format!("distinct {ENTITY}")
            } else {
                "rows".into()
            },
            k_requested: k,
            k_achieved: after.smallest_class,
            small_classes: file.small_classes,
            suppression_limit_rows: (file.small_classes == SmallClasses::Generalise)
                .then_some(limit),
            allow_below_k: file.allow_below_k,
            below_k: after.smallest_class.is_some_and(|s| s < k),
            rows_suppressed: rows - kept.len(),
            before,
            after,
            generalised,
            suppressed_classes,
        },
    };
    Ok(Export {
        table: out,
        manifest,
    })
}

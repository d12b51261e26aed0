//! Fingerprints: what a node's or a test's result is computed from, hashed into one `u64`.
//! Equal fingerprints within one process mean equal results, which is what lets a build
//! take a result from the previous run's output instead of recomputing it.
//!
//! - A **source**'s comes from its columns' identity: for each column its name, its length
//!   and the address of its shared storage (`Arc::as_ptr`). A loaded column is immutable
//!   and every table that passes it on shares it, so the same live address is the same
//!   data; and the address is live, because the previous output that the fingerprint is
//!   compared with holds the source's table. Hashing the values instead would cost a pass
//!   over every cell of a million-row export on each run; a version passed by the caller
//!   would make every shell keep count, and a miscount would silently give stale results.
//!   Should the caller have replaced the previous output's source table (so that a freed
//!   address could come back), [`source`] compares the tables themselves.
//! - A **model**'s: its unique id, the values of the configuration parts it
//!   [`reads`](crate::engine::models::Model::reads), and its parents' fingerprints.
//! - A **test**'s: its whole definition but its line in the schema file (kind, arguments,
//!   config, by its `Debug` form, so that a field added later is covered without a change
//!   here), the fingerprints of the nodes it reads and, for a singular test, the accepted
//!   list. The line is left out so that an edit above a test does not re-run it: a reused
//!   result takes its line from the current definition.
//!   A macro test reads nothing: its name is its fingerprint.
//!
//! std's `DefaultHasher` (SipHash with fixed keys) mixes well, so distinct inputs collide
//! with odds near 2⁻⁶⁴, and it is the same in every run of one build of the program — all
//! that is needed, as fingerprints are never written out.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::engine::build::output::NodeOutput;
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::data_test::generic::GenericTest;
use crate::engine::value::table::Table;

use super::plan::Planned;

fn hash_of(value: impl Hash) -> u64 {
    let mut state = DefaultHasher::new();
    value.hash(&mut state);
    state.finish()
}

/// Whether two tables are the same columns, shared, under the same names.
fn same_columns(a: &Table, b: &Table) -> bool {
    a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .zip(&b.fields)
            .all(|(x, y)| x.name == y.name && Arc::ptr_eq(&x.column, &y.column))
}

/// A source's fingerprint: the previous run's when `table` is the previous run's table,
/// otherwise one from the columns' addresses that differs from the previous run's.
pub(super) fn source(unique_id: &str, table: &Table, previous: Option<&NodeOutput>) -> u64 {
    if let Some(p) = previous.filter(|p| same_columns(&p.table, table)) {
        return p.fingerprint;
    }
    let columns: Vec<(&str, usize, usize)> = table
        .fields
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                Arc::as_ptr(&f.column) as usize,
                f.column.len(),
            )
        })
        .collect();
    let fingerprint = hash_of(("source", unique_id, columns));
    match previous {
        // Other columns at the addresses the previous fingerprint was taken from: the
        // caller replaced the previous table and an address was reused.
        Some(p) if p.fingerprint == fingerprint => {
            hash_of(("source, not the previous", fingerprint))
        }
        _ => fingerprint,
    }
}

pub(super) fn model(
    unique_id: &str,
    reads: &[ConfigPart],
    config: &RunConfig,
    parents: &[Option<u64>],
) -> u64 {
    let mut state = DefaultHasher::new();
    ("model", unique_id).hash(&mut state);
    for &part in reads {
        config.hash_part(part, &mut state);
    }
    parents.hash(&mut state);
    state.finish()
}

/// `inputs`: the fingerprints of the nodes it reads, in its `depends_on` order.
pub(super) fn test(planned: &Planned, accepted: &[String], inputs: &[Option<u64>]) -> u64 {
    match planned {
        Planned::Macro(m) => hash_of(("macro", m.name)),
        Planned::Generic(g) => {
            // Where the test is written is not what it computes: a reused result takes the
            // line from the current definition ([`Planned::place`]).
            let unplaced = GenericTest {
                line: 0,
                ..(**g).clone()
            };
            hash_of(("generic", format!("{unplaced:?}"), inputs))
        }
        Planned::Singular(s) => hash_of(("singular", s.name, accepted, inputs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::build::demo_sources;
    use crate::engine::build::output::{NodeResult, NodeStatus};
    use crate::engine::models::dag::graph;

    const CONTACTS: &str = "source.c360.salesforce.contacts";

    fn output(table: &Table, fingerprint: u64) -> NodeOutput {
        let config = RunConfig::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        NodeOutput {
            node: graph(&config).remove(0),
            table: table.clone(),
            result: NodeResult {
                unique_id: CONTACTS.into(),
                status: NodeStatus::Success,
                rows: table.num_rows(),
                execution_time: 0.0,
                message: String::new(),
            },
            fingerprint,
        }
    }

    #[test]
    fn a_source_is_unchanged_only_when_it_is_the_same_columns() {
        let table = demo_sources().contacts;
        let first = source(CONTACTS, &table, None);
        let previous = output(&table, first);
        assert_eq!(source(CONTACTS, &table.clone(), Some(&previous)), first);

        // The same bytes loaded again are other columns: a change.
        let reloaded = demo_sources().contacts;
        assert_ne!(source(CONTACTS, &reloaded, Some(&previous)), first);

        // A renamed column is a change, though its data is shared.
        let mut renamed = table.clone();
        renamed.fields[0].name = "contact_id".into();
        assert_ne!(source(CONTACTS, &renamed, Some(&previous)), first);
    }

    #[test]
    fn a_previous_table_replaced_by_the_caller_is_never_taken_for_the_current_one() {
        let table = demo_sources().contacts;
        let first = source(CONTACTS, &table, None);
        // The caller emptied the previous output's table: the addresses its fingerprint was
        // taken from are no longer held, and could hold other data now.
        let emptied = output(&Table::new(), first);
        assert_ne!(source(CONTACTS, &table, Some(&emptied)), first);
    }

    #[test]
    fn a_model_fingerprint_covers_its_parts_and_parents() {
        let config = RunConfig::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        let later = config.with_as_of(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        let id = "model.c360.customers";
        let f = |config: &RunConfig, reads: &[ConfigPart], parent: u64| {
            model(id, reads, config, &[Some(parent)])
        };
        assert_eq!(f(&config, &[], 1), f(&later, &[], 1));
        assert_ne!(
            f(&config, &[ConfigPart::AsOf], 1),
            f(&later, &[ConfigPart::AsOf], 1)
        );
        assert_ne!(f(&config, &[], 1), f(&config, &[], 2));
        assert_ne!(
            f(&config, &[], 1),
            model("model.c360.category", &[], &config, &[Some(1)])
        );
    }
}

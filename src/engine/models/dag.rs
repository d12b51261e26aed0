//! The DAG: sources and models as nodes, ordered so every node runs after its parents.

use serde::{Deserialize, Serialize};

use super::{Layer, ModelColumn, MODELS};
use crate::engine::config::RunConfig;
use crate::engine::source::def::SOURCES;

/// dbt's resource types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Source,
    Model,
}

/// One node of the DAG, as plain data for the shells to draw and document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Node {
    pub unique_id: String,
    pub name: String,
    pub kind: NodeKind,
    pub layer: Layer,
    pub depends_on: Vec<String>,
    pub description: String,
    pub columns: Vec<ModelColumn>,
}

/// Every node in run order: sources first, then models after their parents (ties keep the
/// order of [`MODELS`]).
pub fn graph(config: &RunConfig) -> Vec<Node> {
    let mut nodes: Vec<Node> = SOURCES
        .iter()
        .map(|s| Node {
            unique_id: s.unique_id(),
            name: format!("{}.{}", s.source_name, s.name),
            kind: NodeKind::Source,
            layer: Layer::Source,
            depends_on: Vec::new(),
            description: format!("The raw {} export", s.file_name),
            columns: s
                .columns
                .iter()
                .map(|c| ModelColumn {
                    name: c.name.into(),
                    data_type: c.data_type,
                    description: c.description.into(),
                })
                .collect(),
        })
        .collect();
    let mut pending: Vec<usize> = (0..MODELS.len()).collect();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|&m| {
                MODELS[m]
                    .depends_on()
                    .iter()
                    .all(|d| nodes.iter().any(|n| n.unique_id == *d))
            })
            .unwrap_or_else(|| {
                panic!("the models' depends_on form a cycle or name a missing node")
            });
        let model = MODELS[pending.remove(ready)];
        nodes.push(Node {
            unique_id: model.unique_id(),
            name: model.name().into(),
            kind: NodeKind::Model,
            layer: model.layer(),
            depends_on: model
                .depends_on()
                .iter()
                .map(|d| (*d).to_string())
                .collect(),
            description: model.description().into(),
            columns: model.columns(config),
        });
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first() {
        let nodes = graph(&RunConfig::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        ));
        for (i, node) in nodes.iter().enumerate() {
            for parent in &node.depends_on {
                let p = nodes.iter().position(|n| &n.unique_id == parent).unwrap();
                assert!(p < i, "{parent} must run before {}", node.unique_id);
            }
        }
        assert_eq!(nodes.len(), 11);
    }
}

//! Where each DAG node and edge goes in the picture: columns by layer (sources, staging,
//! intermediate, marts), parents to the left of their children.
//!
//! A node that reads another node of its own layer (a mart built on a mart) gets a column of
//! its own to the right, so every edge points rightwards. Within a column, nodes are ordered
//! by where their parents sit, which keeps edges from crossing in the usual dbt shapes.
//! Pure geometry, in SVG user units; the `dag` component draws it.

use std::collections::HashSet;

use c360::engine::models::Layer;
use c360::engine::{Node, NodeKind};

const NODE_HEIGHT: f64 = 76.0;
const ROW_GAP: f64 = 22.0;
const COLUMN_GAP: f64 = 76.0;
const PADDING: f64 = 14.0;
/// Room above the nodes for the column labels.
const LABEL_HEIGHT: f64 = 30.0;
/// The width of a character of a node name, in the picture's monospace font.
const CHAR_WIDTH: f64 = 7.5;
const MIN_NODE_WIDTH: f64 = 170.0;

/// One node's box.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub unique_id: String,
    pub name: String,
    pub kind: NodeKind,
    pub layer: Layer,
    pub description: String,
    pub x: f64,
    pub y: f64,
}

/// One `depends_on` edge, from parent to child, as an SVG path.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub path: String,
}

/// A column heading.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnLabel {
    pub x: f64,
    pub text: &'static str,
}

/// The whole picture.
#[derive(Clone, Debug, PartialEq)]
pub struct DagLayout {
    pub width: f64,
    pub height: f64,
    pub node_width: f64,
    pub node_height: f64,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<Edge>,
    pub labels: Vec<ColumnLabel>,
}

/// The heading of a layer's column.
pub fn layer_heading(layer: Layer) -> &'static str {
    match layer {
        Layer::Source => "Sources",
        Layer::Staging => "Staging",
        Layer::Intermediate => "Intermediate",
        Layer::Mart => "Marts",
    }
}

/// The lower-case word for a layer, as shown on a node: `staging`.
pub fn layer_word(layer: Layer) -> &'static str {
    match layer {
        Layer::Source => "source",
        Layer::Staging => "staging",
        Layer::Intermediate => "intermediate",
        Layer::Mart => "mart",
    }
}

impl DagLayout {
    /// Lays out nodes given in run order (parents first), as [`c360::engine::graph`] returns
    /// them.
    pub fn new(nodes: &[Node]) -> DagLayout {
        let index_of = |id: &str| nodes.iter().position(|n| n.unique_id == id);

        // Column key: the layer, then how deep the node sits among its own layer's nodes.
        let mut depth = vec![0usize; nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            depth[i] = node
                .depends_on
                .iter()
                .filter_map(|d| index_of(d))
                .filter(|&p| nodes[p].layer == node.layer)
                .map(|p| depth[p] + 1)
                .max()
                .unwrap_or(0);
        }
        let mut keys: Vec<(Layer, usize)> = nodes
            .iter()
            .zip(&depth)
            .map(|(n, &d)| (n.layer, d))
            .collect();
        keys.sort();
        keys.dedup();

        let node_width = nodes
            .iter()
            .map(|n| n.name.chars().count() as f64 * CHAR_WIDTH + 32.0)
            .fold(MIN_NODE_WIDTH, f64::max)
            .ceil();
        let tallest = keys
            .iter()
            .map(|key| {
                let n = nodes
                    .iter()
                    .zip(&depth)
                    .filter(|(n, &d)| (n.layer, d) == *key)
                    .count();
                n as f64 * NODE_HEIGHT + n.saturating_sub(1) as f64 * ROW_GAP
            })
            .fold(0.0, f64::max);
        let height = LABEL_HEIGHT + tallest + 2.0 * PADDING;

        let mut y_of: Vec<f64> = vec![0.0; nodes.len()];
        let mut boxes = Vec::with_capacity(nodes.len());
        let mut labels = Vec::new();
        for (column, key) in keys.iter().enumerate() {
            let x = PADDING + column as f64 * (node_width + COLUMN_GAP);
            if key.1 == 0 {
                labels.push(ColumnLabel {
                    x,
                    text: layer_heading(key.0),
                });
            }
            let mut members: Vec<usize> = (0..nodes.len())
                .filter(|&i| (nodes[i].layer, depth[i]) == *key)
                .collect();
            // Barycentre ordering: a node goes where its parents are, on average.
            let centre = |i: usize| -> f64 {
                let parents: Vec<f64> = nodes[i]
                    .depends_on
                    .iter()
                    .filter_map(|d| index_of(d))
                    .map(|p| y_of[p])
                    .collect();
                if parents.is_empty() {
                    f64::MAX
                } else {
                    parents.iter().sum::<f64>() / parents.len() as f64
                }
            };
            members.sort_by(|&a, &b| centre(a).total_cmp(&centre(b)));
            let n = members.len() as f64;
            let column_height = n * NODE_HEIGHT + (n - 1.0) * ROW_GAP;
            let top = LABEL_HEIGHT + PADDING + (tallest - column_height) / 2.0;
            for (row, &i) in members.iter().enumerate() {
                let y = top + row as f64 * (NODE_HEIGHT + ROW_GAP);
                y_of[i] = y;
                let node = &nodes[i];
                boxes.push(NodeBox {
                    unique_id: node.unique_id.clone(),
                    name: node.name.clone(),
                    kind: node.kind,
                    layer: node.layer,
                    description: node.description.clone(),
                    x,
                    y,
                });
            }
        }
        let width = 2.0 * PADDING
            + keys.len() as f64 * node_width
            + keys.len().saturating_sub(1) as f64 * COLUMN_GAP;

        let position = |id: &str| boxes.iter().find(|b| b.unique_id == id).map(|b| (b.x, b.y));
        let mut edges = Vec::new();
        for node in nodes {
            let Some((cx, cy)) = position(&node.unique_id) else {
                continue;
            };
            for parent in &node.depends_on {
                let Some((px, py)) = position(parent) else {
                    continue;
                };
                let (x1, y1) = (px + node_width, py + NODE_HEIGHT / 2.0);
                // Stop short of the box so the arrowhead's tip touches it.
                let (x2, y2) = (cx - 3.0, cy + NODE_HEIGHT / 2.0);
                let bend = (x2 - x1) / 2.0;
                edges.push(Edge {
                    from: parent.clone(),
                    to: node.unique_id.clone(),
                    path: format!(
                        "M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}",
                        x1 + bend,
                        x2 - bend
                    ),
                });
            }
        }

        DagLayout {
            width,
            height,
            node_width,
            node_height: NODE_HEIGHT,
            nodes: boxes,
            edges,
            labels,
        }
    }

    /// The node and everything upstream and downstream of it: what dbt docs highlight as a
    /// node's lineage.
    pub fn lineage(&self, unique_id: &str) -> HashSet<String> {
        let mut seen = HashSet::from([unique_id.to_string()]);
        for upstream in [true, false] {
            let mut stack = vec![unique_id.to_string()];
            while let Some(id) = stack.pop() {
                for edge in &self.edges {
                    let (near, far) = if upstream {
                        (&edge.to, &edge.from)
                    } else {
                        (&edge.from, &edge.to)
                    };
                    if *near == id && seen.insert(far.clone()) {
                        stack.push(far.clone());
                    }
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use c360::engine::{graph, RunConfig};

    fn project() -> Vec<Node> {
        graph(&RunConfig::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        ))
    }

    fn x_of(layout: &DagLayout, id: &str) -> f64 {
        layout.nodes.iter().find(|b| b.unique_id == id).unwrap().x
    }

    #[test]
    fn layers_go_left_to_right_and_every_edge_points_right() {
        let nodes = project();
        let layout = DagLayout::new(&nodes);
        assert_eq!(layout.nodes.len(), nodes.len());
        let texts: Vec<_> = layout.labels.iter().map(|l| l.text).collect();
        assert_eq!(texts, ["Sources", "Staging", "Intermediate", "Marts"]);
        for node in &nodes {
            for parent in &node.depends_on {
                assert!(x_of(&layout, parent) < x_of(&layout, &node.unique_id));
            }
        }
        assert_eq!(
            layout.edges.len(),
            nodes.iter().map(|n| n.depends_on.len()).sum::<usize>()
        );
        for b in &layout.nodes {
            assert!(b.x >= 0.0 && b.x + layout.node_width <= layout.width);
            assert!(b.y >= 0.0 && b.y + layout.node_height <= layout.height);
        }
    }

    #[test]
    fn a_node_built_on_its_own_layer_gets_a_column_to_the_right() {
        let mut nodes = project();
        let mut segments = nodes
            .iter()
            .find(|n| n.name == "customers")
            .unwrap()
            .clone();
        segments.unique_id = "model.c360.segments".into();
        segments.name = "segments".into();
        segments.depends_on = vec!["model.c360.customers".into()];
        nodes.push(segments);
        let layout = DagLayout::new(&nodes);
        assert!(x_of(&layout, "model.c360.customers") < x_of(&layout, "model.c360.segments"));
        assert_eq!(
            layout.labels.len(),
            4,
            "the extra mart column has no heading of its own"
        );
    }

    #[test]
    fn lineage_is_everything_upstream_and_downstream() {
        let layout = DagLayout::new(&project());
        let lineage = layout.lineage("model.c360.customers");
        assert!(lineage.contains("source.c360.web.transactions"));
        assert!(lineage.contains("model.c360.stg_sf__contacts"));
        assert!(!lineage.contains("model.c360.category"));
        let staging = layout.lineage("model.c360.stg_web__transactions");
        assert!(
            staging.contains("model.c360.category") && staging.contains("model.c360.customers")
        );
        assert!(!staging.contains("source.c360.salesforce.contacts"));
    }
}

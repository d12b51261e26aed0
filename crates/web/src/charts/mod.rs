//! The charts the dashboards draw, as SVG: bar, heat map, line, and what they share (the frame
//! with its table toggle, the tooltip).

pub mod bar;
pub mod frame;
pub mod heat_map;
pub mod line;
pub mod tooltip;

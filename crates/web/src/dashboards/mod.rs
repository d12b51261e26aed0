//! The dashboards: overview, segments, categories, recommendations and a customer's profile, drawn
//! from the figures the worker computes after each run.

pub mod categories;
pub mod data;
pub mod overview;
pub mod profile;
pub mod recommendations;
pub mod segments;

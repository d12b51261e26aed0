//! Words and values: what every other layer of the engine speaks. dbt's ids ([`unique_id`]),
//! typed columns ([`column`](mod@column)) of exact [`decimal`]s and [`time`]s, the columnar
//! [`table`] they make, [`slug`]s for names, and the one CSV writer ([`write`](mod@write)) a
//! table is written with. Nothing here imports from another engine folder.

pub mod column;
pub mod decimal;
pub mod slug;
pub mod table;
pub mod time;
pub mod unique_id;
pub mod write;

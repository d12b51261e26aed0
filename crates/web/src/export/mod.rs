//! The partner export page: the dataset masked for sharing, its columns' policies, the key and
//! the k-anonymity report.

pub mod columns;
pub mod key;
pub mod page;
pub mod report;

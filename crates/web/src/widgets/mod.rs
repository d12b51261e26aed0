//! Widgets several areas share: the table view and its pager, a test's status badge, content
//! mounted a task later.

pub mod data_table;
pub mod later;
pub mod pager;
pub mod status_badge;

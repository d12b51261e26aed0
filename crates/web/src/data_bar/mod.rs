//! The data and settings bar: which file each source reads, the as-of date, the kept session,
//! the column-mapping review and the page as a drop target.

pub mod as_of;
pub mod drop_target;
pub mod mapping_dialog;
pub mod session_notice;
pub mod source_picker;
pub mod sources_panel;

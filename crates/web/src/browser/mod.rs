//! The browser glue that draws nothing: the worker's client, the session's storage, downloads,
//! reading the user's files and the address bar.

pub mod client;
pub mod download;
pub mod file_loading;
pub mod handles;
pub mod picked_text;
pub mod router;
pub mod storage;

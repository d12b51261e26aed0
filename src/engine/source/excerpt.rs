//! The excerpt: the lines of a file a load failed at, for a shell to show beside the error.
//! Not the loader itself (which decides where a failure is) nor the error's words.

use serde::{Deserialize, Serialize};

use super::record::{Scan, Tokenizer};
use crate::engine::source::error::InputError;

/// An excerpt shows at most this many lines of a record ...
const EXCERPT_LINES: usize = 3;

/// ... each cut after this many characters.
const EXCERPT_CHARS: usize = 200;

/// The lines of the file a load failed at, for the app to show beside the error: the
/// physical lines of the failing record (the header, for an error in it), as decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpt {
    /// The 1-based line of `lines[0]`.
    pub first_line: u64,
    /// At most three lines, without their line ends, each cut after 200 characters with an
    /// ellipsis (`…`).
    pub lines: Vec<String>,
}

impl Excerpt {
    /// The record of `bytes` that starts at `start` (after any blank lines) on line `line`.
    pub(super) fn of_record(bytes: &[u8], start: usize, line: u64) -> Excerpt {
        let skipped = bytes[start..].iter().take_while(|&&b| b == b'\n').count();
        let start = start + skipped;
        let end = match Tokenizer::default().next(bytes, start, true) {
            Scan::Record { end, .. } => end,
            Scan::Incomplete | Scan::End => bytes.len(),
        };
        let text = String::from_utf8_lossy(&bytes[start..end]);
        let lines = text
            .strip_suffix('\n')
            .unwrap_or(&text)
            .split('\n')
            .take(EXCERPT_LINES)
            .map(|l| {
                let l = l.strip_suffix('\r').unwrap_or(l);
                match l.char_indices().nth(EXCERPT_CHARS) {
                    Some((cut, _)) => format!("{}…", &l[..cut]),
                    None => l.to_string(),
                }
            })
            .collect();
        Excerpt {
            first_line: line + skipped as u64,
            lines,
        }
    }
}

/// Why a load failed, and where (see `SourceLoader::finish_with_excerpt`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadFailure {
    pub error: InputError,
    /// The lines the error is about, when it is about some.
    pub excerpt: Option<Excerpt>,
}

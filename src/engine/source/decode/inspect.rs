//! Inspecting: the start of a file as the loader will read it, for the app to show before
//! loading (the encoding and delimiter found, the header, a few rows), by the loader's own
//! front stage and tokenizer, so that what is shown is what will be read.

use serde::{Deserialize, Serialize};

use super::{Delimiter, Front, TextEncoding, Unreadable};
use crate::engine::source::error::InputError;
use crate::engine::source::record::{count_newlines, header_name, Scan, Tokenizer};

/// At most this many rows after the header are sampled.
pub const SAMPLE_ROWS: usize = 20;

/// The start of a file, as the loader reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub encoding: TextEncoding,
    /// The delimiter, as sniffed or given (`b';'`).
    pub delimiter: u8,
    /// The header's names, trimmed as the loader trims them; empty when the start given
    /// ends before the header does.
    pub header: Vec<String>,
    /// Up to [`SAMPLE_ROWS`] records after the header, each field trimmed as the loader
    /// trims it (before the column's type is parsed). A record cut off by the end of the
    /// start given is left out, unless the start is the whole file.
    pub rows: Vec<Vec<String>>,
}

/// The start of a file named `file`, `start` (the loader decides the encoding from its first
/// [`SNIFF_BYTES`](super::SNIFF_BYTES), so pass that much if the file has it), read as the
/// loader reads it; `complete` when `start` is the whole file; `delimiter` the mapping's, if
/// it sets one.
///
/// An encoding c360 does not read, or a NUL or malformed text among the records shown, is the
/// loader's [`InputError::Encoding`]; the fields' types are not checked.
///
/// ```
/// use c360::engine::source::decode::{inspect, TextEncoding};
///
/// let head = inspect("orders.csv", b"id;amount\nt1; 12,5\nt2;3", false, None)?;
/// assert_eq!((head.encoding, head.delimiter), (TextEncoding::Utf8, b';'));
/// assert_eq!(head.header, ["id", "amount"]);
/// assert_eq!(head.rows, [["t1", "12,5"]], "t2 may go on");
/// # Ok::<(), c360::engine::InputError>(())
/// ```
pub fn inspect(
    file: &str,
    start: &[u8],
    complete: bool,
    delimiter: Option<Delimiter>,
) -> Result<Head, InputError> {
    let encoding_error = |line, found| InputError::Encoding {
        file: file.to_string(),
        line,
        found,
    };
    let mut front = Front::new(delimiter);
    let mut text = Vec::new();
    let mut stopped = front
        .start(start.to_vec(), complete, &mut text)
        .map_err(|why| encoding_error(None, why))?;
    let (encoding, delimiter) = front.decided().expect("decided by start");
    if let Some(nul) = memchr::memchr(0, &text) {
        text.truncate(nul);
        stopped = Some(Unreadable::Nul { encoding });
    }
    // Text that stops early is read as far as it goes, then the error is where it stops.
    let eof = complete && stopped.is_none();
    let stopped_here = |text: &[u8]| match stopped {
        Some(why) => Err(encoding_error(Some(1 + count_newlines(text)), why)),
        None => Ok(()),
    };
    let mut tok = Tokenizer::default();
    let mut head = Head {
        encoding,
        delimiter,
        header: Vec::new(),
        rows: Vec::new(),
    };
    let mut pos = match tok.next(&text, 0, eof) {
        Scan::Record { end, .. } => {
            head.header = (0..tok.len())
                .map(|i| header_name(tok.field(&text, i)))
                .collect();
            end
        }
        Scan::End => return Err(InputError::Empty { file: file.into() }),
        Scan::Incomplete => {
            stopped_here(&text)?;
            return Ok(head);
        }
    };
    while head.rows.len() < SAMPLE_ROWS {
        match tok.next(&text, pos, eof) {
            Scan::Record { end, .. } => {
                head.rows.push(
                    (0..tok.len())
                        .map(|i| {
                            String::from_utf8_lossy(tok.field(&text, i).trim_ascii()).into_owned()
                        })
                        .collect(),
                );
                pos = end;
            }
            Scan::End => break,
            Scan::Incomplete => {
                stopped_here(&text)?;
                break;
            }
        }
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::source::decode::tests::utf16;

    #[test]
    fn a_utf16_semicolon_file_is_shown_as_the_loader_reads_it() {
        let text = "\"id\" ; name\n\"1\";Zoë\n2;\"a;b\"\n3;cut";
        let head = inspect("c.csv", &utf16(text, false), false, None).unwrap();
        assert_eq!(head.encoding, TextEncoding::Utf16Be);
        assert_eq!(head.delimiter, b';');
        assert_eq!(head.header, ["id", "name"]);
        assert_eq!(head.rows, [["1", "Zoë"], ["2", "a;b"]]);
        // The whole file: the last record counts.
        let head = inspect("c.csv", &utf16(text, true), true, None).unwrap();
        assert_eq!(head.rows.len(), 3);
        assert_eq!(head.rows[2], ["3", "cut"]);
    }

    #[test]
    fn rows_are_sampled_up_to_the_limit_and_the_given_delimiter_wins() {
        let text: String = std::iter::once("a|b\n".to_string())
            .chain((0..50).map(|i| format!("{i}|x,y\n")))
            .collect();
        let head = inspect("p.csv", text.as_bytes(), true, None).unwrap();
        assert_eq!(head.delimiter, b'|');
        assert_eq!(head.rows.len(), SAMPLE_ROWS);
        assert_eq!(head.rows[19], ["19", "x,y"]);
        let head = inspect("p.csv", text.as_bytes(), true, Delimiter::new(b',')).unwrap();
        assert_eq!(head.header, ["a|b"]);
        assert_eq!(head.rows[0], ["0|x", "y"]);
        // Windows-1252, and a header still arriving.
        let head = inspect("w.csv", b"caf\xE9,b", false, None).unwrap();
        assert_eq!(head.encoding, TextEncoding::Windows1252);
        assert!(head.header.is_empty() && head.rows.is_empty());
    }

    #[test]
    fn what_the_loader_refuses_is_refused_with_its_error() {
        assert_eq!(
            inspect("e.csv", b"", true, None),
            Err(InputError::Empty {
                file: "e.csv".into()
            })
        );
        assert_eq!(
            inspect("n.csv", b"a,b\n1,2\n3,\x004\n", true, None),
            Err(InputError::Encoding {
                file: "n.csv".into(),
                line: Some(3),
                found: Unreadable::Nul {
                    encoding: TextEncoding::Utf8
                },
            })
        );
        assert!(matches!(
            inspect("u.csv", b"\xFF\xFE\x00\x00a\x00\x00\x00", true, None),
            Err(InputError::Encoding { line: None, .. })
        ));
    }
}

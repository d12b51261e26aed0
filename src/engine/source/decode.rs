//! Decoding, the front stage of the loader: exports saved as UTF-16 or Windows-1252, or
//! separated by semicolons, tabs or pipes, are turned into the comma-separated UTF-8 the
//! loader's tokenizer reads.
//!
//! It is push-based, inside the loader (`engine::source::SourceLoader`), so that every shell (the
//! CLI, the web worker, the benchmark) decodes the same way: the bytes fed are held until
//! [`SNIFF_BYTES`] have arrived or the file has ended, then the encoding is decided once,
//! from that start ([`sniff`]):
//!
//! - a UTF-16 byte-order mark (`FF FE` or `FE FF`) means UTF-16, decoded with `encoding_rs`;
//! - a UTF-8 byte-order mark, or a start that is valid UTF-8, means UTF-8, passed on
//!   untouched (the mark dropped) — the common case costs nothing;
//! - anything else is Windows-1252, in which every byte is a character.
//!
//! So a Windows-1252 file whose first [`SNIFF_BYTES`] are plain ASCII is read as UTF-8, and
//! a non-ASCII byte later is the loader's typed "not UTF-8" error naming its line, never a
//! silent misreading.
//!
//! What c360 does not read is refused with [`InputError::Encoding`], never guessed at: a
//! UTF-32 byte-order mark, a start with NUL bytes in every other place (UTF-16 saved without
//! a byte-order mark), and a NUL anywhere in the text, whatever the encoding (Windows-1252
//! maps every byte to a character, NUL included, but no CSV export holds one: it is a binary
//! file, or one in an encoding this sniff cannot tell), and UTF-16 that is not well formed (a
//! lone surrogate, an odd last byte).
//!
//! Then the delimiter is sniffed from the decoded start, or taken from the mapping, and a
//! semicolon-, tab- or pipe-separated file is rewritten to commas (see its `delimiter` module).
//! [`inspect`](fn@inspect) shows a file's start as the loader will read it.
//!
//! [`InputError::Encoding`]: crate::engine::InputError::Encoding

mod delimiter;
mod inspect;

use std::fmt;

pub use delimiter::{sniff_delimiter, Delimiter, DELIMITERS};
pub use inspect::{inspect, Head, SAMPLE_ROWS};

use delimiter::Rewriter;
use encoding_rs::{Decoder, DecoderResult, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::{Deserialize, Serialize};

/// How much of the start of a file decides its encoding.
pub const SNIFF_BYTES: usize = 1 << 20;

/// How much of the decoded start the delimiter is sniffed from.
const DELIMITER_SNIFF_BYTES: usize = 1 << 16;

/// The UTF-8 byte-order mark some exporters (Excel) put first.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text encodings c360 reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 (little-endian)",
            TextEncoding::Utf16Be => "UTF-16 (big-endian)",
            TextEncoding::Windows1252 => "Windows-1252",
        })
    }
}

/// What makes a file's bytes text c360 does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unreadable {
    /// Occurs when the file starts with a UTF-32 byte-order mark.
    Utf32 { big_endian: bool },
    /// Occurs when the start of the file has NUL bytes in every other place and no
    /// byte-order mark: UTF-16 saved without one.
    Utf16WithoutBom { big_endian: bool },
    /// Occurs when the text holds a NUL character, which no CSV export does.
    Nul { encoding: TextEncoding },
    /// Occurs when UTF-16 is not well formed: a lone surrogate, or an odd last byte.
    MalformedUtf16 { encoding: TextEncoding },
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endian = |big: bool| if big { "big-endian" } else { "little-endian" };
        match self {
            Unreadable::Utf32 { big_endian } => write!(
                f,
                "the file starts with a UTF-32 ({}) byte-order mark",
                endian(*big_endian)
            ),
            Unreadable::Utf16WithoutBom { big_endian } => write!(
                f,
                "the start of the file has a NUL byte in every other place, as UTF-16 ({}) \
                 without a byte-order mark has",
                endian(*big_endian)
            ),
            Unreadable::Nul { encoding } => {
                write!(f, "a NUL byte (0x00) in text read as {encoding}")
            }
            Unreadable::MalformedUtf16 { encoding } => write!(
                f,
                "bytes that are not {encoding} (a lone surrogate, or an odd last byte)"
            ),
        }
    }
}

/// The encoding of a file that starts with `start`; `complete` when `start` is the whole
/// file (otherwise a UTF-8 sequence cut at its end still counts as UTF-8).
pub fn sniff(start: &[u8], complete: bool) -> Result<TextEncoding, Unreadable> {
    // UTF-32 LE's mark starts with UTF-16 LE's: it is looked for first.
    if start.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Err(Unreadable::Utf32 { big_endian: false });
    }
    if start.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(Unreadable::Utf32 { big_endian: true });
    }
    if start.starts_with(&[0xFF, 0xFE]) {
        return Ok(TextEncoding::Utf16Le);
    }
    if start.starts_with(&[0xFE, 0xFF]) {
        return Ok(TextEncoding::Utf16Be);
    }
    if start.starts_with(UTF8_BOM) {
        // Said to be UTF-8: a byte that is not is the loader's error at its line.
        return Ok(TextEncoding::Utf8);
    }
    // Text with a NUL in a quarter of its bytes or more is not 8-bit text with a stray NUL.
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in start.chunks(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair.get(1) == Some(&0));
    }
    if start.len() >= 4 && 4 * (even + odd) >= start.len() {
        return Err(Unreadable::Utf16WithoutBom {
            big_endian: even > odd,
        });
    }
    match std::str::from_utf8(start) {
        Ok(_) => Ok(TextEncoding::Utf8),
        Err(e) if e.error_len().is_none() && !complete => Ok(TextEncoding::Utf8),
        Err(_) => Ok(TextEncoding::Windows1252),
    }
}

/// The front stage: decides the encoding and the delimiter from the start of a file, then
/// turns each piece of it into comma-separated UTF-8. A piece may end anywhere (inside a
/// UTF-16 code unit, a surrogate pair, a quoted field): the output is the same.
pub(crate) struct Front {
    /// The delimiter the mapping sets, if any: not sniffed then.
    given: Option<Delimiter>,
    stage: Stage,
}

enum Stage {
    /// Nothing decided yet.
    Sniffing,
    Running {
        encoding: TextEncoding,
        delimiter: u8,
        /// For UTF-16 and Windows-1252.
        decoder: Option<Decoder>,
        /// For a delimiter other than the comma.
        rewriter: Option<Rewriter>,
        /// Decoded and not yet rewritten (the rewriter's input).
        decoded: Vec<u8>,
        /// No more output: the input has ended, or stopped being well formed.
        finished: bool,
    },
}

impl Front {
    pub(crate) fn new(given: Option<Delimiter>) -> Front {
        Front {
            given,
            stage: Stage::Sniffing,
        }
    }

    /// Whether the encoding and the delimiter are still to be decided.
    pub(crate) fn sniffing(&self) -> bool {
        matches!(self.stage, Stage::Sniffing)
    }

    /// Whether bytes are passed on as they come (UTF-8, comma-separated): the hot path, in
    /// which the loader reads straight into its own buffer.
    pub(crate) fn passes_through(&self) -> bool {
        matches!(
            self.stage,
            Stage::Running {
                decoder: None,
                rewriter: None,
                ..
            }
        )
    }

    /// The encoding and the delimiter, once decided.
    pub(crate) fn decided(&self) -> Option<(TextEncoding, u8)> {
        match &self.stage {
            Stage::Sniffing => None,
            Stage::Running {
                encoding,
                delimiter,
                ..
            } => Some((*encoding, *delimiter)),
        }
    }

    /// Decides from `head`, the start of the file (at least [`SNIFF_BYTES`] of it, or all of
    /// it when `complete`), and appends its comma-separated UTF-8 to `out`; `Err` when the
    /// file cannot be read as text, and `Ok(Some(_))` when the output stops early, there.
    pub(crate) fn start(
        &mut self,
        mut head: Vec<u8>,
        complete: bool,
        out: &mut Vec<u8>,
    ) -> Result<Option<Unreadable>, Unreadable> {
        let encoding = sniff(&head, complete)?;
        let mut decoder = match encoding {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf16Le => Some(UTF_16LE.new_decoder_with_bom_removal()),
            TextEncoding::Utf16Be => Some(UTF_16BE.new_decoder_with_bom_removal()),
            TextEncoding::Windows1252 => Some(WINDOWS_1252.new_decoder_without_bom_handling()),
        };
        let mut stopped = None;
        let mut decoded = match decoder.as_mut() {
            None => {
                if head.starts_with(UTF8_BOM) {
                    head.drain(..UTF8_BOM.len());
                }
                head
            }
            Some(decoder) => {
                let mut decoded = Vec::new();
                stopped = decode(decoder, encoding, &head, false, &mut decoded);
                decoded
            }
        };
        let delimiter = match self.given {
            Some(d) => d.byte(),
            None => {
                let sample = decoded.len().min(DELIMITER_SNIFF_BYTES);
                let whole = complete && stopped.is_none() && sample == decoded.len();
                sniff_delimiter(&decoded[..sample], whole)
            }
        };
        let mut rewriter = (delimiter != b',').then(|| Rewriter::new(delimiter));
        match rewriter.as_mut() {
            Some(r) => {
                r.push(&decoded, out);
                decoded.clear();
            }
            None if out.is_empty() => std::mem::swap(out, &mut decoded),
            None => out.append(&mut decoded),
        }
        self.stage = Stage::Running {
            encoding,
            delimiter,
            decoder,
            rewriter,
            decoded,
            finished: stopped.is_some(),
        };
        if complete {
            return Ok(stopped.or(self.finish(out)));
        }
        Ok(stopped)
    }

    /// Appends the comma-separated UTF-8 of `input`, the next piece of the file, to `out`;
    /// `Some` when the output stops early, there. Only after [`Front::start`].
    pub(crate) fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Option<Unreadable> {
        let Stage::Running {
            encoding,
            decoder,
            rewriter,
            decoded,
            finished,
            ..
        } = &mut self.stage
        else {
            unreachable!("the loader starts the front stage before pushing to it");
        };
        if *finished {
            return None;
        }
        let stopped = match decoder.as_mut() {
            None => {
                match rewriter.as_mut() {
                    Some(r) => r.push(input, out),
                    None => out.extend_from_slice(input),
                }
                return None;
            }
            Some(decoder) => match rewriter.as_mut() {
                None => decode(decoder, *encoding, input, false, out),
                Some(r) => {
                    decoded.clear();
                    let stopped = decode(decoder, *encoding, input, false, decoded);
                    r.push(decoded, out);
                    stopped
                }
            },
        };
        *finished = stopped.is_some();
        stopped
    }

    /// The file has ended: appends what the decoder and the rewriter still hold to `out`;
    /// `Some` when the end is not well formed.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) -> Option<Unreadable> {
        let Stage::Running {
            encoding,
            decoder,
            rewriter,
            decoded,
            finished,
            ..
        } = &mut self.stage
        else {
            return None;
        };
        if std::mem::replace(finished, true) {
            return None;
        }
        decoded.clear();
        let stopped = match decoder.as_mut() {
            Some(d) => decode(d, *encoding, &[], true, decoded),
            None => None,
        };
        match rewriter.as_mut() {
            Some(r) => {
                r.push(decoded, out);
                r.finish(out);
            }
            None => out.append(decoded),
        }
        stopped
    }
}

/// Decodes `input` to UTF-8 onto `out`; `last` when the file ends after it. Stops at the
/// first byte sequence that is not `encoding` (only UTF-16 has such sequences), and says so.
fn decode(
    decoder: &mut Decoder,
    encoding: TextEncoding,
    input: &[u8],
    last: bool,
    out: &mut Vec<u8>,
) -> Option<Unreadable> {
    let Some(room) = decoder.max_utf8_buffer_length_without_replacement(input.len()) else {
        // More than the address space: no buffer could hold the file anyway.
        return Some(Unreadable::MalformedUtf16 { encoding });
    };
    let len = out.len();
    out.resize(len + room, 0);
    // The buffer holds the worst case, so the whole input is decoded in one call.
    let (result, _, written) =
        decoder.decode_to_utf8_without_replacement(input, &mut out[len..], last);
    out.truncate(len + written);
    match result {
        DecoderResult::InputEmpty => None,
        DecoderResult::Malformed(..) | DecoderResult::OutputFull => {
            Some(Unreadable::MalformedUtf16 { encoding })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `bytes` through the front stage in pieces of `step` bytes.
    fn decoded(bytes: &[u8], step: usize) -> (String, TextEncoding) {
        let mut front = Front::new(None);
        let mut out = Vec::new();
        let head = bytes.len().min(SNIFF_BYTES);
        front
            .start(bytes[..head].to_vec(), head == bytes.len(), &mut out)
            .unwrap();
        for piece in bytes[head..].chunks(step) {
            assert_eq!(front.push(piece, &mut out), None);
        }
        assert_eq!(front.finish(&mut out), None);
        let (encoding, _) = front.decided().unwrap();
        (String::from_utf8(out).unwrap(), encoding)
    }

    const TEXT: &str = "id,name\nc1,Zoë Müller-Ŝ 😀\nc2,Café\n";

    pub(crate) fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let b = if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend_from_slice(&b);
        }
        bytes
    }

    #[test]
    fn utf8_with_or_without_a_bom_passes_through_with_the_mark_dropped() {
        assert_eq!(
            decoded(TEXT.as_bytes(), 3),
            (TEXT.into(), TextEncoding::Utf8)
        );
        let with_bom = [UTF8_BOM, TEXT.as_bytes()].concat();
        assert_eq!(decoded(&with_bom, 1), (TEXT.into(), TextEncoding::Utf8));
        assert_eq!(decoded(b"", 1), (String::new(), TextEncoding::Utf8));
    }

    #[test]
    fn utf16_with_a_bom_is_decoded_whichever_way_it_is_split() {
        // A start longer than the sniff, so that the rest arrives in pieces.
        let long = format!("{TEXT}{}", "c3,Ŝ😀\n".repeat(SNIFF_BYTES / 16));
        for step in [1, 2, 3, 5, 1 << 20] {
            for little in [true, false] {
                let encoding = if little {
                    TextEncoding::Utf16Le
                } else {
                    TextEncoding::Utf16Be
                };
                assert_eq!(decoded(&utf16(TEXT, little), step), (TEXT.into(), encoding));
                assert!(
                    decoded(&utf16(&long, little), step) == (long.clone(), encoding),
                    "{step}"
                );
            }
        }
    }

    #[test]
    fn windows_1252_is_decoded_when_the_start_is_not_utf8() {
        // "Café – 5€" in Windows-1252: é E9, en dash 96, euro 80.
        let bytes = b"id,name\nc1,Caf\xE9 \x96 5\x80\n";
        assert_eq!(
            decoded(bytes, 1),
            ("id,name\nc1,Café – 5€\n".into(), TextEncoding::Windows1252)
        );
    }

    #[test]
    fn sniffing_looks_at_the_start_only() {
        assert_eq!(sniff(b"plain ascii", true), Ok(TextEncoding::Utf8));
        // A UTF-8 sequence cut by the end of the sample is still UTF-8, unless the file ends.
        assert_eq!(sniff(&"é".as_bytes()[..1], false), Ok(TextEncoding::Utf8));
        assert_eq!(
            sniff(&"é".as_bytes()[..1], true),
            Ok(TextEncoding::Windows1252)
        );
        assert_eq!(sniff(b"\xE9t\xE9", false), Ok(TextEncoding::Windows1252));
        assert_eq!(sniff(b"\xFF\xFEa\x00", true), Ok(TextEncoding::Utf16Le));
        assert_eq!(sniff(b"\xFE\xFF\x00a", true), Ok(TextEncoding::Utf16Be));
        assert_eq!(sniff(b"\xEF\xBB\xBFcaf\xE9", true), Ok(TextEncoding::Utf8));
        // One stray NUL is not UTF-16: the loader names its line.
        assert_eq!(sniff(b"id,name\n1,a\x00b\n", true), Ok(TextEncoding::Utf8));
    }

    #[test]
    fn utf32_and_utf16_without_a_bom_are_refused() {
        assert_eq!(
            sniff(b"\xFF\xFE\x00\x00i\x00\x00\x00", true),
            Err(Unreadable::Utf32 { big_endian: false })
        );
        assert_eq!(
            sniff(b"\x00\x00\xFE\xFF\x00\x00\x00i", true),
            Err(Unreadable::Utf32 { big_endian: true })
        );
        let le: Vec<u8> = "id,name\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "id,name\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(
            sniff(&le, true),
            Err(Unreadable::Utf16WithoutBom { big_endian: false })
        );
        assert_eq!(
            sniff(&be, true),
            Err(Unreadable::Utf16WithoutBom { big_endian: true })
        );
    }

    #[test]
    fn malformed_utf16_stops_the_output_where_it_is() {
        // "a\n" then a lone high surrogate, then "b".
        let bytes = b"\xFF\xFEa\x00\n\x00\x00\xD8b\x00";
        let mut front = Front::new(None);
        let mut out = Vec::new();
        let stopped = front.start(bytes.to_vec(), true, &mut out).unwrap();
        assert_eq!(
            stopped,
            Some(Unreadable::MalformedUtf16 {
                encoding: TextEncoding::Utf16Le
            })
        );
        assert_eq!(out, b"a\n");
        // An odd last byte, arriving after the start.
        let mut front = Front::new(None);
        let mut out = Vec::new();
        assert_eq!(
            front.start(b"\xFF\xFEa\x00".to_vec(), false, &mut out),
            Ok(None)
        );
        assert_eq!(front.push(b"b", &mut out), None);
        assert!(front.finish(&mut out).is_some());
        assert_eq!(out, b"a");
    }

    #[test]
    fn a_given_delimiter_is_used_instead_of_the_sniffed_one() {
        // Sniffed, this is a comma file; given the semicolon, it has one field a line.
        let bytes = b"a;b,c\n1;2,3\n";
        let mut front = Front::new(Delimiter::new(b';'));
        let mut out = Vec::new();
        front.start(bytes.to_vec(), true, &mut out).unwrap();
        assert_eq!(front.decided(), Some((TextEncoding::Utf8, b';')));
        assert_eq!(out, b"a,\"b,c\"\n1,\"2,3\"\n");
    }
}

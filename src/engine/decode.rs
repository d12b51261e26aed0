//! Decoding, the front stage before the loader: exports saved as UTF-16 or Windows-1252 are
//! turned into the UTF-8 the loader reads.
//!
//! Spreadsheet programs save CSV as UTF-16 (with a byte-order mark) or in the Windows code
//! page (Windows-1252, a superset of Latin-1 in its printable range). The encoding is decided
//! once, from the start of the file ([`sniff`]):
//!
//! - a UTF-16 byte-order mark (`FF FE` or `FE FF`) means UTF-16, decoded with `encoding_rs`;
//! - a UTF-8 byte-order mark, or a start that is valid UTF-8, means UTF-8, passed through
//!   untouched (the loader strips the mark) — the common case costs nothing;
//! - anything else is Windows-1252, in which every byte is a character.
//!
//! So a Windows-1252 file whose first [`SNIFF_BYTES`] are plain ASCII is read as UTF-8, and
//! a non-ASCII byte later is the loader's typed "not UTF-8" error naming its line, never a
//! silent misreading.
//!
//! Then [`DelimitedReader`] rewrites a semicolon-, tab- or pipe-separated file to commas
//! (see [`delimiter`]).

mod delimiter;

use std::io::{self, Read};

pub use delimiter::{sniff_delimiter, DelimitedReader, DELIMITERS};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::Serialize;

/// How much of the start of a file decides its encoding.
pub const SNIFF_BYTES: usize = 1 << 20;

/// How much is read from the file at a time while transcoding.
const CHUNK: usize = 1 << 16;

/// The text encodings c360 reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

/// The encoding of a file that starts with `start`; `complete` when `start` is the whole
/// file (otherwise a UTF-8 sequence cut at its end still counts as UTF-8).
pub fn sniff(start: &[u8], complete: bool) -> TextEncoding {
    if start.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16Le;
    }
    if start.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16Be;
    }
    match std::str::from_utf8(start) {
        Ok(_) => TextEncoding::Utf8,
        Err(e) if e.error_len().is_none() && !complete => TextEncoding::Utf8,
        Err(_) => TextEncoding::Windows1252,
    }
}

/// A reader of UTF-8: the file read through it, decoded from the encoding [`sniff`] finds.
///
/// For the loader, wrap it in a [`DelimitedReader`]: [`front`] does both.
pub struct DecodingReader<R> {
    inner: R,
    /// The start of the file, read to sniff it, and how much of it was handed on.
    head: Vec<u8>,
    head_pos: usize,
    encoding: Option<TextEncoding>,
    /// Set while transcoding, and the UTF-8 decoded but not yet handed on.
    decoder: Option<Decoder>,
    out: Vec<u8>,
    out_pos: usize,
    inner_done: bool,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R) -> Self {
        DecodingReader {
            inner,
            head: Vec::new(),
            head_pos: 0,
            encoding: None,
            decoder: None,
            out: Vec::new(),
            out_pos: 0,
            inner_done: false,
        }
    }

    /// The encoding found, once the first read has sniffed it.
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.encoding
    }

    fn sniff_start(&mut self) -> io::Result<TextEncoding> {
        let mut chunk = vec![0; CHUNK];
        while self.head.len() < SNIFF_BYTES {
            match self.inner.read(&mut chunk) {
                Ok(0) => {
                    self.inner_done = true;
                    break;
                }
                Ok(n) => self.head.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let encoding = sniff(&self.head, self.inner_done);
        self.decoder = match encoding {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf16Le => Some(UTF_16LE.new_decoder_with_bom_removal()),
            TextEncoding::Utf16Be => Some(UTF_16BE.new_decoder_with_bom_removal()),
            TextEncoding::Windows1252 => Some(WINDOWS_1252.new_decoder_without_bom_handling()),
        };
        self.encoding = Some(encoding);
        Ok(encoding)
    }

    /// Decodes the next piece of input into `out`; false once everything is decoded.
    fn transcode_more(&mut self) -> io::Result<bool> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(false);
        };
        let input: Vec<u8> = if self.head_pos < self.head.len() {
            let rest = self.head[self.head_pos..].to_vec();
            self.head_pos = self.head.len();
            rest
        } else if self.inner_done {
            Vec::new()
        } else {
            let mut chunk = vec![0; CHUNK];
            loop {
                match self.inner.read(&mut chunk) {
                    Ok(n) => {
                        chunk.truncate(n);
                        self.inner_done = n == 0;
                        break chunk;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        };
        let last = self.inner_done && self.head_pos >= self.head.len();
        let capacity = decoder
            .max_utf8_buffer_length(input.len())
            .ok_or_else(|| io::Error::other("the file is too large to decode"))?;
        self.out.clear();
        self.out.resize(capacity, 0);
        self.out_pos = 0;
        // The buffer holds the worst case, so the whole input is decoded in one call.
        let (_, read, written, _) = decoder.decode_to_utf8(&input, &mut self.out, last);
        debug_assert_eq!(read, input.len());
        self.out.truncate(written);
        if last {
            self.decoder = None;
        }
        Ok(!last || written > 0)
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let encoding = match self.encoding {
            Some(e) => e,
            None => self.sniff_start()?,
        };
        if encoding == TextEncoding::Utf8 {
            if self.head_pos < self.head.len() {
                let n = buf.len().min(self.head.len() - self.head_pos);
                buf[..n].copy_from_slice(&self.head[self.head_pos..self.head_pos + n]);
                self.head_pos += n;
                return Ok(n);
            }
            if self.inner_done {
                return Ok(0);
            }
            return self.inner.read(buf);
        }
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if !self.transcode_more()? && self.out_pos >= self.out.len() {
                return Ok(0);
            }
        }
    }
}

/// The front stage before the loader: the file decoded to UTF-8, then its delimiter
/// rewritten to commas.
pub fn front<R: Read>(file: R) -> DelimitedReader<DecodingReader<R>> {
    DelimitedReader::new(DecodingReader::new(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing out `step` bytes at a time, to split every sequence somewhere.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn decoded(bytes: &[u8], step: usize) -> (String, TextEncoding) {
        let mut reader = DecodingReader::new(Trickle { bytes, step });
        let mut out = Vec::new();
        // Small reads too, so that the output is handed on in pieces.
        let mut buf = [0u8; 7];
        loop {
            match reader.read(&mut buf).unwrap() {
                0 => break,
                n => out.extend_from_slice(&buf[..n]),
            }
        }
        (String::from_utf8(out).unwrap(), reader.encoding().unwrap())
    }

    const TEXT: &str = "id,name\nc1,Zoë Müller-Ŝ 😀\nc2,Café\n";

    fn utf16(text: &str, little: bool) -> Vec<u8> {
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
    fn utf8_with_or_without_a_bom_passes_through_untouched() {
        for step in [1, 3, 1 << 20] {
            assert_eq!(
                decoded(TEXT.as_bytes(), step),
                (TEXT.into(), TextEncoding::Utf8)
            );
            let with_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
            let (text, encoding) = decoded(&with_bom, step);
            assert_eq!(encoding, TextEncoding::Utf8);
            assert_eq!(
                text,
                format!("\u{feff}{TEXT}"),
                "the loader strips the mark"
            );
        }
        assert_eq!(decoded(b"", 1), (String::new(), TextEncoding::Utf8));
    }

    #[test]
    fn utf16_with_a_bom_is_decoded_whichever_way_it_is_split() {
        for step in [1, 2, 3, 5, 1 << 20] {
            assert_eq!(
                decoded(&utf16(TEXT, true), step),
                (TEXT.into(), TextEncoding::Utf16Le),
                "{step}"
            );
            assert_eq!(
                decoded(&utf16(TEXT, false), step),
                (TEXT.into(), TextEncoding::Utf16Be),
                "{step}"
            );
        }
    }

    #[test]
    fn windows_1252_is_decoded_when_the_start_is_not_utf8() {
        // "Café – 5€" in Windows-1252: é E9, en dash 96, euro 80.
        let bytes = b"id,name\nc1,Caf\xE9 \x96 5\x80\n";
        for step in [1, 4, 1 << 20] {
            assert_eq!(
                decoded(bytes, step),
                ("id,name\nc1,Café – 5€\n".into(), TextEncoding::Windows1252)
            );
        }
    }

    #[test]
    fn sniffing_looks_at_the_start_only() {
        assert_eq!(sniff(b"plain ascii", true), TextEncoding::Utf8);
        // A UTF-8 sequence cut by the end of the sample is still UTF-8, unless the file ends.
        assert_eq!(
            sniff("é".as_bytes()[..1].as_ref(), false),
            TextEncoding::Utf8
        );
        assert_eq!(
            sniff("é".as_bytes()[..1].as_ref(), true),
            TextEncoding::Windows1252
        );
        assert_eq!(sniff(b"\xE9t\xE9", false), TextEncoding::Windows1252);
        assert_eq!(sniff(b"\xFF\xFEa\x00", true), TextEncoding::Utf16Le);
        assert_eq!(sniff(b"\xFE\xFF\x00a", true), TextEncoding::Utf16Be);
    }
}

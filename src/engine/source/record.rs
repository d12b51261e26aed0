//! Splitting CSV bytes into records and fields, by exactly the rules the `csv` crate follows
//! with a `\n` terminator (its `csv-core` state machine), but over a slice: unquoted and
//! plainly quoted fields are borrowed from the input, and only a field with a doubled quote
//! or text after its closing quote is copied.
//!
//! The rules: a record ends at a `\n` outside quotes (a `\r` before it is data, trimmed
//! later); blank lines between records are skipped; a `"` opens a quoted field only at the
//! start of a field, where `""` is a quote and anything after the closing quote up to the
//! next `,` or `\n` is appended as it is; a `"` anywhere else is data; input that ends inside
//! a quoted field ends the field and the record. Nothing here can fail: the caller checks the
//! number of fields.

use memchr::memchr2;

/// Where one field's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Span {
    /// `input[start..end]`.
    Input(usize, usize),
    /// `scratch[start..end]`: the field needed unescaping.
    Scratch(usize, usize),
}

/// What [`Tokenizer::next`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A whole record: its first byte (after any blank lines) and the position after it.
    Record { start: usize, end: usize },
    /// The record is not complete in the input yet (more bytes are coming).
    Incomplete,
    /// Nothing but blank lines remain, and the input has ended.
    End,
}

/// The fields of the last record read, reused from record to record.
#[derive(Default)]
pub(crate) struct Tokenizer {
    pub spans: Vec<Span>,
    pub scratch: Vec<u8>,
    /// Whether the last record ended inside a quoted field because the input did.
    pub unclosed: bool,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is zero (exactly: no false positives).
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    !(((word & !HIGH).wrapping_add(!HIGH)) | word) & HIGH
}

/// The first byte at or after `from` that is `a` or `b`, eight bytes at a time: fields are
/// short, and a vectorised search's set-up costs more than a word-at-a-time scan of them.
#[inline(always)]
fn find2(input: &[u8], from: usize, a: u8, b: u8) -> Option<usize> {
    let (wa, wb) = (ONES * u64::from(a), ONES * u64::from(b));
    let mut i = from;
    while let Some(chunk) = input.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let hits = zero_bytes(word ^ wa) | zero_bytes(word ^ wb);
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
        if i - from >= 64 {
            // A long field: the vectorised search pays from here.
            return memchr2(a, b, input.get(i..)?).map(|j| i + j);
        }
    }
    input
        .get(i..)?
        .iter()
        .position(|&c| c == a || c == b)
        .map(|j| i + j)
}

/// The position of the first `,` or `\n` at or after `from`.
#[inline(always)]
fn field_end(input: &[u8], from: usize) -> Option<usize> {
    find2(input, from, b',', b'\n')
}

/// The position of the first `"` at or after `from`.
#[inline(always)]
fn next_quote(input: &[u8], from: usize) -> Option<usize> {
    find2(input, from, b'"', b'"')
}

impl Tokenizer {
    /// The field `i` of the last record, as bytes (untrimmed).
    #[inline(always)]
    pub fn field<'a>(&'a self, input: &'a [u8], i: usize) -> &'a [u8] {
        match self.spans[i] {
            Span::Input(s, e) => &input[s..e],
            Span::Scratch(s, e) => &self.scratch[s..e],
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Reads the record that starts at `pos` (a record boundary). With `eof`, the input is
    /// all there is: a record without a final newline ends where the input does.
    pub fn next(&mut self, input: &[u8], mut pos: usize, eof: bool) -> Scan {
        self.spans.clear();
        self.scratch.clear();
        self.unclosed = false;
        while input.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        let start = pos;
        if pos == input.len() {
            return if eof { Scan::End } else { Scan::Incomplete };
        }
        let len = input.len();
        loop {
            // At the start of a field.
            if input.get(pos) != Some(&b'"') {
                match field_end(input, pos) {
                    Some(i) => {
                        self.spans.push(Span::Input(pos, i));
                        if input[i] == b'\n' {
                            return Scan::Record { start, end: i + 1 };
                        }
                        pos = i + 1;
                        continue;
                    }
                    None if eof => {
                        self.spans.push(Span::Input(pos.min(len), len));
                        return Scan::Record { start, end: len };
                    }
                    None => return Scan::Incomplete,
                }
            }
            // A quoted field: `seg` is where the not yet stored part of its text starts.
            pos += 1;
            let mut seg = pos;
            let mut copied: Option<usize> = None;
            loop {
                let Some(q) = next_quote(input, pos) else {
                    if !eof {
                        return Scan::Incomplete;
                    }
                    self.finish_quoted(input, copied, seg, len);
                    self.unclosed = true;
                    return Scan::Record { start, end: len };
                };
                match input.get(q + 1) {
                    None if !eof => return Scan::Incomplete,
                    None => {
                        self.finish_quoted(input, copied, seg, q);
                        return Scan::Record { start, end: len };
                    }
                    Some(b'"') => {
                        copied.get_or_insert(self.scratch.len());
                        self.scratch.extend_from_slice(&input[seg..=q]);
                        pos = q + 2;
                        seg = pos;
                    }
                    Some(b',') => {
                        self.finish_quoted(input, copied, seg, q);
                        pos = q + 2;
                        break;
                    }
                    Some(b'\n') => {
                        self.finish_quoted(input, copied, seg, q);
                        return Scan::Record { start, end: q + 2 };
                    }
                    Some(_) => {
                        // Text after the closing quote belongs to the field, quotes and all,
                        // up to the next delimiter or line end.
                        let from = *copied.get_or_insert(self.scratch.len());
                        self.scratch.extend_from_slice(&input[seg..q]);
                        let end = match field_end(input, q + 1) {
                            Some(i) => i,
                            None if eof => len,
                            None => return Scan::Incomplete,
                        };
                        self.scratch.extend_from_slice(&input[q + 1..end]);
                        self.spans.push(Span::Scratch(from, self.scratch.len()));
                        if end == len {
                            return Scan::Record { start, end: len };
                        }
                        if input[end] == b'\n' {
                            return Scan::Record {
                                start,
                                end: end + 1,
                            };
                        }
                        pos = end + 1;
                        break;
                    }
                }
            }
        }
    }

    /// Stores a quoted field whose text ends at `end` (exclusive).
    fn finish_quoted(&mut self, input: &[u8], copied: Option<usize>, seg: usize, end: usize) {
        match copied {
            None => self.spans.push(Span::Input(seg, end)),
            Some(from) => {
                self.scratch.extend_from_slice(&input[seg..end]);
                self.spans.push(Span::Scratch(from, self.scratch.len()));
            }
        }
    }
}

/// A record's fields, wherever they are kept.
pub(super) trait Fields {
    /// Field `i`, untrimmed.
    fn field(&self, i: usize) -> &[u8];
}

/// The record a tokenizer just read, over its input.
pub(super) struct Read<'a>(pub &'a Tokenizer, pub &'a [u8]);

impl Fields for Read<'_> {
    #[inline(always)]
    fn field(&self, i: usize) -> &[u8] {
        self.0.field(self.1, i)
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// The top bit of an offset in a [`Layout`]: the offset is into its unescaped bytes.
const UNESCAPED: u32 = 1 << 31;

#[cfg(not(target_arch = "wasm32"))]
/// Where the fields of a block's records are, written down by the thread that split the
/// records so that another thread reads the same fields without splitting them again.
pub(super) struct Layout {
    /// Per record: where it starts, then each field's start and end; an offset with the top
    /// bit set is into `unescaped`.
    offsets: Vec<u32>,
    unescaped: Vec<u8>,
    /// False once an offset did not fit in 31 bits (a block of 2 GiB): the reader must split
    /// the records itself.
    fits: bool,
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for Layout {
    fn default() -> Self {
        Layout {
            offsets: Vec::new(),
            unescaped: Vec::new(),
            fits: true,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Layout {
    /// Writes down the record `tok` holds, which starts at `start`.
    #[inline]
    pub fn push(&mut self, tok: &Tokenizer, start: usize) {
        let fit = |v: usize| u32::try_from(v).ok().filter(|&v| v < UNESCAPED);
        if !self.fits {
            return;
        }
        let base = self.unescaped.len();
        let Some(start) = fit(start) else {
            self.fits = false;
            return;
        };
        self.offsets.push(start);
        for span in &tok.spans {
            let (a, b, flag) = match *span {
                Span::Input(a, b) => (a, b, 0),
                Span::Scratch(a, b) => (base + a, base + b, UNESCAPED),
            };
            let (Some(a), Some(b)) = (fit(a), fit(b)) else {
                self.fits = false;
                return;
            };
            self.offsets.push(a | flag);
            self.offsets.push(b | flag);
        }
        self.unescaped.extend_from_slice(&tok.scratch);
    }

    /// Empties the layout, keeping its allocations for the next block.
    pub fn clear(&mut self) {
        self.offsets.clear();
        self.unescaped.clear();
        self.fits = true;
    }

    /// The layout, if every offset fitted.
    pub fn usable(self) -> Option<Layout> {
        self.fits.then_some(self)
    }

    /// The records of `bytes` laid out here, each `width` fields wide.
    pub fn records<'a>(
        &'a self,
        bytes: &'a [u8],
        width: usize,
    ) -> impl Iterator<Item = LaidOut<'a>> {
        self.offsets
            .chunks_exact(1 + 2 * width)
            .map(move |offsets| LaidOut {
                offsets,
                bytes,
                unescaped: &self.unescaped,
            })
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// One record of a [`Layout`].
pub(super) struct LaidOut<'a> {
    offsets: &'a [u32],
    bytes: &'a [u8],
    unescaped: &'a [u8],
}

#[cfg(not(target_arch = "wasm32"))]
impl LaidOut<'_> {
    /// Where the record starts in its block.
    pub fn start(&self) -> usize {
        self.offsets[0] as usize
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Fields for LaidOut<'_> {
    #[inline(always)]
    fn field(&self, i: usize) -> &[u8] {
        let (a, b) = (self.offsets[1 + 2 * i], self.offsets[2 + 2 * i]);
        let range = (a & !UNESCAPED) as usize..(b & !UNESCAPED) as usize;
        if a & UNESCAPED == 0 {
            &self.bytes[range]
        } else {
            &self.unescaped[range]
        }
    }
}

/// How many `\n` bytes `bytes` holds (for line numbers, counted only when needed).
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// A header's name as the loader reads it: trimmed of spaces and of a stray byte-order mark.
pub(crate) fn header_name(field: &[u8]) -> String {
    String::from_utf8_lossy(field)
        .trim_start_matches('\u{feff}')
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `input` as strings, read to the end.
    fn records(input: &str) -> Vec<Vec<String>> {
        let input = input.as_bytes();
        let mut tok = Tokenizer::default();
        let mut pos = 0;
        let mut out = Vec::new();
        while let Scan::Record { end, .. } = tok.next(input, pos, true) {
            out.push(
                (0..tok.len())
                    .map(|i| String::from_utf8(tok.field(input, i).to_vec()).unwrap())
                    .collect(),
            );
            pos = end;
        }
        out
    }

    #[test]
    fn splits_like_the_csv_crate() {
        assert_eq!(
            records("a,b\n\n\nc,\"d,\"\"e\"\"\nf\"\n"),
            [vec!["a", "b"], vec!["c", "d,\"e\"\nf"]]
        );
        assert_eq!(
            records("\"ab\"cd\"e,x\na\"b,\"\n"),
            [vec!["abcd\"e", "x"], vec!["a\"b", "\n"]]
        );
        assert_eq!(records("a,\r\n,"), [vec!["a", "\r"], vec!["", ""]]);
        assert_eq!(records("\"unterminated,\n"), [vec!["unterminated,\n"]]);
        assert_eq!(records("\"x\"\"\""), [vec!["x\""]]);
        assert!(records("\n\n").is_empty());
    }

    #[test]
    fn an_unfinished_record_waits_for_more() {
        let mut tok = Tokenizer::default();
        for partial in ["a,b", "\"a\n", "\"a\"", "a,\"b\"c"] {
            assert_eq!(
                tok.next(partial.as_bytes(), 0, false),
                Scan::Incomplete,
                "{partial:?}"
            );
        }
        assert_eq!(
            tok.next(b"\n\na,b\nc", 0, false),
            Scan::Record { start: 2, end: 6 }
        );
    }
}

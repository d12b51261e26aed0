//! Delimiters: exports separated by semicolons, tabs or pipes are rewritten to the commas
//! the loader reads, after decoding.
//!
//! The delimiter is the mapping's, if it sets one ([`Delimiter`]), or sniffed from the first
//! lines ([`sniff_delimiter`]): the candidate
//! (comma, semicolon, tab, pipe, in that order of preference) found outside quotes the same
//! number of times, at least once, on every complete line of the sample. A comma file, or one
//! with no consistent candidate, passes through untouched. Otherwise each delimiter outside
//! quotes becomes a comma, and an unquoted field holding a comma or a quote (`12,5` in a
//! semicolon file) is quoted, so the loader reads the same fields; line breaks are kept, so
//! the loader's line numbers are the file's.

use std::fmt;

use serde::{Deserialize, Serialize};

/// At most this many lines of the sample are compared.
const SNIFF_LINES: usize = 20;

/// The delimiters c360 recognises, in order of preference.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A field delimiter c360 reads: one of [`DELIMITERS`]. In JSON, the delimiter as a
/// one-character string: `","`, `";"`, `"\t"` or `"|"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Delimiter(u8);

impl Delimiter {
    /// The delimiter `byte`, if c360 reads it.
    pub fn new(byte: u8) -> Option<Delimiter> {
        DELIMITERS.contains(&byte).then_some(Delimiter(byte))
    }

    pub fn byte(self) -> u8 {
        self.0
    }

    /// The delimiters c360 reads, as JSON writes them (for messages).
    pub fn valid() -> Vec<String> {
        DELIMITERS
            .iter()
            .map(|&d| char::from(d).to_string())
            .collect()
    }
}

impl TryFrom<String> for Delimiter {
    type Error = String;

    fn try_from(text: String) -> Result<Delimiter, String> {
        match text.as_bytes() {
            [byte] => Delimiter::new(*byte),
            _ => None,
        }
        .ok_or_else(|| {
            format!(
                "{text:?} is not a delimiter c360 reads; valid: {:?}",
                Delimiter::valid()
            )
        })
    }
}

impl From<Delimiter> for String {
    fn from(d: Delimiter) -> String {
        char::from(d.0).to_string()
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", char::from(self.0))
    }
}

/// The delimiter of a file that starts with `start`; `complete` when `start` is the whole
/// file (its last line then counts even without a line break).
pub fn sniff_delimiter(start: &[u8], complete: bool) -> u8 {
    // Per line, how often each candidate appears outside quotes.
    let mut lines: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut quoted = false;
    let mut any = false;
    for &b in start {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && (b == b'\n' || b == b'\r') {
            if any {
                lines.push(counts);
                if lines.len() == SNIFF_LINES {
                    break;
                }
            }
            counts = [0; 4];
            any = false;
            continue;
        } else if !quoted {
            if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                counts[i] += 1;
            }
        }
        any = true;
    }
    if complete && any && lines.len() < SNIFF_LINES {
        lines.push(counts);
    }
    (0..DELIMITERS.len())
        .find(|&i| {
            let first = lines.first().map_or(0, |l| l[i]);
            first > 0 && lines.iter().all(|l| l[i] == first)
        })
        .map_or(b',', |i| DELIMITERS[i])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// In an unquoted field, whose bytes are held in `field`.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// A quote inside a quoted field: the closing one, or the first of an escaped pair.
    QuoteInQuoted,
    /// After a quoted field's closing quote, until the delimiter.
    AfterQuoted,
}

/// Rewrites a `delimiter`-separated stream to a comma-separated one (see the module), pushed
/// in pieces split anywhere.
pub(super) struct Rewriter {
    delimiter: u8,
    state: State,
    field: Vec<u8>,
}

impl Rewriter {
    pub(super) fn new(delimiter: u8) -> Rewriter {
        Rewriter {
            delimiter,
            state: State::FieldStart,
            field: Vec::new(),
        }
    }

    fn flush_field(&mut self, out: &mut Vec<u8>) {
        if self.field.iter().any(|&b| b == b',' || b == b'"') {
            out.push(b'"');
            for &b in &self.field {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(&self.field);
        }
        self.field.clear();
    }

    pub(super) fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &b in input {
            let end = b == b'\n' || b == b'\r';
            match self.state {
                State::FieldStart | State::AfterQuoted if b == self.delimiter => {
                    out.push(b',');
                    self.state = State::FieldStart;
                }
                State::FieldStart | State::AfterQuoted if end => {
                    out.push(b);
                    self.state = State::FieldStart;
                }
                State::FieldStart if b == b'"' => {
                    out.push(b);
                    self.state = State::Quoted;
                }
                State::FieldStart => {
                    self.field.push(b);
                    self.state = State::Unquoted;
                }
                State::AfterQuoted => out.push(b),
                State::Unquoted if b == self.delimiter || end => {
                    self.flush_field(out);
                    out.push(if end { b } else { b',' });
                    self.state = State::FieldStart;
                }
                State::Unquoted => self.field.push(b),
                State::Quoted => {
                    out.push(b);
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                    }
                }
                State::QuoteInQuoted if b == b'"' => {
                    out.push(b);
                    self.state = State::Quoted;
                }
                State::QuoteInQuoted => {
                    // The quote closed the field: this byte is after it.
                    self.state = State::AfterQuoted;
                    self.push(&[b], out);
                }
            }
        }
    }

    pub(super) fn finish(&mut self, out: &mut Vec<u8>) {
        if self.state == State::Unquoted {
            self.flush_field(out);
        }
        self.state = State::FieldStart;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `bytes` rewritten with their sniffed delimiter, pushed `step` bytes at a time.
    fn rewritten(bytes: &[u8], step: usize) -> (Vec<u8>, u8) {
        let delimiter = sniff_delimiter(bytes, true);
        let mut out = Vec::new();
        if delimiter == b',' {
            return (bytes.to_vec(), delimiter);
        }
        let mut rewriter = Rewriter::new(delimiter);
        for piece in bytes.chunks(step.max(1)) {
            rewriter.push(piece, &mut out);
        }
        rewriter.finish(&mut out);
        (out, delimiter)
    }

    fn records(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn sniffs_the_delimiter_found_as_often_on_every_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", true), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n", true), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n\"x\ty\"\t2\n", true), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2", true), b'|');
        // An incomplete last line does not count unless the file ends there.
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n3;4;5", false), b';');
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n3;4;5", true), b',');
        assert_eq!(sniff_delimiter(b"one column\nx\n", true), b',');
        assert_eq!(sniff_delimiter(b"", true), b',');
    }

    #[test]
    fn a_comma_file_passes_through_untouched() {
        let text = b"\xEF\xBB\xBFid,name\n\"a;b\",c\r\n";
        assert_eq!(rewritten(text, 1), (text.to_vec(), b','));
    }

    #[test]
    fn semicolons_become_commas_and_fields_with_commas_are_quoted() {
        let text =
            "\u{feff}id;amount;note\r\nt1;12,5;\"said \"\"hi\"\"; twice\"\nt2;3;a \"b\"\nt3;;\n";
        let (out, d) = rewritten(text.as_bytes(), 1);
        assert_eq!(d, b';');
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "\u{feff}id,amount,note\r\nt1,\"12,5\",\"said \"\"hi\"\"; twice\"\nt2,3,\"a \"\"b\"\"\"\nt3,,\n"
        );
        assert_eq!(records(&out, b','), records(text.as_bytes(), b';'));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any table written with any delimiter reads back as the same records through the
        /// rewriter, however it is pushed.
        #[test]
        fn any_table_reads_back_the_same(
            width in 2usize..5,
            cells in proptest::collection::vec("[a-c,;|\t\" \n]{0,6}", 2..40),
            d in 1usize..4,
            step in 1usize..9,
        ) {
            let delimiter = DELIMITERS[d];
            let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
            // A header of plain names so that the sniff has a line to go by.
            let header: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
            writer.write_record(&header).unwrap();
            for row in cells.chunks(width).filter(|r| r.len() == width) {
                writer.write_record(row).unwrap();
            }
            let bytes = writer.into_inner().unwrap();
            let (out, found) = rewritten(&bytes, step);
            proptest::prop_assert_eq!(found, delimiter);
            proptest::prop_assert_eq!(records(&out, b','), records(&bytes, delimiter));
        }
    }
}

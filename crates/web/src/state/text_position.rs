//! Where a line and column of a text are for a browser text field: the schema editor's line
//! numbers and "go to line" from an error message.
//!
//! The DOM counts a textarea's selection in UTF-16 code units; the engine counts lines and
//! columns from 1, columns in characters. Nothing here touches the DOM.

/// How many lines the text has, as the editor's gutter numbers them (an empty text and a
/// text ending in a newline both have a last, empty line).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The UTF-16 offset of 1-based `line` and `column` in `text`, clamped to the line's end and
/// the text's end: where a textarea's caret goes.
pub fn caret_offset(text: &str, line: usize, column: usize) -> u32 {
    let mut offset = 0usize;
    let mut lines = text.split('\n');
    for _ in 1..line.max(1) {
        match lines.next() {
            Some(l) => offset += l.encode_utf16().count() + 1,
            None => return text.encode_utf16().count() as u32,
        }
    }
    let Some(current) = lines.next() else {
        return text.encode_utf16().count() as u32;
    };
    offset += current
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum::<usize>();
    offset as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_like_the_gutter() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a"), 1);
        assert_eq!(line_count("a\n"), 2);
        assert_eq!(line_count("a\nb\nc"), 3);
    }

    #[test]
    fn finds_a_line_and_column_in_utf16_units() {
        let text = "version: 2\n# é😀\n  - x";
        assert_eq!(caret_offset(text, 1, 1), 0);
        assert_eq!(caret_offset(text, 2, 1), 11);
        assert_eq!(
            caret_offset(text, 3, 1),
            11 + 5 + 1,
            "é is one unit, 😀 two"
        );
        assert_eq!(caret_offset(text, 3, 3), 19);
        assert_eq!(caret_offset(text, 2, 99), 16, "clamped to the line's end");
        assert_eq!(caret_offset(text, 9, 1), 22, "clamped to the text's end");
        assert_eq!(caret_offset(text, 0, 0), 0);
    }
}

//! Edits to a schema file's text that keep the rest of it — comments, order, style — as the
//! user wrote it.

use super::Schema;

/// A value as a YAML scalar: plain when that reads back as the same string, else a
/// double-quoted scalar with every character YAML could read otherwise escaped — `\` and `"`,
/// and as `\uXXXX` every control character and the line and byte-order marks YAML or an
/// editor may treat as breaks (a category `Toys\nnot yaml` is one value, not two lines).
pub(crate) fn yaml_scalar(value: &str) -> String {
    let odd =
        |c: char| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}');
    let plain = !value.is_empty()
        && !value.starts_with([
            ' ', '-', '?', ':', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !value.ends_with(' ')
        && !value.contains([':', '#', ',', '[', ']', '{', '}', '"', '\''])
        && !value.contains(odd)
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "~" | "on" | "off"
        )
        && value.parse::<f64>().is_err();
    if plain {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if odd(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Schema {
    /// The schema text with `values` appended to the accepted category list (the
    /// `accepted_values` test on `web.transactions.category`). `None` when the file has no
    /// such list or there is nothing to add. Every value is written through [`yaml_scalar`],
    /// and the text is parsed back before it is returned: an edit that would not read back as
    /// the grown list is not made (`None`).
    pub fn with_accepted_categories(&self, values: &[String]) -> Option<String> {
        let existing = self.accepted_categories.as_ref()?;
        let mut seen = crate::engine::models::categories::set_of(existing);
        let new: Vec<&String> = values.iter().filter(|v| seen.insert(v.as_str())).collect();
        if new.is_empty() {
            return None;
        }
        let text = self.append_accepted(&new)?;
        let again = super::parse(&text).ok()?.accepted_categories?;
        let expected = existing.iter().chain(new.iter().copied());
        (again.len() == existing.len() + new.len() && again.iter().eq(expected)).then_some(text)
    }

    fn append_accepted(&self, new: &[&String]) -> Option<String> {
        let span = self.accepted_span.as_ref()?;
        if span.flow {
            // Insert right after the last item (or the `[`), wherever the `]` stands: on the
            // same line, on a line of its own, after a trailing comma.
            let chars: Vec<char> = self.text.chars().collect();
            let last = chars[..span.close]
                .iter()
                .rposition(|c| !c.is_whitespace())?;
            let sep = match chars[last] {
                '[' => "",
                ',' => " ",
                _ => ", ",
            };
            let added: Vec<String> = new.iter().map(|v| yaml_scalar(v)).collect();
            let mut out: String = chars[..=last].iter().collect();
            out.push_str(sep);
            out.push_str(&added.join(", "));
            out.extend(&chars[last + 1..]);
            return Some(out);
        }
        let mut lines: Vec<String> = self.text.split('\n').map(str::to_string).collect();
        let index = span.last_line.checked_sub(1)?;
        let line = lines.get(index)?.clone();
        let chars: Vec<char> = line.chars().collect();
        {
            // The last item's line up to its value: `          - ` — reused for each new item.
            let prefix: String = chars[..span.last_column.checked_sub(1)?].iter().collect();
            let prefix = if prefix.trim() == "-" {
                prefix
            } else {
                // A nested mapping or odd layout: indent like the dash.
                let dash = line.find('-')?;
                format!("{}- ", " ".repeat(dash))
            };
            for (i, v) in new.iter().enumerate() {
                lines.insert(index + 1 + i, format!("{prefix}{}", yaml_scalar(v)));
            }
        }
        Some(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::data_test::schema::{parse, DEFAULT_SCHEMA};

    #[test]
    fn appends_to_a_block_list_and_reparses() {
        let schema = parse(DEFAULT_SCHEMA).unwrap();
        let text = schema
            .with_accepted_categories(&["Garden & Patio".into(), "Books".into()])
            .unwrap();
        let again = parse(&text).unwrap();
        let list = again.accepted_categories.unwrap();
        assert_eq!(list.len(), 8);
        assert_eq!(list.last().unwrap(), "Garden & Patio");
        assert!(text.contains("# The accepted list"), "comments survive");
    }

    #[test]
    fn appends_to_a_flow_list() {
        let text = "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n        columns:\n          - name: category\n            tests:\n              - accepted_values:\n                  values: ['Books', 'Beauty']\n";
        let schema = parse(text).unwrap();
        let edited = schema
            .with_accepted_categories(&["Kitchen".into(), "Home, Garden".into()])
            .unwrap();
        let list = parse(&edited).unwrap().accepted_categories.unwrap();
        assert_eq!(list, vec!["Books", "Beauty", "Kitchen", "Home, Garden"]);
        assert!(schema.with_accepted_categories(&["Books".into()]).is_none());
    }
}

//! Edits to a schema file's text that keep the rest of it — comments, order, style — as the
//! user wrote it.

use super::Schema;

/// Quotes a YAML scalar when it needs quotes.
fn yaml_scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with([
            ' ', '-', '?', ':', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !value.ends_with(' ')
        && !value.contains([':', '#', ',', '[', ']', '{', '}', '"', '\''])
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "~" | "on" | "off"
        )
        && value.parse::<f64>().is_err();
    if plain {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

impl Schema {
    /// The schema text with `values` appended to the accepted category list (the
    /// `accepted_values` test on `web.transactions.category`). `None` when the file has no
    /// such list or there is nothing to add.
    pub fn with_accepted_categories(&self, values: &[String]) -> Option<String> {
        let span = self.accepted_span.as_ref()?;
        let existing = self.accepted_categories.as_ref()?;
        let new: Vec<&String> = values.iter().filter(|v| !existing.contains(v)).collect();
        if new.is_empty() {
            return None;
        }
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

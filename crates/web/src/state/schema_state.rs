//! The schema file the app runs with: the text the user last applied (which may be invalid),
//! the definitions in force (always the last text that parsed), and the errors of the text.
//!
//! Invalid YAML never reaches the engine and never clears the results: the errors are shown
//! beside the text and the last valid definitions stay in force until a text parses. A
//! policy that edits the schema (adding a category to the accepted list) records what it
//! replaced, so that switching the policy back undoes its edit.

use c360::engine::data_test::schema::{self, SchemaError, DEFAULT_SCHEMA};
use c360::engine::Schema;

/// The name the shipped file has, and the one a download gets.
pub const SCHEMA_FILE_NAME: &str = "schema.yml";

/// Where the current text came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaOrigin {
    /// The file c360 ships.
    Shipped,
    /// A file the user dropped or picked, by name.
    File(String),
    /// Typed in the editor.
    Edited,
    /// Edited by the "categories outside the accepted list" policy.
    Policy,
}

/// The schema text, its errors and the definitions in force.
#[derive(Clone, Debug)]
pub struct SchemaState {
    text: String,
    origin: SchemaOrigin,
    /// The definitions in force: the last text that parsed.
    valid: Schema,
    /// The problems of `text`; empty when it is the text in force.
    errors: Vec<SchemaError>,
    /// Counts every change of `text`, so that the editor knows when to replace what it shows.
    revision: u64,
    /// What a policy's edit replaced: the definitions to restore when it is switched back.
    before_policy: Option<Schema>,
}

impl SchemaState {
    /// The shipped definitions.
    pub fn shipped() -> SchemaState {
        SchemaState {
            text: DEFAULT_SCHEMA.to_string(),
            origin: SchemaOrigin::Shipped,
            valid: Schema::default_schema(),
            errors: Vec::new(),
            revision: 0,
            before_policy: None,
        }
    }

    /// The text last applied, valid or not.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn origin(&self) -> &SchemaOrigin {
        &self.origin
    }

    /// The definitions the runs use.
    pub fn in_force(&self) -> &Schema {
        &self.valid
    }

    /// The problems of the text, in line order; empty when it parsed.
    pub fn errors(&self) -> &[SchemaError] {
        &self.errors
    }

    /// The valid text the user chose and where it came from: what a saved session keeps. A
    /// policy's edit is left out (the policy, kept too, makes it again on the next run), and
    /// so is invalid text typed over it (it never ran).
    pub fn chosen(&self) -> (&str, SchemaOrigin) {
        let unnamed = |text: &str| {
            if text == DEFAULT_SCHEMA {
                SchemaOrigin::Shipped
            } else {
                SchemaOrigin::Edited
            }
        };
        if !self.errors.is_empty() {
            return (&self.valid.text, unnamed(&self.valid.text));
        }
        match (&self.origin, &self.before_policy) {
            (SchemaOrigin::Policy, Some(before)) => (&before.text, unnamed(&before.text)),
            (origin, _) => (&self.text, origin.clone()),
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Takes `text` as the schema. Returns whether the definitions in force changed (and the
    /// DAG must re-run): `false` for invalid text, whose errors are kept instead, and for the
    /// text already in force.
    pub fn apply(&mut self, text: String, origin: SchemaOrigin) -> bool {
        if text == self.text {
            // Nothing new; the editor only needs to show it again (a reset over unapplied
            // typing), which a new revision tells it to.
            self.revision += 1;
            return false;
        }
        self.before_policy = None;
        self.set_text(text, origin);
        match schema::parse(&self.text) {
            Ok(parsed) => {
                self.errors.clear();
                let changed = parsed.text != self.valid.text;
                self.valid = parsed;
                changed
            }
            Err(errors) => {
                self.errors = errors.0;
                false
            }
        }
    }

    /// Goes back to the shipped file. Returns whether the definitions in force changed.
    pub fn reset(&mut self) -> bool {
        self.apply(DEFAULT_SCHEMA.to_string(), SchemaOrigin::Shipped)
    }

    /// Takes a policy's edit of the definitions in force (the run already used it). Returns
    /// `false` if the edited text does not parse, which would be an engine bug: the
    /// definitions then stay as they are.
    pub fn take_policy_edit(&mut self, text: &str) -> bool {
        let Ok(parsed) = schema::parse(text) else {
            return false;
        };
        let before = std::mem::replace(&mut self.valid, parsed);
        // Switching back restores what the user had before the first of the policy's edits.
        self.before_policy.get_or_insert(before);
        self.errors.clear();
        self.set_text(text.to_string(), SchemaOrigin::Policy);
        true
    }

    /// Restores the definitions a policy's edit replaced, if the text is still that edit.
    /// Returns whether it did.
    pub fn undo_policy_edit(&mut self) -> bool {
        if self.origin != SchemaOrigin::Policy {
            self.before_policy = None;
            return false;
        }
        let Some(before) = self.before_policy.take() else {
            return false;
        };
        let origin = if before.text == DEFAULT_SCHEMA {
            SchemaOrigin::Shipped
        } else {
            SchemaOrigin::Edited
        };
        self.set_text(before.text.clone(), origin);
        self.errors.clear();
        self.valid = before;
        true
    }

    fn set_text(&mut self, text: String, origin: SchemaOrigin) {
        self.text = text;
        self.origin = origin;
        self.revision += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without_kitchen() -> String {
        DEFAULT_SCHEMA.replace("                      - Kitchen\n", "")
    }

    #[test]
    fn invalid_text_keeps_the_last_valid_definitions() {
        let mut state = SchemaState::shipped();
        let bad = DEFAULT_SCHEMA.replace("- not_null", "- not_nul");
        assert!(!state.apply(bad.clone(), SchemaOrigin::Edited));
        assert_eq!(state.text(), bad);
        assert_eq!(state.in_force().text, DEFAULT_SCHEMA);
        let lines: Vec<usize> = state.errors().iter().map(|e| e.line).collect();
        assert_eq!(lines.first(), Some(&17), "{:?}", state.errors());
        assert!(state.errors()[0].message.contains("not_nul"));

        let yaml_error = format!("{DEFAULT_SCHEMA}\n  - [oops\n");
        assert!(!state.apply(yaml_error, SchemaOrigin::Edited));
        assert!(!state.errors().is_empty());
        assert_eq!(state.in_force().text, DEFAULT_SCHEMA);

        let revision = state.revision();
        assert!(state.apply(without_kitchen(), SchemaOrigin::Edited));
        assert!(state.errors().is_empty());
        assert_eq!(
            state.in_force().accepted_categories.as_ref().unwrap().len(),
            6
        );
        assert!(state.revision() > revision);
        let revision = state.revision();
        assert!(
            !state.apply(without_kitchen(), SchemaOrigin::File("again.yml".into())),
            "the same text again changes nothing"
        );
        assert_eq!(state.origin(), &SchemaOrigin::Edited);
        assert!(state.revision() > revision, "but the editor shows it again");
        assert!(state.reset());
        assert_eq!(state.origin(), &SchemaOrigin::Shipped);
    }

    #[test]
    fn a_policy_edit_is_undone_by_switching_back() {
        let mut state = SchemaState::shipped();
        state.apply(without_kitchen(), SchemaOrigin::Edited);
        let edited = state
            .in_force()
            .with_accepted_categories(&["Kitchen".into()])
            .unwrap();
        assert!(state.take_policy_edit(&edited));
        assert_eq!(state.origin(), &SchemaOrigin::Policy);
        assert!(state.text().contains("Kitchen"));
        assert_eq!(
            state.in_force().accepted_categories.as_ref().unwrap().len(),
            7
        );

        assert!(state.undo_policy_edit());
        assert_eq!(state.text(), without_kitchen());
        assert_eq!(state.origin(), &SchemaOrigin::Edited);
        assert!(!state.undo_policy_edit(), "only once");
    }

    #[test]
    fn a_user_edit_after_the_policys_keeps_the_users_text() {
        let mut state = SchemaState::shipped();
        state.apply(without_kitchen(), SchemaOrigin::Edited);
        let edited = state
            .in_force()
            .with_accepted_categories(&["Kitchen".into()])
            .unwrap();
        state.take_policy_edit(&edited);
        let mine = format!("{edited}\n# mine\n");
        state.apply(mine.clone(), SchemaOrigin::Edited);
        assert!(!state.undo_policy_edit());
        assert_eq!(state.text(), mine);
    }
}

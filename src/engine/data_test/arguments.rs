//! How a generic test kind reads its arguments: each kind's module declares its argument
//! names (its dbt signature, besides `column_name`) and builds its `GenericKind` from them
//! through [`Arguments`] (`generic::signature` and `generic::parse_arguments` dispatch by
//! name); the schema parser implements `Arguments` over the YAML and says where a wrong value
//! is. A leaf: not the YAML itself (that is `engine::data_test::schema`), nor running a test.

/// A problem was reported (at its place, by the [`Arguments`] implementation); the test is
/// left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reported;

/// One test's arguments, as its kind asks for them. Every method that can find a problem
/// reports it itself and returns [`Reported`].
pub trait Arguments {
    /// Whether `key` was given.
    fn has(&self, key: &str) -> bool;
    /// `key`'s value as text; `None` when absent, reported when it is not a single value.
    fn text(&mut self, key: &str) -> Result<Option<String>, Reported>;
    /// `key`'s value as text when it is a single value; `None` otherwise, without a report.
    fn text_if_single(&self, key: &str) -> Option<String>;
    /// `key`'s value as `true`/`false`, `default` when absent.
    fn boolean(&mut self, key: &str, default: bool) -> Result<bool, Reported>;
    /// `key`'s list of single values (`each` names one in messages); `None` when absent.
    fn list(&mut self, key: &str, each: &str) -> Result<Option<Vec<String>>, Reported>;
    /// Reports a problem with the test as a whole, at its name.
    fn error(&mut self, message: String) -> Reported;
    /// Reports a problem at `key`'s value.
    fn error_at(&mut self, key: &str, message: String) -> Reported;
}

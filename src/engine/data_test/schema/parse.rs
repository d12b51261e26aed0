//! Walking a schema file's YAML, with every node's position at hand for messages.

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::{LoaderOptions, Node, Span};

use super::{
    FreshnessDef, FreshnessThreshold, Period, Schema, SchemaError, SchemaErrors, ValuesSpan,
};
use crate::engine::config::RunConfig;
use crate::engine::data_test::arguments::{Arguments, Reported};
use crate::engine::data_test::generic::{self, GenericKind, GenericTest};
use crate::engine::data_test::{Condition, Severity, TestConfig, Threshold};
use crate::engine::models::dag::{graph, Node as DagNode, NodeKind};
use crate::engine::value::unique_id::{self, short};
use crate::engine::DataType;

/// Top-level keys of a dbt properties file that c360 reads, and those it accepts and ignores.
const TOP_KEYS: &[&str] = &["version", "sources", "models"];
const IGNORED_TOP_KEYS: &[&str] = &[
    "seeds",
    "snapshots",
    "macros",
    "exposures",
    "metrics",
    "semantic_models",
    "saved_queries",
    "unit_tests",
    "analyses",
    "groups",
    "data_tests",
];
/// Config keys c360 accepts without using (they change nothing in the browser).
const IGNORED_CONFIG: &[&str] = &[
    // `enabled` is read (a disabled test is dropped) but is not a run setting.
    "enabled",
    "tags",
    "meta",
    "alias",
    "schema",
    "database",
    "name",
    "description",
];
const CONFIG_KEYS: &[&str] = &[
    "severity",
    "warn_if",
    "error_if",
    "where",
    "limit",
    "store_failures",
];

fn place(span: &Span) -> (usize, usize) {
    span.start().map_or((0, 0), |m| (m.line(), m.column()))
}

/// A test before its node and columns are checked.
struct Pending {
    kind: GenericKind,
    node: String,
    column: Option<String>,
    config: TestConfig,
    span: Span,
    /// The `to:` node's span, for a relationships test.
    to_span: Option<Span>,
    /// Whether the column came from a `column_name:` argument (a `columns:` entry's name is
    /// checked where it stands, so it is not reported again for each of its tests).
    column_from_argument: bool,
}

struct Parser {
    errors: Vec<SchemaError>,
    pending: Vec<Pending>,
    freshness: Vec<(FreshnessDef, Span)>,
    accepted: Option<(Vec<String>, ValuesSpan)>,
    /// Nodes named in the file, with their spans: (unique id, span).
    named_nodes: Vec<(String, Span)>,
    /// Columns named in the file: (node unique id, column, span).
    named_columns: Vec<(String, String, Span)>,
    text: Vec<char>,
}

impl Parser {
    fn error(&mut self, span: &Span, message: impl Into<String>) {
        let (line, column) = place(span);
        self.errors.push(SchemaError {
            line,
            column,
            message: message.into(),
        });
    }

    fn mapping<'a>(&mut self, node: &'a Node, what: &str) -> Option<&'a MarkedMappingNode> {
        let m = node.as_mapping();
        if m.is_none() {
            self.error(
                node.span(),
                format!("{what} must be a mapping (`key: value` lines)"),
            );
        }
        m
    }

    fn sequence_of_mappings<'a>(
        &mut self,
        node: &'a Node,
        what: &str,
    ) -> Vec<&'a MarkedMappingNode> {
        match node.as_sequence() {
            Some(items) => items
                .iter()
                .filter_map(|i| self.mapping(i, &format!("each entry of {what}")))
                .collect(),
            None => {
                self.error(node.span(), format!("{what} must be a list (`- ` entries)"));
                Vec::new()
            }
        }
    }

    fn scalar<'a>(&mut self, node: &'a Node, what: &str) -> Option<&'a MarkedScalarNode> {
        let s = node.as_scalar();
        if s.is_none() {
            self.error(node.span(), format!("{what} must be a single value"));
        }
        s
    }

    fn name(&mut self, map: &MarkedMappingNode, what: &str) -> Option<(String, Span)> {
        match map.get_node("name") {
            Some(n) => self
                .scalar(n, "name")
                .map(|s| (s.as_str().to_string(), *s.span())),
            None => {
                self.error(map.span(), format!("{what} needs a `name:`"));
                None
            }
        }
    }

    fn check_keys(&mut self, map: &MarkedMappingNode, allowed: &[&str], what: &str) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                self.error(
                    key.span(),
                    format!(
                        "unknown key `{}` in {what}; expected one of: {}",
                        key.as_str(),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    fn sources(&mut self, node: &Node) {
        for source in self.sequence_of_mappings(node, "sources") {
            self.check_keys(
                source,
                &[
                    "name",
                    "description",
                    "database",
                    "schema",
                    "loader",
                    "loaded_at_field",
                    "freshness",
                    "tables",
                    "meta",
                    "tags",
                    "config",
                    "quoting",
                    "overrides",
                ],
                "a source",
            );
            let Some((source_name, _)) = self.name(source, "a source") else {
                continue;
            };
            let source_loaded_at = source
                .get_scalar("loaded_at_field")
                .map(|s| (s.as_str().to_string(), *s.span()));
            let source_freshness = source.get_node("freshness");
            let Some(tables) = source.get_node("tables") else {
                continue;
            };
            for table in self.sequence_of_mappings(tables, "tables") {
                self.check_keys(
                    table,
                    &[
                        "name",
                        "description",
                        "identifier",
                        "loaded_at_field",
                        "freshness",
                        "columns",
                        "data_tests",
                        "tests",
                        "meta",
                        "tags",
                        "config",
                        "quoting",
                        "external",
                    ],
                    "a source table",
                );
                let Some((table_name, span)) = self.name(table, "a source table") else {
                    continue;
                };
                let unique_id = unique_id::source(&source_name, &table_name);
                self.named_nodes.push((unique_id.clone(), span));
                let loaded_at = table
                    .get_scalar("loaded_at_field")
                    .map(|s| (s.as_str().to_string(), *s.span()))
                    .or_else(|| source_loaded_at.clone());
                let freshness = table.get_node("freshness").or(source_freshness);
                if let Some(f) = freshness {
                    self.freshness(f, &unique_id, loaded_at);
                }
                let prefix = format!("source_{{kind}}_{source_name}_{table_name}");
                self.columns_and_tests(table, &unique_id, &prefix);
            }
        }
    }

    fn freshness(&mut self, node: &Node, unique_id: &str, loaded_at: Option<(String, Span)>) {
        if node
            .as_scalar()
            .is_some_and(|s| s.as_str() == "null" || s.as_str() == "~" || s.is_empty())
        {
            return; // `freshness: null` turns it off
        }
        let Some(map) = self.mapping(node, "freshness") else {
            return;
        };
        self.check_keys(map, &["warn_after", "error_after", "filter"], "freshness");
        let mut threshold = |key: &str| -> Option<FreshnessThreshold> {
            let n = map.get_node(key)?;
            let m = self.mapping(n, key)?;
            self.check_keys(m, &["count", "period"], key);
            let count = m
                .get_scalar("count")
                .and_then(|c| c.as_str().parse::<u32>().ok());
            let period = m.get_scalar("period").and_then(|p| match p.as_str() {
                "minute" => Some(Period::Minute),
                "hour" => Some(Period::Hour),
                "day" => Some(Period::Day),
                _ => None,
            });
            match (count, period) {
                (Some(count), Some(period)) => Some(FreshnessThreshold { count, period }),
                _ => {
                    self.error(
                        m.span(),
                        format!("{key} needs `count:` (a whole number) and `period:` (minute, hour or day)"),
                    );
                    None
                }
            }
        };
        let warn_after = threshold("warn_after");
        let error_after = threshold("error_after");
        if warn_after.is_none() && error_after.is_none() {
            return;
        }
        let Some((field, field_span)) = loaded_at else {
            self.error(
                map.span(),
                "freshness needs `loaded_at_field:` on the source or table",
            );
            return;
        };
        self.named_columns
            .push((unique_id.to_string(), field.clone(), field_span));
        self.freshness.push((
            FreshnessDef {
                node: unique_id.to_string(),
                loaded_at_field: field,
                warn_after,
                error_after,
                line: place(map.span()).0,
            },
            field_span,
        ));
    }

    fn models(&mut self, node: &Node) {
        for model in self.sequence_of_mappings(node, "models") {
            self.check_keys(
                model,
                &[
                    "name",
                    "description",
                    "columns",
                    "data_tests",
                    "tests",
                    "config",
                    "meta",
                    "docs",
                    "latest_version",
                    "versions",
                    "constraints",
                    "access",
                    "group",
                    "deprecation_date",
                ],
                "a model",
            );
            let Some((name, span)) = self.name(model, "a model") else {
                continue;
            };
            let unique_id = unique_id::model(&name);
            self.named_nodes.push((unique_id.clone(), span));
            self.columns_and_tests(model, &unique_id, &format!("{{kind}}_{name}"));
        }
    }

    fn columns_and_tests(&mut self, node: &MarkedMappingNode, unique_id: &str, prefix: &str) {
        for key in ["data_tests", "tests"] {
            if let Some(tests) = node.get_node(key) {
                self.tests(tests, unique_id, None, prefix);
            }
        }
        let Some(columns) = node.get_node("columns") else {
            return;
        };
        for column in self.sequence_of_mappings(columns, "columns") {
            self.check_keys(
                column,
                &[
                    "name",
                    "description",
                    "data_type",
                    "data_tests",
                    "tests",
                    "meta",
                    "tags",
                    "quote",
                    "constraints",
                    "config",
                    "granularity",
                ],
                "a column",
            );
            let Some((name, span)) = self.name(column, "a column") else {
                continue;
            };
            self.named_columns
                .push((unique_id.to_string(), name.clone(), span));
            for key in ["data_tests", "tests"] {
                if let Some(tests) = column.get_node(key) {
                    self.tests(tests, unique_id, Some(&name), &format!("{prefix}_{name}"));
                }
            }
        }
    }

    fn tests(&mut self, node: &Node, unique_id: &str, column: Option<&str>, prefix: &str) {
        let Some(items) = node.as_sequence() else {
            self.error(node.span(), "data_tests must be a list (`- ` entries)");
            return;
        };
        for item in items.iter() {
            let (name, name_span, body) = match item {
                Node::Scalar(s) => (s.as_str().to_string(), *s.span(), None),
                Node::Mapping(m) if m.len() == 1 => {
                    let (k, v) = m.iter().next().expect("one entry");
                    (k.as_str().to_string(), *k.span(), Some(v))
                }
                other => {
                    self.error(other.span(), "a test is a name (`- unique`) or a mapping with one key (`- accepted_values: {...}`)");
                    continue;
                }
            };
            let bare = name.strip_prefix("dbt_utils.").unwrap_or(&name);
            if !GenericKind::NAMES.contains(&bare) {
                self.error(
                    &name_span,
                    format!(
                        "unknown test `{name}`; c360 supports {}",
                        GenericKind::NAMES.join(", ")
                    ),
                );
                continue;
            }
            if let Some(p) = self.test(bare, body, &name_span, unique_id, column) {
                let _ = prefix;
                self.pending.push(p);
            }
        }
    }

    /// A test's body split into its arguments (inline or under `arguments:`) and its config
    /// (under `config:` or inline); an unknown key is reported.
    fn arguments_and_config<'a>(
        &mut self,
        name: &str,
        body: &'a MarkedMappingNode,
        allowed_args: &[&str],
    ) -> (Entries<'a>, Entries<'a>) {
        let mut args: Entries<'a> = Vec::new();
        let mut config: Entries<'a> = Vec::new();
        for (k, v) in body.iter() {
            match k.as_str() {
                "arguments" => {
                    if let Some(m) = self.mapping(v, "arguments") {
                        for (k, v) in m.iter() {
                            if allowed_args.contains(&k.as_str()) {
                                args.push((k, v));
                            } else {
                                self.error(
                                    k.span(),
                                    format!(
                                        "unknown argument `{}` for `{name}`; expected: {}",
                                        k.as_str(),
                                        allowed_args.join(", ")
                                    ),
                                );
                            }
                        }
                    }
                }
                "config" => {
                    if let Some(m) = self.mapping(v, "config") {
                        config.extend(m.iter());
                    }
                }
                key if allowed_args.contains(&key) => args.push((k, v)),
                key if CONFIG_KEYS.contains(&key) || IGNORED_CONFIG.contains(&key) => {
                    config.push((k, v))
                }
                key => self.error(
                    k.span(),
                    format!(
                        "unknown argument `{key}` for `{name}`; expected: {}, or config: {}",
                        allowed_args.join(", "),
                        CONFIG_KEYS.join(", ")
                    ),
                ),
            }
        }
        (args, config)
    }

    /// Takes the accepted list from `web.transactions.category`'s `accepted_values` test
    /// (`values` is its YAML). Each value becomes a customers column; two values whose names
    /// clash once sanitised are not an error here but a suffixed column and a finding of
    /// `customers` (`models::categories::CategoryColumns`), so that a list the
    /// accept-the-data's-categories policy grew always parses again.
    fn accepted_list(&mut self, list: &[String], values: &Node) {
        let seq = values.as_sequence().expect("parsed as a list");
        let values_span = self.values_span(values, seq.len());
        self.accepted = Some((list.to_vec(), values_span));
    }

    /// Arguments and config of one test.
    fn test(
        &mut self,
        name: &str,
        body: Option<&Node>,
        span: &Span,
        unique_id: &str,
        column: Option<&str>,
    ) -> Option<Pending> {
        let empty = MarkedMappingNode::new_empty(*span);
        let body = match body {
            None => &empty,
            Some(n)
                if n.as_scalar()
                    .is_some_and(|s| s.is_empty() || s.as_str() == "null") =>
            {
                &empty
            }
            Some(n) => self.mapping(n, &format!("the `{name}` test's arguments"))?,
        };
        // The kind's signature, then `column_name`, which every kind takes.
        let allowed_args: Vec<&str> = generic::signature(name)
            .iter()
            .copied()
            .chain(["column_name"])
            .collect();
        let (args, config) = self.arguments_and_config(name, body, &allowed_args);
        let arg = |key: &str| {
            args.iter()
                .find(|(k, _)| k.as_str() == key)
                .map(|(_, v)| *v)
        };
        let mut column = column.map(str::to_string);
        let column_from_argument = arg("column_name").is_some();
        if let Some(c) = arg("column_name") {
            column = self
                .scalar(c, "column_name")
                .map(|s| s.as_str().to_string());
        }
        // Each kind reads its own arguments (data_test/<kind>.rs); what follows is what the
        // schema keeps of them: the accepted list, and the names a relationship refers to.
        let kind = generic::parse_arguments(
            name,
            &mut YamlArguments {
                parser: self,
                args: &args,
                span,
            },
            column.as_deref(),
        )
        .ok()?;
        let mut to_span = None;
        match &kind {
            GenericKind::AcceptedValues { values: list, .. }
                if unique_id == unique_id::WEB_TRANSACTIONS
                    && column.as_deref() == Some("category")
                    && self.accepted.is_none() =>
            {
                self.accepted_list(list, arg("values").expect("parsed"));
            }
            GenericKind::Relationships { to, field } => {
                to_span = Some(*arg("to").expect("parsed").span());
                self.named_columns.push((
                    to.clone(),
                    field.clone(),
                    *arg("field").expect("parsed").span(),
                ));
            }
            _ => {}
        }
        if column.is_none() && !matches!(kind, GenericKind::ExpressionIsTrue { .. }) {
            self.error(
                span,
                format!("`{name}` on a whole model needs `column_name:`"),
            );
            return None;
        }
        // `enabled: false` drops the test, as dbt does.
        let disabled = config.iter().any(|(k, v)| {
            k.as_str() == "enabled" && v.as_scalar().and_then(|s| s.as_bool()) == Some(false)
        });
        let config = self.config(&config)?;
        if disabled {
            return None;
        }
        Some(Pending {
            kind,
            node: unique_id.to_string(),
            column,
            config,
            span: *span,
            to_span,
            column_from_argument,
        })
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        let b = self.scalar(node, what)?.as_bool();
        if b.is_none() {
            self.error(node.span(), format!("`{what}` must be true or false"));
        }
        b
    }

    fn config(&mut self, entries: &[(&MarkedScalarNode, &Node)]) -> Option<TestConfig> {
        let mut config = TestConfig::default();
        let mut ok = true;
        for (k, v) in entries {
            let key = k.as_str();
            if IGNORED_CONFIG.contains(&key) {
                continue;
            }
            if !CONFIG_KEYS.contains(&key) {
                self.error(
                    k.span(),
                    format!(
                        "unknown config `{key}`; expected one of: {}",
                        CONFIG_KEYS.join(", ")
                    ),
                );
                ok = false;
                continue;
            }
            let Some(value) = self.scalar(v, key) else {
                ok = false;
                continue;
            };
            let text = value.as_str();
            let result: Result<(), String> = match key {
                "severity" => match text.to_ascii_lowercase().as_str() {
                    "error" => Ok(Severity::Error),
                    "warn" => Ok(Severity::Warn),
                    _ => Err(format!(
                        "severity must be `error` or `warn`, found `{text}`"
                    )),
                }
                .map(|s| config.severity = s),
                "warn_if" => Threshold::parse(text).map(|t| config.warn_if = t),
                "error_if" => Threshold::parse(text).map(|t| config.error_if = t),
                "where" => Condition::parse(text)
                    .map(|c| config.where_ = Some(c))
                    .map_err(|e| format!("where: {e}")),
                "limit" => text
                    .parse::<usize>()
                    .map(|n| config.limit = Some(n))
                    .map_err(|_| format!("limit must be a whole number, found `{text}`")),
                _ => value
                    .as_bool()
                    .map(|b| config.store_failures = b)
                    .ok_or_else(|| format!("store_failures must be true or false, found `{text}`")),
            };
            if let Err(message) = result {
                self.error(value.span(), message);
                ok = false;
            }
        }
        ok.then_some(config)
    }

    /// Where the accepted list's items sit, for adding values to it later.
    fn values_span(&self, values: &Node, count: usize) -> ValuesSpan {
        let (line, column) = place(values.span());
        let start = values.span().start().map_or(0, |m| m.character());
        let flow = self.text.get(start) == Some(&'[');
        if flow {
            // The closing bracket: the first `]` after the start outside quotes.
            let (mut quote, mut at) = (None, start);
            for (i, &c) in self.text.iter().enumerate().skip(start + 1) {
                match (quote, c) {
                    (None, '\'' | '"') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (None, ']') => {
                        at = i;
                        break;
                    }
                    _ => {}
                }
            }
            let before = &self.text[..at];
            let line = before.iter().filter(|&&c| c == '\n').count() + 1;
            let column = at - before.iter().rposition(|&c| c == '\n').map_or(0, |p| p + 1) + 1;
            ValuesSpan {
                flow,
                last_line: line,
                last_column: column,
                close: at,
            }
        } else {
            let last = values
                .as_sequence()
                .and_then(|s| s.last())
                .map(|n| place(n.span()));
            let (last_line, last_column) = last.unwrap_or((line, column));
            let _ = count;
            ValuesSpan {
                flow,
                last_line,
                last_column,
                close: 0,
            }
        }
    }
}

/// Key-value pairs of a mapping, in file order.
type Entries<'a> = Vec<(&'a MarkedScalarNode, &'a Node)>;

/// A test's arguments in the YAML, read by its kind ([`Arguments`]); problems are reported
/// at the argument's value, or at the test's name.
struct YamlArguments<'p, 'a> {
    parser: &'p mut Parser,
    args: &'p [(&'a MarkedScalarNode, &'a Node)],
    /// The test's name in the file.
    span: &'p Span,
}

impl<'a> YamlArguments<'_, 'a> {
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.args
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| *v)
    }
}

impl Arguments for YamlArguments<'_, '_> {
    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn text(&mut self, key: &str) -> Result<Option<String>, Reported> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        match self.parser.scalar(node, key) {
            Some(s) => Ok(Some(s.as_str().to_string())),
            None => Err(Reported),
        }
    }

    fn text_if_single(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|v| v.as_scalar())
            .map(|s| s.as_str().to_string())
    }

    fn boolean(&mut self, key: &str, default: bool) -> Result<bool, Reported> {
        match self.get(key) {
            Some(node) => self.parser.boolean(node, key).ok_or(Reported),
            None => Ok(default),
        }
    }

    fn list(&mut self, key: &str, each: &str) -> Result<Option<Vec<String>>, Reported> {
        let Some(node) = self.get(key) else {
            return Ok(None);
        };
        let Some(seq) = node.as_sequence() else {
            self.parser
                .error(node.span(), format!("`{key}:` must be a list"));
            return Err(Reported);
        };
        let mut list = Vec::new();
        for v in seq.iter() {
            let value = self.parser.scalar(v, each).ok_or(Reported)?;
            list.push(value.as_str().to_string());
        }
        Ok(Some(list))
    }

    fn error(&mut self, message: String) -> Reported {
        self.parser.error(self.span, message);
        Reported
    }

    fn error_at(&mut self, key: &str, message: String) -> Reported {
        let span = *self.get(key).map_or(self.span, |v| v.span());
        self.parser.error(&span, message);
        Reported
    }
}

/// Parses and validates a schema file.
pub fn parse(text: &str) -> Result<Schema, SchemaErrors> {
    if text.trim().is_empty() {
        return Err(SchemaErrors(vec![SchemaError {
            line: 0,
            column: 0,
            message:
                "the schema file is empty; expected `version: 2` with `sources:` and/or `models:`"
                    .into(),
        }]));
    }
    let options = LoaderOptions::default().error_on_duplicate_keys(true);
    let root = marked_yaml::parse_yaml_with_options(0, text, options).map_err(|e| {
        let (line, column) = load_error_place(&e);
        SchemaErrors(vec![SchemaError {
            line,
            column,
            message: load_error_message(&e),
        }])
    })?;
    let mut p = Parser {
        errors: Vec::new(),
        pending: Vec::new(),
        freshness: Vec::new(),
        accepted: None,
        named_nodes: Vec::new(),
        named_columns: Vec::new(),
        text: text.chars().collect(),
    };
    let Some(map) = p.mapping(&root, "the schema file") else {
        return Err(SchemaErrors(p.errors));
    };
    for (key, value) in map.iter() {
        match key.as_str() {
            "version" => {
                if value.as_scalar().map(|s| s.as_str()) != Some("2") {
                    p.error(value.span(), "version must be 2");
                }
            }
            "sources" => p.sources(value),
            "models" => p.models(value),
            k if IGNORED_TOP_KEYS.contains(&k) => {}
            k => p.error(
                key.span(),
                format!(
                    "unknown top-level key `{k}`; expected {}",
                    TOP_KEYS.join(", ")
                ),
            ),
        }
    }

    // Now that the accepted list is known, check nodes and columns against the DAG.
    let mut config = RunConfig::new(chrono::NaiveDate::MIN);
    if let Some((list, _)) = &p.accepted {
        config.accepted_categories = list.clone();
    }
    let nodes = graph(&config);
    validate(&mut p, &nodes);

    if !p.errors.is_empty() {
        p.errors.sort_by_key(|e| (e.line, e.column));
        p.errors.dedup();
        return Err(SchemaErrors(p.errors));
    }
    let mut tests: Vec<GenericTest> = Vec::new();
    for t in p.pending {
        let source = t.node.starts_with("source.");
        let mut base = format!(
            "{}{}_{}{}",
            if source { "source_" } else { "" },
            t.kind.name(),
            short(&t.node).replace('.', "_"),
            t.column
                .as_deref()
                .map_or(String::new(), |c| format!("_{c}"))
        );
        if let GenericKind::Relationships { to, field } = &t.kind {
            base.push_str(&format!("__{field}__{}", short(to).replace('.', "_")));
        }
        let mut unique_id = unique_id::test(&base);
        let mut n = 2;
        while tests.iter().any(|x| x.unique_id == unique_id) {
            unique_id = unique_id::test(&format!("{base}_{n}"));
            n += 1;
        }
        tests.push(GenericTest {
            unique_id,
            kind: t.kind,
            node: t.node,
            column: t.column,
            config: t.config,
            line: place(&t.span).0,
        });
    }
    let (accepted_categories, accepted_span) = match p.accepted {
        Some((list, span)) => (Some(list), Some(span)),
        None => (None, None),
    };
    Ok(Schema {
        text: text.to_string(),
        tests,
        freshness: p.freshness.into_iter().map(|(f, _)| f).collect(),
        accepted_categories,
        accepted_span,
    })
}

fn validate(p: &mut Parser, nodes: &[DagNode]) {
    let valid_nodes = |kind: NodeKind| -> String {
        nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |id: &str| nodes.iter().find(|n| n.unique_id == id);
    for (id, span) in std::mem::take(&mut p.named_nodes) {
        if find(&id).is_none() {
            let kind = if id.starts_with("source.") {
                NodeKind::Source
            } else {
                NodeKind::Model
            };
            let what = if kind == NodeKind::Source {
                "source table"
            } else {
                "model"
            };
            p.error(
                &span,
                format!(
                    "unknown {what} `{}`; valid {what}s are {}",
                    short(&id),
                    valid_nodes(kind)
                ),
            );
        }
    }
    for (id, column, span) in std::mem::take(&mut p.named_columns) {
        let Some(node) = find(&id) else { continue };
        if !node.columns.iter().any(|c| c.name == column) {
            let valid: Vec<&str> = node.columns.iter().map(|c| c.name.as_str()).collect();
            p.error(
                &span,
                format!(
                    "unknown column `{column}` in {}; valid columns are {}",
                    short(&id),
                    valid.join(", ")
                ),
            );
        }
    }
    let column_types = |node: &DagNode| -> Vec<(String, DataType)> {
        node.columns
            .iter()
            .map(|c| (c.name.clone(), c.data_type))
            .collect()
    };
    let mut errors = Vec::new();
    for t in &p.pending {
        let Some(node) = find(&t.node) else { continue };
        let types = column_types(node);
        let typed: Vec<(&str, DataType)> = types.iter().map(|(n, d)| (n.as_str(), *d)).collect();
        if let Some(c) = t.column.as_ref().filter(|_| t.column_from_argument) {
            if !typed.iter().any(|(n, _)| n == c) {
                errors.push((
                    t.span,
                    format!(
                        "unknown column `{c}` in {}; valid columns are {}",
                        short(&t.node),
                        typed.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        if let Some(w) = &t.config.where_ {
            if let Err(e) = w.check(&typed) {
                errors.push((t.span, format!("where: {e}")));
            }
        }
        if let GenericKind::ExpressionIsTrue { expression } = &t.kind {
            if let Ok(c) = Condition::parse(expression) {
                if let Err(e) = c.check(&typed) {
                    errors.push((t.span, format!("expression: {e}")));
                }
            }
        }
        if let GenericKind::Relationships { to, .. } = &t.kind {
            if find(to).is_none() {
                let span = t.to_span.unwrap_or(t.span);
                errors.push((span, format!("`to:` names an unknown node `{}`; valid sources are {}; valid models are {}",
                    short(to), valid_nodes(NodeKind::Source), valid_nodes(NodeKind::Model))));
            }
        }
    }
    for (span, message) in errors {
        p.error(&span, message);
    }
}

fn load_error_place(e: &marked_yaml::LoadError) -> (usize, usize) {
    use marked_yaml::LoadError::*;
    #[allow(deprecated)]
    let marker = match e {
        TopLevelMustBeMapping(m)
        | TopLevelMustBeSequence(m)
        | UnexpectedAnchor(m)
        | MappingKeyMustBeScalar(m)
        | UnexpectedTag(m)
        | ScanError(m, _) => Some(*m),
        DuplicateKey(inner) => inner.key.span().start().copied(),
    };
    marker.map_or((0, 0), |m| (m.line(), m.column()))
}

fn load_error_message(e: &marked_yaml::LoadError) -> String {
    use marked_yaml::LoadError::*;
    match e {
        DuplicateKey(inner) => format!("duplicate key `{}`", inner.key.as_str()),
        TopLevelMustBeMapping(_) => {
            "the schema file must be a mapping (`version: 2`, `sources:`, `models:`)".into()
        }
        other => {
            // "line:col: message" → just the message.
            let s = other.to_string();
            s.split_once(": ").map_or(s.clone(), |(_, m)| m.to_string())
        }
    }
}

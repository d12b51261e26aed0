//! Schema files, dbt's `version: 2` format: the shipped `schema.yml`, every way dbt lets a
//! test be written (`data_tests:` or `tests:`, arguments inline or under `arguments:`, config
//! inline or under `config:`, `dbt_utils.` prefixes), every config field and threshold, and
//! every kind of bad file — each problem reported with its line, never a panic. Also the
//! edits that add categories to the accepted list and keep the rest of the file.

use c360::engine::config::DEFAULT_ACCEPTED_CATEGORIES;
use c360::engine::data_test::generic::GenericKind;
use c360::engine::data_test::schema::{
    parse, FreshnessThreshold, Period, SchemaErrors, DEFAULT_SCHEMA,
};
use c360::engine::data_test::{Severity, TestConfig, Threshold};
use c360::engine::Schema;
use proptest::prelude::*;

use crate::data_test_support::*;

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in\n{text}"))
        + 1
}

/// Asserts that `text` fails with exactly one problem, on `line`, whose message contains every
/// one of `says`.
fn assert_one_error(text: &str, line: usize, says: &[&str]) {
    let errors = schema_errors(text);
    assert_eq!(errors.len(), 1, "{errors:#?}\n--- schema ---\n{text}");
    let e = &errors[0];
    assert_eq!(e.line, line, "{e:?}\n--- schema ---\n{text}");
    assert!(e.column >= 1, "a column is given: {e:?}");
    for s in says {
        assert!(e.message.contains(s), "the message should say {s:?}: {e:?}");
    }
}

/// Asserts that every problem in `text` is on `line` and one of them says all of `says` (a
/// bad argument can also leave a required one missing: both are reported, on the same line).
fn assert_errors_on(text: &str, line: usize, says: &[&str]) {
    let errors = schema_errors(text);
    assert!(
        errors.iter().all(|e| e.line == line),
        "every problem on line {line}: {errors:#?}\n--- schema ---\n{text}"
    );
    assert!(
        errors
            .iter()
            .any(|e| says.iter().all(|s| e.message.contains(s))),
        "one problem should say all of {says:?}: {errors:#?}"
    );
}

fn test_on<'a>(
    schema: &'a Schema,
    unique_id: &str,
) -> &'a c360::engine::data_test::generic::GenericTest {
    schema
        .tests
        .iter()
        .find(|t| t.unique_id == unique_id)
        .unwrap_or_else(|| {
            let ids: Vec<&str> = schema.tests.iter().map(|t| t.unique_id.as_str()).collect();
            panic!("no test {unique_id}; the schema has {ids:#?}")
        })
}

// --- The shipped schema ----------------------------------------------------------------------

#[test]
fn the_shipped_schema_parses_with_its_twenty_nine_tests() {
    let schema = Schema::default_schema();
    let ids: Vec<&str> = schema.tests.iter().map(|t| t.unique_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "test.c360.source_unique_salesforce_contacts_id",
            "test.c360.source_not_null_salesforce_contacts_id",
            "test.c360.source_unique_web_transactions_id",
            "test.c360.source_not_null_web_transactions_id",
            "test.c360.source_accepted_values_web_transactions_category",
            "test.c360.source_relationships_web_transactions_contact_id__id__salesforce_contacts",
            "test.c360.unique_stg_sf__contacts_id",
            "test.c360.not_null_stg_sf__contacts_id",
            "test.c360.unique_contacts_joined_with_transactions_transaction_id",
            "test.c360.not_null_contacts_joined_with_transactions_transaction_id",
            "test.c360.not_null_contacts_joined_with_transactions_id",
            "test.c360.unique_customers_id",
            "test.c360.not_null_customers_id",
            "test.c360.unique_customer_segments_id",
            "test.c360.not_null_customer_segments_id",
            "test.c360.relationships_customer_segments_id__id__customers",
            "test.c360.accepted_values_customer_segments_segment",
            "test.c360.accepted_values_customer_segments_age_band",
            "test.c360.accepted_values_customer_segments_state",
            "test.c360.not_null_category_spend_dimension",
            "test.c360.accepted_values_category_spend_dimension",
            "test.c360.not_null_category_spend_dimension_value",
            "test.c360.not_null_recommendations_customer_id",
            "test.c360.relationships_recommendations_customer_id__id__customers",
            "test.c360.not_null_recommendations_category",
            "test.c360.accepted_values_recommendations_rank",
            "test.c360.unique_recommendation_evaluation_method",
            "test.c360.not_null_recommendation_evaluation_method",
            "test.c360.accepted_values_recommendation_evaluation_method",
        ]
    );
    assert_eq!(schema.text, DEFAULT_SCHEMA);
    assert_eq!(
        schema.accepted_categories.as_deref().unwrap(),
        DEFAULT_ACCEPTED_CATEGORIES.map(String::from)
    );
    assert_eq!(
        schema.accepted_values_test().unwrap().unique_id,
        SOURCE_ACCEPTED_CATEGORY
    );
}

#[test]
fn the_shipped_schema_warns_on_what_the_policies_remediate_and_errors_on_the_rest() {
    let schema = Schema::default_schema();
    for t in &schema.tests {
        let expected = if t.unique_id == SOURCE_UNIQUE_CONTACT_ID
            || t.unique_id == SOURCE_RELATIONSHIPS_CONTACT_ID
            || t.unique_id == SOURCE_ACCEPTED_CATEGORY
            || t.unique_id == "test.c360.not_null_contacts_joined_with_transactions_id"
        {
            Severity::Warn
        } else {
            Severity::Error
        };
        assert_eq!(t.config.severity, expected, "{}", t.unique_id);
        // Everything else is dbt's default config.
        assert_eq!(
            t.config,
            TestConfig {
                severity: expected,
                ..TestConfig::default()
            },
            "{}",
            t.unique_id
        );
    }
    let relationships = test_on(&schema, SOURCE_RELATIONSHIPS_CONTACT_ID);
    assert_eq!(
        relationships.kind,
        GenericKind::Relationships {
            to: "source.c360.salesforce.contacts".into(),
            field: "id".into()
        }
    );
    assert_eq!(relationships.node, "source.c360.web.transactions");
    assert_eq!(relationships.column.as_deref(), Some("contact_id"));
}

#[test]
fn every_shipped_test_knows_the_line_it_was_written_on() {
    let schema = Schema::default_schema();
    let lines: Vec<&str> = DEFAULT_SCHEMA.lines().collect();
    for t in &schema.tests {
        let line = lines[t.line - 1];
        assert!(
            line.contains(t.kind.name()),
            "{} says line {}, which is {line:?}",
            t.unique_id,
            t.line
        );
    }
    assert_eq!(
        test_on(&schema, SOURCE_UNIQUE_CONTACT_ID).line,
        line_of(DEFAULT_SCHEMA, "- unique:")
    );
}

#[test]
fn the_shipped_schema_checks_transactions_freshness() {
    let schema = Schema::default_schema();
    assert_eq!(schema.freshness.len(), 1);
    let f = &schema.freshness[0];
    assert_eq!(f.node, "source.c360.web.transactions");
    assert_eq!(f.loaded_at_field, "_loaded_at_utc");
    assert_eq!(
        f.warn_after,
        Some(FreshnessThreshold {
            count: 1,
            period: Period::Day
        })
    );
    assert_eq!(
        f.error_after,
        Some(FreshnessThreshold {
            count: 2,
            period: Period::Day
        })
    );
    assert_eq!(f.line, line_of(DEFAULT_SCHEMA, "warn_after"));
}

#[test]
fn the_done_when_fixture_is_the_shipped_schema_with_two_tests_made_strict() {
    let text = crate::util::read(schema_fixture("exercise_done_when.yml"));
    let strict = schema(&text);
    let shipped = Schema::default_schema();
    let ids = |s: &Schema| {
        s.tests
            .iter()
            .map(|t| t.unique_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&strict), ids(&shipped));
    assert_eq!(
        strict.accepted_categories.as_deref().unwrap(),
        EXERCISE_SIX.map(String::from)
    );
    assert_eq!(
        test_on(&strict, SOURCE_UNIQUE_CONTACT_ID).config.severity,
        Severity::Error
    );
    assert_eq!(
        test_on(&strict, SOURCE_ACCEPTED_CATEGORY).config.severity,
        Severity::Error
    );
    assert_eq!(
        test_on(&strict, SOURCE_RELATIONSHIPS_CONTACT_ID)
            .config
            .severity,
        Severity::Warn
    );
    let without_line = |s: &Schema| {
        s.freshness
            .iter()
            .map(|f| {
                (
                    f.node.clone(),
                    f.loaded_at_field.clone(),
                    f.warn_after,
                    f.error_after,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_line(&strict), without_line(&shipped));
}

// --- The ways dbt lets a test be written ---------------------------------------------------------

#[test]
fn tests_and_data_tests_are_the_same_key() {
    let new = schema(DEFAULT_SCHEMA);
    let old_text = DEFAULT_SCHEMA.replace("data_tests:", "tests:");
    assert_ne!(old_text, DEFAULT_SCHEMA);
    let old = schema(&old_text);
    assert_eq!(old.tests, new.tests);
    assert_eq!(old.accepted_categories, new.accepted_categories);
}

#[test]
fn a_column_may_have_both_keys_and_both_are_read() {
    let text = "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n        \
                tests:\n          - unique\n        data_tests:\n          - not_null\n";
    let s = schema(text);
    let kinds: Vec<&str> = s.tests.iter().map(|t| t.kind.name()).collect();
    assert_eq!(kinds.len(), 2);
    assert!(
        kinds.contains(&"unique") && kinds.contains(&"not_null"),
        "{kinds:?}"
    );
}

#[test]
fn arguments_inline_or_under_arguments_mean_the_same() {
    let inline = schema(&source_column_tests(
        "web",
        "transactions",
        "contact_id",
        &["- relationships: {to: \"source('salesforce', 'contacts')\", field: id, severity: warn}"],
    ));
    let nested = schema(&source_column_tests(
        "web",
        "transactions",
        "contact_id",
        &["- relationships: {arguments: {to: \"source('salesforce', 'contacts')\", field: id}, config: {severity: warn}}"],
    ));
    assert_eq!(inline.tests.len(), 1);
    assert_eq!(inline.tests[0].kind, nested.tests[0].kind);
    assert_eq!(inline.tests[0].config, nested.tests[0].config);
    assert_eq!(inline.tests[0].config.severity, Severity::Warn);

    let values = |body: &str| {
        schema(&source_column_tests(
            "web",
            "transactions",
            "category",
            &[body],
        ))
        .tests[0]
            .kind
            .clone()
    };
    assert_eq!(
        values("- accepted_values: {values: [Books, Beauty], quote: false}"),
        values("- accepted_values: {arguments: {values: [Books, Beauty], quote: false}}")
    );
    assert_eq!(
        values("- accepted_values: {values: [Books, Beauty]}"),
        GenericKind::AcceptedValues {
            values: vec!["Books".into(), "Beauty".into()],
            quote: true
        }
    );
}

#[test]
fn a_block_style_test_with_both_arguments_and_config_parses() {
    let text = "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n        \
columns:\n          - name: amount\n            data_tests:\n              - dbt_utils.accepted_range:\n                  \
arguments:\n                    min_value: 0\n                    max_value: 1000\n                    \
inclusive: false\n                  config:\n                    severity: warn\n                    \
warn_if: \">= 5\"\n                    error_if: \"between 10 and 20\"\n                    \
where: \"category = 'Books'\"\n                    limit: 3\n                    store_failures: false\n                    \
tags: [nightly]\n";
    let s = schema(text);
    let t = &s.tests[0];
    assert_eq!(
        t.unique_id,
        "test.c360.source_accepted_range_web_transactions_amount"
    );
    assert_eq!(
        t.kind,
        GenericKind::AcceptedRange {
            min_value: Some("0".into()),
            max_value: Some("1000".into()),
            inclusive: false
        }
    );
    assert_eq!(t.config.severity, Severity::Warn);
    assert_eq!(t.config.warn_if, Threshold::Ge(5));
    assert_eq!(t.config.error_if, Threshold::Between(10, 20));
    assert_eq!(t.config.where_.as_ref().unwrap().text, "category = 'Books'");
    assert_eq!(t.config.limit, Some(3));
    assert!(!t.config.store_failures);
    assert_eq!(t.line, line_of(text, "dbt_utils.accepted_range"));
}

#[test]
fn dbt_utils_prefixes_are_accepted() {
    for (prefixed, bare) in [
        (
            "- dbt_utils.accepted_range: {min_value: 0}",
            "- accepted_range: {min_value: 0}",
        ),
        (
            "- dbt_utils.expression_is_true: {expression: \"amount >= 0\"}",
            "- expression_is_true: {expression: \"amount >= 0\"}",
        ),
    ] {
        let a = schema(&source_column_tests(
            "web",
            "transactions",
            "amount",
            &[prefixed],
        ));
        let b = schema(&source_column_tests(
            "web",
            "transactions",
            "amount",
            &[bare],
        ));
        assert_eq!(a.tests[0].kind, b.tests[0].kind, "{prefixed}");
        assert_eq!(a.tests[0].unique_id, b.tests[0].unique_id);
    }
}

#[test]
fn flow_lists_of_test_names_work() {
    let s = schema(
        &model_column_tests("customers", "id", &["[unique, not_null]"]).replace(
            "data_tests:\n          [unique, not_null]",
            "data_tests: [unique, not_null]",
        ),
    );
    assert_eq!(s.tests.len(), 2);
}

#[test]
fn an_expression_starting_with_an_operator_is_about_its_column() {
    let s = schema(&source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- expression_is_true: {expression: \">= 0\"}"],
    ));
    assert_eq!(
        s.tests[0].kind,
        GenericKind::ExpressionIsTrue {
            expression: "amount >= 0".into()
        }
    );
    let s = schema(&source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- expression_is_true: {expression: \"is not null\"}"],
    ));
    assert_eq!(
        s.tests[0].kind,
        GenericKind::ExpressionIsTrue {
            expression: "amount is not null".into()
        }
    );
}

#[test]
fn model_level_tests_name_their_column_or_need_none() {
    let text = "version: 2\nmodels:\n  - name: customers\n    data_tests:\n      - unique:\n          \
column_name: id\n      - expression_is_true:\n          expression: \"first_purchase_date <= last_purchase_date\"\n";
    let s = schema(text);
    assert_eq!(s.tests.len(), 2);
    assert_eq!(s.tests[0].unique_id, "test.c360.unique_customers_id");
    assert_eq!(s.tests[0].column.as_deref(), Some("id"));
    assert_eq!(s.tests[1].column, None);
    assert_eq!(
        s.tests[1].unique_id,
        "test.c360.expression_is_true_customers"
    );
}

#[test]
fn the_same_test_twice_gets_a_numbered_unique_id() {
    let s = schema(&model_column_tests(
        "customers",
        "age",
        &[
            "- accepted_range: {min_value: 0}",
            "- accepted_range: {max_value: 150}",
        ],
    ));
    let ids: Vec<&str> = s.tests.iter().map(|t| t.unique_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "test.c360.accepted_range_customers_age",
            "test.c360.accepted_range_customers_age_2"
        ]
    );
}

#[test]
fn relationships_name_their_parent_by_source_or_ref() {
    let s = schema(&model_column_tests(
        "contacts_joined_with_transactions",
        "id",
        &["- relationships: {to: \"ref('stg_sf__contacts')\", field: id}"],
    ));
    assert_eq!(
        s.tests[0].kind,
        GenericKind::Relationships {
            to: "model.c360.stg_sf__contacts".into(),
            field: "id".into()
        }
    );
    assert_eq!(
        s.tests[0].unique_id,
        "test.c360.relationships_contacts_joined_with_transactions_id__id__stg_sf__contacts"
    );
    assert_eq!(
        s.tests[0].depends_on(),
        [
            "model.c360.contacts_joined_with_transactions",
            "model.c360.stg_sf__contacts"
        ]
    );
}

#[test]
fn every_config_field_is_read_inline_too() {
    let s = schema(&source_column_tests(
        "web",
        "transactions",
        "id",
        &["- unique: {severity: WARN, warn_if: \"> 2\", error_if: \"!= 0\", where: \"amount > 0\", limit: 7, store_failures: false, enabled: true, meta: {owner: me}}"],
    ));
    let c = &s.tests[0].config;
    assert_eq!(c.severity, Severity::Warn, "severity is case-insensitive");
    assert_eq!(c.warn_if, Threshold::Gt(2));
    assert_eq!(c.error_if, Threshold::Ne(0));
    assert_eq!(c.where_.as_ref().unwrap().columns(), ["amount"]);
    assert_eq!(c.limit, Some(7));
    assert!(!c.store_failures);
}

#[test]
fn accepted_values_only_on_transactions_category_is_the_accepted_list() {
    let s = schema(&model_column_tests(
        "customers",
        "gender",
        &["- accepted_values: {values: [F, M]}"],
    ));
    assert_eq!(s.accepted_categories, None);
    assert!(s.accepted_values_test().is_none());
    assert_eq!(s.with_accepted_categories(&["Kitchen".into()]), None);
}

#[test]
fn freshness_is_read_from_the_table_or_inherited_from_the_source() {
    let text = "version: 2\nsources:\n  - name: salesforce\n    loaded_at_field: _loaded_at_utc\n    \
freshness:\n      warn_after: {count: 12, period: hour}\n    tables:\n      - name: contacts\n  \
- name: web\n    loaded_at_field: _loaded_at_utc\n    freshness:\n      error_after: {count: 1, period: day}\n    \
tables:\n      - name: transactions\n        freshness:\n          error_after: {count: 30, period: minute}\n";
    let s = schema(text);
    assert_eq!(s.freshness.len(), 2);
    assert_eq!(s.freshness[0].node, "source.c360.salesforce.contacts");
    assert_eq!(
        s.freshness[0].warn_after,
        Some(FreshnessThreshold {
            count: 12,
            period: Period::Hour
        })
    );
    assert_eq!(s.freshness[0].error_after, None);
    assert_eq!(s.freshness[1].node, "source.c360.web.transactions");
    assert_eq!(s.freshness[1].warn_after, None);
    assert_eq!(
        s.freshness[1].error_after,
        Some(FreshnessThreshold {
            count: 30,
            period: Period::Minute
        })
    );
    assert_eq!(
        s.freshness[1].error_after.unwrap().to_string(),
        "30 minutes"
    );
    assert!(s.tests.is_empty());

    // `freshness: null` on a table turns the source's check off.
    let off = text.replace(
        "        freshness:\n          error_after: {count: 30, period: minute}\n",
        "        freshness: null\n",
    );
    let s = schema(&off);
    assert_eq!(s.freshness.len(), 1);
    assert_eq!(s.freshness[0].node, "source.c360.salesforce.contacts");
}

// --- Thresholds ----------------------------------------------------------------------------

#[test]
fn thresholds_parse_like_dbt_writes_them() {
    for (text, expected) in [
        ("!= 0", Threshold::Ne(0)),
        ("!=0", Threshold::Ne(0)),
        ("<> 3", Threshold::Ne(3)),
        ("> 10", Threshold::Gt(10)),
        (">10", Threshold::Gt(10)),
        (">= 1", Threshold::Ge(1)),
        ("< 4", Threshold::Lt(4)),
        ("<= 4", Threshold::Le(4)),
        ("= 0", Threshold::Eq(0)),
        ("== 2", Threshold::Eq(2)),
        ("  > 5  ", Threshold::Gt(5)),
        ("between 1 and 5", Threshold::Between(1, 5)),
        ("between 3 and 3", Threshold::Between(3, 3)),
    ] {
        assert_eq!(Threshold::parse(text), Ok(expected), "{text:?}");
        // What it prints parses back to itself (messages and the SQL use it).
        assert_eq!(Threshold::parse(&expected.to_string()), Ok(expected));
    }
}

#[test]
fn bad_thresholds_say_what_was_expected() {
    for text in [
        "",
        "0",
        "lots",
        "> ",
        "> -1",
        "> 1.5",
        ">> 1",
        "=< 3",
        "between 5 and 1",
        "between 1",
        "between 1 and",
        "between a and b",
        "!= zero",
    ] {
        let e = Threshold::parse(text).expect_err(text);
        assert!(e.contains("expected a threshold"), "{text:?}: {e}");
        assert!(
            e.contains("between 1 and 5"),
            "the error shows an example: {e}"
        );
    }
}

#[test]
fn thresholds_hold_at_the_right_counts() {
    let cases: &[(Threshold, &[u64], &[u64])] = &[
        (Threshold::Ne(0), &[1, 2, 100], &[0]),
        (Threshold::Eq(0), &[0], &[1]),
        (Threshold::Gt(10), &[11, 50], &[0, 10]),
        (Threshold::Ge(10), &[10, 11], &[9]),
        (Threshold::Lt(3), &[0, 2], &[3, 4]),
        (Threshold::Le(3), &[0, 3], &[4]),
        (Threshold::Between(2, 4), &[2, 3, 4], &[0, 1, 5]),
    ];
    for (t, holds, not) in cases {
        for n in *holds {
            assert!(t.holds(*n), "{t} should hold for {n}");
        }
        for n in *not {
            assert!(!t.holds(*n), "{t} should not hold for {n}");
        }
    }
}

// --- Bad files: each problem with its line -----------------------------------------------------

#[test]
fn a_yaml_syntax_error_names_its_line() {
    let text = "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n        \
data_tests: [unique, not_null\n";
    let errors = schema_errors(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    // An unclosed list is noticed where the file ends.
    assert_eq!(errors[0].line, text.lines().count() + 1, "{errors:?}");
    assert!(errors[0].message.contains("flow sequence"), "{errors:?}");

    let colon = "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id: x\n";
    let errors = schema_errors(colon);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 5, "{errors:?}");
    assert!(
        errors[0].message.contains("mapping values are not allowed"),
        "{errors:?}"
    );
    assert!(!errors[0].message.is_empty());

    let bad_indent = "version: 2\nmodels:\n  - name: customers\n   columns:\n      - name: id\n";
    let errors = schema_errors(bad_indent);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, line_of(bad_indent, "columns"), "{errors:?}");

    let tab = "version: 2\nmodels:\n\t- name: customers\n";
    let errors = schema_errors(tab);
    assert_eq!(errors[0].line, 3, "{errors:?}");
}

#[test]
fn a_duplicate_key_names_the_second_one() {
    let text = "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n        \
data_tests:\n          - unique:\n              config:\n                severity: warn\n                \
severity: error\n";
    assert_one_error(
        text,
        line_of(text, "severity: error"),
        &["duplicate key", "severity"],
    );
}

#[test]
fn an_empty_file_or_one_that_is_not_a_mapping_says_what_a_schema_is() {
    for empty in ["", "   \n\n"] {
        let errors = schema_errors(empty);
        assert_eq!(errors.len(), 1, "{empty:?}: {errors:?}");
        assert!(errors[0].message.contains("version: 2"), "{errors:?}");
    }
    for not_mapping in ["- a\n- b\n", "just words\n", "42\n"] {
        let errors = schema_errors(not_mapping);
        assert_eq!(errors.len(), 1, "{not_mapping:?}: {errors:?}");
        assert!(errors[0].message.contains("mapping"), "{errors:?}");
    }
}

#[test]
fn the_top_level_is_checked() {
    let text = "version: 3\nmodels: []\n";
    assert_one_error(text, 1, &["version must be 2"]);
    let text = "version: 2\nmodelz:\n  - name: customers\n";
    assert_one_error(
        text,
        2,
        &["unknown top-level key `modelz`", "sources", "models"],
    );
    // Keys of other dbt resources are accepted and ignored.
    schema("version: 2\nseeds:\n  - name: x\nmacros: []\nexposures: []\n");
    let text = "version: 2\nsources: 5\n";
    assert_one_error(text, 2, &["sources must be a list"]);
    let text = "version: 2\nmodels:\n  - customers\n";
    assert_one_error(text, 3, &["mapping"]);
}

#[test]
fn an_unknown_test_name_lists_the_supported_ones() {
    let text = model_column_tests("customers", "id", &["- uniq", "- unique"]);
    assert_one_error(
        &text,
        line_of(&text, "- uniq"),
        &[
            "unknown test `uniq`",
            "unique",
            "not_null",
            "accepted_values",
            "relationships",
            "accepted_range",
            "expression_is_true",
        ],
    );
    let text = model_column_tests("customers", "id", &["- dbt_utils.at_least_one"]);
    assert_one_error(
        &text,
        line_of(&text, "at_least_one"),
        &["unknown test `dbt_utils.at_least_one`"],
    );
    let text = model_column_tests("customers", "id", &["- {unique: {}, not_null: {}}"]);
    assert_one_error(&text, line_of(&text, "unique: {}"), &["a test is a name"]);
}

/// The one problem is on the column's `- name:` line (not repeated for each of its tests).
fn assert_unknown_column(text: &str, column: &str, says: &[&str]) {
    let errors = schema_errors(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].line,
        line_of(text, &format!("- name: {column}")),
        "{errors:#?}"
    );
    for e in &errors {
        assert!(
            e.message.contains(&format!("unknown column `{column}`")),
            "{errors:#?}"
        );
        for s in says {
            assert!(e.message.contains(s), "{s:?}: {e:?}");
        }
    }
}

#[test]
fn an_unknown_column_lists_the_valid_ones() {
    let text = source_column_tests("web", "transactions", "amout", &["- not_null", "- unique"]);
    assert_unknown_column(
        &text,
        "amout",
        &["web.transactions", "amount", "contact_id"],
    );
    let text = model_column_tests("customers", "total_expenses", &["- not_null"]);
    assert_unknown_column(
        &text,
        "total_expenses",
        &["customers", "total_expense", "other_amount"],
    );
    // A column with no tests is checked too.
    let text = "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: agee\n";
    assert_one_error(text, 5, &["unknown column `agee`"]);
    // The category columns follow the accepted list in force.
    schema(&model_column_tests(
        "customers",
        "kitchen_amount",
        &["- not_null"],
    ));
    let text = model_column_tests("customers", "garden_amount", &["- not_null"]);
    assert_unknown_column(&text, "garden_amount", &[]);
    // A model-level test's column_name is checked too.
    let text =
        "version: 2\nmodels:\n  - name: customers\n    data_tests:\n      - unique:\n          \
column_name: idd\n";
    assert_one_error(text, line_of(text, "- unique"), &["unknown column `idd`"]);
}

#[test]
fn an_unknown_source_or_model_lists_the_valid_ones() {
    let text = source_column_tests("web", "transaction", "id", &["- unique"]);
    assert_one_error(
        &text,
        line_of(&text, "- name: transaction"),
        &[
            "unknown source table `web.transaction`",
            "web.transactions",
            "salesforce.contacts",
        ],
    );
    let text = source_column_tests("shopify", "transactions", "id", &["- unique"]);
    assert_one_error(
        &text,
        line_of(&text, "- name: transactions"),
        &["unknown source table `shopify.transactions`"],
    );
    let text = model_column_tests("customer", "id", &["- unique"]);
    assert_one_error(
        &text,
        line_of(&text, "- name: customer"),
        &[
            "unknown model `customer`",
            "customers",
            "stg_sf__contacts",
            "category",
        ],
    );
}

#[test]
fn bad_arguments_are_reported_on_their_line() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        // (column of web.transactions, test, text on the error's line, message parts)
        (
            "category",
            "- accepted_values: {value: [Books]}",
            "value:",
            &["unknown argument `value`", "values"],
        ),
        (
            "category",
            "- accepted_values: {arguments: {valus: [Books]}}",
            "valus",
            &["unknown argument `valus`", "expected: values, quote"],
        ),
        (
            "category",
            "- accepted_values: {values: Books}",
            "values: Books",
            &["`values:` must be a list"],
        ),
        (
            "category",
            "- accepted_values: {values: [Books], quote: maybe}",
            "quote",
            &["`quote` must be true or false"],
        ),
        (
            "category",
            "- accepted_values: {values: [[Books]]}",
            "values",
            &["single value"],
        ),
        (
            "contact_id",
            "- relationships: {to: contacts, field: id}",
            "to:",
            &[
                "`to:` must be source('source', 'table') or ref('model')",
                "contacts",
            ],
        ),
        (
            "contact_id",
            "- relationships: {to: \"source('salesforce', 'people')\", field: id}",
            "to:",
            &["unknown node `salesforce.people`", "valid sources are"],
        ),
        (
            "contact_id",
            "- relationships: {to: \"ref('contacts')\", field: id}",
            "to:",
            &["unknown node `contacts`", "valid models are"],
        ),
        (
            "contact_id",
            "- relationships: {to: \"source('salesforce', 'contacts')\", field: idd}",
            "field",
            &["unknown column `idd` in salesforce.contacts"],
        ),
        (
            "amount",
            "- accepted_range: {min_value: 0, inclusive: sometimes}",
            "inclusive",
            &["`inclusive` must be true or false"],
        ),
        (
            "amount",
            "- expression_is_true: {expression: \"amount >\"}",
            "expression",
            &["expression:", "expected"],
        ),
        (
            "amount",
            "- expression_is_true: {expression: \"amount > 0 or amount < 5\"}",
            "expression",
            &["expected `and`"],
        ),
        (
            "amount",
            "- expression_is_true: {expression: \"amont > 0\"}",
            "expression",
            &["no column named amont", "valid columns are"],
        ),
        (
            "amount",
            "- not_null: {column: amount}",
            "column:",
            &["unknown argument `column`", "column_name"],
        ),
    ];
    for (column, test, on, says) in cases {
        let text = source_column_tests("web", "transactions", column, &[test]);
        assert_errors_on(&text, line_of(&text, on), says);
    }
}

#[test]
fn missing_required_arguments_say_what_is_needed() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "category",
            "- accepted_values",
            &["`accepted_values` needs `values:`"],
        ),
        (
            "category",
            "- accepted_values: {quote: false}",
            &["`accepted_values` needs `values:`"],
        ),
        (
            "contact_id",
            "- relationships: {to: \"source('salesforce', 'contacts')\"}",
            &["`relationships` needs `to:`", "and `field:`"],
        ),
        (
            "contact_id",
            "- relationships: {field: id}",
            &["`relationships` needs `to:`"],
        ),
        (
            "amount",
            "- accepted_range",
            &["`accepted_range` needs `min_value:` or `max_value:`"],
        ),
        (
            "amount",
            "- accepted_range: {inclusive: false}",
            &["needs `min_value:` or `max_value:`"],
        ),
        (
            "amount",
            "- expression_is_true",
            &["`expression_is_true` needs `expression:`"],
        ),
    ];
    for (column, test, says) in cases {
        let text = source_column_tests("web", "transactions", column, &[test]);
        let name = test.trim_start_matches("- ").split(':').next().unwrap();
        assert_one_error(&text, line_of(&text, name), says);
    }
    let text = "version: 2\nmodels:\n  - name: customers\n    data_tests:\n      - not_null\n";
    assert_one_error(
        text,
        5,
        &["`not_null` on a whole model needs `column_name:`"],
    );
}

#[test]
fn bad_config_is_reported_on_the_value_line() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "severity: fatal",
            "severity",
            &["severity must be `error` or `warn`", "fatal"],
        ),
        (
            "warn_if: lots",
            "warn_if",
            &["expected a threshold", "lots"],
        ),
        (
            "error_if: \"between 9 and 2\"",
            "error_if",
            &["expected a threshold"],
        ),
        ("where: \"amount >\"", "where", &["where:", "expected"]),
        ("where: \"amount ~ 3\"", "where", &["where:", "operator"]),
        ("where: \"category = 'open\"", "where", &["not closed"]),
        (
            "limit: -1",
            "limit",
            &["limit must be a whole number", "-1"],
        ),
        ("limit: ten", "limit", &["limit must be a whole number"]),
        (
            "store_failures: maybe",
            "store_failures",
            &["store_failures must be true or false"],
        ),
        (
            "colour: red",
            "colour",
            &[
                "unknown config `colour`",
                "severity",
                "warn_if",
                "store_failures",
            ],
        ),
        (
            "severity: [warn]",
            "severity",
            &["severity must be a single value"],
        ),
    ];
    for (config, on, says) in cases {
        let text = format!(
            "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n        \
columns:\n          - name: amount\n            data_tests:\n              - not_null:\n                  \
config:\n                    {config}\n"
        );
        assert_one_error(&text, line_of(&text, on), says);
    }
}

#[test]
fn a_where_on_an_unknown_column_is_reported_on_the_test() {
    let text = source_column_tests(
        "web",
        "transactions",
        "amount",
        &["- not_null: {config: {where: \"categry = 'Books'\"}}"],
    );
    assert_one_error(
        &text,
        line_of(&text, "not_null"),
        &[
            "where: no column named categry",
            "valid columns are",
            "category",
        ],
    );
}

#[test]
fn bad_freshness_is_reported() {
    let base = "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n";
    let text = format!("{base}        loaded_at_field: _loaded_at_utc\n        freshness:\n          warn_after: {{count: 1}}\n");
    assert_one_error(
        &text,
        line_of(&text, "warn_after"),
        &["warn_after needs `count:`", "`period:`"],
    );
    let text = format!("{base}        loaded_at_field: _loaded_at_utc\n        freshness:\n          error_after: {{count: 1, period: week}}\n");
    assert_one_error(
        &text,
        line_of(&text, "error_after"),
        &["minute, hour or day"],
    );
    let text = format!("{base}        loaded_at_field: _loaded_at_utc\n        freshness:\n          error_after: {{count: -2, period: day}}\n");
    assert_one_error(&text, line_of(&text, "error_after"), &["a whole number"]);
    let text =
        format!("{base}        freshness:\n          error_after: {{count: 1, period: day}}\n");
    assert_one_error(
        &text,
        line_of(&text, "error_after"),
        &["freshness needs `loaded_at_field:`"],
    );
    let text = format!("{base}        loaded_at_field: loaded_at\n        freshness:\n          error_after: {{count: 1, period: day}}\n");
    assert_one_error(
        &text,
        line_of(&text, "loaded_at_field"),
        &["unknown column `loaded_at`", "_loaded_at_utc"],
    );
    let text = format!("{base}        loaded_at_field: _loaded_at_utc\n        freshness:\n          warn_afterr: {{count: 1, period: day}}\n");
    assert_one_error(
        &text,
        line_of(&text, "warn_afterr"),
        &["unknown key `warn_afterr`", "warn_after, error_after"],
    );
}

#[test]
fn unknown_keys_are_reported_where_they_are() {
    let text = "version: 2\nmodels:\n  - name: customers\n    colums:\n      - name: id\n";
    assert_one_error(text, 4, &["unknown key `colums` in a model", "columns"]);
    let text = "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n        test:\n          - unique\n";
    assert_one_error(
        text,
        6,
        &["unknown key `test` in a column", "data_tests", "tests"],
    );
    let text = "version: 2\nsources:\n  - name: web\n    tabels:\n      - name: transactions\n";
    assert_one_error(text, 4, &["unknown key `tabels` in a source", "tables"]);
    let text = "version: 2\nmodels:\n  - columns: []\n";
    assert_one_error(text, 3, &["a model needs a `name:`"]);
}

#[test]
fn every_problem_is_reported_at_once_in_line_order() {
    let text = "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n        \
columns:\n          - name: amount\n            data_tests:\n              - not_null: {config: {severity: fatal}}\n              \
- uniq\n          - name: nope\n            data_tests: [unique]\nmodels:\n  - name: customer\n";
    let errors = schema_errors(text);
    let mut lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert!(lines.is_sorted(), "{errors:#?}");
    lines.dedup();
    let expected = [
        line_of(text, "fatal"),
        line_of(text, "- uniq"),
        line_of(text, "name: nope"),
        line_of(text, "name: customer"),
    ];
    for line in expected {
        assert!(
            lines.contains(&line),
            "a problem on line {line}: {errors:#?}"
        );
    }
    let n = errors.len();
    let shown = SchemaErrors(errors).to_string();
    assert!(
        shown.starts_with(&format!("the schema file has {n} problems:")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("\n  line {}, column ", line_of(text, "- uniq"))),
        "{shown}"
    );
}

#[test]
fn every_single_line_deletion_or_truncation_of_the_shipped_schema_parses_or_fails_cleanly() {
    let lines: Vec<&str> = DEFAULT_SCHEMA.lines().collect();
    for skip in 0..lines.len() {
        let text: String = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        check_clean(&text);
    }
    for (at, _) in DEFAULT_SCHEMA.char_indices() {
        check_clean(&DEFAULT_SCHEMA[..at]);
    }
}

/// A schema parses, or fails with problems that each have a message and (unless the file is
/// empty) a line inside the file.
fn check_clean(text: &str) {
    match parse(text) {
        Ok(s) => {
            for t in &s.tests {
                assert!(t.line >= 1 && t.line <= text.lines().count(), "{t:?}");
            }
        }
        Err(SchemaErrors(errors)) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(!e.message.is_empty());
                assert!(e.line <= text.lines().count() + 1, "{e:?} in\n{text}");
            }
            let mut sorted = errors.clone();
            sorted.sort_by_key(|e| (e.line, e.column));
            assert_eq!(sorted, errors, "problems come in line order");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any text at all: a schema or a list of problems, never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_clean(&text);
    }

    /// YAML-looking text built from schema words: a schema or a list of problems.
    #[test]
    fn schema_shaped_text_never_panics(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "version: 2\n", "sources:\n", "models:\n", "  - name: web\n", "  - name: customers\n",
                "    tables:\n", "      - name: transactions\n", "    columns:\n", "      - name: id\n",
                "        data_tests:\n", "          - unique\n", "          - accepted_values: {values: [a]}\n",
                "          - relationships: {to: \"ref('x')\", field: id}\n", "  config: {severity: warn}\n",
                "        freshness: {warn_after: {count: 1, period: day}}\n", "- ", ": ", "[", "]", "{", "}",
                "'", "\"", "#", "\t", "&a ", "*a ", "!!str ", "---\n", "...\n", "? ", "|\n", ">\n",
            ]),
            0..25,
        )
    ) {
        check_clean(&parts.concat());
    }
}

/// Bug: two accepted values with one column name (a repeat, or `Kitchen` and `Kitchen!`) give
/// `customers` two columns of that name, and the singular tests then fail on correct data.
#[test]
fn accepted_values_that_share_a_column_name_are_rejected_or_kept_apart() {
    let text = source_column_tests(
        "web",
        "transactions",
        "category",
        &["- accepted_values: {values: ['Apps & Games', 'Beauty', 'Books', 'Clothing, Shoes & Accessories', 'Kitchen', 'Movies & TV', 'Sports, Fitness & Outdoors', 'Books', 'Kitchen!']}"],
    );
    match parse(&text) {
        Err(SchemaErrors(errors)) => {
            assert!(
                errors
                    .iter()
                    .all(|e| e.line == line_of(&text, "accepted_values")),
                "{errors:#?}"
            );
        }
        Ok(s) => {
            let out = build_seeds(&s);
            let customers = out.model("customers").unwrap();
            let mut names: Vec<&str> = customers.column_names().collect();
            let all = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                all,
                "customers has repeated column names: {:?}",
                customers.column_names().collect::<Vec<_>>()
            );
            for id in SINGULAR {
                assert_eq!(
                    status_of(&out, id),
                    c360::engine::data_test::TestStatus::Pass,
                    "{id}"
                );
            }
        }
    }
}

// --- Editing the accepted list ------------------------------------------------------------------

#[test]
fn adding_categories_to_the_shipped_block_list_keeps_everything_else() {
    let s = Schema::default_schema();
    let edited = s
        .with_accepted_categories(&[
            "Garden: Patio".into(),
            "Books".into(),
            "2024".into(),
            "yes".into(),
        ])
        .unwrap();
    let again = schema(&edited);
    let mut expected: Vec<String> = DEFAULT_ACCEPTED_CATEGORIES.map(String::from).to_vec();
    expected.extend(["Garden: Patio", "2024", "yes"].map(String::from));
    assert_eq!(again.accepted_categories.unwrap(), expected);
    assert_eq!(again.tests.len(), s.tests.len());
    assert_eq!(again.freshness, s.freshness);
    // Only lines were added: every original line is still there, in order.
    let mut added = edited.lines();
    for line in DEFAULT_SCHEMA.lines() {
        assert!(added.any(|l| l == line), "{line:?} was lost");
    }
    assert_eq!(edited.lines().count(), DEFAULT_SCHEMA.lines().count() + 3);
    assert_eq!(
        s.with_accepted_categories(&["Books".into()]),
        None,
        "nothing new to add"
    );
}

#[test]
fn adding_categories_to_a_flow_list_after_non_ascii_text() {
    let text = "version: 2\n# Données de la boutique — catégories acceptées\nsources:\n  - name: web\n    \
description: \"Café ☕ exports\"\n    tables:\n      - name: transactions\n        columns:\n          \
- name: category\n            data_tests:\n              - accepted_values:\n                  \
values: ['Books', 'Beauty'] # the list\n";
    let s = schema(text);
    let edited = s
        .with_accepted_categories(&["Kitchen".into(), "Home, Garden".into()])
        .unwrap();
    assert_eq!(
        schema(&edited).accepted_categories.unwrap(),
        ["Books", "Beauty", "Kitchen", "Home, Garden"]
    );
    assert!(edited.contains("# the list"), "{edited}");
    assert!(edited.contains("Café ☕ exports"));
}

#[test]
fn adding_categories_to_an_empty_flow_list() {
    let text = source_column_tests(
        "web",
        "transactions",
        "category",
        &["- accepted_values: {values: []}"],
    );
    let s = schema(&text);
    assert_eq!(s.accepted_categories.as_deref(), Some(&[][..]));
    let edited = s.with_accepted_categories(&["Kitchen".into()]).unwrap();
    assert_eq!(schema(&edited).accepted_categories.unwrap(), ["Kitchen"]);
}

#[test]
fn adding_categories_to_a_flow_list_that_spans_lines() {
    let text = "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n        \
columns:\n          - name: category\n            data_tests:\n              - accepted_values:\n                  \
values: [\n                    'Books',\n                    'Beauty',\n                    ]\n";
    let s = schema(text);
    assert_eq!(
        s.accepted_categories.as_deref().unwrap(),
        ["Books", "Beauty"]
    );
    let edited = s.with_accepted_categories(&["Kitchen".into()]).unwrap();
    let again = parse(&edited).unwrap_or_else(|e| panic!("{e}\n--- edited ---\n{edited}"));
    assert_eq!(
        again.accepted_categories.unwrap(),
        ["Books", "Beauty", "Kitchen"]
    );
}

#[test]
fn adding_categories_to_a_flow_list_with_a_trailing_comma() {
    let text = source_column_tests(
        "web",
        "transactions",
        "category",
        &["- accepted_values: {values: [Books, Beauty, ]}"],
    );
    let s = schema(&text);
    assert_eq!(
        s.accepted_categories.as_deref().unwrap(),
        ["Books", "Beauty"]
    );
    let edited = s.with_accepted_categories(&["Kitchen".into()]).unwrap();
    let again = parse(&edited).unwrap_or_else(|e| panic!("{e}\n--- edited ---\n{edited}"));
    assert_eq!(
        again.accepted_categories.unwrap(),
        ["Books", "Beauty", "Kitchen"]
    );
}

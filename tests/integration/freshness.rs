//! Source freshness, as `dbt source freshness` checks it: pass, warn, error and runtime error
//! at the thresholds' edges, the message's words ("last loaded 3 years 6 months ago: error
//! after 2 days"), freshness inside a build (never skips a model, never fails the build), and
//! `c360 freshness`'s exit status and `sources.json`.

use c360::engine::data_test::freshness::{age_in_words, check, FreshnessStatus, WHEN_TO_RUN};
use c360::engine::data_test::schema::{FreshnessDef, FreshnessThreshold, Period};
use c360::engine::value::time::start_of_day_millis;
use c360::engine::{NodeStatus, RunConfig, Schema, Table};

use crate::data_test_support::*;
use crate::util::date;

const SEEDS_LOADED_AT: &str = "2023-05-09 10:05:28.875";

fn after(count: u32, period: Period) -> Option<FreshnessThreshold> {
    Some(FreshnessThreshold { count, period })
}

fn def(warn: Option<FreshnessThreshold>, error: Option<FreshnessThreshold>) -> FreshnessDef {
    FreshnessDef {
        node: "source.c360.web.transactions".into(),
        loaded_at_field: "_loaded_at_utc".into(),
        warn_after: warn,
        error_after: error,
        line: 1,
    }
}

fn shipped() -> FreshnessDef {
    def(after(1, Period::Day), after(2, Period::Day))
}

fn loaded(times: &[Option<&str>]) -> Table {
    Table::new().with("_loaded_at_utc", timestamps(times))
}

#[test]
fn the_exercise_data_is_years_stale() {
    let r = check(
        &shipped(),
        &loaded(&[Some(SEEDS_LOADED_AT)]),
        ts("2026-11-26 00:00:00"),
    );
    assert_eq!(r.status, FreshnessStatus::Error);
    assert_eq!(
        r.message,
        "last loaded 3 years 6 months ago: error after 2 days"
    );
    assert_eq!(r.unique_id, "source.c360.web.transactions");
    assert_eq!(r.loaded_at_field, "_loaded_at_utc");
    assert_eq!(r.max_loaded_at.as_deref(), Some(SEEDS_LOADED_AT));
    assert_eq!(r.snapshotted_at, "2026-11-26 00:00:00.000");
    assert_eq!(r.warn_after.as_deref(), Some("1 day"));
    assert_eq!(r.error_after.as_deref(), Some("2 days"));
    let seconds = (ts("2026-11-26 00:00:00") - ts(SEEDS_LOADED_AT)) as f64 / 1000.0;
    assert_eq!(r.max_loaded_at_time_ago_in_s, Some(seconds));
    assert!(r.execution_time >= 0.0);
}

#[test]
fn pass_warn_and_error_at_the_thresholds_edges() {
    let load = "2026-11-20 12:00:00";
    let status = |now: &str| check(&shipped(), &loaded(&[Some(load)]), ts(now)).status;
    assert_eq!(status("2026-11-20 12:00:00"), FreshnessStatus::Pass);
    assert_eq!(
        status("2026-11-21 12:00:00"),
        FreshnessStatus::Pass,
        "exactly 1 day is not past it"
    );
    assert_eq!(status("2026-11-21 12:00:00.001"), FreshnessStatus::Warn);
    assert_eq!(
        status("2026-11-22 12:00:00"),
        FreshnessStatus::Warn,
        "exactly 2 days"
    );
    assert_eq!(status("2026-11-22 12:00:00.001"), FreshnessStatus::Error);

    let message = |now: &str| check(&shipped(), &loaded(&[Some(load)]), ts(now)).message;
    assert_eq!(
        message("2026-11-20 13:30:00"),
        "last loaded 1 hour 30 minutes ago: within 1 day"
    );
    assert_eq!(
        message("2026-11-21 23:00:00"),
        "last loaded 1 day 11 hours ago: warn after 1 day"
    );
    assert_eq!(
        message("2026-11-25 12:00:00"),
        "last loaded 5 days ago: error after 2 days"
    );
    assert_eq!(
        message("2026-11-20 12:00:20"),
        "last loaded less than a minute ago: within 1 day"
    );
}

#[test]
fn the_newest_load_counts_and_nulls_are_ignored() {
    let table = loaded(&[
        Some("2026-11-01 00:00:00"),
        None,
        Some("2026-11-25 18:00:00"),
        Some("2026-10-01 00:00:00"),
    ]);
    let r = check(&shipped(), &table, ts("2026-11-26 00:00:00"));
    assert_eq!(r.max_loaded_at.as_deref(), Some("2026-11-25 18:00:00.000"));
    assert_eq!(r.status, FreshnessStatus::Pass);
    assert_eq!(r.message, "last loaded 6 hours ago: within 1 day");
}

#[test]
fn one_threshold_alone_works_and_other_periods_read_well() {
    let table = loaded(&[Some("2026-11-25 00:00:00")]);
    let at = ts("2026-11-26 00:00:00");
    let r = check(&def(after(12, Period::Hour), None), &table, at);
    assert_eq!(
        (r.status, r.message.as_str()),
        (
            FreshnessStatus::Warn,
            "last loaded 1 day ago: warn after 12 hours"
        )
    );
    assert_eq!(r.error_after, None);
    let r = check(&def(None, after(30, Period::Minute)), &table, at);
    assert_eq!(
        (r.status, r.message.as_str()),
        (
            FreshnessStatus::Error,
            "last loaded 1 day ago: error after 30 minutes"
        )
    );
    let r = check(&def(None, after(2, Period::Day)), &table, at);
    assert_eq!(
        (r.status, r.message.as_str()),
        (
            FreshnessStatus::Pass,
            "last loaded 1 day ago: within 2 days"
        )
    );
    let r = check(
        &def(after(1, Period::Minute), after(1, Period::Hour)),
        &table,
        at,
    );
    assert_eq!(r.message, "last loaded 1 day ago: error after 1 hour");
}

#[test]
fn a_load_after_the_as_of_instant_says_so() {
    let r = check(
        &shipped(),
        &loaded(&[Some("2026-11-27 03:00:00")]),
        ts("2026-11-26 00:00:00"),
    );
    assert_eq!(r.status, FreshnessStatus::Pass);
    assert_eq!(
        r.message,
        "last loaded 1 day 3 hours after the as-of instant: within 1 day"
    );
}

#[test]
fn a_check_that_cannot_run_is_a_runtime_error() {
    let at = ts("2026-11-26 00:00:00");
    let empty = check(&shipped(), &loaded(&[None, None]), at);
    assert_eq!(empty.status, FreshnessStatus::RuntimeError);
    assert_eq!(
        empty.message,
        "_loaded_at_utc has no values: nothing was ever loaded"
    );
    assert_eq!(empty.max_loaded_at, None);
    assert_eq!(empty.max_loaded_at_time_ago_in_s, None);

    let no_rows = check(&shipped(), &loaded(&[]), at);
    assert_eq!(no_rows.status, FreshnessStatus::RuntimeError);

    let mut wrong = shipped();
    wrong.loaded_at_field = "birthdate".into();
    let table = Table::new().with("birthdate", dates(&[Some("1990-01-01")]));
    let r = check(&wrong, &table, at);
    assert_eq!(
        (r.status, r.message.as_str()),
        (
            FreshnessStatus::RuntimeError,
            "birthdate is not a timestamp column"
        )
    );

    wrong.loaded_at_field = "loaded".into();
    let r = check(&wrong, &table, at);
    assert_eq!(
        (r.status, r.message.as_str()),
        (FreshnessStatus::RuntimeError, "no column named loaded")
    );
}

#[test]
fn ages_in_words_use_the_two_largest_calendar_units() {
    let words = |from: &str, to: &str| age_in_words(ts(from), ts(to));
    assert_eq!(
        words("2023-05-09 10:05:28.875", "2026-11-26 00:00:00"),
        "3 years 6 months"
    );
    assert_eq!(
        words("2025-11-26 00:00:00", "2026-11-26 00:00:00"),
        "1 year"
    );
    assert_eq!(
        words("2025-11-26 00:00:00", "2026-11-27 05:00:00"),
        "1 year"
    );
    assert_eq!(
        words("2024-10-26 00:00:00", "2026-11-26 00:00:00"),
        "2 years 1 month"
    );
    assert_eq!(
        words("2026-01-31 00:00:00", "2026-03-01 00:00:00"),
        "1 month 1 day"
    );
    assert_eq!(
        words("2026-11-24 22:00:00", "2026-11-26 00:00:00"),
        "1 day 2 hours"
    );
    assert_eq!(
        words("2026-11-25 23:59:00", "2026-11-26 00:00:00"),
        "1 minute"
    );
    assert_eq!(
        words("2026-11-25 22:58:00", "2026-11-26 00:00:00"),
        "1 hour 2 minutes"
    );
    assert_eq!(
        words("2026-11-26 00:00:00", "2026-11-26 00:00:59.999"),
        "less than a minute"
    );
    assert_eq!(
        words("2026-11-26 00:00:00", "2026-11-24 00:00:00"),
        "2 days",
        "order does not matter"
    );
}

// --- Freshness in a build ---------------------------------------------------------------------

#[test]
fn stale_sources_never_skip_a_model_or_fail_a_build() {
    let out = build_seeds(&Schema::default_schema());
    assert_eq!(out.freshness.len(), 1);
    let f = &out.freshness[0];
    assert_eq!(f.status, FreshnessStatus::Error);
    assert_eq!(
        f.message,
        "last loaded 3 years 6 months ago: error after 2 days"
    );
    assert!(!out.has_failures());
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
    assert_eq!(
        out.run_results()["freshness"][0]["message"],
        f.message.as_str()
    );
}

#[test]
fn the_as_of_day_sets_the_instant_freshness_is_measured_at() {
    let at = |day: &str| {
        let out = build_with(
            seeds(),
            &Schema::default_schema(),
            &RunConfig::new(date(day)),
        );
        let f = out.freshness[0].clone();
        (f.status, f.message)
    };
    assert_eq!(
        at("2023-05-10"),
        (
            FreshnessStatus::Pass,
            "last loaded 13 hours 54 minutes ago: within 1 day".into()
        )
    );
    assert_eq!(
        at("2023-05-11"),
        (
            FreshnessStatus::Warn,
            "last loaded 1 day 13 hours ago: warn after 1 day".into()
        )
    );
    assert_eq!(
        at("2023-05-12"),
        (
            FreshnessStatus::Error,
            "last loaded 2 days 13 hours ago: error after 2 days".into()
        )
    );
    let config = RunConfig::new(date("2023-05-10"));
    assert_eq!(config.freshness_at, start_of_day_millis(date("2023-05-10")));
    let instant = ts("2023-05-09 12:05:28.875");
    let now = RunConfig::at_instant(instant);
    assert_eq!((now.as_of, now.freshness_at), (date("2023-05-09"), instant));
    let out = build_with(seeds(), &Schema::default_schema(), &now);
    assert_eq!(
        out.freshness[0].message,
        "last loaded 2 hours ago: within 1 day"
    );
}

#[test]
fn a_source_level_check_applies_to_each_of_its_tables() {
    let text = "version: 2\nsources:\n  - name: salesforce\n    loaded_at_field: birthdate\n    freshness:\n      \
warn_after: {count: 1, period: day}\n    tables:\n      - name: contacts\n  - name: web\n    \
loaded_at_field: _loaded_at_utc\n    freshness:\n      error_after: {count: 4000, period: day}\n    tables:\n      \
- name: transactions\n";
    let out = build_seeds(&schema(text));
    let by_node = |id: &str| {
        out.freshness
            .iter()
            .find(|f| f.unique_id == id)
            .unwrap()
            .clone()
    };
    let contacts = by_node("source.c360.salesforce.contacts");
    assert_eq!(contacts.status, FreshnessStatus::RuntimeError);
    assert_eq!(contacts.message, "birthdate is not a timestamp column");
    let transactions = by_node("source.c360.web.transactions");
    assert_eq!(transactions.status, FreshnessStatus::Pass);
    assert_eq!(
        transactions.message,
        "last loaded 3 years 6 months ago: within 4000 days"
    );
    for id in MODEL_IDS {
        assert_eq!(node_status(&out, id), NodeStatus::Success, "{id}");
    }
}

// --- c360 freshness -----------------------------------------------------------------------------

fn c360_freshness(as_of: &str, extra: &[&str], dir: &std::path::Path) -> std::process::Output {
    let contacts = seed_path("contacts.csv").display().to_string();
    let transactions = seed_path("transactions.csv").display().to_string();
    let mut args = vec![
        "freshness",
        "--contacts",
        &contacts,
        "--transactions",
        &transactions,
        "--as-of",
        as_of,
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    c360(&args, dir)
}

#[test]
fn c360_freshness_exits_1_on_error_and_writes_sources_json() {
    let tmp = crate::util::tempdir();
    let out = c360_freshness(AS_OF, &[], tmp.path());
    assert_exit(&out, 1);
    let log = stdout(&out);
    assert!(
        log.contains("freshness of web.transactions: ERROR — last loaded 3 years 6 months ago: error after 2 days"),
        "{log}"
    );
    assert!(log.contains(WHEN_TO_RUN), "{log}");
    let files: Vec<String> = std::fs::read_dir(tmp.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["sources.json"], "freshness writes no models");
    let json = json(&tmp.path().join("out/sources.json"));
    let r = &json["results"][0];
    assert_eq!(r["unique_id"], "source.c360.web.transactions");
    assert_eq!(r["status"], "error");
    assert_eq!(r["max_loaded_at"], SEEDS_LOADED_AT);
    assert_eq!(r["snapshotted_at"], "2026-11-26 00:00:00.000");
    assert_eq!(r["warn_after"], "1 day");
    assert_eq!(r["error_after"], "2 days");
    assert!(r["max_loaded_at_time_ago_in_s"].as_f64().unwrap() > 100_000_000.0);
    assert!(r["execution_time"].is_number());
}

#[test]
fn c360_freshness_exits_0_on_pass_and_warn() {
    let tmp = crate::util::tempdir();
    for (day, status, word) in [
        ("2023-05-10", "pass", "PASS"),
        ("2023-05-11", "warn", "WARN"),
    ] {
        let out = c360_freshness(day, &[], tmp.path());
        assert_exit(&out, 0);
        assert!(
            stdout(&out).contains(&format!("freshness of web.transactions: {word}")),
            "{}",
            stdout(&out)
        );
        assert_eq!(
            json(&tmp.path().join("out/sources.json"))["results"][0]["status"],
            status
        );
    }
}

#[test]
fn c360_freshness_exits_1_on_a_runtime_error() {
    let tmp = crate::util::tempdir();
    let text = "version: 2\nsources:\n  - name: web\n    tables:\n      - name: transactions\n        \
loaded_at_field: transaction_date\n        freshness:\n          warn_after: {count: 1, period: day}\n  \
- name: salesforce\n    tables:\n      - name: contacts\n        loaded_at_field: birthdate\n        \
freshness:\n          warn_after: {count: 1, period: day}\n";
    let path = write_file(tmp.path(), "s.yml", text);
    let out = c360_freshness("2023-05-10", &["--schema", &path], tmp.path());
    assert_exit(&out, 1);
    let log = stdout(&out);
    assert!(
        log.contains("RUNTIME_ERROR — birthdate is not a timestamp column"),
        "{log}"
    );
    let json = json(&tmp.path().join("out/sources.json"));
    let statuses: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"runtime_error"), "{statuses:?}");
}

#[test]
fn c360_freshness_without_checks_says_so_and_exits_0() {
    let tmp = crate::util::tempdir();
    let path = write_file(
        tmp.path(),
        "s.yml",
        "version: 2\nmodels:\n  - name: customers\n",
    );
    let out = c360_freshness(AS_OF, &["--schema", &path], tmp.path());
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("No source has a freshness check in the schema."),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        json(&tmp.path().join("out/sources.json"))["results"],
        serde_json::json!([])
    );
}

#[test]
fn c360_build_reports_freshness_but_exits_0() {
    let tmp = crate::util::tempdir();
    let out = c360_seeds("build", &[], tmp.path());
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("freshness of web.transactions: ERROR"),
        "{}",
        stdout(&out)
    );
    let json = json(&tmp.path().join("out/run_results.json"));
    assert_eq!(json["freshness"][0]["status"], "error");
}

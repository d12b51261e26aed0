//! The `c360` binary's contract, which scripts rely on: `c360 build` writes the marts' CSVs
//! (every model's with `--all-models`) plus `run_results.json` and exits 0; unreadable or
//! invalid input and bad usage exit 2 with a message on stderr and nothing written;
//! `c360 generate` is deterministic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::*;

fn c360(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_c360"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the c360 binary runs")
}

fn seeds(name: &str) -> String {
    repo().join("seeds").join(name).display().to_string()
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `c360 build` with `args` into a fresh `out/`, expecting exit 2, a message on stderr
/// containing each of `says`, and no `out/` at all afterwards.
fn assert_build_fails(args: &[&str], says: &[&str]) {
    let tmp = tempdir();
    let mut full = vec!["build"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--out", "out"]);
    let out = c360(&full, tmp.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "args {args:?}; stderr: {}",
        stderr(&out)
    );
    let message = stderr(&out);
    for s in says {
        assert!(message.contains(s), "stderr should say {s:?}: {message}");
    }
    assert!(
        !tmp.path().join("out").exists(),
        "nothing may be written on failure: {:?}",
        files_in(&tmp.path().join("out"))
    );
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `c360 build` on the seeds into `out/`, with `extra` arguments.
fn build_seeds(dir: &Path, extra: &[&str]) -> Output {
    let (c, t) = (seeds("contacts.csv"), seeds("transactions.csv"));
    let mut args = vec![
        "build",
        "--contacts",
        &c,
        "--transactions",
        &t,
        "--as-of",
        GOLDEN_AS_OF,
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    c360(&args, dir)
}

/// The marts, the models `c360 build` writes by default.
const MARTS: [&str; 6] = [
    "customers",
    "category",
    "customer_segments",
    "category_spend",
    "recommendations",
    "recommendation_evaluation",
];

#[test]
fn build_writes_the_marts_and_run_results_by_default() {
    let tmp = tempdir();
    let out = build_seeds(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let dir = tmp.path().join("out");
    let mut expected: BTreeSet<String> = MARTS.iter().map(|m| format!("{m}.csv")).collect();
    expected.insert("run_results.json".into());
    assert_eq!(files_in(&dir), expected);
    for name in MARTS {
        assert_eq!(
            read(dir.join(format!("{name}.csv"))),
            read(
                repo()
                    .join("tests/golden/seeds")
                    .join(format!("{name}.csv"))
            ),
            "{name}.csv"
        );
    }
    // The other models still ran and were tested, like dbt's views.
    let json: serde_json::Value =
        serde_json::from_str(&read(dir.join("run_results.json"))).expect("valid JSON");
    let results = json["results"].as_array().expect("a results array");
    for m in all_models() {
        let r = results
            .iter()
            .find(|r| r["unique_id"] == format!("model.c360.{m}"))
            .unwrap_or_else(|| panic!("{m} has a result"));
        assert_eq!(r["status"], "success", "{r}");
    }
    assert!(
        stdout(&out).contains("Wrote 6 model CSVs and run_results.json to out"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_default_build_removes_the_model_csvs_an_all_models_build_left() {
    let tmp = tempdir();
    let out = build_seeds(tmp.path(), &["--all-models"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        files_in(&tmp.path().join("out")).len(),
        all_models().count() + 1
    );
    let out = build_seeds(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let mut marts: BTreeSet<String> = MARTS.iter().map(|m| format!("{m}.csv")).collect();
    marts.insert("run_results.json".into());
    assert_eq!(files_in(&tmp.path().join("out")), marts);
}

#[test]
fn build_with_all_models_writes_every_model_and_run_results() {
    let tmp = tempdir();
    let out = build_seeds(tmp.path(), &["--all-models"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let dir = tmp.path().join("out");
    let mut expected: BTreeSet<String> = all_models().map(|m| format!("{m}.csv")).collect();
    expected.insert("run_results.json".into());
    assert_eq!(files_in(&dir), expected);

    // The written CSVs are the goldens, byte for byte.
    for name in all_models() {
        let written = read(dir.join(format!("{name}.csv")));
        assert_eq!(
            written,
            read(
                repo()
                    .join("tests/golden/seeds")
                    .join(format!("{name}.csv"))
            ),
            "{name}.csv"
        );
    }

    // run_results.json: one entry per node, dbt's fields.
    let json: serde_json::Value =
        serde_json::from_str(&read(dir.join("run_results.json"))).expect("valid JSON");
    // Sources and models are nodes; data tests (`test.c360.*`) have entries of their own.
    let results: Vec<&serde_json::Value> = json["results"]
        .as_array()
        .expect("a results array")
        .iter()
        .filter(|r| {
            !r["unique_id"]
                .as_str()
                .expect("unique_id")
                .starts_with("test.")
        })
        .collect();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["unique_id"].as_str().unwrap())
        .collect();
    let mut want = vec![
        "source.c360.salesforce.contacts",
        "source.c360.web.transactions",
    ];
    let models: Vec<String> = all_models().map(|m| format!("model.c360.{m}")).collect();
    want.extend(models.iter().map(String::as_str));
    assert_eq!(ids, want);
    for r in &results {
        assert_eq!(r["status"], "success", "{r}");
        assert!(
            r["rows"].is_u64() && r["execution_time"].is_number() && r["message"].is_string(),
            "{r}"
        );
    }
    let customers = results
        .iter()
        .find(|r| r["unique_id"] == "model.c360.customers")
        .unwrap();
    assert_eq!(customers["rows"], 10);

    // A summary on stdout naming every node.
    let summary = stdout(&out);
    for m in all_models() {
        assert!(summary.contains(m), "the summary names {m}: {summary}");
    }
    assert!(summary.contains("as of 2026-11-26"), "{summary}");
}

#[test]
fn build_writes_rfc4180_csv_with_millisecond_timestamps() {
    let tmp = tempdir();
    let contacts = contacts_csv(
        &[contact("c1", "F", "1990-01-01")]
            .map(|r| r.replace("Name c1", &field("Mary \"Polly\" Davis"))),
    );
    let transactions = transactions_csv(&[
        transaction_at(
            "c1",
            "t1",
            "2023-04-15 09:57:19",
            "66.3",
            "Clothing, Shoes & Accessories",
        ),
        transaction_at("c1", "t2", "2023-04-16T10:00:00.5", "43.6", "Books"),
        transaction_at("c1", "t3", "2023-04-17 11:00:00.123", "242.0", "Books"),
    ]);
    let (c, t) = (
        write(tmp.path(), "contacts.csv", &contacts),
        write(tmp.path(), "transactions.csv", &transactions),
    );
    let out = c360(
        &[
            "build",
            "--contacts",
            &c,
            "--transactions",
            &t,
            "--as-of",
            GOLDEN_AS_OF,
            "--out",
            "out",
            "--all-models",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));

    let joined = read(tmp.path().join("out/contacts_joined_with_transactions.csv"));
    let lines: Vec<&str> = joined.lines().collect();
    assert_eq!(
        lines[0],
        "id,user_name,name,gender,address,email_address,birth_date,_loaded_at_utc,transaction_id,transaction_date,amount,item_count,category"
    );
    assert_eq!(
        lines[1],
        "c1,user_c1,\"Mary \"\"Polly\"\" Davis\",F,\"1 Main St, Sydney, NSW, 2000\",user_c1@example.com,1990-01-01,\
         2023-05-09 10:05:28.875,t1,2023-04-15 09:57:19.000,66.3,1,\"Clothing, Shoes & Accessories\""
    );
    assert!(
        lines[2].contains(",2023-04-16 10:00:00.500,43.6,"),
        "{}",
        lines[2]
    );

    let customers = Csv::read(tmp.path().join("out/customers.csv"));
    let row = customers.row("id", "c1");
    assert_eq!(row.get("total_expense"), "351.9");
    assert_eq!(row.get("first_purchase_date"), "2023-04-15 09:57:19.000");
    assert_eq!(row.get("last_purchase_date"), "2023-04-17 11:00:00.123");
}

#[test]
fn build_help_names_the_all_models_flag() {
    let out = c360(&["build", "--help"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.contains("--all-models"), "{help}");
    assert!(help.contains("only the marts"), "{help}");
}

#[test]
fn build_without_out_writes_to_c360_out() {
    let tmp = tempdir();
    let out = c360(
        &[
            "build",
            "--contacts",
            &seeds("contacts.csv"),
            "--transactions",
            &seeds("transactions.csv"),
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(tmp.path().join("c360-out/customers.csv").is_file());
    assert!(tmp.path().join("c360-out/run_results.json").is_file());
}

#[test]
fn a_missing_input_file_exits_2_and_writes_nothing() {
    assert_build_fails(
        &[
            "--contacts",
            "/nonexistent/contacts.csv",
            "--transactions",
            &seeds("transactions.csv"),
        ],
        &["/nonexistent/contacts.csv"],
    );
    assert_build_fails(
        &[
            "--contacts",
            &seeds("contacts.csv"),
            "--transactions",
            "/nonexistent/transactions.csv",
        ],
        &["/nonexistent/transactions.csv"],
    );
}

#[test]
fn a_directory_as_input_exits_2() {
    let dir = repo().join("seeds").display().to_string();
    assert_build_fails(
        &[
            "--contacts",
            &dir,
            "--transactions",
            &seeds("transactions.csv"),
        ],
        &["seeds"],
    );
}

#[test]
fn invalid_input_exits_2_naming_file_line_column_and_value() {
    let tmp = tempdir();
    let bad = transactions_csv(&[
        transaction("c1", "t1", "66.3", "Books"),
        transaction("c1", "t2", "12,5", "Books"),
    ]);
    let t = write(tmp.path(), "transactions.csv", &bad);
    assert_build_fails(
        &["--contacts", &seeds("contacts.csv"), "--transactions", &t],
        &[
            "transactions.csv line 3, column amount: expected a decimal number",
            "found \"12,5\"",
        ],
    );
    let missing = write(tmp.path(), "contacts.csv", "id,name\nc1,Mary\n");
    assert_build_fails(
        &["--contacts", &missing, "--transactions", &seeds("transactions.csv")],
        &["contacts.csv: missing required columns username, gender, address, mail, birthdate, _loaded_at_utc; the header has: id, name"],
    );
    let empty = write(tmp.path(), "empty.csv", "");
    assert_build_fails(
        &[
            "--contacts",
            &empty,
            "--transactions",
            &seeds("transactions.csv"),
        ],
        &["empty.csv: the file is empty"],
    );
}

#[test]
fn a_failed_build_leaves_an_existing_out_dir_untouched() {
    let tmp = tempdir();
    let dir = tmp.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("customers.csv"), "old\n").unwrap();
    let bad = write(
        tmp.path(),
        "bad.csv",
        &transactions_csv(&[transaction("c1", "t1", "x", "Books")]),
    );
    let out = c360(
        &[
            "build",
            "--contacts",
            &seeds("contacts.csv"),
            "--transactions",
            &bad,
            "--out",
            "out",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        files_in(&dir),
        BTreeSet::from(["customers.csv".to_string()])
    );
    assert_eq!(read(dir.join("customers.csv")), "old\n");
}

#[test]
fn bad_usage_exits_2_and_writes_nothing() {
    let (c, t) = (seeds("contacts.csv"), seeds("transactions.csv"));
    assert_build_fails(&["--transactions", &t], &["--contacts"]);
    assert_build_fails(&["--contacts", &c], &["--transactions"]);
    assert_build_fails(
        &[
            "--contacts",
            &c,
            "--transactions",
            &t,
            "--as-of",
            "2026-02-30",
        ],
        &["2026-02-30"],
    );
    assert_build_fails(
        &[
            "--contacts",
            &c,
            "--transactions",
            &t,
            "--as-of",
            "26/11/2026",
        ],
        &["26/11/2026"],
    );
    assert_build_fails(
        &["--contacts", &c, "--transactions", &t, "--colour", "blue"],
        &["--colour"],
    );

    let tmp = tempdir();
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["generate", "--contacts", "3"][..],
    ] {
        let out = c360(args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}: a message on stderr");
    }
    assert!(
        files_in(tmp.path()).is_empty(),
        "{:?}",
        files_in(tmp.path())
    );
}

#[test]
fn generate_is_deterministic() {
    let tmp = tempdir();
    let run = |seed: &str, out: &str| {
        let o = c360(
            &[
                "generate",
                "--contacts",
                "30",
                "--transactions",
                "300",
                "--seed",
                seed,
                "--out",
                out,
            ],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
        ["contacts.csv", "transactions.csv"]
            .map(|f| std::fs::read(tmp.path().join(out).join(f)).unwrap())
    };
    let a = run("7", "a");
    let b = run("7", "b");
    let c = run("8", "c");
    assert!(a == b, "the same seed must give the same bytes");
    assert!(a[1] != c[1], "another seed gives other transactions");
    assert_eq!(String::from_utf8(a[0].clone()).unwrap().lines().count(), 31);

    // What it writes, c360 build reads.
    let out = c360(
        &[
            "build",
            "--contacts",
            "a/contacts.csv",
            "--transactions",
            "a/transactions.csv",
            "--out",
            "built",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
}

#[test]
fn impossible_generate_options_exit_2_naming_the_flag_and_what_is_allowed() {
    let tmp = tempdir();
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "--out", "gen"];
        args.extend_from_slice(extra);
        c360(&args, tmp.path())
    };
    for (args, says) in [
        (
            &["--contacts", "0", "--transactions", "1"][..],
            &[
                "--transactions 1",
                "--contacts is 0",
                "--contacts 1 or more",
                "--transactions 0",
            ][..],
        ),
        (
            &["--contacts", "0", "--transactions", "5", "--no-defects"][..],
            &["--transactions 5", "--contacts is 0"][..],
        ),
        (
            &["--contacts", "2", "--transactions", "100"][..],
            &["--contacts 2", "--contacts 3 or more", "--no-defects"][..],
        ),
        (
            &["--contacts", "12", "--transactions", "2"][..],
            &[
                "--transactions 2",
                "--transactions 3 or more",
                "--no-defects",
            ][..],
        ),
        (
            &["--contacts", "0", "--transactions", "0"][..],
            &["--contacts 0", "--no-defects"][..],
        ),
    ] {
        let out = generate(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        for s in says {
            assert!(err.contains(s), "{args:?}: {s:?} not in {err}");
        }
        assert!(files_in(tmp.path()).is_empty(), "{args:?}: nothing written");
    }

    // What is possible is written: nothing at all, or contacts who buy without defects.
    for (args, lines) in [
        (
            &["--contacts", "0", "--transactions", "0", "--no-defects"][..],
            (1, 1),
        ),
        (
            &["--contacts", "1", "--transactions", "4", "--no-defects"][..],
            (2, 5),
        ),
        (&["--contacts", "3", "--transactions", "3"][..], (4, 4)),
    ] {
        let out = generate(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let count = |f: &str| read(tmp.path().join("gen").join(f)).lines().count();
        assert_eq!(
            (count("contacts.csv"), count("transactions.csv")),
            lines,
            "{args:?}"
        );
    }
}

// --- --mapping ---------------------------------------------------------------------------

/// The seeds' transactions with the header an online shop's export might have.
fn shop_transactions(dir: &Path) -> String {
    let seeds = std::fs::read_to_string(seeds("transactions.csv")).unwrap();
    let (header, rest) = seeds.split_once('\n').unwrap();
    assert_eq!(
        header,
        "\"contact_id\",\"id\",\"transaction_date\",\"amount\",\"item_count\",\"category\",\"_loaded_at_utc\""
    );
    write(
        dir,
        "orders.csv",
        &format!("Customer ID,order_id,Order Date,price,qty,category,_loaded_at_utc\n{rest}"),
    )
}

const SHOP_MAPPING: &str = r#"{
  "version": 1,
  "sources": {
    "transactions": {
      "columns": {
        "contact_id": "Customer ID",
        "id": "order_id",
        "transaction_date": "Order Date",
        "amount": "price",
        "item_count": "qty"
      }
    }
  }
}"#;

#[test]
fn a_mapping_file_renames_the_headers_for_build_test_and_freshness() {
    let tmp = tempdir();
    let dir = tmp.path();
    let orders = shop_transactions(dir);
    let mapping = write(dir, "mapping.json", SHOP_MAPPING);
    let contacts = seeds("contacts.csv");
    let run = |command: &str, transactions: &str, out: &str, mapping: Option<&str>| {
        let mut args = vec![
            command,
            "--contacts",
            &contacts,
            "--transactions",
            transactions,
            "--as-of",
            "2023-05-09",
            "--out",
            out,
        ];
        if let Some(m) = mapping {
            args.extend_from_slice(&["--mapping", m]);
        }
        c360(&args, dir)
    };
    let shipped = seeds("transactions.csv");
    let out = run("build", &shipped, "plain", None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run("build", &orders, "mapped", Some(&mapping));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        read(dir.join("mapped/customers.csv")),
        read(dir.join("plain/customers.csv")),
        "the mapped file builds what the exercise's header builds"
    );
    for command in ["test", "freshness"] {
        let out = run(command, &orders, command, Some(&mapping));
        assert_ne!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        let without = run(command, &orders, command, None);
        assert_eq!(
            without.status.code(),
            Some(2),
            "{command} without the mapping"
        );
    }
}

#[test]
fn a_bad_mapping_exits_2_naming_the_file_and_what_is_wrong() {
    let tmp = tempdir();
    let dir = tmp.path();
    let orders = shop_transactions(dir);
    let contacts = seeds("contacts.csv");
    let cases: [(&str, &[&str]); 4] = [
        (
            // qty not mapped: named, with the header and the closest candidates.
            r#"{"version": 1, "sources": {"transactions": {"columns": {"contact_id": "Customer ID", "id": "order_id", "transaction_date": "Order Date", "amount": "price"}}}}"#,
            &["orders.csv", "\"item_count\"", "\"qty\""],
        ),
        (
            // A header the file does not have (its case differs): named, with the close one.
            r#"{"version": 1, "sources": {"transactions": {"columns": {"contact_id": "Customer ID", "id": "order_id", "transaction_date": "Order Date", "amount": "Price", "item_count": "qty"}}}}"#,
            &["orders.csv", "\"Price\"", "\"price\""],
        ),
        (
            "{\"version\": 1,\n \"sources\": {",
            &["mapping.json", "line 2"],
        ),
        (
            r#"{"version": 1, "sources": {"orders": {"columns": {}}}}"#,
            &["mapping.json", "\"orders\"", "\"transactions\""],
        ),
    ];
    for (text, says) in cases {
        let mapping = write(dir, "mapping.json", text);
        let out = c360(
            &[
                "build",
                "--contacts",
                &contacts,
                "--transactions",
                &orders,
                "--mapping",
                &mapping,
                "--out",
                "out",
            ],
            dir,
        );
        assert_eq!(out.status.code(), Some(2), "{text}: {}", stderr(&out));
        let err = stderr(&out);
        for s in says {
            assert!(err.contains(s), "{text}: {s:?} not in {err}");
        }
        assert!(!dir.join("out").exists(), "{text}: nothing written");
    }
    let out = c360(
        &[
            "build",
            "--contacts",
            &contacts,
            "--transactions",
            &orders,
            "--mapping",
            "missing.json",
        ],
        dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.json"), "{}", stderr(&out));
}

/// The seeds' transactions with the shop's header and every amount written as the shop's
/// export writes money: `$66.30`, `-$5.00`, `$-5.00` or `66.30 $`, quoted where it must be.
fn shop_dollars(dir: &Path) -> String {
    let seeds_text = std::fs::read_to_string(seeds("transactions.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(seeds_text.as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "Customer ID",
            "order_id",
            "Order Date",
            "price",
            "qty",
            "category",
            "_loaded_at_utc",
        ])
        .unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut record: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        let amount = &record[3];
        record[3] = match (amount.strip_prefix('-'), i % 3) {
            (_, _) if amount.is_empty() => String::new(),
            (Some(magnitude), 0) => format!("-${magnitude}"),
            (Some(magnitude), _) => format!("$-{magnitude}"),
            (None, 0) => format!("${amount}"),
            (None, 1) => format!("{amount} $"),
            (None, _) => amount.clone(),
        };
        writer.write_record(&record).unwrap();
    }
    let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    assert!(
        text.contains(",$") && text.contains(" $,"),
        "the amounts carry the symbol"
    );
    write(dir, "dollars.csv", &text)
}

#[test]
fn a_mapping_with_a_number_format_builds_dollar_amounts_as_the_plain_file_does() {
    let tmp = tempdir();
    let dir = tmp.path();
    let dollars = shop_dollars(dir);
    let contacts = seeds("contacts.csv");
    let with_format = SHOP_MAPPING.replace(
        r#""item_count": "qty"
      }"#,
        r#""item_count": "qty"
      },
      "formats": { "amount": { "currency_symbol": "$", "thousands_separator": "," } }"#,
    );
    assert!(with_format.contains("formats"));
    let on_item_count =
        with_format.replace(r#""formats": { "amount""#, r#""formats": { "item_count""#);
    let run = |transactions: &str, out: &str, mapping: Option<&str>| {
        let mut args = vec![
            "build",
            "--contacts",
            &contacts,
            "--transactions",
            transactions,
            "--as-of",
            "2023-05-09",
            "--out",
            out,
        ];
        let path;
        if let Some(m) = mapping {
            path = write(dir, &format!("{out}.json"), m);
            args.extend_from_slice(&["--mapping", &path]);
        }
        c360(&args, dir)
    };
    let shipped = seeds("transactions.csv");
    let out = run(&shipped, "plain", None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&dollars, "dollars", Some(&with_format));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        read(dir.join("dollars/customers.csv")),
        read(dir.join("plain/customers.csv"))
    );
    // Without the format, the first `$` is a bad value naming the file, line and column.
    let out = run(&dollars, "unformatted", Some(SHOP_MAPPING));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("dollars.csv line 2, column amount: expected a decimal number"),
        "{err}"
    );
    assert!(!dir.join("unformatted").exists());
    // A format on a column that is not a decimal is the mapping's error.
    let out = run(&dollars, "misplaced", Some(&on_item_count));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("\"item_count\"") && err.contains("only decimal columns take one: \"amount\""),
        "{err}"
    );
}

#[test]
fn a_utf16_semicolon_export_with_other_headers_builds_with_a_mapping() {
    let tmp = tempdir();
    let dir = tmp.path();
    let seeds_text = std::fs::read_to_string(seeds("transactions.csv")).unwrap();
    let (_, rest) = seeds_text.split_once('\n').unwrap();
    let comma =
        format!("Customer ID,order_id,Order Date,price,qty,category,_loaded_at_utc\n{rest}");
    // Semicolons (the csv crate quotes what needs it), then UTF-16LE with its mark.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(comma.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    for record in reader.byte_records() {
        writer.write_byte_record(&record.unwrap()).unwrap();
    }
    let semicolons = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in semicolons.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.join("orders.csv"), utf16).unwrap();
    let mapping = write(dir, "mapping.json", SHOP_MAPPING);
    let contacts = seeds("contacts.csv");
    let shipped = seeds("transactions.csv");
    for (transactions, out, mapping) in [
        (shipped.as_str(), "plain", None),
        ("orders.csv", "mapped", Some(mapping.as_str())),
    ] {
        let mut args = vec![
            "build",
            "--contacts",
            &contacts,
            "--transactions",
            transactions,
            "--as-of",
            "2023-05-09",
            "--out",
            out,
        ];
        if let Some(m) = mapping {
            args.extend_from_slice(&["--mapping", m]);
        }
        let o = c360(&args, dir);
        assert_eq!(o.status.code(), Some(0), "{out}: {}", stderr(&o));
    }
    assert_eq!(
        read(dir.join("mapped/customers.csv")),
        read(dir.join("plain/customers.csv"))
    );
}

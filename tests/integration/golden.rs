//! Golden outputs for the demo seeds: `tests/golden/seeds/<model>.csv` is what `c360 build
//! --as-of 2026-11-26` must write for `seeds/`, byte for byte. The goldens are not trusted
//! because the engine made them: they are checked value by value against PostgreSQL's outputs
//! of the same models (`tests/golden/postgres/seeds/`); the dashboards' marts, which the
//! exercise's dbt project does not have, are checked by the engine's hand-computed unit tests
//! instead. And `seeds/` itself must be what `c360 generate --contacts 12 --transactions 100
//! --seed 2023 --shape exercise` writes.
//!
//! After an intended change to the outputs, `C360_BLESS=1 cargo test golden` rewrites the
//! goldens; the Postgres check below is what keeps a wrong blessing out.

use std::process::Command;

use c360::engine::value::write::to_csv_string;

use crate::oracle::differences;
use crate::util::*;

fn golden_path(model: &str) -> std::path::PathBuf {
    repo()
        .join("tests/golden/seeds")
        .join(format!("{model}.csv"))
}

#[test]
fn the_seeds_build_to_the_golden_outputs() {
    let out = build_files(
        &repo().join("seeds/contacts.csv"),
        &repo().join("seeds/transactions.csv"),
        GOLDEN_AS_OF,
    );
    let bless = std::env::var("C360_BLESS").as_deref() == Ok("1");
    let mut failures = Vec::new();
    for name in all_models() {
        let actual = to_csv_string(out.model(name).expect("every model ran"));
        let path = golden_path(name);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = read(&path);
        if actual != expected {
            let line = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e);
            failures.push(format!(
                "{name}: first difference at line {} (run with C360_BLESS=1 to accept)\n  got:      {:?}\n  expected: {:?}",
                line.map_or(actual.lines().count().min(expected.lines().count()) + 1, |l| l + 1),
                line.and_then(|l| actual.lines().nth(l)),
                line.and_then(|l| expected.lines().nth(l)),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the seeds' outputs changed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_goldens_agree_with_postgres() {
    let mut failures = Vec::new();
    for name in MODELS {
        let ours = Csv::read(golden_path(name));
        let theirs = Csv::read(
            repo()
                .join("tests/golden/postgres/seeds")
                .join(format!("{name}.csv")),
        );
        if let Some(d) = differences(&ours, &theirs) {
            failures.push(format!("golden {name}: {d}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_goldens_show_the_seeds_defects_resolved() {
    // The seeds plant the exercise's four defects: a duplicated id, a Kitchen sale, an
    // orphan transaction and a contact who buys nothing.
    let stg = Csv::read(golden_path("stg_sf__contacts"));
    let joined = Csv::read(golden_path("contacts_joined_with_transactions"));
    let customers = Csv::read(golden_path("customers"));
    assert_eq!(
        (stg.rows.len(), joined.rows.len(), customers.rows.len()),
        (11, 99, 10)
    );
    let dup = stg.row("id", "abb9f1b1-fce1-421f-8069-c83405000f40");
    assert_eq!(dup.get("name"), "Alyssa White", "the first of the two rows");
    assert_eq!(Dec::sum(customers.column("kitchen_amount")), dec("44.8"));
}

#[test]
fn generate_reproduces_the_seeds_byte_for_byte() {
    let dir = tempdir();
    let status = Command::new(env!("CARGO_BIN_EXE_c360"))
        .args([
            "generate",
            "--contacts",
            "12",
            "--transactions",
            "100",
            "--seed",
            "2023",
            "--shape",
            "exercise",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("c360 runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for file in ["contacts.csv", "transactions.csv"] {
        let generated = std::fs::read(dir.path().join(file)).unwrap();
        let committed = std::fs::read(repo().join("seeds").join(file)).unwrap();
        assert!(
            generated == committed,
            "seeds/{file} is not what c360 generate --seed 2023 --shape exercise writes"
        );
    }
}

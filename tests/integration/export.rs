//! The PII-masked export (issue #9): no direct identifier survives in the exported bytes under
//! any default policy of any dataset, pseudonyms are deterministic per key and unlinkable
//! across keys, k-anonymity is counted in people and the manifest's achieved k is what a
//! recount of the file finds, the CSV is guarded against formulas, and bad policy files are
//! typed errors naming the valid columns.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use c360::engine::export::manifest::Manifest;
use c360::engine::export::{
    check, export, Dataset, ExportError, Generalisation, Key, Policy, PolicyError, PolicyFile,
    SmallClasses,
};
use c360::engine::generate::{generate, GenerateOptions};
use c360::engine::RunOutput;
use proptest::prelude::*;

use crate::util::*;

const AS_OF: &str = "2023-05-09";
const SECRET: &str = "correct horse battery staple";
const OTHER_SECRET: &str = "a different secret entirely";

fn key(secret: &str) -> Key {
    Key::from_secret(secret).unwrap()
}

fn seeds() -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(repo().join("seeds/contacts.csv")).unwrap(),
        std::fs::read(repo().join("seeds/transactions.csv")).unwrap(),
    )
}

fn generated(contacts: usize, transactions: usize, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let (mut c, mut t) = (Vec::new(), Vec::new());
    let options = GenerateOptions {
        contacts,
        transactions,
        seed,
        plant_defects: true,
        shape: Default::default(),
    };
    generate(&options, &mut c, &mut t).unwrap();
    (c, t)
}

/// The CSV bytes and the manifest of an export.
fn export_bytes(output: &RunOutput, file: &PolicyFile, secret: &str) -> (Vec<u8>, Manifest) {
    let made = export(output, file, &key(secret), 0).unwrap_or_else(|e| panic!("{e}"));
    let mut bytes = Vec::new();
    made.write_csv(&mut bytes).unwrap();
    (bytes, made.manifest)
}

/// A CSV's header and rows.
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn column<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    rows.iter().map(|r| r[i].as_str()).collect()
}

/// Every direct identifier of a contacts export: ids, user names, names, e-mails, streets
/// (the address up to its first comma) and whole addresses; less those that occur inside the
/// words every export keeps anyway, a category or a column name (the user name `tchen` is in
/// `Kitchen`), which would be found whatever the masking did.
fn identifiers(contacts: &[u8], transactions: &[u8]) -> BTreeSet<String> {
    let (header, rows) = read_csv(contacts);
    let mut found = BTreeSet::new();
    for name in ["id", "username", "name", "mail", "address"] {
        for value in column(&header, &rows, name) {
            if !value.is_empty() {
                found.insert(value.to_string());
            }
        }
    }
    for address in column(&header, &rows, "address") {
        let street = address.split(',').next().unwrap_or("").trim();
        if !street.is_empty() {
            found.insert(street.to_string());
        }
    }
    let (theader, trows) = read_csv(transactions);
    for name in ["contact_id", "id"] {
        found.extend(column(&theader, &trows, name).into_iter().map(String::from));
    }
    let output = build(contacts, transactions, AS_OF);
    let mut kept_words: BTreeSet<String> = column(&theader, &trows, "category")
        .into_iter()
        .map(String::from)
        .collect();
    for dataset in Dataset::ALL {
        let table = output.model(dataset.model_name()).unwrap();
        kept_words.extend(table.column_names().map(String::from));
    }
    // The words c360 itself writes: the customers' segment names and the added columns (a
    // user name `slee` is inside `about_to_sleep`, which is no leak).
    kept_words.extend(
        c360::engine::models::segment::SEGMENTS
            .iter()
            .map(|s| s.name.to_string()),
    );
    kept_words.extend(c360::engine::export::SEGMENT_COLUMNS.map(String::from));
    kept_words.extend((1..=3).map(|r| format!("next_best_category_{r}")));
    found.retain(|n| !kept_words.iter().any(|w| w.contains(n.as_str())));
    found
}

/// The needles found anywhere in `haystack`: a true substring scan, indexed by each needle's
/// first four bytes so that thousands of needles cost one pass.
fn leaks<'a>(haystack: &[u8], needles: &'a BTreeSet<String>) -> Vec<&'a str> {
    let prefix = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let mut by_prefix: rustc_hash::FxHashMap<u32, Vec<&str>> = Default::default();
    let mut short = Vec::new();
    for n in needles {
        if n.len() < 4 {
            short.push(n.as_str());
        } else {
            by_prefix.entry(prefix(n.as_bytes())).or_default().push(n);
        }
    }
    let mut found: BTreeSet<&str> = BTreeSet::new();
    for start in 0..haystack.len().saturating_sub(3) {
        if let Some(list) = by_prefix.get(&prefix(&haystack[start..])) {
            for n in list {
                if haystack[start..].starts_with(n.as_bytes()) {
                    found.insert(n);
                }
            }
        }
    }
    let text = String::from_utf8_lossy(haystack);
    found.extend(short.into_iter().filter(|n| text.contains(n)));
    found.into_iter().collect()
}

/// Every default policy choice the issue names, for each dataset: the defaults, then each
/// alternative default of the e-mail, the address and the age.
fn default_variants(dataset: Dataset) -> Vec<PolicyFile> {
    let base = PolicyFile::defaults(dataset);
    let with = |column: &str, policy: Policy| {
        let mut file = base.clone();
        file.columns.insert(column.into(), policy);
        file
    };
    let g = Policy::Generalise;
    let mut files = vec![base.clone()];
    let mut generalise = base.clone();
    generalise.small_classes = SmallClasses::Generalise;
    files.push(generalise);
    match dataset {
        Dataset::Customers => {
            files.push(with("age", g(Generalisation::AgeBand { width: 5 })));
        }
        Dataset::ContactsJoinedWithTransactions | Dataset::StgSfContacts => {
            files.push(with("email_address", g(Generalisation::EmailDomain)));
            files.push(with("address", g(Generalisation::Postcode { digits: 3 })));
            files.push(with("address", g(Generalisation::Postcode { digits: 2 })));
            files.push(with("address", Policy::Drop));
            files.push(with("birth_date", g(Generalisation::AgeBand { width: 5 })));
            files.push(with("birth_date", g(Generalisation::YearOfBirth)));
        }
    }
    files
}

/// Exports every dataset under every default variant and scans the bytes, the manifest's too.
fn assert_no_leaks(contacts: &[u8], transactions: &[u8]) {
    let output = build(contacts, transactions, AS_OF);
    let needles = identifiers(contacts, transactions);
    assert!(needles.len() > 10);
    for dataset in Dataset::ALL {
        for file in default_variants(dataset) {
            let made = export(&output, &file, &key(SECRET), 0).unwrap();
            let mut bytes = Vec::new();
            made.write_csv(&mut bytes).unwrap();
            bytes.extend_from_slice(made.manifest_json().as_bytes());
            let found = leaks(&bytes, &needles);
            assert!(
                found.is_empty(),
                "{dataset:?} with {:?} leaks {found:?}",
                file.columns
            );
            assert!(!String::from_utf8_lossy(&bytes).contains(SECRET));
        }
    }
}

#[test]
fn the_scan_finds_what_is_there() {
    let needles: BTreeSet<String> = ["Ruby Salah", "abc", "ruby@x.com"].map(String::from).into();
    assert_eq!(
        leaks(b"xx Ruby Salah, abc; ruby@x.co", &needles),
        ["Ruby Salah", "abc"]
    );
    let (c, t) = seeds();
    let needles = identifiers(&c, &t);
    let found = leaks(&c, &needles);
    assert!(found.len() > 40, "the seeds hold their own identifiers");
}

#[test]
fn a_user_name_inside_a_category_is_no_leak_but_any_other_is() {
    // Seed and sizes the property test found: the user name `tchen` is part of `Kitchen`.
    let (c, t) = generated(25, 54, 6_094_945_241_611_562_726);
    let needles = identifiers(&c, &t);
    assert!(!needles.contains("tchen"));
    assert!(
        needles.iter().any(|n| n.contains("chen")),
        "other Chens are still scanned"
    );
    assert_no_leaks(&c, &t);
}

#[test]
fn no_direct_identifier_leaks_from_the_demo_data() {
    let (c, t) = seeds();
    assert_no_leaks(&c, &t);
}

#[test]
fn no_direct_identifier_leaks_from_generated_data() {
    let (c, t) = generated(2_000, 20_000, 9);
    assert_no_leaks(&c, &t);
}

#[test]
fn the_same_key_gives_the_same_bytes_and_another_key_shares_no_pseudonym() {
    let (c, t) = generated(300, 3_000, 4);
    let output = build(&c, &t, AS_OF);
    for dataset in Dataset::ALL {
        let file = PolicyFile::defaults(dataset);
        let (a, _) = export_bytes(&output, &file, SECRET);
        let (again, _) = export_bytes(&output, &file, SECRET);
        assert_eq!(a, again, "{dataset:?}");
        let (b, _) = export_bytes(&output, &file, OTHER_SECRET);
        let pseudonyms = |bytes: &[u8]| -> BTreeSet<String> {
            let (header, rows) = read_csv(bytes);
            let mut set = BTreeSet::new();
            for name in ["id", "email_address", "transaction_id"] {
                if header.iter().any(|h| h == name) {
                    set.extend(column(&header, &rows, name).into_iter().map(String::from));
                }
            }
            set.remove("");
            set
        };
        let (pa, pb) = (pseudonyms(&a), pseudonyms(&b));
        assert!(!pa.is_empty(), "{dataset:?}");
        assert!(pa.is_disjoint(&pb), "{dataset:?}");
    }
}

#[test]
fn customers_join_the_transactions_on_the_pseudonym() {
    let (c, t) = generated(2_000, 20_000, 11);
    let output = build(&c, &t, AS_OF);
    let (customers, cm) = export_bytes(&output, &PolicyFile::defaults(Dataset::Customers), SECRET);
    let (joined, _) = export_bytes(
        &output,
        &PolicyFile::defaults(Dataset::ContactsJoinedWithTransactions),
        SECRET,
    );
    assert!(cm.exported_rows > 1_000, "{}", cm.exported_rows);
    let (ch, crows) = read_csv(&customers);
    let (jh, jrows) = read_csv(&joined);
    let totals: BTreeMap<&str, &str> = column(&ch, &crows, "id")
        .into_iter()
        .zip(column(&ch, &crows, "total_expense"))
        .collect();
    // The sum of each pseudonym's transaction amounts.
    let mut spend: BTreeMap<&str, Dec> = BTreeMap::new();
    for (id, amount) in column(&jh, &jrows, "id")
        .into_iter()
        .zip(column(&jh, &jrows, "amount"))
    {
        let total = spend.entry(id).or_insert(Dec::ZERO);
        *total = total.add(dec(amount));
    }
    let mut joined_customers = 0;
    for (id, total) in &spend {
        if let Some(expected) = totals.get(id) {
            assert_eq!(*total, dec(expected), "pseudonym {id}");
            joined_customers += 1;
        }
    }
    assert!(
        joined_customers > 1_000,
        "{joined_customers} customers joined"
    );
    // Each customer carries their segment and next best categories, as the models have them.
    let segments = &output
        .node("model.c360.customer_segments")
        .expect("built")
        .table;
    let segment_of: BTreeMap<String, String> = (0..segments.num_rows())
        .map(|r| {
            (
                segments.text("id").get(r).unwrap().to_string(),
                segments.text("segment").get(r).unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut segment_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in column(&ch, &crows, "segment") {
        *segment_counts.entry(s).or_default() += 1;
    }
    let mut expected_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let exported_ids: BTreeSet<&str> = column(&ch, &crows, "id").into_iter().collect();
    let key = Key::from_secret(SECRET).unwrap();
    let pseudonymiser = c360::engine::export::pseudonym::Pseudonymiser::new(&key, 16);
    for (id, segment) in &segment_of {
        if exported_ids.contains(pseudonymiser.pseudonym(id).as_str()) {
            *expected_counts.entry(segment.as_str()).or_default() += 1;
        }
    }
    assert_eq!(segment_counts, expected_counts);
    let firsts = column(&ch, &crows, "next_best_category_1");
    assert!(
        firsts.iter().all(|c| !c.is_empty()),
        "every customer has a first recommendation"
    );
    assert!(ch.iter().any(|h| h == "next_best_category_3") && ch.iter().any(|h| h == "r_score"));
}

/// The k a recount of the exported file finds: the smallest number of distinct ids among rows
/// equal on the quasi-identifiers.
fn recount(bytes: &[u8], manifest: &Manifest) -> Option<usize> {
    let (header, rows) = read_csv(bytes);
    let qis = &manifest.k_anonymity.quasi_identifiers;
    let ids = column(&header, &rows, "id");
    let mut classes: HashMap<Vec<&str>, BTreeSet<&str>> = HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        let key = qis
            .iter()
            .map(|q| row[header.iter().position(|h| h == q).unwrap()].as_str())
            .collect();
        classes.entry(key).or_default().insert(ids[r]);
    }
    classes.values().map(BTreeSet::len).min()
}

#[test]
fn the_achieved_k_is_a_recount_of_the_file() {
    let (c, t) = generated(2_000, 20_000, 5);
    let output = build(&c, &t, AS_OF);
    for dataset in Dataset::ALL {
        for small in [SmallClasses::Suppress, SmallClasses::Generalise] {
            let mut file = PolicyFile::defaults(dataset);
            file.small_classes = small;
            let (bytes, manifest) = export_bytes(&output, &file, SECRET);
            let k = &manifest.k_anonymity;
            assert!(k.k_achieved.unwrap() >= 5, "{dataset:?} {small:?}");
            assert_eq!(
                k.k_achieved,
                recount(&bytes, &manifest),
                "{dataset:?} {small:?}"
            );
            assert_eq!(
                manifest.exported_rows + k.rows_suppressed,
                manifest.source_rows
            );
            assert_eq!(
                k.suppressed_classes.iter().map(|c| c.rows).sum::<usize>(),
                k.rows_suppressed
            );
            assert_eq!(read_csv(&bytes).1.len(), manifest.exported_rows);
        }
    }
}

fn people(rows: &[(&str, &str, &str)]) -> RunOutput {
    let contacts: Vec<String> = rows.iter().map(|(id, g, b)| contact(id, g, b)).collect();
    let transactions: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| transaction(id, &format!("t{i}"), "10.0", "Books"))
        .collect();
    build(
        contacts_csv(&contacts),
        transactions_csv(&transactions),
        AS_OF,
    )
}

/// Five women in their thirties, two men in their forties.
fn five_women_two_men() -> RunOutput {
    people(&[
        ("a", "F", "1990-01-01"),
        ("b", "F", "1989-01-01"),
        ("c", "F", "1988-01-01"),
        ("d", "F", "1987-01-01"),
        ("e", "F", "1986-01-01"),
        ("f", "M", "1980-01-01"),
        ("g", "M", "1979-01-01"),
    ])
}

#[test]
fn small_classes_are_suppressed_and_listed() {
    let output = five_women_two_men();
    let mut file = PolicyFile::defaults(Dataset::Customers);
    file.small_classes = SmallClasses::Suppress;
    let (bytes, m) = export_bytes(&output, &file, SECRET);
    let k = &m.k_anonymity;
    assert_eq!(k.quasi_identifiers, ["gender", "age"]);
    assert_eq!(k.before.smallest_class, Some(2));
    assert_eq!(k.before.rows_in_small_classes, 2);
    assert_eq!(k.before.highest_record_risk, 0.5);
    assert!((k.before.average_record_risk - (5.0 * 0.2 + 2.0 * 0.5) / 7.0).abs() < 1e-12);
    assert_eq!(k.rows_suppressed, 2);
    assert_eq!(k.suppressed_classes.len(), 1);
    assert_eq!(
        k.suppressed_classes[0].values,
        [Some("M".to_string()), Some("40-49".to_string())]
    );
    assert_eq!(k.k_achieved, Some(5));
    assert_eq!(k.after.highest_record_risk, 0.2);
    assert_eq!(m.exported_rows, 5);
    let (header, rows) = read_csv(&bytes);
    assert!(column(&header, &rows, "gender").iter().all(|g| *g == "F"));
}

#[test]
fn by_default_a_small_dataset_is_generalised_to_the_top_rather_than_emptied() {
    // No width of age band makes the two men a class of five, so the default climbs to the
    // top of the ladders (every value `*`) and keeps all seven.
    let output = five_women_two_men();
    let (bytes, m) = export_bytes(&output, &PolicyFile::defaults(Dataset::Customers), SECRET);
    let k = &m.k_anonymity;
    assert_eq!(k.small_classes, SmallClasses::Generalise);
    assert_eq!(k.suppression_limit_rows, Some(0));
    assert_eq!((k.rows_suppressed, k.k_achieved), (0, Some(7)));
    let steps: Vec<(&str, String)> = k
        .generalised
        .iter()
        .map(|s| (s.column.as_str(), s.to.label()))
        .collect();
    // The band widens first: a step that keeps some values wins a tie with one that blanks.
    assert_eq!(
        steps,
        [
            ("age", "generalise to 20-year age bands".to_string()),
            ("gender", "redact (every value *)".to_string()),
            ("age", "redact (every value *)".to_string()),
        ]
    );
    let (header, rows) = read_csv(&bytes);
    assert!(column(&header, &rows, "gender").iter().all(|g| *g == "*"));
    assert!(column(&header, &rows, "age").iter().all(|a| *a == "*"));
    assert_eq!(k.k_achieved, recount(&bytes, &m));
}

#[test]
fn a_few_rare_people_are_suppressed_rather_than_everyone_generalised() {
    // 298 people in two big classes and two rare ones: 2 rows are within the 1% limit (3 of
    // 300), so nobody's age band is widened and the two are suppressed.
    let mut rows: Vec<(String, &str, &str)> = Vec::new();
    for i in 0..150 {
        rows.push((format!("f{i}"), "F", "1990-01-01"));
    }
    for i in 0..148 {
        rows.push((format!("m{i}"), "M", "1990-01-01"));
    }
    rows.push(("old1".into(), "M", "1930-01-01"));
    rows.push(("old2".into(), "F", "1931-06-01"));
    let borrowed: Vec<(&str, &str, &str)> =
        rows.iter().map(|(i, g, b)| (i.as_str(), *g, *b)).collect();
    let output = people(&borrowed);
    let (bytes, m) = export_bytes(&output, &PolicyFile::defaults(Dataset::Customers), SECRET);
    let k = &m.k_anonymity;
    assert_eq!(k.suppression_limit_rows, Some(3));
    assert!(k.generalised.is_empty(), "{:?}", k.generalised);
    assert_eq!(k.rows_suppressed, 2);
    assert_eq!(k.suppressed_classes.len(), 2);
    assert_eq!(k.k_achieved, Some(148));
    assert_eq!(k.k_achieved, recount(&bytes, &m));
}

#[test]
fn further_generalisation_widens_the_band_and_rechecks() {
    // Three women of 30-34 and two of 35-39: 5-year bands make classes of 3 and 2, 10-year
    // bands one class of 5.
    let output = people(&[
        ("a", "F", "1990-01-01"),
        ("b", "F", "1991-01-01"),
        ("c", "F", "1992-01-01"),
        ("d", "F", "1986-01-01"),
        ("e", "F", "1987-01-01"),
    ]);
    let mut file = PolicyFile::defaults(Dataset::Customers);
    file.columns.insert(
        "age".into(),
        Policy::Generalise(Generalisation::AgeBand { width: 5 }),
    );
    file.small_classes = SmallClasses::Generalise;
    let (bytes, m) = export_bytes(&output, &file, SECRET);
    let k = &m.k_anonymity;
    assert_eq!(k.before.smallest_class, Some(2));
    assert_eq!(k.generalised.len(), 1);
    assert_eq!(k.generalised[0].column, "age");
    assert_eq!(
        k.generalised[0].to,
        Policy::Generalise(Generalisation::AgeBand { width: 10 })
    );
    assert_eq!(k.rows_suppressed, 0);
    assert_eq!(k.k_achieved, Some(5));
    let (header, rows) = read_csv(&bytes);
    assert!(column(&header, &rows, "age").iter().all(|a| *a == "30-39"));
    let age = m.columns.iter().find(|c| c.name == "age").unwrap();
    assert_eq!(
        age.policy,
        Policy::Generalise(Generalisation::AgeBand { width: 10 })
    );

    // Suppression alone would have dropped all five.
    file.small_classes = SmallClasses::Suppress;
    let (_, m) = export_bytes(&output, &file, SECRET);
    assert_eq!(m.k_anonymity.rows_suppressed, 5);
    assert_eq!(m.k_anonymity.k_achieved, None);
}

#[test]
fn a_persons_many_transactions_do_not_make_a_class() {
    // One man with six transactions among five women: his class has one person.
    let mut contacts: Vec<String> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|id| contact(id, "F", "1990-01-01"))
        .collect();
    contacts.push(contact("m", "M", "1990-01-01"));
    let mut transactions: Vec<String> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|id| transaction(id, &format!("t{id}"), "1.0", "Books"))
        .collect();
    for i in 0..6 {
        transactions.push(transaction("m", &format!("m{i}"), "1.0", "Books"));
    }
    let output = build(
        contacts_csv(&contacts),
        transactions_csv(&transactions),
        AS_OF,
    );
    let mut file = PolicyFile::defaults(Dataset::ContactsJoinedWithTransactions);
    file.small_classes = SmallClasses::Suppress;
    let (bytes, m) = export_bytes(&output, &file, SECRET);
    let k = &m.k_anonymity;
    assert_eq!(k.class_size_counts, "distinct id");
    assert_eq!(k.quasi_identifiers, ["gender", "address", "birth_date"]);
    assert_eq!(k.before.smallest_class, Some(1));
    assert_eq!(k.rows_suppressed, 6);
    assert_eq!(k.suppressed_classes[0].size, 1);
    assert_eq!(k.suppressed_classes[0].rows, 6);
    assert_eq!(k.k_achieved, recount(&bytes, &m));
    assert_eq!(k.k_achieved, Some(5));
}

#[test]
fn below_k_needs_an_explicit_confirmation_that_the_manifest_records() {
    let output = people(&[("a", "F", "1990-01-01"), ("b", "M", "1980-01-01")]);
    let mut file = PolicyFile::defaults(Dataset::Customers);
    file.small_classes = SmallClasses::Keep;
    let err = export(&output, &file, &key(SECRET), 0).unwrap_err();
    assert_eq!(
        err,
        ExportError::BelowK {
            requested: 5,
            achieved: Some(1),
            rows_in_small_classes: 2
        }
    );
    assert!(err.to_string().contains("allow_below_k"), "{err}");
    file.allow_below_k = true;
    let (bytes, m) = export_bytes(&output, &file, SECRET);
    assert!(m.k_anonymity.allow_below_k && m.k_anonymity.below_k);
    assert_eq!(m.k_anonymity.k_achieved, Some(1));
    assert_eq!(read_csv(&bytes).1.len(), 2);
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["k_anonymity"]["allow_below_k"], true);
}

#[test]
fn a_check_reports_what_the_export_will_do_without_a_key() {
    let (contacts, transactions) = generated(2_000, 10_000, 3);
    let output = build(contacts, transactions, AS_OF);
    for dataset in Dataset::ALL {
        for small_classes in [SmallClasses::Suppress, SmallClasses::Generalise] {
            let mut file = PolicyFile::defaults(dataset);
            file.small_classes = small_classes;
            let checked = check(&output, &file, 0).unwrap();
            let (_, made) = export_bytes(&output, &file, SECRET);
            // Everything but the pseudonyms, which a check does not make, is the export's.
            assert_eq!(checked, made, "{dataset:?} {small_classes:?}");
        }
    }
    // Below k, a check reports it where an export refuses.
    let output = people(&[("a", "F", "1990-01-01"), ("b", "M", "1980-01-01")]);
    let mut file = PolicyFile::defaults(Dataset::Customers);
    file.small_classes = SmallClasses::Keep;
    let checked = check(&output, &file, 0).unwrap();
    assert!(checked.k_anonymity.below_k && !checked.k_anonymity.allow_below_k);
    assert_eq!(checked.k_anonymity.k_achieved, Some(1));
    assert!(export(&output, &file, &key(SECRET), 0).is_err());
}

#[test]
fn formulas_in_cells_are_guarded_and_negative_amounts_stay_numbers() {
    let contacts = contacts_csv(&[contact("a", "F", "1990-01-01")]);
    let transactions = transactions_csv(&[
        transaction("a", "t1", "-5.0", "=HYPERLINK(\"http://evil\",\"x\")"),
        transaction("a", "t2", "3.5", "+SUM(A1)"),
        transaction("a", "t3", "1.0", "@cmd"),
        transaction("a", "t4", "2.0", "-1+1"),
        transaction("a", "t5", "2.0", "Books"),
    ]);
    let output = build(contacts, transactions, AS_OF);
    let mut file = PolicyFile::defaults(Dataset::ContactsJoinedWithTransactions);
    file.k = 1;
    let (bytes, _) = export_bytes(&output, &file, SECRET);
    let (header, rows) = read_csv(&bytes);
    assert_eq!(
        column(&header, &rows, "category"),
        [
            "'=HYPERLINK(\"http://evil\",\"x\")",
            "'+SUM(A1)",
            "'@cmd",
            "'-1+1",
            "Books"
        ]
    );
    assert_eq!(
        column(&header, &rows, "amount"),
        ["-5.0", "3.5", "1.0", "2.0", "2.0"]
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(",-5.0,"), "{text}");
}

#[test]
fn unicode_names_and_empty_values() {
    let header = CONTACTS_HEADER;
    let contacts = format!(
        "{header}\n\
         u1,zoë,Zoë Ñúñez,F,\"1 Rue, Sydney, NSW, 2000\",zoë@exämple.com,1990-01-01,{LOADED_AT}\n\
         u2,li,李小龙,M,,,,{LOADED_AT}\n\
         u3,,,,somewhere unknown,no-at-sign,2090-01-01,{LOADED_AT}\n"
    );
    let transactions = transactions_csv(&[
        transaction("u1", "t1", "1.0", "Books"),
        transaction("u2", "t2", "1.0", "Books"),
        transaction("u3", "t3", "1.0", "Books"),
    ]);
    let output = build(contacts.as_bytes(), transactions.as_bytes(), AS_OF);
    let mut file = PolicyFile::defaults(Dataset::StgSfContacts);
    file.k = 1;
    file.columns.insert("name".into(), Policy::Mask { keep: 3 });
    file.columns.insert(
        "email_address".into(),
        Policy::Generalise(Generalisation::EmailDomain),
    );
    let (bytes, m) = export_bytes(&output, &file, SECRET);
    let (header, rows) = read_csv(&bytes);
    assert_eq!(column(&header, &rows, "name"), ["Zoë***", "李小龙***", ""]);
    assert_eq!(
        column(&header, &rows, "email_address"),
        ["exämple.com", "", ""]
    );
    assert_eq!(column(&header, &rows, "address"), ["NSW", "", ""]);
    assert_eq!(column(&header, &rows, "birth_date"), ["30-39", "", ""]);
    assert_eq!(column(&header, &rows, "gender"), ["F", "M", ""]);
    let unparsed = |name: &str| {
        m.columns
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .not_generalisable
    };
    // Empty values are not failures; an unknown address, an e-mail without @ and a birth
    // after the as-of date are, and are counted.
    assert_eq!(unparsed("address"), 1);
    assert_eq!(unparsed("email_address"), 1);
    assert_eq!(unparsed("birth_date"), 1);
    assert!(!header.contains(&"user_name".to_string()));
    assert!(!String::from_utf8_lossy(&bytes).contains("Ñúñez"));
}

#[test]
fn a_policy_for_a_column_that_does_not_exist_lists_the_valid_ones() {
    let (c, t) = seeds();
    let output = build(&c, &t, AS_OF);
    let file = PolicyFile::from_json(
        r#"{"version": 1, "dataset": "customers", "columns": {"email": {"policy": "drop"}}}"#,
    )
    .unwrap();
    let err = export(&output, &file, &key(SECRET), 0).unwrap_err();
    let ExportError::Policy(PolicyError::UnknownColumn {
        column,
        dataset,
        valid,
    }) = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(column, "email");
    assert_eq!(dataset, "customers");
    assert_eq!(valid[..3], ["id", "gender", "age"]);
    assert!(
        err.to_string()
            .contains("valid columns are: id, gender, age"),
        "{err}"
    );

    let file = PolicyFile::from_json(
        r#"{"version": 1, "dataset": "customers",
            "columns": {"gender": {"policy": "generalise", "to": "round", "places": 0}}}"#,
    )
    .unwrap();
    assert!(matches!(
        export(&output, &file, &key(SECRET), 0),
        Err(ExportError::Policy(PolicyError::NotApplicable { .. }))
    ));
    let file = PolicyFile::from_json(
        r#"{"version": 1, "dataset": "customers", "quasi_identifiers": ["state"]}"#,
    )
    .unwrap();
    assert!(matches!(
        export(&output, &file, &key(SECRET), 0),
        Err(ExportError::Policy(
            PolicyError::UnknownQuasiIdentifier { .. }
        ))
    ));
    let file = PolicyFile::from_json(
        r#"{"version": 1, "dataset": "customers", "columns": {"age": {"policy": "drop"}},
            "quasi_identifiers": ["age"]}"#,
    )
    .unwrap();
    assert!(matches!(
        export(&output, &file, &key(SECRET), 0),
        Err(ExportError::Policy(
            PolicyError::QuasiIdentifierDropped { .. }
        ))
    ));
}

#[test]
fn the_manifest_says_what_was_done_and_never_the_key() {
    let (c, t) = seeds();
    let output = build(&c, &t, AS_OF);
    let mut file = PolicyFile::defaults(Dataset::StgSfContacts);
    file.small_classes = SmallClasses::Suppress;
    let made = export(&output, &file, &key(SECRET), 1_764_583_200_000).unwrap();
    let json = made.manifest_json();
    assert!(!json.contains(SECRET));
    let m: Manifest = serde_json::from_str(&json).unwrap();
    assert_eq!(m.created_at, "2025-12-01T10:00:00.000Z");
    assert_eq!(m.as_of.to_string(), AS_OF);
    assert_eq!(m.source_rows, 11);
    assert_eq!(m.pseudonym.algorithm, "HMAC-SHA-256");
    assert_eq!((m.pseudonym.length, m.pseudonym.bits), (16, 64));
    assert_eq!(m.pseudonym.columns, ["id", "email_address"]);
    let policy = |name: &str| {
        let c = m.columns.iter().find(|c| c.name == name).unwrap();
        (c.policy.clone(), c.exported)
    };
    assert_eq!(policy("name"), (Policy::Drop, false));
    assert_eq!(policy("user_name"), (Policy::Drop, false));
    assert_eq!(
        policy("address"),
        (Policy::Generalise(Generalisation::State), true)
    );
    assert_eq!(
        m.k_anonymity.quasi_identifiers,
        ["gender", "address", "birth_date"]
    );
    assert_eq!(m.k_anonymity.k_requested, 5);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in [
        "c360_version",
        "created_at",
        "as_of",
        "dataset",
        "source_rows",
        "exported_rows",
        "columns",
        "pseudonym",
        "k_anonymity",
    ] {
        assert!(value.get(key).is_some(), "{key}");
    }
}

#[test]
fn chunks_stream_the_same_bytes() {
    let (c, t) = generated(200, 2_000, 2);
    let output = build(&c, &t, AS_OF);
    let mut file = PolicyFile::defaults(Dataset::ContactsJoinedWithTransactions);
    file.k = 1;
    let made = export(&output, &file, &key(SECRET), 0).unwrap();
    assert_eq!(
        made.table.num_rows(),
        1_999,
        "every joined row but the orphan"
    );
    let mut whole = Vec::new();
    made.write_csv(&mut whole).unwrap();
    let chunks: Vec<Vec<u8>> = made.csv_chunks(100).collect();
    assert!(chunks.len() > 5);
    assert_eq!(chunks.concat(), whole);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Over random generated exports and keys: the same key gives the same bytes, two keys
    /// share no pseudonym, and no e-mail, name or id of the input survives.
    #[test]
    fn pseudonyms_are_deterministic_unlinkable_and_leak_nothing(
        seed in any::<u64>(),
        contacts in 3usize..40,
        transactions in 3usize..120,
        a in "[ -~]{16,40}",
        b in "[ -~]{16,40}",
    ) {
        prop_assume!(a != b);
        let (c, t) = generated(contacts, transactions, seed);
        let output = build(&c, &t, AS_OF);
        let needles = identifiers(&c, &t);
        for dataset in Dataset::ALL {
            let mut file = PolicyFile::defaults(dataset);
            file.k = 1;
            let (first, _) = export_bytes(&output, &file, &a);
            let (again, _) = export_bytes(&output, &file, &a);
            prop_assert_eq!(&first, &again);
            let (other, _) = export_bytes(&output, &file, &b);
            let ids = |bytes: &[u8]| -> BTreeSet<String> {
                let (header, rows) = read_csv(bytes);
                column(&header, &rows, "id").into_iter().map(String::from).collect()
            };
            prop_assert!(ids(&first).is_disjoint(&ids(&other)));
            let leaked = leaks(&first, &needles);
            prop_assert!(leaked.is_empty(), "{:?} leaks {:?}", dataset, leaked);
        }
    }
}

// --- The command line ------------------------------------------------------------------------

mod command_line {
    use std::collections::BTreeSet;
    use std::path::Path;
    use std::process::{Command, Output};

    use super::*;

    const VAR: &str = "C360_TEST_EXPORT_KEY";

    /// `c360 export` in `dir` with `args`, the key variable set to `secret` (or unset).
    fn c360_export(dir: &Path, args: &[&str], secret: Option<&str>) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_c360"));
        command.arg("export").args(args).current_dir(dir);
        match secret {
            Some(s) => command.env(VAR, s),
            None => command.env_remove(VAR),
        };
        command.output().expect("the c360 binary runs")
    }

    fn stderr(out: &Output) -> String {
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn files_in(dir: &Path) -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn seed_args(dataset: &'static str, out: &'static str) -> Vec<String> {
        let seeds = repo().join("seeds");
        [
            "--contacts",
            &seeds.join("contacts.csv").display().to_string(),
            "--transactions",
            &seeds.join("transactions.csv").display().to_string(),
            "--as-of",
            AS_OF,
            "--dataset",
            dataset,
            "--out",
            out,
        ]
        .map(String::from)
        .to_vec()
    }

    fn strs(args: &[String]) -> Vec<&str> {
        args.iter().map(String::as_str).collect()
    }

    /// Runs `args` expecting exit 2, each of `says` on stderr, and no `out/` written.
    fn assert_refused(args: &[&str], secret: Option<&str>, says: &[&str]) {
        let tmp = tempdir();
        let out = c360_export(tmp.path(), args, secret);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
        for s in says {
            assert!(message.contains(s), "stderr should say {s:?}: {message}");
        }
        assert!(!tmp.path().join("out").exists(), "nothing may be written");
    }

    #[test]
    fn without_a_key_it_refuses_and_says_how_to_give_one() {
        let args = seed_args("customers", "out");
        assert_refused(
            &strs(&args),
            Some(SECRET),
            &["no pseudonym key", "--key-env", "openssl rand -hex 32"],
        );
        let mut with_var = args.clone();
        with_var.extend(["--key-env".to_string(), VAR.to_string()]);
        assert_refused(&strs(&with_var), None, &[VAR, "is not set", "--key-env"]);
        assert_refused(&strs(&with_var), Some("short"), &[VAR, "at least 16"]);
    }

    #[test]
    fn it_writes_exactly_one_csv_and_one_manifest() {
        let tmp = tempdir();
        let mut args = seed_args("stg_sf__contacts", "out");
        args.extend(["--key-env", VAR, "--k", "2"].map(String::from));
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let dir = tmp.path().join("out");
        assert_eq!(
            files_in(&dir),
            BTreeSet::from([
                "stg_sf__contacts.manifest.json".to_string(),
                "stg_sf__contacts.masked.csv".to_string()
            ])
        );
        let manifest: Manifest =
            serde_json::from_str(&read(dir.join("stg_sf__contacts.manifest.json"))).unwrap();
        assert_eq!(manifest.k_anonymity.k_requested, 2);
        assert_eq!(manifest.as_of.to_string(), AS_OF);
        let bytes = std::fs::read(dir.join("stg_sf__contacts.masked.csv")).unwrap();
        assert_eq!(manifest.k_anonymity.k_achieved, recount(&bytes, &manifest));
        let (c, t) = seeds();
        assert!(leaks(&bytes, &identifiers(&c, &t)).is_empty());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("Exported"), "{stdout}");
    }

    #[test]
    fn a_bad_policy_file_is_refused_naming_the_valid_columns() {
        let tmp = tempdir();
        let policy = tmp.path().join("policy.json");
        std::fs::write(
            &policy,
            r#"{"version": 1, "dataset": "customers", "columns": {"mail": {"policy": "drop"}}}"#,
        )
        .unwrap();
        let mut args = seed_args("customers", "out");
        args.extend(["--key-env", VAR, "--policy"].map(String::from));
        args.push(policy.display().to_string());
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{message}");
        assert!(message.contains("policy.json"), "{message}");
        assert!(message.contains("\"mail\""), "{message}");
        assert!(
            message.contains("valid columns are: id, gender, age"),
            "{message}"
        );
        assert!(!tmp.path().join("out").exists());

        std::fs::write(&policy, r#"{"version": 1, "dataset": "stg_sf__contacts"}"#).unwrap();
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("--dataset stg_sf__contacts"),
            "{}",
            stderr(&out)
        );

        std::fs::write(&policy, "{\"version\": 1,\n \"dataset\": customers}").unwrap();
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    }

    #[test]
    fn below_k_is_refused_unless_confirmed() {
        let tmp = tempdir();
        let mut args = seed_args("customers", "out");
        args.extend(["--key-env", VAR, "--small-classes", "keep"].map(String::from));
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("below the k = 5"), "{}", stderr(&out));
        assert!(!tmp.path().join("out").exists());
        args.push("--allow-below-k".into());
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let manifest: Manifest =
            serde_json::from_str(&read(tmp.path().join("out/customers.manifest.json"))).unwrap();
        assert!(manifest.k_anonymity.below_k && manifest.k_anonymity.allow_below_k);
        assert_eq!(manifest.k_anonymity.rows_suppressed, 0);
    }

    #[test]
    fn two_exports_with_one_key_join_and_with_two_keys_do_not() {
        let tmp = tempdir();
        let (c, t) = generated(2_000, 20_000, 3);
        std::fs::write(tmp.path().join("contacts.csv"), c).unwrap();
        std::fs::write(tmp.path().join("transactions.csv"), t).unwrap();
        let run = |dataset: &str, out: &str, secret: &str| {
            let args = [
                "--contacts",
                "contacts.csv",
                "--transactions",
                "transactions.csv",
                "--as-of",
                AS_OF,
                "--dataset",
                dataset,
                "--key-env",
                VAR,
                "--out",
                out,
            ];
            let done = c360_export(tmp.path(), &args, Some(secret));
            assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
            let file = format!("{out}/{dataset}.masked.csv");
            let bytes = std::fs::read(tmp.path().join(file)).unwrap();
            let (header, rows) = read_csv(&bytes);
            column(&header, &rows, "id")
                .into_iter()
                .map(String::from)
                .collect::<BTreeSet<String>>()
        };
        let customers = run("customers", "a", SECRET);
        let joined = run("contacts_joined_with_transactions", "b", SECRET);
        let shared = customers.intersection(&joined).count();
        assert!(shared > 1_000, "{shared} pseudonyms join");
        let other = run("contacts_joined_with_transactions", "c", OTHER_SECRET);
        assert_eq!(customers.intersection(&other).count(), 0);
    }

    #[test]
    fn a_dataset_skipped_by_a_failing_error_test_exits_1_and_writes_nothing() {
        // The strict schema fails the seeds' duplicate id and Kitchen at the sources, so
        // every model is skipped.
        let tmp = tempdir();
        let mut args = seed_args("customers", "out");
        let strict = repo().join("tests/data/schema/exercise_done_when.yml");
        args.extend(["--key-env", VAR, "--schema"].map(String::from));
        args.push(strict.display().to_string());
        let out = c360_export(tmp.path(), &strs(&args), Some(SECRET));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("customers was not built"),
            "{}",
            stderr(&out)
        );
        assert!(!tmp.path().join("out").exists());
    }
}

//! Memory is bounded by the input, not by its values (issue 16): a test binary of its own, so
//! that its counting global allocator sees nothing but these builds (Cargo builds each
//! `tests/*.rs` as a separate binary). The cases run one after another in one test, since the
//! peak is process-wide.
//!
//! The stated multiples: a build of a hostile file (10,000 transactions, each its own category
//! in its own week) allocates at most [`HOSTILE_MULTIPLE`] times the input's bytes at its peak
//! (it took 4.7 GB for 2.8 MB before the fix); with every category accepted as a `customers`
//! column, at most [`ACCEPT_MULTIPLE`] times (the table is customers × at most 1,007 columns).
//! The work of the steps that were quadratic is bounded as allocations counted at n and 4n:
//! linear grows about 4×, quadratic 16×.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use c360::engine::config::remediation::OutsideCategories;
use c360::engine::data_test::schema::{parse, DEFAULT_SCHEMA};
use c360::engine::{build, RunConfig, SourceFile, SourceFiles, Sources};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
            CALLS.fetch_add(1, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now =
                    CURRENT.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
            }
            CALLS.fetch_add(1, Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak allocated bytes above the start while `f` runs, and the allocations it made.
fn measure<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let calls = CALLS.load(Relaxed);
    let out = f();
    (PEAK.load(Relaxed) - base, CALLS.load(Relaxed) - calls, out)
}

const HOSTILE_MULTIPLE: usize = 24;
const ACCEPT_MULTIPLE: usize = 128;

fn contacts(n: usize) -> String {
    let mut s = String::from("id,username,name,gender,address,mail,birthdate,_loaded_at_utc\n");
    for i in 0..n {
        s.push_str(&format!(
            "c{i},user{i},Name {i},{},\"1 Main St, Sydney, NSW, 2000\",user{i}@example.com,1980-01-01,2024-01-01 00:00:00.000\n",
            if i % 2 == 0 { "F" } else { "M" }
        ));
    }
    s
}

/// `n` transactions over `customers` contacts, each its own category; in its own week when
/// `weeks`.
fn transactions(n: usize, customers: usize, weeks: bool) -> String {
    let mut s =
        String::from("contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n");
    let start = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    for i in 0..n {
        let day = if weeks {
            start + chrono::Duration::weeks(i as i64)
        } else {
            start
        };
        s.push_str(&format!(
            "c{},t{i},{day} 01:00:00.000,{}.5,1,Category {i:06},2024-01-01 00:00:00.000\n",
            i % customers,
            i % 97
        ));
    }
    s
}

fn run(contacts: &str, transactions: &str, accept: bool) {
    let sources = Sources::from_bytes(SourceFiles {
        contacts: SourceFile {
            name: "contacts.csv",
            bytes: contacts.as_bytes(),
        },
        transactions: SourceFile {
            name: "transactions.csv",
            bytes: transactions.as_bytes(),
        },
    })
    .unwrap();
    let mut config = RunConfig::new(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    if accept {
        config.policies.outside_categories = OutsideCategories::AddToAcceptedList;
    }
    let schema = parse(DEFAULT_SCHEMA).unwrap();
    let output = build(sources, &schema, &config).unwrap();
    for node in &output.nodes {
        let mut names: Vec<&str> = node.table.column_names().collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "{}: duplicate headers", node.node.unique_id);
    }
}

#[test]
fn memory_follows_the_input_and_the_quadratic_steps_are_linear() {
    // 10,000 transactions, each its own category in its own week.
    let (c, t) = (contacts(10_000), transactions(10_000, 10_000, true));
    let input = c.len() + t.len();
    let (peak, _, ()) = measure(|| run(&c, &t, false));
    eprintln!(
        "hostile: {input} bytes in, peak {peak} bytes ({:.1}×)",
        peak as f64 / input as f64
    );
    assert!(
        peak < HOSTILE_MULTIPLE * input,
        "peak {peak} for {input} bytes"
    );

    // 20,000 categories accepted as columns (capped at 1,000).
    let t = transactions(20_000, 10_000, false);
    let input = c.len() + t.len();
    let (peak, _, ()) = measure(|| run(&c, &t, true));
    eprintln!(
        "accept: {input} bytes in, peak {peak} bytes ({:.1}×)",
        peak as f64 / input as f64
    );
    assert!(
        peak < ACCEPT_MULTIPLE * input,
        "peak {peak} for {input} bytes"
    );

    // Hostile names: 2,000 categories of 1 KB each, starting with formula characters,
    // quotes and newlines, all accepted (columns capped at 1,000).
    let mut t =
        String::from("contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n");
    for i in 0..2_000 {
        let name = format!("＝\"{i}\"\n{}", "x".repeat(1_000));
        t.push_str(&format!(
            "c{},t{i},2023-04-15 09:57:19.000,12.5,1,\"{}\",2024-01-01 00:00:00.000\n",
            i % 100,
            name.replace('"', "\"\"")
        ));
    }
    let c = contacts(100);
    let input = c.len() + t.len();
    let (peak, _, ()) = measure(|| run(&c, &t, true));
    eprintln!(
        "hostile names: {input} bytes in, peak {peak} bytes ({:.1}×)",
        peak as f64 / input as f64
    );
    assert!(
        peak < ACCEPT_MULTIPLE * input,
        "peak {peak} for {input} bytes"
    );

    // The schema's accepted list: allocations at n and 4n values.
    let schema_with = |n: usize| {
        let values: String = (0..n)
            .map(|i| format!("                      - Value {i:06}\n"))
            .collect();
        DEFAULT_SCHEMA.replacen(
            "                      - Sports, Fitness & Outdoors\n",
            &format!("                      - Sports, Fitness & Outdoors\n{values}"),
            1,
        )
    };
    let (small, large) = (schema_with(2_000), schema_with(8_000));
    assert_ne!(small, DEFAULT_SCHEMA, "the list was found");
    let (_, a, _) = measure(|| parse(&small).unwrap());
    let (_, b, _) = measure(|| parse(&large).unwrap());
    eprintln!("schema: {a} allocations at 2,000 values, {b} at 8,000");
    assert!(b < 6 * a, "{a} → {b}");
}

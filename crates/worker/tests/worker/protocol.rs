//! The protocol's JSON: each kind of request and response, built from a real run where it
//! carries one, is read back as the same message (to_json → from_json → to_json gives the
//! same text), and a failed run carries the engine's own typed error for the same input —
//! the error the CLI prints, with its file, line and column.

use std::collections::BTreeSet;

use c360::engine::config::remediation::{OrphanTransactions, Policies};
use c360::engine::export::{Dataset, Policy, PolicyFile};
use c360::engine::{InputError, RunError, SourceFile, SourceFiles, Sources};
use c360_worker::protocol::{
    Direction, Done, Failure, Filter, PageRequest, Progress, Request, RequestBody, Response,
    ResponseBody, RunSummary, Secret, Sort, SourceSpec, TableRef, READY_ID,
};
use c360_worker::session::{Session, DEMO_CONTACTS, DEMO_TRANSACTIONS};

use crate::support::{demo_request, model, request_with, run, Files, Run};

/// The tag each kind is written with; a `match` without a wildcard, so that a new kind fails
/// to compile here until it is given a case below.
fn request_kind(body: &RequestBody) -> &'static str {
    match body {
        RequestBody::Run(_) => "run",
        RequestBody::Cancel { .. } => "cancel",
        RequestBody::Page(_) => "page",
        RequestBody::Download { .. } => "download",
        RequestBody::Inspect { .. } => "inspect",
        RequestBody::Dashboard { .. } => "dashboard",
        RequestBody::Search { .. } => "search",
        RequestBody::Profile { .. } => "profile",
        RequestBody::ExportCheck { .. } => "export_check",
        RequestBody::Export { .. } => "export",
        RequestBody::Bench { .. } => "bench",
        RequestBody::Crash => "crash",
    }
}

fn response_kind(body: &ResponseBody) -> &'static str {
    match body {
        ResponseBody::Ready => "ready",
        ResponseBody::Progress(Progress::Parsing { .. }) => "progress/parsing",
        ResponseBody::Progress(Progress::Step { .. }) => "progress/step",
        ResponseBody::Chunk { .. } => "chunk",
        ResponseBody::Done(Done::Run(_)) => "done/run",
        ResponseBody::Done(Done::Page(_)) => "done/page",
        ResponseBody::Done(Done::Inspect(_)) => "done/inspect",
        ResponseBody::Done(Done::Dashboard(_)) => "done/dashboard",
        ResponseBody::Done(Done::Search(_)) => "done/search",
        ResponseBody::Done(Done::Profile(_)) => "done/profile",
        ResponseBody::Done(Done::Download { .. }) => "done/download",
        ResponseBody::Done(Done::ExportCheck(_)) => "done/export_check",
        ResponseBody::Done(Done::Export { .. }) => "done/export",
        ResponseBody::Done(Done::Bench(_)) => "done/bench",
        ResponseBody::Failed(Failure::Run(_)) => "failed/run",
        ResponseBody::Failed(Failure::Input { .. }) => "failed/input",
        ResponseBody::Failed(Failure::Schema { .. }) => "failed/schema",
        ResponseBody::Failed(Failure::NoSuchTable { .. }) => "failed/no_such_table",
        ResponseBody::Failed(Failure::Export(_)) => "failed/export",
        ResponseBody::Failed(Failure::Key(_)) => "failed/key",
        ResponseBody::Failed(Failure::BadRequest { .. }) => "failed/bad_request",
        ResponseBody::Failed(Failure::WorkerStopped { .. }) => "failed/worker_stopped",
        ResponseBody::Failed(Failure::TooLarge { .. }) => "failed/too_large",
        ResponseBody::Cancelled => "cancelled",
    }
}

const ALL_REQUEST_KINDS: [&str; 12] = [
    "run",
    "cancel",
    "page",
    "download",
    "inspect",
    "dashboard",
    "search",
    "profile",
    "export_check",
    "export",
    "bench",
    "crash",
];

const ALL_RESPONSE_KINDS: [&str; 24] = [
    "ready",
    "progress/parsing",
    "progress/step",
    "chunk",
    "done/run",
    "done/page",
    "done/inspect",
    "done/dashboard",
    "done/search",
    "done/profile",
    "done/download",
    "done/export_check",
    "done/export",
    "done/bench",
    "failed/run",
    "failed/input",
    "failed/schema",
    "failed/no_such_table",
    "failed/export",
    "failed/key",
    "failed/bad_request",
    "failed/worker_stopped",
    "failed/too_large",
    "cancelled",
];

/// Asserts that `response` reads back as itself and returns the text.
fn assert_response_round_trips(response: &Response) -> String {
    let json = response.to_json();
    let back = Response::from_json(&json).unwrap_or_else(|e| {
        panic!(
            "{} does not read back: {e}\n{json}",
            response_kind(&response.body)
        )
    });
    assert_eq!(back.id, response.id);
    assert_eq!(
        response_kind(&back.body),
        response_kind(&response.body),
        "read back as another kind: {json}"
    );
    let kind = response_kind(&response.body);
    let ends = kind.starts_with("done/") || kind.starts_with("failed/") || kind == "cancelled";
    assert_eq!(
        response.is_final(),
        ends,
        "{kind}: whether it ends its request"
    );
    assert_eq!(back.is_final(), ends);
    let again = back.to_json();
    if let Some(at) = first_difference(&json, &again) {
        panic!(
            "{}: the text changed in a round trip at byte {at}:\n  sent: …{}…\n  read: …{}…",
            response_kind(&response.body),
            around(&json, at),
            around(&again, at)
        );
    }
    json
}

fn first_difference(a: &str, b: &str) -> Option<usize> {
    let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y);
    at.or((a.len() != b.len()).then(|| a.len().min(b.len())))
}

/// The text around byte `at`, on character boundaries.
fn around(text: &str, at: usize) -> &str {
    let mut from = at.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (at + 60).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    &text[from..to]
}

/// A user's transactions file that fails on its first row, and the demo contacts.
fn bad_amount() -> &'static [u8] {
    b"contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
      c1,t1,2023-04-15 09:57:19,\"12,5\",1,Books,2023-05-09 10:00:00\n"
}

/// The demo run, committed, with the failed run of a bad transactions file after it.
fn demo_session() -> (Session, Files, Run) {
    let mut session = Session::new();
    let mut files = Files::default();
    let demo = run(&mut session, &mut files, 1, demo_request()).expect("the demo runs");
    (session, files, demo)
}

/// The typed error the engine gives for these two files, as the CLI loads them.
fn engine_error(contacts: &[u8], transactions: &[u8]) -> RunError {
    let err = Sources::from_bytes(SourceFiles {
        contacts: SourceFile {
            name: "contacts.csv",
            bytes: contacts,
        },
        transactions: SourceFile {
            name: "transactions.csv",
            bytes: transactions,
        },
    })
    .expect_err("the input is bad");
    err.into()
}

/// The failure the session gives for a run of these two files (passed as the user's).
fn session_failure(contacts: &[u8], transactions: &[u8]) -> Failure {
    let (mut session, mut files, _) = demo_session();
    let sources = [
        files.add("contacts.csv", contacts),
        files.add("transactions.csv", transactions),
    ];
    match run(&mut session, &mut files, 2, request_with(sources)) {
        Ok(_) => panic!("a run of bad input succeeded"),
        Err(failure) => failure,
    }
}

#[test]
fn every_request_kind_round_trips() {
    let mut files = Files::default();
    let user = [
        files.add("crm export (May).csv", DEMO_CONTACTS),
        files.add("web-shop.csv", DEMO_TRANSACTIONS),
    ];
    let mut keep_orphans = request_with(user);
    keep_orphans.config.policies = Policies {
        orphan_transactions: OrphanTransactions::KeepWithNullContact,
        ..Policies::default()
    };
    keep_orphans
        .config
        .accepted_categories
        .push("Garden".into());
    let tables = [
        TableRef::Node {
            unique_id: model("customers"),
        },
        TableRef::FailingRows {
            unique_id: "test.c360.unique_web_transactions_id".into(),
        },
        TableRef::Finding { index: 2 },
    ];
    let inspect = |delimiter| RequestBody::Inspect {
        file: c360_worker::protocol::FileRef {
            token: 9,
            name: "shop; orders.csv".into(),
            size: 1 << 30,
        },
        delimiter,
    };
    let mut bodies = vec![
        inspect(None),
        inspect(Some('\t')),
        RequestBody::Run(demo_request()),
        RequestBody::Run(keep_orphans),
        RequestBody::Cancel { request: 7 },
        RequestBody::Dashboard { run: 3 },
        RequestBody::Search {
            run: 3,
            text: "Zoë \"o'".into(),
        },
        RequestBody::Profile {
            run: 3,
            id: "1ef5eb4e-7a06-4981-bfa7-f33b214a4242".into(),
        },
        RequestBody::ExportCheck {
            run: 3,
            policy: PolicyFile::from_json(
                r#"{"version": 1, "dataset": "customers", "columns": {"age": {"policy": "generalise", "to": "age_band", "width": 5}, "email_address": {"policy": "redact", "token": "—"}}, "quasi_identifiers": ["age"], "k": 3, "small_classes": "generalise"}"#,
            )
            .expect("a policy file"),
        },
        RequestBody::Export {
            run: 3,
            policy: PolicyFile::defaults(Dataset::ContactsJoinedWithTransactions),
            key: Secret("a secret \"with\" quotes, long enough".into()),
        },
        RequestBody::Bench {
            contacts: 100_000,
            transactions: 1_000_000,
            runs: 3,
        },
        RequestBody::Crash,
    ];
    for table in tables {
        bodies.push(RequestBody::Page(PageRequest {
            run: 3,
            table: table.clone(),
            sort: Some(Sort {
                column: "total_expense".into(),
                direction: Direction::Descending,
            }),
            filter: Some(Filter {
                column: "gender".into(),
                value: "F \"quoted\", with a comma".into(),
            }),
            offset: 100,
            limit: 50,
        }));
        bodies.push(RequestBody::Page(PageRequest {
            run: 3,
            table: table.clone(),
            sort: None,
            filter: None,
            offset: 0,
            limit: usize::MAX,
        }));
        bodies.push(RequestBody::Download { run: 3, table });
    }

    let mut kinds = BTreeSet::new();
    for (id, body) in bodies.into_iter().enumerate() {
        kinds.insert(request_kind(&body));
        let request = Request {
            id: id as u64 + 1,
            body,
        };
        let json = request.to_json();
        let back =
            Request::from_json(&json).unwrap_or_else(|e| panic!("does not read back: {e}\n{json}"));
        assert_eq!(back, request, "{json}");
        assert_eq!(back.to_json(), json);
    }
    assert_eq!(kinds, BTreeSet::from(ALL_REQUEST_KINDS));
}

#[test]
fn every_response_kind_round_trips() {
    let (mut session, mut files, demo) = demo_session();
    let run_id = demo.summary.run;
    let mut bodies = vec![ResponseBody::Ready];
    bodies.extend(demo.progress.iter().cloned().map(ResponseBody::Progress));

    let customers = TableRef::Node {
        unique_id: model("customers"),
    };
    let page = session
        .page(&PageRequest {
            run: run_id,
            table: customers.clone(),
            sort: Some(Sort {
                column: "age".into(),
                direction: Direction::Ascending,
            }),
            filter: Some(Filter {
                column: "gender".into(),
                value: "F".into(),
            }),
            offset: 0,
            limit: 5,
        })
        .expect("a page of customers");
    assert!(!page.rows.is_empty());
    bodies.push(ResponseBody::Done(Done::Page(page)));

    let mut download = session.download(run_id, &customers).expect("a download");
    while let Some((bytes, sent)) = download.next_chunk() {
        bodies.push(ResponseBody::Chunk { bytes, sent });
    }
    bodies.push(ResponseBody::Done(download.done()));
    let policy = PolicyFile::defaults(Dataset::Customers);
    let checked = session
        .export_check(run_id, &policy, 1)
        .expect("the demo's customers check");
    bodies.push(ResponseBody::Done(Done::ExportCheck(Box::new(checked))));
    let key = Secret("correct horse battery staple".into());
    let mut export = session
        .export(run_id, &policy, &key, 1)
        .expect("the demo's customers export");
    while let Some((bytes, sent)) = export.next_chunk() {
        bodies.push(ResponseBody::Chunk { bytes, sent });
    }
    bodies.push(ResponseBody::Done(export.done()));
    let mut unknown = policy.clone();
    unknown.columns.insert("phone".into(), Policy::Drop);
    bodies.push(ResponseBody::Failed(
        session
            .export_check(run_id, &unknown, 1)
            .expect_err("no column phone"),
    ));
    bodies.push(ResponseBody::Failed(
        session
            .export(run_id, &policy, &Secret("short".into()), 1)
            .err()
            .expect("a short key"),
    ));
    let SourceSpec::File(shop) = files.add(
        "shop.csv",
        "customer_id;Order Date;price;qty\nc1;2023-04-15;12.5;1\n".as_bytes(),
    ) else {
        unreachable!("a user's file")
    };
    let inspection = c360_worker::session::inspect(&shop, None, &mut files).expect("inspects");
    bodies.push(ResponseBody::Done(Done::Inspect(Box::new(inspection))));
    let dashboard = session.dashboard(run_id).expect("the demo's dashboards");
    bodies.push(ResponseBody::Done(Done::Dashboard(Box::new(dashboard))));
    let found = session.search(run_id, "ruby").expect("a search");
    assert!(!found.is_empty());
    let profile = session.profile(run_id, &found[0].id).expect("a profile");
    bodies.push(ResponseBody::Done(Done::Search(found)));
    bodies.push(ResponseBody::Done(Done::Profile(Box::new(profile))));
    bodies.push(ResponseBody::Done(Done::Bench(c360::engine::bench::run(
        20, 200, 1,
    ))));

    let missing = session
        .page(&PageRequest {
            run: run_id + 1,
            table: customers,
            sort: None,
            filter: None,
            offset: 0,
            limit: 10,
        })
        .expect_err("no such run");
    bodies.push(ResponseBody::Failed(missing));
    let schema = session
        .start(
            2,
            c360_worker::protocol::RunRequest {
                schema: "version: 2\nmodels: [".into(),
                ..demo_request()
            },
        )
        .err()
        .expect("a schema that does not parse");
    bodies.push(ResponseBody::Failed(schema));
    let bad_request =
        Request::from_json(r#"{"id": 4, "body": {"kind": "rerun"}}"#).expect_err("an unknown kind");
    bodies.push(ResponseBody::Failed(Failure::BadRequest {
        message: bad_request.to_string(),
    }));
    let sources = [
        SourceSpec::Demo,
        files.add("transactions.csv", bad_amount()),
    ];
    let failed = run(&mut session, &mut files, 3, request_with(sources))
        .err()
        .expect("the bad file fails");
    bodies.push(ResponseBody::Failed(failed));
    let mut lost = files.add("lost.csv", DEMO_TRANSACTIONS);
    if let SourceSpec::File(f) = &mut lost {
        f.token = 999;
    }
    let unreadable = run(
        &mut session,
        &mut files,
        4,
        request_with([SourceSpec::Demo, lost]),
    )
    .err()
    .expect("a file the page did not pass fails");
    assert!(matches!(unreadable, Failure::Run(_)), "{unreadable:?}");
    bodies.push(ResponseBody::Failed(unreadable));
    bodies.push(ResponseBody::Failed(Failure::WorkerStopped {
        message: "Uncaught RuntimeError: unreachable \"executed\"".into(),
    }));
    let huge = |token, name: &str| {
        SourceSpec::File(c360_worker::protocol::FileRef {
            token,
            name: name.into(),
            size: c360_worker::capacity::CAPACITY_BYTES / 2 + 1,
        })
    };
    let too_large = session
        .start(
            12,
            request_with([huge(900, "contacts.csv"), huge(901, "transactions.csv")]),
        )
        .err()
        .expect("files larger than the worker can hold are refused");
    assert!(
        matches!(too_large, Failure::TooLarge { .. }),
        "{too_large:?}"
    );
    bodies.push(ResponseBody::Failed(too_large));
    bodies.push(ResponseBody::Cancelled);
    bodies.push(ResponseBody::Done(Done::Run(Box::new(demo.summary))));

    let mut kinds = BTreeSet::new();
    for (id, body) in bodies.into_iter().enumerate() {
        kinds.insert(response_kind(&body));
        let id = if matches!(body, ResponseBody::Ready) {
            READY_ID
        } else {
            id as u64
        };
        assert_response_round_trips(&Response { id, body });
    }
    assert_eq!(kinds, BTreeSet::from(ALL_RESPONSE_KINDS));
}

/// A run summary read back from JSON is the summary: every node, test and finding with the
/// same values, not only the same text.
#[test]
fn a_run_summary_reads_back_whole() {
    let (_, _, demo) = demo_session();
    let json = assert_response_round_trips(&Response {
        id: demo.summary.run,
        body: ResponseBody::Done(Done::Run(Box::new(demo.summary.clone()))),
    });
    let ResponseBody::Done(Done::Run(back)) = Response::from_json(&json).unwrap().body else {
        panic!("not a run summary: {json}");
    };
    let back: RunSummary = *back;
    let summary = demo.summary;
    assert_eq!(back.run, summary.run);
    assert_eq!(back.config, summary.config);
    assert_eq!(back.sources, summary.sources);
    assert_eq!(back.steps, summary.steps);
    assert_eq!(back.edited_schema, summary.edited_schema);
    assert_eq!(back.elapsed_time, summary.elapsed_time);
    assert_eq!(back.nodes.len(), summary.nodes.len());
    for (a, b) in back.nodes.iter().zip(&summary.nodes) {
        assert_eq!(a.node.unique_id, b.node.unique_id);
        assert_eq!(a.result.status, b.result.status);
        assert_eq!(a.result.rows, b.result.rows);
        assert_eq!(a.result.execution_time, b.result.execution_time);
        assert_eq!(a.columns, b.columns);
        assert_eq!(a.reused, b.reused);
    }
    assert_eq!(back.tests.len(), summary.tests.len());
    for (a, b) in back.tests.iter().zip(&summary.tests) {
        assert_eq!(a.result.unique_id, b.result.unique_id);
        assert_eq!(a.result.status, b.result.status);
        assert_eq!(a.result.failures, b.result.failures);
        assert_eq!(a.result.message, b.result.message);
        assert_eq!(a.result.line, b.result.line);
        assert_eq!(a.kept_rows, b.kept_rows);
        assert_eq!(a.failing_columns, b.failing_columns);
        assert_eq!(a.near_misses, b.near_misses);
    }
    let findings = |s: &RunSummary| {
        s.findings
            .iter()
            .map(|f| (f.node.clone(), f.slug.clone(), f.message.clone(), f.rows))
            .collect::<Vec<_>>()
    };
    assert_eq!(findings(&back), findings(&summary));
    assert!(!summary.findings.is_empty(), "the demo has findings");
}

/// Timings are measured, so any `f64` at all: each must read back as the same number, or
/// the text of a summary changes in a round trip.
#[test]
fn measured_seconds_read_back_exactly() {
    let (_, _, demo) = demo_session();
    // A fixed sequence of durations spread over twelve orders of magnitude.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut changed = Vec::new();
    for _ in 0..1_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
        let seconds = mantissa * 10f64.powi((state % 12) as i32 - 9);
        let mut summary = demo.summary.clone();
        summary.elapsed_time = seconds;
        let response = Response {
            id: 1,
            body: ResponseBody::Done(Done::Run(Box::new(summary))),
        };
        let json = response.to_json();
        let back = Response::from_json(&json).expect("reads back");
        let ResponseBody::Done(Done::Run(back)) = back.body else {
            unreachable!()
        };
        if back.elapsed_time != seconds {
            changed.push((seconds, back.elapsed_time));
        }
    }
    assert!(
        changed.is_empty(),
        "{} of 1,000 durations changed in a round trip, e.g. {:?}",
        changed.len(),
        &changed[..changed.len().min(3)]
    );
}

#[test]
fn a_failed_run_carries_the_engines_error_for_a_bad_amount() {
    let failure = session_failure(DEMO_CONTACTS, bad_amount());
    let expected = engine_error(DEMO_CONTACTS, bad_amount());
    let Failure::Input { error, excerpt } = &failure else {
        panic!("not an input failure: {failure:?}");
    };
    assert_eq!(error, &expected);
    // Beside the error, the line it is about, as the file has it.
    let excerpt = excerpt.as_deref().expect("an excerpt of the bad line");
    assert_eq!(excerpt.first_line, 2);
    assert_eq!(
        excerpt.lines,
        ["c1,t1,2023-04-15 09:57:19,\"12,5\",1,Books,2023-05-09 10:00:00"]
    );
    assert!(
        matches!(
            error,
            RunError::Input(InputError::BadValue { file, line: 2, column, found, .. })
                if file == "transactions.csv" && column == "amount" && found == "12,5"
        ),
        "{error:?}"
    );
    let text = failure.to_string();
    assert_eq!(text, expected.to_string());
    assert!(
        text.starts_with("transactions.csv line 2, column amount: "),
        "{text}"
    );
    assert!(text.ends_with("found \"12,5\""), "{text}");

    // And the page reads the same typed error out of the message.
    let json = assert_response_round_trips(&Response {
        id: 2,
        body: ResponseBody::Failed(failure),
    });
    let ResponseBody::Failed(back) = Response::from_json(&json).unwrap().body else {
        panic!("not a failure: {json}");
    };
    assert_eq!(back.run_error(), Some(&expected));
    assert_eq!(back.excerpt().map(|e| e.first_line), Some(2));
    let back = back.run_error().unwrap().clone();
    assert_eq!(back.to_string(), text);
}

/// Every kind of bad input, in either file: the worker's error is the engine's.
#[test]
fn a_failed_run_carries_the_engines_error_for_every_kind_of_bad_input() {
    let header = "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n";
    let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
        (
            "a contact's birth date",
            String::from_utf8_lossy(DEMO_CONTACTS)
                .replacen("2003-06-15", "15/06/2003", 1)
                .into_bytes(),
            DEMO_TRANSACTIONS.to_vec(),
        ),
        (
            "a missing column",
            DEMO_CONTACTS.to_vec(),
            b"contact_id,id,transaction_date,amount,category,_loaded_at_utc\n".to_vec(),
        ),
        ("an empty file", DEMO_CONTACTS.to_vec(), Vec::new()),
        (
            "a row with a field too many",
            DEMO_CONTACTS.to_vec(),
            format!("{header}c1,t1,2023-04-15 09:57:19,12.5,1,Books,2023-05-09 10:00:00,x\n")
                .into_bytes(),
        ),
        (
            "an item count",
            DEMO_CONTACTS.to_vec(),
            format!(
                "{header}c1,t1,2023-04-15 09:57:19,12.5,1,Books,2023-05-09 10:00:00\n\
                 c1,t2,2023-04-16 09:57:19,7.5,two,Books,2023-05-09 10:00:00\n"
            )
            .into_bytes(),
        ),
    ];
    for (what, contacts, transactions) in cases {
        let expected = engine_error(&contacts, &transactions);
        match session_failure(&contacts, &transactions) {
            Failure::Input { error, .. } => {
                assert_eq!(error, expected, "{what}");
                assert_eq!(error.to_string(), expected.to_string(), "{what}");
            }
            other => panic!("{what}: not an input failure: {other:?}"),
        }
    }
}

/// A file the page did not pass (or could not read) is an input error naming the file.
#[test]
fn an_unreadable_file_is_an_input_error_naming_it() {
    let (mut session, mut files, _) = demo_session();
    let SourceSpec::File(mut file) = files.add("transactions.csv", DEMO_TRANSACTIONS) else {
        unreachable!()
    };
    file.token = 999;
    file.name = "Lost file.csv".into();
    let sources = [SourceSpec::Demo, SourceSpec::File(file)];
    let failure = run(&mut session, &mut files, 2, request_with(sources))
        .err()
        .expect("an unreadable file fails");
    match &failure {
        Failure::Run(RunError::Input(InputError::Io { file, message })) => {
            assert_eq!(file, "Lost file.csv");
            assert!(message.contains("999"), "{message}");
        }
        other => panic!("not an input error: {other:?}"),
    }
    assert!(failure
        .to_string()
        .starts_with("Lost file.csv: cannot read the file: "));
}

/// A browser's timer is too coarse to time the peer on small data (it rounds to 0.1 ms), and
/// then the engine gives no ratio (NaN, which the page shows as "–"). JSON has no NaN: the
/// report must still read back, with no ratio, rather than fail as a message.
#[test]
fn a_benchmark_without_ratios_reads_back() {
    let mut report = c360::engine::bench::run(20, 200, 1);
    for timing in &mut report.timings {
        timing.ratio_to_peer = f64::NAN;
    }
    let response = Response {
        id: 5,
        body: ResponseBody::Done(Done::Bench(report.clone())),
    };
    let json = assert_response_round_trips(&response);
    let ResponseBody::Done(Done::Bench(back)) = Response::from_json(&json).unwrap().body else {
        panic!("not a benchmark: {json}");
    };
    assert_eq!(back.timings.len(), report.timings.len());
    for (a, b) in back.timings.iter().zip(&report.timings) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.seconds, b.seconds);
        assert!(a.ratio_to_peer.is_nan(), "{}: {}", a.name, a.ratio_to_peer);
    }
    assert_eq!(
        (back.contacts, back.transactions, back.runs, back.megabytes),
        (
            report.contacts,
            report.transactions,
            report.runs,
            report.megabytes
        )
    );
}

/// The test-only crash is a plain tag on the wire, `{"id": …, "body": "crash"}`, so that a
/// browser test could write it by hand; it reads back as itself, and says what it is.
#[test]
fn the_test_only_crash_request_is_a_bare_tag() {
    let request = Request {
        id: 12,
        body: RequestBody::Crash,
    };
    let json = request.to_json();
    assert_eq!(json, r#"{"id":12,"body":"crash"}"#);
    assert_eq!(Request::from_json(&json).expect("reads back"), request);
    assert_eq!(
        Request::from_json(r#"{"id": 3, "body": "crash"}"#)
            .expect("written by hand")
            .body,
        RequestBody::Crash
    );
    assert_eq!(RequestBody::Crash.describe(), "a test's deliberate crash");
}

/// The page's own answer when the worker dies is a failure that ends its request and says
/// what the browser said.
#[test]
fn a_stopped_worker_is_a_final_failure_that_says_why() {
    let response = Response {
        id: 5,
        body: ResponseBody::Failed(Failure::WorkerStopped {
            message: "RuntimeError: unreachable".into(),
        }),
    };
    assert!(response.is_final());
    let json = assert_response_round_trips(&response);
    assert!(json.contains("worker_stopped"), "{json}");
    let ResponseBody::Failed(failure) = &response.body else {
        unreachable!()
    };
    let text = failure.to_string();
    assert!(text.contains("RuntimeError: unreachable"), "{text}");
    assert!(text.contains("worker stopped"), "{text}");
}

//! The session's runs, as the shell steps them: a run commits what the engine's `build`
//! gives for the same files; a source whose spec is unchanged is never parsed again, and a
//! node nothing of which changed is reused; a user's file is read in chunks of at most
//! `CHUNK_BYTES` at increasing offsets, with progress up to its size; and a task that is
//! dropped (cancelled, superseded) or fails leaves the run in force exactly as it was.

use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::data_test::TestResult;
use c360::engine::value::write::{to_csv_string_with, Guard};
use c360::engine::{NodeStatus, RunOutput};
use c360_worker::protocol::{
    Direction, Failure, PageRequest, Progress, RunSummary, Sort, SourceSpec, TableRef,
};
use c360_worker::session::{Session, TaskStep, CHUNK_BYTES, DEMO_CONTACTS, DEMO_TRANSACTIONS};

use crate::support::{
    date, demo_config, demo_output, demo_request, engine_build, generated, model, node_rows,
    output_node_rows, parsed_files, request_with, reused_nodes, run, step_to_end, Files, Run,
    CONTACTS_ID, GENERATED_TRANSACTIONS, TRANSACTIONS_ID,
};

/// A table of the run in force as CSV, through the session's download.
fn download(session: &Session, table: TableRef) -> String {
    let run = session.run_id().expect("a run in force");
    let mut download = session.download(run, &table).expect("a download");
    let mut bytes = Vec::new();
    while let Some((chunk, _)) = download.next_chunk() {
        bytes.extend(chunk);
    }
    String::from_utf8(bytes).expect("CSV is UTF-8")
}

/// Asserts that the session's summary says what the engine's output says: every node's
/// status, rows and message, every test's status and failures, the findings, freshness,
/// steps, settings and edited schema; and that every built node's table is the engine's.
fn assert_summary_is(session: &Session, summary: &RunSummary, output: &RunOutput, what: &str) {
    assert_eq!(
        node_rows(summary),
        output_node_rows(output),
        "{what}: nodes"
    );
    for (s, o) in summary.nodes.iter().zip(&output.nodes) {
        assert_eq!(s.result.message, o.result.message, "{what}");
        assert_eq!(s.columns, o.table.schema(), "{what}: {}", s.node.unique_id);
        if o.result.status == NodeStatus::Success {
            let table = TableRef::Node {
                unique_id: o.node.unique_id.clone(),
            };
            assert_eq!(
                download(session, table),
                to_csv_string_with(&o.table, Guard::Formulas),
                "{what}: {} as CSV",
                o.node.unique_id
            );
        }
    }
    assert_eq!(
        test_rows(summary.tests.iter().map(|t| &t.result)),
        test_rows(output.tests.iter()),
        "{what}: tests"
    );
    let findings: Vec<_> = summary
        .findings
        .iter()
        .map(|f| (f.node.clone(), f.slug.clone(), f.message.clone(), f.rows))
        .collect();
    let expected: Vec<_> = output
        .findings
        .iter()
        .map(|f| {
            let slug = f.kind.as_str().to_string();
            (f.node.clone(), slug, f.message.clone(), f.rows.num_rows())
        })
        .collect();
    assert_eq!(findings, expected, "{what}: findings");
    let freshness = |f: &[c360::engine::data_test::freshness::FreshnessResult]| {
        f.iter()
            .map(|f| (f.unique_id.clone(), f.status, f.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        freshness(&summary.freshness),
        freshness(&output.freshness),
        "{what}: freshness"
    );
    assert_eq!(summary.steps, output.steps, "{what}: steps");
    assert_eq!(summary.config, output.config, "{what}: settings");
    assert_eq!(summary.edited_schema, output.edited_schema, "{what}");
}

type TestRow = (String, &'static str, usize, usize, String);

/// Each test's unique id, status, failures, failing rows in all and message.
fn test_rows<'a>(tests: impl Iterator<Item = &'a TestResult>) -> Vec<TestRow> {
    tests
        .map(|r| {
            (
                r.unique_id.clone(),
                r.status.as_str(),
                r.failures,
                r.failing_rows_total,
                r.message.clone(),
            )
        })
        .collect()
}

/// What the page can see of the run in force: its summary (as the page reads it) and a few
/// pages and a download of it.
fn visible(session: &mut Session) -> String {
    let Some(run) = session.run_id() else {
        return "no run".into();
    };
    let summary = serde_json::to_string(session.summary().expect("a summary")).unwrap();
    let mut seen = vec![summary];
    let tables = [
        TableRef::Node {
            unique_id: model("customers"),
        },
        TableRef::Node {
            unique_id: TRANSACTIONS_ID.into(),
        },
        TableRef::Finding { index: 0 },
    ];
    for table in tables {
        for sort in [
            None,
            Some(Sort {
                column: "id".into(),
                direction: Direction::Descending,
            }),
        ] {
            let page = session.page(&PageRequest {
                run,
                table: table.clone(),
                sort,
                filter: None,
                offset: 0,
                limit: 1000,
            });
            seen.push(format!("{page:?}"));
        }
        seen.push(download(session, table));
    }
    seen.join("\n")
}

fn engine_demo_with(transactions: &[u8]) -> RunOutput {
    engine_build(
        ("contacts.csv", DEMO_CONTACTS),
        ("transactions.csv", transactions),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .expect("builds")
}

/// The demo transactions without their last `n` rows.
fn demo_transactions_without_last(n: usize) -> Vec<u8> {
    let text = std::str::from_utf8(DEMO_TRANSACTIONS).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut kept = lines[..lines.len() - n].join("\n");
    kept.push('\n');
    kept.into_bytes()
}

fn demo_session() -> (Session, Files, Run) {
    let mut session = Session::new();
    let mut files = Files::default();
    let demo = run(&mut session, &mut files, 1, demo_request()).expect("the demo runs");
    (session, files, demo)
}

#[test]
fn a_demo_run_commits_what_the_engine_builds() {
    let (session, _, demo) = demo_session();
    let output = demo_output();
    assert_eq!(session.run_id(), Some(1));
    assert_eq!(demo.summary.run, 1);
    assert_eq!(demo.summary.sources, [SourceSpec::Demo, SourceSpec::Demo]);
    assert_summary_is(&session, &demo.summary, &output, "the demo");
    assert!(
        demo.summary.nodes.iter().all(|n| !n.reused)
            && demo.summary.tests.iter().all(|t| !t.reused),
        "nothing is reused in a first run"
    );
    // The demo has something to show: failing tests, findings, every node built.
    assert!(demo.summary.tests.iter().any(|t| t.result.failures > 0));
    assert!(demo
        .summary
        .nodes
        .iter()
        .all(|n| n.result.status == NodeStatus::Success));
}

/// The steps reported: the two files, a "start" naming the number of steps, then one per
/// node and test in the order they ran, numbered 1 to that number.
#[test]
fn a_run_reports_each_file_then_each_node_and_test() {
    let (_, _, demo) = demo_session();
    assert_eq!(
        parsed_files(&demo.progress),
        ["contacts.csv", "transactions.csv"]
    );
    let steps: Vec<(usize, usize, String)> = demo
        .progress
        .iter()
        .filter_map(|p| match p {
            Progress::Step {
                index, total, name, ..
            } => Some((*index, *total, name.clone())),
            Progress::Parsing { .. } => None,
        })
        .collect();
    let summary = &demo.summary;
    let total = summary.steps.len();
    assert_eq!(total, summary.nodes.len() + summary.tests.len());
    let mut expected = vec![(0, total, "start".to_string())];
    for (i, step) in summary.steps.iter().enumerate() {
        let name = match *step {
            c360::engine::Step::Node(n) => summary.nodes[n].node.name.clone(),
            c360::engine::Step::Test(t) => summary.tests[t]
                .result
                .unique_id
                .trim_start_matches("test.c360.")
                .to_string(),
        };
        expected.push((i + 1, total, name));
    }
    assert_eq!(steps, expected);
    // The parsing comes first, the steps after.
    let first_step = demo
        .progress
        .iter()
        .position(|p| matches!(p, Progress::Step { .. }))
        .unwrap();
    assert!(demo.progress[first_step..]
        .iter()
        .all(|p| matches!(p, Progress::Step { .. })));
}

#[test]
fn the_same_request_again_parses_nothing_and_reuses_everything() {
    let (mut session, mut files, first) = demo_session();
    let second = run(&mut session, &mut files, 2, demo_request()).expect("runs");
    assert!(
        !second
            .progress
            .iter()
            .any(|p| matches!(p, Progress::Parsing { .. })),
        "{:?}",
        second.progress
    );
    assert!(second.summary.nodes.iter().all(|n| n.reused));
    assert!(second.summary.tests.iter().all(|t| t.reused));
    assert!(second.progress.iter().all(|p| match p {
        Progress::Step { index, reused, .. } => *reused || *index == 0,
        Progress::Parsing { .. } => false,
    }));
    assert_eq!(second.summary.run, 2);
    assert_eq!(session.run_id(), Some(2));
    assert_summary_is(&session, &second.summary, &demo_output(), "the demo again");
    assert_eq!(node_rows(&second.summary), node_rows(&first.summary));
}

#[test]
fn an_as_of_change_reruns_only_the_models_that_compute_ages() {
    let (mut session, mut files, _) = demo_session();
    let mut request = demo_request();
    request.config = request.config.with_as_of(date("2024-02-29"));
    let second = run(&mut session, &mut files, 2, request.clone()).expect("runs");
    assert!(
        !second
            .progress
            .iter()
            .any(|p| matches!(p, Progress::Parsing { .. })),
        "an unchanged source is not parsed again"
    );
    // The models that compute ages or recency, and category_spend, which cuts by age band.
    let reads_as_of = [
        model("customers"),
        model("category"),
        model("customer_segments"),
        model("category_spend"),
    ];
    let expected: Vec<(String, bool)> = second
        .summary
        .nodes
        .iter()
        .map(|n| {
            let id = n.node.unique_id.clone();
            let reused = !reads_as_of.contains(&id);
            (id, reused)
        })
        .collect();
    assert_eq!(reused_nodes(&second.summary), expected);
    assert_eq!(
        expected.iter().filter(|(_, reused)| *reused).count(),
        7,
        "two sources, two staging models, the join, and the recommendations and their \
         evaluation (recency from each customer's own latest purchase)"
    );
    // A test of a mart re-runs; a test of a node that was reused is reused — unless it also
    // reads a mart that re-ran, as the relationships from other marts' ids to customers do.
    for t in &second.summary.tests {
        if let Some(node) = &t.result.attached_node {
            let reads_customers = t.result.unique_id.starts_with("test.c360.relationships_")
                && t.result.unique_id.ends_with("__id__customers");
            assert_eq!(
                t.reused,
                !reads_as_of.contains(node) && !reads_customers,
                "{} on {node}",
                t.result.unique_id
            );
        }
    }
    // The progress says the same, step by step.
    for p in &second.progress {
        if let Progress::Step {
            name,
            reused,
            index,
            ..
        } = p
        {
            if let Some(n) = second.summary.nodes.iter().find(|n| &n.node.name == name) {
                assert_eq!(*reused, n.reused, "step {index}: {name}");
            }
        }
    }
    let output = engine_build(
        ("contacts.csv", DEMO_CONTACTS),
        ("transactions.csv", DEMO_TRANSACTIONS),
        DEFAULT_SCHEMA,
        &request.config,
    )
    .unwrap();
    assert_summary_is(&session, &second.summary, &output, "as of 2024-02-29");
}

#[test]
fn replacing_the_transactions_file_parses_only_it_and_reuses_the_contacts_side() {
    let (mut session, mut files, _) = demo_session();
    let bytes = demo_transactions_without_last(10);
    let user = files.add("web-shop (May).csv", &bytes);
    let second = run(
        &mut session,
        &mut files,
        2,
        request_with([SourceSpec::Demo, user.clone()]),
    )
    .expect("runs");
    assert_eq!(parsed_files(&second.progress), ["web-shop (May).csv"]);
    assert!(
        files
            .reads
            .iter()
            .all(|r| files.reads_of(&user).contains(r)),
        "only the new file is read"
    );
    let contacts_side = [CONTACTS_ID.to_string(), model("stg_sf__contacts")];
    let expected: Vec<(String, bool)> = second
        .summary
        .nodes
        .iter()
        .map(|n| {
            let id = n.node.unique_id.clone();
            let reused = contacts_side.contains(&id);
            (id, reused)
        })
        .collect();
    assert_eq!(reused_nodes(&second.summary), expected);
    assert_eq!(second.summary.sources, [SourceSpec::Demo, user.clone()]);
    assert_summary_is(
        &session,
        &second.summary,
        &engine_demo_with(&bytes),
        "the user's transactions",
    );
    let transactions = second
        .summary
        .nodes
        .iter()
        .find(|n| n.node.unique_id == TRANSACTIONS_ID)
        .unwrap();
    assert_eq!(transactions.result.rows, 90);

    // The same file again (same token) is not read again; the demo's is parsed again.
    let reads = files.reads.len();
    let third = run(
        &mut session,
        &mut files,
        3,
        request_with([SourceSpec::Demo, user]),
    )
    .expect("runs");
    assert!(parsed_files(&third.progress).is_empty());
    assert_eq!(files.reads.len(), reads);
    let fourth = run(&mut session, &mut files, 4, demo_request()).expect("runs");
    assert_eq!(parsed_files(&fourth.progress), ["transactions.csv"]);
    assert_summary_is(
        &session,
        &fourth.summary,
        &demo_output(),
        "back to the demo",
    );
}

/// A file larger than a chunk is read a chunk at a time, each read starting where the last
/// one ended, and each chunk reported: bytes read rising to the file's size.
#[test]
fn a_large_file_is_read_in_chunks_with_progress() {
    let data = generated();
    assert!(
        data.transactions.len() > CHUNK_BYTES,
        "needs two chunks or more"
    );
    let mut session = Session::new();
    let mut files = Files::default();
    let contacts = files.add("contacts-2000.csv", &data.contacts);
    let transactions = files.add("transactions-50000.csv", &data.transactions);
    let done = run(
        &mut session,
        &mut files,
        1,
        request_with([contacts.clone(), transactions.clone()]),
    )
    .expect("runs");
    assert_eq!(
        parsed_files(&done.progress),
        ["contacts-2000.csv", "transactions-50000.csv"]
    );

    for (spec, bytes) in [
        (&contacts, &data.contacts),
        (&transactions, &data.transactions),
    ] {
        let reads = files.reads_of(spec);
        let size = bytes.len() as u64;
        let mut offset = 0;
        for read in &reads {
            assert_eq!(read.offset, offset, "each read starts where the last ended");
            assert!(read.len <= CHUNK_BYTES, "a read of {} bytes", read.len);
            assert!(read.returned > 0, "no read past the end: {read:?}");
            offset += read.returned as u64;
        }
        assert_eq!(offset, size, "the whole file is read, once");
        assert_eq!(reads.len(), bytes.len().div_ceil(CHUNK_BYTES));

        let SourceSpec::File(file) = spec else {
            unreachable!()
        };
        let progress: Vec<(u64, u64, usize)> = done
            .progress
            .iter()
            .filter_map(|p| match p {
                Progress::Parsing {
                    file: name,
                    bytes_read,
                    total_bytes,
                    rows,
                } if *name == file.name => Some((*bytes_read, *total_bytes, *rows)),
                _ => None,
            })
            .collect();
        assert_eq!(progress.len(), reads.len(), "one report per chunk");
        assert!(progress.iter().all(|&(_, total, _)| total == size));
        assert!(
            progress
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].2 <= w[1].2),
            "{progress:?}"
        );
        assert_eq!(progress.last().map(|p| p.0), Some(size));
    }
    let transactions_read = files.reads_of(&transactions);
    assert!(transactions_read.len() >= 2);
    assert!(transactions_read[..transactions_read.len() - 1]
        .iter()
        .all(|r| r.len == CHUNK_BYTES));

    let rows = |id: &str| {
        done.summary
            .nodes
            .iter()
            .find(|n| n.node.unique_id == id)
            .map(|n| n.result.rows)
    };
    assert_eq!(rows(CONTACTS_ID), Some(2_000));
    assert_eq!(rows(TRANSACTIONS_ID), Some(GENERATED_TRANSACTIONS));
}

/// A reader may give fewer bytes than asked: the session goes on from where it got to, and
/// the result is the same.
#[test]
fn short_reads_are_continued_from_where_they_ended() {
    let mut session = Session::new();
    let mut files = Files::default();
    files.max_read = Some(1000);
    let sources = [
        files.add("contacts.csv", DEMO_CONTACTS),
        files.add("transactions.csv", DEMO_TRANSACTIONS),
    ];
    let done = run(&mut session, &mut files, 1, request_with(sources.clone())).expect("runs");
    for (spec, bytes) in sources.iter().zip([DEMO_CONTACTS, DEMO_TRANSACTIONS]) {
        let reads = files.reads_of(spec);
        assert_eq!(reads.len(), bytes.len().div_ceil(1000));
        let offsets: Vec<u64> = reads.iter().map(|r| r.offset).collect();
        let expected: Vec<u64> = (0..reads.len() as u64).map(|i| i * 1000).collect();
        assert_eq!(offsets, expected);
    }
    assert_summary_is(
        &session,
        &done.summary,
        &demo_output(),
        "read 1000 bytes at a time",
    );
}

/// A task the shell drops — cancelled, or superseded by a newer run — at any step, parsing
/// or building, leaves what the page sees exactly as it was, and what it parsed is not kept.
#[test]
fn a_task_dropped_at_any_step_leaves_the_run_in_force() {
    let (mut session, mut files, _) = demo_session();
    let before = visible(&mut session);
    let user = files.add("transactions.csv", &demo_transactions_without_last(3));
    let mut request = request_with([SourceSpec::Demo, user]);
    request.config = request.config.with_as_of(date("2030-01-01"));

    // How many steps the whole task takes.
    let mut task = session.start(2, request.clone()).unwrap();
    let steps = step_to_end(&mut task, &session, &mut files).unwrap().len();
    drop(task);
    assert!(steps > 20, "{steps} steps");

    for k in 0..=steps {
        let mut task = session.start(2, request.clone()).unwrap();
        for _ in 0..k {
            assert!(matches!(
                task.step(&session, &mut files),
                TaskStep::Progress(_) | TaskStep::Finished
            ));
        }
        drop(task);
        assert_eq!(session.run_id(), Some(1), "dropped after {k} steps");
        assert_eq!(visible(&mut session), before, "dropped after {k} steps");
    }
    let refused = session.page(&PageRequest {
        run: 2,
        table: TableRef::Node {
            unique_id: model("customers"),
        },
        sort: None,
        filter: None,
        offset: 0,
        limit: 10,
    });
    assert!(matches!(refused, Err(Failure::NoSuchTable { run: 2, .. })));

    // Nothing of a dropped task is kept: its file is parsed again.
    let done = run(&mut session, &mut files, 3, request).unwrap();
    assert_eq!(parsed_files(&done.progress), ["transactions.csv"]);
}

/// A newer run supersedes one midway; if the newer one is dropped too, the page still sees
/// the run in force. The newer one, stepped to its end, is what is committed.
#[test]
fn a_superseded_task_never_shows() {
    let (mut session, mut files, _) = demo_session();
    let before = visible(&mut session);
    let user = files.add("transactions.csv", &demo_transactions_without_last(5));
    let mut older = session
        .start(2, request_with([SourceSpec::Demo, user]))
        .unwrap();
    for _ in 0..8 {
        assert!(matches!(
            older.step(&session, &mut files),
            TaskStep::Progress(_)
        ));
    }
    let mut newer_request = demo_request();
    newer_request.config = newer_request.config.with_as_of(date("2023-12-25"));
    let mut newer = session.start(3, newer_request.clone()).unwrap();
    drop(older);
    for _ in 0..5 {
        assert!(matches!(
            newer.step(&session, &mut files),
            TaskStep::Progress(_)
        ));
    }
    assert_eq!(visible(&mut session), before);

    step_to_end(&mut newer, &session, &mut files).unwrap();
    let summary = session.commit(newer).unwrap_or_else(|_| panic!("commits"));
    assert_eq!(summary.run, 3);
    let output = engine_build(
        ("contacts.csv", DEMO_CONTACTS),
        ("transactions.csv", DEMO_TRANSACTIONS),
        DEFAULT_SCHEMA,
        &newer_request.config,
    )
    .unwrap();
    assert_summary_is(&session, &summary, &output, "the newer run");
}

/// A task that has not finished does not commit: the session hands it back untouched.
#[test]
fn an_unfinished_task_does_not_commit() {
    let (mut session, mut files, _) = demo_session();
    let before = visible(&mut session);
    let mut request = demo_request();
    request.config = request.config.with_as_of(date("2025-01-01"));
    let mut task = session.start(2, request).unwrap();
    for _ in 0..3 {
        task.step(&session, &mut files);
    }
    let mut task = match session.commit(task) {
        Ok(summary) => panic!("an unfinished task committed run {}", summary.run),
        Err(task) => *task,
    };
    assert_eq!(visible(&mut session), before);
    // Handed back, it goes on from where it was.
    step_to_end(&mut task, &session, &mut files).unwrap();
    let summary = session.commit(task).unwrap_or_else(|_| panic!("commits"));
    assert_eq!(summary.run, 2);
}

#[test]
fn a_file_that_fails_to_parse_fails_the_task_and_the_run_stays() {
    let (mut session, mut files, _) = demo_session();
    let before = visible(&mut session);
    let mut bad = demo_transactions_without_last(0);
    let text = String::from_utf8(bad.clone()).unwrap();
    // The amount of the 50th transaction, written with a decimal comma.
    let line = text.lines().nth(50).unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    let broken = line.replacen(&format!(",{},", fields[3]), ",\"4,5\",", 1);
    bad = text.replacen(line, &broken, 1).into_bytes();
    let user = files.add("transactions.csv", &bad);
    let request = request_with([SourceSpec::Demo, user]);

    let mut task = session.start(2, request.clone()).unwrap();
    let failure = step_to_end(&mut task, &session, &mut files).expect_err("the file is bad");
    let Some(error) = failure.run_error() else {
        panic!("{failure:?}");
    };
    assert_eq!(failure.excerpt().map(|e| e.first_line), Some(51));
    assert!(
        error
            .to_string()
            .starts_with("transactions.csv line 51, column amount: "),
        "{error}"
    );
    // Stepped again, a failed task says so again (the shell drops it; nothing may panic).
    match task.step(&session, &mut files) {
        TaskStep::Failed(again) => assert_eq!(again.to_string(), failure.to_string()),
        other => panic!("a failed task went on: {other:?}"),
    }
    assert!(
        session.commit(task).is_err(),
        "a failed task does not commit"
    );
    assert_eq!(session.run_id(), Some(1));
    assert_eq!(visible(&mut session), before);

    // The same bad file fails again: nothing of it was kept.
    let again = run(&mut session, &mut files, 3, request)
        .err()
        .expect("fails again");
    assert_eq!(again.to_string(), failure.to_string());
    assert_eq!(visible(&mut session), before);
}

#[test]
fn a_schema_that_does_not_parse_fails_start() {
    let (mut session, _, _) = demo_session();
    let before = visible(&mut session);
    let cases = [
        "version: 2\nmodels:\n  - name: customers\n    columns: [\n",
        "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n        data_tests:\n          - unique_within_reason\n",
    ];
    for text in cases {
        let expected = c360::engine::data_test::schema::parse(text)
            .expect_err("an invalid schema")
            .to_string();
        let request = c360_worker::protocol::RunRequest {
            schema: text.to_string(),
            ..demo_request()
        };
        match session.start(2, request) {
            Err(Failure::Schema { message }) => assert_eq!(message, expected),
            Err(other) => panic!("not a schema failure: {other:?}"),
            Ok(_) => panic!("an invalid schema started a run:\n{text}"),
        }
        assert_eq!(visible(&mut session), before);
    }
}

/// A model that fails on valid input (a sum too large to hold exactly) fails the task in
/// its building phase with the engine's own error; the run in force stays.
#[test]
fn a_model_that_fails_fails_the_task_and_the_run_stays() {
    let (mut session, mut files, _) = demo_session();
    let before = visible(&mut session);
    let contact = std::str::from_utf8(DEMO_CONTACTS)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .trim_matches('"')
        .to_string();
    let huge = format!(
        "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
         {contact},t1,2023-04-15 09:57:19,92233720368547758.07,1,Books,2023-05-09 10:00:00\n\
         {contact},t2,2023-04-16 09:57:19,92233720368547758.07,1,Books,2023-05-09 10:00:00\n"
    );
    let expected = engine_build(
        ("contacts.csv", DEMO_CONTACTS),
        ("transactions.csv", huge.as_bytes()),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .expect_err("the sum overflows");
    assert!(
        matches!(expected, c360::engine::RunError::Model(_)),
        "{expected:?}"
    );

    let user = files.add("transactions.csv", huge.as_bytes());
    let mut task = session
        .start(2, request_with([SourceSpec::Demo, user]))
        .unwrap();
    let failure = loop {
        match task.step(&session, &mut files) {
            TaskStep::Progress(_) => {}
            TaskStep::Failed(failure) => break failure,
            TaskStep::Finished => panic!("an overflowing run finished"),
        }
    };
    match &failure {
        Failure::Run(error) => assert_eq!(error, &expected),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        task.step(&session, &mut files),
        TaskStep::Failed(_)
    ));
    assert!(session.commit(task).is_err());
    assert_eq!(visible(&mut session), before);
}

/// What real exports look like — a BOM, CRLF line ends, no final newline, a quoted field
/// holding a comma and a line break, characters of several bytes — read in pieces that split
/// every one of them somewhere: the tables are the engine's for the whole file.
#[test]
fn pieces_that_split_rows_quotes_and_characters_give_the_engines_tables() {
    let contacts = format!(
        "\u{feff}{}",
        std::str::from_utf8(DEMO_CONTACTS)
            .unwrap()
            .replacen("Ruby Salah", "Zoë Ångström-Salah", 1)
            .replacen("\"722 Grace Triangle,", "\"722 Grace Triangle\nUnit 4,", 1)
            .replace('\n', "\r\n")
            .trim_end()
    );
    assert!(contacts.contains("Unit 4") && contacts.contains('ë'));
    let transactions = std::str::from_utf8(DEMO_TRANSACTIONS)
        .unwrap()
        .replace('\n', "\r\n");
    let output = engine_build(
        ("contacts.csv", contacts.as_bytes()),
        ("transactions.csv", transactions.as_bytes()),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .expect("the engine reads such exports");
    for max_read in [1, 2, 7, 4093] {
        let mut session = Session::new();
        let mut files = Files::default();
        files.max_read = Some(max_read);
        let sources = [
            files.add("contacts.csv", contacts.as_bytes()),
            files.add("transactions.csv", transactions.as_bytes()),
        ];
        let done = run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
        assert_summary_is(
            &session,
            &done.summary,
            &output,
            &format!("read {max_read} bytes at a time"),
        );
    }
}

/// `text` with each comma outside quotes made a semicolon.
fn semicolons(text: &str) -> String {
    let mut quoted = false;
    text.chars()
        .map(|c| match c {
            '"' => {
                quoted = !quoted;
                c
            }
            ',' if !quoted => ';',
            c => c,
        })
        .collect()
}

/// The worker feeds the user's file to the engine's loader as it reads it, so it decodes what
/// the CLI decodes: a UTF-16 export, and a semicolon-separated one in Windows-1252, read 777
/// bytes at a time (splitting UTF-16 code units), give the run the UTF-8 comma files give.
#[test]
fn utf16_and_windows_1252_semicolon_files_run_as_their_utf8_does() {
    let contacts = std::str::from_utf8(DEMO_CONTACTS).expect("the demo is UTF-8");
    let utf8 = std::str::from_utf8(DEMO_TRANSACTIONS)
        .expect("the demo is UTF-8")
        .replacen(",Books,", ",Caf\u{e9},", 1);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(contacts.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let cp1252: Vec<u8> = semicolons(&utf8)
        .chars()
        .map(|c| match c {
            '\u{e9}' => 0xE9,
            c => u8::try_from(c).ok().filter(u8::is_ascii).expect("ASCII"),
        })
        .collect();
    let mut session = Session::new();
    let mut files = Files::default();
    files.max_read = Some(777);
    let sources = [
        files.add("contacts (UTF-16).csv", &utf16),
        files.add("transactions (1252).csv", &cp1252),
    ];
    let done = run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
    let output = engine_build(
        ("contacts.csv", DEMO_CONTACTS),
        ("transactions.csv", utf8.as_bytes()),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .expect("builds");
    assert_summary_is(&session, &done.summary, &output, "decoded files");
    let category = output
        .model("stg_web__transactions")
        .and_then(|t| t.column("category"))
        .expect("the staged category");
    assert!((0..category.len()).any(|r| category.get(r).to_string() == "Caf\u{e9}"));
}

/// A file in an encoding c360 does not read fails the run with the engine's typed error.
#[test]
fn a_utf32_file_fails_the_run_naming_it() {
    let mut session = Session::new();
    let mut files = Files::default();
    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(
            DEMO_CONTACTS
                .iter()
                .flat_map(|&b| u32::from(b).to_le_bytes()),
        )
        .collect();
    let sources = [
        files.add("contacts32.csv", &utf32),
        files.add("transactions.csv", DEMO_TRANSACTIONS),
    ];
    match run(&mut session, &mut files, 1, request_with(sources)) {
        Err(Failure::Input { error: e, .. }) => {
            let text = e.to_string();
            assert!(
                text.starts_with("contacts32.csv: the file starts with a UTF-32"),
                "{text}"
            );
        }
        Ok(_) => panic!("a UTF-32 file ran"),
        Err(other) => panic!("{other:?}"),
    }
    assert!(session.run_id().is_none(), "no run in force");
}

/// Files the worker could not hold are refused from their sizes, before a byte is read, with
/// the figures and the way past the limit; files within it start as any run does.
#[test]
fn files_larger_than_the_worker_can_hold_are_refused_before_reading() {
    use c360_worker::capacity::{CAPACITY_BYTES, MEMORY_PER_CSV_BYTE_TENTHS, WASM_MEMORY_BYTES};
    use c360_worker::protocol::FileRef;

    // 4 GiB at 3.5 bytes of memory per byte of CSV: about 1.2 GB of CSV.
    assert_eq!(MEMORY_PER_CSV_BYTE_TENTHS, 35);
    assert_eq!(CAPACITY_BYTES, WASM_MEMORY_BYTES * 10 / 35);
    assert!((1_200_000_000..1_300_000_000).contains(&CAPACITY_BYTES));

    let (session, files, _) = demo_session();
    let file = |token, name: &str, size| {
        SourceSpec::File(FileRef {
            token,
            name: name.into(),
            size,
        })
    };
    let half = CAPACITY_BYTES / 2;
    // Within the limit: the run starts (it would read the files next; none is read here).
    let within = request_with([
        file(900, "contacts.csv", half),
        file(901, "transactions.csv", CAPACITY_BYTES - half),
    ]);
    assert!(session.start(2, within).is_ok());
    // One byte over: refused, naming the sizes and the command line.
    let over = request_with([
        file(900, "contacts.csv", half),
        file(901, "transactions.csv", CAPACITY_BYTES - half + 1),
    ]);
    let failure = session.start(3, over).err().expect("refused");
    assert!(
        matches!(
            failure,
            Failure::TooLarge { bytes, limit }
                if bytes == CAPACITY_BYTES + 1 && limit == CAPACITY_BYTES
        ),
        "{failure:?}"
    );
    let text = failure.to_string();
    assert!(text.contains("c360 build --contacts"), "{text}");
    assert!(
        text.contains(&format!("{} MB", CAPACITY_BYTES / 1_000_000)),
        "{text}"
    );
    assert!(text.contains("Nothing was read"), "{text}");
    // Nothing of either file was read: the refusal comes from the sizes alone.
    assert!(files.reads_of(&file(900, "contacts.csv", half)).is_empty());
}

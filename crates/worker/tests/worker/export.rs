//! The masked export through the worker: the pieces it streams, put together, are byte for
//! byte the engine's export of the same run (what `c360 export` writes), the manifest comes
//! last, a check without a key reports the same figures, and the key appears in no message
//! the worker sends back.

use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::export::{self, Dataset, Key, PolicyFile, SmallClasses};
use c360_worker::protocol::{Done, Failure, Response, ResponseBody, Secret};
use c360_worker::session::Session;

use crate::support::{
    demo_config, demo_request, engine_build, generated, request_with, run, Files,
};

const SECRET: &str = "a partner's key, kept by the user";

fn generated_session() -> (Session, u64) {
    let mut session = Session::new();
    let mut files = Files::default();
    let g = generated();
    let sources = [
        files.add("contacts.csv", &g.contacts),
        files.add("transactions.csv", &g.transactions),
    ];
    let id = run(&mut session, &mut files, 1, request_with(sources))
        .unwrap_or_else(|f| panic!("{f}"))
        .summary
        .run;
    (session, id)
}

/// Every message of an export as the shell sends them, in order, as JSON.
fn messages(session: &Session, run: u64, policy: &PolicyFile) -> (Vec<u8>, Vec<String>) {
    let mut download = session
        .export(run, policy, &Secret(SECRET.into()), 0)
        .unwrap_or_else(|f| panic!("{f}"));
    let (mut bytes, mut json) = (Vec::new(), Vec::new());
    while let Some((chunk, sent)) = download.next_chunk() {
        bytes.extend_from_slice(&chunk);
        assert_eq!(sent, bytes.len() as u64);
        json.push(
            Response {
                id: 9,
                body: ResponseBody::Chunk { bytes: chunk, sent },
            }
            .to_json(),
        );
    }
    json.push(
        Response {
            id: 9,
            body: ResponseBody::Done(download.done()),
        }
        .to_json(),
    );
    (bytes, json)
}

#[test]
fn the_streamed_export_is_the_engines_for_every_dataset() {
    let (session, run_id) = generated_session();
    // The same files, built by the engine as the CLI builds them.
    let g = generated();
    let output = engine_build(
        ("contacts.csv", &g.contacts),
        ("transactions.csv", &g.transactions),
        DEFAULT_SCHEMA,
        &demo_config(),
    )
    .unwrap();
    for dataset in Dataset::ALL {
        let mut policy = PolicyFile::defaults(dataset);
        policy.small_classes = SmallClasses::Generalise;
        let (bytes, json) = messages(&session, run_id, &policy);
        let made = export::export(&output, &policy, &Key::from_secret(SECRET).unwrap(), 0).unwrap();
        let mut expected = Vec::new();
        made.write_csv(&mut expected).unwrap();
        assert!(bytes == expected, "{dataset:?}: the streamed CSV differs");
        assert!(json.len() > 1, "{dataset:?}: pieces, then the manifest");
        let last = Response::from_json(json.last().unwrap()).unwrap();
        let ResponseBody::Done(Done::Export {
            manifest,
            bytes: total,
        }) = last.body
        else {
            panic!("{dataset:?}: the export does not end with its manifest");
        };
        assert_eq!(*manifest, made.manifest);
        assert_eq!(total, expected.len() as u64);
        // The check says the same without a key.
        let checked = session.export_check(run_id, &policy, 0).unwrap();
        assert_eq!(checked, made.manifest, "{dataset:?}");
        for message in &json {
            assert!(
                !message.contains(SECRET),
                "{dataset:?}: the key in a message"
            );
        }
    }
}

#[test]
fn a_newer_run_or_a_bad_key_or_policy_is_refused() {
    let mut session = Session::new();
    let mut files = Files::default();
    let id = run(&mut session, &mut files, 1, demo_request())
        .unwrap()
        .summary
        .run;
    let policy = PolicyFile::defaults(Dataset::Customers);
    let stale = session.export(id + 1, &policy, &Secret(SECRET.into()), 0);
    assert!(matches!(stale, Err(Failure::NoSuchTable { .. })));
    let short = session.export(id, &policy, &Secret("123".into()), 0);
    assert!(matches!(short, Err(Failure::Key(_))));
    let mut below = policy.clone();
    below.small_classes = SmallClasses::Keep;
    below.k = 1_000;
    let refused = session.export(id, &below, &Secret(SECRET.into()), 0);
    let Err(Failure::Export(e)) = refused else {
        panic!("below k without a confirmation must be refused");
    };
    assert!(e.to_string().contains("allow_below_k"), "{e}");
    // The check reports it instead.
    let checked = session.export_check(id, &below, 0).unwrap();
    assert!(checked.k_anonymity.below_k);
    below.allow_below_k = true;
    assert!(session
        .export(id, &below, &Secret(SECRET.into()), 0)
        .is_ok());
}

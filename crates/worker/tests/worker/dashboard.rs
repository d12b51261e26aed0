//! The dashboards' figures against recounts of the models' tables, as the CLI writes them.

use c360::engine::value::decimal::Decimal;
use c360_worker::dashboard::{SEGMENTS, THIN_QUINTILES};
use c360_worker::protocol::{Failure, SourceSpec};
use c360_worker::session::Session;

use crate::support::{demo_request, generated, request_with, run, Files};

/// A model's table of the run in force, as CSV records (header first).
fn records(session: &Session, run_id: u64, model: &str) -> Vec<Vec<String>> {
    let mut download = session
        .download(
            run_id,
            &c360_worker::protocol::TableRef::Node {
                unique_id: format!("model.c360.{model}"),
            },
        )
        .expect("the model built");
    let mut bytes = Vec::new();
    while let Some((chunk, _)) = download.next_chunk() {
        bytes.extend(chunk);
    }
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut out = vec![header];
    for r in reader.records() {
        out.push(r.unwrap().iter().map(String::from).collect());
    }
    out
}

fn column<'a>(records: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = records[0].iter().position(|h| h == name).unwrap();
    records[1..].iter().map(|r| r[i].as_str()).collect()
}

fn decimal_sum(values: &[&str]) -> Decimal {
    let parsed: Vec<Decimal> = values
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| Decimal::parse(v.as_bytes()).unwrap())
        .collect();
    let scale = parsed.iter().map(|d| d.scale).max().unwrap_or(0);
    let units = parsed.iter().map(|d| d.rescale(scale).unwrap().units).sum();
    Decimal::new(units, scale)
}

fn check(session: &Session, run_id: u64) {
    let d = session.dashboard(run_id).expect("the dashboards");
    let customers = records(session, run_id, "customers");
    let segments = records(session, run_id, "customer_segments");
    let contacts = records(session, run_id, "stg_sf__contacts");
    let joined = records(session, run_id, "contacts_joined_with_transactions");

    let o = &d.overview;
    assert_eq!(o.customers, customers.len() - 1);
    assert_eq!(o.contacts, contacts.len() - 1);
    assert_eq!(o.contacts_without_purchases, o.contacts - o.customers);
    assert_eq!(o.transactions, joined.len() - 1);
    let revenue = decimal_sum(&column(&customers, "total_expense"));
    assert_eq!(
        o.revenue.to_f64(),
        revenue.to_f64(),
        "the sum of total_expense"
    );
    let aov = o.average_order_value.unwrap().to_f64();
    assert!(
        (aov - revenue.to_f64() / o.transactions as f64).abs() <= 0.005,
        "{aov}"
    );
    let first = column(&customers, "first_purchase_date").into_iter().min();
    assert_eq!(o.first_purchase.as_deref(), first);

    // Every customer in exactly one segment, in the map's order, with its revenue.
    assert_eq!(
        d.segments
            .iter()
            .map(|s| s.segment.as_str())
            .collect::<Vec<_>>(),
        SEGMENTS
    );
    assert_eq!(
        d.segments.iter().map(|s| s.customers).sum::<usize>(),
        segments.len() - 1
    );
    let names = column(&segments, "segment");
    let monetary = column(&segments, "monetary");
    for s in &d.segments {
        let rows: Vec<&str> = names
            .iter()
            .zip(&monetary)
            .filter(|(n, _)| **n == s.segment)
            .map(|(_, m)| *m)
            .collect();
        assert_eq!(s.customers, rows.len(), "{}", s.segment);
        assert_eq!(
            s.revenue.to_f64(),
            decimal_sum(&rows).to_f64(),
            "{}",
            s.segment
        );
    }
    assert_eq!(d.recency_frequency.len(), 25);
    assert_eq!(
        d.recency_frequency
            .iter()
            .map(|c| c.customers)
            .sum::<usize>(),
        segments.len() - 1
    );
    assert_eq!(
        d.demographics.iter().map(|c| c.customers).sum::<usize>(),
        segments.len() - 1
    );
    assert_eq!(
        d.states.iter().map(|c| c.customers).sum::<usize>(),
        segments.len() - 1
    );
    let recs = records(session, run_id, "recommendations");
    let firsts = column(&recs, "rank").iter().filter(|r| **r == "1").count();
    assert_eq!(
        d.top_picks.iter().map(|c| c.customers).sum::<usize>(),
        firsts
    );
    assert!(d
        .top_picks
        .windows(2)
        .all(|w| w[0].customers >= w[1].customers));

    // The evaluation and the category spend are their models' rows.
    let evaluation = records(session, run_id, "recommendation_evaluation");
    assert_eq!(
        d.evaluation
            .iter()
            .map(|e| e.method.as_str())
            .collect::<Vec<_>>(),
        column(&evaluation, "method")
    );
    for (e, hit) in d
        .evaluation
        .iter()
        .zip(column(&evaluation, "hit_rate_at_3"))
    {
        assert_eq!(e.hit_rate_at_3, hit.parse::<f64>().ok(), "{}", e.method);
    }
    let spend = records(session, run_id, "category_spend");
    assert_eq!(d.category_spend.len(), spend.len() - 1);
    let overall: Vec<f64> = d
        .category_spend
        .iter()
        .filter(|s| s.dimension == "overall")
        .map(|s| s.spend.to_f64())
        .collect();
    let total: f64 = overall.iter().sum();
    let by_segment: f64 = d
        .category_spend
        .iter()
        .filter(|s| s.dimension == "segment")
        .map(|s| s.spend.to_f64())
        .sum();
    assert!(
        (total - by_segment).abs() < 1e-6,
        "each cut sums to the overall spend"
    );
}

#[test]
fn the_demos_figures_are_the_models_aggregates() {
    let mut session = Session::new();
    let mut files = Files::default();
    let demo = run(&mut session, &mut files, 1, demo_request()).expect("the demo runs");
    check(&session, demo.summary.run);
    assert!(
        session
            .dashboard(demo.summary.run)
            .unwrap()
            .overview
            .customers
            < THIN_QUINTILES
    );
    // Another run's dashboards are refused.
    assert!(matches!(
        session.dashboard(demo.summary.run + 1),
        Err(Failure::NoSuchTable { .. })
    ));
}

#[test]
fn generated_datas_figures_are_the_models_aggregates() {
    let mut session = Session::new();
    let mut files = Files::default();
    let g = generated();
    let sources: [SourceSpec; 2] = [
        files.add("contacts.csv", &g.contacts),
        files.add("transactions.csv", &g.transactions),
    ];
    let r = run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
    check(&session, r.summary.run);
}

/// With no customer of two purchases there is nothing to evaluate: the rates are absent, and
/// the figures still travel as a message (JSON has no NaN).
#[test]
fn figures_without_an_evaluation_still_read_back() {
    let mut session = Session::new();
    let mut files = Files::default();
    let text = std::str::from_utf8(c360_worker::session::DEMO_TRANSACTIONS).unwrap();
    let mut lines = text.lines();
    let one = format!("{}\n{}\n", lines.next().unwrap(), lines.next().unwrap());
    let sources = [SourceSpec::Demo, files.add("one.csv", one.as_bytes())];
    let r = run(&mut session, &mut files, 1, request_with(sources)).expect("runs");
    let d = session.dashboard(r.summary.run).expect("the dashboards");
    assert!(
        d.evaluation.iter().all(|e| e.hit_rate_at_3.is_none()),
        "{:?}",
        d.evaluation
    );
    let response = c360_worker::protocol::Response {
        id: 1,
        body: c360_worker::protocol::ResponseBody::Done(c360_worker::protocol::Done::Dashboard(
            Box::new(d.clone()),
        )),
    };
    let back = c360_worker::protocol::Response::from_json(&response.to_json()).expect("reads back");
    let c360_worker::protocol::ResponseBody::Done(c360_worker::protocol::Done::Dashboard(back)) =
        back.body
    else {
        panic!("a dashboard");
    };
    assert_eq!(*back, d);
}

#[test]
fn a_search_finds_contacts_by_id_email_or_name_and_a_profile_is_the_models_rows() {
    let mut session = Session::new();
    let mut files = Files::default();
    let demo = run(&mut session, &mut files, 1, demo_request()).expect("the demo runs");
    let id = demo.summary.run;
    // The seeds' Ruby Salah: by name (any case), by e-mail, by a piece of her id.
    for text in ["ruby", "RUBY SAL", "salahruby@icloud", "1ef5eb4e"] {
        let found = session.search(id, text).unwrap();
        assert_eq!(found[0].name.as_deref(), Some("Ruby Salah"), "{text}");
    }
    assert!(session.search(id, "  ").unwrap().is_empty());
    assert!(session.search(id, "no such person").unwrap().is_empty());

    // A customer's profile: their spend is their total_expense.
    let customers = records(&session, id, "customers");
    let row = &customers[1];
    let p = session.profile(id, &row[0]).expect("a customer's profile");
    assert_eq!(session.search(id, &row[0][..8]).unwrap()[0].id, row[0]);
    let total_at = customers[0]
        .iter()
        .position(|h| h == "total_expense")
        .unwrap();
    let spend: f64 = p.spend.iter().map(|(_, d)| d.to_f64()).sum();
    assert!((spend - row[total_at].parse::<f64>().unwrap()).abs() < 1e-9);
    assert!(p
        .purchases
        .windows(2)
        .all(|w| w[0].transaction_date <= w[1].transaction_date));
    assert_eq!(p.recommendations.len(), 3);
    assert!(p.recommendations.iter().all(|r| r.reason.is_some()));
    assert!(p.segment.is_some());
    assert!(matches!(
        session.profile(id, "nobody"),
        Err(Failure::NoSuchTable { .. })
    ));

    // A new run searches its own contacts, not those the last search indexed.
    let g = generated();
    let sources = [
        files.add("contacts.csv", &g.contacts),
        files.add("transactions.csv", &g.transactions),
    ];
    let next = run(&mut session, &mut files, 2, request_with(sources))
        .unwrap()
        .summary
        .run;
    assert!(session.search(next, "1ef5eb4e").unwrap().is_empty());
    assert!(matches!(
        session.search(id, "ruby"),
        Err(Failure::NoSuchTable { .. })
    ));
    let some = records(&session, next, "stg_sf__contacts");
    let name_at = some[0].iter().position(|h| h == "name").unwrap();
    let name = &some[1][name_at];
    let found = session.search(next, &name.to_uppercase()).unwrap();
    assert!(
        found.iter().any(|m| m.name.as_deref() == Some(name)),
        "{name}"
    );
}

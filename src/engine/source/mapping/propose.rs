//! Proposing a [`Mapping`] from a file's header and a few sample rows.
//!
//! Each (required column, header) pair is scored by name and, where there are samples, by the
//! shape of the header's values; the best pairs are taken first, each column and header once.
//! A proposal is a guess for the user to confirm: it says how confident it is per column and
//! why, and lists the closest other headers so that an editor can offer them.
//!
//! Names are compared after normalising case and separators (`Order Date`, `order_date`,
//! `orderDate` and `order-date` are all `orderdate`), then against known synonyms (`email` for
//! `mail`, `qty` for `item_count`), then by Jaro–Winkler similarity. Shapes are what the
//! loader will parse: UUID-like ids, dates, timestamps, decimals, integers, e-mail addresses,
//! genders, and text that is none of these.

use serde::{Deserialize, Serialize};

use super::{Mapping, MappingError};
use crate::engine::source::def::{SourceColumn, SourceDef};
use crate::engine::value::column::DataType;
use crate::engine::value::decimal::Decimal;
use crate::engine::value::time::{parse_date, parse_timestamp};

/// Below this confidence a header is not proposed for a column.
pub const MIN_CONFIDENCE: f64 = 0.5;

/// How many other headers a proposed column lists as candidates.
const CANDIDATES: usize = 3;

/// Why a header was proposed for a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The header is the column's name, up to case and separators.
    Name,
    /// The header is a known synonym (`email` for `mail`).
    Synonym,
    /// The header's name is close to the column's or a synonym's.
    Similar,
    /// The name says little, but the values have the column's shape.
    Shape,
}

/// One required column's proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposedColumn {
    /// The required column (c360's name).
    pub column: String,
    /// The header proposed to hold it, if any scored at least `MIN_CONFIDENCE`.
    pub header: Option<String>,
    /// 0 to 1: 1 is the column's own name with values of its shape; a synonym scores about
    /// 0.9; 0 when nothing is proposed.
    pub confidence: f64,
    pub evidence: Option<Evidence>,
    /// The closest headers, best first (the proposed one included).
    pub candidates: Vec<String>,
}

/// A proposed mapping for one file, for the user to confirm or edit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The source's file name, as in messages.
    pub file: String,
    /// The file's header.
    pub header: Vec<String>,
    /// One entry per required column, in the source definition's order.
    pub columns: Vec<ProposedColumn>,
}

impl Proposal {
    /// The proposal as a mapping (only the headers that differ from the column's name), or
    /// the first required column nothing was proposed for, with the closest headers.
    pub fn mapping(&self) -> Result<Mapping, MappingError> {
        let mut mapping = Mapping {
            header: Some(self.header.clone()),
            ..Mapping::default()
        };
        for c in &self.columns {
            match &c.header {
                Some(h) if *h != c.column => {
                    mapping.columns.insert(c.column.clone(), h.clone());
                }
                Some(_) => {}
                None => {
                    return Err(MappingError::Unmapped {
                        file: self.file.clone(),
                        column: c.column.clone(),
                        header: self.header.clone(),
                        candidates: c.candidates.clone(),
                    })
                }
            }
        }
        Ok(mapping)
    }

    /// The lowest confidence over the columns: how sure the whole proposal is.
    pub fn confidence(&self) -> f64 {
        self.columns
            .iter()
            .map(|c| c.confidence)
            .fold(1.0, f64::min)
    }

    /// Whether every required column has a header proposed.
    pub fn is_complete(&self) -> bool {
        self.columns.iter().all(|c| c.header.is_some())
    }

    /// Whether the file needs no mapping: every required column is a header of its own name.
    pub fn is_exact(&self) -> bool {
        self.columns
            .iter()
            .all(|c| c.header.as_deref() == Some(c.column.as_str()))
    }
}

/// How much better one source's proposal must be than the other's for a file to be
/// recognised as that source's export.
pub const RECOGNITION_MARGIN: f64 = 0.1;

/// Which source's export a file is, from the proposals for each source
/// ([`propose`] with every [`SOURCES`](crate::engine::source::SOURCES) definition), by index; `None`
/// when the header does not say (the app then asks).
///
/// A source whose every required column is proposed beats one with a column missing; two
/// complete proposals (a file with both sources' columns) are told apart by their confidence
/// when it differs by [`RECOGNITION_MARGIN`]; with no complete proposal, nothing is
/// recognised.
pub fn recognise(proposals: &[Proposal]) -> Option<usize> {
    let complete: Vec<usize> = (0..proposals.len())
        .filter(|&i| proposals[i].is_complete())
        .collect();
    match complete.as_slice() {
        [one] => Some(*one),
        [] => None,
        many => {
            let mut by_confidence = many.to_vec();
            by_confidence.sort_by(|&a, &b| {
                proposals[b]
                    .confidence()
                    .total_cmp(&proposals[a].confidence())
            });
            let (best, next) = (by_confidence[0], by_confidence[1]);
            (proposals[best].confidence() - proposals[next].confidence() >= RECOGNITION_MARGIN)
                .then_some(best)
        }
    }
}

/// Proposes which header of a file holds each of `def`'s required columns, from the header
/// and a few sample rows (each a record of the file, fields in header order; short rows are
/// read as empty fields).
pub fn propose(def: &SourceDef, header: &[String], sample_rows: &[Vec<String>]) -> Proposal {
    let values: Vec<Vec<&str>> = (0..header.len())
        .map(|i| {
            sample_rows
                .iter()
                .filter_map(|r| r.get(i).map(|v| v.trim()))
                .filter(|v| !v.is_empty())
                .collect()
        })
        .collect();
    let scores: Vec<Vec<(f64, Evidence)>> = def
        .columns
        .iter()
        .map(|c| {
            header
                .iter()
                .zip(&values)
                .map(|(h, v)| score(def, c, h, v))
                .collect()
        })
        .collect();

    // Best pairs first; ties in the definition's then the header's order.
    let mut pairs: Vec<(usize, usize)> = (0..def.columns.len())
        .flat_map(|c| (0..header.len()).map(move |h| (c, h)))
        .filter(|&(c, h)| scores[c][h].0 >= MIN_CONFIDENCE)
        .collect();
    pairs.sort_by(|a, b| {
        scores[b.0][b.1]
            .0
            .total_cmp(&scores[a.0][a.1].0)
            .then(a.cmp(b))
    });
    let mut header_of: Vec<Option<usize>> = vec![None; def.columns.len()];
    let mut taken = vec![false; header.len()];
    for (c, h) in pairs {
        if header_of[c].is_none() && !taken[h] {
            header_of[c] = Some(h);
            // A mapping names headers, so a name the file repeats is taken everywhere.
            for (other, name) in header.iter().enumerate() {
                if *name == header[h] {
                    taken[other] = true;
                }
            }
        }
    }

    let columns = def
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let (confidence, evidence) = match header_of[c] {
                Some(h) => (round(scores[c][h].0), Some(scores[c][h].1)),
                None => (0.0, None),
            };
            ProposedColumn {
                column: col.name.to_string(),
                header: header_of[c].map(|h| header[h].clone()),
                confidence,
                evidence,
                candidates: best(header, &scores[c], CANDIDATES),
            }
        })
        .collect();
    Proposal {
        file: def.file_name.to_string(),
        header: header.to_vec(),
        columns,
    }
}

/// The `n` headers whose names are closest to `column`'s, best first (no samples).
pub(super) fn closest(def: &SourceDef, column: &str, header: &[String], n: usize) -> Vec<String> {
    let Some(col) = def.columns.iter().find(|c| c.name == column) else {
        return Vec::new();
    };
    let scores: Vec<(f64, Evidence)> = header.iter().map(|h| name_score(def, col, h)).collect();
    best(header, &scores, n)
}

fn best(header: &[String], scores: &[(f64, Evidence)], n: usize) -> Vec<String> {
    let mut order: Vec<usize> = (0..header.len()).collect();
    order.sort_by(|&a, &b| scores[b].0.total_cmp(&scores[a].0).then(a.cmp(&b)));
    order
        .into_iter()
        .take(n)
        .map(|i| header[i].clone())
        .collect()
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The pair's confidence: the name's, weighed with the values' shape when there are values
/// and the column has a shape to check.
fn score(def: &SourceDef, col: &SourceColumn, header: &str, values: &[&str]) -> (f64, Evidence) {
    let (name, evidence) = name_score(def, col, header);
    let Some(shape) = shape_score(col, values) else {
        return (name, evidence);
    };
    let weighed = 0.65 * name + 0.35 * shape;
    // Values of a distinctive shape (ids, numbers, dates, e-mails) speak for themselves when
    // the name says nothing; free text and genders do not.
    let by_shape = if distinctive(shape_of(col)) {
        0.6 * shape
    } else {
        0.0
    };
    if by_shape > weighed {
        (by_shape, Evidence::Shape)
    } else {
        (weighed, evidence)
    }
}

/// Lower case, and every run of anything but letters and digits removed: `Order Date`,
/// `order_date`, `orderDate`, ` ORDER-DATE ` are all `orderdate`.
fn compact(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn name_score(def: &SourceDef, col: &SourceColumn, header: &str) -> (f64, Evidence) {
    let h = compact(header);
    let own = compact(col.name);
    if h.is_empty() {
        return (0.0, Evidence::Similar);
    }
    if h == own {
        // The exact name first, so that of `mail` and `Mail` the other stays an extra.
        let exact = if header.trim() == col.name { 1.0 } else { 0.99 };
        return (exact, Evidence::Name);
    }
    let synonyms = synonyms(def, col.name);
    if synonyms.contains(&h.as_str()) {
        return (0.9, Evidence::Synonym);
    }
    // Jaro–Winkler alone is generous to short words (`notes` and `items`); the edit
    // distance tempers it.
    let similarity =
        |s: &str| (strsim::jaro_winkler(&h, s) + strsim::normalized_levenshtein(&h, s)) / 2.0;
    let similar = synonyms
        .iter()
        .map(|s| similarity(s))
        .fold(similarity(&own), f64::max);
    (0.75 * similar, Evidence::Similar)
}

/// Other names exports use for a column, compacted (see [`compact`]).
fn synonyms(def: &SourceDef, column: &str) -> &'static [&'static str] {
    const LOADED_AT: &[&str] = &[
        "loadedat",
        "loadedatutc",
        "loadtime",
        "loadedon",
        "loaddate",
        "loadts",
        "ingestedat",
        "extractedat",
        "exportedat",
        "syncedat",
    ];
    match (def.name, column) {
        ("contacts", "id") => &[
            "contactid",
            "customerid",
            "clientid",
            "personid",
            "userid",
            "uuid",
            "guid",
            "recordid",
        ],
        ("contacts", "username") => &[
            "user",
            "login",
            "loginname",
            "handle",
            "screenname",
            "accountname",
        ],
        ("contacts", "name") => &["fullname", "customername", "contactname", "displayname"],
        ("contacts", "gender") => &["sex"],
        ("contacts", "address") => &[
            "streetaddress",
            "postaladdress",
            "mailingaddress",
            "fulladdress",
            "addr",
        ],
        ("contacts", "mail") => &[
            "email",
            "emailaddress",
            "mailaddress",
            "contactemail",
            "emailid",
        ],
        ("contacts", "birthdate") => {
            &["dob", "dateofbirth", "birthday", "birthdt", "born", "bdate"]
        }
        ("transactions", "contact_id") => &[
            "customerid",
            "contact",
            "customer",
            "clientid",
            "buyerid",
            "userid",
            "accountid",
        ],
        ("transactions", "id") => &[
            "transactionid",
            "orderid",
            "txnid",
            "txid",
            "purchaseid",
            "saleid",
            "receiptid",
        ],
        ("transactions", "transaction_date") => &[
            "orderdate",
            "date",
            "purchasedat",
            "purchasedate",
            "transactiontime",
            "transactionat",
            "orderedat",
            "createdat",
            "saledate",
            "timestamp",
            "datetime",
        ],
        ("transactions", "amount") => &[
            "price",
            "total",
            "value",
            "totalamount",
            "totalprice",
            "ordertotal",
            "sum",
            "revenue",
            "spend",
            "subtotal",
        ],
        ("transactions", "item_count") => &[
            "qty",
            "quantity",
            "items",
            "count",
            "units",
            "numitems",
            "numberofitems",
            "itemqty",
        ],
        ("transactions", "category") => &[
            "productcategory",
            "categoryname",
            "department",
            "productline",
        ],
        (_, "_loaded_at_utc") => LOADED_AT,
        _ => &[],
    }
}

/// The shapes a column's values may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Id,
    Mail,
    Gender,
    Text,
    Integer,
    Decimal,
    Date,
    Timestamp,
}

fn distinctive(shape: Shape) -> bool {
    !matches!(shape, Shape::Text | Shape::Gender)
}

fn shape_of(col: &SourceColumn) -> Shape {
    match (col.name, col.data_type) {
        ("mail", _) => Shape::Mail,
        ("gender", _) => Shape::Gender,
        (name, DataType::Text) if name == "id" || name.ends_with("_id") => Shape::Id,
        (_, DataType::Integer) => Shape::Integer,
        (_, DataType::Decimal) => Shape::Decimal,
        (_, DataType::Date) => Shape::Date,
        (_, DataType::Timestamp) => Shape::Timestamp,
        _ => Shape::Text,
    }
}

/// How well the sample values fit the column, 0 to 1, or `None` without values.
fn shape_score(col: &SourceColumn, values: &[&str]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let shape = shape_of(col);
    let total: f64 = values.iter().map(|v| value_score(shape, v)).sum();
    Some(total / values.len() as f64)
}

fn value_score(shape: Shape, v: &str) -> f64 {
    let b = v.as_bytes();
    let integer = v.parse::<i64>().is_ok();
    let decimal = Decimal::parse(b).is_ok();
    let date = parse_date(b).is_ok();
    let timestamp = parse_timestamp(b).is_ok();
    match shape {
        Shape::Id if is_uuid(v) => 1.0,
        Shape::Id if !v.contains(char::is_whitespace) && !date && !timestamp => 0.6,
        Shape::Id => 0.0,
        Shape::Mail if is_mail(v) => 1.0,
        Shape::Mail => 0.0,
        Shape::Gender if v.chars().count() <= 6 && v.chars().all(char::is_alphabetic) => 1.0,
        Shape::Gender => 0.0,
        Shape::Text if decimal || date || timestamp || is_uuid(v) => 0.2,
        Shape::Text => 1.0,
        Shape::Integer if integer => 1.0,
        Shape::Integer if decimal => 0.2,
        Shape::Integer => 0.0,
        Shape::Decimal if decimal && !integer => 1.0,
        Shape::Decimal if integer => 0.7,
        Shape::Decimal => 0.0,
        Shape::Date if date => 1.0,
        Shape::Date if timestamp => 0.5,
        Shape::Date => 0.0,
        Shape::Timestamp if timestamp => 1.0,
        Shape::Timestamp if date => 0.8,
        Shape::Timestamp => 0.0,
    }
}

/// 8-4-4-4-12 hex digits, or 32 hex digits.
fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    match b.len() {
        36 => b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        }),
        32 => b.iter().all(u8::is_ascii_hexdigit),
        _ => false,
    }
}

fn is_mail(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::source::{CONTACTS, TRANSACTIONS};

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| strings(r)).collect()
    }

    fn proposed<'a>(p: &'a Proposal, column: &str) -> &'a ProposedColumn {
        p.columns.iter().find(|c| c.column == column).unwrap()
    }

    fn header_of<'a>(p: &'a Proposal, column: &str) -> Option<&'a str> {
        proposed(p, column).header.as_deref()
    }

    fn both(header: &[&str]) -> Vec<Proposal> {
        let header = strings(header);
        vec![
            propose(&CONTACTS, &header, &[]),
            propose(&TRANSACTIONS, &header, &[]),
        ]
    }

    #[test]
    fn a_file_is_recognised_by_the_source_whose_columns_it_has() {
        let contacts: Vec<&str> = CONTACTS.columns.iter().map(|c| c.name).collect();
        let transactions: Vec<&str> = TRANSACTIONS.columns.iter().map(|c| c.name).collect();
        assert_eq!(recognise(&both(&contacts)), Some(0));
        assert_eq!(recognise(&both(&transactions)), Some(1));
        assert!(both(&contacts)[0].is_exact());
        let renamed = [
            "customer_id",
            "order id",
            "Order Date",
            "price",
            "qty",
            "category",
            "_loaded_at_utc",
        ];
        let proposals = both(&renamed);
        assert_eq!(recognise(&proposals), Some(1));
        assert!(proposals[1].is_complete() && !proposals[1].is_exact());
    }

    #[test]
    fn a_header_of_neither_source_is_not_recognised() {
        assert_eq!(recognise(&both(&["a", "b", "c"])), None);
        assert_eq!(recognise(&both(&[])), None);
        // Both sources' columns in one file, equally well named: the user says which.
        let mut all: Vec<&str> = CONTACTS.columns.iter().map(|c| c.name).collect();
        all.extend(TRANSACTIONS.columns.iter().map(|c| c.name));
        all.dedup();
        let proposals = both(&all);
        assert!(proposals.iter().all(Proposal::is_complete));
        assert_eq!(recognise(&proposals), None);
    }

    const UUID_A: &str = "0aebeb30-385a-43ff-bf50-8953b7e3e745";
    const UUID_B: &str = "519a796f-9802-480d-88e1-56be06de57c9";
    const UUID_C: &str = "70609950-60f6-41d2-9921-48352856d85d";

    #[test]
    fn the_exercises_own_header_maps_to_itself_with_full_confidence() {
        for def in [&CONTACTS, &TRANSACTIONS] {
            let header: Vec<String> = def.columns.iter().map(|c| c.name.to_string()).collect();
            let p = propose(def, &header, &[]);
            for c in &p.columns {
                assert_eq!(c.header.as_deref(), Some(c.column.as_str()));
                assert_eq!((c.confidence, c.evidence), (1.0, Some(Evidence::Name)));
            }
            let m = p.mapping().unwrap();
            assert!(m.columns.is_empty(), "{m:?}");
            assert_eq!(m.apply(def, &header).unwrap(), header);
        }
    }

    #[test]
    fn case_spaces_and_underscores_do_not_matter() {
        let header = strings(&[
            "Contact ID",
            "ID",
            "Transaction-Date",
            "AMOUNT",
            "itemCount",
            " Category ",
            "Loaded At UTC",
        ]);
        let p = propose(&TRANSACTIONS, &header, &[]);
        for (column, h) in TRANSACTIONS.columns.iter().zip(&header) {
            let c = proposed(&p, column.name);
            assert_eq!(c.header.as_ref(), Some(h), "{}", column.name);
            assert_eq!(c.evidence, Some(Evidence::Name), "{}", column.name);
        }
        let renamed = p.mapping().unwrap().apply(&TRANSACTIONS, &header).unwrap();
        let own: Vec<&str> = TRANSACTIONS.columns.iter().map(|c| c.name).collect();
        assert_eq!(renamed, own);
    }

    #[test]
    fn synonyms_map_the_usual_export_names() {
        let header = strings(&[
            "customer_id",
            "order_id",
            "order_date",
            "price",
            "qty",
            "product category",
            "loaded_at",
            "store",
        ]);
        let sample = rows(&[
            &[
                UUID_A,
                UUID_B,
                "2023-04-15 09:57:19",
                "12.5",
                "2",
                "Books",
                "2023-05-09 10:05:28",
                "Web",
            ],
            &[
                UUID_C,
                UUID_A,
                "2023-04-16 10:00:00",
                "3.0",
                "1",
                "Beauty",
                "2023-05-09 10:05:28",
                "Web",
            ],
        ]);
        let p = propose(&TRANSACTIONS, &header, &sample);
        let expected = [
            ("contact_id", "customer_id"),
            ("id", "order_id"),
            ("transaction_date", "order_date"),
            ("amount", "price"),
            ("item_count", "qty"),
            ("category", "product category"),
            ("_loaded_at_utc", "loaded_at"),
        ];
        for (column, h) in expected {
            let c = proposed(&p, column);
            assert_eq!(c.header.as_deref(), Some(h), "{column}: {c:?}");
            assert_eq!(c.evidence, Some(Evidence::Synonym), "{column}");
            assert!(c.confidence >= 0.9, "{column}: {}", c.confidence);
        }
        let m = p.mapping().unwrap();
        assert_eq!(m.columns.len(), 7);
        assert!(
            m.columns.values().all(|h| h != "store"),
            "an extra stays an extra"
        );

        for (synonym, column) in [
            ("E-mail", "mail"),
            ("email", "mail"),
            ("Email Address", "mail"),
            ("DOB", "birthdate"),
            ("Date of Birth", "birthdate"),
            ("sex", "gender"),
            ("Full Name", "name"),
            ("contact_id", "id"),
        ] {
            let header = strings(&[synonym]);
            let p = propose(&CONTACTS, &header, &[]);
            assert_eq!(header_of(&p, column), Some(synonym), "{synonym}");
        }
        for (synonym, column) in [
            ("contact", "contact_id"),
            ("date", "transaction_date"),
            ("purchased_at", "transaction_date"),
            ("total", "amount"),
            ("value", "amount"),
            ("quantity", "item_count"),
        ] {
            let header = strings(&[synonym]);
            let p = propose(&TRANSACTIONS, &header, &[]);
            assert_eq!(header_of(&p, column), Some(synonym), "{synonym}");
        }
    }

    #[test]
    fn near_misses_are_similar_with_less_confidence() {
        let header = strings(&["transaction_dt", "amount_aud", "categories"]);
        let p = propose(&TRANSACTIONS, &header, &[]);
        for (column, h) in [
            ("transaction_date", "transaction_dt"),
            ("amount", "amount_aud"),
            ("category", "categories"),
        ] {
            let c = proposed(&p, column);
            assert_eq!(c.header.as_deref(), Some(h), "{column}: {c:?}");
            assert_eq!(c.evidence, Some(Evidence::Similar));
            assert!(
                c.confidence < 0.9 && c.confidence >= MIN_CONFIDENCE,
                "{c:?}"
            );
        }
    }

    #[test]
    fn values_decide_between_headers_whose_names_say_nothing() {
        let header = strings(&["a", "b", "c", "d", "e", "f", "g"]);
        // Columns in a shuffled order: the date first, the uuid second, the integer last.
        let sample = rows(&[
            &[
                "2023-04-15 09:57:19.000",
                UUID_A,
                "Books",
                "12.50",
                "x",
                "y",
                "3",
            ],
            &[
                "2023-04-16 10:00:00.000",
                UUID_B,
                "Beauty",
                "3.25",
                "x",
                "y",
                "1",
            ],
        ]);
        let p = propose(&TRANSACTIONS, &header, &sample);
        let c = proposed(&p, "amount");
        assert_eq!(c.header.as_deref(), Some("d"), "{p:#?}");
        assert_eq!(c.evidence, Some(Evidence::Shape));
        assert!(c.confidence < 0.9);
        assert_eq!(header_of(&p, "item_count"), Some("g"), "{p:#?}");
        assert_eq!(header_of(&p, "transaction_date"), Some("a"), "{p:#?}");

        // Names decide between two columns of the same shape.
        let header = strings(&["id", "customer"]);
        let sample = rows(&[&[UUID_A, UUID_B], &[UUID_C, UUID_A]]);
        let p = propose(&TRANSACTIONS, &header, &sample);
        assert_eq!(header_of(&p, "id"), Some("id"));
        assert_eq!(header_of(&p, "contact_id"), Some("customer"));
    }

    #[test]
    fn values_of_the_wrong_shape_lower_the_confidence() {
        let header = strings(&["amount"]);
        let good = propose(&TRANSACTIONS, &header, &rows(&[&["12.5"], &["3.0"]]));
        let bad = propose(&TRANSACTIONS, &header, &rows(&[&["twelve"], &["n/a"]]));
        let (good, bad) = (proposed(&good, "amount"), proposed(&bad, "amount"));
        assert_eq!(good.confidence, 1.0);
        assert!(bad.confidence < good.confidence, "{bad:?}");
        assert_eq!(bad.header.as_deref(), Some("amount"), "the name still wins");

        // Empty and short rows are no evidence either way.
        let p = propose(
            &TRANSACTIONS,
            &strings(&["x", "amount"]),
            &rows(&[&[], &["1", " "]]),
        );
        assert_eq!(proposed(&p, "amount").confidence, 1.0);
    }

    #[test]
    fn each_header_holds_one_column() {
        // `date` fits transaction_date best; _loaded_at_utc must not take it too.
        let header = strings(&["date"]);
        let p = propose(&TRANSACTIONS, &header, &rows(&[&["2023-04-15 09:57:19"]]));
        assert_eq!(header_of(&p, "transaction_date"), Some("date"));
        let held: Vec<&ProposedColumn> = p.columns.iter().filter(|c| c.header.is_some()).collect();
        assert_eq!(held.len(), 1, "{held:?}");
    }

    #[test]
    fn an_unmappable_column_is_a_typed_error_with_the_closest_headers() {
        let header = strings(&[
            "customer_id",
            "id",
            "order_date",
            "price",
            "category",
            "_loaded_at_utc",
            "notes",
        ]);
        let p = propose(&TRANSACTIONS, &header, &[]);
        let c = proposed(&p, "item_count");
        assert_eq!(
            (c.header.as_ref(), c.confidence, c.evidence),
            (None, 0.0, None)
        );
        assert_eq!(c.candidates.len(), 3);
        match p.mapping().unwrap_err() {
            MappingError::Unmapped {
                file,
                column,
                header: found,
                candidates,
            } => {
                assert_eq!(file, "transactions.csv");
                assert_eq!(column, "item_count");
                assert_eq!(found, header);
                assert_eq!(candidates, c.candidates);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.confidence(), 0.0);
    }

    #[test]
    fn a_contacts_file_with_other_headers_is_mapped_by_names_and_values() {
        let header = strings(&[
            "Contact Id",
            "Login",
            "Full Name",
            "Sex",
            "Street Address",
            "E-mail",
            "DOB",
            "Loaded At",
            "Phone",
        ]);
        let sample = rows(&[&[
            UUID_A,
            "cchen",
            "Carol Chen",
            "F",
            "1 Main St, Carlton, VIC, 3053",
            "carol@example.com",
            "1990-02-28",
            "2023-05-09 10:05:28.875",
            "0400 000 000",
        ]]);
        let p = propose(&CONTACTS, &header, &sample);
        let m = p.mapping().unwrap();
        let renamed = m.apply(&CONTACTS, &header).unwrap();
        assert_eq!(
            renamed,
            strings(&[
                "id",
                "username",
                "name",
                "gender",
                "address",
                "mail",
                "birthdate",
                "_loaded_at_utc",
                "Phone"
            ])
        );
        assert!(p.confidence() >= 0.9, "{p:#?}");
        // The proposal serialises for the app.
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["columns"][5]["header"], "E-mail");
        assert_eq!(json["columns"][5]["evidence"], "synonym");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any header and rows: no panic, each header proposed once at most, confidences in
        /// range, and a mapping that applies whenever every column was proposed.
        #[test]
        fn any_header_gives_a_consistent_proposal(
            header in proptest::collection::vec("[ -~]{0,12}", 0..10),
            sample in proptest::collection::vec(
                proptest::collection::vec("[ -~]{0,40}", 0..12), 0..4),
        ) {
            for def in [&CONTACTS, &TRANSACTIONS] {
                let p = propose(def, &header, &sample);
                proptest::prop_assert_eq!(p.columns.len(), def.columns.len());
                let mut used: Vec<&String> = p.columns.iter().filter_map(|c| c.header.as_ref()).collect();
                let n = used.len();
                used.sort();
                used.dedup();
                proptest::prop_assert_eq!(used.len(), n);
                for c in &p.columns {
                    proptest::prop_assert!((0.0..=1.0).contains(&c.confidence));
                    proptest::prop_assert_eq!(c.header.is_some(), c.confidence >= MIN_CONFIDENCE);
                }
                let unique_header = {
                    let mut h = header.clone();
                    h.sort();
                    h.dedup();
                    h.len() == header.len()
                };
                if let (Ok(m), true) = (p.mapping(), unique_header) {
                    // Renaming fails only by a clash with an unmapped header of a column's name.
                    match m.apply(def, &header) {
                        Ok(renamed) => proptest::prop_assert_eq!(renamed.len(), header.len()),
                        Err(e) => proptest::prop_assert!(
                            matches!(e, MappingError::Collision { .. }),
                            "{e}"
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn a_repeated_header_is_proposed_for_one_column_at_most() {
        let header = strings(&["N", "N"]);
        for def in [&CONTACTS, &TRANSACTIONS] {
            let p = propose(def, &header, &[]);
            let used = p.columns.iter().filter(|c| c.header.is_some()).count();
            assert!(used <= 1, "{p:?}");
        }
    }

    #[test]
    fn shapes_are_recognised() {
        assert!(is_uuid(UUID_A) && is_uuid(&UUID_A.replace('-', "")));
        assert!(
            !is_uuid("0aebeb30-385a-43ff-bf50-8953b7e3e74") && !is_uuid(&UUID_A.replace('-', "_"))
        );
        assert!(is_mail("a.b@example.com"));
        for bad in ["a@b", "@example.com", "a b@example.com", "a@.com", "plain"] {
            assert!(!is_mail(bad), "{bad}");
        }
        assert_eq!(value_score(Shape::Integer, "-3"), 1.0);
        assert_eq!(value_score(Shape::Integer, "3.5"), 0.2);
        assert_eq!(value_score(Shape::Decimal, "3.5"), 1.0);
        assert_eq!(value_score(Shape::Decimal, "3"), 0.7);
        assert_eq!(value_score(Shape::Date, "2023-04-15"), 1.0);
        assert_eq!(
            value_score(Shape::Timestamp, "2023-04-15 09:57:19.123"),
            1.0
        );
        assert_eq!(value_score(Shape::Text, "Books"), 1.0);
        assert_eq!(value_score(Shape::Text, "12.5"), 0.2);
        assert_eq!(compact(" Order-Date_UTC "), "orderdateutc");
        assert_eq!(compact("orderDate"), "orderdate");
    }
}

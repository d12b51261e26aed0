//! Every view has a URL: which node's table is open (with its sort, filter and page) and which
//! data test is open, as the fragment of the page's address.
//!
//! c360 is a static site: its deep links must open on any static host, with no server
//! rewriting `/node/…` back to `index.html`. So routes live in the fragment
//! (`index.html#/node/model.c360.customers?sort=-total_expense&offset=50`), which the browser
//! never sends to the server, rather than in the path; `leptos_router` routes by path only,
//! so the app reads and writes the fragment itself (`browser/router.rs`). A fragment that is not a
//! route is the default view, never an error: an old or hand-edited link still opens the app.
//!
//! Plain data and pure functions: parsing and formatting are tested natively.

use c360::engine::value::unique_id;
use c360_worker::protocol::{Direction, Filter, Sort};

/// The node shown when the app opens: the customer 360 itself.
pub const DEFAULT_NODE: &str = unique_id::CUSTOMERS;

/// How a table is shown: sorted by one column, filtered on one value, from a row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableView {
    pub sort: Option<Sort>,
    pub filter: Option<Filter>,
    /// The first row shown, a multiple of the page size.
    pub offset: usize,
}

/// A view of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The project: the DAG with a node's table open, and perhaps one data test's detail.
    Project {
        node: String,
        table: TableView,
        test: Option<String>,
    },
    /// The overview dashboard: the figures of the customer view, each linked to its model.
    Overview,
    /// The segments dashboard: RFM segments, the R×F map, demographics.
    Segments,
    /// Category spend: per category, per segment, over time.
    Categories,
    /// Next-best-category: the evaluation card and the top recommendations.
    Recommendations,
    /// A customer's profile, or the search for one.
    Customer { id: Option<String> },
    /// The PII-masked export for a partner: policies, key, k-anonymity report, download.
    Export,
}

impl Default for Route {
    fn default() -> Route {
        Route::Project {
            node: DEFAULT_NODE.to_string(),
            table: TableView::default(),
            test: None,
        }
    }
}

/// Characters a fragment's path segment or query value keeps as they are; the rest are
/// percent-encoded (UTF-8), so that any column name or value survives the round trip.
fn keep(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The text `encode` made; `None` for a broken escape or bytes that are not UTF-8.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

impl Route {
    /// The route a fragment names (`#/node/…?…`, with or without the `#`); anything else is
    /// the default view.
    pub fn parse(fragment: &str) -> Route {
        Route::try_parse(fragment).unwrap_or_default()
    }

    fn try_parse(fragment: &str) -> Option<Route> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let (path, query) = fragment.split_once('?').unwrap_or((fragment, ""));
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut table = TableView::default();
        let mut test = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(raw)?;
            match key {
                "sort" => {
                    // A leading `-` (not an encoded one, `%2D`) means descending.
                    let (direction, column) = match raw.strip_prefix('-') {
                        Some(column) => (Direction::Descending, decode(column)?),
                        None => (Direction::Ascending, value),
                    };
                    if !column.is_empty() {
                        table.sort = Some(Sort { column, direction });
                    }
                }
                "filter" => {
                    let (column, value) = value.split_once(':')?;
                    table.filter = Some(Filter {
                        column: column.to_string(),
                        value: value.to_string(),
                    });
                }
                "offset" => table.offset = value.parse().ok()?,
                "test" => test = Some(value),
                _ => {}
            }
        }
        match segments.as_slice() {
            [] => Some(Route::Project {
                node: DEFAULT_NODE.to_string(),
                table: TableView::default(),
                test,
            }),
            ["node", node] => Some(Route::Project {
                node: decode(node)?,
                table,
                test,
            }),
            ["overview"] => Some(Route::Overview),
            ["segments"] => Some(Route::Segments),
            ["categories"] => Some(Route::Categories),
            ["recommendations"] => Some(Route::Recommendations),
            ["export"] => Some(Route::Export),
            ["customer"] => Some(Route::Customer { id: None }),
            ["customer", id] => Some(Route::Customer {
                id: Some(decode(id)?),
            }),
            _ => None,
        }
    }

    /// The fragment naming this route, `#` included.
    pub fn fragment(&self) -> String {
        match self {
            Route::Project { node, table, test } => {
                let mut query = Vec::new();
                if let Some(sort) = &table.sort {
                    let sign = match sort.direction {
                        Direction::Ascending => "",
                        Direction::Descending => "-",
                    };
                    // A column whose name starts with `-` keeps it encoded: `-` is the sign.
                    let column = encode(&sort.column);
                    let column = match column.strip_prefix('-') {
                        Some(rest) => format!("%2D{rest}"),
                        None => column,
                    };
                    query.push(format!("sort={sign}{column}"));
                }
                if let Some(filter) = &table.filter {
                    query.push(format!(
                        "filter={}",
                        encode(&format!("{}:{}", filter.column, filter.value))
                    ));
                }
                if table.offset > 0 {
                    query.push(format!("offset={}", table.offset));
                }
                if let Some(test) = test {
                    query.push(format!("test={}", encode(test)));
                }
                let mut fragment = format!("#/node/{}", encode(node));
                if !query.is_empty() {
                    fragment.push('?');
                    fragment.push_str(&query.join("&"));
                }
                fragment
            }
            Route::Overview => "#/overview".to_string(),
            Route::Segments => "#/segments".to_string(),
            Route::Categories => "#/categories".to_string(),
            Route::Recommendations => "#/recommendations".to_string(),
            Route::Export => "#/export".to_string(),
            Route::Customer { id: None } => "#/customer".to_string(),
            Route::Customer { id: Some(id) } => format!("#/customer/{}", encode(id)),
        }
    }

    /// Whether going from this route to `next` is going somewhere else (a new history
    /// entry, which the back button returns from) rather than re-sorting or paging the same
    /// table (which replaces the entry).
    pub fn is_elsewhere(&self, next: &Route) -> bool {
        match (self, next) {
            (
                Route::Project { node, test, .. },
                Route::Project {
                    node: next_node,
                    test: next_test,
                    ..
                },
            ) => node != next_node || test != next_test,
            (a, b) => a != b,
        }
    }

    /// A node's table as it first opens: in file order, at its first page.
    pub fn to_node(unique_id: &str) -> Route {
        Route::Project {
            node: unique_id.to_string(),
            table: TableView::default(),
            test: None,
        }
    }

    /// The node a project route opens.
    pub fn node(&self) -> Option<&str> {
        match self {
            Route::Project { node, .. } => Some(node),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(node: &str, table: TableView, test: Option<&str>) -> Route {
        Route::Project {
            node: node.into(),
            table,
            test: test.map(str::to_string),
        }
    }

    #[test]
    fn every_route_round_trips_through_its_fragment() {
        let routes = [
            Route::default(),
            Route::Overview,
            Route::Segments,
            Route::Categories,
            Route::Recommendations,
            Route::Export,
            Route::Customer { id: None },
            Route::Customer {
                id: Some("c/1 ü".into()),
            },
            project("source.c360.web.transactions", TableView::default(), None),
            project(
                "model.c360.customers",
                TableView {
                    sort: Some(Sort {
                        column: "total_expense".into(),
                        direction: Direction::Descending,
                    }),
                    filter: Some(Filter {
                        column: "gender".into(),
                        value: "F & a: \"quote\"/ümlaut?#".into(),
                    }),
                    offset: 150,
                },
                Some("test.c360.unique_customers_id"),
            ),
            project(
                "model.c360.category",
                TableView {
                    sort: Some(Sort {
                        column: "-odd name".into(),
                        direction: Direction::Ascending,
                    }),
                    ..TableView::default()
                },
                None,
            ),
        ];
        for route in routes {
            let fragment = route.fragment();
            assert!(fragment.starts_with("#/"), "{fragment}");
            assert!(
                !fragment[1..].contains('#'),
                "one fragment, whatever the values: {fragment}"
            );
            assert_eq!(Route::parse(&fragment), route, "{fragment}");
        }
    }

    #[test]
    fn the_fragment_reads_as_a_person_would_write_it() {
        let route = Route::parse("#/node/model.c360.customers?sort=-total_expense&offset=50");
        assert_eq!(
            route,
            project(
                "model.c360.customers",
                TableView {
                    sort: Some(Sort {
                        column: "total_expense".into(),
                        direction: Direction::Descending,
                    }),
                    filter: None,
                    offset: 50,
                },
                None
            )
        );
        assert_eq!(
            route.fragment(),
            "#/node/model.c360.customers?sort=-total_expense&offset=50"
        );
        assert_eq!(
            Route::to_node("model.c360.category").fragment(),
            "#/node/model.c360.category"
        );
        assert_eq!(
            Route::parse("#/?test=test.c360.x"),
            project(DEFAULT_NODE, TableView::default(), Some("test.c360.x"))
        );
    }

    #[test]
    fn anything_else_is_the_default_view() {
        for fragment in [
            "",
            "#",
            "#/",
            "#top",
            "#/nodes/x",
            "#/node/a/b",
            "#/node/x?offset=many",
            "#/node/%ZZ",
            "#/node/x?filter=nocolon",
            "#/node/%FF",
        ] {
            let route = Route::parse(fragment);
            assert_eq!(route, Route::default(), "{fragment:?}");
        }
    }

    #[test]
    fn another_node_or_test_is_elsewhere_a_sort_or_page_is_not() {
        let here = project("a", TableView::default(), None);
        let sorted = project(
            "a",
            TableView {
                offset: 50,
                ..TableView::default()
            },
            None,
        );
        assert!(!here.is_elsewhere(&sorted));
        assert!(here.is_elsewhere(&project("b", TableView::default(), None)));
        assert!(here.is_elsewhere(&project("a", TableView::default(), Some("t"))));
        assert!(here.is_elsewhere(&Route::Overview));
        assert!(Route::Overview.is_elsewhere(&Route::Segments));
        assert!(!Route::Segments.is_elsewhere(&Route::Segments));
    }
}

//! The small row-condition language of `where:` configs and `expression_is_true` tests:
//! comparisons joined by `and`, each `column op literal`, `column op column`, or
//! `column is [not] null`. Literals are numbers or single-quoted strings (dates and
//! timestamps in quotes). `op` is one of `= == != <> < <= > >=`.
//!
//! It is deliberately not SQL: just enough to filter rows cheaply, with clear errors.

use std::cmp::Ordering;
use std::fmt;

use crate::engine::value::column::Value;
use crate::engine::value::decimal::Decimal;
use crate::engine::value::table::Table;
use crate::engine::value::time::{parse_date, parse_timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    IsNull,
    IsNotNull,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Column(String),
    Literal(String),
}

/// One comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub column: String,
    pub op: Op,
    pub rhs: Option<Operand>,
}

/// Comparisons that must all hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub all: Vec<Comparison>,
    /// The text as written, for messages and SQL.
    pub text: String,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut s = String::from("'");
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        s.push('\'');
                    }
                    Some('\'') => break,
                    Some(c) => s.push(c),
                    None => return Err("a quoted literal is not closed".into()),
                }
            }
            out.push(s);
        } else if "=!<>".contains(c) {
            let mut s = String::new();
            while let Some(&c) = chars.peek().filter(|c| "=!<>".contains(**c)) {
                s.push(c);
                chars.next();
            }
            out.push(s);
        } else {
            let mut s = String::new();
            while let Some(&c) = chars
                .peek()
                .filter(|c| !c.is_whitespace() && !"=!<>'".contains(**c))
            {
                s.push(c);
                chars.next();
            }
            out.push(s);
        }
    }
    Ok(out)
}

fn is_identifier(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
}

impl Condition {
    /// Parses a condition; the error says what was expected.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let tokens = tokens(text)?;
        let mut all = Vec::new();
        let mut i = 0;
        let expected =
            "expected `column op value` (op one of = != < <= > >=) or `column is [not] null`";
        loop {
            let column = tokens
                .get(i)
                .filter(|t| is_identifier(t))
                .ok_or(expected)?
                .clone();
            let op = tokens.get(i + 1).ok_or(expected)?;
            let (op, rhs, used) = if op.eq_ignore_ascii_case("is") {
                match tokens.get(i + 2).map(|t| t.to_ascii_lowercase()).as_deref() {
                    Some("null") => (Op::IsNull, None, 3),
                    Some("not")
                        if tokens
                            .get(i + 3)
                            .is_some_and(|t| t.eq_ignore_ascii_case("null")) =>
                    {
                        (Op::IsNotNull, None, 4)
                    }
                    _ => {
                        return Err(format!(
                            "{expected}: `is` must be followed by `null` or `not null`"
                        ))
                    }
                }
            } else {
                let op = match op.as_str() {
                    "=" | "==" => Op::Eq,
                    "!=" | "<>" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    other => return Err(format!("{expected}; found operator {other:?}")),
                };
                let rhs = tokens.get(i + 2).ok_or(expected)?;
                let rhs = if let Some(s) = rhs.strip_prefix('\'') {
                    Operand::Literal(s.to_string())
                } else if is_identifier(rhs) {
                    Operand::Column(rhs.clone())
                } else {
                    Operand::Literal(rhs.clone())
                };
                (op, Some(rhs), 3)
            };
            all.push(Comparison { column, op, rhs });
            i += used;
            match tokens.get(i) {
                None => break,
                Some(t) if t.eq_ignore_ascii_case("and") => i += 1,
                Some(t) => return Err(format!("expected `and` or the end, found {t:?}")),
            }
        }
        Ok(Condition {
            all,
            text: text.trim().to_string(),
        })
    }

    /// Column names this condition reads.
    pub fn columns(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for c in &self.all {
            out.push(c.column.as_str());
            if let Some(Operand::Column(other)) = &c.rhs {
                out.push(other.as_str());
            }
        }
        out
    }

    /// Checks column names and literals against `table`; the error names the problem.
    pub fn check(&self, columns: &[(&str, crate::engine::DataType)]) -> Result<(), String> {
        for name in self.columns() {
            if !columns.iter().any(|(c, _)| *c == name) {
                let valid: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
                return Err(format!(
                    "no column named {name}; valid columns are {}",
                    valid.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The rows of `table` for which the condition holds (SQL semantics: a comparison with
    /// null is not true).
    pub fn rows(&self, table: &Table) -> Result<Vec<u32>, String> {
        self.select(table, Some(true))
    }

    /// The rows for which the condition is false — not unknown — as `where not (...)`
    /// selects them (`expression_is_true`'s failing rows).
    pub fn false_rows(&self, table: &Table) -> Result<Vec<u32>, String> {
        self.select(table, Some(false))
    }

    /// Rows whose three-valued result (`None`: unknown) equals `wanted`.
    fn select(&self, table: &Table, wanted: Option<bool>) -> Result<Vec<u32>, String> {
        let mut result: Vec<Option<bool>> = vec![Some(true); table.num_rows()];
        for c in &self.all {
            let column = table
                .column(&c.column)
                .ok_or_else(|| format!("no column named {}", c.column))?;
            let rhs_column = match &c.rhs {
                Some(Operand::Column(name)) => Some(
                    table
                        .column(name)
                        .ok_or_else(|| format!("no column named {name}"))?,
                ),
                _ => None,
            };
            let literal = match &c.rhs {
                Some(Operand::Literal(text)) => Some(literal_for(column.data_type(), text)?),
                _ => None,
            };
            for (r, acc) in result.iter_mut().enumerate() {
                if *acc == Some(false) {
                    continue;
                }
                let left = column.get(r);
                let this = match c.op {
                    Op::IsNull => Some(left.is_null()),
                    Op::IsNotNull => Some(!left.is_null()),
                    op => {
                        let right = match (&literal, rhs_column) {
                            (Some(l), _) => l.as_value(),
                            (None, Some(col)) => col.get(r),
                            (None, None) => Value::Null,
                        };
                        compare(&left, &right).map(|ord| matches_op(op, ord))
                    }
                };
                // Three-valued AND: false wins, then unknown.
                *acc = match (*acc, this) {
                    (_, Some(false)) => Some(false),
                    (None, _) | (_, None) => None,
                    _ => Some(true),
                };
            }
        }
        Ok(result
            .iter()
            .enumerate()
            .filter(|(_, v)| **v == wanted)
            .map(|(r, _)| r as u32)
            .collect())
    }
}

fn matches_op(op: Op, ord: Ordering) -> bool {
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::IsNull | Op::IsNotNull => false,
    }
}

/// A literal converted to the type of the column it is compared with.
#[derive(Clone, Debug)]
pub(crate) enum Literal {
    Text(String),
    Number(Decimal),
    Date(chrono::NaiveDate),
    Timestamp(i64),
}

impl Literal {
    pub(crate) fn as_value(&self) -> Value<'_> {
        match self {
            Literal::Text(s) => Value::Text(s),
            Literal::Number(d) => Value::Decimal(*d),
            Literal::Date(d) => Value::Date(*d),
            Literal::Timestamp(t) => Value::Timestamp(*t),
        }
    }
}

pub(crate) fn literal_for(
    data_type: crate::engine::DataType,
    text: &str,
) -> Result<Literal, String> {
    use crate::engine::DataType;
    Ok(match data_type {
        DataType::Text | DataType::Boolean => Literal::Text(text.to_string()),
        DataType::Integer | DataType::Decimal => Literal::Number(
            Decimal::parse(text.as_bytes())
                .map_err(|_| format!("expected a number, found {text:?}"))?,
        ),
        DataType::Date => Literal::Date(
            parse_date(text.as_bytes())
                .map_err(|_| format!("expected a date 'YYYY-MM-DD', found {text:?}"))?,
        ),
        // A date alone is its midnight UTC, as in the sources.
        DataType::Timestamp => {
            Literal::Timestamp(parse_timestamp(text.as_bytes()).map_err(|_| {
                format!("expected a timestamp 'YYYY-MM-DD HH:MM:SS' or a date, found {text:?}")
            })?)
        }
    })
}

/// Compares two values of compatible types; `None` when either is null or they don't compare.
pub(crate) fn compare(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    fn dec(v: &Value<'_>) -> Option<Decimal> {
        match v {
            Value::Integer(i) => Some(Decimal::new(*i, 0)),
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Timestamp(x), Value::Timestamp(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Timestamp(y)) => {
            Some(crate::engine::value::time::start_of_day_millis(*x).cmp(y))
        }
        (Value::Timestamp(x), Value::Date(y)) => {
            Some(x.cmp(&crate::engine::value::time::start_of_day_millis(*y)))
        }
        (Value::Boolean(x), Value::Boolean(y)) => Some(x.cmp(y)),
        (Value::Boolean(x), Value::Text(y)) => Some(x.to_string().as_str().cmp(y)),
        _ => {
            let (x, y) = (dec(a)?, dec(b)?);
            // At the larger scale in i128: rescaling in i64 overflows for large values (an
            // integer near i64::MAX against `0.5`), which would read as "unknown" and let the
            // row pass. Scales are at most MAX_SCALE, so 64-bit units times 10^9 fit.
            let scale = x.scale.max(y.scale);
            let widen = |d: Decimal| {
                10i128
                    .checked_pow(u32::from(scale - d.scale))
                    .and_then(|p| i128::from(d.units).checked_mul(p))
            };
            Some(widen(x)?.cmp(&widen(y)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::column::{Column, TextColumn};

    fn table() -> Table {
        Table::new()
            .with(
                "amount",
                Column::Decimal {
                    values: vec![Some(105), Some(-5), None],
                    scale: 1,
                },
            )
            .with(
                "category",
                Column::Text(TextColumn::from_values([
                    Some("Books"),
                    Some("Kitchen"),
                    Some("it's"),
                ])),
            )
    }

    #[test]
    fn filters_with_sql_null_semantics() {
        let t = table();
        assert_eq!(
            Condition::parse("amount > 0").unwrap().rows(&t).unwrap(),
            vec![0]
        );
        assert_eq!(
            Condition::parse("amount is null")
                .unwrap()
                .rows(&t)
                .unwrap(),
            vec![2]
        );
        assert_eq!(
            Condition::parse("category != 'Books'")
                .unwrap()
                .rows(&t)
                .unwrap(),
            vec![1, 2]
        );
        assert_eq!(
            Condition::parse("category = 'it''s'")
                .unwrap()
                .rows(&t)
                .unwrap(),
            vec![2]
        );
        assert_eq!(
            Condition::parse("amount >= -0.5 and category <> 'Books'")
                .unwrap()
                .rows(&t)
                .unwrap(),
            vec![1]
        );
        // Unknown (null) is neither true nor false.
        assert_eq!(
            Condition::parse("amount > 0")
                .unwrap()
                .false_rows(&t)
                .unwrap(),
            vec![1]
        );
    }

    #[test]
    fn numbers_of_different_scales_compare_exactly_at_the_edges_of_64_bits() {
        let v = |s: &str| {
            let d = Decimal::parse(s.as_bytes()).unwrap();
            Value::Decimal(d)
        };
        let cmp = |a: Value<'_>, b: Value<'_>| compare(&a, &b);
        // i64::MAX whole units cannot be rescaled to tenths in i64, yet it is above 0.5.
        assert_eq!(
            cmp(Value::Integer(i64::MAX), v("0.5")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp(Value::Integer(i64::MIN), v("0.5")),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp(v("922337203685477580.7"), Value::Integer(i64::MAX)),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp(v("0.000000001"), Value::Integer(0)),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp(v("1.50"), v("1.5")), Some(Ordering::Equal));
        let t = Table::new().with("n", Column::Integer(vec![Some(i64::MAX), Some(0)]));
        assert_eq!(
            Condition::parse("n > 0.5").unwrap().rows(&t).unwrap(),
            vec![0]
        );
    }

    #[test]
    fn bad_conditions_say_what_was_expected() {
        assert!(Condition::parse("amount >")
            .unwrap_err()
            .contains("expected"));
        assert!(Condition::parse("amount ~ 3")
            .unwrap_err()
            .contains("operator"));
        assert!(Condition::parse("amount is maybe")
            .unwrap_err()
            .contains("null"));
        assert!(Condition::parse("category = 'open")
            .unwrap_err()
            .contains("not closed"));
        assert!(Condition::parse("amount > 0 or x")
            .unwrap_err()
            .contains("and"));
        assert!(Condition::parse("amount > x")
            .unwrap()
            .rows(&table())
            .unwrap_err()
            .contains("no column"));
        assert!(Condition::parse("amount > 'abc'")
            .unwrap()
            .rows(&table())
            .unwrap_err()
            .contains("number"));
    }
}

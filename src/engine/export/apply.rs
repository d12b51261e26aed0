//! One column through its policy: the masked column (or none, when dropped) and how many
//! values could not be generalised and were written empty.
//!
//! Text is dictionary-encoded, so a text policy runs once per distinct value (a contact id
//! repeated over a million transactions is pseudonymised once), and the result is interned
//! again: equal outputs share one code, which the k-anonymity grouping relies on.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashSet;

use super::error::ExportError;
use super::generalise;
use super::policy::{Generalisation, Policy};
use super::pseudonym::Pseudonymiser;
use crate::engine::value::column::{Column, TextBuilder, TextColumn, NULL_CODE};
use crate::engine::value::time::age_in_years;

/// What a policy made of a column.
pub(super) struct Masked {
    /// `None` when the policy drops the column.
    pub column: Option<Arc<Column>>,
    /// Non-empty values that could not be generalised, written empty.
    pub unparsed: usize,
}

/// What policies need besides the column.
pub(super) struct Context<'a> {
    /// `None` for a check ([`super::check`]): the report needs no pseudonym, so none is
    /// made, and the column, which is never written, stands as it is.
    pub pseudonymiser: Option<&'a Pseudonymiser>,
    /// Ages of birth dates are taken at the run's as-of date.
    pub as_of: NaiveDate,
}

/// `f` of each distinct value of `text`, interned: the new column and how many non-null rows
/// `f` gave nothing for.
fn map_text(text: &TextColumn, f: impl Fn(&str) -> Option<String>) -> (TextColumn, usize) {
    let mut builder = TextBuilder::new(true);
    for value in text.pool.iter() {
        builder.push(f(value).as_deref());
    }
    let per_code = builder.finish();
    let mut unparsed = 0;
    let codes = text
        .codes
        .iter()
        .map(|&code| match code {
            NULL_CODE => NULL_CODE,
            code => {
                let new = per_code.codes[code as usize];
                unparsed += usize::from(new == NULL_CODE);
                new
            }
        })
        .collect();
    (
        TextColumn {
            pool: per_code.pool,
            codes,
        },
        unparsed,
    )
}

/// `f` of each row's value as text (for the text policies on other types), interned.
fn map_cells(column: &Column, f: impl Fn(&str) -> Option<String>) -> (TextColumn, usize) {
    if let Column::Text(t) = column {
        return map_text(t, f);
    }
    let mut builder = TextBuilder::new(true);
    let mut unparsed = 0;
    for row in 0..column.len() {
        let value = column.get(row);
        if value.is_null() {
            builder.push_null();
            continue;
        }
        let out = f(&value.to_string());
        unparsed += usize::from(out.is_none());
        builder.push(out.as_deref());
    }
    (builder.finish(), unparsed)
}

/// Whether two different values of `source` share a pseudonym in `masked` (its map of each
/// distinct value, interned).
fn collided(source: &Column, masked: &TextColumn) -> bool {
    let distinct = match source {
        Column::Text(t) if t.pool.is_distinct() => t.pool.len(),
        Column::Text(t) => t.pool.iter().collect::<FxHashSet<&str>>().len(),
        other => (0..other.len())
            .filter(|&r| !other.is_null(r))
            .map(|r| other.get(r).to_string())
            .collect::<FxHashSet<String>>()
            .len(),
    };
    let produced = match source {
        Column::Text(_) => masked.pool.len(),
        _ => masked
            .codes
            .iter()
            .filter(|&&c| c != NULL_CODE)
            .collect::<FxHashSet<_>>()
            .len(),
    };
    produced < distinct
}

/// Applies `policy` to the column `name`. The plan has checked that it fits the type.
pub(super) fn apply(
    name: &str,
    source: &Arc<Column>,
    policy: &Policy,
    ctx: &Context<'_>,
) -> Result<Masked, ExportError> {
    let text = |(column, unparsed): (TextColumn, usize)| Masked {
        column: Some(Arc::new(Column::Text(column))),
        unparsed,
    };
    let whole = |column: Column| Masked {
        column: Some(Arc::new(column)),
        unparsed: 0,
    };
    Ok(match policy {
        Policy::Keep => Masked {
            column: Some(Arc::clone(source)),
            unparsed: 0,
        },
        Policy::Drop => Masked {
            column: None,
            unparsed: 0,
        },
        Policy::Redact { token } => text(map_cells(source, |_| Some(token.clone()))),
        Policy::Mask { keep } => text(map_cells(source, |v| Some(generalise::mask(v, *keep)))),
        Policy::Pseudonymise => {
            let Some(pseudonymiser) = ctx.pseudonymiser else {
                return Ok(Masked {
                    column: Some(Arc::clone(source)),
                    unparsed: 0,
                });
            };
            let (column, unparsed) = map_cells(source, |v| Some(pseudonymiser.pseudonym(v)));
            if collided(source, &column) {
                return Err(ExportError::PseudonymCollision {
                    column: name.into(),
                    length: pseudonymiser.length(),
                });
            }
            text((column, unparsed))
        }
        Policy::Generalise(g) => generalised(source, *g, ctx, text, whole),
    })
}

fn generalised(
    source: &Column,
    g: Generalisation,
    ctx: &Context<'_>,
    text: impl Fn((TextColumn, usize)) -> Masked,
    whole: impl Fn(Column) -> Masked,
) -> Masked {
    use Generalisation as G;
    match (g, source) {
        (G::AgeBand { width }, Column::Integer(ages)) => {
            let mut builder = TextBuilder::new(true);
            let mut unparsed = 0;
            for age in ages {
                let band = |a: &i64| {
                    u32::try_from(*a)
                        .ok()
                        .and_then(|a| generalise::age_band(a, width))
                };
                match age.as_ref().map(band) {
                    None => builder.push_null(),
                    Some(Some(band)) => builder.push_str(&band),
                    Some(None) => {
                        unparsed += 1;
                        builder.push_null();
                    }
                }
            }
            text((builder.finish(), unparsed))
        }
        (G::AgeBand { width }, Column::Date(births)) => {
            let mut builder = TextBuilder::new(true);
            let mut unparsed = 0;
            for birth in births {
                let band = |b| {
                    age_in_years(b, ctx.as_of)
                        .ok()
                        .and_then(|a| generalise::age_band(a, width))
                };
                match birth.map(band) {
                    None => builder.push_null(),
                    Some(Some(band)) => builder.push_str(&band),
                    Some(None) => {
                        unparsed += 1;
                        builder.push_null();
                    }
                }
            }
            text((builder.finish(), unparsed))
        }
        (G::YearOfBirth, Column::Date(births)) => whole(Column::Integer(
            births
                .iter()
                .map(|b| b.map(|b| i64::from(b.year())))
                .collect(),
        )),
        (G::EmailDomain, Column::Text(t)) => text(map_text(t, generalise::email_domain)),
        (G::State, Column::Text(t)) => text(map_text(t, generalise::state)),
        (G::Postcode { digits }, Column::Text(t)) => {
            text(map_text(t, |a| generalise::postcode(a, digits)))
        }
        (G::Round { places }, Column::Decimal { values, scale }) => whole(Column::Decimal {
            values: values
                .iter()
                .map(|v| v.map(|u| generalise::round_units(u, *scale, places)))
                .collect(),
            scale: places.min(*scale),
        }),
        (G::Day | G::Week, Column::Timestamp(times)) => {
            let mut unparsed = 0;
            let days = times
                .iter()
                .map(|t| {
                    let day = t.map(generalise::day_of)?.and_then(|d| {
                        if g == G::Week {
                            generalise::monday_of(d)
                        } else {
                            Some(d)
                        }
                    });
                    unparsed += usize::from(day.is_none());
                    day
                })
                .collect();
            Masked {
                column: Some(Arc::new(Column::Date(days))),
                unparsed,
            }
        }
        (G::Day, Column::Date(_)) => whole(source.clone()),
        (G::Week, Column::Date(days)) => whole(Column::Date(
            days.iter()
                .map(|d| d.and_then(generalise::monday_of))
                .collect(),
        )),
        _ => unreachable!(
            "the plan checked that {g:?} fits a {:?} column",
            source.data_type()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::export::pseudonym::Key;

    fn ctx(p: &Pseudonymiser) -> Context<'_> {
        Context {
            pseudonymiser: Some(p),
            as_of: NaiveDate::from_ymd_opt(2023, 5, 9).unwrap(),
        }
    }

    fn texts(masked: &Masked) -> Vec<Option<String>> {
        let Some(c) = &masked.column else {
            return vec![];
        };
        (0..c.len())
            .map(|r| Some(c.get(r).to_string()).filter(|_| !c.is_null(r)))
            .collect()
    }

    #[test]
    fn text_policies_keep_nulls_and_count_what_they_cannot_read() {
        let key = Key::from_secret("0123456789abcdef").unwrap();
        let p = Pseudonymiser::new(&key, 16);
        let source = Arc::new(Column::Text(TextColumn::from_values([
            Some("1 A St, Town, NT, 0859"),
            None,
            Some("nowhere"),
            Some("1 A St, Town, NT, 0859"),
        ])));
        let state = apply(
            "address",
            &source,
            &Policy::Generalise(Generalisation::State),
            &ctx(&p),
        )
        .unwrap();
        assert_eq!(
            texts(&state),
            [Some("NT".into()), None, None, Some("NT".into())]
        );
        assert_eq!(state.unparsed, 1);
        let pseudo = apply("address", &source, &Policy::Pseudonymise, &ctx(&p)).unwrap();
        let cells = texts(&pseudo);
        assert_eq!(cells[0], cells[3]);
        assert_eq!(cells[1], None);
        assert_eq!(
            cells[0].as_deref(),
            Some(&*p.pseudonym("1 A St, Town, NT, 0859"))
        );
        let redacted = apply(
            "address",
            &source,
            &Policy::Redact { token: "X".into() },
            &ctx(&p),
        )
        .unwrap();
        assert_eq!(
            texts(&redacted),
            [Some("X".into()), None, Some("X".into()), Some("X".into())]
        );
    }

    #[test]
    fn ages_of_birth_dates_are_taken_at_the_as_of_date() {
        let key = Key::from_secret("0123456789abcdef").unwrap();
        let p = Pseudonymiser::new(&key, 16);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let births = Arc::new(Column::Date(vec![
            d(2003, 6, 15),
            d(1974, 5, 9),
            d(2030, 1, 1),
            None,
        ]));
        let band = apply(
            "birth_date",
            &births,
            &Policy::Generalise(Generalisation::AgeBand { width: 5 }),
            &ctx(&p),
        )
        .unwrap();
        assert_eq!(
            texts(&band),
            [Some("15-19".into()), Some("45-49".into()), None, None]
        );
        assert_eq!(band.unparsed, 1, "born after the as-of date");
        let year = apply(
            "birth_date",
            &births,
            &Policy::Generalise(Generalisation::YearOfBirth),
            &ctx(&p),
        )
        .unwrap();
        assert_eq!(year.column.unwrap().get(1).to_string(), "1974");
    }
}

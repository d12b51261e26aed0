//! `customer_segments`: one row per customer with RFM scores, a named segment, and the
//! demographics the dashboards cut by (age band, gender, state, postcode).
//!
//! - `recency_days`: days from the UTC day of `last_purchase_date` to the as-of date
//!   (negative when the as-of date is before the purchase; null without a purchase date).
//! - `frequency`: the customer's transactions in `contacts_joined_with_transactions`.
//! - `monetary`: their spend, as `customers.total_expense` sums it (null when every amount
//!   is).
//! - `r_score`, `f_score`, `m_score`: quintiles 1–5 by rank ([`segment::quintile`]). Each
//!   ranks customers from worst to best by its value — recency from the most days to the
//!   fewest, frequency and monetary from the least to the most, a null value worst of all
//!   — and ties go by `id`, the smaller id ranking lower. So equal values can get different
//!   scores, and every score appears in any population of five or more.
//! - `segment`: the R×F map ([`segment::SEGMENTS`]).
//! - `age` and `age_band` at the as-of date (as `customers` computes ages); `gender` as the
//!   contact has it (null: `unknown`);
//!   `state` and `postcode` from the end of the address ([`segment::parse_address`]), both
//!   `unknown` when it cannot be read, and those customers reported as a finding.
//!
//! Rows come in `customers`' order, one per customer: the model groups the joined rows the
//! way `customers` does (a unit test holds the two to the same ids, spend and ages).

use super::codes::group_by_codes;
use super::{columns, Layer, Model, ModelColumn, ModelContext};
use crate::engine::config::{ConfigPart, RunConfig};
use crate::engine::error::ModelError;
use crate::engine::models::findings::FindingKind;
use crate::engine::models::segment::{
    self, age_band, parse_address, rank_scores_by_key, AGE_BANDS, STATES, UNKNOWN,
};
use crate::engine::value::column::{Column, DataType, KeyedTextBuilder, TextColumn, NULL_CODE};
use crate::engine::value::table::Table;
use crate::engine::value::time::{age_in_years, start_of_day_millis, DAY_MILLIS};
use crate::engine::value::unique_id;

pub struct CustomerSegments;

impl Model for CustomerSegments {
    fn name(&self) -> &'static str {
        "customer_segments"
    }

    fn layer(&self) -> Layer {
        Layer::Mart
    }

    fn description(&self) -> &'static str {
        "One row per customer: recency, frequency and monetary value with their 1–5 quintile \
         scores, the R×F segment (champions … hibernating), age band, gender, state and \
         postcode."
    }

    fn depends_on(&self) -> &'static [&'static str] {
        &[unique_id::CONTACTS_JOINED_WITH_TRANSACTIONS]
    }

    fn reads(&self) -> &'static [ConfigPart] {
        // Recency and ages are counted up to the as-of date.
        &[ConfigPart::AsOf]
    }

    fn columns(&self, _: &RunConfig) -> Vec<ModelColumn> {
        columns(&[
            ("id", DataType::Text, "Contact id"),
            (
                "recency_days",
                DataType::Integer,
                "Days from the last purchase (UTC day) to the as-of date",
            ),
            ("frequency", DataType::Integer, "Number of transactions"),
            ("monetary", DataType::Decimal, "Total spend (total_expense)"),
            (
                "r_score",
                DataType::Integer,
                "Recency quintile, 5 most recent (ties by id)",
            ),
            (
                "f_score",
                DataType::Integer,
                "Frequency quintile, 5 most frequent (ties by id)",
            ),
            (
                "m_score",
                DataType::Integer,
                "Monetary quintile, 5 highest spend (ties by id)",
            ),
            (
                "segment",
                DataType::Text,
                "Segment of the R×F map: champions, loyal_customers, potential_loyalists, \
                 new_customers, promising, need_attention, about_to_sleep, at_risk, \
                 cant_lose, hibernating",
            ),
            (
                "age",
                DataType::Integer,
                "Completed years at the as-of date",
            ),
            (
                "age_band",
                DataType::Text,
                "under 18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+ or unknown",
            ),
            ("gender", DataType::Text, "F, M, or unknown"),
            (
                "state",
                DataType::Text,
                "Australian state or territory from the address, or unknown",
            ),
            (
                "postcode",
                DataType::Text,
                "Four-digit postcode from the address, or unknown",
            ),
        ])
    }

    fn run(&self, ctx: &mut ModelContext<'_>) -> Result<Table, ModelError> {
        // Straight from the joined rows, grouped as customers groups them (so the rows come
        // in customers' order with the same values), rather than from customers itself:
        // customers changes with the accepted categories, which segments do not read, and a
        // build would re-run segments and everything after them for nothing.
        let joined = ctx.model("contacts_joined_with_transactions");
        let joined_ids = joined.text("id");
        let addresses = joined.text("address");
        let genders = joined.text("gender");
        let births = joined.dates("birth_date");
        let dates = joined.timestamps("transaction_date");
        let (amounts, scale) = joined.decimals("amount");
        let (group_of_row, first_row) = group_by_codes(&joined_ids.codes, joined_ids.pool.len());
        let n = first_row.len();
        let mut frequency = vec![0i64; n];
        let mut monetary: Vec<Option<i64>> = vec![None; n];
        let mut last: Vec<Option<i64>> = vec![None; n];
        for (row, &g) in group_of_row.iter().enumerate() {
            if g == NULL_CODE {
                continue; // a left join's orphan: no customer
            }
            let g = g as usize;
            frequency[g] += 1;
            if let Some(a) = amounts[row] {
                let sum = monetary[g].unwrap_or(0).checked_add(a);
                monetary[g] = Some(sum.ok_or_else(|| ModelError::Overflow {
                    model: "customer_segments".into(),
                    column: "monetary".into(),
                })?);
            }
            last[g] = last[g].max(dates[row]);
        }
        let as_of = ctx.as_of();
        let ages: Vec<Option<i64>> = first_row
            .iter()
            .map(|&r| {
                births[r as usize]
                    .and_then(|b| age_in_years(b, as_of).ok())
                    .map(i64::from)
            })
            .collect();
        let id_column = joined
            .column("id")
            .expect("the joined model has id")
            .gather(&first_row);
        let Column::Text(ids) = &id_column else {
            unreachable!("ids are text")
        };
        let address_row = &first_row;

        let as_of_day = start_of_day_millis(ctx.as_of()).div_euclid(DAY_MILLIS);
        let recency: Vec<Option<i64>> = last
            .iter()
            .map(|t| t.map(|t| as_of_day - t.div_euclid(DAY_MILLIS)))
            .collect();
        // Ties go by id: each id's place in id order, sorted once, so that the three
        // rankings compare integers.
        let id_rank = {
            // Compared by their first eight bytes first (big-endian, zero-padded: the same
            // order as the strings' where those differ), the strings only where they tie.
            let prefix = |r: u32| {
                let bytes = ids.get(r as usize).map_or(&[][..], str::as_bytes);
                let mut head = [0u8; 8];
                let len = bytes.len().min(8);
                head[..len].copy_from_slice(&bytes[..len]);
                u64::from_be_bytes(head)
            };
            let mut by_id: Vec<(u64, u32)> = (0..n as u32).map(|r| (prefix(r), r)).collect();
            by_id.sort_unstable_by(|&(pa, a), &(pb, b)| {
                pa.cmp(&pb)
                    .then_with(|| ids.get(a as usize).cmp(&ids.get(b as usize)))
            });
            let by_id: Vec<u32> = by_id.into_iter().map(|(_, r)| r).collect();
            let mut rank = vec![0u32; n];
            for (i, &r) in by_id.iter().enumerate() {
                rank[r as usize] = i as u32;
            }
            rank
        };
        // Worst first; `None` (no value) sorts before any value, so it ranks worst.
        let r_score = rank_scores_by_key(
            (0..n)
                .map(|r| (recency[r].map(std::cmp::Reverse), id_rank[r]))
                .collect(),
        );
        let f_score = rank_scores_by_key((0..n).map(|r| (frequency[r], id_rank[r])).collect());
        let m_score = rank_scores_by_key((0..n).map(|r| (monetary[r], id_rank[r])).collect());

        let mut states = Vec::with_capacity(n);
        let mut postcodes = Vec::with_capacity(n);
        let mut unparsed = Vec::new();
        for (r, &a) in address_row.iter().enumerate() {
            let parsed = (a != NULL_CODE)
                .then(|| addresses.get(a as usize))
                .flatten()
                .and_then(parse_address);
            match parsed {
                Some((state, postcode)) => {
                    states.push(state);
                    postcodes.push(postcode);
                }
                None => {
                    states.push(UNKNOWN);
                    postcodes.push(UNKNOWN);
                    unparsed.push(r as u32);
                }
            }
        }

        let score_column =
            |s: &[u8]| Column::Integer(s.iter().map(|&v| Some(i64::from(v))).collect());
        // Few distinct values each: every text made and interned once, rows keyed by what it
        // is made from.
        let keyed = |rows: &mut dyn Iterator<Item = (u64, &str)>| {
            let mut column = KeyedTextBuilder::with_capacity(n);
            for (key, value) in rows {
                column.push(key, || value.to_string());
            }
            Column::Text(column.finish())
        };
        let mut table = Table::new();
        table.push("id", id_column.clone());
        table.push("recency_days", Column::Integer(recency));
        table.push(
            "frequency",
            Column::Integer(frequency.iter().map(|&f| Some(f)).collect()),
        );
        table.push(
            "monetary",
            Column::Decimal {
                values: monetary,
                scale,
            },
        );
        table.push("r_score", score_column(&r_score));
        table.push("f_score", score_column(&f_score));
        table.push("m_score", score_column(&m_score));
        table.push(
            "segment",
            keyed(&mut (0..n).map(|r| {
                let (rs, fs) = (r_score[r], f_score[r]);
                (u64::from(rs) << 8 | u64::from(fs), segment::segment(rs, fs))
            })),
        );
        table.push("age", Column::Integer(ages.clone()));
        table.push(
            "age_band",
            keyed(&mut ages.iter().map(|&a| {
                let band = age_band(a);
                let key = AGE_BANDS.iter().position(|&b| b == band);
                (key.expect("a band") as u64, band)
            })),
        );
        table.push(
            "gender",
            keyed(&mut first_row.iter().map(|&r| {
                let code = genders.codes[r as usize];
                (u64::from(code), genders.get(r as usize).unwrap_or(UNKNOWN))
            })),
        );
        table.push(
            "state",
            keyed(&mut states.iter().map(|&state| {
                let key = STATES.iter().position(|&s| s == state);
                (key.map_or(u64::MAX, |k| k as u64), state)
            })),
        );
        table.push(
            "postcode",
            Column::Text(TextColumn::from_values(postcodes.into_iter().map(Some))),
        );

        if !unparsed.is_empty() {
            let rows: Vec<Option<u32>> = unparsed
                .iter()
                .map(|&r| Some(address_row[r as usize]).filter(|&a| a != NULL_CODE))
                .collect();
            let found = Table::new().with("id", id_column.gather(&unparsed)).with(
                "address",
                joined
                    .column("address")
                    .expect("the joined model has address")
                    .gather_optional(&rows),
            );
            ctx.report(
                FindingKind::UnparseableAddresses,
                format!(
                    "{} customer{} whose address does not end in an Australian state and a \
                     four-digit postcode (…, SUBURB, STATE, POSTCODE): state and postcode are \
                     unknown",
                    unparsed.len(),
                    if unparsed.len() == 1 { "" } else { "s" }
                ),
                found,
            );
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::engine::build::{demo_sources, run};
    use crate::engine::config::RunConfig;

    #[test]
    fn ids_spend_and_ages_are_customers_own() {
        let config = RunConfig::new(NaiveDate::from_ymd_opt(2023, 5, 9).unwrap());
        let out = run(demo_sources(), &config).unwrap();
        let (segments, customers) = (
            out.model("customer_segments").unwrap(),
            out.model("customers").unwrap(),
        );
        let text = |t: &crate::engine::Table, c: &str| -> Vec<String> {
            let column = t.column(c).unwrap();
            (0..t.num_rows())
                .map(|r| column.get(r).to_string())
                .collect()
        };
        assert_eq!(text(segments, "id"), text(customers, "id"));
        assert_eq!(text(segments, "monetary"), text(customers, "total_expense"));
        assert_eq!(text(segments, "age"), text(customers, "age"));
        assert_eq!(text(segments, "gender"), text(customers, "gender"));
    }
}

//! A chart's axes: round tick values for a value axis (0, 200, 400 …, never 0, 173, 346)
//! and which of many labels a category axis prints (a few, evenly spaced, not every week).
//!
//! Plain arithmetic, so that it is tested natively; the line chart draws with it.

/// The ticks of a value axis from 0 to at least `max`: 0 and a few multiples of one round
/// step (1, 2 or 5 times a power of ten), at most `at_most` steps. A `max` that is not above
/// 0 gets the axis 0 to 1, so that a flat line still has a scale.
pub fn value_ticks(max: f64, at_most: usize) -> Vec<f64> {
    let step = tick_step(max, at_most);
    let steps = (max / step).ceil().max(1.0) as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

/// The round step `value_ticks` uses.
fn tick_step(max: f64, at_most: usize) -> f64 {
    if !(max > 0.0 && max.is_finite()) {
        return 1.0;
    }
    let rough = max / at_most.max(1) as f64;
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| (max / s).ceil() <= at_most.max(1) as f64)
        .unwrap_or(10.0 * power)
}

/// A tick's label, with as many decimals as its step needs and grouped thousands:
/// `1,500`, `0.5`; `step` is the distance between two ticks.
pub fn tick_text(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    crate::state::format::group_digits(&format!("{value:.decimals$}"))
}

/// Which of `count` labels an axis prints so that at most `at_most` are printed: the first
/// and every n-th after it.
pub fn labelled(count: usize, at_most: usize) -> Vec<usize> {
    let every = count.div_ceil(at_most.max(1)).max(1);
    (0..count).step_by(every).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_ticks_are_round_and_cover_the_largest_value() {
        assert_eq!(value_ticks(173.0, 5), vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        assert_eq!(
            value_ticks(1000.0, 5),
            vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
        );
        assert_eq!(value_ticks(9.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            value_ticks(0.7, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8]
        );
        for max in [0.3, 1.0, 47.5, 2_345.6, 98_765.0] {
            let ticks = value_ticks(max, 5);
            assert!(*ticks.last().unwrap() >= max, "{max}: {ticks:?}");
            assert!(ticks.len() <= 6, "{max}: {ticks:?}");
        }
    }

    #[test]
    fn a_flat_or_empty_axis_still_has_a_scale() {
        assert_eq!(value_ticks(0.0, 5), vec![0.0, 1.0]);
        assert_eq!(value_ticks(-3.0, 5), vec![0.0, 1.0]);
        assert_eq!(value_ticks(f64::NAN, 5), vec![0.0, 1.0]);
    }

    #[test]
    fn tick_labels_have_the_decimals_their_step_needs() {
        assert_eq!(tick_text(1500.0, 500.0), "1,500");
        assert_eq!(tick_text(0.6000000000000001, 0.2), "0.6");
        assert_eq!(tick_text(0.05, 0.05), "0.05");
        assert_eq!(tick_text(0.0, 200.0), "0");
    }

    #[test]
    fn a_few_labels_are_printed_evenly_from_the_first() {
        assert_eq!(labelled(7, 6), vec![0, 2, 4, 6]);
        assert_eq!(labelled(3, 6), vec![0, 1, 2]);
        assert_eq!(labelled(150, 6), vec![0, 25, 50, 75, 100, 125]);
        assert_eq!(labelled(0, 6), Vec::<usize>::new());
        assert!(labelled(1000, 6).len() <= 6);
    }
}

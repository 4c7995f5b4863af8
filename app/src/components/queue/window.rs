//! Which rows of a long list are in the page: each row's height (measured, else estimated)
//! and the rows that meet a span of the list, with the height of those above and below
//! them (the stand-ins `list.rs` draws).

use std::collections::HashMap;
use uuid::Uuid;

/// A row's height while no row has been measured (px).
const ESTIMATE: f64 = 60.0;

/// The rows `first..end` are in the page, with `before` px of stand-in above them and
/// `after` px below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub first: usize,
    pub end: usize,
    pub before: f64,
    pub after: f64,
}

/// The rows of `heights` (top to bottom) that meet the span `top..bottom`, in px from the
/// list's top.
pub fn rows_in(heights: &[f64], top: f64, bottom: f64) -> Window {
    let (mut first, mut before, mut y, mut end) = (None, 0.0, 0.0, heights.len());
    for (i, &h) in heights.iter().enumerate() {
        if y >= bottom {
            end = i;
            break;
        }
        if first.is_none() && y + h > top {
            (first, before) = (Some(i), y);
        }
        y += h;
    }
    let (first, before) = first.map_or((end, y), |first| (first, before));
    Window { first, end, before, after: heights[end..].iter().sum() }
}

/// Each row's height, by its key: as measured, else the measured rows' mean.
pub fn heights(keys: impl Iterator<Item = Uuid>, measured: &HashMap<Uuid, f64>) -> Vec<f64> {
    let estimate = if measured.is_empty() { ESTIMATE } else { measured.values().sum::<f64>() / measured.len() as f64 };
    keys.map(|key| measured.get(&key).copied().unwrap_or(estimate)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TaskView;

    #[test]
    fn a_window_holds_the_rows_that_meet_the_span() {
        let heights = [10.0, 20.0, 30.0, 40.0, 50.0]; // rows at 0, 10, 30, 60, 100; 150 in all
        let w = |top, bottom| rows_in(&heights, top, bottom);
        assert_eq!(w(0.0, 1_000.0), Window { first: 0, end: 5, before: 0.0, after: 0.0 });
        assert_eq!(w(15.0, 60.0), Window { first: 1, end: 3, before: 10.0, after: 90.0 });
        assert_eq!(w(30.0, 61.0), Window { first: 2, end: 4, before: 30.0, after: 50.0 });
        assert_eq!(w(-500.0, 5.0), Window { first: 0, end: 1, before: 0.0, after: 140.0 });
        // Scrolled past the end (the list shrank): nothing drawn, all of it stand-in above.
        assert_eq!(w(400.0, 900.0), Window { first: 5, end: 5, before: 150.0, after: 0.0 });
    }

    #[test]
    fn unmeasured_rows_are_as_tall_as_the_measured_ones_on_average() {
        let now = chrono::Utc::now();
        let tasks: Vec<TaskView> = (0..3).map(|i| TaskView::example(&format!("row {i}"), now)).collect();
        let keys = || tasks.iter().map(|t| t.id);
        assert_eq!(heights(keys(), &HashMap::new()), [ESTIMATE; 3]);
        let measured = HashMap::from([(tasks[0].id, 40.0), (tasks[2].id, 100.0)]);
        assert_eq!(heights(keys(), &measured), [40.0, 70.0, 100.0]);
    }
}

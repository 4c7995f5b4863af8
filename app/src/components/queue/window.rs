//! Which rows of a long list are in the page: where each row starts (measured, else
//! estimated) and the rows that meet a span of the list, with the height of those above and
//! below them (the stand-ins `list.rs` draws).

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

/// The rows that meet the span `top..bottom` (px from the list's top), given where each row
/// starts and, last, where the list ends (`offsets`): two binary searches.
pub fn rows_in(offsets: &[f64], top: f64, bottom: f64) -> Window {
    let (starts, ends) = (&offsets[..offsets.len() - 1], &offsets[1..]);
    let first = ends.partition_point(|&end| end <= top);
    let end = starts.partition_point(|&start| start < bottom).max(first);
    let total = offsets[offsets.len() - 1];
    Window { first, end, before: offsets[first], after: total - offsets[end] }
}

/// Where each row starts, by its key, then where the list ends: each row as tall as
/// measured, else as the measured rows' mean.
pub fn offsets(keys: impl Iterator<Item = Uuid>, measured: &HashMap<Uuid, f64>) -> Vec<f64> {
    let estimate = if measured.is_empty() { ESTIMATE } else { measured.values().sum::<f64>() / measured.len() as f64 };
    let mut y = 0.0;
    let mut offsets = vec![0.0];
    offsets.extend(keys.map(|key| {
        y += measured.get(&key).copied().unwrap_or(estimate);
        y
    }));
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TaskView;

    #[test]
    fn a_window_holds_the_rows_that_meet_the_span() {
        let offsets = [0.0, 10.0, 30.0, 60.0, 100.0, 150.0]; // rows 10, 20, 30, 40, 50 px tall
        let w = |top, bottom| rows_in(&offsets, top, bottom);
        assert_eq!(w(0.0, 1_000.0), Window { first: 0, end: 5, before: 0.0, after: 0.0 });
        assert_eq!(w(15.0, 60.0), Window { first: 1, end: 3, before: 10.0, after: 90.0 });
        assert_eq!(w(30.0, 61.0), Window { first: 2, end: 4, before: 30.0, after: 50.0 });
        assert_eq!(w(-500.0, 5.0), Window { first: 0, end: 1, before: 0.0, after: 140.0 });
        // Scrolled past the end (the list shrank): nothing drawn, all of it stand-in above.
        assert_eq!(w(400.0, 900.0), Window { first: 5, end: 5, before: 150.0, after: 0.0 });
        assert_eq!(rows_in(&[0.0], 0.0, 100.0), Window { first: 0, end: 0, before: 0.0, after: 0.0 }, "no rows");
    }

    #[test]
    fn unmeasured_rows_are_as_tall_as_the_measured_ones_on_average() {
        let now = chrono::Utc::now();
        let tasks: Vec<TaskView> = (0..3).map(|i| TaskView::example(&format!("row {i}"), now)).collect();
        let keys = || tasks.iter().map(|t| t.id);
        assert_eq!(offsets(keys(), &HashMap::new()), [0.0, ESTIMATE, 2.0 * ESTIMATE, 3.0 * ESTIMATE]);
        let measured = HashMap::from([(tasks[0].id, 40.0), (tasks[2].id, 100.0)]);
        assert_eq!(offsets(keys(), &measured), [0.0, 40.0, 110.0, 210.0]);
    }
}

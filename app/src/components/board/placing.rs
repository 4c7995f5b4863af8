//! Where a new item goes on the whiteboard: a free spot in the part in view, nearest its
//! middle, clear of the items already there by a gap; when the view has no room, its
//! middle. Plain geometry in board units, no signals.

/// A rectangle in board units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect, gap: f64) -> bool {
        self.x < other.x + other.w + gap
            && other.x < self.x + self.w + gap
            && self.y < other.y + other.h + gap
            && other.y < self.y + self.h + gap
    }

    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Candidate positions tried across an area, per side.
const STEPS: usize = 24;
/// How far beyond the view a spot is looked for when the view is full, in item sizes.
const RINGS: usize = 3;

/// The top-left corner for an item `w` × `h`, clear of `taken` by `gap`: the free spot in
/// `view` nearest its middle; when the view has none, the nearest beyond it (the caller
/// brings it into view); when there is none at all, the view's middle.
pub fn free_spot(view: Rect, taken: &[Rect], w: f64, h: f64, gap: f64) -> (f64, f64) {
    let (cx, cy) = view.centre();
    (0..=RINGS)
        .find_map(|ring| {
            let (grow_x, grow_y) = (ring as f64 * (w + gap), ring as f64 * (h + gap));
            let area =
                Rect { x: view.x - grow_x, y: view.y - grow_y, w: view.w + 2.0 * grow_x, h: view.h + 2.0 * grow_y };
            nearest_free(area, (cx, cy), taken, w, h, gap)
        })
        .unwrap_or((cx - w / 2.0, cy - h / 2.0))
}

/// The free spot in `area` whose middle is nearest `to`.
fn nearest_free(area: Rect, to: (f64, f64), taken: &[Rect], w: f64, h: f64, gap: f64) -> Option<(f64, f64)> {
    let (room_x, room_y) = (area.w - w - 2.0 * gap, area.h - h - 2.0 * gap);
    if room_x < 0.0 || room_y < 0.0 {
        return None;
    }
    let at = |i: usize, room: f64, start: f64| start + gap + room * i as f64 / STEPS as f64;
    let mut best: Option<((f64, f64), f64)> = None;
    for i in 0..=STEPS {
        for j in 0..=STEPS {
            let spot = Rect { x: at(i, room_x, area.x), y: at(j, room_y, area.y), w, h };
            if taken.iter().any(|t| spot.overlaps(t, gap)) {
                continue;
            }
            let (sx, sy) = spot.centre();
            let distance = (sx - to.0).powi(2) + (sy - to.1).powi(2);
            if best.is_none_or(|(_, d)| distance < d) {
                best = Some(((spot.x, spot.y), distance));
            }
        }
    }
    best.map(|(spot, _)| spot)
}

/// Whether `inner` lies wholly inside `outer`.
pub fn inside(inner: Rect, outer: Rect) -> bool {
    inner.x >= outer.x
        && inner.y >= outer.y
        && inner.x + inner.w <= outer.x + outer.w
        && inner.y + inner.h <= outer.y + outer.h
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: Rect = Rect { x: 0.0, y: 0.0, w: 1000.0, h: 600.0 };

    #[test]
    fn the_first_goes_in_the_middle_and_the_next_beside_it() {
        let first = free_spot(VIEW, &[], 200.0, 100.0, 16.0);
        assert_eq!(first, (400.0, 250.0));
        let placed = Rect { x: first.0, y: first.1, w: 200.0, h: 100.0 };
        let second = free_spot(VIEW, &[placed], 200.0, 100.0, 16.0);
        let spot = Rect { x: second.0, y: second.1, w: 200.0, h: 100.0 };
        assert!(!spot.overlaps(&placed, 16.0), "{second:?} is clear of {first:?}");
        assert!(spot.x >= 0.0 && spot.y >= 0.0 && spot.x + 200.0 <= 1000.0 && spot.y + 100.0 <= 600.0, "in view");
        let third = free_spot(VIEW, &[placed, spot], 200.0, 100.0, 16.0);
        let third = Rect { x: third.0, y: third.1, w: 200.0, h: 100.0 };
        assert!(!third.overlaps(&placed, 16.0) && !third.overlaps(&spot, 16.0));
    }

    #[test]
    fn a_full_view_sends_it_just_beyond_and_nowhere_at_all_to_the_middle() {
        let wall = Rect { x: -10.0, y: -10.0, w: 1020.0, h: 620.0 };
        let (x, y) = free_spot(VIEW, &[wall], 200.0, 100.0, 16.0);
        let spot = Rect { x, y, w: 200.0, h: 100.0 };
        assert!(!spot.overlaps(&wall, 16.0) && !inside(spot, VIEW), "beyond the view, clear of the wall: {spot:?}");
        assert!(!(0.0..=600.0).contains(&y) || !(0.0..=1000.0).contains(&x));
        let everywhere = Rect { x: -5000.0, y: -5000.0, w: 10000.0, h: 10000.0 };
        assert_eq!(free_spot(VIEW, &[everywhere], 200.0, 100.0, 16.0), (400.0, 250.0));
        assert!(inside(Rect { x: 1.0, y: 1.0, w: 10.0, h: 10.0 }, VIEW));
    }
}

//! The pointers down on the board's background as plain values: one pans the view, two
//! pinch it (the view follows their midpoint and zooms by how far apart they are now
//! against before), as on a phone's maps and in design tools.

/// A step of the view a pointer's move makes: pan by `pan`, then zoom by `factor` about
/// `about` (in the same screen coordinates as the pointers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub pan: (f64, f64),
    pub factor: f64,
    pub about: (f64, f64),
}

/// The pointers down on the background, by pointer id, at their last positions. A third
/// finger is ignored: only the first two steer.
#[derive(Debug, Clone, Default)]
pub struct Pointers(Vec<(i32, (f64, f64))>);

impl Pointers {
    pub fn down(&mut self, id: i32, at: (f64, f64)) {
        self.up(id);
        if self.0.len() < 2 {
            self.0.push((id, at));
        }
    }

    pub fn up(&mut self, id: i32) {
        self.0.retain(|(p, _)| *p != id);
    }

    /// Pointer `id` moved to `at`: the step it makes, if it is one of those steering.
    pub fn moved(&mut self, id: i32, at: (f64, f64)) -> Option<Step> {
        let before = self.0.clone();
        let slot = self.0.iter_mut().find(|(p, _)| *p == id)?;
        slot.1 = at;
        Some(match (before.as_slice(), self.0.as_slice()) {
            ([(_, a0), (_, b0)], [(_, a1), (_, b1)]) => {
                let (m0, m1) = (midpoint(*a0, *b0), midpoint(*a1, *b1));
                let (d0, d1) = (distance(*a0, *b0), distance(*a1, *b1));
                // Fingers that touch the same spot carry no scale: the view only pans.
                let factor = if d0 > 1.0 && d1 > 1.0 { d1 / d0 } else { 1.0 };
                Step { pan: (m1.0 - m0.0, m1.1 - m0.1), factor, about: m1 }
            }
            ([(_, from)], _) => Step { pan: (at.0 - from.0, at.1 - from.1), factor: 1.0, about: at },
            _ => return None,
        })
    }
}

fn midpoint(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pointer_pans_by_its_move() {
        let mut p = Pointers::default();
        p.down(1, (10.0, 10.0));
        assert_eq!(p.moved(1, (15.0, 7.0)), Some(Step { pan: (5.0, -3.0), factor: 1.0, about: (15.0, 7.0) }));
        assert_eq!(p.moved(2, (0.0, 0.0)), None, "a pointer not down steers nothing");
        p.up(1);
        assert_eq!(p.moved(1, (20.0, 20.0)), None);
    }

    #[test]
    fn two_pointers_spreading_zoom_about_their_midpoint() {
        let mut p = Pointers::default();
        p.down(1, (100.0, 100.0));
        p.down(2, (200.0, 100.0));
        // The second finger moves out by 100: twice as far apart, the midpoint moves 50.
        let step = p.moved(2, (300.0, 100.0)).unwrap();
        assert_eq!(step, Step { pan: (50.0, 0.0), factor: 2.0, about: (200.0, 100.0) });
        // Pinching back in halves it.
        assert_eq!(p.moved(2, (200.0, 100.0)).unwrap().factor, 0.5);
        // A third finger changes nothing; lifting one leaves the other panning.
        p.down(3, (0.0, 0.0));
        assert_eq!(p.moved(3, (5.0, 5.0)), None);
        p.up(1);
        assert_eq!(p.moved(2, (210.0, 100.0)).unwrap(), Step { pan: (10.0, 0.0), factor: 1.0, about: (210.0, 100.0) });
    }

    #[test]
    fn fingers_on_one_spot_only_pan() {
        let mut p = Pointers::default();
        p.down(1, (50.0, 50.0));
        p.down(2, (50.0, 50.0));
        assert_eq!(p.moved(2, (80.0, 50.0)).unwrap().factor, 1.0);
    }
}

//! The page's clock: the server's time as the browser reckons it, ticking each second,
//! for countdowns ("next at 14:05 (in 3:12)") and relative times (shown by `time.rs`).
//! Each page of tasks carries the server's time (`as_of`). Set against the middle of the
//! request, it gives the offset applied from then on, so a browser whose clock is off
//! still counts right. An offset within the request's own uncertainty is taken as none:
//! the clocks agree, and a slow answer must not make them disagree.

use crate::i18n::Ago;
use chrono::{DateTime, TimeDelta, Utc};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Clock {
    now: RwSignal<DateTime<Utc>>,
    /// Server time minus browser time.
    offset: StoredValue<TimeDelta>,
}

impl Clock {
    /// Starts ticking (in the browser) for the page's lifetime.
    pub fn new() -> Self {
        let clock = Self { now: RwSignal::new(browser_now()), offset: StoredValue::new(TimeDelta::zero()) };
        #[cfg(feature = "hydrate")]
        {
            clock.tick();
            gloo_timers::callback::Interval::new(1_000, move || clock.tick()).forget();
        }
        clock
    }

    /// The server's time now, to the second (tracked: readers update as it ticks).
    pub fn now(&self) -> DateTime<Utc> {
        self.now.get()
    }

    /// The server's time now, to the millisecond (not tracked).
    pub fn now_untracked(&self) -> DateTime<Utc> {
        browser_now() + self.offset.get_value()
    }

    /// The browser's time now, to pass to [`Clock::sync`] when a request goes out.
    pub fn sent(&self) -> DateTime<Utc> {
        browser_now()
    }

    /// Sets the offset from the server's time `server_now`, read by a request sent at `sent`.
    pub fn sync(&self, server_now: DateTime<Utc>, sent: DateTime<Utc>) {
        self.offset.set_value(offset(server_now, sent, browser_now()));
        self.tick();
    }

    fn tick(&self) {
        self.now.set(browser_now() + self.offset.get_value());
    }
}

/// The clock of the machine the code runs on (`Utc::now` is not there in the browser).
fn browser_now() -> DateTime<Utc> {
    #[cfg(feature = "hydrate")]
    return DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    #[cfg(not(feature = "hydrate"))]
    Utc::now()
}

/// Server time minus browser time, from a request sent at `sent` and answered at `received`
/// with the server's time `server_now`: zero when within the request's uncertainty.
fn offset(server_now: DateTime<Utc>, sent: DateTime<Utc>, received: DateTime<Utc>) -> TimeDelta {
    let half = (received - sent) / 2;
    let offset = server_now - (sent + half);
    if offset.abs() <= half + TimeDelta::milliseconds(250) {
        TimeDelta::zero()
    } else {
        offset
    }
}

/// "3:12" (or "1:02:03") left until `due`; `None` once it has come (or is less than
/// half a second away).
pub fn countdown(now: DateTime<Utc>, due: DateTime<Utc>) -> Option<String> {
    let left = (due - now).num_milliseconds();
    if left <= 0 {
        return None;
    }
    let secs = (left + 500) / 1000; // to the nearest second
    if secs == 0 {
        return None;
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    Some(if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") })
}

/// How long before `now` `at` was (a moment in the future counts as just now).
pub fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> Ago {
    let seconds = (now - at).num_seconds();
    match seconds {
        ..60 => Ago::JustNow,
        60..3_600 => Ago::Minutes(seconds / 60),
        3_600..86_400 => Ago::Hours(seconds / 3_600),
        _ => Ago::Days(seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_long_ago_in_the_largest_whole_unit() {
        let now = Utc::now();
        let before = |s| ago(now, now - TimeDelta::seconds(s));
        assert_eq!(before(-30), Ago::JustNow, "a clock a little behind");
        assert_eq!(before(59), Ago::JustNow);
        assert_eq!(before(60), Ago::Minutes(1));
        assert_eq!(before(3_599), Ago::Minutes(59));
        assert_eq!(before(7_300), Ago::Hours(2));
        assert_eq!(before(3 * 86_400 + 5), Ago::Days(3));
    }

    #[test]
    fn an_offset_is_only_taken_when_it_is_more_than_the_request_can_explain() {
        let sent = Utc::now();
        let ms = TimeDelta::milliseconds;
        // Answered after 2 s, read by the server after 1.9 s: the clocks agree.
        assert_eq!(offset(sent + ms(1_900), sent, sent + ms(2_000)), TimeDelta::zero());
        // The server's clock is 5 minutes ahead: that is taken, to the request's middle.
        assert_eq!(offset(sent + ms(300_100), sent, sent + ms(200)), ms(300_000));
        assert_eq!(offset(sent - ms(60_000), sent, sent + ms(100)), ms(-60_050));
    }

    #[test]
    fn counts_down_in_minutes_and_seconds() {
        let now = Utc::now();
        let at = |ms| countdown(now, now + TimeDelta::milliseconds(ms));
        assert_eq!(at(192_000).as_deref(), Some("3:12"));
        assert_eq!(at(59_499).as_deref(), Some("0:59"), "to the nearest second");
        assert_eq!(at(59_500).as_deref(), Some("1:00"));
        assert_eq!(at(4_010).as_deref(), Some("0:04"), "a retry just set reads its whole delay");
        assert_eq!(at(500).as_deref(), Some("0:01"));
        assert_eq!(at(499), None);
        assert_eq!(at(3_723_000).as_deref(), Some("1:02:03"));
        assert_eq!(at(0), None);
        assert_eq!(at(-5_000), None);
    }
}

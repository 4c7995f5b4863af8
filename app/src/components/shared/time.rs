//! Times as the page shows them: a time of day in the reader's zone, how long ago, and
//! how long until a due time, the last two kept current by the page's [`Clock`].

use super::clock::{ago, countdown, Clock};
use crate::i18n::t;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A time of day: UTC as rendered by the server, then the browser's own time zone once
/// the page has hydrated (the server cannot know the reader's zone). `minutes` leaves
/// the seconds out; `date` puts the day before it (`2026-12-06 14:03:07`).
#[component]
pub fn LocalTime(
    at: DateTime<Utc>,
    #[prop(optional)] minutes: bool,
    #[prop(optional)] date: bool,
    #[prop(default = "task-time")] test_id: &'static str,
) -> impl IntoView {
    let day = if date { "%Y-%m-%d " } else { "" };
    let time = if minutes { "%H:%M" } else { "%H:%M:%S" };
    let text = RwSignal::new(at.format(&format!("{day}{time} UTC")).to_string());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let local = js_sys::Date::new(&(at.timestamp_millis() as f64).into());
            let (h, m, s) = (local.get_hours(), local.get_minutes(), local.get_seconds());
            let time = if minutes { format!("{h:02}:{m:02}") } else { format!("{h:02}:{m:02}:{s:02}") };
            text.set(match date {
                true => {
                    format!("{}-{:02}-{:02} {time}", local.get_full_year(), local.get_month() + 1, local.get_date())
                }
                false => time,
            });
        }
    });
    view! { <time datetime=at.to_rfc3339() title=at.to_rfc3339() data-testid=test_id>{move || text.get()}</time> }
}

/// How long ago `at` was, kept current by the page's clock.
#[component]
pub fn TimeAgo(at: DateTime<Utc>) -> impl IntoView {
    let clock = expect_context::<Clock>();
    let t = t();
    view! { <span class="time-ago" data-testid="task-ago">{move || (t.ago)(ago(clock.now(), at))}</span> }
}

/// " (in 3:12)", live; " (any moment now)" once the time has come.
#[component]
pub fn Countdown(due: DateTime<Utc>) -> impl IntoView {
    let clock = expect_context::<Clock>();
    let t = t();
    view! {
        <span data-testid="countdown">
            {move || countdown(clock.now(), due).map_or_else(|| t.retry_due.to_owned(), |left| (t.retry_in)(&left))}
        </span>
    }
}

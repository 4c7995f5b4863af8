//! The service-health banner: while tasks wait to retry because the generation service is
//! unavailable (not because an attempt took too long or a result could not be saved),
//! say so above the queue, with how many and when the next retry comes.

use super::state::Queue;
use crate::components::shared::time::{Countdown, LocalTime};
use crate::domain::TaskStatus;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn HealthBanner() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let t = t();
    let waiting = Memo::new(move |_| {
        // Every task known, whatever the filter shows.
        let retrying: Vec<_> = queue.with_known(|known| {
            known
                .iter()
                .filter(|task| task.status == TaskStatus::Retrying)
                .filter(|task| task.error.as_ref().is_some_and(|e| e.code == "service_unavailable"))
                .filter_map(|task| task.next_retry_at)
                .collect()
        });
        retrying.iter().min().map(|next| (retrying.len() as u64, *next))
    });
    move || {
        waiting.get().map(|(n, next)| {
            view! {
                <p class="health-banner" role="status" data-testid="health-banner">
                    {(t.service_down)(n)}<LocalTime at=next minutes=true test_id="health-next"/><Countdown due=next/>
                </p>
            }
        })
    }
}

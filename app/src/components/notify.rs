//! Telling the user when tasks finish: a toast for each task that completes or fails while
//! the page watches (not for those already finished when it loaded); screen readers also
//! hear of the other changes (started, retrying, cancelled, queued again). While the tab is
//! hidden, the title counts them ("(3) Atelier") and, once the user has allowed it, the
//! browser shows a notification; on return a toast says how many finished meanwhile.

use crate::components::shared::icons::Icon;
use crate::components::shared::toasts::Toasts;
#[cfg(feature = "hydrate")]
use crate::components::{queue::state::Queue, shared::toasts::Tone};
use crate::i18n::t;
use leptos::prelude::*;

/// Tasks finished while the tab was hidden; provided by the workspace.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // counted in the browser only
pub struct Away(RwSignal<u32>);

impl Away {
    /// Starts counting; on return to the tab, says how many finished and resets.
    pub fn new(toasts: Toasts) -> Self {
        let away = Self(RwSignal::new(0));
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::{closure::Closure, JsCast};
            let listener = Closure::<dyn Fn()>::new(move || {
                let n = away.0.get_untracked();
                if !crate::browser::hidden() && n > 0 {
                    toasts.show((t().finished_while_away)(n), Tone::Info, 8_000);
                    away.0.set(0);
                }
            });
            if let Some(document) = crate::browser::document() {
                let _ =
                    document.add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
            }
            listener.forget(); // lives as long as the page
                               // The title is the browser's business: set here, not rendered (the server's is "Atelier").
            Effect::new(move |_| {
                if let Some(document) = crate::browser::document() {
                    document.set_title(&away.title());
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = toasts;
        away
    }

    /// The page's title: "Atelier", or "(3) Atelier" while tasks finished unseen.
    #[cfg(feature = "hydrate")]
    fn title(self) -> String {
        match self.0.get() {
            0 => "Atelier".into(),
            n => format!("({n}) Atelier"),
        }
    }
}

/// Called with each task a live event brings, before the queue takes it in.
#[cfg(feature = "hydrate")]
pub fn on_task(queue: &Queue, toasts: &Toasts, away: &Away, task: &crate::domain::TaskView) {
    use crate::components::shared::text::excerpt;
    use crate::domain::TaskStatus;
    use crate::i18n::{Label, Locale};
    let was = untrack(|| queue.task(task.id)).map(|t| t.status);
    if was.is_some_and(|s| s.is_finished()) || was == Some(task.status) {
        return;
    }
    let t = t();
    let prompt = excerpt(task.params.prompt(), 40);
    let (text, tone, ms) = match task.status {
        TaskStatus::Completed => ((t.task_completed)(&prompt), Tone::Success, 5_000),
        TaskStatus::Failed => {
            let reason = task.error.as_ref().map(|e| t.failure(e)).unwrap_or_default();
            ((t.task_failed)(&prompt, reason), Tone::Failure, 8_000)
        }
        other => return toasts.announce((t.task_now)(&prompt, other.label(Locale::of_page()))),
    };
    if crate::browser::hidden() {
        away.0.update(|n| *n += 1);
        if browser::may_notify() {
            let _ = web_sys::Notification::new(&text);
        }
    }
    let (group, many): (_, fn(u32) -> String) = match task.status {
        TaskStatus::Failed => ("failed", t.tasks_failed),
        _ => ("completed", t.tasks_completed),
    };
    toasts.tell(group, text, tone, ms, many);
}

/// A button that asks the browser's permission to notify, shown until that is decided.
#[component]
pub fn NotifyToggle() -> impl IntoView {
    let undecided = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| undecided.set(browser::undecided()));
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        if let Ok(promise) = web_sys::Notification::request_permission() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                undecided.set(browser::undecided());
            });
        }
    };
    view! {
        <Show when=move || undecided.get()>
            <button type="button" class="icon-button" data-testid="notify-enable" on:click=ask
                title=t().notify_enable aria-label=t().notify_enable>
                {Icon::Bell.view(18)}
            </button>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use web_sys::{Notification, NotificationPermission};

    pub fn may_notify() -> bool {
        Notification::permission() == NotificationPermission::Granted
    }

    pub fn undecided() -> bool {
        Notification::permission() == NotificationPermission::Default
    }
}

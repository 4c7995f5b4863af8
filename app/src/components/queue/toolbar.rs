//! The queue's toolbar, a row of labelled icon buttons: pause or resume the queue, clear
//! completed tasks (with ten seconds to undo, see `clear.rs`), download every completed
//! result as a ZIP; rarer actions (clear the failed) in the overflow menu. An action that
//! would do nothing is disabled.

use super::clear::{clear, send_clear_on_leave};
use super::state::Queue;
use crate::api::{pause_queue, resume_queue, Empty, Strict};
use crate::components::shared::clock::Clock;
use crate::components::shared::icons::Icon;
use crate::components::shared::listen::on_window;
use crate::components::shared::membership::Membership;
use crate::components::shared::menu::Menu;
use crate::components::shared::toasts::Toasts;
use crate::domain::{TaskEvent, TaskStatus};
use crate::i18n::t;
use leptos::prelude::*;

/// Pause / resume, "Clear completed", the ZIP of every completed result, and the menu.
#[component]
pub fn QueueToolbar() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toasts = expect_context::<Toasts>();
    let clock = expect_context::<Clock>();
    let toggle = move |_| {
        let pause = !queue.is_paused();
        queue.act(async move {
            let state =
                if pause { pause_queue(Strict(Empty {})).await? } else { resume_queue(Strict(Empty {})).await? };
            queue.apply(TaskEvent::Queue { paused: state.paused, version: state.version });
            Ok(())
        })
    };
    on_window(leptos::ev::pagehide, move |_| send_clear_on_leave(queue));
    let count = move |status: TaskStatus| queue.shown_count(Some(status));
    let none_completed = move || count(TaskStatus::Completed) == 0;
    let none_failed = move || count(TaskStatus::Failed) == 0;
    let none_cancelled = move || count(TaskStatus::Cancelled) == 0;
    let t = t();
    // A viewer may download; pausing and clearing are the editors'.
    let membership = expect_context::<Membership>();
    let editable = membership.can_edit();
    // A guest's queue exists once it holds a task: before, there is nothing to pause (the
    // server stores nothing for a guest that has stored nothing).
    let guest = membership.name().is_none();
    let nothing_to_pause = move || guest && !queue.is_paused() && queue.shown_count(None) == 0;
    view! {
        <div class="queue-toolbar" role="toolbar" aria-label=t.queue>
            <Show when=move || editable>
            <button type="button" class="tool" data-testid="pause-toggle" on:click=toggle
                disabled=nothing_to_pause title=move || nothing_to_pause().then_some(t.nothing_to_pause)
                aria-pressed=move || queue.is_paused().to_string()>
                {move || if queue.is_paused() { Icon::Play.view(16).into_any() } else { Icon::Pause.view(16).into_any() }}
                <span>{move || if queue.is_paused() { t.resume } else { t.pause }}</span>
            </button>
            <button type="button" class="tool" data-testid="clear-completed" disabled=none_completed
                title=t.clear_completed_title
                on:click=move |_| clear(queue, toasts, clock, &[TaskStatus::Completed])>
                {Icon::Clear.view(16)}<span>{t.clear_completed}</span>
            </button>
            </Show>
            // A link (the browser downloads it), shown as a button; disabled, a button.
            {move || if none_completed() {
                view! {
                    <button type="button" class="tool" disabled=true data-testid="download-all" aria-label=t.download_all
                        title=t.download_all>
                        {Icon::Download.view(16)}<span>"ZIP"</span>
                    </button>
                }.into_any()
            } else {
                view! {
                    <a class="tool" href="/downloads/completed.zip" download="" data-testid="download-all"
                        aria-label=t.download_all title=t.download_all>
                        {Icon::Download.view(16)}<span>"ZIP"</span>
                    </a>
                }.into_any()
            }}
            {editable.then(|| view! {
                <Menu label=t.more_actions test_id="queue-more" icon=Icon::More>
                    <button type="button" class="menu-item" role="menuitem" data-testid="clear-failed"
                        title=t.clear_failed_title disabled=none_failed
                        on:click=move |_| clear(queue, toasts, clock, &[TaskStatus::Failed])>
                        {Icon::Clear.view(16)}<span>{t.clear_failed}</span>
                    </button>
                    <button type="button" class="menu-item" role="menuitem" data-testid="clear-cancelled"
                        title=t.clear_cancelled_title disabled=none_cancelled
                        on:click=move |_| clear(queue, toasts, clock, &[TaskStatus::Cancelled])>
                        {Icon::Clear.view(16)}<span>{t.clear_cancelled}</span>
                    </button>
                </Menu>
            })}
        </div>
    }
    .into_any()
}

//! The queue panel: its heading, count and toolbar, the filters and status lines, which
//! stay in view, and under them the list, which alone scrolls: submissions on their way,
//! then the tasks newest first, with older pages on demand.

use super::filters::QueueFilters;
use super::groups::OpenGroups;
use super::health::HealthBanner;
use super::list::TaskList;
use super::state::{Outgoing, Queue};
use super::toolbar::QueueToolbar;
use crate::components::form::handle::FormHandle;
use crate::components::live::LiveStatus;
use crate::components::shared::listen::on_window;
use crate::components::shared::text::{error_text, excerpt};
use crate::domain::TaskStatus;
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;

/// The task list with its heading and counts.
#[component]
pub fn QueuePanel() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let form = expect_context::<FormHandle>();
    let tasks = Memo::new(move |_| queue.tasks());
    let retry_limit = Signal::derive(move || queue.retry_limit());
    let scroller = NodeRef::<html::Div>::new();
    let open = expect_context::<OpenGroups>().0;
    let scrolled = RwSignal::new(0u32);
    let bump = move || scrolled.update(|n| *n = n.wrapping_add(1));
    on_window(leptos::ev::resize, move |_| bump());
    on_window(leptos::ev::scroll, move |_| bump());
    let near_end = Callback::new(move |()| queue.load_older());
    let total =
        move || queue.shown_count(queue.filter.with(|f| f.status.as_deref().and_then(|s| TaskStatus::parse(s).ok())));
    let t = t();
    let load_error = move || queue.page.get().and_then(Result::err).map(|e| error_text(t, &e));
    view! {
        <section class="queue" aria-label=t.queue>
            <header class="queue-head">
                <h2>{t.queue}</h2>
                <span class="queue-count" data-testid="queue-count">{move || (t.task_count)(total())}</span>
                <QueueToolbar/>
            </header>
            <QueueFilters/>
            <div class="queue-lines">
                <Show when=move || queue.is_paused()>
                    <p class="status-line paused" data-testid="paused-badge">{t.paused}</p>
                </Show>
                <LiveStatus/>
                <HealthBanner/>
                {move || queue.notice.get().map(|n| view! { <p class="queue-error" role="alert" data-testid="queue-notice">{n}</p> })}
                {move || load_error().map(|e| view! { <p class="queue-error" role="alert">{e}</p> })}
            </div>
            <div class="queue-scroll" node_ref=scroller on:scroll=move |_| bump() data-testid="queue-scroll">
                <TaskList tasks open retry_limit scroller scrolled=scrolled.read_only() near_end>
                    <For each=move || queue.outbox.get() key=|o| (o.local_id, o.refusal.is_some()) let:out>
                        <OutgoingRow out form/>
                    </For>
                </TaskList>
                <Show when=move || queue.next_cursor().is_some()>
                    <button type="button" class="link more" data-testid="load-older" on:click=move |_| queue.load_older()>
                        {t.load_older}
                    </button>
                </Show>
                <Show when=move || queue.page.with(Option::is_none)>
                    <p class="queue-empty">{t.loading}</p>
                </Show>
                <Show when=move || queue.page.with(Option::is_some) && total() == 0 && queue.outbox.with(Vec::is_empty)>
                    <p class="queue-empty" data-testid="queue-empty">{t.empty}</p>
                </Show>
            </div>
        </section>
    }
    .into_any()
}

/// A submission still travelling, or refused with the reason and a way back to the form.
#[component]
fn OutgoingRow(out: Outgoing, form: FormHandle) -> impl IntoView {
    let queue = expect_context::<Queue>();
    let t = t();
    let refused = out.refusal.clone();
    let (request, reason) = (out.request.clone(), out.refusal.clone());
    let test_id = if refused.is_some() { "task-refused" } else { "task-sending" };
    view! {
        <li class="task outgoing" data-testid=test_id>
            <span class="task-prompt">{excerpt(&out.request.prompt, 80)}</span>
            {match refused {
                None => view! { <span class="badge status-sending">{t.sending}</span> }.into_any(),
                Some(err) => view! {
                    <span class="badge status-failed">{t.not_queued}</span>
                    <span class="task-error">{error_text(t, &err)}</span>
                    <button type="button" class="link" on:click=move |_| {
                        form.restore(&request, reason.clone());
                        queue.dismiss(out.local_id);
                    }>{t.edit_and_resend}</button>
                }.into_any(),
            }}
        </li>
    }
}

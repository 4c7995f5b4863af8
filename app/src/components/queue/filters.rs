//! Finding tasks in a long queue: status tabs with their counts, a kind filter and a
//! search over prompts. Changing one narrows the list at once (the rule is the server's,
//! `ListFilter::matches`) and reads the first page for it; the counts follow live events
//! (read again shortly after each burst of them).

use super::state::Queue;
use crate::domain::{ListQuery, TaskKind, TaskStatus};
use crate::i18n::{t, Label, Locale};
use leptos::prelude::*;

/// How long the search waits for more typing.
#[cfg(feature = "hydrate")]
const SEARCH_MS: u32 = 250;

#[component]
pub fn QueueFilters() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let (t, locale) = (t(), Locale::of_page());
    let current = move || queue.filter.with(|f| f.status.clone());
    let tab = move |status: Option<TaskStatus>| {
        let wire = status.map(|s| s.as_str().to_owned());
        let id = format!("filter-{}", status.map_or("all", TaskStatus::as_str));
        let label = status.map_or(t.all, |s| s.label(locale));
        let selected = {
            let wire = wire.clone();
            move || current() == wire
        };
        let count = move || queue.shown_count(status);
        view! {
            <button type="button" role="tab" class="filter-tab" data-testid=id aria-selected=move || selected().to_string()
                on:click=move |_| queue.set_filter(ListQuery { status: wire.clone(), ..queue.filter.get_untracked() })>
                {label}" "<span class="filter-count">{count}</span>
            </button>
        }
    };
    let search_typed = StoredValue::new(0u64);
    let on_search = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let typed = search_typed.get_value() + 1;
        search_typed.set_value(typed);
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            gloo_timers::future::TimeoutFuture::new(SEARCH_MS).await;
            if search_typed.get_value() == typed {
                let q = Some(text).filter(|q| !q.trim().is_empty());
                queue.set_filter(ListQuery { q, ..queue.filter.get_untracked() });
            }
        });
    };
    view! {
        <div class="filters">
            <div class="filter-tabs" role="tablist" aria-label=t.status>
                {tab(None)}
                {TaskStatus::ALL.iter().copied().map(|s| tab(Some(s))).collect_view()}
            </div>
            <div class="filter-row">
                <select data-testid="kind-filter" aria-label=t.kind on:change=move |ev| {
                    let kind = Some(event_target_value(&ev)).filter(|k| !k.is_empty());
                    queue.set_filter(ListQuery { kind, ..queue.filter.get_untracked() });
                }>
                    <option value="">{t.all_kinds}</option>
                    {TaskKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label(locale)}</option> }).collect_view()}
                </select>
                <input type="search" data-testid="search" placeholder=t.search aria-label=t.search on:input=on_search/>
            </div>
        </div>
    }
}

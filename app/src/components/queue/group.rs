//! A group's header: the tasks of one submission of several under one line ("10 variants
//! · 7 done"), their results as a strip of thumbnails (a click shows one whole) and the
//! others as status marks; it opens to their rows and closes again.

use crate::components::shared::icons::Icon;
use crate::components::shared::lightbox::Lightbox;
use crate::domain::{TaskStatus, TaskView};
use crate::i18n::{t, Label, Locale};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn GroupRow(id: Uuid, tasks: Vec<TaskView>, open: bool, on_toggle: Callback<()>) -> impl IntoView {
    let (t, locale) = (t(), Locale::of_page());
    let n = tasks.len();
    let done = tasks.iter().filter(|task| task.status == TaskStatus::Completed).count();
    let prompt = tasks.last().map(|task| task.params.prompt().to_owned()).unwrap_or_default();
    let same_prompt = tasks.iter().all(|task| task.params.prompt() == prompt);
    let lightbox = use_context::<Lightbox>();
    // Oldest first: variant 1 on the left.
    let marks = tasks.iter().rev().map(|task| {
        let status = task.status;
        match task.result.as_ref().filter(|_| status == TaskStatus::Completed) {
            Some(content) => {
                let media = content.media.clone();
                let still = media.still_url().unwrap_or_else(|| media.url());
                view! {
                    <button type="button" class="strip-thumb" title=t.full_size aria-label=t.full_size
                        data-testid="group-thumb" on:click=move |_| {
                            if let Some(lightbox) = lightbox {
                                lightbox.open(media.clone());
                            }
                        }>
                        <img src=still alt="" loading="lazy"/>
                    </button>
                }
                .into_any()
            }
            None => view! {
                <span class=format!("strip-mark status-{}", status.as_str()) title=status.label(locale)
                    data-testid="group-mark"></span>
            }
            .into_any(),
        }
    });
    view! {
        <li class="task-group" class:open=open data-testid="task-group" data-task-id=id.to_string()>
            <button type="button" class="group-toggle" data-testid="group-toggle" aria-expanded=open.to_string()
                on:click=move |_| on_toggle.run(())>
                <span class="group-chevron" aria-hidden="true">{if open { "▾" } else { "▸" }}</span>
                <span class="task-prompt" title=prompt.clone()>{prompt.clone()}</span>
            </button>
            <span class="group-count" data-testid="group-count">
                {(t.group_title)(n, same_prompt)}" · "{(t.group_done)(done)}
            </span>
            <div class="group-strip">{Icon::List.view(14)}{marks.collect_view()}</div>
        </li>
    }
}

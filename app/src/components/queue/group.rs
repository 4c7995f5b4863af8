//! A group's header: the tasks of one submission of several under one line, titled by the
//! prompt they share or by how many prompts they hold ("3 prompts · 6 tasks · 2 done"),
//! their results as a strip of thumbnails (a click shows one whole) and the others as
//! status marks, each naming its seed; it opens to their rows and closes again.

use super::groups::{title, Title};
use super::known::Held;
use crate::components::shared::icons::Icon;
use crate::components::shared::lightbox::Lightbox;
use crate::domain::TaskStatus;
use crate::i18n::{t, Label, Locale};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn GroupRow(id: Uuid, tasks: Vec<Held>, open: bool, on_toggle: Callback<()>) -> impl IntoView {
    let (t, locale) = (t(), Locale::of_page());
    let n = tasks.len();
    let done = tasks.iter().filter(|task| task.status == TaskStatus::Completed).count();
    let (heading, same_prompt) = match title(&tasks) {
        Title::Prompt(prompt) => (prompt, true),
        Title::Prompts(prompts) => ((t.group_prompts)(prompts), false),
    };
    let lightbox = use_context::<Lightbox>();
    let seeds = seed_range(&tasks).map(|(first, last)| {
        view! { <span class="chip strip-seeds" data-testid="group-seeds">{(t.seeds_range)(first, last)}</span> }
    });
    // Oldest first: variant 1 on the left.
    let marks = tasks.iter().rev().enumerate().map(|(i, task)| {
        let status = task.status;
        let seed = task.params.seed().map(|seed| seed.to_string());
        let title = (t.strip_title)(i + 1, seed.as_deref(), status.label(locale));
        match task.result.as_ref().filter(|_| status == TaskStatus::Completed) {
            Some(content) => {
                let media = content.media.clone();
                let still = media.still_url().unwrap_or_else(|| media.url());
                view! {
                    <button type="button" class="strip-thumb" aria-label=format!("{} · {title}", t.full_size) title=title
                        data-testid="group-thumb" data-seed=seed on:click=move |_| {
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
                <span class=format!("strip-mark status-{}", status.as_str()) title=title.clone() role="img"
                    aria-label=title data-testid="group-mark" data-seed=seed></span>
            }
            .into_any(),
        }
    });
    view! {
        <li class="task-group" class:open=open data-testid="task-group" data-task-id=id.to_string()>
            <button type="button" class="group-toggle" data-testid="group-toggle" aria-expanded=open.to_string()
                on:click=move |_| on_toggle.run(())>
                <span class="group-chevron" aria-hidden="true">{if open { "▾" } else { "▸" }}</span>
                <span class="task-prompt" data-testid="group-title" title=heading.clone()>{heading.clone()}</span>
            </button>
            <span class="group-count" data-testid="group-count">
                {(t.group_size)(n, same_prompt)}" · "{(t.group_done)(done)}
            </span>
            <div class="group-strip">{Icon::List.view(14)}{marks.collect_view()}{seeds}</div>
        </li>
    }
}

/// The first and last seed when the tasks' seeds count up one by one from the oldest
/// (the variants of one submission), so the header can name them all in one chip.
fn seed_range(tasks: &[Held]) -> Option<(u32, u32)> {
    let seeds: Option<Vec<u32>> = tasks.iter().rev().map(|task| task.params.seed()).collect();
    let seeds = seeds?;
    let (first, last) = (*seeds.first()?, *seeds.last()?);
    let counts_up = seeds.windows(2).all(|pair| pair[0].wrapping_add(1) == pair[1]);
    (seeds.len() > 1 && counts_up).then_some((first, last))
}

//! The generation form: Image / Video tabs, the prompt and Generate always in view; size,
//! style, seed, variants and the negative prompt folded into *Options* (its state
//! remembered, opened by a problem inside), every field with a default, inline validation
//! (the same rules the server applies), Ctrl/Cmd+Enter. A valid submission resets the
//! form at once and travels in the background; refused input comes back.

use super::field::Field;
use super::handle::FormHandle;
use super::send::send;
use super::state::FormState;
use crate::components::board::state::Board;
use crate::components::queue::highlight::Highlight;
use crate::components::queue::state::Queue;
use crate::components::shared::icons::Icon;
use crate::components::shared::text::error_text;
use crate::components::shared::toasts::{Toasts, Tone};
use crate::domain::{prompt_count, short_id, Fps, ImageSize, Resolution, StylePreset, TaskKind};
use crate::i18n::{t, Label, Locale};
use leptos::html;
use leptos::prelude::*;

/// The generation form.
#[component]
pub fn GenerateForm() -> impl IntoView {
    let form = expect_context::<FormHandle>();
    let queue = expect_context::<Queue>();
    let board = expect_context::<Board>();
    let toasts = expect_context::<Toasts>();
    let highlight = expect_context::<Highlight>();
    let prompt_ref = NodeRef::<html::Textarea>::new();
    let state = form.state;
    let kind = move || state.with(|s| s.kind);
    let (t, locale) = (t(), Locale::of_page());

    // How many tasks Generate queues: the prompts the text makes, times the variants.
    let tasks = Memo::new(move |_| {
        state.with(|s| {
            let variants = s.variants.trim().parse::<usize>().unwrap_or(1).max(1);
            prompt_count(&s.prompt).max(1).saturating_mul(variants)
        })
    });
    let submit = move || {
        let snapshot = state.get_untracked();
        let Ok(mut request) = snapshot.to_request() else {
            form.attempted.set(true);
            return;
        };
        if tasks.get_untracked() > CONFIRM_ABOVE && !confirmed((t.confirm_many)(tasks.get_untracked())) {
            return;
        }
        request.idempotency_key = Some(uuid::Uuid::new_v4().to_string());
        form.reset(snapshot.kind);
        if let Some(el) = prompt_ref.get_untracked() {
            let _ = el.focus();
        }
        let local_id = queue.begin(request.clone());
        let frame = form.frame.get_untracked();
        leptos::task::spawn_local(async move {
            let result = send(&request).await;
            if let Some(answer) = result.as_ref().ok().filter(|a| a.deduplicated) {
                // Folded into an earlier identical submission: say so, and show which.
                let ids: Vec<_> = answer.tasks.iter().map(|t| t.id).collect();
                let first = ids.first().map(|id| short_id(*id)).unwrap_or_default();
                toasts.show((t.deduplicated)(&first), Tone::Info, 6_000);
                highlight.show(ids);
            }
            let result = result.map(|r| r.tasks);
            if let Err(err) = &result {
                // Give the input back unless the user has already started on the next one.
                if state.with_untracked(|s| *s == FormState::defaults(s.kind)) {
                    form.restore(&request, Some(err.clone()));
                    queue.dismiss(local_id);
                    return;
                }
            }
            if let (true, Ok(tasks)) = (frame, &result) {
                board.frame(&tasks.iter().map(|t| t.id).collect::<Vec<_>>());
            }
            queue.settle(local_id, result);
        });
    };

    let tab = move |k: TaskKind| {
        view! {
            <button type="button" role="tab" class="tab" data-testid=format!("tab-{}", k.as_str())
                aria-selected=move || (kind() == k).to_string()
                on:click=move |_| state.update(|s| s.kind = k)>
                {match k {
                    TaskKind::Image => Icon::Image.view(16),
                    TaskKind::Video => Icon::Video.view(16),
                }}
                <span>{k.label(locale)}</span>
            </button>
        }
    };

    let options_open = form.options_open;
    // A problem in a folded field opens the options, so that it is seen.
    Effect::new(move |_| {
        let hidden = ["negative_prompt", "seed", "variants", "duration_secs"];
        if hidden.iter().any(|f| form.error_for(f).with(Option::is_some)) {
            options_open.set(true);
        }
    });
    let summary = move || state.with(|s| options_summary(s, t, locale));

    view! {
        // Before the script arrives the form posts itself (`compose`) and the server sends
        // the browser back to the page, which lists what it queued; then the script sends it.
        <form class="generate" data-testid="generate-form" novalidate method="post" action="/api/compose"
            on:submit=move |ev| { ev.prevent_default(); submit(); }
            on:keydown=move |ev| {
                if (ev.ctrl_key() || ev.meta_key()) && ev.key() == "Enter" {
                    ev.prevent_default();
                    submit();
                }
            }>
            <input type="hidden" id="compose-kind" name="kind" prop:value=move || kind().as_str()/>
            <Field label=t.prompt name="prompt" error=form.error_for("prompt") quiet=true>
                <textarea id="prompt" name="prompt" data-testid="prompt" rows="3" node_ref=prompt_ref
                    placeholder=t.prompt_placeholder
                    prop:value=move || state.with(|s| s.prompt.clone())
                    on:input=move |ev| { state.update(|s| s.prompt = event_target_value(&ev)); form.touch("prompt"); }>
                    // Rendered as the page's text too (a property is not), for a form the
                    // server gave back before the script arrived.
                    {untrack(|| state.with(|s| s.prompt.clone()))}
                </textarea>
            </Field>
            {move || form.refusal.get().filter(|e| e.field_errors().is_none()).map(|e| view! {
                <p class="form-error" role="alert" data-testid="form-error">{error_text(t, &e)}</p>
            })}
            <div class="composer-bar">
                <div class="tabs" role="tablist" aria-label=t.kind>{tab(TaskKind::Image)}{tab(TaskKind::Video)}</div>
                <button type="button" class="options-toggle" data-testid="options-toggle" aria-controls="options"
                    aria-expanded=move || options_open.get().to_string()
                    on:click=move |_| form.set_options_open(!options_open.get_untracked())>
                    {Icon::Options.view(16)}
                    <span class="options-label">{t.options}</span>
                    <span class="options-summary" data-testid="options-summary">{summary}</span>
                </button>
                <button type="submit" class="primary" data-testid="generate" title=t.shortcut>
                    {move || match tasks.get() {
                        1 => t.generate.to_owned(),
                        n => (t.generate_n)(n),
                    }}
                </button>
            </div>
            <div class="options" id="options" data-testid="options" hidden=move || !options_open.get()>
                <Show when=move || kind() == TaskKind::Image>
                    <div class="row">
                        {choice(form, "size", t.size, ImageSize::ALL, ImageSize::as_str, |s| s.size, |s, v| s.size = v)}
                        {choice(form, "style", t.style, StylePreset::ALL, StylePreset::as_str,
                            |s| s.style, |s, v| s.style = v)}
                    </div>
                </Show>
                <Show when=move || kind() == TaskKind::Video>
                    <div class="row">
                        {number(form, "duration_secs", t.duration, "2", "10",
                            |s| s.duration_secs.clone(), |s, v| s.duration_secs = v)}
                        {choice(form, "resolution", t.resolution, Resolution::ALL, Resolution::as_str,
                            |s| s.resolution, |s, v| s.resolution = v)}
                        {choice(form, "fps", t.fps, Fps::ALL, Fps::as_str, |s| s.fps, |s, v| s.fps = v)}
                    </div>
                </Show>
                <div class="row">
                    {number(form, "seed", t.seed, "0", "4294967295", |s| s.seed.clone(), |s, v| s.seed = v)}
                    {number(form, "variants", t.variants, "1", "10", |s| s.variants.clone(), |s, v| s.variants = v)}
                </div>
                <Field label=t.negative_prompt name="negative_prompt" error=form.error_for("negative_prompt")>
                    <textarea id="negative_prompt" name="negative_prompt" data-testid="negative_prompt" rows="2"
                        prop:value=move || state.with(|s| s.negative_prompt.clone())
                        on:input=move |ev| {
                            state.update(|s| s.negative_prompt = event_target_value(&ev));
                            form.touch("negative_prompt");
                        }>
                    </textarea>
                </Field>
                <label class="check">
                    <input type="checkbox" data-testid="frame-option" prop:checked=move || form.frame.get()
                        on:change=move |ev| form.frame.set(event_target_checked(&ev))/>
                    {t.frame_option}
                </label>
            </div>
        </form>
    }
    .into_any()
}

/// Past this many tasks at once, Generate asks first.
const CONFIRM_ABOVE: usize = 100;

/// Whether the user confirms `question` (the browser's own dialog).
fn confirmed(question: String) -> bool {
    #[cfg(feature = "hydrate")]
    return window().confirm_with_message(&question).unwrap_or(false);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

/// What the folded options hold now, in a line: "1024 × 1024 · No preset · random seed".
fn options_summary(s: &FormState, t: &'static crate::i18n::Text, locale: Locale) -> String {
    let mut parts: Vec<String> = match s.kind {
        TaskKind::Image => vec![s.size.label(locale).into(), s.style.label(locale).into()],
        TaskKind::Video => {
            vec![(t.seconds)(s.duration_secs.trim()), s.resolution.label(locale).into(), s.fps.label(locale).into()]
        }
    };
    parts.push(match s.seed.trim() {
        "" => t.seed_auto.into(),
        seed => (t.seed_is)(seed),
    });
    if let Some(n) = s.variants.trim().parse::<u32>().ok().filter(|n| *n > 1) {
        parts.push((t.variants_count)(n));
    }
    parts.join(" · ")
}

/// A `<select>` over a closed set of values, each shown by its label.
fn choice<T: Label + PartialEq + Send + Sync + 'static>(
    form: FormHandle,
    name: &'static str,
    label: &'static str,
    options: &'static [T],
    wire: fn(T) -> &'static str,
    get: fn(&FormState) -> T,
    set: fn(&mut FormState, T),
) -> impl IntoView {
    let state = form.state;
    let locale = Locale::of_page();
    view! {
        <Field label name error=form.error_for(name)>
            <select id=name name=name data-testid=name
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(v) = options.iter().copied().find(|o| wire(*o) == value) {
                        state.update(|s| set(s, v));
                    }
                }>
                {options.iter().copied().map(|o| view! {
                    <option value=wire(o) selected=move || state.with(|s| get(s) == o)>{o.label(locale)}</option>
                }).collect_view()}
            </select>
        </Field>
    }
}

/// A whole-number `<input>`, kept as typed so the message can say what is wrong with it.
fn number(
    form: FormHandle,
    name: &'static str,
    label: &'static str,
    min: &'static str,
    max: &'static str,
    get: fn(&FormState) -> String,
    set: fn(&mut FormState, String),
) -> impl IntoView {
    let state = form.state;
    view! {
        <Field label name error=form.error_for(name)>
            <input id=name name=name data-testid=name type="number" inputmode="numeric" min=min max=max step="1"
                prop:value=move || state.with(get)
                on:input=move |ev| { state.update(|s| set(s, event_target_value(&ev))); form.touch(name); }/>
        </Field>
    }
}

//! The toasts in the page's corner, announced to screen readers (`aria-live`); one with an
//! action keeps a button for it until it goes. Beside them, a hidden live line for news
//! meant for screen readers only.

use super::toasts::Toasts;
use crate::i18n::t;
use leptos::prelude::*;

/// The page's toasts and its screen-reader line.
#[component]
pub fn ToastList() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let t = t();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.shown.get() key=|toast| (toast.id, toast.text.clone()) let:toast>
                <div class=format!("toast tone-{:?}", toast.tone).to_lowercase() data-testid="toast">
                    <span>{toast.text.clone()}</span>
                    {toast.action.map(|(label, action)| view! {
                        <button type="button" class="link" data-testid="toast-action" on:click=move |_| {
                            action();
                            toasts.dismiss(toast.id);
                        }>{label}</button>
                    })}
                    <button type="button" class="link toast-close" aria-label=t.close
                        on:click=move |_| toasts.dismiss(toast.id)>"×"</button>
                </div>
            </For>
        </div>
        <p class="sr-only" aria-live="polite" data-testid="announcer">{move || toasts.announced.get()}</p>
    }
}

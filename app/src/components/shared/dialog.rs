//! A modal dialog over the page: a backdrop, a panel with a Close button, closed by
//! Escape or a click on the backdrop, unless it must stay (the sign-in a page without
//! guests asks for, which has no Close either).

use super::listen::on_window;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn Dialog(
    open: RwSignal<bool>,
    label: &'static str,
    test_id: &'static str,
    /// It cannot be closed (and its backdrop hides the page).
    #[prop(optional)]
    stays: bool,
    /// Shown where Close would be when it stays.
    #[prop(optional)]
    title: Option<&'static str>,
    children: ChildrenFn,
) -> impl IntoView {
    on_window(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && !stays {
            open.set(false);
        }
    });
    let t = t();
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop" class:opaque=stays on:click=move |_| open.set(stays)></div>
            <div class="dialog" role="dialog" aria-modal="true" data-testid=test_id aria-label=label>
                {if stays {
                    title.map(|title| view! { <h2 class="dialog-title">{title}</h2> }).into_any()
                } else {
                    view! {
                        <button type="button" class="dialog-close secondary" on:click=move |_| open.set(false)>{t.close}</button>
                    }.into_any()
                }}
                {children()}
            </div>
        </Show>
    }
}

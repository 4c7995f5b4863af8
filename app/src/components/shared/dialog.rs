//! A modal dialog over the page: a backdrop, a panel with a Close button, closed by
//! Escape or a click on the backdrop, unless it must stay (the sign-in a page without
//! guests asks for, which has no Close either). As the WAI-ARIA dialog pattern has it:
//! opening moves the focus into it, Tab and Shift+Tab stay inside, and closing gives the
//! focus back to where it was.

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
    let panel = NodeRef::<leptos::html::Div>::new();
    on_window(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && !stays {
            open.set(false);
        }
        #[cfg(feature = "hydrate")]
        if let (true, Some(panel)) = (open.get_untracked(), panel.get_untracked()) {
            crate::browser::keep_tab_inside(&e, &panel);
        }
    });
    #[cfg(feature = "hydrate")]
    {
        // Where the focus was before it opened, given back when it closes.
        let before = StoredValue::new_local(None::<web_sys::HtmlElement>);
        // Its value: whether the focus went in (the panel may be drawn after `open` is set).
        Effect::new(move |inside: Option<bool>| match (inside.unwrap_or(false), open.get(), panel.get()) {
            (false, true, Some(panel)) => {
                before.set_value(crate::browser::focused());
                crate::browser::focus_first(&panel);
                true
            }
            (true, false, _) => {
                if let Some(element) = before.get_value().filter(|e| e.is_connected()) {
                    let _ = element.focus();
                }
                false
            }
            (inside, _, _) => inside,
        });
    }
    let t = t();
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop" class:opaque=stays on:click=move |_| open.set(stays)></div>
            <div class="dialog" role="dialog" aria-modal="true" data-testid=test_id aria-label=label node_ref=panel>
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

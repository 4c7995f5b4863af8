//! A menu behind a button (the queue's rarer actions, the workspace switcher): opens on
//! click, closes on a choice, on Escape and on a click elsewhere.

use super::icons::Icon;
use super::listen::on_window;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Menu(
    /// The button's accessible name and tooltip.
    label: &'static str,
    test_id: &'static str,
    icon: Icon,
    /// Words beside the icon (the switcher's workspace name); an icon-only button without.
    #[prop(optional, into)]
    text: Option<String>,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let root = NodeRef::<html::Div>::new();
    on_window(leptos::ev::pointerdown, move |ev| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = root.get_untracked().is_some_and(|r| r.contains(target.as_ref()));
            if open.get_untracked() && !inside {
                open.set(false);
            }
        }
        let _ = ev;
    });
    on_window(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    });
    let class = if text.is_some() { "menu-button" } else { "icon-button" };
    view! {
        <div class="menu" node_ref=root>
            <button type="button" class=class data-testid=test_id
                aria-haspopup="menu" title=label aria-label=label aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {icon.view(18)}
                {text.map(|text| view! { <span class="menu-button-text">{text}</span> })}
            </button>
            // Hidden, not removed: what a choice starts (a toast's undo) outlives the menu.
            <div class="menu-items" role="menu" hidden=move || !open.get() on:click=move |_| open.set(false)>
                {children()}
            </div>
        </div>
    }
}

//! The phone's bottom bar: Create, Queue (with how many tasks are still to finish) and
//! Board, each filling the screen above it (`shared/phone.rs`). Hidden on a desktop.

use crate::components::queue::state::Queue;
use crate::components::shared::icons::Icon;
use crate::components::shared::phone::{Pane, PhoneView};
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn PhoneBar() -> impl IntoView {
    let phone = expect_context::<PhoneView>();
    let queue = expect_context::<Queue>();
    let t = t();
    let button = move |pane: Pane| {
        let (icon, label) = match pane {
            Pane::Create => (Icon::Compose, t.pane_create),
            Pane::Queue => (Icon::List, t.pane_queue),
            Pane::Board => (Icon::Board, t.pane_board),
        };
        let count = move || (pane == Pane::Queue).then(|| queue.unfinished_count()).filter(|n| *n > 0);
        view! {
            <button type="button" class="phone-tab" data-testid=format!("pane-{}", pane.as_str())
                aria-current=move || (phone.pane() == pane).then_some("page")
                on:click=move |_| phone.show(pane)>
                {icon.view(20)}
                <span>{label}{move || count().map(|n| format!(" {n}"))}</span>
            </button>
        }
    };
    view! { <nav class="phone-bar" aria-label=t.panel>{Pane::ALL.map(button)}</nav> }
}

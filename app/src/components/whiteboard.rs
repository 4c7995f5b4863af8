//! The whiteboard area. For now a plain canvas placeholder; results land here later.

use crate::i18n::t;
use leptos::prelude::*;

/// The board beside the panel.
#[component]
pub fn Whiteboard() -> impl IntoView {
    let t = t();
    view! {
        <section class="board" aria-label=t.board>
            <canvas data-testid="whiteboard" class="board-canvas" width="1600" height="1000"></canvas>
            <p class="board-hint">{t.board_hint}</p>
        </section>
    }
}

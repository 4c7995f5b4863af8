//! The whiteboard area. For now a plain canvas placeholder; results land here later.

use leptos::prelude::*;

/// The board beside the panel.
#[component]
pub fn Whiteboard() -> impl IntoView {
    view! {
        <section class="board" aria-label="Whiteboard">
            <canvas data-testid="whiteboard" class="board-canvas" width="1600" height="1000"></canvas>
            <p class="board-hint">"Generated images and videos will be placed here."</p>
        </section>
    }
}

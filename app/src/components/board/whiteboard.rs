//! The whiteboard: a pan and zoom surface holding the owner's items (results placed from
//! the queue, and frames that follow a task until its result replaces them). Drag the
//! background (one finger) or the wheel to pan, Ctrl/⌘ + wheel or a pinch (a trackpad's,
//! or two fingers on a touch screen: `touch.rs`) to zoom, or the + / − buttons; items
//! move, resize and go (see `item.rs`). The items are read after hydration and stored on the server
//! (`state.rs`); changes made in the owner's other tabs arrive as live events (`live.rs`).

use super::item::BoardItem;
use super::state::{Board, Viewport};
use super::touch::Pointers;
use crate::i18n::t;
use leptos::prelude::*;

/// The board beside the panel.
#[component]
pub fn Whiteboard() -> impl IntoView {
    let board = expect_context::<Board>();
    let t = t();
    // The pointers down on the background: one pans, two pinch.
    let pointers = StoredValue::new(Pointers::default());
    // The surface's top-left corner on the screen, to zoom about a point on it.
    let origin = move || {
        #[cfg(feature = "hydrate")]
        return board.surface.get_untracked().map_or((0.0, 0.0), |el| crate::browser::origin_of(&el));
        #[cfg(not(feature = "hydrate"))]
        (0.0, 0.0)
    };
    let centre = move || {
        board
            .surface
            .get_untracked()
            .map_or((400.0, 300.0), |el| (f64::from(el.client_width()) / 2.0, f64::from(el.client_height()) / 2.0))
    };
    let layer_style = move || {
        let v = board.view.get();
        format!("transform: translate({}px, {}px) scale({});", v.x, v.y, v.zoom)
    };
    view! {
        <section class="board" aria-label=t.board>
            <div class="board-surface" data-testid="whiteboard" node_ref=board.surface
                on:pointerdown=move |ev| {
                    if ev.button() == 0 {
                        pointers.update_value(|p| p.down(ev.pointer_id(), (f64::from(ev.client_x()), f64::from(ev.client_y()))));
                    }
                }
                on:pointermove=move |ev| {
                    let at = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                    let Some(step) = pointers.try_update_value(|p| p.moved(ev.pointer_id(), at)).flatten() else { return };
                    board.view.update(|v| { v.x += step.pan.0; v.y += step.pan.1; });
                    if step.factor != 1.0 {
                        let (left, top) = origin();
                        board.zoom_at(step.factor, step.about.0 - left, step.about.1 - top);
                    }
                }
                on:pointerup=move |ev| pointers.update_value(|p| p.up(ev.pointer_id()))
                on:pointercancel=move |ev| pointers.update_value(|p| p.up(ev.pointer_id()))
                on:pointerleave=move |ev| pointers.update_value(|p| p.up(ev.pointer_id()))
                // As in design tools: the wheel (or two fingers) pans, Ctrl/⌘ + wheel zooms
                // about the pointer, and so does a pinch (the browser sends it with Ctrl).
                on:wheel=move |ev| {
                    ev.prevent_default();
                    let pixels = if ev.delta_mode() == 1 { 16.0 } else { 1.0 }; // lines or pixels
                    let (dx, dy) = (ev.delta_x() * pixels, ev.delta_y() * pixels);
                    if ev.ctrl_key() || ev.meta_key() {
                        let (left, top) = origin();
                        let (sx, sy) = (f64::from(ev.client_x()) - left, f64::from(ev.client_y()) - top);
                        board.zoom_at((-dy / 200.0).exp(), sx, sy);
                    } else if ev.shift_key() && dx == 0.0 {
                        board.view.update(|v| v.x -= dy);
                    } else {
                        board.view.update(|v| { v.x -= dx; v.y -= dy; });
                    }
                }>
                <div class="board-layer" style=layer_style data-testid="board-layer">
                    <For each=move || board.items.get() key=|item| (item.id, item.z, item.media.is_some()) let:item>
                        <BoardItem item/>
                    </For>
                </div>
            </div>
            <div class="board-tools">
                <button type="button" class="secondary" data-testid="zoom-out" aria-label=t.zoom_out
                    on:click=move |_| { let (x, y) = centre(); board.zoom_at(1.0 / 1.25, x, y) }>"−"</button>
                // The zoom, which resets the view when clicked.
                <button type="button" class="board-zoom" data-testid="zoom-reset" title=t.zoom_reset
                    aria-label=t.zoom_reset on:click=move |_| board.view.set(Viewport { x: 0.0, y: 0.0, zoom: 1.0 })>
                    <span data-testid="zoom">{move || format!("{:.0}%", board.view.get().zoom * 100.0)}</span>
                </button>
                <button type="button" class="secondary" data-testid="zoom-in" aria-label=t.zoom_in
                    on:click=move |_| { let (x, y) = centre(); board.zoom_at(1.25, x, y) }>"+"</button>
            </div>
            {move || board.notice.get().map(|n| view! { <p class="board-notice" role="alert">{n}</p> })}
            <Show when=move || board.items.with(Vec::is_empty)>
                <p class="board-hint">{t.board_hint}</p>
            </Show>
        </section>
    }
}

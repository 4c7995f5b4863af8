//! The whiteboard: a pan and zoom surface holding the owner's items (results placed from
//! the queue, and frames that follow a task until its result replaces them). Drag the
//! background to pan, the wheel to zoom (or the + / − buttons); items move, resize and go
//! (see `board_item.rs`). The items are read after hydration and stored on the server;
//! changes made in the owner's other tabs arrive as live events (`live.rs`).

use super::board_item::BoardItem;
use crate::api::{arrange_board_item, list_board, place_on_board, remove_board_item, ApiError, Strict};
use crate::domain::{ArrangeRequest, BoardItemRef, BoardItemView, ContentView, PlaceRequest};
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;
use uuid::Uuid;

/// The zoom limits.
const MIN_ZOOM: f64 = 0.1;
const MAX_ZOOM: f64 = 4.0;
/// How large a newly placed item looks on screen, at most (px).
const PLACED_SIZE: f64 = 320.0;

/// Which part of the board is in view: the screen point of the board's origin, and the zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

/// The board's state; provided by the workspace.
#[derive(Clone, Copy)]
pub struct Board {
    pub(super) items: RwSignal<Vec<BoardItemView>>,
    pub(super) view: RwSignal<Viewport>,
    surface: NodeRef<html::Div>,
    /// What the last board action failed with, if it did.
    notice: RwSignal<Option<String>>,
}

impl Board {
    pub fn new() -> Self {
        let board = Self {
            items: RwSignal::new(Vec::new()),
            view: RwSignal::new(Viewport { x: 0.0, y: 0.0, zoom: 1.0 }),
            surface: NodeRef::new(),
            notice: RwSignal::new(None),
        };
        #[cfg(feature = "hydrate")]
        board.reload();
        board
    }

    /// Reads the items again from the server.
    pub fn reload(self) {
        self.run(async move {
            let items = list_board().await?;
            self.items.set(items);
            Ok(())
        });
    }

    /// Places a result in the middle of the view, at most [`PLACED_SIZE`] on screen.
    pub fn insert(self, content: &ContentView) {
        let (w, h) = (content.width.unwrap_or(512) as f64, content.height.unwrap_or(512) as f64);
        let scale = (PLACED_SIZE / w.max(h)).min(1.0) / self.view.get_untracked().zoom;
        let request = self.centred(w * scale, h * scale, 0);
        self.place(PlaceRequest { content_id: Some(content.id.to_string()), ..request });
    }

    /// Places a frame for each task, side by side in the middle of the view.
    pub fn frame(self, tasks: &[Uuid]) {
        let side = 240.0 / self.view.get_untracked().zoom;
        for (i, task) in tasks.iter().enumerate() {
            let request = self.centred(side, side, i);
            self.place(PlaceRequest { task_id: Some(task.to_string()), ..request });
        }
    }

    /// Where an item `w` × `h` goes: the view's middle, the `nth` a little right of the last.
    fn centred(self, w: f64, h: f64, nth: usize) -> PlaceRequest {
        let view = self.view.get_untracked();
        let (sw, sh) = self
            .surface
            .get_untracked()
            .map_or((800.0, 600.0), |el| (f64::from(el.client_width()), f64::from(el.client_height())));
        let x = (sw / 2.0 - view.x) / view.zoom - w / 2.0 + nth as f64 * (w + 16.0 / view.zoom);
        let y = (sh / 2.0 - view.y) / view.zoom - h / 2.0;
        PlaceRequest { content_id: None, task_id: None, x, y, width: w, height: h }
    }

    /// Puts a frame for `task` where `old` is, and takes `old` off.
    pub(super) fn replace_frame(self, old: &BoardItemView, task: Uuid) {
        let (x, y, width, height) = (old.x, old.y, old.width, old.height);
        self.place(PlaceRequest { content_id: None, task_id: Some(task.to_string()), x, y, width, height });
        self.remove(old.id);
    }

    fn place(self, request: PlaceRequest) {
        self.run(async move {
            let item = place_on_board(Strict(request)).await?;
            self.items.update(|items| items.push(item));
            Ok(())
        });
    }

    /// Saves an item's new position and size (already shown); on refusal, reads the board again.
    pub(super) fn arrange(self, item: &BoardItemView) {
        let request =
            ArrangeRequest { id: item.id.to_string(), x: item.x, y: item.y, width: item.width, height: item.height };
        self.run(async move {
            let saved = arrange_board_item(Strict(request)).await;
            if saved.is_err() {
                self.reload();
            }
            self.put(saved?);
            Ok(())
        });
    }

    /// Shows an item as it now is (front-most last).
    pub(super) fn put(self, item: BoardItemView) {
        self.items.update(|items| {
            items.retain(|i| i.id != item.id);
            items.push(item);
            items.sort_by_key(|i| i.z);
        });
    }

    /// Stops showing an item (taken off elsewhere).
    pub(super) fn forget(self, id: Uuid) {
        self.items.update(|items| items.retain(|i| i.id != id));
    }

    pub(super) fn remove(self, id: Uuid) {
        self.forget(id);
        self.run(async move {
            let removed = remove_board_item(Strict(BoardItemRef { id: id.to_string() })).await;
            if removed.is_err() {
                self.reload();
            }
            removed
        });
    }

    fn run(self, action: impl std::future::Future<Output = Result<(), ApiError>> + 'static) {
        self.notice.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = action.await {
                self.notice.set(Some(t().error(&e)));
            }
        });
    }

    /// Zooms by `factor` about the screen point (`sx`, `sy`).
    fn zoom_at(self, factor: f64, sx: f64, sy: f64) {
        self.view.update(|v| {
            let zoom = (v.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
            let k = zoom / v.zoom;
            *v = Viewport { x: sx - (sx - v.x) * k, y: sy - (sy - v.y) * k, zoom };
        });
    }
}

/// The board beside the panel.
#[component]
pub fn Whiteboard() -> impl IntoView {
    let board = expect_context::<Board>();
    let t = t();
    // A background drag in progress: the pointer's last screen position.
    let panning = StoredValue::new(None::<(f64, f64)>);
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
                        panning.set_value(Some((f64::from(ev.client_x()), f64::from(ev.client_y()))));
                    }
                }
                on:pointermove=move |ev| {
                    if let Some((px, py)) = panning.get_value() {
                        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                        board.view.update(|v| { v.x += x - px; v.y += y - py; });
                        panning.set_value(Some((x, y)));
                    }
                }
                on:pointerup=move |_| panning.set_value(None)
                on:pointerleave=move |_| panning.set_value(None)
                on:wheel=move |ev| {
                    ev.prevent_default();
                    let factor = (-ev.delta_y() / 500.0).exp();
                    board.zoom_at(factor, f64::from(ev.offset_x()), f64::from(ev.offset_y()));
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
                <span class="board-zoom" data-testid="zoom">{move || format!("{:.0}%", board.view.get().zoom * 100.0)}</span>
                <button type="button" class="secondary" data-testid="zoom-in" aria-label=t.zoom_in
                    on:click=move |_| { let (x, y) = centre(); board.zoom_at(1.25, x, y) }>"+"</button>
                <button type="button" class="secondary" data-testid="zoom-reset"
                    on:click=move |_| board.view.set(Viewport { x: 0.0, y: 0.0, zoom: 1.0 })>{t.zoom_reset}</button>
            </div>
            {move || board.notice.get().map(|n| view! { <p class="board-notice" role="alert">{n}</p> })}
            <Show when=move || board.items.with(Vec::is_empty)>
                <p class="board-hint">{t.board_hint}</p>
            </Show>
        </section>
    }
}

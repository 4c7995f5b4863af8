//! The whiteboard's state: the owner's items as last read or changed, which part of the
//! board is in view, and the board's actions (place, arrange, remove), each shown at once
//! and saved on the server; a refusal reads the board again and says why.

use crate::api::{arrange_board_item, list_board, place_on_board, remove_board_item, ApiError, Strict};
use crate::components::shared::notice::run_noting;
use crate::domain::{ArrangeRequest, BoardItemRef, BoardItemView, Media, PlaceRequest};
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
    pub(super) surface: NodeRef<html::Div>,
    /// What the last board action failed with, if it did.
    pub(super) notice: RwSignal<Option<String>>,
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
    pub fn insert(self, media: &Media) {
        let (w, h) = (media.width.unwrap_or(512) as f64, media.height.unwrap_or(512) as f64);
        let scale = (PLACED_SIZE / w.max(h)).min(1.0) / self.view.get_untracked().zoom;
        let request = self.centred(w * scale, h * scale, 0);
        self.place(PlaceRequest { content_id: Some(media.id.to_string()), ..request });
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
    pub(crate) fn put(self, item: BoardItemView) {
        self.items.update(|items| {
            items.retain(|i| i.id != item.id);
            items.push(item);
            items.sort_by_key(|i| i.z);
        });
    }

    /// Stops showing an item (taken off elsewhere).
    pub(crate) fn forget(self, id: Uuid) {
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
        run_noting(self.notice, action);
    }

    /// Zooms by `factor` about the screen point (`sx`, `sy`).
    pub(super) fn zoom_at(self, factor: f64, sx: f64, sy: f64) {
        self.view.update(|v| {
            let zoom = (v.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
            let k = zoom / v.zoom;
            *v = Viewport { x: sx - (sx - v.x) * k, y: sy - (sy - v.y) * k, zoom };
        });
    }
}

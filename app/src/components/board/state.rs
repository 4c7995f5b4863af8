//! The whiteboard's state: the owner's items as last read or changed, which part of the
//! board is in view (remembered by the browser), and the board's actions (place at a free
//! spot in view, arrange, remove), each shown at once and saved on the server; a refusal
//! reads the board again and says why.

use super::placing::{free_spot, inside, Rect};
use crate::api::{arrange_board_item, list_board, place_on_board, remove_board_item, ApiError, Strict};
use crate::components::shared::notice::run_noting;
use crate::components::shared::phone::{Pane, PhoneView};
use crate::components::shared::toasts::{Toasts, Tone};
use crate::domain::{ArrangeRequest, BoardItemRef, BoardItemView, BoardQuery, Media, PlaceRequest};
use crate::i18n::t;
use leptos::html;
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

/// The zoom limits.
const MIN_ZOOM: f64 = 0.1;
const MAX_ZOOM: f64 = 4.0;
/// How large a newly placed item looks on screen, at most (px).
const PLACED_SIZE: f64 = 240.0;

/// Which part of the board is in view: the screen point of the board's origin, and the zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

/// Where the browser remembers the view.
#[cfg(feature = "hydrate")]
const VIEW_KEY: &str = "atelier-board-view";

/// The board's state; provided by the workspace.
#[derive(Clone, Copy)]
pub struct Board {
    pub(super) items: RwSignal<Vec<BoardItemView>>,
    pub(super) view: RwSignal<Viewport>,
    pub(super) surface: NodeRef<html::Div>,
    /// What the last board action failed with, if it did.
    pub(super) notice: RwSignal<Option<String>>,
    /// Items asked for and not yet placed: new ones keep clear of them too.
    placing: RwSignal<Vec<Rect>>,
    /// Items taken off, so that an older view of one arriving late does not bring it back.
    removed: StoredValue<HashSet<Uuid>>,
    toasts: Toasts,
    phone: PhoneView,
}

impl Board {
    pub fn new(toasts: Toasts, phone: PhoneView) -> Self {
        let board = Self {
            items: RwSignal::new(Vec::new()),
            view: RwSignal::new(Viewport { x: 0.0, y: 0.0, zoom: 1.0 }),
            surface: NodeRef::new(),
            notice: RwSignal::new(None),
            placing: RwSignal::new(Vec::new()),
            removed: StoredValue::new(HashSet::new()),
            toasts,
            phone,
        };
        #[cfg(feature = "hydrate")]
        {
            // A page that only asks to sign in (guests off) has no board to read.
            if expect_context::<crate::components::shared::membership::Membership>().may_read() {
                board.reload();
            }
            board.remember_view();
        }
        board
    }

    /// Takes up the view this browser last had, and remembers each change of it.
    #[cfg(feature = "hydrate")]
    fn remember_view(self) {
        let stored = crate::browser::remembered(VIEW_KEY).and_then(|s| {
            let mut parts = s.split(',').map(str::parse::<f64>);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(Ok(x)), Some(Ok(y)), Some(Ok(zoom))) if zoom.is_finite() => {
                    Some(Viewport { x, y, zoom: zoom.clamp(MIN_ZOOM, MAX_ZOOM) })
                }
                _ => None,
            }
        });
        // Once hydrated: the server drew the board at its default view.
        Effect::new(move |_| {
            if let Some(view) = stored {
                self.view.set(view);
            }
        });
        Effect::new(move |_| {
            let v = self.view.get();
            crate::browser::remember(VIEW_KEY, &format!("{},{},{}", v.x, v.y, v.zoom));
        });
    }

    /// Reads the items again from the server, page after page, and shows them merged with
    /// what this page learned meanwhile ([`rebase`]).
    pub fn reload(self) {
        self.run(async move {
            let mut items = Vec::new();
            let (mut cursor, mut seq) = (None, None);
            loop {
                let page = list_board(Strict(BoardQuery { cursor, limit: None })).await?;
                seq.get_or_insert(page.seq); // the first page's: read before any item
                items.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            let seq = seq.unwrap_or_default();
            let (items, deleted) = self
                .items
                .with_untracked(|known| self.removed.with_value(|removed| rebase(known, items, seq, removed)));
            self.removed.update_value(|removed| removed.extend(deleted));
            self.items.set(items);
            Ok(())
        });
    }

    /// Places a result at a free spot in view, at most [`PLACED_SIZE`] on screen, and says
    /// so; where the board is not shown (a phone), the toast offers to show it.
    pub fn insert(self, media: &Media) {
        let (w, h) = (media.width.unwrap_or(512) as f64, media.height.unwrap_or(512) as f64);
        let scale = (PLACED_SIZE / w.max(h)).min(1.0) / self.view.get_untracked().zoom;
        let request = self.spot(w * scale, h * scale, &[]);
        self.place(PlaceRequest { content_id: Some(media.id.to_string()), ..request });
        let t = t();
        if self.shown() {
            self.toasts.show(t.placed.into(), Tone::Info, 3_000);
        } else {
            let phone = self.phone;
            self.toasts.with_action(t.placed.into(), t.open_board, move || phone.show(Pane::Board), 6_000);
        }
    }

    /// Places a frame for each task, each at a free spot in view.
    pub fn frame(self, tasks: &[Uuid]) {
        let side = 240.0 / self.view.get_untracked().zoom;
        let mut chosen = Vec::new();
        for task in tasks {
            let request = self.spot(side, side, &chosen);
            chosen.push(Rect { x: request.x, y: request.y, w: side, h: side });
            self.place(PlaceRequest { task_id: Some(task.to_string()), ..request });
        }
    }

    /// Whether the board is on screen.
    fn shown(self) -> bool {
        self.surface.get_untracked().is_some_and(|el| el.client_width() > 0)
    }

    /// Where an item `w` × `h` goes: a free spot in view, nearest its middle, clear of the
    /// items there and of those `also` about to be placed.
    fn spot(self, w: f64, h: f64, also: &[Rect]) -> PlaceRequest {
        let view = self.view.get_untracked();
        let (sw, sh) = self
            .surface
            .get_untracked()
            .map(|el| (f64::from(el.client_width()), f64::from(el.client_height())))
            .filter(|(w, h)| *w > 0.0 && *h > 0.0)
            .unwrap_or_else(window_size);
        let visible = Rect { x: -view.x / view.zoom, y: -view.y / view.zoom, w: sw / view.zoom, h: sh / view.zoom };
        let mut taken: Vec<Rect> = self
            .items
            .with_untracked(|items| items.iter().map(|i| Rect { x: i.x, y: i.y, w: i.width, h: i.height }).collect());
        taken.extend_from_slice(also);
        taken.extend(self.placing.get_untracked());
        let (x, y) = free_spot(visible, &taken, w, h, 16.0 / view.zoom);
        if !inside(Rect { x, y, w, h }, visible) {
            // No room in view: the spot found beyond it is brought to the view's middle.
            let (cx, cy) = (x + w / 2.0, y + h / 2.0);
            self.view.update(|v| {
                v.x = sw / 2.0 - cx * v.zoom;
                v.y = sh / 2.0 - cy * v.zoom;
            });
        }
        PlaceRequest { content_id: None, task_id: None, x, y, width: w, height: h }
    }

    /// Puts a frame for `task` where `old` is, and takes `old` off.
    pub(super) fn replace_frame(self, old: &BoardItemView, task: Uuid) {
        let (x, y, width, height) = (old.x, old.y, old.width, old.height);
        self.place(PlaceRequest { content_id: None, task_id: Some(task.to_string()), x, y, width, height });
        self.remove(old.id);
    }

    fn place(self, request: PlaceRequest) {
        let spot = Rect { x: request.x, y: request.y, w: request.width, h: request.height };
        self.placing.update(|p| p.push(spot));
        self.run(async move {
            let placed = place_on_board(Strict(request)).await;
            self.placing.update(|p| p.retain(|r| *r != spot));
            // `put`: the live event of this placement may have shown it already.
            self.put(placed?);
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

    /// Shows an item as it now is (front-most last), unless a newer view of it is shown or
    /// it was taken off.
    pub(crate) fn put(self, item: BoardItemView) {
        if self.removed.with_value(|removed| removed.contains(&item.id)) {
            return;
        }
        self.items.update(|items| {
            if items.iter().any(|i| i.id == item.id && i.version >= item.version) {
                return;
            }
            items.retain(|i| i.id != item.id);
            items.push(item);
            items.sort_by_key(|i| i.z);
        });
    }

    /// Shows an item as changed here, before the server has it (its version unchanged, so
    /// the server's answer replaces it).
    pub(super) fn show_changed(self, item: BoardItemView) {
        self.items.update(|items| {
            items.retain(|i| i.id != item.id);
            items.push(item);
            items.sort_by_key(|i| i.z);
        });
    }

    /// Stops showing an item for good (taken off here or elsewhere).
    pub(crate) fn forget(self, id: Uuid) {
        self.removed.update_value(|removed| {
            removed.insert(id);
        });
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

/// The items a fresh read of the whole board (`read`, whose first page was read after the
/// owner's creation number `seq`) makes with those `known` here: a known item in a newer
/// version keeps it, one placed after the read (its `seq` above) stays, a removed one stays
/// off. Also returns the known items the read lacks though they were placed before it:
/// taken off.
fn rebase(
    known: &[BoardItemView],
    read: Vec<BoardItemView>,
    seq: u64,
    removed: &HashSet<Uuid>,
) -> (Vec<BoardItemView>, Vec<Uuid>) {
    let in_read: HashSet<Uuid> = read.iter().map(|i| i.id).collect();
    let shown: std::collections::HashMap<Uuid, &BoardItemView> = known.iter().map(|k| (k.id, k)).collect();
    let mut items: Vec<BoardItemView> = read
        .into_iter()
        .filter(|i| !removed.contains(&i.id))
        .map(|item| match shown.get(&item.id) {
            Some(newer) if newer.version > item.version => (*newer).clone(),
            _ => item,
        })
        .collect();
    let later = known.iter().filter(|k| k.seq > seq && !in_read.contains(&k.id) && !removed.contains(&k.id));
    items.extend(later.cloned());
    items.sort_by_key(|i| i.z);
    let deleted = known.iter().filter(|k| k.seq <= seq && !in_read.contains(&k.id)).map(|k| k.id).collect();
    (items, deleted)
}

/// The board's size on screen when it is not drawn (a phone shows the queue): the window's,
/// as the board takes the whole screen there, so an item placed now lands in the middle of
/// what the board shows when it is opened.
fn window_size() -> (f64, f64) {
    #[cfg(feature = "hydrate")]
    if let Some(size) = crate::browser::window_size() {
        return size;
    }
    (800.0, 600.0)
}

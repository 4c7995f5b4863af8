//! One item on the whiteboard: a placed result (image, or video with its controls) or a
//! frame that shows its task's state (progress, the failure with Retry) until the result
//! takes its place. Drag it to move it, drag its corner to resize it (proportions kept),
//! × or Delete to take it off; with the keyboard, arrows move it and + / − size it.
//! Each change is shown at once and saved when the gesture ends.

use super::gesture::{resized, Drag, Gesture};
use super::state::Board;
use crate::api::{retry_task, Strict};
use crate::components::queue::known::Held;
use crate::components::queue::state::Queue;
use crate::components::shared::membership::Membership;
use crate::components::shared::text::excerpt;
use crate::domain::{BoardItemView, Media, TaskRef, TaskStatus};
use crate::i18n::{t, Label, Locale};
use leptos::html;
use leptos::prelude::*;

/// One item, shown as the board has it or as a gesture moves it.
#[component]
pub fn BoardItem(item: BoardItemView) -> impl IntoView {
    let board = expect_context::<Board>();
    let queue = expect_context::<Queue>();
    // A viewer's board shows the items; dragging one pans the board instead.
    let editable = expect_context::<Membership>().can_edit();
    let t = t();
    let id = item.id;
    let stored = Memo::new(move |_| board.items.with(|items| items.iter().find(|i| i.id == id).cloned()));
    // The item as a gesture has it, until the gesture ends.
    let live = RwSignal::new(None::<BoardItemView>);
    let shown = move || live.get().or_else(|| stored.get());
    let drag = StoredValue::new(None::<Drag>);
    let root = NodeRef::<html::Div>::new();

    let start = move |ev: leptos::ev::PointerEvent, gesture: Gesture| {
        if !editable {
            return;
        }
        ev.stop_propagation();
        let Some(origin) = shown() else { return };
        if let Some(el) = root.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        drag.set_value(Some(Drag { gesture, from: (f64::from(ev.client_x()), f64::from(ev.client_y())), origin }));
    };
    let follow = move |ev: leptos::ev::PointerEvent| {
        let Some(d) = drag.get_value() else { return };
        let zoom = board.view.get_untracked().zoom;
        let (dx, dy) = ((f64::from(ev.client_x()) - d.from.0) / zoom, (f64::from(ev.client_y()) - d.from.1) / zoom);
        live.set(Some(match d.gesture {
            Gesture::Move => BoardItemView { x: d.origin.x + dx, y: d.origin.y + dy, ..d.origin },
            Gesture::Resize => resized(&d.origin, d.origin.width + dx),
        }));
    };
    let end = move |_| {
        drag.set_value(None);
        if let Some(moved) = live.get_untracked() {
            if Some(&moved) != stored.get_untracked().as_ref() {
                board.show_changed(moved.clone());
                board.arrange(&moved);
            }
            live.set(None);
        }
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let Some(item) = stored.get_untracked().filter(|_| editable) else { return };
        let step = if ev.shift_key() { 50.0 } else { 10.0 } / board.view.get_untracked().zoom;
        let changed = match ev.key().as_str() {
            "ArrowLeft" => BoardItemView { x: item.x - step, ..item.clone() },
            "ArrowRight" => BoardItemView { x: item.x + step, ..item.clone() },
            "ArrowUp" => BoardItemView { y: item.y - step, ..item.clone() },
            "ArrowDown" => BoardItemView { y: item.y + step, ..item.clone() },
            "+" | "=" => resized(&item, item.width * 1.1),
            "-" => resized(&item, item.width / 1.1),
            "Delete" | "Backspace" => {
                ev.prevent_default();
                return board.remove(id);
            }
            _ => return,
        };
        ev.prevent_default();
        board.show_changed(changed.clone());
        board.arrange(&changed);
    };
    let style = move || {
        shown().map(|i| {
            format!("left: {}px; top: {}px; width: {}px; height: {}px; z-index: {};", i.x, i.y, i.width, i.height, i.z)
        })
    };
    // What a frame's task is now, from the queue.
    let task = Memo::new(move |_| {
        let task_id = stored.get().and_then(|i| i.task_id)?;
        queue.task(task_id)
    });
    let body = move || match (stored.get().and_then(|i| i.media), task.get()) {
        (Some(media), _) => media_view(&media).into_any(),
        (None, Some(task)) => match task.result.clone() {
            Some(c) => media_view(&c.media).into_any(),
            None => frame_view(task, stored.get_untracked()).into_any(),
        },
        (None, None) => view! { <div class="frame"><span class="muted">{t.frame_waiting}</span></div> }.into_any(),
    };
    view! {
        <div class="board-item" tabindex="0" node_ref=root style=style data-testid="board-item"
            data-item-id=id.to_string() data-framed=move || task.with(|t| t.is_some()).to_string()
            on:pointerdown=move |ev| start(ev, Gesture::Move)
            on:pointermove=follow on:pointerup=end on:pointercancel=end on:keydown=keys>
            {body}
            {editable.then(|| view! {
                <button type="button" class="board-item-remove" data-testid="board-item-remove" aria-label=t.remove_from_board
                    on:pointerdown=|ev| ev.stop_propagation() on:click=move |_| board.remove(id)>"×"</button>
                <span class="board-item-resize" data-testid="board-item-resize" aria-hidden="true"
                    on:pointerdown=move |ev| start(ev, Gesture::Resize)></span>
            })}
        </div>
    }
}

fn media_view(media: &Media) -> impl IntoView {
    let url = media.url();
    if media.is_video() {
        view! {
            <video src=url poster=media.still_url() controls=true preload="metadata" draggable="false"
                data-testid="board-media"></video>
        }
        .into_any()
    } else {
        view! { <img src=url alt="" draggable="false" data-testid="board-media"/> }.into_any()
    }
}

/// A frame: the task's prompt and state, with Retry when it failed (a frame for the new
/// task then takes this one's place).
fn frame_view(task: Held, item: Option<BoardItemView>) -> impl IntoView {
    let t = t();
    let queue = expect_context::<Queue>();
    let board = expect_context::<Board>();
    let (id, progress) = (task.id, queue.progress_of(&task));
    let retry = move |_| {
        let item = item.clone();
        leptos::task::spawn_local(async move {
            if let (Ok(new), Some(item)) = (retry_task(Strict(TaskRef { id: id.to_string() })).await, &item) {
                board.replace_frame(item, new.id);
                queue.upsert(new);
            }
        });
    };
    view! {
        <div class="frame" data-testid="frame" data-status=task.status.as_str()>
            <span class="frame-prompt">{excerpt(task.params.prompt(), 60)}</span>
            <span class=format!("badge status-{}", task.status.as_str())>{task.status.label(Locale::of_page())}</span>
            {(task.status == TaskStatus::Processing).then(|| view! {
                <progress max="100" value=progress aria-label=t.progress></progress>
            })}
            {task.error.as_ref().filter(|_| task.status == TaskStatus::Failed).map(|e| t.failure(e)).map(|reason| view! {
                <span class="task-error">{reason}</span>
                <button type="button" class="link" data-testid="frame-retry"
                    on:pointerdown=|ev| ev.stop_propagation() on:click=retry.clone()>{t.retry}</button>
            })}
        </div>
    }
}

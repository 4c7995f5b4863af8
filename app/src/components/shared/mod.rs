//! What every part of the page uses, and nothing of any feature: the page's clock and the
//! times it shows, the overlays (the lightbox; the details drawer is the queue's), toasts,
//! who the page is for and what their role allows, the language and theme switches, the panel's edge, menus, icons, a
//! notice line's background action, and shared words. Never
//! imports `queue`, `board` or `form`.

pub mod clock;
pub mod dialog;
pub mod icons;
pub mod language;
pub mod lightbox;
pub mod listen;
pub mod membership;
pub mod menu;
pub mod navigate;
pub mod notice;
pub mod overlay;
pub mod phone;
pub mod resizer;
pub mod text;
pub mod theme;
pub mod time;
pub mod toast_list;
pub mod toasts;

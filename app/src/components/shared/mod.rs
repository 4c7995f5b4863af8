//! What every part of the page uses, and nothing of any feature: the page's clock and the
//! times it shows, the overlays (the lightbox; the details drawer is the queue's), toasts,
//! the language switcher, a notice line's background action, and shared words. Never
//! imports `queue`, `board` or `form`.

pub mod clock;
pub mod language;
pub mod lightbox;
pub mod notice;
pub mod overlay;
pub mod text;
pub mod time;
pub mod toast_list;
pub mod toasts;

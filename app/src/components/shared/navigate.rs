//! Loading the page again: after a sign-in or sign-out, a switch of workspace or a
//! membership change, so that the queue, the board and the event stream all follow who
//! the page is for now.

/// Loads the page again at the same address.
pub fn reload() {
    #[cfg(feature = "hydrate")]
    let _ = leptos::prelude::window().location().reload();
}

/// Loads the page at `/` (an invite link's token leaves the address bar).
pub fn reload_at_home() {
    #[cfg(feature = "hydrate")]
    let _ = leptos::prelude::window().location().set_href("/");
}

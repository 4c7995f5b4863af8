//! What the lightbox and the details drawer share: one thing shown over the page at a
//! time, closed by Escape or its Close button. Opening takes focus to that button; closing
//! gives it back to where it was (the row's button that opened it), which is marked with
//! `data-overlay-opener` meanwhile (a mark, not a handle, so nothing browser-only is
//! kept in the reactive state).

use leptos::prelude::*;

/// What an overlay shows, if anything; provided by the workspace, one per kind.
pub struct Overlay<T: Send + Sync + 'static>(RwSignal<Option<T>>);

impl<T: Send + Sync + 'static> Clone for Overlay<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Overlay<T> {}

impl<T: Clone + Send + Sync + 'static> Overlay<T> {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    /// Shows `value`, remembering where the focus was.
    pub fn open(self, value: T) {
        browser::mark_opener();
        self.0.set(Some(value));
    }

    /// Hides it and gives the focus back.
    pub fn close(self) {
        if self.0.get_untracked().is_some() {
            self.0.set(None);
            browser::refocus_opener();
        }
    }

    /// What is shown (tracked).
    pub fn shown(self) -> Option<T> {
        self.0.get()
    }

    /// Closes on Escape and focuses `close` on opening, for the overlay's lifetime.
    pub fn wire(self, close: NodeRef<leptos::html::Button>) {
        let escape = window_event_listener(leptos::ev::keydown, move |e| {
            if e.key() == "Escape" {
                self.close();
            }
        });
        on_cleanup(move || escape.remove());
        Effect::new(move |_| {
            if let (true, Some(button)) = (self.0.with(Option::is_some), close.get()) {
                let _ = button.focus();
            }
        });
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::wasm_bindgen::JsCast;

    const MARK: &str = "data-overlay-opener";

    fn document() -> Option<web_sys::Document> {
        web_sys::window().and_then(|w| w.document())
    }

    pub fn mark_opener() {
        let Some(document) = document() else { return };
        if let Ok(Some(old)) = document.query_selector(&format!("[{MARK}]")) {
            let _ = old.remove_attribute(MARK);
        }
        if let Some(active) = document.active_element() {
            let _ = active.set_attribute(MARK, "");
        }
    }

    pub fn refocus_opener() {
        let Some(document) = document() else { return };
        if let Ok(Some(opener)) = document.query_selector(&format!("[{MARK}]")) {
            let _ = opener.remove_attribute(MARK);
            if let Ok(element) = opener.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn mark_opener() {}
    pub fn refocus_opener() {}
}

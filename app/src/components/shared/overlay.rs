//! What the lightbox and the details drawer share: one thing shown over the page at a
//! time, closed by Escape or its Close button. Opening takes focus to that button; closing
//! gives it back to the row's button that opened it, found again by the row's task id and
//! the button's test id (the row may have been drawn anew meanwhile, as its task changed).

use super::listen::on_window;
use leptos::prelude::*;

/// What an overlay shows, if anything; provided by the workspace, one per kind.
pub struct Overlay<T: Send + Sync + 'static> {
    shown: RwSignal<Option<T>>,
    /// Where the button that opened it is: a CSS selector.
    opener: StoredValue<Option<String>>,
}

impl<T: Send + Sync + 'static> Clone for Overlay<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Overlay<T> {}

impl<T: Clone + Send + Sync + 'static> Overlay<T> {
    pub fn new() -> Self {
        Self { shown: RwSignal::new(None), opener: StoredValue::new(None) }
    }

    /// Shows `value`, remembering where the focus was.
    pub fn open(self, value: T) {
        self.opener.set_value(browser::opener());
        self.shown.set(Some(value));
    }

    /// Hides it and gives the focus back.
    pub fn close(self) {
        if self.shown.get_untracked().is_some() {
            self.shown.set(None);
            if let Some(opener) = self.opener.get_value() {
                browser::focus(&opener);
            }
        }
    }

    /// What is shown (tracked).
    pub fn shown(self) -> Option<T> {
        self.shown.get()
    }

    /// Closes on Escape and focuses `close` on opening, for the overlay's lifetime.
    pub fn wire(self, close: NodeRef<leptos::html::Button>) {
        on_window(leptos::ev::keydown, move |e| {
            if e.key() == "Escape" {
                self.close();
            }
        });
        Effect::new(move |_| {
            if let (true, Some(button)) = (self.shown.with(Option::is_some), close.get()) {
                let _ = button.focus();
            }
        });
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::browser::document;
    use leptos::wasm_bindgen::JsCast;

    /// The focused element, as a selector that finds it again: its test id within its row.
    pub fn opener() -> Option<String> {
        let active = document()?.active_element()?;
        let test_id = active.get_attribute("data-testid")?;
        let task = active.closest("[data-task-id]").ok()??.get_attribute("data-task-id")?;
        Some(format!("[data-task-id=\"{task}\"] [data-testid=\"{test_id}\"]"))
    }

    pub fn focus(selector: &str) {
        let found = document().and_then(|d| d.query_selector(selector).ok().flatten());
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn opener() -> Option<String> {
        None // nothing has the focus on the server
    }
    pub fn focus(_: &str) {}
}

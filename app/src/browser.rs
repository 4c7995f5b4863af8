//! The page's document as the browser has it, through `web_sys`: the one place that reaches
//! for it, so that the components and `i18n` share one way. Compiled into the browser's
//! build only (`hydrate`); the server has no document.

/// The page's document, if there is one.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Whether the page's tab is hidden (another tab in front, or the window minimised).
pub fn hidden() -> bool {
    document().is_some_and(|d| d.hidden())
}

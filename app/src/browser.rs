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

/// What this browser remembers under `key` (`localStorage`), if it can say.
pub fn remembered(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

/// Remembers `value` under `key` for this browser (best effort: private modes may refuse).
pub fn remember(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

/// Sets an attribute of `<html>` (the page's language, its theme).
pub fn set_root_attribute(name: &str, value: &str) {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute(name, value);
    }
}

/// The value of the form control with this id, as the person left it (typed before the
/// page's script arrived, say), if there is one.
pub fn control_value(id: &str) -> Option<String> {
    let control = document()?.get_element_by_id(id)?;
    js_sys::Reflect::get(&control, &"value".into()).ok()?.as_string()
}

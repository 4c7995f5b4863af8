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

/// What can take the focus inside `root`, in tab order (none disabled or hidden).
fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    use leptos::wasm_bindgen::JsCast;
    const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
                             select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
    let Ok(found) = root.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|e| e.offset_parent().is_some()) // drawn (not in a hidden part)
        .collect()
}

/// The element that has the focus now, if any.
pub fn focused() -> Option<web_sys::HtmlElement> {
    use leptos::wasm_bindgen::JsCast;
    document()?.active_element()?.dyn_into().ok()
}

/// Focuses the first field in `root` (where a person starts), else the first thing that
/// can take the focus.
pub fn focus_first(root: &web_sys::Element) {
    let all = focusables(root);
    let field = all.iter().find(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    if let Some(target) = field.or(all.first()) {
        let _ = target.focus();
    }
}

/// Keeps Tab and Shift+Tab inside `root` (a modal dialog): past the last, back to the first.
pub fn keep_tab_inside(ev: &web_sys::KeyboardEvent, root: &web_sys::Element) {
    if ev.key() != "Tab" {
        return;
    }
    let all = focusables(root);
    let (Some(first), Some(last)) = (all.first(), all.last()) else { return };
    let active = focused();
    let inside = active.as_ref().is_some_and(|a| root.contains(Some(a)));
    let wrap = if ev.shift_key() {
        (!inside || active.as_ref() == Some(first)).then_some(last)
    } else {
        (!inside || active.as_ref() == Some(last)).then_some(first)
    };
    if let Some(target) = wrap {
        ev.prevent_default();
        let _ = target.focus();
    }
}

/// The window's inner size in CSS pixels.
pub fn window_size() -> Option<(f64, f64)> {
    let window = web_sys::window()?;
    Some((window.inner_width().ok()?.as_f64()?, window.inner_height().ok()?.as_f64()?))
}

/// Where `element`'s top left corner is in the window (CSS pixels).
pub fn origin_of(element: &web_sys::Element) -> (f64, f64) {
    let rect = element.get_bounding_client_rect();
    (rect.left(), rect.top())
}

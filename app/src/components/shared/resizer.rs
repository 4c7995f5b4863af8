//! The edge between the whiteboard and the panel: dragged, or moved with the arrow keys
//! when focused, it sets the panel's width, which this browser remembers. Until then the
//! style sheet's width holds (a share of the window, within bounds).

use crate::i18n::t;
use leptos::prelude::*;

/// Where the browser remembers the width.
#[cfg(feature = "hydrate")]
const KEY: &str = "atelier-panel-width";
const NARROWEST: f64 = 400.0;
/// The whiteboard keeps at least this much.
#[cfg(feature = "hydrate")]
const BOARD_AT_LEAST: f64 = 320.0;
/// One arrow key's step.
const STEP: f64 = 16.0;
/// Half the edge's width: a pointer holds the edge by its middle.
const HALF_EDGE: f64 = 3.0;

/// The panel's width in px once chosen, as the page's `--panel-width`.
#[derive(Clone, Copy)]
pub struct PanelWidth(RwSignal<Option<f64>>);

impl PanelWidth {
    pub fn new() -> Self {
        let width = Self(RwSignal::new(None));
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| {
            if let Some(px) = crate::browser::remembered(KEY).and_then(|w| w.parse::<f64>().ok()) {
                width.set(px);
            }
        });
        width
    }

    /// The style that carries a chosen width to the layout.
    pub fn style(self) -> Option<String> {
        self.0.get().map(|px| format!("--panel-width: {}px", px.round()))
    }

    /// Sets the width within bounds (the board keeps its share of the window).
    fn set(self, px: f64) {
        #[cfg(feature = "hydrate")]
        let px = px.min(window_width() - BOARD_AT_LEAST);
        self.0.set(Some(px.max(NARROWEST)));
    }

    fn remember(self) {
        #[cfg(feature = "hydrate")]
        if let Some(px) = self.0.get_untracked() {
            crate::browser::remember(KEY, &px.round().to_string());
        }
    }
}

#[cfg(feature = "hydrate")]
fn window_width() -> f64 {
    window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1366.0)
}

#[component]
pub fn PanelResizer(width: PanelWidth) -> impl IntoView {
    let dragging = StoredValue::new(false);
    // The panel's width with the edge at `x` px from the window's left.
    let right_of = move |x: f64| {
        #[cfg(feature = "hydrate")]
        return window_width() - x;
        #[cfg(not(feature = "hydrate"))]
        x
    };
    view! {
        <div class="panel-resizer" role="separator" aria-orientation="vertical" tabindex="0"
            aria-label=t().resize_panel data-testid="panel-resizer"
            on:pointerdown=move |ev| {
                dragging.set_value(true);
                #[cfg(feature = "hydrate")]
                {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = el.set_pointer_capture(ev.pointer_id());
                    }
                }
                let _ = ev;
            }
            on:pointermove=move |ev| if dragging.get_value() {
                width.set(right_of(f64::from(ev.client_x()) + HALF_EDGE))
            }
            on:pointerup=move |_| {
                dragging.set_value(false);
                width.remember();
            }
            on:keydown=move |ev| {
                let step = match ev.key().as_str() {
                    "ArrowLeft" => STEP,
                    "ArrowRight" => -STEP,
                    _ => return,
                };
                ev.prevent_default();
                #[cfg(feature = "hydrate")]
                {
                    use leptos::wasm_bindgen::JsCast;
                    let edge = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                    if let Some(edge) = edge {
                        width.set(right_of(edge.get_bounding_client_rect().right()) + step);
                        width.remember();
                    }
                }
                let _ = step;
            }>
        </div>
    }
}

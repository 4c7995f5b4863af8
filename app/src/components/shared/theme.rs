//! Light and dark: the system's choice until the reader picks one with the switch, which
//! this browser then remembers. The theme is `data-theme` on `<html>`, read by the style
//! sheet's custom properties; [`EARLY_SCRIPT`] sets a remembered one before the first paint.

use super::icons::Icon;
use crate::i18n::t;
use leptos::prelude::*;

/// Where the browser remembers the choice.
#[cfg(feature = "hydrate")]
const KEY: &str = "atelier-theme";

/// Applies a remembered theme before the page is painted (the page's one inline script).
pub const EARLY_SCRIPT: &str =
    "try{var t=localStorage.getItem('atelier-theme');if(t)document.documentElement.setAttribute('data-theme',t)}catch(e){}";

/// A button that switches to the other theme.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| dark.set(shown_dark()));
    let switch = move |_| {
        let next = !dark.get_untracked();
        dark.set(next);
        #[cfg(feature = "hydrate")]
        {
            let theme = if next { "dark" } else { "light" };
            crate::browser::set_root_attribute("data-theme", theme);
            crate::browser::remember(KEY, theme);
        }
    };
    let t = t();
    let label = move || if dark.get() { t.theme_light } else { t.theme_dark };
    view! {
        <button type="button" class="icon-button" data-testid="theme-toggle" on:click=switch
            title=label aria-label=label>
            {move || if dark.get() { Icon::Sun.view(18).into_any() } else { Icon::Moon.view(18).into_any() }}
        </button>
    }
}

/// Whether the page shows the dark theme: the one chosen, else the system's.
#[cfg(feature = "hydrate")]
fn shown_dark() -> bool {
    match crate::browser::remembered(KEY).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

//! The language switcher: English or 简体中文, remembered in a cookie. Choosing one draws
//! the workspace's view again in it, without a reload: what is typed in the form, the
//! loaded queue and the board stay as they are (their state lives above the view).

use crate::i18n::{t, Locale};
use leptos::prelude::*;

/// The page's language as a signal the workspace's view follows.
#[derive(Clone, Copy)]
pub struct PageLanguage(RwSignal<Locale>);

impl PageLanguage {
    pub fn new() -> Self {
        Self(RwSignal::new(Locale::of_page()))
    }

    /// Subscribes the caller to language changes.
    pub fn track(self) {
        self.0.track();
    }

    fn choose(self, locale: Locale) {
        locale.choose();
        self.0.set(locale);
    }
}

#[component]
pub fn LanguagePicker() -> impl IntoView {
    let language = expect_context::<PageLanguage>();
    let current = Locale::of_page();
    view! {
        <label class="language">
            <span class="sr-only">{t().language}</span>
            <select data-testid="language" on:change=move |ev| {
                if let Some(locale) = Locale::from_tag(&event_target_value(&ev)).filter(|l| *l != current) {
                    language.choose(locale);
                }
            }>
                {Locale::ALL.map(|l| view! {
                    <option value=l.tag() lang=l.tag() selected=l == current>{l.name()}</option>
                })}
            </select>
        </label>
    }
}

//! The language switcher: English or 简体中文, remembered in a cookie; choosing one renders
//! the page again in it.

use crate::i18n::{t, Locale};
use leptos::prelude::*;

#[component]
pub fn LanguagePicker() -> impl IntoView {
    let current = Locale::of_page();
    view! {
        <label class="language">
            <span class="sr-only">{t().language}</span>
            <select data-testid="language" on:change=move |ev| {
                if let Some(locale) = Locale::from_tag(&event_target_value(&ev)).filter(|l| *l != current) {
                    locale.choose();
                }
            }>
                {Locale::ALL.map(|l| view! {
                    <option value=l.tag() lang=l.tag() selected=l == current>{l.name()}</option>
                })}
            </select>
        </label>
    }
}

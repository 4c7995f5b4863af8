//! The page's slim header: the product's name, then the workspace, the account, notifications, the theme
//! and the language.

use crate::components::account::AccountMenu;
use crate::components::notify::NotifyToggle;
use crate::components::shared::language::LanguagePicker;
use crate::components::shared::theme::ThemeToggle;
use crate::components::workspace::WorkspaceMenu;
use leptos::prelude::*;

#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar" data-testid="topbar">
            <span class="brand">"Atelier"</span>
            <div class="topbar-tools">
                <WorkspaceMenu/>
                <AccountMenu/>
                <NotifyToggle/>
                <ThemeToggle/>
                <LanguagePicker/>
            </div>
        </header>
    }
}
